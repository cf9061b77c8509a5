"""Write a synthetic `terraform show -json` plan of N resource changes, for benchmarks.

The shape follows what Terraform 1.11 writes (format_version 1.2): `resource_changes`
with `after_unknown` / `after_sensitive` mirrors built the way Terraform's `jsonplan`
builds them, `planned_values`, `prior_state` (existing objects and data sources read at
plan time), `configuration` with nested `module_calls`, module variables and outputs and
`references`, `count` and `for_each` instances, `resource_drift` and
`relevant_attributes`. Keys of attribute objects are sorted, as Terraform sorts them.

The plan is a fleet of services (module `service`, instantiated with `for_each` from
several team calls), each an ECS Fargate API with its own VPC, RDS PostgreSQL database,
IAM roles, Lambda worker, DynamoDB table and S3 bucket, plus the root `state_backend`
module (the state bucket and the `LockID` lock table). About 45 % of the services exist
already (`no-op`, some `update` after drift, a few task definitions replaced), 51 % are
new (`create`, with the unknowns a first plan has, and deferred `read`s of policy
documents) and 4 % are being removed (`delete`): that mix makes 20,000 resources about
50 MB, the size the design targets. One service in 50 carries one of the mistakes the built-in
policies block (a public database, a security group open to the internet, a task role
granted the lock table, the lock table named in the app's environment), so a run also
exercises findings and reporters.

    python bench/generate_plan.py --resources 20000 --out /tmp/plan-20k.json

The output is deterministic for a given `--resources` and `--seed`.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["generate", "main", "write_plan"]

TERRAFORM_VERSION = "1.11.4"
FORMAT_VERSION = "1.2"
PROVIDER = "registry.terraform.io/hashicorp/aws"
ACCOUNT = "123456789012"
REGION = "us-east-1"
LOCK_TABLE = "terraform-state-lock"
STATE_BUCKET = "acme-terraform-state"
TIMESTAMP = "2025-11-28T03:00:00Z"
TEAMS = 12
AZS = ("us-east-1a", "us-east-1b")
TASK_MANAGED_POLICIES = (
    "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
    "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
    "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
)
CONFIG_KEYS = ("LOG_LEVEL", "FEATURE_FLAGS", "CACHE_TTL", "MAX_CONNECTIONS", "REGION", "TRACING")
MISTAKES = (
    "rds_public",
    "db_sg_open",
    "ingress_rule_open",
    "task_role_lock_table",
    "lock_table_in_env",
)

Module = tuple[tuple[str, str | int | None], ...]  # ((call name, instance key), ...)


# -- small helpers -------------------------------------------------------------------


def _sorted(value: Any) -> Any:
    """Terraform writes attribute objects with their keys sorted."""
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _mirror(value: Any, marked: Any = None) -> Any:
    """`after_unknown` / `after_sensitive` for `value`, as Terraform's jsonplan builds them:
    objects keep only non-false members, sequences keep one entry per element, and a
    `True` in `marked` (same shape) marks that whole subtree."""
    if marked is True:
        return True
    if isinstance(value, dict):
        out = {}
        for key in sorted(set(value) | (set(marked) if isinstance(marked, dict) else set())):
            sub = _mirror(value.get(key), marked.get(key) if isinstance(marked, dict) else None)
            if sub is not False:
                out[key] = sub
        return out
    if isinstance(value, list):
        marks = marked if isinstance(marked, list) else [None] * len(value)
        return [_mirror(v, m) for v, m in zip(value, marks, strict=False)]
    return False


def _format_index(key: str | int | None) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key)}]"


def _module_address(module: Module) -> str:
    return ".".join(f"module.{name}{_format_index(key)}" for name, key in module)


def refs(*names: str) -> dict[str, list[str]]:
    """`{"references": [...]}` unwrapped per traversal step, as Terraform writes them."""
    out: list[str] = []
    for name in names:
        parts = name.split(".")
        start = 3 if parts[0] == "data" else 2
        for end in range(len(parts), start - 1, -1):
            text = ".".join(parts[:end])
            if text not in out:
                out.append(text)
    return {"references": out}


def const(value: Any) -> dict[str, Any]:
    return {"constant_value": value}


class Ids:
    """Deterministic AWS-looking identifiers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def hex(self, prefix: str, digits: int = 17) -> str:
        return f"{prefix}-{self.rng.getrandbits(digits * 4):0{digits}x}"

    def token(self, length: int = 24) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(length))


# -- one resource instance ----------------------------------------------------------------


@dataclass
class Instance:
    module: Module
    type: str
    name: str
    values: dict[str, Any]
    index: str | int | None = None
    mode: str = "managed"
    # Attributes unknown in a first plan: True for the whole value, or a shape
    # (e.g. [True] for a one-element list of unknown ids).
    unknown: dict[str, Any] = field(default_factory=dict)
    sensitive: dict[str, Any] = field(default_factory=dict)
    schema_version: int = 0

    @property
    def address(self) -> str:
        local = f"{self.type}.{self.name}{_format_index(self.index)}"
        if self.mode == "data":
            local = "data." + local
        prefix = _module_address(self.module)
        return f"{prefix}.{local}" if prefix else local


def _tags(name: str, team: str) -> tuple[dict[str, str], dict[str, str]]:
    tags = {"Name": name, "Team": team}
    tags_all = {**tags, "ManagedBy": "terraform"}
    return tags, tags_all


def _arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


def _doc(statements: list[dict[str, Any]], indent: int | None = None) -> str:
    """An IAM policy document: minified, as `jsonencode` and AWS's normalised form write
    it, or indented as `data.aws_iam_policy_document.json` writes it."""
    separators = (",", ":") if indent is None else None
    return json.dumps(
        {"Version": "2012-10-17", "Statement": statements}, indent=indent, separators=separators
    )


# -- configuration (one body per module definition, shared by all instances) --------------


def _cfg(
    type_: str,
    name: str,
    expressions: dict[str, Any],
    *,
    mode: str = "managed",
    count: dict[str, Any] | None = None,
    for_each: dict[str, Any] | None = None,
    depends_on: list[str] | None = None,
) -> dict[str, Any]:
    address = f"{type_}.{name}" if mode == "managed" else f"data.{type_}.{name}"
    block: dict[str, Any] = {
        "address": address,
        "mode": mode,
        "type": type_,
        "name": name,
        "provider_config_key": "aws",
        "expressions": expressions,
        "schema_version": 0,
    }
    if count is not None:
        block["count_expression"] = count
    if for_each is not None:
        block["for_each_expression"] = for_each
    if depends_on:
        block["depends_on"] = depends_on
    return block


def network_config() -> dict[str, Any]:
    return {
        "outputs": {
            "vpc_id": {"expression": refs("aws_vpc.this.id")},
            "public_subnet_ids": {"expression": refs("aws_subnet.public")},
            "private_subnet_ids": {"expression": refs("aws_subnet.private")},
        },
        "resources": [
            _cfg(
                "aws_vpc",
                "this",
                {
                    "cidr_block": refs("var.cidr_block"),
                    "enable_dns_hostnames": const(True),
                    "tags": refs("var.name"),
                },
            ),
            _cfg("aws_internet_gateway", "this", {"vpc_id": refs("aws_vpc.this.id")}),
            _cfg(
                "aws_subnet",
                "public",
                {
                    "vpc_id": refs("aws_vpc.this.id"),
                    "availability_zone": refs("each.key"),
                    "cidr_block": refs("each.value"),
                    "map_public_ip_on_launch": const(True),
                },
                for_each=refs("var.public_subnets"),
            ),
            _cfg(
                "aws_subnet",
                "private",
                {
                    "vpc_id": refs("aws_vpc.this.id"),
                    "availability_zone": refs("var.private_subnets", "count.index"),
                    "cidr_block": refs("var.private_subnets", "count.index"),
                },
                count=refs("var.private_subnets"),
            ),
            _cfg("aws_route_table", "public", {"vpc_id": refs("aws_vpc.this.id")}),
            _cfg(
                "aws_route_table",
                "private",
                {"vpc_id": refs("aws_vpc.this.id")},
                count=refs("var.private_subnets"),
            ),
            _cfg(
                "aws_route",
                "public_internet",
                {
                    "route_table_id": refs("aws_route_table.public.id"),
                    "destination_cidr_block": const("0.0.0.0/0"),
                    "gateway_id": refs("aws_internet_gateway.this.id"),
                },
            ),
            _cfg(
                "aws_route",
                "private_nat",
                {
                    "route_table_id": refs("aws_route_table.private", "count.index"),
                    "destination_cidr_block": const("0.0.0.0/0"),
                    "nat_gateway_id": refs("aws_nat_gateway.this.id"),
                },
                count=refs("var.private_subnets"),
            ),
            _cfg(
                "aws_route_table_association",
                "public",
                {
                    "route_table_id": refs("aws_route_table.public.id"),
                    "subnet_id": refs("aws_subnet.public", "each.key"),
                },
                for_each=refs("var.public_subnets"),
            ),
            _cfg(
                "aws_route_table_association",
                "private",
                {
                    "route_table_id": refs("aws_route_table.private", "count.index"),
                    "subnet_id": refs("aws_subnet.private", "count.index"),
                },
                count=refs("var.private_subnets"),
            ),
            _cfg("aws_eip", "nat", {"domain": const("vpc")}),
            _cfg(
                "aws_nat_gateway",
                "this",
                {
                    "allocation_id": refs("aws_eip.nat.id"),
                    "subnet_id": refs("aws_subnet.public"),
                },
                depends_on=["aws_internet_gateway.this"],
            ),
        ],
        "variables": {"name": {}, "cidr_block": {}, "public_subnets": {}, "private_subnets": {}},
    }


def database_config() -> dict[str, Any]:
    return {
        "outputs": {
            "address": {"expression": refs("aws_db_instance.this.address")},
            "port": {"expression": refs("aws_db_instance.this.port")},
            "host_parameter_arn": {"expression": refs("aws_ssm_parameter.host.arn")},
            "password_parameter_arn": {"expression": refs("aws_ssm_parameter.password.arn")},
        },
        "resources": [
            _cfg(
                "aws_db_subnet_group",
                "this",
                {"name": refs("var.identifier"), "subnet_ids": refs("var.subnet_ids")},
            ),
            _cfg(
                "aws_security_group",
                "db",
                {
                    "name": refs("var.identifier"),
                    "vpc_id": refs("var.vpc_id"),
                    "ingress": refs("var.app_security_group_id", "var.allowed_cidrs"),
                },
            ),
            _cfg(
                "aws_vpc_security_group_ingress_rule",
                "from_app",
                {
                    "security_group_id": refs("aws_security_group.db.id"),
                    "referenced_security_group_id": refs("var.app_security_group_id"),
                    "cidr_ipv4": refs("var.extra_ingress_cidr"),
                    "from_port": const(5432),
                    "to_port": const(5432),
                    "ip_protocol": const("tcp"),
                },
            ),
            _cfg(
                "aws_security_group_rule",
                "egress",
                {
                    "security_group_id": refs("aws_security_group.db.id"),
                    "type": const("egress"),
                    "from_port": const(0),
                    "to_port": const(0),
                    "protocol": const("-1"),
                    "cidr_blocks": const(["10.0.0.0/8"]),
                },
            ),
            _cfg(
                "aws_db_parameter_group",
                "this",
                {"family": const("postgres16"), "name": refs("var.identifier")},
            ),
            _cfg(
                "aws_db_instance",
                "this",
                {
                    "identifier": refs("var.identifier"),
                    "engine": const("postgres"),
                    "engine_version": const("16.4"),
                    "instance_class": const("db.t3.medium"),
                    "allocated_storage": const(50),
                    "port": const(5432),
                    "username": const("app"),
                    "password": refs("var.password"),
                    "db_subnet_group_name": refs("aws_db_subnet_group.this.name"),
                    "vpc_security_group_ids": refs("aws_security_group.db.id"),
                    "parameter_group_name": refs("aws_db_parameter_group.this.name"),
                    "publicly_accessible": refs("var.publicly_accessible"),
                    "storage_encrypted": const(True),
                    "deletion_protection": const(True),
                },
            ),
            _cfg(
                "aws_ssm_parameter",
                "password",
                {
                    "name": refs("var.identifier"),
                    "type": const("SecureString"),
                    "value": refs("var.password"),
                },
            ),
            _cfg(
                "aws_ssm_parameter",
                "host",
                {
                    "name": refs("var.identifier"),
                    "type": const("String"),
                    "value": refs("aws_db_instance.this.address"),
                },
            ),
        ],
        "variables": {
            name: {}
            for name in (
                "identifier",
                "vpc_id",
                "subnet_ids",
                "app_security_group_id",
                "password",
                "publicly_accessible",
                "allowed_cidrs",
                "extra_ingress_cidr",
            )
        }
        | {"password": {"sensitive": True}},
    }


