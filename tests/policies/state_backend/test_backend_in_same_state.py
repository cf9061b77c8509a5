"""PG-STATE-009: the backend this configuration uses is a resource of its own plan."""

from __future__ import annotations

from plangate.policies.state_backend.backend_in_same_state import backend_in_same_state
from plangate.testing import PlanBuilder, run_policy, summarise

LOCK = "terraform-state-lock"
TABLE = "module.state_backend.aws_dynamodb_table.lock[0]"
LOCK_TABLE = {"name": LOCK, "hash_key": "LockID", "attribute": [{"name": "LockID", "type": "S"}]}


def bootstrap() -> PlanBuilder:
    return (
        PlanBuilder()
        .add(TABLE, LOCK_TABLE, unknown=["arn"])
        .add("module.state_backend.aws_s3_bucket.state", {"bucket": "acme-state"})
    )


def test_lock_table_and_bucket_of_the_recorded_backend_in_this_plan_are_reported():
    b = bootstrap().with_backend("s3", bucket="acme-state", dynamodb_table=LOCK)
    findings = run_policy(backend_in_same_state, b)
    assert summarise(findings) == [
        ("PG-STATE-009", TABLE, None, "certain"),
        ("PG-STATE-009", "module.state_backend.aws_s3_bucket.state", None, "certain"),
    ]
    assert findings[0].chain == ("backend.s3", TABLE)


def test_without_a_recorded_backend_nothing_is_reported_even_with_named_tables():
    assert (
        run_policy(
            backend_in_same_state, bootstrap(), lock_tables=[LOCK], state_buckets=["acme-state"]
        )
        == []
    )


def test_a_backend_using_other_tables_and_buckets_passes():
    b = bootstrap().with_backend("s3", bucket="org-state", dynamodb_table=f"{LOCK}-2")
    assert run_policy(backend_in_same_state, b) == []


def test_a_lock_table_being_deleted_is_left_to_the_destructive_change_policy():
    b = (
        PlanBuilder()
        .with_backend("s3", dynamodb_table=LOCK)
        .add(TABLE, action="delete", before=LOCK_TABLE)
    )
    assert run_policy(backend_in_same_state, b) == []
