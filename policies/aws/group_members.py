"""Which resources use a security group: the compute that runs the application (ECS
services and task sets, Lambda functions in a VPC, EC2 instances, launch templates and
configurations, Batch compute environments, App Runner VPC connectors, EKS clusters)
and the load balancers in front of it, each through its network configuration.

A rule that admits a security group admits whatever uses it: this is how a database's
inbound path is followed back to the compute behind it. The index is built once per
plan, from known ids first and, while they are unknown, the configuration's references
(`aws.id_links`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from plangate import Plan, Resource
from plangate.helpers import in_state, per_plan

from .id_links import Link, linked_from_each
from .security_groups import GROUP_TYPES

__all__ = ["COMPUTE", "ENTRY", "MEMBER_TYPES", "Member", "group_members", "groups_of"]

COMPUTE, ENTRY = "compute", "entry"

# type → (attributes naming its security groups, what it is to the application)
MEMBER_TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    "aws_ecs_service": (("network_configuration.0.security_groups",), COMPUTE),
    "aws_ecs_task_set": (("network_configuration.0.security_groups",), COMPUTE),
    "aws_lambda_function": (("vpc_config.0.security_group_ids",), COMPUTE),
    "aws_instance": (("vpc_security_group_ids", "security_groups"), COMPUTE),
    "aws_launch_template": (
        ("vpc_security_group_ids", "network_interfaces.0.security_groups"),
        COMPUTE,
    ),
    "aws_launch_configuration": (("security_groups",), COMPUTE),
    "aws_batch_compute_environment": (("compute_resources.0.security_group_ids",), COMPUTE),
    "aws_apprunner_vpc_connector": (("security_groups",), COMPUTE),
    "aws_eks_cluster": (("vpc_config.0.security_group_ids",), COMPUTE),
    "aws_lb": (("security_groups",), ENTRY),
    "aws_elb": (("security_groups",), ENTRY),
}


@dataclass(frozen=True, slots=True)
class Member:
    """A resource that uses a security group; `certain` is False when some of its
    groups are known only after apply and could not be followed."""

    resource: Resource
    role: str  # COMPUTE | ENTRY
    certain: bool = True


def groups_of(plan: Plan, resource: Resource) -> Link:
    """The security groups a compute resource or load balancer uses (an empty link for
    other types)."""
    paths, _ = MEMBER_TYPES.get(resource.type, ((), ""))
    link = Link()
    for path in paths:
        link = link.merge(linked_from_each(plan, (resource,), path, GROUP_TYPES))
    return link


@per_plan
def group_members(plan: Plan) -> dict[str, list[Member]]:
    """Group key (address, or a bare `sg-…` id) → the resources that use it."""
    index: dict[str, list[Member]] = defaultdict(list)
    for type_, (_, role) in MEMBER_TYPES.items():
        for resource in in_state(plan, type_):
            link = groups_of(plan, resource)
            for key in sorted(link.keys):
                index[key].append(Member(resource, role, not link.open))
    return index
