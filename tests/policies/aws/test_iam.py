"""The IAM modules (`aws.iam_documents`, `iam_matching`, `iam_evaluation`,
`managed_policies`): parsing, wildcard matching, Deny, NotAction/NotResource, unknowns."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from plangate import Ref
from plangate.policies.aws.iam_documents import (
    Opaque,
    PolicyDocument,
    parse_policy,
    statements_from_blocks,
)
from plangate.policies.aws.iam_evaluation import PrincipalQuery, Request, evaluate
from plangate.policies.aws.iam_matching import HOLE, Match, action_matches, arn_matches
from plangate.policies.aws.managed_policies import managed_policies, managed_policy
from plangate.testing import PlanBuilder

TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/terraform-state-lock"
# The lock table while only its name is known (a first plan): region and account are holes.
TABLE_BY_NAME = f"arn:aws:dynamodb:{HOLE}:{HOLE}:table/terraform-state-lock"
STATE_OBJECT = "arn:aws:s3:::acme-terraform-state/reference/terraform.tfstate"


def document(*statements: dict[str, Any]) -> PolicyDocument:
    parsed = parse_policy(
        json.dumps({"Version": "2012-10-17", "Statement": list(statements)}), "test policy"
    )
    assert parsed is not None
    return parsed


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def granted(
    docs: list[PolicyDocument] | PolicyDocument,
    action: str = "dynamodb:PutItem",
    resource: str = TABLE_ARN,
    **request: Any,
) -> list[tuple[str, tuple[str, ...], bool]]:
    """(statement label, actions granted, certain) per grant."""
    docs = docs if isinstance(docs, list) else [docs]
    grants = evaluate(docs, [Request(action, resource, **request)])
    return [(g.statement.label, g.actions, g.certain) for g in grants]


# -- parsing ------------------------------------------------------------------------------


def test_statement_may_be_a_single_object_and_elements_single_strings():
    parsed = parse_policy(
        json.dumps(
            {
                "Statement": {
                    "Sid": "One",
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::b/*",
                }
            }
        )
    )
    assert parsed is not None
    (statement,) = parsed.statements
    assert statement.sid == "One"
    assert statement.actions == ("s3:GetObject",)
    assert statement.resources == ("arn:aws:s3:::b/*",)
    assert statement.label == 'statement "One"'


def test_statements_without_sid_are_labelled_by_their_position_from_one():
    parsed = document(allow("s3:GetObject"), allow("s3:PutObject"))
    assert [s.label for s in parsed.statements] == ["statement #1", "statement #2"]


@pytest.mark.parametrize("text", ["not json", "[]", '{"Statement": 3}', '"a string"'])
def test_text_that_is_not_a_policy_document_gives_no_document(text):
    assert parse_policy(text) is None


def test_principal_star_and_principal_maps_are_parsed():
    parsed = document(
        allow("s3:GetObject", Principal="*"),
        allow(
            "s3:GetObject",
            Principal={
                "AWS": ["arn:aws:iam::1:role/a", "*"],
                "Service": "lambda.amazonaws.com",
                "Federated": "cognito-identity.amazonaws.com",
            },
        ),
    )
    assert parsed.statements[0].principals == (("*", "*"),)
    assert parsed.statements[1].principals == (
        ("AWS", "arn:aws:iam::1:role/a"),
        ("AWS", "*"),
        ("Service", "lambda.amazonaws.com"),
        ("Federated", "cognito-identity.amazonaws.com"),
    )


def test_policy_document_data_source_blocks_become_statements():
    (statement,) = statements_from_blocks(
        [
            {
                "sid": "Locks",
                "effect": None,
                "actions": ["dynamodb:GetItem"],
                "resources": ["*"],
                "principals": [{"type": "*", "identifiers": ["*"]}],
                "condition": [],
            }
        ]
    )
    assert statement.is_allow and statement.sid == "Locks"
    assert statement.principals == (("*", "*"),)
    assert statement.condition is False


# -- matching -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        "dynamodb:*",
        "dynamodb:Put*",
        "*",
        "DynamoDB:putitem",
        "dynamodb:?utItem",
        "dynamo*:P*",
    ],
)
def test_action_wildcards_and_case_cover_the_action(pattern):
    assert action_matches(pattern, "dynamodb:PutItem")


@pytest.mark.parametrize("pattern", ["dynamodb:Get*", "s3:*", "dynamodb:?etItem", "dynamodb"])
def test_action_patterns_for_other_actions_do_not_cover_it(pattern):
    assert not action_matches(pattern, "dynamodb:PutItem")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*", Match.YES),
        (TABLE_ARN, Match.YES),
        ("arn:aws:dynamodb:*:*:table/*", Match.YES),
        ("arn:aws:dynamodb:*:*:table/terraform-*", Match.YES),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/terraform-state-?ock", Match.YES),
        ("arn:aws:dynamodb:*", Match.YES),
        ("arn:aws:*", Match.YES),
        ("arn:aws:dynamodb:*:*:table/app-*", Match.NO),
        ("arn:aws:dynamodb:*:*:table/terraform-state-lock/stream/*", Match.NO),
        ("arn:aws:dynamodb:eu-west-1:*:table/*", Match.NO),
        ("arn:aws:dynamodb:*:*:table/Terraform-State-Lock", Match.NO),
        ("arn:aws:s3:::*", Match.NO),
        ("arn:aws:dynamodb", Match.NO),
    ],
)
def test_resource_patterns_against_a_known_table_arn(pattern, expected):
    assert arn_matches(pattern, TABLE_ARN) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("arn:aws:dynamodb:*:*:table/terraform-state-lock", Match.YES),
        ("arn:aws:dynamodb:*:*:table/*", Match.YES),
        ("arn:aws:dynamodb:us-east-1:*:table/terraform-*", Match.POSSIBLE),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/terraform-state-lock", Match.POSSIBLE),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/app-*", Match.NO),
    ],
)
def test_a_table_known_by_name_only_matches_with_any_region_and_account(pattern, expected):
    assert arn_matches(pattern, TABLE_BY_NAME) is expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("arn:aws:s3:::acme-terraform-state/*", Match.YES),
        ("arn:aws:s3:::acme-terraform-state/reference/*", Match.YES),
        ("arn:aws:s3:::acme-terraform-state/reference/terraform.tfstate", Match.YES),
        ("arn:aws:s3:::acme-terraform-state/app/*", Match.NO),
        ("arn:aws:s3:::acme-terraform-state", Match.NO),
        ("arn:aws:s3:::acme-*/*", Match.YES),
        ("arn:aws:s3:::*", Match.YES),
    ],
)
def test_s3_object_patterns_against_the_state_key(pattern, expected):
    assert arn_matches(pattern, STATE_OBJECT) is expected


def test_an_unknown_state_key_is_possibly_matched_by_a_prefix_pattern():
    unknown_key = f"arn:aws:s3:::acme-terraform-state/{HOLE}"
    assert arn_matches("arn:aws:s3:::acme-terraform-state/*", unknown_key) is Match.YES
    assert arn_matches("arn:aws:s3:::acme-terraform-state/app/*", unknown_key) is Match.POSSIBLE
    assert arn_matches("arn:aws:s3:::other-bucket/*", unknown_key) is Match.NO


def test_a_policy_variable_makes_the_match_possible():
    pattern = "arn:aws:dynamodb:*:*:table/${aws:username}"
    assert arn_matches(pattern, TABLE_ARN) is Match.POSSIBLE


def test_patterns_of_thousands_of_wildcards_are_answered_at_once():
    """As regular expressions these backtracked: 12 stars took 18 s, each more ~4x."""
    stars = "*" * 5000
    started = time.perf_counter()
    assert action_matches(f"dynamodb:{stars}Item", "dynamodb:PutItem")
    assert not action_matches(f"dynamodb:{stars}x", "dynamodb:PutItem")
    assert arn_matches(f"arn:aws:dynamodb:*:*:{stars}lock", TABLE_ARN) is Match.YES
    assert arn_matches(f"arn:aws:dynamodb:*:*:{stars}x", TABLE_ARN) is Match.NO
    assert arn_matches(f"arn:aws:dynamodb:*:*:{stars}lock", TABLE_BY_NAME) is Match.YES
    assert arn_matches(f"arn:aws:dynamodb:*:*:{'*?' * 3000}x", TABLE_BY_NAME) is Match.NO
    some_region = f"arn:aws:dynamodb:us-*:*:{'?*' * 13}{stars}"
    assert arn_matches(some_region, TABLE_BY_NAME) is Match.POSSIBLE
    # `${` with no `}`: the policy-variable expression tried each one to the end.
    assert arn_matches("arn:aws:dynamodb:*:*:table/" + "${" * 100_000, TABLE_ARN) is Match.NO
    assert time.perf_counter() - started < 5


# -- evaluation -----------------------------------------------------------------------------


def test_an_allow_on_the_table_is_a_certain_grant():
    assert granted(document(allow(["dynamodb:PutItem", "dynamodb:GetItem"], TABLE_ARN))) == [
        ("statement #1", ("dynamodb:PutItem",), True)
    ]


def test_wildcard_resource_for_other_tables_is_no_grant():
    docs = document(allow("dynamodb:*", "arn:aws:dynamodb:*:*:table/app-*"))
    assert granted(docs, resource=TABLE_BY_NAME) == []


def test_wildcard_resource_covering_the_table_is_a_grant():
    docs = document(allow("dynamodb:*", "arn:aws:dynamodb:*:*:table/terraform-*"))
    assert granted(docs, resource=TABLE_BY_NAME) == [("statement #1", ("dynamodb:PutItem",), True)]


def test_explicit_deny_wins_over_any_allow():
    docs = [document(allow("*")), document(deny("dynamodb:*", TABLE_ARN))]
    assert granted(docs) == []


def test_a_deny_on_other_actions_leaves_the_grant():
    docs = document(allow("dynamodb:*"), deny("dynamodb:DeleteTable"))
    grants = evaluate(
        [docs], [Request("dynamodb:PutItem", TABLE_ARN), Request("dynamodb:DeleteTable", TABLE_ARN)]
    )
    assert [g.actions for g in grants] == [("dynamodb:PutItem",)]


def test_a_deny_with_a_condition_leaves_a_possible_grant():
    docs = document(
        allow("dynamodb:*"),
        deny("dynamodb:*", Condition={"Bool": {"aws:SecureTransport": "false"}}),
    )
    (grant,) = evaluate([docs], [Request("dynamodb:PutItem", TABLE_ARN)])
    assert grant.certain is False
    assert grant.possibly_denied_by == ("test policy statement #2",)


def test_a_condition_on_the_allow_keeps_the_grant_and_notes_it():
    docs = document(
        allow("dynamodb:*", Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}})
    )
    (grant,) = evaluate([docs], [Request("dynamodb:PutItem", TABLE_ARN)])
    assert grant.certain is True and grant.conditioned is True


def test_not_action_grants_everything_it_does_not_list():
    power_user = document(
        {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}
    )
    assert granted(power_user) == [("statement #1", ("dynamodb:PutItem",), True)]
    iam_only = document({"Effect": "Allow", "NotAction": "dynamodb:*", "Resource": "*"})
    assert granted(iam_only) == []


def test_not_resource_grants_everything_but_the_resources_it_lists():
    excludes_table = document(
        {
            "Effect": "Allow",
            "Action": "dynamodb:*",
            "NotResource": "arn:aws:dynamodb:*:*:table/terraform-*",
        }
    )
    assert granted(excludes_table) == []
    excludes_others = document(
        {
            "Effect": "Allow",
            "Action": "dynamodb:*",
            "NotResource": ["arn:aws:dynamodb:*:*:table/app-*"],
        }
    )
    assert granted(excludes_others) == [("statement #1", ("dynamodb:PutItem",), True)]


def test_not_resource_possibly_listing_the_table_makes_the_grant_possible():
    docs = document(
        {
            "Effect": "Allow",
            "Action": "dynamodb:*",
            "NotResource": "arn:aws:dynamodb:us-east-1:*:table/*",
        }
    )
    assert granted(docs, resource=TABLE_BY_NAME) == [("statement #1", ("dynamodb:PutItem",), False)]


def test_a_deny_on_a_possibly_different_region_leaves_a_possible_grant():
    docs = document(allow("dynamodb:*"), deny("dynamodb:*", "arn:aws:dynamodb:eu-west-1:*:*"))
    assert granted(docs, resource=TABLE_BY_NAME) == [("statement #1", ("dynamodb:PutItem",), False)]


def test_the_grant_names_the_statement_elements_that_matched():
    docs = document(
        allow(
            ["s3:GetObject", "dynamodb:Put*", "dynamodb:GetItem"],
            ["arn:aws:s3:::x/*", "arn:aws:dynamodb:*:*:table/*"],
            Sid="Mixed",
        )
    )
    (grant,) = evaluate(
        [docs], [Request("dynamodb:PutItem", TABLE_ARN), Request("dynamodb:GetItem", TABLE_ARN)]
    )
    assert grant.action_elements == ("dynamodb:Put*", "dynamodb:GetItem")
    assert grant.resource_elements == ("arn:aws:dynamodb:*:*:table/*",)
    assert grant.action_text == "dynamodb:Put*, dynamodb:GetItem"


# -- unknown elements ---------------------------------------------------------------------------


@pytest.fixture
def table_and_bucket():
    plan = (
        PlanBuilder()
        .add(
            "module.state.aws_dynamodb_table.lock",
            {"name": "terraform-state-lock"},
            unknown=["arn"],
        )
        .add("module.app.aws_s3_bucket.assets", {"bucket": "assets"}, unknown=["arn"])
        .add("aws_dynamodb_table.unnamed", {}, unknown=["arn", "name"])
        .build()
    )
    return {c.address: c for c in plan.changes}


def opaque_doc(element: Opaque, action: str = "dynamodb:PutItem") -> PolicyDocument:
    return PolicyDocument(statements_from_blocks([{"actions": [action], "resources": [element]}]))


def test_an_unknown_resource_built_from_the_table_arn_matches_it(table_and_bucket):
    lock = table_and_bucket["module.state.aws_dynamodb_table.lock"]
    docs = opaque_doc(Opaque((Ref(lock, "arn"),)))
    request = {"addresses": frozenset({lock.address})}
    assert granted(docs, resource=TABLE_BY_NAME, **request) == [
        ("statement #1", ("dynamodb:PutItem",), True)
    ]


def test_an_unknown_resource_built_from_the_table_name_possibly_matches_it(table_and_bucket):
    lock = table_and_bucket["module.state.aws_dynamodb_table.lock"]
    docs = opaque_doc(Opaque((Ref(lock, "name"),)))
    assert granted(docs, resource=TABLE_BY_NAME, addresses=frozenset({lock.address})) == [
        ("statement #1", ("dynamodb:PutItem",), False)
    ]


def test_an_unknown_resource_built_from_another_bucket_does_not_match(table_and_bucket):
    assets = table_and_bucket["module.app.aws_s3_bucket.assets"]
    docs = opaque_doc(Opaque((Ref(assets, "arn"),)))
    assert granted(docs, resource=TABLE_BY_NAME, addresses=frozenset({"x"})) == []


def test_a_table_of_unknown_name_may_be_the_lock_table(table_and_bucket):
    unnamed = table_and_bucket["aws_dynamodb_table.unnamed"]
    docs = opaque_doc(Opaque((Ref(unnamed, "arn"),)))
    assert granted(docs, resource=TABLE_BY_NAME, types=("aws_dynamodb_table",)) == [
        ("statement #1", ("dynamodb:PutItem",), False)
    ]


def test_an_unresolvable_resource_possibly_matches_unless_the_document_is_opaque():
    assert granted(opaque_doc(Opaque(unresolved=True))) == [
        ("statement #1", ("dynamodb:PutItem",), False)
    ]
    assert granted(opaque_doc(Opaque(unresolved=True, strict=True))) == []


# -- principals (resource policies) ------------------------------------------------------------


def test_resource_policy_with_principal_star_grants_everyone():
    docs = document(allow("dynamodb:*", TABLE_ARN, Principal={"AWS": "*"}))
    (grant,) = evaluate([docs], [Request("dynamodb:PutItem", TABLE_ARN)], PrincipalQuery())
    assert grant.everyone is True


def test_resource_policy_naming_the_role_by_arn_or_assumed_role_grants_it():
    role = PrincipalQuery("arn:aws:iam::123456789012:role/api-task", "api-task")
    for principal in (
        "arn:aws:iam::123456789012:role/api-task",
        "arn:aws:sts::123456789012:assumed-role/api-task/session",
    ):
        docs = document(allow("dynamodb:*", TABLE_ARN, Principal={"AWS": principal}))
        (grant,) = evaluate([docs], [Request("dynamodb:PutItem", TABLE_ARN)], role)
        assert grant.everyone is False


def test_resource_policy_for_the_ci_role_grants_the_app_nothing():
    docs = document(
        allow("dynamodb:*", TABLE_ARN, Principal={"AWS": "arn:aws:iam::123456789012:role/ci"})
    )
    role = PrincipalQuery("arn:aws:iam::123456789012:role/api-task", "api-task")
    assert evaluate([docs], [Request("dynamodb:PutItem", TABLE_ARN)], role) == []
    assert evaluate([docs], [Request("dynamodb:PutItem", TABLE_ARN)], PrincipalQuery()) == []


# -- AWS managed policies ------------------------------------------------------------------------


def test_managed_policies_are_data_with_their_source_and_check_date():
    known = managed_policies()
    assert {
        "AmazonDynamoDBFullAccess",
        "AdministratorAccess",
        "PowerUserAccess",
        "AmazonS3FullAccess",
        "service-role/AmazonECSTaskExecutionRolePolicy",
    } <= set(known)
    for policy in known.values():
        assert policy.source.startswith("https://docs.aws.amazon.com/aws-managed-policy/")
        assert policy.source.endswith(f"/{policy.name}.html")
        assert policy.arn.startswith("arn:aws:iam::aws:policy/")
        assert len(policy.checked) == 10


@pytest.mark.parametrize(
    ("name", "grants"),
    [
        ("AmazonDynamoDBFullAccess", True),
        ("AmazonDynamoDBFullAccess_v2", True),
        ("AmazonDynamoDBReadOnlyAccess", False),  # no PutItem: reads only
        ("AdministratorAccess", True),
        ("PowerUserAccess", True),
        ("service-role/AWSLambdaDynamoDBExecutionRole", False),  # streams only
        ("service-role/AmazonECSTaskExecutionRolePolicy", False),
        ("AmazonS3FullAccess", False),
        ("job-function/DatabaseAdministrator", True),
    ],
)
def test_managed_policies_grant_put_item_on_the_table_as_aws_says(name, grants):
    policy = managed_policy(f"arn:aws:iam::aws:policy/{name}")
    assert policy is not None
    assert bool(granted(policy.document)) is grants


def test_managed_policy_lookup_works_in_every_partition_and_ignores_customer_policies():
    assert managed_policy("arn:aws-cn:iam::aws:policy/AmazonDynamoDBFullAccess") is not None
    assert managed_policy("arn:aws:iam::123456789012:policy/AmazonDynamoDBFullAccess") is None
    assert managed_policy("arn:aws:iam::aws:policy/SomethingPlangateDoesNotKnow") is None
