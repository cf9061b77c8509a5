"""plangate: a gate for Terraform plans.

The public API for callers, pack and output-format authors. Everything not listed in
`__all__` is private and may change between releases.

- Checking plans from Python: `Gate` and `check` (`plangate.gate` documents them).
- Writing a pack: `policy`, `finding`, `inventory`, the plan model (`Plan`,
  `ResourceChange`, `StateResource`, `Resource`, `UNKNOWN`), and `Pack`, `Setting`,
  `Merge`, `Section` to declare the pack's settings, options and report sections
  (`plangate.packs`); policies get their `PackSettings`; `plangate.assurance` for a
  pack's part of the assurance map (`plangate map`). Helpers for policies that
  follow links between resources are the public module `plangate.helpers`.
- Writing an output format: `Reporter`; `plangate.reporters` documents its own public
  modules (`escaping`, `shared`).
"""

from typing import TYPE_CHECKING, Any

from .context import Context
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

if TYPE_CHECKING:
    from .gate import Gate, check


def __getattr__(name: str) -> Any:
    """`Gate` and `check` import on first use: they pull in config, loading and the
    runner, which `plangate --version`, a policy module or a format does not need."""
    if name in ("Gate", "check"):
        from . import gate

        return getattr(gate, name)
    raise AttributeError(f"module 'plangate' has no attribute {name!r}")


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
