"""PG-STATE-010: the backend locks with DynamoDB, deprecated since Terraform 1.11."""

from __future__ import annotations

import re
from collections.abc import Iterator

from plangate import Enforcement, Finding, PackSettings, Plan, Severity, finding, policy
from plangate.policies.state_backend._backend import recorded_s3, state_backend

# Where a plan-wide finding about the backend block goes when the lock table is not a
# resource of this plan: the backend block is not addressable, so a pseudo address.
BACKEND_ADDRESS = "backend.s3"
_VERSION = re.compile(r"^\s*v?(\d+)\.(\d+)")


@policy(
    id="PG-STATE-010",
    title="S3 backend should lock with use_lockfile, not a DynamoDB table",
    severity=Severity.INFO,
    enforcement=Enforcement.ADVISORY,
)
def lockfile_migration(plan: Plan, settings: PackSettings) -> Iterator[Finding]:
    """## What it checks
    The backend `terraform init` recorded is `s3` with `dynamodb_table` set, and the
    plan was made by Terraform 1.11 or newer (its `terraform_version`; no version, no
    finding). The finding is on the lock table's resource when this plan manages it,
    else on the pseudo address `backend.s3`.

    ## Why it matters
    Since Terraform 1.11, S3-native locking (`use_lockfile = true`, a `.tflock` object
    next to the state) is generally available and `dynamodb_table` is deprecated. Without
    the lock table there is one resource less that the application could be coupled to.

    ## How to fix
    Set `use_lockfile = true` next to `dynamodb_table`, run `terraform init
    -reconfigure` everywhere (both locks are taken during the migration), then remove
    `dynamodb_table` and, once no client uses it, the table.

    ## References
    - https://developer.hashicorp.com/terraform/language/backend/s3#state-locking
    """
    version = _VERSION.match(plan.terraform_version or "")
    if version is None or (int(version.group(1)), int(version.group(2))) < (1, 11):
        return
    backend = recorded_s3(settings)
    table = backend.get("dynamodb_table") if backend is not None else None
    if backend is None or not isinstance(table, str):
        return
    target = next(
        (
            t
            for t in state_backend(plan, settings).lock_tables
            if t.name == table and t.resource is not None
        ),
        None,
    )
    also = " alongside use_lockfile" if bool(backend.get("use_lockfile")) else ""
    yield finding(
        target.resource if target else BACKEND_ADDRESS,
        f"dynamodb_table: the s3 backend (recorded in {backend.source}) locks with the "
        f'table "{table}"{also}, deprecated since Terraform 1.11; '
        f"use use_lockfile = true.",
        attribute="dynamodb_table",
    )
