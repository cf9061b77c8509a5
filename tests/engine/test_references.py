"""The reference resolver, on plans written by the real terraform binary and by the kit."""

from __future__ import annotations

import pytest
from plangate import Plan
from plangate.testing import PlanBuilder, refs

ROOT_TF = """
resource "terraform_data" "role" {
  input = "role"
}

module "app" {
  source  = "./modules/app"
  role_id = terraform_data.role.id
}

module "svc" {
  source   = "./modules/svc"
  for_each = toset(["a.b", "c/d"])
  name     = each.key
  upstream = module.app.out_id
}

locals {
  via_local = terraform_data.role.id
}

resource "terraform_data" "uses_local" {
  input = local.via_local
}

resource "terraform_data" "fan" {
  for_each = toset(["x", "y"])
  input    = each.key
}

resource "terraform_data" "per_key" {
  for_each = toset(["x", "y"])
  input    = terraform_data.fan[each.key].id
}
"""

APP_TF = """
variable "role_id" {}

resource "terraform_data" "worker" {
  count = 2
  input = var.role_id
}

output "out_id" {
  value = terraform_data.worker[0].id
}
"""

SVC_TF = """
variable "name" {}
variable "upstream" {}

resource "terraform_data" "x" {
  input = var.upstream
}
"""


@pytest.fixture
def plan(real_plan) -> Plan:
    data, _ = real_plan(
        {"main.tf": ROOT_TF, "modules/app/main.tf": APP_TF, "modules/svc/main.tf": SVC_TF}
    )
    return Plan(data, "real")


def _targets(plan: Plan, address: str, path: str = "input") -> list[tuple[str, str | None]]:
    resolution = plan.references.resolve(plan.by_address[address], path)
    return [(r.address, r.attribute) for r in resolution.refs]


def test_a_module_input_variable_leads_to_the_resource_in_the_caller(plan):
    assert _targets(plan, "module.app.terraform_data.worker[0]") == [("terraform_data.role", "id")]
    assert _targets(plan, "module.app.terraform_data.worker[1]") == [("terraform_data.role", "id")]


def test_a_child_module_output_leads_into_the_module_instance_and_its_count_index(plan):
    resolution = plan.references.resolve(
        plan.by_address['module.svc["a.b"].terraform_data.x'], "input"
    )
    assert [r.address for r in resolution.refs] == ["module.app.terraform_data.worker[0]"]
    assert resolution.refs[0].via == (
        'module.svc["a.b"]: var.upstream',
        "module.app: output.out_id",
    )


def test_for_each_keys_with_dots_and_slashes_keep_their_instances_apart(plan):
    addresses = {c.address for c in plan.changes}
    assert 'module.svc["a.b"].terraform_data.x' in addresses
    assert 'module.svc["c/d"].terraform_data.x' in addresses
    change = plan.by_address['module.svc["c/d"].terraform_data.x']
    assert change.module_address == 'module.svc["c/d"]'


def test_each_key_narrows_a_reference_to_the_matching_instance(plan):
    assert _targets(plan, 'terraform_data.per_key["y"]') == [('terraform_data.fan["y"]', None)]


def test_a_reference_through_a_local_value_is_reported_unresolved_without_sources(plan):
    resolution = plan.references.resolve(plan.by_address["terraform_data.uses_local"], "input")
    assert resolution.unresolved is True


def test_a_reference_through_a_local_value_is_followed_in_the_sources(plan, tmp_path):
    plan.source_dir = tmp_path
    resolution = plan.references.resolve(plan.by_address["terraform_data.uses_local"], "input")
    assert [(r.address, r.attribute) for r in resolution.refs] == [("terraform_data.role", "id")]
    assert resolution.refs[0].via == ("local.via_local",)
    assert resolution.unresolved is False


def test_unknown_ids_are_unknown_not_missing(plan):
    from plangate import UNKNOWN

    change = plan.by_address["module.app.terraform_data.worker[0]"]
    assert change.after_value("input") is UNKNOWN
    assert change.after_value("id") is UNKNOWN
    assert plan.by_address["terraform_data.role"].after_value("input") == "role"


def test_a_known_arn_resolves_by_value_when_configuration_says_nothing():
    builder = PlanBuilder()
    builder.add(
        "aws_iam_role.task", {"name": "task", "arn": "arn:aws:iam::1:role/task"}, action="no-op"
    )
    builder.add(
        "aws_ecs_task_definition.api", {"task_role_arn": "arn:aws:iam::1:role/task"}, action="no-op"
    )
    plan = builder.build()
    resolution = plan.references.resolve(
        plan.by_address["aws_ecs_task_definition.api"], "task_role_arn"
    )
    assert [r.address for r in resolution.refs] == ["aws_iam_role.task"]
    assert resolution.refs[0].via == ("value",)


def test_nested_block_expressions_are_followed_into_their_references():
    builder = PlanBuilder()
    builder.add("aws_security_group.app", {"name": "app"}, unknown=["id"])
    builder.add(
        "aws_ecs_service.api",
        {"name": "api"},
        expressions={
            "network_configuration": [{"security_groups": refs("aws_security_group.app.id")}],
        },
    )
    plan = builder.build()
    targets = plan.references.targets(
        plan.by_address["aws_ecs_service.api"], "network_configuration.security_groups"
    )
    assert [(r.address, r.attribute) for r in targets] == [("aws_security_group.app", "id")]


def test_module_calls_with_count_resolve_to_the_indexed_instance():
    builder = PlanBuilder()
    builder.add(
        "module.db[0].aws_db_instance.main",
        {"engine": "postgres"},
        unknown=["vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs("var.sg_ids")},
    )
    builder.add("module.net.aws_security_group.db", {"name": "db"}, unknown=["id"])
    builder.module_call("module.db", inputs={"sg_ids": refs("module.net.db_sg_id")})
    builder.module_call("module.net", outputs={"db_sg_id": refs("aws_security_group.db.id")})
    plan = builder.build()
    targets = plan.references.targets(
        plan.by_address["module.db[0].aws_db_instance.main"], "vpc_security_group_ids"
    )
    assert [r.address for r in targets] == ["module.net.aws_security_group.db"]
    assert targets[0].via == ("module.db[0]: var.sg_ids", "module.net: output.db_sg_id")


def test_each_value_follows_the_for_each_expression_to_the_matching_instance():
    builder = PlanBuilder()
    for key in ("a", "b"):
        builder.add(f'aws_subnet.public["{key}"]', {"cidr_block": "10.0.0.0/24"}, unknown=["id"])
        builder.add(
            f'aws_route_table_association.public["{key}"]',
            {},
            unknown=["subnet_id"],
            expressions={"subnet_id": refs("each.value.id")},
        )
    plan = builder.to_dict()
    for resource in plan["configuration"]["root_module"]["resources"]:
        if resource["type"] == "aws_route_table_association":
            resource["for_each_expression"] = refs("aws_subnet.public")
    from plangate import Plan

    built = Plan(plan, "x")
    targets = built.references.targets(
        built.by_address['aws_route_table_association.public["b"]'], "subnet_id"
    )
    assert [r.address for r in targets] == ['aws_subnet.public["b"]']


def test_memo_builds_a_shared_index_once():
    plan = PlanBuilder().build()
    calls = []
    assert plan.memo("k", lambda: calls.append(1) or 42) == 42
    assert plan.memo("k", lambda: calls.append(1) or 0) == 42
    assert calls == [1]
