"""Whether a finding is new: one rule, stamped by the runner on every finding whose policy
did not say, from the finding's resource and attribute."""

from __future__ import annotations

from plangate import Severity, finding, policy
from plangate.helpers import is_new
from plangate.runner import run_policies
from plangate.testing import PlanBuilder

GROUPS = "vpc_security_group_ids"


def resources(**actions: str):
    b = PlanBuilder()
    for name, action in actions.items():
        b.add(f"aws_db_instance.{name}", {GROUPS: ["sg-2"], "port": 5432}, action=action)
    b.add("aws_db_instance.moved", {GROUPS: ["sg-2"]}, action="update", before={GROUPS: ["sg-1"]})
    b.add(
        "aws_db_instance.later",
        {GROUPS: ["sg-2"]},
        action="update",
        before={GROUPS: []},
        unknown=[GROUPS],
    )
    b.prior("aws_db_instance.untouched", {GROUPS: ["sg-1"]})
    plan = b.build()
    return plan, {
        r.address.split(".")[-1]: r for r in (*plan.by_address.values(), *plan.prior_resources)
    }


def test_what_the_plan_does_to_a_resource_says_whether_it_is_new_without_an_attribute():
    _, r = resources(
        made="create",
        swapped="replace",
        kept="no-op",
        edited="update",
        gone="delete",
        dropped="forget",
    )
    names = ("made", "swapped", "kept", "edited", "gone", "dropped")
    assert [is_new(r[n]) for n in names] == [True, True, False, None, True, True]


def test_a_resource_only_in_the_prior_state_is_kept_and_no_resource_cannot_be_told():
    _, r = resources()
    assert is_new(r["untouched"]) is False
    assert is_new(r["untouched"], GROUPS) is False
    assert is_new(None) is None


def test_with_an_attribute_an_existing_object_is_new_when_the_plan_changes_it():
    _, r = resources(kept="no-op", swapped="replace")
    assert is_new(r["moved"], GROUPS) is True
    assert is_new(r["moved"], "port") is False
    assert is_new(r["kept"], GROUPS) is False
    assert is_new(r["later"], GROUPS) is True  # known only after apply: it may change


def test_a_replacement_is_judged_by_its_prior_object():
    _, r = resources(swapped="replace")
    assert is_new(r["swapped"], "port") is False  # replaced with the same value: kept
    assert is_new(r["swapped"]) is True


@policy(id="T-NEW-001", title="t", severity=Severity.LOW, resource_types=("aws_db_instance",))
def on_groups(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    yield finding(change, "groups", attribute=GROUPS)
    if change.is_create:
        yield finding(change, "said by the policy", new=False)


@policy(id="T-NEW-002", title="t", severity=Severity.LOW)
def elsewhere(plan):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    yield finding("backend.s3", "a pseudo address")
    yield finding("aws_db_instance.untouched", "only deployed")


def test_the_runner_stamps_the_rule_and_keeps_what_a_policy_says():
    plan, _ = resources(made="create", kept="no-op")
    found = run_policies([plan], [on_groups, elsewhere]).findings
    new = {(f.address, f.message): f.new for f in found}
    assert new == {
        ("aws_db_instance.made", "groups"): True,
        ("aws_db_instance.made", "said by the policy"): False,
        ("aws_db_instance.kept", "groups"): False,
        ("aws_db_instance.moved", "groups"): True,
        ("aws_db_instance.later", "groups"): True,
        ("backend.s3", "a pseudo address"): None,
        ("aws_db_instance.untouched", "only deployed"): False,
    }
