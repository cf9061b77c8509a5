"""What was let through, in every format: waivers, overrides, `--only-new`, advisory levels.

One run holds each case: a soft-mandatory finding a waiver lets through (with its reason,
expiry and config file), one the operator's `--override` lets through (with who ran it
and why), one already deployed that `--only-new` lets through, an advisory one, and a
hard-mandatory one whose waiver does not count. A reviewer reading any format must see
each of them, and the run's mode and override.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from plangate import Enforcement, Gate, Severity, finding, policy
from plangate.config import Config, Waiver
from plangate.discovery import Packs
from plangate.overrides import Override
from plangate.reporters import load_formats
from plangate.testing import PlanBuilder

TODAY = dt.date(2030, 1, 1)
DOC = "## What it checks\nx\n## Why it matters\nx\n## How to fix\nx\n"


def _policy(policy_id: str, resource_type: str, level: Enforcement):
    def check(change):
        yield finding(change, f"{resource_type} is public", attribute="public")

    check.__doc__ = DOC
    return policy(
        id=policy_id,
        title=policy_id,
        severity=Severity.CRITICAL,
        resource_types=(resource_type,),
        enforcement=level,
    )(check)


POLICIES = [
    _policy("T-SHOW-001", "t_waived", Enforcement.SOFT_MANDATORY),
    _policy("T-SHOW-002", "t_overridden", Enforcement.SOFT_MANDATORY),
    _policy("T-SHOW-003", "t_existing", Enforcement.SOFT_MANDATORY),
    _policy("T-SHOW-004", "t_advisory", Enforcement.ADVISORY),
    _policy("T-SHOW-005", "t_hard", Enforcement.HARD_MANDATORY),
]
WAIVED = "waived: legacy DB-12, until 2031-01-01, in ops/plangate.toml"
OVERRIDDEN = "overridden by octocat (GITHUB_ACTOR): INC-9 failover drill"
ONLY_NEW = "already deployed: reported, not blocking (--only-new)"
ADVISORY = "advisory: reported, never blocks"
REFUSED = "waiver does not count (hard-mandatory): kept for audit"
MODE = "mode: only-new"
OVERRIDE_LINE = "override T-SHOW-002 by octocat (GITHUB_ACTOR): INC-9 failover drill"
PHRASES = (WAIVED, OVERRIDDEN, ONLY_NEW, ADVISORY, REFUSED, MODE, OVERRIDE_LINE)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    plan = (
        PlanBuilder()
        .add("t_waived.a", {"public": True})
        .add("t_overridden.b", {"public": True})
        .add("t_existing.c", {"public": True}, action="no-op")
        .add("t_advisory.d", {"public": True})
        .add("t_hard.e", {"public": True})
        .build()
    )
    waivers = (
        Waiver(
            "T-SHOW-001", "t_waived.a", "legacy DB-12", dt.date(2031, 1, 1), "ops/plangate.toml"
        ),
        Waiver("T-SHOW-005", "t_hard.e", "kept for audit", None, "ops/plangate.toml"),
    )
    override = Override("T-SHOW-002", "INC-9 failover drill", "octocat", "GITHUB_ACTOR")
    gate = Gate(
        Packs(POLICIES),
        Config(waivers=waivers, only_new=True),
        today=TODAY,
        overrides=(override,),
    )
    return gate.check([plan]).to_dict()


def _render(name: str, report: dict[str, Any]) -> str:
    [reporter] = [r for r in load_formats()[0] if r.name == name]
    return reporter.render(report, False)


def _readable(name: str, text: str) -> str:
    """The text a reader sees: each format's escapes undone."""
    if name == "github":
        return text.replace("%0A", "\n").replace("%25", "%")
    if name == "markdown":
        return re.sub(r"\\([\\`*_\[\]~#|().!-])", r"\1", text)
    if name == "junit":
        root = ET.fromstring(text)
        return "\n".join(
            [
                *(e.get("message", "") for e in root.iter()),
                *(e.get("value", "") for e in root.iter()),
            ]
            + [e.text or "" for e in root.iter()]
        )
    if name == "gitlab":
        return "\n".join(issue["description"] for issue in json.loads(text))
    return text


def _by_policy(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["policy_id"]: f for f in report["findings"]}


