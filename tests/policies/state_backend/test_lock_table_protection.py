"""PG-STATE-008: deletion protection and PITR on the lock table, versioning on the bucket."""

from __future__ import annotations

from typing import Any

from plangate.policies.state_backend.lock_table_protection import lock_table_protection
from plangate.testing import PlanBuilder, refs, run_policy, summarise

LOCK = "terraform-state-lock"
TABLE = "module.state.aws_dynamodb_table.lock[0]"
BUCKET = "module.state.aws_s3_bucket.state"


def lock_table(**changes: Any) -> dict[str, Any]:
    return {
        "name": LOCK,
        "hash_key": "LockID",
        "attribute": [{"name": "LockID", "type": "S"}],
        "deletion_protection_enabled": True,
        "point_in_time_recovery": [{"enabled": True}],
        **changes,
    }


def state_bucket(builder: PlanBuilder, status: str | None = "Enabled") -> PlanBuilder:
    builder.add(BUCKET, {"bucket": "acme-state"}, unknown=["arn", "id"])
    if status is not None:
        builder.add(
            "module.state.aws_s3_bucket_versioning.state",
            {"versioning_configuration": [{"status": status}]},
            unknown=["bucket"],
            expressions={"bucket": refs("aws_s3_bucket.state.id")},
        )
    return builder


def test_a_protected_lock_table_with_a_versioned_bucket_passes():
    b = state_bucket(PlanBuilder().add(TABLE, lock_table()))
    assert run_policy(lock_table_protection, b, state_buckets=["acme-state"]) == []


def test_lock_table_without_deletion_protection_or_pitr_is_reported():
    b = PlanBuilder().add(
        TABLE,
        lock_table(deletion_protection_enabled=False, point_in_time_recovery=[{"enabled": False}]),
    )
    assert summarise(run_policy(lock_table_protection, b)) == [
        ("PG-STATE-008", TABLE, "deletion_protection_enabled", "certain"),
        ("PG-STATE-008", TABLE, "point_in_time_recovery", "certain"),
    ]


def test_pitr_set_from_a_value_known_only_after_apply_is_possible():
    b = PlanBuilder().add(
        TABLE,
        lock_table(),
        unknown=["point_in_time_recovery"],
        expressions={"point_in_time_recovery": [{"enabled": refs("var.pitr")}]},
    )
    assert summarise(run_policy(lock_table_protection, b)) == [
        ("PG-STATE-008", TABLE, "point_in_time_recovery", "possible")
    ]


def test_pitr_left_to_the_provider_default_on_a_new_table_is_not_enabled():
    b = PlanBuilder().add(TABLE, lock_table(), unknown=["point_in_time_recovery"])
    assert summarise(run_policy(lock_table_protection, b)) == [
        ("PG-STATE-008", TABLE, "point_in_time_recovery", "certain")
    ]


def test_bucket_versioning_with_a_status_known_only_after_apply_is_possible():
    b = (
        PlanBuilder()
        .add(BUCKET, {"bucket": "acme-state"})
        .add(
            "module.state.aws_s3_bucket_versioning.state",
            {"bucket": "acme-state"},
            unknown=["versioning_configuration"],
        )
    )
    assert summarise(run_policy(lock_table_protection, b, state_buckets=["acme-state"])) == [
        ("PG-STATE-008", BUCKET, "versioning", "possible")
    ]


def test_state_bucket_without_versioning_is_reported():
    b = state_bucket(PlanBuilder(), status=None)
    assert summarise(run_policy(lock_table_protection, b, state_buckets=["acme-state"])) == [
        ("PG-STATE-008", BUCKET, "versioning", "certain")
    ]


def test_state_bucket_with_suspended_versioning_is_reported():
    b = state_bucket(PlanBuilder(), status="Suspended")
    assert len(run_policy(lock_table_protection, b, state_buckets=["acme-state"])) == 1


def test_an_unprotected_application_table_or_bucket_passes():
    b = (
        PlanBuilder()
        .add("aws_dynamodb_table.orders", {"name": "orders", "hash_key": "id"})
        .add("aws_s3_bucket.assets", {"bucket": "acme-assets"})
    )
    assert (
        run_policy(lock_table_protection, b, lock_tables=[LOCK], state_buckets=["acme-state"]) == []
    )
