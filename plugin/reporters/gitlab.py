"""`--format gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`).

A JSON list of issues. GitLab shows only `description` in the merge request widget, so
it leads with the resource address; `location` is the `.tf` file and the line that
writes the finding's attribute (else its block's first line), or the plan file when the
source is not known; `fingerprint` (sha256 of policy id, address and
attribute) is what GitLab compares between the source and target branch, so it stays
the same from run to run. A finding a waiver or the operator's `--override` let through
is an `info` issue whose description says so (why, until when, who), so a reviewer sees
what was let through; the run's mode and overrides are `info` issues too. Run errors and
errored plans are `blocker` issues, so a run that did not complete is visible.

`description` is one visible line (`escaping.visible`) and `content.body` is markdown
(the Code Climate format says so), escaped as such; other values stay exact.
"""

from __future__ import annotations

from typing import Any

from .escaping import json_document, markdown_text, visible
from .reporter import Reporter
from .shared import (
    chain_note,
    change_notes,
    errored_plans,
    finding_fingerprint,
    fingerprint,
    headline,
    incomplete_plan,
    let_through_note,
    mode_note,
    outcomes,
    override_lines,
    plan_path,
    possible_note,
    source_point,
    waiver_note,
)

__all__ = ["render", "reporter"]

SEVERITIES = {
    "info": "info",
    "low": "minor",
    "medium": "major",
    "high": "critical",
    "critical": "blocker",
}


# GitLab needs a path for every issue; a run that read no plan has none of its own.
_NO_PLAN = "plangate"


def _issue(
    description: str,
    check_name: str,
    print_: str,
    severity: str,
    path: str,
    categories: list[str],
    line: int = 1,
) -> dict[str, Any]:
    return {
        "type": "issue",
        "engine_name": "plangate",
        "description": visible(description),
        "check_name": check_name,
        "fingerprint": print_,
        "severity": severity,
        "categories": categories,
        "location": {"path": path, "lines": {"begin": line}},
    }


def _finding_issues(report: dict[str, Any]) -> list[dict[str, Any]]:
    """An issue per finding; one a waiver or an override let through is `info`."""
    issues: list[dict[str, Any]] = []
    excepted = {id(f) for f in outcomes(report).waived}
    for f in report["findings"]:
        description = headline(f)
        notes = [possible_note(f), waiver_note(f), let_through_note(f)]
        description += "".join(f" ({note})" for note in notes if note)
        if f["blocking"]:
            description += " [blocking]"
        point = source_point(f)
        issue = _issue(
            description,
            f["policy_id"],
            finding_fingerprint(f),
            "info" if id(f) in excepted else SEVERITIES.get(f["severity"], "major"),
            point.path if point is not None else plan_path(report, f, _NO_PLAN),
            ["Security"],
            point.line if point is not None else 1,
        )
        body = [markdown_text(note) for note in (chain_note(f), *change_notes(f)) if note]
        if body:
            issue["content"] = {"body": "\n\n".join(body)}
        issues.append(issue)
    return issues


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    issues = _finding_issues(report)
    for plan in errored_plans(report):
        issues.append(
            _issue(
                incomplete_plan(plan),
                "plangate/plan-errored",
                fingerprint("plangate/plan-errored", plan["path"]),
                "blocker",
                plan["path"],
                ["Bug Risk"],
            )
        )
    for note in (mode_note(report), *override_lines(report)):
        if note:
            issues.append(
                _issue(
                    f"plangate: {note}",
                    "plangate/mode" if note == mode_note(report) else "plangate/override",
                    fingerprint("plangate/run", note),
                    "info",
                    plan_path(report, None, _NO_PLAN),
                    ["Security"],
                )
            )
    for warning in report.get("warnings", ()):
        issues.append(
            _issue(
                f"plangate warning ({warning['kind']}): {warning['message']}",
                f"plangate/{warning['kind']}",
                fingerprint(f"plangate/{warning['kind']}", warning["message"]),
                "info",
                plan_path(report, None, _NO_PLAN),
                ["Security"],
            )
        )
    for error in report["errors"]:
        issues.append(
            _issue(
                f"plangate error ({error['kind']}): {error['message']}",
                f"plangate/{error['kind']}",
                fingerprint(f"plangate/{error['kind']}", error["message"]),
                "blocker",
                plan_path(report, None, _NO_PLAN),
                ["Bug Risk"],
            )
        )
    return json_document(issues)


reporter = Reporter(
    "gitlab", "a GitLab Code Quality report (artifacts:reports:codequality)", render
)
