"""What the RDS policies share: a database's links (cluster, security groups, subnet
group), its port (the engines' default ports), the public ingress that reaches it, and
the public subnets of its DB subnet group. Network facts come from `aws.security_groups`,
`aws.subnets` and `aws.id_links`.

"Database" below is any of `aws_db_instance`, `aws_rds_cluster` and
`aws_rds_cluster_instance`; a cluster instance takes its security groups, port and
(unless it names its own) subnet group from its cluster.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from plangate import UNKNOWN, Certainty, Plan, Resource, ResourceChange
from plangate.helpers import Verdict, configured, is_new, members, per_plan
from plangate.policies.aws.id_links import Link, linked, linked_from_each
from plangate.policies.aws.security_groups import (
    GROUP_TYPES,
    IngressRule,
    Source,
    all_ingress_rules,
    ingress_rules,
    port_text,
    unlinked_ingress_rules,
)
from plangate.policies.aws.subnets import Exposure, subnet_exposure

__all__ = [
    "DB_TYPES",
    "ENGINE_PORTS",
    "INSTANCE_TYPES",
    "OpenIngress",
    "PublicSubnet",
    "databases_in_subnet_group",
    "db_clusters",
    "db_port",
    "db_security_groups",
    "db_subnet_group",
    "engine_default_port",
    "open_ingress",
    "public_subnets",
    "publicly_accessible",
]


DB_TYPES = ("aws_db_instance", "aws_rds_cluster")  # hold security groups and a port
# may get a public address (`aws_rds_cluster`: a Multi-AZ DB cluster's `publicly_accessible`)
INSTANCE_TYPES = ("aws_db_instance", "aws_rds_cluster_instance", "aws_rds_cluster")


# Default port per engine family; the first matching prefix wins (aurora-postgresql
# before aurora). https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/ (per engine).
ENGINE_PORTS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("aurora-postgresql", "postgres"), 5432),
    (("aurora-mysql", "aurora", "mysql", "mariadb"), 3306),
    (("oracle-", "custom-oracle"), 1521),
    (("sqlserver-", "custom-sqlserver"), 1433),
    (("db2-",), 50000),
)


# -- links ------------------------------------------------------------------------------------


def db_clusters(plan: Plan, db: Resource) -> Link:
    """The cluster a cluster instance belongs to (an empty link for other databases)."""
    if db.type != "aws_rds_cluster_instance":
        return Link()
    return linked(plan, db, "cluster_identifier", ("aws_rds_cluster",))


def db_security_groups(plan: Plan, db: Resource) -> Link:
    """The VPC security groups a database uses; a cluster instance uses its cluster's."""
    if db.type == "aws_rds_cluster_instance":
        clusters = db_clusters(plan, db)
        link = linked_from_each(plan, clusters.targets, "vpc_security_group_ids", GROUP_TYPES)
        return Link(link.targets, link.ids, link.open or clusters.open or bool(clusters.ids))
    return linked(plan, db, "vpc_security_group_ids", GROUP_TYPES)


def db_subnet_group(plan: Plan, db: Resource) -> Link:
    """The DB subnet group a database is placed in (a cluster instance: its own or the
    cluster's), by reference or by known name."""
    link = linked(plan, db, "db_subnet_group_name", ("aws_db_subnet_group",))
    if (link.targets or link.ids) or db.type != "aws_rds_cluster_instance":
        return link
    return linked_from_each(
        plan, db_clusters(plan, db).targets, "db_subnet_group_name", ("aws_db_subnet_group",)
    )


# -- port and address ---------------------------------------------------------------------


def engine_default_port(engine: Any) -> int | None:
    """The port an RDS engine listens on when `port` is not set (None: unknown engine)."""
    if not isinstance(engine, str):
        return None
    name = engine.strip().lower()
    for prefixes, port in ENGINE_PORTS:
        if name.startswith(prefixes):
            return port
    return None


def db_port(plan: Plan, db: Resource, depth: int = 0) -> int | None:
    """The port the database listens on (None: unknown): `port`; else, when `port` is set
    from a value known only after apply (`random_integer.port.result`), unknown; else a
    read replica's source's port; else its engine's default."""
    owners = (db, *db_clusters(plan, db).targets)
    for owner in owners:
        port = owner.after_number("port")
        if isinstance(port, int):
            return port
        if isinstance(port, float):  # a whole number, or no port we can match: unknown
            return int(port) if port.is_integer() else None
        if (
            port is UNKNOWN
            and configured(plan, owner, "port")
            and plan.references.resolve(owner, "port").refs
        ):
            return None
    sources = linked(plan, db, "replicate_source_db", ("aws_db_instance",)).targets
    if sources and depth < 3:
        return db_port(plan, sources[0], depth + 1)
    engines = [o.after_value("engine") for o in owners]
    return next((p for p in map(engine_default_port, engines) if p is not None), None)


def publicly_accessible(plan: Plan, db: Resource) -> Verdict:
    """`publicly_accessible = true` (CERTAIN), set from a value known only after apply
    (POSSIBLE), or not. Unset, a cluster's or cluster instance's is planned as unknown
    (optional and computed) and the provider creates it private."""
    value = db.after_bool("publicly_accessible")
    if value is True:
        return Certainty.CERTAIN
    unknown = value is UNKNOWN and configured(plan, db, "publicly_accessible")
    return Certainty.POSSIBLE if unknown else None


