"""Output formats are plugins: found by entry point, imported only when asked for, each
with its own exit rule, and a duplicated or broken one is a one-line error (exit 2).

Third-party formats are installed the way pip leaves a package: a module beside its
`*.dist-info` folder (METADATA, entry_points.txt), in a private folder that only the
plangate subprocess gets on PYTHONPATH, so the test environment stays as it is and
discovery reads real package metadata.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from plangate import Reporter
from plangate.reporters import ENTRY_POINT_GROUP, format_names, load_format
from plangate.testing import PlanBuilder

Run = Callable[..., subprocess.CompletedProcess[str]]
BUILT_IN = ["atlantis", "github", "gitlab", "html", "json", "junit", "markdown", "sarif", "text"]

ACME = '''
from plangate import Reporter


def render(report, color):
    rows = ["policy,address,blocking"]
    rows += [f"{f['policy_id']},{f['address']},{f['blocking']}" for f in report["findings"]]
    return "\\n".join([*rows, f"decision,{report['decision']},"]) + "\\n"


def any_finding(report):
    """Stricter than the decision: any finding at all fails the job."""
    return 1 if report["findings"] else 0


csv = Reporter("csv", "one comma-separated line per finding", render, any_finding)
lenient = Reporter("lenient", "exits 0 whatever happened", render, lambda report: 0)
odd = Reporter("odd", "an exit rule that answers 7", render, lambda report: 7)


def only_blocking(report, color):
    """Careless: filters the report it was handed in place, and sums it up."""
    report["findings"][:] = [f for f in report["findings"] if f["blocking"]]
    for f in report["findings"]:
        f["message"] = f["message"].upper()
    return "\\n".join(f["message"] for f in report["findings"]) + "\\n"


careless = Reporter("careless", "changes the report it renders", only_blocking)
'''

SHADOW = """
from plangate import Reporter

json = Reporter("json", "a second json", lambda report, color: "{}\\n")
"""

CRASH = """
import sys

print("PASS")
sys.exit(0)
"""

NOT_A_REPORTER = """
def render(report, color):
    return "PASS"
