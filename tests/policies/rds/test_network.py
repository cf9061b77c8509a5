"""The shared AWS network knowledge (`aws.id_links`, `aws.security_groups`, `aws.subnets`):
ports, links, security group rules, subnets, on plans shaped like RDS deployments."""

from __future__ import annotations

import pytest
from plangate import UNKNOWN, Certainty, Plan
from plangate.policies.aws.id_links import linked
from plangate.policies.aws.security_groups import (
    covers_port,
    ingress_rules,
    port_text,
    unlinked_ingress_rules,
)
from plangate.policies.aws.subnets import subnet_exposure
from plangate.testing import refs

CERTAIN, POSSIBLE = Certainty.CERTAIN, Certainty.POSSIBLE

# -- ports -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("protocol", "low", "high", "port", "expected"),
    [
        ("tcp", 5432, 5432, 5432, CERTAIN),
        ("tcp", 5000, 6000, 5432, CERTAIN),
        ("TCP", "5432", "5432", 5432, CERTAIN),
        ("6", 5432.0, 5432.0, 5432, CERTAIN),
        ("tcp", 0, 65535, 6543, CERTAIN),
        ("tcp", 5433, 6000, 5432, None),
        ("tcp", 3306, 3306, 5432, None),
        ("-1", 0, 0, 5432, CERTAIN),
        ("all", 0, 0, 1433, CERTAIN),
        (-1, None, None, 5432, CERTAIN),
        ("udp", 0, 65535, 5432, None),
        ("17", 5432, 5432, 5432, None),
        ("icmp", -1, -1, 5432, None),
        (UNKNOWN, 5432, 5432, 5432, POSSIBLE),
        ("tcp", UNKNOWN, UNKNOWN, 5432, POSSIBLE),
        ("tcp", 22, 22, None, POSSIBLE),
        ("tcp", 0, 65535, None, CERTAIN),
        ("-1", 0, 0, None, CERTAIN),
    ],
)
def test_port_coverage_follows_protocol_and_range(protocol, low, high, port, expected):
    assert covers_port(protocol, low, high, port) is expected


def test_port_text_names_the_reach():
    assert port_text("tcp", 5432, 5432) == "tcp 5432"
    assert port_text("tcp", 0, 65535) == "tcp 0-65535"
    assert port_text("-1", None, None) == "all ports (protocol -1)"


# -- links -----------------------------------------------------------------------------------


def test_each_value_in_a_for_each_over_resources_links_the_same_key(b):
    for key in ("a", "b"):
        b.add(f'aws_subnet.public["{key}"]', {}, unknown=["id"])
        b.add(
            f'aws_route_table_association.public["{key}"]',
            {},
            unknown=["subnet_id"],
            expressions={"subnet_id": refs("each.value.id")},
        )
    plan = b.to_dict()
    config = plan["configuration"]["root_module"]["resources"]
    for resource in config:
        if resource["type"] == "aws_route_table_association":
            resource["for_each_expression"] = refs("aws_subnet.public")
    built = Plan(plan)
    link = linked(
        built,
        built.by_address['aws_route_table_association.public["b"]'],
        "subnet_id",
        ("aws_subnet",),
    )
    assert link.keys == {'aws_subnet.public["b"]'}


# -- security group rules ----------------------------------------------------------------------


def test_rules_are_collected_from_all_three_sources(b, kit):
    kit.security_group(b, ingress=[kit.inline(("10.0.0.0/8",))])
    kit.classic_rule(b, "aws_security_group_rule.a")
    kit.classic_rule(b, "aws_security_group_rule.out", kind="egress")
    kit.vpc_rule(b, "aws_vpc_security_group_ingress_rule.b")
    plan = b.build()
    carriers = [r.carrier.address for r in ingress_rules(plan, "aws_security_group.db")]
    assert sorted(carriers) == [
        "aws_security_group.db",
        "aws_security_group_rule.a",
        "aws_vpc_security_group_ingress_rule.b",
    ]


def test_a_new_group_without_inline_rules_has_none(b, kit):
    kit.security_group(b)  # ingress planned as known after apply, not configured
    plan = b.build()
    assert ingress_rules(plan, "aws_security_group.db") == []


def test_configured_inline_rules_known_only_after_apply_may_admit_anything(b):
    b.add(
        "aws_security_group.db",
        {},
        unknown=["id", "ingress"],
        expressions={"ingress": refs("var.rules")},
    )
    plan = b.build()
    (rule,) = ingress_rules(plan, "aws_security_group.db")
    assert [v for _, v in rule.open_to(5432)] == [POSSIBLE]


