"""A pull request against an operator's gate, through the real console script.

The attacker writes the pull request: every file of the checkout, including a
`plangate.toml` at the repository root or `[tool.plangate]` in its `pyproject.toml`,
above the Terraform project that Atlantis or CI runs plangate in. The operator's config
lives outside the checkout and is named by `$PLANGATE_CONFIG` (or `--config`). Each test
would fail if the repository config were trusted as it was before.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from plangate.testing import PlanBuilder

PLANGATE = str(Path(sys.executable).parent / "plangate")

# The operator's pack (loaded from the operator config's policy_dirs), on resource types
# no built-in policy looks at, so only these decide.
OPERATOR_PACK = '''
from plangate import UNKNOWN, Certainty, Severity, finding, policy


@policy(id="T-DB-001", title="public database", severity=Severity.HIGH,
        resource_types=("test_database",), options={"allow_names": []})
def public_db(change, options):
    """## What it checks
    public = true.
    ## Why it matters
    Tests.
    ## How to fix
    Make it private.
    """
    if change.after_value("name") in options["allow_names"]:
        return
    value = change.after_value("public")
    if value is True:
        yield finding(change, "public = true", attribute="public")
    elif value is UNKNOWN:
        yield finding(change, "public may be true", attribute="public",
                      certainty=Certainty.POSSIBLE)


@policy(id="T-DB-002", title="no backups", severity=Severity.LOW,
        resource_types=("test_database",))
def no_backups(change):
    """## What it checks
    backups = false.
    ## Why it matters
    Tests.
    ## How to fix
    Turn backups on.
    """
    if change.after_value("backups") is False:
        yield finding(change, "backups are off", attribute="backups")
'''

# What a pull request would put in its policy_dirs: code that runs at import, leaves a
# marker, prints a passing Atlantis summary and exits 0.
EVIL_PACK = """
import pathlib, sys
pathlib.Path({marker!r}).write_text("imported")
print("0 tests, 0 passed, 0 warnings, 0 failures, 0 exceptions")
sys.exit(0)
"""

FORMATS = ("text", "markdown", "atlantis", "github")


def _plan(path: Path, public: Any = True, backups: bool = False, existing: bool = False) -> Path:
    builder = PlanBuilder()
    if existing:  # deployed as it is, and the plan leaves it: its findings are not new
        values = {"name": "main", "public": public, "backups": backups}
        builder.add("test_database.main", values, action="no-op")
    elif public is None:  # known only after apply: a `possible` finding
        builder.add("test_database.main", {"name": "main", "backups": backups}, unknown=["public"])
    else:
        builder.add("test_database.main", {"name": "main", "public": public, "backups": backups})
    path.write_text(json.dumps(builder.to_dict()))
    return path


class Setup:
    """An operator config (with its pack) outside a checkout of the attacker's repository,
    and the Terraform project inside it where plangate runs."""

    def __init__(self, root: Path) -> None:
        self.ops = root / "ops"
        self.pack = self.ops / "policies"
        self.pack.mkdir(parents=True)
        (self.pack / "db.py").write_text(OPERATOR_PACK)
        self.operator = self.ops / "plangate.toml"
        self.operator_toml('fail_on = "high"\n')
        self.repo = root / "checkout"
        (self.repo / ".git").mkdir(parents=True)
        self.project = self.repo / "infra"
        self.project.mkdir()
        self.marker = root / "evil-was-imported"
        (self.repo / "evil").mkdir()
        (self.repo / "evil" / "pwn.py").write_text(EVIL_PACK.format(marker=str(self.marker)))
        self.plan = _plan(self.project / "plan.json")
        # The sources it was planned from, so findings point at them (no warning).
        (self.project / "main.tf").write_text('resource "test_database" "main" {\n}\n')

    def operator_toml(self, text: str) -> None:
        self.operator.write_text('policy_dirs = ["policies"]\n' + text)

    def repository_toml(self, text: str, kind: str = "plangate.toml") -> Path:
        """The attacker's config at the repository root, above the project."""
        if kind == "pyproject":
            path = self.repo / "pyproject.toml"
            path.write_text(_as_tool_table(text))
        else:
            path = self.repo / "plangate.toml"
            path.write_text(text)
        return path

    def run(
        self, *args: str, operator: bool = True, cwd: Path | None = None, **env: str
    ) -> subprocess.CompletedProcess[str]:
        base = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}
        if operator:
            base["PLANGATE_CONFIG"] = str(self.operator)
        return subprocess.run(
            [PLANGATE, *args],
            capture_output=True,
            text=True,
            cwd=cwd or self.project,
            check=False,
            env={**base, **env},
        )

    def check(self, *args: str, **kwargs: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
        """`check --format json` with every format of FORMATS written too."""
        outputs = {fmt: self.project / f"out.{fmt}" for fmt in FORMATS}
        result = self.run(
            "check",
            "--format",
            "json",
            *(f"--output={fmt}={path}" for fmt, path in outputs.items()),
            *args,
            str(self.plan),
            **kwargs,
        )
        assert result.stdout, result.stderr
        rendered = {fmt: path.read_text() for fmt, path in outputs.items()}
        # Undo each format's escaping, to look for the text a reader sees.
        rendered["github"] = rendered["github"].replace("%27", "'")
        rendered["markdown"] = re.sub(r"\\([\\`*_\[\]~#|])", r"\1", rendered["markdown"])
        rendered["stderr"] = result.stderr
        return result.returncode, json.loads(result.stdout), rendered


def _as_tool_table(text: str) -> str:
    """The same settings as `[tool.plangate]` in a pyproject.toml."""
    lines = ["[project]", 'name = "infra"', "", "[tool.plangate]"]
    for line in text.splitlines():
        if line.startswith("[["):
            line = "[[tool.plangate." + line[2:]
        elif line.startswith("["):
            line = "[tool.plangate." + line[1:]
        lines.append(line)
    return "\n".join(lines) + "\n"


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return Setup(tmp_path)


def _in_days(days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=days)).isoformat()


