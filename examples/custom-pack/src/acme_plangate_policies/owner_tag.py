"""ACME-TAG-001: resources that cost money or hold data must name their owner in a tag."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from plangate import UNKNOWN, Certainty, Finding, ResourceChange, Severity, finding, policy

TAGGABLE_TYPES = (
    "aws_db_instance",
    "aws_dynamodb_table",
    "aws_ecs_service",
    "aws_instance",
    "aws_lambda_function",
    "aws_s3_bucket",
)


@policy(
    id="ACME-TAG-001",
    title="Resources must carry an owner tag",
    severity=Severity.MEDIUM,
    resource_types=TAGGABLE_TYPES,
    tags=("tagging", "cost"),
    options={"tag": "owner"},
)
def owner_tag(change: ResourceChange, options: Mapping[str, Any]) -> Iterator[Finding]:
    """## What it checks
    Databases, DynamoDB tables, ECS services, EC2 instances, Lambda functions and S3
    buckets in the planned state must carry a non-empty `owner` tag, set on the resource
    or through the provider's `default_tags` (plangate reads `tags_all`, which holds
    both). The tag key is matched without regard to case; the option `tag` changes it.
    When the tags are known only after apply, the finding is `possible`.

    ## Why it matters
    ACME's cost reports and on-call routing read the owner tag. An untagged database or
    bucket has nobody to page when it fills up, and nobody to ask before it is deleted.

    ## How to fix
    Add `owner = "<team>"` to the resource's `tags`, or once for the whole configuration
    in the provider block:

        provider "aws" {
          default_tags { tags = { owner = "payments" } }
        }

    ## References
    - https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
    - https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/resource-tagging
    """
    key = str(options["tag"])
    tags_all = change.after_value("tags_all")
    tags = change.after_value("tags")
    if _has_tag(tags_all, key) or _has_tag(tags, key):
        return
    new = (
        change.before is None
        or _has_tag(change.before_value("tags_all"), key)
        or _has_tag(change.before_value("tags"), key)
    )
    if _unknown(tags_all) or _unknown(tags):
        yield finding(
            change,
            f"tags_all is known only after apply and may lack an `{key}` tag.",
            attribute="tags_all",
            certainty=Certainty.POSSIBLE,
            new=new,
        )
        return
    yield finding(
        change,
        f"tags has no `{key}` tag, and the provider's default_tags add none.",
        attribute="tags",
        new=new,
    )


def _has_tag(tags: Any, key: str) -> bool:
    if not isinstance(tags, dict):
        return False
    wanted = key.lower()
    return any(
        name.lower() == wanted and isinstance(value, str) and value.strip()
        for name, value in tags.items()
    )


def _unknown(tags: Any) -> bool:
    """The whole map, or any value in it, is known only after apply."""
    return tags is UNKNOWN or (isinstance(tags, dict) and any(v is UNKNOWN for v in tags.values()))
