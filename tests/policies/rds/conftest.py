"""Building blocks for RDS policy tests: a VPC, a database, its security group.

Each helper adds resources to a `PlanBuilder` the way a first `terraform plan` shows
them: ids unknown, links only in the configuration's references.
"""

from __future__ import annotations

from typing import Any

import pytest
from plangate.testing import PlanBuilder, refs

SPLAT = "references"  # `aws_subnet.private[*].id` is written as the bare resource reference


class RdsKit:
    """Adds the usual pieces of an RDS deployment to a plan; every address is configurable."""

    @staticmethod
    def vpc(b: PlanBuilder, *, igw: bool = True) -> None:
        b.add(
            "aws_vpc.main",
            {"cidr_block": "10.0.0.0/16"},
            unknown=["id", "arn", "default_route_table_id", "main_route_table_id"],
        )
        if igw:
            b.add(
                "aws_internet_gateway.main",
                {},
                unknown=["id", "arn", "vpc_id"],
                expressions={"vpc_id": refs("aws_vpc.main.id")},
            )

    @staticmethod
    def subnet(
        b: PlanBuilder,
        address: str,
        cidr: str,
        *,
        map_public: Any = False,
        table: str | None = None,
    ) -> None:
        """A subnet, associated with `table` (an aws_route_table address) when given."""
        b.add(
            address,
            {"cidr_block": cidr, "map_public_ip_on_launch": map_public},
            unknown=["id", "arn", "vpc_id"],
            expressions={"vpc_id": refs("aws_vpc.main.id")},
        )
        if table is not None:
            name = address.replace("aws_subnet.", "aws_route_table_association.")
            # count instances share one block: `aws_subnet.public[count.index].id`
            subnet_ref = (
                {"references": [address.split("[")[0], "count.index"]}
                if "[" in address
                else refs(f"{address}.id")
            )
            b.add(
                name,
                {},
                unknown=["id", "subnet_id", "route_table_id"],
                expressions={"subnet_id": subnet_ref, "route_table_id": refs(f"{table}.id")},
            )

    @staticmethod
    def public_route_table(
        b: PlanBuilder, address: str = "aws_route_table.public", destination: str = "0.0.0.0/0"
    ) -> None:
        """A route table with an inline default route to the internet gateway."""
        key = "ipv6_cidr_block" if ":" in destination else "cidr_block"
        b.add(
            address,
            {"route": [{key: destination, "gateway_id": None}]},
            unknown=["id", "arn", "vpc_id", "route.0.gateway_id"],
            expressions={
                "vpc_id": refs("aws_vpc.main.id"),
                "route": refs("aws_internet_gateway.main.id"),
            },
        )

    @staticmethod
    def private_route_table(b: PlanBuilder, address: str = "aws_route_table.private") -> None:
        b.add(
            address,
            {},
            unknown=["id", "arn", "vpc_id", "route"],
            expressions={"vpc_id": refs("aws_vpc.main.id")},
        )

    @classmethod
    def network(cls, b: PlanBuilder) -> None:
        """VPC, internet gateway, two public and two private subnets with their tables."""
        cls.vpc(b)
        cls.public_route_table(b)
        cls.private_route_table(b)
        for i in range(2):
            cls.subnet(
                b,
                f"aws_subnet.public[{i}]",
                f"10.0.{i}.0/24",
                map_public=True,
                table="aws_route_table.public",
            )
            cls.subnet(
                b, f"aws_subnet.private[{i}]", f"10.0.1{i}.0/24", table="aws_route_table.private"
            )

    @staticmethod
    def subnet_group(
        b: PlanBuilder,
        address: str = "aws_db_subnet_group.main",
        *,
        subnets: tuple[str, ...] = ("aws_subnet.private",),
        name: str = "main",
    ) -> None:
        b.add(
            address,
            {"name": name},
            unknown=["id", "arn", "subnet_ids"],
            expressions={"subnet_ids": {SPLAT: list(subnets)}},
        )

    @staticmethod
    def db(
        b: PlanBuilder,
        address: str = "aws_db_instance.main",
        *,
        groups: tuple[str, ...] = ("aws_security_group.db.id",),
        subnet_group: str | None = "aws_db_subnet_group.main",
        action: str = "create",
        **attributes: Any,
    ) -> None:
        """A PostgreSQL instance (port unset: the engine default) in the given groups."""
        after = {"engine": "postgres", "publicly_accessible": False, **attributes}
        expressions: dict[str, Any] = {"vpc_security_group_ids": refs(*groups)}
        unknown = ["id", "arn", "address", "vpc_security_group_ids"]
        if "port" not in attributes:
            unknown.append("port")
        if subnet_group is not None:
            after["db_subnet_group_name"] = "main"
            expressions["db_subnet_group_name"] = refs(f"{subnet_group}.name")
        b.add(address, after, action=action, unknown=unknown, expressions=expressions)

    @staticmethod
    def security_group(
        b: PlanBuilder,
        address: str = "aws_security_group.db",
        ingress: list[dict[str, Any]] | None = None,
    ) -> None:
        """A group; without `ingress` its inline rules are computed, as in a first plan."""
        if ingress is None:
            b.add(address, {"name": "db"}, unknown=["id", "arn", "ingress", "egress"])
        else:
            b.add(
                address,
                {"name": "db", "ingress": ingress},
                unknown=["id", "arn", "egress"],
                expressions={"ingress": {"constant_value": ingress}},
            )

    @staticmethod
    def inline(
        cidrs: tuple[str, ...] = ("0.0.0.0/0",),
        port: int = 5432,
        *,
        to_port: int | None = None,
        protocol: str = "tcp",
        ipv6: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """One inline ingress block as the AWS provider plans it."""
        return {
            "from_port": port,
            "to_port": port if to_port is None else to_port,
            "protocol": protocol,
            "cidr_blocks": list(cidrs),
            "ipv6_cidr_blocks": list(ipv6),
            "prefix_list_ids": [],
            "security_groups": [],
            "self": False,
            "description": "",
        }

    @staticmethod
    def vpc_rule(
        b: PlanBuilder,
        address: str,
        group: str = "aws_security_group.db",
        *,
        cidr_ipv4: Any = "0.0.0.0/0",
        cidr_ipv6: Any = None,
        port: Any = 5432,
        protocol: str = "tcp",
        unknown: tuple[str, ...] = (),
    ) -> None:
        """An aws_vpc_security_group_ingress_rule on `group` (whose id is unknown)."""
        after = {
            "cidr_ipv4": cidr_ipv4,
            "cidr_ipv6": cidr_ipv6,
            "ip_protocol": protocol,
            "from_port": None if protocol == "-1" else port,
            "to_port": None if protocol == "-1" else port,
        }
        b.add(
            address,
            after,
            unknown=["id", "arn", "security_group_id", *unknown],
            expressions={"security_group_id": refs(f"{group}.id")},
        )

    @staticmethod
    def classic_rule(
        b: PlanBuilder,
        address: str,
        group: str = "aws_security_group.db",
        *,
        cidrs: Any = ("0.0.0.0/0",),
        ipv6: Any = None,
        from_port: int = 5432,
        to_port: int | None = None,
        protocol: str = "tcp",
        kind: str = "ingress",
    ) -> None:
        """An aws_security_group_rule on `group` (whose id is unknown)."""
        after = {
            "type": kind,
            "protocol": protocol,
            "from_port": from_port,
            "to_port": from_port if to_port is None else to_port,
            "cidr_blocks": list(cidrs) if cidrs is not None else None,
            "ipv6_cidr_blocks": list(ipv6) if ipv6 is not None else None,
            "self": False,
        }
        b.add(
            address,
            after,
            unknown=["id", "security_group_id", "source_security_group_id"],
            expressions={"security_group_id": refs(f"{group}.id")},
        )


@pytest.fixture
def kit() -> type[RdsKit]:
    return RdsKit


@pytest.fixture
def b() -> PlanBuilder:
    return PlanBuilder()
