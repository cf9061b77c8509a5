"""`merge_configs`: the operator's config as the base, the repository's only tightening.

The console-script tests (test_config_trust_cli.py) try each attack end to end; these
pin the rules that are easier to see on the function: severities as floors, the command
line's thresholds as the operator's, and INFO as a severity rather than "unset".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from plangate import Severity, finding, policy
from plangate.config import read_config
from plangate.errors import PlangateError
from plangate.runner import decide, run_policies
from plangate.testing import PlanBuilder
from plangate.trust import ConfigSources, merge_configs, run_today

TODAY = dt.date(2030, 1, 1)


@policy(id="T-MIX-001", title="mixed", severity=Severity.MEDIUM, resource_types=("test_thing",))
def mixed(change):
    """## What it checks
    A policy whose findings carry their own severity.
    ## Why it matters
    Tests.
    ## How to fix
    None.
    """
    yield finding(change, "the bad case", severity=Severity.CRITICAL)
    yield finding(change, "a remark", severity=Severity.INFO)


POLICIES = [mixed]


def _config(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return read_config(path)


def _merge(tmp_path: Path, operator: str | None, repository: str | None, **flags: str | None):
    sources = ConfigSources(
        None if operator is None else _config(tmp_path, "operator.toml", operator),
        None if repository is None else _config(tmp_path, "plangate.toml", repository),
    )
    return merge_configs(sources, POLICIES, TODAY, **flags)


def _severities(config) -> list[Severity]:
    plan = PlanBuilder().add("test_thing.a", {}).build()
    return sorted(f.severity for f in run_policies([plan], POLICIES, config=config).findings)


def test_a_repository_severity_under_an_operator_config_raises_findings_but_never_lowers_one(
    tmp_path,
):
    effective = _merge(tmp_path, "", '[policies.T-MIX-001]\nseverity = "high"\n')
    assert effective.warnings == ()
    assert _severities(effective.config) == [Severity.HIGH, Severity.CRITICAL]


def test_a_trusted_repository_severity_replaces_every_finding_s_as_before(tmp_path):
    effective = _merge(tmp_path, None, '[policies.T-MIX-001]\nseverity = "high"\n')
    assert _severities(effective.config) == [Severity.HIGH, Severity.HIGH]


def test_a_repository_severity_below_the_operator_s_override_is_ignored(tmp_path):
    effective = _merge(
        tmp_path,
        '[policies.T-MIX-001]\nseverity = "high"\n',
        '[policies.T-MIX-001]\nseverity = "medium"\n',
    )
    [warning] = effective.warnings
    assert "severity = 'medium'" in warning.message and "below 'high'" in warning.message
    assert _severities(effective.config) == [Severity.HIGH, Severity.HIGH]


def test_the_command_line_threshold_is_the_operator_s_and_the_repository_may_only_go_lower(
    tmp_path,
):
    effective = _merge(tmp_path, 'fail_on = "low"\n', 'fail_on = "medium"\n', fail_on="critical")
    assert effective.config.blocking_at is Severity.MEDIUM and effective.warnings == ()
    effective = _merge(tmp_path, "", 'fail_on = "critical"\n', fail_on="medium")
    assert effective.config.blocking_at is Severity.MEDIUM
    assert "would loosen the operator's fail_on 'medium'" in effective.warnings[0].message


def test_without_an_operator_config_the_command_line_still_wins_over_the_repository(tmp_path):
    effective = _merge(tmp_path, None, 'fail_on = "low"\n', fail_on="critical")
    assert effective.config.blocking_at is Severity.CRITICAL


def test_fail_on_info_is_info_not_the_default(tmp_path):
    config = _merge(tmp_path, 'fail_on = "info"\nfail_on_possible = "info"\n', None).config
    assert config.blocking_at is Severity.INFO and config.possible_blocking_at is Severity.INFO
    plan = PlanBuilder().add("test_thing.a", {}).build()
    findings = run_policies([plan], POLICIES, config=config).findings
    decided = decide(findings, config, today=TODAY)
    assert all(f.blocking for f in decided)


def test_a_repository_setting_equal_to_the_operator_s_is_no_loosening(tmp_path):
    effective = _merge(
        tmp_path,
        'fail_on = "high"\nfail_on_possible = "never"\ndisable = ["T-MIX-001"]\n',
        'fail_on = "high"\nfail_on_possible = "never"\ndisable = ["T-MIX-001"]\n',
    )
    assert effective.warnings == ()


def test_a_repository_table_in_a_trusted_repository_config_is_reported_as_meaningless(tmp_path):
    effective = _merge(tmp_path, None, "[repository]\nallow_waivers = true\n")
    [warning] = effective.warnings
    assert "[repository] ignored" in warning.message


def test_settings_for_a_policy_that_is_not_loaded_are_an_error_in_the_repository_config_too(
    tmp_path,
):
    with pytest.raises(PlangateError, match="T-NOPE-001"):
        _merge(tmp_path, "", 'disable = ["T-NOPE-001"]\n')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[repository]\nwaiver_max_days = -1\n", "waiver_max_days"),
        ('[repository]\nallow_waivers = "yes"\n', "allow_waivers must be true or false"),
        ("[repository]\nallow_everything = true\n", "unknown key(s) 'allow_everything'"),
        ('[policies.T-MIX-001]\nenabled = "no"\n', "enabled must be true or false"),
        ("fail_on = 3\n", "fail_on must be a severity name"),
    ],
)
def test_a_malformed_trust_setting_is_a_config_error(tmp_path, text, message):
    with pytest.raises(PlangateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _config(tmp_path, "operator.toml", text)


def test_plangate_today_counts_only_without_an_operator_config(tmp_path):
    operator = _config(tmp_path, "operator.toml", "")
    today, warning = run_today({"PLANGATE_TODAY": "2001-01-01"}, operator)
    assert today == dt.date.today() and warning is not None
    assert run_today({"PLANGATE_TODAY": "2001-01-01"}, None) == (dt.date(2001, 1, 1), None)


def test_the_example_operator_config_reads_and_names_only_built_in_policies():
    from plangate.discovery import load_packs

    example = Path(__file__).resolve().parents[2] / "examples" / "ci" / "plangate-operator.toml"
    sources = ConfigSources(read_config(example), None)
    packs = load_packs()
    policies = packs.policies
    effective = merge_configs(sources, policies, TODAY, packs=packs.packs)
    trust = effective.config.repository
    assert trust is not None and trust.allow_waivers and not trust.allow_options
    assert set(trust.waiver_policies) <= {p.id for p in policies}
    assert effective.config.packs["state_backend"]["lock_tables"] == ("terraform-state-lock",)
