"""PG-STATE-003: the lock table or state bucket in the application's configuration."""

from __future__ import annotations

import json
from typing import Any

from plangate import Plan
from plangate.policies.state_backend.config_leak import config_leak
from plangate.testing import PlanBuilder, const, refs, run_policy, summarise

LOCK = "terraform-state-lock"
TASK = "module.app.aws_ecs_task_definition.api"


def lock_table(name: str = LOCK) -> dict[str, Any]:
    return {"name": name, "hash_key": "LockID", "attribute": [{"name": "LockID", "type": "S"}]}


def containers(*environment: tuple[str, str], **extra: Any) -> str:
    return json.dumps(
        [
            {
                "name": "api",
                "image": "acme/api:1.0",
                "essential": True,
                "environment": [{"name": n, "value": v} for n, v in environment],
                **extra,
            }
        ]
    )


def task(builder: PlanBuilder, definitions: str | None, **kwargs: Any) -> PlanBuilder:
    after = {"family": "acme-api"} | ({"container_definitions": definitions} if definitions else {})
    return builder.add(TASK, after, **kwargs)


def test_lock_table_name_in_a_container_environment_is_reported_naming_the_variable():
    b = task(PlanBuilder(), containers(("APP_ENV", "production"), ("LOCK_TABLE", LOCK)))
    findings = run_policy(config_leak, b, lock_tables=[LOCK])
    assert summarise(findings) == [("PG-STATE-003", TASK, "container_definitions", "certain")]
    assert 'environment variable LOCK_TABLE of container "api"' in findings[0].message
    assert f'lock table "{LOCK}"' in findings[0].message and findings[0].new is True


def test_state_bucket_in_a_container_command_is_reported():
    b = task(PlanBuilder(), containers(command=["sync", "s3://acme-state/app/terraform.tfstate"]))
    findings = run_policy(config_leak, b, state_buckets=["acme-state"])
    assert summarise(findings) == [("PG-STATE-003", TASK, "container_definitions", "certain")]
    assert 'command[1] of container "api"' in findings[0].message


def test_lock_table_arn_in_a_container_secret_is_reported():
    arn = f"arn:aws:dynamodb:us-east-1:123456789012:table/{LOCK}"
    b = task(PlanBuilder(), containers(secrets=[{"name": "T", "valueFrom": arn}]))
    findings = run_policy(config_leak, b, lock_tables=[LOCK])
    assert 'secret T of container "api"' in findings[0].message


def test_similarly_named_table_in_the_environment_passes():
    b = task(PlanBuilder(), containers(("ORDERS", f"{LOCK}-2"), ("OTHER", f"app-{LOCK}")))
    assert run_policy(config_leak, b, lock_tables=[LOCK]) == []


def test_clean_task_definition_passes_even_with_the_lock_table_in_the_plan():
    b = task(
        PlanBuilder().add("module.state.aws_dynamodb_table.lock[0]", lock_table()),
        containers(("APP_ENV", "production")),
    )
    assert run_policy(config_leak, b) == []


def test_first_time_plan_with_the_name_passed_through_modules_inside_jsonencode_is_certain():
    b = (
        PlanBuilder()
        .add("module.state.aws_dynamodb_table.lock[0]", lock_table(), unknown=["arn", "id"])
        .module_call("module.state", outputs={"lock_table_name": refs("aws_dynamodb_table.lock")})
        .module_call(
            "module.app", inputs={"extra_environment": refs("module.state.lock_table_name")}
        )
    )
    task(
        b,
        None,
        unknown=["container_definitions"],
        expressions={"container_definitions": refs("var.image", "var.extra_environment")},
    )
    b.module_call("module.app", variables=["image"])
    findings = run_policy(config_leak, b)
    assert summarise(findings) == [("PG-STATE-003", TASK, "container_definitions", "certain")]
    assert "module.state.aws_dynamodb_table.lock[0]" in findings[0].message
    assert findings[0].chain == (TASK, "module.state.aws_dynamodb_table.lock[0]")


def test_first_time_plan_referring_to_another_table_passes():
    b = (
        PlanBuilder()
        .add("aws_dynamodb_table.lock", lock_table())
        .add("aws_dynamodb_table.orders", {"name": "orders", "hash_key": "id"}, unknown=["arn"])
    )
    task(
        b,
        None,
        unknown=["container_definitions"],
        expressions={"container_definitions": refs("aws_dynamodb_table.orders.name")},
    )
    assert run_policy(config_leak, b) == []


