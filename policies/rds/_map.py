"""What the RDS pack's assurance map says of each database: where it lives, every inbound
path that admits its port, whether it is publicly accessible, its snapshots.

Built from the same helpers the policies use (`_common`, `aws.security_groups`,
`aws.subnets`, `aws.group_members`): a path the map draws in red is one a policy
reports. Paths from other security groups are followed back to the compute and load
balancers that use those groups, and one step further to what reaches them, so the map
shows the application's picture (internet → load balancer → tasks → database).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from plangate import UNKNOWN, Certainty, Plan, Resource
from plangate.helpers import Verdict, is_public_cidr, per_plan, weakest
from plangate.policies.aws.group_members import Member, group_members, groups_of
from plangate.policies.aws.id_links import linked
from plangate.policies.aws.security_groups import (
    IngressRule,
    covers_port,
    ingress_rules,
    port_text,
    rule_peers,
)
from plangate.policies.aws.subnets import subnet_exposure

from ._common import (
    INSTANCE_TYPES,
    db_clusters,
    db_port,
    db_security_groups,
    db_subnet_group,
    open_ingress,
    publicly_accessible,
)

__all__ = [
    "INTERNET",
    "MAX_MEMBERS",
    "PRIVATE_RANGE",
    "SECURITY_GROUP",
    "UNKNOWN_SOURCE",
    "Database",
    "Inbound",
    "Snapshot",
    "SubnetGroup",
    "databases",
    "inbound_to_group",
    "member_groups",
    "verdict_text",
]

INTERNET, PRIVATE_RANGE = "internet", "private_range"
SECURITY_GROUP, UNKNOWN_SOURCE = "security_group", "unknown"
SNAPSHOT_LINKS = {
    "aws_db_snapshot": ("db_instance_identifier", ("aws_db_instance",)),
    "aws_db_cluster_snapshot": ("db_cluster_identifier", ("aws_rds_cluster",)),
    "aws_db_snapshot_copy": ("source_db_snapshot_identifier", ("aws_db_snapshot",)),
    "aws_rds_cluster_snapshot_copy": (
        "source_db_cluster_snapshot_identifier",
        ("aws_db_cluster_snapshot",),
    ),
}


def verdict_text(verdict: Verdict) -> str:
    """`yes` (certain), `unknown` (possible), `no`."""
    if verdict is Certainty.CERTAIN:
        return "yes"
    return "unknown" if verdict is Certainty.POSSIBLE else "no"


@dataclass(frozen=True, slots=True)
class Inbound:
    """One way in: a source admitted on a reach, through a rule of a security group."""

    kind: str  # INTERNET | PRIVATE_RANGE | SECURITY_GROUP | UNKNOWN_SOURCE
    source: str  # a CIDR, a security group's address or id, or words
    group: str | None  # the admitting group (address or id); None: unknown
    rule: str  # the rule's address (the group's own for an inline block)
    reach: str  # "tcp 5432", "all ports (protocol -1)"
    certain: bool
    members: tuple[Member, ...] = ()  # what uses the source group

    @property
    def public(self) -> bool:
        return self.kind == INTERNET


@dataclass(frozen=True, slots=True)
class SubnetGroup:
    address: str  # or a name known only by value
    subnets: tuple[tuple[str, str, str], ...]  # (subnet, public yes|no|unknown, why)
    open: bool = False  # some subnets are known only after apply


@dataclass(frozen=True, slots=True)
class Snapshot:
    address: str
    shared_with: tuple[str, ...]
    public: str  # yes | no | unknown


@dataclass
class Database:
    resource: Resource
    kind: str  # instance | replica | cluster | cluster_instance
    port: int | None
    public: str  # publicly_accessible: yes | no | unknown
    cluster: str | None = None
    subnet_groups: list[SubnetGroup] = field(default_factory=list)
    inbound: list[Inbound] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)

    @property
    def public_subnets(self) -> str:
        """Whether a subnet the database may be placed in is public (yes|unknown|no)."""
        marks = {public for g in self.subnet_groups for _, public, _ in g.subnets}
        return "yes" if "yes" in marks else "unknown" if "unknown" in marks else "no"

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.resource.address,
            "type": self.resource.type,
            "kind": self.kind,
            "cluster": self.cluster,
            "port": self.port,
            "publicly_accessible": self.public,
            "subnet_groups": [
                {
                    "address": g.address,
                    "subnets": [{"subnet": s, "public": p, "why": w} for s, p, w in g.subnets],
                    "complete": not g.open,
                }
                for g in self.subnet_groups
            ],
            "inbound": [
                {
                    "source_kind": i.kind,
                    "source": i.source,
                    "security_group": i.group,
                    "rule": i.rule,
                    "reach": i.reach,
                    "certainty": "known" if i.certain else "unknown",
                    "used_by": _capped([m.resource.address for m in i.members]),
                }
                for i in self.inbound
            ],
            "snapshots": [
                {"address": s.address, "shared_with": list(s.shared_with), "public": s.public}
                for s in self.snapshots
            ],
        }


MAX_MEMBERS = 20  # resources named per security group a path admits; the rest counted


def _capped(addresses: list[str]) -> list[str]:
    """At most MAX_MEMBERS addresses and a count: one group may be used by thousands of
    resources and admitted to thousands of databases, and the map must stay linear."""
    if len(addresses) <= MAX_MEMBERS:
        return addresses
    return [*addresses[:MAX_MEMBERS], f"and {len(addresses) - MAX_MEMBERS} more"]


@per_plan
def databases(plan: Plan) -> list[Database]:
    """Every database in the planned state, in address order."""
    snapshots = _snapshots_by_database(plan)
    found = []
    for db in sorted(plan.existing(*INSTANCE_TYPES), key=lambda r: r.address):
        clusters = db_clusters(plan, db).targets
        kind = {"aws_rds_cluster": "cluster", "aws_rds_cluster_instance": "cluster_instance"}.get(
            db.type, "instance"
        )
        if kind == "instance" and db.after_value("replicate_source_db") not in (None, ""):
            kind = "replica"
        port = db_port(plan, db)
        found.append(
            Database(
                db,
                kind,
                port,
                verdict_text(publicly_accessible(plan, db)),
                clusters[0].address if clusters else None,
                _subnet_groups(plan, db),
                _inbound(plan, db, port),
                snapshots.get(db.address, []),
            )
        )
    return found


def _subnet_groups(plan: Plan, db: Resource) -> list[SubnetGroup]:
    link = db_subnet_group(plan, db)
    groups = []
    for group in link.targets:
        subnets_link = linked(plan, group, "subnet_ids", ("aws_subnet",))
        subnets = []
        for subnet in [*subnets_link.targets, *subnets_link.ids]:
            exposure = subnet_exposure(plan, subnet)
            name = subnet if isinstance(subnet, str) else subnet.address
            if exposure is None:
                subnets.append((name, "no", "no route to an internet gateway"))
            else:
                subnets.append((name, verdict_text(exposure.certainty), exposure.reason))
        groups.append(SubnetGroup(group.address, tuple(subnets), subnets_link.open))
    groups.extend(SubnetGroup(name, (), True) for name in link.ids)
    return groups


def _inbound(plan: Plan, db: Resource, port: int | None) -> list[Inbound]:
    """Every path that admits the database's port: through each of its groups' rules, and
    the public paths the policies find through rules whose group is known only after
    apply (`open_ingress`)."""
    found: dict[tuple[Any, ...], Inbound] = {}
    groups = db_security_groups(plan, db)
    for key in sorted(groups.keys):
        for path in inbound_to_group(plan, key, port):
            found.setdefault((path.kind, path.source, path.rule, path.reach), path)
    for opening in open_ingress(plan, db):
        source, rule = opening.source, opening.rule
        cidr = "a range known only after apply" if source.cidr is UNKNOWN else source.cidr
        reach = port_text(rule.protocol, rule.from_port, rule.to_port)
        certain = opening.certainty is Certainty.CERTAIN
        found.setdefault(
            (INTERNET, cidr, rule.carrier.address, reach),
            Inbound(INTERNET, cidr, opening.group, rule.carrier.address, reach, certain),
        )
    if groups.open:
        found.setdefault(
            ("open",),
            Inbound(
                UNKNOWN_SOURCE,
                "security groups known only after apply",
                None,
                db.address,
                "the database port",
                False,
            ),
        )
    return list(found.values())


def inbound_to_group(
    plan: Plan, key: str, port: int | None, *, any_port: bool = False
) -> list[Inbound]:
    """The paths into one security group that admit `port` (None: a port known only
    after apply, which any rule may admit), or with `any_port` every path in."""
    paths = []
    for rule in ingress_rules(plan, key):
        reach = weakest(rule.applies, _covers(rule, port, any_port))
        if reach is None:
            continue
        text = port_text(rule.protocol, rule.from_port, rule.to_port)
        where = rule.carrier.address
        for source in rule.sources:
            public = is_public_cidr(source.cidr)
            cidr = "a range known only after apply" if source.cidr is UNKNOWN else source.cidr
            kind = INTERNET if public is not None else PRIVATE_RANGE
            certain = reach is Certainty.CERTAIN and public is not Certainty.POSSIBLE
            paths.append(Inbound(kind, str(cidr), key, where, text, certain))
        peers = rule_peers(plan, rule)
        index = group_members(plan)
        for peer in [*peers.targets, *peers.ids]:
            name = peer if isinstance(peer, str) else peer.address
            members = tuple(index.get(name, ()))
            paths.append(
                Inbound(SECURITY_GROUP, name, key, where, text, reach is Certainty.CERTAIN, members)
            )
        if peers.open:
            paths.append(
                Inbound(
                    UNKNOWN_SOURCE,
                    "a security group known only after apply",
                    key,
                    where,
                    text,
                    False,
                )
            )
    return paths


def _covers(rule: IngressRule, port: int | None, any_port: bool) -> Verdict:
    if any_port:
        return Certainty.POSSIBLE if rule.protocol is UNKNOWN else Certainty.CERTAIN
    if port is None:  # any port the rule admits may be the database's
        return Certainty.POSSIBLE if rule.protocol is not None else None
    return covers_port(rule.protocol, rule.from_port, rule.to_port, port)


def member_groups(plan: Plan, member: Resource) -> list[str]:
    """The security groups (keys) a compute resource or load balancer uses."""
    link = groups_of(plan, member)
    return sorted(link.keys)


def _snapshots_by_database(plan: Plan) -> dict[str, list[Snapshot]]:
    index: dict[str, list[Snapshot]] = defaultdict(list)
    for type_, (path, types) in SNAPSHOT_LINKS.items():
        for snap in plan.existing(type_):
            accounts = snap.after_texts("shared_accounts")
            public = any(isinstance(a, str) and a.strip().lower() == "all" for a in accounts)
            shared = tuple("known only after apply" if a is UNKNOWN else str(a) for a in accounts)
            verdict = "yes" if public else "unknown" if UNKNOWN in accounts else "no"
            owners = linked(plan, snap, path, types).targets
            if type_.endswith("_copy"):  # a copy of a snapshot: the snapshot's database
                owners = tuple(
                    o
                    for source in owners
                    for o in linked(plan, source, *SNAPSHOT_LINKS[source.type]).targets
                )
            for owner in owners or ():
                index[owner.address].append(Snapshot(snap.address, shared, verdict))
            if not owners:
                index[""].append(Snapshot(snap.address, shared, verdict))
    return index
