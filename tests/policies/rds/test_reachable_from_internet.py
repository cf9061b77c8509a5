"""PG-RDS-006: databases with every network layer open at once."""

from __future__ import annotations

from plangate.policies.rds.reachable_from_internet import rds_reachable_from_internet
from plangate.testing import refs, run_policy, summarise

RULE = "aws_vpc_security_group_ingress_rule.public"


def _exposed(b, kit, *, public=True, subnets=("aws_subnet.public",), rule=True):
    kit.network(b)
    kit.subnet_group(b, subnets=subnets)
    kit.security_group(b)
    kit.db(b, publicly_accessible=public)
    if rule:
        kit.vpc_rule(b, RULE)


def test_a_public_instance_in_a_public_subnet_behind_an_open_group_is_blocked(b, kit):
    _exposed(b, kit)
    findings = run_policy(rds_reachable_from_internet, b)
    assert summarise(findings) == [
        ("PG-RDS-006", "aws_db_instance.main", "publicly_accessible", "certain")
    ]
    assert findings[0].chain == (
        "aws_db_instance.main",
        "aws_db_subnet_group.main",
        "aws_subnet.public[0]",
        "aws_route_table.public",
        "aws_internet_gateway.main",
        "aws_security_group.db",
        RULE,
    )
    assert "reachable from the internet" in findings[0].message


def test_a_private_instance_passes(b, kit):
    _exposed(b, kit, public=False)
    assert run_policy(rds_reachable_from_internet, b) == []


def test_an_instance_in_private_subnets_passes(b, kit):
    _exposed(b, kit, subnets=("aws_subnet.private",))
    assert run_policy(rds_reachable_from_internet, b) == []


def test_an_instance_behind_a_closed_group_passes(b, kit):
    _exposed(b, kit, rule=False)
    assert run_policy(rds_reachable_from_internet, b) == []


def test_an_unknown_layer_makes_the_finding_possible(b, kit):
    _exposed(b, kit, public=None)
    data = b.to_dict()
    for raw in data["resource_changes"]:
        if raw["address"] == "aws_db_instance.main":
            raw["change"]["after"].pop("publicly_accessible")
            raw["change"]["after_unknown"]["publicly_accessible"] = True
    for raw in data["configuration"]["root_module"]["resources"]:
        if raw["address"] == "aws_db_instance.main":
            raw["expressions"]["publicly_accessible"] = refs("var.public")
    (found,) = run_policy(rds_reachable_from_internet, data)
    assert str(found.certainty) == "possible"
    assert "may be true" in found.message


def test_an_aurora_cluster_instance_is_followed_through_its_cluster(b, kit):
    kit.network(b)
    kit.subnet_group(b, subnets=("aws_subnet.public",))
    kit.security_group(b)
    kit.vpc_rule(b, RULE, port=3306)
    b.add(
        "aws_rds_cluster.main",
        {"engine": "aurora-mysql", "db_subnet_group_name": "main"},
        unknown=["id", "port", "vpc_security_group_ids"],
        expressions={
            "vpc_security_group_ids": refs("aws_security_group.db.id"),
            "db_subnet_group_name": refs("aws_db_subnet_group.main.name"),
        },
    )
    b.add(
        "aws_rds_cluster_instance.main[0]",
        {"engine": "aurora-mysql", "publicly_accessible": True},
        unknown=["cluster_identifier", "db_subnet_group_name"],
        expressions={"cluster_identifier": refs("aws_rds_cluster.main.id")},
    )
    (found,) = run_policy(rds_reachable_from_internet, b)
    assert found.address == "aws_rds_cluster_instance.main[0]"
    assert found.chain[:3] == (
        "aws_rds_cluster_instance.main[0]",
        "aws_rds_cluster.main",
        "aws_db_subnet_group.main",
    )


def test_a_public_multi_az_db_cluster_is_followed_like_an_instance(b, kit):
    kit.network(b)
    kit.subnet_group(b, subnets=("aws_subnet.public",))
    kit.security_group(b)
    kit.vpc_rule(b, RULE)
    b.add(
        "aws_rds_cluster.main",
        {
            "engine": "postgres",
            "publicly_accessible": True,
            "db_cluster_instance_class": "db.m5d.large",
            "db_subnet_group_name": "main",
        },
        unknown=["id", "port", "vpc_security_group_ids"],
        expressions={
            "vpc_security_group_ids": refs("aws_security_group.db.id"),
            "db_subnet_group_name": refs("aws_db_subnet_group.main.name"),
        },
    )
    (found,) = run_policy(rds_reachable_from_internet, b)
    assert (found.address, str(found.certainty)) == ("aws_rds_cluster.main", "certain")
