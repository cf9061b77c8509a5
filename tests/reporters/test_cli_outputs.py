"""Every format through the real console script: --output files, and no secret anywhere."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from plangate.reporters import format_names
from plangate.testing import PlanBuilder

POLICY = '''
from plangate import Severity, finding, policy


@policy(id="T-PUBLIC-001", title="Public database", severity=Severity.CRITICAL,
        resource_types=("test_database",))
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
        yield finding(change, f"publicly_accessible = true, password {password}",
                      attribute="publicly_accessible", chain=(change.address, str(password)))
'''


@pytest.fixture
def workdir(tmp_path: Path, secret: str) -> Path:
    plan = PlanBuilder().add(
        "module.db.test_database.main",
        {"publicly_accessible": True, "password": secret},
        sensitive=["password"],
    )
    (tmp_path / "plan.json").write_text(json.dumps(plan.to_dict()))
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "public.py").write_text(POLICY)
    return tmp_path


@pytest.fixture
def check(
    workdir: Path, run_plangate: Callable[..., subprocess.CompletedProcess[str]]
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`check(*args)`: `plangate check` of workdir's plan with its policies."""

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return run_plangate(
            "check",
            "plan.json",
            "--policy-dir",
            "policies",
            "--no-entry-points",
            *args,
            cwd=workdir,
        )

    return check


def test_output_flags_write_sarif_and_junit_while_stdout_has_the_chosen_format(
    workdir: Path, check
):
    result = check(
        "--format",
        "github",
        "--output",
        f"sarif={workdir / 'r.sarif'}",
        "--output",
        f"junit={workdir / 'r.xml'}",
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("::error title=T-PUBLIC-001::module.db.test_database.main")
    sarif = json.loads((workdir / "r.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["T-PUBLIC-001"]
    junit = ET.parse(workdir / "r.xml").getroot()
    assert junit.find("testsuite/testcase/failure") is not None


def test_an_output_that_cannot_be_written_fails_closed_and_the_others_are_still_written(
    workdir: Path, check
):
    result = check(
        "--format",
        "github",
        "--output",
        "sarif=missing/report.sarif",
        "--output",
        "junit=junit.xml",
    )
    assert result.returncode == 2
    assert result.stdout.startswith(
        "::error title=plangate error (output)::cannot write missing/report.sarif"
    )
    junit = ET.parse(workdir / "junit.xml").getroot()
    assert junit.find("testsuite/testcase/error").get("type") == "output"


def test_unknown_output_format_is_a_usage_error(check):
    result = check("--output", "pdf=report.pdf")
    assert result.returncode == 2
    assert "--output 'pdf=report.pdf'" in result.stderr


@pytest.mark.parametrize("fmt", format_names())
def test_sensitive_value_never_appears_in_any_format(workdir: Path, check, secret, fmt: str):
    result = check("--format", fmt, "--output", f"{fmt}=copy.out")
    assert result.returncode in (0, 1), result.stderr
    written = (workdir / "copy.out").read_text()
    assert "(sensitive value)" in result.stdout
    assert secret not in result.stdout
    assert secret not in result.stderr
    assert secret not in written


@pytest.mark.parametrize("fmt", [name for name in format_names() if name != "json"])
def test_same_plan_gives_byte_identical_output(check, fmt: str):
    assert check("--format", fmt).stdout == check("--format", fmt).stdout
