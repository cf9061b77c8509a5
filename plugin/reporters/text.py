"""`--format text`: for people; grouped by severity, colour only on a terminal.

Each finding's line starts with where it is written, `path:line` (which terminals and
editors open), before its address, when its `.tf` source is known.

Every value from the report goes through `terminal_line` (one line, characters that do
not print shown as escapes), and the whole output through `log_lines`, so nothing from
the plan can repaint a terminal or start a CI log command.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from .escaping import log_lines
from .escaping import terminal_line as _safe
from .reporter import Reporter
from .shared import (
    HARD,
    INCOMPLETE_PLAN,
    NEW,
    chain_note,
    change_notes,
    counts_text,
    let_through_note,
    mode_note,
    override_lines,
    pack_sections,
    possible_note,
    row_text,
    section_title,
    source_point,
    waiver_note,
)

_COLORS = {"critical": "1;31", "high": "31", "medium": "33", "low": "36", "info": "2"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def render(report: dict[str, Any], color: bool = False) -> str:
    lines: list[str] = []
    for plan in report["plans"]:
        version = plan["terraform_version"] or "unknown Terraform"
        note = f"  ({INCOMPLETE_PLAN})" if plan["errored"] else ""
        count = plan["resources"]
        lines.append(
            f"plan {_safe(plan['path'])}: {count} resource{'s' if count != 1 else ''}, "
            f"Terraform {_safe(version)}, format {_safe(plan['format_version'])}{note}"
        )
    for item in report.get("config_files", ()):
        trust = "" if item["trusted"] else ", may only tighten the gate"
        lines.append(_safe(f"config: {item['path']} ({item['role']}{trust})"))
    for name, rows in pack_sections(report):
        lines.extend(_safe(f"{section_title(name)}: {row_text(row)}") for row in rows)
    lines += [_safe(note) for note in (mode_note(report), *override_lines(report)) if note]
    findings = report["findings"]
    if findings:
        lines.append("")
    for severity, grouped in groupby(findings, key=lambda f: f["severity"]):
        group = list(grouped)
        lines.append(
            _paint(f"{severity.upper()} ({len(group)})", _COLORS.get(severity, "0"), color)
        )
        for f in group:
            tags = [
                tag
                for tag in (
                    "BLOCKING" if f["blocking"] else None,
                    HARD if f["blocking"] and f.get("enforcement") == HARD else None,
                    waiver_note(f),
                    let_through_note(f),
                    possible_note(f),
                    NEW if f["new"] is True else None,
                )
                if tag
            ]
            suffix = f"  [{'; '.join(tags)}]" if tags else ""
            point = source_point(f)
            where = f"{point.text}  " if point is not None else ""
            lines.append(_safe(f"  {f['policy_id']}  {where}{f['address']}{suffix}"))
            lines.append(_safe(f"      {f['message']}"))
            notes = [chain_note(f), *change_notes(f)]
            lines += [_safe(f"      {note}") for note in notes if note]
    for warning in report.get("warnings", ()):
        lines.append(
            _paint(_safe(f"warning ({warning['kind']}): {warning['message']}"), "33", color)
        )
    for error in report["errors"]:
        lines.append(_paint(_safe(f"error ({error['kind']}): {error['message']}"), "1;31", color))
    stats = report["stats"]
    lines.append("")
    decision = report["decision"].upper()
    code = {"PASS": "1;32", "BLOCK": "1;31", "ERROR": "1;31"}[decision]
    lines.append(
        _paint(decision, code, color) + f": {counts_text(report)}; "
        f"{stats['policies']} policies over {stats['resources']} resources"
    )
    return log_lines("\n".join(lines) + "\n")


reporter = Reporter(
    "text", "for people: findings grouped by severity, colour only on a terminal", render
)
