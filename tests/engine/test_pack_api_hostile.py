"""The pack API under attack: a pull request's repository config and plan, and a careless
third-party pack, against the settings, options and report sections packs declare.

The attacker writes the pull request (the checkout, its `plangate.toml`, every name in
the plan); the operator's config is named with `--config` outside the checkout. A pack
is the operator's choice but not the operator's code: a clash between two packs must be
an error, never one pack quietly taking another's settings.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plangate import TEXT, Pack, Section, Setting, Severity, policy
from plangate.testing import PlanBuilder

PLANGATE = str(Path(sys.executable).parent / "plangate")
LOCK = "terraform-state-lock"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PLANGATE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


def _task_naming_the_lock_table() -> PlanBuilder:
    """An application whose container is told the lock table's name: PG-STATE-003 blocks
    it when the gate knows the table."""
    environment = [{"name": "LOCK_TABLE", "value": LOCK}]
    definitions = [{"name": "api", "image": "acme/api:1", "essential": True}]
    definitions[0]["environment"] = environment
    return PlanBuilder().add(
        "aws_ecs_task_definition.api",
        {"family": "api", "container_definitions": json.dumps(definitions)},
    )


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The attacker's checkout, with a plan; the operator's config beside it."""
    repo = tmp_path / "checkout"
    (repo / ".git").mkdir(parents=True)
    (repo / "plan.json").write_text(json.dumps(_task_naming_the_lock_table().to_dict()))
    (tmp_path / "operator.toml").write_text(f'lock_tables = ["{LOCK}"]\n')
    return repo


def operator(checkout: Path) -> str:
    return str(checkout.parent / "operator.toml")


def test_a_repository_config_adding_many_lock_tables_is_reported_in_linear_time(checkout):
    """Each lock table is a row of the `state_backend` section; rows were deduplicated by
    comparing each with every row before it, so 20,000 names added under the operator's
    (allowed: adding tables is tightening) held the gate for an hour (1,500 took 20 s)."""
    names = ", ".join(f'"table-{n}"' for n in range(20_000))
    (checkout / "plangate.toml").write_text(f"[packs.state_backend]\nlock_tables = [{names}]\n")
    started = time.perf_counter()
    result = run(
        "check",
        "--config",
        operator(checkout),
        "--format",
        "json",
        "--timeout",
        "60",
        "plan.json",
        cwd=checkout,
    )
    elapsed = time.perf_counter() - started
    report = json.loads(result.stdout)
    assert (result.returncode, report["decision"]) == (1, "block"), result.stderr
    assert len(report["state_backend"]) == 20_001
    assert elapsed < 20, f"{elapsed:.1f} s"


THIEF = """
from plangate import NAMES, Merge, Pack, Setting

pack = Pack(name="zz_regions", settings=(Setting("regions", NAMES, Merge.ADD, alias={alias!r}),))
"""


def test_a_pack_whose_alias_is_another_pack_s_is_an_error_not_a_silent_takeover(checkout):
    """The operator's top-level `lock_tables` went to whichever pack declaring that alias
    sorts last: with this pack loaded, the state-backend pack knew no lock table and the
    plan that hands the application the table's name passed (exit 0)."""
    (checkout.parent / "packs").mkdir()
    (checkout.parent / "packs" / "zz.py").write_text(THIEF.format(alias="lock_tables"))
    args = ("check", "--config", operator(checkout), "--format", "json", "plan.json")
    alone = run(*args, cwd=checkout)
    assert (alone.returncode, json.loads(alone.stdout)["decision"]) == (1, "block")

    both = run(*args[:-1], "--policy-dir", "../packs", "plan.json", cwd=checkout)
    assert (both.returncode, json.loads(both.stdout)["decision"]) == (2, "error"), both.stdout
    assert "setting alias lock_tables" in both.stderr
    assert "state_backend" in both.stderr and "zz_regions" in both.stderr


@pytest.mark.parametrize("alias", ["waivers", "Lock_Tables", "lock tables"])
def test_a_setting_alias_must_be_a_free_lower_snake_case_top_level_key(checkout, alias):
    """An alias the engine's own key shadows is never read (`waivers = [...]` would be
    the engine's); one TOML spelling per setting keeps a case trick from meaning two."""
    (checkout.parent / "packs").mkdir()
    (checkout.parent / "packs" / "zz.py").write_text(THIEF.format(alias=alias))
    result = run("check", "--policy-dir", "../packs", "--format", "json", "plan.json", cwd=checkout)
    assert (result.returncode, json.loads(result.stdout)["decision"]) == (2, "error")
    assert f"alias {alias}" in result.stderr or f"alias {alias!r}" in result.stderr


SHADOW = """
from plangate import TEXT, Pack, Setting

pack = Pack(name="zz_shadow", settings=(Setting("x", TEXT),),
            options=lambda add: add({flag!r}, setting="x"))
"""


@pytest.mark.parametrize(
    "flag", ["--config", "--chdir", "--policy-dir", "--no-entry-points", "--debug", "--help"]
)
def test_a_pack_option_that_takes_an_engine_flag_is_an_error_every_format_reports(checkout, flag):
    """The check was made only against the gate's own flags (--format, --timeout, ...):
    one of the flags every command shares (--config above all) crashed the parser, an
    `internal error` with no report on stdout and no --output file written."""
    (checkout.parent / "packs").mkdir()
    (checkout.parent / "packs" / "zz.py").write_text(SHADOW.format(flag=flag))
    result = run(
        "check",
        "--config",
        operator(checkout),
        "--policy-dir",
        "../packs",
        "--format",
        "json",
        "--output",
        "sarif=out.sarif",
        "plan.json",
        cwd=checkout,
    )
    assert result.returncode == 2
    assert f"pack zz_shadow: option {flag} is already an option of plangate" in result.stderr
    assert "internal error" not in result.stderr
    assert json.loads(result.stdout)["decision"] == "error"
    sarif = json.loads((checkout / "out.sarif").read_text())
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False


@pytest.mark.parametrize(
    "declare",
    [
        lambda: Pack(name="rds\n"),
        lambda: Section("findings\n"),
        lambda: Section("state_backend\n"),
        lambda: Setting("lock_tables\n"),
        lambda: Setting("regions", alias="lock_tables\n"),
        lambda: Pack(
            name="acme",
            settings=(Setting("x", TEXT),),
            options=lambda add: add("--acme-x\n", setting="x"),
        ).option_specs(),
        lambda: policy(id="PG-RDS-001\n", title="t", severity=Severity.LOW),
    ],
    ids=["pack", "report-key", "section", "setting", "alias", "option", "policy-id"],
)
def test_a_name_with_a_trailing_newline_is_refused_as_any_other_malformed_name(declare):
    """`$` matches before a final newline: `findings\\n` passed as a section name (a second
    `findings` key in the JSON report, outside its schema), `state_backend\\n` as a
    second state-backend section, a pack or policy id as a look-alike of another's."""
    with pytest.raises(ValueError):
        declare()
