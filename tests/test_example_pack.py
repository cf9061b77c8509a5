"""The example third-party pack (examples/custom-pack) installs and plugs in by entry point.

The pack is pip-installed into a private target folder, never into the test's own
environment, and plangate runs in a subprocess with that folder on PYTHONPATH: the
`acme` entry point must be discovered from the installed metadata alone.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from plangate.testing import PlanBuilder

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "examples" / "custom-pack"


def _builds_without_isolation() -> bool:
    """setuptools < 70.1 needs the `wheel` package to build a wheel."""
    if importlib.util.find_spec("setuptools") is None:
        return False
    if importlib.util.find_spec("wheel") is not None:
        return True
    major, minor, *_ = (int(p) if p.isdigit() else 0 for p in version("setuptools").split("."))
    return (major, minor) >= (70, 1)


@pytest.fixture(scope="module")
def pack_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    # setuptools builds in the source folder (build/, *.egg-info): build from a copy, so
    # the repository stays clean and no stale build output reaches the wheel.
    source = tmp_path_factory.mktemp("acme-src") / "custom-pack"
    shutil.copytree(
        PACK, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests")
    )
    target = tmp_path_factory.mktemp("acme-pack")
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--disable-pip-version-check",
        "--target",
        str(target),
        str(source),
    ]
    if _builds_without_isolation():
        command.insert(4, "--no-build-isolation")
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (target / "acme_plangate_policies" / "owner_tag.py").is_file()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(target), env.get("PYTHONPATH")]))
    env.pop("PLANGATE_TODAY", None)
    return env


def _plangate(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # cwd is a scratch folder: `-m` puts it first on sys.path, and the repo root's
    # `plugin/` and `policies/` folders must not be importable by those names.
    return subprocess.run(
        [sys.executable, "-m", "plangate", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_installed_pack_policies_are_listed_with_their_entry_point(pack_env, tmp_path):
    proc = _plangate(pack_env, tmp_path, "policies")
    assert proc.returncode == 0, proc.stderr
    lines = {line.split()[0]: line for line in proc.stdout.splitlines() if line.strip()}
    assert "ACME-TAG-001" in lines
    assert "ACME-S3-001" in lines
    assert lines["ACME-TAG-001"].split()[1] == "medium"
    assert lines["ACME-TAG-001"].endswith("[entry point acme]")
    assert lines["ACME-S3-001"].endswith("[entry point acme]")
    assert any(line.endswith("[builtin]") for line in lines.values())


def test_installed_pack_reports_a_resource_without_owner_tag(pack_env, tmp_path):
    plan = PlanBuilder().add(
        "module.jobs.aws_lambda_function.worker",
        {
            "function_name": "jobs-worker",
            "runtime": "python3.12",
            "tags": {"Name": "jobs-worker"},
            "tags_all": {"Name": "jobs-worker"},
        },
        unknown=["arn", "id"],
    )
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan.to_dict()), encoding="utf-8")
    proc = _plangate(pack_env, tmp_path, "check", "--format", "json", str(path))
    assert proc.returncode == 0, proc.stderr  # medium: reported, not blocking
    report = json.loads(proc.stdout)
    found = [f for f in report["findings"] if f["policy_id"] == "ACME-TAG-001"]
    assert [
        (f["address"], f["attribute"], f["severity"], f["blocking"], f["source"]) for f in found
    ] == [("module.jobs.aws_lambda_function.worker", "tags", "medium", False, "entry point acme")]


def test_pack_is_not_loaded_with_no_entry_points(pack_env, tmp_path):
    proc = _plangate(pack_env, tmp_path, "policies", "--no-entry-points")
    assert proc.returncode == 0, proc.stderr
    assert "ACME-" not in proc.stdout


def _public_site_plan(folder: Path) -> Path:
    plan = PlanBuilder().add(
        "google_storage_bucket_iam_member.site",
        {"bucket": "acme-site", "role": "roles/storage.objectViewer", "member": "allUsers"},
        unknown=["etag", "id"],
    )
    path = folder / "plan.json"
    path.write_text(json.dumps(plan.to_dict()), encoding="utf-8")
    return path


def _public_bucket_check(env: dict[str, str], folder: Path, *args: str) -> dict:
    plan = _public_site_plan(folder)
    proc = _plangate(env, folder, "check", "--format", "json", *args, str(plan))
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    assert report["decision"] == ("block" if proc.returncode else "pass")
    report["stderr"] = proc.stderr
    return report


def _gcs_findings(report: dict) -> list[tuple[str, bool]]:
    return [
        (f["address"], f["blocking"])
        for f in report["findings"]
        if f["policy_id"] == "ACME-GCS-001"
    ]


def test_the_installed_pack_adds_its_option_to_check(pack_env, tmp_path):
    proc = _plangate(pack_env, tmp_path, "check", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "pack acme:" in proc.stdout and "--acme-public-bucket NAME" in proc.stdout


def test_the_installed_pack_blocks_a_public_bucket_and_lists_it_in_its_section(pack_env, tmp_path):
    report = _public_bucket_check(pack_env, tmp_path)
    assert _gcs_findings(report) == [("google_storage_bucket_iam_member.site", True)]
    assert report["acme_public_buckets"] == [
        {
            "bucket": "acme-site",
            "member": "allUsers",
            "grant": "google_storage_bucket_iam_member.site",
            "allowed_by": "nobody",
        }
    ]


def test_the_operator_allows_a_public_bucket_by_option_or_packs_table(pack_env, tmp_path):
    by_flag = _public_bucket_check(pack_env, tmp_path, "--acme-public-bucket", "acme-site")
    assert _gcs_findings(by_flag) == []
    assert by_flag["acme_public_buckets"][0]["allowed_by"] == "--acme-public-bucket"
    operator = tmp_path / "operator.toml"
    operator.write_text('[packs.acme]\npublic_buckets = ["acme-site"]\n')
    by_table = _public_bucket_check(pack_env, tmp_path, "--config", str(operator))
    assert _gcs_findings(by_table) == []
    assert by_table["acme_public_buckets"][0]["allowed_by"] == "config file"


def test_a_repository_config_cannot_allow_its_own_public_bucket_under_an_operator(
    pack_env, tmp_path
):
    (tmp_path / ".git").mkdir()
    (tmp_path / "plangate.toml").write_text('[packs.acme]\npublic_buckets = ["acme-site"]\n')
    operator = tmp_path.parent / f"{tmp_path.name}-operator.toml"
    operator.write_text("")
    report = _public_bucket_check(pack_env, tmp_path, "--config", str(operator))
    assert _gcs_findings(report) == [("google_storage_bucket_iam_member.site", True)]
    assert "public_buckets" in report["stderr"]


LOCAL_POLICY = '''
from plangate import Severity, policy


@policy(id="LOCAL-DIR-001", title="from a trusted policy_dirs", severity=Severity.LOW,
        resource_types=("aws_vpc",))
def local(change):
    """## What it checks
    Nothing.
    ## Why it matters
    Tests.
    ## How to fix
    Nothing.
    """
    yield from ()
'''


_LISTED = re.compile(r"(\S+)\s+(\S+)\s+(\S+)\s+(.*)  \[(.*)\](.*)")
_EXPLAINED = re.compile(
    r"severity: (\S+)    enforcement: (\S+)    looks at: .*    source: (.*?)((?:  \(.*\))?)"
)


def test_explain_and_policies_agree_on_every_policy_from_wherever_it_loads(pack_env, tmp_path):
    # A trusted repository config's policy_dirs, a --policy-dir and an entry-point pack,
    # and a config that raises one severity and level: one loader and one reading of the
    # config serve both commands, so they agree on id, title, severity, enforcement level,
    # source and state of each.
    (tmp_path / ".git").mkdir()
    for folder, policy_id in (("local", "LOCAL-DIR-001"), ("extra", "LOCAL-FLAG-001")):
        (tmp_path / folder).mkdir()
        text = LOCAL_POLICY.replace("LOCAL-DIR-001", policy_id)
        (tmp_path / folder / "local.py").write_text(text)
    (tmp_path / "plangate.toml").write_text(
        'policy_dirs = ["local"]\n\n[policies.ACME-TAG-001]\nseverity = "high"\n'
        'enforcement = "hard-mandatory"\n'
    )
    flags = ("--policy-dir", str(tmp_path / "extra"))
    listed = _plangate(pack_env, tmp_path, "policies", *flags)
    assert listed.returncode == 0, listed.stderr
    rows = [_LISTED.fullmatch(line) for line in listed.stdout.splitlines() if line.strip()]
    assert all(rows), listed.stdout
    listing = {m[1]: (m[4], m[2], m[3], m[5], m[6].strip()) for m in rows if m}
    assert {"LOCAL-DIR-001", "LOCAL-FLAG-001", "ACME-TAG-001", "PG-STATE-001"} <= set(listing)
    assert listing["ACME-TAG-001"][1:3] == ("high", "hard-mandatory")  # raised by the config
    for policy_id, expected in listing.items():
        explained = _plangate(pack_env, tmp_path, "explain", policy_id, *flags)
        assert explained.returncode == 0, (policy_id, explained.stderr)
        head, facts, *doc = explained.stdout.splitlines()
        found = _EXPLAINED.fullmatch(facts)
        assert head.startswith(f"{policy_id}: ") and found, explained.stdout
        title = head.removeprefix(f"{policy_id}: ")
        assert (title, found[1], found[2], found[3], found[4].strip()) == expected, policy_id
        assert "## What it checks" in doc
