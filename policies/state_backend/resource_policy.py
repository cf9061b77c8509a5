"""PG-STATE-005: resource policies on the state backend must not open it to the app."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import (
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
from plangate.policies.state_backend._backend import state_backend
from plangate.policies.state_backend._resource_policies import (
    TARGET_ATTRIBUTE,
    policy_targets,
    resource_grant_message,
    resource_policy_grants,
)


@policy(
    id="PG-STATE-005",
    title="Resource policy must not grant the app or everyone the lock table or state bucket",
    severity=Severity.CRITICAL,
    resource_types=tuple(TARGET_ATTRIBUTE),
    tags=("state-backend", "iam"),
    enforcement=Enforcement.HARD_MANDATORY,
)
def resource_policy(
    change: ResourceChange, plan: Plan, settings: PackSettings
) -> Iterator[Finding]:
    """## What it checks
    An `aws_dynamodb_resource_policy` on the Terraform lock table, and an
    `aws_s3_bucket_policy` (or the deprecated inline `policy` of `aws_s3_bucket`) on the
    state bucket, whose Allow statements give `Principal "*"` (or `{"AWS": "*"}`) or one
    of the application's roles DynamoDB actions on the table, or object actions and
    `s3:ListBucket` on the state. Explicit Denies are honoured; a Condition keeps the
    finding and is named in it.

    ## Why it matters
    A resource policy grants access on its own, whatever the principal's identity
    policies say (and across accounts). Opening the lock table or the state bucket to
    everyone, or to the application's roles, puts Terraform's locks and the state's
    secrets on the application's data path.

    ## How to fix
    Limit the policy's principals to the roles that run Terraform (CI, deploy), and keep
    Deny statements such as `aws:SecureTransport`; never use `Principal "*"` with Allow on
    the state backend.

    ## References
    - https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/access-control-resource-based.html
    - https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html
    """
    targets, table = policy_targets(plan, state_backend(plan, settings), change)
    for found in resource_policy_grants(plan, settings, change, targets, arn=table):
        who = found.principal.chain if found.principal is not None else ()
        yield finding(
            change,
            resource_grant_message(found),
            attribute="policy",
            certainty=Certainty.CERTAIN if found.certain else Certainty.POSSIBLE,
            chain=(*who, change.address, *found.hops, found.grant.statement.label),
        )
