"""plangate: a gate for Terraform plans.

The public API for policy and output-format authors. Everything not listed in `__all__`
is private and may change between releases; for format authors `plangate.reporters`
documents its own public modules (`escaping`, `shared`). Helpers for policies that
follow links between resources (an index per plan, unknown-aware values, prior-only
resources, CIDRs) are the public module `plangate.helpers`.
"""

from .context import Context, Named
from .globs import glob_match, globs_meet
from .model import Resource, ResourceChange, StateResource
from .plan import Backend, Plan
from .policy import Certainty, Finding, Inventory, Policy, Severity, finding, inventory, policy
from .references import Ref, Resolution, expression_references
from .reporters import Reporter
from .values import UNKNOWN, is_unknown

__all__ = [
    "UNKNOWN",
    "Backend",
    "Certainty",
    "Context",
    "Finding",
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
    "expression_references",
    "finding",
    "glob_match",
    "globs_meet",
    "inventory",
    "is_unknown",
    "policy",
]