def service_config() -> dict[str, Any]:
    statement = [
        {
            "actions": const(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]),
            "resources": refs("aws_dynamodb_table.sessions.arn"),
        },
        {
            "actions": const(["s3:GetObject", "s3:PutObject"]),
            "resources": refs("aws_s3_bucket.assets.arn"),
        },
        {
            "actions": const(["sqs:SendMessage"]),
            "resources": refs("aws_sqs_queue.jobs.arn"),
        },
        {
            "actions": refs("var.extra_actions"),
            "resources": refs("var.extra_resources"),
        },
    ]
    return {
        "module_calls": {
            "network": {
                "source": "../network",
                "expressions": {
                    "name": refs("var.name"),
                    "cidr_block": refs("var.cidr_block"),
                    "public_subnets": const(
                        dict(zip(AZS, ("10.0.0.0/24", "10.0.1.0/24"), strict=True))
                    ),
                    "private_subnets": const(["10.0.10.0/24", "10.0.11.0/24"]),
                },
                "module": network_config(),
            },
            "database": {
                "source": "../database",
                "expressions": {
                    "identifier": refs("var.name"),
                    "vpc_id": refs("module.network.vpc_id"),
                    "subnet_ids": refs("module.network.private_subnet_ids"),
                    "app_security_group_id": refs("aws_security_group.app.id"),
                    "password": refs("var.db_password"),
                    "publicly_accessible": refs("var.db_public"),
                    "allowed_cidrs": refs("var.db_allowed_cidrs"),
                    "extra_ingress_cidr": refs("var.db_extra_ingress_cidr"),
                },
                "module": database_config(),
            },
        },
        "outputs": {
            "url": {"expression": refs("aws_route53_record.api.fqdn")},
            "task_role_arn": {"expression": refs("aws_iam_role.task.arn")},
        },
        "resources": [
            _cfg(
                "aws_ecs_cluster",
                "this",
                {
                    "name": refs("var.name"),
                    "setting": [{"name": const("containerInsights"), "value": const("enabled")}],
                },
            ),
            _cfg(
                "aws_cloudwatch_log_group",
                "api",
                {"name": refs("var.name"), "retention_in_days": const(30)},
            ),
            _cfg(
                "aws_ecs_task_definition",
                "api",
                {
                    "family": refs("var.name"),
                    "cpu": const("512"),
                    "memory": const("1024"),
                    "network_mode": const("awsvpc"),
                    "requires_compatibilities": const(["FARGATE"]),
                    "execution_role_arn": refs("aws_iam_role.execution.arn"),
                    "task_role_arn": refs("aws_iam_role.task.arn"),
                    "container_definitions": refs(
                        "var.image",
                        "var.name",
                        "var.extra_environment",
                        "aws_s3_bucket.assets.bucket",
                        "aws_dynamodb_table.sessions.name",
                        "module.database.host_parameter_arn",
                        "module.database.password_parameter_arn",
                        "module.database",
                        "aws_cloudwatch_log_group.api.name",
                    ),
                },
            ),
            _cfg(
                "aws_ecs_service",
                "api",
                {
                    "name": refs("var.name"),
                    "cluster": refs("aws_ecs_cluster.this.id"),
                    "task_definition": refs("aws_ecs_task_definition.api.arn"),
                    "desired_count": const(2),
                    "launch_type": const("FARGATE"),
                    "network_configuration": [
                        {
                            "subnets": refs("module.network.private_subnet_ids", "module.network"),
                            "security_groups": refs("aws_security_group.app.id"),
                        }
                    ],
                    "load_balancer": [
                        {
                            "target_group_arn": refs("aws_lb_target_group.api.arn"),
                            "container_name": const("api"),
                            "container_port": const(8080),
                        }
                    ],
                },
            ),
            _cfg(
                "aws_iam_policy_document",
                "assume_ecs",
                {
                    "statement": [
                        {
                            "actions": const(["sts:AssumeRole"]),
                            "principals": [
                                {
                                    "type": const("Service"),
                                    "identifiers": const(["ecs-tasks.amazonaws.com"]),
                                }
                            ],
                        }
                    ]
                },
                mode="data",
            ),
            _cfg("aws_iam_policy_document", "task", {"statement": statement}, mode="data"),
            _cfg(
                "aws_iam_role",
                "task",
                {
                    "name": refs("var.name"),
                    "assume_role_policy": refs("data.aws_iam_policy_document.assume_ecs.json"),
                },
            ),
            _cfg(
                "aws_iam_role",
                "execution",
                {
                    "name": refs("var.name"),
                    "assume_role_policy": refs("data.aws_iam_policy_document.assume_ecs.json"),
                },
            ),
            _cfg(
                "aws_iam_role_policy",
                "task",
                {
                    "name": const("app"),
                    "role": refs("aws_iam_role.task.id"),
                    "policy": refs("data.aws_iam_policy_document.task.json"),
                },
            ),
            _cfg(
                "aws_iam_role_policy_attachment",
                "execution",
                {
                    "role": refs("aws_iam_role.execution.name"),
                    "policy_arn": const(
                        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
                    ),
                },
            ),
            _cfg(
                "aws_iam_role_policy_attachment",
                "task_managed",
                {
                    "role": refs("aws_iam_role.task.name"),
                    "policy_arn": refs("each.value"),
                },
                for_each=const(list(TASK_MANAGED_POLICIES)),
            ),
            _cfg(
                "aws_ssm_parameter",
                "config",
                {
                    "name": refs("var.team", "var.name", "each.key"),
                    "type": const("String"),
                    "value": refs("each.value"),
                },
                for_each=refs("local.config"),
            ),
            _cfg(
                "aws_security_group",
                "app",
                {"name": refs("var.name"), "vpc_id": refs("module.network.vpc_id")},
            ),
            _cfg(
                "aws_vpc_security_group_ingress_rule",
                "app_from_lb",
                {
                    "security_group_id": refs("aws_security_group.app.id"),
                    "cidr_ipv4": const("10.0.0.0/8"),
                    "from_port": const(8080),
                    "to_port": const(8080),
                    "ip_protocol": const("tcp"),
                },
            ),
            _cfg(
                "aws_vpc_security_group_egress_rule",
                "app_all",
                {
                    "security_group_id": refs("aws_security_group.app.id"),
                    "cidr_ipv4": const("0.0.0.0/0"),
                    "ip_protocol": const("-1"),
                },
            ),
            _cfg(
                "aws_lb",
                "this",
                {
                    "name": refs("var.name"),
                    "internal": const(False),
                    "subnets": refs("module.network.public_subnet_ids"),
                },
            ),
            _cfg(
                "aws_lb_target_group",
                "api",
                {
                    "port": const(8080),
                    "protocol": const("HTTP"),
                    "target_type": const("ip"),
                    "vpc_id": refs("module.network.vpc_id"),
                },
            ),
            _cfg(
                "aws_lb_listener",
                "https",
                {
                    "load_balancer_arn": refs("aws_lb.this.arn"),
                    "port": const(443),
                    "default_action": [
                        {
                            "type": const("forward"),
                            "target_group_arn": refs("aws_lb_target_group.api.arn"),
                        }
                    ],
                },
            ),
            _cfg(
                "aws_sqs_queue",
                "jobs",
                {"name": refs("var.name"), "kms_master_key_id": refs("aws_kms_key.this.id")},
            ),
            _cfg("aws_iam_role", "lambda", {"name": refs("var.name"), "assume_role_policy": {}}),
            _cfg(
                "aws_iam_role_policy_attachment",
                "lambda_basic",
                {
                    "role": refs("aws_iam_role.lambda.name"),
                    "policy_arn": const(
                        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
                    ),
                },
            ),
            _cfg(
                "aws_lambda_function",
                "worker",
                {
                    "function_name": refs("var.name"),
                    "runtime": const("python3.12"),
                    "handler": const("worker.handler"),
                    "role": refs("aws_iam_role.lambda.arn"),
                    "environment": [
                        {
                            "variables": refs(
                                "aws_dynamodb_table.sessions.name", "var.extra_environment"
                            )
                        }
                    ],
                },
            ),
            _cfg(
                "aws_lambda_event_source_mapping",
                "jobs",
                {
                    "event_source_arn": refs("aws_sqs_queue.jobs.arn"),
                    "function_name": refs("aws_lambda_function.worker.arn"),
                    "batch_size": const(10),
                },
            ),
            _cfg(
                "aws_dynamodb_table",
                "sessions",
                {
                    "name": refs("var.name"),
                    "billing_mode": const("PAY_PER_REQUEST"),
                    "hash_key": const("session_id"),
                    "attribute": [{"name": const("session_id"), "type": const("S")}],
                    "ttl": [{"attribute_name": const("expires_at"), "enabled": const(True)}],
                },
            ),
            _cfg("aws_s3_bucket", "assets", {"bucket": refs("var.name")}),
            _cfg(
                "aws_s3_bucket_public_access_block",
                "assets",
                {
                    "bucket": refs("aws_s3_bucket.assets.id"),
                    **{
                        k: const(True)
                        for k in (
                            "block_public_acls",
                            "block_public_policy",
                            "ignore_public_acls",
                            "restrict_public_buckets",
                        )
                    },
                },
            ),
            _cfg(
                "aws_s3_bucket_versioning",
                "assets",
                {
                    "bucket": refs("aws_s3_bucket.assets.id"),
                    "versioning_configuration": [{"status": const("Enabled")}],
                },
            ),
            _cfg(
                "aws_iam_policy",
                "assets_read",
                {"name": refs("var.name"), "policy": refs("aws_s3_bucket.assets.arn")},
            ),
            _cfg(
                "aws_kms_key",
                "this",
                {"description": refs("var.name"), "enable_key_rotation": const(True)},
            ),
            _cfg("aws_sns_topic", "alerts", {"name": refs("var.name")}),
            _cfg(
                "aws_cloudwatch_metric_alarm",
                "cpu_high",
                {
                    "alarm_name": refs("var.name"),
                    "metric_name": const("CPUUtilization"),
                    "alarm_actions": refs("aws_sns_topic.alerts.arn"),
                },
            ),
            _cfg(
                "aws_cloudwatch_metric_alarm",
                "memory_high",
                {
                    "alarm_name": refs("var.name"),
                    "metric_name": const("MemoryUtilization"),
                    "alarm_actions": refs("aws_sns_topic.alerts.arn"),
                },
            ),
            _cfg(
                "aws_route53_record",
                "api",
                {
                    "zone_id": refs("var.zone_id"),
                    "name": refs("var.name"),
                    "type": const("A"),
                    "alias": [
                        {
                            "name": refs("aws_lb.this.dns_name"),
                            "zone_id": refs("aws_lb.this.zone_id"),
                            "evaluate_target_health": const(True),
                        }
                    ],
                },
            ),
        ],
        "variables": {
            name: {}
            for name in (
                "name",
                "team",
                "image",
                "cidr_block",
                "zone_id",
                "db_public",
                "db_allowed_cidrs",
                "db_extra_ingress_cidr",
                "extra_environment",
                "extra_actions",
                "extra_resources",
            )
        }
        | {"db_password": {"sensitive": True}},
    }


