"""Shared AWS network knowledge: who can reach what, read from a Terraform plan.

- security groups: the ingress rules that apply to a group, from all three places a rule
  can be written (inline `ingress`, `aws_security_group_rule`,
  `aws_vpc_security_group_ingress_rule`), and whether a rule admits a port;
- subnets: is a subnet public (`map_public_ip_on_launch`, or a route table, explicit or
  the VPC's main one, with a default route to an internet gateway)?
- links: which resources an id-valued attribute names, by known value first and by the
  configuration's references (through module variables and outputs) otherwise.

Whether a source range is public is the engine's `plangate.helpers.is_public_cidr`.

Every test answers with a `Verdict`: `Certainty.CERTAIN` (it holds), `Certainty.POSSIBLE`
(it may hold: a value that decides it is unknown at plan time, or a link cannot be
followed), or `None` (it does not hold). Unknown never reads as absent. Plan-wide
indexes are built once per plan, on first use, so policies that run per resource stay
linear in the plan.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from plangate import UNKNOWN, Certainty, Plan, ResourceChange, StateResource
from plangate.helpers import Verdict, configured, is_public_cidr, members, per_plan, weakest

__all__ = [
    "ALL_PORTS",
    "GROUP_TYPES",
    "ROUTE_TABLE_TYPES",
    "Exposure",
    "IngressRule",
    "Link",
    "Source",
    "all_ingress_rules",
    "covers_port",
    "ingress_rules",
    "linked",
    "linked_from_each",
    "port_text",
    "subnet_exposure",
    "unlinked_ingress_rules",
]

Resource = ResourceChange | StateResource

GROUP_TYPES = ("aws_security_group", "aws_default_security_group")
ROUTE_TABLE_TYPES = ("aws_route_table", "aws_default_route_table")
PREFIX_LIST_TYPE = "aws_ec2_managed_prefix_list"
ALL_PORTS = (0, 65535)

ALL_PROTOCOLS = frozenset({"-1", "all"})
TCP = frozenset({"tcp", "6"})


# -- source ranges and ports ----------------------------------------------------------------


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


# -- links between resources ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """What an id-valued attribute names.

    `targets` are resources in the plan (or prior state); `ids` are known values that name
    nothing in the plan (an existing `sg-…` managed elsewhere); `open` says some member is
    unknown and could not be followed (a `local.*`, an unresolvable variable), so the
    attribute may name something else too.
    """

    targets: tuple[Resource, ...] = ()
    ids: tuple[str, ...] = ()
    open: bool = False

    @property
    def keys(self) -> frozenset[str]:
        """Addresses and bare ids: how two links to one group, table or subnet meet."""
        return frozenset([*(t.address for t in self.targets), *self.ids])

    def __bool__(self) -> bool:
        return bool(self.targets or self.ids or self.open)

    def merge(self, other: Link) -> Link:
        """Both links at once (a cluster instance's clusters, each with its groups)."""
        targets = list(self.targets)
        targets.extend(t for t in other.targets if all(t is not s for s in targets))
        ids = [*self.ids, *(i for i in other.ids if i not in self.ids)]
        return Link(tuple(targets), tuple(ids), self.open or other.open)


def linked(plan: Plan, resource: Resource, path: str, types: tuple[str, ...]) -> Link:
    """Resources of `types` that the attribute at `path` names.

    Known values win: a conditional expression lists the references of both branches, so
    references are followed only for members that are unknown (a first plan) or name
    nothing in the plan by value.
    """
    value = resource.after_value(path)
    items = members(value)
    targets: list[Resource] = []
    ids: list[str] = []
    for item in items:
        if isinstance(item, str) and item:
            found = [
                r
                for r in plan.references.by_identifier(item)
                if r.type in types and r is not resource
            ]
            _extend(targets, found)
            if not found:
                ids.append(item)
    unknown = any(item is UNKNOWN for item in items)
    if not unknown and not ids:
        return Link(tuple(targets), (), False)
    resolution = plan.references.resolve(resource, path)
    followed = [ref.target for ref in resolution.of_type(*types)]
    _extend(targets, followed)
    return Link(tuple(targets), tuple(ids), unknown and (resolution.unresolved or not followed))


def _extend(into: list[Resource], new: Iterable[Resource]) -> None:
    """Append resources not yet listed (views are compared by identity, not equality)."""
    for item in new:
        if all(item is not seen for seen in into):
            into.append(item)


def linked_from_each(
    plan: Plan, owners: Iterable[Resource], path: str, types: tuple[str, ...]
) -> Link:
    """What the attribute at `path` of each owner names, merged (a cluster's groups)."""
    link = Link()
    for owner in owners:
        link = link.merge(linked(plan, owner, path, types))
    return link


# -- security groups ----------------------------------------------------------------------


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
        rules.append(IngressRule(group, protocol, low, high, tuple(sources)))
    return rules


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


# -- subnets and routes -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Exposure:
    """Why a subnet is public: the reason in words, and the hops (route table, gateway)."""

    certainty: Certainty
    reason: str
    hops: tuple[str, ...] = ()


def subnet_exposure(plan: Plan, subnet: Resource | str) -> Exposure | None:
    """Whether a subnet (a resource, or a bare `subnet-…` id) is public.

    A default route (0.0.0.0/0 or ::/0) to an internet gateway in the subnet's route table
    (its explicit association, else its VPC's main table) makes every address in it
    reachable; `map_public_ip_on_launch` says the subnet is meant to be public.
    """
    key = subnet if isinstance(subnet, str) else subnet.address
    found = [
        route
        for table in _route_tables_of(plan, subnet, key)
        for route in _default_routes(plan).get(table, ())
    ]
    certain = [e for e in found if e.certainty is Certainty.CERTAIN]
    if certain:
        return certain[0]
    flag = None if isinstance(subnet, str) else subnet.after_bool("map_public_ip_on_launch")
    if flag is True:
        return Exposure(Certainty.CERTAIN, "map_public_ip_on_launch = true")
    if found:
        return found[0]
    if flag is UNKNOWN:
        return Exposure(Certainty.POSSIBLE, "map_public_ip_on_launch is known only after apply")
    return None


def _route_tables_of(plan: Plan, subnet: Resource | str, key: str) -> list[str]:
    """Route table keys of a subnet: explicit associations, else its VPC's main table."""
    explicit = _associations(plan).get(key)
    if explicit:
        return explicit
    if isinstance(subnet, str):
        return []
    mains = _main_tables(plan)
    return [
        t
        for vpc in linked(plan, subnet, "vpc_id", ("aws_vpc",)).keys
        for t in mains.get(vpc, [vpc])
    ]


@per_plan
def _associations(plan: Plan) -> dict[str, list[str]]:
    """Subnet key → route table keys, from `aws_route_table_association`."""
    index: dict[str, list[str]] = defaultdict(list)
    for association in plan.existing("aws_route_table_association"):
        tables = linked(plan, association, "route_table_id", (*ROUTE_TABLE_TYPES, "aws_vpc")).keys
        for subnet in linked(plan, association, "subnet_id", ("aws_subnet",)).keys:
            index[subnet].extend(sorted(tables))
    return index


@per_plan
def _main_tables(plan: Plan) -> dict[str, list[str]]:
    """VPC key → its main route table: `aws_main_route_table_association` if any, else the
    VPC's default table: the `aws_default_route_table` managing it, and the VPC's own key,
    under which `_default_routes` files routes written on `aws_vpc.x.main_route_table_id`
    (or `.default_route_table_id`)."""
    explicit: dict[str, list[str]] = defaultdict(list)
    for main in plan.existing("aws_main_route_table_association"):
        tables = linked(plan, main, "route_table_id", ROUTE_TABLE_TYPES).keys
        for vpc in linked(plan, main, "vpc_id", ("aws_vpc",)).keys:
            explicit[vpc].extend(sorted(tables))
    default: dict[str, list[str]] = defaultdict(list)
    for table in plan.existing("aws_default_route_table"):
        for vpc in linked(plan, table, "default_route_table_id", ("aws_vpc",)).keys:
            default[vpc].append(table.address)
    return {**{vpc: [*tables, vpc] for vpc, tables in default.items()}, **explicit}


@per_plan
def _default_routes(plan: Plan) -> dict[str, list[Exposure]]:
    """Route table key → its default routes to an internet gateway (inline or aws_route)."""
    index: dict[str, list[Exposure]] = defaultdict(list)
    for table in plan.existing(*ROUTE_TABLE_TYPES):
        routes = table.after_value("route")
        if routes is UNKNOWN:  # computed when no inline routes are configured
            routes = [UNKNOWN] if configured(plan, table, "route") else []
        for i, route in enumerate(members(routes)):
            if route is UNKNOWN:
                v4, v6, via = UNKNOWN, None, UNKNOWN
            else:
                v4 = table.after_text(("route", i, "cidr_block"))
                v6 = table.after_text(("route", i, "ipv6_cidr_block"))
                via = table.after_text(("route", i, "gateway_id"))
            destination = _default_destination(v4, v6)
            gateway = _internet_gateway(plan, table, "route", via)
            _add_route(index, table.address, table.address, destination, gateway)
    for route in plan.existing("aws_route"):
        destination = _default_destination(
            route.after_text("destination_cidr_block"),
            route.after_text("destination_ipv6_cidr_block"),
        )
        gateway = _internet_gateway(plan, route, "gateway_id", route.after_text("gateway_id"))
        # `route_table_id = aws_vpc.main.main_route_table_id`: the VPC's main table,
        # keyed by the VPC (see `_main_tables`)
        for table in linked(plan, route, "route_table_id", (*ROUTE_TABLE_TYPES, "aws_vpc")).keys:
            vpc = getattr(plan.by_address.get(table), "type", None) == "aws_vpc"
            _add_route(
                index,
                table,
                route.address,
                destination,
                gateway,
                f"the main route table of {table}" if vpc else "",
            )
    return index


def _add_route(
    index: dict[str, list[Exposure]],
    table: str,
    carrier: str,
    destination: tuple[Verdict, str],
    gateway: tuple[Verdict, str],
    where: str = "",
) -> None:
    verdict = weakest(destination[0], gateway[0])
    if verdict is None:
        return
    hops = tuple(dict.fromkeys(h for h in (table, carrier, gateway[1]) if h))
    reason = f"route {destination[1]} to internet gateway {gateway[1] or '(known after apply)'}"
    index[table].append(Exposure(verdict, f"{reason} in {where or table}", hops))


def _default_destination(v4: Any, v6: Any) -> tuple[Verdict, str]:
    """Whether a route's destination (IPv4, IPv6 block) holds internet addresses:
    0.0.0.0/0, ::/0, or any public block (0.0.0.0/1 and 128.0.0.0/1 together are the
    default route, split)."""
    values = [v4, v6]
    for value in values:
        if isinstance(value, str) and value and is_public_cidr(value) is Certainty.CERTAIN:
            return Certainty.CERTAIN, value.strip()
    if any(v is UNKNOWN for v in values):
        return Certainty.POSSIBLE, "(destination known after apply)"
    return None, ""


def _internet_gateway(plan: Plan, carrier: Resource, path: str, value: Any) -> tuple[Verdict, str]:
    """Whether a route's `gateway_id` is an internet gateway (not a VPN gateway, not local).

    Known: `igw-…`, or the id of an `aws_internet_gateway` in the plan. Unknown (a first
    plan): the carrier's configuration at `path` refers to an internet gateway.
    """
    if isinstance(value, str) and value:
        if value.startswith("igw-"):
            return Certainty.CERTAIN, value
        found = [
            r for r in plan.references.by_identifier(value) if r.type == "aws_internet_gateway"
        ]
        return (Certainty.CERTAIN, found[0].address) if found else (None, "")
    if value is not UNKNOWN:
        return None, ""
    if not configured(plan, carrier, path):
        return Certainty.POSSIBLE, ""
    resolution = plan.references.resolve(carrier, path)
    gateways = resolution.of_type("aws_internet_gateway")
    if gateways:
        return Certainty.CERTAIN, gateways[0].address
    return (Certainty.POSSIBLE, "") if resolution.unresolved else (None, "")
