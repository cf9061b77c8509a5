"""No output, in any format, holds a secret of a plan Terraform wrote, in any escaped form.

The configuration (stub AWS provider) is an attacker's view of a repository: it cannot
read the secrets, but it can arrange for plangate to quote them. A policy document and
container definitions marked sensitive with `sensitive()` (newer AWS providers mark
`container_definitions` sensitive themselves), a lock table (by its shape) named from a
sensitive variable, so that the report's state backend rows name it, a sensitive
variable holding `"`, `<`,
`>` and `&` (so `jsonencode` escapes it), and credentials Terraform does not mark at
all: an API key in container definitions, a token and an AWS secret key in a Lambda's
environment, a password in a tag. It is planned, applied, and planned again with every
secret rotated, so that updates bring change descriptions.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import tfstub  # the stub-provider harness, registered by tests/conftest.py
from plangate.reporters import format_names
from plangate.values import has_true

pytestmark = pytest.mark.skipif(not tfstub.terraform_available(), reason="needs terraform")

PLANGATE = str(Path(sys.executable).parent / "plangate")

CONFIG = """
variable "db_password" {
  type      = string
  sensitive = true
}
variable "lock_name" {
  type      = string
  sensitive = true
}
variable "api_key" { type = string }
variable "token" { type = string }
variable "action" { type = string }

resource "aws_dynamodb_table" "lock" {
  name         = "tf-lock"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"
  attribute {
    name = "LockID"
    type = "S"
  }
}

resource "aws_dynamodb_table" "hidden" {
  name         = var.lock_name
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

resource "aws_iam_role_policy" "task" {
  name = "task"
  role = aws_iam_role.task.id
  policy = sensitive(jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "SecretSidZebra42"
      Effect   = "Allow"
      Action   = [var.action]
      Resource = "arn:aws:dynamodb:us-east-1:123456789012:table/tf-lock"
    }]
  }))
}

resource "aws_ecs_task_definition" "api" {
  family        = "api"
  task_role_arn = aws_iam_role.task.arn
  container_definitions = sensitive(jsonencode([{
    name  = "api"
    image = "nginx"
    environment = [
      { name = "LOCK_TABLE_HIDDENNAME", value = "tf-lock" },
      { name = "DB_PASSWORD", value = var.db_password },
    ]
  }]))
}

resource "aws_ecs_task_definition" "worker" {
  family        = "worker"
  task_role_arn = aws_iam_role.task.arn
  container_definitions = jsonencode([{
    name  = "worker"
    image = "nginx"
    environment = [
      { name = "LOCK_TABLE", value = "tf-lock" },
      { name = "SERVICE_API_KEY", value = var.api_key },
    ]
  }])
}

