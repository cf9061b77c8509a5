"""The reference resolver, on plans written by the real terraform binary and by the kit."""

from __future__ import annotations

import time

import pytest
from plangate import Plan, resolver
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
    plan = Plan(plan.raw, "real", source_dir=tmp_path)
    resolution = plan.references.resolve(plan.by_address["terraform_data.uses_local"], "input")
    assert [(r.address, r.attribute) for r in resolution.refs] == [("terraform_data.role", "id")]
    assert resolution.refs[0].via == ("local.via_local",)
    assert resolution.unresolved is False


def test_the_source_folder_is_given_when_the_plan_is_built_and_cannot_change_later(plan, tmp_path):
    # The resolver caches what local values lead to on first use: a folder set later
    # would silently change nothing, so there is no way to set one later.
    plan.references.resolve(plan.by_address["terraform_data.uses_local"], "input")
    with pytest.raises(AttributeError):
        plan.source_dir = tmp_path  # type: ignore[misc]


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


# -- hostile configurations: following references is memoised and bounded ----------------


def _module_chain(depth: int, width: int) -> dict[str, str]:
    """Modules nested `depth` deep, each with `width` inputs, every input fed by all of
    the parent's: width ** depth paths lead from the innermost input to the root."""
    joined = 'join("", [' + ", ".join(f"var.v{j}" for j in range(width)) + "])"
    files = {
        "main.tf": 'resource "terraform_data" "role" {\n  input = "role"\n}\n'
        'module "l1" {\n  source = "./modules/l1"\n'
        + "".join(f"  v{j} = terraform_data.role.id\n" for j in range(width))
        + "}\n"
    }
    for level in range(1, depth + 1):
        text = "".join(f'variable "v{j}" {{}}\n' for j in range(width))
        if level < depth:
            text += f'module "l{level + 1}" {{\n  source = "../l{level + 1}"\n'
            text += "".join(f"  v{j} = {joined}\n" for j in range(width)) + "}\n"
        else:
            text += f'resource "terraform_data" "leaf" {{\n  input = {joined}\n}}\n'
        files[f"modules/l{level}/main.tf"] = text
    return files


def _innermost(depth: int) -> str:
    return "".join(f"module.l{level}." for level in range(1, depth + 1)) + "terraform_data.leaf"


def test_a_value_passed_through_every_input_of_ten_nested_modules_resolves_at_once(real_plan):
    # 4 ** 10 paths: walked one by one, this took 10 s; each input is now followed once.
    data, _ = real_plan(_module_chain(10, 4))
    plan = Plan(data, "real")
    started = time.perf_counter()
    resolution = plan.references.resolve(plan.by_address[_innermost(10)], "input")
    assert time.perf_counter() - started < 5
    assert [(r.address, r.attribute) for r in resolution.refs] == [("terraform_data.role", "id")]
    assert resolution.refs[0].via == tuple(f"module.l{level}: var.v0" for level in range(10, 0, -1))
    assert resolution.unresolved is False


def test_a_resolve_that_runs_out_of_budget_is_unresolved_never_silently_empty(
    real_plan, monkeypatch
):
    data, _ = real_plan(_module_chain(6, 3))
    leaf = _innermost(6)
    monkeypatch.setattr(resolver, "WORK_BUDGET", 25)
    plan = Plan(data, "real")
    cut = plan.references.resolve(plan.by_address[leaf], "input")
    assert cut.unresolved is True
    # Asked again, the answer is the same (what was found is kept, still unresolved).
    again = plan.references.resolve(plan.by_address[leaf], "input")
    assert again.unresolved is True
    assert [r.address for r in again.refs] == [r.address for r in cut.refs]
    monkeypatch.setattr(resolver, "WORK_BUDGET", 200_000)
    fresh = Plan(data, "real")
    whole = fresh.references.resolve(fresh.by_address[leaf], "input")
    assert (whole.unresolved, [r.address for r in whole.refs]) == (False, ["terraform_data.role"])


def test_local_values_each_built_from_the_two_before_resolve_at_once(real_plan, tmp_path):
    # local.l28 has fib(28) ~ 300,000 paths down to local.l0.
    locals_ = ["  l0 = terraform_data.role.id", "  l1 = terraform_data.role.id"]
    locals_ += [f"  l{n} = try(local.l{n - 1}, local.l{n - 2})" for n in range(2, 29)]
    data, _ = real_plan(
        {
            "main.tf": 'resource "terraform_data" "role" {\n  input = "role"\n}\n'
            "locals {\n" + "\n".join(locals_) + "\n}\n"
            'resource "terraform_data" "uses" {\n  input = local.l28\n}\n'
        }
    )
    plan = Plan(data, "real", source_dir=tmp_path)
    started = time.perf_counter()
    resolution = plan.references.resolve(plan.by_address["terraform_data.uses"], "input")
    assert time.perf_counter() - started < 5
    assert [(r.address, r.attribute) for r in resolution.refs] == [("terraform_data.role", "id")]
    assert resolution.unresolved is False


def test_local_values_that_refer_to_each_other_are_unresolved(tmp_path):
    # Terraform rejects the cycle; a hand-made plan beside such sources must still end.
    (tmp_path / "main.tf").write_text("locals {\n  a = local.b\n  b = local.a\n}\n")
    builder = PlanBuilder().add(
        "aws_s3_bucket.b", {}, unknown=["bucket"], expressions={"bucket": refs("local.a")}
    )
    plan = builder.build(source_dir=tmp_path)
    resolution = plan.references.resolve(plan.by_address["aws_s3_bucket.b"], "bucket")
    assert (resolution.refs, resolution.unresolved) == ([], True)


def test_instances_of_one_block_under_two_spellings_of_its_module_are_all_found():
    # Terraform writes one spelling per module instance; a hand-edited plan may escape
    # a for_each key (`"\u0078"` is `"x"`): the instances are still one block's.
    builder = PlanBuilder()
    for index in (0, 1):
        builder.add(f'module.net["x"].aws_security_group.db[{index}]', {"name": f"db{index}"})
    builder.add(
        "aws_db_instance.main",
        {"engine": "postgres"},
        unknown=["vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs('module.net["x"].db_sg_ids')},
    )
    builder.module_call('module.net["x"]', outputs={"db_sg_ids": refs("aws_security_group.db")})
    data = builder.to_dict()
    data.pop("planned_values")  # it would list the instance under Terraform's spelling
    escaped = 'module.net["\\u0078"]'
    for change in data["resource_changes"]:
        if change["address"].endswith("aws_security_group.db[1]"):
            change["module_address"] = escaped
            change["address"] = f"{escaped}.aws_security_group.db[1]"
    plan = Plan(data, "x")
    targets = plan.references.targets(
        plan.by_address["aws_db_instance.main"], "vpc_security_group_ids"
    )
    assert sorted(r.address for r in targets) == [
        'module.net["\\u0078"].aws_security_group.db[1]',
        'module.net["x"].aws_security_group.db[0]',
    ]
