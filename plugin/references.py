"""What a reference is: `Ref`, `Resolution`, and the reference strings of an expression.

`plangate.resolver` follows them (`Plan.references`); this module holds the values it
returns and the parsing it shares. Which resources does an attribute refer to? In a
first-time plan the ids and ARNs that link resources are unknown, so links are
found through the `configuration` expressions: `references` lists, followed through
module input variables and child module outputs, per module instance. Known values
(ARNs, ids, names) are the fallback, and the only way through `local.*` values, which
Terraform does not write into the plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .addresses import parse_traversal
from .model import Resource

__all__ = [
    "Ref",
    "Resolution",
    "Traversal",
    "expression_constants",
    "expression_references",
    "traversals_to_follow",
]

_IGNORED_ROOTS = frozenset({"each", "count", "path", "terraform", "self"})
# A parsed reference: `a.b["k"].c` → (("a", None), ("b", "k"), ("c", None)).
Traversal = tuple[tuple[str, str | int | None], ...]


@dataclass(frozen=True, slots=True)
class Ref:
    """A resource instance an attribute refers to, and the hops that led there."""

    target: Resource
    attribute: str | None
    via: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return self.target.address


@dataclass(slots=True)
class Resolution:
    """What following one reference found: the resources it reaches, and whether some
    of the way could not be followed (a link that may exist but cannot be proven)."""

    refs: list[Ref] = field(default_factory=list)
    # True when some reference could not be followed (a local value, a root variable
    # whose value names nothing in the plan, a walk that ran out of budget): the link
    # may exist but cannot be proven.
    unresolved: bool = False
    # Constant or variable values met on the way, for callers that match names or ARNs.
    values: list[Any] = field(default_factory=list)

    def __iter__(self) -> Iterator[Ref]:
        return iter(self.refs)

    def __bool__(self) -> bool:
        return bool(self.refs)

    def of_type(self, *types: str) -> list[Ref]:
        return [r for r in self.refs if r.target.type in types]


def _leaves(expr: Any) -> Iterator[dict[str, Any]]:
    """Expression leaves (`{"references": …}` / `{"constant_value": …}`) in source order,
    descending into nested blocks (lists of expression maps)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if "references" in node or "constant_value" in node:
                yield node
            else:
                stack.extend(reversed(list(node.values())))


def expression_references(expr: Any) -> list[str]:
    """Every reference string inside an expression subtree (blocks included)."""
    return [
        ref
        for leaf in _leaves(expr)
        for ref in leaf.get("references") or ()
        if isinstance(ref, str)
    ]


def expression_constants(expr: Any) -> list[Any]:
    return [leaf["constant_value"] for leaf in _leaves(expr) if "constant_value" in leaf]


@lru_cache(maxsize=16384)
def traversals_to_follow(refs: tuple[str, ...]) -> tuple[tuple[Traversal, ...], bool]:
    """The parsed references `_follow` acts on, and whether any is per instance (`each.`,
    `count.`). Cached by the reference list: thousands of instances of a few dozen blocks
    share the same lists, and parsing is a pure function of the strings."""
    parsed: list[Traversal] = []
    for ref in refs:
        try:
            parsed.append(tuple(parse_traversal(ref)))
        except ValueError:
            continue
    by_instance = any(t[0][0] in ("each", "count") for t in parsed)
    # `x.y[0].id` is unwrapped to `x.y[0].id`, `x.y[0]` and `x.y`: the bare `x.y` must
    # not widen the reference to every instance.
    keyed = {_block_key(t) for t in parsed if _instance_key(t) is not None}
    kept = tuple(
        t
        for t in parsed
        if not (_instance_key(t) is None and _block_key(t) in keyed)
        and t[0][0] not in _IGNORED_ROOTS
    )
    return kept, by_instance


def _block_key(traversal: Traversal) -> tuple[str, ...]:
    """`data.t.n…` → ("data", "t", "n"); `t.n…` → ("t", "n"); module calls likewise."""
    names = [name for name, _ in traversal]
    return tuple(names[:3]) if names[0] == "data" else tuple(names[:2])


def _instance_key(traversal: Traversal) -> str | int | None:
    position = 2 if traversal[0][0] == "data" else 1
    return traversal[position][1] if len(traversal) > position else None
