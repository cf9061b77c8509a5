"""The plan model reads the shapes real plans come in."""

from __future__ import annotations

from plangate import Plan
from plangate.model import provider_suffix
from plangate.testing import PlanBuilder


def test_providers_match_on_namespace_and_type_whoever_wrote_the_plan():
    assert provider_suffix("registry.terraform.io/hashicorp/aws") == "hashicorp/aws"
    assert provider_suffix("registry.opentofu.org/hashicorp/aws") == "hashicorp/aws"
    assert provider_suffix("aws") == "hashicorp/aws"
    assert provider_suffix(None) == ""


def test_a_deposed_object_does_not_replace_the_current_one_at_its_address():
    data = PlanBuilder().add("aws_db_instance.db", {"identifier": "new"}).to_dict()
    deposed = {
        **data["resource_changes"][0],
        "deposed": "00000001",
        "change": {"actions": ["delete"], "before": {"identifier": "old"}, "after": None},
    }
    data["resource_changes"].append(deposed)
    plan = Plan(data, "x")
    assert plan.by_address["aws_db_instance.db"].after_value("identifier") == "new"
    assert [c.deposed for c in plan.deposed] == ["00000001"]
    assert plan.resource_count == 2


def test_a_plan_without_resource_changes_is_an_empty_plan():
    data = PlanBuilder().to_dict()
    del data["resource_changes"]
    plan = Plan(data, "x")
    assert plan.changes == [] and plan.resource_count == 0


def test_actions_are_normalised_to_one_word():
    builder = PlanBuilder()
    for address, action in [
        ("aws_s3_bucket.a", "replace"),
        ("aws_s3_bucket.b", "create-before-destroy"),
        ("aws_s3_bucket.c", "forget"),
        ("aws_s3_bucket.d", "delete"),
    ]:
        builder.add(address, {"bucket": address}, action=action)
    plan = builder.build()
    assert [c.action for c in plan.changes] == ["replace", "replace", "forget", "delete"]
    assert [c.exists_after for c in plan.changes] == [True, True, False, False]


def test_an_import_is_a_field_of_the_change_not_an_action():
    builder = PlanBuilder().add(
        "aws_s3_bucket.a", {"bucket": "a"}, action="no-op", importing={"id": "a"}
    )
    change = builder.build().changes[0]
    assert change.is_import and change.action == "no-op"


def test_module_instances_keep_for_each_keys_with_dots_and_arns():
    key = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
    address = f'module.eks["a.b"].aws_iam_role_policy_attachment.this["{key}"]'
    change = PlanBuilder().add(address, {}).build().changes[0]
    assert change.module_address == 'module.eks["a.b"]'
    assert change.index == key
    assert change.config_key == (("eks",), "aws_iam_role_policy_attachment.this")


def test_resources_listed_only_in_planned_values_are_still_checked():
    data = PlanBuilder().to_dict()
    del data["resource_changes"]
    data["planned_values"] = {
        "root_module": {
            "child_modules": [
                {
                    "address": "module.db",
                    "resources": [
                        {
                            "address": "module.db.aws_db_instance.main",
                            "mode": "managed",
                            "type": "aws_db_instance",
                            "name": "main",
                            "provider_name": "aws",
                            "values": {"publicly_accessible": True},
                        }
                    ],
                }
            ]
        }
    }
    plan = Plan(data, "x")
    [change] = plan.changes
    assert change.address == "module.db.aws_db_instance.main" and change.is_noop
    assert change.after_value("publicly_accessible") is True
