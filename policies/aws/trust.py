"""Who may assume a role, by its trust policy: CI through OIDC (GitHub Actions, GitLab), a
person (an IAM user, SAML federation), an account, an AWS service (the application's
compute services apart), another role, or everyone.

`aws.principals` decides which roles are the application's; this module says, for any
role, who stands behind it, so a reader can tell the CI role that runs Terraform from
the task role the application runs as. Statements are read with `policy_documents`,
and an Allow counts when it allows `sts:AssumeRole` or `sts:AssumeRoleWithWebIdentity`
(the same test `aws.trust_policies` applies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plangate import Plan, Resource

from .compute import COMPUTE_SERVICE
from .iam_documents import Element, Opaque
from .policy_documents import policy_documents
from .trust_policies import assumes

__all__ = [
    "ACCOUNT",
    "CI",
    "COMPUTE",
    "EVERYONE",
    "IDENTITY_PROVIDER",
    "PERSON",
    "ROLE",
    "SERVICE",
    "UNKNOWN_TRUSTEE",
    "Trustee",
    "trustees",
]

CI, PERSON, ACCOUNT = "ci", "person", "account"
COMPUTE, SERVICE, ROLE = "compute_service", "service", "role"
EVERYONE, IDENTITY_PROVIDER, UNKNOWN_TRUSTEE = "everyone", "identity_provider", "unknown"

# OIDC issuers of CI systems, by what their provider ARN or URL holds.
_CI_ISSUERS = (
    ("token.actions.githubusercontent.com", "GitHub Actions (OIDC)"),
    ("gitlab", "GitLab CI (OIDC)"),
    ("app.terraform.io", "HCP Terraform (OIDC)"),
    ("oidc.circleci.com", "CircleCI (OIDC)"),
    ("bitbucket.org", "Bitbucket Pipelines (OIDC)"),
)
_ACCOUNT_ID = re.compile(r"^\d{12}$")


@dataclass(frozen=True, slots=True)
class Trustee:
    """One principal a trust policy lets assume the role."""

    kind: str  # CI | PERSON | ACCOUNT | COMPUTE | SERVICE | ROLE | EVERYONE | …
    who: str  # in words: "GitHub Actions (OIDC)", "account 123456789012", an address
    certain: bool = True  # False: built from values known only after apply


def trustees(plan: Plan, role: Resource) -> list[Trustee]:
    """Everyone the role's trust policy lets assume it, in the policy's order, once each."""
    found: dict[Trustee, None] = {}
    for document, _ in policy_documents(plan, role, "assume_role_policy"):
        for statement in document.statements:
            if not statement.is_allow or not assumes(statement):
                continue
            for kind, element in statement.principals or ():
                for trustee in _classify(kind, element):
                    found.setdefault(trustee)
    return list(found)


def _classify(kind: str, element: Element) -> list[Trustee]:
    if kind == "*" or (kind == "AWS" and element == "*"):
        return [Trustee(EVERYONE, 'everyone (Principal "*")')]
    if isinstance(element, Opaque):
        return _opaque(kind, element)
    if kind == "Service":
        return [Trustee(COMPUTE if COMPUTE_SERVICE.match(element) else SERVICE, element)]
    if kind == "Federated":
        return [_federated(element)]
    if kind == "AWS":
        return [_aws(element)]
    return [Trustee(UNKNOWN_TRUSTEE, f"{kind} {element}")]


def _federated(text: str, certain: bool = True) -> Trustee:
    lowered = text.lower()
    for marker, who in _CI_ISSUERS:
        if marker in lowered:
            return Trustee(CI, who, certain)
    if "oidc.eks." in lowered:
        return Trustee(COMPUTE, f"EKS OIDC provider {text}", certain)
    if ":saml-provider/" in lowered:
        return Trustee(PERSON, f"SAML federation {text.rsplit('/', 1)[-1]}", certain)
    return Trustee(IDENTITY_PROVIDER, f"identity provider {text}", certain)


def _aws(text: str) -> Trustee:
    if _ACCOUNT_ID.match(text):
        return Trustee(ACCOUNT, f"account {text}")
    parts = text.split(":", 5)
    if len(parts) == 6 and parts[2] in ("iam", "sts"):
        account, resource = parts[4], parts[5]
        if resource == "root":
            return Trustee(ACCOUNT, f"account {account}")
        if resource.startswith("user/"):
            return Trustee(PERSON, f"IAM user {resource.rsplit('/', 1)[-1]} ({account})")
        if resource.startswith(("role/", "assumed-role/")):
            return Trustee(ROLE, text)
    return Trustee(UNKNOWN_TRUSTEE, text)


def _opaque(kind: str, element: Opaque) -> list[Trustee]:
    """An element known only after apply: what its references are."""
    found = []
    for ref in element.refs:
        target = ref.target
        if target.type == "aws_iam_openid_connect_provider":
            url = target.after_value("url")
            text = url if isinstance(url, str) else target.address
            found.append(_federated(text, isinstance(url, str)))
        elif target.type == "aws_iam_saml_provider":
            found.append(Trustee(PERSON, f"SAML federation {target.address}"))
        elif target.type == "aws_iam_user":
            found.append(Trustee(PERSON, f"IAM user {target.address}"))
        elif target.type == "aws_iam_role":
            found.append(Trustee(ROLE, target.address))
        elif target.type == "aws_caller_identity":
            found.append(Trustee(ACCOUNT, "this account", ref.attribute == "account_id"))
    if not found or element.unresolved:
        found.append(Trustee(UNKNOWN_TRUSTEE, f"{kind} principal {element}", False))
    return found
