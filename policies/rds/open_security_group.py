"""PG-RDS-002: a database security group open to the internet on the database port."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import Enforcement, Finding, Plan, ResourceChange, Severity, finding, policy
from plangate.policies.rds._common import DB_TYPES, open_ingress


@policy(
    id="PG-RDS-002",
    title="RDS security group must not admit the internet to the database port",
    severity=Severity.CRITICAL,
    resource_types=DB_TYPES,
    enforcement=Enforcement.HARD_MANDATORY,
)
def rds_open_security_group(change: ResourceChange, plan: Plan) -> Iterator[Finding]:
    """## What it checks
    The security groups attached to an `aws_db_instance` or `aws_rds_cluster` (cluster
    instances use their cluster's), followed through references and module variables while
    their ids are unknown. A finding is raised on every ingress rule of those groups (inline
    `ingress`, `aws_security_group_rule`, `aws_vpc_security_group_ingress_rule`, and
    entries of managed prefix lists in the plan) that admits a public IPv4 or IPv6 range
    (0.0.0.0/0, ::/0, or anything outside private, shared and local space) on the database
    port (`port`, else the engine's default) or on all ports. A source range, protocol,
    port or link known only after apply gives a `possible` finding. Ingress from other
    security groups and from private ranges passes.

    ## Why it matters
    A security group is the database's last network control. A rule that admits the
    internet to the database port exposes the login prompt to every scanner, and to
    credential stuffing and engine exploits, whenever the instance has a route to the
    internet (`publicly_accessible`, or a later change).

    ## How to fix
    Admit the database port from the application's security group only
    (`referenced_security_group_id` / `source_security_group_id`). For people, use SSM port
    forwarding, a bastion or a VPN, never a public CIDR.

    ## References
    - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html
    - https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
    """
    for path in open_ingress(plan, change):
        yield finding(
            path.rule.carrier,
            path.describe() + ".",
            attribute=path.source.attribute,
            certainty=path.certainty,
            chain=path.chain,
            new=path.new,
        )
