"""Policy and pack code cannot end the run, pass a plan, or write into the report.

Each case is what a careless or hostile policy does: `sys.exit(0)` at import or while
running, `KeyboardInterrupt`, `GeneratorExit` or another `BaseException`, a fake summary
printed on stdout. The answer is always an error naming the policy (exit 2), with the
other policies still reporting.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from plangate import Severity, finding, policy
from plangate.errors import GateTimeout
from plangate.runner import run_policies
from plangate.testing import PlanBuilder, run_policy

PLANGATE = str(Path(sys.executable).parent / "plangate")

DOC = '''"""## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """'''

# Blocks every bucket named "public": the policy whose finding must survive the others.
GOOD = f"""
from plangate import Severity, finding, policy


@policy(id="T-GOOD-001", title="good", severity=Severity.HIGH, resource_types=("aws_s3_bucket",))
def good(change):
    {DOC}
    if change.after_value("bucket") == "public":
        yield finding(change, "public bucket", attribute="bucket")
"""


def _hostile(body: str, *, at_import: str = "", plan_wide: bool = False) -> str:
    types = "" if plan_wide else ', resource_types=("aws_s3_bucket",)'
    arg = "plan" if plan_wide else "change"
    return f"""
import os, signal, sys
from plangate import Severity, finding, policy
{at_import}

@policy(id="T-BAD-001", title="bad", severity=Severity.LOW{types})
def bad({arg}):
    {DOC}
    {body}
    yield from ()
"""


CASES = {
    "sys.exit(0) at import": _hostile("pass", at_import="sys.exit(0)"),
    "KeyboardInterrupt at import": _hostile("pass", at_import="raise KeyboardInterrupt"),
    "BaseException at import": _hostile("pass", at_import="raise BaseException('x')"),
    "sys.exit(0) while running": _hostile("sys.exit(0)"),
    "SystemExit() while running": _hostile("raise SystemExit"),
    "KeyboardInterrupt while running": _hostile("raise KeyboardInterrupt"),
    "GeneratorExit while running": _hostile("raise GeneratorExit"),
    "a BaseException subclass": _hostile("raise type('Quit', (BaseException,), {})()"),
    "sys.exit(0) in a plan-wide policy": _hostile("sys.exit(0)", plan_wide=True),
    "sys.exit(0) in an inventory": """
import sys
from plangate import inventory

@inventory("state_backend")
def rows(plan, context):
    sys.exit(0)
""",
}


def _run(*args: str, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PLANGATE, *args],
        capture_output=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", **_pythonpath()},
        preexec_fn=preexec,
    )


def _pythonpath() -> dict[str, str]:
    return {"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}


def _plan(tmp_path: Path) -> str:
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps(PlanBuilder().add("aws_s3_bucket.b", {"bucket": "public"}).to_dict())
    )
    return str(path)


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "good.py").write_text(GOOD)
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("fmt", ["json", "atlantis"])
def test_a_policy_that_raises_anything_is_an_error_naming_it(tmp_path, policy_dir, case, fmt):
    (policy_dir / "hostile.py").write_text(CASES[case])
    out = tmp_path / "report.json"
    result = _run(
        "check", "--policy-dir", str(policy_dir), "--format", fmt, "--output", f"json={out}",
        _plan(tmp_path),
    )  # fmt: skip
    assert result.returncode == 2, (case, result.stderr)
    report = json.loads(out.read_text())
    assert report["decision"] == "error"
    [error] = report["errors"]
    assert "T-BAD-001" in error["message"] or "hostile.py" in error["message"]
    assert "Traceback" not in result.stderr.decode()
    # the other policy still reports
    assert [f["policy_id"] for f in report["findings"]] == ["T-GOOD-001"]


def test_an_installed_pack_that_exits_at_import_is_an_error_naming_the_pack(tmp_path):
    site = tmp_path / "site"
    (site / "evil_pack").mkdir(parents=True)
    (site / "evil_pack" / "__init__.py").write_text("import sys\nsys.exit(0)\n")
    dist = site / "evil_pack-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-pack\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[plangate.policies]\nevil = evil_pack\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site)}
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", _plan(tmp_path)],
        capture_output=True,
        check=False,
        env=env,
    )
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout)
    assert any("evil" in e["message"] for e in report["errors"])
    assert report["findings"] or report["plans"]  # the built-in pack still ran


