"""PG-STATE-006: the plan deletes, replaces or forgets the lock table or state bucket."""

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

REASONS = {
    "delete_because_no_resource_config": "its resource block was removed from the configuration",
    "delete_because_no_module": "its module was removed from the configuration",
    "delete_because_count_index": "count no longer includes this instance",
    "delete_because_each_key": "for_each no longer includes this key",
    "delete_because_wrong_repetition": "count/for_each was added or removed",
    "delete_because_no_move_target": "a moved block points to a missing address",
    "replace_because_tainted": "the object is tainted",
    "replace_by_request": "a replacement was requested (-replace)",
    "replace_by_triggers": "replace_triggered_by fired",
    "replace_because_cannot_update": "an attribute that forces a new resource changes",
}


@policy(
    id="PG-STATE-006",
    title="The plan must not destroy or replace the state lock table or state bucket",
    severity=Severity.CRITICAL,
    resource_types=("aws_dynamodb_table", "aws_s3_bucket"),
    actions=("delete", "replace", "forget"),
    enforcement=Enforcement.SOFT_MANDATORY,
)
def destructive_change(
    change: ResourceChange, plan: Plan, settings: PackSettings
) -> Iterator[Finding]:
    """## What it checks
    A delete or replace (either order) of the lock table or the state bucket, whether
    named (`--lock-table`, `--state-bucket`, config file, the backend `terraform init`
    recorded) or recognised by its shape (hash key `LockID` of type S, no range key); for a
    replacement, by what the destroyed object was (a rename or a new key schema does not
    hide it).
    `forget` (a `removed` block with `destroy = false`) leaves the object in AWS but drops it from
    Terraform's management; it is reported as medium.

    ## Why it matters
    Deleting the lock table breaks every plan and apply of every configuration locked
    with it, and a replacement drops all locks mid-run; deleting or replacing the state
    bucket loses state. Terraform runs the delete before anyone notices.

    ## How to fix
    Keep the resource in the configuration (`lifecycle { prevent_destroy = true }`) and
    revert the change that forces the replacement (see the plan's `replace_paths`). To
    move the backend, migrate state first (`terraform init -migrate-state`), then
    remove the old table or bucket in a separate, reviewed change.

    ## References
    - https://developer.hashicorp.com/terraform/language/backend/s3
    - https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle
    """
    backend = state_backend(plan, settings)
    # A replacement destroys the prior object: what it was counts, not what comes next.
    target = (
        backend.target_for_prior(change)
        if change.is_replace
        else backend.target_for_resource(change)
    )
    if target is None:
        return
    verb = {"delete": "deletes", "replace": "replaces", "forget": "forgets"}[change.action]
    why = REASONS.get(str(change.raw.get("action_reason")), "")
    paths = [
        ".".join(str(p) for p in path)
        for path in change.change.get("replace_paths") or ()
        if isinstance(path, list)
    ]
    if change.is_replace and paths:
        why = f"{why or 'replacement forced'} by {', '.join(paths)}"
    if change.is_forget:
        why = "it stays in AWS but Terraform stops managing it"
    yield finding(
        change,
        f"The plan {verb} the {target.label} (identified by {target.source})"
        f"{f': {why}' if why else ''}.",
        attribute=paths[0] if paths else None,
        severity=Severity.MEDIUM if change.is_forget else None,
    )
