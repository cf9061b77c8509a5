"""The test kit writes plans the way Terraform does, so policy tests mean something."""

from __future__ import annotations

from plangate import UNKNOWN
from plangate.testing import PlanBuilder, refs


def test_unknown_paths_inside_lists_become_list_markers():
    builder = PlanBuilder()
    builder.add(
        "aws_lambda_function.f",
        {"environment": [{"variables": {"A": "x", "B": "y"}}]},
        unknown=["environment.0.variables.B", "arn"],
    )
    change = builder.to_dict()["resource_changes"][0]["change"]
    assert change["after_unknown"] == {"environment": [{"variables": {"B": True}}], "arn": True}
    assert change["after"]["environment"][0]["variables"] == {"A": "x"}
    plan = builder.build()
    assert plan.changes[0].after_value("environment.0.variables.B") is UNKNOWN
    assert plan.changes[0].after_value("environment.0.variables.A") == "x"


def test_a_known_length_list_with_unknown_members_reads_as_unknown_members():
    builder = PlanBuilder()
    builder.add(
        "aws_db_instance.db",
        {"vpc_security_group_ids": [None, "sg-1"]},
        unknown=["vpc_security_group_ids.0"],
    )
    assert builder.build().changes[0].after_value("vpc_security_group_ids") == [UNKNOWN, "sg-1"]


def test_replacement_details_are_written_where_terraform_puts_them():
    builder = PlanBuilder()
    builder.add(
        "aws_dynamodb_table.lock",
        {"name": "t"},
        action="replace",
        action_reason="replace_because_cannot_update",
        replace_paths=[["name"]],
        previous_address="aws_dynamodb_table.old",
    )
    raw = builder.to_dict()["resource_changes"][0]
    assert raw["action_reason"] == "replace_because_cannot_update"
    assert raw["change"]["replace_paths"] == [["name"]]
    assert raw["previous_address"] == "aws_dynamodb_table.old"
    assert builder.build().changes[0].is_replace


def test_references_are_unwrapped_per_traversal_step_like_terraform():
    assert refs('aws_iam_role.r["a.b"].arn') == {
        "references": ['aws_iam_role.r["a.b"].arn', 'aws_iam_role.r["a.b"]', "aws_iam_role.r"]
    }


def test_changed_paths_lists_attributes_that_change():
    builder = PlanBuilder()
    builder.add(
        "aws_db_instance.a",
        {"port": 5432, "publicly_accessible": True},
        action="update",
        before={"port": 5432, "publicly_accessible": False},
    )
    assert builder.build().changes[0].changed_paths == {"publicly_accessible"}


def test_a_dynamic_index_is_written_as_the_block_and_the_index_reference():
    assert refs("aws_iam_role.svc[each.key].arn") == {
        "references": ["aws_iam_role.svc", "each.key"]
    }


def test_an_unknown_marker_with_only_false_leaves_is_not_a_change():
    builder = PlanBuilder()
    builder.add(
        "aws_security_group.a",
        {"ingress": [{"cidr_blocks": ["10.0.0.0/8"]}]},
        action="update",
        before={"ingress": [{"cidr_blocks": ["10.0.0.0/8"]}]},
    )
    plan = builder.to_dict()
    plan["resource_changes"][0]["change"]["after_unknown"] = {"ingress": [{"cidr_blocks": [False]}]}
    from plangate import Plan

    assert Plan(plan, "x").changes[0].changed_paths == frozenset()


def test_each_resource_names_the_provider_its_type_prefix_implies_as_terraform_writes_it():
    builder = PlanBuilder()
    builder.add("google_compute_network.vpc", {"name": "vpc"})
    builder.add("aws_s3_bucket.b", {"bucket": "b"})
    builder.add("terraform_data.t", {"input": "x"})
    builder.prior("azurerm_resource_group.rg", {"name": "rg"})
    data = builder.to_dict()
    providers = {r["address"]: r["provider_name"] for r in data["resource_changes"]}
    assert providers == {
        "google_compute_network.vpc": "registry.terraform.io/hashicorp/google",
        "aws_s3_bucket.b": "registry.terraform.io/hashicorp/aws",
        "terraform_data.t": "terraform.io/builtin/terraform",
    }
    [prior] = data["prior_state"]["values"]["root_module"]["resources"]
    assert prior["provider_name"] == "registry.terraform.io/hashicorp/azurerm"
    plan = builder.build()
    assert plan.by_address["google_compute_network.vpc"].provider == "hashicorp/google"
