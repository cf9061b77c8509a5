"""`--format gitlab`: a Code Quality report GitLab accepts and can compare across runs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from plangate import Finding, Severity
from plangate.config import Waiver
from plangate.report import PlanInfo, Report
from plangate.reporters import gitlab
from plangate.runner import RunError
from plangate.testing import PlanBuilder


@pytest.fixture
def databases(db_plan: Callable[..., PlanBuilder], secret: str) -> Callable[[], PlanBuilder]:
    """module.db's database (public, protected, sensitive password) and a legacy one, public
    and unprotected."""

    def databases() -> PlanBuilder:
        return db_plan(password=secret).add("aws_db_instance.legacy", {"publicly_accessible": True})

    return databases


def issues(report: dict[str, Any]) -> list[dict[str, Any]]:
    return json.loads(gitlab.render(report))


def test_report_is_a_list_of_code_quality_issues(report_for, databases):
    found = issues(report_for(databases()))
    # Three findings, and the run's warning that they point at the plan file.
    assert isinstance(found, list) and len(found) == 4
    assert found[-1]["check_name"] == "plangate/sources"
    for issue in found:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert len(issue["fingerprint"]) == 64 and int(issue["fingerprint"], 16) >= 0
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == "test-plan.json"
        assert issue["location"]["lines"]["begin"] == 1


def test_description_leads_with_the_resource_address(report_for, databases):
    [main] = [
        i for i in issues(report_for(databases())) if i["description"].startswith("module.db.")
    ]
    assert main["check_name"] == "T-RDS-001"
    assert main["description"].startswith(
        "module.db.aws_db_instance.main: publicly_accessible = true"
    )


def test_severity_maps_info_low_medium_high_critical_to_gitlab_levels():
    findings = [
        Finding(
            address=f"aws_db_instance.x{n}",
            message="m",
            policy_id=f"T-X-00{n}",
            title="t",
            severity=severity,
        )
        for n, severity in enumerate(Severity)
    ]
    report = Report(plans=[PlanInfo("plan.json", "1.11.4", "1.2")], findings=findings)
    assert [i["severity"] for i in issues(report.to_dict())] == [
        "info",
        "minor",
        "major",
        "critical",
        "blocker",
    ]


def test_fingerprint_is_the_sha256_of_policy_address_and_attribute(report_for, databases):
    [main] = [
        i for i in issues(report_for(databases())) if i["description"].startswith("module.db.")
    ]
    key = json.dumps(["T-RDS-001", "module.db.aws_db_instance.main", "publicly_accessible"])
    assert main["fingerprint"] == hashlib.sha256(key.encode()).hexdigest()


def test_fingerprint_does_not_change_when_the_message_does(report_for, databases):
    first = report_for(databases())
    second = report_for(databases())
    second["findings"][0]["message"] = "reworded"
    assert [i["fingerprint"] for i in issues(first)] == [i["fingerprint"] for i in issues(second)]


def test_waived_findings_are_info_issues_that_say_what_let_them_through(report_for, databases):
    """A reviewer must see what was let through (they were left out before)."""
    waiver = Waiver("T-RDS-*", "aws_db_instance.legacy", "legacy", None)
    found = issues(report_for(databases(), [waiver]))
    legacy = [i for i in found if i["description"].startswith("aws_db_instance.legacy")]
    assert sorted(i["check_name"] for i in legacy) == ["T-RDS-001", "T-RDS-002"]
    assert all(i["severity"] == "info" and "(waived: legacy)" in i["description"] for i in legacy)
    assert not any("[blocking]" in i["description"] for i in legacy)


def test_run_error_is_a_blocker_issue(report_for):
    report = report_for(PlanBuilder(), errors=[RunError("policy", "policy X raised boom")])
    [issue] = issues(report)
    assert issue["severity"] == "blocker"
    assert issue["check_name"] == "plangate/policy"
    assert "policy X raised boom" in issue["description"]


def test_clean_run_is_an_empty_list(report_for):
    assert (
        issues(
            report_for(
                PlanBuilder().add(
                    "aws_db_instance.ok",
                    {"publicly_accessible": False, "deletion_protection": True},
                )
            )
        )
        == []
    )


def test_same_report_renders_identical_bytes(report_for, databases):
    assert gitlab.render(report_for(databases())) == gitlab.render(report_for(databases()))


def test_sensitive_value_never_appears(report_for, databases, secret):
    out = gitlab.render(report_for(databases()))
    assert "(sensitive value)" in out
    assert secret not in out
