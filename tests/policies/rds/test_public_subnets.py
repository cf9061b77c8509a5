"""PG-RDS-004: DB subnet groups that hold public subnets."""

from __future__ import annotations

from plangate.policies.rds.public_subnets import rds_public_subnets
from plangate.testing import refs, run_policy, summarise

GROUP = "aws_db_subnet_group.main"


def _run(b):
    return run_policy(rds_public_subnets, b)


def test_a_subnet_group_of_private_subnets_passes(b, kit):
    kit.network(b)
    kit.subnet_group(b)
    kit.db(b)
    assert _run(b) == []


def test_a_subnet_group_with_a_public_subnet_is_blocked_with_the_route(b, kit):
    kit.network(b)
    kit.subnet_group(b, subnets=("aws_subnet.private", "aws_subnet.public"))
    kit.db(b)
    findings = _run(b)
    assert summarise(findings) == [("PG-RDS-004", GROUP, "subnet_ids", "certain")]
    found = findings[0]
    assert found.chain == (
        "aws_db_instance.main",
        GROUP,
        "aws_subnet.public[0]",
        "aws_route_table.public",
        "aws_internet_gateway.main",
    )
    assert "aws_subnet.public[0], aws_subnet.public[1]" in found.message
    assert "0.0.0.0/0" in found.message
    assert "reachable from the internet" not in found.message


def test_a_public_database_in_a_public_subnet_is_reachable_from_the_internet(b, kit):
    kit.network(b)
    kit.subnet_group(b, subnets=("aws_subnet.public",))
    kit.db(b, "aws_db_instance.private")
    kit.db(b, "aws_db_instance.public", publicly_accessible=True)
    (found,) = _run(b)
    assert found.chain[0] == "aws_db_instance.public"
    assert (
        "aws_db_instance.public is publicly accessible, so the database is reachable from "
        "the internet" in found.message
    )


def test_a_subnet_public_only_by_its_route_is_blocked(b, kit):
    kit.vpc(b)
    kit.public_route_table(b)
    kit.subnet(
        b, "aws_subnet.edge", "10.0.5.0/24", map_public=False, table="aws_route_table.public"
    )
    kit.subnet_group(b, subnets=("aws_subnet.edge",))
    (found,) = _run(b)
    assert "route 0.0.0.0/0 to internet gateway aws_internet_gateway.main" in found.message


def test_a_subnet_group_no_database_uses_is_still_blocked(b, kit):
    kit.network(b)
    kit.subnet_group(b, subnets=("aws_subnet.public",))
    (found,) = _run(b)
    assert found.chain[0] == GROUP


def test_the_group_is_found_by_known_name(b, kit):
    kit.network(b)
    kit.subnet_group(b, subnets=("aws_subnet.public",), name="prod-db")
    b.add(
        "aws_db_instance.main",
        {"engine": "postgres", "db_subnet_group_name": "prod-db", "publicly_accessible": True},
    )
    (found,) = _run(b)
    assert found.chain[0] == "aws_db_instance.main"


def test_subnets_reached_through_module_outputs_are_followed(b, kit):
    kit.vpc(b)
    b.add("module.network.aws_vpc.main", {}, unknown=["id"])
    for key in ("us-east-1a", "us-east-1b"):
        b.add(
            f'module.network.aws_subnet.public["{key}"]',
            {"map_public_ip_on_launch": True},
            unknown=["id"],
        )
    b.add(
        "module.database.aws_db_subnet_group.with_public[0]",
        {"name": "db-with-public"},
        unknown=["subnet_ids"],
        expressions={"subnet_ids": refs("var.public_subnet_ids")},
    )
    b.module_call(
        "module.database", inputs={"public_subnet_ids": refs("module.network.public_subnet_ids")}
    )
    b.module_call(
        "module.network", outputs={"public_subnet_ids": {"references": ["aws_subnet.public"]}}
    )
    assert summarise(_run(b)) == [
        (
            "PG-RDS-004",
            "module.database.aws_db_subnet_group.with_public[0]",
            "subnet_ids",
            "certain",
        )
    ]


def test_a_subnet_whose_publicness_is_unknown_is_a_possible_finding(b, kit):
    kit.vpc(b)
    b.add(
        "aws_subnet.a",
        {},
        unknown=["id", "map_public_ip_on_launch"],
        expressions={"map_public_ip_on_launch": refs("var.public")},
    )
    kit.subnet_group(b, subnets=("aws_subnet.a",))
    assert summarise(_run(b)) == [("PG-RDS-004", GROUP, "subnet_ids", "possible")]


def test_an_existing_group_unchanged_is_blocked_but_not_new(b):
    b.add("aws_subnet.a", {"id": "subnet-1", "map_public_ip_on_launch": True}, action="no-op")
    b.add(GROUP, {"name": "main", "subnet_ids": ["subnet-1"]}, action="no-op")
    (found,) = _run(b)
    assert found.new is False
