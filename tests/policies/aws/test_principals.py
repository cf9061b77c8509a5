"""The application's principals (`aws.principals`) and the policy documents an attribute
holds (`aws.policy_documents`)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from plangate import Plan
from plangate.policies.aws.policy_documents import policy_documents
from plangate.policies.aws.principals import application_principals
from plangate.testing import PlanBuilder, const, refs


def trust(*principals: dict[str, Any], action: str = "sts:AssumeRole") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": p, "Action": action} for p in principals
            ],
        }
    )


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ECS_TASKS = {"Service": "ecs-tasks.amazonaws.com"}
ACCOUNT = {"AWS": "arn:aws:iam::123456789012:root"}
GITHUB = {
    "Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
}


def role(
    b: PlanBuilder, address: str, trusted: str, name: str | None = None, **kw: Any
) -> PlanBuilder:
    values = {"assume_role_policy": trusted, **({"name": name} if name else {})}
    return b.add(address, values, unknown=["arn", "id", "unique_id"], **kw)


def principals(b: PlanBuilder | Plan) -> dict[str, Any]:
    plan = b.build() if isinstance(b, PlanBuilder) else b
    return {p.address: p for p in application_principals(plan)}


# -- which roles are the application's ---------------------------------------------------------


def test_task_and_execution_roles_are_found_through_references_in_a_first_plan():
    b = PlanBuilder()
    role(b, "module.app.aws_iam_role.task", trust(ACCOUNT), "api-task")
    role(b, "module.app.aws_iam_role.execution", trust(ACCOUNT), "api-execution")
    b.add(
        "module.app.aws_ecs_task_definition.api",
        {"family": "api"},
        unknown=["task_role_arn", "execution_role_arn", "arn"],
        expressions={
            "task_role_arn": refs("aws_iam_role.task.arn"),
            "execution_role_arn": refs("aws_iam_role.execution.arn"),
        },
    )
    found = principals(b)
    task = found["module.app.aws_iam_role.task"]
    execution = found["module.app.aws_iam_role.execution"]
    assert task.chain == ("module.app.aws_ecs_task_definition.api", "module.app.aws_iam_role.task")
    assert task.execution_only is False and task.certain
    assert execution.execution_only is True
    assert (
        "ECS task execution role of module.app.aws_ecs_task_definition.api" in execution.description
    )


def test_a_role_passed_through_module_variables_is_found():
    b = PlanBuilder()
    role(b, "module.iam.aws_iam_role.fn", trust(ACCOUNT), "fn")
    b.add(
        "module.app.aws_lambda_function.fn",
        {"function_name": "fn"},
        unknown=["role", "arn"],
        expressions={"role": refs("var.role_arn")},
    )
    b.module_call("module.iam", outputs={"role_arn": refs("aws_iam_role.fn.arn")})
    b.module_call("module.app", inputs={"role_arn": refs("module.iam.role_arn")})
    assert principals(b)["module.iam.aws_iam_role.fn"].chain == (
        "module.app.aws_lambda_function.fn",
        "module.iam.aws_iam_role.fn",
    )


def test_a_known_role_arn_links_compute_to_the_role_without_configuration():
    arn = "arn:aws:iam::123456789012:role/worker"
    b = PlanBuilder()
    b.add(
        "aws_iam_role.worker",
        {"name": "worker", "arn": arn, "assume_role_policy": trust(ACCOUNT)},
        action="no-op",
    )
    b.add("aws_sfn_state_machine.flow", {"role_arn": arn}, action="no-op")
    assert principals(b)["aws_iam_role.worker"].uses[0].kind == "Step Functions role"


def test_ec2_instances_and_launch_templates_run_as_the_instance_profile_role():
    b = PlanBuilder()
    role(b, "aws_iam_role.node", trust(ACCOUNT), "node")
    b.add(
        "aws_iam_instance_profile.node",
        {"name": "node"},
        unknown=["arn", "role"],
        expressions={"role": refs("aws_iam_role.node.name")},
    )
    b.add(
        "aws_instance.web[0]",
        {"ami": "ami-1"},
        unknown=["iam_instance_profile"],
        expressions={"iam_instance_profile": refs("aws_iam_instance_profile.node.name")},
    )
    b.add("aws_launch_template.web", {"iam_instance_profile": [{"name": "node"}]})
    node = principals(b)["aws_iam_role.node"]
    assert {u.compute for u in node.uses} == {"aws_instance.web[0]", "aws_launch_template.web"}
    assert node.uses[0].via == ("aws_iam_instance_profile.node",)
    assert node.chain == (
        "aws_instance.web[0]",
        "aws_iam_instance_profile.node",
        "aws_iam_role.node",
    )


def test_app_runner_batch_and_eks_pod_identity_roles_are_application_principals():
    b = PlanBuilder()
    for name in ("runner", "job", "jobexec", "pod"):
        b.add(
            f"aws_iam_role.{name}",
            {
                "name": name,
                "assume_role_policy": trust(ACCOUNT),
                "arn": f"arn:aws:iam::1:role/{name}",
            },
            action="no-op",
        )
    b.add(
        "aws_apprunner_service.api",
        {"instance_configuration": [{"instance_role_arn": "arn:aws:iam::1:role/runner"}]},
        action="no-op",
    )
    b.add(
        "aws_batch_job_definition.nightly",
        {
            "container_properties": json.dumps(
                {
                    "jobRoleArn": "arn:aws:iam::1:role/job",
                    "executionRoleArn": "arn:aws:iam::1:role/jobexec",
                }
            )
        },
        action="no-op",
    )
    b.add(
        "aws_eks_pod_identity_association.api",
        {"role_arn": "arn:aws:iam::1:role/pod"},
        action="no-op",
    )
    found = principals(b)
    assert found["aws_iam_role.runner"].uses[0].kind == "App Runner instance role"
    assert found["aws_iam_role.job"].execution_only is False
    assert found["aws_iam_role.jobexec"].execution_only is True
    assert found["aws_iam_role.pod"].uses[0].kind == "EKS pod identity role"


def test_a_role_trusted_by_ecs_tasks_is_a_principal_even_when_no_compute_uses_it():
    b = PlanBuilder()
    role(b, "aws_iam_role.spare", trust(ECS_TASKS), "spare")
    spare = principals(b)["aws_iam_role.spare"]
    assert spare.uses == () and spare.trusted_by == ("ecs-tasks.amazonaws.com",)
    assert spare.execution_only is False
    assert spare.chain == ("aws_iam_role.spare",)


def test_roles_trusted_by_people_accounts_or_ci_are_not_application_principals():
    b = PlanBuilder()
    role(b, "aws_iam_role.ci", trust(GITHUB, action="sts:AssumeRoleWithWebIdentity"), "ci")
    role(
        b,
        "aws_iam_role.gitlab",
        trust(
            {"Federated": "arn:aws:iam::1:oidc-provider/gitlab.com"},
            action="sts:AssumeRoleWithWebIdentity",
        ),
        "gitlab",
    )
    role(b, "aws_iam_role.admin", trust(ACCOUNT), "admin")
    assert principals(b) == {}


def test_irsa_roles_trusted_by_an_eks_oidc_provider_are_principals():
    b = PlanBuilder()
    issuer = "arn:aws:iam::1:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
    role(
        b,
        "aws_iam_role.known",
        trust({"Federated": issuer}, action="sts:AssumeRoleWithWebIdentity"),
        "known",
    )
    b.add("aws_eks_cluster.main", {"name": "main"}, unknown=["identity", "arn"])
    b.add(
        "aws_iam_openid_connect_provider.eks",
        {"client_id_list": ["sts.amazonaws.com"]},
        unknown=["url", "arn"],
        expressions={"url": refs("aws_eks_cluster.main.identity[0].oidc[0].issuer")},
    )
    b.add(
        "data.aws_iam_policy_document.irsa",
        {
            "statement": [
                {
                    "actions": ["sts:AssumeRoleWithWebIdentity"],
                    "principals": [{"type": "Federated", "identifiers": None}],
                }
            ]
        },
        action="read",
        unknown=["json", "statement"],
        expressions={
            "statement": [
                {
                    "actions": const(["sts:AssumeRoleWithWebIdentity"]),
                    "principals": [
                        {
                            "type": const("Federated"),
                            "identifiers": refs("aws_iam_openid_connect_provider.eks.arn"),
                        }
                    ],
                }
            ]
        },
    )
    b.add(
        "aws_iam_role.irsa",
        {"name": "irsa"},
        unknown=["arn", "assume_role_policy"],
        expressions={"assume_role_policy": refs("data.aws_iam_policy_document.irsa.json")},
    )
    found = principals(b)
    assert found["aws_iam_role.known"].trusted_by == (f"EKS OIDC provider {issuer}",)
    assert found["aws_iam_role.irsa"].trusted_by == (
        "EKS OIDC provider aws_iam_openid_connect_provider.eks",
    )


def test_for_each_and_count_instances_are_linked_one_to_one():
    b = PlanBuilder()
    for key in ("a", "b"):
        role(b, f'aws_iam_role.svc["{key}"]', trust(ACCOUNT), f"svc-{key}")
        b.add(
            f'aws_ecs_task_definition.svc["{key}"]',
            {"family": key},
            unknown=["task_role_arn"],
            # Terraform writes `aws_iam_role.svc[each.key].arn` as these two references.
            expressions={"task_role_arn": {"references": ["aws_iam_role.svc", "each.key"]}},
        )
    found = principals(b)
    assert found['aws_iam_role.svc["a"]'].chain[0] == 'aws_ecs_task_definition.svc["a"]'
    assert len(found['aws_iam_role.svc["b"]'].uses) == 1


# -- the documents ---------------------------------------------------------------------------


def test_a_document_read_at_plan_time_comes_from_the_data_source_json():
    b = PlanBuilder()
    b.prior(
        "data.aws_iam_policy_document.p",
        {
            "json": policy(
                {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
            )
        },
    )
    b.add(
        "aws_iam_role_policy.p",
        {"role": "x", "policy": None},
        unknown=["policy"],
        expressions={"policy": refs("data.aws_iam_policy_document.p.json")},
    )
    plan = b.build()
    ((document, hops),) = policy_documents(plan, plan.by_address["aws_iam_role_policy.p"], "policy")
    assert hops == ("data.aws_iam_policy_document.p",)
    assert [s.label for s in document.statements] == ['statement "Read"']


def deferred_document_plan(*unknown: str) -> Plan:
    """A first plan: the lock table's ARN is unknown, so the policy document is read at
    apply time; its resources refer to the table through two modules."""
    b = PlanBuilder()
    b.add("module.state.aws_dynamodb_table.lock", {"name": "terraform-state-lock"}, unknown=["arn"])
    b.module_call("module.state", outputs={"lock_table_arn": refs("aws_dynamodb_table.lock.arn")})
    b.add(
        "module.app.data.aws_iam_policy_document.locks[0]",
        {
            "statement": [
                {
                    "sid": "Locks",
                    "actions": ["dynamodb:PutItem"],
                    "resources": [None],
                    "condition": [],
                }
            ]
        },
        action="read",
        unknown=["json", *unknown],
        expressions={
            "statement": [
                {
                    "sid": const("Locks"),
                    "actions": const(["dynamodb:PutItem"]),
                    "resources": refs("var.lock_table_arn"),
                }
            ]
        },
    )
    b.module_call("module.app", inputs={"lock_table_arn": refs("module.state.lock_table_arn")})
    b.add(
        "module.app.aws_iam_role_policy.locks[0]",
        {"role": "x"},
        unknown=["policy"],
        expressions={"policy": refs("data.aws_iam_policy_document.locks[0].json")},
    )
    return b.build()


def test_a_deferred_document_keeps_its_known_blocks_and_references_for_the_unknown_parts():
    # What Terraform writes: the block is known, one element of `resources` is not.
    plan = deferred_document_plan("statement.0.resources.0")
    carrier = plan.by_address["module.app.aws_iam_role_policy.locks[0]"]
    ((document, hops),) = policy_documents(plan, carrier, "policy")
    assert hops == ("module.app.data.aws_iam_policy_document.locks[0]",)
    (statement,) = document.statements
    assert statement.sid == "Locks" and statement.actions == ("dynamodb:PutItem",)
    (element,) = statement.resources
    assert [r.address for r in element.refs] == ["module.state.aws_dynamodb_table.lock"]


def test_a_deferred_document_whose_blocks_are_unknown_is_read_from_the_configuration():
    plan = deferred_document_plan("statement")
    carrier = plan.by_address["module.app.aws_iam_role_policy.locks[0]"]
    ((document, _),) = policy_documents(plan, carrier, "policy")
    (statement,) = document.statements
    assert statement.sid == "Locks" and statement.actions == ("dynamodb:PutItem",)
    (element,) = statement.resources
    assert [r.address for r in element.refs] == ["module.state.aws_dynamodb_table.lock"]


def test_an_unknown_policy_built_with_jsonencode_is_one_opaque_statement():
    b = PlanBuilder()
    b.add("aws_dynamodb_table.lock", {"name": "terraform-state-lock"}, unknown=["arn"])
    b.add(
        "aws_iam_role_policy.p",
        {"role": "x"},
        unknown=["policy"],
        expressions={"policy": refs("aws_dynamodb_table.lock.arn")},
    )
    plan = b.build()
    ((document, _),) = policy_documents(plan, plan.by_address["aws_iam_role_policy.p"], "policy")
    (statement,) = document.statements
    (element,) = statement.resources
    assert element.strict and [r.address for r in element.refs] == ["aws_dynamodb_table.lock"]


def test_a_long_chain_of_roles_each_trusting_the_one_before_is_followed_at_once():
    # Listed last to first, each round found one more: 1,000 roles took 8 s, quadratic.
    b = PlanBuilder()
    for n in reversed(range(3000)):
        trusted = ECS_TASKS if n == 0 else {"AWS": f"arn:aws:iam::123456789012:role/r{n - 1}"}
        b.add(
            f"aws_iam_role.r{n}",
            {
                "name": f"r{n}",
                "arn": f"arn:aws:iam::123456789012:role/r{n}",
                "assume_role_policy": trust(trusted),
            },
            action="no-op",
        )
    plan = b.build()
    started = time.perf_counter()
    principals = {p.address: p for p in application_principals(plan)}
    assert time.perf_counter() - started < 5
    assert len(principals) == 3000
    assert principals["aws_iam_role.r2"].trusted_by == ("the application role aws_iam_role.r1",)
    assert principals["aws_iam_role.r2"].assumed_from == ("aws_iam_role.r0", "aws_iam_role.r1")


def test_a_trust_policy_naming_thousands_of_eks_providers_is_read_at_once():
    # Each provider found was looked for among those found before it: quadratic in the
    # size of one trust policy.
    issuers = [
        f"arn:aws:iam::1:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/{n}"
        for n in range(30_000)
    ]
    b = PlanBuilder()
    role(
        b,
        "aws_iam_role.pods",
        trust({"Federated": [*issuers, issuers[0]]}, action="sts:AssumeRoleWithWebIdentity"),
        "pods",
    )
    started = time.perf_counter()
    pods = principals(b)["aws_iam_role.pods"]
    assert time.perf_counter() - started < 3.0
    assert len(pods.trusted_by) == len(issuers)


# -- role chaining through trust of an account ------------------------------------------------


def _may_assume(b: PlanBuilder, role: str, resource: Any, **extra: Any) -> PlanBuilder:
    """An inline policy on `role` allowing it sts:AssumeRole on `resource`."""
    statement = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource, **extra}
    return b.add(
        f"aws_iam_role_policy.{role}_assumes",
        {"policy": policy(statement)},
        unknown=["id", "role"],
        expressions={"role": refs(f"aws_iam_role.{role}.id")},
    )


@pytest.mark.parametrize(
    "opened",
    [ACCOUNT, {"AWS": "123456789012"}, {"AWS": "*"}, "*"],
    ids=["account-root", "bare-account-id", "any-aws", "everyone"],
)
def test_a_role_trusting_the_account_is_the_apps_when_an_app_role_may_assume_it(opened: Any):
    # AWS lets any principal of a trusted account assume the role when its own policies
    # allow sts:AssumeRole on it: an app role with such a policy reaches the role's grants.
    b = PlanBuilder()
    role(b, "aws_iam_role.api", trust(ECS_TASKS), "api")
    role(b, "aws_iam_role.admin", trust(opened), "admin")
    _may_assume(b, "api", "arn:aws:iam::*:role/admin")
    admin = principals(b)["aws_iam_role.admin"]
    assert admin.assumed_from == ("aws_iam_role.api",) and admin.certain
    assert admin.trusted_by == (
        "the application role aws_iam_role.api, whose policies allow it to assume this role, "
        "which trusts its account",
    )


def test_a_role_trusting_the_account_is_not_the_apps_when_no_app_role_may_assume_it():
    b = PlanBuilder()
    role(b, "aws_iam_role.api", trust(ECS_TASKS), "api")
    role(b, "aws_iam_role.admin", trust(ACCOUNT), "admin")
    role(b, "aws_iam_role.other", trust(ACCOUNT), "other")
    _may_assume(b, "api", "arn:aws:iam::*:role/other")
    b.add(
        "aws_iam_role_policy.api_denied",
        {"policy": policy({"Effect": "Deny", "Action": "sts:*", "Resource": "*"})},
        unknown=["id", "role"],
        expressions={"role": refs("aws_iam_role.api.id")},
    )
    assert sorted(principals(b)) == ["aws_iam_role.api"]


def test_a_role_trusting_another_account_is_not_assumed_from_a_known_app_account():
    b = PlanBuilder()
    for name, trusted in (("api", ECS_TASKS), ("admin", {"AWS": "arn:aws:iam::222222222222:root"})):
        b.add(
            f"aws_iam_role.{name}",
            {
                "name": name,
                "arn": f"arn:aws:iam::111111111111:role/{name}",
                "assume_role_policy": trust(trusted),
            },
            action="no-op",
        )
    _may_assume(b, "api", "*")
    assert sorted(principals(b)) == ["aws_iam_role.api"]


def test_a_chain_through_roles_trusting_the_account_is_followed_hop_by_hop_through_cycles():
    b = PlanBuilder()
    role(b, "aws_iam_role.api", trust(ECS_TASKS), "api")
    for name, then in (("a", "b"), ("b", "c"), ("c", "a")):  # c may assume a again: a cycle
        role(b, f"aws_iam_role.{name}", trust(ACCOUNT), name)
        _may_assume(b, name, f"arn:aws:iam::*:role/{then}")
    _may_assume(b, "api", "arn:aws:iam::*:role/a")
    found = principals(b)
    assert found["aws_iam_role.c"].assumed_from == (
        "aws_iam_role.api",
        "aws_iam_role.a",
        "aws_iam_role.b",
    )


def test_an_assumption_that_a_condition_decides_is_possible():
    b = PlanBuilder()
    role(b, "aws_iam_role.api", trust(ECS_TASKS), "api")
    role(b, "aws_iam_role.admin", trust(ACCOUNT), "admin")
    _may_assume(b, "api", "*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    assert principals(b)["aws_iam_role.admin"].certain is False


def test_many_app_roles_and_many_roles_trusting_the_account_are_weighed_in_bounded_time():
    # Each app role's statement was matched against each open role: 800 of each took 54 s.
    b = PlanBuilder()
    for n in range(800):
        role(b, f"aws_iam_role.app{n}", trust(ECS_TASKS), f"app{n}")
        role(b, f"aws_iam_role.admin{n}", trust(ACCOUNT), f"admin{n}")
        _may_assume(b, f"app{n}", f"arn:aws:iam::*:role/nothing-{n}-*")
    plan = b.build()
    started = time.perf_counter()
    found = {p.address: p for p in application_principals(plan)}
    assert time.perf_counter() - started < 5
    # Past the budget, every open role may be assumed: failing closed, never certain.
    assert "aws_iam_role.admin799" in found
    assert found["aws_iam_role.admin799"].certain is False


def test_a_policy_whose_role_cannot_be_followed_may_let_any_app_role_assume_an_open_role():
    b = PlanBuilder()
    role(b, "aws_iam_role.api", trust(ECS_TASKS), "api")
    role(b, "aws_iam_role.admin", trust(ACCOUNT), "admin")
    b.add(
        "aws_iam_role_policy.hidden",
        {"policy": policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})},
        unknown=["id", "role"],
        expressions={"role": refs("local.role_name")},
    )
    admin = principals(b)["aws_iam_role.admin"]
    assert admin.assumed_from == ("aws_iam_role.api",) and admin.certain is False
