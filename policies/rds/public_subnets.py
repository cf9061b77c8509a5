"""PG-RDS-004: a DB subnet group that holds public subnets."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import (
    Certainty,
    Enforcement,
    Finding,
    Plan,
    Resource,
    ResourceChange,
    Severity,
    finding,
    policy,
)
from plangate.policies.rds._common import (
    databases_in_subnet_group,
    public_subnets,
    publicly_accessible,
)


@policy(
    id="PG-RDS-004",
    title="DB subnet group must hold private subnets only",
    severity=Severity.HIGH,
    resource_types=("aws_db_subnet_group",),
    enforcement=Enforcement.HARD_MANDATORY,
)
def rds_public_subnets(change: ResourceChange, plan: Plan) -> Iterator[Finding]:
    """## What it checks
    Each `aws_db_subnet_group` in the planned state, followed to its subnets (by reference
    while ids are unknown). A subnet is public when its route table (its explicit
    association, else its VPC's main table) sends 0.0.0.0/0 or ::/0 to an internet gateway,
    or when it sets `map_public_ip_on_launch`. One finding per subnet group names the
    public subnets and the databases placed in it; when one of them is publicly accessible
    the finding says the database is reachable from the internet.

    ## Why it matters
    RDS puts instances in any subnet of the group, and moves them between subnets on
    failover. In a public subnet, a publicly accessible instance is on the internet, and
    any later `publicly_accessible = true` puts it there with no other change.

    ## How to fix
    List only private subnets (no route to an internet gateway) in the DB subnet group;
    keep the public subnets for load balancers and NAT gateways.

    ## References
    - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html
    - https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
    """
    subnets = public_subnets(plan, change)
    if not subnets:
        return
    index = databases_in_subnet_group(plan)
    keys = [k for k in (change.address, change.after_value("name")) if isinstance(k, str)]
    dbs = list(dict.fromkeys(db for key in keys for db in index.get(key, ())))
    dbs.sort(key=lambda db: publicly_accessible(plan, db) is None)  # a public one first
    first = subnets[0]
    names = ", ".join(s.subnet for s in subnets[:3]) + (" and more" if len(subnets) > 3 else "")
    noun = "subnet" if len(subnets) == 1 else "subnets"
    yield finding(
        change,
        f"subnet_ids include public {noun} {names} ({first.exposure.reason}){_placed(plan, dbs)}.",
        attribute="subnet_ids",
        certainty=first.exposure.certainty,
        chain=[*(db.address for db in dbs[:1]), change.address, first.subnet, *first.exposure.hops],
    )


def _placed(plan: Plan, dbs: list[Resource]) -> str:
    """What the finding adds about the databases in the group."""
    if not dbs:
        return ""
    public = publicly_accessible(plan, dbs[0])
    if public is Certainty.CERTAIN:
        return (
            f"; {dbs[0].address} is publicly accessible, so the database is reachable "
            "from the internet"
        )
    if public is Certainty.POSSIBLE:
        return (
            f"; {dbs[0].address} may be publicly accessible (known after apply), so the "
            "database may be reachable from the internet"
        )
    return f"; databases placed in it: {', '.join(db.address for db in dbs)}"
