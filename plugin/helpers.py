"""Helpers for pack authors: reading a plan the way plangate's own policies do.

Nothing here names a cloud. These are the pieces every pack that follows links between
resources ends up writing, and getting subtly wrong (an unknown list read as empty, an
index rebuilt for every resource); the built-in packs use them too.

Indexes built once per plan
    `per_plan(build)` decorates `build(plan)` so that it runs once per plan, on first
    use (the result is kept in `Plan.memo`). Policies run once per resource; an index of
    the whole plan built inside each call would make a plan of n resources cost n².

Values that may be unknown at plan time (`plangate.UNKNOWN`; never read it as absent)
    - `members(value)`: a list attribute's members; None is no member, an unknown list
      is one unknown member (never empty), a single value is one member.
    - `has_unknown(value)`: whether the value, or anything inside it, is unknown.
    - `configured(plan, resource, attribute)`: whether the configuration sets the
      attribute. An unknown value the configuration does not set is the provider's to
      compute (a default, an id), not something the author chose.
    - `json_value(value)`: an attribute holding a JSON document (`policy`,
      `container_definitions`) decoded; anything else comes back as it is.

Resources the plan does not list in `resource_changes`
    - `prior_only(plan, type_)`: managed resources of a type in the prior state only
      (a plan made with `-target` lists only what it targets in `resource_changes`,
      yet the rest is still deployed, and still reachable by what the plan changes).
    - `in_state(plan, type_)`: the planned state of a type: the plan's own existing
      resources, then the prior-only ones.

Whether a change is new (the rule the runner stamps on findings, `plangate.novelty`)
    - `is_new(resource, *attributes)`: True when the plan creates the resource (or
      deletes it), or changes one of these attributes; False when it leaves them as
      deployed; None when that cannot be told. For a policy whose finding depends on
      several resources: apply it to each, and set the finding's `new` itself.

References
    - `ref_text(ref)`: how a `Ref` reads in a message: `aws_dynamodb_table.lock.arn`, or
      the address alone for a reference to the whole object.

Verdicts: three-valued answers
    A check that may depend on values unknown at plan time answers with a `Verdict`:
    `Certainty.CERTAIN` (it holds), `Certainty.POSSIBLE` (it may hold) or None (it does
    not). `weakest(*verdicts)` is "all hold" and `strongest(*verdicts)` is "one holds";
    the result goes straight into `finding(..., certainty=...)`.

Network addresses
    - `is_public_cidr(value)`: whether a source range reaches beyond private address
      space (a `Verdict`). Private means wholly inside one of `PRIVATE_NETWORKS`
      (RFC 1918, RFC 6598 shared space, loopback, link-local, IPv6 unique-local, …); an
      IPv4-mapped IPv6 range is judged as the IPv4 range it maps; an unknown or
      unreadable range may be public.

Resource views (`plangate.ResourceChange`, `plangate.StateResource`, both
`plangate.Resource`) read values themselves: `after_value(path)`, and the typed readers
`after_bool`, `after_number`, `after_text`, `after_texts` (and `before_*` on a change)
that turn a value of a JSON type Terraform never writes there into an input error.
"""

from __future__ import annotations

import ipaddress
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import lru_cache, wraps
from typing import Any, TypeVar

from .model import Resource, StateResource
from .novelty import is_new
from .plan import Plan
from .policy import Certainty
from .references import Ref
from .values import UNKNOWN, json_int

__all__ = [
    "PRIVATE_NETWORKS",
    "Verdict",
    "configured",
    "has_unknown",
    "in_state",
    "is_new",
    "is_public_cidr",
    "json_value",
    "members",
    "per_plan",
    "prior_only",
    "ref_text",
    "strongest",
    "weakest",
]

T = TypeVar("T")
Verdict = Certainty | None


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
            return json.loads(value, parse_int=json_int)
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
    listed = plan.by_address
    for resource in plan.prior_resources:
        raw = resource.raw  # the views' mode, address and type, read from the dicts
        if raw.get("mode", "managed") == "managed" and raw["address"] not in listed:
            index[raw.get("type", "")].append(resource)
    return index


def ref_text(ref: Ref) -> str:
    """`aws_dynamodb_table.lock.arn` (the address alone for a reference to the object)."""
    return f"{ref.address}.{ref.attribute}" if ref.attribute else ref.address


# -- verdicts ---------------------------------------------------------------------------


def weakest(*verdicts: Verdict) -> Verdict:
    """All must hold: `None` if any fails, POSSIBLE if any is only possible."""
    if any(v is None for v in verdicts):
        return None
    if any(v is Certainty.POSSIBLE for v in verdicts):
        return Certainty.POSSIBLE
    return Certainty.CERTAIN


def strongest(*verdicts: Verdict) -> Verdict:
    """One must hold: CERTAIN if any is certain, else POSSIBLE if any may hold."""
    if Certainty.CERTAIN in verdicts:
        return Certainty.CERTAIN
    return Certainty.POSSIBLE if Certainty.POSSIBLE in verdicts else None


# -- network addresses -------------------------------------------------------------------

# Address space no internet host can send from: RFC 1918, RFC 6598 shared (carrier-grade
# NAT), loopback, link-local, IPv6 unique-local, link-local, loopback and unspecified.
# Documentation ranges (192.0.2.0/24, 2001:db8::/32 …) stand for real addresses in
# examples, so they count as public.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(text)
    for text in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
        "::/128",
    )
)


def is_public_cidr(value: Any) -> Verdict:
    """Whether a source range reaches beyond private space (0.0.0.0/0, ::/0, any public block).

    A range is private only when it lies wholly inside one private block, so 10.0.0.0/7
    (which holds 11.0.0.0/8) is public. An unknown or unreadable range may be anything.
    """
    if value is UNKNOWN:
        return Certainty.POSSIBLE
    if not isinstance(value, str) or not value.strip():
        return None
    return _cidr_verdict(value.strip())


@lru_cache(maxsize=4096)
def _cidr_verdict(text: str) -> Verdict:
    """`is_public_cidr` of a stripped text, cached: a plan repeats a few ranges in
    hundreds of rules and routes, and parsing one costs tens of microseconds."""
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return Certainty.POSSIBLE
    if network.version == 6 and network.prefixlen >= 96:
        mapped = network.network_address.ipv4_mapped  # ::ffff:10.0.0.0/104 is 10.0.0.0/8
        if mapped is not None:
            network = ipaddress.ip_network(f"{mapped}/{network.prefixlen - 96}")
    private = any(_within(network, block) for block in PRIVATE_NETWORKS)
    return None if private else Certainty.CERTAIN


def _within(network: ipaddress.IPv4Network | ipaddress.IPv6Network, block: object) -> bool:
    """`network.subnet_of(block)` for networks of one version (false across versions)."""
    if isinstance(network, ipaddress.IPv4Network) and isinstance(block, ipaddress.IPv4Network):
        return network.subnet_of(block)
    if isinstance(network, ipaddress.IPv6Network) and isinstance(block, ipaddress.IPv6Network):
        return network.subnet_of(block)
    return False