def state_backend_config() -> dict[str, Any]:
    return {
        "outputs": {
            "lock_table_arn": {"expression": refs("aws_dynamodb_table.lock.arn")},
            "state_bucket_arn": {"expression": refs("aws_s3_bucket.state.arn")},
        },
        "resources": [
            _cfg("aws_s3_bucket", "state", {"bucket": refs("var.state_bucket_name")}),
            _cfg(
                "aws_s3_bucket_versioning",
                "state",
                {
                    "bucket": refs("aws_s3_bucket.state.id"),
                    "versioning_configuration": [{"status": const("Enabled")}],
                },
            ),
            _cfg(
                "aws_s3_bucket_server_side_encryption_configuration",
                "state",
                {"bucket": refs("aws_s3_bucket.state.id")},
            ),
            _cfg(
                "aws_s3_bucket_public_access_block",
                "state",
                {
                    "bucket": refs("aws_s3_bucket.state.id"),
                    **{
                        k: const(True)
                        for k in (
                            "block_public_acls",
                            "block_public_policy",
                            "ignore_public_acls",
                            "restrict_public_buckets",
                        )
                    },
                },
            ),
            _cfg(
                "aws_dynamodb_table",
                "lock",
                {
                    "name": refs("var.lock_table_name"),
                    "billing_mode": const("PAY_PER_REQUEST"),
                    "hash_key": const("LockID"),
                    "attribute": [{"name": const("LockID"), "type": const("S")}],
                    "point_in_time_recovery": [{"enabled": const(True)}],
                    "deletion_protection_enabled": const(True),
                },
            ),
        ],
        "variables": {"state_bucket_name": {}, "lock_table_name": {}},
    }


# -- the instances of one service ---------------------------------------------------------


@dataclass
class Service:
    module: Module
    name: str
    team: str
    state: str  # existing | new | removed
    mistake: str | None
    ids: Ids
    octet: int

    def tags(self, name: str) -> tuple[dict[str, str], dict[str, str]]:
        return _tags(name, self.team)


def _base(svc: Service, label: str, arn: str, id_: str, **values: Any) -> dict[str, Any]:
    """The attributes most AWS resources share: arn, id and tags (Name = `label`)."""
    tags, tags_all = svc.tags(label)
    return {"arn": arn, "id": id_, "tags": tags, "tags_all": tags_all, **values}


def network_instances(svc: Service, links: dict[str, Any]) -> Iterator[Instance]:
    m = (*svc.module, ("network", None))
    ids = svc.ids
    vpc_id = ids.hex("vpc")
    cidr = f"10.{svc.octet}.0.0/16"
    computed = {"id": True, "arn": True, "owner_id": True}
    yield Instance(
        m,
        "aws_vpc",
        "this",
        _base(
            svc,
            f"{svc.name}-vpc",
            _arn("ec2", f"vpc/{vpc_id}"),
            vpc_id,
            assign_generated_ipv6_cidr_block=False,
            cidr_block=cidr,
            default_network_acl_id=ids.hex("acl"),
            default_route_table_id=ids.hex("rtb"),
            default_security_group_id=ids.hex("sg"),
            dhcp_options_id=ids.hex("dopt"),
            enable_dns_hostnames=True,
            enable_dns_support=True,
            enable_network_address_usage_metrics=False,
            instance_tenancy="default",
            ipv4_ipam_pool_id=None,
            ipv4_netmask_length=None,
            ipv6_association_id="",
            ipv6_cidr_block="",
            ipv6_cidr_block_network_border_group="",
            ipv6_ipam_pool_id=None,
            ipv6_netmask_length=0,
            main_route_table_id=ids.hex("rtb"),
            owner_id=ACCOUNT,
        ),
        unknown={
            **computed,
            "default_network_acl_id": True,
            "default_route_table_id": True,
            "default_security_group_id": True,
            "dhcp_options_id": True,
            "main_route_table_id": True,
            "ipv6_association_id": True,
            "ipv6_cidr_block": True,
            "ipv6_cidr_block_network_border_group": True,
        },
    )
    igw = ids.hex("igw")
    yield Instance(
        m,
        "aws_internet_gateway",
        "this",
        _base(
            svc,
            f"{svc.name}-igw",
            _arn("ec2", f"internet-gateway/{igw}"),
            igw,
            owner_id=ACCOUNT,
            timeouts=None,
            vpc_id=vpc_id,
        ),
        unknown={**computed, "vpc_id": True},
    )
    subnets: dict[Any, str] = {}
    for kind, keys in (("public", AZS), ("private", (0, 1))):
        for n, key in enumerate(keys):
            sid = ids.hex("subnet")
            subnets[(kind, key)] = sid
            az = key if isinstance(key, str) else AZS[key]
            block = n if kind == "public" else 10 + n
            yield Instance(
                m,
                "aws_subnet",
                kind,
                _base(
                    svc,
                    f"{svc.name}-{kind}-{az}",
                    _arn("ec2", f"subnet/{sid}"),
                    sid,
                    assign_ipv6_address_on_creation=False,
                    availability_zone=az,
                    availability_zone_id=f"use1-az{n + 1}",
                    cidr_block=f"10.{svc.octet}.{block}.0/24",
                    customer_owned_ipv4_pool="",
                    enable_dns64=False,
                    enable_lni_at_device_index=0,
                    enable_resource_name_dns_a_record_on_launch=False,
                    enable_resource_name_dns_aaaa_record_on_launch=False,
                    ipv6_cidr_block="",
                    ipv6_cidr_block_association_id="",
                    ipv6_native=False,
                    map_customer_owned_ip_on_launch=False,
                    map_public_ip_on_launch=kind == "public",
                    outpost_arn="",
                    owner_id=ACCOUNT,
                    private_dns_hostname_type_on_launch="ip-name",
                    timeouts=None,
                    vpc_id=vpc_id,
                ),
                index=key,
                unknown={
                    **computed,
                    "vpc_id": True,
                    "availability_zone_id": True,
                    "ipv6_cidr_block_association_id": True,
                },
            )
    tables: dict[Any, str] = {}
    for key in (None, 0, 1):
        rtb = ids.hex("rtb")
        tables[key] = rtb
        name = "public" if key is None else "private"
        yield Instance(
            m,
            "aws_route_table",
            name,
            _base(
                svc,
                f"{svc.name}-{name}",
                _arn("ec2", f"route-table/{rtb}"),
                rtb,
                owner_id=ACCOUNT,
                propagating_vgws=[],
                route=[],
                timeouts=None,
                vpc_id=vpc_id,
            ),
            index=key,
            unknown={**computed, "vpc_id": True, "route": True, "propagating_vgws": True},
        )
    nat = ids.hex("nat")
    route_common = {
        "carrier_gateway_id": "",
        "core_network_arn": "",
        "destination_ipv6_cidr_block": "",
        "destination_prefix_list_id": "",
        "egress_only_gateway_id": "",
        "instance_id": "",
        "local_gateway_id": "",
        "network_interface_id": "",
        "origin": "CreateRoute",
        "state": "active",
        "transit_gateway_id": "",
        "vpc_endpoint_id": "",
        "vpc_peering_connection_id": "",
        "timeouts": None,
        "destination_cidr_block": "0.0.0.0/0",
    }
    yield Instance(
        m,
        "aws_route",
        "public_internet",
        {
            **route_common,
            "id": f"r-{tables[None]}1080289494",
            "route_table_id": tables[None],
            "gateway_id": igw,
            "nat_gateway_id": "",
        },
        unknown={
            "id": True,
            "route_table_id": True,
            "gateway_id": True,
            "origin": True,
            "state": True,
            "instance_id": True,
            "network_interface_id": True,
        },
    )
    for key in (0, 1):
        yield Instance(
            m,
            "aws_route",
            "private_nat",
            {
                **route_common,
                "id": f"r-{tables[key]}1080289494",
                "route_table_id": tables[key],
                "gateway_id": "",
                "nat_gateway_id": nat,
            },
            index=key,
            unknown={
                "id": True,
                "route_table_id": True,
                "nat_gateway_id": True,
                "origin": True,
                "state": True,
                "instance_id": True,
                "network_interface_id": True,
            },
        )
    for key in (*AZS, 0, 1):
        kind = "public" if isinstance(key, str) else "private"
        table = tables[None] if kind == "public" else tables[key]
        yield Instance(
            m,
            "aws_route_table_association",
            kind,
            {
                "gateway_id": None,
                "id": ids.hex("rtbassoc"),
                "route_table_id": table,
                "subnet_id": subnets[(kind, key)],
                "timeouts": None,
            },
            index=key,
            unknown={"id": True, "route_table_id": True, "subnet_id": True},
        )
    eip = ids.hex("eipalloc")
    public_ip = f"54.{svc.octet % 250}.{ids.rng.randrange(250)}.{ids.rng.randrange(250)}"
    yield Instance(
        m,
        "aws_eip",
        "nat",
        _base(
            svc,
            f"{svc.name}-nat",
            _arn("ec2", f"elastic-ip/{eip}"),
            eip,
            address=None,
            allocation_id=eip,
            associate_with_private_ip=None,
            association_id="",
            carrier_ip="",
            customer_owned_ip="",
            customer_owned_ipv4_pool="",
            domain="vpc",
            instance="",
            ipam_pool_id=None,
            network_border_group=REGION,
            network_interface="",
            private_dns=None,
            private_ip="",
            ptr_record="",
            public_dns=f"ec2-{public_ip}.compute-1.amazonaws.com",
            public_ip=public_ip,
            public_ipv4_pool="amazon",
            timeouts=None,
        ),
        unknown={
            **computed,
            "allocation_id": True,
            "association_id": True,
            "carrier_ip": True,
            "public_ip": True,
            "public_dns": True,
            "private_ip": True,
            "ptr_record": True,
        },
    )
    yield Instance(
        m,
        "aws_nat_gateway",
        "this",
        _base(
            svc,
            f"{svc.name}-nat",
            _arn("ec2", f"natgateway/{nat}"),
            nat,
            allocation_id=eip,
            association_id=ids.hex("eipassoc"),
            connectivity_type="public",
            network_interface_id=ids.hex("eni"),
            private_ip=f"10.{svc.octet}.0.{ids.rng.randrange(250)}",
            public_ip=public_ip,
            secondary_allocation_ids=None,
            secondary_private_ip_address_count=0,
            secondary_private_ip_addresses=[],
            subnet_id=subnets[("public", AZS[0])],
            timeouts=None,
        ),
        unknown={
            **computed,
            "allocation_id": True,
            "association_id": True,
            "network_interface_id": True,
            "private_ip": True,
            "public_ip": True,
            "subnet_id": True,
            "secondary_private_ip_address_count": True,
            "secondary_private_ip_addresses": True,
        },
    )
    links.update(
        vpc_id=vpc_id,
        private_subnets=[subnets[("private", 0)], subnets[("private", 1)]],
        public_subnets=[subnets[("public", a)] for a in AZS],
    )


