"""PG-STATE-006: deleting, replacing or forgetting the lock table or the state bucket."""

from __future__ import annotations

from typing import Any

from plangate import Plan
from plangate.policies.state_backend.destructive_change import destructive_change
from plangate.testing import PlanBuilder, run_policy, summarise

LOCK = "terraform-state-lock"
TABLE = "module.state.aws_dynamodb_table.lock[0]"


def lock_table(name: str = LOCK) -> dict[str, Any]:
    return {
        "name": name,
        "hash_key": "LockID",
        "attribute": [{"name": "LockID", "type": "S"}],
        "arn": f"arn:aws:dynamodb:us-east-1:123456789012:table/{name}",
    }


def with_reason(builder: PlanBuilder, reason: str, replace_paths: list[Any] | None = None) -> Plan:
    """Terraform's action_reason / replace_paths (the test kit does not set them)."""
    data = builder.to_dict()
    change = data["resource_changes"][-1]
    change["action_reason"] = reason
    if replace_paths:
        change["change"]["replace_paths"] = replace_paths
    return Plan(data, "test-plan.json")


def test_deleting_the_lock_table_found_by_shape_is_blocked_and_says_why():
    b = PlanBuilder().add(TABLE, action="delete", before=lock_table())
    findings = run_policy(destructive_change, with_reason(b, "delete_because_count_index"))
    assert summarise(findings) == [("PG-STATE-006", TABLE, None, "certain")]
    assert findings[0].message == (
        f'The plan deletes the lock table "{LOCK}" (identified by shape: hash key LockID (S)): '
        "count no longer includes this instance."
    )
    assert str(findings[0].severity) == "critical"


def test_replacing_the_table_named_by_the_recorded_backend_names_the_forcing_attribute():
    b = (
        PlanBuilder()
        .with_backend("s3", bucket="acme-state", dynamodb_table=LOCK)
        .add(
            'aws_dynamodb_table.lock["prod.us-east-1"]',
            {**lock_table(), "hash_key": "ID", "attribute": [{"name": "ID", "type": "S"}]},
            action="replace",
            before=lock_table(),
            unknown=["arn"],
        )
    )
    findings = run_policy(
        destructive_change,
        with_reason(b, "replace_because_cannot_update", [["hash_key"]]),
        backend=b.backend,
    )
    assert summarise(findings) == [
        ("PG-STATE-006", 'aws_dynamodb_table.lock["prod.us-east-1"]', "hash_key", "certain")
    ]
    assert "replaces" in findings[0].message and "by hash_key" in findings[0].message
    assert "backend recorded in test" in findings[0].message


def test_deleting_the_named_state_bucket_is_blocked():
    b = PlanBuilder().add(
        "module.state.aws_s3_bucket.state", action="delete", before={"bucket": "acme-state"}
    )
    assert summarise(run_policy(destructive_change, b, state_buckets=["acme-state"])) == [
        ("PG-STATE-006", "module.state.aws_s3_bucket.state", None, "certain")
    ]


def test_forgetting_the_lock_table_is_reported_as_medium():
    b = PlanBuilder().add(TABLE, lock_table(), action="forget")
    [found] = run_policy(destructive_change, b)
    assert str(found.severity) == "medium"
    assert "forgets" in found.message and "stays in AWS" in found.message


def test_deleting_an_application_table_or_a_similarly_named_one_passes():
    b = (
        PlanBuilder()
        .add(
            "aws_dynamodb_table.orders",
            action="delete",
            before={"name": "orders", "hash_key": "OrderID"},
        )
        .add(
            "aws_dynamodb_table.near",
            action="delete",
            before={"name": f"{LOCK}-2", "hash_key": "id"},
        )
    )
    assert run_policy(destructive_change, b, lock_tables=[LOCK]) == []


def test_updating_the_lock_table_in_place_passes():
    b = PlanBuilder().add(
        TABLE, {**lock_table(), "tags": {"a": "b"}}, action="update", before=lock_table()
    )
    assert run_policy(destructive_change, b) == []


def test_renaming_the_lock_table_named_by_the_backend_reports_the_table_it_destroys():
    b = (
        PlanBuilder()
        .with_backend("s3", bucket="acme-state", dynamodb_table=LOCK)
        .add(
            TABLE,
            {**lock_table(f"{LOCK}-v2")},
            action="replace",
            before=lock_table(),
            unknown=["arn"],
            replace_paths=[["name"]],
        )
    )
    [found] = run_policy(destructive_change, b)
    assert found.message == (
        f'The plan replaces the lock table "{LOCK}" (identified by backend '
        "recorded in test): replacement forced by name."
    )


def test_replacing_the_lock_table_by_one_of_another_key_schema_is_blocked():
    b = PlanBuilder().add(
        TABLE,
        {"name": LOCK, "hash_key": "id", "attribute": [{"name": "id", "type": "S"}]},
        action="replace",
        before=lock_table(),
        unknown=["arn"],
        replace_paths=[["hash_key"]],
    )
    assert summarise(run_policy(destructive_change, b)) == [
        ("PG-STATE-006", TABLE, "hash_key", "certain")
    ]


def test_replacing_an_application_table_by_one_named_like_the_lock_table_passes():
    b = PlanBuilder().add(
        "aws_dynamodb_table.app",
        lock_table(),
        action="replace",
        before={"name": "orders", "hash_key": "id"},
        unknown=["arn"],
    )
    assert run_policy(destructive_change, b, lock_tables=[LOCK]) == []
