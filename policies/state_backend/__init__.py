"""The state-backend pack: keep the lock table and state bucket off the application's path.

Its settings, in a config file's `[packs.state_backend]` table (or, as before packs had
tables, at the top level: `lock_tables = [...]`, `state_buckets = [...]`), and on the
command line (`--lock-table NAME`, `--state-bucket NAME`, repeatable):

- `lock_tables`: DynamoDB state-lock table names;
- `state_buckets`: S3 state bucket names.

A repository config under an operator config may only add to either. The pack also
reads, of the backend `terraform init` recorded, an `s3` backend's `bucket`,
`dynamodb_table`, `key`, `region` and `use_lockfile` (nothing else of that file), and
fills the report's `state_backend` section: each lock table and state bucket it treats
as the backend, and how it knows.

Its own helpers: `_targets` and `_backend` (which resources are the backend), `_links`
(where a resource names it), `_grants` and `_resource_policies` (what
the application's principals may do to it).
"""

from __future__ import annotations

from collections.abc import Callable

from plangate import NAMES, Merge, Pack, Section, Setting
from plangate.policies.aws.names import bucket_name_problem, table_name_problem

# One row of the report's `state_backend` section.
ROW_SCHEMA = {
    "type": "object",
    "required": ["kind", "name", "source"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": ["lock_table", "state_bucket"]},
        "name": {"type": "string"},
        "source": {
            "type": "string",
            "description": "where plangate learnt it: --lock-table, config file, the "
            "backend recorded by terraform init, or the table's shape",
        },
    },
}


def _options(add: Callable[..., None]) -> None:
    add(
        "--lock-table",
        setting="lock_tables",
        metavar="NAME",
        help="a DynamoDB state-lock table name (repeatable)",
    )
    add(
        "--state-bucket",
        setting="state_buckets",
        metavar="NAME",
        help="an S3 state bucket name (repeatable)",
    )


pack = Pack(
    name="state_backend",
    settings=(
        Setting(
            "lock_tables",
            NAMES,
            Merge.ADD,
            "DynamoDB state-lock tables",
            "lock_tables",
            check=table_name_problem,
        ),
        Setting(
            "state_buckets",
            NAMES,
            Merge.ADD,
            "S3 state buckets",
            "state_buckets",
            check=bucket_name_problem,
        ),
    ),
    options=_options,
    backend_fields={"s3": ("bucket", "dynamodb_table", "key", "region", "use_lockfile")},
    backend_checks={"bucket": bucket_name_problem, "dynamodb_table": table_name_problem},
    sections=(Section("state_backend", key=("kind", "name"), schema=ROW_SCHEMA),),
)
