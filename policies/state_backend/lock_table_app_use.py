"""PG-STATE-007: the lock table carries features only an application would use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from plangate import (
    UNKNOWN,
    Certainty,
    Enforcement,
    Finding,
    PackSettings,
    Plan,
    ResourceChange,
    Severity,
    finding,
    policy,
)
from plangate.helpers import configured
from plangate.policies.state_backend._backend import state_backend
from plangate.policies.state_backend._links import links_to_backend
from plangate.policies.state_backend._targets import LOCK_HASH_KEY, LOCK_TABLE


@policy(
    id="PG-STATE-007",
    title="The state lock table must hold locks only",
    severity=Severity.MEDIUM,
    resource_types=("aws_dynamodb_table", "aws_dynamodb_table_item"),
    enforcement=Enforcement.SOFT_MANDATORY,
)
def lock_table_app_use(
    change: ResourceChange, plan: Plan, settings: PackSettings
) -> Iterator[Finding]:
    """## What it checks
    On the lock table: TTL enabled, a stream enabled, attributes besides `LockID`, a
    range key, global or local secondary indexes; and any `aws_dynamodb_table_item`
    written into it. Terraform's S3 backend needs none of these: a table with `LockID`
    (S) as its only key is all it uses. A value the configuration sets but that is known
    only after apply gives a `possible` finding; one the provider computes (`ttl` on a
    new table) is not a sign.

    ## Why it matters
    Each of these is a sign that something other than Terraform reads or writes the lock
    table (a stream consumer, queries by index, expiring application records), or is
    about to. That couples the application to the state backend, which must stay
    Terraform's alone.

    ## How to fix
    Give the application its own table and remove the extra features from the lock
    table. Deleting an index or stream is an in-place update; changing the key schema
    replaces the table, so do it while no Terraform run holds a lock.

    ## References
    - https://developer.hashicorp.com/terraform/language/backend/s3#dynamodb-state-locking
    """
    backend = state_backend(plan, settings)
    if change.type == "aws_dynamodb_table_item":
        for link in links_to_backend(
            plan, backend, change, "table_name", exact=True, kind=LOCK_TABLE
        ):
            yield finding(
                change,
                f"table_name: an item is written into the "
                f"{link.target.label} (identified by {link.target.source}).",
                attribute="table_name",
                certainty=link.certainty,
                chain=tuple(a for a in (link.target.address, change.address) if a),
            )
        return
    target = backend.target_for_resource(change)
    if target is None:
        return
    for attribute, value, what in _signs(change):
        if value is UNKNOWN and not configured(plan, change, attribute):
            continue  # computed by the provider (ttl on create), not set by the configuration
        if value is UNKNOWN or value not in (None, False, [], ""):
            unknown = value is UNKNOWN
            yield finding(
                change,
                f"{attribute}: on the {target.label}, {what}"
                f"{' (known after apply)' if unknown else ''}: a sign of application use.",
                attribute=attribute,
                certainty=Certainty.POSSIBLE if unknown else Certainty.CERTAIN,
            )


def _signs(change: ResourceChange) -> list[tuple[str, Any, str]]:
    """(attribute, planned value, what it says) for each feature a lock table never needs."""
    signs: list[tuple[str, Any, str]] = [
        ("ttl", change.after_bool(("ttl", 0, "enabled")), "TTL is enabled"),
        ("stream_enabled", change.after_bool("stream_enabled"), "a stream is enabled"),
        ("range_key", change.after_value("range_key"), "it has a range key"),
        (
            "global_secondary_index",
            change.after_value("global_secondary_index"),
            "it has global secondary indexes",
        ),
        (
            "local_secondary_index",
            change.after_value("local_secondary_index"),
            "it has local secondary indexes",
        ),
    ]
    attributes = change.after_value("attribute")
    extra = (
        [
            a.get("name")
            for a in attributes
            if isinstance(a, dict) and a.get("name") != LOCK_HASH_KEY
        ]
        if isinstance(attributes, list)
        else []
    )
    signs.append(
        (
            "attribute",
            extra,
            f"it declares attributes besides {LOCK_HASH_KEY}: " + ", ".join(str(n) for n in extra),
        )
    )
    return signs
