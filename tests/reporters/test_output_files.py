"""`--output FORMAT=PATH` in a checkout the pull request controls: never through a link,
never a half-written or missing file, and every file says so when the run failed."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from plangate import cli
from plangate.reporters import Reporter, format_names, sarif
from plangate.testing import PlanBuilder

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout with a plan holding one public database (a blocking finding)."""
    work = tmp_path / "checkout"
    work.mkdir()
    plan = PlanBuilder().add("aws_db_instance.main", {"publicly_accessible": True})
    (work / "plan.json").write_text(json.dumps(plan.to_dict()))
    return work


def _check(run_plangate: Run, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_plangate("check", "--no-entry-points", *args, cwd=cwd)


def _whole(fmt: str, data: bytes) -> dict | ET.Element | str:
    """Parse a report file the way its consumer would: it must be complete."""
    text = data.decode("utf-8")
    if fmt in ("json", "sarif", "gitlab"):
        return json.loads(text)
    if fmt == "junit":
        return ET.fromstring(data)
    assert text.endswith("\n") and text.strip()
    return text


def test_a_symlink_committed_at_the_output_path_is_replaced_never_followed(
    checkout: Path, run_plangate: Run
):
    victim = checkout.parent / "authorized_keys"
    victim.write_text("ssh-ed25519 AAAA precious\n")
    (checkout / "report.sarif").symlink_to(victim)
    result = _check(run_plangate, checkout, "plan.json", "--output", "sarif=report.sarif")
    assert result.returncode == 1, result.stderr
    assert victim.read_text() == "ssh-ed25519 AAAA precious\n"
    assert not (checkout / "report.sarif").is_symlink()
    assert json.loads((checkout / "report.sarif").read_text())["version"] == "2.1.0"


def test_a_symlinked_directory_in_the_checkout_is_refused_and_the_run_fails(
    checkout: Path, run_plangate: Run
):
    elsewhere = checkout.parent / "elsewhere"
    elsewhere.mkdir()
    (checkout / "reports").symlink_to(elsewhere)
    result = _check(
        run_plangate,
        checkout,
        "plan.json",
        "--output",
        "junit=junit.xml",
        "--output",
        "sarif=reports/plangate.sarif",
    )
    assert result.returncode == 2
    assert list(elsewhere.iterdir()) == []
    assert "symbolic link" in result.stderr
    # The file written before the failure was written again: it says the run failed.
    error = ET.parse(checkout / "junit.xml").getroot().find("testsuite/testcase/error")
    assert error is not None and error.get("type") == "output"


def test_a_file_written_before_another_failed_is_rewritten_as_an_error_report(
    checkout: Path, run_plangate: Run
):
    result = _check(
        run_plangate,
        checkout,
        "plan.json",
        "--output",
        "json=first.json",
        "--output",
        "sarif=missing/dir/report.sarif",
    )
    assert result.returncode == 2
    first = json.loads((checkout / "first.json").read_text())
    assert first["decision"] == "error"
    assert [e["kind"] for e in first["errors"]] == ["output"]


def test_no_temporary_file_is_left_beside_the_target(checkout: Path, run_plangate: Run):
    _check(run_plangate, checkout, "plan.json", "--output", "json=r.json")
    assert sorted(p.name for p in checkout.iterdir()) == ["plan.json", "r.json"]


def test_a_lone_surrogate_leaves_every_output_whole(checkout: Path, run_plangate: Run):
    """Terraform writes UTF-8 only, so the address is edited by hand; the plan's file
    name holds an undecodable byte, which Python reads as a lone surrogate too."""
    plan = PlanBuilder().add('aws_db_instance.main["k\\udc80"]', {"publicly_accessible": True})
    text = json.dumps(plan.to_dict()).replace("\\\\udc80", "\\udc80")
    name = os.fsdecode(b"plan-\x80.json")
    (checkout / name).write_text(text)
    args = [a for fmt in format_names() for a in ("--output", f"{fmt}=out.{fmt}")]
    result = _check(run_plangate, checkout, name, "--format", "json", *args)
    assert result.returncode == 1, result.stderr
    for fmt in format_names():
        data = (checkout / f"out.{fmt}").read_bytes()
        _whole(fmt, data)
        assert "udc80" in data.decode("utf-8"), fmt
    report = json.loads((checkout / "out.json").read_text())
    assert report["findings"][0]["address"] == 'aws_db_instance.main["k\udc80"]'


def test_when_a_format_cannot_be_rendered_every_output_holds_an_error_report(
    checkout: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    def broken(report: dict, color: bool = False) -> str:
        raise UnicodeEncodeError("utf-8", "\udc80", 0, 1, "surrogates not allowed")

    # What the `sarif` entry point loads: the installed format, its render replaced.
    monkeypatch.setattr(sarif, "reporter", Reporter("sarif", "broken", broken))
    monkeypatch.chdir(checkout)
    args = [a for fmt in ("json", "junit", "sarif") for a in ("--output", f"{fmt}=out.{fmt}")]
    code = cli.main(["check", "--no-entry-points", "plan.json", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert code == 2
    assert json.loads(out)["decision"] == "error"
    assert "could not be rendered (the sarif format: UnicodeEncodeError)" in err
    assert json.loads((checkout / "out.json").read_text())["decision"] == "error"
    junit = ET.parse(checkout / "out.junit").getroot()
    assert junit.find("testsuite/testcase/error").get("type") == "output"
    # The broken format itself still gets a whole file: the error report, as best it can.
    assert (checkout / "out.sarif").stat().st_size > 0
