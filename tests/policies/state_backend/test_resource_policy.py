"""PG-STATE-005: a resource policy on the lock table or state bucket opening it up."""

from __future__ import annotations

import json
from typing import Any

from plangate.policies.state_backend.resource_policy import resource_policy
from plangate.testing import PlanBuilder, const, refs, run_policy, summarise

LOCK = "terraform-state-lock"
BUCKET = "acme-terraform-state"
TABLE = "module.state.aws_dynamodb_table.lock"
STATE_BUCKET = "module.state.aws_s3_bucket.state"
CI_ROLE = "arn:aws:iam::123456789012:role/terraform-ci"


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(
    principal: Any,
    action: Any = "dynamodb:*",
    resource: Any = "*",
    effect: str = "Allow",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "Effect": effect,
        "Principal": principal,
        "Action": action,
        "Resource": resource,
        **extra,
    }


def backend() -> PlanBuilder:
    """First plan of the state_backend module: the table's and bucket's ARNs are unknown."""
    return (
        PlanBuilder()
        .add(
            TABLE,
            {"name": LOCK, "hash_key": "LockID", "attribute": [{"name": "LockID", "type": "S"}]},
            unknown=["arn", "id"],
        )
        .add(STATE_BUCKET, {"bucket": BUCKET}, unknown=["arn", "id"])
    )


def on_table(b: PlanBuilder, document: str, **kw: Any) -> PlanBuilder:
    return b.add(
        "module.state.aws_dynamodb_resource_policy.lock",
        {"policy": document},
        unknown=["resource_arn"],
        expressions={"resource_arn": refs("aws_dynamodb_table.lock.arn")},
        **kw,
    )


def on_bucket(b: PlanBuilder, document: str) -> PlanBuilder:
    return b.add(
        "module.state.aws_s3_bucket_policy.state",
        {"policy": document},
        unknown=["bucket"],
        expressions={"bucket": refs("aws_s3_bucket.state.id")},
    )


def with_app_role(b: PlanBuilder) -> PlanBuilder:
    b.add(
        "module.app.aws_iam_role.task",
        {
            "name": "api-task",
            "assume_role_policy": policy(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ),
        },
        unknown=["arn"],
    )
    b.add(
        "module.app.aws_ecs_task_definition.api",
        {"family": "api"},
        unknown=["task_role_arn"],
        expressions={"task_role_arn": refs("aws_iam_role.task.arn")},
    )
    b.module_call("module.app", outputs={"task_role_arn": refs("aws_iam_role.task.arn")})
    return b


def test_table_policy_allowing_everyone_is_blocked():
    b = on_table(backend(), policy(statement("*", Sid="Open")))
    findings = run_policy(resource_policy, b)
    assert summarise(findings) == [
        ("PG-STATE-005", "module.state.aws_dynamodb_resource_policy.lock", "policy", "certain")
    ]
    assert findings[0].message.startswith(
        'statement "Open" lets everyone (Principal "*") perform dynamodb:* on lock table'
    )
    assert findings[0].chain == (
        "module.state.aws_dynamodb_resource_policy.lock",
        'statement "Open"',
    )


def test_table_policy_for_the_terraform_ci_role_passes():
    b = on_table(with_app_role(backend()), policy(statement({"AWS": CI_ROLE})))
    assert run_policy(resource_policy, b) == []


def test_table_policy_naming_the_app_role_through_a_deferred_document_is_blocked():
    b = with_app_role(backend())
    b.add(
        "module.state.data.aws_iam_policy_document.lock",
        {
            "statement": [
                {
                    "sid": "App",
                    "actions": ["dynamodb:PutItem"],
                    "resources": ["*"],
                    "condition": [],
                    "principals": [{"type": "AWS", "identifiers": [None]}],
                }
            ]
        },
        action="read",
        unknown=["json", "statement.0.principals.0.identifiers.0"],
        expressions={
            "statement": [
                {
                    "sid": const("App"),
                    "actions": const(["dynamodb:PutItem"]),
                    "resources": const(["*"]),
                    "principals": [{"type": const("AWS"), "identifiers": refs("var.app_role_arn")}],
                }
            ]
        },
    )
    b.module_call("module.state", inputs={"app_role_arn": refs("module.app.task_role_arn")})
    b.add(
        "module.state.aws_dynamodb_resource_policy.lock",
        {},
        unknown=["resource_arn", "policy"],
        expressions={
            "resource_arn": refs("aws_dynamodb_table.lock.arn"),
            "policy": refs("data.aws_iam_policy_document.lock.json"),
        },
    )
    (found,) = run_policy(resource_policy, b)
    assert found.chain == (
        "module.app.aws_ecs_task_definition.api",
        "module.app.aws_iam_role.task",
        "module.state.aws_dynamodb_resource_policy.lock",
        "module.state.data.aws_iam_policy_document.lock",
        'statement "App"',
    )
    assert "module.app.aws_iam_role.task (ECS task role" in found.message


