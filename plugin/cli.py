"""The `plangate` command: check, apply, policies, explain, formats.

Exit codes: 0 pass, 1 blocked, 2 error. Errors print one line and no traceback unless
`--debug`; plangate fails closed, so nothing unexpected ever exits 0.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .errors import GateTimeout, PlangateError

if TYPE_CHECKING:
    from .discovery import Packs
    from .plan import Plan
    from .report import Report, RunWarning
    from .reporters import Reporter
    from .runner import Printed
    from .trust import Effective

__all__ = ["main"]

EXIT_PASS, EXIT_BLOCK, EXIT_ERROR = 0, 1, 2
SEVERITIES = ("info", "low", "medium", "high", "critical")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plangate",
        description="Gate Terraform plans: keep the state backend off the application's data "
        "path and RDS off the internet.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=f"plangate {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        help="the operator's config file (default: $PLANGATE_CONFIG); a plangate.toml or "
        "[tool.plangate] in pyproject.toml found in the checkout may then only tighten "
        "the gate",
    )
    common.add_argument(
        "--policy-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="load policies from *.py files in DIR (repeatable)",
    )
    common.add_argument(
        "--no-entry-points",
        action="store_true",
        help="do not load installed third-party policy packs",
    )
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    gate = argparse.ArgumentParser(add_help=False)
    gate.add_argument(
        "--format",
        default="text",
        metavar="FORMAT",
        help="output format on stdout (default: text; `plangate formats` lists them)",
    )
    gate.add_argument(
        "--output",
        action="append",
        default=[],
        metavar="FORMAT=PATH",
        help="also write FORMAT to PATH (repeatable)",
    )
    gate.add_argument(
        "--fail-on", choices=SEVERITIES, help="lowest severity that blocks (default: high)"
    )
    gate.add_argument(
        "--fail-on-possible",
        choices=(*SEVERITIES, "never"),
        help="lowest severity at which a finding that depends on unknown values "
        "blocks (default: high); 'never' only warns",
    )
    gate.add_argument(
        "--lock-table",
        action="append",
        default=[],
        metavar="NAME",
        help="a DynamoDB state-lock table name (repeatable)",
    )
    gate.add_argument(
        "--state-bucket",
        action="append",
        default=[],
        metavar="NAME",
        help="an S3 state bucket name (repeatable)",
    )
    gate.add_argument(
        "--chdir",
        metavar="DIR",
        help="Terraform working directory (to find the "
        "backend recorded by `terraform init`); default: current directory",
    )
    gate.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="end the run with exit 2 and an error report if it has not decided by then "
        "(default: $PLANGATE_TIMEOUT, else 300; a config file cannot change it)",
    )
    gate.add_argument(
        "--terraform-bin",
        metavar="PATH",
        help="terraform/tofu binary for binary plan files "
        "(default: $PLANGATE_TERRAFORM, then terraform or tofu on PATH)",
    )

    check = sub.add_parser("check", parents=[common, gate], help="check plan files")
    check.add_argument(
        "plans",
        nargs="+",
        metavar="PLAN",
        help="`terraform show -json` output, '-' for stdin, or a binary plan file",
    )

    apply = sub.add_parser(
        "apply",
        parents=[common, gate],
        help="local pre-apply gate: plan, check, and apply only on pass",
    )
    apply.add_argument(
        "tf_args", nargs=argparse.REMAINDER, help="arguments for `terraform plan` after --"
    )

    sub.add_parser("policies", parents=[common], help="list policies")
    explain = sub.add_parser("explain", parents=[common], help="explain a policy")
    explain.add_argument("policy_id")
    sub.add_parser("formats", help="list output formats (built-in and installed)")
    return parser


def _seconds(text: str) -> float:
    from .time_limit import parse_seconds

    try:
        return parse_seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _version() -> str:
    from .report import plangate_version

    return plangate_version()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors already; keep --help at 0
        return int(exc.code or 0)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "apply":
            from .apply import run_apply

            # An unknown or broken format fails before Terraform plans anything.
            return run_apply(args, partial(_check_report, formats=_formats(args)))
        if args.command == "policies":
            return _list_policies(args)
        if args.command == "formats":
            return _list_formats()
        return _explain(args)
    except PlangateError as exc:
        if args.debug:
            traceback.print_exc()
        _stderr("error", exc.message)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("plangate: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # fail closed: an internal error is exit 2, never 0
        if args.debug:
            traceback.print_exc()
            return EXIT_ERROR
        # Not the exception's text: it may quote a value of the plan (a secret), and no
        # plan is at hand here to clean it with. --debug shows it.
        _stderr("internal error", f"{type(exc).__name__} (rerun with --debug and report it)")
        return EXIT_ERROR
    except BaseException as exc:  # SystemExit or the like from code plangate does not own
        if args.debug:
            traceback.print_exc()
        _stderr(
            "internal error",
            f"{type(exc).__name__} escaped the run (rerun with --debug and report it)",
        )
        return EXIT_ERROR


def _packs(args: argparse.Namespace, config_dirs: Sequence[str] = ()) -> Packs:
    from .discovery import load_packs

    return load_packs(
        [*config_dirs, *args.policy_dir], entry_points_enabled=not args.no_entry_points
    )


def _printed_warnings(packs: Packs, printed: Sequence[Printed]) -> list[RunWarning]:
    """What pack code printed while loading and running, as warnings (the text dropped)."""
    from .report import RunWarning
    from .runner import Printed

    found = [Printed(what, size, "") for what, size in packs.printed]
    return [RunWarning("output", item.warning()) for item in [*found, *printed]]


def _check(args: argparse.Namespace) -> int:
    return _check_report(args)[1]


class _Formats(NamedTuple):
    """The format on stdout, and each `--output` file with its format."""

    stdout: Reporter
    outputs: list[tuple[Reporter, str]]


def _formats(args: argparse.Namespace) -> _Formats:
    """Import the formats the run asks for, and only those; an unknown, duplicated or
    broken one is a one-line error before anything is evaluated."""
    from .reporters import format_names, load_format

    def load(name: str, flag: str) -> Reporter:
        try:
            return load_format(name)
        except PlangateError as exc:
            raise PlangateError(exc.kind, f"{flag}: {exc.message}") from None

    outputs = []
    for item in args.output:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise PlangateError(
                "usage",
                f"--output {item!r}: expected FORMAT=PATH with FORMAT "
                f"one of {', '.join(format_names())}",
            )
        outputs.append((load(name, f"--output {item!r}"), path))
    return _Formats(load(args.format, "--format"), outputs)


def _check_report(
    args: argparse.Namespace,
    plan_sources: Sequence[str] | None = None,
    formats: _Formats | None = None,
) -> tuple[Report, int]:
    """Evaluate, then write every requested format: the report as rendered, and the exit
    code the format on stdout gives it. `apply` acts on the report's decision, never on
    that code (the atlantis format exits 0 for a blocked plan). An error that stops the
    evaluation still produces an `error` report, so CI files (SARIF, JUnit, …) say why."""
    from .report import Report
    from .runner import RunError
    from .time_limit import ENVIRONMENT, TimeLimit, limit_seconds

    formats = formats if formats is not None else _formats(args)
    seconds = limit_seconds(args.timeout, os.environ)
    with TimeLimit(seconds) as limit:  # the watchdog also covers writing the reports
        try:
            with limit.interrupting():
                report = _evaluate(args, plan_sources)
        except PlangateError as exc:
            if args.debug:
                traceback.print_exc()
            report = Report(errors=[RunError(exc.kind, exc.message)])
        except GateTimeout as exc:
            if args.debug:
                traceback.print_exc()  # where it was when the time ran out
            report = Report(
                errors=[
                    RunError(
                        "timeout",
                        f"{exc} (--timeout / {ENVIRONMENT}); if a plan this large needs "
                        "longer, raise the limit",
                    )
                ]
            )
        return report, _emit(report, args, formats)


def _emit(report: Report, args: argparse.Namespace, formats: _Formats) -> int:
    """Render stdout and every `--output` before writing any, then write each file whole.

    A file that cannot be written makes the run an error, and the files already written
    are written again from the error report, so no file says "pass" for a run that
    failed. Rendering never leaves a file half-written or empty: when a format cannot be
    rendered, every output holds an `error` report instead.
    """
    from .report_files import write_whole
    from .runner import RunError

    outputs = formats.outputs
    show = bool(report.plans) or formats.stdout.name != "text"
    # no-color.org: a NO_COLOR that is set and not empty turns colour off.
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    rendered, report, code = _render_all(report, args, formats, show, color)
    failed: list[RunError] = []
    written: list[int] = []
    for index, (_, path) in enumerate(outputs):
        try:
            write_whole(path, rendered[index])
            written.append(index)
        except OSError as exc:
            failed.append(RunError("output", f"cannot write {path}: {exc.strerror or exc}"))
    if failed:
        report.errors.extend(failed)
        rendered, report, code = _render_all(report, args, formats, show, color)
        for index in written:
            with contextlib.suppress(OSError):  # it was writable a moment ago
                write_whole(outputs[index][1], rendered[index])
    if show:
        _write_stdout(rendered[-1])
    for warning in report.warnings:  # one line each, whatever the format on stdout
        _stderr("warning", warning.message)
    for error in report.errors:
        _stderr("error", error.message)
    return code


def _render_all(
    report: Report,
    args: argparse.Namespace,
    formats: _Formats,
    show: bool,
    color: bool,
) -> tuple[list[bytes], Report, int]:
    """Every `--output`, then stdout (last), as UTF-8 bytes; the report they show, and
    the exit code the format on stdout gives it.

    Should any format fail to render or encode, or its exit rule fail, the run is an
    error and every output is rendered from a report that says only that (it holds
    nothing from the plan, so it renders; a format that still fails gets that one line
    as plain text)."""
    from .report import Report
    from .runner import RunError

    wanted = [*((fmt, False) for fmt, _ in formats.outputs), (formats.stdout, color)]
    where = "the report"
    try:
        data = report.to_dict()
        rendered = []
        for i, (fmt, paint) in enumerate(wanted):
            where = f"the {fmt.name} format"
            text = fmt.render(data, paint) if show or i < len(formats.outputs) else ""
            rendered.append(text.encode("utf-8"))
        where = f"the {formats.stdout.name} format's exit rule"
        return rendered, report, formats.stdout.exit_code(data)
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        message = (
            f"a report could not be rendered ({where}: {type(exc).__name__}); "
            "rerun with --debug and report it"
        )
    failure = Report(errors=[RunError("output", message)])
    data = failure.to_dict()
    rendered = []
    for fmt, paint in wanted:
        try:
            rendered.append(fmt.render(data, paint).encode("utf-8"))
        except Exception:
            rendered.append(f"plangate: error: {message}\n".encode())
    return rendered, failure, EXIT_ERROR


def _write_stdout(data: bytes) -> None:
    """The rendered bytes as they are (UTF-8 whatever the locale), through the text
    stream when it has no byte buffer (a caller's StringIO)."""
    buffer = getattr(sys.stdout, "buffer", None)
    sys.stdout.flush()
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        buffer.write(data)
        buffer.flush()


def _stderr(kind: str, message: str) -> None:
    """One line on stderr, `plangate: KIND: MESSAGE`; the message may quote the plan, so
    it is made one visible line that no CI log reads as a command."""
    from .reporters.escaping import log_lines, terminal_line

    sys.stderr.write(log_lines(f"plangate: {kind}: {terminal_line(message)}\n"))
    sys.stderr.flush()


def _evaluate(args: argparse.Namespace, plan_sources: Sequence[str] | None) -> Report:
    from .context import Context
    from .loading import load_plan_data
    from .plan import Plan
    from .report import PlanInfo, Report, RunWarning
    from .runner import (
        RunError,
        decide,
        merge_rows,
        run_inventories,
        run_policies,
        value_errors,
    )
    from .terraform import find_terraform, read_backend, show_json

    chdir = args.chdir
    if chdir and not Path(chdir).is_dir():
        raise PlangateError("usage", f"--chdir {chdir}: not a directory")
    for flag, names in (("--lock-table", args.lock_table), ("--state-bucket", args.state_bucket)):
        if any(not name.strip() for name in names):
            raise PlangateError(
                "usage",
                f"{flag}: an empty name (an unset variable?); give the table or bucket name",
            )
    effective, packs, today = _configure(
        args,
        Path(chdir or ".").resolve(),
        fail_on=args.fail_on,
        fail_on_possible=args.fail_on_possible,
    )
    config = effective.config
    backend = read_backend(chdir)
    context = Context.build(
        cli_tables=args.lock_table,
        cli_buckets=args.state_bucket,
        config_tables=config.lock_tables,
        config_buckets=config.state_buckets,
        backend=backend,
    )
    policies = packs.policies

    def show(planfile: str) -> bytes:
        return show_json(planfile, find_terraform(args.terraform_bin), chdir)

    sources = list(plan_sources or args.plans)
    if sources.count("-") > 1:
        raise PlangateError("usage", "'-' (stdin) given more than once; stdin holds one plan")
    report = Report(policies=sum(1 for p in policies if config.enabled(p.id)))
    report.config_files.extend(effective.files)
    report.warnings.extend(effective.warnings)
    plans = []
    for source in sources:
        data, where = load_plan_data(source, show)
        plan = Plan(data, where, backend, source_dir=Path(chdir or ".").resolve())
        plans.append(plan)
        report.plans.append(
            PlanInfo(
                where,
                plan.terraform_version,
                plan.format_version,
                plan.errored,
                plan.resource_count,
            )
        )
    outcome = run_policies(plans, policies, context, config)
    report.findings = decide(
        outcome.findings,
        config,
        config.blocking_at,
        config.possible_blocking_at,
        config.block_possible,
        today,
    )
    for waiver in config.waivers:
        if not any(
            f.waiver is not None
            and f.waiver["policy"] == waiver.policy
            and f.waiver["address"] == waiver.address
            for f in report.findings
        ):
            report.warnings.append(
                RunWarning(
                    "waiver",
                    f"waiver {waiver.policy} {waiver.address} matched no finding; remove it "
                    "or fix its address",
                )
            )
    sections, inventory_errors, inventory_printed = run_inventories(
        plans, packs.inventories, context
    )
    report.warnings.extend(_printed_warnings(packs, [*outcome.printed, *inventory_printed]))
    errors = [
        *(RunError("policy", error) for error in packs.errors),
        *outcome.errors,
        *inventory_errors,
        *(e for plan in plans for e in value_errors(plan)),
    ]
    report.errors = list(dict.fromkeys(errors))  # a value error is found by several readers
    report.seconds = outcome.seconds
    # What the user and `terraform init` named, then what the packs recognised (by shape).
    report.state_backend = [
        *({"kind": "lock_table", "name": n.name, "source": n.source} for n in context.lock_tables),
        *(
            {"kind": "state_bucket", "name": n.name, "source": n.source}
            for n in context.state_buckets
        ),
    ]
    named = len(report.state_backend)
    merge_rows(report.state_backend, sections.get("state_backend", ()))
    _withhold_secrets(report, plans, named)
    return report


def _withhold_secrets(report: Report, plans: Sequence[Plan], named: int = 0) -> None:
    """Errors, warnings and the state backend rows that packs added (from `named` on: a
    table found by its shape is named by its planned name, which a sensitive variable may
    hold) may quote any plan of the run: clean each with every plan's redactor.
    Policies' findings and errors are already cleaned with their own plan's; the rows
    before `named` are the operator's and `terraform init`'s names, not the plan's."""
    if not (report.errors or report.warnings or len(report.state_backend) > named):
        return
    from .redaction import redactor_for

    redactors = [redactor_for(plan) for plan in plans]

    def clean(text: str) -> str:
        for redactor in redactors:
            text = redactor.clean(text)
        return text

    report.errors = [replace(e, message=clean(e.message)) for e in report.errors]
    report.warnings = [replace(w, message=clean(w.message)) for w in report.warnings]
    report.state_backend[named:] = [
        {key: clean(value) for key, value in row.items()} for row in report.state_backend[named:]
    ]


def _configure(
    args: argparse.Namespace,
    start: Path,
    *,
    fail_on: str | None = None,
    fail_on_possible: str | None = None,
) -> tuple[Effective, Packs, dt.date]:
    """The one way every command reads config and loads packs, so `policies` and `explain`
    follow the same trust rules as `check`: the operator's config and the repository's
    (`plangate.trust`), and policy code only from where the operator allows it."""
    from .trust import load_sources, merge_configs, run_today

    sources = load_sources(args.config, start, os.environ)
    today, ignored_today = run_today(os.environ, sources.operator)
    packs = _packs(args, sources.policy_dirs)
    try:
        effective = merge_configs(
            sources, packs.policies, today, fail_on=fail_on, fail_on_possible=fail_on_possible
        )
    except PlangateError:
        if packs.errors:  # a setting for a policy of the pack that failed: say why
            raise PlangateError("policy", packs.errors[0]) from None
        raise
    if ignored_today is not None:
        effective = replace(effective, warnings=(*effective.warnings, ignored_today))
    return effective, packs, today


def _print_warnings(effective: Effective) -> None:
    for warning in effective.warnings:
        _stderr("warning", warning.message)


def _list_policies(args: argparse.Namespace) -> int:
    from .reporters.escaping import log_lines, terminal_line

    effective, packs, _ = _configure(args, Path(".").resolve())
    config = effective.config
    for item in packs.policies:
        severity = config.settings(item.id).applied_to(item.severity)
        state = "" if config.enabled(item.id) else "  (disabled in config)"
        line = f"{item.id:<14} {severity!s:<9} {item.title}  [{item.source}]{state}"
        print(log_lines(terminal_line(line)))
    _print_warnings(effective)
    for warning in _printed_warnings(packs, ()):
        _stderr("warning", warning.message)
    for error in packs.errors:
        _stderr("error", error)
    return EXIT_ERROR if packs.errors else EXIT_PASS


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

    effective, packs, _ = _configure(args, Path(".").resolve())
    if packs.errors:
        raise PlangateError("policy", packs.errors[0])
    found = {p.id: p for p in packs.policies}
    item = found.get(args.policy_id.upper())
    if item is None:
        raise PlangateError(
            "usage", f"no policy {args.policy_id!r}; `plangate policies` lists them"
        )
    kinds = ", ".join(item.resource_types) if item.resource_types else "the whole plan"
    lines = [
        f"{item.id}: {item.title}",
        f"severity: {item.severity}    looks at: {kinds}    source: {item.source}",
        "",
        *item.doc.splitlines(),
    ]
    print(log_lines("\n".join(terminal_line(line) for line in lines)))
    _print_warnings(effective)
    return EXIT_PASS
