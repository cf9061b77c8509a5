"""PG-STATE-001: an application role granted access to the lock table or state bucket."""

from __future__ import annotations

import json
import time
from itertools import product
from typing import Any

import pytest
from plangate import Plan, resolver
from plangate.policies.state_backend.iam_grant import iam_grant
from plangate.testing import PlanBuilder, const, refs, run_policy, summarise

LOCK = "terraform-state-lock"
BUCKET = "acme-terraform-state"
TABLE = "module.state.aws_dynamodb_table.lock[0]"
TASK_DEF = "module.app.aws_ecs_task_definition.api"
TASK_ROLE = "module.app.aws_iam_role.task"
ECS_TASKS = {"Service": "ecs-tasks.amazonaws.com"}


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trust(principal: dict[str, Any], action: str = "sts:AssumeRole") -> str:
    return policy({"Effect": "Allow", "Principal": principal, "Action": action})


def app(*, table: bool = True) -> PlanBuilder:
    """The reference project's first plan: a lock table in module.state, an ECS task in
    module.app whose roles' ARNs are unknown."""
    b = PlanBuilder()
    if table:
        b.add(
            TABLE,
            {"name": LOCK, "hash_key": "LockID", "attribute": [{"name": "LockID", "type": "S"}]},
            unknown=["arn", "id"],
        )
        b.module_call(
            "module.state",
            outputs={
                "lock_table_arn": refs("aws_dynamodb_table.lock"),
                "lock_table_name": refs("aws_dynamodb_table.lock"),
            },
        )
    b.add(
        TASK_ROLE,
        {"name": "acme-api-task", "assume_role_policy": trust(ECS_TASKS)},
        unknown=["arn", "id", "unique_id"],
    )
    b.add(
        "module.app.aws_iam_role.execution",
        {"name": "acme-api-execution", "assume_role_policy": trust(ECS_TASKS)},
        unknown=["arn", "id", "unique_id"],
    )
    b.add(
        TASK_DEF,
        {"family": "acme-api"},
        unknown=["arn", "task_role_arn", "execution_role_arn"],
        expressions={
            "task_role_arn": refs("aws_iam_role.task.arn"),
            "execution_role_arn": refs("aws_iam_role.execution.arn"),
        },
    )
    b.module_call("module.app", inputs={"lock_table_arn": refs("module.state.lock_table_arn")})
    return b


def role_policy(b: PlanBuilder, name: str, document: str, role: str = "task") -> PlanBuilder:
    return b.add(
        f"module.app.aws_iam_role_policy.{name}",
        {"name": name, "policy": document},
        unknown=["id", "role"],
        expressions={"role": refs(f"aws_iam_role.{role}.id")},
    )


def first_plan_with_deferred_document() -> Plan:
    """task_role_lock_table_direct: the document is read at apply time (the table's ARN is
    unknown), its `resources` refer to module.state.lock_table_arn."""
    b = app()
    b.add(
        "module.app.data.aws_iam_policy_document.lock_table[0]",
        {
            "statement": [
                {
                    "sid": "TerraformLocks",
                    "effect": None,
                    "condition": [],
                    "actions": ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"],
                    "resources": [None],
                }
            ]
        },
        action="read",
        unknown=["id", "json", "statement.0.resources.0"],
        expressions={
            "statement": [
                {
                    "sid": const("TerraformLocks"),
                    "actions": const(
                        ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
                    ),
                    "resources": refs("var.lock_table_arn"),
                }
            ]
        },
    )
    b.add(
        "module.app.aws_iam_role_policy.lock_table[0]",
        {"name": "terraform-locks"},
        unknown=["id", "policy", "role"],
        expressions={
            "role": refs("aws_iam_role.task.id"),
            "policy": refs("data.aws_iam_policy_document.lock_table[0].json"),
        },
    )
    return b.build()


# -- the reference project's mistakes -------------------------------------------------------------


