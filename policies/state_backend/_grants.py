"""What the application's principals' policies grant on the state backend.

For each application principal (`aws.principals`) and each lock table or state bucket,
the principal's documents (`aws.role_policies`) are asked for table actions on the table, and
for object actions on the state objects and listing and settings on the bucket; a
permissions boundary plangate can read narrows the answer, one it cannot read makes it
possible. A policy whose role plangate cannot follow may be any of them: it is asked
once, on its own, and reported once (asked with every principal, it was reported once
per principal, and a plan with many of both made a square number of findings).
Computed once per plan and backend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TypeVar

from plangate import Certainty, Finding, PackSettings, Plan, finding
from plangate.helpers import is_new
from plangate.policies.aws.iam_documents import PolicyDocument
from plangate.policies.aws.iam_evaluation import Grant, Request, evaluate
from plangate.policies.aws.iam_matching import HOLE
from plangate.policies.aws.policy_documents import arn_documents
from plangate.policies.aws.principals import ROLE, Principal, application_principals
from plangate.policies.aws.role_policies import Attachment, attachments_of, unfollowed_attachments

from ._actions import BUCKET_ACTIONS, OBJECT_ACTIONS, TABLE_ACTIONS
from ._backend import state_backend
from ._targets import BackendTarget, StateBackend

__all__ = [
    "BackendGrant",
    "backend_grants",
    "backend_requests",
    "grant_finding",
    "grant_message",
    "principal_grants",
]

T = TypeVar("T")


def backend_requests(
    plan: Plan, backend: StateBackend, target: BackendTarget, arn: str | None = None
) -> list[Request]:
    """What to ask of a principal's policies about one backend target: table actions on
    the table; object actions on the state objects and listing on the bucket. `arn`: the
    target's ARN when the caller knows it better (the resource a policy is attached to).
    The same whatever the policies say, so it is built once per target."""
    if arn is None:
        built = _per_backend(plan, "requests", backend, dict)
        if id(target) not in built:
            built[id(target)] = _requests(plan, backend, target, None)
        return built[id(target)]
    return _requests(plan, backend, target, arn)


def _requests(
    plan: Plan, backend: StateBackend, target: BackendTarget, arn: str | None
) -> list[Request]:
    addresses = _target_addresses(plan, backend, target)
    target = replace(target, arn=arn, arn_built=False) if arn else target
    if target.is_lock_table:
        arn = target.arn or f"arn:aws:dynamodb:{HOLE}:{HOLE}:table/{target.name or HOLE}"
        return [Request(a, arn, addresses, ("aws_dynamodb_table",)) for a in TABLE_ACTIONS]
    bucket = target.arn or f"arn:aws:s3:::{target.name or HOLE}"
    keys = list(backend.state_keys) or [HOLE]
    if backend.use_lockfile:
        keys += [f"{k}.tflock" for k in keys if k != HOLE]
    # Other workspaces keep their state under the default `workspace_key_prefix`.
    keys += [f"env:/{HOLE}/{k}" for k in keys if k != HOLE]
    types = ("aws_s3_bucket",)
    return [
        *(Request(a, bucket, addresses, types) for a in BUCKET_ACTIONS),
        *(Request(a, f"{bucket}/{k}", addresses, types) for k in keys for a in OBJECT_ACTIONS),
    ]


def _target_addresses(plan: Plan, backend: StateBackend, target: BackendTarget) -> frozenset[str]:
    """The plan resources that are the target: its table or bucket, and data sources
    reading it (computed once per plan and backend)."""
    return _per_backend(
        plan, "target_addresses", backend, lambda: _addresses_by_target(plan, backend)
    ).get(id(target), frozenset())


def _addresses_by_target(plan: Plan, backend: StateBackend) -> dict[int, frozenset[str]]:
    by_target: dict[int, set[str]] = defaultdict(set)
    for one in backend.all():
        if one.resource is not None:
            by_target[id(one)].add(one.resource.address)
    for type_ in ("aws_dynamodb_table", "aws_s3_bucket"):
        for data in plan.data_sources(type_):
            found = backend.target_for_resource(data)
            if found is not None:
                by_target[id(found)].add(data.address)
    return {k: frozenset(v) for k, v in by_target.items()}


def _per_backend(plan: Plan, name: str, backend: StateBackend, build: Callable[[], T]) -> T:
    """`plan.memo` per state backend; the memo holds the backend, so its id stays its own."""
    return plan.memo((__name__, name, id(backend)), lambda: (backend, build()))[1]


@dataclass(frozen=True)
class BackendGrant:
    """A principal can act on a backend target through one carrier's statements.
    `principal` is None when the carrier's role cannot be followed."""

    principal: Principal | None
    attachment: Attachment
    target: BackendTarget
    grants: tuple[tuple[Grant, tuple[str, ...]], ...]  # (grant, hops to its document)
    certain: bool
    boundary: str | None = None  # a permissions boundary that may limit it, unread

    @property
    def execution_only(self) -> bool:
        return self.principal is not None and self.principal.execution_only

    @property
    def chain(self) -> tuple[str, ...]:
        grant, hops = self.grants[0]
        carrier = self.attachment.carrier.address
        if self.principal is None:
            return (carrier, *hops, grant.statement.label)
        middle = () if carrier == self.principal.address else (carrier,)
        return (*self.principal.chain, *middle, *hops, grant.statement.label)

    @property
    def conditioned(self) -> bool:
        return any(g.conditioned for g, _ in self.grants)


def backend_grants(plan: Plan, settings: PackSettings | None) -> list[BackendGrant]:
    """Every application principal's grant on a lock table or state bucket."""
    backend = state_backend(plan, settings)
    if not backend:
        return []
    return _per_backend(
        plan,
        "backend_grants",
        backend,
        lambda: [
            *(
                grant
                for principal in application_principals(plan)
                for grant in principal_grants(plan, backend, principal)
            ),
            *_unfollowed_grants(plan, backend),
        ],
    )


