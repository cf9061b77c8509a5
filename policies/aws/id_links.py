"""Which resources an id-valued attribute names (`vpc_security_group_ids`, `subnet_id`,
`cluster_identifier`): by its known value first, by the configuration's references
(through module variables and outputs) while the value is unknown at plan time.

A `Link` keeps what it could not follow (`open`) and the ids that name nothing in the
plan, so a caller can tell "names nothing" from "names something plangate cannot see".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from plangate import UNKNOWN, Plan, Resource
from plangate.helpers import members

__all__ = ["Link", "linked", "linked_from_each"]


@dataclass(frozen=True, slots=True)
class Link:
    """What an id-valued attribute names.

    `targets` are resources in the plan (or prior state); `ids` are known values that name
    nothing in the plan (an existing `sg-…` managed elsewhere); `open` says some member is
    unknown and could not be followed (a `local.*`, an unresolvable variable), so the
    attribute may name something else too.
    """

    targets: tuple[Resource, ...] = ()
    ids: tuple[str, ...] = ()
    open: bool = False

    @property
    def keys(self) -> frozenset[str]:
        """Addresses and bare ids: how two links to one group, table or subnet meet."""
        keys = [t.raw["address"] for t in self.targets]  # `address`, read from the dict
        if self.ids:
            keys.extend(self.ids)
        return frozenset(keys)

    def __bool__(self) -> bool:
        return bool(self.targets or self.ids or self.open)

    def merge(self, other: Link) -> Link:
        """Both links at once (a cluster instance's clusters, each with its groups)."""
        targets = list(self.targets)
        _extend(targets, other.targets)
        ids = tuple(dict.fromkeys([*self.ids, *other.ids]))
        return Link(tuple(targets), ids, self.open or other.open)


def linked(plan: Plan, resource: Resource, path: str, types: tuple[str, ...]) -> Link:
    """Resources of `types` that the attribute at `path` names, computed once per plan
    (the policies and the assurance map ask the same questions).

    Known values win: a conditional expression lists the references of both branches, so
    references are followed only for members that are unknown (a first plan) or name
    nothing in the plan by value.
    """
    # Keyed by the view's identity, which the memo pins (a view is never rebuilt while
    # its plan lives, and a pinned one cannot hand its id to another).
    held = plan.memo(
        (__name__, id(resource), path, types),
        lambda: (resource, _linked(plan, resource, path, types)),
    )
    if held[0] is resource:
        return held[1]
    return _linked(plan, resource, path, types)


def _linked(plan: Plan, resource: Resource, path: str, types: tuple[str, ...]) -> Link:
    value = resource.after_value(path)
    items = members(value)
    targets: dict[int, Resource] = {}  # by identity: views are not compared by equality
    ids: list[str] = []
    for item in items:
        if isinstance(item, str) and item:
            found = [
                r
                for r in plan.references.by_identifier(item)
                if r.type in types and r is not resource
            ]
            for r in found:
                targets.setdefault(id(r), r)
            if not found:
                ids.append(item)
    unknown = any(item is UNKNOWN for item in items)
    if not unknown and not ids:
        return Link(tuple(targets.values()), (), False)
    resolution = plan.references.resolve(resource, path)
    followed = [ref.target for ref in resolution.of_type(*types)]
    for r in followed:
        targets.setdefault(id(r), r)
    opened = unknown and (resolution.unresolved or not followed)
    return Link(tuple(targets.values()), tuple(ids), opened)


def _extend(into: list[Resource], new: Iterable[Resource]) -> None:
    """Append resources not yet listed (views are compared by identity, not equality;
    by their ids in a set, so a list of thousands is not scanned for each)."""
    seen = {id(item) for item in into}
    for item in new:
        if id(item) not in seen:
            seen.add(id(item))
            into.append(item)


def linked_from_each(
    plan: Plan, owners: Iterable[Resource], path: str, types: tuple[str, ...]
) -> Link:
    """What the attribute at `path` of each owner names, merged (a cluster's groups)."""
    link = Link()
    for owner in owners:
        link = link.merge(linked(plan, owner, path, types))
    return link