def test_a_rule_of_unknown_type_may_be_ingress(b, kit):
    kit.classic_rule(b, "aws_security_group_rule.a")
    kit.security_group(b)
    data = b.to_dict()
    change = data["resource_changes"][0]["change"]
    change["after"].pop("type")
    change["after_unknown"]["type"] = True
    plan = Plan(data)
    (rule,) = ingress_rules(plan, "aws_security_group.db")
    assert [v for _, v in rule.open_to(5432)] == [POSSIBLE]


def test_a_rule_on_an_unresolvable_group_is_unlinked(b):
    b.add(
        "aws_vpc_security_group_ingress_rule.x",
        {"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "-1"},
        unknown=["security_group_id"],
        expressions={"security_group_id": refs("local.sg_id")},
    )
    plan = b.build()
    assert [r.carrier.address for r in unlinked_ingress_rules(plan)] == [
        "aws_vpc_security_group_ingress_rule.x"
    ]


def test_a_rule_links_to_a_group_by_known_id(b):
    b.add("aws_security_group.db", {"id": "sg-0db", "ingress": []}, action="no-op")
    b.add(
        "aws_security_group_rule.a",
        {
            "type": "ingress",
            "security_group_id": "sg-0db",
            "protocol": "tcp",
            "from_port": 5432,
            "to_port": 5432,
            "cidr_blocks": ["0.0.0.0/0"],
        },
    )
    plan = b.build()
    assert [r.carrier.address for r in ingress_rules(plan, "aws_security_group.db")] == [
        "aws_security_group_rule.a"
    ]


def test_prefix_list_entries_in_the_plan_are_sources(b, kit):
    b.add(
        "aws_ec2_managed_prefix_list.office",
        {"entry": [{"cidr": "198.51.100.0/24", "description": "office"}]},
        unknown=["id", "arn"],
    )
    b.add(
        "aws_vpc_security_group_ingress_rule.office",
        {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432},
        unknown=["security_group_id", "prefix_list_id"],
        expressions={
            "security_group_id": refs("aws_security_group.db.id"),
            "prefix_list_id": refs("aws_ec2_managed_prefix_list.office.id"),
        },
    )
    kit.security_group(b)
    plan = b.build()
    (rule,) = ingress_rules(plan, "aws_security_group.db")
    ((source, verdict),) = rule.open_to(5432)
    assert (source.cidr, source.via, verdict) == (
        "198.51.100.0/24",
        "aws_ec2_managed_prefix_list.office",
        CERTAIN,
    )


# -- subnets -----------------------------------------------------------------------------------


def test_a_subnet_routed_to_an_internet_gateway_is_public(b, kit):
    kit.vpc(b)
    kit.public_route_table(b)
    kit.subnet(b, "aws_subnet.a", "10.0.0.0/24", table="aws_route_table.public")
    plan = b.build()
    exposure = subnet_exposure(plan, plan.by_address["aws_subnet.a"])
    assert exposure is not None and exposure.certainty is CERTAIN
    assert exposure.hops == ("aws_route_table.public", "aws_internet_gateway.main")
    assert "0.0.0.0/0" in exposure.reason


def test_an_ipv6_default_route_to_an_internet_gateway_is_public(b, kit):
    kit.vpc(b)
    kit.public_route_table(b, destination="::/0")
    kit.subnet(b, "aws_subnet.a", "10.0.0.0/24", table="aws_route_table.public")
    plan = b.build()
    exposure = subnet_exposure(plan, plan.by_address["aws_subnet.a"])
    assert exposure is not None and "::/0" in exposure.reason


def test_a_subnet_with_map_public_ip_on_launch_is_public(b, kit):
    kit.vpc(b)
    kit.subnet(b, "aws_subnet.a", "10.0.0.0/24", map_public=True)
    plan = b.build()
    exposure = subnet_exposure(plan, plan.by_address["aws_subnet.a"])
    assert exposure is not None and exposure.reason == "map_public_ip_on_launch = true"


def test_a_subnet_routed_through_nat_passes(b, kit):
    kit.vpc(b)
    kit.private_route_table(b)
    b.add(
        "aws_route.nat",
        {"destination_cidr_block": "0.0.0.0/0", "gateway_id": None},
        unknown=["route_table_id", "nat_gateway_id"],
        expressions={
            "route_table_id": refs("aws_route_table.private.id"),
            "nat_gateway_id": refs("aws_nat_gateway.main.id"),
        },
    )
    kit.subnet(b, "aws_subnet.a", "10.0.10.0/24", table="aws_route_table.private")
    plan = b.build()
    assert subnet_exposure(plan, plan.by_address["aws_subnet.a"]) is None


def test_an_aws_route_to_the_internet_gateway_makes_the_table_public(b, kit):
    kit.vpc(b)
    kit.private_route_table(b, "aws_route_table.edge")
    b.add(
        "aws_route.igw",
        {"destination_cidr_block": "0.0.0.0/0"},
        unknown=["route_table_id", "gateway_id"],
        expressions={
            "route_table_id": refs("aws_route_table.edge.id"),
            "gateway_id": refs("aws_internet_gateway.main.id"),
        },
    )
    kit.subnet(b, "aws_subnet.a", "10.0.0.0/24", table="aws_route_table.edge")
    plan = b.build()
    exposure = subnet_exposure(plan, plan.by_address["aws_subnet.a"])
    assert exposure is not None
    assert exposure.hops == ("aws_route_table.edge", "aws_route.igw", "aws_internet_gateway.main")


def test_a_route_to_a_vpn_gateway_passes(b, kit):
    kit.vpc(b)
    b.add(
        "aws_route_table.vpn",
        {"route": [{"cidr_block": "0.0.0.0/0"}]},
        unknown=["id", "route.0.gateway_id"],
        expressions={"route": refs("aws_vpn_gateway.main.id")},
    )
    b.add("aws_vpn_gateway.main", {}, unknown=["id"])
    kit.subnet(b, "aws_subnet.a", "10.0.0.0/24", table="aws_route_table.vpn")
    plan = b.build()
    assert subnet_exposure(plan, plan.by_address["aws_subnet.a"]) is None


def test_a_known_igw_id_is_an_internet_gateway(b):
    b.add(
        "aws_route_table.rt",
        {"id": "rtb-1", "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0abc"}]},
        action="no-op",
    )
    b.add("aws_subnet.a", {"id": "subnet-1", "map_public_ip_on_launch": False}, action="no-op")
    b.add(
        "aws_route_table_association.a",
        {"subnet_id": "subnet-1", "route_table_id": "rtb-1"},
        action="no-op",
    )
    plan = b.build()
    exposure = subnet_exposure(plan, plan.by_address["aws_subnet.a"])
    assert exposure is not None and "igw-0abc" in exposure.reason


