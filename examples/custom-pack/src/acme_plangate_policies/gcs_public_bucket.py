"""ACME-GCS-001: a Cloud Storage bucket is public only where the operator allows it."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import (
    Certainty,
    Finding,
    PackSettings,
    Plan,
    ResourceChange,
    Severity,
    finding,
    policy,
)

from ._gcs import GRANTS, public_grants


@policy(
    id="ACME-GCS-001",
    title="Cloud Storage buckets are public only where the operator allows it",
    severity=Severity.HIGH,
    resource_types=tuple(GRANTS),
    tags=("gcp", "exposure"),
)
def gcs_public_bucket(
    change: ResourceChange, plan: Plan, settings: PackSettings
) -> Iterator[Finding]:
    """## What it checks
    A `google_storage_bucket_iam_member` or `google_storage_bucket_iam_binding` that
    grants a role to `allUsers` or `allAuthenticatedUsers` on a bucket that is not in the
    pack's `public_buckets` setting (`[packs.acme] public_buckets` in the operator's
    config, or `--acme-public-bucket NAME`). The bucket is the grant's `bucket` value,
    or on a first plan the `name` of the bucket its expression refers to. A member known
    only after apply, or a bucket whose name is, makes a `possible` finding.

    ## Why it matters
    Either member makes every object in the bucket readable from the internet (any
    Google account is anyone). A website's bucket is public on purpose; a data bucket
    made public by one line in a pull request is a breach.

    ## How to fix
    Grant the role to a group or a service account instead. If the bucket is meant to be
    public, the operator lists it: `--acme-public-bucket NAME` in the CI job, or in the
    operator's config:

        [packs.acme]
        public_buckets = ["acme-website"]

    When there is an operator config, a repository's own config cannot add a bucket
    (the pull request would be allowing itself); plangate ignores it and warns.

    ## References
    - https://cloud.google.com/storage/docs/access-control/making-data-public
    - https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/storage_bucket_iam
    """
    allowed = set(settings["public_buckets"])
    for grant in public_grants(plan):
        if grant.grant.address != change.address or grant.bucket in allowed:
            continue
        bucket = repr(grant.bucket) if grant.bucket else "a bucket named only after apply"
        known = grant.certain and (grant.bucket is not None or not allowed)
        yield finding(
            change,
            f"grants {grant.role} to {grant.member} on {bucket}, which the operator has "
            "not allowed to be public (--acme-public-bucket, [packs.acme] public_buckets).",
            attribute=GRANTS[change.type],
            certainty=Certainty.CERTAIN if known else Certainty.POSSIBLE,
        )
