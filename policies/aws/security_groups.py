"""Security groups: the ingress rules that apply to a group, and the ports they admit.

A rule can be written in three places: inline `ingress` blocks of the group,
`aws_security_group_rule` (type ingress) and `aws_vpc_security_group_ingress_rule`; a
rule's sources are its CIDRs and the entries of the managed prefix lists in the plan
that it names. Whether a source range is public is the engine's
`plangate.helpers.is_public_cidr`.

Every test answers with a `Verdict`: `Certainty.CERTAIN` (it holds), `Certainty.POSSIBLE`
(a value that decides it is unknown at plan time, or a link cannot be followed), or None.
The rule index is built once per plan, on first use.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from plangate import UNKNOWN, Certainty, Plan, Resource
from plangate.helpers import Verdict, configured, is_public_cidr, members, per_plan, weakest

from .id_links import Link, linked

__all__ = [
    "ALL_PORTS",
    "GROUP_TYPES",
    "IngressRule",
    "Source",
    "all_ingress_rules",
    "covers_port",
    "ingress_rules",
    "port_text",
    "rule_peers",
    "unlinked_ingress_rules",
]

GROUP_TYPES = ("aws_security_group", "aws_default_security_group")
PREFIX_LIST_TYPE = "aws_ec2_managed_prefix_list"
ALL_PORTS = (0, 65535)

ALL_PROTOCOLS = frozenset({"-1", "all"})
TCP = frozenset({"tcp", "6"})


# -- ports ------------------------------------------------------------------------------------


def _port(value: Any) -> Any:
    """A port as an int (plans may hold 3306, 3306.0 or "3306"), UNKNOWN, or None."""
    if value is UNKNOWN:
        return UNKNOWN
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def covers_port(protocol: Any, from_port: Any, to_port: Any, port: int | None) -> Verdict:
    """Whether a rule admits TCP to `port` (None: the port is unknown, so any port may be it).

    Protocol -1 / "all" admits every port whatever the range says; UDP, ICMP and other
    protocols never reach a database listener.
    """
    if protocol is UNKNOWN:
        return Certainty.POSSIBLE
    name = str(protocol).strip().lower() if protocol is not None else ""
    if name in ALL_PROTOCOLS:
        return Certainty.CERTAIN
    if name not in TCP:
        return None
    low, high = _port(from_port), _port(to_port)
    if low is UNKNOWN or high is UNKNOWN or low is None or high is None:
        return Certainty.POSSIBLE
    if port is None:
        whole = low <= ALL_PORTS[0] and high >= ALL_PORTS[1]
        return Certainty.CERTAIN if whole else Certainty.POSSIBLE
    return Certainty.CERTAIN if low <= port <= high else None


def port_text(protocol: Any, from_port: Any, to_port: Any) -> str:
    """How a rule's reach reads in a message: "all ports", "tcp 5432", "tcp 0-65535"."""
    if protocol is UNKNOWN:
        return "a protocol known only after apply"
    if str(protocol).strip().lower() in ALL_PROTOCOLS:
        return f"all ports (protocol {protocol})"
    low, high = _port(from_port), _port(to_port)
    if low is UNKNOWN or high is UNKNOWN:
        return f"{protocol} ports known only after apply"
    return f"{protocol} {low}" if low == high else f"{protocol} {low}-{high}"


# -- ingress rules ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """One source range of a rule, and where it is written."""

    attribute: str  # cidr_blocks, ipv6_cidr_blocks, cidr_ipv4, cidr_ipv6, ingress, …
    cidr: Any  # a CIDR string, or UNKNOWN
    via: str | None = None  # the managed prefix list it comes from


@dataclass(frozen=True, slots=True)
class IngressRule:
    """A way into a security group: the resource it is written on, and what it admits."""

    carrier: Resource  # the rule resource, or the group itself for inline `ingress`
    protocol: Any
    from_port: Any
    to_port: Any
    sources: tuple[Source, ...]
    applies: Certainty = Certainty.CERTAIN  # POSSIBLE when `type` is unknown
    block: int | None = None  # the position of an inline `ingress` block

    def open_to(self, port: int | None) -> list[tuple[Source, Certainty]]:
        """Sources that admit a public range to `port` (None: unknown port), with certainty."""
        reach = weakest(
            self.applies, covers_port(self.protocol, self.from_port, self.to_port, port)
        )
        found = []
        for source in self.sources:
            verdict = weakest(reach, is_public_cidr(source.cidr))
            if verdict is not None:
                found.append((source, verdict))
        return found


@dataclass(slots=True)
class _IngressIndex:
    by_group: dict[str, list[IngressRule]] = field(default_factory=lambda: defaultdict(list))
    unlinked: list[IngressRule] = field(default_factory=list)


