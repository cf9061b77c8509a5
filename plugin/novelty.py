"""Whether a finding is new: brought in by this plan, or already true of what is deployed.

Reviewers read new findings first (the report's `new`), so the runner stamps it on every
finding, by one rule, from the finding's resource (its address) and its attribute:

- the plan creates the resource: new (`true`);
- the plan replaces, updates or leaves it (no-op), and the finding names an attribute:
  new when the attribute's planned value differs from the prior one or is known only
  after apply, kept (`false`) when it is as deployed. A replacement is judged by its
  prior object: replacing a public database with another public one keeps the finding;
- the same without an attribute: a replacement is new, a no-op kept, and an update
  cannot be told (`null`);
- the plan deletes or forgets it: new (the finding is about what the plan does to it);
- the resource is not a change of this plan: kept when the prior state holds it (the
  plan leaves it as deployed), else `null` (the address names no resource: a pseudo
  address such as `backend.s3`); a data source read at apply time: `null`.

"Removed", a violation this plan takes away, never reaches a report: policies see the
planned state, so a violation that no longer holds there yields no finding at all.

The rule sees one resource and one attribute. A policy whose finding depends on more (a
path through several resources, a value inside a list or a document that may already
have been there when the attribute changed) sets `new` itself, and the runner keeps it;
`is_new` is the same rule for such a policy to apply to each resource it looks at.
"""

from __future__ import annotations

from .model import Resource, ResourceChange
from .plan import Plan

__all__ = ["finding_is_new", "is_new"]


def finding_is_new(plan: Plan, address: str, attribute: str | None) -> bool | None:
    """The runner's rule for a finding on `address` naming `attribute`."""
    change = plan.by_address.get(address)
    if change is None:
        return False if address in plan.prior_by_address else None
    return is_new(change, *((attribute,) if attribute else ()))


def is_new(resource: Resource | None, *attributes: str) -> bool | None:
    """True when this plan brings the resource, or a change of any of these attributes,
    in; False when it leaves them as deployed; None when that cannot be told."""
    if not isinstance(resource, ResourceChange):
        return False if resource is not None else None
    action = resource.action
    if action in ("create", "delete", "forget"):
        return True
    if action == "read":
        return None
    if attributes and resource.before is not None:
        return any(
            resource.is_unknown(a) or resource.before_value(a) != resource.after_value(a)
            for a in attributes
        )
    if action == "replace":
        return True
    return False if action == "no-op" else None
