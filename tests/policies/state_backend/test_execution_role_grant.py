"""PG-STATE-002: an ECS task execution role granted access to the state backend."""

from __future__ import annotations

import json
from typing import Any

from plangate.policies.state_backend.execution_role_grant import execution_role_grant
from plangate.testing import PlanBuilder, refs, run_policy, summarise

LOCK = "terraform-state-lock"
ECS_TASKS = {"Service": "ecs-tasks.amazonaws.com"}


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def task(execution_role: str = "execution", task_role: str = "task") -> PlanBuilder:
    b = PlanBuilder()
    for name in {execution_role, task_role}:
        b.add(
            f"module.app.aws_iam_role.{name}",
            {
                "name": f"api-{name}",
                "assume_role_policy": policy(
                    {"Effect": "Allow", "Principal": ECS_TASKS, "Action": "sts:AssumeRole"}
                ),
            },
            unknown=["arn", "id"],
        )
    b.add(
        "module.app.aws_ecs_task_definition.api",
        {"family": "api"},
        unknown=["task_role_arn", "execution_role_arn"],
        expressions={
            "task_role_arn": refs(f"aws_iam_role.{task_role}.arn"),
            "execution_role_arn": refs(f"aws_iam_role.{execution_role}.arn"),
        },
    )
    return b


def grant_on(b: PlanBuilder, role: str, document: str) -> PlanBuilder:
    return b.add(
        f"module.app.aws_iam_role_policy.{role}_extra",
        {"policy": document},
        unknown=["role"],
        expressions={"role": refs(f"aws_iam_role.{role}.id")},
    )


def test_execution_role_with_dynamodb_on_the_lock_table_is_flagged_high():
    b = grant_on(
        task(),
        "execution",
        policy(
            {
                "Effect": "Allow",
                "Action": "dynamodb:GetItem",
                "Resource": f"arn:aws:dynamodb:*:*:table/{LOCK}",
            }
        ),
    )
    findings = run_policy(execution_role_grant, b, lock_tables=[LOCK])
    assert summarise(findings) == [
        ("PG-STATE-002", "module.app.aws_iam_role_policy.execution_extra", "policy", "certain")
    ]
    assert str(findings[0].severity) == "high"
    assert (
        "ECS task execution role of module.app.aws_ecs_task_definition.api" in findings[0].message
    )
    assert findings[0].chain[:2] == (
        "module.app.aws_ecs_task_definition.api",
        "module.app.aws_iam_role.execution",
    )


def test_execution_role_with_the_ecs_managed_policy_only_passes():
    b = task().add(
        "module.app.aws_iam_role_policy_attachment.execution",
        {"policy_arn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"},
        unknown=["role"],
        expressions={"role": refs("aws_iam_role.execution.name")},
    )
    assert run_policy(execution_role_grant, b, lock_tables=[LOCK]) == []


def test_task_role_grants_are_not_reported_here():
    b = grant_on(
        task(), "task", policy({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"})
    )
    assert run_policy(execution_role_grant, b, lock_tables=[LOCK]) == []


def test_a_role_that_is_both_task_and_execution_role_is_not_execution_only():
    b = grant_on(
        task(execution_role="shared", task_role="shared"),
        "shared",
        policy({"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}),
    )
    assert run_policy(execution_role_grant, b, lock_tables=[LOCK]) == []


def test_execution_role_reading_the_state_bucket_through_a_managed_policy_is_flagged():
    b = task().add(
        "module.app.aws_iam_role_policy_attachment.s3",
        {"policy_arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
        unknown=["role"],
        expressions={"role": refs("aws_iam_role.execution.name")},
    )
    b.with_backend("s3", bucket="acme-terraform-state", key="app/terraform.tfstate")
    (found,) = run_policy(execution_role_grant, b)
    assert found.address == "module.app.aws_iam_role_policy_attachment.s3"
    assert 'state bucket "acme-terraform-state"' in found.message
