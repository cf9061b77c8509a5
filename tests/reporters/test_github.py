"""`--format github`: workflow commands that cannot be broken out of."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from plangate import Severity, finding, policy
from plangate.config import Config, Waiver
from plangate.context import Context
from plangate.report import PlanInfo, Report
from plangate.reporters import github
from plangate.runner import RunError, decide, run_policies
from plangate.testing import PlanBuilder

SECRET = "hunter2-correct-horse"
TODAY = dt.date(2030, 1, 1)


@policy(id="PG-RDS-001", title="Public database", severity=Severity.CRITICAL,
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
        suffix = f" (password {password})" if password else ""
        yield finding(change, f"publicly_accessible = true{suffix}",
                      attribute="publicly_accessible")


@policy(id="PG-RDS-002", title="No deletion protection", severity=Severity.LOW,
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


def public(address: str = "module.db.aws_db_instance.x", **values: Any) -> PlanBuilder:
    sensitive = ["password"] if "password" in values else []
    return PlanBuilder().add(address, {"publicly_accessible": True, "deletion_protection": True,
                                       **values}, sensitive=sensitive)


def test_blocking_finding_is_an_error_command_titled_with_the_policy_id():
    out = github.render(report_for(public()))
    assert out.splitlines()[0] == (
        "::error title=PG-RDS-001::module.db.aws_db_instance.x: publicly_accessible = true")


def test_non_blocking_finding_is_a_warning_and_waived_one_is_a_notice():
    builder = public().add("aws_db_instance.legacy", {"publicly_accessible": True})
    waiver = Waiver("PG-RDS-001", "aws_db_instance.legacy", "legacy", None)
    lines = github.render(report_for(builder, [waiver])).splitlines()
    assert "::warning title=PG-RDS-002::aws_db_instance.legacy: deletion_protection is off" \
        in lines
    notice = next(line for line in lines if line.startswith("::notice"))
    assert notice.startswith("::notice title=PG-RDS-001::aws_db_instance.legacy: ")
    assert notice.endswith("%0Awaived: legacy")


def test_errors_come_first_so_they_are_shown_within_the_annotation_limit():
    builder = PlanBuilder().add("aws_db_instance.a", {"publicly_accessible": False}).add(
        "aws_db_instance.b", {"publicly_accessible": True, "deletion_protection": True})
    report = report_for(builder, errors=[RunError("policy", "policy X raised boom")])
    kinds = [line.split(" ", 1)[0] for line in github.render(report).splitlines()
             if line.startswith("::")]
    assert kinds == ["::error", "::error", "::warning"]


def test_message_data_escapes_percent_carriage_return_and_newline():
    assert github.escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert github.escape_data("a:b,c") == "a:b,c"


def test_properties_also_escape_colon_and_comma():
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_run_error_title_is_escaped_as_a_property():
    report = report_for(PlanBuilder(), errors=[RunError("policy", "x")])
    assert github.render(report).splitlines()[0] == "::error title=plangate error (policy)::x"


def test_message_with_a_newline_cannot_inject_a_workflow_command():
    report = report_for(public())
    report["findings"][0]["message"] = "oops\n::add-mask::x\r\n::stop-commands::t\x1b[2K"
    lines = github.render(report).splitlines()
    assert not any(line.startswith(("::add-mask", "::stop-commands")) for line in lines)
    assert "\x1b" not in "".join(lines)
    assert lines[0].endswith("oops%0A::add-mask::x%0D%0A::stop-commands::t\ufffd[2K")


def test_summary_line_is_plain_text():
    last = github.render(report_for(public())).splitlines()[-1]
    assert not last.startswith("::")
    assert "block: 1 finding(s), 1 blocking, 0 waived, 0 error(s)" in last


def test_same_report_renders_identical_bytes():
    assert github.render(report_for(public())) == github.render(report_for(public()))


def test_sensitive_value_never_appears():
    out = github.render(report_for(public(password=SECRET)))
    assert "(sensitive value)" in out
    assert SECRET not in out
