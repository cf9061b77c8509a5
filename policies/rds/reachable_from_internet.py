"""PG-RDS-006: a database reachable from the internet (every layer open at once)."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import Certainty, Enforcement, Finding, Plan, Severity, finding, policy
from plangate.helpers import weakest
from plangate.policies.rds._common import (
    INSTANCE_TYPES,
    db_clusters,
    db_subnet_group,
    open_ingress,
    public_subnets,
    publicly_accessible,
)


@policy(
    id="PG-RDS-006",
    title="RDS database must not be reachable from the internet",
    severity=Severity.CRITICAL,
    enforcement=Enforcement.HARD_MANDATORY,
)
def rds_reachable_from_internet(plan: Plan) -> Iterator[Finding]:
    """## What it checks
    For each `aws_db_instance`, `aws_rds_cluster_instance` and Multi-AZ `aws_rds_cluster`,
    whether all three network layers are open at once: the instance is publicly accessible
    (PG-RDS-001), its DB subnet group holds a subnet routed to an internet gateway
    (PG-RDS-004), and one of its
    security groups admits a public range on the database port (PG-RDS-002). The finding
    carries the whole path, from the instance through the subnet group, subnet, route
    table and gateway, to the security group and rule; it is `possible` when any layer is.

    ## Why it matters
    Each of the other RDS findings is one open layer; this one is a database that anyone
    on the internet can connect to once the plan is applied. It is the finding a reviewer
    must read first.

    ## How to fix
    Close any layer, and then the others: `publicly_accessible = false`, private subnets
    only in the DB subnet group, and ingress on the database port from the application's
    security group only.

    ## References
    - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.Scenarios.html
    """
    for db in plan.existing(*INSTANCE_TYPES):
        public = publicly_accessible(plan, db)
        if public is None:
            continue
        subnets = [
            (group, subnet)
            for group in db_subnet_group(plan, db).targets
            for subnet in public_subnets(plan, group)
        ]
        paths = sorted(open_ingress(plan, db), key=lambda p: p.certainty is not Certainty.CERTAIN)
        if not subnets or not paths:
            continue
        subnets.sort(key=lambda gs: gs[1].exposure.certainty is not Certainty.CERTAIN)
        (group, subnet), path = subnets[0], paths[0]
        chain = [
            db.address,
            *(c.address for c in db_clusters(plan, db).targets),
            group.address,
            subnet.subnet,
            *subnet.exposure.hops,
            *path.chain[1:],
        ]
        flag = "= true" if public is Certainty.CERTAIN else "(known after apply) may be true"
        yield finding(
            db,
            f"{db.address} is reachable from the internet: publicly_accessible {flag}, "
            f"subnet {subnet.subnet} of {group.address} is public ({subnet.exposure.reason}), "
            f"and {path.describe()}.",
            attribute="publicly_accessible",
            certainty=weakest(public, subnet.exposure.certainty, path.certainty) or public,
            chain=tuple(dict.fromkeys(chain)),
            # New when the plan opens the network path, else as publicly_accessible is.
            new=True if path.new else None,
        )
