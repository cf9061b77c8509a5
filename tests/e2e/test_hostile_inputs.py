"""Small, valid Terraform written to hang the gate: each case must finish in seconds.

Plans are made by the real terraform binary with the stub aws provider (tests/tfstub),
and checked by the installed console script. The bound asserted is generous (the
attacks ran for minutes to hours before); it is the protection, not a benchmark.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tfstub  # the stub-provider harness, registered by tests/conftest.py

ROOT = Path(__file__).resolve().parents[2]
PLANGATE = str(Path(sys.executable).parent / "plangate")
BOUND = 5.0  # seconds


pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not tfstub.terraform_available(), reason="needs terraform"),
]

LOCK_TABLE = """
provider "aws" { region = "us-east-1" }

resource "aws_dynamodb_table" "lock" {
  name     = "terraform-state-lock"
  hash_key = "LockID"
  attribute {
    name = "LockID"
    type = "S"
  }
}

resource "aws_iam_role" "task" {
  name = "app-task"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}
"""


def plan_of(tmp_path: Path, files: dict[str, str], *, modules: bool = False) -> Path:
    """Write the configuration, plan it with the stub provider; the plan JSON's path."""
    work = tmp_path / "work"
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    env = tfstub.stub_env(tmp_path / "env")
    if modules:
        tfstub.init(work, env)
    data, _ = tfstub.plan(work, env)
    path = work / "plan.json"
    path.write_text(json.dumps(data))
    return path


def timed_check(plan: Path, *args: str) -> tuple[int, dict, float]:
    started = time.perf_counter()
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", *args, str(plan)],
        capture_output=True,
        cwd=plan.parent,
        check=False,
    )
    seconds = time.perf_counter() - started
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.returncode, json.loads(result.stdout), seconds


def blocking(report: dict) -> set[tuple[str, str]]:
    return {(f["policy_id"], f["address"]) for f in report["findings"] if f["blocking"]}


def test_iam_patterns_of_thousands_of_stars_are_matched_at_once(tmp_path):
    # As regular expressions, 13 stars took a minute and 16 more than two.
    stars = "*" * 3000
    policy = f"""
resource "aws_iam_role_policy" "hostile" {{
  name = "hostile"
  role = aws_iam_role.task.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Effect   = "Allow"
        Action   = "dynamodb:{stars}Item"
        Resource = "arn:aws:dynamodb:*:*:{stars}lock"
      }},
      {{ Effect = "Allow", Action = "s3:{stars}x", Resource = "arn:aws:s3:::{stars}x" }},
    ]
  }})
}}
"""
    plan = plan_of(tmp_path, {"main.tf": LOCK_TABLE + policy})
    code, report, seconds = timed_check(plan)
    assert seconds < BOUND
    assert code == 1
    assert blocking(report) == {("PG-STATE-001", "aws_iam_role_policy.hostile")}


def test_a_role_passed_through_every_input_of_ten_nested_modules_is_followed_at_once(tmp_path):
    # 5 ** 10 paths from the role policy to the role: walked one by one, 108 s.
    width, depth = 5, 10
    joined = 'join("", [' + ", ".join(f"var.v{j}" for j in range(width)) + "])"
    files = {
        "main.tf": LOCK_TABLE
        + 'module "l1" {\n  source = "./modules/l1"\n'
        + "".join(f"  v{j} = aws_iam_role.task.id\n" for j in range(width))
        + "}\n"
    }
    for level in range(1, depth + 1):
        text = "".join(f'variable "v{j}" {{}}\n' for j in range(width))
        if level < depth:
            text += f'module "l{level + 1}" {{\n  source = "../l{level + 1}"\n'
            text += "".join(f"  v{j} = {joined}\n" for j in range(width)) + "}\n"
        else:
            text += f"""
resource "aws_iam_role_policy" "leaf" {{
  name   = "leaf"
  role   = {joined}
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = "*" }}]
  }})
}}
"""
        files[f"modules/l{level}/main.tf"] = text
    plan = plan_of(tmp_path, files, modules=True)
    code, report, seconds = timed_check(plan)
    assert seconds < BOUND
    assert code == 1
    leaf = "".join(f"module.l{n}." for n in range(1, depth + 1)) + "aws_iam_role_policy.leaf"
    assert blocking(report) == {("PG-STATE-001", leaf)}


def test_an_update_of_a_large_multi_line_policy_is_described_by_its_size_at_once(tmp_path):
    # The change description diffed the two 700 KB documents line by line (every other
    # statement differs): 5 s at 460 KB, quadratic in the size.
    def document(sid: str) -> str:
        statements = [
            {"Sid": f"S{n}{sid * (n % 2)}", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}
            for n in range(6000)
        ]
        grant = {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}
        return json.dumps({"Version": "2012-10-17", "Statement": [grant, *statements]}, indent=2)

    work, env = tmp_path / "work", tfstub.stub_env(tmp_path / "env")
    work.mkdir()
    (work / "main.tf").write_text(
        LOCK_TABLE
        + """
resource "aws_iam_role_policy" "big" {
  name   = "big"
  role   = aws_iam_role.task.id
  policy = file("${path.module}/policy.json")
}
"""
    )
    (work / "policy.json").write_text(document("a"))
    _, planfile = tfstub.plan(work, env)
    tfstub.apply(work, env, planfile)
    (work / "policy.json").write_text(document("b"))
    data, _ = tfstub.plan(work, env)
    (work / "plan.json").write_text(json.dumps(data))
    code, report, seconds = timed_check(work / "plan.json")
    assert seconds < BOUND
    assert code == 1
    [finding] = [f for f in report["findings"] if f["address"] == "aws_iam_role_policy.big"]
    assert finding["changes"] == [
        f"policy: changes ({len(document('b')):,} characters, not compared)"
    ]
