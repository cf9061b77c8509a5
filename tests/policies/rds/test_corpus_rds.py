"""The RDS policies on real plans from public projects (read in place, never copied)."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
from plangate import Plan
from plangate.discovery import policies_in_module
from plangate.errors import PlangateError
from plangate.loading import decode, parse_json
from plangate.runner import run_policies

CORPUS = (
    Path(
        os.environ.get("PLANGATE_CORPUS")
        or Path(__file__).resolve().parents[4] / "shared" / "corpus"
    )
    / "real"
)
MODULES = (
    "publicly_accessible",
    "open_security_group",
    "default_security_group",
    "public_subnets",
    "public_snapshot",
    "reachable_from_internet",
)
POLICIES = [
    p
    for m in MODULES
    for p in policies_in_module(importlib.import_module(f"plangate.policies.rds.{m}"))
]
PLANS = sorted(CORPUS.glob("*.json")) if CORPUS.is_dir() else []
CHECKOV = "bridgecrewio__checkov__tests__terraform__runner__resources__plan__tfplan.json"


def _findings(path: Path) -> list[tuple[str, str, str]]:
    try:
        data = parse_json(decode(path.read_bytes(), path.name), path.name)
        plan = Plan(data, path.name)
    except PlangateError:
        pytest.skip(f"{path.name} is not a readable plan (the loader's tests cover it)")
    outcome = run_policies([plan], POLICIES)
    assert outcome.errors == []
    return [(f.policy_id, f.address, str(f.certainty)) for f in outcome.findings]


@pytest.mark.skipif(not PLANS, reason=f"plan corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name[:80])
def test_no_rds_policy_raises_on_a_real_plan(path):
    _findings(path)


def _plan(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} not in the corpus")
    return path


def test_an_open_security_group_without_a_database_gives_no_rds_finding():
    # aws_security_group.sg admits 0.0.0.0/0 on port 3000, but the plan has no database.
    assert _findings(_plan("Andr1yK__aws_devops_task_3_configure_network__tfplan.json")) == []


def test_a_public_mysql_instance_in_public_subnets_is_found_in_a_real_plan():
    # publicly_accessible = true; the subnet group's subnets are routed to the internet
    # gateway through aws_route; its only ingress rule admits 172.16.0.0/16 (private).
    assert _findings(_plan(CHECKOV)) == [
        ("PG-RDS-001", "aws_db_instance.default", "certain"),
        ("PG-RDS-004", "aws_db_subnet_group.default", "certain"),
    ]


def test_databases_that_set_no_security_group_are_found_in_real_plans():
    found = _findings(
        _plan("terraform-compliance__cli__tests__functional__test_issue-438__plan.out.json")
    )
    assert found == [("PG-RDS-003", "aws_rds_cluster.db_cluster", "certain")]
