"""What is attached to the application's roles (`aws.role_policies`)."""

from __future__ import annotations

import json
from typing import Any

from plangate.policies.aws.principals import application_principals
from plangate.policies.aws.role_policies import attachments_of, unfollowed_attachments
from plangate.testing import PlanBuilder, refs

ECS_TASKS = {"Service": "ecs-tasks.amazonaws.com"}


def trust(principal: dict[str, Any]) -> str:
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def attached(b: PlanBuilder, address: str) -> list[tuple[str, str, list[tuple[str, ...]]]]:
    plan = b.build()
    principal = {p.address: p for p in application_principals(plan)}[address]
    return [
        (a.carrier.address, a.attribute, [hops for _, hops in a.documents])
        for a in (
            *attachments_of(plan, principal.address, principal.name),
            *unfollowed_attachments(plan),
        )
    ]


def test_every_kind_of_attachment_is_found_for_a_role():
    b = PlanBuilder()
    b.add(
        "aws_iam_role.app",
        {
            "name": "app",
            "assume_role_policy": trust(ECS_TASKS),
            "inline_policy": [{"name": "inline", "policy": policy()}],
            "managed_policy_arns": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
        },
        unknown=["arn"],
    )
    b.add("aws_iam_role_policy.by_name", {"role": "app", "policy": policy()})
    b.add("aws_iam_policy.custom", {"name": "custom", "policy": policy()}, unknown=["arn"])
    b.add(
        "aws_iam_role_policy_attachment.custom",
        {"role": "app"},
        unknown=["policy_arn"],
        expressions={"policy_arn": refs("aws_iam_policy.custom.arn")},
    )
    b.add(
        "aws_iam_role_policy_attachment.managed",
        {"role": "app", "policy_arn": "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"},
    )
    b.add(
        "aws_iam_policy_attachment.shared",
        {"roles": ["app", "other"]},
        unknown=["policy_arn"],
        expressions={"policy_arn": refs("aws_iam_policy.custom.arn")},
    )
    assert sorted(attached(b, "aws_iam_role.app")) == [
        ("aws_iam_policy_attachment.shared", "policy_arn", [("aws_iam_policy.custom",)]),
        ("aws_iam_role.app", "inline_policy", [('inline_policy "inline"',)]),
        (
            "aws_iam_role.app",
            "managed_policy_arns",
            [("AWS managed policy AmazonS3ReadOnlyAccess",)],
        ),
        ("aws_iam_role_policy.by_name", "policy", [()]),
        ("aws_iam_role_policy_attachment.custom", "policy_arn", [("aws_iam_policy.custom",)]),
        (
            "aws_iam_role_policy_attachment.managed",
            "policy_arn",
            [("AWS managed policy AmazonDynamoDBFullAccess",)],
        ),
    ]


def test_a_role_outside_the_plan_gets_its_attachments_by_name():
    b = PlanBuilder()
    b.add("aws_lambda_function.fn", {"role": "arn:aws:iam::1:role/external"}, action="no-op")
    b.add("aws_iam_role_policy.extra", {"role": "external", "policy": policy()})
    assert attached(b, "arn:aws:iam::1:role/external") == [
        ("aws_iam_role_policy.extra", "policy", [()])
    ]
