"""PG-RDS-001: an RDS instance with a public address."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import (
    Certainty,
    Enforcement,
    Finding,
    Plan,
    ResourceChange,
    Severity,
    finding,
    policy,
)
from plangate.policies.rds._common import INSTANCE_TYPES, publicly_accessible


@policy(
    id="PG-RDS-001",
    title="RDS instance must not be publicly accessible",
    severity=Severity.CRITICAL,
    resource_types=INSTANCE_TYPES,
    enforcement=Enforcement.HARD_MANDATORY,
)
def rds_publicly_accessible(change: ResourceChange, plan: Plan) -> Iterator[Finding]:
    """## What it checks
    `aws_db_instance`, `aws_rds_cluster_instance` and `aws_rds_cluster` (a Multi-AZ DB
    cluster) whose planned `publicly_accessible` is `true`, whether the plan sets it now or
    it was already so (the finding says which). When the configuration sets it from a value
    known only after apply, the finding is `possible`; left unset, it is false.

    ## Why it matters
    A publicly accessible instance gets a public IP address and an endpoint that resolves
    to it from the internet. Only its security groups and subnet routes then stand between
    the database and every scanner on the internet; one wide rule later, it is open. The
    database belongs in private subnets, reachable only from the application.

    ## How to fix
    Set `publicly_accessible = false` (the default) and reach the database from inside the
    VPC: from the application's security group, a bastion, SSM port forwarding, or a VPN.

    ## References
    - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html#USER_VPC.Hiding
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_instance#publicly_accessible
    """
    verdict = publicly_accessible(plan, change)
    if verdict is None:
        return
    if verdict is Certainty.POSSIBLE:
        message = "publicly_accessible is known only after apply and may be true."
    else:
        message = "publicly_accessible = true gives the instance a public address on the internet."
    yield finding(
        change,
        message,
        attribute="publicly_accessible",
        certainty=verdict,
    )
