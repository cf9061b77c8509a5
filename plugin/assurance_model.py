"""The assurance map of one plan, as JSON: the packs' contributions, the run's findings.

`build` turns contributions (`plangate.assurance`) into the model the schema
`plangate/schemas/assurance.schema.json` describes. Large estates stay drawable: a plane
over `max_nodes` nodes merges the nodes of one group (`block_group`: the resource block
across its module and resource instances) into one node with a count, edges between
merged nodes into one edge with a count, and past that keeps the nodes that break an
invariant first and folds the rest into one "and N more" node. Node ids are generated
(`n0`, `n1`, ...), never taken from the plan. Every text passes through `clean` (the
plan's redactor) before it leaves the process.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import resources
from typing import Any

from .assurance import NO, UNKNOWN_VERDICT, Contribution, Edge, Invariant, Node, Plane, worst
from .policy import Certainty, Finding

__all__ = ["MAX_NODES", "VERSION", "NotPlain", "build", "model_schema"]

VERSION = 1
MAX_NODES = 40  # per plane, after grouping; the rest is one "and N more" node
EDGES_PER_NODE = 3  # edges kept per node kept (violations first)
# Keys of nodes the model makes (a group, the "and N more" node) are tuples: a pack's
# keys are strings, whatever the plan's addresses hold, so the two never meet.
_MORE = ("more",)


class NotPlain(ValueError):
    """A pack's contribution holds something that is not plain JSON-ready data (a label
    that is not text, an object in its details): which pack, and what."""

    def __init__(self, pack: str, what: str) -> None:
        super().__init__(f"{pack}: {what}")
        self.pack = pack
        self.what = what


def build(
    plan_path: str,
    contributions: Iterable[Contribution],
    findings: Iterable[Finding],
    *,
    ran: Iterable[str] | None = None,
    clean: Callable[[str], str] | None = None,
    max_nodes: int = MAX_NODES,
) -> dict[str, Any]:
    """The JSON-ready model of one plan: packs' contributions, the run's findings of that
    plan (`ran`: the ids of the policies that ran; None: all), every text `clean`ed.
    Raises `NotPlain` naming the pack whose contribution is not plain data."""
    found = [f for f in findings if f.plan in ("", plan_path)]
    ran_ids = None if ran is None else frozenset(ran)
    model: dict[str, Any] = {
        "version": VERSION,
        "plan": plan_path,
        "invariants": [],
        "planes": [],
        "packs": {},
    }
    seen: dict[str, str] = {}
    for contribution in contributions:
        pack = contribution.pack
        try:
            part = {
                "invariants": [
                    _invariant(pack, i, found, ran_ids) for i in contribution.invariants
                ],
                "planes": [_plane(pack, plane, max_nodes) for plane in contribution.planes],
                "details": contribution.details,
            }
            part = _cleaned(part, clean or (lambda text: text), seen)
        except NotPlain as exc:
            raise NotPlain(pack, exc.what) from None
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise NotPlain(pack, f"{type(exc).__name__} building its part") from None
        model["invariants"].extend(part["invariants"])
        model["planes"].extend(part["planes"])
        model["packs"][pack] = part["details"]
    return model


def _invariant(
    pack: str, invariant: Invariant, findings: Sequence[Finding], ran: frozenset[str] | None
) -> dict[str, Any]:
    breaking = sorted(
        (f for f in findings if f.policy_id in invariant.guards),
        key=lambda f: (f.policy_id, f.address, f.message),
    )
    holds = invariant.holds
    evidence = list(invariant.evidence)
    for policy_id, silent in invariant.guards.items():
        if ran is not None and policy_id not in ran:
            holds = worst(holds, UNKNOWN_VERDICT)
            evidence.append(f"{policy_id} did not run, so this is not checked: {silent}")
        elif not any(f.policy_id == policy_id for f in breaking):
            evidence.append(f"{policy_id}: {silent}")
    for item in breaking:
        holds = worst(holds, NO if item.certainty is Certainty.CERTAIN else UNKNOWN_VERDICT)
    return {
        "id": invariant.id,
        "pack": pack,
        "statement": invariant.statement,
        "holds": holds,
        "evidence": evidence,
        "guarded_by": list(invariant.guards),
        "broken_by": [
            {
                "policy_id": f.policy_id,
                "address": f.address,
                "certainty": str(f.certainty),
                "severity": str(f.severity) if f.severity is not None else None,
                "waived": f.waived,
                "message": f.message,
            }
            for f in breaking
        ],
    }


def _plane(pack: str, plane: Plane, max_nodes: int) -> dict[str, Any]:
    nodes = {key: _copy(node) for key, node in plane.nodes.items()}
    edges = list(plane.edges)
    for edge in edges:
        if edge.violation:
            nodes[edge.source].violation = nodes[edge.target].violation = True
    size = {"nodes": len(nodes), "edges": len(edges)}
    grouped = len(nodes) > max_nodes
    if grouped:
        nodes, edges = _group(nodes, edges, max_nodes)
    nodes, edges, more = _cap(nodes, edges, max_nodes)
    counted = _merge(edges)
    limit = max(len(nodes), 1) * EDGES_PER_NODE
    ranked = sorted(range(len(counted)), key=lambda i: not counted[i][0].violation)
    kept = sorted(ranked[:limit])
    ids = {key: f"n{i}" for i, key in enumerate(nodes)}
    return {
        "id": plane.id,
        "pack": pack,
        "title": plane.title,
        "grouped": grouped,
        "size": size,
        "omitted": {"nodes": more, "edges": len(counted) - len(kept)},
        "nodes": [
            {
                "id": ids[key],
                "kind": node.kind,
                "label": node.label,
                "address": node.address,
                "group": node.group,
                "count": node.count,
                "violation": node.violation,
            }
            for key, node in nodes.items()
        ],
        "edges": [
            {
                "from": ids[edge.source],
                "to": ids[edge.target],
                "label": edge.label,
                "certainty": edge.certainty,
                "violation": edge.violation,
                "count": count,
                "via": edge.via,
            }
            for edge, count in (counted[i] for i in kept)
        ],
    }


def _copy(node: Node) -> Node:
    return Node(node.kind, node.label, node.address, node.group, node.count, node.violation)


def _group(
    nodes: dict[Any, Node], edges: list[Edge], max_nodes: int
) -> tuple[dict[Any, Node], list[Edge]]:
    """One node per (kind, group), counting its members; nodes that break an invariant
    stay apart while there are few of them (half the cap), so a diagram names them. A
    node left alone is labelled with its whole address: among groups, its name within its
    module (`aws_db_instance.this`) no longer says which one it is."""
    hot = [key for key, node in nodes.items() if node.violation and node.group]
    apart = set(hot) if len(hot) <= max_nodes // 2 else set()
    members: dict[Any, list[Node]] = {}
    where: dict[str, Any] = {}
    for key, node in nodes.items():
        into = key if node.group is None or key in apart else (node.kind, node.group)
        where[key] = into
        members.setdefault(into, []).append(node)
    merged: dict[Any, Node] = {}
    for into, group in members.items():
        first = group[0]
        if len(group) == 1:
            first.label = first.address or first.label
            merged[into] = first
            continue
        merged[into] = Node(
            first.kind,
            first.group or first.label,
            None,
            first.group,
            sum(n.count for n in group),
            any(n.violation for n in group),
        )
    return merged, [_moved(e, where) for e in edges]


def _cap(
    nodes: dict[Any, Node], edges: list[Edge], max_nodes: int
) -> tuple[dict[Any, Node], list[Edge], int]:
    """At most `max_nodes` nodes: those breaking an invariant first, then the largest;
    the rest become one "and N more" node that keeps their edges. Returns how many
    things (counted as their nodes count them) that node stands for."""
    if len(nodes) <= max_nodes:
        return nodes, edges, 0
    order = {key: i for i, key in enumerate(nodes)}
    ranked = sorted(nodes, key=lambda k: (not nodes[k].violation, -nodes[k].count, order[k]))
    kept = set(ranked[: max_nodes - 1])
    more = sum(node.count for key, node in nodes.items() if key not in kept)
    result = {key: node for key, node in nodes.items() if key in kept}
    result[_MORE] = Node("more", f"and {more} more", None, None, more)
    where = {key: (key if key in kept else _MORE) for key in nodes}
    moved = [_moved(e, where) for e in edges]
    return result, [e for e in moved if not (e.source == e.target == _MORE)], more


def _moved(edge: Edge, where: Mapping[Any, Any]) -> Edge:
    return Edge(
        where[edge.source], where[edge.target], edge.label, edge.certainty, edge.violation, edge.via
    )


def _merge(edges: list[Edge]) -> list[tuple[Edge, int]]:
    """Edges with the same ends, label, certainty and verdict as one, counted; the carrier
    (`via`) is kept only when all of them share it."""
    counts: dict[tuple[Any, ...], list[Any]] = {}
    for edge in edges:
        key = (edge.source, edge.target, edge.label, edge.certainty, edge.violation)
        if key in counts:
            counts[key][1] += 1
            if counts[key][0].via != edge.via:
                counts[key][0] = Edge(*key, None)
        else:
            counts[key] = [edge, 1]
    return [(edge, count) for edge, count in counts.values()]


def _cleaned(value: Any, clean: Callable[[str], str], seen: dict[str, str]) -> Any:
    """A copy of plain data (text, numbers, booleans, None, lists, objects keyed by text)
    with every string passed through `clean`, each distinct one once; anything else is
    `NotPlain` (it would be rendered, outside the boundary pack code runs behind)."""

    def walk(item: Any) -> Any:
        kind = type(item)
        if kind is str:
            if item not in seen:
                seen[item] = clean(item)
            return seen[item]
        if kind is dict:
            if not all(type(key) is str for key in item):
                raise NotPlain("", "an object whose keys are not all text")
            return {walk(key): walk(v) for key, v in item.items()}
        if kind is list or kind is tuple:
            return [walk(v) for v in item]
        if item is None or kind is bool or kind is int or (kind is float and item == item):
            return item
        raise NotPlain("", f"a value of type {kind.__name__}, not JSON data")

    return walk(value)


def model_schema(packs: Mapping[str, Mapping[str, Any] | None] | None = None) -> dict[str, Any]:
    """The JSON schema of `plangate map --format json`, with each pack's details schema
    (by pack name) under the model's `packs.<name>`."""
    text = resources.files("plangate.schemas").joinpath("assurance.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    where = schema["$defs"]["model"]["properties"]["packs"]["properties"]
    for name, details in (packs or {}).items():
        if details is not None:
            embedded = json.loads(json.dumps(details))
            # Its own base, so its `#/$defs/...` references resolve within it.
            embedded.setdefault("$id", f"https://plangate.invalid/assurance/{name}.json")
            where[name] = embedded
    return schema
