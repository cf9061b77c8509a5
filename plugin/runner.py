"""Running policies over a plan: routed by resource type, each one isolated.

A policy that raises becomes an error naming the policy (the run exits 2), and the
others still report. Findings get their policy's metadata here, once, so policy code
only says what it found.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .config import Config
from .context import Context
from .explain import describe_change
from .plan import Plan
from .policy import Certainty, Finding, Inventory, Policy, Severity

__all__ = ["Outcome", "RunError", "decide", "merge_rows", "run_inventories", "run_policies"]

REDACTED = "(sensitive value)"
_MIN_REDACT_LENGTH = 4


@dataclass(frozen=True, slots=True)
class RunError:
    kind: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}


@dataclass(slots=True)
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)
    policies_run: int = 0
    seconds: float = 0.0


def _invoke(
    policy: Policy, plan: Plan, context: Context, options: Mapping[str, Any]
) -> list[Finding]:
    if policy.plan_wide:
        return list(policy(plan=plan, options=options, context=context))
    found: list[Finding] = []
    for change in plan.of_type(*policy.resource_types):
        if change.action in policy.actions:
            found.extend(policy(change=change, plan=plan, options=options, context=context))
    return found


def run_policies(
    plans: Iterable[Plan],
    policies: Iterable[Policy],
    context: Context | None = None,
    config: Config | None = None,
) -> Outcome:
    config = config or Config()
    context = context or Context()
    outcome = Outcome()
    started = time.perf_counter()
    active = [p for p in policies if config.enabled(p.id)]
    outcome.policies_run = len(active)
    for plan in plans:
        raw: list[Finding] = []
        for item in active:
            if not item.plan_wide and not (plan.types & set(item.resource_types)):
                continue
            options = {**item.options, **config.settings(item.id).options}
            try:
                produced = _invoke(item, plan, context, options)
            except Exception as exc:  # isolate: one broken policy must not hide the others
                # An exception's text may quote a value from the plan: redact it too.
                outcome.errors.append(
                    RunError(
                        "policy",
                        f"policy {item.id} ({item.source}) raised {type(exc).__name__} on "
                        f"{plan.path}: {_cleaner(plan)(_short(exc))}",
                    )
                )
                continue
            for found in produced:
                if not isinstance(found, Finding):
                    outcome.errors.append(
                        RunError(
                            "policy",
                            f"policy {item.id} yielded {type(found).__name__}, not a Finding",
                        )
                    )
                    break
                raw.append(_stamp(found, item, config, plan))
        outcome.findings.extend(_redact(raw, plan))
    outcome.findings = sorted(set(outcome.findings), key=Finding.sort_key)
    outcome.seconds = time.perf_counter() - started
    return outcome


def run_inventories(
    plans: Iterable[Plan], inventories: Iterable[Inventory], context: Context
) -> tuple[dict[str, list[dict[str, str]]], list[RunError]]:
    """Rows each pack reports about what it recognised (deduplicated), and their errors."""
    sections: dict[str, list[dict[str, str]]] = {}
    errors: list[RunError] = []
    for plan in plans:
        for item in inventories:
            try:
                rows = item(plan, context)
            except Exception as exc:
                errors.append(
                    RunError(
                        "policy",
                        f"inventory {item.section} ({item.source}) "
                        f"raised {type(exc).__name__} on {plan.path}: "
                        f"{_cleaner(plan)(_short(exc))}",
                    )
                )
                continue
            merge_rows(sections.setdefault(item.section, []), rows)
    return sections, errors


def merge_rows(known: list[dict[str, str]], rows: Iterable[dict[str, str]]) -> None:
    """Append the rows whose (kind, name) is not already known, keeping the first source."""
    for row in rows:
        if not any(
            r.get("kind") == row.get("kind") and r.get("name") == row.get("name") for r in known
        ):
            known.append(row)


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text[:200]


def _stamp(found: Finding, item: Policy, config: Config, plan: Plan) -> Finding:
    # `is None`, never `or`: Severity.INFO is 0, and an INFO override or finding counts.
    own = found.severity if found.severity is not None else item.severity
    severity = config.settings(item.id).applied_to(own)
    change = plan.by_address.get(found.address)
    changes = describe_change(change, found.attribute) if change is not None else ()
    return replace(
        found,
        policy_id=item.id,
        title=item.title,
        severity=severity,
        source=item.source,
        changes=changes,
        plan=plan.path,
    )


def _cleaner(plan: Plan) -> Callable[[str], str]:
    """A function that replaces every sensitive value of the plan in a text."""
    secrets: list[str] = plan.memo(
        "plangate.redact",
        lambda: sorted(
            (s for s in plan.sensitive_strings() if len(s) >= _MIN_REDACT_LENGTH),
            key=len,
            reverse=True,
        ),
    )

    def clean(text: str) -> str:
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    return clean


def _redact(findings: list[Finding], plan: Plan) -> list[Finding]:
    """Policies may quote values; no sensitive value ever leaves the process."""
    if not findings:
        return findings
    clean = _cleaner(plan)
    return [
        replace(
            f,
            message=clean(f.message),
            chain=tuple(clean(c) for c in f.chain),
            changes=tuple(clean(c) for c in f.changes),
            attribute=clean(f.attribute) if f.attribute else f.attribute,
        )
        for f in findings
    ]


def decide(
    findings: list[Finding],
    config: Config,
    fail_on: Severity,
    fail_on_possible: Severity,
    block_possible: bool,
    today: dt.date,
) -> list[Finding]:
    """Mark findings blocking or waived. Expired waivers block and say so."""
    decided = []
    for found in findings:
        severity = Severity.INFO if found.severity is None else found.severity
        if found.certainty is Certainty.POSSIBLE:
            blocking = block_possible and severity >= max(fail_on, fail_on_possible)
        else:
            blocking = severity >= fail_on
        waiver = next(
            (w for w in config.waivers if w.matches(found.policy_id, found.address)), None
        )
        if waiver is not None:
            if waiver.expired(today):
                decided.append(
                    replace(found, blocking=blocking, waived=False, waiver=waiver.to_dict(today))
                )
            else:
                decided.append(
                    replace(found, blocking=False, waived=True, waiver=waiver.to_dict(today))
                )
            continue
        decided.append(replace(found, blocking=blocking))
    return decided
