"""End to end: the reference project planned by the real terraform binary, checked by the
installed console script, for every variant examples/plans/index.json describes.

The plans are regenerated here (examples/make_plans.py, stub aws provider), so these
tests also prove the shipped plans are reproducible.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLANGATE = str(Path(sys.executable).parent / "plangate")
INDEX = json.loads((ROOT / "examples" / "plans" / "index.json").read_text())
VARIANTS = sorted(INDEX["variants"])

pytestmark = pytest.mark.e2e


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def make_plans() -> ModuleType:
    module = _load("plangate_make_plans", ROOT / "examples" / "make_plans.py")
    if not module.load_harness().terraform_available():
        pytest.skip("terraform is not on PATH: end-to-end tests need the real binary")
    return module


@pytest.fixture(scope="module")
def generated(make_plans: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plans")
    make_plans.make_plans(out, log=lambda message: None)
    return out


def check(*args: str, cwd: Path | None = None, env: dict | None = None) -> tuple[int, dict]:
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", *args],
        capture_output=True,
        cwd=cwd,
        env=env,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.returncode, json.loads(result.stdout)


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_variant_gets_the_verdict_its_index_entry_promises(generated, variant):
    expected = INDEX["variants"][variant]["expected"]
    code, report = check(str(generated / f"{variant}.json"))
    assert report["decision"] == expected["decision"]
    assert code == (1 if expected["decision"] == "block" else 0)
    blocking = {(f["policy_id"], f["address"]) for f in report["findings"] if f["blocking"]}
    promised = {(e["policy_id"], e["address"]) for e in expected["expect"]}
    # Exactly what the variant was built to produce blocks; nothing else does.
    assert blocking == promised


def test_the_good_plan_has_no_finding_at_all(generated):
    _, report = check(str(generated / "good.json"))
    assert report["findings"] == []


def test_the_shipped_plans_are_what_the_script_writes(make_plans, generated):
    differences = make_plans.compare(generated, ROOT / "examples" / "plans")
    assert differences == []


def test_links_between_modules_resolve_in_a_first_plan_where_ids_are_unknown(generated):
    from plangate import UNKNOWN, Plan

    plan = Plan(json.loads((generated / "good.json").read_text()), "good.json")
    [db] = list(plan.of_type("aws_db_instance"))
    ids = db.after_value("vpc_security_group_ids")
    assert ids is UNKNOWN or UNKNOWN in ids  # a known-length list of unknown ids
    groups = plan.references.targets(db, "vpc_security_group_ids", "aws_security_group")
    assert [r.address for r in groups] == ["module.database.aws_security_group.db"]
    [task] = list(plan.of_type("aws_ecs_task_definition"))
    roles = plan.references.targets(task, "task_role_arn", "aws_iam_role")
    assert len(roles) == 1 and roles[0].attribute == "arn"
    assert (
        any("output" in hop for hop in roles[0].via)
        or roles[0].target.module_address == task.module_address
    )


def test_a_binary_plan_file_is_checked_through_terraform_show(make_plans, tmp_path):
    harness = make_plans.load_harness()
    workdir = make_plans.copy_project(tmp_path)
    harness.local_backend_override(workdir)
    env = harness.stub_env(tmp_path)
    harness.init(workdir, env, backend=True)
    variables = make_plans.plan_variables(
        next(v for v in make_plans.VARIANTS if v.name == "rds_public")
    )
    _, planfile = harness.plan(workdir, env, variables, out="rds_public.tfplan")
    code, report = check(str(planfile), "--chdir", str(workdir), env=env)
    assert code == 1
    assert ("PG-RDS-001", "module.database.aws_db_instance.this") in {
        (f["policy_id"], f["address"]) for f in report["findings"] if f["blocking"]
    }
    assert report["plans"][0]["terraform_version"] == INDEX["terraform_version"]


@pytest.mark.parametrize(
    "fmt", ["text", "json", "atlantis", "markdown", "sarif", "junit", "github", "gitlab"]
)
def test_no_output_format_prints_a_sensitive_value_of_a_real_plan(generated, fmt):
    from plangate import Plan

    secrets = set()
    for variant in VARIANTS:
        path = generated / f"{variant}.json"
        secrets |= {
            s for s in Plan(json.loads(path.read_text()), "x").sensitive_strings() if len(s) >= 4
        }
    assert secrets, "the reference plans carry a sensitive db password"
    for variant in VARIANTS:
        result = subprocess.run(
            [PLANGATE, "check", "--format", fmt, str(generated / f"{variant}.json")],
            capture_output=True,
            check=False,
        )
        shown = (result.stdout + result.stderr).decode()
        assert not [s for s in secrets if s in shown], variant


def test_the_backend_recorded_by_init_names_the_lock_table_and_flags_its_hygiene(
    generated, tmp_path
):
    """The reference project's versions.tf names the lock table and bucket in its s3
    backend; what `terraform init` would record of it is read with --chdir."""
    record = tmp_path / ".terraform" / "terraform.tfstate"
    record.parent.mkdir()
    record.write_text(
        json.dumps(
            {
                "version": 3,
                "backend": {
                    "type": "s3",
                    "config": {
                        "bucket": "acme-terraform-state",
                        "key": "reference/terraform.tfstate",
                        "region": "us-east-1",
                        "dynamodb_table": "terraform-state-lock",
                        "secret_key": "never-printed-secret",
                    },
                },
            }
        )
    )
    result = subprocess.run(
        [
            PLANGATE,
            "check",
            "--format",
            "json",
            "--chdir",
            str(tmp_path),
            str(generated / "good.json"),
        ],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert b"never-printed-secret" not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    sources = {(row["kind"], row["name"]): row["source"] for row in report["state_backend"]}
    assert "backend recorded in" in sources[("lock_table", "terraform-state-lock")]
    assert "backend recorded in" in sources[("state_bucket", "acme-terraform-state")]
    found = {(f["policy_id"], f["blocking"]) for f in report["findings"]}
    assert ("PG-STATE-009", False) in found  # the backend is managed in its own state
    assert ("PG-STATE-010", False) in found  # dynamodb_table is deprecated on 1.11
