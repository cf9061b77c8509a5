"""Scale the reference project's plans to a plan of N resource changes.

See the package docstring for the plan it writes; this module wires the parts: the
example plans (examples.py), the tokens each instance changes (tokens.py), the fleet
(fleet.py), the configuration (configuration.py), the filler (filler.py) and the text
(assemble.py).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .assemble import Catalog, Sections, envelope_chunks
from .configuration import Layout, backend_variables, scaled_configuration
from .examples import EXAMPLES, Example, Unit, load_examples
from .filler import VARIABLE, Filler, filler
from .fleet import Roles, Service, choose_roles, plan_fleet, planted
from .tokens import Cutter, computed_tokens

__all__ = ["CALL", "Generated", "fingerprint", "generate"]

CALL = "service"  # the for_each module call the services are instances of
BACKEND = "state_backend"  # the module of the reference project kept once
FILLER_MODULE = "app"  # whose log group the filler repeats
_COMPACT = (",", ":")


@dataclass(frozen=True)
class Generated:
    """A generated plan: its JSON text in chunks, and what a check must find in it."""

    chunks: list[str]
    expected: list[tuple[str, str]]  # (policy id, address) of every planted violation
    resources: int
    services: dict[str, int]  # how many services of each kind

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def generate(
    resources: int = 20000,
    seed: int = 20251128,
    mistake_every: int = 20,
    directory: Path = EXAMPLES,
) -> Generated:
    """The plan with exactly `resources` resource changes (at least the state backend's)."""
    examples = load_examples(directory)
    project = examples["good"].plan["configuration"]
    modules = sorted(n for n in project["root_module"]["module_calls"] if n != BACKEND)
    roles = choose_roles(examples, modules, backend_variables(project, BACKEND))
    cutter = _cutter(examples, roles, modules)
    catalog = Catalog(examples, roles, modules, cutter)
    backend = examples[roles.backend].unit(BACKEND)
    if resources < len(backend.changes):
        raise ValueError(f"a plan holds at least the {len(backend.changes)} state backend changes")
    services, left = plan_fleet(
        resources - len(backend.changes),
        seed,
        mistake_every,
        roles,
        catalog.size,
        catalog.largest(),
    )
    extra = filler(left, examples[roles.existing], project, FILLER_MODULE, cutter, str(seed))
    layout = scaled_configuration(project, CALL, BACKEND, [extra.block] if extra.block else [])
    sections = Sections(root_planned=extra.planned, root_prior=extra.prior)
    sections.changes.extend(extra.changes)
    sections.add_module(f"module.{BACKEND}", _texts(backend))
    for service in sorted(services, key=lambda s: s.key):
        table = cutter.table(CALL, service.key, service.name, f"{seed}:{service.number}")
        sections.add_service(service, CALL, catalog, table)
    if len(sections.changes) != resources:
        raise AssertionError(f"made {len(sections.changes)} changes, not {resources}")
    variables = _variables(layout, services, examples, roles, extra)
    outputs = layout.configuration["root_module"]["outputs"]
    chunks = list(
        envelope_chunks(
            examples[roles.backend].plan, variables, layout.configuration, outputs, sections
        )
    )
    expected = planted(services, examples, modules, CALL)
    return Generated(chunks, expected, resources, _census(services, roles))


def _cutter(examples: dict[str, Example], roles: Roles, modules: list[str]) -> Cutter:
    first = examples[roles.new]
    applied = [examples[roles.existing], examples[roles.updated]]
    return Cutter(modules, first.variables["name"], computed_tokens(first, applied, modules))


def _texts(unit: Unit) -> dict[str, list[str]]:
    def dump(entries: list[dict[str, Any]]) -> list[str]:
        return [json.dumps(entry, separators=_COMPACT) for entry in entries]

    return {
        "changes": dump(unit.changes),
        "planned": dump(unit.planned),
        "prior": dump(unit.prior),
        "relevant": dump(unit.relevant),
    }


def _variables(
    layout: Layout,
    services: list[Service],
    examples: dict[str, Example],
    roles: Roles,
    extra: Filler,
) -> dict[str, Any]:
    """The root variables' values: shared ones as the backend example has them, one
    settings object per live service, the filler's names."""
    shared = examples[roles.backend].variables
    values: dict[str, Any] = {name: shared[name] for name in layout.root_variables}
    values[f"{CALL}s"] = {
        s.key: {
            v: s.name if v == "name" else examples[s.example].variables[v]
            for v in layout.per_service
        }
        for s in services
        if not s.removed
    }
    if extra.names:
        values[VARIABLE] = extra.names
    return {name: {"value": _sorted(value)} for name, value in sorted(values.items())}


def _sorted(value: Any) -> Any:
    """Terraform writes object attributes and map keys sorted."""
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def _census(services: list[Service], roles: Roles) -> dict[str, int]:
    def kind(service: Service) -> str:
        if service.removed:
            return "removed"
        if service.example in roles.mistakes:
            return "new, with a mistake"
        return {roles.new: "new", roles.existing: "existing", roles.updated: "rolled out"}[
            service.example
        ]

    return dict(sorted(Counter(map(kind, services)).items()))


def fingerprint(directory: Path = EXAMPLES) -> str:
    """Changes when the generator or the example plans change: for caching plans."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in [*sorted(here.glob("*.py")), *sorted(directory.glob("*.json"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]
