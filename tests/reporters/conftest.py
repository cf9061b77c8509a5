"""Shared scaffolding for the reporter tests: two database policies, a report made by the
same `Gate.check` that `plangate check` calls, plan builders, and the installed console script.

Test modules cannot import this file (pytest runs with `--import-mode=importlib`), so every
piece is a fixture. A module whose policies differ overrides `public_db_policy` or
`protection_policy`; `report_for` then runs the module's own.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from plangate import Gate, Policy, Severity, finding, policy
from plangate.config import Config, Waiver
from plangate.discovery import Packs
from plangate.runner import RunError
from plangate.testing import PlanBuilder

SECRET = "hunter2-correct-horse"
TODAY = dt.date(2030, 1, 1)
PLANGATE = str(Path(sys.executable).parent / "plangate")

ReportFor = Callable[..., dict[str, Any]]


@policy(
    id="T-RDS-001",
    title="Public database",
    severity=Severity.CRITICAL,
    resource_types=("aws_db_instance",),
)
def public_db(change):
    """## What it checks
    publicly_accessible.
    ## Why it matters
    Tests.
    ## How to fix
    Turn it off.
    """
    if change.after_value("publicly_accessible") is True:
        password = change.after_value("password")
        yield finding(
            change,
            f"publicly_accessible = true (password {password})",
            attribute="publicly_accessible",
            chain=("aws_security_group.db", change.address),
        )


@policy(
    id="T-RDS-002",
    title="No deletion protection",
    severity=Severity.LOW,
    resource_types=("aws_db_instance",),
)
def no_protection(change):
    """## What it checks
    deletion_protection.
    ## Why it matters
    Tests.
    ## How to fix
    Turn it on.
    """
    if change.after_value("deletion_protection") is not True:
        yield finding(change, "deletion_protection is off", attribute="deletion_protection")


@pytest.fixture
def secret() -> str:
    """A password the plan marks sensitive: no output may ever contain it."""
    return SECRET


@pytest.fixture
def public_db_policy() -> Policy:
    """T-RDS-001, blocking: a public database, its message naming the (redacted) password."""
    return public_db


@pytest.fixture
def protection_policy() -> Policy:
    """T-RDS-002, not blocking: a database without deletion protection."""
    return no_protection


@pytest.fixture
def report_for(public_db_policy: Policy, protection_policy: Policy) -> ReportFor:
    """`report_for(builder, waivers=(), errors=())`: check the plan with the two policies
    the way `plangate check` does (blocking at HIGH, as of 2030-01-01), add `errors` as if
    the run had met them, and return the report as a dict."""
    packs = Packs([public_db_policy, protection_policy])

    def report_for(
        builder: PlanBuilder, waivers: Iterable[Waiver] = (), errors: Iterable[RunError] = ()
    ) -> dict[str, Any]:
        gate = Gate(packs, Config(waivers=tuple(waivers)), today=TODAY)
        report = gate.check([builder.build()])
        report.errors.extend(errors)
        return report.to_dict()

    return report_for


@pytest.fixture
def db_plan() -> Callable[..., PlanBuilder]:
    """`db_plan(address="module.db.aws_db_instance.main", **values)`: a fresh builder with one
    database, public and deletion-protected unless `values` say otherwise; a `password` among
    them is marked sensitive."""

    def db_plan(address: str = "module.db.aws_db_instance.main", **values: Any) -> PlanBuilder:
        after = {"publicly_accessible": True, "deletion_protection": True, **values}
        sensitive = ["password"] if "password" in values else []
        return PlanBuilder().add(address, after, sensitive=sensitive)

    return db_plan


@pytest.fixture
def run_plangate() -> Callable[..., subprocess.CompletedProcess[str]]:
    """`run_plangate(*args, cwd=..., **env)`: the installed console script in `cwd`, with a
    bare environment (PATH, NO_COLOR and `env`); never raises on a nonzero exit."""

    def run_plangate(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PLANGATE, *args],
            capture_output=True,
            text=True,
            cwd=cwd,
            check=False,
            env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", **env},
        )

    return run_plangate
