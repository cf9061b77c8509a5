"""Subnets: whether a subnet is public, and why.

A subnet is public when its route table (its explicit association, else its VPC's main
table: `aws_main_route_table_association`, the `aws_default_route_table`, or routes
written on `aws_vpc.x.main_route_table_id`) sends a default route (0.0.0.0/0, ::/0, or
any public block) to an internet gateway, or when it sets `map_public_ip_on_launch`.
The answer carries its certainty (a value known only after apply makes it possible) and
the hops a reviewer can follow. Indexes are built once per plan, on first use.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from plangate import UNKNOWN, Certainty, Plan, Resource
from plangate.helpers import Verdict, configured, is_public_cidr, members, per_plan, weakest

from .id_links import linked

__all__ = ["ROUTE_TABLE_TYPES", "Exposure", "subnet_exposure"]

ROUTE_TABLE_TYPES = ("aws_route_table", "aws_default_route_table")


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
        for table_address in linked(
            plan, route, "route_table_id", (*ROUTE_TABLE_TYPES, "aws_vpc")
        ).keys:
            vpc = getattr(plan.by_address.get(table_address), "type", None) == "aws_vpc"
            _add_route(
                index,
                table_address,
                route.address,
                destination,
                gateway,
                f"the main route table of {table_address}" if vpc else "",
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
