"""report.schema.json describes exactly what `plangate check --format json` prints."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import subprocess
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from plangate import Finding, Severity
from plangate.config import Waiver
from plangate.discovery import load_packs
from plangate.report import ConfigFile, PlanInfo, Report, RunWarning, report_schema
from plangate.runner import RunError
from plangate.sources import SourceLocation, Span
from plangate.testing import PlanBuilder

POLICIES = '''
from plangate import Certainty, Severity, finding, policy


@policy(id="T-PUBLIC-001", title="Public database", severity=Severity.CRITICAL,
        resource_types=("test_database",))
def public_db(change):
    """## What it checks
    publicly_accessible.
    ## Why it matters
    Tests.
    ## How to fix
    Turn it off.
    """
    if change.after_value("publicly_accessible") is True:
        yield finding(change, "publicly_accessible = true", attribute="publicly_accessible",
                      chain=("aws_security_group.db", change.address), new=True)


@policy(id="T-PROTECT-001", title="No deletion protection", severity=Severity.INFO,
        resource_types=("test_database",))
def no_protection(change):
    """## What it checks
    deletion_protection.
    ## Why it matters
    Tests.
    ## How to fix
    Turn it on.
    """
    if change.after_value("deletion_protection") is not True:
        yield finding(change, "deletion_protection may be off",
                      certainty=Certainty.POSSIBLE)
'''

BROKEN = '''
from plangate import Severity, policy


@policy(id="T-BROKEN-001", title="raises", severity=Severity.LOW,
        resource_types=("test_database",))
def broken(change):
    """## What it checks
    Nothing.
    ## Why it matters
    Tests.
    ## How to fix
    Nothing.
    """
    raise RuntimeError("boom")
    yield
'''


@pytest.fixture(scope="module")
def shipped() -> jsonschema.Draft202012Validator:
    """The schema that ships in the package: any pack's section, as rows of text."""
    text = resources.files("plangate.schemas").joinpath("report.schema.json").read_text()
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    """The schema of a report with the built-in packs: their sections' rows held to the
    schemas the packs ship."""
    schema = report_schema(load_packs(entry_points_enabled=False).packs)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture
def check_json(
    tmp_path: Path, run_plangate: Callable[..., subprocess.CompletedProcess[str]]
) -> Callable[..., tuple[int, dict[str, Any]]]:
    """`check_json(builder, *extra, broken=False)`: `plangate check --format json` of the plan
    in tmp_path, with the policies above (and BROKEN if asked); the exit code and report."""

    def check_json(
        builder: PlanBuilder, *extra: str, broken: bool = False
    ) -> tuple[int, dict[str, Any]]:
        plan = tmp_path / "plan.json"
        plan.write_text(json.dumps(builder.to_dict()))
        policies = tmp_path / "policies"
        policies.mkdir(exist_ok=True)
        (policies / "dbs.py").write_text(POLICIES)
        if broken:
            (policies / "broken.py").write_text(BROKEN)
        result = run_plangate(
            "check",
            str(plan),
            "--format",
            "json",
            "--policy-dir",
            str(policies),
            "--no-entry-points",
            "--lock-table",
            "tf-lock",
            *extra,
            cwd=tmp_path,
            PLANGATE_TODAY="2030-01-01",
        )
        assert result.returncode in (0, 1, 2), result.stderr
        return result.returncode, json.loads(result.stdout)

    return check_json


def errors_of(validator: jsonschema.Draft202012Validator, report: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(report)
    ]


def public_db() -> PlanBuilder:
    return PlanBuilder().add(
        'module.db.test_database.main["eu"]',
        {"publicly_accessible": True, "password": "s3cret-value"},
        sensitive=["password"],
        unknown=["arn"],
    )


def test_schema_is_a_valid_draft_2020_12_schema_shipped_in_the_package(shipped):
    assert shipped.schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_shipped_schema_takes_any_pack_s_section_as_rows_of_text(shipped, check_json):
    _, report = check_json(public_db())
    assert errors_of(shipped, report) == []
    assert errors_of(shipped, {**report, "acme_regions": [{"region": "eu-west-1"}]}) == []
    assert errors_of(shipped, {**report, "acme_regions": [{"region": 1}]})
    assert errors_of(shipped, {**report, "acme_regions": "eu-west-1"})