def test_first_plan_grant_through_a_deferred_policy_document_is_blocked():
    findings = run_policy(iam_grant, first_plan_with_deferred_document())
    assert summarise(findings) == [
        ("PG-STATE-001", "module.app.aws_iam_role_policy.lock_table[0]", "policy", "certain")
    ]
    (found,) = findings
    assert found.chain == (
        TASK_DEF,
        TASK_ROLE,
        "module.app.aws_iam_role_policy.lock_table[0]",
        "module.app.data.aws_iam_policy_document.lock_table[0]",
        'statement "TerraformLocks"',
    )
    assert "dynamodb:GetItem, dynamodb:PutItem, dynamodb:DeleteItem" in found.message
    assert f'lock table "{LOCK}" (identified by shape: hash key LockID (S))' in found.message
    assert found.new is True and str(found.severity) == "critical"


def test_dynamodb_wildcard_on_every_table_is_blocked():
    b = role_policy(
        app(),
        "dynamodb",
        policy(allow("dynamodb:*", "arn:aws:dynamodb:*:*:table/*", Sid="AllTables")),
    )
    findings = run_policy(iam_grant, b)
    assert summarise(findings) == [
        ("PG-STATE-001", "module.app.aws_iam_role_policy.dynamodb", "policy", "certain")
    ]
    assert 'dynamodb:* on lock table "terraform-state-lock"' in findings[0].message


def test_wildcard_on_the_app_tables_only_passes():
    b = role_policy(
        app(), "dynamodb", policy(allow("dynamodb:*", "arn:aws:dynamodb:*:*:table/app-*"))
    )
    assert run_policy(iam_grant, b) == []


def test_wildcard_covering_the_lock_table_name_is_blocked():
    b = role_policy(
        app(), "dynamodb", policy(allow("dynamodb:Put*", "arn:aws:dynamodb:*:*:table/terraform-*"))
    )
    assert len(run_policy(iam_grant, b)) == 1


def test_aws_managed_dynamodb_full_access_on_the_task_role_is_blocked():
    b = app().add(
        "module.app.aws_iam_role_policy_attachment.ddb[0]",
        {"role": "acme-api-task", "policy_arn": "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"},
        unknown=["id"],
        expressions={"role": refs("aws_iam_role.task.name")},
    )
    findings = run_policy(iam_grant, b)
    assert summarise(findings) == [
        (
            "PG-STATE-001",
            "module.app.aws_iam_role_policy_attachment.ddb[0]",
            "policy_arn",
            "certain",
        )
    ]
    assert findings[0].chain[-2:] == ("AWS managed policy AmazonDynamoDBFullAccess", "statement #1")


def test_an_aws_managed_policy_plangate_does_not_know_is_a_possible_grant():
    # Read as granting nothing, any AWS managed policy missing from the data passed.
    b = app().add(
        "module.app.aws_iam_role_policy_attachment.new",
        {"policy_arn": "arn:aws:iam::aws:policy/job-function/SomethingNewFullAccess"},
        unknown=["id", "role"],
        expressions={"role": refs("aws_iam_role.task.name")},
    )
    (found,) = run_policy(iam_grant, b)
    assert summarise([found]) == [
        ("PG-STATE-001", "module.app.aws_iam_role_policy_attachment.new", "policy_arn", "possible")
    ]
    assert found.message.endswith(
        'may perform any action on lock table "terraform-state-lock" (identified by shape: '
        "hash key LockID (S)) through AWS managed policy job-function/SomethingNewFullAccess, "
        "granted by its statements, which plangate cannot see (an AWS managed policy it does "
        "not know)."
    )


