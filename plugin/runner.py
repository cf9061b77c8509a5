"""Running policies over a plan: routed by resource type, each one isolated.

A policy that raises anything (`sys.exit(0)` and `KeyboardInterrupt` included) becomes an
error naming the policy (the run exits 2), and the others still report; what a policy
prints is kept out of the report (`isolation`). Only plain findings cross back: a policy
that yields anything else is an error too. Findings get their policy's metadata here,
once, and whether they are new (`novelty`, unless the policy said), so policy code only
says what it found.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from .config import Config
from .context import Context
from .contributors import Contributor
from .errors import PlanValueError
from .explain import CompareBudget, describe_change
from .isolation import Failure, captured, guarded, summary, watching_interrupts
from .novelty import finding_is_new
from .overrides import Override
from .plan import Plan
from .policy import Certainty, Enforcement, Finding, Inventory, Policy, Severity, malformed
from .redaction import REDACTED, redactor_for
from .validation import REGENERATE

if TYPE_CHECKING:
    from .assurance import Contribution

T = TypeVar("T")

__all__ = [
    "REDACTED",
    "Outcome",
    "Printed",
    "RunError",
    "decide",
    "run_contributions",
    "run_inventories",
    "run_policies",
    "value_errors",
]


@dataclass(frozen=True, slots=True)
class RunError:
    """An error of the run: its kind (input, policy, output, ...) and one line saying what."""

    kind: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}


@dataclass(frozen=True, slots=True)
class Printed:
    """What policy or pack code wrote to stdout/stderr (kept out of the real streams):
    who wrote it, how many characters, and the first few thousand of them."""

    who: str
    size: int
    text: str

    def warning(self) -> str:
        """One line for stderr. The text itself is not repeated: it may quote a sensitive
        value from the plan, or imitate plangate's own output."""
        return (
            f"{self.who} wrote {self.size} characters to stdout/stderr; plangate dropped them "
            "(policies report through findings)"
        )


