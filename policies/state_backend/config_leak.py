"""PG-STATE-003: the lock table or state bucket named in the application's configuration."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import (
    UNKNOWN,
    Enforcement,
    Finding,
    PackSettings,
    Plan,
    ResourceChange,
    Severity,
    finding,
    policy,
)
from plangate.policies.aws.compute import APPLICATION_COMPUTE
from plangate.policies.state_backend._backend import state_backend
from plangate.policies.state_backend._links import labelled_strings, links_to_backend
from plangate.policies.state_backend._targets import BackendTarget, StateBackend

# Per application compute type: (attribute path, whether it holds a JSON document).
APP_CONFIG = {c.type: c.configuration for c in APPLICATION_COMPUTE if c.configuration}


@policy(
    id="PG-STATE-003",
    title="Application configuration must not name the state lock table or state bucket",
    severity=Severity.HIGH,
    resource_types=tuple(APP_CONFIG),
    enforcement=Enforcement.HARD_MANDATORY,
)
def config_leak(change: ResourceChange, plan: Plan, settings: PackSettings) -> Iterator[Finding]:
    """## What it checks
    The configuration an application runs with: ECS container definitions (environment,
    secrets, command, entry point), Lambda environment variables, App Runner runtime
    variables and secrets, Batch job container / node / ECS properties, Step Functions
    definitions (a DynamoDB task's `TableName`, an S3 task's `Bucket`). A finding is
    raised when one of them holds the name or ARN of the Terraform lock table or state
    bucket, or, when the value is known only after apply (a first plan), when the
    configuration refers to the table or bucket (e.g. `value = module.state.lock_table_name`
    inside `jsonencode`), through module variables and outputs.

    ## Why it matters
    Only Terraform should ever talk to the state backend. An application that is told
    where the lock table or state bucket is will use it: an application bug or a
    compromised task can then break or forge state locks, or read the state, which holds
    every secret Terraform manages.

    ## How to fix
    Remove the variable. If the application needs a table or bucket of its own, create
    one for it; never share the backend's.

    ## References
    - https://developer.hashicorp.com/terraform/language/backend/s3
    """
    backend = state_backend(plan, settings)
    for path, is_json in APP_CONFIG[change.type]:
        attribute, value = path.split(".")[0], change.after_value(path)
        named: set[int] = set()
        for label, text in labelled_strings(value, parse_json=is_json):
            for target in backend.find_in_text(text):
                if id(target) not in named:
                    named.add(id(target))
                    yield finding(
                        change,
                        f"{attribute}: {label} names the {target.label} "
                        f"(identified by {target.source}).",
                        attribute=attribute,
                        chain=_chain(change.address, target.address),
                        # The configuration changes often (an image tag): new only
                        # when the prior one did not name the target already.
                        new=not _named_before(backend, path, target, change),
                    )
        # Known after apply: which variables are pending, and what the configuration refers to.
        pending = (
            [f"environment variable {k}" for k, v in value.items() if v is UNKNOWN]
            if isinstance(value, dict)
            else []
        )
        where = f"{attribute}: {' or '.join(pending)}" if pending else attribute
        for link in links_to_backend(plan, backend, change, path):
            if link.by_reference and id(link.target) not in named:
                yield finding(
                    change,
                    f"{where} (known after apply) refers to the {link.target.label} "
                    f"{link.how} (identified by {link.target.source}).",
                    attribute=attribute,
                    certainty=link.certainty,
                    chain=_chain(change.address, link.target.address),
                )


def _named_before(
    backend: StateBackend, path: str, target: BackendTarget, change: ResourceChange
) -> bool:
    """Whether the prior configuration already named the target."""
    return target in backend.find_in_text(str(change.before_value(path)))


def _chain(address: str, target: str | None) -> tuple[str, ...]:
    return (address, target) if target else (address,)