# -- open security groups -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenIngress:
    """A public source admitted to a database's port, and the path it takes."""

    db: Resource
    group: str | None  # address or sg- id; None when the rule's group is unknown
    rule: IngressRule
    source: Source
    port: int | None
    certainty: Certainty
    new: bool
    attached: bool = True  # False: the group may be the database's (a link is unknown)

    @property
    def chain(self) -> tuple[str, ...]:
        hops = (self.db.address, self.group, self.rule.carrier.address, self.source.via)
        return tuple(dict.fromkeys(h for h in hops if h))

    def describe(self) -> str:
        """E.g. `cidr_ipv4 0.0.0.0/0 is admitted on tcp 5432, which reaches port 5432 of …`."""
        source = self.source
        cidr = "a range known only after apply" if source.cidr is UNKNOWN else source.cidr
        origin = f" (prefix list {source.via})" if source.via else ""
        reach = port_text(self.rule.protocol, self.rule.from_port, self.rule.to_port)
        target = f"port {self.port}" if self.port is not None else "the database port"
        if self.group is None:
            group = "a security group known only after apply"
        elif self.attached:
            group = f"security group {self.group}"
        else:
            group = (
                f"security group {self.group}, if it is one of the database's (they are "
                "known only after apply)"
            )
        return (
            f"{source.attribute} {cidr}{origin} is admitted on {reach}, which reaches "
            f"{target} of {self.db.address} through {group}"
        )


def open_ingress(plan: Plan, db: Resource) -> list[OpenIngress]:
    """Every public source that reaches the database's port through its security groups.

    A rule whose group cannot be told, or a database whose groups cannot all be told,
    links them only possibly.
    """
    groups = db_security_groups(plan, db)
    port = db_port(plan, db)
    found: list[OpenIngress] = []
    seen: set[int] = set()

    def add(group: str | None, rule: IngressRule, link: Certainty) -> None:
        if id(rule) in seen:
            return
        seen.add(id(rule))
        for source, verdict in rule.open_to(port):
            certainty = Certainty.POSSIBLE if link is Certainty.POSSIBLE else verdict
            found.append(
                OpenIngress(
                    db,
                    group,
                    rule,
                    source,
                    port,
                    certainty,
                    _is_new(plan, db, group, rule, source),
                    link is Certainty.CERTAIN,
                )
            )

    for key in sorted(groups.keys):
        for rule in ingress_rules(plan, key):
            add(key, rule, Certainty.CERTAIN)
    if groups:
        for rule in unlinked_ingress_rules(plan):
            add(None, rule, Certainty.POSSIBLE)
    if groups.open:
        for key, rule in all_ingress_rules(plan):
            add(key, rule, Certainty.POSSIBLE)
    return found


def _is_new(plan: Plan, db: Resource, group: str | None, rule: IngressRule, source: Source) -> bool:
    """Whether this plan opens the path: a hop is created, or the attached groups or the
    rule's reach change."""
    carrier = rule.carrier
    hops = (db, plan.by_address.get(group or ""), carrier)
    if any(is_new(h) is True for h in hops) or is_new(db, "vpc_security_group_ids"):
        return True
    if source.attribute == "ingress":  # one inline block among others: was it there?
        return isinstance(carrier, ResourceChange) and (
            carrier.before is None or not _admitted_before(carrier, rule, source.cidr)
        )
    reach = (source.attribute, "from_port", "to_port", "protocol", "ip_protocol")
    return is_new(carrier, *reach) is True


def _admitted_before(carrier: ResourceChange, rule: IngressRule, cidr: Any) -> bool:
    """Whether a prior inline block already admitted this range on the same reach."""
    for block in members(carrier.before_value("ingress")):
        if not isinstance(block, dict):
            continue
        same = all(block.get(k) == getattr(rule, k) for k in ("protocol", "from_port", "to_port"))
        cidrs = members(block.get("cidr_blocks")) + members(block.get("ipv6_cidr_blocks"))
        if same and cidr in cidrs:
            return True
    return False


# -- public subnets -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublicSubnet:
    subnet: str  # address, or a bare subnet- id
    exposure: Exposure


def public_subnets(plan: Plan, subnet_group: Resource) -> list[PublicSubnet]:
    """The public subnets of a DB subnet group, the best evidence first."""
    link = linked(plan, subnet_group, "subnet_ids", ("aws_subnet",))
    subnets: list[Resource | str] = [*link.targets, *link.ids]
    found = []
    for subnet in subnets:
        exposure = subnet_exposure(plan, subnet)
        if exposure is not None:
            name = subnet if isinstance(subnet, str) else subnet.address
            found.append(PublicSubnet(name, exposure))
    # certain first, and among those a route to a gateway (the hops a reviewer can follow)
    found.sort(key=lambda p: (p.exposure.certainty is not Certainty.CERTAIN, not p.exposure.hops))
    return found


@per_plan
def databases_in_subnet_group(plan: Plan) -> dict[str, list[Resource]]:
    """Subnet group key (address or name) → the databases placed in it."""
    index: dict[str, list[Resource]] = defaultdict(list)
    for db in plan.existing(*INSTANCE_TYPES):
        for key in sorted(db_subnet_group(plan, db).keys):
            index[key].append(db)
    return index
