"""The local pre-apply gate, and what plangate reads from `terraform init`'s record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from plangate.errors import PlangateError
from plangate.reporters import format_names
from plangate.terraform import MAX_BACKEND_BYTES, read_backend

PLANGATE = str(Path(sys.executable).parent / "plangate")

BLOCK_ALL = '''
from plangate import Severity, finding, policy


@policy(id="T-APPLY-001", title="blocks terraform_data named bad", severity=Severity.HIGH,
        resource_types=("terraform_data",))
def bad(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    if change.after_value("input") == "bad":
        yield finding(change, "bad input", attribute="input")
'''


def _apply(
    workdir: Path, policies: Path, terraform_bin: str, value: str, *flags: str
) -> subprocess.CompletedProcess:
    (workdir / "main.tf").write_text(
        'variable "v" {}\nresource "terraform_data" "x" { input = var.v }\n'
    )
    env = {
        "PATH": f"{Path(terraform_bin).parent}:/usr/bin:/bin",
        "TF_IN_AUTOMATION": "1",
        "TF_CLI_CONFIG_FILE": "/dev/null",
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [
            PLANGATE,
            "apply",
            "--chdir",
            str(workdir),
            "--policy-dir",
            str(policies),
            *flags,
            "--",
            f"-var=v={value}",
        ],
        capture_output=True,
        env=env,
        check=False,
    )


def test_apply_applies_a_passing_plan_and_refuses_a_blocked_one(tmp_path, terraform_bin):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "bad.py").write_text(BLOCK_ALL)
    work = tmp_path / "work"
    work.mkdir()

    blocked = _apply(work, policies, terraform_bin, "bad")
    assert blocked.returncode == 1, blocked.stderr
    assert b"not applying" in blocked.stderr
    assert not (work / "terraform.tfstate").exists()

    passed = _apply(work, policies, terraform_bin, "good")
    assert passed.returncode == 0, passed.stderr
    state = json.loads((work / "terraform.tfstate").read_text())
    assert state["resources"][0]["instances"][0]["attributes"]["input"]["value"] == "good"


@pytest.mark.parametrize("fmt", format_names())
def test_apply_never_applies_a_blocked_plan_whatever_the_format_exits(tmp_path, terraform_bin, fmt):
    # `--format atlantis` exits 0 for a blocked plan (Atlantis reads the FAIL lines);
    # apply must act on the decision, not on that exit code.
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "bad.py").write_text(BLOCK_ALL)
    work = tmp_path / "work"
    work.mkdir()
    report = tmp_path / "report.json"
    blocked = _apply(
        work, policies, terraform_bin, "bad", "--format", fmt, "--output", f"json={report}"
    )
    assert blocked.returncode == 1, blocked.stderr
    assert b"not applying (decision: block)" in blocked.stderr
    assert not (work / "terraform.tfstate").exists()
    assert json.loads(report.read_text())["decision"] == "block"  # still written


def test_apply_applies_a_passing_plan_with_the_atlantis_format(tmp_path, terraform_bin):
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "bad.py").write_text(BLOCK_ALL)
    work = tmp_path / "work"
    work.mkdir()
    passed = _apply(work, policies, terraform_bin, "good", "--format", "atlantis")
    assert passed.returncode == 0, passed.stderr
    assert b"plangate" in passed.stdout  # the atlantis report was printed
    assert (work / "terraform.tfstate").exists()


def _init_record(folder: Path) -> None:
    (folder / ".terraform").mkdir(parents=True)
    (folder / ".terraform" / "terraform.tfstate").write_text(
        json.dumps(
            {
                "version": 3,
                "backend": {
                    "type": "s3",
                    "config": {
                        "bucket": "acme-terraform-state",
                        "key": "app/terraform.tfstate",
                        "dynamodb_table": "terraform-state-lock",
                        "region": "us-east-1",
                        "access_key": "AKIAEXAMPLESECRET1",
                        "secret_key": "very-secret-key-value",
                    },
                },
            }
        )
    )


def test_the_backend_recorded_by_init_is_read_without_its_credentials(tmp_path):
    _init_record(tmp_path)
    # Only the fields some pack declares are read; the credentials never are, even when
    # a pack asks for fields of another backend type by the same names.
    wanted = {"s3": ["bucket", "dynamodb_table", "key"], "gcs": ["secret_key"]}
    backend = read_backend(str(tmp_path), wanted)
    assert backend is not None
    assert (backend.type, dict(backend.fields)) == (
        "s3",
        {
            "bucket": "acme-terraform-state",
            "dynamodb_table": "terraform-state-lock",
            "key": "app/terraform.tfstate",
        },
    )
    assert "very-secret-key-value" not in repr(backend)
    assert read_backend(str(tmp_path)).fields == ()  # nobody asked for anything


def test_the_report_names_the_backend_and_never_its_credentials(tmp_path):
    from plangate.testing import PlanBuilder

    _init_record(tmp_path)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PlanBuilder().add("aws_s3_bucket.b", {"bucket": "b"}).to_dict()))
    for fmt in ("json", "text"):
        result = subprocess.run(
            [PLANGATE, "check", "--chdir", str(tmp_path), "--format", fmt, str(plan)],
            capture_output=True,
            check=False,
        )
        assert result.returncode in (0, 1), result.stderr
        assert b"terraform-state-lock" in result.stdout
        assert b"very-secret-key-value" not in result.stdout + result.stderr
        assert b"AKIAEXAMPLESECRET1" not in result.stdout + result.stderr


@pytest.mark.parametrize("shape", ["symlink", "fifo", "huge", "deep"])
def test_a_backend_record_terraform_never_writes_is_a_backend_error(tmp_path, shape):
    # A checkout may commit `.terraform/terraform.tfstate`: a symlink to a file it does
    # not own, a FIFO, a file of gigabytes, or JSON nested past the parser's limit. Each
    # is one backend error (exit 2), never a silent "no backend", a hang or a traceback.
    record = tmp_path / ".terraform" / "terraform.tfstate"
    record.parent.mkdir()
    if shape == "symlink":
        target = tmp_path / "elsewhere.json"
        target.write_text(json.dumps({"backend": {"type": "s3", "config": {}}}))
        record.symlink_to(target)
    elif shape == "fifo":
        os.mkfifo(record)
    elif shape == "huge":
        record.write_text(" " * (MAX_BACKEND_BYTES + 1) + "{}")
    else:
        record.write_text("[" * 100_000)
    with pytest.raises(PlangateError, match="cannot read the backend"):
        read_backend(str(tmp_path), {"s3": ["bucket"]})
