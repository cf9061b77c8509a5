"""The RDS pack's part of the assurance map: the application plane, and the invariant
"no database is reachable from the internet".

The drawing code behind `assurance.py`'s declaration: imported only when a map is
drawn, so a check that draws none does not load the map's readers.
"""

from __future__ import annotations

from plangate import Plan
from plangate.assurance import (
    KNOWN,
    NO,
    UNKNOWN_UNTIL_APPLY,
    UNKNOWN_VERDICT,
    YES,
    Contribution,
    Invariant,
    Plane,
    worst,
)
from plangate.policies.aws.group_members import ENTRY
from plangate.policies.rds._map import (
    INTERNET,
    MAX_MEMBERS,
    PRIVATE_RANGE,
    SECURITY_GROUP,
    Database,
    Inbound,
    databases,
    inbound_to_group,
    member_groups,
)

PLANE = "rds.application"
INVARIANT = "rds.no_internet_path"
GUARDS = {
    "PG-RDS-001": "no database is publicly accessible",
    "PG-RDS-002": "no security group of a database admits a public range to its port",
    "PG-RDS-004": "every DB subnet group holds private subnets only",
    "PG-RDS-005": "no DB snapshot is shared with every AWS account",
    "PG-RDS-006": "no database has every network layer open at once",
}
MAX_EVIDENCE = 20
BACK_STEPS = 2  # how far paths are followed back from the database's own sources


def application_plane(plan: Plan) -> Contribution:
    """Each database, where it lives and every path that admits its port; the compute
    behind those paths and what reaches it."""
    found = databases(plan)
    drawing = _Drawing(plan)
    holds = YES
    evidence = []
    for db in found:
        holds = worst(holds, drawing.database(db))
        evidence.append(_evidence(db))
    drawing.follow_back()
    if not found:
        evidence = ["the plan has no database (aws_db_instance, aws_rds_cluster, instances)"]
    elif len(evidence) > MAX_EVIDENCE:
        evidence = [*evidence[:MAX_EVIDENCE], f"and {len(evidence) - MAX_EVIDENCE} more"]
    invariant = Invariant(
        INVARIANT,
        "No database is reachable from the internet",
        GUARDS,
        tuple(evidence),
        holds,
    )
    return Contribution([invariant], [drawing.plane], {"databases": [db.to_dict() for db in found]})


def _evidence(db: Database) -> str:
    sources = []
    for path in db.inbound:
        if path.kind == SECURITY_GROUP and path.members:
            users = ", ".join(m.resource.address for m in path.members[:3])
            sources.append(f"security group {path.source} (used by {users})")
        else:
            sources.append(f"{path.kind.replace('_', ' ')} {path.source}")
    admitted = "; ".join(dict.fromkeys(sources)) or "nothing"
    port = db.port if db.port is not None else "its port (known after apply)"
    return (
        f"{db.resource.address}: publicly_accessible {db.public}, public subnets "
        f"{db.public_subnets}, port {port} admitted from {admitted}"
    )


class _Drawing:
    """The application plane, built database by database."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.plane = Plane(PLANE, "Application plane: what reaches each database")
        self.members: dict[str, str] = {}  # member address -> node key, to follow back

    def database(self, db: Database) -> str:
        """Draw one database and its ways in; the invariant's verdict for it."""
        plane, verdict = self.plane, YES
        key = plane.resource(f"db:{db.resource.address}", "database", db.resource)
        if db.public != "no":
            plane.edge(
                self._internet(),
                key,
                "publicly_accessible",
                certainty=_certainty(db.public),
                violation=True,
            )
            verdict = worst(verdict, _verdict(db.public))
        for group in db.subnet_groups:
            marks = [public for _, public, _ in group.subnets]
            public = "yes" if "yes" in marks else "unknown" if "unknown" in marks else "no"
            resource = self.plan.by_address.get(group.address)
            label = f"{len(marks) - marks.count('no')} public of {len(marks)} subnets"
            if resource is not None:
                sub = plane.resource(f"subnets:{group.address}", "subnet", resource)
            else:
                sub = plane.node(f"subnets:{group.address}", "subnet", group.address)
            plane.edge(key, sub, label, certainty=_certainty(public), violation=public != "no")
            verdict = worst(verdict, _verdict(public))
        for path in db.inbound:
            verdict = worst(verdict, self._inbound(path, key))
        for snap in db.snapshots:
            node = plane.node(f"snapshot:{snap.address}", "snapshot", snap.address)
            plane.edge(key, node, "snapshot")
            if snap.public != "no":
                everyone = plane.node("everyone", "source", "every AWS account")
                plane.edge(
                    everyone,
                    node,
                    "may restore (shared with all)",
                    certainty=_certainty(snap.public),
                    violation=True,
                )
                verdict = worst(verdict, _verdict(snap.public))
        return verdict

    def _inbound(self, path: Inbound, key: str, *, into_db: bool = True) -> str:
        label = f"{path.reach} via {_short(path.group or 'a group known after apply')}"
        certainty = KNOWN if path.certain else UNKNOWN_UNTIL_APPLY
        plane = self.plane
        if path.kind == INTERNET:
            plane.edge(
                self._internet(), key, label, certainty=certainty, violation=into_db, via=path.rule
            )
            return (NO if path.certain else UNKNOWN_VERDICT) if into_db else YES
        if path.kind == PRIVATE_RANGE:
            source = plane.node(f"range:{path.source}", "source", path.source)
        elif path.kind == SECURITY_GROUP and len(path.members) > MAX_MEMBERS:
            # one node for the group and its users: drawing each user at each database
            # that admits it would grow with their product
            label = f"{_short(path.source)} (used by {len(path.members)})"
            source = plane.node(f"group:{path.source}", "firewall", label)
        elif path.kind == SECURITY_GROUP and path.members:
            for member in path.members:
                kind = "entry" if member.role == ENTRY else "compute"
                address = member.resource.address
                node = plane.resource(f"member:{address}", kind, member.resource)
                self.members.setdefault(address, node)
                plane.edge(node, key, label, certainty=certainty, via=path.rule)
            return YES
        elif path.kind == SECURITY_GROUP:
            source = plane.node(f"group:{path.source}", "firewall", _short(path.source))
        else:
            source = plane.node("unknown", "source", path.source)
        plane.edge(source, key, label, certainty=certainty, via=path.rule)
        return YES

    def follow_back(self) -> None:
        """What reaches the compute and load balancers that reach a database (any port),
        `BACK_STEPS` steps back: the application's picture, drawn without verdicts."""
        done: set[str] = set()
        for _ in range(BACK_STEPS):
            todo = [(a, k) for a, k in self.members.items() if a not in done]
            for address, key in todo:
                done.add(address)
                member = self.plan.by_address.get(address)
                if member is None:
                    continue
                for group in member_groups(self.plan, member):
                    for path in inbound_to_group(self.plan, group, None, any_port=True):
                        self._inbound(path, key, into_db=False)

    def _internet(self) -> str:
        return self.plane.node("internet", "source", "internet")


def _certainty(verdict: str) -> str:
    return UNKNOWN_UNTIL_APPLY if verdict == "unknown" else KNOWN


def _verdict(text: str) -> str:
    return {"yes": NO, "unknown": UNKNOWN_VERDICT}.get(text, YES)


def _short(address: str) -> str:
    """The last two parts of an address (`aws_security_group.db`), for edge labels."""
    parts = address.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else address
