"""End to end: adopting the gate on an estate that already violates it.

The real terraform binary and the stub aws provider (tests/tfstub) apply a configuration
whose `legacy` database is public, to a local state; then the configuration changes and
is planned again, so the second plans have a real prior state:

- `new_violations`: a new public database is created (`fresh[0]`), a private one is made
  public (`reports`, an update into the violating state), `legacy` is left as it is;
- `tags_only`: only `legacy`'s tags change (an update that leaves it public).

Each plan is checked by the installed console script, as CI runs it, with an operator
config outside the working directory.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tfstub  # the stub-provider harness, registered by tests/conftest.py

ROOT = Path(__file__).resolve().parents[2]
PLANGATE = str(Path(sys.executable).parent / "plangate")


pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tfstub.terraform_available(), reason="needs terraform"),
]

DATABASE = """
resource "aws_db_instance" "{name}" {{
  {count}
  identifier          = "{name}"
  engine              = "postgres"
  instance_class      = "db.t4g.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "correct-horse-battery"
  publicly_accessible = {public}
  skip_final_snapshot = true
  {extra}
}}
"""
CONFIGURATION = (
    """
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "eu-west-1"
}

variable "add_new" {
  type    = bool
  default = false
}

variable "flip" {
  type    = bool
  default = false
}

variable "note" {
  type    = string
  default = "legacy"
}
"""
    + DATABASE.format(name="legacy", count="", public="true", extra="tags = { note = var.note }")
    + DATABASE.format(name="reports", count="", public="var.flip", extra="")
    + DATABASE.format(name="fresh", count="count = var.add_new ? 1 : 0", public="true", extra="")
)
# The adoption recipe: PG-RDS-001 is hard-mandatory by default; the operator makes it
# soft-mandatory so that --only-new and --override may apply to it.
SOFT = '[policies.PG-RDS-001]\nenforcement = "soft-mandatory"\n'
LEGACY, FRESH, REPORTS = (
    "aws_db_instance.legacy",
    "aws_db_instance.fresh[0]",
    "aws_db_instance.reports",
)


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The configuration applied (legacy public), and the two second plans beside it."""
    root = tmp_path_factory.mktemp("estate")
    work = root / "infra"
    work.mkdir()
    (work / "main.tf").write_text(CONFIGURATION)
    env = tfstub.stub_env(root / "env")
    first, planfile = tfstub.plan(work, env)
    assert {rc["address"] for rc in first["resource_changes"]} == {LEGACY, REPORTS}
    tfstub.apply(work, env, planfile)
    for name, variables in (
        ("new_violations", {"add_new": True, "flip": True}),
        ("tags_only", {"note": "still legacy"}),
    ):
        data, _ = tfstub.plan(work, env, variables, out=f"{name}.tfplan")
        (work / f"{name}.json").write_text(json.dumps(data))
    return work


def _check(
    estate: Path, plan: str, *args: str, operator: str | None = None, **env: str
) -> tuple[int, dict[str, Any], str]:
    """`plangate check --format json` in the working directory, with the operator config
    `operator` (if any) outside it; (exit code, report, stderr)."""
    base = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", **env}
    if operator is not None:
        path = estate.parent / "operator.toml"
        path.write_text(operator)
        base["PLANGATE_CONFIG"] = str(path)
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", *args, f"{plan}.json"],
        capture_output=True,
        text=True,
        cwd=estate,
        env=base,
        check=False,
    )
    report = json.loads(result.stdout) if result.stdout else {}
    return result.returncode, report, result.stderr


def _rds_001(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["address"]: f for f in report["findings"] if f["policy_id"] == "PG-RDS-001"}


def test_the_second_plans_hold_what_the_scenario_needs(estate):
    actions = {
        name: {
            rc["address"]: rc["change"]["actions"]
            for rc in json.loads((estate / f"{name}.json").read_text())["resource_changes"]
        }
        for name in ("new_violations", "tags_only")
    }
    assert actions["new_violations"] == {
        LEGACY: ["no-op"],
        REPORTS: ["update"],
        FRESH: ["create"],
    }
    assert actions["tags_only"] == {LEGACY: ["update"], REPORTS: ["no-op"]}


def test_only_new_reports_the_deployed_violation_and_blocks_the_ones_the_plan_brings(estate):
    code, report, _ = _check(estate, "new_violations", "--only-new", operator=SOFT)
    assert code == 1 and report["mode"] == "only-new"
    found = _rds_001(report)
    assert {a for a, f in found.items() if f["blocking"]} == {FRESH, REPORTS}
    legacy = found[LEGACY]
    assert (legacy["new"], legacy["blocking"], legacy["let_through"]) == (False, False, "only-new")
    # Without the mode, the deployed violation blocks as well.
    code, report, _ = _check(estate, "new_violations", operator=SOFT)
    assert code == 1 and report["mode"] == "all"
    assert {a for a, f in _rds_001(report).items() if f["blocking"]} == {FRESH, REPORTS, LEGACY}


def test_only_new_passes_a_plan_that_leaves_a_deployed_violation_as_it_is(estate):
    code, report, _ = _check(estate, "tags_only", "--only-new", operator=SOFT)
    assert code == 0, report
    assert _rds_001(report)[LEGACY]["let_through"] == "only-new"
    assert _check(estate, "tags_only", operator=SOFT)[0] == 1


def test_only_new_set_in_the_operator_config_works_as_the_flag_does(estate):
    code, report, _ = _check(estate, "tags_only", operator="only_new = true\n" + SOFT)
    assert code == 0 and report["mode"] == "only-new"


def test_a_hard_mandatory_violation_blocks_even_when_deployed_under_only_new(estate):
    code, report, _ = _check(estate, "tags_only", "--only-new")
    assert code == 1 and report["mode"] == "only-new"
    legacy = _rds_001(report)[LEGACY]
    assert (legacy["enforcement"], legacy["new"], legacy["blocking"]) == (
        "hard-mandatory",
        False,
        True,
    )


def test_a_repository_config_cannot_turn_only_new_on_under_an_operator_config(estate):
    (estate / "plangate.toml").write_text("only_new = true\n")
    try:
        code, report, stderr = _check(estate, "tags_only", operator=SOFT)
    finally:
        (estate / "plangate.toml").unlink()
    assert code == 1 and report["mode"] == "all"
    assert "only_new = true ignored" in stderr


def test_an_override_lets_a_soft_mandatory_policy_through_and_names_who_and_why(estate):
    args = ("--override", "PG-RDS-001", "--reason", "CHG-42: public until the VPN is up")
    code, report, _ = _check(
        estate, "new_violations", *args, operator=SOFT, GITHUB_ACTOR="platform-lead"
    )
    assert code == 0, report
    for found in _rds_001(report).values():
        assert found["let_through"] == "override" and not found["blocking"]
        assert found["override"]["by"] == "platform-lead"
    assert report["overrides"][0]["let_through"] == 3


def test_an_override_of_a_hard_mandatory_policy_is_refused_with_exit_2(estate):
    args = ("--override", "PG-RDS-001", "--reason", "please")
    code, report, stderr = _check(estate, "new_violations", *args)
    assert code == 2 and report["decision"] == "error"
    assert stderr.count("\n") == 1 and "PG-RDS-001: it is hard-mandatory" in stderr


def test_an_advisory_level_reports_and_never_blocks(estate):
    advisory = '[policies.PG-RDS-001]\nenforcement = "advisory"\n'
    code, report, _ = _check(estate, "new_violations", operator=advisory)
    assert code == 0
    found = _rds_001(report)
    assert {f["let_through"] for f in found.values()} == {"advisory"} and len(found) == 3
