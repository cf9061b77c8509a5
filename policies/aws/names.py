"""What AWS accepts as the name of a DynamoDB table or an S3 bucket.

A name given to plangate (a flag, a config file, the backend `terraform init` recorded)
that AWS would refuse can match nothing: read as given, a typo or a pattern (`tf-*`) would
silently guard no table. Each function says what is wrong with a name (or with the
name inside an ARN given for it), or None.
"""

from __future__ import annotations

import re

__all__ = ["bucket_name_problem", "table_name_problem"]

_TABLE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_TABLE_ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:[a-z0-9-]*:[0-9]*:table/([^/]*)")
_BUCKET_ARN = re.compile(r"arn:aws[a-z-]*:s3:::([^/]*)")


def table_name_problem(name: str) -> str | None:
    arn = _TABLE_ARN.fullmatch(name)
    if _TABLE.fullmatch(arn.group(1) if arn else name):
        return None
    return _problem("a DynamoDB table name: 3 to 255 of A-Z a-z 0-9 _ . -", name)


def bucket_name_problem(name: str) -> str | None:
    arn = _BUCKET_ARN.fullmatch(name)
    if _BUCKET.fullmatch(arn.group(1) if arn else name):
        return None
    return _problem(
        "an S3 bucket name: 3 to 63 of a-z 0-9 . -, starting and ending with a letter or digit",
        name,
    )


def _problem(rule: str, name: str) -> str:
    if "*" in name or "?" in name:
        return f"is a pattern; plangate takes exact names, not wildcards ({rule})"
    return f"is not {rule} (nor its ARN)"
