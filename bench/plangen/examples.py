"""The reference project's plans, as the real terraform binary wrote them, cut into units.

`examples/make_plans.py` writes `examples/plans/<variant>.json` (and `index.json`) from
`examples/reference-project` with the stub AWS provider of tests/tfstub. A unit is what
one module instance contributes to such a plan: its resource changes, its objects in
`planned_values` and `prior_state`, its `relevant_attributes`. The generator repeats
units; reading them needs neither terraform nor the stub provider.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["EXAMPLES", "Example", "Unit", "load_examples", "state_entries"]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"

Entry = dict[str, Any]


@dataclass(frozen=True)
class Unit:
    """One module instance's part of a plan, entries as Terraform wrote them."""

    changes: list[Entry]
    planned: list[Entry]
    prior: list[Entry]
    relevant: list[Entry]


@dataclass(frozen=True)
class Example:
    """One plan of the reference project and what index.json says about it."""

    name: str
    plan: dict[str, Any]
    expect: tuple[tuple[str, str], ...]  # (policy id, address) it is built to produce
    applied_before: str | None  # the variant applied before planning it, if any

    @property
    def variables(self) -> dict[str, Any]:
        """Root variable values as the plan records them (set or defaulted)."""
        return {name: v.get("value") for name, v in self.plan.get("variables", {}).items()}

    def unit(self, module: str) -> Unit:
        """The part of `module.<module>` (a module called once from the root)."""
        address = f"module.{module}"
        prior_root = self.plan.get("prior_state", {}).get("values", {}).get("root_module", {})
        return Unit(
            [rc for rc in self.plan.get("resource_changes", []) if _inside(rc, address)],
            state_entries(self.plan["planned_values"]["root_module"], address),
            state_entries(prior_root, address),
            [ra for ra in self.plan.get("relevant_attributes", []) if _inside(ra, address)],
        )


def _inside(entry: Entry, module: str) -> bool:
    address = entry.get("address") or entry.get("resource") or ""
    return address.startswith(module + ".")


def state_entries(root: dict[str, Any], module: str) -> list[Entry]:
    """The resources of one child module of a `planned_values`/`prior_state` root."""
    for child in root.get("child_modules", []):
        if child.get("address") == module:
            return list(child.get("resources", []))
    return []


class ExamplesError(Exception):
    """The shipped plans are missing or not what make_plans.py writes."""


def load_examples(directory: Path = EXAMPLES) -> dict[str, Example]:
    """Every plan index.json lists, by variant name."""
    try:
        index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        examples = {}
        for name, entry in index["variants"].items():
            plan = json.loads((directory / entry["file"]).read_text(encoding="utf-8"))
            expect = tuple((e["policy_id"], e["address"]) for e in entry["expected"]["expect"])
            examples[name] = Example(name, plan, expect, entry.get("applied_before"))
    except (OSError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ExamplesError(
            f"{directory}: cannot read the reference plans ({exc}); "
            "run examples/make_plans.py to write them"
        ) from None
    return examples