resource "aws_iam_role" "fn" {
  name = "fn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "fn.zip"
  environment {
    variables = {
      LOCK_TABLE            = "tf-lock"
      GITHUB_TOKEN          = var.token
      AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG-${var.token}"
    }
  }
  tags = { db_password = "tag-${var.api_key}" }
}
"""

FIRST = {
    "db_password": 'Pa"ss<w>&rd\n-0001',
    "api_key": "ak-live-<9f8e7d6c>",
    "token": "ghp_lambdaToken12345",
    "action": "dynamodb:PutItem",
    "lock_name": "hidden-lock-Quokka7",
}
ROTATED = {
    "db_password": 'Pa"ss<w>&rd\n-0002',
    "api_key": 'ak-live-<rotated&"x>',
    "token": "ghp_rotatedToken67890",
    "action": "dynamodb:GetItem",
    "lock_name": "hidden-lock-Quokka7",
}


def _secrets(values: dict[str, str]) -> set[str]:
    """What no output may hold: the secrets as Terraform stores them, and the strings of
    the sensitive documents (a statement id, an environment variable name, an action)."""
    return {
        values["db_password"],
        values["api_key"],
        values["token"],
        f"wJalrXUtnFEMI/K7MDENG-{values['token']}",
        f"tag-{values['api_key']}",
        values["action"],
        values["lock_name"],
        "SecretSidZebra42",
        "LOCK_TABLE_HIDDENNAME",
    }


def _go_html(text: str) -> str:
    """How Terraform's jsonencode writes a string (Go's encoder escapes HTML characters)."""
    return (
        json.dumps(text, ensure_ascii=False)[1:-1]
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def escaped(text: str) -> set[str]:
    """A secret and the forms it takes escaped once or twice: JSON, jsonencode, repr."""
    ways = (
        lambda s: json.dumps(s)[1:-1],
        lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
        _go_html,
        lambda s: repr(s)[1:-1],
    )
    once = {text, *(way(text) for way in ways)}
    return once | {way(form) for form in once for way in ways}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Both plans through every format: {(plan, format): stdout + stderr + --output}."""
    work = tmp_path_factory.mktemp("secrets")
    (work / "main.tf").write_text(CONFIG)
    env = tfstub.stub_env(tmp_path_factory.mktemp("env"))
    first, planfile = tfstub.plan(work, env, FIRST)
    tfstub.apply(work, env, planfile)
    second, _ = tfstub.plan(work, env, ROTATED)
    texts: dict[tuple[str, str], str] = {}
    reports: dict[str, dict] = {}
    for name, plan in (("first", first), ("rotated", second)):
        path = work / f"plan-{name}.json"
        path.write_text(json.dumps(plan))
        for fmt in format_names():
            target = work / f"{name}.{fmt}"
            outputs = ["--output", f"{fmt}={target}", "--output", f"json={work / 'r.json'}"]
            result = subprocess.run(
                [PLANGATE, "check", "--no-entry-points", "--format", fmt, str(path), *outputs],
                capture_output=True,
                check=False,
                env={"PATH": os.environ["PATH"], "NO_COLOR": "1"},
            )
            assert result.returncode in (0, 1), result.stderr.decode(errors="replace")
            texts[name, fmt] = (result.stdout + result.stderr + target.read_bytes()).decode()
        reports[name] = json.loads((work / "r.json").read_text())
    return SimpleNamespace(texts=texts, reports=reports, plans={"first": first, "rotated": second})


def test_the_plans_mark_what_terraform_marks_and_leave_the_credentials_unmarked(outputs):
    changes = {c["address"]: c["change"] for c in outputs.plans["rotated"]["resource_changes"]}
    assert changes["aws_iam_role_policy.task"]["after_sensitive"]["policy"] is True
    assert changes["aws_ecs_task_definition.api"]["after_sensitive"]["container_definitions"]
    assert (
        "container_definitions" not in changes["aws_ecs_task_definition.worker"]["after_sensitive"]
    )
    assert not has_true(changes["aws_lambda_function.fn"]["after_sensitive"].get("environment"))
    worker = changes["aws_ecs_task_definition.worker"]["after"]["container_definitions"]
    assert 'ak-live-\\u003crotated\\u0026\\"x\\u003e' in worker, "jsonencode escaped it"


@pytest.mark.parametrize("fmt", format_names())
@pytest.mark.parametrize("plan", ["first", "rotated"])
def test_no_output_holds_a_secret_in_any_escaped_form(outputs, plan: str, fmt: str):
    shown = outputs.texts[plan, fmt]
    secrets = _secrets(FIRST) | (_secrets(ROTATED) if plan == "rotated" else set())
    leaked = {form for secret in secrets for form in escaped(secret) if form in shown}
    assert not leaked


@pytest.mark.parametrize("plan", ["first", "rotated"])
def test_the_findings_are_still_there_and_name_what_is_public(outputs, plan: str):
    """Redaction must not hide the finding or garble what the plan shows in clear."""
    findings = {(f["policy_id"], f["address"]): f for f in outputs.reports[plan]["findings"]}
    grant = findings["PG-STATE-001", "aws_iam_role_policy.task"]
    assert 'lock table "tf-lock"' in grant["message"]
    assert 'statement "(sensitive value)"' in grant["message"]
    assert grant["chain"][:3] == [
        "aws_ecs_task_definition.api",
        "aws_iam_role.task",
        "aws_iam_role_policy.task",
    ]
    leak = findings["PG-STATE-003", "aws_ecs_task_definition.api"]
    assert "environment variable (sensitive value)" in leak["message"]
    assert 'names the lock table "tf-lock"' in leak["message"]
    worker = findings["PG-STATE-003", "aws_ecs_task_definition.worker"]
    assert "environment variable LOCK_TABLE of container" in worker["message"]
    assert ("PG-STATE-003", "aws_lambda_function.fn") in findings