@dataclass(slots=True)
class Outcome:
    """What running the policies over the plans gave: findings, errors, what pack code
    printed, and how long it took."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)
    policies_run: int = 0
    seconds: float = 0.0
    printed: list[Printed] = field(default_factory=list)


def _invoke(
    policy: Policy, plan: Plan, context: Context, options: Mapping[str, Any]
) -> list[Finding]:
    settings = context.pack(policy.pack)
    if policy.plan_wide:
        return list(policy(plan=plan, options=options, context=context, settings=settings))
    found: list[Finding] = []
    for change in plan.of_type(*policy.resource_types):
        if change.action in policy.actions:
            found.extend(
                policy(
                    change=change, plan=plan, options=options, context=context, settings=settings
                )
            )
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
    with watching_interrupts():
        for plan in plans:
            raw: list[Finding] = []
            for item in active:
                if not item.plan_wide and not (plan.types & set(item.resource_types)):
                    continue
                options = {**item.options, **config.settings(item.id).options}
                raw.extend(_run_one(item, plan, context, config, options, outcome))
            outcome.findings.extend(_redact(raw, plan))
            outcome.errors.extend(value_errors(plan))
    outcome.findings = sorted(set(outcome.findings), key=Finding.sort_key)
    outcome.seconds = time.perf_counter() - started
    return outcome


def _isolated(
    who: str,
    call: Callable[[], T],
    plan: Plan,
    errors: list[RunError],
    printed: list[Printed],
) -> T | None:
    """Pack code (a policy, an inventory, an assurance contribution) run behind the
    isolation boundary: what it returned, or None when it raised. A plan value of the
    wrong type is the plan's error, recorded by the plan and reported once; anything
    else is an error naming the code (its text cleaned, since it may quote the plan).
    What the code printed never reaches the report, only its size as a warning."""
    result: T | None = None
    with captured() as sink:
        try:
            result = guarded(call, (PlanValueError,))
        except PlanValueError:
            pass
        except Failure as failure:
            text = _failure_text(failure, plan)
            errors.append(RunError("policy", f"{who} raised {text} on {plan.path}"))
    if sink.size:
        printed.append(Printed(who, sink.size, sink.text))
    return result


def _run_one(
    item: Policy,
    plan: Plan,
    context: Context,
    config: Config,
    options: Mapping[str, Any],
    outcome: Outcome,
) -> list[Finding]:
    """One policy on one plan, behind the isolation boundary: its findings, stamped, or
    none and an error naming it."""
    who = f"policy {item.id} ({item.source})"
    call = partial(_invoke, item, plan, context, options)
    produced = _isolated(who, call, plan, outcome.errors, outcome.printed)
    stamped = []
    for found in produced or ():
        problem = malformed(found)
        if problem:
            outcome.errors.append(RunError("policy", f"{who} yielded {problem} on {plan.path}"))
            return []
        stamped.append(_stamp(found, item, config, plan))
    return stamped


def run_inventories(
    plans: Iterable[Plan], inventories: Iterable[Inventory], context: Context
) -> tuple[list[tuple[Inventory, list[dict[str, str]]]], list[RunError], list[Printed]]:
    """The rows each inventory yields for each plan, their errors, and what the inventory
    code printed. Inventories are pack code: isolated like policies."""
    rows: list[tuple[Inventory, list[dict[str, str]]]] = []
    errors: list[RunError] = []
    printed: list[Printed] = []
    with watching_interrupts():
        for plan in plans:
            for item in inventories:
                found = _run_inventory(item, plan, context, errors, printed)
                if found is not None:
                    rows.append((item, found))
    return rows, errors, printed


def _run_inventory(
    item: Inventory,
    plan: Plan,
    context: Context,
    errors: list[RunError],
    printed: list[Printed],
) -> list[dict[str, str]] | None:
    who = f"inventory {item.section} ({item.source})"
    call = partial(item, plan=plan, context=context, settings=context.pack(item.pack))
    rows = _isolated(who, call, plan, errors, printed)
    if rows is not None and not all(_plain_row(row) for row in rows):
        errors.append(
            RunError(
                "policy",
                f"{who} yielded a row that is not a mapping of text to text on {plan.path}",
            )
        )
        return None
    return rows


def run_contributions(
    plan: Plan, contributors: Iterable[Contributor], context: Context
) -> tuple[list[Contribution], list[RunError], list[Printed]]:
    """Each pack's contribution to one plan's assurance map, stamped with its pack;
    errors and what the code printed. Contributions are pack code: isolated like
    policies, and anything but a `Contribution` back is an error naming it."""
    from .assurance import Contribution

    found: list[Contribution] = []
    errors: list[RunError] = []
    printed: list[Printed] = []
    with watching_interrupts():
        for item in contributors:
            who = f"assurance of pack {item.pack or '?'} ({item.source})"
            call = partial(item, plan=plan, context=context, settings=context.pack(item.pack))
            made = _isolated(who, call, plan, errors, printed)
            if made is None:
                continue
            if type(made) is not Contribution:
                errors.append(
                    RunError("policy", f"{who} returned something else than a Contribution")
                )
                continue
            found.append(replace(made, pack=item.pack))
    return found, errors, printed


def value_errors(plan: Plan) -> list[RunError]:
    """The plan's values of a JSON type Terraform never writes, found by the typed
    readers while policies ran: input errors, not failures of the policies."""
    if not plan.value_errors:
        return []
    clean = redactor_for(plan).clean  # a problem may quote the value it found
    return [
        RunError("input", f"{plan.path}: {clean(problem)}; {REGENERATE}")
        for problem in plan.value_errors
    ]


def _plain_row(row: Any) -> bool:
    return type(row) is dict and all(type(k) is str and type(v) is str for k, v in row.items())


def _stamp(found: Finding, item: Policy, config: Config, plan: Plan) -> Finding:
    # `is None`, never `or`: Severity.INFO is 0, and an INFO override or finding counts.
    own = found.severity if found.severity is not None else item.severity
    severity = config.settings(item.id).applied_to(own)
    change = plan.by_address.get(found.address)
    changes = (
        describe_change(change, found.attribute, plan.memo(CompareBudget, CompareBudget))
        if change is not None
        else ()
    )
    new = (
        found.new if found.new is not None else finding_is_new(plan, found.address, found.attribute)
    )
    # Everything but what the policy found is the engine's to say: a policy cannot
    # pre-waive its own finding, mark it non-blocking, lower its level or point it at a
    # file.
    return replace(
        found,
        new=new,
        enforcement=config.enforcement(item.id, item.enforcement),
        override=None,
        let_through=None,
        policy_id=item.id,
        title=item.title,
        severity=severity,
        source=item.source,
        changes=changes,
        plan=plan.path,
        blocking=False,
        waived=False,
        waiver=None,
        location=None,
    )


def _failure_text(failure: Failure, plan: Plan) -> str:
    """`Type: first line of the message`, at most 200 characters of it. An exception may
    quote a value from the plan: the whole message is cleaned before it is cut, so a
    secret split by the cut or by a line break is still recognised whole."""
    if not failure.name:
        return redactor_for(plan).clean(failure.text)
    return summary(failure.name, redactor_for(plan).clean(failure.message))


def _redact(findings: list[Finding], plan: Plan) -> list[Finding]:
    """Policies may quote values; no sensitive value ever leaves the process."""
    if not findings:
        return findings
    redactor = redactor_for(plan)
    return [redactor.finding(f) for f in findings]


def decide(
    findings: list[Finding],
    config: Config,
    *,
    today: dt.date,
    overrides: Iterable[Override] = (),
) -> list[Finding]:
    """Mark findings blocking, waived or let through.

    A finding fails when the thresholds say so (`blocking_at`, `possible_blocking_at`,
    `block_possible`). Its policy's enforcement level then says what may let a failing
    one through (`let_through`): an advisory one never blocks; a soft-mandatory one
    passes under a waiver, then under `config.only_new` when it is already deployed
    (`new` is False; not known counts as new), then under an operator's override; a
    hard-mandatory one always blocks, and its waiver is shown but does not count.
    Expired waivers never count, and say so."""
    by_policy = {o.policy: o for o in overrides}
    only_new = config.only_new is True
    decided = []
    for found in findings:
        fails = _fails(found, config)
        waiver = next(
            (w for w in config.waivers if w.matches(found.policy_id, found.address)), None
        )
        record = waiver.to_dict(today) if waiver is not None else None
        waiver_counts = waiver is not None and not waiver.expired(today)
        level = found.enforcement
        if level is Enforcement.HARD_MANDATORY:
            decided.append(replace(found, blocking=fails, waiver=record))
            continue
        override = by_policy.get(found.policy_id)
        let_through: str | None = None
        if fails and level is Enforcement.ADVISORY:
            let_through = "advisory"
        elif fails and waiver_counts:
            let_through = "waiver"
        elif fails and only_new and found.new is False:
            let_through = "only-new"
        elif fails and override is not None:
            let_through = "override"
        decided.append(
            replace(
                found,
                blocking=fails and let_through is None,
                waived=waiver_counts,
                waiver=record,
                override=override.to_dict() if override and let_through == "override" else None,
                let_through=let_through,
            )
        )
    return decided


def _fails(found: Finding, config: Config) -> bool:
    """Whether the thresholds count the finding as a violation that blocks."""
    severity = Severity.INFO if found.severity is None else found.severity
    if found.certainty is Certainty.POSSIBLE:
        return config.block_possible and severity >= max(
            config.blocking_at, config.possible_blocking_at
        )
    return severity >= config.blocking_at
