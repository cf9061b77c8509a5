"""The application's IAM principals: the roles its compute runs as, or may run as.

A role is an *application principal* when the app's compute runs as it (an ECS task
definition's `task_role_arn` or `execution_role_arn`, a Lambda function's `role`, an EC2
instance or launch template through its instance profile, App Runner, Batch, Step
Functions, EKS pod identity), or when its trust policy lets such a service assume it
(or an EKS cluster's OIDC provider, for IRSA) even if nothing in the plan uses it yet,
or when its trust policy names an application role (role chaining). Roles trusted only
by people, accounts or CI (GitHub Actions, GitLab OIDC) are not.

Links are followed through the configuration's references first (ARNs are unknown in a
first plan), then through known ARNs and names. Trust policies are read with
`policy_documents`. Everything is computed once per plan.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from plangate import UNKNOWN, Plan, Ref, Resource
from plangate.helpers import in_state, json_value, per_plan

from .compute import APPLICATION_COMPUTE, BATCH_ROLES, COMPUTE_SERVICE
from .iam_documents import Opaque, Statement
from .iam_evaluation import PrincipalQuery
from .iam_matching import action_matches
from .policy_documents import policy_documents
from .roles import ROLE, role_links, role_name

__all__ = [
    "ROLE",
    "Principal",
    "Use",
    "application_principals",
    "role_links",
    "role_name",
]

_EKS_ISSUER = "oidc.eks."
_ASSUME = ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity")


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

    @property
    def execution_only(self) -> bool:
        """Only ever an ECS (or Batch) task execution role: ECS uses it, the app does not."""
        return bool(self.uses) and all(u.execution for u in self.uses)

    @property
    def certain(self) -> bool:
        return bool(self.trusted_by) or any(u.certain for u in self.uses)

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
        trusted = _trusted_by(plan, role)
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


def _add_chained(plan: Plan, roles: dict[str, Principal]) -> None:
    """Roles whose trust policy names an application role (by reference, ARN or name):
    the application reaches them with one `sts:AssumeRole`, so they are its roles too.

    Rounds over the roles in plan order until none is added; a role is looked at again
    only once a key its trust policy names has become an application role's (a chain of
    roles each trusting the one before made every round look at every role: quadratic).
    """
    by_key: dict[str, Principal] = {}
    candidates = [r for r in in_state(plan, ROLE) if r.address not in roles]
    naming: dict[str, list[int]] = defaultdict(list)  # key → candidates whose trust names it
    for position, role in enumerate(candidates):
        for key in _trust_keys(plan, role):
            naming[key].append(position)
    this_round = list(range(len(candidates)))  # a heap of positions to look at
    next_round: set[int] = set()
    position = -1

    def index(principal: Principal) -> None:
        if principal.execution_only:
            return
        for key in (principal.address, principal.arn, principal.name):
            if key and key not in by_key:
                by_key[key] = principal
                for other in naming.get(key, ()):
                    if other > position:
                        heapq.heappush(this_round, other)
                    else:
                        next_round.add(other)

    for principal in list(roles.values()):
        index(principal)
    while this_round and by_key:
        seen = -1
        while this_round:
            position = heapq.heappop(this_round)
            role = candidates[position]
            if position == seen or role.address in roles:
                continue
            seen = position
            app = _trusting_app_role(plan, role, by_key)
            if app is not None:
                roles[role.address] = Principal(
                    role.address,
                    role,
                    _str(role.after_value("name")),
                    _str(role.after_value("arn")),
                    trusted_by=(f"the application role {app.address}",),
                    assumed_from=app.chain,
                )
                index(roles[role.address])
        this_round = sorted(next_round)
        next_round.clear()
        position = -1


def _trust_keys(plan: Plan, role: Resource) -> set[str]:
    """Every key `_trusting_app_role` may look up for this role."""
    keys: set[str] = set()
    for document, _ in policy_documents(plan, role, "assume_role_policy"):
        for statement in document.statements:
            if not statement.is_allow or not _assumes(statement):
                continue
            for kind, element in statement.principals or ():
                if kind != "AWS":
                    continue
                if isinstance(element, Opaque):
                    keys.update(r.target.address for r in element.refs)
                else:
                    keys.add(element)
                    if ":role/" in element:
                        keys.add(role_name(element))
    return keys


def _trusting_app_role(
    plan: Plan, role: Resource, by_key: Mapping[str, Principal]
) -> Principal | None:
    for document, _ in policy_documents(plan, role, "assume_role_policy"):
        for statement in document.statements:
            if not statement.is_allow or not _assumes(statement):
                continue
            for kind, element in statement.principals or ():
                if kind != "AWS":
                    continue
                if isinstance(element, Opaque):
                    found = next(
                        (
                            by_key[r.target.address]
                            for r in element.refs
                            if r.target.address in by_key
                        ),
                        None,
                    )
                elif element in by_key:
                    found = by_key[element]
                else:  # a role ARN whose role's ARN is not known yet: by its name
                    found = by_key.get(role_name(element)) if ":role/" in element else None
                    found = found if found is not None and found.arn is None else None
                if found is not None:
                    return found
    return None


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


def _trusted_by(plan: Plan, role: Resource) -> list[str]:
    """The compute services (and EKS OIDC providers) the trust policy lets assume it."""
    found: dict[str, None] = {}  # in order, once each: a trust policy may list thousands
    for document, _ in policy_documents(plan, role, "assume_role_policy"):
        for statement in document.statements:
            if not statement.is_allow or not _assumes(statement):
                continue
            for kind, element in statement.principals or ():
                who = _trusted_principal(plan, kind, element)
                if who:
                    found.setdefault(who)
    return list(found)


def _assumes(statement: Statement) -> bool:
    if statement.actions is not None:
        return any(
            isinstance(e, Opaque) or action_matches(e, a)
            for e in statement.actions
            for a in _ASSUME
        )
    if statement.not_actions is not None:
        return not all(
            any(isinstance(e, str) and action_matches(e, a) for e in statement.not_actions)
            for a in _ASSUME
        )
    return False


def _trusted_principal(plan: Plan, kind: str, element: Any) -> str | None:
    if kind == "Service" and isinstance(element, str) and COMPUTE_SERVICE.match(element):
        return element
    if kind != "Federated":
        return None
    if isinstance(element, str):
        return f"EKS OIDC provider {element}" if _EKS_ISSUER in element else None
    for ref in element.refs if isinstance(element, Opaque) else ():
        provider = ref.target
        if provider.type != "aws_iam_openid_connect_provider":
            continue
        url = provider.after_value("url")
        if isinstance(url, str):
            if _EKS_ISSUER in url:
                return f"EKS OIDC provider {provider.address}"
        elif plan.references.resolve(provider, "url").of_type("aws_eks_cluster"):
            return f"EKS OIDC provider {provider.address}"
    return None


# -- helpers ----------------------------------------------------------------------------------


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _path_text(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)
