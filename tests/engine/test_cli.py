"""Exit codes 0/1/2 through the real console script: files, stdin, binary plans."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from plangate.testing import PlanBuilder

PLANGATE = str(Path(sys.executable).parent / "plangate")

POLICY = '''
from plangate import Severity, finding, policy


@policy(id="T-PUBLIC-001", title="no public things", severity=Severity.HIGH,
        resource_types=("aws_s3_bucket",))
def no_public(change):
    """## What it checks
    Buckets named public.
    ## Why it matters
    Tests.
    ## How to fix
    Rename.
    """
    if change.after_value("bucket") == "public":
        yield finding(change, "bucket is public", attribute="bucket")
'''

BROKEN = '''
from plangate import Severity, policy


@policy(id="T-BROKEN-001", title="raises", severity=Severity.LOW,
        resource_types=("aws_s3_bucket",))
def broken(change):
    """## What it checks
    Nothing.
    ## Why it matters
    Tests.
    ## How to fix
    Nothing.
    """
    raise RuntimeError("boom")
    yield
'''


def run(
    *args: str, stdin: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PLANGATE, *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "public.py").write_text(POLICY)
    return folder


def _plan_file(tmp_path: Path, bucket: str) -> Path:
    path = tmp_path / f"{bucket}.json"
    path.write_text(json.dumps(PlanBuilder().add("aws_s3_bucket.b", {"bucket": bucket}).to_dict()))
    return path


def test_a_clean_plan_passes_with_exit_0(tmp_path, policy_dir):
    result = run("check", "--policy-dir", str(policy_dir), str(_plan_file(tmp_path, "private")))
    assert result.returncode == 0, result.stderr
    assert b"PASS" in result.stdout


def test_a_violation_blocks_with_exit_1(tmp_path, policy_dir):
    result = run("check", "--policy-dir", str(policy_dir), str(_plan_file(tmp_path, "public")))
    assert result.returncode == 1
    assert b"T-PUBLIC-001  aws_s3_bucket.b" in result.stdout


def test_a_lower_fail_on_threshold_is_respected(tmp_path, policy_dir):
    plan = str(_plan_file(tmp_path, "public"))
    assert (
        run("check", "--policy-dir", str(policy_dir), "--fail-on", "critical", plan).returncode == 0
    )


def test_stdin_is_read_with_a_dash(tmp_path, policy_dir):
    data = _plan_file(tmp_path, "public").read_bytes()
    result = run("check", "--policy-dir", str(policy_dir), "--format", "json", "-", stdin=data)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["plans"][0]["path"] == "<stdin>"
    assert report["findings"][0]["address"] == "aws_s3_bucket.b"


def test_unreadable_input_exits_2_with_one_line_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    result = run("check", str(bad))
    assert result.returncode == 2
    assert result.stderr.decode().count("\n") == 1
    assert b"Traceback" not in result.stderr


def test_a_policy_that_raises_is_an_error_but_the_others_still_report(tmp_path, policy_dir):
    (policy_dir / "broken.py").write_text(BROKEN)
    result = run(
        "check",
        "--policy-dir",
        str(policy_dir),
        "--format",
        "json",
        str(_plan_file(tmp_path, "public")),
    )
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["decision"] == "error"
    assert "T-BROKEN-001" in report["errors"][0]["message"]
    assert [f["policy_id"] for f in report["findings"]] == ["T-PUBLIC-001"]


def test_duplicate_policy_ids_name_both_sources(tmp_path, policy_dir):
    (policy_dir / "again.py").write_text(POLICY)
    result = run("policies", "--policy-dir", str(policy_dir))
    assert result.returncode == 2
    assert b"again.py" in result.stderr and b"public.py" in result.stderr


def test_explain_prints_the_policy_docstring(policy_dir):
    result = run("explain", "--policy-dir", str(policy_dir), "T-PUBLIC-001")
    assert result.returncode == 0
    assert b"## Why it matters" in result.stdout
    assert run("explain", "NOPE-X-1").returncode == 2


def test_a_binary_plan_file_is_read_through_terraform(tmp_path, real_plan, terraform_bin):
    _, planfile = real_plan({"main.tf": 'resource "terraform_data" "x" { input = "y" }\n'})
    env_path = f"{Path(terraform_bin).parent}:/usr/bin:/bin"
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", str(planfile)],
        capture_output=True,
        cwd=planfile.parent,
        check=False,
        env={"PATH": env_path, "TF_CLI_CONFIG_FILE": "/dev/null"},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["plans"][0]["terraform_version"].startswith("1.")
    assert report["stats"]["resources"] == 1


def test_a_binary_plan_file_without_terraform_exits_2(tmp_path, real_plan):
    _, planfile = real_plan({"main.tf": 'resource "terraform_data" "x" { input = "y" }\n'})
    result = run("check", str(planfile))
    assert result.returncode == 2
    assert b"terraform" in result.stderr and b"Traceback" not in result.stderr


def test_an_errored_plan_blocks_and_says_so(tmp_path):
    data = PlanBuilder().to_dict()
    data["errored"] = True
    path = tmp_path / "errored.json"
    path.write_text(json.dumps(data))
    result = run("check", str(path))
    assert result.returncode == 1
    assert b"Terraform reported errors" in result.stdout


def test_usage_errors_exit_2():
    assert run("check").returncode == 2
    assert run("frobnicate").returncode == 2
    assert run("--help").returncode == 0


INVENTORY = """
from plangate import inventory


