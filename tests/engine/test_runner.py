"""Routing by type, certainty handling, and the guarantee that secrets never leave."""

from __future__ import annotations

import datetime as dt

from plangate import Certainty, Severity, finding, policy
from plangate.config import Config
from plangate.runner import decide, run_policies
from plangate.testing import PlanBuilder

CALLS: list[str] = []


@policy(
    id="T-RUN-001",
    title="quotes the password",
    severity=Severity.HIGH,
    resource_types=("aws_db_instance",),
)
def quotes(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    CALLS.append(change.address)
    yield finding(
        change, f"password is {change.after_value('password')}", certainty=Certainty.POSSIBLE
    )


def _plan():
    builder = PlanBuilder()
    builder.add("aws_db_instance.a", {"password": "hunter2-secret"}, sensitive=["password"])
    builder.add("aws_db_instance.gone", {"password": "x"}, action="delete")
    builder.add("aws_s3_bucket.b", {"bucket": "b"})
    return builder.build()


def test_a_policy_sees_only_its_types_and_objects_in_the_planned_state():
    CALLS.clear()
    run_policies([_plan()], [quotes])
    assert CALLS == ["aws_db_instance.a"]


def test_a_sensitive_value_quoted_by_a_policy_is_redacted():
    outcome = run_policies([_plan()], [quotes])
    assert "hunter2-secret" not in outcome.findings[0].message
    assert "(sensitive value)" in outcome.findings[0].message


def test_possible_findings_block_at_high_by_default_and_can_be_made_warnings():
    findings = run_policies([_plan()], [quotes]).findings
    today = dt.date(2026, 1, 1)
    assert decide(findings, Config(), today=today)[0].blocking
    assert not decide(findings, Config(block_possible=False), today=today)[0].blocking
    critical = Config(fail_on_possible=Severity.CRITICAL)
    assert not decide(findings, critical, today=today)[0].blocking


def test_legacy_plans_without_sensitive_markers_still_hide_passwords():
    builder = PlanBuilder(format_version="0.1")
    builder.add("aws_db_instance.a", {"password": "legacy-password"})
    outcome = run_policies([builder.build()], [quotes])
    assert "legacy-password" not in outcome.findings[0].message


def test_findings_are_sorted_deterministically():
    first = run_policies([_plan()], [quotes]).findings
    second = run_policies([_plan()], [quotes]).findings
    assert [f.to_dict() for f in first] == [f.to_dict() for f in second]


@policy(
    id="T-RUN-002", title="public flag", severity=Severity.HIGH, resource_types=("aws_db_instance",)
)
def public_flag(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    if change.after_value("publicly_accessible") is True:
        yield finding(change, "public", attribute="publicly_accessible")


def test_a_finding_on_an_update_says_how_the_attribute_changes():
    builder = PlanBuilder()
    builder.add(
        "aws_db_instance.a",
        {"publicly_accessible": True},
        action="update",
        before={"publicly_accessible": False},
    )
    [found] = run_policies([builder.build()], [public_flag]).findings
    assert len(found.changes) == 1
    assert "publicly_accessible" in found.changes[0]
    assert "False" in found.changes[0] and "True" in found.changes[0]


def test_a_finding_on_a_create_has_no_change_description():
    builder = PlanBuilder().add("aws_db_instance.a", {"publicly_accessible": True})
    [found] = run_policies([builder.build()], [public_flag]).findings
    assert found.changes == ()


@policy(
    id="T-RUN-003",
    title="crashes on the password",
    severity=Severity.HIGH,
    resource_types=("aws_db_instance",),
)
def crashes(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    int(change.after_value("password"))
    yield


def test_an_exception_quoting_a_sensitive_value_is_redacted():
    outcome = run_policies([_plan()], [crashes])
    assert "T-RUN-003" in outcome.errors[0].message
    assert "hunter2-secret" not in outcome.errors[0].message


def test_each_finding_names_the_plan_it_is_in():
    first, second = _plan(), _plan()
    second.path = "other.json"
    outcome = run_policies([first, second], [quotes])
    assert sorted(f.plan for f in outcome.findings) == ["other.json", "test-plan.json"]


def test_a_root_variable_named_like_a_credential_is_redacted_without_a_marker():
    builder = PlanBuilder()
    builder.add("aws_db_instance.a", {"password": "x"})
    builder.variable("deploy_private_key", "pk-0123456789")
    plan = builder.build()
    assert "pk-0123456789" in plan.sensitive_strings()
