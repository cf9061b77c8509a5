"""`--format markdown`: a PR comment or a GitHub step summary ($GITHUB_STEP_SUMMARY).

A headline with the decision, a table of blocking findings, each finding's details (its
path through the plan) folded in `<details>`, then errors, non-blocking and waived
findings. Text from the report is escaped (`escaping.markdown_text` / `markdown_code`)
so that a `|`, a backtick or HTML in a message or an address cannot break the table or
inject markup, and an `@team` or a URL in it notifies nobody and links nowhere.
"""

from __future__ import annotations

from typing import Any

from .escaping import log_lines
from .escaping import markdown_code as _code
from .escaping import markdown_text as _text
from .reporter import Reporter
from .shared import (
    INCOMPLETE_PLAN,
    change_notes,
    errored_plans,
    newness_note,
    outcomes,
    possible_note,
    waiver_note,
    waiver_terms,
)

__all__ = ["render", "reporter"]

_HEADLINES = {
    "pass": ":white_check_mark: plangate: **pass**",
    "block": ":x: plangate: **blocked**",
    "error": ":warning: plangate: **error** (the check did not complete)",
}


def _table(findings: list[dict[str, Any]], waived: bool = False) -> list[str]:
    if waived:
        lines = ["| Severity | Policy | Address | Message | Waiver |", "|---|---|---|---|---|"]
    else:
        lines = ["| Severity | Policy | Address | Message |", "|---|---|---|---|"]
    for f in findings:
        cells = [
            _text(f["severity"]),
            _text(f["policy_id"]),
            _code(f["address"]),
            _text(f["message"]),
        ]
        if waived:
            cells.append(_waiver_text(f.get("waiver")))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _waiver_text(waiver: dict[str, Any] | None) -> str:
    return _text(waiver_terms(waiver)) if waiver else ""


def _details(findings: list[dict[str, Any]]) -> list[str]:
    items: list[str] = []
    for f in findings:
        facts = [
            f"**{_text(f['policy_id'])}** {_text(f['title'])}"
            if f.get("title")
            else f"**{_text(f['policy_id'])}**",
            f"on {_code(f['address'], False)}",
        ]
        if f.get("attribute"):
            facts.append(f"attribute {_code(f['attribute'], False)}")
        facts += [
            _text(note)
            for note in (
                possible_note(f),
                newness_note(f),
                None if f.get("waived") else waiver_note(f),  # the table says why it is waived
            )
            if note
        ]
        item = "- " + "; ".join(facts)
        if f.get("chain"):
            # Each hop a code span, so no address in the path can be read as markup.
            item += "\n  - path: " + " &rarr; ".join(_code(hop, False) for hop in f["chain"])
        item += "".join(f"\n  - {_text(note)}" for note in change_notes(f))
        items.append(item)
    return ["<details><summary>Details</summary>", "", *items, "", "</details>"]


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    split = outcomes(report)
    blocking, other, waived = split.blocking, split.other, split.waived
    stats = report["stats"]
    plans = ", ".join(_code(p["path"], False) for p in report["plans"]) or "no plan"

    out = [f"## {_HEADLINES.get(report['decision'], _text(report['decision']))}", ""]
    out.append(
        f"{len(blocking)} blocking, {len(other)} non-blocking, {len(waived)} waived "
        f"finding(s); {stats['policies']} policies over {stats['resources']} "
        f"resources in {plans}."
    )
    for plan in errored_plans(report):
        out += ["", f"> {_code(plan['path'], False)}: **{INCOMPLETE_PLAN}**, so it is blocked."]
    configs = report.get("config_files", ())
    if configs:
        out += [
            "",
            "Config: "
            + ", ".join(
                f"{_code(c['path'], False)} ({_text(c['role'])}"
                + ("" if c["trusted"] else ", may only tighten the gate")
                + ")"
                for c in configs
            )
            + ".",
        ]
    if report.get("warnings"):
        out += ["", "### Warnings", ""]
        out += [f"- **{_text(w['kind'])}**: {_text(w['message'])}" for w in report["warnings"]]
    if report["errors"]:
        out += ["", "### Errors", ""]
        out += [f"- **{_text(e['kind'])}**: {_text(e['message'])}" for e in report["errors"]]
    if blocking:
        out += ["", "### Blocking findings", "", *_table(blocking), "", *_details(blocking)]
    if other:
        out += ["", "### Non-blocking findings", "", *_table(other), "", *_details(other)]
    if waived:
        out += ["", "### Waived findings", "", *_table(waived, waived=True), "", *_details(waived)]
    out += ["", f"<sub>plangate {_text(report['plangate_version'])}</sub>"]
    return log_lines("\n".join(out) + "\n")


reporter = Reporter("markdown", "a pull-request comment or a GitHub step summary", render)
