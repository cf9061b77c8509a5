"""ACME-S3-001: every S3 bucket sits behind a public access block with all four settings on."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import UNKNOWN, Certainty, Finding, Plan, ResourceChange, Severity, finding, policy

SETTINGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)


@policy(
    id="ACME-S3-001",
    title="S3 buckets must block public access",
    severity=Severity.HIGH,
    tags=("s3", "exposure"),
)
def s3_public_access_block(plan: Plan) -> Iterator[Finding]:
    """## What it checks
    Every `aws_s3_bucket` in the planned state must be covered by an
    `aws_s3_bucket_public_access_block` that refers to it with `block_public_acls`,
    `block_public_policy`, `ignore_public_acls` and `restrict_public_buckets` all `true`,
    or by an `aws_s3_account_public_access_block` with all four `true`. A block that
    turns any setting off is a finding on the block. A bucket is linked to its block
    through the block's `bucket` expression, across modules, so a first plan (where the
    bucket id is unknown) is checked too; when a block's bucket cannot be resolved, the
    buckets left uncovered are `possible` findings.

    ## Why it matters
    Without a public access block, one ACL or bucket policy written by mistake (or by a
    tool) makes the objects readable by anyone on the internet. The block is the
    guard rail that makes such a grant fail instead.

    ## How to fix
    Add, next to each bucket:

        resource "aws_s3_bucket_public_access_block" "this" {
          bucket                  = aws_s3_bucket.this.id
          block_public_acls       = true
          block_public_policy     = true
          ignore_public_acls      = true
          restrict_public_buckets = true
        }

    or set the same four settings once for the account with
    `aws_s3_account_public_access_block`.

    ## References
    - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_public_access_block
    """
    for account_block in plan.existing("aws_s3_account_public_access_block"):
        if all(account_block.after_bool(s) is True for s in SETTINGS):
            return  # the whole account blocks public access: every bucket is covered
    covered: set[str] = set()
    unlinked = False
    for block in plan.existing("aws_s3_bucket_public_access_block"):
        yield from _settings_off(block)
        buckets = plan.references.resolve(block, "bucket")
        targets = buckets.of_type("aws_s3_bucket")
        covered.update(ref.address for ref in targets)
        unlinked = unlinked or (not targets and buckets.unresolved)
    for bucket in plan.existing("aws_s3_bucket"):
        if bucket.address in covered:
            continue
        name = bucket.after_value("bucket")
        label = f"bucket {name!r}" if isinstance(name, str) else "the bucket"
        yield finding(
            bucket,
            f"no aws_s3_bucket_public_access_block refers to {label}.",
            attribute="bucket",
            new=True if bucket.is_create else None,
            certainty=Certainty.POSSIBLE if unlinked else Certainty.CERTAIN,
        )


def _settings_off(block: ResourceChange) -> Iterator[Finding]:
    """A finding on a block that turns a setting off, or may (known only after apply)."""
    values = {s: block.after_bool(s) for s in SETTINGS}
    unknown = [s for s, v in values.items() if v is UNKNOWN]
    off = [s for s, v in values.items() if v is not True and v is not UNKNOWN]
    if off:
        yield finding(
            block,
            f"{off[0]} = false lets public ACLs or policies through "
            f"({len(off)} of 4 settings off).",
            attribute=off[0],
            new=not block.was(off[0], False),
        )
    elif unknown:
        yield finding(
            block,
            f"{unknown[0]} is known only after apply and may be false.",
            attribute=unknown[0],
            certainty=Certainty.POSSIBLE,
        )
