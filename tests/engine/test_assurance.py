"""The assurance map's engine: packs contribute invariants and planes through the pack
mechanism, the engine judges invariants by the run's findings, keeps large planes
drawable, and never lets pack code or plan text break the run or leak a secret.

The pack here is one file in a policy directory, as a third party would write it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from plangate import Certainty, Finding, Severity
from plangate.assurance import Contribution, Invariant, Plane
from plangate.assurance_model import build, model_schema
from plangate.testing import PlanBuilder

PLANGATE = str(Path(sys.executable).parent / "plangate")

PACK = '''
from plangate import Pack, Severity, finding, policy
from plangate.assurance import Contribution, Invariant, Plane, assurance

pack = Pack(name="acme")


@policy(id="ACME-001", title="no bucket named open", severity=Severity.HIGH,
        resource_types=("aws_s3_bucket",))
def no_open_bucket(change):
    """## What it checks
    A bucket named open.
    ## Why it matters
    Tests.
    ## How to fix
    Rename it.
    """
    if change.after_value("bucket") == "open":
        yield finding(change, "the bucket is named open")


@assurance()
def buckets(plan):
    plane = Plane("acme.buckets", "Buckets")
    world = plane.node("world", "source", "the world")
    for change in plan.of_type("aws_s3_bucket"):
        key = plane.resource(change.address, "state", change)
        plane.edge(world, key, "reads", violation=change.after_value("bucket") == "open")
    return Contribution(
        [Invariant("acme.closed", "No bucket is open", {"ACME-001": "no bucket is named open"})],
        [plane],
        {"buckets": len(plane.nodes) - 1},
    )
'''


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PLANGATE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


def repo_with(tmp_path: Path, pack: str, bucket: str) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "acme.py").write_text(pack)
    plan = PlanBuilder().add("aws_s3_bucket.b", {"bucket": bucket})
    (tmp_path / "plan.json").write_text(json.dumps(plan.to_dict()))
    return tmp_path


def mapped(repo: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    result = run(
        "map",
        "--no-entry-points",
        "--policy-dir",
        "packs",
        "--format",
        "json",
        "plan.json",
        cwd=repo,
    )
    return result, (json.loads(result.stdout) if result.stdout else {})


def test_a_third_party_pack_s_contribution_is_judged_by_its_guarding_policy(tmp_path):
    result, document = mapped(repo_with(tmp_path, PACK, "open"))
    assert result.returncode == 1, result.stderr  # blocked, as `check` says
    [model] = document["maps"]
    [invariant] = [i for i in model["invariants"] if i["pack"] == "acme"]
    assert invariant["holds"] == "no"
    assert [(b["policy_id"], b["address"]) for b in invariant["broken_by"]] == [
        ("ACME-001", "aws_s3_bucket.b")
    ]
    [plane] = [p for p in model["planes"] if p["pack"] == "acme"]
    assert [e["violation"] for e in plane["edges"]] == [True]
    assert model["packs"]["acme"] == {"buckets": 1}


def test_an_invariant_holds_with_the_silent_guard_as_evidence(tmp_path):
    result, document = mapped(repo_with(tmp_path, PACK, "closed"))
    assert result.returncode == 0, result.stderr
    [invariant] = [i for i in document["maps"][0]["invariants"] if i["pack"] == "acme"]
    assert invariant["holds"] == "yes"
    assert invariant["evidence"] == ["ACME-001: no bucket is named open"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("raise RuntimeError('boom')", "raised RuntimeError: boom"),
        ("return {'invariants': []}", "returned something else than a Contribution"),
        (
            "return Contribution(details={'when': object()})",
            "returned a value of type object, not JSON data",
        ),
        (
            "plane = Plane('p', 'P'); plane.node('k', 'source', b'bytes')\n"
            "    return Contribution(planes=[plane])",
            "returned a value of type bytes, not JSON data",
        ),
    ],
)
def test_a_contribution_that_fails_is_an_error_naming_it_never_a_pass(tmp_path, body, message):
    broken = PACK.replace('    plane = Plane("acme.buckets", "Buckets")', f"    {body}")
    result, _ = mapped(repo_with(tmp_path, broken, "closed"))
    assert result.returncode == 2
    assert "assurance of pack acme" in result.stderr and message in result.stderr


def test_a_contribution_without_a_pack_or_a_second_one_is_refused(tmp_path):
    second = PACK + PACK[PACK.index("@assurance()") :].replace("def buckets", "def more")
    result, _ = mapped(repo_with(tmp_path, second, "closed"))
    assert result.returncode == 2
    assert "pack acme declares two assurance contributions" in result.stderr


def _finding(policy_id: str, certainty: Certainty = Certainty.CERTAIN) -> Finding:
    return Finding(
        policy_id=policy_id,
        severity=Severity.HIGH,
        message="m",
        address="a.b",
        certainty=certainty,
        plan="p.json",
    )


def _contribution(holds: str = "yes") -> Contribution:
    guards = {"X-1": "one", "X-2": "two"}
    return Contribution([Invariant("x", "X holds", guards, ("seen",), holds)], pack="x")


@pytest.mark.parametrize(
    ("findings", "ran", "holds"),
    [
        ([], None, "yes"),
        ([_finding("X-1")], None, "no"),
        ([_finding("X-2", Certainty.POSSIBLE)], None, "unknown"),
        ([_finding("X-2", Certainty.POSSIBLE), _finding("X-1")], None, "no"),
        ([_finding("OTHER")], None, "yes"),
        ([], ["X-1"], "unknown"),  # X-2 did not run: nothing says it holds
    ],
)
def test_an_invariant_is_the_worst_of_its_guards_findings(findings, ran, holds):
    model = build("p.json", [_contribution()], findings, ran=ran)
    assert model["invariants"][0]["holds"] == holds


def test_a_pack_cannot_claim_an_invariant_its_own_reading_breaks():
    model = build("p.json", [_contribution(holds="no")], [])
    assert model["invariants"][0]["holds"] == "no"


def _estate(groups: int, per_group: int) -> Plane:
    plane = Plane("big", "Big")
    sink = plane.node("db", "database", "db")
    for g in range(groups):
        for i in range(per_group):
            key = plane.node(f"task{g}-{i}", "compute", f"t{i}", group=f"module.svc{g}[*].task")
            plane.edge(key, sink, "tcp 5432", violation=(g == 3 and i == 0))
    return plane


def test_a_large_plane_is_grouped_by_block_with_counts_and_capped_with_and_n_more():
    plane = _estate(groups=100, per_group=5)
    model = build("p.json", [Contribution(planes=[plane], pack="x")], [], max_nodes=40)
    [drawn] = model["planes"]
    assert drawn["grouped"] is True
    assert drawn["size"] == {"nodes": 501, "edges": 500}
    assert len(drawn["nodes"]) == 40
    labels = {n["label"]: n for n in drawn["nodes"]}
    # the violating task stays a node of its own, named, drawn in red
    assert labels["t0"]["violation"] is True and labels["t0"]["count"] == 1
    # every other group became one node counting its members
    assert labels["module.svc0[*].task"]["count"] == 5
    more = [n for n in drawn["nodes"] if n["kind"] == "more"]
    assert [m["label"] for m in more] == [f"and {drawn['omitted']['nodes']} more"]
    # counted: all 500 tasks are in the drawing, as nodes, groups or "and N more"
    assert sum(n["count"] for n in drawn["nodes"] if n["kind"] != "database") == 500
    counts = [
        e["count"] for e in drawn["edges"] if e["from"] == labels["module.svc0[*].task"]["id"]
    ]
    assert counts == [5]


def test_node_ids_are_generated_and_every_text_is_cleaned():
    plane = Plane("p", "Plane of secret-value")
    a = plane.node('"];x-->y;click', "source", "secret-value")
    plane.edge(a, plane.node("b", "database", "b"), "via secret-value")
    invariant = Invariant("i", "secret-value", {"X-1": "secret-value"}, ("secret-value",))
    model = build(
        "p.json",
        [Contribution([invariant], [plane], {"k": ["secret-value"]}, pack="x")],
        [],
        clean=lambda text: text.replace("secret-value", "(sensitive)"),
    )
    assert "secret-value" not in json.dumps(model)
    assert [n["id"] for n in model["planes"][0]["nodes"]] == ["n0", "n1"]


def test_the_model_follows_the_shipped_schema_with_the_packs_details_schemas():
    plane = _estate(groups=3, per_group=2)
    model = build("p.json", [Contribution([], [plane], {"n": 1}, pack="x")], [_finding("X-1")])
    details = {
        "type": "object",
        "required": ["n"],
        "properties": {"n": {"$ref": "#/$defs/n"}},
        "$defs": {"n": {"type": "integer"}},
    }
    schema = model_schema({"x": details})
    document = {"plangate_version": "1", "decision": "pass", "maps": [model]}
    jsonschema.validate(document, schema)
    model["packs"]["x"] = {"n": "one"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


def test_a_sensitive_value_never_reaches_the_map_in_any_form(tmp_path):
    # A lock table named from a sensitive variable: the state plane labels it by name.
    secret = "lock-from-a-sensitive-variable-7f3a"
    plan = PlanBuilder().add(
        "aws_dynamodb_table.lock",
        {"name": secret, "hash_key": "LockID", "attribute": [{"name": "LockID", "type": "S"}]},
        sensitive=["name"],
    )
    (tmp_path / "plan.json").write_text(json.dumps(plan.to_dict()))
    outputs = []
    for fmt in ("text", "json"):
        result = run("map", "--format", fmt, "plan.json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    for fmt in ("markdown", "html"):
        result = run("check", "--format", fmt, "plan.json", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert all("lock table" in out for out in outputs)  # the table is on the map
    assert not any(secret in out for out in outputs)
