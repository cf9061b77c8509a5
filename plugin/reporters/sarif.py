"""`--format sarif`: SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

One run; the rules are the policies that produced findings (sorted by id), the results
follow the report's order. A finding points at its resource twice: a logical location
(the address, kind "resource") and a physical one: the `.tf` lines that write its
attribute (its `region`; the whole block as `contextRegion`), with the `module` blocks
that lead there as related locations, or the plan file when its source is not known
(`shared.source_point`). A finding let through by a waiver or by the operator's
`--override` carries a SARIF suppression (accepted, external) whose justification says
why, until when and on whose word (the waiver's config file, or who ran the override);
the run's properties say the mode and list the overrides. Run errors become tool
execution notifications and mark the invocation unsuccessful.

Texts people read in a code-scanning view (messages, notifications) are made one visible
line (`escaping.visible`); every other value stays exact, written as safe JSON.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from .escaping import json_document, visible
from .reporter import Reporter
from .shared import (
    errored_plans,
    finding_fingerprint,
    headline,
    incomplete_plan,
    override_terms,
    pack_sections,
    plan_path,
    source_point,
    waiver_terms,
)

__all__ = ["SCHEMA_URI", "render", "reporter"]

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning ranks security alerts by this score (CVSS-like, 0.0-10.0).
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def _camel(name: str) -> str:
    """`state_backend` → `stateBackend`."""
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def _uri(path: str) -> str:
    """A plan path as a URI reference: relative paths stay relative (repo-rooted)."""
    posix = path.replace("\\", "/")
    if PurePosixPath(posix).is_absolute():
        return "file://" + quote(posix, safe="/", errors="backslashreplace")
    return quote(posix, safe="/", errors="backslashreplace")


def _rules(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for f in findings:
        rule = by_id.get(f["policy_id"])
        if rule is None or _RANK.get(f["severity"], 0) > _RANK.get(rule["severity"], 0):
            by_id[f["policy_id"]] = {
                "title": f.get("title") or f["policy_id"],
                "severity": f["severity"],
                "source": f.get("source", ""),
            }
    rules = []
    for policy_id in sorted(by_id):
        meta = by_id[policy_id]
        properties: dict[str, Any] = {
            "severity": meta["severity"],
            "source": meta["source"],
            "tags": ["security", "terraform"],
        }
        if meta["severity"] in _SECURITY_SEVERITY:
            properties["security-severity"] = _SECURITY_SEVERITY[meta["severity"]]
        rules.append(
            {
                "id": policy_id,
                "name": meta["title"],
                "shortDescription": {"text": visible(meta["title"])},
                "help": {
                    "text": f"Run `plangate explain {policy_id}` for what it checks, why "
                    "it matters and how to fix it."
                },
                "defaultConfiguration": {"level": _LEVELS.get(meta["severity"], "warning")},
                "properties": properties,
            }
        )
    return rules


def _physical(path: str, line: int, end_line: int) -> dict[str, Any]:
    return {
        "artifactLocation": {"uri": _uri(path)},
        "region": {"startLine": line, "endLine": end_line},
    }


def _where(
    report: dict[str, Any], f: dict[str, Any], artifact_index: dict[str, int]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The physical location (the lines to edit, inside their block) and the related
    locations (the module calls that lead there); the plan file, line 1, when the
    finding's source is not known."""
    point = source_point(f)
    if point is None:
        path = plan_path(report, f)
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": _uri(path)},
            "region": {"startLine": 1},
        }
        if path in artifact_index:
            physical["artifactLocation"]["index"] = artifact_index[path]
        return physical, []
    physical = _physical(point.path, point.line, point.end_line)
    if (point.block_line, point.block_end_line) != (point.line, point.end_line):
        physical["contextRegion"] = {
            "startLine": point.block_line,
            "endLine": point.block_end_line,
        }
    related = [
        {
            "id": index,
            "physicalLocation": _physical(call.path, call.line, call.end_line),
            "message": {"text": visible(f'module "{call.name}" is called here')},
        }
        for index, call in enumerate(point.module_calls, start=1)
    ]
    return physical, related


