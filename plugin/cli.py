"""The `plangate` command: check, apply, policies, explain, formats.

It parses the command line (`plangate.arguments`), asks a `plangate.Gate` to decide, and
writes what the formats render (`plangate.outputs`); nothing else. Exit codes: 0 pass,
1 blocked, 2 error. Errors print one line and no traceback unless `--debug`; plangate
fails closed, so nothing unexpected ever exits 0.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

from .errors import GateTimeout, PlangateError

if TYPE_CHECKING:
    import argparse

    from .gate import Gate
    from .outputs import Formats
    from .plan import Plan
    from .policy import Enforcement, Policy, Severity
    from .report import Report
    from .time_limit import TimeLimit

__all__ = ["main", "run"]

EXIT_PASS, EXIT_BLOCK, EXIT_ERROR = 0, 1, 2
# Commands that load packs; `check` and `apply` also take the options packs add.
PACK_COMMANDS = ("check", "apply", "policies", "explain")
# The plans a console-script run read, kept until the process exits (see `run`); None
# when `main` is called in a process that goes on.
_RETAINED: list[Plan] | None = None


def run() -> NoReturn:
    """The console script: `main`, then exit without tearing the interpreter down.

    A large plan is millions of objects; freeing them one by one at exit costs a few
    tenths of a second and decides nothing. Everything the run wrote is flushed first
    (report files are written whole and closed by then); if flushing fails, the
    interpreter's own exit reports it as it always did.

    The cyclic collector is off for the same reason: this process runs one command and
    ends, reference counting frees what the run drops, and the collector's passes over
    the plan's model (hundreds of them on a large plan) decide nothing either (about
    90 ms of a 20,000-resource check; peak memory measured unchanged, bench/README.md).
    Library callers (`plangate.check`, the pytest plugin) keep their collector.
    """
    global _RETAINED
    _RETAINED = []
    gc.disable()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # what argparse prints, without importing the rest
        from ._version import VERSION

        print(f"plangate {VERSION}")
        return EXIT_PASS
    command = next((a for a in argv if not a.startswith("-")), None)
    debug = "--debug" in (argv[: argv.index("--")] if "--" in argv else argv)
    try:
        if command in ("check", "apply", "map"):
            return _gate_command(argv, command, debug)
        args = _parse(argv)
        if args.command == "policies":
            return _list_policies(args)
        if args.command == "explain":
            return _explain(args)
        return _list_formats()
    except _Exit as exc:
        return exc.code
    except PlangateError as exc:
        if debug:
            _print_traceback()
        _stderr("error", exc.message)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("plangate: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # fail closed: an internal error is exit 2, never 0
        if debug:
            _print_traceback()
            return EXIT_ERROR
        # Not the exception's text: it may quote a value of the plan (a secret), and no
        # plan is at hand here to clean it with. --debug shows it.
        _stderr("internal error", f"{type(exc).__name__} (rerun with --debug and report it)")
        return EXIT_ERROR
    except BaseException as exc:  # SystemExit or the like from code plangate does not own
        if debug:
            _print_traceback()
        _stderr(
            "internal error",
            f"{type(exc).__name__} escaped the run (rerun with --debug and report it)",
        )
        return EXIT_ERROR


class _Exit(Exception):
    """argparse ended the command line (usage error: 2; --help, --version: 0)."""

    def __init__(self, code: int) -> None:
        self.code = code


def _parse(
    argv: Sequence[str],
    gate: Gate | None = None,
    *,
    lenient: bool = False,
    command: str | None = None,
) -> argparse.Namespace:
    """The command line; `command` (the subcommand `main` found) builds only its
    arguments, the others' names and help lines."""
    from .arguments import parser
    from .report import plangate_version

    full = parser(plangate_version(), gate.packs.options if gate is not None else (), command)
    try:
        if lenient:  # the packs did not load: their options cannot be told from typos
            return full.parse_known_args(argv)[0]
        return full.parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage error, or the help
        raise _Exit(int(exc.code or 0)) from None


