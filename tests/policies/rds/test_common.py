"""What the RDS policies share: a database's links and its engine's default port."""

from __future__ import annotations

import time

import pytest
from plangate import UNKNOWN
from plangate.policies.rds._common import db_security_groups, db_subnet_group, engine_default_port
from plangate.testing import refs

# -- ports -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("engine", "port"),
    [
        ("postgres", 5432),
        ("aurora-postgresql", 5432),
        ("mysql", 3306),
        ("mariadb", 3306),
        ("aurora-mysql", 3306),
        ("aurora", 3306),
        ("oracle-ee", 1521),
        ("oracle-se2-cdb", 1521),
        ("custom-oracle-ee", 1521),
        ("sqlserver-ex", 1433),
        ("sqlserver-se", 1433),
        ("custom-sqlserver-web", 1433),
        ("db2-se", 50000),
        ("db2-ae", 50000),
        ("neptune", None),
        (UNKNOWN, None),
        (None, None),
    ],
)
def test_engines_have_their_default_ports(engine, port):
    assert engine_default_port(engine) == port


# -- links ---------------------------------------------------------------------------------


def test_a_link_follows_module_variables_to_a_group_with_an_unknown_id(b, kit):
    kit.security_group(b, "module.net.aws_security_group.db")
    b.add(
        "module.db.aws_db_instance.main",
        {"engine": "postgres"},
        unknown=["vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs("var.sg_ids")},
    )
    b.module_call("module.db", inputs={"sg_ids": refs("module.net.db_sg_id")})
    b.module_call("module.net", outputs={"db_sg_id": refs("aws_security_group.db.id")})
    plan = b.build()
    link = db_security_groups(plan, plan.by_address["module.db.aws_db_instance.main"])
    assert link.keys == {"module.net.aws_security_group.db"}
    assert not link.open


def test_known_values_win_over_the_references_of_both_branches(b):
    b.add("aws_db_subnet_group.private", {"name": "private"})
    b.add("aws_db_subnet_group.public", {"name": "public"})
    b.add(
        "aws_db_instance.main",
        {"db_subnet_group_name": "private"},
        expressions={
            "db_subnet_group_name": refs(
                "aws_db_subnet_group.public.name", "aws_db_subnet_group.private.name"
            )
        },
    )
    plan = b.build()
    link = db_subnet_group(plan, plan.by_address["aws_db_instance.main"])
    assert [t.address for t in link.targets] == ["aws_db_subnet_group.private"]


def test_a_known_id_naming_nothing_in_the_plan_is_kept_as_an_id(b):
    b.add("aws_db_instance.main", {"vpc_security_group_ids": ["sg-0abc"]})
    plan = b.build()
    link = db_security_groups(plan, plan.by_address["aws_db_instance.main"])
    assert link.ids == ("sg-0abc",)
    assert not link.open


def test_a_link_through_a_local_value_stays_open(b, kit):
    kit.security_group(b)
    b.add(
        "aws_db_instance.main",
        {},
        unknown=["vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs("local.db_groups")},
    )
    plan = b.build()
    link = db_security_groups(plan, plan.by_address["aws_db_instance.main"])
    assert link.open and not link.targets


def test_a_list_with_one_unknown_member_keeps_its_known_members(b, kit):
    kit.security_group(b)
    b.add(
        "aws_db_instance.main",
        {"vpc_security_group_ids": [None, "sg-0known"]},
        unknown=["vpc_security_group_ids.0"],
        expressions={"vpc_security_group_ids": refs("aws_security_group.db.id")},
    )
    plan = b.build()
    link = db_security_groups(plan, plan.by_address["aws_db_instance.main"])
    assert link.keys == {"aws_security_group.db", "sg-0known"}


def test_a_cluster_instance_uses_its_clusters_groups(b, kit):
    kit.security_group(b)
    b.add(
        "aws_rds_cluster.main",
        {"engine": "aurora-postgresql"},
        unknown=["id", "vpc_security_group_ids"],
        expressions={"vpc_security_group_ids": refs("aws_security_group.db.id")},
    )
    b.add(
        "aws_rds_cluster_instance.main[0]",
        {},
        unknown=["cluster_identifier"],
        expressions={"cluster_identifier": refs("aws_rds_cluster.main.id")},
    )
    plan = b.build()
    link = db_security_groups(plan, plan.by_address["aws_rds_cluster_instance.main[0]"])
    assert link.keys == {"aws_security_group.db"}


def test_a_database_naming_thousands_of_groups_by_id_is_linked_at_once(b):
    # Each group found was compared with every group found before it: 20,000 groups (a
    # 16 MB plan) took 7 s, 40,000 28 s.
    ids = [f"sg-{n:017x}" for n in range(20_000)]
    for n, group in enumerate(ids):
        b.prior(f'aws_security_group.g["{n}"]', {"id": group, "name": f"g{n}"})
    b.add("aws_db_instance.main", {"vpc_security_group_ids": [*ids, ids[0]]})
    plan = b.build()
    db = plan.by_address["aws_db_instance.main"]
    started = time.perf_counter()
    link = db_security_groups(plan, db)
    assert time.perf_counter() - started < 2.0
    assert len(link.targets) == len(ids) and not link.ids
