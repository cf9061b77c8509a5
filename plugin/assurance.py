"""The assurance map's shape: why a plan is safe, as data any renderer can draw.

A report says what failed; the map says what holds. A pack declares a contribution
function with `@assurance` (it asks for `plan`, `context` and `settings` by name, like
an inventory); the loader collects it like policies and inventories, and the engine runs
it after the check, behind the same isolation boundary. It returns a `Contribution`:

- **invariants**: a statement in words ("no database is reachable from the internet"),
  the policies that guard it (with what holds while each is silent), and the pack's
  evidence. Whether it holds is `yes`, `no` or `unknown` (until apply): the worst of the
  pack's own reading and the run's findings of the guarding policies, which are listed
  as what breaks it. A guard that did not run leaves the invariant `unknown`.
- **planes**: graphs of what the plan builds: nodes with a kind (`NODE_KINDS`, a fixed
  vocabulary naming no cloud), a label, an address and a group; edges with a label, a
  certainty (`known`, or `unknown` until apply) and whether they break an invariant.
- **details**: the pack's own JSON-ready account, held to the schema it ships.

`plangate.assurance_model.build` turns contributions into the JSON model (grouping and
capping large planes, every text cleaned by the plan's redactor).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .contributors import ASSURANCE_INJECTABLE, Contributor, assurance
from .model import Resource
from .policy import Certainty

__all__ = [
    "ASSURANCE_INJECTABLE",
    "KNOWN",
    "NO",
    "NODE_KINDS",
    "UNKNOWN_UNTIL_APPLY",
    "UNKNOWN_VERDICT",
    "YES",
    "Contribution",
    "Contributor",
    "Invariant",
    "Plane",
    "assurance",
    "block_group",
    "certainty_of",
    "worst",
]

YES, NO, UNKNOWN_VERDICT = "yes", "no", "unknown"
KNOWN, UNKNOWN_UNTIL_APPLY = "known", "unknown"
# What a node stands for, for a renderer's shapes and colours.
NODE_KINDS = (
    "source",  # where traffic or a request starts: the internet, a private range, everyone
    "entry",  # what the outside reaches first: a CDN, a load balancer
    "compute",  # what runs the application's code
    "firewall",  # a rule set admitting traffic
    "subnet",
    "database",
    "snapshot",
    "identity",  # who may act as a principal: CI, a person, an account, a service
    "principal",  # a role or user that holds permissions
    "policy",  # a document granting access (a resource policy)
    "event",  # wiring that feeds one resource's events to another
    "state",  # what holds infrastructure state
    "client",  # the infrastructure tool's own client
    "more",  # the nodes left out of a capped plane
)
_ORDER = {YES: 0, UNKNOWN_VERDICT: 1, NO: 2}


def worst(*verdicts: str) -> str:
    """`no` over `unknown` over `yes`."""
    return max(verdicts, key=_ORDER.__getitem__, default=YES)


def certainty_of(verdict: Certainty | bool | None) -> str:
    """`unknown` (until apply) for a possible fact (or False: not certain), else `known`."""
    return UNKNOWN_UNTIL_APPLY if verdict is Certainty.POSSIBLE or verdict is False else KNOWN


def block_group(resource: Resource) -> str:
    """The resource's block across instances: `module.svc[*].module.db.aws_db_instance.this`
    for `module.svc["a"].module.db.aws_db_instance.this` (and `[*]` for its own index)."""
    steps = "".join(
        f"module.{step.name}{'' if step.key is None else '[*]'}." for step in resource.module_steps
    )
    data = "data." if resource.mode == "data" else ""
    index = "" if resource.index is None else "[*]"
    return f"{steps}{data}{resource.type}.{resource.name}{index}"


# -- what packs build ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Invariant:
    """A property the pack guarantees while its guarding policies find nothing.

    `guards` maps each guarding policy id to what holds while it is silent (a sentence
    of evidence); `holds` is the pack's own reading of the plan; `evidence` what it saw.
    """

    id: str
    statement: str
    guards: Mapping[str, str]
    evidence: tuple[str, ...] = ()
    holds: str = YES


@dataclass(slots=True)
class Node:
    kind: str
    label: str
    address: str | None
    group: str | None
    count: int = 1
    violation: bool = False


@dataclass(frozen=True, slots=True)
class Edge:
    source: Any  # a node key
    target: Any
    label: str
    certainty: str
    violation: bool
    via: str | None


@dataclass
class Plane:
    """A graph a pack builds: nodes under keys of its choosing, edges between keys."""

    id: str
    title: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[Edge, None] = field(default_factory=dict)

    def node(
        self,
        key: str,
        kind: str,
        label: str,
        *,
        address: str | None = None,
        group: str | None = None,
    ) -> str:
        """Add a node once (a second call with the same key keeps the first); its key."""
        if kind not in NODE_KINDS:
            raise ValueError(f"unknown node kind {kind!r}")
        self.nodes.setdefault(key, Node(kind, label, address, group))
        return key

    def resource(self, key: str, kind: str, resource: Resource, label: str | None = None) -> str:
        """A node for a resource: its address, its block as group, its address within its
        module instance as label."""
        local = resource.address
        if resource.module_address:
            local = resource.address[len(resource.module_address) + 1 :]
        return self.node(
            key, kind, label or local, address=resource.address, group=block_group(resource)
        )

    def edge(
        self,
        source: str,
        target: str,
        label: str,
        *,
        certainty: str = KNOWN,
        violation: bool = False,
        via: str | None = None,
    ) -> None:
        if source not in self.nodes or target not in self.nodes:
            raise KeyError(f"edge {source!r} -> {target!r}: add both nodes first")
        self.edges[Edge(source, target, label, certainty, violation, via)] = None


@dataclass
class Contribution:
    """One pack's part of a plan's map (the engine fills in `pack`)."""

    invariants: list[Invariant] = field(default_factory=list)
    planes: list[Plane] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    pack: str = ""
