"""PG-STATE-007: TTL, streams, indexes, extra attributes and items on the lock table."""

from __future__ import annotations

from typing import Any

from plangate.policies.state_backend.lock_table_app_use import lock_table_app_use
from plangate.testing import PlanBuilder, const, refs, run_policy, summarise

LOCK = "terraform-state-lock"
TABLE = "module.state.aws_dynamodb_table.lock[0]"


def lock_table(**changes: Any) -> dict[str, Any]:
    return {
        "name": LOCK,
        "hash_key": "LockID",
        "billing_mode": "PAY_PER_REQUEST",
        "attribute": [{"name": "LockID", "type": "S"}],
        "range_key": None,
        "stream_enabled": False,
        "ttl": [{"enabled": False, "attribute_name": ""}],
        "global_secondary_index": [],
        "local_secondary_index": [],
        **changes,
    }


def test_a_plain_lock_table_passes():
    assert run_policy(lock_table_app_use, PlanBuilder().add(TABLE, lock_table())) == []


def test_ttl_and_stream_on_the_lock_table_are_reported():
    b = PlanBuilder().add(
        TABLE, lock_table(stream_enabled=True, ttl=[{"enabled": True, "attribute_name": "expires"}])
    )
    assert summarise(run_policy(lock_table_app_use, b)) == [
        ("PG-STATE-007", TABLE, "stream_enabled", "certain"),
        ("PG-STATE-007", TABLE, "ttl", "certain"),
    ]


def test_range_key_extra_attributes_and_indexes_are_reported_on_a_named_table():
    b = PlanBuilder().add(
        'aws_dynamodb_table.lock["prod.eu"]',
        lock_table(
            hash_key="LockID",
            range_key="Owner",
            attribute=[{"name": "LockID", "type": "S"}, {"name": "Owner", "type": "S"}],
            global_secondary_index=[{"name": "by-owner", "hash_key": "Owner"}],
            local_secondary_index=[{"name": "lsi", "range_key": "Owner"}],
        ),
    )
    found = run_policy(lock_table_app_use, b, lock_tables=[LOCK])
    assert [f.attribute for f in found] == [
        "attribute",
        "global_secondary_index",
        "local_secondary_index",
        "range_key",
    ]
    assert "besides LockID: Owner" in found[0].message


def test_a_stream_set_from_a_value_known_only_after_apply_is_possible():
    b = PlanBuilder().add(
        TABLE,
        lock_table(),
        unknown=["stream_enabled"],
        expressions={"stream_enabled": refs("var.stream_enabled")},
    )
    assert summarise(run_policy(lock_table_app_use, b)) == [
        ("PG-STATE-007", TABLE, "stream_enabled", "possible")
    ]


def test_ttl_computed_by_the_provider_on_a_new_table_is_not_a_sign():
    b = PlanBuilder().add(
        TABLE,
        lock_table(),
        unknown=["ttl", "stream_arn"],
        expressions={"hash_key": const("LockID")},
    )
    assert run_policy(lock_table_app_use, b) == []


def test_an_existing_stream_is_reported_as_not_new():
    b = PlanBuilder().add(TABLE, lock_table(stream_enabled=True), action="no-op")
    [found] = run_policy(lock_table_app_use, b)
    assert found.new is False


def test_an_application_table_with_a_stream_passes():
    b = PlanBuilder().add(
        "aws_dynamodb_table.orders",
        {
            "name": "orders",
            "hash_key": "OrderID",
            "stream_enabled": True,
            "attribute": [{"name": "OrderID", "type": "S"}],
        },
    )
    assert run_policy(lock_table_app_use, b, lock_tables=[LOCK]) == []


def test_an_item_written_into_the_lock_table_by_reference_is_reported():
    b = (
        PlanBuilder()
        .add(TABLE, lock_table(), unknown=["arn"])
        .add(
            "aws_dynamodb_table_item.seed",
            {"hash_key": "LockID"},
            unknown=["table_name"],
            expressions={"table_name": refs("module.state.lock_table_name")},
        )
        .module_call(
            "module.state", outputs={"lock_table_name": refs("aws_dynamodb_table.lock[0].name")}
        )
    )
    found = run_policy(lock_table_app_use, b)
    assert summarise(found) == [
        ("PG-STATE-007", "aws_dynamodb_table_item.seed", "table_name", "certain")
    ]
    assert found[0].chain == (TABLE, "aws_dynamodb_table_item.seed")


def test_an_item_in_another_table_passes():
    b = PlanBuilder().add("aws_dynamodb_table_item.seed", {"table_name": f"{LOCK}-2"})
    assert run_policy(lock_table_app_use, b, lock_tables=[LOCK]) == []
