"""What a role's trust policy (`assume_role_policy`) lets assume it, read once per role.

- `services`: the compute services (and EKS OIDC providers, for IRSA) it trusts: the
  role is then one the application runs as;
- `names`: the roles it names, by ARN, plan address (a reference) or name: those may
  assume it with no permission of their own (in its account);
- `opened`: whether it trusts whole accounts (`arn:aws:iam::ACCOUNT:root`, a bare account
  id) or everyone (`*`): then any role of such an account whose own policies allow
  `sts:AssumeRole` on it may assume it; `accounts` says which (empty: any), `certain`
  is False when a Condition or a value unknown at plan time may narrow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from plangate import Plan, Resource
from plangate.helpers import in_state, per_plan

from .compute import COMPUTE_SERVICE
from .iam_documents import Element, Opaque, Statement
from .iam_matching import action_matches
from .policy_documents import policy_documents
from .roles import ROLE, role_name

__all__ = ["Trust", "assumes", "trust_of"]

_EKS_ISSUER = "oidc.eks."
_ASSUME = ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity")
_ACCOUNT = re.compile(r"^(?:arn:aws[a-z-]*:iam::(\d{12}):root|(\d{12}))$")


@dataclass(frozen=True)
class Trust:
    services: tuple[str, ...] = ()
    names: frozenset[str] = frozenset()  # ARNs and addresses, and `name:NAME` of role ARNs
    opened: bool = False
    accounts: frozenset[str] | None = None  # the accounts it is opened to; None: any
    certain: bool = True  # of `opened`


def trust_of(plan: Plan, role: Resource) -> Trust:
    return _trusts(plan).get(role.address) or Trust()


@per_plan
def _trusts(plan: Plan) -> dict[str, Trust]:
    return {role.address: _read(plan, role) for role in in_state(plan, ROLE)}


def _read(plan: Plan, role: Resource) -> Trust:
    services: dict[str, None] = {}  # in order, once each: a trust policy may list thousands
    names: set[str] = set()
    opened, certain, anyone, accounts = False, True, False, set()
    for document, _ in policy_documents(plan, role, "assume_role_policy"):
        for statement in document.statements:
            if not statement.is_allow or not assumes(statement):
                continue
            for kind, element in statement.principals or ():
                who = _service(plan, kind, element)
                if who:
                    services.setdefault(who)
                if kind not in ("AWS", "*"):
                    continue
                account = _opens(kind, element)
                if account is None:
                    names.update(_named(element))
                    continue
                opened = True
                certain = certain and not statement.condition and account != "?"
                anyone = anyone or account in ("*", "?")
                accounts.add(account)
    return Trust(
        tuple(services), frozenset(names), opened, None if anyone else frozenset(accounts), certain
    )


def _opens(kind: str, element: Element) -> str | None:
    """The account an element opens the role to, `*` for everyone, `?` for an unknown
    element that names no role (it may be an account), None when it names roles."""
    if kind == "*" or element == "*":
        return "*"
    if isinstance(element, Opaque):
        return None if any(r.target.type == ROLE for r in element.refs) else "?"
    match = _ACCOUNT.match(element)
    return (match.group(1) or match.group(2)) if match else None


def _named(element: Element) -> set[str]:
    if isinstance(element, Opaque):
        return {r.target.address for r in element.refs if r.target.type == ROLE}
    return {element, f"name:{role_name(element)}"} if ":role/" in element else {element}


def assumes(statement: Statement) -> bool:
    """Whether the statement's actions may cover `sts:AssumeRole` (or web identity)."""
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


def _service(plan: Plan, kind: str, element: Any) -> str | None:
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