def database_instances(
    svc: Service,
    links: dict[str, Any],
    app_sg: str,
    password: str,
) -> Iterator[Instance]:
    m = (*svc.module, ("database", None))
    ids = svc.ids
    ident = f"{svc.name}-db"
    sg = ids.hex("sg")
    yield Instance(
        m,
        "aws_db_subnet_group",
        "this",
        _base(
            svc,
            ident,
            _arn("rds", f"subgrp:{ident}"),
            ident,
            description="Managed by Terraform",
            name=ident,
            name_prefix="",
            subnet_ids=sorted(links["private_subnets"]),
            supported_network_types=["IPV4"],
            vpc_id=links["vpc_id"],
        ),
        unknown={
            "arn": True,
            "subnet_ids": [True, True],
            "supported_network_types": True,
            "vpc_id": True,
        },
    )
    open_sg = svc.mistake == "db_sg_open"
    ingress = [
        {
            "cidr_blocks": ["0.0.0.0/0"] if open_sg else [],
            "description": "PostgreSQL",
            "from_port": 5432,
            "ipv6_cidr_blocks": [],
            "prefix_list_ids": [],
            "protocol": "tcp",
            "security_groups": [] if open_sg else [app_sg],
            "self": False,
            "to_port": 5432,
        }
    ]
    egress: list[dict[str, Any]] = []
    yield Instance(
        m,
        "aws_security_group",
        "db",
        _base(
            svc,
            ident,
            _arn("ec2", f"security-group/{sg}"),
            sg,
            description="Managed by Terraform",
            egress=egress,
            ingress=ingress,
            name=ident,
            name_prefix="",
            owner_id=ACCOUNT,
            revoke_rules_on_delete=False,
            timeouts=None,
            vpc_id=links["vpc_id"],
        ),
        unknown={
            "id": True,
            "arn": True,
            "owner_id": True,
            "vpc_id": True,
            "egress": True,
            "ingress": [{"security_groups": [] if open_sg else [True]}],
        },
    )
    rule_open = svc.mistake == "ingress_rule_open"
    yield Instance(
        m,
        "aws_vpc_security_group_ingress_rule",
        "from_app",
        {
            "arn": _arn("ec2", f"security-group-rule/{ids.hex('sgr')}"),
            "cidr_ipv4": "0.0.0.0/0" if rule_open else None,
            "cidr_ipv6": None,
            "description": None,
            "from_port": 5432,
            "id": ids.hex("sgr"),
            "ip_protocol": "tcp",
            "prefix_list_id": None,
            "referenced_security_group_id": None if rule_open else app_sg,
            "security_group_id": sg,
            "security_group_rule_id": ids.hex("sgr"),
            "tags": None,
            "tags_all": {"ManagedBy": "terraform"},
            "to_port": 5432,
        },
        unknown={
            "arn": True,
            "id": True,
            "security_group_id": True,
            "security_group_rule_id": True,
            **({} if rule_open else {"referenced_security_group_id": True}),
        },
    )
    yield Instance(
        m,
        "aws_security_group_rule",
        "egress",
        {
            "cidr_blocks": ["10.0.0.0/8"],
            "description": None,
            "from_port": 0,
            "id": f"sgrule-{ids.rng.getrandbits(32)}",
            "ipv6_cidr_blocks": None,
            "prefix_list_ids": None,
            "protocol": "-1",
            "security_group_id": sg,
            "security_group_rule_id": ids.hex("sgr"),
            "self": False,
            "source_security_group_id": None,
            "timeouts": None,
            "to_port": 0,
            "type": "egress",
        },
        unknown={
            "id": True,
            "security_group_id": True,
            "security_group_rule_id": True,
            "source_security_group_id": True,
        },
        schema_version=2,
    )
    yield Instance(
        m,
        "aws_db_parameter_group",
        "this",
        _base(
            svc,
            ident,
            _arn("rds", f"pg:{ident}"),
            ident,
            description="Managed by Terraform",
            family="postgres16",
            name=ident,
            name_prefix="",
            parameter=[
                {"apply_method": "pending-reboot", "name": "rds.force_ssl", "value": "1"},
                {"apply_method": "immediate", "name": "log_min_duration_statement", "value": "500"},
            ],
            skip_destroy=False,
        ),
        unknown={"arn": True, "id": True},
    )
    address = f"{ident}.c{ids.token(12).lower()}.{REGION}.rds.amazonaws.com"
    resource_id = f"db-{ids.token(26).upper()}"
    yield Instance(
        m,
        "aws_db_instance",
        "this",
        _base(
            svc,
            ident,
            _arn("rds", f"db:{ident}"),
            resource_id,
            address=address,
            allocated_storage=50,
            allow_major_version_upgrade=None,
            apply_immediately=False,
            auto_minor_version_upgrade=True,
            availability_zone=AZS[0],
            backup_retention_period=7,
            backup_target="region",
            backup_window="03:00-04:00",
            blue_green_update=[],
            ca_cert_identifier="rds-ca-rsa2048-g1",
            character_set_name="",
            copy_tags_to_snapshot=True,
            custom_iam_instance_profile="",
            customer_owned_ip_enabled=False,
            database_insights_mode="standard",
            db_name="app",
            db_subnet_group_name=ident,
            dedicated_log_volume=False,
            delete_automated_backups=True,
            deletion_protection=True,
            domain="",
            domain_auth_secret_arn="",
            domain_dns_ips=[],
            domain_fqdn="",
            domain_iam_role_name="",
            domain_ou="",
            enabled_cloudwatch_logs_exports=["postgresql"],
            endpoint=f"{address}:5432",
            engine="postgres",
            engine_lifecycle_support="open-source-rds-extended-support",
            engine_version="16.4",
            engine_version_actual="16.4",
            final_snapshot_identifier=f"{ident}-final",
            hosted_zone_id="Z2R2ITUGPM61AM",
            iam_database_authentication_enabled=False,
            identifier=ident,
            identifier_prefix="",
            instance_class="db.t3.medium",
            iops=0,
            kms_key_id=_arn("kms", f"key/{ids.hex('k', 32)}"),
            latest_restorable_time="",
            license_model="postgresql-license",
            listener_endpoint=[],
            maintenance_window="sun:05:00-sun:06:00",
            manage_master_user_password=None,
            master_user_secret=[],
            master_user_secret_kms_key_id=None,
            max_allocated_storage=200,
            monitoring_interval=0,
            monitoring_role_arn="",
            multi_az=True,
            nchar_character_set_name="",
            network_type="IPV4",
            option_group_name="default:postgres-16",
            parameter_group_name=ident,
            password=password,
            password_wo=None,
            password_wo_version=None,
            performance_insights_enabled=False,
            performance_insights_kms_key_id="",
            performance_insights_retention_period=0,
            port=5432,
            publicly_accessible=svc.mistake == "rds_public",
            replica_mode="",
            replicas=[],
            replicate_source_db="",
            resource_id=resource_id,
            restore_to_point_in_time=[],
            s3_import=[],
            skip_final_snapshot=False,
            snapshot_identifier=None,
            status="available",
            storage_encrypted=True,
            storage_throughput=0,
            storage_type="gp3",
            timeouts=None,
            timezone="",
            upgrade_storage_config=None,
            username="app",
            vpc_security_group_ids=[sg],
        ),
        unknown={
            "address": True,
            "arn": True,
            "id": True,
            "endpoint": True,
            "availability_zone": True,
            "hosted_zone_id": True,
            "resource_id": True,
            "status": True,
            "latest_restorable_time": True,
            "listener_endpoint": True,
            "replicas": True,
            "engine_version_actual": True,
            "kms_key_id": True,
            "master_user_secret": True,
            "option_group_name": True,
            "iops": True,
            "storage_throughput": True,
            "vpc_security_group_ids": [True],
        },
        sensitive={"password": True},
        schema_version=2,
    )
    for name, kind, value in (("password", "SecureString", password), ("host", "String", address)):
        param = f"/{svc.team}/{svc.name}/db/{name}"
        yield Instance(
            m,
            "aws_ssm_parameter",
            name,
            _base(
                svc,
                param,
                _arn("ssm", f"parameter{param}"),
                param,
                allowed_pattern="",
                data_type="text",
                description="",
                insecure_value=None,
                key_id="alias/aws/ssm" if kind == "SecureString" else "",
                name=param,
                overwrite=None,
                tier="Standard",
                type=kind,
                value=value,
                value_wo=None,
                value_wo_version=None,
                version=3,
            ),
            unknown={
                "arn": True,
                "id": True,
                "version": True,
                **({"value": True} if name == "host" else {}),
            },
            sensitive={"value": True},
        )