def test_the_run_lets_through_exactly_what_each_case_says(report):
    found = _by_policy(report)
    assert report["decision"] == "block" and report["mode"] == "only-new"
    assert {p: (f["blocking"], f["let_through"]) for p, f in found.items()} == {
        "T-SHOW-001": (False, "waiver"),
        "T-SHOW-002": (False, "override"),
        "T-SHOW-003": (False, "only-new"),
        "T-SHOW-004": (False, "advisory"),
        "T-SHOW-005": (True, None),
    }
    assert found["T-SHOW-002"]["override"]["by"] == "octocat"
    assert report["overrides"] == [
        {
            "policy": "T-SHOW-002",
            "reason": "INC-9 failover drill",
            "by": "octocat",
            "by_from": "GITHUB_ACTOR",
            "let_through": 1,
        }
    ]


@pytest.mark.parametrize("name", ["text", "markdown", "github", "junit", "atlantis"])
def test_every_people_facing_format_shows_each_exception_the_mode_and_the_override(report, name):
    shown = _readable(name, _render(name, report))
    for phrase in PHRASES:
        assert phrase in shown, (name, phrase)


def test_gitlab_shows_each_exception_and_the_override_as_issues(report):
    shown = _readable("gitlab", _render("gitlab", report))
    for phrase in PHRASES:
        assert phrase in shown, phrase
    issues = {i["description"].split(":")[0]: i for i in json.loads(_render("gitlab", report))}
    assert issues["t_waived.a"]["severity"] == issues["t_overridden.b"]["severity"] == "info"
    assert issues["t_hard.e"]["severity"] == "blocker"


def test_sarif_suppresses_what_a_waiver_or_override_let_through_and_says_why(report):
    run = json.loads(_render("sarif", report))["runs"][0]
    results = {r["ruleId"]: r for r in run["results"]}
    [waived] = results["T-SHOW-001"]["suppressions"]
    assert waived["status"] == "accepted" and waived["justification"] == WAIVED
    [overridden] = results["T-SHOW-002"]["suppressions"]
    assert overridden["justification"] == OVERRIDDEN
    assert overridden["properties"]["byFrom"] == "GITHUB_ACTOR"
    assert "suppressions" not in results["T-SHOW-005"]  # its waiver does not count
    assert results["T-SHOW-005"]["properties"]["enforcement"] == "hard-mandatory"
    assert results["T-SHOW-003"]["properties"]["letThrough"] == "only-new"
    assert run["properties"]["mode"] == "only-new"
    assert run["properties"]["overrides"][0]["letThrough"] == 1


def test_atlantis_fails_only_the_hard_mandatory_finding(report):
    out = _render("atlantis", report)
    fails = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 1 and "T-SHOW-005" in fails[0]
    excps = [line for line in out.splitlines() if line.startswith("EXCP")]
    assert {line.split(" - ")[2] for line in excps} == {"T-SHOW-001", "T-SHOW-002"}


def test_junit_skips_what_a_waiver_or_override_let_through(report):
    root = ET.fromstring(_render("junit", report))
    skipped = {
        case.get("classname"): case.find("skipped").get("message")
        for case in root.iter("testcase")
        if case.find("skipped") is not None
    }
    assert skipped == {"T-SHOW-001": WAIVED, "T-SHOW-002": OVERRIDDEN}


def test_a_hostile_reason_and_runner_name_stay_one_inert_line_in_every_format():
    """The reason is the operator's and the name the CI's, but both are text that reaches
    terminals, logs and PR comments: no format may let them add a line or a command."""
    plan = PlanBuilder().add("t_overridden.b", {"public": True}).build()
    hostile = "ok\n::error::forged\x1b[2J\nFAIL - x - y - z @team"
    override = Override("T-SHOW-002", hostile, "bot\n::warning::x", "GITHUB_ACTOR")
    gate = Gate(Packs(POLICIES), today=TODAY, overrides=(override,))
    report = gate.check([plan]).to_dict()
    assert report["findings"][0]["override"]["reason"] == hostile  # JSON keeps it exact
    for name in ("text", "markdown", "github", "junit", "atlantis", "gitlab", "sarif"):
        out = _render(name, report)
        assert "\x1b" not in out, name
        assert not any(line.startswith("::error::forged") for line in out.splitlines()), name
    atlantis_lines = _render("atlantis", report).splitlines()
    assert not any(line.startswith("FAIL") for line in atlantis_lines)
    assert "@team" not in _render("markdown", report)
