"""Whom a resource-based policy's `Principal`/`NotPrincipal` names: the asking role by
ARN, by its assumed-role session ARN, or everyone (`"*"`, `{"AWS": "*"}`). Kept apart from
`iam_evaluation`, which asks it once per statement of a resource policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from .iam_documents import Element, Opaque, Statement
from .iam_matching import Match

__all__ = ["PrincipalQuery", "principal_match"]


@dataclass(frozen=True)
class PrincipalQuery:
    """Who asks, for a resource-based policy: an IAM role, by what is known of it."""

    arn: str | None = None
    name: str | None = None
    addresses: frozenset[str] = frozenset()


def _principal_element_match(kind: str, element: Element, who: PrincipalQuery) -> Match:
    if kind == "*" or (kind == "AWS" and element == "*"):
        return Match.YES
    if kind != "AWS":
        return Match.NO
    if isinstance(element, Opaque):
        if any(r.target.address in who.addresses for r in element.refs):
            return Match.YES
        return Match.POSSIBLE if element.unresolved and not element.strict else Match.NO
    if who.arn and element == who.arn:
        return Match.YES
    parts = element.split(":", 5)
    if who.name and len(parts) == 6 and parts[2] in ("iam", "sts"):
        resource = parts[5]
        if parts[2] == "iam" and resource.startswith("role/"):
            named = resource.rsplit("/", 1)[-1]
        elif resource.startswith("assumed-role/"):
            named = resource.split("/")[1] if resource.count("/") >= 1 else ""
        else:
            return Match.NO
        if named == who.name:
            return Match.YES if who.arn is None or who.arn.split(":")[4] == parts[4] else Match.NO
    return Match.NO


def principal_match(statement: Statement, who: PrincipalQuery | None) -> tuple[Match, bool]:
    """(does the statement name this principal, does it name everyone)."""
    if who is None:
        return Match.YES, False
    if statement.principals is not None:
        everyone = any(k == "*" or (k == "AWS" and e == "*") for k, e in statement.principals)
        named = (_principal_element_match(k, e, who) for k, e in statement.principals)
        return max(named, default=Match.NO), everyone
    if statement.not_principals is not None:
        listed = max(
            (_principal_element_match(k, e, who) for k, e in statement.not_principals),
            default=Match.NO,
        )
        return listed.negate(), True
    return Match.NO, False