# (what the attacker writes, the setting each warning names, the plan: None for a new
# public database, "possible" when `public` is known only after apply, "existing" when it
# is already deployed and the plan leaves it)
LOOSENING = {
    "a waiver for everything": (
        '[[waivers]]\npolicy = "*"\naddress = "*"\nreason = "trust me"\n',
        ["waivers[0] (policy '*', address '*')"],
        None,
    ),
    "a disable list": ('disable = ["T-DB-001"]\n', ["disable 'T-DB-001'"], None),
    "enabled = false": (
        "[policies.T-DB-001]\nenabled = false\n",
        ["policies.T-DB-001.enabled = false"],
        None,
    ),
    "a lowered severity": (
        '[policies.T-DB-001]\nseverity = "low"\n',
        ["policies.T-DB-001.severity = 'low'"],
        None,
    ),
    "severity info": (
        '[policies.T-DB-001]\nseverity = "info"\n',
        ["policies.T-DB-001.severity = 'info'"],
        None,
    ),
    "a raised fail_on": ('fail_on = "critical"\n', ["fail_on = 'critical'"], None),
    "fail_on_possible never": (
        'fail_on_possible = "never"\n',
        ["fail_on_possible = 'never'"],
        "possible",
    ),
    "a raised fail_on_possible": (
        'fail_on_possible = "critical"\n',
        ["fail_on_possible = 'critical'"],
        "possible",
    ),
    "a policy option": (
        '[policies.T-DB-001]\noptions = {allow_names = ["main"]}\n',
        ["policies.T-DB-001.options.allow_names"],
        None,
    ),
    "policy_dirs": ('policy_dirs = ["evil"]\n', ["policy_dirs", "evil"], None),
    "only_new on an existing violation": ("only_new = true\n", ["only_new = true"], "existing"),
    "a lowered enforcement level": (
        '[policies.T-DB-001]\nenforcement = "advisory"\n',
        ["policies.T-DB-001.enforcement = 'advisory'"],
        None,
    ),
    "its own [repository] table": (
        "[repository]\nallow_waivers = true\nallow_options = true\n\n"
        '[[waivers]]\npolicy = "T-DB-001"\naddress = "*"\nreason = "self-approved"\n',
        ["[repository] ignored", "waivers[0] (policy 'T-DB-001', address '*')"],
        None,
    ),
}


