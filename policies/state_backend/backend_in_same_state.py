"""PG-STATE-009: the backend this configuration uses is managed in its own state."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import Enforcement, Finding, PackSettings, Plan, Severity, finding, policy
from plangate.policies.state_backend._backend import recorded_s3, state_backend
from plangate.policies.state_backend._targets import BUCKET, LOCK_TABLE


@policy(
    id="PG-STATE-009",
    title="The state backend should not be managed by the state it holds",
    severity=Severity.LOW,
    enforcement=Enforcement.ADVISORY,
)
def backend_in_same_state(plan: Plan, settings: PackSettings) -> Iterator[Finding]:
    """## What it checks
    Whether the lock table or state bucket named by the backend `terraform init`
    recorded for this configuration (`.terraform/terraform.tfstate`: `dynamodb_table`,
    `bucket`) is a resource of this same plan. Without a recorded backend (no init'ed
    directory to read) the policy has nothing to compare and stays silent.

    ## Why it matters
    A chicken-and-egg: the state that manages the table or bucket is stored in and
    locked by it. A mistaken change to it (a replacement, a destroy, a broken policy)
    cuts off the very state needed to repair it, and `terraform destroy` of this
    configuration tries to delete its own backend halfway through.

    ## How to fix
    Manage the backend in a separate bootstrap configuration with its own (local or
    other) state, and remove it from this one with a `removed` block (`destroy = false`)
    or `terraform state rm`.

    ## References
    - https://developer.hashicorp.com/terraform/language/backend/s3
    - https://developer.hashicorp.com/terraform/language/resources/syntax#removing-resources
    """
    backend = recorded_s3(settings)
    if backend is None:
        return
    names = {LOCK_TABLE: backend.get("dynamodb_table"), BUCKET: backend.get("bucket")}
    for target in state_backend(plan, settings).all():
        resource = target.resource
        named = target.name is not None and target.name == names[target.kind]
        if resource is None or not named or resource.mode != "managed":
            continue
        if getattr(resource, "exists_after", True):
            yield finding(
                resource,
                f"The {target.label} that this configuration's backend uses "
                f"(recorded in {backend.source}) is managed in this same state.",
                chain=(f"backend.{backend.type}", resource.address),
            )
