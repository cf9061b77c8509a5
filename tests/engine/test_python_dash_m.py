"""`python -m plangate` run inside a checkout does not import the checkout's code.

`python -m` puts the working directory first on `sys.path`; in CI that is the pull
request's checkout, which could commit an installed-looking package (a `*.dist-info`
with an entry point) or a module named like a dependency.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EVIL = """
from pathlib import Path
Path({marker!r}).write_text("imported")
"""


def _checkout(tmp_path: Path) -> Path:
    marker = tmp_path / "marker"
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "evilpack.py").write_text(EVIL.format(marker=str(marker)))
    (checkout / "jsonschema.py").write_text(EVIL.format(marker=str(marker)))
    info = checkout / "evilpack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: evilpack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[plangate.policies]\nevil = evilpack\n\n[plangate.reporters]\nevil = evilpack\n"
    )
    return checkout


def test_python_dash_m_in_a_checkout_loads_no_pack_the_checkout_commits(tmp_path):
    checkout = _checkout(tmp_path)
    for args in (["policies"], ["formats"]):
        result = subprocess.run(
            [sys.executable, "-m", "plangate", *args],
            cwd=checkout,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "evil" not in result.stdout
    assert not (tmp_path / "marker").exists()


def test_python_dash_m_in_a_checkout_imports_no_dependency_the_checkout_shadows(tmp_path):
    checkout = _checkout(tmp_path)
    plan = Path(__file__).resolve().parents[2] / "examples" / "plans" / "good.json"
    result = subprocess.run(
        [sys.executable, "-m", "plangate", "check", "--format", "json", str(plan)],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "marker").exists()
