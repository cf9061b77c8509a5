"""Which roles an attribute names: plan roles by reference or known value, and roles
outside the plan by their ARN or name. Shared by `principals` (who the application runs
as) and `role_policies` (what is attached to a role).
"""

from __future__ import annotations

from plangate import Plan, Ref, Resource
from plangate.helpers import members

__all__ = ["ROLE", "role_links", "role_name"]

ROLE = "aws_iam_role"


def role_links(
    plan: Plan, resource: Resource, path: tuple[str | int, ...]
) -> list[tuple[Ref | str, bool]]:
    """The roles an attribute names: plan roles by reference or known value, else the
    known ARN or name itself (a role outside the plan)."""
    refs = plan.references.resolve(resource, path).of_type(ROLE)
    known = {
        v
        for r in refs
        for v in (r.target.after_value("name"), r.target.after_value("arn"))
        if isinstance(v, str)
    }
    outside = [
        v
        for v in members(resource.after_value(path))
        if isinstance(v, str) and v and v not in known and role_name(v) not in known
    ]
    return [*((ref, True) for ref in refs), *((v, True) for v in outside)]


def role_name(text: str) -> str:
    """`arn:aws:iam::123:role/path/name` → `name`; a name stays a name."""
    if text.startswith("arn:") and ":role/" in text:
        return text.rsplit("/", 1)[-1]
    return text
