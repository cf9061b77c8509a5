"""The application's IAM principals: the roles its compute runs as, or may run as.

A role is an *application principal* when the app's compute runs as it (an ECS task
definition's `task_role_arn` or `execution_role_arn`, a Lambda function's `role`, an EC2
instance or launch template through its instance profile, App Runner, Batch, Step
Functions, EKS pod identity), or when its trust policy lets such a service assume it
(or an EKS cluster's OIDC provider, for IRSA) even if nothing in the plan uses it yet,
or when an application role may assume it (role chaining: its trust policy names that
role, or trusts that role's account and the role's own policies allow `sts:AssumeRole` on
it), however many hops away. Roles trusted only by people, accounts or CI (GitHub
Actions, GitLab OIDC) are not.

Links are followed through the configuration's references first (ARNs are unknown in a
first plan), then through known ARNs and names. Trust policies are read with
`trust_policies`, a role's own policies with `role_policies`. Everything is computed once
per plan.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from plangate import UNKNOWN, Plan, Ref, Resource
from plangate.helpers import in_state, json_value, per_plan

from .compute import APPLICATION_COMPUTE, BATCH_ROLES
from .iam_documents import PolicyDocument
from .iam_evaluation import PrincipalQuery, Request, allowed
from .iam_matching import HOLE, Match
from .role_policies import Attachment, attachments_of, unfollowed_attachments
from .roles import ROLE, role_links, role_name
from .trust_policies import assumes, trust_of

__all__ = [
    "ROLE",
    "Principal",
    "Use",
    "application_principals",
    "role_links",
    "role_name",
]


# -- principals --------------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """A compute resource that runs as the role."""

    compute: str
    attribute: str
    kind: str
    execution: bool
    certain: bool
    via: tuple[str, ...] = ()  # instance profile between the compute and the role


@dataclass(frozen=True)
class Principal:
    address: str  # the aws_iam_role (or `data.aws_iam_role`), or the role's ARN/name
    role: Resource | None
    name: str | None
    arn: str | None
    uses: tuple[Use, ...] = ()
    trusted_by: tuple[str, ...] = ()
    assumed_from: tuple[str, ...] = ()  # the application role (and its compute) chaining in
    assumption_certain: bool = True  # False: a Condition or an unknown value may forbid it

    @property
    def execution_only(self) -> bool:
        """Only ever an ECS (or Batch) task execution role: ECS uses it, the app does not."""
        return bool(self.uses) and all(u.execution for u in self.uses)

    @property
    def certain(self) -> bool:
        trusted = bool(self.trusted_by) and self.assumption_certain
        return trusted or any(u.certain for u in self.uses)

    @property
    def chain(self) -> tuple[str, ...]:
        use = self._first_use()
        return (use.compute, *use.via, self.address) if use else (*self.assumed_from, self.address)

    @property
    def description(self) -> str:
        use = self._first_use()
        if use is None:
            return f"{self.address} (trusted by {', '.join(self.trusted_by)})"
        others = len({u.compute for u in self.uses}) - 1
        more = f" and {others} more" if others > 0 else ""
        return f"{self.address} ({use.kind} of {use.compute}{more})"

    @property
    def query(self) -> PrincipalQuery:
        return PrincipalQuery(
            self.arn, self.name, frozenset({self.address} if self.role is not None else ())
        )

    def _first_use(self) -> Use | None:
        uses = sorted(self.uses, key=lambda u: (u.execution, not u.certain, u.compute))
        return uses[0] if uses else None


@per_plan
def application_principals(plan: Plan) -> list[Principal]:
    """Every role the application runs as or may run as, sorted by address."""
    roles: dict[str, Principal] = {}

    def role_principal(ref_or_name: Ref | str) -> Principal:
        if isinstance(ref_or_name, Ref):
            role = ref_or_name.target
            key = role.address
            if key not in roles:
                roles[key] = Principal(
                    key, role, _str(role.after_value("name")), _str(role.after_value("arn"))
                )
        else:
            key = ref_or_name
            if key not in roles:
                roles[key] = Principal(
                    key, None, role_name(key), key if key.startswith("arn:") else None
                )
        return roles[key]

    def add_use(ref_or_name: Ref | str, use: Use) -> None:
        principal = role_principal(ref_or_name)
        roles[principal.address] = replace(principal, uses=(*principal.uses, use))

    for role_attribute, compute in _computes(plan, "roles"):
        path = role_attribute.path
        for link, certain in role_links(plan, compute, path):
            kind, execution = role_attribute.kind, role_attribute.execution
            add_use(link, Use(compute.address, _path_text(path), kind, execution, certain))
    for path, compute in _computes(plan, "profiles"):
        for profile in plan.references.resolve(compute, path).of_type("aws_iam_instance_profile"):
            via, kind = (profile.address,), "EC2 instance role"
            for link, certain in role_links(plan, profile.target, ("role",)):
                add_use(link, Use(compute.address, _path_text(path), kind, False, certain, via))
    for compute in in_state(plan, "aws_batch_job_definition"):
        for link, kind, execution, certain in _batch_roles(plan, compute):
            add_use(link, Use(compute.address, "container_properties", kind, execution, certain))
    for role in in_state(plan, ROLE):
        trusted = trust_of(plan, role).services
        if trusted:
            principal = role_principal(Ref(role, None))
            roles[role.address] = replace(principal, trusted_by=tuple(trusted))
    _add_chained(plan, roles)
    return sorted(roles.values(), key=lambda p: p.address)


def _computes(plan: Plan, field: str) -> Iterator[tuple[Any, Resource]]:
    """(role attribute or profile path, compute resource) for every application compute
    resource in the planned state, attribute by attribute in `APPLICATION_COMPUTE` order."""
    for compute_type in APPLICATION_COMPUTE:
        for attribute in getattr(compute_type, field):
            for compute in in_state(plan, compute_type.type):
                yield attribute, compute


# Statements of application roles weighed against roles open to their account, per plan:
# a few thousand in a large plan; each costs tens of microseconds.
_CHAINING_BUDGET = 20_000


def _add_chained(plan: Plan, roles: dict[str, Principal]) -> None:
    """Roles an application role may assume are the application's too: one whose trust
    policy names it (no permission of its own is needed in the role's account), and one
    whose trust policy opens to its account or everyone when its own policies allow it
    `sts:AssumeRole` on that role. Followed hop by hop from every application role; a
    role is added once, so a cycle ends there and each role is asked about once."""
    named: dict[str, list[Resource]] = defaultdict(list)  # trust key -> roles it names
    opened: dict[str, Resource] = {}
    for role in in_state(plan, ROLE):
        if role.address not in roles:
            trust = trust_of(plan, role)
            for key in trust.names:
                named[key].append(role)
            if trust.opened:
                opened[role.address] = role
    queue = deque(sorted(roles.values(), key=lambda p: p.address))
    budget = [_CHAINING_BUDGET]
    while queue:
        app = queue.popleft()
        if app.execution_only:
            continue
        keys = [app.address, app.arn, app.name, f"name:{app.name}" if app.arn is None else None]
        found = [(role, True, "") for key in keys if key for role in named.get(key, ())]
        found += _assumable(plan, app, opened, budget)
        for role, certain, how in found:
            if role.address in roles:
                continue
            opened.pop(role.address, None)
            roles[role.address] = Principal(
                role.address,
                role,
                _str(role.after_value("name")),
                _str(role.after_value("arn")),
                trusted_by=(f"the application role {app.address}{how}",),
                assumed_from=app.chain,
                assumption_certain=certain,
            )
            queue.append(roles[role.address])


def _assumable(
    plan: Plan, app: Principal, opened: dict[str, Resource], budget: list[int]
) -> list[tuple[Resource, bool, str]]:
    """The roles open to an account whose trust `app` meets and that its own policies
    allow it to assume (possibly: an unknown value or a Condition decides). Past the
    budget of statements weighed against roles, every such role may be (failing closed:
    many application roles and many open roles would cost their product)."""
    unfollowed = _assuming(unfollowed_attachments(plan))  # may be any role's: possible
    documents = [*_assuming(attachments_of(plan, app.address, app.name)), *unfollowed]
    statements = sum(len(d.statements) for d in documents)
    if not statements:
        return []
    account = app.arn.split(":")[4] if app.arn and app.arn.count(":") >= 5 else None
    targets = [
        role
        for role in opened.values()
        if (accounts := trust_of(plan, role).accounts) is None
        or account is None
        or account in accounts
    ]
    budget[0] -= statements * len(targets)
    if budget[0] < 0:
        how = ", which may assume it: too many roles to weigh its policies against"
        return [(role, False, how) for role in targets]
    requests = [
        Request("sts:AssumeRole", _role_arn(role), frozenset({role.address}), (ROLE,))
        for role in targets
    ]
    how = ", whose policies allow it to assume this role, which trusts its account"
    certain = not any(d.statements for d in unfollowed)
    return [
        (role, certain and answer is Match.YES and trust_of(plan, role).certain, how)
        for role, answer in zip(targets, allowed(documents, requests), strict=True)
        if answer is not Match.NO
    ]


def _assuming(attachments: list[Attachment]) -> list[PolicyDocument]:
    """The attachments' documents, each with only the statements that may concern
    `sts:AssumeRole`."""
    return [
        PolicyDocument(tuple(s for s in document.statements if assumes(s)), document.source)
        for attachment in attachments
        for document, _ in attachment.documents
    ]


def _role_arn(role: Resource) -> str:
    """The role's ARN, or its template while unknown (`HOLE` for what is not known)."""
    arn = role.after_value("arn")
    if isinstance(arn, str) and arn:
        return arn
    name = _str(role.after_value("name"))
    return f"arn:aws:iam::{HOLE}:role/{name or HOLE}"


def _batch_roles(plan: Plan, job: Resource) -> Iterator[tuple[Ref | str, str, bool, bool]]:
    text = job.after_value("container_properties")
    if isinstance(text, str):
        properties = json_value(text)
        if not isinstance(properties, dict):
            return
        for attribute in BATCH_ROLES:
            arn = properties.get(attribute.path[0])
            if isinstance(arn, str) and arn:
                matched = [r for r in plan.references.by_identifier(arn) if r.type == ROLE]
                links: list[Ref | str] = [Ref(role, "arn") for role in matched] or [arn]
                for link in links:
                    yield link, attribute.kind, attribute.execution, True
    elif text is UNKNOWN:
        # Which key names which role is lost with the JSON: count them as job roles.
        for ref in plan.references.resolve(job, "container_properties").of_type(ROLE):
            yield ref, "Batch job role", False, False


# -- helpers ----------------------------------------------------------------------------------


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _path_text(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)
