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

__all__ = ["render"]

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
    if not waiver:
        return ""
    text = _text(waiver.get("reason", ""))
    if waiver.get("expires"):
        text += f" (until {_text(waiver['expires'])})"
    return text


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
        if f.get("certainty") == "possible":
            facts.append("*possible*: depends on values known only after apply")
        if f.get("new") is True:
            facts.append("new in this plan")
        elif f.get("new") is False:
            facts.append("already in the current state")
        waiver = f.get("waiver")
        if waiver and waiver.get("expired") and not f.get("waived"):
            facts.append(f"waiver expired {_text(waiver.get('expires'))}")
        item = "- " + "; ".join(facts)
        if f.get("chain"):
            item += "\n  - path: " + " &rarr; ".join(_code(hop, False) for hop in f["chain"])
        for change in f.get("changes", ()):
            item += f"\n  - change: {_text(change)}"
        items.append(item)
    return ["<details><summary>Details</summary>", "", *items, "", "</details>"]


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    findings = report["findings"]
    blocking = [f for f in findings if f["blocking"] and not f["waived"]]
    waived = [f for f in findings if f["waived"]]
    other = [f for f in findings if not f["blocking"] and not f["waived"]]
    stats = report["stats"]
    plans = ", ".join(_code(p["path"], False) for p in report["plans"]) or "no plan"

    out = [f"## {_HEADLINES.get(report['decision'], _text(report['decision']))}", ""]
    out.append(
        f"{len(blocking)} blocking, {len(other)} non-blocking, {len(waived)} waived "
        f"finding(s); {stats['policies']} policies over {stats['resources']} "
        f"resources in {plans}."
    )
    for plan in report["plans"]:
        if plan.get("errored"):
            out += [
                "",
                f"> **Terraform reported errors for {_code(plan['path'], False)}:** "
                "the plan is incomplete, so it is blocked.",
            ]
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
