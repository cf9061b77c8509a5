"""PG-RDS-002: database security groups that admit the internet to the database port."""

from __future__ import annotations

import pytest
from plangate.policies.rds.open_security_group import rds_open_security_group
from plangate.testing import refs, run_policy, summarise

RULE = "aws_vpc_security_group_ingress_rule.public"


def _run(b):
    return run_policy(rds_open_security_group, b)


def test_a_rule_open_to_the_world_on_the_db_port_is_blocked(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.vpc_rule(b, RULE)
    findings = _run(b)
    assert summarise(findings) == [("PG-RDS-002", RULE, "cidr_ipv4", "certain")]
    found = findings[0]
    assert found.chain == ("aws_db_instance.main", "aws_security_group.db", RULE)
    assert "0.0.0.0/0" in found.message and "port 5432" in found.message
    assert found.new is True


def test_ingress_from_the_app_security_group_passes(b, kit):
    kit.security_group(b)
    kit.db(b)
    b.add(
        "aws_vpc_security_group_ingress_rule.from_app",
        {"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_ipv4": None},
        unknown=["security_group_id", "referenced_security_group_id"],
        expressions={
            "security_group_id": refs("aws_security_group.db.id"),
            "referenced_security_group_id": refs("aws_security_group.app.id"),
        },
    )
    kit.classic_rule(b, "aws_security_group_rule.from_app", cidrs=None)
    assert _run(b) == []


@pytest.mark.parametrize(
    "cidr", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "10.20.0.0/16"]
)
def test_ingress_from_private_ranges_passes(b, kit, cidr):
    kit.security_group(b)
    kit.db(b)
    kit.vpc_rule(b, RULE, cidr_ipv4=cidr)
    assert _run(b) == []


