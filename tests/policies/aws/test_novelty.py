"""Whether a finding is new: the one rule every built-in policy uses for `new`."""

from __future__ import annotations

from plangate.policies.aws.novelty import is_new
from plangate.testing import PlanBuilder

GROUPS = "vpc_security_group_ids"


def resources(**actions: str):
    b = PlanBuilder()
    for name, action in actions.items():
        b.add(f"aws_db_instance.{name}", {GROUPS: ["sg-2"], "port": 5432}, action=action)
    b.add(
        "aws_db_instance.moved",
        {GROUPS: ["sg-2"]},
        action="update",
        before={GROUPS: ["sg-1"]},
    )
    b.prior("aws_db_instance.untouched", {GROUPS: ["sg-1"]})
    plan = b.build()
    return plan, {
        r.address.split(".")[-1]: r for r in (*plan.by_address.values(), *plan.prior_resources)
    }


def test_a_created_or_replaced_object_is_new_a_no_op_is_not_an_update_cannot_be_told():
    _, r = resources(made="create", swapped="replace", kept="no-op", edited="update")
    assert [is_new(r[n]) for n in ("made", "swapped", "kept", "edited")] == [
        True,
        True,
        False,
        None,
    ]


def test_a_resource_only_in_the_prior_state_is_never_new():
    _, r = resources()
    assert is_new(r["untouched"]) is False
    assert is_new(None) is False
    assert is_new(r["untouched"], GROUPS, held=lambda c: False) is False


def test_an_existing_object_is_new_when_the_plan_changes_the_attributes_named():
    _, r = resources(kept="no-op", swapped="replace")
    assert is_new(r["moved"], GROUPS) is True
    assert is_new(r["moved"], "port") is False
    assert is_new(r["kept"], GROUPS) is False
    assert is_new(r["swapped"], "port") is True


def test_a_condition_the_prior_object_already_met_is_not_new_even_through_a_replacement():
    _, r = resources(made="create", swapped="replace")
    had_sg_2 = lambda c: "sg-2" in c.before_value(GROUPS)  # noqa: E731
    assert is_new(r["swapped"], held=had_sg_2) is False
    assert is_new(r["moved"], held=had_sg_2) is True
    assert is_new(r["made"], held=had_sg_2) is True
