"""Redaction by construction: what a policy can quote and what it cannot, whatever it
writes. The plans are built in Terraform's shape with the test kit; the stub-provider
plans (test_redaction_real_plans.py) cover the same ground end to end."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from plangate import Severity, finding, policy
from plangate.redaction import REDACTED, redactor_for
from plangate.runner import run_policies
from plangate.testing import PlanBuilder

SECRET = 'Hunter2"<correct>&horse\nbattery'


def _quoting(message, *, attribute=None, chain=(), types=("aws_db_instance",)):
    """A policy that writes `message(change)` for every resource of `types`."""

    @policy(id="T-RED-001", title="quotes", severity=Severity.HIGH, resource_types=types)
    def quotes(change):
        """## What it checks
        x
        ## Why it matters
        x
        ## How to fix
        x
        """
        yield finding(change, message(change), attribute=attribute, chain=chain)

    return quotes


def _messages(builder: PlanBuilder, message, **kwargs) -> list[str]:
    outcome = run_policies([builder.build()], [_quoting(message, **kwargs)])
    return [f.message for f in outcome.findings]


def _db(**values) -> PlanBuilder:
    return PlanBuilder().add(
        "aws_db_instance.main", {"password": SECRET, **values}, sensitive=["password"]
    )


@pytest.mark.parametrize(
    "form",
    [
        json.dumps(SECRET)[1:-1],
        json.dumps(SECRET, ensure_ascii=False)[1:-1],
        json.dumps(SECRET)[1:-1]
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026"),
        repr(SECRET)[1:-1],
        json.dumps(json.dumps(SECRET))[1:-1],
    ],
    ids=["json", "json-unicode", "jsonencode", "repr", "json-in-json"],
)
def test_a_sensitive_value_quoted_in_an_escaped_form_is_withheld(form: str):
    [message] = _messages(_db(), lambda change: f"the document says {form}")
    assert message.startswith("the document says ") and REDACTED in message
    assert "Hunter2" not in message and "battery" not in message and "horse" not in message


def test_an_exception_is_cleaned_whole_before_it_is_cut():
    """A secret split by the 200-character cut or by a line break must not leave half."""
    long = "s3cr3t-" + "x" * 40

    @policy(
        id="T-RED-002", title="raises", severity=Severity.HIGH, resource_types=("aws_db_instance",)
    )
    def raises(change):
        """## What it checks
        x
        ## Why it matters
        x
        ## How to fix
        x
        """
        raise ValueError("a" * 180 + change.after_value("password"))
        yield

    builder = PlanBuilder().add(
        "aws_db_instance.main", {"password": long + "\nline-two-of-it"}, sensitive=["password"]
    )
    [error] = run_policies([builder.build()], [raises]).errors
    assert "s3cr3t" not in error.message and "line-two" not in error.message
    assert REDACTED in error.message or error.message.endswith("a")


def test_a_statement_id_of_a_sensitive_policy_is_withheld_from_any_finding():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "HiddenSid123", "Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}
        ],
    }
    builder = PlanBuilder()
    builder.add(
        "aws_iam_role_policy.secret", {"policy": json.dumps(document)}, sensitive=["policy"]
    )
    builder.add("aws_db_instance.main", {"identifier": "db"})
    [message] = _messages(builder, lambda change: 'statement "HiddenSid123" grants dynamodb:*')
    assert "HiddenSid123" not in message


def test_common_words_of_a_sensitive_document_do_not_garble_any_finding():
    """`Allow`, a version date and an action that a readable policy of the plan shows in
    clear are no secret: no finding loses them, while the statement id stays withheld."""
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "HiddenSid123", "Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}
        ],
    }
    builder = PlanBuilder()
    builder.add(
        "aws_iam_role_policy.secret", {"policy": json.dumps(document)}, sensitive=["policy"]
    )
    readable = dict(document, Statement=[dict(document["Statement"][0], Sid="Open")])
    builder.add("aws_iam_role_policy.open", {"policy": json.dumps(readable)})
    builder.add("aws_db_instance.main", {"identifier": "db"})
    messages = _messages(
        builder,
        lambda change: "Allow dynamodb:* (2012-10-17) in HiddenSid123",
        attribute="policy",
        types=("aws_iam_role_policy", "aws_db_instance"),
    )
    assert messages == [f"Allow dynamodb:* (2012-10-17) in {REDACTED}"] * 3


def test_a_finding_on_a_sensitive_attribute_quotes_nothing_from_it_and_says_only_that_it_changes():
    builder = PlanBuilder().add(
        "aws_ecs_task_definition.api",
        {
            "container_definitions": json.dumps(
                [{"name": "web-api", "environment": [{"name": "LOCK_NAME", "value": "v2"}]}]
            )
        },
        action="update",
        before={"container_definitions": json.dumps([{"name": "web-api", "environment": []}])},
        sensitive=["container_definitions"],
    )
    outcome = run_policies(
        [builder.build()],
        [
            _quoting(
                lambda change: 'environment variable LOCK_NAME of container "web-api"',
                attribute="container_definitions",
                types=("aws_ecs_task_definition",),
            )
        ],
    )
    [found] = outcome.findings
    assert found.message == f'environment variable {REDACTED} of container "{REDACTED}"'
    assert found.changes == ("container_definitions: sensitive value changes",)


@pytest.mark.parametrize(
    ("where", "name"),
    [
        ("environment", "DB_PASSWORD"),
        ("environment", "dbPassword"),
        ("environment", "x-api-key"),
        ("environment", "GITHUB_TOKEN"),
        ("environment", "AWS_SECRET_ACCESS_KEY"),
        ("tags", "deploy_private_key"),
        ("container", "SERVICE_API_KEY"),
        ("container", "Client_Secret"),
    ],
)
def test_a_value_under_a_credential_name_is_withheld_though_terraform_did_not_mark_it(
    where: str, name: str
):
    value = "cr3d-<value>&1"
    if where == "environment":
        after = {"environment": [{"variables": {name: value, "PLAIN": "visible-value"}}]}
    elif where == "tags":
        after = {"tags": {name: value, "team": "visible-value"}}
    else:
        entries = [{"name": name, "value": value}, {"name": "PLAIN", "value": "visible-value"}]
        after = {"container_definitions": json.dumps([{"name": "c", "environment": entries}])}
    builder = PlanBuilder().add("aws_lambda_function.fn", after)
    encoded = (
        json.dumps(value)[1:-1]
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    [message] = _messages(
        builder,
        lambda change: f"{value} / {encoded} / visible-value",
        types=("aws_lambda_function",),
    )
    assert message == f"{REDACTED} / {REDACTED} / visible-value"


def test_references_to_a_secret_are_not_credentials():
    builder = PlanBuilder().add(
        "aws_db_instance.main",
        {"master_user_secret": [{"secret_arn": "arn:aws:secretsmanager:us-east-1:1:secret:db"}]},
    )
    [message] = _messages(builder, lambda change: "arn:aws:secretsmanager:us-east-1:1:secret:db")
    assert message == "arn:aws:secretsmanager:us-east-1:1:secret:db"


def test_a_secret_equal_to_a_resource_name_leaves_addresses_whole():
    builder = PlanBuilder()
    builder.add("aws_db_instance.primary", {"password": "primary"}, sensitive=["password"])
    outcome = run_policies(
        [builder.build()],
        [
            _quoting(
                lambda change: "aws_db_instance.primary has password primary",
                chain=("aws_db_instance.primary",),
            )
        ],
    )
    [found] = outcome.findings
    assert found.address == "aws_db_instance.primary"
    assert found.chain == ("aws_db_instance.primary",)
    assert found.message == f"aws_db_instance.primary has password {REDACTED}"


def test_short_strings_booleans_and_numbers_inside_words_are_not_withheld():
    builder = PlanBuilder().add(
        "aws_db_instance.main",
        {"password": "abc", "port": 5432, "iam": True},
        sensitive=["password", "port", "iam"],
    )
    [message] = _messages(builder, lambda change: "abc True port 54321, not 5432")
    assert message == f"abc True port 54321, not {REDACTED}"


def test_the_redactor_is_built_once_per_plan():
    plan = _db().build()
    assert redactor_for(plan) is redactor_for(plan)


def test_a_change_inside_an_attribute_sensitive_elsewhere_is_not_described():
    """The finding names a readable part of an attribute whose other part is sensitive:
    the attribute is sensitive anywhere inside, so neither the message nor the change
    description quotes any of it."""
    builder = PlanBuilder().add(
        "aws_lambda_function.fn",
        {"environment": [{"variables": {"MODE": "new-mode", "SEED": "seed-after-1"}}]},
        action="update",
        before={"environment": [{"variables": {"MODE": "old-mode", "SEED": "seed-before-1"}}]},
        sensitive=["environment.0.variables.SEED"],
    )
    outcome = run_policies(
        [builder.build()],
        [
            _quoting(
                lambda change: "mode becomes new-mode",
                attribute="environment.0.variables.MODE",
                types=("aws_lambda_function",),
            )
        ],
    )
    [found] = outcome.findings
    assert found.message == f"mode becomes {REDACTED}"
    assert found.changes == ("environment.0.variables.MODE: sensitive value changes",)


def test_a_secret_cut_short_in_a_change_description_leaves_no_beginning():
    """`explain` shortens a long value to 80 characters and adds "...": a credential at
    the cut would otherwise show its first characters."""
    key = "ak-live-9f8e7d6c5b4a3928"
    definitions = json.dumps([{"environment": [{"name": "API_KEY", "value": key}]}])
    builder = PlanBuilder().add(
        "aws_ecs_task_definition.worker",
        {"family": "worker"},
        action="update",
        before={"family": "worker", "container_definitions": definitions},
        unknown=["container_definitions"],
    )
    outcome = run_policies(
        [builder.build()],
        [
            _quoting(
                lambda change: "x",
                attribute="container_definitions",
                types=("aws_ecs_task_definition",),
            )
        ],
    )
    [line] = outcome.findings[0].changes
    assert "..." in line, "the value was shortened"
    assert not any(key[:n] in line for n in range(4, len(key) + 1))
    assert f"{REDACTED}..." in line


# -- bounded work --------------------------------------------------------------------------


def _many_secrets(count: int) -> PlanBuilder:
    """`count` sensitive values sharing their first characters (as keys of one kind do)."""
    values = {f"k{n}": f"AAAA{n:06d}tail" for n in range(count)}
    return PlanBuilder().add("aws_db_instance.main", {"tags": values}, sensitive=["tags"])


def test_many_secrets_sharing_a_beginning_are_withheld_from_a_large_text_in_linear_time():
    # Each secret was compared at every position where the shared head occurred: 5,000
    # secrets and a 10 kB text took 20 s; a 1 MB text did not finish.
    redactor = redactor_for(_many_secrets(5000).build())
    redactor.clean("build it first")
    text = "AAAA" * 75_000 + " AAAA004999tail AAAA000000tai"
    started = time.perf_counter()
    cleaned = redactor.clean(text)
    assert time.perf_counter() - started < 8
    assert cleaned.endswith(f"AAAA {REDACTED} {REDACTED}")  # the cut one from its start


def test_a_text_full_of_ellipses_is_cleaned_in_linear_time():
    # The next cut was looked for from the first at every position: quadratic (80 kB, 29 s).
    redactor = redactor_for(_many_secrets(10).build())
    text = "x..." * 75_000
    started = time.perf_counter()
    assert redactor.clean(text) == text
    assert time.perf_counter() - started < 8


def test_a_long_secret_is_withheld_whole_and_from_its_beginning_where_the_text_departs():
    secret = "".join(hashlib.sha256(bytes([n])).hexdigest() for n in range(5))[:300]
    b = PlanBuilder().add("aws_db_instance.main", {"password": secret}, sensitive=["password"])
    redactor = redactor_for(b.build())
    assert redactor.clean(f"x {secret} y") == f"x {REDACTED} y"
    assert redactor.clean(f"x {secret[:120]}!{secret[121:]} y") == f"x {REDACTED}!{secret[121:]} y"
