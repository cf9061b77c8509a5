"""The RDS pack's part of the assurance map on hand-built plans: what it lists, and
that it stays linear when one security group is shared across a whole estate."""

from __future__ import annotations

import time

from plangate import Gate
from plangate.policies.rds._map import MAX_MEMBERS
from plangate.testing import PlanBuilder


def shared_estate(databases: int, services: int) -> PlanBuilder:
    """`databases` databases whose groups each admit sg-app on 5432, and `services` ECS
    services running in sg-app."""
    builder = PlanBuilder()
    builder.add("aws_security_group.app", {"id": "sg-app", "name": "app"})
    for i in range(services):
        builder.add(
            f'aws_ecs_service.svc["{i}"]',
            {"name": f"svc{i}", "network_configuration": [{"security_groups": ["sg-app"]}]},
        )
    for i in range(databases):
        builder.add(f'aws_security_group.db["{i}"]', {"id": f"sg-db{i}", "name": f"db{i}"})
        builder.add(
            f'aws_vpc_security_group_ingress_rule.db["{i}"]',
            {
                "security_group_id": f"sg-db{i}",
                "referenced_security_group_id": "sg-app",
                "ip_protocol": "tcp",
                "from_port": 5432,
                "to_port": 5432,
            },
        )
        builder.add(
            f'aws_db_instance.db["{i}"]',
            {
                "identifier": f"db{i}",
                "engine": "postgres",
                "publicly_accessible": False,
                "vpc_security_group_ids": [f"sg-db{i}"],
            },
        )
    return builder


def test_a_database_lists_the_compute_behind_the_group_that_reaches_it():
    report = Gate().check([shared_estate(1, 2).build()], map=True)
    [db] = report.maps[0]["packs"]["rds"]["databases"]
    assert [(i["source_kind"], i["source"], i["used_by"]) for i in db["inbound"]] == [
        (
            "security_group",
            "aws_security_group.app",
            ['aws_ecs_service.svc["0"]', 'aws_ecs_service.svc["1"]'],
        )
    ]


def test_a_group_shared_by_a_whole_estate_is_drawn_once_and_its_users_counted():
    started = time.perf_counter()
    report = Gate().check([shared_estate(400, 400).build()], map=True)
    seconds = time.perf_counter() - started
    [model] = report.maps
    databases = model["packs"]["rds"]["databases"]
    assert len(databases) == 400
    used_by = databases[0]["inbound"][0]["used_by"]
    assert used_by[-1] == f"and {400 - MAX_MEMBERS} more" and len(used_by) == MAX_MEMBERS + 1
    [plane] = [p for p in model["planes"] if p["id"] == "rds.application"]
    # each database once, the shared group once: not each service at each database
    assert plane["size"]["edges"] < 1_000
    assert seconds < 30
