"""PG-STATE-004: events from the lock table or state bucket wired into the application."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import (
    Enforcement,
    Finding,
    PackSettings,
    Plan,
    ResourceChange,
    Severity,
    finding,
    policy,
)
from plangate.policies.state_backend._backend import state_backend
from plangate.policies.state_backend._links import WIRING, links_to_backend


@policy(
    id="PG-STATE-004",
    title="No event source, stream consumer or notification on the state backend",
    severity=Severity.CRITICAL,
    resource_types=tuple(WIRING),
    enforcement=Enforcement.HARD_MANDATORY,
)
def event_wiring(change: ResourceChange, plan: Plan, settings: PackSettings) -> Iterator[Finding]:
    """## What it checks
    Resources that turn the lock table or the state bucket into an event source for
    application code: a Lambda event source mapping or an EventBridge pipe reading the
    lock table's stream, a Kinesis streaming destination for the lock table, an AppSync
    data source on it, and an S3 bucket notification on the state bucket. The source is
    matched by its known ARN or name, or, while it is unknown (a first plan), by the
    configuration's references to the table or bucket, through module variables and
    outputs.

    ## Why it matters
    Every lock Terraform takes and every state it writes then reaches application code,
    which can read state contents (secrets) and is coupled to the backend: the app now
    depends on how Terraform uses its lock table and bucket, and Terraform on the app.

    ## How to fix
    Remove the mapping, pipe, destination, data source or notification. To audit state
    changes use CloudTrail data events and S3 server access logs, read by the security
    account, not the application.

    ## References
    - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.Lambda.html
    """
    backend = state_backend(plan, settings)
    path, kind, does, consumers = WIRING[change.type]
    attribute = path.split(".")[0]
    for link in links_to_backend(plan, backend, change, path, exact=True, kind=kind):
        target = link.target
        chain = [target.address or target.arn or str(target.name), change.address]
        for consumer in consumers:
            chain.extend(
                r.address
                for r in plan.references.targets(change, consumer)
                if r.address not in chain
            )
        how = "" if not link.by_reference else f" ({link.how})"
        yield finding(
            change,
            f"{path} points at the {target.label}{how}: the state backend {does} "
            f"(identified by {target.source}).",
            attribute=attribute,
            certainty=link.certainty,
            chain=chain,
        )