def service_instances(svc: Service) -> Iterator[Instance]:
    m = svc.module
    ids = svc.ids
    name = svc.name
    app_sg = ids.hex("sg")
    password = ids.token(32)
    links: dict[str, Any] = {}
    yield from network_instances(svc, links)
    yield from database_instances(svc, links, app_sg, password)
    computed = {"id": True, "arn": True}
    cluster_arn = _arn("ecs", f"cluster/{name}")
    yield Instance(
        m,
        "aws_ecs_cluster",
        "this",
        _base(
            svc,
            name,
            cluster_arn,
            cluster_arn,
            configuration=[],
            name=name,
            service_connect_defaults=[],
            setting=[{"name": "containerInsights", "value": "enabled"}],
        ),
        unknown=computed,
    )
    log_group = f"/ecs/{name}-api"
    yield Instance(
        m,
        "aws_cloudwatch_log_group",
        "api",
        _base(
            svc,
            log_group,
            _arn("logs", f"log-group:{log_group}"),
            log_group,
            kms_key_id="",
            log_group_class="STANDARD",
            name=log_group,
            name_prefix="",
            retention_in_days=30,
            skip_destroy=False,
        ),
        unknown=computed,
    )
    roles = {}
    for role in ("task", "execution", "lambda"):
        role_name = f"{name}-{role}"
        service = "lambda.amazonaws.com" if role == "lambda" else "ecs-tasks.amazonaws.com"
        trust = _doc(
            [
                {
                    "Sid": "",
                    "Effect": "Allow",
                    "Action": "sts:AssumeRole",
                    "Principal": {"Service": service},
                }
            ]
        )
        roles[role] = _arn("iam", f"role/{role_name}").replace(f"{REGION}:", "")
        yield Instance(
            m,
            "aws_iam_role",
            role,
            _base(
                svc,
                role_name,
                roles[role],
                role_name,
                assume_role_policy=trust,
                create_date="2024-03-01T10:00:00Z",
                description="",
                force_detach_policies=False,
                inline_policy=[],
                managed_policy_arns=[],
                max_session_duration=3600,
                name=role_name,
                name_prefix="",
                path="/",
                permissions_boundary=None,
                unique_id=f"AROA{ids.token(17).upper()}",
            ),
            unknown={
                **computed,
                "create_date": True,
                "unique_id": True,
                "inline_policy": True,
                "managed_policy_arns": True,
            },
        )
    table = f"{name}-sessions"
    table_arn = _arn("dynamodb", f"table/{table}")
    bucket = f"acme-{name}-assets"
    bucket_arn = f"arn:aws:s3:::{bucket}"
    queue = f"{name}-jobs"
    queue_arn = _arn("sqs", queue)
    statements = [
        {
            "Sid": "",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
            "Resource": table_arn,
        },
        {
            "Sid": "",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": bucket_arn,
        },
        {"Sid": "", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn},
    ]
    if svc.mistake == "task_role_lock_table":
        statements.append(
            {
                "Sid": "",
                "Effect": "Allow",
                "Action": "dynamodb:*",
                "Resource": _arn("dynamodb", f"table/{LOCK_TABLE}"),
            }
        )
    policy = _doc(statements, indent=2)
    doc_values = {
        "id": str(ids.rng.getrandbits(32)),
        "json": policy,
        "minified_json": _doc(statements),
        "override_json": None,
        "override_policy_documents": None,
        "policy_id": None,
        "source_json": None,
        "source_policy_documents": None,
        "statement": [
            {
                "actions": s["Action"] if isinstance(s["Action"], list) else [s["Action"]],
                "condition": [],
                "effect": "Allow",
                "not_actions": [],
                "not_principals": [],
                "not_resources": [],
                "principals": [],
                "resources": [s["Resource"]],
                "sid": "",
            }
            for s in statements
        ],
        "version": "2012-10-17",
    }
    yield Instance(
        m,
        "aws_iam_policy_document",
        "task",
        doc_values,
        mode="data",
        unknown={
            "id": True,
            "json": True,
            "minified_json": True,
            "statement": [{"resources": True}] * len(statements),
        },
    )
    yield Instance(
        m,
        "aws_iam_role_policy",
        "task",
        {
            "id": f"{name}-task:app",
            "name": "app",
            "name_prefix": "",
            "policy": policy,
            "role": f"{name}-task",
        },
        unknown={"id": True, "policy": True, "role": True},
    )
    yield Instance(
        m,
        "aws_iam_role_policy_attachment",
        "execution",
        {
            "id": f"{name}-execution-{ids.rng.getrandbits(64):x}",
            "policy_arn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            "role": f"{name}-execution",
        },
        unknown={"id": True, "role": True},
    )
    for policy_arn in TASK_MANAGED_POLICIES:
        yield Instance(
            m,
            "aws_iam_role_policy_attachment",
            "task_managed",
            {
                "id": f"{name}-task-{ids.rng.getrandbits(64):x}",
                "policy_arn": policy_arn,
                "role": f"{name}-task",
            },
            index=policy_arn,
            unknown={"id": True, "role": True},
        )
    for key in CONFIG_KEYS:
        param = f"/{svc.team}/{name}/config/{key.lower()}"
        yield Instance(
            m,
            "aws_ssm_parameter",
            "config",
            {
                "allowed_pattern": "",
                "arn": _arn("ssm", f"parameter{param}"),
                "data_type": "text",
                "description": "",
                "id": param,
                "insecure_value": None,
                "key_id": "",
                "name": param,
                "overwrite": None,
                "tags": None,
                "tags_all": {"ManagedBy": "terraform"},
                "tier": "Standard",
                "type": "String",
                "value": str(ids.rng.randrange(1, 500)),
                "value_wo": None,
                "value_wo_version": None,
                "version": 1,
            },
            index=key,
            unknown={"arn": True, "id": True, "version": True},
            sensitive={"value": True},
        )
    for rule, direction in (("app_from_lb", "ingress"), ("app_all", "egress")):
        rule_id = ids.hex("sgr")
        yield Instance(
            m,
            f"aws_vpc_security_group_{direction}_rule",
            rule,
            {
                "arn": _arn("ec2", f"security-group-rule/{rule_id}"),
                "cidr_ipv4": "10.0.0.0/8" if direction == "ingress" else "0.0.0.0/0",
                "cidr_ipv6": None,
                "description": None,
                "from_port": 8080 if direction == "ingress" else None,
                "id": rule_id,
                "ip_protocol": "tcp" if direction == "ingress" else "-1",
                "prefix_list_id": None,
                "referenced_security_group_id": None,
                "security_group_id": app_sg,
                "security_group_rule_id": rule_id,
                "tags": None,
                "tags_all": {"ManagedBy": "terraform"},
                "to_port": 8080 if direction == "ingress" else None,
            },
            unknown={
                "arn": True,
                "id": True,
                "security_group_id": True,
                "security_group_rule_id": True,
            },
        )
    environment = [
        {"name": "APP_ENV", "value": "production"},
        {"name": "ASSETS_BUCKET", "value": bucket},
        {"name": "SESSIONS_TABLE", "value": table},
        {"name": "PORT", "value": "8080"},
    ]
    if svc.mistake == "lock_table_in_env":
        environment.append({"name": "LOCK_TABLE", "value": LOCK_TABLE})
    containers = json.dumps(
        [
            {
                "name": "api",
                "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}:"
                f"{ids.rng.getrandbits(40):010x}",
                "essential": True,
                "cpu": 0,
                "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "tcp"}],
                "environment": environment,
                "mountPoints": [],
                "volumesFrom": [],
                "systemControls": [],
                "secrets": [
                    {
                        "name": "DB_HOST",
                        "valueFrom": _arn("ssm", f"parameter/{svc.team}/{name}/db/host"),
                    },
                    {
                        "name": "DB_PASSWORD",
                        "valueFrom": _arn("ssm", f"parameter/{svc.team}/{name}/db/password"),
                    },
                ],
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": log_group,
                        "awslogs-region": REGION,
                        "awslogs-stream-prefix": "api",
                    },
                },
            }
        ],
        separators=(",", ":"),
        sort_keys=True,
    )
    revision = ids.rng.randrange(1, 400)
    taskdef_arn = _arn("ecs", f"task-definition/{name}-api:{revision}")
    yield Instance(
        m,
        "aws_ecs_task_definition",
        "api",
        _base(
            svc,
            f"{name}-api",
            taskdef_arn,
            f"{name}-api",
            arn_without_revision=taskdef_arn.rsplit(":", 1)[0],
            container_definitions=containers,
            cpu="512",
            enable_fault_injection=False,
            ephemeral_storage=[],
            execution_role_arn=roles["execution"],
            family=f"{name}-api",
            inference_accelerator=[],
            ipc_mode="",
            memory="1024",
            network_mode="awsvpc",
            pid_mode="",
            placement_constraints=[],
            proxy_configuration=[],
            requires_compatibilities=["FARGATE"],
            revision=revision,
            runtime_platform=[{"cpu_architecture": "X86_64", "operating_system_family": "LINUX"}],
            skip_destroy=False,
            task_role_arn=roles["task"],
            track_latest=False,
            volume=[],
        ),
        unknown={
            **computed,
            "arn_without_revision": True,
            "revision": True,
            "execution_role_arn": True,
            "task_role_arn": True,
            "container_definitions": True,
        },
        schema_version=1,
    )
    tg = f"{name}-api"[:32]
    tg_arn = _arn("elasticloadbalancing", f"targetgroup/{tg}/{ids.rng.getrandbits(64):016x}")
    yield Instance(
        m,
        "aws_ecs_service",
        "api",
        _base(
            svc,
            f"{name}-api",
            _arn("ecs", f"service/{name}/{name}-api"),
            _arn("ecs", f"service/{name}/{name}-api"),
            alarms=[],
            availability_zone_rebalancing="DISABLED",
            capacity_provider_strategy=[],
            cluster=cluster_arn,
            deployment_circuit_breaker=[{"enable": True, "rollback": True}],
            deployment_controller=[],
            deployment_maximum_percent=200,
            deployment_minimum_healthy_percent=100,
            desired_count=2,
            enable_ecs_managed_tags=False,
            enable_execute_command=False,
            force_delete=None,
            force_new_deployment=None,
            health_check_grace_period_seconds=30,
            iam_role="/",
            launch_type="FARGATE",
            load_balancer=[
                {
                    "container_name": "api",
                    "container_port": 8080,
                    "elb_name": "",
                    "target_group_arn": tg_arn,
                }
            ],
            name=f"{name}-api",
            network_configuration=[
                {
                    "assign_public_ip": False,
                    "security_groups": [app_sg],
                    "subnets": links["private_subnets"],
                }
            ],
            ordered_placement_strategy=[],
            placement_constraints=[],
            platform_version="LATEST",
            propagate_tags="NONE",
            scheduling_strategy="REPLICA",
            service_connect_configuration=[],
            service_registries=[],
            task_definition=taskdef_arn,
            timeouts=None,
            triggers={},
            volume_configuration=[],
            vpc_lattice_configurations=[],
            wait_for_steady_state=False,
        ),
        unknown={
            **computed,
            "cluster": True,
            "task_definition": True,
            "iam_role": True,
            "triggers": True,
            "load_balancer": [{"target_group_arn": True}],
            "network_configuration": [{"security_groups": [True], "subnets": [True, True]}],
        },
    )
    yield Instance(
        m,
        "aws_security_group",
        "app",
        _base(
            svc,
            f"{name}-app",
            _arn("ec2", f"security-group/{app_sg}"),
            app_sg,
            description="Managed by Terraform",
            egress=[
                {
                    "cidr_blocks": ["0.0.0.0/0"],
                    "description": "",
                    "from_port": 0,
                    "ipv6_cidr_blocks": [],
                    "prefix_list_ids": [],
                    "protocol": "-1",
                    "security_groups": [],
                    "self": False,
                    "to_port": 0,
                }
            ],
            ingress=[
                {
                    "cidr_blocks": ["10.0.0.0/8"],
                    "description": "from the load balancer",
                    "from_port": 8080,
                    "ipv6_cidr_blocks": [],
                    "prefix_list_ids": [],
                    "protocol": "tcp",
                    "security_groups": [],
                    "self": False,
                    "to_port": 8080,
                }
            ],
            name=f"{name}-app",
            name_prefix="",
            owner_id=ACCOUNT,
            revoke_rules_on_delete=False,
            timeouts=None,
            vpc_id=links["vpc_id"],
        ),
        unknown={**computed, "owner_id": True, "vpc_id": True},
        schema_version=1,
    )
    lb = f"{name}-alb"[:32]
    lb_arn = _arn("elasticloadbalancing", f"loadbalancer/app/{lb}/{ids.rng.getrandbits(64):016x}")
    dns = f"{lb}-{ids.rng.getrandbits(30)}.{REGION}.elb.amazonaws.com"
    yield Instance(
        m,
        "aws_lb",
        "this",
        _base(
            svc,
            lb,
            lb_arn,
            lb_arn,
            access_logs=[],
            arn_suffix=lb_arn.split("loadbalancer/")[1],
            client_keep_alive=3600,
            connection_logs=[],
            customer_owned_ipv4_pool="",
            desync_mitigation_mode="defensive",
            dns_name=dns,
            dns_record_client_routing_policy=None,
            drop_invalid_header_fields=True,
            enable_cross_zone_load_balancing=True,
            enable_deletion_protection=True,
            enable_http2=True,
            enable_tls_version_and_cipher_suite_headers=False,
            enable_waf_fail_open=False,
            enable_xff_client_port=False,
            enable_zonal_shift=False,
            idle_timeout=60,
            internal=False,
            ip_address_type="ipv4",
            load_balancer_type="application",
            name=lb,
            name_prefix="",
            preserve_host_header=False,
            security_groups=[app_sg],
            subnet_mapping=[
                {
                    "allocation_id": "",
                    "ipv6_address": "",
                    "outpost_id": "",
                    "private_ipv4_address": "",
                    "subnet_id": s,
                }
                for s in links["public_subnets"]
            ],
            subnets=links["public_subnets"],
            timeouts=None,
            vpc_id=links["vpc_id"],
            xff_header_processing_mode="append",
            zone_id="Z35SXDOTRQ7X7K",
        ),
        unknown={
            **computed,
            "arn_suffix": True,
            "dns_name": True,
            "vpc_id": True,
            "zone_id": True,
            "subnet_mapping": True,
            "security_groups": True,
            "subnets": [True, True],
        },
    )
    yield Instance(
        m,
        "aws_lb_target_group",
        "api",
        _base(
            svc,
            tg,
            tg_arn,
            tg_arn,
            arn_suffix=tg_arn.split(":", 5)[5],
            connection_termination=None,
            deregistration_delay="300",
            health_check=[
                {
                    "enabled": True,
                    "healthy_threshold": 3,
                    "interval": 30,
                    "matcher": "200",
                    "path": "/health",
                    "port": "traffic-port",
                    "protocol": "HTTP",
                    "timeout": 5,
                    "unhealthy_threshold": 3,
                }
            ],
            ip_address_type="ipv4",
            lambda_multi_value_headers_enabled=False,
            load_balancer_arns=[lb_arn],
            load_balancing_algorithm_type="round_robin",
            load_balancing_anomaly_mitigation="off",
            load_balancing_cross_zone_enabled="use_load_balancer_configuration",
            name=tg,
            name_prefix="",
            port=8080,
            preserve_client_ip=None,
            protocol="HTTP",
            protocol_version="HTTP1",
            proxy_protocol_v2=False,
            slow_start=0,
            stickiness=[
                {"cookie_duration": 86400, "cookie_name": "", "enabled": False, "type": "lb_cookie"}
            ],
            target_failover=[],
            target_group_health=[],
            target_health_state=[],
            target_type="ip",
            vpc_id=links["vpc_id"],
        ),
        unknown={**computed, "arn_suffix": True, "load_balancer_arns": True, "vpc_id": True},
    )
    yield Instance(
        m,
        "aws_lb_listener",
        "https",
        _base(
            svc,
            f"{name}-https",
            f"{lb_arn.replace('loadbalancer', 'listener')}/{ids.rng.getrandbits(64):016x}",
            "",
            alpn_policy=None,
            certificate_arn=_arn("acm", f"certificate/{ids.rng.getrandbits(128):032x}"),
            default_action=[
                {
                    "authenticate_cognito": [],
                    "authenticate_oidc": [],
                    "fixed_response": [],
                    "forward": [],
                    "order": 1,
                    "redirect": [],
                    "target_group_arn": tg_arn,
                    "type": "forward",
                }
            ],
            load_balancer_arn=lb_arn,
            mutual_authentication=[],
            port=443,
            protocol="HTTPS",
            ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06",
            tcp_idle_timeout_seconds=None,
            timeouts=None,
        ),
        unknown={
            **computed,
            "load_balancer_arn": True,
            "default_action": [{"target_group_arn": True, "order": True}],
        },
    )
    kms = ids.hex("k", 32)[2:]
    yield Instance(
        m,
        "aws_kms_key",
        "this",
        _base(
            svc,
            name,
            _arn("kms", f"key/{kms}"),
            kms,
            bypass_policy_lockout_safety_check=False,
            custom_key_store_id="",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            deletion_window_in_days=30,
            description=f"{name} data",
            enable_key_rotation=True,
            is_enabled=True,
            key_id=kms,
            key_usage="ENCRYPT_DECRYPT",
            multi_region=False,
            policy=_doc(
                [
                    {
                        "Sid": "Enable IAM User Permissions",
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                        "Action": "kms:*",
                        "Resource": "*",
                    }
                ]
            ),
            rotation_period_in_days=365,
            timeouts=None,
            xks_key_id="",
        ),
        unknown={**computed, "key_id": True, "policy": True, "rotation_period_in_days": True},
    )
    yield Instance(
        m,
        "aws_sqs_queue",
        "jobs",
        _base(
            svc,
            queue,
            queue_arn,
            f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{queue}",
            content_based_deduplication=False,
            deduplication_scope="",
            delay_seconds=0,
            fifo_queue=False,
            fifo_throughput_limit="",
            kms_data_key_reuse_period_seconds=300,
            kms_master_key_id=kms,
            max_message_size=262144,
            message_retention_seconds=345600,
            name=queue,
            name_prefix="",
            policy="",
            receive_wait_time_seconds=0,
            redrive_allow_policy="",
            redrive_policy="",
            sqs_managed_sse_enabled=False,
            url=f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{queue}",
            visibility_timeout_seconds=30,
        ),
        unknown={
            **computed,
            "url": True,
            "policy": True,
            "kms_master_key_id": True,
            "redrive_allow_policy": True,
            "redrive_policy": True,
        },
    )
    yield Instance(
        m,
        "aws_iam_role_policy_attachment",
        "lambda_basic",
        {
            "id": f"{name}-lambda-{ids.rng.getrandbits(64):x}",
            "policy_arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "role": f"{name}-lambda",
        },
        unknown={"id": True, "role": True},
    )
    fn = f"{name}-worker"
    fn_arn = _arn("lambda", f"function:{fn}")
    yield Instance(
        m,
        "aws_lambda_function",
        "worker",
        _base(
            svc,
            fn,
            fn_arn,
            fn,
            architectures=["arm64"],
            code_sha256=ids.token(43) + "=",
            code_signing_config_arn="",
            dead_letter_config=[],
            description="",
            environment=[
                {
                    "variables": {
                        "SESSIONS_TABLE": table,
                        "LOG_LEVEL": "info",
                        **(
                            {"LOCK_TABLE": LOCK_TABLE} if svc.mistake == "lock_table_in_env" else {}
                        ),
                    }
                }
            ],
            ephemeral_storage=[{"size": 512}],
            file_system_config=[],
            filename="build/worker.zip",
            function_name=fn,
            handler="worker.handler",
            image_config=[],
            image_uri="",
            invoke_arn=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{fn_arn}/"
            "invocations",
            kms_key_arn="",
            last_modified="2025-10-01T12:00:00.000+0000",
            layers=[],
            logging_config=[
                {
                    "application_log_level": "",
                    "log_format": "Text",
                    "log_group": f"/aws/lambda/{fn}",
                    "system_log_level": "",
                }
            ],
            memory_size=256,
            package_type="Zip",
            publish=False,
            qualified_arn=f"{fn_arn}:$LATEST",
            qualified_invoke_arn="",
            replace_security_groups_on_destroy=None,
            replacement_security_group_ids=None,
            reserved_concurrent_executions=-1,
            role=roles["lambda"],
            runtime="python3.12",
            s3_bucket=None,
            s3_key=None,
            s3_object_version=None,
            signing_job_arn="",
            signing_profile_version_arn="",
            skip_destroy=False,
            snap_start=[],
            source_code_hash=ids.token(43) + "=",
            source_code_size=48213,
            timeout=30,
            timeouts=None,
            tracing_config=[{"mode": "PassThrough"}],
            version="$LATEST",
            vpc_config=[],
        ),
        unknown={
            **computed,
            "code_sha256": True,
            "invoke_arn": True,
            "last_modified": True,
            "qualified_arn": True,
            "qualified_invoke_arn": True,
            "role": True,
            "signing_job_arn": True,
            "signing_profile_version_arn": True,
            "source_code_size": True,
            "version": True,
            "logging_config": True,
        },
    )
    yield Instance(
        m,
        "aws_lambda_event_source_mapping",
        "jobs",
        {
            "amazon_managed_kafka_event_source_config": [],
            "arn": _arn("lambda", f"event-source-mapping:{ids.rng.getrandbits(128):032x}"),
            "batch_size": 10,
            "bisect_batch_on_function_error": False,
            "destination_config": [],
            "document_db_event_source_config": [],
            "enabled": True,
            "event_source_arn": queue_arn,
            "filter_criteria": [],
            "function_arn": fn_arn,
            "function_name": fn_arn,
            "function_response_types": [],
            "id": f"{ids.rng.getrandbits(128):032x}",
            "kms_key_arn": "",
            "last_modified": "2025-10-01T12:00:00Z",
            "last_processing_result": "",
            "maximum_batching_window_in_seconds": 0,
            "maximum_record_age_in_seconds": 0,
            "maximum_retry_attempts": 0,
            "metrics_config": [],
            "parallelization_factor": 0,
            "provisioned_poller_config": [],
            "queues": [],
            "scaling_config": [],
            "self_managed_event_source": [],
            "self_managed_kafka_event_source_config": [],
            "source_access_configuration": [],
            "starting_position": "",
            "starting_position_timestamp": None,
            "state": "Enabled",
            "state_transition_reason": "USER_INITIATED",
            "tags": None,
            "tags_all": {},
            "topics": [],
            "tumbling_window_in_seconds": 0,
            "uuid": f"{ids.rng.getrandbits(128):032x}",
        },
        unknown={
            "arn": True,
            "event_source_arn": True,
            "function_arn": True,
            "function_name": True,
            "id": True,
            "last_modified": True,
            "uuid": True,
            "last_processing_result": True,
            "state": True,
            "state_transition_reason": True,
        },
    )
    yield Instance(
        m,
        "aws_dynamodb_table",
        "sessions",
        _base(
            svc,
            table,
            table_arn,
            table,
            attribute=[{"name": "session_id", "type": "S"}],
            billing_mode="PAY_PER_REQUEST",
            deletion_protection_enabled=False,
            global_secondary_index=[],
            hash_key="session_id",
            import_table=[],
            local_secondary_index=[],
            name=table,
            on_demand_throughput=[],
            point_in_time_recovery=[{"enabled": False, "recovery_period_in_days": 0}],
            range_key=None,
            read_capacity=0,
            replica=[],
            restore_date_time=None,
            restore_source_name=None,
            restore_source_table_arn=None,
            restore_to_latest_time=None,
            server_side_encryption=[],
            stream_arn="",
            stream_enabled=False,
            stream_label="",
            stream_view_type="",
            table_class="STANDARD",
            timeouts=None,
            ttl=[{"attribute_name": "expires_at", "enabled": True}],
            warm_throughput=[],
            write_capacity=0,
        ),
        unknown={
            **computed,
            "stream_arn": True,
            "stream_label": True,
            "read_capacity": True,
            "write_capacity": True,
            "warm_throughput": True,
        },
        schema_version=1,
    )
    yield Instance(
        m,
        "aws_s3_bucket",
        "assets",
        _base(
            svc,
            bucket,
            bucket_arn,
            bucket,
            acceleration_status="",
            acl=None,
            bucket=bucket,
            bucket_domain_name=f"{bucket}.s3.amazonaws.com",
            bucket_prefix="",
            bucket_regional_domain_name=f"{bucket}.s3.{REGION}.amazonaws.com",
            cors_rule=[],
            force_destroy=False,
            grant=[
                {
                    "id": ids.rng.getrandbits(256).to_bytes(32, "big").hex(),
                    "permissions": ["FULL_CONTROL"],
                    "type": "CanonicalUser",
                    "uri": "",
                }
            ],
            hosted_zone_id="Z3AQBSTGFYJSTF",
            lifecycle_rule=[],
            logging=[],
            object_lock_configuration=[],
            object_lock_enabled=False,
            policy="",
            region=REGION,
            replication_configuration=[],
            request_payer="BucketOwner",
            server_side_encryption_configuration=[
                {
                    "rule": [
                        {
                            "apply_server_side_encryption_by_default": [
                                {"kms_master_key_id": "", "sse_algorithm": "AES256"}
                            ],
                            "bucket_key_enabled": False,
                        }
                    ]
                }
            ],
            timeouts=None,
            versioning=[{"enabled": True, "mfa_delete": False}],
            website=[],
            website_domain=None,
            website_endpoint=None,
        ),
        unknown={
            "arn": True,
            "id": True,
            "acceleration_status": True,
            "bucket_domain_name": True,
            "bucket_regional_domain_name": True,
            "cors_rule": True,
            "grant": True,
            "hosted_zone_id": True,
            "lifecycle_rule": True,
            "logging": True,
            "object_lock_configuration": True,
            "policy": True,
            "region": True,
            "replication_configuration": True,
            "request_payer": True,
            "server_side_encryption_configuration": True,
            "versioning": True,
            "website": True,
            "website_domain": True,
            "website_endpoint": True,
        },
    )
    yield Instance(
        m,
        "aws_s3_bucket_public_access_block",
        "assets",
        {
            "block_public_acls": True,
            "block_public_policy": True,
            "bucket": bucket,
            "id": bucket,
            "ignore_public_acls": True,
            "restrict_public_buckets": True,
        },
        unknown={"id": True, "bucket": True},
    )
    yield Instance(
        m,
        "aws_s3_bucket_versioning",
        "assets",
        {
            "bucket": bucket,
            "expected_bucket_owner": "",
            "id": bucket,
            "mfa": None,
            "versioning_configuration": [{"mfa_delete": "", "status": "Enabled"}],
        },
        unknown={"id": True, "bucket": True, "versioning_configuration": [{"mfa_delete": True}]},
    )
    read_policy = _doc(
        [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [bucket_arn, f"{bucket_arn}/*"],
            }
        ]
    )
    yield Instance(
        m,
        "aws_iam_policy",
        "assets_read",
        _base(
            svc,
            f"{name}-assets-read",
            _arn("iam", f"policy/{name}-assets-read").replace(f"{REGION}:", ""),
            _arn("iam", f"policy/{name}-assets-read").replace(f"{REGION}:", ""),
            attachment_count=0,
            description="",
            name=f"{name}-assets-read",
            name_prefix="",
            path="/",
            policy=read_policy,
            policy_id=f"ANPA{ids.token(17).upper()}",
        ),
        unknown={**computed, "policy": True, "policy_id": True, "attachment_count": True},
    )
    topic = f"{name}-alerts"
    topic_arn = _arn("sns", topic)
    yield Instance(
        m,
        "aws_sns_topic",
        "alerts",
        _base(
            svc,
            topic,
            topic_arn,
            topic_arn,
            application_failure_feedback_role_arn="",
            application_success_feedback_role_arn="",
            application_success_feedback_sample_rate=0,
            archive_policy="",
            beginning_archive_time="",
            content_based_deduplication=False,
            delivery_policy="",
            display_name="",
            fifo_throughput_scope="",
            fifo_topic=False,
            firehose_failure_feedback_role_arn="",
            firehose_success_feedback_role_arn="",
            firehose_success_feedback_sample_rate=0,
            http_failure_feedback_role_arn="",
            http_success_feedback_role_arn="",
            http_success_feedback_sample_rate=0,
            kms_master_key_id="",
            lambda_failure_feedback_role_arn="",
            lambda_success_feedback_role_arn="",
            lambda_success_feedback_sample_rate=0,
            name=topic,
            name_prefix="",
            owner=ACCOUNT,
            policy=_doc(
                [
                    {
                        "Sid": "__default_statement_ID",
                        "Effect": "Allow",
                        "Principal": {"AWS": "*"},
                        "Action": ["SNS:Publish", "SNS:Subscribe"],
                        "Resource": topic_arn,
                        "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT}},
                    }
                ]
            ),
            signature_version=0,
            sqs_failure_feedback_role_arn="",
            sqs_success_feedback_role_arn="",
            sqs_success_feedback_sample_rate=0,
            tracing_config="",
        ),
        unknown={
            **computed,
            "owner": True,
            "policy": True,
            "beginning_archive_time": True,
            "signature_version": True,
        },
    )
    for alarm, metric in (("cpu_high", "CPUUtilization"), ("memory_high", "MemoryUtilization")):
        alarm_name = f"{name}-{alarm.replace('_', '-')}"
        yield Instance(
            m,
            "aws_cloudwatch_metric_alarm",
            alarm,
            _base(
                svc,
                alarm_name,
                _arn("cloudwatch", f"alarm:{alarm_name}"),
                alarm_name,
                actions_enabled=True,
                alarm_actions=[topic_arn],
                alarm_description="",
                alarm_name=alarm_name,
                comparison_operator="GreaterThanThreshold",
                datapoints_to_alarm=0,
                dimensions={"ClusterName": name, "ServiceName": f"{name}-api"},
                evaluate_low_sample_count_percentiles="",
                evaluation_periods=3,
                extended_statistic="",
                insufficient_data_actions=[],
                metric_name=metric,
                metric_query=[],
                namespace="AWS/ECS",
                ok_actions=[],
                period=60,
                statistic="Average",
                threshold=80,
                threshold_metric_id="",
                treat_missing_data="missing",
                unit="",
            ),
            unknown={
                **computed,
                "alarm_actions": [True],
                "evaluate_low_sample_count_percentiles": True,
            },
            schema_version=1,
        )
    fqdn = f"{name}.api.acme.example"
    yield Instance(
        m,
        "aws_route53_record",
        "api",
        {
            "alias": [{"evaluate_target_health": True, "name": dns, "zone_id": "Z35SXDOTRQ7X7K"}],
            "allow_overwrite": None,
            "cidr_routing_policy": [],
            "failover_routing_policy": [],
            "fqdn": fqdn,
            "geolocation_routing_policy": [],
            "geoproximity_routing_policy": [],
            "health_check_id": None,
            "id": f"Z0ACME_{fqdn}_A",
            "latency_routing_policy": [],
            "multivalue_answer_routing_policy": None,
            "name": fqdn,
            "records": None,
            "set_identifier": None,
            "timeouts": None,
            "ttl": None,
            "type": "A",
            "weighted_routing_policy": [],
            "zone_id": "Z0ACME",
        },
        unknown={
            "id": True,
            "fqdn": True,
            "alias": [{"name": True, "zone_id": True}],
            "allow_overwrite": True,
        },
        schema_version=2,
    )
    yield Instance(
        m,
        "aws_iam_policy_document",
        "assume_ecs",
        {
            "id": str(ids.rng.getrandbits(32)),
            "json": _doc(
                [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                    }
                ],
                indent=2,
            ),
            "minified_json": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":'
            '"sts:AssumeRole","Principal":{"Service":"ecs-tasks.amazonaws.com"}}]}',
            "override_json": None,
            "override_policy_documents": None,
            "policy_id": None,
            "source_json": None,
            "source_policy_documents": None,
            "statement": [
                {
                    "actions": ["sts:AssumeRole"],
                    "condition": [],
                    "effect": "Allow",
                    "not_actions": [],
                    "not_principals": [],
                    "not_resources": [],
                    "principals": [{"identifiers": ["ecs-tasks.amazonaws.com"], "type": "Service"}],
                    "resources": [],
                    "sid": "",
                }
            ],
            "version": "2012-10-17",
        },
        mode="data",
    )


