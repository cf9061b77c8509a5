"""The application's compute: the resource types that run its code, which role each runs
as, and where each is told its configuration.

One list answers both questions the built-in packs ask about the application: who it
runs as (`aws.principals`) and what it is told (the names in its environment and
definitions). A compute type added here is followed by both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "APPLICATION_COMPUTE",
    "BATCH_ROLES",
    "COMPUTE_SERVICE",
    "EXECUTION",
    "Compute",
    "RoleAttribute",
]

Path = tuple[str | int, ...]

EXECUTION = "ECS task execution role"


@dataclass(frozen=True, slots=True)
class RoleAttribute:
    """An attribute naming the role a compute resource runs as."""

    path: Path
    kind: str  # what the role is to the compute, as a message says it
    execution: bool = False  # the platform uses it (pulls images, reads secrets), not the app


@dataclass(frozen=True, slots=True)
class Compute:
    """A resource type that runs the application's code."""

    type: str
    roles: tuple[RoleAttribute, ...] = ()
    profiles: tuple[Path, ...] = ()  # attributes naming an EC2 instance profile
    # (attribute path, whether it holds a JSON document): where the application's
    # environment, commands and definitions are written
    configuration: tuple[tuple[str, bool], ...] = ()


APPLICATION_COMPUTE: tuple[Compute, ...] = (
    Compute(
        "aws_ecs_task_definition",
        roles=(
            RoleAttribute(("task_role_arn",), "ECS task role"),
            RoleAttribute(("execution_role_arn",), EXECUTION, execution=True),
        ),
        configuration=(("container_definitions", True),),
    ),
    Compute(
        "aws_lambda_function",
        roles=(RoleAttribute(("role",), "Lambda execution role"),),
        configuration=(("environment.0.variables", False),),
    ),
    Compute(
        "aws_apprunner_service",
        roles=(
            RoleAttribute(
                ("instance_configuration", 0, "instance_role_arn"), "App Runner instance role"
            ),
        ),
        configuration=(("source_configuration", False),),
    ),
    # Batch names its roles inside `container_properties` (BATCH_ROLES).
    Compute(
        "aws_batch_job_definition",
        configuration=(
            ("container_properties", True),
            ("node_properties", True),
            ("ecs_properties", True),
        ),
    ),
    Compute(
        "aws_sfn_state_machine",
        roles=(RoleAttribute(("role_arn",), "Step Functions role"),),
        configuration=(("definition", True),),
    ),
    Compute(
        "aws_eks_pod_identity_association",
        roles=(RoleAttribute(("role_arn",), "EKS pod identity role"),),
    ),
    Compute("aws_instance", profiles=(("iam_instance_profile",),)),
    Compute(
        "aws_launch_template",
        profiles=(("iam_instance_profile", 0, "name"), ("iam_instance_profile", 0, "arn")),
    ),
    Compute("aws_launch_configuration", profiles=(("iam_instance_profile",),)),
)

# The keys of a Batch job definition's `container_properties` that name its roles.
BATCH_ROLES = (
    RoleAttribute(("jobRoleArn",), "Batch job role"),
    RoleAttribute(("executionRoleArn",), "Batch execution role", execution=True),
)

# Service principals whose workloads are the application, in a role's trust policy
# (`states.<region>` is the old form of Step Functions').
COMPUTE_SERVICE = re.compile(
    r"^(ecs-tasks|lambda|edgelambda|ec2|apprunner|tasks\.apprunner|states(\.[a-z0-9-]+)?"
    r"|batch|pods\.eks)\.amazonaws\.com(\.cn)?$"
)
