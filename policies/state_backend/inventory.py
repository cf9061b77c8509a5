"""The report's account of which tables and buckets the pack treats as the state backend."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import PackSettings, Plan, inventory
from plangate.policies.state_backend._backend import named_targets, state_backend
from plangate.policies.state_backend._targets import BUCKET, LOCK_TABLE


@inventory("state_backend")
def backend_targets(plan: Plan, settings: PackSettings) -> Iterator[dict[str, str]]:
    """What the command line, the config and `terraform init` named (as named), then every
    lock table and state bucket the pack treats as the backend, and how it was found."""
    tables, buckets, _ = named_targets(settings)
    for kind, named in ((LOCK_TABLE, tables), (BUCKET, buckets)):
        for item in named:
            yield {"kind": kind, "name": item.name, "source": item.source}
    for target in state_backend(plan, settings):
        yield {"kind": target.kind, "name": target.name or target.label, "source": target.source}
