"""The report's `acme_public_buckets` section: what the plan makes public, and who said
it may be."""

from __future__ import annotations

from collections.abc import Iterator

from plangate import PackSettings, Plan, inventory

from ._gcs import UNKNOWN_NAME, public_grants


@inventory("acme_public_buckets")
def public_buckets(plan: Plan, settings: PackSettings) -> Iterator[dict[str, str]]:
    """One row per public grant; `allowed_by` is where the bucket's allowance came from
    (the command-line flag or the config file), or `nobody`."""
    allowed = dict(settings.sourced("public_buckets"))
    for grant in public_grants(plan):
        yield {
            "bucket": grant.bucket or UNKNOWN_NAME,
            "member": grant.member,
            "grant": grant.grant.address,
            "allowed_by": allowed.get(grant.bucket, "nobody"),
        }
