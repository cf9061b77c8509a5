"""The report's account of which tables and buckets the pack treats as the state backend."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import Context, Plan, inventory
from plangate.policies.state_backend._backend import state_backend


@inventory("state_backend")
def backend_targets(plan: Plan, context: Context) -> Iterator[dict[str, str]]:
    """Every lock table and state bucket, named or found by shape, and how it was found."""
    for target in state_backend(plan, context):
        yield {"kind": target.kind, "name": target.name or target.label, "source": target.source}
