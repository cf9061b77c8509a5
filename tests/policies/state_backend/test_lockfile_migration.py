"""PG-STATE-010: a DynamoDB-locked S3 backend on Terraform 1.11 or newer."""

from __future__ import annotations

import pytest
from plangate.policies.state_backend.lockfile_migration import lockfile_migration
from plangate.testing import PlanBuilder, run_policy, summarise

LOCK = "terraform-state-lock"


def test_dynamodb_locking_on_terraform_1_11_is_reported_on_the_backend():
    b = PlanBuilder(terraform_version="1.11.4").with_backend(
        "s3", bucket="acme-state", dynamodb_table=LOCK
    )
    findings = run_policy(lockfile_migration, b)
    assert summarise(findings) == [("PG-STATE-010", "backend.s3", "dynamodb_table", "certain")]
    assert str(findings[0].severity) == "info" and "use_lockfile" in findings[0].message


def test_the_finding_sits_on_the_lock_table_when_the_plan_manages_it():
    b = (
        PlanBuilder(terraform_version="1.12.0-beta1")
        .with_backend("s3", bucket="acme-state", dynamodb_table=LOCK, use_lockfile=True)
        .add("module.state.aws_dynamodb_table.lock[0]", {"name": LOCK, "hash_key": "LockID"})
    )
    [found] = run_policy(lockfile_migration, b)
    assert found.address == "module.state.aws_dynamodb_table.lock[0]"
    assert "alongside use_lockfile" in found.message


@pytest.mark.parametrize("version", ["1.10.5", "0.12.31", "", "dev", "v1.9"])
def test_older_or_unreadable_terraform_versions_are_not_reported(version: str):
    b = PlanBuilder(terraform_version=version).with_backend("s3", dynamodb_table=LOCK)
    assert run_policy(lockfile_migration, b) == []


def test_a_lockfile_only_backend_or_no_recorded_backend_passes():
    assert (
        run_policy(
            lockfile_migration,
            PlanBuilder().with_backend("s3", bucket="acme-state", use_lockfile=True),
        )
        == []
    )
    assert run_policy(lockfile_migration, PlanBuilder(), lock_tables=[LOCK]) == []


def test_a_v_prefixed_version_is_parsed():
    b = PlanBuilder(terraform_version="v1.13.1").with_backend("s3", dynamodb_table=LOCK)
    assert len(run_policy(lockfile_migration, b)) == 1
