"""PG-STATE-008: the lock table and state bucket can be recovered after a mistake."""

from __future__ import annotations

from collections.abc import Iterator

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


@policy(
    id="PG-STATE-008",
    title="State lock table and state bucket should be protected against loss",
    severity=Severity.LOW,
    resource_types=("aws_dynamodb_table", "aws_s3_bucket"),
    enforcement=Enforcement.ADVISORY,
)
def lock_table_protection(
    change: ResourceChange, plan: Plan, settings: PackSettings
) -> Iterator[Finding]:
    """## What it checks
    The lock table without `deletion_protection_enabled = true` or without
    `point_in_time_recovery { enabled = true }`; the state bucket, when it is in the
    plan, with no `aws_s3_bucket_versioning` (status `Enabled`) and no legacy inline
    `versioning { enabled = true }`. A value the configuration sets but that is known only
    after apply gives a `possible` finding; an unset one is the provider default, off.

    ## Why it matters
    The backend is what every Terraform run depends on. Deletion protection stops a
    stray `destroy` or console click; point-in-time recovery and bucket versioning bring
    back a table or a state file that was overwritten or removed.

    ## How to fix
    Set `deletion_protection_enabled = true` and `point_in_time_recovery { enabled =
    true }` on the table; add an `aws_s3_bucket_versioning` with status `Enabled` for
    the bucket.

    ## References
    - https://developer.hashicorp.com/terraform/language/backend/s3
    - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html
    """
    target = state_backend(plan, settings).target_for_resource(change)
    if target is None:
        return
    if target.is_lock_table:
        recovery = change.after_bool(("point_in_time_recovery", 0, "enabled"))
        checks = [
            (
                "deletion_protection_enabled",
                change.after_bool("deletion_protection_enabled"),
                "deletion protection",
            ),
            ("point_in_time_recovery", recovery, "point-in-time recovery"),
        ]
    else:
        checks = [("versioning", _bucket_versioning(change, plan), "versioning")]
    for attribute, value, what in checks:
        if value is True:
            continue
        # Unknown but not in the configuration: the provider's default, which is "off".
        unknown = value is UNKNOWN and (
            attribute == "versioning" or configured(plan, change, attribute)
        )
        yield finding(
            change,
            f"{attribute}: {what} is "
            f"{'known only after apply' if unknown else 'not enabled'} on the "
            f"{target.label}.",
            attribute=attribute,
            certainty=Certainty.POSSIBLE if unknown else Certainty.CERTAIN,
        )


def _bucket_versioning(bucket: ResourceChange, plan: Plan) -> object:
    """True when enabled, UNKNOWN when it cannot be told at plan time, else False."""
    if bucket.after_bool(("versioning", 0, "enabled")) is True:
        return True
    name = bucket.after_value("bucket")
    result: object = False
    for versioning in plan.existing("aws_s3_bucket_versioning"):
        refs = plan.references.resolve(versioning, "bucket")
        if not (
            (isinstance(name, str) and versioning.after_value("bucket") == name)
            or any(r.target is bucket for r in refs)
        ):
            if refs.unresolved and not refs.refs:
                result = UNKNOWN  # a versioning resource for a bucket we cannot name
            continue
        status = versioning.after_text(("versioning_configuration", 0, "status"))
        if status == "Enabled":
            return True
        if status is UNKNOWN:
            result = UNKNOWN
    return result
