"""Whether a finding is new: brought in by this plan, or already true of what is deployed.

Reviewers read new findings first (the report's `new`), so every built-in policy asks
the same question the same way, here. The engine does not compute it yet; once it does,
this module goes and the policies stop passing `new=`.

Three ways a policy can put the question, by what its finding is about:

- the resource itself (a grant's carrier, a policy document): `is_new(change)`; a
  created or replaced object is new, a no-op is not, an update cannot be told (None);
- some attributes of a link (a database's security groups, a subnet group's subnets):
  `is_new(change, "subnet_ids")`; created or replaced, or an existing object whose
  attributes the plan changes (a value known only after apply counts as a change);
- a condition read on the object (`publicly_accessible` is true, the configuration
  names the lock table): `is_new(change, held=...)`, where `held(change)` reads the
  `before_*` values and says whether the prior object already met it; a replacement is
  judged by its prior object, so replacing a public instance with another is not new.

A resource that is not a change in this plan (only in the prior state) is never new.
"""

from __future__ import annotations

from collections.abc import Callable

from plangate import Resource, ResourceChange

__all__ = ["is_new"]


def is_new(
    resource: Resource | None,
    *attributes: str,
    held: Callable[[ResourceChange], bool] | None = None,
) -> bool | None:
    """True when this plan brings the finding in, False when it was already so, None
    when that cannot be told (an update of the resource itself)."""
    if not isinstance(resource, ResourceChange):
        return False
    if held is not None:
        return resource.before is None or not held(resource)
    if resource.action in ("create", "replace"):
        return True
    if attributes:
        return _changes(resource, attributes)
    return False if resource.is_noop else None


def _changes(resource: ResourceChange, attributes: tuple[str, ...]) -> bool:
    """Whether the plan changes any of these top-level attributes of an existing object.
    (Not `ResourceChange.changed_paths`: it counts every attribute set on a new object,
    and one whose `after_unknown` is a block or list holding only `false` leaves.)"""
    if resource.before is None:
        return False
    return any(
        resource.is_unknown(a) or resource.before_value(a) != resource.after_value(a)
        for a in attributes
    )
