"""`--format github`: workflow commands that cannot be broken out of."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import pytest
from plangate import Policy, Severity, finding, policy
from plangate.config import Waiver
from plangate.reporters import github
from plangate.runner import RunError
from plangate.testing import PlanBuilder


@policy(
    id="PG-RDS-001",
    title="Public database",
    severity=Severity.CRITICAL,
    resource_types=("aws_db_instance",),
)
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
        suffix = f" (password {password})" if password else ""
        yield finding(
            change, f"publicly_accessible = true{suffix}", attribute="publicly_accessible"
        )


@pytest.fixture
def public_db_policy() -> Policy:
    """Here a public database's message is bare unless it has a password, and has no path."""
    return public_db


@pytest.fixture
def protection_policy(protection_policy: Policy) -> Policy:
    """The shared deletion-protection policy, under a PG- id like public_db's."""
    return dataclasses.replace(protection_policy, id="PG-RDS-002")


@pytest.fixture
def public(db_plan: Callable[..., PlanBuilder]) -> Callable[..., PlanBuilder]:
    """`db_plan` with the address defaulting to module.db.aws_db_instance.x."""
    return functools.partial(db_plan, address="module.db.aws_db_instance.x")


def test_blocking_finding_is_an_error_command_titled_with_the_policy_id(report_for, public):
    out = github.render(report_for(public()))
    assert out.splitlines()[0] == (
        "::error title=PG-RDS-001::module.db.aws_db_instance.x: publicly_accessible = true"
    )


def test_non_blocking_finding_is_a_warning_and_waived_one_is_a_notice(report_for, public):
    builder = public().add("aws_db_instance.legacy", {"publicly_accessible": True})
    waiver = Waiver("PG-RDS-001", "aws_db_instance.legacy", "legacy", None)
    lines = github.render(report_for(builder, [waiver])).splitlines()
    assert "::warning title=PG-RDS-002::aws_db_instance.legacy: deletion_protection is off" in lines
    notice = next(line for line in lines if line.startswith("::notice"))
    assert notice.startswith("::notice title=PG-RDS-001::aws_db_instance.legacy: ")
    assert notice.endswith("%0Awaived: legacy")


def test_errors_come_first_so_they_are_shown_within_the_annotation_limit(report_for):
    builder = (
        PlanBuilder()
        .add("aws_db_instance.a", {"publicly_accessible": False})
        .add("aws_db_instance.b", {"publicly_accessible": True, "deletion_protection": True})
    )
    report = report_for(builder, errors=[RunError("policy", "policy X raised boom")])
    kinds = [
        line.split(" ", 1)[0]
        for line in github.render(report).splitlines()
        if line.startswith("::")
    ]
    # The last warning is the run's: the findings point at the plan file, not at .tf lines.
    assert kinds == ["::error", "::error", "::warning", "::warning"]


def test_message_data_escapes_percent_carriage_return_and_newline():
    assert github.escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert github.escape_data("a:b,c") == "a:b,c"


def test_properties_also_escape_colon_and_comma():
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_run_error_title_is_escaped_as_a_property(report_for):
    report = report_for(PlanBuilder(), errors=[RunError("policy", "x")])
    assert github.render(report).splitlines()[0] == "::error title=plangate error (policy)::x"


def test_message_with_a_newline_cannot_inject_a_workflow_command(report_for, public):
    report = report_for(public())
    report["findings"][0]["message"] = "oops\n::add-mask::x\r\n::stop-commands::t\x1b[2K"
    lines = github.render(report).splitlines()
    assert not any(line.startswith(("::add-mask", "::stop-commands")) for line in lines)
    assert "\x1b" not in "".join(lines)
    # A message is one line in every people-facing format; its control characters show.
    assert lines[0].endswith("oops ::add-mask::x ::stop-commands::t\\u001b[2K")


def test_summary_line_is_plain_text(report_for, public):
    last = github.render(report_for(public())).splitlines()[-1]
    assert not last.startswith("::")
    assert "block: 1 finding(s), 1 blocking, 0 waived, 0 error(s)" in last


def test_same_report_renders_identical_bytes(report_for, public):
    assert github.render(report_for(public())) == github.render(report_for(public()))


def test_sensitive_value_never_appears(report_for, public, secret):
    out = github.render(report_for(public(password=secret)))
    assert "(sensitive value)" in out
    assert secret not in out
