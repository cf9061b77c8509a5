"""What a run imports: only what it uses (start-up is most of a small plan's check)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from plangate.testing import PlanBuilder

# Runs the command line's `main` in a fresh interpreter and prints the modules loaded.
_PROBE = """
import io, sys
from plangate.cli import main
out, sys.stdout = sys.stdout, io.StringIO()
code = main(sys.argv[1:])
printed, sys.stdout = sys.stdout.getvalue(), out
modules = sorted(sys.modules)
import json
print(json.dumps({"code": code, "out": printed, "modules": modules}))
"""


def _run(*argv: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


def _top_level(modules: list[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_version_imports_nothing_of_plangate_but_the_command_line():
    run = _run("--version")
    assert run["code"] == 0
    assert run["out"] == "plangate 0.1.0\n"
    assert {m for m in run["modules"] if m.startswith("plangate")} == {
        "plangate",
        "plangate._version",
        "plangate.cli",
        "plangate.errors",
    }
    assert not {"argparse", "json.decoder", "importlib.metadata", "dataclasses"} & set(
        run["modules"]
    )


def test_a_json_check_imports_no_schema_library_diff_library_or_other_format(tmp_path: Path):
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(PlanBuilder().add("aws_db_instance.db", {"publicly_accessible": True}).to_dict())
    )
    run = _run("check", "--format", "json", str(plan))
    assert run["code"] == 1, "the check ran and blocked"
    modules = set(run["modules"])
    assert not {"jsonschema", "deepdiff"} & _top_level(run["modules"])
    assert "plangate.reporters.json_format" in modules
    assert not {m for m in modules if m.startswith("plangate.reporters.")} - {
        "plangate.reporters.json_format",
        "plangate.reporters.escaping",
        "plangate.reporters.registry",
        "plangate.reporters.reporter",
    }
    assert "subprocess" not in modules, "only binary plans and apply run terraform"


def test_the_package_still_offers_every_public_name():
    import plangate

    for name in plangate.__all__:
        assert getattr(plangate, name) is not None, name
    import plangate.policy  # the module of the same name does not replace the decorator

    assert callable(plangate.policy) and plangate.policy.__module__ == "plangate.policy"
    assert plangate.policy is not sys.modules["plangate.policy"]


def test_a_check_that_draws_no_map_imports_none_of_the_map_code(tmp_path: Path):
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(PlanBuilder().add("aws_db_instance.db", {"publicly_accessible": True}).to_dict())
    )
    run = _run("check", "--format", "json", str(plan))
    assert run["code"] == 1, "the check ran and blocked"
    map_code = {
        m
        for m in run["modules"]
        if m in ("plangate.assurance", "plangate.assurance_model", "plangate.map_output")
        or m.endswith(("._map", "._plane"))
    }
    assert not map_code
    assert "plangate.contributors" in run["modules"], "the packs' declarations still load"


def test_a_format_that_draws_the_map_still_gets_it(tmp_path: Path):
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(PlanBuilder().add("aws_db_instance.db", {"publicly_accessible": True}).to_dict())
    )
    run = _run("check", "--format", "markdown", str(plan))
    assert run["code"] == 1
    assert "No database is reachable from the internet" in run["out"]
    assert {"plangate.policies.rds._plane", "plangate.policies.state_backend._plane"} <= set(
        run["modules"]
    )


def test_a_check_without_config_or_binary_plan_imports_no_metadata_toml_or_zip_reader(
    tmp_path: Path, monkeypatch
):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PlanBuilder().add("aws_s3_bucket.b", {"bucket": "b"}).to_dict()))
    monkeypatch.chdir(tmp_path)
    run = _run("check", "--format", "json", str(plan))
    assert run["code"] == 0, "the check ran and passed"
    modules = set(run["modules"])
    assert not {"importlib.metadata", "importlib.resources", "tomllib", "zipfile"} & modules
    assert "traceback" not in modules, "only --debug prints one"
    assert "tempfile" not in modules, "only --output writes a file"
