"""The engine locates each finding once, after the decision: a policy cannot point its
finding at a file, and a run whose findings could not be traced says so in one warning."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from plangate import Finding, Gate, Severity, check, finding, policy
from plangate.discovery import Packs
from plangate.errors import PlangateError
from plangate.sources import SourceLocation, Span
from plangate.testing import PlanBuilder

FORGED = SourceLocation(Span("../../etc/cron.d/job", 1, 1), None, ())


@policy(
    id="T-LOC-001",
    title="Every bucket",
    severity=Severity.HIGH,
    resource_types=("aws_s3_bucket",),
)
def every_bucket(change):
    """## What it checks
    Buckets.
    ## Why it matters
    Tests.
    ## How to fix
    None.
    """
    yield Finding(address=change.address, message="a bucket", attribute="bucket", location=FORGED)
    yield finding("backend.s3", "the backend")  # names no resource: nothing to locate


def buckets(count: int = 2) -> PlanBuilder:
    builder = PlanBuilder()
    for n in range(count):
        builder.add(f'module.store["{n}"].aws_s3_bucket.b', {"bucket": f"b{n}"})
    return builder


def write_sources(folder: Path) -> None:
    (folder / ".git").mkdir()
    (folder / "modules" / "store").mkdir(parents=True)
    (folder / "main.tf").write_text(
        'module "store" {\n  source   = "./modules/store"\n  for_each = toset(["0", "1"])\n}\n'
    )
    (folder / "modules" / "store" / "main.tf").write_text(
        'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'
    )


def test_a_location_a_policy_sets_itself_is_dropped(tmp_path):
    report = Gate(Packs([every_bucket]), workdir=tmp_path).check([buckets().build()])
    on_buckets = [f for f in report.findings if f.address != "backend.s3"]
    assert len(on_buckets) == 2
    assert all(f.location is None for f in on_buckets)
    assert all("location" not in f.to_dict() for f in report.findings)


def test_findings_of_every_module_instance_are_located_in_the_module(tmp_path):
    write_sources(tmp_path)
    report = Gate(Packs([every_bucket]), workdir=tmp_path).check([buckets().build()])
    located = {f.address: f.to_dict().get("location") for f in report.findings}
    assert located.pop("backend.s3") is None
    for address, location in located.items():
        assert location is not None, address
        assert (location["path"], location["attribute_line"]) == ("modules/store/main.tf", 2)
        assert location["module_calls"] == [
            {"name": "store", "path": "main.tf", "start_line": 1, "end_line": 4}
        ]
    assert report.warnings == []  # the finding on `backend.s3` is no resource to locate


def test_without_a_working_directory_the_report_says_so_once(tmp_path):
    report = Gate(Packs([every_bucket])).check([buckets(5).build()])
    assert sum(1 for f in report.findings if f.location is None) == 6
    [warning] = report.warnings
    assert warning.kind == "sources"
    assert warning.message.startswith("5 of 6 findings point at the plan file")
    assert "the Terraform working directory is not known" in warning.message


def test_gate_load_takes_the_source_root_that_paths_are_relative_to(tmp_path):
    write_sources(tmp_path)
    modules = tmp_path / "modules"
    gate = Gate.load(workdir=str(modules / "store"), source_root=str(modules), entry_points=False)
    assert gate.source_root == modules
    report = replace(gate, packs=Packs([every_bucket])).check(
        [PlanBuilder().add("aws_s3_bucket.b", {"bucket": "b"}).build()]
    )
    [on_bucket] = [f for f in report.findings if f.address == "aws_s3_bucket.b"]
    assert on_bucket.location is not None
    assert on_bucket.location.block == Span("store/main.tf", 1, 3)


def test_a_source_root_that_is_no_directory_is_a_usage_error(tmp_path):
    with pytest.raises(PlangateError) as raised:
        check([], source_root=str(tmp_path / "missing"), entry_points=False)
    assert raised.value.kind == "usage"
    assert raised.value.message == f"--source-root {tmp_path / 'missing'}: not a directory"