def test_aws_managed_policy_granting_no_dynamodb_has_no_finding():
    b = app().add(
        "module.app.aws_iam_role_policy_attachment.ecs",
        {
            "role": "acme-api-task",
            "policy_arn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        },
        expressions={"role": refs("aws_iam_role.task.name")},
    )
    assert run_policy(iam_grant, b) == []


@pytest.mark.parametrize(
    "name",
    ["AmazonEC2ContainerRegistryReadOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy"],
)
def test_managed_policies_common_on_compute_roles_are_known_to_grant_nothing_on_the_backend(name):
    # Seen on application roles in the corpus; unknown, each would be a possible grant.
    b = app().add(
        f"module.app.aws_iam_role_policy_attachment.{name}",
        {"role": "acme-api-task", "policy_arn": f"arn:aws:iam::aws:policy/{name}"},
        expressions={"role": refs("aws_iam_role.task.name")},
    )
    assert run_policy(iam_grant, b, state_buckets=[BUCKET]) == []


def test_administrator_and_power_user_access_reach_the_table_and_the_bucket():
    b = app()
    for name in ("AdministratorAccess", "PowerUserAccess"):
        b.add(
            f"module.app.aws_iam_role_policy_attachment.{name}",
            {"role": "acme-api-task", "policy_arn": f"arn:aws:iam::aws:policy/{name}"},
        )
    findings = run_policy(iam_grant, b, state_buckets=[BUCKET])
    assert sorted((f.address, f.message.split(" on ")[1][:12]) for f in findings) == [
        ("module.app.aws_iam_role_policy_attachment.AdministratorAccess", 'lock table "'),
        ("module.app.aws_iam_role_policy_attachment.AdministratorAccess", "state bucket"),
        ("module.app.aws_iam_role_policy_attachment.PowerUserAccess", 'lock table "'),
        ("module.app.aws_iam_role_policy_attachment.PowerUserAccess", "state bucket"),
    ]
    assert any(
        "every action but iam:*, organizations:*, account:* (NotAction)" in f.message
        for f in findings
    )


# -- principals --------------------------------------------------------------------------------


def test_a_role_used_by_no_compute_but_trusted_by_ecs_tasks_is_blocked():
    b = app()
    b.add(
        "module.app.aws_iam_role.spare",
        {"name": "spare", "assume_role_policy": trust(ECS_TASKS)},
        unknown=["arn"],
    )
    role_policy(b, "spare", policy(allow("dynamodb:*", "*")), role="spare")
    (found,) = run_policy(iam_grant, b)
    assert found.address == "module.app.aws_iam_role_policy.spare"
    assert found.chain[0] == "module.app.aws_iam_role.spare"
    assert "trusted by ecs-tasks.amazonaws.com" in found.message


def test_a_github_actions_role_with_dynamodb_full_access_is_not_flagged():
    b = app()
    b.add(
        "aws_iam_role.ci",
        {
            "name": "ci",
            "assume_role_policy": trust(
                {"Federated": "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"},
                "sts:AssumeRoleWithWebIdentity",
            ),
        },
        unknown=["arn"],
    )
    b.add(
        "aws_iam_role_policy_attachment.ci",
        {"role": "ci", "policy_arn": "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"},
        expressions={"role": refs("aws_iam_role.ci.name")},
    )
    assert run_policy(iam_grant, b) == []


def test_an_execution_role_grant_is_left_to_pg_state_002():
    b = role_policy(app(), "exec", policy(allow("dynamodb:*", "*")), role="execution")
    assert run_policy(iam_grant, b) == []


def test_a_lambda_role_passed_through_count_instances_is_blocked():
    b = app()
    b.add(
        "module.app.aws_iam_role.fn[0]",
        {"name": "fn", "assume_role_policy": trust({"Service": "lambda.amazonaws.com"})},
        unknown=["arn"],
    )
    b.add(
        "module.app.aws_lambda_function.fn[0]",
        {"function_name": "fn"},
        unknown=["role"],
        expressions={
            "role": {
                "references": ["aws_iam_role.fn[0].arn", "aws_iam_role.fn[0]", "aws_iam_role.fn"]
            }
        },
    )
    b.add(
        "module.app.aws_iam_role_policy.fn[0]",
        {"policy": policy(allow("dynamodb:*", "*"))},
        unknown=["role"],
        expressions={"role": {"references": ["aws_iam_role.fn", "count.index"]}},
    )
    (found,) = run_policy(iam_grant, b)
    assert found.chain[:3] == (
        "module.app.aws_lambda_function.fn[0]",
        "module.app.aws_iam_role.fn[0]",
        "module.app.aws_iam_role_policy.fn[0]",
    )


# -- how the lock table is known -----------------------------------------------------------------


def test_lock_table_known_only_from_the_recorded_backend_is_protected():
    b = role_policy(
        app(table=False),
        "locks",
        policy(
            allow(
                ["dynamodb:GetItem", "dynamodb:PutItem"],
                f"arn:aws:dynamodb:us-east-1:1:table/{LOCK}",
            )
        ),
    )
    b.with_backend("s3", bucket=BUCKET, key="app/terraform.tfstate", dynamodb_table=LOCK)
    (found,) = run_policy(iam_grant, b)
    assert found.certainty.value == "possible"  # the table's region and account are unknown
    assert "(identified by backend recorded in test)" in found.message


def test_lock_table_named_on_the_command_line_is_protected():
    b = role_policy(
        app(table=False), "locks", policy(allow("dynamodb:*", f"arn:aws:dynamodb:*:*:table/{LOCK}"))
    )
    (found,) = run_policy(iam_grant, b, lock_tables=[LOCK])
    assert summarise([found]) == [
        ("PG-STATE-001", "module.app.aws_iam_role_policy.locks", "policy", "certain")
    ]
    assert "(identified by --lock-table)" in found.message


def test_no_known_lock_table_or_bucket_passes():
    b = role_policy(app(table=False), "all", policy(allow("*", "*")))
    assert run_policy(iam_grant, b) == []


# -- the state bucket ------------------------------------------------------------------------------


def test_object_access_to_the_state_bucket_is_blocked():
    b = role_policy(
        app(table=False), "state", policy(allow(["s3:GetObject"], f"arn:aws:s3:::{BUCKET}/*"))
    )
    (found,) = run_policy(iam_grant, b, state_buckets=[BUCKET])
    assert f'state bucket "{BUCKET}"' in found.message and "s3:GetObject" in found.message


def test_object_access_to_another_prefix_than_the_state_key_passes():
    b = role_policy(
        app(table=False),
        "uploads",
        policy(allow(["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{BUCKET}/uploads/*")),
    )
    b.with_backend("s3", bucket=BUCKET, key="reference/terraform.tfstate")
    assert run_policy(iam_grant, b) == []


def test_bucket_level_actions_other_than_listing_pass():
    b = role_policy(
        app(table=False),
        "location",
        policy(allow("s3:GetBucketLocation", f"arn:aws:s3:::{BUCKET}")),
    )
    assert run_policy(iam_grant, b, state_buckets=[BUCKET]) == []


# -- Deny, conditions, unknowns ------------------------------------------------------------------


def test_an_explicit_deny_in_another_policy_of_the_role_removes_the_grant():
    b = role_policy(app(), "all", policy(allow("dynamodb:*", "*")))
    role_policy(
        b,
        "guard",
        policy(
            {
                "Effect": "Deny",
                "Action": "dynamodb:*",
                "Resource": f"arn:aws:dynamodb:*:*:table/{LOCK}",
            }
        ),
    )
    assert run_policy(iam_grant, b) == []


def test_a_conditioned_grant_is_kept_and_the_condition_noted():
    b = role_policy(
        app(),
        "tagged",
        policy(
            allow("dynamodb:*", "*", Condition={"StringEquals": {"aws:ResourceTag/team": "api"}})
        ),
    )
    (found,) = run_policy(iam_grant, b)
    assert "Condition" in found.message and found.certainty.value == "certain"


def test_an_unknown_policy_built_from_the_lock_table_arn_is_a_possible_grant():
    b = app().add(
        "module.app.aws_iam_role_policy.json",
        {"name": "json"},
        unknown=["policy"],
        expressions={"role": refs("aws_iam_role.task.id"), "policy": refs("var.lock_table_arn")},
    )
    assert summarise(run_policy(iam_grant, b)) == [
        ("PG-STATE-001", "module.app.aws_iam_role_policy.json", "policy", "possible")
    ]


def test_inline_policy_blocks_of_the_role_are_reported_on_the_role():
    b = PlanBuilder().add(
        "aws_iam_role.api",
        {
            "name": "api",
            "assume_role_policy": trust(ECS_TASKS),
            "inline_policy": [{"name": "locks", "policy": policy(allow("dynamodb:*", "*"))}],
        },
        unknown=["arn"],
    )
    (found,) = run_policy(iam_grant, b, lock_tables=[LOCK])
    assert summarise([found]) == [("PG-STATE-001", "aws_iam_role.api", "inline_policy", "certain")]
    assert found.chain == ("aws_iam_role.api", 'inline_policy "locks"', "statement #1")


def test_a_customer_policy_attached_to_several_roles_is_reported_once_per_role():
    b = PlanBuilder()
    for name in ("a", "b"):
        b.add(
            f"aws_iam_role.{name}",
            {"name": name, "assume_role_policy": trust(ECS_TASKS)},
            unknown=["arn"],
        )
    b.add(
        "aws_iam_policy.ddb",
        {"name": "ddb", "policy": policy(allow("dynamodb:*", "*"))},
        unknown=["arn"],
    )
    b.add(
        "aws_iam_policy_attachment.ddb",
        {"name": "ddb", "roles": ["a", "b"]},
        unknown=["policy_arn"],
        expressions={"policy_arn": refs("aws_iam_policy.ddb.arn")},
    )
    findings = run_policy(iam_grant, b, lock_tables=[LOCK])
    assert [f.chain for f in findings] == [
        ("aws_iam_role.a", "aws_iam_policy_attachment.ddb", "aws_iam_policy.ddb", "statement #1"),
        ("aws_iam_role.b", "aws_iam_policy_attachment.ddb", "aws_iam_policy.ddb", "statement #1"),
    ]


# -- permissions boundaries ------------------------------------------------------------------------


def bounded_role(boundary: str) -> PlanBuilder:
    b = PlanBuilder().add(
        "aws_iam_role.api",
        {"name": "api", "assume_role_policy": trust(ECS_TASKS), "permissions_boundary": boundary},
        unknown=["arn"],
    )
    return b.add(
        "aws_iam_role_policy_attachment.ddb",
        {"role": "api", "policy_arn": "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"},
    )


def test_a_permissions_boundary_without_dynamodb_removes_the_grant_so_it_passes():
    b = bounded_role("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    assert run_policy(iam_grant, b, lock_tables=[LOCK]) == []


def test_a_permissions_boundary_allowing_dynamodb_keeps_the_grant():
    b = bounded_role("arn:aws:iam::aws:policy/PowerUserAccess")
    assert summarise(run_policy(iam_grant, b, lock_tables=[LOCK])) == [
        ("PG-STATE-001", "aws_iam_role_policy_attachment.ddb", "policy_arn", "certain")
    ]


def test_a_permissions_boundary_plangate_cannot_read_makes_the_grant_possible():
    b = bounded_role("arn:aws:iam::123456789012:policy/org-boundary")
    (found,) = run_policy(iam_grant, b, lock_tables=[LOCK])
    assert found.certainty.value == "possible"
    assert "permissions boundary arn:aws:iam::123456789012:policy/org-boundary" in found.message


def test_access_to_the_state_of_other_workspaces_is_blocked():
    b = role_policy(
        app(table=False),
        "workspaces",
        policy(allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/env:/*")),
    )
    b.with_backend("s3", bucket=BUCKET, key="reference/terraform.tfstate")
    (found,) = run_policy(iam_grant, b)
    assert found.certainty.value == "certain"


def test_setting_the_state_bucket_policy_or_replication_is_blocked_like_reading_it():
    b = role_policy(
        app(table=False),
        "bucket",
        policy(
            allow(
                ["s3:PutBucketPolicy", "s3:PutReplicationConfiguration"], f"arn:aws:s3:::{BUCKET}"
            )
        ),
    )
    (found,) = run_policy(iam_grant, b, state_buckets=[BUCKET])
    assert "s3:PutBucketPolicy, s3:PutReplicationConfiguration on state bucket" in found.message


def test_a_role_the_task_role_may_assume_is_an_application_role_too():
    b = app()
    b.add(
        "aws_iam_role.deployer",
        {"name": "deployer"},
        unknown=["arn", "assume_role_policy"],
        expressions={"assume_role_policy": refs("data.aws_iam_policy_document.trust.json")},
    )
    b.add(
        "data.aws_iam_policy_document.trust",
        {
            "statement": [
                {
                    "actions": ["sts:AssumeRole"],
                    "principals": [{"type": "AWS", "identifiers": [None]}],
                }
            ]
        },
        action="read",
        unknown=["json", "statement.0.principals.0.identifiers.0"],
        expressions={
            "statement": [
                {
                    "principals": [
                        {"type": const("AWS"), "identifiers": refs("module.app.task_role_arn")}
                    ]
                }
            ]
        },
    )
    b.module_call("module.app", outputs={"task_role_arn": refs("aws_iam_role.task.arn")})
    b.add(
        "aws_iam_role_policy.deployer",
        {"policy": policy(allow("dynamodb:*", "*"))},
        unknown=["role"],
        expressions={"role": refs("aws_iam_role.deployer.id")},
    )
    (found,) = run_policy(iam_grant, b)
    assert found.chain[:3] == (TASK_DEF, TASK_ROLE, "aws_iam_role.deployer")
    assert f"(trusted by the application role {TASK_ROLE})" in found.message


def test_a_role_trusting_the_account_that_the_task_role_may_assume_is_an_application_role():
    # The admin role trusts the whole account; the task role's policy allows it
    # sts:AssumeRole on that role: AWS lets it in, so the app reaches the admin's grants.
    b = app()
    admin = "module.app.aws_iam_role.admin"
    b.add(
        admin,
        {"name": "admin", "assume_role_policy": trust({"AWS": "arn:aws:iam::123456789012:root"})},
        unknown=["arn", "id", "unique_id"],
    )
    b.add(
        "module.app.data.aws_iam_policy_document.assume",
        {"statement": [{"actions": ["sts:AssumeRole"], "resources": [None]}]},
        action="read",
        unknown=["json", "statement.0.resources.0"],
        expressions={"statement": [{"resources": refs("aws_iam_role.admin.arn")}]},
    )
    b.add(
        "module.app.aws_iam_role_policy.assume",
        {"name": "assume"},
        unknown=["id", "role", "policy"],
        expressions={
            "role": refs("aws_iam_role.task.id"),
            "policy": refs("data.aws_iam_policy_document.assume.json"),
        },
    )
    role_policy(b, "admin", policy(allow("dynamodb:*", "*")), role="admin")
    (found,) = run_policy(iam_grant, b)
    assert found.certainty.value == "certain"
    assert found.chain[:3] == (TASK_DEF, TASK_ROLE, admin)
    assert found.message.startswith(
        f"{admin} (trusted by the application role {TASK_ROLE}, whose policies allow it to "
        "assume this role, which trusts its account) may perform dynamodb:*"
    )


def test_a_role_trusted_by_a_same_named_role_of_another_account_is_not_chained():
    b = PlanBuilder()
    for name, trusted in (("api", ECS_TASKS), ("ops", {"AWS": "arn:aws:iam::2:role/api"})):
        b.add(
            f"aws_iam_role.{name}",
            {
                "name": name,
                "arn": f"arn:aws:iam::1:role/{name}",
                "assume_role_policy": trust(trusted),
            },
            action="no-op",
        )
    b.add(
        "aws_iam_role_policy.ops",
        {"role": "ops", "policy": policy(allow("dynamodb:*", "*"))},
        action="no-op",
    )
    assert run_policy(iam_grant, b, lock_tables=[LOCK]) == []


def test_a_role_policy_whose_role_cannot_be_followed_possibly_grants_the_app_roles():
    # Its role comes through a local value, and the sources are not at hand.
    b = app().add(
        "module.app.aws_iam_role_policy.hidden",
        {"name": "hidden", "policy": policy(allow("dynamodb:*", "*"))},
        unknown=["id", "role"],
        expressions={"role": refs("local.role_name")},
    )
    hidden = "module.app.aws_iam_role_policy.hidden"
    assert summarise(run_policy(iam_grant, b)) == [("PG-STATE-001", hidden, "policy", "possible")]


def test_policies_whose_role_cannot_be_followed_are_reported_once_each_however_many_roles():
    # Asked with every application role, each was reported once per role: 200 roles and
    # 200 such policies made 40,200 findings in 15 s.
    b = app()
    for n in range(150):
        b.add(
            f"aws_iam_role.r{n}",
            {"name": f"r{n}", "assume_role_policy": trust(ECS_TASKS)},
            unknown=["arn", "id", "unique_id"],
        )
        b.add(
            f"aws_iam_role_policy.hidden{n}",
            {"name": f"hidden{n}", "policy": policy(allow("dynamodb:*", "*"))},
            unknown=["id", "role"],
            expressions={"role": refs("local.role_name")},
        )
    started = time.perf_counter()
    findings = run_policy(iam_grant, b)
    assert time.perf_counter() - started < 3
    assert sorted(f.address for f in findings) == sorted(
        f"aws_iam_role_policy.hidden{n}" for n in range(150)
    )
    assert findings[0].message.startswith(
        "the role it is attached to, which plangate cannot follow (it may be an application "
        "role), may perform dynamodb:* on lock table"
    )


def test_a_role_link_past_the_reference_budget_is_possible_never_absent(monkeypatch):
    b = role_policy(app(), "direct", policy(allow("dynamodb:*", "*")))
    direct = "module.app.aws_iam_role_policy.direct"
    assert summarise(run_policy(iam_grant, b)) == [("PG-STATE-001", direct, "policy", "certain")]
    monkeypatch.setattr(resolver, "WORK_BUDGET", 1)  # every resolve runs out at once
    found = summarise(run_policy(iam_grant, b))
    assert set(found) == {("PG-STATE-001", direct, "policy", "possible")}


# -- what is asked of a policy, and what it costs -----------------------------------------------


def test_a_policy_listing_thousands_of_actions_is_evaluated_at_once():
    # Every literal action used to be asked about, each against every element of the
    # statement: 4,000 actions (a 170 KB plan) took 60 s, 8,000 four minutes.
    actions = [f"dynamodb:Get{n}" for n in range(6000)]
    b = role_policy(app(), "many", policy(allow([*actions, "dynamodb:GetItem"], "*")))
    started = time.perf_counter()
    findings = run_policy(iam_grant, b)
    assert time.perf_counter() - started < 5.0
    assert summarise(findings) == [
        ("PG-STATE-001", "module.app.aws_iam_role_policy.many", "policy", "certain")
    ]


@pytest.mark.parametrize(
    "action",
    [
        "dynamodb:EnableKinesisStreamingDestination",  # streams every lock change elsewhere
        "dynamodb:enablekinesis*",
        "dynamodb:RestoreTableToPointInTime",
        "dynamodb:TagResource",  # tag-based access control opens the table to whoever tags
    ],
)
def test_an_action_on_the_table_outside_the_usual_ones_is_a_grant_literal_or_wildcard(
    action: str,
):
    b = role_policy(app(), "odd", policy(allow(action, f"arn:aws:dynamodb:*:*:table/{LOCK}")))
    assert summarise(run_policy(iam_grant, b)) == [
        ("PG-STATE-001", "module.app.aws_iam_role_policy.odd", "policy", "certain")
    ]


def test_an_action_on_table_backups_only_is_no_grant_on_the_table():
    b = role_policy(app(), "backups", policy(allow("dynamodb:DeleteBackup", "*")))
    assert run_policy(iam_grant, b) == []


def test_many_patterns_matching_every_action_are_tallied_at_once():
    # 15,360 spellings of `dynamodb:*` (case and repeated stars): each matching element was
    # added to the grant's list after a scan of that list, for every action asked about
    # (about 10^12 steps at this size). Tallied at once it takes seconds; the bound is
    # loose so that a loaded CI machine never fails it and the quadratic tally always does.
    spellings = ["".join(c) for c in product(*((ch.lower(), ch.upper()) for ch in "dynamodb"))]
    patterns = [f"{name}:{'*' * n}" for name in spellings for n in range(1, 61)]
    b = role_policy(app(), "patterns", policy(allow(patterns, "*")))
    started = time.perf_counter()
    findings = run_policy(iam_grant, b)
    assert time.perf_counter() - started < 60.0
    assert [f.address for f in findings] == ["module.app.aws_iam_role_policy.patterns"]


def test_a_policy_holding_a_number_too_long_for_python_is_still_read():
    # Python's json refuses integers over 4,300 digits (Go's, which the provider
    # validates policies with, does not): the document read as "not a policy", and its
    # dynamodb:* grant passed.
    condition = {"NumericLessThan": {"aws:MultiFactorAuthAge": 1}}
    text = policy(allow("dynamodb:*", "*", Condition=condition)).replace(
        '"aws:MultiFactorAuthAge": 1', '"aws:MultiFactorAuthAge": ' + "9" * 4400
    )
    b = role_policy(app(), "big", text)
    assert summarise(run_policy(iam_grant, b)) == [
        ("PG-STATE-001", "module.app.aws_iam_role_policy.big", "policy", "certain")
    ]


# -- whether the grant is new ----------------------------------------------------------------


def _attached_customer_policy(before: str, after: str) -> PlanBuilder:
    """A deployed application role and attachment, and the customer managed policy they
    name, which the plan updates from `before` to `after`."""
    arn = "arn:aws:iam::123456789012:policy/app"
    role = {"name": "api", "assume_role_policy": trust(ECS_TASKS)}
    attachment = {"role": "api", "policy_arn": arn}
    b = PlanBuilder()
    b.add("aws_iam_role.api", role, action="no-op", before=role)
    b.add("aws_iam_role_policy_attachment.app", attachment, action="no-op", before=attachment)
    managed = {"name": "app", "arn": arn}
    return b.add(
        "aws_iam_policy.app",
        managed | {"policy": after},
        action="update",
        before=managed | {"policy": before},
    )


def test_a_grant_the_plan_writes_into_an_attached_managed_policy_is_new():
    """The attachment is unchanged, so judged by its own `policy_arn` the grant read as
    'already in the current state', when this plan is what grants `dynamodb:*`."""
    b = _attached_customer_policy(
        policy(allow("s3:GetObject", "*")), policy(allow("dynamodb:*", "*"))
    )
    (found,) = run_policy(iam_grant, b, lock_tables=[LOCK])
    assert found.address == "aws_iam_role_policy_attachment.app"
    assert found.new is True


def test_a_grant_already_in_a_managed_policy_the_plan_leaves_is_not_new():
    granted = policy(allow("dynamodb:*", "*"))
    b = _attached_customer_policy(granted, granted)
    (found,) = run_policy(iam_grant, b, lock_tables=[LOCK])
    assert found.new is False