def _gate_command(argv: list[str], command: str, debug: bool) -> int:
    """`check` and `apply`: load the packs the early flags allow (within the time limit),
    then parse the whole command line with the packs' options, then check. When loading
    fails, every requested format still gets an `error` report saying why."""
    from .arguments import early
    from .outputs import formats_for
    from .time_limit import limit_seconds

    try:
        flags = early(argv)
    except SystemExit as exc:
        raise _Exit(int(exc.code or 0)) from None
    seconds = limit_seconds(flags.timeout, os.environ)
    with _time_limit(seconds) as limit:
        gate, failure = _load(flags, limit, debug)
        try:
            args = _parse(argv, gate, lenient=gate is None, command=command)
        except PlangateError as exc:  # a pack's options clash: the packs cannot be used
            gate, failure = None, _failed(exc)
            args = _parse(argv, lenient=True, command=command)
        if command == "map":
            return _map(args, gate=gate, failure=failure, limit=limit)
        formats = formats_for(args.format, args.output)
        if command == "check":
            return _check_report(args, gate=gate, failure=failure, formats=formats, limit=limit)[1]
    import functools

    from .apply import run_apply

    # An unknown or broken format fails before Terraform plans anything; the check of
    # the saved plan gets a time limit of its own (Terraform's plan is not cut short).
    check = functools.partial(_check_report, gate=gate, failure=failure, formats=formats)
    return run_apply(args, check)


@contextmanager
def _time_limit(seconds: float) -> Iterator[TimeLimit]:
    from .time_limit import TimeLimit

    with TimeLimit(seconds) as limit:
        yield limit


def _load(
    flags: argparse.Namespace, limit: TimeLimit, debug: bool
) -> tuple[Gate | None, Report | None]:
    """The gate, or the report of why it could not be loaded."""
    try:
        with limit.interrupting():
            return _gate(flags), None
    except (PlangateError, GateTimeout) as exc:
        if debug:
            _print_traceback()
        return None, _failed(exc)


def _gate(args: argparse.Namespace) -> Gate:
    """The one way every command reads config and loads packs, so `policies` and `explain`
    follow the same trust rules as `check`."""
    from .gate import Gate

    return Gate.load(
        config=args.config,
        policy_dirs=args.policy_dir,
        entry_points=not args.no_entry_points,
        workdir=args.chdir,
        fail_on=getattr(args, "fail_on", None),
        fail_on_possible=getattr(args, "fail_on_possible", None),
        only_new=getattr(args, "only_new", None),
        override=getattr(args, "override", ()),
        reason=getattr(args, "reason", None),
        source_root=getattr(args, "source_root", None),
    )


def _failed(exc: PlangateError | GateTimeout) -> Report:
    from .report import Report
    from .time_limit import ENVIRONMENT

    if isinstance(exc, GateTimeout):
        return Report.failed(
            "timeout",
            f"{exc} (--timeout / {ENVIRONMENT}); if a plan this large needs longer, "
            "raise the limit",
        )
    return Report.failed(exc.kind, exc.message)


def _check_report(
    args: argparse.Namespace,
    plan_sources: Sequence[str] | None = None,
    *,
    gate: Gate | None,
    failure: Report | None,
    formats: Formats,
    limit: TimeLimit | None = None,
) -> tuple[Report, int]:
    """Check, then write every requested format: the report as rendered, and the exit
    code the format on stdout gives it. `apply` acts on the report's decision, never on
    that code (the atlantis format exits 0 for a blocked plan). An error that stops the
    evaluation still produces an `error` report, so CI files (SARIF, JUnit, …) say why."""
    import dataclasses

    from .arguments import pack_options
    from .outputs import emit, wants_map
    from .time_limit import limit_seconds

    if limit is None:
        with _time_limit(limit_seconds(args.timeout, os.environ)) as own:
            return _check_report(
                args, plan_sources, gate=gate, failure=failure, formats=formats, limit=own
            )
    report = failure
    if gate is not None:  # the watchdog also covers writing the reports
        try:
            with limit.interrupting():
                options = pack_options(args, gate.packs.options)
                plans = list(plan_sources or args.plans)
                checked = dataclasses.replace(gate, options=options)
                report = checked.check(
                    plans,
                    terraform_bin=args.terraform_bin,
                    map=wants_map(formats),
                    retain=_RETAINED,
                )
        except (PlangateError, GateTimeout) as exc:
            if args.debug:
                _print_traceback()  # where it was (when the time ran out)
            report = _failed(exc)
    assert report is not None
    return report, emit(report, formats, args.debug)


