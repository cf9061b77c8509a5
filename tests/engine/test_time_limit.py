"""The whole-run time limit: a run that has not decided by then ends with exit 2 and an
error report, whatever the code it is running does to stay alive."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plangate.errors import PlangateError
from plangate.testing import PlanBuilder
from plangate.time_limit import DEFAULT_SECONDS, GRACE_SECONDS, limit_seconds

PLANGATE = str(Path(sys.executable).parent / "plangate")
ENV = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}

POLICY = '''
import signal
import time

from plangate import Severity, policy


@policy(id="T-SLOW-001", title="never ends", severity=Severity.HIGH,
        resource_types=("aws_s3_bucket",))
def never_ends(change):
    """## What it checks
    Nothing, forever.
    ## Why it matters
    Tests.
    ## How to fix
    Nothing.
    """
    BODY
    yield
'''

# Each keeps running past the limit in its own way.
LOOPS = {
    "a loop that catches Exception": """
    while True:
        try:
            sum(range(1000))
        except Exception:
            pass""",
    "a sleep": """
    time.sleep(3600)""",
}
# These also defeat the signal: only the watchdog can end them.
STUBBORN = {
    "a loop that ignores the signal": """
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass""",
    "a loop that catches BaseException": """
    while True:
        try:
            time.sleep(3600)
        except BaseException:
            pass""",
}


def policy_dir(tmp_path: Path, body: str, resource_type: str = "aws_s3_bucket") -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    text = POLICY.replace("    BODY", body.strip("\n")).replace("aws_s3_bucket", resource_type)
    (folder / "slow.py").write_text(text)
    return folder


def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(PlanBuilder().add("aws_s3_bucket.b", {"bucket": "b"}).to_dict()))
    return path


def run(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    result = subprocess.run(
        [PLANGATE, *args],
        capture_output=True,
        cwd=tmp_path,
        env={**ENV, **(env or {})},
        check=False,
        timeout=60,
    )
    return result, time.perf_counter() - started


@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_a_policy_that_never_ends_is_stopped_with_an_error_report_in_every_output(tmp_path, loop):
    policies = policy_dir(tmp_path, LOOPS[loop])
    result, seconds = run(
        tmp_path,
        "check",
        "--timeout",
        "1",
        "--policy-dir",
        str(policies),
        "--format",
        "json",
        "--output",
        "json=report.json",
        "--output",
        "sarif=report.sarif",
        str(plan_file(tmp_path)),
    )
    assert result.returncode == 2
    assert seconds < 1 + GRACE_SECONDS  # the signal, not the watchdog, ended it
    for report in (json.loads(result.stdout), json.loads((tmp_path / "report.json").read_text())):
        assert report["decision"] == "error"
        [error] = report["errors"]
        assert error["kind"] == "timeout"
        assert "within 1 s" in error["message"]
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert result.stderr.decode().count("\n") == 1


def test_the_environment_sets_the_limit_when_the_flag_does_not(tmp_path):
    policies = policy_dir(tmp_path, LOOPS["a sleep"])
    args = ("check", "--format", "json", "--policy-dir", str(policies), str(plan_file(tmp_path)))
    result, seconds = run(tmp_path, *args, env={"PLANGATE_TIMEOUT": "0.5"})
    assert result.returncode == 2 and seconds < 1 + GRACE_SECONDS
    assert json.loads(result.stdout)["errors"][0]["message"].startswith(
        "the check did not finish within 0.5 s"
    )


@pytest.mark.parametrize("loop", sorted(STUBBORN))
def test_code_that_defeats_the_signal_is_ended_by_the_watchdog(tmp_path, loop):
    policies = policy_dir(tmp_path, STUBBORN[loop])
    args = ("check", "--timeout", "1", "--policy-dir", str(policies), str(plan_file(tmp_path)))
    result, seconds = run(tmp_path, *args)
    assert result.returncode == 2
    assert seconds < 1 + GRACE_SECONDS + 5
    [line] = result.stderr.decode().splitlines()
    assert line.startswith("plangate: error: the check did not stop within")


def test_a_repository_config_cannot_lift_the_limit(tmp_path):
    (tmp_path / "plangate.toml").write_text("timeout = 86400\n")
    policies = policy_dir(tmp_path, LOOPS["a sleep"])
    args = ("check", "--policy-dir", str(policies), str(plan_file(tmp_path)))
    result, seconds = run(tmp_path, *args, env={"PLANGATE_TIMEOUT": "1"})
    assert result.returncode == 2 and seconds < 1 + GRACE_SECONDS


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf", "86401"])
def test_a_limit_that_is_not_seconds_above_zero_is_a_usage_error(tmp_path, value):
    plan = str(plan_file(tmp_path))
    flag, _ = run(tmp_path, "check", "--timeout", value, plan)
    assert flag.returncode == 2 and b"--timeout" in flag.stderr
    env, _ = run(tmp_path, "check", plan, env={"PLANGATE_TIMEOUT": value})
    assert env.returncode == 2 and b"PLANGATE_TIMEOUT" in env.stderr


def test_the_flag_wins_over_the_environment_which_wins_over_the_default():
    assert limit_seconds(2.0, {"PLANGATE_TIMEOUT": "7"}) == 2.0
    assert limit_seconds(None, {"PLANGATE_TIMEOUT": "7"}) == 7.0
    assert limit_seconds(None, {"PLANGATE_TIMEOUT": " "}) == DEFAULT_SECONDS
    assert limit_seconds(None, {}) == DEFAULT_SECONDS
    with pytest.raises(PlangateError, match="PLANGATE_TIMEOUT"):
        limit_seconds(None, {"PLANGATE_TIMEOUT": "soon"})


def test_apply_does_not_apply_a_plan_whose_check_ran_out_of_time(tmp_path, terraform_bin):
    policies = policy_dir(tmp_path, LOOPS["a sleep"], "terraform_data")
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.tf").write_text('resource "terraform_data" "x" {\n  input = "x"\n}\n')
    env = {
        "PATH": f"{Path(terraform_bin).parent}:/usr/bin:/bin",
        "TF_IN_AUTOMATION": "1",
        "TF_CLI_CONFIG_FILE": "/dev/null",
    }
    args = ("apply", "--timeout", "1", "--chdir", str(work), "--policy-dir", str(policies))
    result, _ = run(tmp_path, *args, env=env)
    assert result.returncode == 2
    assert b"did not finish within 1 s" in result.stderr
    assert b"not applying" in result.stderr
    assert not (work / "terraform.tfstate").exists()