def state_backend_instances(ids: Ids) -> Iterator[Instance]:
    m: Module = (("state_backend", None),)
    tags = {"Name": STATE_BUCKET, "Purpose": "terraform-state"}
    tags_all = {**tags, "ManagedBy": "terraform"}
    bucket_arn = f"arn:aws:s3:::{STATE_BUCKET}"
    yield Instance(
        m,
        "aws_s3_bucket",
        "state",
        {
            "arn": bucket_arn,
            "bucket": STATE_BUCKET,
            "bucket_prefix": "",
            "force_destroy": False,
            "id": STATE_BUCKET,
            "object_lock_enabled": False,
            "region": REGION,
            "tags": tags,
            "tags_all": tags_all,
            "timeouts": None,
        },
    )
    yield Instance(
        m,
        "aws_s3_bucket_versioning",
        "state",
        {
            "bucket": STATE_BUCKET,
            "expected_bucket_owner": "",
            "id": STATE_BUCKET,
            "mfa": None,
            "versioning_configuration": [{"mfa_delete": "", "status": "Enabled"}],
        },
    )
    yield Instance(
        m,
        "aws_s3_bucket_server_side_encryption_configuration",
        "state",
        {
            "bucket": STATE_BUCKET,
            "expected_bucket_owner": "",
            "id": STATE_BUCKET,
            "rule": [
                {
                    "apply_server_side_encryption_by_default": [
                        {"kms_master_key_id": "", "sse_algorithm": "aws:kms"}
                    ],
                    "bucket_key_enabled": True,
                }
            ],
        },
    )
    yield Instance(
        m,
        "aws_s3_bucket_public_access_block",
        "state",
        {
            "block_public_acls": True,
            "block_public_policy": True,
            "bucket": STATE_BUCKET,
            "id": STATE_BUCKET,
            "ignore_public_acls": True,
            "restrict_public_buckets": True,
        },
    )
    yield Instance(
        m,
        "aws_dynamodb_table",
        "lock",
        {
            "arn": _arn("dynamodb", f"table/{LOCK_TABLE}"),
            "attribute": [{"name": "LockID", "type": "S"}],
            "billing_mode": "PAY_PER_REQUEST",
            "deletion_protection_enabled": True,
            "global_secondary_index": [],
            "hash_key": "LockID",
            "id": LOCK_TABLE,
            "import_table": [],
            "local_secondary_index": [],
            "name": LOCK_TABLE,
            "on_demand_throughput": [],
            "point_in_time_recovery": [{"enabled": True, "recovery_period_in_days": 35}],
            "range_key": None,
            "read_capacity": 0,
            "replica": [],
            "restore_date_time": None,
            "restore_source_name": None,
            "restore_source_table_arn": None,
            "restore_to_latest_time": None,
            "server_side_encryption": [],
            "stream_arn": "",
            "stream_enabled": False,
            "stream_label": "",
            "stream_view_type": "",
            "table_class": "STANDARD",
            "tags": {"Purpose": "terraform-state-lock"},
            "tags_all": {"ManagedBy": "terraform", "Purpose": "terraform-state-lock"},
            "timeouts": None,
            "ttl": [{"attribute_name": "", "enabled": False}],
            "warm_throughput": [],
            "write_capacity": 0,
        },
        schema_version=1,
    )