def _map(
    args: argparse.Namespace, *, gate: Gate | None, failure: Report | None, limit: TimeLimit
) -> int:
    """`plangate map`: check with the map drawn, print it; the check's exit code (an
    error, or a map that could not be drawn, is 2)."""
    import dataclasses

    from .arguments import pack_options
    from .map_output import map_document, render_map
    from .outputs import _write_stdout

    report = failure
    if gate is not None:
        try:
            with limit.interrupting():
                options = pack_options(args, gate.packs.options)
                checked = dataclasses.replace(gate, options=options)
                report = checked.check(
                    args.plans, terraform_bin=args.terraform_bin, map=True, retain=_RETAINED
                )
        except (PlangateError, GateTimeout) as exc:
            if args.debug:
                _print_traceback()
            report = _failed(exc)
    assert report is not None
    try:
        text = render_map(map_document(report), args.format)
    except Exception as exc:  # fail closed: a map that cannot be drawn is an error
        if args.debug:
            _print_traceback()
        _stderr("error", f"the map could not be drawn ({type(exc).__name__}); rerun with --debug")
        return EXIT_ERROR
    _write_stdout(text.encode("utf-8"))
    for warning in report.warnings:
        _stderr("warning", warning.message)
    for error in report.errors:
        _stderr("error", error.message)
    return report.exit_code


def _print_traceback() -> None:
    import traceback

    traceback.print_exc()


def _stderr(kind: str, message: str) -> None:
    from .outputs import stderr_line

    stderr_line(kind, message)


def _loading_notes(gate: Gate) -> int:
    """Warnings of the config and of what pack code printed while loading, errors of the
    packs that failed to load, on stderr; EXIT_ERROR when a pack failed."""
    from .runner import Printed

    for warning in gate.warnings:
        _stderr("warning", warning.message)
    for what, size in gate.packs.printed:
        _stderr("warning", Printed(what, size, "").warning())
    for error in gate.packs.errors:
        _stderr("error", error)
    return EXIT_ERROR if gate.packs.errors else EXIT_PASS


def _list_policies(args: argparse.Namespace) -> int:
    from .reporters.escaping import log_lines, terminal_line

    gate = _gate(args)
    for item in gate.packs.policies:
        severity, level, state = _as_configured(gate, item)
        line = f"{item.id:<14} {severity!s:<9} {level!s:<15} {item.title}  [{item.source}]{state}"
        print(log_lines(terminal_line(line)))
    return _loading_notes(gate)


def _as_configured(gate: Gate, item: Policy) -> tuple[Severity, Enforcement, str]:
    """A policy's severity and enforcement level under the config, and a note when the
    config disables it: what `policies` lists and `explain` shows alike."""
    config = gate.config
    state = "" if config.enabled(item.id) else "  (disabled in config)"
    severity = config.settings(item.id).applied_to(item.severity)
    return severity, config.enforcement(item.id, item.enforcement), state


def _list_formats() -> int:
    from .reporters import load_formats
    from .reporters.escaping import log_lines, terminal_line

    found, errors = load_formats()
    for item in found:
        print(log_lines(terminal_line(f"{item.name:<10} {item.description}")))
    for error in errors:
        _stderr("error", error)
    return EXIT_ERROR if errors else EXIT_PASS


def _explain(args: argparse.Namespace) -> int:
    from .reporters.escaping import log_lines, terminal_line

    gate = _gate(args)
    if gate.packs.errors:
        raise PlangateError("policy", gate.packs.errors[0])
    found = {p.id: p for p in gate.packs.policies}
    item = found.get(args.policy_id.upper())
    if item is None:
        raise PlangateError(
            "usage", f"no policy {args.policy_id!r}; `plangate policies` lists them"
        )
    kinds = ", ".join(item.resource_types) if item.resource_types else "the whole plan"
    severity, level, state = _as_configured(gate, item)
    lines = [
        f"{item.id}: {item.title}",
        f"severity: {severity}    enforcement: {level}    looks at: {kinds}    "
        f"source: {item.source}{state}",
        "",
        *item.doc.splitlines(),
    ]
    print(log_lines("\n".join(terminal_line(line) for line in lines)))
    for warning in gate.warnings:
        _stderr("warning", warning.message)
    return EXIT_PASS
