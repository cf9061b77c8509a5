"""`--format sarif`: SARIF 2.1.0 that code scanning accepts, stable from run to run."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from plangate import Certainty, Finding, Policy, Severity, finding, policy
from plangate.config import Waiver
from plangate.report import PlanInfo, Report
from plangate.reporters import sarif
from plangate.runner import RunError
from plangate.testing import PlanBuilder

LEVELS = {"none", "note", "warning", "error"}


@policy(
    id="T-RDS-002",
    title="No deletion protection",
    severity=Severity.LOW,
    resource_types=("aws_db_instance",),
)
def no_protection(change):
    """## What it checks
    deletion_protection.
    ## Why it matters
    Tests.
    ## How to fix
    Turn it on.
    """
    if change.after_value("deletion_protection") is not True:
        yield finding(
            change,
            "deletion_protection is off",
            attribute="deletion_protection",
            certainty=Certainty.POSSIBLE,
        )


@pytest.fixture
def protection_policy() -> Policy:
    """Here T-RDS-002's findings are only possible, to show certainty in the properties."""
    return no_protection


@pytest.fixture
def two_databases(secret: str) -> Callable[[], PlanBuilder]:
    """module.db's database, public with a sensitive password and no deletion protection,
    and a legacy one public but protected."""

    def two_databases() -> PlanBuilder:
        return (
            PlanBuilder()
            .add(
                "module.db.aws_db_instance.main",
                {"publicly_accessible": True, "password": secret},
                sensitive=["password"],
            )
            .add(
                "aws_db_instance.legacy", {"publicly_accessible": True, "deletion_protection": True}
            )
        )

    return two_databases


def assert_sarif_shape(doc: dict[str, Any]) -> None:
    """The structure SARIF 2.1.0 requires (and GitHub's upload checks), key by key."""
    assert doc["version"] == "2.1.0"
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert isinstance(doc["runs"], list) and doc["runs"]
    for run in doc["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        rules = driver.get("rules", [])
        ids = [rule["id"] for rule in rules]
        assert len(ids) == len(set(ids)), "rule ids must be unique"
        for rule in rules:
            assert rule["shortDescription"]["text"]
            assert rule["defaultConfiguration"]["level"] in LEVELS
        for result in run["results"]:
            assert isinstance(result["message"]["text"], str) and result["message"]["text"]
            assert result["level"] in LEVELS
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            assert result["locations"]
            for location in result["locations"]:
                assert location["physicalLocation"]["artifactLocation"]["uri"]
                assert location["physicalLocation"]["region"]["startLine"] >= 1
                for logical in location.get("logicalLocations", []):
                    assert logical["fullyQualifiedName"]
            for suppression in result.get("suppressions", []):
                assert suppression["kind"] in {"inSource", "external"}
        for invocation in run.get("invocations", []):
            assert isinstance(invocation["executionSuccessful"], bool)
            for note in invocation.get("toolExecutionNotifications", []):
                assert note["message"]["text"]


def test_document_has_the_sarif_2_1_0_shape(report_for, two_databases):
    doc = json.loads(sarif.render(report_for(two_databases())))
    assert_sarif_shape(doc)
    assert doc["runs"][0]["tool"]["driver"]["name"] == "plangate"
    assert doc["runs"][0]["tool"]["driver"]["version"]


def test_rules_are_the_findings_policies_sorted_by_id_with_their_titles(report_for, two_databases):
    driver = json.loads(sarif.render(report_for(two_databases())))["runs"][0]["tool"]["driver"]
    assert [(r["id"], r["name"], r["shortDescription"]["text"]) for r in driver["rules"]] == [
        ("T-RDS-001", "Public database", "Public database"),
        ("T-RDS-002", "No deletion protection", "No deletion protection"),
    ]
    assert [r["defaultConfiguration"]["level"] for r in driver["rules"]] == ["error", "note"]


def test_levels_follow_severity():
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
    results = json.loads(sarif.render(report.to_dict()))["runs"][0]["results"]
    assert [r["level"] for r in results] == ["note", "note", "warning", "error", "error"]


def test_result_locates_the_resource_logically_and_the_plan_physically(report_for, two_databases):
    report = report_for(two_databases())
    report["plans"][0]["path"] = "envs/prod plan.json"
    for item in report["findings"]:
        item["plan"] = "envs/prod plan.json"
    results = json.loads(sarif.render(report))["runs"][0]["results"]
    main = next(r for r in results if r["message"]["text"].startswith("module.db."))
    [location] = main["locations"]
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": "module.db.aws_db_instance.main", "kind": "resource"}
    ]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "envs/prod%20plan.json"


def test_absolute_plan_path_becomes_a_file_uri(report_for, two_databases):
    report = report_for(two_databases())
    report["plans"][0]["path"] = "/work/plans/plan.json"
    run = json.loads(sarif.render(report))["runs"][0]
    assert run["artifacts"][0]["location"]["uri"] == "file:///work/plans/plan.json"


def test_properties_carry_certainty_chain_blocking_and_waived(report_for, two_databases):
    results = json.loads(sarif.render(report_for(two_databases())))["runs"][0]["results"]
    main = next(
        r for r in results if r["ruleId"] == "T-RDS-001" and "module.db" in r["message"]["text"]
    )
    assert main["properties"]["certainty"] == "certain"
    assert main["properties"]["chain"] == [
        "aws_security_group.db",
        "module.db.aws_db_instance.main",
    ]
    assert main["properties"]["blocking"] is True
    assert main["properties"]["waived"] is False
    possible = next(r for r in results if r["ruleId"] == "T-RDS-002")
    assert possible["properties"]["certainty"] == "possible"


def test_waived_finding_carries_a_suppression_with_the_waiver_reason(report_for, two_databases):
    waiver = Waiver("T-RDS-001", "aws_db_instance.legacy", "legacy, ticket DB-12", None)
    results = json.loads(sarif.render(report_for(two_databases(), [waiver])))["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in suppressed] == [
        "aws_db_instance.legacy"
    ]
    [suppression] = suppressed[0]["suppressions"]
    assert (suppression["kind"], suppression["status"]) == ("external", "accepted")
    assert suppression["justification"] == "waived: legacy, ticket DB-12"
    assert suppression["properties"]["reason"] == "legacy, ticket DB-12"
    assert suppressed[0]["properties"]["waived"] is True


def test_run_errors_become_tool_execution_notifications(report_for, two_databases):
    report = report_for(two_databases(), errors=[RunError("policy", "policy X raised boom")])
    [invocation] = json.loads(sarif.render(report))["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"] == [
        {
            "level": "error",
            "message": {"text": "policy X raised boom"},
            "descriptor": {"id": "policy"},
        }
    ]


def test_fingerprints_are_stable_and_distinct_per_resource(report_for, two_databases):
    first = json.loads(sarif.render(report_for(two_databases())))["runs"][0]["results"]
    again = json.loads(sarif.render(report_for(two_databases())))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["plangate/v1"] for r in first]
    assert prints == [r["partialFingerprints"]["plangate/v1"] for r in again]
    assert len(set(prints)) == len(prints)


def test_same_report_renders_identical_bytes(report_for, two_databases):
    assert sarif.render(report_for(two_databases())) == sarif.render(report_for(two_databases()))


def test_sensitive_value_never_appears(report_for, two_databases, secret):
    out = sarif.render(report_for(two_databases()))
    assert "(sensitive value)" in out
    assert secret not in out