def filler_instances(count: int) -> Iterator[Instance]:
    for index in range(count):
        name = f"/platform/misc/{index:04d}"
        yield Instance(
            (),
            "aws_cloudwatch_log_group",
            "misc",
            {
                "arn": _arn("logs", f"log-group:{name}"),
                "id": name,
                "kms_key_id": "",
                "log_group_class": "STANDARD",
                "name": name,
                "name_prefix": "",
                "retention_in_days": 14,
                "skip_destroy": False,
                "tags": {"Team": "platform"},
                "tags_all": {"ManagedBy": "terraform", "Team": "platform"},
            },
            index=index,
        )


# -- turning instances into the plan's sections --------------------------------------------


def _known_after(inst: Instance) -> tuple[dict[str, Any], dict[str, Any]]:
    """(`after`, `after_unknown`) for a create: unknown attributes left out of `after`."""
    after: dict[str, Any] = {}
    for key, value in inst.values.items():
        mark = inst.unknown.get(key)
        if mark is True:
            continue
        if isinstance(mark, list) and isinstance(value, list):
            after[key] = [_blank(v, m) for v, m in zip(value, mark, strict=False)]
            continue
        after[key] = value
    return after, _mirror(after, inst.unknown)


def _blank(value: Any, mark: Any) -> Any:
    if mark is True:
        return None
    if isinstance(mark, dict) and isinstance(value, dict):
        return {
            k: (_blank(v, mark[k]) if k in mark else v)
            for k, v in value.items()
            if mark.get(k) is not True
        }
    if isinstance(mark, list) and isinstance(value, list):
        return [_blank(v, m) for v, m in zip(value, mark, strict=False)]
    return value


def _resource_head(inst: Instance) -> dict[str, Any]:
    head: dict[str, Any] = {"address": inst.address}
    if inst.module:
        head["module_address"] = _module_address(inst.module)
    head.update(mode=inst.mode, type=inst.type, name=inst.name)
    if inst.index is not None:
        head["index"] = inst.index
    head["provider_name"] = PROVIDER
    return head


