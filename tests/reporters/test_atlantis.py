"""`--format atlantis`: conftest-style lines an Atlantis custom policy check can read."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from plangate.config import Waiver
from plangate.reporters import atlantis
from plangate.runner import RunError
from plangate.testing import PlanBuilder


@pytest.fixture
def public_plan(db_plan: Callable[..., PlanBuilder], secret: str) -> Callable[[], PlanBuilder]:
    """module.db's database: public, deletion-protected, with a sensitive password."""
    return functools.partial(db_plan, password=secret)


def protected_plan() -> PlanBuilder:
    return PlanBuilder().add(
        "aws_db_instance.main", {"publicly_accessible": False, "deletion_protection": True}
    )


def test_blocking_finding_is_a_fail_line_with_address_policy_and_message(report_for, public_plan):
    out = atlantis.render(report_for(public_plan()))
    assert re.search(
        r"^FAIL - module\.db\.aws_db_instance\.main - T-RDS-001 - "
        r"publicly_accessible = true",
        out,
        re.M,
    )


def test_fail_line_names_each_hop_of_the_path(report_for, public_plan):
    out = atlantis.render(report_for(public_plan()))
    line = next(x for x in out.splitlines() if x.startswith("FAIL"))
    assert "aws_security_group.db -> module.db.aws_db_instance.main" in line


def test_non_blocking_finding_is_a_warn_line(report_for):
    plan = PlanBuilder().add("aws_db_instance.main", {"publicly_accessible": False})
    out = atlantis.render(report_for(plan))
    assert "WARN - aws_db_instance.main - T-RDS-002 - deletion_protection is off" in out
    assert not re.search(r"^FAIL", out, re.M)


def test_waived_finding_is_an_exception_line_with_its_reason(report_for, public_plan):
    waiver = Waiver(
        "T-RDS-001", "module.db.*", "legacy database, ticket DB-12", dt.date(2031, 1, 1)
    )
    out = atlantis.render(report_for(public_plan(), [waiver]))
    line = next(x for x in out.splitlines() if x.startswith("EXCP"))
    assert line.startswith("EXCP - module.db.aws_db_instance.main - T-RDS-001 - ")
    assert "waived: legacy database, ticket DB-12, until 2031-01-01" in line


def test_summary_counts_tests_passed_warnings_failures_and_exceptions(report_for, public_plan):
    builder = public_plan().add("aws_db_instance.other", {"publicly_accessible": False})
    out = atlantis.render(report_for(builder))
    # T-RDS-001 fails once, T-RDS-002 warns once (module.db is protected); no policy passes.
    # The run's warning that no finding could be traced to a .tf line is one more.
    assert (
        out.rstrip().splitlines()[-1] == "3 tests, 0 passed, 2 warnings, 1 failures, 0 exceptions"
    )


def test_a_policy_without_findings_counts_as_passed(report_for):
    out = atlantis.render(report_for(protected_plan()))
    assert out.rstrip().splitlines()[-1] == "2 tests, 2 passed, 0 warnings, 0 exceptions"


def test_passing_report_never_contains_the_word_fail(report_for):
    # Older Atlantis releases fail a custom policy check on any "fail" substring.
    plan = PlanBuilder().add("aws_db_instance.main", {"publicly_accessible": False})
    report = report_for(plan)
    assert report["decision"] == "pass"
    assert "fail" not in atlantis.render(report).lower()


def test_blocked_report_has_a_nonzero_failure_count_for_newer_atlantis(report_for, public_plan):
    out = atlantis.render(report_for(public_plan()))
    assert re.search(r"\b[1-9]\d* failures\b", out)


def test_run_error_is_a_fail_line_even_without_findings(report_for):
    report = report_for(protected_plan(), errors=[RunError("policy", "policy X raised boom")])
    out = atlantis.render(report)
    assert "FAIL - plangate - plangate/policy - policy X raised boom" in out
    assert "1 failures" in out


def test_errored_plan_is_a_fail_line(report_for):
    report = report_for(protected_plan())
    report["plans"][0]["errored"] = True
    report["decision"] = "block"
    out = atlantis.render(report)
    assert re.search(r"^FAIL - test-plan\.json - plangate/plan-errored - ", out, re.M)


def test_newline_in_a_message_cannot_start_a_new_line(report_for, public_plan):
    report = report_for(public_plan())
    report["findings"][0]["message"] = "first\nFAIL - forged - X - y\x1b[2K"
    out = atlantis.render(report)
    assert not any(line.startswith("FAIL - forged") for line in out.splitlines())
    assert "\x1b" not in out


def test_same_report_renders_identical_bytes(report_for, public_plan):
    assert atlantis.render(report_for(public_plan())) == atlantis.render(report_for(public_plan()))


def test_sensitive_value_never_appears(report_for, public_plan, secret):
    out = atlantis.render(report_for(public_plan()))
    assert "(sensitive value)" in out
    assert secret not in out


def test_cli_exits_0_when_blocked_so_atlantis_reads_the_output(tmp_path: Path, run_plangate):
    plan_file = tmp_path / "plan.json"
    plan = PlanBuilder().add("aws_s3_bucket.b", {"bucket": "x"})
    plan_file.write_text(json.dumps(plan.to_dict()))
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "always.py").write_text(ALWAYS)
    result = run_plangate(
        "check",
        str(plan_file),
        "--format",
        "atlantis",
        "--policy-dir",
        str(policies),
        "--no-entry-points",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "FAIL - aws_s3_bucket.b - T-ALWAYS-001 - always blocks" in result.stdout


ALWAYS = '''
from plangate import Severity, finding, policy


@policy(id="T-ALWAYS-001", title="always", severity=Severity.CRITICAL,
        resource_types=("aws_s3_bucket",))
def always(change):
    """## What it checks
    Everything.
    ## Why it matters
    Tests.
    ## How to fix
    Nothing.
    """
    yield finding(change, "always blocks")
'''
