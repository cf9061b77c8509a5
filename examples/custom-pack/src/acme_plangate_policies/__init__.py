"""ACME's plangate policy pack: one policy per module, ids prefixed ACME-.

plangate finds the policies by importing this package's modules (entry point
`plangate.policies` → `acme`). This file holds only the pack's declaration: its settings
(a `[packs.acme]` table in a config file), the command-line option that sets one, and
the report section its inventory fills. Every policy and inventory of the package is
handed these settings when it asks for `settings`.

- `public_buckets` (`--acme-public-bucket NAME`, repeatable): Google Cloud Storage
  buckets that may be readable by anyone (a website's). Only the operator grants that:
  a repository config under an operator config cannot add a bucket (`Merge.OPERATOR`),
  so a pull request cannot make its own bucket public by listing it.
- The report section `acme_public_buckets`: every bucket the plan makes public, through
  which grant, and who allowed it (or that no one did).
"""

from __future__ import annotations

from collections.abc import Callable

from plangate import NAMES, Merge, Pack, Section, Setting

# One row of the report's `acme_public_buckets` section (a JSON Schema: the report's
# schema takes it in, so a consumer validating reports knows the section).
ROW_SCHEMA = {
    "type": "object",
    "required": ["bucket", "member", "grant", "allowed_by"],
    "additionalProperties": False,
    "properties": {
        "bucket": {"type": "string"},
        "member": {"type": "string"},
        "grant": {"type": "string", "description": "the address of the IAM resource"},
        "allowed_by": {
            "type": "string",
            "description": "--acme-public-bucket, config file, or 'nobody'",
        },
    },
}


def _options(add: Callable[..., None]) -> None:
    add(
        "--acme-public-bucket",
        setting="public_buckets",
        metavar="NAME",
        help="a Cloud Storage bucket that may be public (repeatable)",
    )


pack = Pack(
    name="acme",
    settings=(
        Setting(
            "public_buckets",
            NAMES,
            Merge.OPERATOR,
            help="Cloud Storage buckets that may be readable by anyone",
        ),
    ),
    options=_options,
    sections=(
        Section("acme_public_buckets", key=("bucket", "member", "grant"), schema=ROW_SCHEMA),
    ),
)
