"""`--format junit`: well-formed JUnit XML that turns red exactly when plangate blocks."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from plangate.config import Waiver
from plangate.reporters import junit
from plangate.runner import RunError
from plangate.testing import PlanBuilder


@pytest.fixture
def databases(db_plan: Callable[..., PlanBuilder], secret: str) -> Callable[[], PlanBuilder]:
    """module.db's database (public, protected, sensitive password), a legacy one public and
    protected, and an internal one unprotected."""

    def databases() -> PlanBuilder:
        return (
            db_plan('module.db.aws_db_instance.main["eu"]', password=secret)
            .add(
                "aws_db_instance.legacy", {"publicly_accessible": True, "deletion_protection": True}
            )
            .add("aws_db_instance.internal", {"publicly_accessible": False})
        )

    return databases


def parse(report: dict[str, Any]) -> ET.Element:
    return ET.fromstring(junit.render(report))


def case(root: ET.Element, classname: str, name: str) -> ET.Element:
    [found] = [
        c
        for c in root.iter("testcase")
        if c.get("classname") == classname and c.get("name") == name
    ]
    return found


def test_output_parses_as_one_testsuite_for_the_set_of_plans(report_for, databases):
    root = parse(report_for(databases()))
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "plangate: test-plan.json"


def test_blocking_finding_is_a_failure_named_after_policy_and_address(report_for, databases):
    failure = case(
        parse(report_for(databases())), "T-RDS-001", 'module.db.aws_db_instance.main["eu"]'
    ).find("failure")
    assert failure is not None
    assert failure.get("type") == "critical"
    assert failure.get("message").startswith("publicly_accessible = true")
    assert "path: aws_security_group.db -> module.db" in failure.text


def test_waived_finding_is_skipped_with_its_reason(report_for, databases):
    waiver = Waiver("T-RDS-001", "aws_db_instance.legacy", "legacy, ticket DB-12", None)
    legacy = case(parse(report_for(databases(), [waiver])), "T-RDS-001", "aws_db_instance.legacy")
    assert legacy.find("failure") is None
    assert legacy.find("skipped").get("message") == "waived: legacy, ticket DB-12"


def test_non_blocking_finding_passes_with_its_message_in_system_out(report_for, databases):
    internal = case(parse(report_for(databases())), "T-RDS-002", "aws_db_instance.internal")
    assert internal.find("failure") is None and internal.find("skipped") is None
    assert "deletion_protection is off" in internal.find("system-out").text


def test_counts_match_the_testcases(report_for, databases):
    waiver = Waiver("T-RDS-001", "aws_db_instance.legacy", "legacy", None)
    root = parse(report_for(databases(), [waiver], [RunError("policy", "boom")]))
    suite = root.find("testsuite")
    cases = list(suite.iter("testcase"))
    assert suite.get("tests") == str(len(cases)) == "4"
    assert suite.get("failures") == str(sum(c.find("failure") is not None for c in cases)) == "1"
    assert suite.get("errors") == "1"
    assert suite.get("skipped") == "1"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")
    }


def test_clean_run_is_one_passing_testcase_named_plangate(report_for):
    root = parse(
        report_for(
            PlanBuilder().add(
                "aws_db_instance.ok", {"publicly_accessible": False, "deletion_protection": True}
            )
        )
    )
    [only] = list(root.iter("testcase"))
    assert (only.get("classname"), only.get("name")) == ("plangate", "plangate")
    assert list(only) == []
    assert root.get("failures") == root.get("errors") == "0"


def test_run_error_is_an_error_element_not_a_passing_test(report_for):
    clean = PlanBuilder().add(
        "aws_db_instance.ok", {"publicly_accessible": False, "deletion_protection": True}
    )
    root = parse(report_for(clean, errors=[RunError("policy", "policy X raised boom")]))
    [only] = list(root.iter("testcase"))
    error = only.find("error")
    assert (error.get("type"), error.get("message")) == ("policy", "policy X raised boom")


def test_errored_plan_is_a_failure(report_for):
    report = report_for(
        PlanBuilder().add(
            "aws_db_instance.ok", {"publicly_accessible": False, "deletion_protection": True}
        )
    )
    report["plans"][0]["errored"] = True
    report["decision"] = "block"
    failure = case(parse(report), "plangate", "test-plan.json").find("failure")
    assert failure.get("type") == "plan-errored"


def test_markup_and_control_characters_in_messages_stay_well_formed(report_for, databases):
    report = report_for(databases())
    nasty = 'a <b> & "c" ]]> \x01\x1b[31m end'
    report["findings"][0]["message"] = nasty
    report["findings"][0]["address"] = 'x["<&>"]'
    root = parse(report)
    failure = case(root, "T-RDS-001", 'x["<&>"]').find("failure")
    assert failure.get("message") == 'a <b> & "c" ]]> \\u0001\\u001b[31m end'


def test_same_report_renders_identical_bytes(report_for, databases):
    assert junit.render(report_for(databases())) == junit.render(report_for(databases()))


def test_sensitive_value_never_appears(report_for, databases, secret):
    out = junit.render(report_for(databases()))
    assert "(sensitive value)" in out
    assert secret not in out
