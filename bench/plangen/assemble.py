"""The scaled plan's JSON text, section by section, in the order Terraform writes.

`resource_changes` are in Terraform's order (`AbsResourceInstance.Less`): shallower
modules first (the root's log groups, then `module.state_backend`, then the services'
modules), then by module instance key, then as in the example plans. `planned_values`
and `prior_state` nest module objects (`module.service["k"]` holding
`module.service["k"].module.app`, ...) sorted by address. The envelope, outputs and
`prior_state` header are the backend example's; the output is compact, like
`terraform show -json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from plangate.markers import after_unknown, sensitive_markers

from .examples import Example, Unit
from .fleet import Roles, Service, instance_prefix
from .tokens import Cutter, Template

__all__ = ["Catalog", "Sections", "envelope_chunks"]

_COMPACT = (",", ":")


@dataclass(frozen=True)
class CompiledUnit:
    changes: tuple[Template, ...]
    planned: tuple[Template, ...]
    prior: tuple[Template, ...]
    relevant: tuple[Template, ...]


def _compiled(unit: Unit, cutter: Cutter) -> CompiledUnit:
    return CompiledUnit(
        tuple(map(cutter.cut, unit.changes)),
        tuple(map(cutter.cut, unit.planned)),
        tuple(map(cutter.cut, unit.prior)),
        tuple(map(cutter.cut, unit.relevant)),
    )


def _removed(unit: Unit) -> Unit:
    """An existing unit whose module instance left the configuration: each object is
    deleted (as Terraform writes a delete: `after` null, its markers from the shaper),
    and stays in the prior state; its data sources go without a change."""
    deletes = []
    for rc in unit.changes:
        change = {
            "actions": ["delete"],
            "before": rc["change"]["before"],
            "after": None,
            "after_unknown": after_unknown(None),
            "before_sensitive": rc["change"]["before_sensitive"],
            "after_sensitive": sensitive_markers(None),
        }
        head = {key: value for key, value in rc.items() if key not in ("change", "action_reason")}
        deletes.append({**head, "change": change, "action_reason": "delete_because_no_module"})
    prior = [entry for entry in unit.prior if entry["mode"] == "managed"]
    return Unit(deletes, [], prior, [])


class Catalog:
    """The units the fleet draws from, cut into templates once."""

    def __init__(
        self, examples: Mapping[str, Example], roles: Roles, modules: Iterable[str], cutter: Cutter
    ) -> None:
        self.modules = tuple(modules)
        names = {roles.new, roles.existing, roles.updated, *roles.mistakes}
        self._units = {
            (name, module): _compiled(examples[name].unit(module), cutter)
            for name in sorted(names)
            for module in self.modules
        }
        self._removed = {
            module: _compiled(_removed(examples[roles.existing].unit(module)), cutter)
            for module in self.modules
        }

    def unit(self, service: Service, module: str) -> CompiledUnit:
        return self._removed[module] if service.removed else self._units[service.example, module]

    def size(self, service: Service) -> int:
        """How many resource changes the service adds."""
        return sum(len(self.unit(service, module).changes) for module in self.modules)

    def largest(self) -> int:
        """The most resource changes one service can add."""
        sizes = [
            sum(len(self._units[name, module].changes) for module in self.modules)
            for name in {name for name, _ in self._units}
        ]
        sizes.append(sum(len(unit.changes) for unit in self._removed.values()))
        return max(sizes)


@dataclass
class Sections:
    """The rendered entries of the big sections, and the module objects of the states."""

    changes: list[str] = field(default_factory=list)
    relevant: list[str] = field(default_factory=list)
    planned: list[tuple[str, str]] = field(default_factory=list)  # (address, module text)
    prior: list[tuple[str, str]] = field(default_factory=list)
    root_planned: list[str] = field(default_factory=list)
    root_prior: list[str] = field(default_factory=list)

    def add_module(self, address: str, unit: Mapping[str, list[str]]) -> None:
        """A module called once from the root (the state backend)."""
        self.changes.extend(unit["changes"])
        self.relevant.extend(unit["relevant"])
        for states, section in ((self.planned, "planned"), (self.prior, "prior")):
            if unit[section]:
                states.append((address, _module(address, unit[section])))

    def add_service(
        self, service: Service, call: str, catalog: Catalog, table: Mapping[str, str]
    ) -> None:
        call_address = instance_prefix(call, service.key)[:-1]
        planned, prior = [], []
        for module in catalog.modules:
            unit = catalog.unit(service, module)
            address = f"{call_address}.module.{module}"
            self.changes.extend(t.render(table) for t in unit.changes)
            self.relevant.extend(t.render(table) for t in unit.relevant)
            if unit.planned:
                planned.append(_module(address, [t.render(table) for t in unit.planned]))
            if unit.prior:
                prior.append(_module(address, [t.render(table) for t in unit.prior]))
        for states, children in ((self.planned, planned), (self.prior, prior)):
            if children:
                states.append((call_address, _parent(call_address, children)))


def _module(address: str, resources: list[str]) -> str:
    return '{"resources":[' + ",".join(resources) + '],"address":' + json.dumps(address) + "}"


def _parent(address: str, children: list[str]) -> str:
    return '{"address":' + json.dumps(address) + ',"child_modules":[' + ",".join(children) + "]}"


def _root(resources: list[str], modules: list[tuple[str, str]]) -> str:
    parts = []
    if resources:
        parts.append('"resources":[' + ",".join(resources) + "]")
    if modules:
        ordered = [text for _, text in sorted(modules)]
        parts.append('"child_modules":[' + ",".join(ordered) + "]")
    return "{" + ",".join(parts) + "}"


def envelope_chunks(
    template: dict[str, Any],
    variables: dict[str, Any],
    configuration: dict[str, Any],
    outputs: Iterable[str],
    sections: Sections,
) -> Iterator[str]:
    """The plan's text in chunks: `template`'s envelope with the scaled sections."""
    outputs = set(outputs)
    holes = {
        "changes": "[" + ",".join(sections.changes) + "]",
        "planned": _root(sections.root_planned, sections.planned),
        "prior": _root(sections.root_prior, sections.prior),
        "relevant": "[" + ",".join(sections.relevant) + "]",
    }
    marks = {name: f"\0plangen:{name}\0" for name in holes}
    envelope = dict(template)
    envelope["variables"] = variables
    planned_outputs = template["planned_values"]["outputs"]
    envelope["planned_values"] = {
        "outputs": {k: v for k, v in planned_outputs.items() if k in outputs},
        "root_module": marks["planned"],
    }
    envelope["resource_changes"] = marks["changes"]
    envelope["output_changes"] = {
        k: v for k, v in template["output_changes"].items() if k in outputs
    }
    prior_values = template["prior_state"]["values"]
    envelope["prior_state"] = {
        **template["prior_state"],
        "values": {
            "outputs": {k: v for k, v in prior_values["outputs"].items() if k in outputs},
            "root_module": marks["prior"],
        },
    }
    envelope["configuration"] = configuration
    envelope["relevant_attributes"] = marks["relevant"]
    text = json.dumps(envelope, separators=_COMPACT)
    at = 0
    for start, name in sorted((text.index(json.dumps(mark)), name) for name, mark in marks.items()):
        yield text[at:start]
        yield holes[name]
        at = start + len(json.dumps(marks[name]))
    yield text[at:]
