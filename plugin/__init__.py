"""plangate: a gate for Terraform plans.

The public API for policy and output-format authors. Everything not listed in `__all__`
is private and may change between releases; for format authors `plangate.reporters`
documents its own public modules (`escaping`, `shared`). Helpers for policies that
follow links between resources (an index per plan, unknown-aware values, prior-only
resources, CIDRs) are the public module `plangate.helpers`.
"""

from typing import TYPE_CHECKING, Any

from .context import Context, Named
from .globs import glob_match, globs_meet
from .model import Resource, ResourceChange, StateResource
from .plan import Backend, Plan
from .policy import Certainty, Finding, Inventory, Policy, Severity, finding, inventory, policy
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
    "UNKNOWN",
    "Backend",
    "Certainty",
    "Context",
    "Finding",
    "Gate",
    "Inventory",
    "Named",
    "Plan",
    "Policy",
    "Ref",
    "Reporter",
    "Resolution",
    "Resource",
    "ResourceChange",
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