def test_a_subnet_without_association_uses_the_vpc_main_route_table(b, kit):
    kit.vpc(b)
    kit.public_route_table(b)
    b.add(
        "aws_main_route_table_association.main",
        {},
        unknown=["vpc_id", "route_table_id"],
        expressions={
            "vpc_id": refs("aws_vpc.main.id"),
            "route_table_id": refs("aws_route_table.public.id"),
        },
    )
    kit.subnet(b, "aws_subnet.a", "10.0.0.0/24")
    plan = b.build()
    assert subnet_exposure(plan, plan.by_address["aws_subnet.a"]) is not None


def test_the_default_route_table_is_the_main_table_of_its_vpc(b, kit):
    kit.vpc(b)
    b.add(
        "aws_default_route_table.main",
        {"route": [{"cidr_block": "0.0.0.0/0"}]},
        unknown=["route.0.gateway_id", "default_route_table_id"],
        expressions={
            "default_route_table_id": refs("aws_vpc.main.default_route_table_id"),
            "route": refs("aws_internet_gateway.main.id"),
        },
    )
    kit.subnet(b, "aws_subnet.a", "10.0.0.0/24")
    plan = b.build()
    exposure = subnet_exposure(plan, plan.by_address["aws_subnet.a"])
    assert exposure is not None and exposure.hops[0] == "aws_default_route_table.main"


def test_an_explicit_association_overrides_the_public_main_table(b, kit):
    kit.vpc(b)
    kit.public_route_table(b)
    kit.private_route_table(b)
    b.add(
        "aws_main_route_table_association.main",
        {},
        unknown=["vpc_id", "route_table_id"],
        expressions={
            "vpc_id": refs("aws_vpc.main.id"),
            "route_table_id": refs("aws_route_table.public.id"),
        },
    )
    kit.subnet(b, "aws_subnet.a", "10.0.10.0/24", table="aws_route_table.private")
    plan = b.build()
    assert subnet_exposure(plan, plan.by_address["aws_subnet.a"]) is None


def test_an_unknown_map_public_ip_may_make_a_subnet_public(b, kit):
    kit.vpc(b)
    b.add(
        "aws_subnet.a",
        {"cidr_block": "10.0.0.0/24"},
        unknown=["id", "map_public_ip_on_launch"],
        expressions={"map_public_ip_on_launch": refs("var.public")},
    )
    plan = b.build()
    exposure = subnet_exposure(plan, plan.by_address["aws_subnet.a"])
    assert exposure is not None and exposure.certainty is POSSIBLE


