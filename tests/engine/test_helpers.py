"""The public helpers for pack authors (`plangate.helpers`)."""

from __future__ import annotations

import pytest
from plangate import UNKNOWN, Certainty, Plan
from plangate.helpers import (
    configured,
    has_unknown,
    in_state,
    is_public_cidr,
    json_value,
    members,
    per_plan,
    prior_only,
    ref_text,
    strongest,
    weakest,
)
from plangate.testing import PlanBuilder, refs

CERTAIN, POSSIBLE = Certainty.CERTAIN, Certainty.POSSIBLE

# -- indexes once per plan -----------------------------------------------------------------


def test_a_per_plan_index_is_built_once_for_each_plan():
    calls: list[Plan] = []

    @per_plan
    def index(plan: Plan) -> int:
        calls.append(plan)
        return len(calls)

    first, second = PlanBuilder().build(), PlanBuilder().build()
    assert [index(first), index(first), index(second), index(second)] == [1, 1, 2, 2]
    assert calls == [first, second]


# -- values --------------------------------------------------------------------------------


def test_an_unknown_list_is_one_unknown_member_never_none():
    assert members(UNKNOWN) == [UNKNOWN]
    assert members(None) == []
    assert members(["a", UNKNOWN]) == ["a", UNKNOWN]
    assert members("sg-1") == ["sg-1"]


def test_an_unknown_value_anywhere_inside_is_found():
    assert has_unknown({"a": [1, {"b": UNKNOWN}]})
    assert not has_unknown({"a": [1, {"b": None}]})


def test_a_json_document_is_decoded_and_anything_else_kept():
    assert json_value('{"Statement": []}') == {"Statement": []}
    assert json_value("{not json") == "{not json"
    assert json_value(UNKNOWN) is UNKNOWN


def test_an_attribute_is_configured_only_when_the_configuration_sets_it():
    plan = (
        PlanBuilder()
        .add(
            "aws_db_instance.db",
            {"engine": "postgres"},
            unknown=["port", "publicly_accessible"],
            expressions={"port": refs("var.port")},
        )
        .build()
    )
    db = plan.by_address["aws_db_instance.db"]
    assert configured(plan, db, "port")
    assert not configured(plan, db, "publicly_accessible")


# -- resources -----------------------------------------------------------------------------


def test_resources_only_in_the_prior_state_count_in_the_planned_state():
    plan = (
        PlanBuilder()
        .add("aws_security_group.changed", {"name": "a"}, action="update")
        .prior("aws_security_group.changed", {"name": "a"})
        .prior("aws_security_group.untargeted", {"name": "b"})
        .prior("data.aws_security_group.read", {"name": "c"})
        .build()
    )
    assert [r.address for r in prior_only(plan, "aws_security_group")] == [
        "aws_security_group.untargeted"
    ]
    assert [r.address for r in in_state(plan, "aws_security_group")] == [
        "aws_security_group.changed",
        "aws_security_group.untargeted",
    ]


def test_a_reference_reads_as_address_and_attribute():
    plan = (
        PlanBuilder()
        .add("aws_dynamodb_table.lock", {"name": "l"}, unknown=["arn"])
        .add(
            "aws_iam_policy.arn",
            {},
            unknown=["policy"],
            expressions={"policy": refs("aws_dynamodb_table.lock.arn")},
        )
        .add(
            "aws_iam_policy.whole",
            {},
            unknown=["policy"],
            expressions={"policy": refs("aws_dynamodb_table.lock")},
        )
        .build()
    )
    texts = [
        ref_text(ref)
        for address in ("aws_iam_policy.arn", "aws_iam_policy.whole")
        for ref in plan.references.resolve(plan.by_address[address], "policy").refs
    ]
    assert texts == ["aws_dynamodb_table.lock.arn", "aws_dynamodb_table.lock"]


# -- source ranges -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cidr",
    [
        "0.0.0.0/0",
        "::/0",
        "8.8.8.8/32",
        "1.2.3.4",
        "203.0.113.0/24",
        "52.0.0.0/8",
        "10.0.0.0/7",
        "172.32.0.0/16",
        "100.128.0.0/16",
        "192.169.0.0/16",
        "2600:1f18::/32",
        "2001:db8::/32",
        "::ffff:8.8.8.0/120",
        " 0.0.0.0/0 ",
        "10.0.0.5/0",
    ],
)
def test_ranges_outside_private_space_are_public(cidr):
    assert is_public_cidr(cidr) is CERTAIN


@pytest.mark.parametrize(
    "cidr",
    [
        "10.0.0.0/8",
        "10.1.2.0/24",
        "172.16.0.0/12",
        "172.31.255.0/24",
        "192.168.0.0/16",
        "192.168.1.10/32",
        "100.64.0.0/10",
        "100.127.0.0/16",
        "127.0.0.1/32",
        "169.254.169.254/32",
        "fc00::/7",
        "fd12:3456::/48",
        "fe80::/10",
        "::1/128",
        "::ffff:10.0.0.0/104",
        "10.0.0.5/16",
    ],
)
def test_private_shared_and_local_ranges_are_not_public(cidr):
    assert is_public_cidr(cidr) is None


def test_an_unknown_or_unreadable_range_may_be_public():
    assert is_public_cidr(UNKNOWN) is POSSIBLE
    assert is_public_cidr("not-a-cidr") is POSSIBLE


def test_a_missing_range_is_no_source():
    assert is_public_cidr(None) is None
    assert is_public_cidr("") is None


def test_verdicts_combine_like_and_and_or():
    assert weakest(CERTAIN, POSSIBLE) is POSSIBLE
    assert weakest(CERTAIN, None) is None
    assert weakest(CERTAIN, CERTAIN) is CERTAIN
    assert strongest(None, POSSIBLE) is POSSIBLE
    assert strongest(POSSIBLE, CERTAIN) is CERTAIN
    assert strongest(None, None) is None
