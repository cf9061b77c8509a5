"""PG-RDS-005: a DB snapshot anyone can restore."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import (
    UNKNOWN,
    Certainty,
    Enforcement,
    Finding,
    ResourceChange,
    Severity,
    finding,
    policy,
)

SNAPSHOT_TYPES = (
    "aws_db_snapshot",
    "aws_db_cluster_snapshot",
    "aws_db_snapshot_copy",
    "aws_rds_cluster_snapshot_copy",
)


@policy(
    id="PG-RDS-005",
    title="RDS snapshot must not be shared publicly",
    severity=Severity.CRITICAL,
    resource_types=SNAPSHOT_TYPES,
    enforcement=Enforcement.HARD_MANDATORY,
)
def rds_public_snapshot(change: ResourceChange) -> Iterator[Finding]:
    """## What it checks
    Manual DB snapshots (`aws_db_snapshot`, `aws_db_cluster_snapshot`,
    `aws_db_snapshot_copy`, `aws_rds_cluster_snapshot_copy`) whose `shared_accounts`
    holds `all`. A list known only after apply gives a `possible` finding.

    ## Why it matters
    `all` makes the snapshot public: any AWS account can copy it or restore it into a
    database of its own, with every row, password hash and secret it holds. No network
    control applies to a snapshot.

    ## How to fix
    Remove `all` from `shared_accounts`; share with the account ids that need the
    snapshot, and encrypt it with a customer managed KMS key shared with them only
    (encrypted snapshots cannot be made public).

    ## References
    - https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/db_snapshot#shared_accounts-1
    """
    accounts = change.after_texts("shared_accounts")
    if any(_is_all(a) for a in accounts):
        yield finding(
            change,
            'shared_accounts contains "all": any AWS account can copy or restore the snapshot.',
            attribute="shared_accounts",
            # The list may change while "all" stays in it: new only when it was not.
            new=not _shared_with_all_before(change),
        )
    elif any(a is UNKNOWN for a in accounts):
        yield finding(
            change,
            'shared_accounts is known only after apply and may contain "all".',
            attribute="shared_accounts",
            certainty=Certainty.POSSIBLE,
        )


def _shared_with_all_before(change: ResourceChange) -> bool:
    return any(_is_all(a) for a in change.before_texts("shared_accounts"))


def _is_all(account: object) -> bool:
    return isinstance(account, str) and account.strip().lower() == "all"