def test_lambda_variable_known_after_apply_is_named_when_it_refers_to_the_lock_table():
    b = (
        PlanBuilder()
        .add('aws_dynamodb_table.lock["prod.us-east-1"]', lock_table(), unknown=["arn"])
        .add(
            "aws_lambda_function.worker",
            {
                "function_name": "worker",
                "environment": [{"variables": {"APP_ENV": "production", "TABLE": None}}],
            },
            unknown=["environment.0.variables.TABLE"],
            expressions={
                "environment": [
                    {"variables": refs('aws_dynamodb_table.lock["prod.us-east-1"].arn')}
                ]
            },
        )
    )
    # PlanBuilder's `unknown=` makes dicts of numeric steps; Terraform writes a list here.
    data = b.to_dict()
    data["resource_changes"][1]["change"]["after_unknown"] = {
        "environment": [{"variables": {"TABLE": True}}]
    }
    findings = run_policy(config_leak, Plan(data, "test-plan.json"))
    assert summarise(findings) == [
        ("PG-STATE-003", "aws_lambda_function.worker", "environment", "certain")
    ]
    assert "environment variable TABLE (known after apply)" in findings[0].message


def test_lambda_variable_naming_the_table_from_the_init_recorded_backend_is_reported():
    b = (
        PlanBuilder()
        .with_backend("s3", bucket="acme-state", dynamodb_table=LOCK)
        .add(
            "module.jobs.aws_lambda_function.this[0]",
            {"environment": [{"variables": {"LOCKS": LOCK}}]},
        )
    )
    findings = run_policy(config_leak, b)
    assert summarise(findings) == [
        ("PG-STATE-003", "module.jobs.aws_lambda_function.this[0]", "environment", "certain")
    ]
    assert "backend recorded in test" in findings[0].message


def test_app_runner_and_batch_configuration_naming_the_backend_is_reported():
    b = (
        PlanBuilder()
        .add("aws_dynamodb_table.locks", lock_table("tf-locks"))
        .add(
            "aws_apprunner_service.web",
            {
                "source_configuration": [
                    {
                        "image_repository": [
                            {
                                "image_configuration": [
                                    {"runtime_environment_variables": {"T": "tf-locks"}}
                                ]
                            }
                        ]
                    }
                ]
            },
        )
        .add(
            "aws_batch_job_definition.job",
            {
                "container_properties": json.dumps(
                    {"command": ["aws", "s3", "cp", "s3://acme-state/x", "."]}
                )
            },
        )
    )
    findings = run_policy(config_leak, b, state_buckets=["acme-state"])
    assert summarise(findings) == [
        ("PG-STATE-003", "aws_apprunner_service.web", "source_configuration", "certain"),
        ("PG-STATE-003", "aws_batch_job_definition.job", "container_properties", "certain"),
    ]


def test_invalid_json_container_definitions_are_still_searched_as_text():
    b = task(PlanBuilder(), f'[{{"environment": "{LOCK}"')
    assert len(run_policy(config_leak, b, lock_tables=[LOCK])) == 1


def test_a_leak_already_in_the_prior_definition_is_not_new():
    definitions = containers(("LOCK_TABLE", LOCK))
    b = task(PlanBuilder(), definitions, action="no-op")
    [found] = run_policy(config_leak, b, lock_tables=[LOCK])
    assert found.new is False


def test_constant_name_met_through_a_module_variable_in_an_unknown_definition_is_reported():
    b = PlanBuilder().module_call("module.app", inputs={"lock_name": const(LOCK)})
    task(
        b,
        None,
        unknown=["container_definitions"],
        expressions={"container_definitions": refs("var.lock_name")},
    )
    assert summarise(run_policy(config_leak, b, lock_tables=[LOCK])) == [
        ("PG-STATE-003", TASK, "container_definitions", "certain")
    ]
    [found] = run_policy(config_leak, b, lock_tables=[LOCK])
    assert "through a value its configuration passes in" in found.message


def test_a_step_functions_task_writing_the_lock_table_is_reported():
    definition = json.dumps(
        {
            "StartAt": "Lock",
            "States": {
                "Lock": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::dynamodb:putItem",
                    "End": True,
                    "Parameters": {"TableName": LOCK, "Item": {"LockID": {"S.$": "$.id"}}},
                }
            },
        }
    )
    b = PlanBuilder().add("aws_sfn_state_machine.flow", {"definition": definition})
    (found,) = run_policy(config_leak, b, lock_tables=[LOCK])
    assert found.message.startswith(
        f'definition: States.Lock.Parameters.TableName names the lock table "{LOCK}"'
    )