@pytest.mark.parametrize("kind", ["plangate.toml", "pyproject"])
@pytest.mark.parametrize("attack", sorted(LOOSENING))
def test_a_loosening_repository_setting_is_ignored_and_named_in_every_format(setup, attack, kind):
    text, settings, plan = LOOSENING[attack]
    if plan == "possible":
        _plan(setup.plan, public=None)
    elif plan == "existing":
        _plan(setup.plan, existing=True)
    config = setup.repository_toml(text, kind)
    code, report, rendered = setup.check()
    assert code == 1 and report["decision"] == "block", rendered["stderr"]
    [blocking] = [f for f in report["findings"] if f["blocking"]]
    assert blocking["policy_id"] == "T-DB-001" and blocking["severity"] == "high"
    assert not setup.marker.exists()
    messages = [w["message"] for w in report["warnings"] if w["kind"] == "config"]
    for setting in settings:
        [message] = [m for m in messages if setting in m]
        assert message.startswith(str(config)) and "ignored" in message
        for fmt, out in rendered.items():
            assert setting in out and str(config) in out, fmt
    assert [(c["path"], c["role"], c["trusted"]) for c in report["config_files"]] == [
        (str(setup.operator), "operator", True),
        (str(config), "repository", False),
    ]


def test_the_same_settings_switch_the_gate_off_without_an_operator_config(setup):
    """The developer case: the discovered file is trusted, as before."""
    setup.repository_toml('disable = ["T-DB-001"]\n')
    code, report, _ = setup.check("--policy-dir", str(setup.pack), operator=False)
    assert code == 0 and report["decision"] == "pass" and report["warnings"] == []
    assert report["config_files"] == [
        {"path": str(setup.repo / "plangate.toml"), "role": "repository", "trusted": True}
    ]


@pytest.mark.parametrize("command", ["check", "policies", "explain"])
def test_repository_policy_dirs_never_import_under_an_operator_config(setup, command):
    setup.repository_toml('policy_dirs = ["evil"]\n')
    args = {"check": ["check", str(setup.plan)], "policies": ["policies"]}
    result = setup.run(*args.get(command, ["explain", "T-DB-001"]))
    assert result.returncode == (1 if command == "check" else 0), result.stderr
    assert not setup.marker.exists()
    assert "T-DB-001" in result.stdout  # the operator's pack did load
    assert "policy_dirs" in result.stderr and "never loads policy code" in result.stderr


@pytest.mark.parametrize("command", ["policies", "explain"])
def test_policies_and_explain_load_a_trusted_repository_pack_without_an_operator_config(
    setup, command
):
    """What the test above guards against is real: the marker file is written when the
    repository config is trusted."""
    setup.repository_toml('policy_dirs = ["evil"]\n')
    setup.run(*(["policies"] if command == "policies" else ["explain", "X"]), operator=False)
    assert setup.marker.exists()


def test_policies_lists_what_the_operator_config_sets_not_what_the_repository_loosens(setup):
    setup.operator_toml('disable = ["T-DB-002"]\n')
    setup.repository_toml('[policies.T-DB-001]\nseverity = "low"\n')
    result = setup.run("policies")
    [line] = [ln for ln in result.stdout.splitlines() if ln.startswith("T-DB-001")]
    assert " high " in line and "disabled" not in line
    [line] = [ln for ln in result.stdout.splitlines() if ln.startswith("T-DB-002")]
    assert "(disabled in config)" in line
    assert "policies.T-DB-001.severity = 'low' ignored" in result.stderr


# -- tightening ----------------------------------------------------------------------


def test_a_repository_config_may_lower_fail_on(setup):
    _plan(setup.plan, public=False)  # only T-DB-002 (low) fires
    assert setup.check()[0] == 0
    setup.repository_toml('fail_on = "low"\n')
    code, report, _ = setup.check()
    assert code == 1 and report["warnings"] == []
    assert [f["policy_id"] for f in report["findings"] if f["blocking"]] == ["T-DB-002"]


