"""What a run says about the waivers and overrides it was given: which matched nothing,
which a hard-mandatory policy refused, and what each override let through.

Kept apart from `plangate.gate` so the check API holds the flow and this holds the
wording; every format shows these warnings, and the report lists the overrides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .config import Config
from .overrides import Override
from .policy import Enforcement, Finding
from .report import RunWarning

__all__ = ["idle_overrides", "override_records", "refused_waivers", "unmatched_waivers"]


def unmatched_waivers(config: Config, findings: Iterable[Finding]) -> list[RunWarning]:
    """A warning per waiver that matched no finding: a stale or mistyped address."""
    used = {(f.waiver["policy"], f.waiver["address"]) for f in findings if f.waiver is not None}
    return [
        RunWarning(
            "waiver",
            f"waiver {waiver.policy} {waiver.address} matched no finding; remove it "
            "or fix its address",
        )
        for waiver in config.waivers
        if (waiver.policy, waiver.address) not in used
    ]


def refused_waivers(findings: Iterable[Finding]) -> list[RunWarning]:
    """A warning per waiver and policy where the waiver matched a hard-mandatory finding,
    which no waiver lets through: the report shows the waiver, and this says why it did
    not count."""
    seen: dict[tuple[str, str, str], None] = {}
    for f in findings:
        waiver = f.waiver
        if f.enforcement is Enforcement.HARD_MANDATORY and waiver is not None:
            seen.setdefault((waiver["policy"], waiver["address"], f.policy_id), None)
    return [
        RunWarning(
            "waiver",
            f"waiver {policy} {address} does not count for {policy_id}: it is hard-mandatory, "
            "which no waiver lets through",
        )
        for policy, address, policy_id in seen
    ]


def override_records(
    overrides: Iterable[Override], findings: Iterable[Finding]
) -> list[dict[str, Any]]:
    """Each override as the report lists it, with how many findings it let through."""
    used: dict[str, int] = {}
    for f in findings:
        if f.let_through == "override":
            used[f.policy_id] = used.get(f.policy_id, 0) + 1
    return [{**o.to_dict(), "let_through": used.get(o.policy, 0)} for o in overrides]


def idle_overrides(records: Iterable[Mapping[str, Any]]) -> list[RunWarning]:
    """A warning per override that let nothing through: its policy found nothing that
    blocks here (or a waiver or --only-new already let it through)."""
    return [
        RunWarning(
            "override",
            f"override {record['policy']} let no finding through: nothing of it blocks in "
            "this run; drop the --override",
        )
        for record in records
        if not record["let_through"]
    ]
