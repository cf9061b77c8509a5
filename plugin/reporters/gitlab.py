"""`--format gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`).

A JSON list of issues. GitLab shows only `description` in the merge request widget, so
it leads with the resource address; `fingerprint` (sha256 of policy id, address and
attribute) is what GitLab compares between the source and target branch, so it stays
the same from run to run. Waived findings are accepted risk and are left out; run errors
and errored plans are `blocker` issues, so a run that did not complete is visible.

`description` is one visible line (`escaping.visible`) and `content.body` is markdown
(the Code Climate format says so), escaped as such; other values stay exact.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .escaping import json_document, markdown_text, visible

__all__ = ["fingerprint", "render"]

SEVERITIES = {
    "info": "info",
    "low": "minor",
    "medium": "major",
    "high": "critical",
    "critical": "blocker",
}


def fingerprint(*parts: str | None) -> str:
    key = json.dumps([p or "" for p in parts], ensure_ascii=False)
    # `surrogatepass`: the same bytes for every valid string, and no error on a lone
    # surrogate a hand-edited plan may hold.
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _plan_path(report: dict[str, Any], f: dict[str, Any] | None = None) -> str:
    named = (f or {}).get("plan")
    if isinstance(named, str) and named:
        return named
    plans = report["plans"]
    return plans[0]["path"] if plans else "plangate"


def _issue(
    description: str, check_name: str, print_: str, severity: str, path: str, categories: list[str]
) -> dict[str, Any]:
    return {
        "type": "issue",
        "engine_name": "plangate",
        "description": visible(description),
        "check_name": check_name,
        "fingerprint": print_,
        "severity": severity,
        "categories": categories,
        "location": {"path": path, "lines": {"begin": 1}},
    }


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    issues: list[dict[str, Any]] = []
    for f in report["findings"]:
        if f["waived"]:
            continue
        description = f"{f['address']}: {f['message']}"
        if f.get("certainty") == "possible":
            description += " (possible: depends on values known only after apply)"
        if f["blocking"]:
            description += " [blocking]"
        issue = _issue(
            description,
            f["policy_id"],
            fingerprint(f["policy_id"], f["address"], f.get("attribute")),
            SEVERITIES.get(f["severity"], "major"),
            _plan_path(report, f),
            ["Security"],
        )
        body = []
        if f.get("chain"):
            body.append(markdown_text("Path: " + " -> ".join(f["chain"])))
        body += [markdown_text(f"Change: {change}") for change in f.get("changes", ())]
        if body:
            issue["content"] = {"body": "\n\n".join(body)}
        issues.append(issue)
    for plan in report["plans"]:
        if plan.get("errored"):
            issues.append(
                _issue(
                    f"{plan['path']}: Terraform reported errors: the plan is incomplete",
                    "plangate/plan-errored",
                    fingerprint("plangate/plan-errored", plan["path"]),
                    "blocker",
                    plan["path"],
                    ["Bug Risk"],
                )
            )
    for warning in report.get("warnings", ()):
        issues.append(
            _issue(
                f"plangate warning ({warning['kind']}): {warning['message']}",
                f"plangate/{warning['kind']}",
                fingerprint(f"plangate/{warning['kind']}", warning["message"]),
                "info",
                _plan_path(report),
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
                _plan_path(report),
                ["Bug Risk"],
            )
        )
    return json_document(issues)
