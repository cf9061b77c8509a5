"""`--format github`: GitHub Actions workflow commands, shown as annotations on the run.

    ::error file=db/main.tf,line=7,endLine=7,title=PG-RDS-001::module.db.aws_db_instance.x: ...

A finding whose `.tf` source is known is annotated on its lines (the attribute's, else
the block's), so GitHub shows it in the pull request's diff; otherwise it names no file
and shows on the run only. `error` for what blocks (and for run errors), `warning` for
non-blocking findings, `notice` for those a waiver or the operator's `--override` let
through (with why, until when and who), and for the run's mode and overrides; errors
first, since GitHub shows only the first few of each kind per step. Values are escaped
the way the Actions toolkit does (`%`, CR and LF everywhere, and `:` and `,` in
properties too, a file's path included), so no message or path can end the command
early or start a new one.
"""

from __future__ import annotations

from typing import Any

from .escaping import visible, workflow_data, workflow_property
from .reporter import Reporter
from .shared import (
    SourcePoint,
    chain_note,
    change_notes,
    counts_text,
    errored_plans,
    headline,
    incomplete_plan,
    let_through_note,
    mode_note,
    outcomes,
    override_lines,
    possible_note,
    source_point,
    waiver_note,
)

__all__ = ["escape_data", "escape_property", "render", "reporter"]


def escape_data(text: Any) -> str:
    return workflow_data(text)


def escape_property(text: Any) -> str:
    return workflow_property(text)


def _command(kind: str, title: str, lines: list[str], point: SourcePoint | None = None) -> str:
    """One command; each of `lines` is a value made one visible line, and the breaks
    between them are escaped, so an annotation shows several lines and stays one. With a
    `point`, the annotation is on those lines of that file (in the pull request's diff)."""
    where = ""
    if point is not None:
        where = f"file={escape_property(point.path)},line={point.line},endLine={point.end_line},"
    message = workflow_data(chr(10).join(lines))
    return f"::{kind} {where}title={escape_property(title)}::{message}"


def _message(f: dict[str, Any]) -> list[str]:
    notes = [
        headline(f),
        possible_note(f),
        chain_note(f),
        *change_notes(f),
        waiver_note(f),
        let_through_note(f),
    ]
    return [visible(note) for note in notes if note]


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    errors: list[str] = []
    warnings: list[str] = []
    notices: list[str] = []
    for error in report["errors"]:
        errors.append(
            _command("error", f"plangate error ({error['kind']})", [visible(error["message"])])
        )
    for plan in errored_plans(report):
        errors.append(_command("error", "plangate: plan errored", [visible(incomplete_plan(plan))]))
    for warning in report.get("warnings", ()):
        warnings.append(
            _command("warning", f"plangate ({warning['kind']})", [visible(warning["message"])])
        )
    for note in (mode_note(report), *override_lines(report)):
        if note:
            notices.append(_command("notice", "plangate", [visible(note)]))
    excepted = {id(f) for f in outcomes(report).waived}
    for f in report["findings"]:
        point = source_point(f)
        if id(f) in excepted:
            notices.append(_command("notice", f["policy_id"], _message(f), point))
        elif f["blocking"]:
            errors.append(_command("error", f["policy_id"], _message(f), point))
        else:
            warnings.append(_command("warning", f["policy_id"], _message(f), point))
    summary = (
        f"plangate {report['plangate_version']}: {report['decision']}: "
        f"{counts_text(report)}, {len(report['errors'])} error(s)"
    )
    # A plain line is only a log line; escape it anyway so it can never be a command.
    return "\n".join([*errors, *warnings, *notices, escape_data(summary)]) + "\n"


reporter = Reporter("github", "GitHub Actions workflow commands: annotations on the run", render)
