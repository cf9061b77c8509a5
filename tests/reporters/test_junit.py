"""`--format junit`: well-formed JUnit XML that turns red exactly when plangate blocks."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from plangate import Severity, finding, policy
from plangate.config import Config, Waiver
from plangate.context import Context
from plangate.report import PlanInfo, Report
from plangate.reporters import junit
from plangate.runner import RunError, decide, run_policies
from plangate.testing import PlanBuilder

SECRET = "hunter2-correct-horse"
TODAY = dt.date(2030, 1, 1)


@policy(id="T-RDS-001", title="Public database", severity=Severity.CRITICAL,
        resource_types=("aws_db_instance",))
def public_db(change):
    """## What it checks
    publicly_accessible.
    ## Why it matters
    Tests.
    ## How to fix
    Turn it off.
    """
    if change.after_value("publicly_accessible") is True:
        password = change.after_value("password")
        yield finding(change, f"publicly_accessible = true (password {password})",
                      attribute="publicly_accessible",
                      chain=("aws_security_group.db", change.address))


@policy(id="T-RDS-002", title="No deletion protection", severity=Severity.LOW,
        resource_types=("aws_db_instance",))
def no_protection(change):
    """## What it checks
    deletion_protection.
    ## Why it matters
    Tests.
    ## How to fix
    Turn it on.
    """
    if change.after_value("deletion_protection") is not True:
        yield finding(change, "deletion_protection is off", attribute="deletion_protection")


def report_for(builder: PlanBuilder, waivers: Iterable[Waiver] = (),
               errors: Iterable[RunError] = ()) -> dict[str, Any]:
    plan = builder.build()
    config = Config(waivers=tuple(waivers))
    outcome = run_policies([plan], [public_db, no_protection], Context(), config)
    findings = decide(outcome.findings, config, Severity.HIGH, Severity.HIGH, True, TODAY)
    return Report(
        plans=[PlanInfo(plan.path, plan.terraform_version, plan.format_version, plan.errored,
                        plan.resource_count)],
        findings=findings, errors=[*outcome.errors, *errors], policies=2,
    ).to_dict()


def databases() -> PlanBuilder:
    return (PlanBuilder()
            .add('module.db.aws_db_instance.main["eu"]',
                 {"publicly_accessible": True, "deletion_protection": True, "password": SECRET},
                 sensitive=["password"])
            .add("aws_db_instance.legacy", {"publicly_accessible": True,
                                            "deletion_protection": True})
            .add("aws_db_instance.internal", {"publicly_accessible": False}))


def parse(report: dict[str, Any]) -> ET.Element:
    return ET.fromstring(junit.render(report))


def case(root: ET.Element, classname: str, name: str) -> ET.Element:
    [found] = [c for c in root.iter("testcase")
               if c.get("classname") == classname and c.get("name") == name]
    return found


def test_output_parses_as_one_testsuite_for_the_set_of_plans():
    root = parse(report_for(databases()))
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "plangate: test-plan.json"


def test_blocking_finding_is_a_failure_named_after_policy_and_address():
    failure = case(parse(report_for(databases())), "T-RDS-001",
                   'module.db.aws_db_instance.main["eu"]').find("failure")
    assert failure is not None
    assert failure.get("type") == "critical"
    assert failure.get("message").startswith("publicly_accessible = true")
    assert "path: aws_security_group.db -> module.db" in failure.text


def test_waived_finding_is_skipped_with_its_reason():
    waiver = Waiver("T-RDS-001", "aws_db_instance.legacy", "legacy, ticket DB-12", None)
    legacy = case(parse(report_for(databases(), [waiver])), "T-RDS-001",
                  "aws_db_instance.legacy")
    assert legacy.find("failure") is None
    assert legacy.find("skipped").get("message") == "waived: legacy, ticket DB-12"


def test_non_blocking_finding_passes_with_its_message_in_system_out():
    internal = case(parse(report_for(databases())), "T-RDS-002", "aws_db_instance.internal")
    assert internal.find("failure") is None and internal.find("skipped") is None
    assert "deletion_protection is off" in internal.find("system-out").text


def test_counts_match_the_testcases():
    waiver = Waiver("T-RDS-001", "aws_db_instance.legacy", "legacy", None)
    root = parse(report_for(databases(), [waiver], [RunError("policy", "boom")]))
    suite = root.find("testsuite")
    cases = list(suite.iter("testcase"))
    assert suite.get("tests") == str(len(cases)) == "4"
    assert suite.get("failures") == str(sum(c.find("failure") is not None for c in cases)) == "1"
    assert suite.get("errors") == "1"
    assert suite.get("skipped") == "1"
    assert {k: root.get(k) for k in ("tests", "failures", "errors", "skipped")} == {
        k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")}


def test_clean_run_is_one_passing_testcase_named_plangate():
    root = parse(report_for(PlanBuilder().add("aws_db_instance.ok", {
        "publicly_accessible": False, "deletion_protection": True})))
    [only] = list(root.iter("testcase"))
    assert (only.get("classname"), only.get("name")) == ("plangate", "plangate")
    assert list(only) == []
    assert root.get("failures") == root.get("errors") == "0"


def test_run_error_is_an_error_element_not_a_passing_test():
    clean = PlanBuilder().add("aws_db_instance.ok", {"publicly_accessible": False,
                                                      "deletion_protection": True})
    root = parse(report_for(clean, errors=[RunError("policy", "policy X raised boom")]))
    [only] = list(root.iter("testcase"))
    error = only.find("error")
    assert (error.get("type"), error.get("message")) == ("policy", "policy X raised boom")


def test_errored_plan_is_a_failure():
    report = report_for(PlanBuilder().add("aws_db_instance.ok", {
        "publicly_accessible": False, "deletion_protection": True}))
    report["plans"][0]["errored"] = True
    report["decision"] = "block"
    failure = case(parse(report), "plangate", "test-plan.json").find("failure")
    assert failure.get("type") == "plan-errored"


def test_markup_and_control_characters_in_messages_stay_well_formed():
    report = report_for(databases())
    nasty = 'a <b> & "c" ]]> \x01\x1b[31m end'
    report["findings"][0]["message"] = nasty
    report["findings"][0]["address"] = 'x["<&>"]'
    root = parse(report)
    failure = case(root, "T-RDS-001", 'x["<&>"]').find("failure")
    assert failure.get("message") == 'a <b> & "c" ]]> \ufffd\ufffd[31m end'


def test_same_report_renders_identical_bytes():
    assert junit.render(report_for(databases())) == junit.render(report_for(databases()))


def test_sensitive_value_never_appears():
    out = junit.render(report_for(databases()))
    assert "(sensitive value)" in out
    assert SECRET not in out
