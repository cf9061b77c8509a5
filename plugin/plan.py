"""The plan as policies see it: changes indexed by type and address in one pass."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from .config_tree import ConfigModule, ConfigResource, ConfigTree
from .instances import InstanceIndex
from .model import Resource, ResourceChange, StateResource, looks_secret
from .resolver import Resolver
from .validation import PLANNED, check_change, check_planned_values
from .values import marked_leaves

__all__ = ["Plan"]

T = TypeVar("T")


def _changes_from_planned_values(planned: Any) -> list[dict[str, Any]]:
    """Resource changes for a plan that lists resources only in `planned_values`.

    Empty plans omit `resource_changes` (Terraform never writes it empty), and so do some
    hand-made or trimmed files that still list resources in `planned_values`, absent or
    as `[]`. Reading those as "nothing to check" would pass whatever they hold, so each
    planned resource becomes a change to a known object (action `no-op`: the plan does
    not say what changes), placed in its module.
    """
    if not isinstance(planned, dict):
        return []
    found: list[dict[str, Any]] = []
    stack = [planned.get("root_module")]
    while stack:
        module = stack.pop()
        if not isinstance(module, dict):
            continue
        for resource in module.get("resources") or ():
            if not isinstance(resource, dict) or "address" not in resource:
                continue
            values = resource.get("values")
            raw = {
                k: v
                for k, v in resource.items()
                if k not in ("values", "sensitive_values", "schema_version")
            }
            if module.get("address") and "module_address" not in raw:
                raw["module_address"] = module["address"]
            raw["change"] = {
                "actions": ["no-op"],
                "before": values,
                "after": values,
                "after_unknown": {},
                "before_sensitive": resource.get("sensitive_values") or {},
                "after_sensitive": resource.get("sensitive_values") or {},
            }
            found.append(raw)
        stack.extend(reversed(module.get("child_modules") or ()))
    return found


class Plan:
    """A parsed plan. Build it with `Plan(data, path, source_dir=...)`; everything else is
    derived lazily from those, which never change afterwards.

    `source_dir` is where the `.tf` sources are (the Terraform working directory), to
    follow references through local values, which Terraform does not write into the
    plan; None when they are not at hand.
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        path: str = "<plan>",
        *,
        source_dir: str | PathLike[str] | None = None,
    ) -> None:
        self.raw = data
        self.path = path
        self._source_dir = Path(source_dir) if source_dir is not None else None
        self._memo: dict[object, Any] = {}
        self.format_version: str = str(data.get("format_version", ""))
        self.terraform_version: str | None = data.get("terraform_version")
        self.errored: bool = data.get("errored") is True
        legacy = self.format_version.startswith("0.1")
        self.changes: list[ResourceChange] = []
        self.deposed: list[ResourceChange] = []
        self._by_type: dict[str, list[ResourceChange]] = defaultdict(list)
        self.by_address: dict[str, ResourceChange] = {}
        # Values of a JSON type Terraform never writes, found by the typed readers (one
        # line each, without the plan's path): input errors of this plan.
        self.value_errors: dict[str, None] = {}
        items: Any = data.get("resource_changes")  # checked entry by entry below
        listed = bool(items)
        field = "resource_changes"
        if not listed:
            items = _changes_from_planned_values(data.get("planned_values"))
            field = "planned_values resources"
        deposed_seen: set[tuple[str, str]] = set()
        kept: list[str] = []
        forgotten: list[str] = []
        for position, raw in enumerate(items):
            action, actions = check_change(
                raw, path, position, self.by_address, deposed_seen, field
            )
            change = ResourceChange(raw, legacy, actions, self.value_errors)
            if raw.get("deposed") is not None:
                self.deposed.append(change)
                continue
            address = raw["address"]
            self.changes.append(change)
            self.by_address[address] = change
            self._by_type[raw.get("type", "")].append(change)
            if action in PLANNED:
                if raw.get("mode", "managed") == "managed":
                    kept.append(address)
            elif action == "forget":
                forgotten.append(address)
        if listed:
            check_planned_values(data.get("planned_values"), kept, forgotten, path)

    @property
    def source_dir(self) -> Path | None:
        """Read-only: the reference resolver is built from it once."""
        return self._source_dir

    # -- changes -----------------------------------------------------------------------

    def of_type(self, *types: str, mode: str = "managed") -> Iterator[ResourceChange]:
        for type_ in types:
            for change in self._by_type.get(type_, ()):
                if change.mode == mode:
                    yield change

    def existing(self, *types: str) -> Iterator[ResourceChange]:
        """Managed resources of these types that are in the planned state."""
        return (c for c in self.of_type(*types) if c.exists_after)

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self._by_type)

    # -- prior state ---------------------------------------------------------------------

    @cached_property
    def prior_resources(self) -> list[StateResource]:
        prior = self.raw.get("prior_state") or {}
        root = (prior.get("values") or {}).get("root_module") or {}
        found: list[StateResource] = []
        stack = [root]
        while stack:
            module = stack.pop()
            found.extend(StateResource(r, self.value_errors) for r in module.get("resources") or ())
            stack.extend(module.get("child_modules") or ())
        found.sort(key=lambda r: r.address)
        return found

    @cached_property
    def prior_by_address(self) -> dict[str, StateResource]:
        return {r.address: r for r in self.prior_resources}

    def data_sources(self, type_: str) -> Iterator[Resource]:
        """Data sources read at plan time (prior state) and those deferred to apply."""
        seen = set()
        for change in self.of_type(type_, mode="data"):
            seen.add(change.address)
            yield change
        for resource in self._prior_data_sources.get(type_, ()):
            if resource.address not in seen:
                yield resource

    @cached_property
    def _prior_data_sources(self) -> dict[str, list[StateResource]]:
        """Prior-state data sources by type, in address order: one scan of the prior state
        instead of one per `data_sources` call."""
        index: dict[str, list[StateResource]] = defaultdict(list)
        for resource in self.prior_resources:
            if resource.mode == "data":
                index[resource.type].append(resource)
        return index

    def prior_of_type(self, type_: str) -> Iterator[StateResource]:
        return (r for r in self.prior_resources if r.type == type_ and r.mode == "managed")

    # -- configuration -----------------------------------------------------------------

    @cached_property
    def config_tree(self) -> ConfigTree:
        """The `configuration` module tree."""
        return ConfigTree(self.raw.get("configuration"))

    @property
    def config_modules(self) -> Mapping[tuple[str, ...], ConfigModule]:
        return self.config_tree.modules

    def config_module(self, path: tuple[str, ...]) -> ConfigModule | None:
        return self.config_tree.module(path)

    def config_for(self, resource: Resource) -> ConfigResource | None:
        """The configuration block of a resource instance (None: not in `configuration`)."""
        return self.config_tree.resource(resource.config_key)

    @cached_property
    def references(self) -> Resolver:
        index = InstanceIndex(self.changes, self.prior_resources)
        return Resolver(index, self.config_tree, self.variables, self.source_dir)

    # -- outputs and variables --------------------------------------------------------------

    @property
    def variables(self) -> Mapping[str, Any]:
        return self.raw.get("variables") or {}

    @property
    def output_changes(self) -> Mapping[str, Any]:
        return self.raw.get("output_changes") or {}

    def sensitive_strings(self) -> set[str]:
        """Every sensitive scalar in the plan, as text: what no output may contain.

        Booleans are left out: one bit is no secret, and withholding `True` everywhere
        would garble every message that quotes a flag."""
        # One list for the whole plan: this visits every resource whenever there are findings.
        leaves: list[Any] = []
        for change in (*self.changes, *self.deposed):
            change.collect_sensitive(leaves)
        for resource in self.prior_resources:
            resource.collect_sensitive(leaves)
        config_vars = ((self.raw.get("configuration") or {}).get("root_module") or {}).get(
            "variables"
        ) or {}
        for name, var in self.variables.items():
            declared = config_vars.get(name) or {}
            if declared.get("sensitive") or looks_secret(name):
                leaves.extend(marked_leaves(var.get("value"), True))
        for output in self.output_changes.values():
            if isinstance(output, dict):
                leaves.extend(marked_leaves(output.get("after"), output.get("after_sensitive")))
                leaves.extend(marked_leaves(output.get("before"), output.get("before_sensitive")))
        return {str(v) for v in leaves if not isinstance(v, bool)}

    def memo(self, key: object, build: Callable[[], T]) -> T:
        """A per-plan cache for indexes that policies share (built once, on first use)."""
        try:
            memoised: T = self._memo[key]
            return memoised
        except KeyError:
            value = self._memo[key] = build()
            return value

    @property
    def resource_count(self) -> int:
        return len(self.changes) + len(self.deposed)