def test_a_sensitive_attribute_change_says_only_that_it_changes(outputs):
    findings = {(f["policy_id"], f["address"]): f for f in outputs.reports["rotated"]["findings"]}
    assert findings["PG-STATE-001", "aws_iam_role_policy.task"]["changes"] == [
        "policy: sensitive value changes"
    ]
    lambda_change = findings["PG-STATE-003", "aws_lambda_function.fn"]["changes"]
    assert any("GITHUB_TOKEN" in line and "(sensitive value)" in line for line in lambda_change)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"
_CREDENTIAL = re.compile(
    r"pass(word|wd|phrase)|secret|token|api_?key|private_?key|credential", re.I
)
_REFERENCE = re.compile(r"(_|^)(arn|id|name|kms_key_id)$", re.I)


def _marked(value: object, marker: object, into: set[str]) -> None:
    """Values under a `true` sensitivity marker, collected the test's own way."""
    if marker is True:
        if isinstance(value, dict):
            for item in value.values():
                _marked(item, True, into)
        elif isinstance(value, list):
            for item in value:
                _marked(item, True, into)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            into.add(str(value))
    elif isinstance(marker, dict) and isinstance(value, dict):
        for key, sub in marker.items():
            _marked(value.get(key), sub, into)
    elif isinstance(marker, list) and isinstance(value, list):
        for item, sub in zip(value, marker, strict=False):
            _marked(item, sub, into)


def _credentials(value: object, into: set[str]) -> None:
    """Values under credential-like names in maps, name/value entries and JSON strings."""
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str) and _CREDENTIAL.search(name) and "value" in value:
            into.add(str(value["value"]))
        for key, item in value.items():
            if isinstance(item, str) and _CREDENTIAL.search(key) and not _REFERENCE.search(key):
                into.add(item)
            elif isinstance(item, str) and item.lstrip().startswith(("{", "[")):
                with contextlib.suppress(ValueError):
                    _credentials(json.loads(item), into)
            else:
                _credentials(item, into)
    elif isinstance(value, list):
        for item in value:
            _credentials(item, into)


def _plan_secrets(plan: dict) -> set[str]:
    found: set[str] = set()
    for rc in plan.get("resource_changes", ()):
        change = rc["change"]
        for side in ("after", "before"):
            _marked(change.get(side), change.get(f"{side}_sensitive"), found)
            _credentials(change.get(side), found)
    declared = plan.get("configuration", {}).get("root_module", {}).get("variables", {})
    for name, variable in plan.get("variables", {}).items():
        if declared.get(name, {}).get("sensitive") or _CREDENTIAL.search(name):
            _marked(variable.get("value"), True, found)
    return {s for s in found if len(s) >= 4}


def test_no_output_holds_a_secret_of_the_example_plans(tmp_path: Path):
    paths = sorted(p for p in EXAMPLES.glob("*.json") if p.name != "index.json")
    secrets = set().union(*(_plan_secrets(json.loads(p.read_text())) for p in paths))
    assert "example-only-not-a-secret" in secrets
    for fmt in format_names():
        target = tmp_path / f"out.{fmt}"
        args = ["--no-entry-points", "--format", fmt, "--output", f"{fmt}={target}"]
        result = subprocess.run(
            [PLANGATE, "check", *args, *map(str, paths)],
            capture_output=True,
            check=False,
            env={"PATH": os.environ["PATH"], "NO_COLOR": "1"},
        )
        assert result.returncode in (0, 1), result.stderr.decode(errors="replace")
        shown = (result.stdout + result.stderr + target.read_bytes()).decode()
        assert not {form for s in secrets for form in escaped(s) if form in shown}, fmt