def _unfollowed_grants(plan: Plan, backend: StateBackend) -> Iterator[BackendGrant]:
    """Grants of the policies whose role cannot be followed, when the application has a
    role they may be attached to: each asked on its own, never certain."""
    if all(p.execution_only for p in application_principals(plan)):
        return
    for attachment in unfollowed_attachments(plan):
        documents = [document for document, _ in attachment.documents]
        for target in backend.all() if documents else ():
            grants = evaluate(documents, backend_requests(plan, backend, target))
            if grants:
                found = tuple((g, attachment.documents[g.position][1]) for g in grants)
                yield BackendGrant(None, attachment, target, found, certain=False)


def principal_grants(
    plan: Plan, backend: StateBackend, principal: Principal
) -> Iterator[BackendGrant]:
    attachments = attachments_of(plan, principal.address, principal.name)
    documents: list[PolicyDocument] = []
    owner: dict[int, tuple[Attachment, tuple[str, ...]]] = {}
    for attachment in attachments:
        for document, hops in attachment.documents:
            owner[len(documents)] = (attachment, hops)
            documents.append(document)
    if not documents:
        return
    boundary = _boundary(plan, principal)
    for target in backend.all():
        requests = backend_requests(plan, backend, target)
        grants = evaluate(documents, requests)
        bounded = _bounded_actions(boundary, requests) if grants else None
        by_carrier: dict[int, list[tuple[Grant, tuple[str, ...]]]] = defaultdict(list)
        for grant in grants:
            if bounded is not None and not set(grant.actions) & bounded[0]:
                continue
            attachment, hops = owner[grant.position]
            by_carrier[id(attachment)].append((grant, hops))
        for attachment in attachments:
            found = by_carrier.get(id(attachment))
            if found:
                certain = (
                    principal.certain
                    and attachment.certain
                    and any(g.certain for g, _ in found)
                    and (bounded is None or bounded[1])
                )
                unread = boundary if isinstance(boundary, str) else None
                yield BackendGrant(
                    principal, attachment, target, tuple(found), certain and unread is None, unread
                )


def _boundary(plan: Plan, principal: Principal) -> list[PolicyDocument] | str | None:
    """The role's permissions boundary: its documents, the ARN when plangate cannot read
    it, or None when the role has none."""
    role = principal.role
    if role is None or role.type != ROLE:
        return None
    value = role.after_value("permissions_boundary")
    if value is None or value == "":
        return None
    documents = [d for d, _ in arn_documents(plan, role, ("permissions_boundary",))]
    if documents:
        return documents
    return value if isinstance(value, str) else "a permissions boundary known after apply"


def _bounded_actions(
    boundary: list[PolicyDocument] | str | None, requests: list[Request]
) -> tuple[set[str], bool] | None:
    """(actions the boundary allows, is that certain); None: no boundary to apply."""
    if not isinstance(boundary, list):
        return None
    allowed = evaluate(boundary, requests)
    return ({a for g in allowed for a in g.actions}, all(g.certain for g in allowed))


# -- messages ----------------------------------------------------------------------------------


def grant_message(found: BackendGrant) -> str:
    """One sentence: who, which actions, on which target (and how it was identified),
    granted by which statements, and what may narrow it."""
    statements = ", ".join(dict.fromkeys(g.statement.label for g, _ in found.grants))
    actions = ", ".join(dict.fromkeys(g.action_text for g, _ in found.grants))
    managed = [h for _, hops in found.grants for h in hops if h.startswith("AWS managed")]
    through = f" through {managed[0]}" if managed else ""
    notes = []
    if found.conditioned:
        notes.append("the statement has a Condition, which plangate does not evaluate")
    denied = [d for g, _ in found.grants for d in g.possibly_denied_by]
    if denied:
        notes.append(f"a conditional or unknown Deny ({denied[0]}) may remove it")
    if found.boundary:
        notes.append(
            f"the permissions boundary {found.boundary}, which plangate cannot read, may limit it"
        )
    elif not found.certain and not denied and not all(g.statement.unseen for g, _ in found.grants):
        notes.append("it depends on values known only after apply")
    tail = f" ({'; '.join(notes)})" if notes else ""
    target = found.target
    who = (
        found.principal.description
        if found.principal is not None
        else "the role it is attached to, which plangate cannot follow (it may be an "
        "application role),"
    )
    return (
        f"{who} may perform {actions} on {target.label} "
        f"(identified by {target.source}){through}, granted by {statements}{tail}."
    )


def grant_finding(found: BackendGrant, plan: Plan) -> Finding:
    """The finding for a grant: on the resource carrying the policy."""
    carrier = found.attachment.carrier
    return finding(
        carrier,
        grant_message(found),
        attribute=found.attachment.attribute,
        certainty=Certainty.CERTAIN if found.certain else Certainty.POSSIBLE,
        chain=found.chain,
        new=_grant_is_new(found, plan),
    )


def _grant_is_new(found: BackendGrant, plan: Plan) -> bool | None:
    """New when the plan brings the carrier's attribute in or writes any policy document
    the grant comes through (a customer managed policy an unchanged attachment names):
    judged by the carrier alone, a plan that widens that document to `dynamodb:*` read as
    "already in the current state". Kept only when every one of them is as deployed."""
    judged = [is_new(found.attachment.carrier, found.attachment.attribute)]
    for _, hops in found.grants:
        judged.extend(is_new(plan.by_address[h], "policy") for h in hops if h in plan.by_address)
    if True in judged:
        return True
    return None if None in judged else False
