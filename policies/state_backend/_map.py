"""What the state-backend pack's assurance map says of each lock table and state bucket:
every principal whose policies let it read or write it (through which carrier and
statements), who may assume that principal, whether it runs application code; the
event wiring and resource policies on it.

The application's principals' grants are the ones PG-STATE-001/002 report
(`_grants.backend_grants`); every other role of the plan is asked the same question with
the same evaluation (`_grants.principal_grants`), so the map also shows who *may* touch
the backend: the CI role that runs Terraform, an administrator's role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plangate import UNKNOWN, Certainty, PackSettings, Plan, Resource
from plangate.helpers import configured, in_state
from plangate.policies.aws.principals import ROLE, Principal, application_principals
from plangate.policies.aws.trust import Trustee, trustees

from ._backend import state_backend
from ._grants import BackendGrant, backend_grants, principal_grants
from ._links import WIRING, links_to_backend
from ._resource_policies import TARGET_ATTRIBUTE, policy_targets, resource_policy_grants
from ._targets import BackendTarget, StateBackend

__all__ = ["Access", "Event", "Held", "ResourcePolicy", "backend_map"]

MAX_ACTIONS = 4  # actions named per grant; the rest are counted


@dataclass(frozen=True)
class Access:
    """A principal's grant on one target, and who stands behind the principal."""

    grant: BackendGrant
    trustees: tuple[Trustee, ...]
    application: bool  # one of the application's principals (PG-STATE-001/002 report it)

    @property
    def principal(self) -> Principal:
        principal = self.grant.principal
        assert principal is not None  # `backend_map` leaves out grants without one
        return principal

    @property
    def runs_application_code(self) -> bool:
        return self.application and not self.principal.execution_only

    @property
    def actions(self) -> list[str]:
        return list(dict.fromkeys(a for g, _ in self.grant.grants for a in g.actions))

    @property
    def statements(self) -> list[str]:
        return list(dict.fromkeys(g.statement.label for g, _ in self.grant.grants))


@dataclass(frozen=True)
class Event:
    """A resource that feeds the target's events to something else."""

    address: str
    does: str
    consumers: tuple[str, ...]
    certain: bool


@dataclass(frozen=True)
class ResourcePolicy:
    """A resource policy on the target, and whom it grants (the app's roles, everyone)."""

    address: str
    grants: tuple[tuple[str, str, bool], ...]  # (who, actions, certain)


@dataclass
class Held:
    """One target and everything that reaches it."""

    target: BackendTarget
    access: list[Access] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    policies: list[ResourcePolicy] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        target = self.target
        return {
            "kind": target.kind,
            "name": target.name,
            "address": target.address,
            "identified_by": target.source,
            "principals": [
                {
                    "principal": a.principal.address,
                    "actions": _actions(a.actions),
                    "via": a.grant.attachment.carrier.address,
                    "statements": a.statements,
                    "certainty": "known" if a.grant.certain else "unknown",
                    "assumed_by": [
                        {"kind": t.kind, "who": t.who, "certainty": _certainty(t.certain)}
                        for t in a.trustees
                    ],
                    "used_by": sorted({u.compute for u in a.principal.uses}),
                    "application": a.application,
                    "runs_application_code": a.runs_application_code,
                }
                for a in self.access
            ],
            "events": [
                {
                    "address": e.address,
                    "does": e.does,
                    "consumers": list(e.consumers),
                    "certainty": _certainty(e.certain),
                }
                for e in self.events
            ],
            "resource_policies": [
                {
                    "address": p.address,
                    "grants": [
                        {"to": who, "actions": actions, "certainty": _certainty(certain)}
                        for who, actions, certain in p.grants
                    ],
                }
                for p in self.policies
            ],
        }


def backend_map(plan: Plan, settings: PackSettings) -> list[Held]:
    """Each target the pack treats as the backend, with what reaches it."""
    backend = state_backend(plan, settings)
    held = {id(t): Held(t) for t in backend.all()}
    if not held:
        return []
    app = {p.address for p in application_principals(plan)}
    for grant in _all_grants(plan, settings, backend, app):
        if grant.principal is None:
            continue  # a policy whose role cannot be followed: its finding says so
        role = grant.principal.role
        who = tuple(trustees(plan, role)) if role is not None and role.type == ROLE else ()
        held[id(grant.target)].access.append(Access(grant, who, grant.principal.address in app))
    _events(plan, backend, held)
    _resource_policies(plan, settings, backend, held)
    return list(held.values())


def _all_grants(
    plan: Plan, settings: PackSettings, backend: StateBackend, app: set[str]
) -> list[BackendGrant]:
    """The application principals' grants (as the policies found them), then every other
    role's, in address order."""
    found = list(backend_grants(plan, settings))
    for role in sorted(in_state(plan, ROLE), key=lambda r: r.address):
        if role.address in app:
            continue
        name, arn = role.after_value("name"), role.after_value("arn")
        principal = Principal(
            role.address,
            role,
            name if isinstance(name, str) else None,
            arn if isinstance(arn, str) else None,
        )
        found.extend(principal_grants(plan, backend, principal))
    return found


def _events(plan: Plan, backend: StateBackend, held: dict[int, Held]) -> None:
    for type_, (path, kind, does, consumers) in WIRING.items():
        for change in plan.existing(type_):
            for link in links_to_backend(plan, backend, change, path, exact=True, kind=kind):
                fed = tuple(
                    dict.fromkeys(
                        r.address
                        for consumer in consumers
                        for r in plan.references.targets(change, consumer)
                    )
                )
                event = Event(change.address, does, fed, link.certainty is Certainty.CERTAIN)
                held[id(link.target)].events.append(event)


def _resource_policies(
    plan: Plan, settings: PackSettings, backend: StateBackend, held: dict[int, Held]
) -> None:
    for carrier in plan.existing(*TARGET_ATTRIBUTE):
        if carrier.type == "aws_s3_bucket" and not _has_policy(plan, carrier):
            continue
        targets, table = policy_targets(plan, backend, carrier)
        for target in targets:
            grants = resource_policy_grants(plan, settings, carrier, [target], arn=table)
            given = tuple(
                (
                    'everyone (Principal "*")' if g.principal is None else g.principal.address,
                    g.grant.action_text,
                    g.certain,
                )
                for g in grants
            )
            held[id(target)].policies.append(ResourcePolicy(carrier.address, given))


def _has_policy(plan: Plan, bucket: Resource) -> bool:
    """A bucket's inline `policy`: set, or configured from a value known after apply
    (a new bucket plans an unset one as unknown too)."""
    value = bucket.after_value("policy")
    if value is UNKNOWN:
        return configured(plan, bucket, "policy")
    return isinstance(value, str) and bool(value.strip())


def _actions(actions: list[str]) -> list[str]:
    if len(actions) <= MAX_ACTIONS:
        return actions
    return [*actions[:MAX_ACTIONS], f"and {len(actions) - MAX_ACTIONS} more"]


def _certainty(certain: bool) -> str:
    return "known" if certain else "unknown"
