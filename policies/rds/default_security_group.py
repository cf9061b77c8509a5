"""PG-RDS-003: a database left in its VPC's default security group."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import UNKNOWN, Enforcement, Finding, Plan, ResourceChange, Severity, finding, policy
from plangate.policies.rds._common import DB_TYPES


@policy(
    id="PG-RDS-003",
    title="RDS database must have its own security group",
    severity=Severity.MEDIUM,
    resource_types=DB_TYPES,
    enforcement=Enforcement.SOFT_MANDATORY,
)
def rds_default_security_group(change: ResourceChange, plan: Plan) -> Iterator[Finding]:
    """## What it checks
    `aws_db_instance` and `aws_rds_cluster` with no `vpc_security_group_ids`: a known
    empty list or null, or an attribute the configuration does not set (a first plan
    shows it as known after apply, filled in by AWS with the default group). RDS then
    attaches the VPC's default security group. Values that are unknown because they
    refer to groups give no finding.

    ## Why it matters
    The default group is shared by everything launched without a group and admits all
    traffic from its own members, so any of them reaches the database; rules added to it
    for another resource open the database too. The database's exposure can no longer be
    read from its own configuration.

    ## How to fix
    Give the database a security group of its own that admits its port from the
    application's security group only, and list it in `vpc_security_group_ids`.

    ## References
    - https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html
    - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html
    """
    groups = change.after_value("vpc_security_group_ids")
    classic = change.after_value("security_group_names")  # EC2-Classic DB security groups
    if classic is UNKNOWN or (isinstance(classic, list) and classic):
        return
    if groups is UNKNOWN:
        config = plan.config_for(change)
        if config is None or config.expression("vpc_security_group_ids") is not None:
            return
        how = "is not set"
    elif groups:
        return
    else:
        how = "is empty"
    yield finding(
        change,
        f"vpc_security_group_ids {how}, so the database uses the VPC's default security group.",
        attribute="vpc_security_group_ids",
    )
