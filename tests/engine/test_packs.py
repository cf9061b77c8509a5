"""A pack declares its own settings, command-line options, backend fields and report
sections; the engine carries them without knowing what they mean.

The pack here is one file in a policy directory, as a third party would write it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from plangate import NAMES, Context, PackSettings
from plangate.testing import PlanBuilder

PLANGATE = str(Path(sys.executable).parent / "plangate")

PACK = '''
from plangate import FLAG, NAMES, TEXT, Merge, Pack, Section, Setting, Severity
from plangate import finding, inventory, policy


def _options(add):
    add("--acme-region", setting="regions", metavar="REGION", help="a region (repeatable)")
    add("--acme-owner", setting="owner", metavar="TEAM", help="the owning team")
    add("--acme-strict", setting="strict", help="be strict")


pack = Pack(
    name="acme",
    settings=(
        Setting("regions", NAMES, Merge.ADD),
        Setting("owner", TEXT, Merge.OPERATOR),
        Setting("strict", FLAG, Merge.ENABLE),
    ),
    options=_options,
    backend_fields={"gcs": ("bucket", "prefix")},
    sections=(Section("acme_settings", key=("setting", "value")),),
)


@policy(id="ACME-SET-001", title="says its settings", severity=Severity.LOW,
        resource_types=("aws_s3_bucket",))
def says(change, settings):
    """## What it checks
    Nothing: it says its pack's settings.
    ## Why it matters
    Tests.
    ## How to fix
    Nothing.
    """
    regions = ",".join(settings["regions"])
    yield finding(change, f"regions={regions} owner={settings['owner']} "
                          f"strict={settings['strict']}")


@inventory("acme_settings")
def rows(plan, settings):
    for name in ("regions", "owner", "strict"):
        for value, source in settings.sourced(name):
            yield {"setting": name, "value": str(value), "source": source}
    if settings.backend is not None:
        fields = ",".join(f"{k}={v}" for k, v in settings.backend.fields)
        yield {"setting": "backend", "value": f"{settings.backend.type} {fields}",
               "source": "init"}
'''


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PLANGATE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout with the pack in `packs/` (outside the checkout's config's reach: it is
    loaded with --policy-dir, the operator's) and a plan with one bucket."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "acme.py").write_text(PACK)
    plan = PlanBuilder().add("aws_s3_bucket.b", {"bucket": "b"})
    (tmp_path / "plan.json").write_text(json.dumps(plan.to_dict()))
    return tmp_path


def check(repo: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = run("check", "--policy-dir", "packs", "--format", "json", *args, "plan.json", cwd=repo)
    assert result.returncode in (0, 1, 2), result.stderr
    return result, json.loads(result.stdout)


def said(report: dict) -> str:
    [found] = [f for f in report["findings"] if f["policy_id"] == "ACME-SET-001"]
    return found["message"]


def test_a_pack_s_options_reach_its_policies_with_the_flag_as_their_source(repo):
    _, report = check(repo, "--acme-region", "eu-west-1", "--acme-owner", "payments")
    assert said(report) == "regions=eu-west-1 owner=payments strict=False"
    assert {"setting": "regions", "value": "eu-west-1", "source": "--acme-region"} in report[
        "acme_settings"
    ]
    assert {"setting": "strict", "value": "False", "source": "default"} in report["acme_settings"]


def test_check_help_lists_the_options_each_loaded_pack_adds(repo):
    result = run("check", "--policy-dir", "packs", "--help", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "pack acme:" in result.stdout and "--acme-region REGION" in result.stdout
    assert "pack state_backend:" in result.stdout and "--lock-table NAME" in result.stdout


def test_a_packs_table_sets_the_settings_under_the_command_line_s(repo):
    (repo / "plangate.toml").write_text(
        '[packs.acme]\nregions = ["us-east-1"]\nowner = "ops"\nstrict = true\n'
    )
    _, report = check(repo, "--acme-region", "eu-west-1")
    assert said(report) == "regions=eu-west-1,us-east-1 owner=ops strict=True"
    sources = {(r["setting"], r["value"]): r["source"] for r in report["acme_settings"]}
    assert sources[("regions", "us-east-1")] == "config file"
    assert sources[("regions", "eu-west-1")] == "--acme-region"
    _, report = check(repo, "--acme-owner", "payments")
    assert said(report) == "regions=us-east-1 owner=payments strict=True"


def test_under_an_operator_config_each_setting_follows_its_pack_s_trust_rule(repo, tmp_path):
    operator = tmp_path / "operator.toml"
    operator.write_text('[packs.acme]\nregions = ["eu-west-1"]\nowner = "ops"\n')
    (repo / "plangate.toml").write_text(
        '[packs.acme]\nregions = ["us-east-1"]\nowner = "attacker"\nstrict = true\n'
    )
    _, report = check(repo, "--config", str(operator))
    # ADD: the repository's region is added; ENABLE: it may turn strict on; OPERATOR: its
    # owner is ignored, and every report says so.
    assert said(report) == "regions=eu-west-1,us-east-1 owner=ops strict=True"
    [warning] = [w["message"] for w in report["warnings"] if "packs.acme" in w["message"]]
    assert "packs.acme.owner = 'attacker' ignored: only the operator sets it" in warning

    operator.write_text("[packs.acme]\nstrict = true\n")
    (repo / "plangate.toml").write_text("[packs.acme]\nstrict = false\n")
    _, report = check(repo, "--config", str(operator))
    assert said(report).endswith("strict=True")
    assert any(
        "packs.acme.strict = False ignored: a repository config may turn it on, never off"
        in w["message"]
        for w in report["warnings"]
    )


def test_the_state_backend_pack_s_top_level_aliases_and_its_table_mean_the_same(repo):
    (repo / "plangate.toml").write_text('lock_tables = ["alias-lock"]\n')
    _, by_alias = check(repo)
    (repo / "plangate.toml").write_text('[packs.state_backend]\nlock_tables = ["alias-lock"]\n')
    _, by_table = check(repo)
    row = {"kind": "lock_table", "name": "alias-lock", "source": "config file"}
    assert by_alias["state_backend"] == by_table["state_backend"] == [row]
    (repo / "plangate.toml").write_text(
        'lock_tables = ["lock-a"]\n[packs.state_backend]\nlock_tables = ["lock-b"]\n'
    )
    result, report = check(repo)
    assert report["decision"] == "error"
    assert "packs.state_backend.lock_tables is also set as lock_tables" in result.stderr


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[packs.nope]\nx = 1\n", "[packs.nope]: no loaded pack is named 'nope'"),
        ('[packs.acme]\nregion = ["x"]\n', "packs.acme: unknown key(s) 'region'"),
        ('[packs.acme]\nowner = ""\n', "packs.acme.owner must be a non-empty string"),
        ("acme_regions = []\n", "unknown key(s) 'acme_regions'"),
    ],
)
def test_a_pack_setting_no_pack_declares_is_a_config_error(repo, toml, message):
    (repo / "plangate.toml").write_text(toml)
    result, report = check(repo)
    assert (result.returncode, report["decision"]) == (2, "error")
    assert message in result.stderr


def test_a_pack_reads_only_the_backend_fields_it_declares(repo):
    (repo / ".terraform").mkdir()
    (repo / ".terraform" / "terraform.tfstate").write_text(
        json.dumps(
            {
                "backend": {
                    "type": "gcs",
                    "config": {"bucket": "acme-tf", "prefix": "app", "credentials": "SECRET-KEY"},
                }
            }
        )
    )
    result, report = check(repo)
    backend = [r for r in report["acme_settings"] if r["setting"] == "backend"]
    assert backend == [
        {"setting": "backend", "value": "gcs bucket=acme-tf,prefix=app", "source": "init"}
    ]
    assert "SECRET-KEY" not in result.stdout + result.stderr
    assert report["state_backend"] == []  # it declares s3 fields only: a gcs bucket is none


def test_a_pack_section_shows_in_text_and_sarif_like_any_other(repo):
    text = run(
        "check", "--policy-dir", "packs", "--acme-region", "eu-west-1", "plan.json", cwd=repo
    )
    assert "acme settings: regions eu-west-1 (--acme-region)" in text.stdout
    sarif = run(
        "check",
        "--policy-dir",
        "packs",
        "--format",
        "sarif",
        "--acme-region",
        "r1",
        "plan.json",
        cwd=repo,
    )
    properties = json.loads(sarif.stdout)["runs"][0]["properties"]
    assert {"setting": "regions", "value": "r1", "source": "--acme-region"} in properties[
        "acmeSettings"
    ]
    assert properties["stateBackend"] == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('@inventory("acme_settings")', '@inventory("acme_other")'), "no loaded pack declares"),
        (('Section("acme_settings"', 'Section("findings"'), "one of the report's own keys"),
        (('add("--acme-owner"', 'add("--format"'), "option --format is already an option"),
        (('name="acme"', 'name="state_backend"'), "duplicate pack state_backend"),
    ],
)
def test_a_broken_pack_declaration_is_an_error_that_names_it(repo, change, message):
    (repo / "packs" / "acme.py").write_text(PACK.replace(*change))
    result = run("check", "--policy-dir", "packs", "--format", "json", "plan.json", cwd=repo)
    assert result.returncode == 2
    assert message in result.stderr
    assert json.loads(result.stdout)["decision"] == "error"


def test_version_help_and_formats_load_no_pack(monkeypatch, capsys):
    import plangate.discovery
    from plangate.cli import main

    def refuse(*args, **kwargs):
        raise AssertionError("a pack was loaded")

    monkeypatch.setattr(plangate.discovery, "load_packs", refuse)
    for argv in (["--version"], ["--help"], ["formats"]):
        assert main(argv) == 0, argv
    assert "check" in capsys.readouterr().out


def test_context_is_hashable_and_hands_each_pack_its_own_settings():
    mine = PackSettings("acme", (("regions", ("eu",)),), (("regions", ("--acme-region",)),))
    context = Context((mine,))
    assert hash(context) == hash(Context((mine,)))
    assert context.pack("acme") is mine
    assert context.pack("other") == PackSettings("other")
    assert list(mine.sourced("regions")) == [("eu", "--acme-region")]
    assert list(PackSettings("acme").sourced("regions")) == []
    assert NAMES == "names"
