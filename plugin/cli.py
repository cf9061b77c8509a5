"""The `plangate` command: check, apply, policies, explain, formats.

Exit codes: 0 pass, 1 blocked, 2 error. Errors print one line and no traceback unless
`--debug`; plangate fails closed, so nothing unexpected ever exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from .errors import GateTimeout, PlangateError

if TYPE_CHECKING:
    from .gate import Gate
    from .outputs import Formats
    from .report import Report

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
            return _check_report(args)[1]
        if args.command == "apply":
            from .apply import run_apply
            from .outputs import formats_for

            # An unknown or broken format fails before Terraform plans anything.
            formats = formats_for(args.format, args.output)
            return run_apply(args, partial(_check_report, formats=formats))
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


def _gate(args: argparse.Namespace, *, thresholds: bool = True) -> Gate:
    """The one way every command reads config and loads packs, so `policies` and `explain`
    follow the same trust rules as `check`."""
    from .gate import Gate

    return Gate.load(
        config=args.config,
        policy_dirs=args.policy_dir,
        entry_points=not args.no_entry_points,
        workdir=getattr(args, "chdir", None),
        fail_on=args.fail_on if thresholds else None,
        fail_on_possible=args.fail_on_possible if thresholds else None,
        options=_options(args) if thresholds else None,
    )


def _options(args: argparse.Namespace) -> dict[str, dict[str, tuple[str, Any]]]:
    found = {}
    for flag, key, names in (
        ("--lock-table", "lock_tables", args.lock_table),
        ("--state-bucket", "state_buckets", args.state_bucket),
    ):
        if any(not name.strip() for name in names):
            raise PlangateError(
                "usage",
                f"{flag}: an empty name (an unset variable?); give the table or bucket name",
            )
        if names:
            found[key] = (flag, tuple(names))
    return {"state_backend": found}


def _check_report(
    args: argparse.Namespace,
    plan_sources: Sequence[str] | None = None,
    formats: Formats | None = None,
) -> tuple[Report, int]:
    """Load, check, then write every requested format: the report as rendered, and the
    exit code the format on stdout gives it. `apply` acts on the report's decision, never
    on that code (the atlantis format exits 0 for a blocked plan). An error that stops
    the evaluation still produces an `error` report, so CI files (SARIF, JUnit, …) say
    why."""
    from .outputs import emit, formats_for
    from .report import Report
    from .time_limit import ENVIRONMENT, TimeLimit, limit_seconds

    formats = formats if formats is not None else formats_for(args.format, args.output)
    seconds = limit_seconds(args.timeout, os.environ)
    with TimeLimit(seconds) as limit:  # the watchdog also covers writing the reports
        try:
            with limit.interrupting():
                gate = _gate(args)
                plans = list(plan_sources or args.plans)
                report = gate.check(plans, terraform_bin=args.terraform_bin)
        except PlangateError as exc:
            if args.debug:
                traceback.print_exc()
            report = Report.failed(exc.kind, exc.message)
        except GateTimeout as exc:
            if args.debug:
                traceback.print_exc()  # where it was when the time ran out
            report = Report.failed(
                "timeout",
                f"{exc} (--timeout / {ENVIRONMENT}); if a plan this large needs longer, "
                "raise the limit",
            )
        return report, emit(report, formats, args.debug)


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

    gate = _gate(args, thresholds=False)
    config = gate.config
    for item in gate.packs.policies:
        severity = config.settings(item.id).applied_to(item.severity)
        state = "" if config.enabled(item.id) else "  (disabled in config)"
        line = f"{item.id:<14} {severity!s:<9} {item.title}  [{item.source}]{state}"
        print(log_lines(terminal_line(line)))
    return _loading_notes(gate)


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

    gate = _gate(args, thresholds=False)
    if gate.packs.errors:
        raise PlangateError("policy", gate.packs.errors[0])
    found = {p.id: p for p in gate.packs.policies}
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
    for warning in gate.warnings:
        _stderr("warning", warning.message)
    return EXIT_PASS