def ingress_rules(plan: Plan, group_key: str) -> list[IngressRule]:
    """Every ingress rule that applies to a group (by address, or bare `sg-…` id)."""
    return list(_ingress_index(plan).by_group.get(group_key, ()))


def all_ingress_rules(plan: Plan) -> list[tuple[str, IngressRule]]:
    """(group key, rule) for every group with rules: what an unresolvable group may be."""
    return [
        (key, rule)
        for key, rules in sorted(_ingress_index(plan).by_group.items())
        for rule in rules
    ]


def unlinked_ingress_rules(plan: Plan) -> list[IngressRule]:
    """Standalone rules whose group cannot be told at plan time: they may apply to any."""
    return list(_ingress_index(plan).unlinked)


@per_plan
def _ingress_index(plan: Plan) -> _IngressIndex:
    index = _IngressIndex()
    for group in plan.existing(*GROUP_TYPES):
        index.by_group[group.address].extend(_inline_rules(plan, group))
    for rule in plan.existing("aws_security_group_rule", "aws_vpc_security_group_ingress_rule"):
        built = _standalone_rule(plan, rule)
        if built is None:
            continue
        link = linked(plan, rule, "security_group_id", GROUP_TYPES)
        for key in link.keys:
            index.by_group[key].append(built)
        if link.open or not link.keys:
            index.unlinked.append(built)
    return index


def _inline_rules(plan: Plan, group: Resource) -> list[IngressRule]:
    """Inline `ingress` blocks. A group that does not configure them plans `ingress` as
    AWS reports it: unknown when new, and once applied every rule of the group, the
    standalone rules' too. Unknown counts only when configured, and permissions that a
    standalone rule in the plan held before it (they are reported, or removed, there)
    are left out."""
    value = group.after_value("ingress")
    mirror = not configured(plan, group, "ingress")
    if value is UNKNOWN:
        if mirror:
            return []
        return [IngressRule(group, UNKNOWN, UNKNOWN, UNKNOWN, (Source("ingress", UNKNOWN),))]
    held = _standalone_permissions(plan).get(group.after_value("id"), set()) if mirror else set()
    rules = []
    for i, block in enumerate(members(value)):
        at = ("ingress", i)
        if block is UNKNOWN:
            protocol, low, high, cidrs, lists = UNKNOWN, None, None, [UNKNOWN], []
        else:  # typed: a hand-edited "5432" or "tcp " list must not read as "no rule"
            protocol = group.after_text((*at, "protocol"))
            low, high = group.after_number((*at, "from_port")), group.after_number((*at, "to_port"))
            cidrs = [
                *group.after_texts((*at, "cidr_blocks")),
                *group.after_texts((*at, "ipv6_cidr_blocks")),
            ]
            lists = group.after_texts((*at, "prefix_list_ids"))
        reach = _permission(protocol, low, high)
        sources = [Source("ingress", c) for c in cidrs if (*reach, c) not in held]
        sources.extend(_prefix_list_sources(plan, lists, None))
        rules.append(IngressRule(group, protocol, low, high, tuple(sources), block=i))
    return rules


def rule_peers(plan: Plan, rule: IngressRule) -> Link:
    """The security groups a rule admits traffic from: `referenced_security_group_id`,
    `source_security_group_id`, an inline block's `security_groups`, and `self` (the
    group itself). An inline block whose groups are unknown at plan time is followed
    through the references of the group's whole `ingress`, so the link is open."""
    carrier = rule.carrier
    if carrier.type == "aws_vpc_security_group_ingress_rule":
        return linked(plan, carrier, "referenced_security_group_id", GROUP_TYPES)
    if carrier.type == "aws_security_group_rule":
        peers = linked(plan, carrier, "source_security_group_id", GROUP_TYPES)
        if carrier.after_bool("self") is True:
            peers = peers.merge(linked(plan, carrier, "security_group_id", GROUP_TYPES))
        return peers
    if rule.block is None:
        return Link()
    at = ("ingress", rule.block)
    peers = Link((carrier,)) if carrier.after_bool((*at, "self")) is True else Link()
    named = carrier.after_texts((*at, "security_groups"))
    known = [
        r
        for item in named
        if isinstance(item, str) and item
        for r in plan.references.by_identifier(item)
        if r.type in GROUP_TYPES
    ]
    ids = tuple(
        i for i in named if isinstance(i, str) and i and not plan.references.by_identifier(i)
    )
    found = Link(tuple(known), ids)
    if UNKNOWN in named:
        others = plan.references.resolve(carrier, "ingress").of_type(*GROUP_TYPES)
        found = found.merge(
            Link(tuple(r.target for r in others if r.target is not carrier), (), True)
        )
    return peers.merge(found)


