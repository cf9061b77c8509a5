"""PG-STATE-004: the lock table's stream or the state bucket's events wired to app code."""

from __future__ import annotations

from typing import Any

from plangate.policies.state_backend.event_wiring import event_wiring
from plangate.testing import PlanBuilder, const, refs, run_policy, summarise

LOCK = "terraform-state-lock"
TABLE = "module.state.aws_dynamodb_table.lock[0]"
MAPPING = "module.app.aws_lambda_event_source_mapping.lock_audit[0]"
FUNCTION = "module.app.aws_lambda_function.lock_audit[0]"
STREAM = f"arn:aws:dynamodb:us-east-1:123456789012:table/{LOCK}/stream/2024-05-01T00:00:00.000"


def lock_table(name: str = LOCK, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "hash_key": "LockID",
        "attribute": [{"name": "LockID", "type": "S"}],
        "stream_enabled": True,
        **extra,
    }


def first_time_plan() -> PlanBuilder:
    """The reference project's lambda_lock_stream mistake, as a first plan."""
    return (
        PlanBuilder()
        .add(TABLE, lock_table(), unknown=["arn", "id", "stream_arn"])
        .add(FUNCTION, {"function_name": "acme-lock-audit"}, unknown=["arn"])
        .add(
            MAPPING,
            {"starting_position": "LATEST"},
            unknown=["event_source_arn", "function_name", "id"],
            expressions={
                "event_source_arn": refs("var.lock_table_stream_arn"),
                "function_name": refs("aws_lambda_function.lock_audit[0].arn"),
            },
        )
        .module_call(
            "module.state", outputs={"lock_table_stream_arn": refs("aws_dynamodb_table.lock")}
        )
        .module_call(
            "module.app",
            inputs={"lock_table_stream_arn": refs("module.state.lock_table_stream_arn")},
        )
    )


def test_first_time_mapping_on_the_lock_table_stream_is_blocked_with_the_whole_chain():
    findings = run_policy(event_wiring, first_time_plan())
    assert summarise(findings) == [("PG-STATE-004", MAPPING, "event_source_arn", "certain")]
    assert findings[0].chain == (TABLE, MAPPING, FUNCTION)
    assert str(findings[0].severity) == "critical"


def test_mapping_on_the_known_stream_arn_of_a_named_table_is_blocked():
    b = PlanBuilder().add(
        "aws_lambda_event_source_mapping.audit",
        {"event_source_arn": STREAM, "function_name": "audit"},
        action="no-op",
    )
    findings = run_policy(event_wiring, b, lock_tables=[LOCK])
    assert summarise(findings) == [
        ("PG-STATE-004", "aws_lambda_event_source_mapping.audit", "event_source_arn", "certain")
    ]
    assert findings[0].new is False


def test_mapping_on_a_similarly_named_table_or_a_kinesis_stream_passes():
    b = (
        PlanBuilder()
        .add(
            "aws_lambda_event_source_mapping.orders",
            {"event_source_arn": STREAM.replace(LOCK, f"{LOCK}-2")},
        )
        .add(
            "aws_lambda_event_source_mapping.kinesis",
            {"event_source_arn": f"arn:aws:kinesis:us-east-1:123456789012:stream/{LOCK}"},
        )
    )
    assert run_policy(event_wiring, b, lock_tables=[LOCK]) == []


def test_mapping_on_another_tables_stream_by_reference_passes():
    b = (
        PlanBuilder()
        .add("aws_dynamodb_table.lock", lock_table(), unknown=["stream_arn"])
        .add(
            "aws_dynamodb_table.orders",
            {"name": "orders", "hash_key": "id"},
            unknown=["stream_arn"],
        )
        .add(
            "aws_lambda_event_source_mapping.orders",
            {},
            unknown=["event_source_arn"],
            expressions={"event_source_arn": refs("aws_dynamodb_table.orders.stream_arn")},
        )
    )
    assert run_policy(event_wiring, b) == []


def test_pipe_reading_the_lock_table_stream_of_a_shape_identified_table_is_blocked():
    b = (
        PlanBuilder()
        .add('aws_dynamodb_table.lock["eu.west"]', lock_table("locks"), unknown=["stream_arn"])
        .add(
            "aws_pipes_pipe.audit",
            {"name": "audit"},
            unknown=["source", "target"],
            expressions={"source": refs('aws_dynamodb_table.lock["eu.west"].stream_arn')},
        )
    )
    assert summarise(run_policy(event_wiring, b)) == [
        ("PG-STATE-004", "aws_pipes_pipe.audit", "source", "certain")
    ]


def test_kinesis_destination_for_the_table_named_by_the_recorded_backend_is_blocked():
    b = (
        PlanBuilder()
        .with_backend("s3", bucket="acme-state", dynamodb_table=LOCK)
        .add(
            "aws_dynamodb_kinesis_streaming_destination.copy",
            {"table_name": LOCK},
            unknown=["stream_arn"],
            expressions={"table_name": const(LOCK)},
        )
    )
    findings = run_policy(event_wiring, b)
    assert summarise(findings) == [
        ("PG-STATE-004", "aws_dynamodb_kinesis_streaming_destination.copy", "table_name", "certain")
    ]
    assert findings[0].chain[0] == LOCK  # not in the plan: named by the backend


def test_appsync_data_source_on_the_lock_table_is_blocked():
    b = PlanBuilder().add(
        "aws_appsync_datasource.locks",
        {"type": "AMAZON_DYNAMODB", "dynamodb_config": [{"table_name": LOCK}]},
    )
    assert summarise(run_policy(event_wiring, b, lock_tables=[LOCK])) == [
        ("PG-STATE-004", "aws_appsync_datasource.locks", "dynamodb_config", "certain")
    ]


def test_notification_on_the_state_bucket_is_blocked_and_names_the_function():
    b = (
        PlanBuilder()
        .add("module.state.aws_s3_bucket.state", {"bucket": "acme-state"}, unknown=["arn", "id"])
        .add("aws_lambda_function.on_state", {"function_name": "x"}, unknown=["arn"])
        .add(
            "aws_s3_bucket_notification.state",
            {"bucket": None},
            unknown=["bucket"],
            expressions={
                "bucket": refs("module.state.bucket_id"),
                "lambda_function": [
                    {"lambda_function_arn": refs("aws_lambda_function.on_state.arn")}
                ],
            },
        )
        .module_call("module.state", outputs={"bucket_id": refs("aws_s3_bucket.state.id")})
    )
    findings = run_policy(event_wiring, b, state_buckets=["acme-state"])
    assert summarise(findings) == [
        ("PG-STATE-004", "aws_s3_bucket_notification.state", "bucket", "certain")
    ]
    assert findings[0].chain == (
        "module.state.aws_s3_bucket.state",
        "aws_s3_bucket_notification.state",
        "aws_lambda_function.on_state",
    )


def test_notification_on_an_application_bucket_passes():
    b = PlanBuilder().add("aws_s3_bucket_notification.uploads", {"bucket": "acme-state-uploads"})
    assert run_policy(event_wiring, b, state_buckets=["acme-state"]) == []
