"""Shared fixtures: where the corpus is, and running the real terraform binary.

Terraform's built-in `terraform_data` resource needs no provider, so engine tests can
make real plans (modules, count, for_each, binary plan files) with nothing downloaded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The shared plan corpus lives beside the repository; PLANGATE_CORPUS points elsewhere.
CORPUS = Path(os.environ.get("PLANGATE_CORPUS") or ROOT.parent / "shared" / "corpus")


def _register_tfstub() -> None:
    """Make the stub-provider harness (tests/tfstub) importable as `tfstub`.

    With `--import-mode=importlib` the tests folder is not on `sys.path`, so the test
    modules that run the real terraform against the stub cannot import it by name; this
    conftest is loaded before any of them, and registers the one harness they share."""
    if "tfstub" in sys.modules:
        return
    here = ROOT / "tests" / "tfstub"
    spec = importlib.util.spec_from_file_location(
        "tfstub", here / "__init__.py", submodule_search_locations=[str(here)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["tfstub"] = module
    spec.loader.exec_module(module)


_register_tfstub()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "real").is_dir():
        pytest.skip(f"plan corpus not found at {CORPUS}")
    return CORPUS


def pytest_configure(config: pytest.Config) -> None:
    """With PLANGATE_REQUIRE_TERRAFORM=1 (CI sets it) a missing terraform fails the run
    instead of skipping every real-Terraform test."""
    if os.environ.get("PLANGATE_REQUIRE_TERRAFORM") == "1" and not _terraform():
        raise pytest.UsageError(
            "PLANGATE_REQUIRE_TERRAFORM=1 but no terraform binary (PATH or PLANGATE_TERRAFORM)"
        )


def _terraform() -> str | None:
    return os.environ.get("PLANGATE_TERRAFORM") or shutil.which("terraform")


@pytest.fixture(scope="session")
def terraform_bin() -> str:
    found = _terraform()
    if not found:
        pytest.skip("terraform binary not on PATH: real-Terraform tests need it")
    return found


def _tf_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_INPUT="0")
    rc = workdir / ".terraformrc"
    rc.write_text("")
    env["TF_CLI_CONFIG_FILE"] = str(rc)
    return env


@pytest.fixture
def real_plan(terraform_bin: str, tmp_path: Path):
    """Write `.tf` files, run terraform init/plan/show -json; returns (plan dict, planfile)."""

    def make(files: dict[str, str], *args: str) -> tuple[dict, Path]:
        for name, text in files.items():
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        env = _tf_env(tmp_path)
        if any("/" in name for name in files):
            subprocess.run(
                [terraform_bin, "init", "-input=false", "-no-color"],
                cwd=tmp_path,
                env=env,
                check=True,
                capture_output=True,
            )
        planfile = tmp_path / "tfplan"
        proc = subprocess.run(
            [terraform_bin, "plan", "-input=false", "-no-color", f"-out={planfile}", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        shown = subprocess.run(
            [terraform_bin, "show", "-json", str(planfile)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            check=True,
        )
        return json.loads(shown.stdout), planfile

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="rewrite tests/snapshots/*.json from the current findings",
    )


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots"))