"""


def _install(site: Path, dist: str, modules: dict[str, str], formats: dict[str, str]) -> None:
    """What `pip install` leaves in site-packages for a distribution with entry points."""
    for name, source in modules.items():
        (site / f"{name}.py").write_text(textwrap.dedent(source))
    info = site / f"{dist.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    lines = [f"{name} = {target}" for name, target in formats.items()]
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n" + "\n".join(lines) + "\n")


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    """A site folder holding acme-formats: `csv`, `lenient`, `odd` and `careless`."""
    site = tmp_path / "site-acme"
    site.mkdir()
    targets = {name: f"acme_formats:{name}" for name in ("csv", "lenient", "odd", "careless")}
    _install(site, "acme-formats", {"acme_formats": ACME}, targets)
    return site


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A site folder holding formats that must not load: a second `json`, one that
    prints PASS and calls sys.exit(0) at import, and one that is not a Reporter."""
    site = tmp_path / "site-hostile"
    site.mkdir()
    _install(site, "shadow-json", {"shadow_json": SHADOW}, {"json": "shadow_json:json"})
    _install(site, "acme-crash", {"acme_crash": CRASH}, {"crash": "acme_crash:reporter"})
    _install(site, "acme-plain", {"acme_plain": NOT_A_REPORTER}, {"plain": "acme_plain:render"})
    return site


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A folder with plan.json (a public database: one blocking finding) and quiet.json
    (a database that is not public: one non-blocking finding, the run passes)."""
    folder = tmp_path / "work"
    folder.mkdir()
    public = PlanBuilder().add("aws_db_instance.main", {"publicly_accessible": True})
    quiet = PlanBuilder().add(
        "aws_db_instance.main", {"publicly_accessible": False, "deletion_protection": False}
    )
    (folder / "plan.json").write_text(json.dumps(public.to_dict()))
    (folder / "quiet.json").write_text(json.dumps(quiet.to_dict()))
    return folder


def _with(site: Path) -> dict[str, str]:
    return {"PYTHONPATH": str(site)}


# -- the built-in formats ------------------------------------------------------------------


def test_the_built_in_formats_are_registered_as_entry_points_of_plangate():
    assert format_names() == BUILT_IN
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        assert ep.dist is not None and ep.dist.name == "plangate", ep
        loaded = load_format(ep.name)
        assert isinstance(loaded, Reporter) and loaded.name == ep.name


def _imported_formats(*argv: str, cwd: Path) -> tuple[int, set[str]]:
    """Run `main(argv)` in a fresh interpreter; which format modules it imported."""
    script = textwrap.dedent(
        f"""
        import contextlib, io, json, sys
        from plangate.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                code = main({list(argv)!r})
            except SystemExit as exc:
                code = exc.code
        print(json.dumps([code, sorted(sys.modules)]))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, check=True
    )
    code, modules = json.loads(done.stdout.splitlines()[-1])
    formats = {ep.value.split(":")[0] for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return code, formats & set(modules)


def test_version_imports_no_format_and_a_json_run_imports_only_json(work: Path):
    assert _imported_formats("--version", cwd=work) == (0, set())
    code, imported = _imported_formats(
        "check", "--no-entry-points", "--format", "json", "plan.json", cwd=work
    )
    assert (code, imported) == (1, {"plangate.reporters.json_format"})


def test_the_atlantis_format_owns_its_exit_rule():
    atlantis = load_format("atlantis")
    for decision, code in (("pass", 0), ("block", 0), ("error", 2)):
        assert atlantis.exit_code({"decision": decision, "errors": []}) == code
    assert load_format("json").exit_code({"decision": "block"}) == 1


# -- the Reporter object -------------------------------------------------------------------


def _render(report: dict[str, Any], color: bool) -> str:
    return ""


@pytest.mark.parametrize("name", ["", "a=b", "two words", "CSV", "-x", "../x"])
def test_a_format_name_that_format_and_output_cannot_carry_is_refused(name: str):
    with pytest.raises(ValueError, match="format name"):
        Reporter(name, "x", _render)


@pytest.mark.parametrize("description", ["", "  ", "two\nlines"])
def test_a_description_must_be_one_line(description: str):
    with pytest.raises(ValueError, match="one line"):
        Reporter("x", description, _render)


def test_no_exit_rule_makes_a_run_that_did_not_complete_exit_0():
    always_pass = Reporter("x", "x", _render, lambda report: 0)
    assert always_pass.exit_code({"decision": "error"}) == 2
    assert always_pass.exit_code({"decision": "something new"}) == 2
    assert always_pass.exit_code({"decision": "block"}) == 0


# -- a third-party format ------------------------------------------------------------------


def test_an_installed_format_is_listed_and_used_by_format_and_output(
    acme: Path, work: Path, run_plangate: Run
):
    listed = run_plangate("formats", cwd=work, **_with(acme))
    assert listed.returncode == 0, listed.stderr
    assert "csv        one comma-separated line per finding" in listed.stdout.splitlines()
    assert {line.split()[0] for line in listed.stdout.splitlines()} >= set(BUILT_IN)

    shown = run_plangate("check", "plan.json", "--format", "csv", cwd=work, **_with(acme))
    assert shown.returncode == 1, shown.stderr
    assert shown.stdout.splitlines()[0] == "policy,address,blocking"
    assert "PG-RDS-001,aws_db_instance.main,True" in shown.stdout

    written = run_plangate(
        "check", "plan.json", "--format", "json", "--output", "csv=out.csv", cwd=work, **_with(acme)
    )
    assert written.returncode == 1, written.stderr
    assert json.loads(written.stdout)["decision"] == "block"
    assert "PG-RDS-001,aws_db_instance.main,True" in (work / "out.csv").read_text()


def test_the_stdout_format_decides_the_exit_code_and_an_output_file_does_not(
    acme: Path, work: Path, run_plangate: Run
):
    strict = run_plangate("check", "quiet.json", "--format", "csv", cwd=work, **_with(acme))
    assert strict.stdout.splitlines()[-1] == "decision,pass,"
    assert strict.returncode == 1, strict.stderr  # csv's rule: any finding fails
    as_file = run_plangate(
        "check", "quiet.json", "--format", "json", "--output", "csv=o.csv", cwd=work, **_with(acme)
    )
    assert as_file.returncode == 0, as_file.stderr


def test_a_format_that_changes_the_report_it_renders_changes_no_other_output(
    acme: Path, work: Path, run_plangate: Run
):
    """Every format rendered one shared dict (and the exit rule read it after them all):
    a format that filtered it in place took the non-blocking finding out of the JSON on
    stdout and upper-cased the messages the other formats showed."""
    quiet = run_plangate(
        "check",
        "quiet.json",
        "--output",
        "careless=c.txt",
        "--format",
        "json",
        cwd=work,
        **_with(acme),
    )
    assert quiet.returncode == 0, quiet.stderr
    [found] = json.loads(quiet.stdout)["findings"]
    assert not found["blocking"] and not found["message"].isupper()


def test_a_format_cannot_make_a_run_that_failed_exit_0(acme: Path, work: Path, run_plangate: Run):
    (work / "broken.json").write_text("{not json")
    lenient = run_plangate("check", "broken.json", "--format", "lenient", cwd=work, **_with(acme))
    assert lenient.returncode == 2, lenient.stderr
    assert "decision,error," in lenient.stdout


def test_an_exit_rule_answering_another_code_is_an_error_in_every_output(
    acme: Path, work: Path, run_plangate: Run
):
    odd = run_plangate(
        "check", "quiet.json", "--format", "odd", "--output", "json=r.json", cwd=work, **_with(acme)
    )
    assert odd.returncode == 2
    assert "could not be rendered (the odd format's exit rule: ValueError)" in odd.stderr
    assert "decision,error," in odd.stdout
    assert json.loads((work / "r.json").read_text())["decision"] == "error"


# -- formats that must not load ------------------------------------------------------------


def test_a_second_format_with_a_built_in_name_is_an_error_never_a_silent_pick(
    hostile: Path, work: Path, run_plangate: Run
):
    for args in (["--format", "json"], ["--output", "json=r.json"]):
        result = run_plangate("check", "plan.json", *args, cwd=work, **_with(hostile))
        assert result.returncode == 2
        [line] = result.stderr.splitlines()
        assert "output format 'json' is installed more than once" in line
        assert "plangate.reporters.json_format:reporter from plangate" in line
        assert "shadow_json:json from shadow-json" in line
        assert result.stdout == ""
        assert not (work / "r.json").exists()
    # A run that asks only for other formats is not affected.
    text = run_plangate("check", "plan.json", cwd=work, **_with(hostile))
    assert text.returncode == 1, text.stderr


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("crash", "failed to load: SystemExit: sys.exit(0)"),
        ("plain", "is not a plangate.Reporter named 'plain'"),
    ],
)
def test_a_broken_format_is_a_one_line_error_naming_it(
    hostile: Path, work: Path, run_plangate: Run, name: str, why: str
):
    result = run_plangate("check", "plan.json", "--format", name, cwd=work, **_with(hostile))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"plangate: error: --format: output format {name!r} (acme_")
    assert why in line
    assert result.stdout == ""  # what the module printed at import never reaches stdout


def test_formats_lists_what_loads_and_fails_for_what_does_not(
    hostile: Path, work: Path, run_plangate: Run
):
    result = run_plangate("formats", cwd=work, **_with(hostile))
    assert result.returncode == 2
    assert {line.split()[0] for line in result.stdout.splitlines()} == set(BUILT_IN) - {"json"}
    errors = result.stderr.splitlines()
    assert len(errors) == 3
    assert all(line.startswith("plangate: error: output format '") for line in errors)


def test_apply_refuses_an_unknown_format_before_terraform_plans(tmp_path: Path, run_plangate: Run):
    marker = tmp_path / "terraform-ran"
    fake = tmp_path / "terraform"
    fake.write_text(f"#!/bin/sh\ntouch {marker}\n")
    fake.chmod(0o755)
    result = run_plangate(
        "apply", "--terraform-bin", str(fake), "--output", "pdf=r.pdf", "--", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "no output format 'pdf'" in result.stderr
    assert not marker.exists()
