"""PG-STATE-001 on plans written by the real terraform binary (stub aws provider): every
resource that attaches policies to a role, as Terraform writes it in a first plan."""

from __future__ import annotations

from pathlib import Path

import pytest
import tfstub  # the stub-provider harness, registered by tests/conftest.py
from plangate import Plan
from plangate.policies.state_backend.iam_grant import iam_grant
from plangate.testing import run_policy, summarise

pytestmark = pytest.mark.skipif(not tfstub.terraform_available(), reason="needs terraform")

BASE = """
resource "aws_dynamodb_table" "lock" {
  name         = "terraform-state-lock"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"
  attribute {
    name = "LockID"
    type = "S"
  }
}

resource "aws_iam_role" "task" {
  name = "app-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}
"""


def _plan(tmp_path: Path, config: str) -> Plan:
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.tf").write_text(BASE + config)
    data, _ = tfstub.plan(work, tfstub.stub_env(tmp_path / "env"))
    return Plan(data, "plan.json")


def test_dynamodb_full_access_attached_by_the_exclusive_attachments_resource_is_blocked(
    tmp_path,
):
    # aws_iam_role_policy_attachments_exclusive (provider 5.80+) attaches managed
    # policies by role name: the policy read no such resource, and the plan passed.
    plan = _plan(
        tmp_path,
        """
resource "aws_iam_role_policy_attachments_exclusive" "task" {
  role_name   = aws_iam_role.task.name
  policy_arns = ["arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]
}
""",
    )
    findings = run_policy(iam_grant, plan)
    assert summarise(findings) == [
        (
            "PG-STATE-001",
            "aws_iam_role_policy_attachments_exclusive.task",
            "policy_arns",
            "certain",
        )
    ]
    assert "AmazonDynamoDBFullAccess" in findings[0].message