def _state_entry(inst: Instance, values: dict[str, Any]) -> dict[str, Any]:
    entry = {k: v for k, v in _resource_head(inst).items() if k != "module_address"}
    entry["schema_version"] = inst.schema_version
    entry["values"] = values
    entry["sensitive_values"] = _mirror(values, inst.sensitive)
    return entry


@dataclass
class Built:
    changes: list[dict[str, Any]] = field(default_factory=list)
    drift: list[dict[str, Any]] = field(default_factory=list)
    planned: list[tuple[Module, dict[str, Any]]] = field(default_factory=list)
    prior: list[tuple[Module, dict[str, Any]]] = field(default_factory=list)
    relevant: list[dict[str, Any]] = field(default_factory=list)


def _add(built: Built, inst: Instance, action: str, rng: random.Random) -> None:
    values = _sorted(inst.values)
    if inst.mode == "data":
        if action == "read":
            after, unknown = _known_after(inst)
            built.changes.append(
                {
                    **_resource_head(inst),
                    "change": {
                        "actions": ["read"],
                        "before": None,
                        "after": _sorted(after),
                        "after_unknown": unknown,
                        "before_sensitive": False,
                        "after_sensitive": {},
                    },
                    "action_reason": "read_because_config_unknown",
                }
            )
            built.planned.append((inst.module, _state_entry(inst, _sorted(after))))
        else:
            built.prior.append((inst.module, _state_entry(inst, values)))
            built.planned.append((inst.module, _state_entry(inst, values)))
        return
    sensitive = _mirror(values, inst.sensitive)
    change: dict[str, Any]
    extra: dict[str, Any] = {}
    if action == "create":
        after, unknown = _known_after(inst)
        after = _sorted(after)
        change = {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": unknown,
            "before_sensitive": False,
            "after_sensitive": _mirror(after, inst.sensitive),
        }
        built.planned.append((inst.module, _state_entry(inst, after)))
    elif action == "delete":
        change = {
            "actions": ["delete"],
            "before": values,
            "after": None,
            "after_unknown": {},
            "before_sensitive": sensitive,
            "after_sensitive": False,
        }
        extra = {"action_reason": "delete_because_no_module"}
        built.prior.append((inst.module, _state_entry(inst, values)))
    elif action == "replace":
        after, unknown = _known_after(
            Instance(
                inst.module,
                inst.type,
                inst.name,
                inst.values,
                inst.index,
                inst.mode,
                {k: v for k, v in inst.unknown.items() if k in ("arn", "revision", "id")},
                inst.sensitive,
            )
        )
        after = _sorted(after)
        change = {
            "actions": ["delete", "create"],
            "before": values,
            "after": after,
            "after_unknown": unknown,
            "before_sensitive": sensitive,
            "after_sensitive": _mirror(after, inst.sensitive),
            "replace_paths": [["container_definitions"]],
        }
        extra = {"action_reason": "replace_because_cannot_update"}
        built.prior.append((inst.module, _state_entry(inst, values)))
        built.planned.append((inst.module, _state_entry(inst, after)))
    else:
        before = values
        if action == "update" and isinstance(values.get("tags"), dict):
            before = {
                **values,
                "tags": {**values["tags"], "ChangedBy": "console"},
                "tags_all": {**values["tags_all"], "ChangedBy": "console"},
            }
            before = _sorted(before)
            drift_before = values
            built.drift.append(
                {
                    **_resource_head(inst),
                    "change": {
                        "actions": ["update"],
                        "before": drift_before,
                        "after": before,
                        "after_unknown": {},
                        "before_sensitive": sensitive,
                        "after_sensitive": _mirror(before, inst.sensitive),
                    },
                }
            )
            built.relevant.append({"resource": inst.address, "attribute": ["tags"]})
        else:
            action = "no-op"
        change = {
            "actions": [action],
            "before": before,
            "after": values,
            "after_unknown": {},
            "before_sensitive": _mirror(before, inst.sensitive),
            "after_sensitive": sensitive,
        }
        built.prior.append((inst.module, _state_entry(inst, before)))
        built.planned.append((inst.module, _state_entry(inst, values)))
    built.changes.append({**_resource_head(inst), "change": change, **extra})


def _module_tree(entries: list[tuple[Module, dict[str, Any]]]) -> dict[str, Any]:
    """planned_values / prior_state root_module: resources per module, nested."""
    tree: dict[Module, list[dict[str, Any]]] = {}
    for module, entry in entries:
        for depth in range(len(module)):
            tree.setdefault(module[:depth], [])
        tree.setdefault(module, []).append(entry)

    def build(module: Module) -> dict[str, Any]:
        node: dict[str, Any] = {}
        resources = sorted(tree.get(module, []), key=lambda r: r["address"])
        if resources:
            node["resources"] = resources
        if module:
            node["address"] = _module_address(module)
        children = sorted(
            (m for m in tree if len(m) == len(module) + 1 and m[:-1] == module), key=_module_address
        )
        if children:
            node["child_modules"] = [build(c) for c in children]
        return node

    return build(())


def generate(
    resources: int = 20000,
    seed: int = 20251128,
    mistake_every: int = 50,
) -> dict[str, Any]:
    """The plan as a dict; `len(plan["resource_changes"]) == resources`."""
    rng = random.Random(seed)
    ids = Ids(rng)
    built = Built()
    for inst in state_backend_instances(ids):
        _add(built, inst, "no-op", rng)
    team_services: dict[str, dict[str, Any]] = {f"team_{t:02d}": {} for t in range(TEAMS)}
    per_service = sum(1 for i in _probe_service() if i.mode == "managed")
    number = 0
    while resources - len(built.changes) >= per_service + 1:
        team = f"team_{number % TEAMS:02d}"
        name = f"svc{number:04d}"
        roll = rng.random()
        state = "existing" if roll < 0.45 else "new" if roll < 0.96 else "removed"
        mistake = None
        if mistake_every and number % mistake_every == mistake_every // 2 and (state != "removed"):
            mistake = MISTAKES[(number // mistake_every) % len(MISTAKES)]
        svc = Service(((team, name),), name, team, state, mistake, ids, 16 + number % 200)
        if state != "removed":
            team_services[team][name] = {
                "image": f"{name}:latest",
                "cidr": f"10.{svc.octet}.0.0/16",
                "db_public": mistake == "rds_public",
            }
        replace_task = state == "existing" and rng.random() < 0.10
        before = len(built.changes)
        for inst in service_instances(svc):
            if state == "new":
                action = "read" if inst.name == "task" and inst.mode == "data" else "create"
            elif state == "removed":
                if inst.mode == "data":
                    continue
                action = "delete"
            elif replace_task and inst.type == "aws_ecs_task_definition":
                action = "replace"
            elif mistake is not None and inst.type in (
                "aws_db_instance",
                "aws_security_group",
                "aws_iam_role_policy",
                "aws_ecs_task_definition",
                "aws_vpc_security_group_ingress_rule",
            ):
                action = "update"
            else:
                action = "update" if rng.random() < 0.04 else "no-op"
            _add(built, inst, action, rng)
        assert len(built.changes) - before in (per_service, per_service + 1)
        number += 1
    for inst in filler_instances(resources - len(built.changes)):
        _add(built, inst, "no-op", rng)
    built.changes.sort(key=lambda c: c["address"])
    return _envelope(built, team_services, rng)


def _probe_service() -> list[Instance]:
    probe = Service(
        (("probe", "probe"),), "probe", "team_probe", "existing", None, Ids(random.Random(0)), 1
    )
    return list(service_instances(probe))


def _envelope(
    built: Built,
    team_services: dict[str, dict[str, Any]],
    rng: random.Random,
) -> dict[str, Any]:
    password = Ids(rng).token(32)
    variables: dict[str, Any] = {
        "db_password": {"value": password},
        "region": {"value": REGION},
        "zone_id": {"value": "Z0ACME"},
        **{f"{team}_services": {"value": services} for team, services in team_services.items()},
    }
    service_body = service_config()
    root_calls: dict[str, Any] = {
        "state_backend": {
            "source": "./modules/state_backend",
            "expressions": {
                "state_bucket_name": const(STATE_BUCKET),
                "lock_table_name": const(LOCK_TABLE),
            },
            "module": state_backend_config(),
        }
    }
    for team in team_services:
        root_calls[team] = {
            "source": "./modules/service",
            "expressions": {
                "name": refs("each.key"),
                "team": const(team),
                "image": refs("each.value.image"),
                "cidr_block": refs("each.value.cidr"),
                "db_public": refs("each.value.db_public"),
                "db_password": refs("var.db_password"),
                "zone_id": refs("var.zone_id"),
            },
            "for_each_expression": refs(f"var.{team}_services"),
            "module": service_body,
        }
    configuration = {
        "provider_config": {
            "aws": {
                "name": "aws",
                "full_name": PROVIDER,
                "version_constraint": "~> 5.80",
                "expressions": {
                    "region": refs("var.region"),
                    "default_tags": [{"tags": const({"ManagedBy": "terraform"})}],
                },
            }
        },
        "root_module": {
            "outputs": {
                "lock_table_arn": {
                    "expression": refs(
                        "module.state_backend.lock_table_arn", "module.state_backend"
                    )
                }
            },
            "resources": [
                _cfg(
                    "aws_cloudwatch_log_group",
                    "misc",
                    {"name": refs("count.index"), "retention_in_days": const(14)},
                    count=const(
                        len(
                            [
                                c
                                for c in built.changes
                                if c["address"].startswith("aws_cloudwatch_log_group.misc")
                            ]
                        )
                    ),
                )
            ],
            "module_calls": root_calls,
            "variables": {
                "db_password": {"sensitive": True},
                "region": {"default": REGION},
                "zone_id": {},
                **{f"{t}_services": {} for t in team_services},
            },
        },
    }
    lock_arn = _arn("dynamodb", f"table/{LOCK_TABLE}")
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "variables": variables,
        "planned_values": {
            "outputs": {
                "lock_table_arn": {"sensitive": False, "type": "string", "value": lock_arn}
            },
            "root_module": _module_tree(built.planned),
        },
        "resource_drift": sorted(built.drift, key=lambda c: c["address"]),
        "resource_changes": built.changes,
        "output_changes": {
            "lock_table_arn": {
                "actions": ["no-op"],
                "before": lock_arn,
                "after": lock_arn,
                "after_unknown": False,
                "before_sensitive": False,
                "after_sensitive": False,
            }
        },
        "prior_state": {
            "format_version": "1.0",
            "terraform_version": TERRAFORM_VERSION,
            "values": {
                "outputs": {
                    "lock_table_arn": {"sensitive": False, "value": lock_arn, "type": "string"}
                },
                "root_module": _module_tree(built.prior),
            },
        },
        "configuration": configuration,
        "relevant_attributes": sorted(built.relevant, key=lambda r: r["resource"]),
        "timestamp": TIMESTAMP,
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def write_plan(
    path: Path, resources: int = 20000, seed: int = 20251128, mistake_every: int = 50
) -> int:
    """Write the plan compactly (as `terraform show -json` does); returns its size."""
    text = json.dumps(generate(resources, seed, mistake_every), separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--resources",
        "-n",
        type=int,
        default=20000,
        help="number of resource_changes (default 20000)",
    )
    parser.add_argument("--seed", type=int, default=20251128)
    parser.add_argument(
        "--mistake-every",
        type=int,
        default=50,
        metavar="K",
        help="one service in K carries one of the mistakes the built-in "
        "policies block, in turn (default 50; 0 for a clean plan)",
    )
    parser.add_argument("--out", "-o", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.resources < 10:
        parser.error("--resources must be at least 10")
    size = write_plan(args.out, args.resources, args.seed, args.mistake_every)
    print(f"{args.out}: {args.resources} resource changes, {size / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
