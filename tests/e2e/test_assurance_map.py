"""`plangate map` on every example plan of the reference project (written by the real
terraform binary, examples/make_plans.py): the map lists exactly the databases, inbound
paths, backend resources and principals the project creates, follows the schema that
ships in the package, and the good plan shows the seed's picture."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from plangate import Gate
from plangate.assurance_model import model_schema

PLANGATE = str(Path(sys.executable).parent / "plangate")
PLANS = Path(__file__).resolve().parents[2] / "examples" / "plans"
INDEX = json.loads((PLANS / "index.json").read_text())["variants"]

DB = "module.database.aws_db_instance.this"
TASKS_SG = "module.app.aws_security_group.service"
SERVICE = "module.app.aws_ecs_service.api"
LOCK = "module.state_backend.aws_dynamodb_table.lock[0]"
BUCKET = "module.state_backend.aws_s3_bucket.state"
TASK_ROLE = "module.app.aws_iam_role.task"
FROM_TASKS = ("security_group", TASKS_SG, "module.database.aws_security_group.db", (SERVICE,))
FROM_ANYWHERE = ("internet", "0.0.0.0/0", "module.database.aws_security_group.db", ())
PRIVATE = "module.database.aws_db_subnet_group.this"
WITH_PUBLIC = "module.database.aws_db_subnet_group.with_public[0]"
RDS_GUARDS = {"PG-RDS-001", "PG-RDS-002", "PG-RDS-004", "PG-RDS-005", "PG-RDS-006"}
STATE_GUARDS = {f"PG-STATE-00{n}" for n in (1, 2, 3, 4, 5, 7)}

# What the reference project creates in each variant, beyond the good plan's.
VARIANTS: dict[str, dict[str, object]] = {
    "good": {},
    "app_image_updated": {},
    "lock_table_deleted": {},
    "lock_table_in_env": {},
    "rds_public": {"public": "yes"},
    "db_sg_open": {"inbound": [FROM_TASKS, FROM_ANYWHERE]},
    "db_public_subnets": {"subnet_group": WITH_PUBLIC},
    "rds_reachable": {
        "public": "yes",
        "inbound": [FROM_TASKS, FROM_ANYWHERE],
        "subnet_group": WITH_PUBLIC,
    },
    "public_snapshot": {
        "snapshots": [("module.database.aws_db_snapshot.shared[0]", ["all"], "yes")]
    },
    "task_role_lock_table_direct": {
        "principals": [(TASK_ROLE, "module.app.aws_iam_role_policy.lock_table[0]")]
    },
    "task_role_lock_table_wildcard": {
        "principals": [(TASK_ROLE, "module.app.aws_iam_role_policy.dynamodb_wildcard[0]")]
    },
    "task_role_managed_policy": {
        "principals": [
            (TASK_ROLE, "module.app.aws_iam_role_policy_attachment.dynamodb_full_access[0]")
        ]
    },
    "lambda_lock_stream": {
        "events": [
            (
                "module.app.aws_lambda_event_source_mapping.lock_audit[0]",
                ["module.app.aws_lambda_function.lock_audit[0]"],
            )
        ]
    },
}


def test_every_example_plan_has_its_expectation_here():
    assert sorted(VARIANTS) == sorted(INDEX)


def draw(*args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = subprocess.run(
        [PLANGATE, "map", "--format", "json", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return result, json.loads(result.stdout)


@pytest.fixture(scope="module")
def schema() -> dict:
    gate = Gate()
    return model_schema({c.pack: c.schema() for c in gate.packs.contributors})


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_map_lists_exactly_what_the_reference_project_creates(variant, schema):
    expected = VARIANTS[variant]
    result, document = draw(
        "--state-bucket", "acme-terraform-state", str(PLANS / f"{variant}.json")
    )
    jsonschema.validate(document, schema)
    verdict = INDEX[variant]["expected"]
    assert document["decision"] == verdict["decision"]
    assert result.returncode == (0 if verdict["decision"] == "pass" else 1)
    [model] = document["maps"]

    [db] = model["packs"]["rds"]["databases"]
    assert db["address"] == DB and db["port"] == 5432
    assert db["publicly_accessible"] == expected.get("public", "no")
    inbound = [
        (i["source_kind"], i["source"], i["security_group"], tuple(i["used_by"]))
        for i in db["inbound"]
    ]
    assert inbound == expected.get("inbound", [FROM_TASKS])
    assert [g["address"] for g in db["subnet_groups"]] == [expected.get("subnet_group", PRIVATE)]
    snapshots = [(s["address"], s["shared_with"], s["public"]) for s in db["snapshots"]]
    assert snapshots == expected.get("snapshots", [])

    targets = model["packs"]["state_backend"]["targets"]
    assert [(t["kind"], t["address"], t["identified_by"]) for t in targets] == [
        ("lock_table", LOCK, "shape: hash key LockID (S)"),
        ("state_bucket", BUCKET, "--state-bucket"),
    ]
    [lock, bucket] = targets
    assert [(p["principal"], p["via"]) for p in lock["principals"]] == expected.get(
        "principals", []
    )
    assert all(p["runs_application_code"] for p in lock["principals"])
    assert [(e["address"], e["consumers"]) for e in lock["events"]] == expected.get("events", [])
    assert bucket["principals"] == bucket["events"] == bucket["resource_policies"] == []

    expect = {(e["policy_id"], e["address"]) for e in verdict["expect"]}
    holds = {i["id"]: i for i in model["invariants"]}
    for key, guards in (
        ("rds.no_internet_path", RDS_GUARDS),
        ("state_backend.planes_apart", STATE_GUARDS),
    ):
        breaking = {(p, a) for p, a in expect if p in guards}
        invariant = holds[key]
        assert invariant["holds"] == ("no" if breaking else "yes"), invariant
        assert breaking <= {(b["policy_id"], b["address"]) for b in invariant["broken_by"]}


def test_the_good_plan_shows_the_two_planes_apart():
    _, document = draw(str(PLANS / "good.json"))
    [model] = document["maps"]
    planes = {p["id"]: p for p in model["planes"]}

    app = planes["rds.application"]
    nodes = {n["id"]: n for n in app["nodes"]}
    into_db = [
        (nodes[e["from"]]["address"], e["label"], e["violation"])
        for e in app["edges"]
        if nodes[e["to"]]["kind"] == "database"
    ]
    # the database is reached only through the tasks' security group
    assert into_db == [(SERVICE, "tcp 5432 via aws_security_group.db", False)]
    # and what reaches the tasks is the load balancer, which the internet reaches
    chain = {(nodes[e["from"]]["label"], nodes[e["to"]]["label"]) for e in app["edges"]}
    assert {("aws_lb.this", "aws_ecs_service.api"), ("internet", "aws_lb.this")} <= chain

    state = planes["state_backend.state"]
    nodes = {n["id"]: n for n in state["nodes"]}
    into_backend = [
        nodes[e["from"]]["kind"] for e in state["edges"] if nodes[e["to"]]["kind"] == "state"
    ]
    # only the Terraform client reaches the backend: no role of the plan can
    assert into_backend == ["client"]
    assert not any(n["violation"] for p in planes.values() for n in p["nodes"])
    assert {i["holds"] for i in model["invariants"]} == {"yes"}


def test_the_text_map_says_which_invariants_hold_and_draws_red_paths():
    result = subprocess.run(
        [PLANGATE, "map", str(PLANS / "db_sg_open.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "[BROKEN] No database is reachable from the internet (rds)" in result.stdout
    assert "[HOLDS] The application plane cannot reach the state plane" in result.stdout
    assert "!! internet (source) --[tcp 5432 via aws_security_group.db]-->" in result.stdout