def _result(
    report: dict[str, Any], f: dict[str, Any], rule_index: int, artifact_index: dict[str, int]
) -> dict[str, Any]:
    physical, related = _where(report, f, artifact_index)
    result: dict[str, Any] = {
        "ruleId": f["policy_id"],
        "ruleIndex": rule_index,
        "level": _LEVELS.get(f["severity"], "warning"),
        "message": {"text": visible(headline(f))},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": f["address"], "kind": "resource"}],
            }
        ],
        **({"relatedLocations": related} if related else {}),
        "partialFingerprints": {"plangate/v1": finding_fingerprint(f)},
        "properties": {
            "severity": f["severity"],
            "certainty": f["certainty"],
            "chain": list(f["chain"]),
            "changes": list(f.get("changes", [])),
            "blocking": f["blocking"],
            "waived": f["waived"],
            "new": f.get("new"),
            "attribute": f.get("attribute"),
            "resourceType": f.get("resource_type", ""),
            "actions": list(f.get("actions", [])),
            "enforcement": f.get("enforcement"),
            "letThrough": f.get("let_through"),
        },
    }
    waiver = f.get("waiver")
    if waiver is not None:
        result["properties"]["waiver"] = dict(waiver)
    override = f.get("override")
    if override is not None:
        result["properties"]["override"] = dict(override)
    if f["waived"] and waiver is not None:
        result["suppressions"] = [_suppression(f"waived: {waiver_terms(waiver)}", waiver)]
    elif f.get("let_through") == "override" and override is not None:
        result["suppressions"] = [_suppression(f"overridden {override_terms(override)}", override)]
    return result


def _suppression(justification: str, record: dict[str, Any]) -> dict[str, Any]:
    """An accepted external suppression: GitHub code scanning shows the alert as
    dismissed with this justification; the waiver or override itself is its property."""
    return {
        "kind": "external",
        "status": "accepted",
        "justification": visible(justification),
        "properties": {_camel(key): value for key, value in record.items()},
    }


def _artifacts(report: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """One artifact per plan file, and each path's index among them (results point there)."""
    artifact_index: dict[str, int] = {}
    artifacts: list[dict[str, Any]] = []
    for plan in report["plans"]:
        if plan["path"] not in artifact_index:
            artifact_index[plan["path"]] = len(artifacts)
            artifacts.append(
                {
                    "location": {"uri": _uri(plan["path"])},
                    "properties": {
                        "terraformVersion": plan["terraform_version"],
                        "formatVersion": plan["format_version"],
                        "errored": plan["errored"],
                        "resources": plan["resources"],
                    },
                }
            )
    return artifacts, artifact_index


def _notifications(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Why the run did not complete: its errors and every plan Terraform could not finish."""
    notifications = [
        {
            "level": "error",
            "message": {"text": visible(e["message"])},
            "descriptor": {"id": e["kind"]},
        }
        for e in report["errors"]
    ]
    notifications += [
        {
            "level": "error",
            "message": {"text": visible(incomplete_plan(p))},
            "descriptor": {"id": "plan-errored"},
        }
        for p in errored_plans(report)
    ]
    return notifications


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    findings = report["findings"]
    rules = _rules(findings)
    rule_index = {rule["id"]: i for i, rule in enumerate(rules)}
    artifacts, artifact_index = _artifacts(report)
    notifications = _notifications(report)
    configuration = [
        {
            "level": "warning",
            "message": {"text": visible(w["message"])},
            "descriptor": {"id": w["kind"]},
        }
        for w in report.get("warnings", ())
    ]
    version = report["plangate_version"]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "plangate", "version": version, "rules": rules}},
        "invocations": [
            {
                "executionSuccessful": report["decision"] != "error",
                "toolExecutionNotifications": notifications,
                "toolConfigurationNotifications": configuration,
            }
        ],
        "artifacts": artifacts,
        "results": [
            _result(report, f, rule_index[f["policy_id"]], artifact_index) for f in findings
        ],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "decision": report["decision"],
            "mode": report.get("mode", "all"),
            "overrides": [
                {_camel(k): v for k, v in o.items()} for o in report.get("overrides", ())
            ],
            # Each pack section, named in camelCase as SARIF properties are.
            **{_camel(name): list(rows) for name, rows in pack_sections(report)},
            "configFiles": list(report.get("config_files", [])),
        },
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json_document(document)


reporter = Reporter("sarif", "SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps)", render)