def test_json_output_of_a_blocked_plan_validates(validator, check_json):
    code, report = check_json(public_db())
    assert (code, report["decision"]) == (1, "block")
    assert {f["policy_id"] for f in report["findings"]} >= {"T-PUBLIC-001", "T-PROTECT-001"}
    assert report["state_backend"]
    assert errors_of(validator, report) == []


def test_json_output_of_a_passing_plan_validates(validator, check_json):
    builder = PlanBuilder().add(
        "test_database.ok", {"publicly_accessible": False, "deletion_protection": True}
    )
    code, report = check_json(builder)
    assert (code, report["decision"]) == (0, "pass")
    assert errors_of(validator, report) == []


def test_json_output_with_waivers_and_a_policy_error_validates(
    tmp_path: Path, validator, check_json
):
    (tmp_path / "plangate.toml").write_text(
        '[[waivers]]\npolicy = "T-PUBLIC-001"\naddress = "module.db.*"\n'
        'reason = "legacy"\nexpires = 2031-01-01\n'
        '[[waivers]]\npolicy = "T-PROTECT-001"\naddress = "*"\nreason = "old"\n'
        "expires = 2020-01-01\n"
    )
    code, report = check_json(public_db(), broken=True)
    assert (code, report["decision"]) == (2, "error")
    assert any(f["waived"] for f in report["findings"])
    assert any(f["waiver"] and f["waiver"]["expired"] for f in report["findings"])
    assert report["errors"]
    assert errors_of(validator, report) == []


def test_schema_rejects_unknown_keys_bad_enums_and_missing_fields(validator, check_json):
    _, report = check_json(public_db())
    broken = []
    for mutate in (
        lambda r: r.update(extra=1),
        lambda r: r.update(decision="maybe"),
        lambda r: r["findings"][0].update(severity="severe"),
        lambda r: r["findings"][0].update(certainty="likely"),
        lambda r: r["findings"][0].pop("chain"),
        lambda r: r["findings"][0].update(unexpected=True),
        lambda r: r["plans"][0].update(resources=-1),
        lambda r: r["stats"].pop("seconds"),
        lambda r: r["errors"].append({"kind": "x"}),
        lambda r: r["state_backend"].append({"kind": "bucket", "name": "x", "source": "y"}),
    ):
        copied = copy.deepcopy(report)
        mutate(copied)
        broken.append(bool(errors_of(validator, copied)))
    assert all(broken)


def test_schema_names_every_key_the_report_objects_emit_and_no_other(shipped):
    validator = shipped
    defs = validator.schema["$defs"]
    located = SourceLocation(
        Span("m/main.tf", 3, 9), Span("m/main.tf", 5, 5), (Span("main.tf", 1, 4),), ("m",)
    )
    emitted = {
        "report": Report().to_dict(),
        "plan": PlanInfo("p.json", None, "1.2").to_dict(),
        "finding": Finding(
            address="module.m.a.b",
            message="m",
            policy_id="P-X-1",
            severity=Severity.HIGH,
            location=located,
        ).to_dict(),
        "location": located.to_dict(),
        "waiver": Waiver("P-X-1", "*", "r", None).to_dict(dt.date(2030, 1, 1)),
        "error": RunError("k", "m").to_dict(),
        "warning": RunWarning("k", "m").to_dict(),
        "config_file": ConfigFile("plangate.toml", "operator", trusted=True).to_dict(),
        "stats": Report().to_dict()["stats"],
    }
    declared = {
        "report": validator.schema,
        **{name: defs[name] for name in emitted if name != "report"},
    }
    # A finding's `location` is there only when its source is known.
    optional = {"finding": {"location"}}
    for name, obj in emitted.items():
        assert set(declared[name]["properties"]) == set(obj), name
        assert set(declared[name]["required"]) == set(obj) - optional.get(name, set()), name
        assert declared[name]["additionalProperties"] is False, name
    assert not errors_of(validator, {**Report().to_dict(), "findings": [emitted["finding"]]})


def test_the_schema_s_section_pattern_leaves_out_exactly_the_report_s_own_keys(shipped):
    from plangate.packs import REPORT_KEYS

    [pattern] = shipped.schema["patternProperties"]
    own = set(shipped.schema["properties"])
    assert own == REPORT_KEYS
    assert not any(re.match(pattern, key) for key in own)
    assert re.match(pattern, "state_backend") and re.match(pattern, "configs")