@inventory("state_backend")
def tables(plan, context):
    for change in plan.of_type("aws_dynamodb_table"):
        yield {"kind": "lock_table", "name": change.after_value("name"), "source": "by shape"}
"""


def test_a_pack_inventory_adds_to_the_reports_state_backend_section(tmp_path, policy_dir):
    (policy_dir / "inventory.py").write_text(INVENTORY)
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps(PlanBuilder().add("aws_dynamodb_table.t", {"name": "locks"}).to_dict())
    )
    result = run(
        "check",
        "--policy-dir",
        str(policy_dir),
        "--format",
        "json",
        "--state-bucket",
        "state",
        str(path),
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["state_backend"] == [
        {"kind": "state_bucket", "name": "state", "source": "--state-bucket"},
        {"kind": "lock_table", "name": "locks", "source": "by shape"},
    ]


def _on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    import os
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen([PLANGATE, *args], stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait()
    os.close(leader)
    return b"".join(chunks)


def test_text_output_is_coloured_only_on_a_terminal_and_never_with_no_color(tmp_path, policy_dir):
    plan = str(_plan_file(tmp_path, "public"))
    args = ["check", "--policy-dir", str(policy_dir), plan]
    assert b"\033[" in _on_a_terminal(args, {"PATH": "/usr/bin:/bin"})
    assert b"\033[" not in _on_a_terminal(args, {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert b"\033[" not in run(*args).stdout


def test_settings_for_a_policy_that_does_not_exist_are_a_config_error(tmp_path, policy_dir):
    (tmp_path / "plangate.toml").write_text('disable = ["T-PUBLIC-01"]\n')
    result = run(
        "check", "--policy-dir", str(policy_dir), str(_plan_file(tmp_path, "x")), cwd=tmp_path
    )
    assert result.returncode == 2
    assert b"T-PUBLIC-01" in result.stderr and b"not a loaded policy" in result.stderr


def test_an_option_a_policy_does_not_take_is_a_config_error(tmp_path, policy_dir):
    (tmp_path / "plangate.toml").write_text("[policies.T-PUBLIC-001]\noptions = {tagg = 1}\n")
    result = run(
        "check", "--policy-dir", str(policy_dir), str(_plan_file(tmp_path, "x")), cwd=tmp_path
    )
    assert result.returncode == 2 and b"no option(s) tagg" in result.stderr


def test_an_empty_lock_table_name_is_a_usage_error(tmp_path):
    result = run("check", "--lock-table", "", str(_plan_file(tmp_path, "x")))
    assert result.returncode == 2 and b"empty name" in result.stderr


def test_unreadable_input_still_writes_an_error_report_for_ci(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("")
    sarif = tmp_path / "out.sarif"
    result = run("check", "--format", "json", "--output", f"sarif={sarif}", str(bad))
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["decision"] == "error" and "empty" in report["errors"][0]["message"]
    assert sarif.is_file()
    assert result.stderr.decode().count("\n") == 1


def test_a_policy_error_is_also_one_line_on_stderr(tmp_path, policy_dir):
    (policy_dir / "broken.py").write_text(BROKEN)
    result = run(
        "check", "--policy-dir", str(policy_dir), "--format", "json", str(_plan_file(tmp_path, "x"))
    )
    assert result.returncode == 2
    assert result.stderr.decode().startswith("plangate: error: policy T-BROKEN-001")


def test_debug_shows_the_traceback_and_still_exits_2(tmp_path):
    result = run("--debug", "check", str(tmp_path / "missing.json"))
    assert result.returncode == 2 and b"Traceback" in result.stderr


def test_a_waiver_that_matches_nothing_is_warned_about(tmp_path, policy_dir):
    (tmp_path / "plangate.toml").write_text(
        '[[waivers]]\npolicy = "T-PUBLIC-001"\naddress = "aws_s3_bucket.nope"\nreason = "x"\n'
    )
    result = run(
        "check", "--policy-dir", str(policy_dir), str(_plan_file(tmp_path, "x")), cwd=tmp_path
    )
    assert result.returncode == 0
    assert b"warning: waiver T-PUBLIC-001 aws_s3_bucket.nope matched no finding" in result.stderr


def test_version_is_printed():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith(b"plangate ")


def test_a_binary_that_is_not_terraform_gets_a_hint_about_the_binary(tmp_path, real_plan):
    _, planfile = real_plan({"main.tf": 'resource "terraform_data" "x" { input = "y" }\n'})
    result = run("check", "--terraform-bin", "/bin/false", str(planfile))
    assert result.returncode == 2
    assert b"--terraform-bin" in result.stderr and b"exit 1" in result.stderr


def test_stdin_named_twice_is_a_usage_error(tmp_path):
    result = run("check", "-", "-", stdin=b"{}")
    assert result.returncode == 2 and b"more than once" in result.stderr


def test_the_report_says_which_config_file_was_used(tmp_path, policy_dir):
    (tmp_path / "plangate.toml").write_text('fail_on = "critical"\n')
    result = run(
        "check",
        "--policy-dir",
        str(policy_dir),
        "--format",
        "json",
        str(_plan_file(tmp_path, "public")),
        cwd=tmp_path,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["config"] == str(tmp_path / "plangate.toml")
    assert (
        json.loads(
            run("check", "--format", "json", str(_plan_file(tmp_path, "x")), cwd=Path("/")).stdout
        )["config"]
        is None
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--override", "PG-STATE-006"], b"give --reason TEXT"),
        (["--override", "PG-NOPE-001", "--reason", "x"], b"no loaded policy has that id"),
        (["--override", "PG-RDS-001", "--reason", "x"], b"PG-RDS-001: it is hard-mandatory"),
        (["--reason", "x"], b"--reason without --override"),
    ],
)
def test_an_override_that_cannot_apply_is_one_line_and_exit_2_with_an_error_report(
    tmp_path, args, message
):
    sarif = tmp_path / "out.sarif"
    plan = _plan_file(tmp_path, "x")
    result = run("check", "--format", "json", "--output", f"sarif={sarif}", *args, str(plan))
    assert result.returncode == 2 and message in result.stderr
    assert result.stderr.decode().count("\n") == 1 and b"Traceback" not in result.stderr
    assert json.loads(result.stdout)["decision"] == "error" and sarif.is_file()
