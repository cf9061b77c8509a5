"""Lock-table and state-bucket names given to plangate are names AWS would accept: a bad
one (a typo, a pattern, control characters) matched nothing and guarded nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from plangate.testing import PlanBuilder

PLANGATE = str(Path(sys.executable).parent / "plangate")


def check(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (work / "plan.json").write_text(json.dumps(PlanBuilder().to_dict()))
    return subprocess.run(
        [PLANGATE, "check", *args, "plan.json"], cwd=work, capture_output=True, text=True
    )


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    return line


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--lock-table", "tf-*"], "--lock-table: holds 'tf-*', which is a pattern"),
        (["--lock-table", "ab"], "--lock-table: holds 'ab', which is not a DynamoDB table"),
        (["--lock-table", "lock table"], "holds 'lock table', which is not a DynamoDB table"),
        (["--state-bucket", "Acme_State"], "--state-bucket: holds 'Acme_State', which is not"),
        (["--state-bucket", "x" * 64], "which is not an S3 bucket name: 3 to 63"),
        (["--state-bucket", "state\x1b[2J"], "holds 'state\\x1b[2J', which is not an S3"),
    ],
    ids=["glob", "short", "space", "upper-underscore", "too-long", "control"],
)
def test_a_bad_name_on_the_command_line_is_a_usage_error(tmp_path: Path, args, says):
    assert says in error_line(check(tmp_path, *args))


def test_a_bad_name_in_a_config_file_is_a_config_error(tmp_path: Path):
    (tmp_path / "plangate.toml").write_text('[packs.state_backend]\nlock_tables = ["locks?"]\n')
    line = error_line(check(tmp_path))
    assert "packs.state_backend.lock_tables holds 'locks?', which is a pattern" in line


def test_a_bad_name_in_the_recorded_backend_is_a_backend_error(tmp_path: Path):
    (tmp_path / ".terraform").mkdir()
    recorded = {"backend": {"type": "s3", "config": {"bucket": "state\n::warning::x"}}}
    (tmp_path / ".terraform" / "terraform.tfstate").write_text(json.dumps(recorded))
    line = error_line(check(tmp_path))
    assert line.startswith(
        "plangate: error: .terraform/terraform.tfstate: bucket 'state\\n::warning::x' is not "
        "an S3 bucket name"
    )


def test_names_aws_accepts_are_taken(tmp_path: Path):
    arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/locks"
    names = ["--lock-table", "Terraform_Locks.v2", "--lock-table", arn]
    result = check(tmp_path, *names, "--state-bucket", "acme.tf-state")
    assert result.returncode == 0, result.stderr
