"""Enforcement levels, `--only-new` and `--override`: what may let a failing finding through.

Each rule on `decide` (the one place a finding is marked blocking), then the same rules
through `Gate`, which is what `plangate check` runs: the levels the built-in policies
declare, the usage errors of `--override`, and who ran an override.
"""

from __future__ import annotations

import datetime as dt

import pytest
from plangate import Enforcement, Gate, Severity, finding, policy
from plangate.config import Config, PolicySettings, Waiver
from plangate.discovery import Packs, load_packs
from plangate.errors import PlangateError
from plangate.overrides import Override, build_overrides, who_ran
from plangate.runner import decide, run_policies
from plangate.testing import PlanBuilder

TODAY = dt.date(2030, 1, 1)
DOC = """## What it checks
x
## Why it matters
x
## How to fix
x
"""


def _policy(policy_id: str, severity: Severity, level: Enforcement):
    def check(change):
        yield finding(change, "public", attribute="public")

    check.__doc__ = DOC
    return policy(
        id=policy_id,
        title=policy_id,
        severity=severity,
        resource_types=("t_db",),
        enforcement=level,
    )(check)


HARD = _policy("T-LVL-001", Severity.CRITICAL, Enforcement.HARD_MANDATORY)
SOFT = _policy("T-LVL-002", Severity.CRITICAL, Enforcement.SOFT_MANDATORY)
ADVISORY = _policy("T-LVL-003", Severity.CRITICAL, Enforcement.ADVISORY)
POLICIES = [HARD, SOFT, ADVISORY]


def _plan(new: bool):
    """One public database: created by the plan (new), or deployed and left as it is."""
    if new:
        return PlanBuilder().add("t_db.main", {"public": True}).build()
    return (
        PlanBuilder()
        .add("t_db.main", {"public": True}, before={"public": True}, action="no-op")
        .build()
    )


def _decided(config: Config, *, new: bool = True, overrides=()) -> dict[str, object]:
    findings = run_policies([_plan(new)], POLICIES, config=config).findings
    return {f.policy_id: f for f in decide(findings, config, today=TODAY, overrides=overrides)}


def _override(policy_id: str) -> Override:
    return Override(policy_id, "INC-7: migration window", "octocat", "GITHUB_ACTOR")


# -- the levels --------------------------------------------------------------------------


def test_an_advisory_finding_is_reported_and_never_blocks():
    found = _decided(Config())
    assert found["T-LVL-003"].blocking is False
    assert found["T-LVL-003"].let_through == "advisory"
    assert found["T-LVL-002"].blocking is True  # the same finding, soft-mandatory, blocks


def test_a_finding_below_the_threshold_fails_at_no_level_and_says_nothing_let_it_through():
    low = _policy("T-LVL-004", Severity.LOW, Enforcement.HARD_MANDATORY)
    findings = run_policies([_plan(True)], [low], config=Config()).findings
    [decided] = decide(findings, Config(), today=TODAY)
    assert decided.blocking is False and decided.let_through is None


def test_a_waiver_lets_a_soft_mandatory_finding_through_and_not_a_hard_mandatory_one():
    waivers = (Waiver("T-LVL-00*", "t_db.main", "legacy", None),)
    found = _decided(Config(waivers=waivers))
    soft, hard = found["T-LVL-002"], found["T-LVL-001"]
    assert (soft.blocking, soft.waived, soft.let_through) == (False, True, "waiver")
    assert (hard.blocking, hard.waived, hard.let_through) == (True, False, None)
    assert hard.waiver is not None and hard.waiver["reason"] == "legacy"  # shown, not counted


def test_only_new_lets_an_existing_soft_mandatory_violation_through_and_blocks_a_new_one():
    only_new = Config(only_new=True)
    existing = _decided(only_new, new=False)["T-LVL-002"]
    assert (existing.new, existing.blocking, existing.let_through) == (False, False, "only-new")
    introduced = _decided(only_new, new=True)["T-LVL-002"]
    assert (introduced.new, introduced.blocking) == (True, True)
    assert _decided(Config(), new=False)["T-LVL-002"].blocking is True  # without the mode


def test_only_new_never_lets_a_hard_mandatory_violation_through():
    found = _decided(Config(only_new=True), new=False)["T-LVL-001"]
    assert (found.new, found.blocking, found.let_through) == (False, True, None)


def test_only_new_blocks_a_finding_whose_novelty_cannot_be_told():
    plan = (
        PlanBuilder()
        .add("t_db.main", {"public": True}, before={"public": True}, action="update")
        .build()
    )

    def no_attribute(change):
        yield finding(change, "public")

    no_attribute.__doc__ = DOC
    bare = policy(id="T-LVL-005", title="x", severity=Severity.HIGH, resource_types=("t_db",))(
        no_attribute
    )
    [found] = run_policies([plan], [bare], config=Config()).findings
    assert found.new is None  # an update, and the finding names no attribute
    [decided] = decide([found], Config(only_new=True), today=TODAY)
    assert decided.blocking is True


def test_an_override_lets_a_soft_mandatory_finding_through_and_records_who_and_why():
    found = _decided(Config(), overrides=[_override("T-LVL-002")])["T-LVL-002"]
    assert (found.blocking, found.let_through) == (False, "override")
    assert found.override == {
        "policy": "T-LVL-002",
        "reason": "INC-7: migration window",
        "by": "octocat",
        "by_from": "GITHUB_ACTOR",
    }


def test_an_override_never_lets_a_hard_mandatory_finding_through_even_when_handed_to_decide():
    found = _decided(Config(), overrides=[_override("T-LVL-001")])["T-LVL-001"]
    assert (found.blocking, found.override, found.let_through) == (True, None, None)


