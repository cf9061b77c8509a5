"""plangate: a gate for Terraform plans.

The public API for callers, pack and output-format authors. Everything not listed in
`__all__` is private and may change between releases.

- Checking plans from Python: `Gate` and `check` (`plangate.gate` documents them).
- Writing a pack: `policy`, `finding`, `inventory`, the plan model (`Plan`,
  `ResourceChange`, `StateResource`, `Resource`, `UNKNOWN`), and `Pack`, `Setting`,
  `Merge`, `Section` to declare the pack's settings, options and report sections
  (`plangate.packs`); policies get their `PackSettings`; `plangate.assurance` for a
  pack's part of the assurance map (`plangate map`), whose `@assurance` declaration
  is also in the light `plangate.contributors` (a check that draws no map imports
  only that). Helpers for policies that
  follow links between resources are the public module `plangate.helpers`.
- Writing an output format: `Reporter`; `plangate.reporters` documents its own public
  modules (`escaping`, `shared`).
"""

import sys
import types
from typing import TYPE_CHECKING, Any

from ._version import VERSION

__version__ = VERSION

# The public names, each imported from its module on first use (PEP 562): a run imports
# only what it uses, and `plangate --version` or an output format imports none of the
# plan model, the resolver or the runner.
_HOMES = {
    **dict.fromkeys(
        (
            "Certainty",
            "Enforcement",
            "Finding",
            "Inventory",
            "Policy",
            "Severity",
            "finding",
            "inventory",
        ),
        "policy",
    ),
    "policy": "policy",
    "Context": "context",
    "glob_match": "globs",
    "globs_meet": "globs",
    "Resource": "model",
    "ResourceChange": "model",
    "StateResource": "model",
    **dict.fromkeys(
        (
            "FLAG",
            "NAMES",
            "NUMBER",
            "TEXT",
            "Merge",
            "Pack",
            "PackSettings",
            "RecordedBackend",
            "Section",
            "Setting",
        ),
        "packs",
    ),
    "Plan": "plan",
    "Ref": "references",
    "Resolution": "references",
    "expression_references": "references",
    "Reporter": "reporters",
    "UNKNOWN": "values",
    "is_unknown": "values",
    "Gate": "gate",
    "check": "gate",
}

if TYPE_CHECKING:
    from .context import Context
    from .gate import Gate, check
    from .globs import glob_match, globs_meet
    from .model import Resource, ResourceChange, StateResource
    from .packs import (
        FLAG,
        NAMES,
        NUMBER,
        TEXT,
        Merge,
        Pack,
        PackSettings,
        RecordedBackend,
        Section,
        Setting,
    )
    from .plan import Plan
    from .policy import (
        Certainty,
        Enforcement,
        Finding,
        Inventory,
        Policy,
        Severity,
        finding,
        inventory,
        policy,
    )
    from .references import Ref, Resolution, expression_references
    from .reporters import Reporter
    from .values import UNKNOWN, is_unknown


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'plangate' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


class _Package(types.ModuleType):
    """`plangate.policy` is the decorator, as it always was, though a module of the same
    name exists: importing that module must not replace the decorator here (the import
    system sets a package's attribute to each submodule it imports)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "policy" and isinstance(value, types.ModuleType):
            value = value.policy
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "FLAG",
    "NAMES",
    "NUMBER",
    "TEXT",
    "UNKNOWN",
    "Certainty",
    "Context",
    "Enforcement",
    "Finding",
    "Gate",
    "Inventory",
    "Merge",
    "Pack",
    "PackSettings",
    "Plan",
    "Policy",
    "RecordedBackend",
    "Ref",
    "Reporter",
    "Resolution",
    "Resource",
    "ResourceChange",
    "Section",
    "Setting",
    "Severity",
    "StateResource",
    "check",
    "expression_references",
    "finding",
    "glob_match",
    "globs_meet",
    "inventory",
    "is_unknown",
    "policy",
]
