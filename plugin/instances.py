"""The resources of one plan indexed by the block they are instances of, and by the
identifiers (ARN, id, name) their known values hold: what following a reference, or
matching a known value, looks up. Built once, on first use, from values that never
change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any

from .addresses import ModuleStep, parse_module_address
from .model import Resource, ResourceChange, StateResource

__all__ = ["IDENTIFIER_ATTRIBUTES", "BlockKey", "InstanceIndex", "identifiers_in"]

IDENTIFIER_ATTRIBUTES = (
    "arn",
    "id",
    "name",
    "bucket",
    "stream_arn",
    "family",
    "identifier",
    "cluster_identifier",
)
# A block's instances: (module instance, mode, type, name).
BlockKey = tuple[tuple[ModuleStep, ...], str, str, str]


class InstanceIndex:
    """Changes first, then the prior-state resources the plan does not list."""

    def __init__(self, changes: Sequence[ResourceChange], prior: Sequence[StateResource]) -> None:
        self._changes = changes
        self._prior = prior

    @cached_property
    def instances(self) -> dict[BlockKey, list[Resource]]:
        # Gathered by the module address as written (a string, hashed once), each
        # distinct one parsed once: this runs for every resource of the plan. The fields
        # are read from the dicts (with the views' defaults) rather than through the
        # properties, which took half of it.
        by_text: dict[tuple[str, str, str, str], list[Resource]] = defaultdict(list)
        seen: set[str] = set()
        for change in self._changes:
            raw = change.raw
            seen.add(raw["address"])
            by_text[
                (
                    raw.get("module_address", ""),
                    raw.get("mode", "managed"),
                    raw.get("type", ""),
                    raw.get("name", ""),
                )
            ].append(change)
        for resource in self._prior:
            raw = resource.raw
            if raw["address"] not in seen:
                by_text[
                    (
                        raw.get("module_address", ""),
                        raw.get("mode", "managed"),
                        raw.get("type", ""),
                        raw.get("name", ""),
                    )
                ].append(resource)
        index: dict[BlockKey, list[Resource]] = {
            (parse_module_address(text), mode, type_, name): found
            for (text, mode, type_, name), found in by_text.items()
        }
        if len(index) != len(by_text):  # two spellings of one module instance (hand-edited)
            return self._instances_by_steps()
        return index

    def _instances_by_steps(self) -> dict[BlockKey, list[Resource]]:
        """The index keyed by each resource's parsed module path, in plan order."""
        index: dict[BlockKey, list[Resource]] = defaultdict(list)
        seen: set[str] = set()
        for change in self._changes:
            raw = change.raw
            seen.add(raw["address"])
            key = (change.module_steps, raw.get("mode", "managed"), raw.get("type", ""))
            index[(*key, raw.get("name", ""))].append(change)
        for resource in self._prior:
            raw = resource.raw
            if raw["address"] not in seen:
                key = (resource.module_steps, raw.get("mode", "managed"), raw.get("type", ""))
                index[(*key, raw.get("name", ""))].append(resource)
        return index

    @cached_property
    def module_instances(self) -> dict[tuple[ModuleStep, ...], list[tuple[ModuleStep, ...]]]:
        """Parent module instance → its child module instances that hold resources."""
        children: dict[tuple[ModuleStep, ...], set[tuple[ModuleStep, ...]]] = defaultdict(set)
        # Each distinct module instance once (thousands of blocks share a few hundred), in
        # first-seen order; hashing a tuple of `ModuleStep`s is not cheap.
        for steps in dict.fromkeys(key[0] for key in self.instances):
            for depth in range(len(steps)):
                children[steps[:depth]].add(steps[: depth + 1])
        return {k: sorted(v, key=str) for k, v in children.items()}

    @cached_property
    def identifiers(self) -> dict[str, list[Resource]]:
        index: dict[str, list[Resource]] = defaultdict(list)
        for resources in self.instances.values():
            for resource in resources:
                # Read the dicts directly: unknown values are absent from `after`, and this
                # runs for every resource of the plan.
                raw = resource.raw
                values = raw.get("values") if "values" in raw else raw["change"].get("after")
                if not isinstance(values, dict):
                    continue
                for attr in IDENTIFIER_ATTRIBUTES:
                    if attr in values:  # most resources have few of them
                        value = values[attr]
                        if isinstance(value, str) and value:
                            index[value].append(resource)
        return index


def identifiers_in(value: Any) -> Iterator[str]:
    """The strings an id-valued attribute holds: itself, or its list's members (a map's
    strings are no identifiers of it: tags, settings)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield item