def test_ingress_from_unique_local_ipv6_passes(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.vpc_rule(b, RULE, cidr_ipv4=None, cidr_ipv6="fc00::/7")
    assert _run(b) == []


@pytest.mark.parametrize("cidr", ["::/0", "2600:1f18::/32"])
def test_ingress_from_public_ipv6_is_blocked(b, kit, cidr):
    kit.security_group(b)
    kit.db(b)
    kit.vpc_rule(b, RULE, cidr_ipv4=None, cidr_ipv6=cidr)
    (found,) = _run(b)
    assert (found.attribute, str(found.certainty)) == ("cidr_ipv6", "certain")
    assert cidr in found.message


def test_a_public_office_range_is_blocked_too(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.vpc_rule(b, RULE, cidr_ipv4="203.0.113.10/32")
    assert summarise(_run(b)) == [("PG-RDS-002", RULE, "cidr_ipv4", "certain")]


def test_a_port_range_that_includes_the_db_port_is_blocked(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.classic_rule(b, "aws_security_group_rule.wide", from_port=5000, to_port=6000)
    (found,) = _run(b)
    assert (found.address, found.attribute) == ("aws_security_group_rule.wide", "cidr_blocks")
    assert "tcp 5000-6000" in found.message


def test_a_port_range_that_misses_the_db_port_passes(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.classic_rule(b, "aws_security_group_rule.ssh", from_port=22)
    kit.classic_rule(b, "aws_security_group_rule.https", from_port=443, to_port=5431)
    assert _run(b) == []


def test_protocol_all_opens_every_port(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.vpc_rule(b, RULE, protocol="-1")
    (found,) = _run(b)
    assert "all ports" in found.message


def test_udp_to_the_db_port_passes(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.vpc_rule(b, RULE, protocol="udp")
    assert _run(b) == []


def test_a_non_default_port_is_the_one_that_counts(b, kit):
    kit.security_group(b)
    kit.db(b, port=6543)
    kit.vpc_rule(b, "aws_vpc_security_group_ingress_rule.default_port", port=5432)
    kit.vpc_rule(b, "aws_vpc_security_group_ingress_rule.real_port", port=6543)
    findings = _run(b)
    assert [f.address for f in findings] == ["aws_vpc_security_group_ingress_rule.real_port"]
    assert "port 6543" in findings[0].message


def test_the_engine_default_port_is_used_when_port_is_unknown(b, kit):
    kit.security_group(b)
    kit.db(b, engine="mysql")
    kit.vpc_rule(b, "aws_vpc_security_group_ingress_rule.postgres", port=5432)
    kit.vpc_rule(b, "aws_vpc_security_group_ingress_rule.mysql", port=3306)
    assert [f.address for f in _run(b)] == ["aws_vpc_security_group_ingress_rule.mysql"]


def test_an_unknown_port_and_engine_make_any_tcp_rule_possible(b, kit):
    kit.security_group(b)
    kit.db(b, engine=None)
    kit.vpc_rule(b, "aws_vpc_security_group_ingress_rule.ssh", port=22)
    kit.vpc_rule(b, "aws_vpc_security_group_ingress_rule.all", protocol="-1")
    assert sorted(summarise(_run(b))) == [
        ("PG-RDS-002", "aws_vpc_security_group_ingress_rule.all", "cidr_ipv4", "certain"),
        ("PG-RDS-002", "aws_vpc_security_group_ingress_rule.ssh", "cidr_ipv4", "possible"),
    ]


def test_an_inline_ingress_block_is_blocked_on_the_group(b, kit):
    kit.security_group(b, ingress=[kit.inline(("10.0.0.0/8",)), kit.inline(("0.0.0.0/0",))])
    kit.db(b)
    findings = _run(b)
    assert summarise(findings) == [("PG-RDS-002", "aws_security_group.db", "ingress", "certain")]
    assert findings[0].chain == ("aws_db_instance.main", "aws_security_group.db")


def test_an_inline_ipv6_block_is_blocked(b, kit):
    kit.security_group(b, ingress=[kit.inline((), ipv6=("::/0",))])
    kit.db(b)
    (found,) = _run(b)
    assert "::/0" in found.message


def test_an_aws_security_group_rule_is_blocked_on_the_rule(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.classic_rule(b, "aws_security_group_rule.db", cidrs=(), ipv6=("::/0",))
    assert summarise(_run(b)) == [
        ("PG-RDS-002", "aws_security_group_rule.db", "ipv6_cidr_blocks", "certain")
    ]


def test_an_egress_rule_passes(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.classic_rule(b, "aws_security_group_rule.out", protocol="-1", from_port=0, kind="egress")
    assert _run(b) == []


def test_an_ingress_cidr_known_only_after_apply_is_a_possible_finding(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.vpc_rule(b, RULE, cidr_ipv4=None, unknown=("cidr_ipv4",))
    findings = _run(b)
    assert summarise(findings) == [("PG-RDS-002", RULE, "cidr_ipv4", "possible")]
    assert "known only after apply" in findings[0].message


def test_groups_reached_through_module_variables_with_unknown_ids_are_checked(b, kit):
    kit.security_group(b, "module.network.aws_security_group.db")
    kit.vpc_rule(
        b, "module.network.aws_vpc_security_group_ingress_rule.public[0]", "aws_security_group.db"
    )
    b.add(
        "module.database.aws_db_instance.this",
        {"engine": "postgres", "port": 5432},
        unknown=["vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs("var.security_group_ids")},
    )
    b.module_call(
        "module.database",
        inputs={"security_group_ids": refs("module.network.db_security_group_id")},
    )
    b.module_call(
        "module.network", outputs={"db_security_group_id": refs("aws_security_group.db.id")}
    )
    (found,) = _run(b)
    assert found.address == "module.network.aws_vpc_security_group_ingress_rule.public[0]"
    assert found.chain == (
        "module.database.aws_db_instance.this",
        "module.network.aws_security_group.db",
        "module.network.aws_vpc_security_group_ingress_rule.public[0]",
    )


def test_count_and_for_each_instances_keep_their_addresses(b, kit):
    group = 'aws_security_group.db["a.b"]'
    b.add(
        group,
        {"name": "db", "ingress": [kit.inline()]},
        unknown=["id"],
        expressions={"ingress": {"constant_value": [kit.inline()]}},
    )
    b.add(
        'aws_security_group.db["c"]', {"name": "other", "ingress": [kit.inline()]}, unknown=["id"]
    )
    kit.db(b, "aws_db_instance.db[0]", groups=(f"{group}.id",))
    (found,) = _run(b)
    assert (found.address, found.chain) == (group, ("aws_db_instance.db[0]", group))


def test_an_aurora_cluster_is_checked_on_its_engine_port(b, kit):
    kit.security_group(b)
    b.add(
        "aws_rds_cluster.main",
        {"engine": "aurora-mysql"},
        unknown=["id", "port", "vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs("aws_security_group.db.id")},
    )
    b.add(
        "aws_rds_cluster_instance.main[0]",
        {"engine": "aurora-mysql"},
        unknown=["cluster_identifier"],
        expressions={"cluster_identifier": refs("aws_rds_cluster.main.id")},
    )
    kit.vpc_rule(b, RULE, port=3306)
    (found,) = _run(b)
    assert found.chain == ("aws_rds_cluster.main", "aws_security_group.db", RULE)
    assert "port 3306" in found.message


def test_a_group_named_by_known_id_outside_the_plan_is_checked(b):
    b.add(
        "aws_db_instance.main",
        {"engine": "postgres", "port": 5432, "vpc_security_group_ids": ["sg-0db"]},
        action="no-op",
    )
    b.add(
        "aws_security_group_rule.open",
        {
            "type": "ingress",
            "security_group_id": "sg-0db",
            "protocol": "tcp",
            "from_port": 5432,
            "to_port": 5432,
            "cidr_blocks": ["0.0.0.0/0"],
        },
    )
    (found,) = _run(b)
    assert found.chain == ("aws_db_instance.main", "sg-0db", "aws_security_group_rule.open")
    assert found.new is True


def test_an_open_rule_that_was_already_there_is_blocked_but_not_new(b):
    b.add(
        "aws_db_instance.main",
        {"engine": "postgres", "port": 5432, "vpc_security_group_ids": ["sg-0db"]},
        action="no-op",
    )
    b.add(
        "aws_security_group.db",
        {
            "id": "sg-0db",
            "ingress": [
                {
                    "protocol": "tcp",
                    "from_port": 5432,
                    "to_port": 5432,
                    "cidr_blocks": ["0.0.0.0/0"],
                }
            ],
        },
        action="no-op",
    )
    (found,) = _run(b)
    assert (found.address, found.new) == ("aws_security_group.db", False)


def test_a_rule_whose_group_cannot_be_told_is_a_possible_finding(b, kit):
    kit.security_group(b)
    kit.db(b)
    b.add(
        "aws_vpc_security_group_ingress_rule.mystery",
        {"cidr_ipv4": "0.0.0.0/0", "ip_protocol": "tcp", "from_port": 5432, "to_port": 5432},
        unknown=["security_group_id"],
        expressions={"security_group_id": refs("local.sg")},
    )
    (found,) = _run(b)
    assert (found.address, str(found.certainty)) == (
        "aws_vpc_security_group_ingress_rule.mystery",
        "possible",
    )


def test_a_db_whose_groups_cannot_be_told_may_use_an_open_group(b, kit):
    kit.security_group(b, "aws_security_group.wide_open", ingress=[kit.inline(protocol="-1")])
    b.add(
        "aws_db_instance.main",
        {"engine": "postgres"},
        unknown=["vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs("local.groups")},
    )
    findings = _run(b)
    assert summarise(findings) == [
        ("PG-RDS-002", "aws_security_group.wide_open", "ingress", "possible")
    ]
    assert "if it is one of the database's" in findings[0].message


def test_an_open_group_not_attached_to_the_db_passes(b, kit):
    kit.security_group(b)
    kit.security_group(b, "aws_security_group.web", ingress=[kit.inline(protocol="-1")])
    kit.db(b)
    assert _run(b) == []


def test_a_cidr_list_mixing_private_and_public_ranges_is_blocked_for_the_public_one(b, kit):
    kit.security_group(b)
    kit.db(b)
    kit.classic_rule(b, "aws_security_group_rule.mixed", cidrs=("10.0.0.0/8", "0.0.0.0/1"))
    (found,) = _run(b)
    assert "0.0.0.0/1" in found.message and "10.0.0.0/8" not in found.message


def _applied_group_listing_an_open_rule(b):
    """A group that configures no inline ingress, after apply: AWS lists every rule of the
    group in its `ingress`, the standalone rules' too."""
    b.add(
        "aws_db_instance.main",
        {"engine": "postgres", "port": 5432, "vpc_security_group_ids": ["sg-0db"]},
        action="no-op",
        expressions={"vpc_security_group_ids": refs("aws_security_group.db.id")},
    )
    b.add(
        "aws_security_group.db",
        {
            "id": "sg-0db",
            "name": "db",
            "ingress": [
                {
                    "protocol": "tcp",
                    "from_port": 5432,
                    "to_port": 5432,
                    "cidr_blocks": ["0.0.0.0/0"],
                    "ipv6_cidr_blocks": [],
                    "prefix_list_ids": [],
                    "security_groups": [],
                    "self": False,
                }
            ],
        },
        action="no-op",
        expressions={"name": {"constant_value": "db"}},
    )


OPEN_RULE = {
    "type": "ingress",
    "security_group_id": "sg-0db",
    "protocol": "tcp",
    "from_port": 5432,
    "to_port": 5432,
    "cidr_blocks": ["0.0.0.0/0"],
}


def test_deleting_an_open_standalone_rule_passes_though_the_group_still_lists_it(b):
    _applied_group_listing_an_open_rule(b)
    b.add("aws_security_group_rule.open", None, action="delete", before=OPEN_RULE)
    assert _run(b) == []


def test_an_open_standalone_rule_is_reported_on_the_rule_only(b):
    _applied_group_listing_an_open_rule(b)
    b.add("aws_security_group_rule.open", OPEN_RULE, action="no-op")
    assert summarise(_run(b)) == [
        ("PG-RDS-002", "aws_security_group_rule.open", "cidr_blocks", "certain")
    ]


def test_narrowing_an_open_standalone_rule_passes(b):
    _applied_group_listing_an_open_rule(b)
    b.add(
        "aws_security_group_rule.open",
        {**OPEN_RULE, "cidr_blocks": ["10.0.0.0/8"]},
        action="replace",
        before=OPEN_RULE,
    )
    assert _run(b) == []


def test_an_open_rule_added_outside_terraform_is_still_blocked_on_the_group(b):
    _applied_group_listing_an_open_rule(b)
    assert summarise(_run(b)) == [("PG-RDS-002", "aws_security_group.db", "ingress", "certain")]


def test_a_port_set_from_a_value_known_after_apply_makes_any_tcp_rule_possible(b, kit):
    kit.security_group(b)
    b.add("random_integer.port", {"min": 1024, "max": 65000}, unknown=["id", "result"])
    b.add(
        "aws_db_instance.main",
        {"engine": "postgres"},
        unknown=["id", "port", "vpc_security_group_ids"],
        expressions={
            "vpc_security_group_ids": refs("aws_security_group.db.id"),
            "port": refs("random_integer.port.result"),
        },
    )
    kit.vpc_rule(b, RULE, port=6000)
    (found,) = _run(b)
    assert (found.address, str(found.certainty)) == (RULE, "possible")
    assert "the database port" in found.message


def test_a_read_replica_listens_on_its_source_port(b, kit):
    kit.security_group(b)
    kit.vpc_rule(b, RULE, port=6432)
    b.add(
        "aws_db_instance.primary",
        {"engine": "postgres", "port": 6432},
        unknown=["id", "arn", "identifier", "vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs("aws_security_group.db.id")},
    )
    b.add(
        "aws_db_instance.replica",
        {"publicly_accessible": False},
        unknown=["id", "port", "engine", "replicate_source_db", "vpc_security_group_ids"],
        expressions={
            "vpc_security_group_ids": refs("aws_security_group.db.id"),
            "replicate_source_db": refs("aws_db_instance.primary.identifier"),
        },
    )
    findings = _run(b)
    assert [(f.chain[0], str(f.certainty)) for f in findings] == [
        ("aws_db_instance.primary", "certain"),
        ("aws_db_instance.replica", "certain"),
    ]
    assert all("port 6432" in f.message for f in findings)
