"""The bench plan generator (bench/plangen): the reference project's real plans scaled
by module instances. Its plans must be what Terraform could write (plangate's loading
and validation accept them), deterministic, resolvable per module instance, and checked
to exactly the violations the generator planted: the bench measures on them."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from plangate import UNKNOWN, Plan
from plangate.loading import load_plan_data

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PLANGATE = str(Path(sys.executable).parent / "plangate")
LOCK_TABLE = "module.state_backend.aws_dynamodb_table.lock[0]"


def _no_binary(source: str) -> bytes:
    raise AssertionError(f"{source} is JSON")


@pytest.fixture(scope="module")
def plangen() -> ModuleType:
    """bench/plangen, loaded by path (bench/ is not an installed package)."""
    init = BENCH / "plangen" / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        "plangen", init, submodule_search_locations=[str(init.parent)]
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["plangen"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=[(1000, 2), (3000, 3)], ids=["1k", "3k"])
def written(request, tmp_path_factory) -> tuple[int, Path, list[tuple[str, str]]]:
    """A plan written by the command line, with its expected findings (every kind of
    planted mistake is in both: one service in 2, or in 3, carries one)."""
    resources, every = request.param
    out = tmp_path_factory.mktemp("bench")
    plan, expect = out / "plan.json", out / "expect.json"
    subprocess.run(
        [
            sys.executable,
            str(BENCH / "generate_plan.py"),
            *("-n", str(resources), "--mistake-every", str(every)),
            *("-o", str(plan), "--expect", str(expect)),
        ],
        check=True,
        capture_output=True,
    )
    document = json.loads(expect.read_text())
    return resources, plan, [(f["policy_id"], f["address"]) for f in document["findings"]]


@pytest.fixture(scope="module")
def loaded(written) -> Plan:
    _, path, _ = written
    data, where = load_plan_data(str(path), _no_binary)
    return Plan(data, where)


def test_the_plan_has_the_resources_asked_for_and_passes_plan_validation(written, loaded):
    resources, _, _ = written
    assert loaded.resource_count == resources
    assert loaded.value_errors == {}


def test_plangate_check_finds_exactly_the_planted_violations(written):
    _, path, expected = written
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", str(path)], capture_output=True, check=False
    )
    report = json.loads(result.stdout)
    assert report["errors"] == []
    assert result.returncode == 1
    assert sorted((f["policy_id"], f["address"]) for f in report["findings"]) == expected
    assert {policy for policy, _ in expected} >= {"PG-RDS-001", "PG-RDS-002", "PG-STATE-001"}


def test_a_planted_lock_table_grant_is_found_through_the_module_references(loaded):
    """In a first plan the grant's document and role are unknown: only the configuration
    links the role policy to the task role of the same instance, and the document to the
    lock table through `module.service[...]`'s input from `module.state_backend`."""
    grants = [
        c for c in loaded.of_type("aws_iam_role_policy") if c.address.endswith(".lock_table[0]")
    ]
    assert grants, "the plan carries the task_role_lock_table_direct mistake"
    for grant in grants:
        instance = grant.module_address  # module.service["team/name"].module.app
        assert ":" in instance or "/" in instance
        assert grant.after_value("policy") is UNKNOWN and grant.after_value("role") is UNKNOWN
        [role] = loaded.references.targets(grant, "role", "aws_iam_role")
        assert role.address == f"{instance}.aws_iam_role.task"
        [document] = loaded.references.targets(grant, "policy")
        assert document.address == f"{instance}.data.aws_iam_policy_document.lock_table[0]"
        [table] = loaded.references.targets(document.target, "statement.0.resources")
        assert table.address == LOCK_TABLE


def test_every_service_links_to_its_own_resources(loaded):
    databases = list(loaded.of_type("aws_db_instance"))
    assert len(databases) > 20
    for db in databases:
        groups = loaded.references.targets(db, "vpc_security_group_ids", "aws_security_group")
        assert [g.address for g in groups] == [f"{db.module_address}.aws_security_group.db"]


def test_the_plan_mixes_what_a_fleet_plan_holds(plangen):
    plan = Plan(json.loads(plangen.generate(3000).text), "fleet.json")
    actions = Counter(change.actions for change in plan.changes)
    for kind in ["create", "read", "no-op", "update", "delete"]:
        assert actions[(kind,)], kind
    assert actions[("delete", "create")]
    deletes = [c for c in plan.changes if c.actions == ("delete",)]
    assert {c.raw.get("action_reason") for c in deletes} == {"delete_because_no_module"}
    assert len(plan.prior_resources) > len(plan.changes) / 3
    assert [t.address for t in plan.of_type("aws_dynamodb_table")] == [LOCK_TABLE]
    keys = " ".join(c.module_address for c in plan.changes)
    assert all(mark in keys for mark in ("/", ":", ".eu/"))


def test_names_and_provider_ids_are_unique_across_services(loaded):
    for type_, attribute in [
        ("aws_vpc", "id"),
        ("aws_security_group", "id"),
        ("aws_iam_role", "arn"),
        ("aws_db_instance", "identifier"),
        ("aws_s3_bucket", "bucket"),
    ]:
        values = [c.after_value(attribute) for c in loaded.existing(type_)]
        known = [v for v in values if isinstance(v, str)]
        assert known, (type_, attribute)
        assert len(known) == len(set(known)), (type_, attribute)


def test_the_same_arguments_give_the_same_bytes_and_another_seed_another_fleet(plangen):
    first = plangen.generate(1000, seed=7)
    assert first.text == plangen.generate(1000, seed=7).text
    assert first.text != plangen.generate(1000, seed=8).text
    assert len(json.loads(first.text)["resource_changes"]) == 1000


def test_a_plan_without_planted_mistakes_passes(plangen, tmp_path):
    path = tmp_path / "clean.json"
    path.write_text(plangen.generate(1000, mistake_every=0).text)
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", str(path)], capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["findings"] == []
