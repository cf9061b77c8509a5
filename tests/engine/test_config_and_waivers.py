"""Config file discovery, strict parsing, severity overrides and waivers."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from plangate import Severity, finding, policy
from plangate.config import Waiver, glob_matches, load_config
from plangate.discovery import load_packs
from plangate.errors import PlangateError
from plangate.runner import decide, run_policies
from plangate.testing import PlanBuilder


@policy(
    id="T-CFG-001", title="every bucket", severity=Severity.HIGH, resource_types=("aws_s3_bucket",)
)
def every_bucket(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    yield finding(change, "found")


def _decided(config, today=dt.date(2026, 11, 28)):
    plan = PlanBuilder().add('module.m.aws_s3_bucket.b["a.b"]', {"bucket": "b"}).build()
    outcome = run_policies([plan], [every_bucket], config=config)
    return decide(outcome.findings, config, today=today)


def test_the_config_file_is_found_from_a_subdirectory_of_the_repository(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "plangate.toml").write_text('fail_on = "critical"\n')
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert load_config(None, sub).fail_on is Severity.CRITICAL


def test_tool_plangate_in_pyproject_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.plangate]\nlock_tables = ["locks"]\n')
    config = load_config(None, tmp_path, load_packs().packs)
    assert config.packs["state_backend"]["lock_tables"] == ("locks",)


def test_an_unknown_key_is_an_error_that_names_it(tmp_path):
    (tmp_path / "plangate.toml").write_text('fail_onn = "low"\n')
    with pytest.raises(PlangateError, match="fail_onn"):
        load_config(None, tmp_path)


def test_invalid_toml_and_a_missing_explicit_config_are_errors(tmp_path):
    (tmp_path / "plangate.toml").write_text("x = \n")
    with pytest.raises(PlangateError, match="invalid TOML"):
        load_config(None, tmp_path)
    with pytest.raises(PlangateError, match="not found"):
        load_config(str(tmp_path / "nope.toml"), tmp_path)


def test_a_config_nested_too_deeply_is_a_config_error_naming_the_file(tmp_path):
    # tomllib recurses into nested arrays: a RecursionError was an internal error.
    (tmp_path / "plangate.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(PlangateError, match=r"plangate\.toml: nested too deeply") as raised:
        load_config(None, tmp_path)
    assert raised.value.kind == "config"


def test_a_pyproject_nested_too_deeply_is_passed_over_like_an_invalid_one(tmp_path):
    (tmp_path / "pyproject.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    assert load_config(None, tmp_path).path is None


@pytest.mark.parametrize("tool", ['"plangate"', '["plangate"]'])
def test_a_pyproject_whose_tool_is_not_a_table_holds_no_config(tmp_path, tool):
    # `"plangate" in tool` was true of the string and of the list: an internal error.
    (tmp_path / "pyproject.toml").write_text(f"tool = {tool}\n")
    assert load_config(None, tmp_path).path is None
    assert load_config(str(tmp_path / "pyproject.toml"), tmp_path).packs == {}


def test_a_severity_override_changes_blocking(tmp_path):
    (tmp_path / "plangate.toml").write_text('[policies.T-CFG-001]\nseverity = "low"\n')
    found = _decided(load_config(None, tmp_path))
    assert found[0].severity is Severity.LOW and found[0].blocking is False


def test_a_disabled_policy_does_not_run(tmp_path):
    (tmp_path / "plangate.toml").write_text('disable = ["T-CFG-001"]\n')
    assert _decided(load_config(None, tmp_path)) == []


def test_a_waiver_matching_by_address_glob_unblocks_and_is_reported(tmp_path):
    (tmp_path / "plangate.toml").write_text(
        '[[waivers]]\npolicy = "T-CFG-*"\naddress = "module.m.*"\nreason = "ticket 42"\n'
        "expires = 2026-12-31\n"
    )
    [found] = _decided(load_config(None, tmp_path))
    assert found.waived is True and found.blocking is False
    assert found.waiver["reason"] == "ticket 42"


def test_an_expired_waiver_blocks_and_says_so(tmp_path):
    (tmp_path / "plangate.toml").write_text(
        '[[waivers]]\npolicy = "T-CFG-001"\naddress = "*"\nreason = "old"\nexpires = "2026-01-01"\n'
    )
    [found] = _decided(load_config(None, tmp_path))
    assert found.waived is False and found.blocking is True
    assert found.waiver["expired"] is True


def test_a_waiver_without_a_reason_is_rejected(tmp_path):
    (tmp_path / "plangate.toml").write_text('[[waivers]]\npolicy = "X"\naddress = "*"\n')
    with pytest.raises(PlangateError, match="missing reason"):
        load_config(None, tmp_path)


def test_a_waiver_address_copied_from_the_plan_matches_despite_its_brackets(tmp_path):
    (tmp_path / "plangate.toml").write_text(
        '[[waivers]]\npolicy = "T-CFG-001"\naddress = \'module.m.aws_s3_bucket.b["a.b"]\'\n'
        'reason = "exact"\n'
    )
    [found] = _decided(load_config(None, tmp_path))
    assert found.waived is True


def test_empty_backend_names_in_the_config_are_rejected(tmp_path):
    (tmp_path / "plangate.toml").write_text('lock_tables = [""]\n')
    with pytest.raises(PlangateError, match="lock_tables must be a list of non-empty"):
        load_config(None, tmp_path, load_packs().packs)
    (tmp_path / "plangate.toml").write_text('[packs.state_backend]\nstate_buckets = "b"\n')
    with pytest.raises(PlangateError, match=r"packs\.state_backend\.state_buckets must be a list"):
        load_config(None, tmp_path, load_packs().packs)


def test_policy_dirs_are_relative_to_the_config_file(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "plangate.toml").write_text('policy_dirs = ["ops/policies"]\n')
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    assert load_config(None, sub).policy_dirs == (str(tmp_path / "ops" / "policies"),)


@policy(id="T-CFG-002", title="remarks", severity=Severity.HIGH, resource_types=("aws_s3_bucket",))
def remarks(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    yield finding(change, "a remark", severity=Severity.INFO)


def test_fail_on_info_and_a_severity_override_to_info_are_info_not_unset(tmp_path):
    (tmp_path / "plangate.toml").write_text(
        'fail_on = "info"\n[policies.T-CFG-001]\nseverity = "info"\n'
    )
    [found] = _decided(load_config(None, tmp_path))
    assert found.severity is Severity.INFO and found.blocking is True


def test_a_finding_keeps_its_own_info_severity_under_a_high_policy():
    plan = PlanBuilder().add("aws_s3_bucket.b", {"bucket": "b"}).build()
    [found] = run_policies([plan], [remarks]).findings
    assert found.severity is Severity.INFO


def test_a_waiver_glob_full_of_stars_is_matched_without_backtracking():
    """`*a*a*a*a*a*a*a*b` as a backtracking regular expression takes ~13 s on this address
    (and doubles with each `*a`); a repository waiver may carry it."""
    waiver = Waiver("*", "*a" * 7 + "*b", "r", None)
    address = 'module.m.aws_s3_bucket.b["' + "a" * 60 + '"]'
    for text in (address, address * 100):
        started = time.perf_counter()
        assert not waiver.matches("T-CFG-001", text)
        assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("*", "", True),
        ("a*c", "abc", True),
        ("a*c", "abd", False),
        ("a?c", "ac", False),
        ("*ab*ab", "aabab", True),
        ("a*b*c", "aXbYbZ", False),
        ("aws_db_instance.db[0]", "aws_db_instance.db0", False),
        ("module.m.*", 'module.m.x["line\nbreak"]', True),
    ],
)
def test_waiver_globs_treat_only_star_and_question_mark_as_wildcards(pattern, text, matches):
    assert glob_matches(pattern, text) is matches