def test_a_repository_config_may_raise_a_severity(setup):
    _plan(setup.plan, public=False)
    setup.repository_toml('[policies.T-DB-002]\nseverity = "critical"\n')
    code, report, _ = setup.check()
    assert code == 1 and report["findings"][0]["severity"] == "critical"


def test_a_repository_config_may_lower_fail_on_possible(setup):
    setup.operator_toml('fail_on_possible = "never"\n')
    _plan(setup.plan, public=None)
    assert setup.check()[0] == 0
    setup.repository_toml('fail_on_possible = "high"\n')
    assert setup.check()[0] == 1


def test_a_repository_config_may_enable_a_policy_the_operator_switched_off(setup):
    setup.operator_toml('fail_on = "low"\ndisable = ["T-DB-002"]\n')
    _plan(setup.plan, public=False)
    assert setup.check()[0] == 0
    setup.repository_toml("[policies.T-DB-002]\nenabled = true\n")
    code, report, _ = setup.check()
    assert code == 1 and report["findings"][0]["policy_id"] == "T-DB-002"


def test_a_repository_config_may_add_lock_tables_and_state_buckets(setup):
    setup.operator_toml('lock_tables = ["ops-lock"]\n')
    setup.repository_toml('lock_tables = ["app-lock"]\nstate_buckets = ["app-state"]\n')
    _, report, _ = setup.check()
    names = [(row["kind"], row["name"]) for row in report["state_backend"]]
    assert names == [
        ("lock_table", "ops-lock"),
        ("lock_table", "app-lock"),
        ("state_bucket", "app-state"),
    ]


def test_a_repository_config_may_turn_only_new_off(setup):
    setup.operator_toml("only_new = true\n")
    _plan(setup.plan, existing=True)
    code, report, _ = setup.check()
    assert code == 0 and report["mode"] == "only-new"
    setup.repository_toml("only_new = false\n")
    code, report, _ = setup.check()
    assert code == 1 and report["mode"] == "all" and report["warnings"] == []


def test_only_new_on_the_command_line_is_the_operator_s(setup):
    _plan(setup.plan, existing=True)
    code, report, _ = setup.check("--only-new")
    assert code == 0 and report["mode"] == "only-new"
    [found] = [f for f in report["findings"] if f["policy_id"] == "T-DB-001"]
    assert (found["new"], found["blocking"], found["let_through"]) == (False, False, "only-new")


def test_a_repository_config_may_raise_an_enforcement_level_and_so_refuse_an_override(setup):
    args = ("--override", "T-DB-001", "--reason", "INC-7")
    code, report, _ = setup.check(*args)
    assert code == 0 and report["overrides"][0]["let_through"] == 1
    setup.repository_toml('[policies.T-DB-001]\nenforcement = "hard-mandatory"\n')
    result = setup.run("check", *args, str(setup.plan))
    assert result.returncode == 2
    assert "--override T-DB-001: it is hard-mandatory" in result.stderr


def test_a_repository_config_may_make_an_advisory_policy_block(setup):
    setup.operator_toml('fail_on = "low"\n[policies.T-DB-002]\nenforcement = "advisory"\n')
    _plan(setup.plan, public=False)
    assert setup.check()[0] == 0
    setup.repository_toml('[policies.T-DB-002]\nenforcement = "soft-mandatory"\n')
    code, report, _ = setup.check()
    assert code == 1 and report["findings"][0]["enforcement"] == "soft-mandatory"


def test_repository_options_count_only_when_the_operator_allows_them(setup):
    setup.operator_toml("[repository]\nallow_options = true\n")
    setup.repository_toml('[policies.T-DB-001]\noptions = {allow_names = ["main"]}\n')
    code, report, _ = setup.check()
    assert code == 0 and report["warnings"] == []


# -- repository waivers --------------------------------------------------------------


def _waiver(policy: str = "T-DB-001", expires: str | None = None) -> str:
    text = f'[[waivers]]\npolicy = "{policy}"\naddress = "test_database.*"\nreason = "INC-7"\n'
    return text + (f"expires = {expires}\n" if expires else "")


