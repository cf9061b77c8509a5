"""The state plane of the assurance map on plans written by the real terraform binary
(stub aws provider): every role that may touch the backend is drawn, with who may
assume it, and only the application's break the invariant."""

from __future__ import annotations

from pathlib import Path

import pytest
import tfstub  # the stub-provider harness, registered by tests/conftest.py
from plangate import Gate, Plan

pytestmark = pytest.mark.skipif(not tfstub.terraform_available(), reason="needs terraform")

CONFIG = """
resource "aws_dynamodb_table" "lock" {
  name         = "terraform-state-lock"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"
  attribute {
    name = "LockID"
    type = "S"
  }
}

resource "aws_iam_role" "deploy" {
  name = "terraform-deploy"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = {
        Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
      }
    }]
  })
}

resource "aws_iam_role_policy" "deploy" {
  name = "terraform-locks"
  role = aws_iam_role.deploy.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Sid      = "Locks"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
      Resource = aws_dynamodb_table.lock.arn
    }]
  })
}

resource "aws_iam_role" "admin" {
  name = "break-glass"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::123456789012:user/alice" }
    }]
  })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}
"""

TASK = """
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

resource "aws_iam_role_policy" "task" {
  name = "everything"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:*", Resource = "*" }]
  })
}
"""


def _map(tmp_path: Path, config: str) -> dict:
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.tf").write_text(config)
    data, _ = tfstub.plan(work, tfstub.stub_env(tmp_path / "env"))
    report = Gate().check([Plan(data, "plan.json")], map=True)
    assert not report.errors, report.errors
    [model] = report.maps
    return model


def test_ci_and_people_s_roles_are_drawn_with_who_may_assume_them_and_break_nothing(tmp_path):
    model = _map(tmp_path, CONFIG)
    [lock] = model["packs"]["state_backend"]["targets"]
    who = {
        p["principal"]: ([(t["kind"], t["who"]) for t in p["assumed_by"]], p["application"])
        for p in lock["principals"]
    }
    assert who == {
        "aws_iam_role.deploy": ([("ci", "GitHub Actions (OIDC)")], False),
        "aws_iam_role.admin": ([("person", "IAM user alice (123456789012)")], False),
    }
    [invariant] = [i for i in model["invariants"] if i["id"] == "state_backend.planes_apart"]
    assert invariant["holds"] == "yes"
    [plane] = [p for p in model["planes"] if p["id"] == "state_backend.state"]
    assert not any(e["violation"] for e in plane["edges"])


def test_the_application_s_role_beside_them_is_drawn_in_red_and_breaks_the_invariant(tmp_path):
    model = _map(tmp_path, CONFIG + TASK)
    [lock] = model["packs"]["state_backend"]["targets"]
    application = {p["principal"] for p in lock["principals"] if p["application"]}
    assert application == {"aws_iam_role.task"}
    [invariant] = [i for i in model["invariants"] if i["id"] == "state_backend.planes_apart"]
    assert invariant["holds"] == "no"
    assert {b["policy_id"] for b in invariant["broken_by"]} == {"PG-STATE-001"}
    [plane] = [p for p in model["planes"] if p["id"] == "state_backend.state"]
    nodes = {n["id"]: n for n in plane["nodes"]}
    red = {nodes[e["from"]]["address"] for e in plane["edges"] if e["violation"]}
    assert red == {"aws_iam_role.task"}
