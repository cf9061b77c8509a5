"""Every real plan in the shared corpus is checked without an error; every not-plan is
rejected with exit 2 and one clear line. Read in place, never copied into the repo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(
    os.environ.get("PLANGATE_CORPUS")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
)

PLANGATE = str(Path(sys.executable).parent / "plangate")


def _files(folder: str) -> list[Path]:
    path = CORPUS / folder
    return sorted(path.glob("*.json")) if path.is_dir() else []


@pytest.mark.parametrize("path", _files("real"), ids=lambda p: p.name[:80])
def test_every_real_plan_is_checked_without_an_error(path, corpus_dir):
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", str(path)], capture_output=True, check=False
    )
    assert result.returncode in (0, 1), result.stderr.decode() + result.stdout.decode()[-2000:]
    # Checked away from its sources: at most that its findings point at the plan file.
    warnings = [w["kind"] for w in json.loads(result.stdout)["warnings"]]
    assert warnings in ([], ["sources"]), result.stderr.decode()
    assert len(result.stderr.splitlines()) == len(warnings), result.stderr.decode()


@pytest.mark.parametrize("path", _files("not-plans"), ids=lambda p: p.name[:80])
def test_every_file_that_is_not_a_plan_is_rejected_with_one_line(path, corpus_dir):
    result = subprocess.run([PLANGATE, "check", str(path)], capture_output=True, check=False)
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("plangate: error: ")
    assert path.name in lines[0]