def test_a_repository_waiver_the_operator_allows_counts_and_every_report_says_who_allowed_it(
    setup,
):
    setup.operator_toml(
        '[repository]\nallow_waivers = true\nwaiver_policies = ["T-DB-00?"]\nwaiver_max_days = 30\n'
    )
    config = setup.repository_toml(_waiver(expires=_in_days(10)))
    code, report, rendered = setup.check()
    assert code == 0 and report["decision"] == "pass"
    [found] = [f for f in report["findings"] if f["policy_id"] == "T-DB-001"]
    assert found["waived"] is True
    assert found["waiver"]["source"] == str(config)
    assert found["waiver"]["allowed_by"] == str(setup.operator)
    [message] = [w["message"] for w in report["warnings"]]
    assert "counts" in message and f"allowed by the operator config {setup.operator}" in message
    for fmt, out in rendered.items():
        assert f"allowed by the operator config {setup.operator}" in out, fmt


def test_an_operator_waiver_says_where_it_comes_from_and_that_no_one_had_to_allow_it(setup):
    setup.operator_toml(_waiver())
    _, report, _ = setup.check()
    [found] = [f for f in report["findings"] if f["policy_id"] == "T-DB-001"]
    assert found["waived"] is True
    assert found["waiver"]["source"] == str(setup.operator)
    assert found["waiver"]["allowed_by"] is None


@pytest.mark.parametrize(
    ("repository", "waiver", "why"),
    [
        ("allow_waivers = false", _waiver(), "does not allow repository waivers"),
        ("allow_waivers = true\nwaiver_max_days = 30", _waiver(), "expire within 30 days"),
        (
            "allow_waivers = true\nwaiver_max_days = 30",
            _waiver(expires=_in_days(31)),
            "expire within 30 days",
        ),
        (
            'allow_waivers = true\nwaiver_policies = ["T-DB-002"]',
            _waiver(),
            "only for policies 'T-DB-002'",
        ),
        ("allow_waivers = true\nwaiver_policies = []", _waiver(), "only for policies"),
    ],
)
def test_a_repository_waiver_outside_what_the_operator_allows_is_ignored(
    setup, repository, waiver, why
):
    setup.operator_toml(f"[repository]\n{repository}\n")
    setup.repository_toml(waiver)
    code, report, rendered = setup.check()
    assert code == 1
    [message] = [w["message"] for w in report["warnings"] if "waivers[0]" in w["message"]]
    assert "ignored" in message and why in message
    assert all(why in out for out in rendered.values())


def test_a_wildcard_repository_waiver_covers_only_the_policies_the_operator_allows(setup):
    setup.operator_toml(
        'fail_on = "low"\n[repository]\nallow_waivers = true\nwaiver_policies = ["T-DB-001"]\n'
    )
    setup.repository_toml(_waiver(policy="*"))
    code, report, _ = setup.check()
    assert code == 1
    state = {f["policy_id"]: (f["waived"], f["blocking"]) for f in report["findings"]}
    assert state == {"T-DB-001": (True, False), "T-DB-002": (False, True)}


def test_plangate_today_cannot_unexpire_a_waiver_under_an_operator_config(setup):
    setup.operator_toml(_waiver(expires="2020-01-01"))
    code, report, _ = setup.check(PLANGATE_TODAY="2019-12-01")
    assert code == 1
    assert any("PLANGATE_TODAY ignored" in w["message"] for w in report["warnings"])
    code, _, _ = setup.check("--config", str(setup.operator), operator=False)
    assert code == 1
    # The test hook still works for a developer's own config.
    setup.repository_toml(_waiver(expires="2020-01-01"))
    developer = setup.check(
        "--policy-dir", str(setup.pack), operator=False, PLANGATE_TODAY="2019-12-01"
    )
    assert developer[0] == 0


# -- where the configs come from -----------------------------------------------------


def test_a_config_above_the_repository_root_is_not_read(setup):
    (setup.repo.parent / "plangate.toml").write_text('disable = ["T-DB-001"]\n')
    code, report, _ = setup.check("--policy-dir", str(setup.pack), operator=False)
    assert code == 1 and report["config_files"] == []