def test_an_explicit_deny_for_everyone_on_the_table_removes_the_grant():
    b = on_table(backend(), policy(statement("*"), statement("*", effect="Deny")))
    assert run_policy(resource_policy, b) == []


def test_a_policy_on_another_table_passes():
    b = backend().add("aws_dynamodb_table.orders", {"name": "orders"}, unknown=["arn"])
    b.add(
        "aws_dynamodb_resource_policy.orders",
        {"policy": policy(statement("*"))},
        unknown=["resource_arn"],
        expressions={"resource_arn": refs("aws_dynamodb_table.orders.arn")},
    )
    assert run_policy(resource_policy, b) == []


def test_bucket_policy_reading_state_for_everyone_is_blocked_and_its_condition_noted():
    b = on_bucket(
        backend(),
        policy(
            statement(
                {"AWS": "*"},
                "s3:GetObject",
                f"arn:aws:s3:::{BUCKET}/*",
                Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}},
            )
        ),
    )
    (found,) = run_policy(resource_policy, b, state_buckets=[BUCKET])
    assert found.address == "module.state.aws_s3_bucket_policy.state"
    assert "s3:GetObject" in found.message and "Condition" in found.message


def test_a_typical_state_bucket_policy_passes():
    b = on_bucket(
        backend(),
        policy(
            statement(
                {"AWS": CI_ROLE}, ["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{BUCKET}/*"
            ),
            statement(
                "*",
                "s3:*",
                [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                effect="Deny",
                Condition={"Bool": {"aws:SecureTransport": "false"}},
            ),
        ),
    )
    assert run_policy(resource_policy, b, state_buckets=[BUCKET]) == []


def test_inline_policy_of_the_state_bucket_named_on_the_command_line_is_checked():
    b = PlanBuilder().add(
        "aws_s3_bucket.state",
        {
            "bucket": BUCKET,
            "policy": policy(statement("*", "s3:ListBucket", f"arn:aws:s3:::{BUCKET}")),
        },
        action="no-op",
    )
    (found,) = run_policy(resource_policy, b, state_buckets=[BUCKET])
    assert summarise([found]) == [("PG-STATE-005", "aws_s3_bucket.state", "policy", "certain")]
    assert found.new is False


def test_bucket_policy_on_a_bucket_that_is_not_the_state_bucket_passes():
    b = backend().add(
        "aws_s3_bucket_policy.assets",
        {
            "bucket": "acme-assets",
            "policy": policy(statement("*", "s3:GetObject", "arn:aws:s3:::acme-assets/*")),
        },
    )
    assert run_policy(resource_policy, b, state_buckets=[BUCKET]) == []


def test_table_policy_naming_the_arn_it_is_attached_to_is_certain_before_the_table_exists():
    arn = f"arn:aws:dynamodb:us-east-1:1234567890:table/{LOCK}"
    b = backend().add(
        "module.state.aws_dynamodb_resource_policy.lock",
        {
            "resource_arn": arn,
            "policy": policy(
                statement({"AWS": "*"}, ["dynamodb:GetItem", "dynamodb:PutItem"], arn)
            ),
        },
    )
    assert summarise(run_policy(resource_policy, b)) == [
        ("PG-STATE-005", "module.state.aws_dynamodb_resource_policy.lock", "policy", "certain")
    ]


def test_table_policy_naming_another_arn_than_the_one_it_is_attached_to_passes():
    arn = f"arn:aws:dynamodb:us-east-1:1234567890:table/{LOCK}"
    b = backend().add(
        "module.state.aws_dynamodb_resource_policy.lock",
        {"resource_arn": arn, "policy": policy(statement("*", "dynamodb:*", f"{arn}-2"))},
    )
    assert run_policy(resource_policy, b) == []