def test_what_a_policy_prints_never_reaches_the_report(tmp_path, policy_dir):
    fake = "0 tests, 0 passed, 0 warnings, 0 failures, 0 exceptions"
    (policy_dir / "chatty.py").write_text(
        _hostile(f"print({fake!r}); print('PASS - all good')", at_import=f"print({fake!r})")
    )
    for fmt in ("atlantis", "json"):
        result = _run("check", "--policy-dir", str(policy_dir), "--format", fmt, _plan(tmp_path))
        assert fake.encode() not in result.stdout + result.stderr
        assert b"PASS - all good" not in result.stdout + result.stderr
        warnings = result.stderr.decode().splitlines()
        assert any("T-BAD-001" in w and "dropped" in w for w in warnings), warnings
        assert any("chatty.py" in w and "dropped" in w for w in warnings), warnings
    assert json.loads(result.stdout)["decision"] == "block"  # still valid JSON


def test_a_policy_that_swaps_stdout_at_import_cannot_hide_the_report(tmp_path, policy_dir):
    (policy_dir / "quiet.py").write_text('import os, sys\nsys.stdout = open(os.devnull, "w")\n')
    result = _run("check", "--policy-dir", str(policy_dir), "--format", "atlantis", _plan(tmp_path))
    assert b"FAIL - aws_s3_bucket.b - T-GOOD-001" in result.stdout


def test_a_real_ctrl_c_still_stops_the_run_with_exit_2(tmp_path, policy_dir):
    # The signal really arrives (as from a terminal), while a policy runs.
    (policy_dir / "slow.py").write_text(_hostile("os.kill(os.getpid(), signal.SIGINT)"))
    result = _run(
        "check", "--policy-dir", str(policy_dir), _plan(tmp_path),
        preexec=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == ["plangate: interrupted"]


@policy(id="T-TIME-001", title="t", severity=Severity.LOW, resource_types=("aws_s3_bucket",))
def times_out(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    raise GateTimeout(1.0)
    yield


def test_the_run_time_limit_is_not_blamed_on_the_policy_that_was_running():
    with pytest.raises(GateTimeout):
        run_policies([PlanBuilder().add("aws_s3_bucket.b", {"bucket": "x"}).build()], [times_out])


class _Loud:
    def __str__(self) -> str:
        raise SystemExit(0)


@policy(id="T-ODD-001", title="t", severity=Severity.HIGH, resource_types=("aws_s3_bucket",))
def odd_message(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    yield finding(change, _Loud())  # rendering it would call policy code


@policy(id="T-WAIVE-001", title="t", severity=Severity.HIGH, resource_types=("aws_s3_bucket",))
def self_waiving(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    from dataclasses import replace

    yield replace(finding(change, "x"), waived=True, waiver={"reason": "trust me"})


def test_a_finding_that_is_not_plain_data_is_an_error_naming_the_policy():
    outcome = run_policies([PlanBuilder().add("aws_s3_bucket.b", {}).build()], [odd_message])
    assert outcome.findings == []
    assert "T-ODD-001" in outcome.errors[0].message
    assert "message" in outcome.errors[0].message


def test_a_policy_cannot_waive_its_own_finding():
    [found] = run_policies(
        [PlanBuilder().add("aws_s3_bucket.b", {}).build()], [self_waiving]
    ).findings
    assert (found.waived, found.waiver) == (False, None)


@policy(id="T-KIT-001", title="t", severity=Severity.LOW, resource_types=("aws_s3_bucket",))
def exits(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    print("debugging output")
    sys.exit(0)
    yield


def test_the_test_kit_fails_the_test_when_a_policy_exits(capsys):
    with pytest.raises(AssertionError, match=r"T-KIT-001 .* raised SystemExit"):
        run_policy(exits, PlanBuilder().add("aws_s3_bucket.b", {}))
    assert "debugging output" in capsys.readouterr().out  # shown to the policy's author