PROTOCOL_NAMES = {"all": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def _permission(protocol: Any, from_port: Any, to_port: Any) -> tuple[Any, ...]:
    """A rule's reach as AWS stores it: protocol name, and ports unless all traffic."""
    name = str(protocol).strip().lower() if isinstance(protocol, str | int) else protocol
    name = PROTOCOL_NAMES.get(name, name)
    return (name, None, None) if name == "-1" else (name, _port(from_port), _port(to_port))


@per_plan
def _standalone_permissions(plan: Plan) -> dict[Any, set[tuple[Any, ...]]]:
    """Group id → (protocol, from, to, cidr) of the ingress its standalone rules held
    before this plan, whatever the plan does with them: what a group's `ingress` mirrors."""
    index: dict[Any, set[tuple[Any, ...]]] = defaultdict(set)
    for rule in plan.of_type("aws_security_group_rule", "aws_vpc_security_group_ingress_rule"):
        if not isinstance(rule.before, dict):
            continue
        if rule.type == "aws_vpc_security_group_ingress_rule":
            protocol = rule.before_text("ip_protocol")
            cidrs = [rule.before_text("cidr_ipv4"), rule.before_text("cidr_ipv6")]
        elif rule.before_text("type") == "ingress":
            protocol = rule.before_text("protocol")
            cidrs = [*rule.before_texts("cidr_blocks"), *rule.before_texts("ipv6_cidr_blocks")]
        else:
            continue
        reach = _permission(
            protocol, rule.before_number("from_port"), rule.before_number("to_port")
        )
        index[rule.before_value("security_group_id")].update(
            (*reach, cidr) for cidr in cidrs if cidr is not None
        )
    return index


def _standalone_rule(plan: Plan, rule: Resource) -> IngressRule | None:
    """An `aws_security_group_rule` of type ingress, or an `aws_vpc_security_group_ingress_rule`."""
    if rule.type == "aws_vpc_security_group_ingress_rule":
        sources = [Source(key, rule.after_text(key)) for key in ("cidr_ipv4", "cidr_ipv6")]
        protocol = rule.after_text("ip_protocol")
        lists = "prefix_list_id"
        applies = Certainty.CERTAIN
    else:
        kind = rule.after_text("type")
        if kind is not UNKNOWN and kind != "ingress":
            return None
        applies = Certainty.POSSIBLE if kind is UNKNOWN else Certainty.CERTAIN
        sources = [
            Source(key, c)
            for key in ("cidr_blocks", "ipv6_cidr_blocks")
            for c in rule.after_texts(key)
        ]
        protocol = rule.after_text("protocol")
        lists = "prefix_list_ids"
    sources.extend(_prefix_list_sources(plan, None, (rule, lists)))
    return IngressRule(
        rule,
        protocol,
        rule.after_number("from_port"),
        rule.after_number("to_port"),
        tuple(s for s in sources if s.cidr is not None),
        applies,
    )


def _prefix_list_sources(
    plan: Plan, known: list[Any] | None, attribute: tuple[Resource, str] | None
) -> list[Source]:
    """The entries of managed prefix lists in the plan that a rule names. Lists outside the
    plan (AWS-managed service ranges) are not internet sources and are left out."""
    if attribute is not None:
        link = linked(plan, attribute[0], attribute[1], (PREFIX_LIST_TYPE,))
        lists, where = list(link.targets), attribute[1]
    else:
        lists = [
            r
            for item in known or ()
            if isinstance(item, str)
            for r in plan.references.by_identifier(item)
            if r.type == PREFIX_LIST_TYPE
        ]
        where = "ingress"
    return [
        Source(where, cidr, prefix_list.address)
        for prefix_list in lists
        for cidr in _prefix_list_cidrs(plan, prefix_list)
    ]


def _prefix_list_cidrs(plan: Plan, prefix_list: Resource) -> list[Any]:
    """The CIDRs of a managed prefix list's `entry` blocks; when it configures none (a new
    list shows them unknown), those of the `aws_ec2_managed_prefix_list_entry` resources
    that fill it."""
    entries = prefix_list.after_value("entry")
    if entries is UNKNOWN and not configured(plan, prefix_list, "entry"):
        return [e.after_text("cidr") for e in _entries_by_list(plan).get(prefix_list.address, ())]
    return [
        UNKNOWN if entry is UNKNOWN else prefix_list.after_text(("entry", i, "cidr"))
        for i, entry in enumerate(members(entries))
    ]


@per_plan
def _entries_by_list(plan: Plan) -> dict[str, list[Resource]]:
    index: dict[str, list[Resource]] = defaultdict(list)
    for entry in plan.existing("aws_ec2_managed_prefix_list_entry"):
        for key in linked(plan, entry, "prefix_list_id", (PREFIX_LIST_TYPE,)).keys:
            index[key].append(entry)
    return index
