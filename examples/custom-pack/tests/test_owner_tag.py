"""ACME-TAG-001, with the fixtures plangate's pytest plugin provides."""

from acme_plangate_policies.owner_tag import owner_tag
from plangate.testing import summarise


def test_bucket_with_owner_tag_passes(plan_builder, run_policy):
    plan_builder.add(
        "aws_s3_bucket.logs",
        {"bucket": "acme-logs", "tags": {"owner": "sre"}, "tags_all": {"owner": "sre"}},
    )
    assert run_policy(owner_tag, plan_builder) == []


def test_owner_from_provider_default_tags_passes(plan_builder, run_policy):
    plan_builder.add(
        "aws_dynamodb_table.orders",
        {"name": "orders", "tags": None, "tags_all": {"owner": "payments"}},
    )
    assert run_policy(owner_tag, plan_builder) == []


def test_owner_tag_key_is_matched_without_case(plan_builder, run_policy):
    plan_builder.add(
        "aws_lambda_function.worker",
        {"tags": {"Owner": "payments"}, "tags_all": {"Owner": "payments"}},
    )
    assert run_policy(owner_tag, plan_builder) == []


def test_bucket_without_owner_tag_is_reported(plan_builder, run_policy):
    plan_builder.add(
        "module.logs.aws_s3_bucket.this[0]",
        {"bucket": "acme-logs", "tags": {"Name": "logs"}, "tags_all": {"Name": "logs"}},
    )
    findings = run_policy(owner_tag, plan_builder)
    assert summarise(findings) == [
        ("ACME-TAG-001", "module.logs.aws_s3_bucket.this[0]", "tags", "certain")
    ]
    assert findings[0].new is True
    assert findings[0].severity.name == "MEDIUM"


def test_empty_owner_value_is_reported(plan_builder, run_policy):
    plan_builder.add("aws_db_instance.main", {"tags": {"owner": " "}, "tags_all": {"owner": " "}})
    assert summarise(run_policy(owner_tag, plan_builder)) == [
        ("ACME-TAG-001", "aws_db_instance.main", "tags", "certain")
    ]


def test_owner_known_only_after_apply_is_a_possible_finding(plan_builder, run_policy):
    plan_builder.add(
        'aws_ecs_service.api["blue"]',
        {"tags": {"Name": "api"}, "tags_all": {"Name": "api"}},
        unknown=["tags.owner", "tags_all.owner"],
    )
    assert summarise(run_policy(owner_tag, plan_builder)) == [
        ("ACME-TAG-001", 'aws_ecs_service.api["blue"]', "tags_all", "possible")
    ]


def test_untagged_resource_already_deployed_is_reported_as_not_new(plan_builder, run_policy):
    plan_builder.add("aws_instance.bastion", {"tags": {}, "tags_all": {}}, action="no-op")
    findings = run_policy(owner_tag, plan_builder)
    assert [f.new for f in findings] == [False]


def test_tag_option_changes_the_required_key(plan_builder, run_policy):
    plan_builder.add("aws_s3_bucket.logs", {"tags": {"owner": "sre"}, "tags_all": {"owner": "sre"}})
    assert summarise(run_policy(owner_tag, plan_builder, options={"tag": "cost-center"})) == [
        ("ACME-TAG-001", "aws_s3_bucket.logs", "tags", "certain")
    ]


def test_types_outside_the_list_and_deletions_pass(plan_builder, run_policy):
    plan_builder.add("aws_iam_role.task", {"name": "task", "tags": {}, "tags_all": {}})
    plan_builder.add("aws_s3_bucket.old", {"tags": {}, "tags_all": {}}, action="delete")
    assert run_policy(owner_tag, plan_builder) == []
