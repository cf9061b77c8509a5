"""What the AWS modules and policies share about reading a plan: per-plan indexes, values
that may be partly unknown, JSON documents, resources only in the prior state, references.

- `per_plan`: an index built once per plan, on first use (kept in `Plan.memo`);
- `members`, `has_unknown`: an attribute's members, and whether any part is unknown at
  plan time (unknown never reads as absent);
- `json_value`: a JSON document attribute (`policy`, `container_definitions`) decoded;
- `configured`: whether the configuration sets an attribute (an unknown value it does
  not set is the provider's to compute);
- `prior_only`, `in_state`: managed resources in the prior state that the plan does not
  list in `resource_changes`, and those together with the plan's own;
- `ref_text`: `aws_dynamodb_table.lock.arn`, how a reference reads in a message.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, TypeVar

from plangate import UNKNOWN, Plan, Ref, ResourceChange, StateResource

__all__ = [
    "configured",
    "has_unknown",
    "in_state",
    "json_value",
    "members",
    "per_plan",
    "prior_only",
    "ref_text",
]

Resource = ResourceChange | StateResource
T = TypeVar("T")


def per_plan(build: Callable[[Plan], T]) -> Callable[[Plan], T]:
    """Build a plan-wide index once per plan: policies run per resource, the plan is fixed."""
    key = f"{build.__module__}.{build.__qualname__}"

    @wraps(build)
    def cached(plan: Plan) -> T:
        return plan.memo(key, lambda: build(plan))

    return cached


# -- values ------------------------------------------------------------------------------


def members(value: Any) -> list[Any]:
    """A list attribute's members; an unknown list is one unknown member, never empty."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def has_unknown(value: Any) -> bool:
    """Whether the value, or anything inside it, is unknown at plan time."""
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(has_unknown(v) for v in value)
    return False


def json_value(value: Any) -> Any:
    """A JSON document decoded; anything else (invalid JSON, not a string) as it is."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            pass
    return value


def configured(plan: Plan, resource: Resource, attribute: str) -> bool:
    """Whether the configuration sets `attribute` (False when the plan has no configuration)."""
    config = plan.config_for(resource)
    return config is not None and config.expression(attribute) is not None


# -- resources -----------------------------------------------------------------------------


def prior_only(plan: Plan, type_: str) -> list[StateResource]:
    """Managed resources of a type in the prior state only (not in `resource_changes`)."""
    return _prior_only_index(plan).get(type_, [])


def in_state(plan: Plan, type_: str) -> Iterator[Resource]:
    """Managed resources of a type in the planned state, the prior-only ones included."""
    yield from plan.existing(type_)
    yield from prior_only(plan, type_)


@per_plan
def _prior_only_index(plan: Plan) -> dict[str, list[StateResource]]:
    index: dict[str, list[StateResource]] = defaultdict(list)
    for resource in plan.prior_resources:
        if resource.mode == "managed" and resource.address not in plan.by_address:
            index[resource.type].append(resource)
    return index


def ref_text(ref: Ref) -> str:
    """`aws_dynamodb_table.lock.arn` (the address alone for a reference to the object)."""
    return f"{ref.address}.{ref.attribute}" if ref.attribute else ref.address