def test_the_config_s_level_replaces_the_declared_one():
    config = Config(policies={"T-LVL-001": PolicySettings(enforcement=Enforcement.SOFT_MANDATORY)})
    found = _decided(config, overrides=[_override("T-LVL-001")])["T-LVL-001"]
    assert found.enforcement is Enforcement.SOFT_MANDATORY
    assert found.blocking is False


def test_a_policy_cannot_set_its_own_level_override_or_let_through():
    def sneaky(change):
        from dataclasses import replace

        yield replace(
            finding(change, "x"),
            enforcement=Enforcement.ADVISORY,
            let_through="advisory",
            override={"policy": "x"},
        )

    sneaky.__doc__ = DOC
    item = policy(
        id="T-LVL-006",
        title="x",
        severity=Severity.CRITICAL,
        resource_types=("t_db",),
        enforcement=Enforcement.HARD_MANDATORY,
    )(sneaky)
    [found] = run_policies([_plan(True)], [item], config=Config()).findings
    assert (found.enforcement, found.let_through, found.override) == (
        Enforcement.HARD_MANDATORY,
        None,
        None,
    )


# -- the built-in levels ------------------------------------------------------------------


def test_the_built_in_levels_are_exposure_and_access_hard_and_hygiene_advisory():
    levels = {p.id: p.enforcement for p in load_packs(entry_points_enabled=False).policies}
    hard = {f"PG-RDS-00{n}" for n in (1, 2, 4, 5, 6)} | {f"PG-STATE-00{n}" for n in range(1, 6)}
    advisory = {"PG-STATE-008", "PG-STATE-009", "PG-STATE-010"}
    assert {p for p, level in levels.items() if level is Enforcement.HARD_MANDATORY} == hard
    assert {p for p, level in levels.items() if level is Enforcement.ADVISORY} == advisory
    soft = set(levels) - hard - advisory
    assert soft == {"PG-RDS-003", "PG-STATE-006", "PG-STATE-007"}


# -- --override on the command line's way in ----------------------------------------------


def _build(ids, reason, config=None, environ=None):
    return build_overrides(ids, reason, POLICIES, config or Config(), environ or {})


@pytest.mark.parametrize(
    ("ids", "reason", "message"),
    [
        (["T-LVL-002"], None, "give --reason"),
        (["T-LVL-002"], "   ", "give --reason"),
        ([], "because", "--reason without --override"),
        (["T-NOPE-001"], "because", "no loaded policy"),
        (["T-LVL-001"], "because", "hard-mandatory"),
    ],
)
def test_an_override_that_cannot_apply_is_a_usage_error(ids, reason, message):
    with pytest.raises(PlangateError, match=message) as raised:
        _build(ids, reason)
    assert raised.value.kind == "usage"
    assert "\n" not in raised.value.message


def test_an_override_id_is_read_in_any_case_and_counted_once():
    [made] = _build(["t-lvl-002", "T-LVL-002"], " why ")
    assert (made.policy, made.reason) == ("T-LVL-002", "why")


def test_an_override_of_a_policy_the_operator_made_soft_is_accepted():
    config = Config(policies={"T-LVL-001": PolicySettings(enforcement=Enforcement.SOFT_MANDATORY)})
    assert _build(["T-LVL-001"], "why", config)[0].policy == "T-LVL-001"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"GITHUB_ACTOR": "octocat"}, ("octocat", "GITHUB_ACTOR")),
        ({"GITLAB_USER_LOGIN": "tanuki"}, ("tanuki", "GITLAB_USER_LOGIN")),
        (
            {"USER_NAME": "commenter", "PULL_AUTHOR": "author", "ATLANTIS_TERRAFORM_VERSION": "1"},
            ("commenter", "USER_NAME"),
        ),
        ({"USER_NAME": "someone"}, ("unknown", None)),  # USER_NAME only in Atlantis
        ({"GITHUB_ACTOR": "  "}, ("unknown", None)),
        ({}, ("unknown", None)),
    ],
)
def test_who_ran_an_override_comes_from_the_ci_s_own_variables(environ, expected):
    assert who_ran(environ) == expected


def test_a_long_or_multi_line_runner_name_is_one_bounded_line():
    name, _ = who_ran({"GITHUB_ACTOR": "a\nb" + "x" * 500})
    assert "\n" not in name and len(name) <= 100


# -- through the Gate ---------------------------------------------------------------------


def test_the_gate_reports_the_mode_and_each_override_with_how_much_it_let_through():
    gate = Gate(
        Packs(POLICIES),
        Config(only_new=True),
        today=TODAY,
        overrides=(_override("T-LVL-002"), _override("T-LVL-003")),
    )
    report = gate.check([_plan(True)]).to_dict()
    assert report["mode"] == "only-new"
    assert [(o["policy"], o["let_through"]) for o in report["overrides"]] == [
        ("T-LVL-002", 1),
        ("T-LVL-003", 0),
    ]
    assert any(
        "override T-LVL-003 let no finding through" in w["message"] for w in report["warnings"]
    )
    assert Gate(Packs(POLICIES), today=TODAY).check([_plan(True)]).to_dict()["mode"] == "all"


def test_the_gate_warns_when_a_waiver_meets_a_hard_mandatory_finding():
    waivers = (Waiver("T-LVL-001", "t_db.main", "legacy", None),)
    report = Gate(Packs(POLICIES), Config(waivers=waivers), today=TODAY).check([_plan(True)])
    assert report.decision == "block"
    assert [w.message for w in report.warnings if w.kind == "waiver"] == [
        "waiver T-LVL-001 t_db.main does not count for T-LVL-001: it is hard-mandatory, "
        "which no waiver lets through"
    ]