def test_a_private_subnet_without_routes_passes(b, kit):
    kit.vpc(b)
    kit.subnet(b, "aws_subnet.a", "10.0.10.0/24", map_public=False)
    plan = b.build()
    assert subnet_exposure(plan, plan.by_address["aws_subnet.a"]) is None


def test_a_default_route_split_in_two_halves_to_an_internet_gateway_is_public(b, kit):
    kit.vpc(b)
    b.add(
        "aws_route_table.split",
        {
            "route": [
                {"cidr_block": "0.0.0.0/1", "ipv6_cidr_block": "", "gateway_id": None},
                {"cidr_block": "128.0.0.0/1", "ipv6_cidr_block": "", "gateway_id": None},
            ]
        },
        unknown=["id", "route.0.gateway_id", "route.1.gateway_id"],
        expressions={"route": refs("aws_internet_gateway.main.id")},
    )
    kit.subnet(b, "aws_subnet.a", "10.0.0.0/24", table="aws_route_table.split")
    plan = b.build()
    exposure = subnet_exposure(plan, plan.by_address["aws_subnet.a"])
    assert exposure is not None and exposure.certainty is CERTAIN
    assert "0.0.0.0/1" in exposure.reason


def test_a_route_to_a_private_range_through_an_internet_gateway_passes(b, kit):
    kit.vpc(b)
    b.add(
        "aws_route_table.odd",
        {"route": [{"cidr_block": "10.8.0.0/16", "gateway_id": None}]},
        unknown=["id", "route.0.gateway_id"],
        expressions={"route": refs("aws_internet_gateway.main.id")},
    )
    kit.subnet(b, "aws_subnet.a", "10.0.0.0/24", table="aws_route_table.odd")
    plan = b.build()
    assert subnet_exposure(plan, plan.by_address["aws_subnet.a"]) is None


def test_an_ipv6_default_route_to_an_egress_only_gateway_passes(b, kit):
    kit.vpc(b)
    kit.private_route_table(b)
    b.add("aws_egress_only_internet_gateway.main", {}, unknown=["id"])
    b.add(
        "aws_route.v6",
        {"destination_ipv6_cidr_block": "::/0", "gateway_id": None},
        unknown=["route_table_id", "egress_only_gateway_id"],
        expressions={
            "route_table_id": refs("aws_route_table.private.id"),
            "egress_only_gateway_id": refs("aws_egress_only_internet_gateway.main.id"),
        },
    )
    kit.subnet(b, "aws_subnet.a", "10.0.10.0/24", table="aws_route_table.private")
    plan = b.build()
    assert subnet_exposure(plan, plan.by_address["aws_subnet.a"]) is None


def test_a_route_on_the_vpc_main_route_table_id_makes_unassociated_subnets_public(b, kit):
    kit.vpc(b)
    b.add(
        "aws_route.internet",
        {"destination_cidr_block": "0.0.0.0/0"},
        unknown=["route_table_id", "gateway_id"],
        expressions={
            "route_table_id": refs("aws_vpc.main.main_route_table_id"),
            "gateway_id": refs("aws_internet_gateway.main.id"),
        },
    )
    kit.subnet(b, "aws_subnet.a", "10.0.0.0/24")
    kit.private_route_table(b)
    kit.subnet(b, "aws_subnet.b", "10.0.10.0/24", table="aws_route_table.private")
    plan = b.build()
    exposure = subnet_exposure(plan, plan.by_address["aws_subnet.a"])
    assert exposure is not None and exposure.certainty is CERTAIN
    assert exposure.hops == ("aws_vpc.main", "aws_route.internet", "aws_internet_gateway.main")
    assert "main route table of aws_vpc.main" in exposure.reason
    assert subnet_exposure(plan, plan.by_address["aws_subnet.b"]) is None


def test_a_prefix_list_filled_by_entry_resources_admits_their_ranges(b, kit):
    b.add("aws_ec2_managed_prefix_list.office", {}, unknown=["id", "arn", "entry"])
    b.add(
        "aws_ec2_managed_prefix_list_entry.any",
        {"cidr": "0.0.0.0/0"},
        unknown=["id", "prefix_list_id"],
        expressions={"prefix_list_id": refs("aws_ec2_managed_prefix_list.office.id")},
    )
    b.add(
        "aws_vpc_security_group_ingress_rule.office",
        {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432},
        unknown=["security_group_id", "prefix_list_id"],
        expressions={
            "security_group_id": refs("aws_security_group.db.id"),
            "prefix_list_id": refs("aws_ec2_managed_prefix_list.office.id"),
        },
    )
    kit.security_group(b)
    plan = b.build()
    (rule,) = ingress_rules(plan, "aws_security_group.db")
    assert [(s.cidr, v) for s, v in rule.open_to(5432)] == [("0.0.0.0/0", CERTAIN)]