def test_without_a_repository_root_only_the_working_directory_is_searched(tmp_path):
    (tmp_path / "plangate.toml").write_text('disable = ["T-DB-001"]\n')
    setup = Setup(tmp_path / "x")
    (setup.repo / ".git").rmdir()
    code, report, _ = setup.check("--policy-dir", str(setup.pack), operator=False)
    assert code == 1 and report["config_files"] == []
    (setup.project / "plangate.toml").write_text('policy_dirs = ["../../ops/policies"]\n')
    assert setup.check(operator=False)[1]["config_files"][0]["role"] == "repository"


def test_a_worktree_git_file_marks_the_repository_root_too(setup):
    (setup.repo / ".git").rmdir()
    (setup.repo / ".git").write_text("gitdir: /elsewhere\n")
    setup.repository_toml('fail_on = "low"\n')
    _plan(setup.plan, public=False)
    assert setup.check()[0] == 1


def test_a_repository_config_symlinked_out_of_the_checkout_is_an_error(setup):
    outside = setup.repo.parent / "secrets.toml"
    outside.write_text('token = "s3cr3t-value"\n')
    (setup.repo / "plangate.toml").symlink_to(outside)
    result = setup.run("check", str(setup.plan))
    assert result.returncode == 2
    assert "outside the repository" in result.stderr and "s3cr3t" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_the_command_line_config_is_the_operator_config_and_wins_over_the_environment(setup):
    other = setup.ops / "other.toml"
    other.write_text('policy_dirs = ["policies"]\nfail_on = "low"\n')
    _plan(setup.plan, public=False)
    code, report, _ = setup.check("--config", str(other))
    assert code == 1
    assert report["config_files"] == [{"path": str(other), "role": "operator", "trusted": True}]


def test_an_operator_config_that_the_discovery_finds_too_is_read_once_as_the_operator_s(setup):
    setup.operator = setup.repo / "plangate.toml"
    setup.operator_toml("")
    (setup.operator.parent / "policies").symlink_to(setup.pack)
    _, report, _ = setup.check()
    assert [c["role"] for c in report["config_files"]] == ["operator"]


@pytest.mark.parametrize("how", ["env", "flag"])
def test_an_empty_operator_config_path_is_an_error_not_the_developer_case(setup, how):
    setup.repository_toml('disable = ["T-DB-001"]\n')
    pack = ("--policy-dir", str(setup.pack))
    if how == "env":
        result = setup.run("check", *pack, str(setup.plan), operator=False, PLANGATE_CONFIG="")
        assert "$PLANGATE_CONFIG is set but empty" in result.stderr
    else:
        result = setup.run("check", "--config", "", *pack, str(setup.plan), operator=False)
        assert "--config: an empty path" in result.stderr
    assert result.returncode == 2


@pytest.mark.parametrize("where", ["operator", "repository"])
def test_no_config_file_can_set_a_time_limit(setup, where):
    if where == "operator":
        setup.operator_toml("timeout = 1\n")
    else:
        setup.repository_toml("timeout = 100000\n")
    result = setup.run("check", str(setup.plan))
    assert result.returncode == 2 and "unknown key(s) 'timeout'" in result.stderr


# -- Severity.INFO is a severity, not "unset" ----------------------------------------


def test_fail_on_info_in_a_config_file_blocks_a_low_finding(setup):
    _plan(setup.plan, public=False)
    setup.operator_toml('fail_on = "info"\n')
    code, report, _ = setup.check()
    assert code == 1 and report["findings"][0]["blocking"] is True


def test_a_severity_override_to_info_applies(setup):
    setup.operator_toml('[policies.T-DB-001]\nseverity = "info"\n')
    code, report, _ = setup.check()
    assert code == 0
    assert {f["policy_id"]: f["severity"] for f in report["findings"]}["T-DB-001"] == "info"
    [line] = [ln for ln in setup.run("policies").stdout.splitlines() if ln.startswith("T-DB-001")]
    assert " info " in line
