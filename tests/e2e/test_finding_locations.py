"""End to end: every format points each blocking finding at the `.tf` line a person
edits, for the shipped example plans with their project on disk and for real plans of
modules made by `for_each` and of a module Terraform downloaded; without the sources,
at the plan file, and the report says so once.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
import tfstub as harness  # the stub-provider harness, registered by tests/conftest.py

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "examples" / "reference-project"
PLANS = ROOT / "examples" / "plans"
INDEX = json.loads((PLANS / "index.json").read_text())
PLANGATE = str(Path(sys.executable).parent / "plangate")
FORMATS = ("sarif", "github", "gitlab", "junit", "text")

pytestmark = pytest.mark.e2e


# -- what each format says a finding points at ---------------------------------------------


def run(*args: str, cwd: Path, out: Path) -> dict[str, str]:
    """`plangate check ARGS` once, every format written: the JSON report and each output."""
    outputs = [f"--output={fmt}={out / fmt}" for fmt in FORMATS]
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", *outputs, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    found = {fmt: (out / fmt).read_text() for fmt in FORMATS}
    found["json"] = result.stdout
    found["stderr"] = result.stderr
    return found


_GITHUB = re.compile(r"::(?:error|warning|notice) (?P<props>[^:]*)::(?P<data>.*)")


def _property(value: str) -> str:
    return value.replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def github_commands(text: str) -> list[tuple[dict[str, str], str]]:
    """Each workflow command: its properties (unescaped, as the runner reads them) and data."""
    commands = []
    for line in text.splitlines():
        match = _GITHUB.fullmatch(line)
        if match:
            props = dict(p.split("=", 1) for p in match["props"].split(","))
            commands.append(({k: _property(v) for k, v in props.items()}, match["data"]))
    return commands


def pointed(fmt: str, text: str, policy_id: str, address: str) -> set[tuple[str, int]]:
    """The (file, line) pairs format `fmt` gives the finding of `policy_id` on `address`."""
    if fmt == "sarif":
        return {
            (
                loc["physicalLocation"]["artifactLocation"]["uri"],
                loc["physicalLocation"]["region"]["startLine"],
            )
            for result in json.loads(text)["runs"][0]["results"]
            if result["ruleId"] == policy_id
            and result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == address
            for loc in result["locations"]
        }
    if fmt == "github":
        return {
            (props["file"], int(props["line"]))
            for props, data in github_commands(text)
            if props.get("title") == policy_id and data.startswith(f"{address}: ")
        }
    if fmt == "gitlab":
        return {
            (issue["location"]["path"], issue["location"]["lines"]["begin"])
            for issue in json.loads(text)
            if issue["check_name"] == policy_id and issue["description"].startswith(f"{address}: ")
        }
    if fmt == "junit":
        return {
            (case.get("file"), int(case.get("line", 0)))
            for case in ET.fromstring(text).iter("testcase")
            if case.get("classname") == policy_id and case.get("name") == address
        }
    found = set()
    for line in text.splitlines():
        head = f"  {policy_id}  "
        if line.startswith(head) and f"  {address}" in line:
            where = line[len(head) : line.index(f"  {address}")]
            if where:
                path, _, number = where.rpartition(":")
                found.add((path, int(number)))
    return found


# -- the example plans, with the reference project on disk -----------------------------------

DATABASE = "examples/reference-project/modules/database/main.tf"
APP = "examples/reference-project/modules/app"
BACKEND = "examples/reference-project/modules/state_backend/main.tf"

# Each blocking finding of the example plans, and the line a person edits to fix it:
# the attribute that makes the violation, or, for a table the plan deletes, the block.
EXPECTED = {
    ("rds_public", "PG-RDS-001", "module.database.aws_db_instance.this"): (DATABASE, 70),
    ("db_sg_open", "PG-RDS-002", "module.database.aws_vpc_security_group_ingress_rule.public[0]"): (
        DATABASE,
        29,
    ),
    ("db_public_subnets", "PG-RDS-004", "module.database.aws_db_subnet_group.with_public[0]"): (
        DATABASE,
        50,
    ),
    ("rds_reachable", "PG-RDS-001", "module.database.aws_db_instance.this"): (DATABASE, 70),
    (
        "rds_reachable",
        "PG-RDS-002",
        "module.database.aws_vpc_security_group_ingress_rule.public[0]",
    ): (DATABASE, 29),
    ("rds_reachable", "PG-RDS-004", "module.database.aws_db_subnet_group.with_public[0]"): (
        DATABASE,
        50,
    ),
    ("rds_reachable", "PG-RDS-006", "module.database.aws_db_instance.this"): (DATABASE, 70),
    ("public_snapshot", "PG-RDS-005", "module.database.aws_db_snapshot.shared[0]"): (DATABASE, 85),
    (
        "task_role_lock_table_direct",
        "PG-STATE-001",
        "module.app.aws_iam_role_policy.lock_table[0]",
    ): (f"{APP}/iam.tf", 77),
    (
        "task_role_lock_table_wildcard",
        "PG-STATE-001",
        "module.app.aws_iam_role_policy.dynamodb_wildcard[0]",
    ): (f"{APP}/iam.tf", 96),
    (
        "task_role_managed_policy",
        "PG-STATE-001",
        "module.app.aws_iam_role_policy_attachment.dynamodb_full_access[0]",
    ): (f"{APP}/iam.tf", 104),
    ("lock_table_in_env", "PG-STATE-003", "module.app.aws_ecs_task_definition.api"): (
        f"{APP}/main.tf",
        43,
    ),
    (
        "lambda_lock_stream",
        "PG-STATE-004",
        "module.app.aws_lambda_event_source_mapping.lock_audit[0]",
    ): (f"{APP}/lambda.tf", 75),
    ("lock_table_deleted", "PG-STATE-006", "module.state_backend.aws_dynamodb_table.lock[0]"): (
        BACKEND,
        34,
    ),
}
# The module call each of those findings is reached through, in the root module.
CALLS = {"database": 35, "app": 51, "state_backend": 26}
VARIANTS = sorted({variant for variant, _, _ in EXPECTED})


def test_the_expectations_cover_every_blocking_finding_the_index_promises():
    promised = {
        (name, e["policy_id"], e["address"])
        for name, variant in INDEX["variants"].items()
        for e in variant["expected"]["expect"]
    }
    assert set(EXPECTED) == promised


@pytest.fixture(scope="module")
def example_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Each variant checked from outside the repository (the root is found from --chdir)."""
    found = {}
    for variant in VARIANTS:
        out = tmp_path_factory.mktemp(variant)
        plan = PLANS / INDEX["variants"][variant]["file"]
        found[variant] = run(str(plan), "--chdir", str(PROJECT), cwd=out, out=out)
    return found


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("variant", "policy_id", "address"), sorted(EXPECTED), ids=lambda v: str(v)[:40]
)
def test_each_blocking_finding_of_the_example_plans_points_at_the_line_to_edit(
    example_runs, fmt, variant, policy_id, address
):
    outputs = example_runs[variant]
    report = json.loads(outputs["json"])
    assert any(
        (f["policy_id"], f["address"], f["blocking"]) == (policy_id, address, True)
        for f in report["findings"]
    )
    assert pointed(fmt, outputs[fmt], policy_id, address) == {EXPECTED[variant, policy_id, address]}
    assert not report["warnings"], "every finding was traced to its source"


def test_the_lines_expected_are_the_ones_that_write_the_attributes():
    # The table above, read back from the files: a line moved in the project shows here.
    for (_, _, address), (path, line) in EXPECTED.items():
        text = (ROOT / path).read_text().splitlines()[line - 1].strip()
        name = address.split(".")[-1].split("[")[0]
        assert text.startswith(
            (
                "publicly_accessible",
                "cidr_ipv4",
                "subnet_ids",
                "shared_accounts",
                "policy ",
                "policy_arn",
                "event_source_arn",
                f'resource "aws_dynamodb_table" "{name}"',
                "container_definitions",
            )
        ), (path, line, text)


def test_sarif_gives_the_block_as_context_and_the_module_call_as_related_location(example_runs):
    sarif = json.loads(example_runs["rds_public"]["sarif"])
    [result] = sarif["runs"][0]["results"]
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == DATABASE
    assert physical["region"] == {"startLine": 70, "endLine": 70}
    assert physical["contextRegion"] == {"startLine": 53, "endLine": 77}
    [call] = result["relatedLocations"]
    assert call["physicalLocation"] == {
        "artifactLocation": {"uri": "examples/reference-project/main.tf"},
        "region": {"startLine": CALLS["database"], "endLine": 49},
    }
    assert call["message"]["text"] == 'module "database" is called here'


def test_a_multi_line_attribute_is_annotated_over_all_its_lines(example_runs):
    [(props, _)] = [
        c for c in github_commands(example_runs["lock_table_in_env"]["github"]) if "file" in c[0]
    ]
    assert (props["file"], props["line"], props["endLine"]) == (f"{APP}/main.tf", "43", "84")
    lines = (ROOT / APP / "main.tf").read_text().splitlines()
    assert lines[43 - 1].strip().startswith("container_definitions = jsonencode([")
    assert lines[84 - 1] == "  ])"


def test_markdown_links_each_finding_to_its_line_relative_to_the_repository(example_runs):
    markdown = subprocess.run(
        [
            PLANGATE,
            "check",
            "--format",
            "markdown",
            "--chdir",
            str(PROJECT),
            str(PLANS / "rds_public.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert f"[examples/reference-project/modules/database/main.tf:70]({DATABASE}#L70)" in (
        markdown.replace("\\_", "_")
    )


def test_the_json_report_carries_the_location_it_was_given(example_runs):
    report = json.loads(example_runs["rds_public"]["json"])
    [finding] = report["findings"]
    assert finding["location"] == {
        "path": DATABASE,
        "start_line": 53,
        "end_line": 77,
        "attribute_line": 70,
        "attribute_end_line": 70,
        "module_calls": [
            {
                "name": "database",
                "path": "examples/reference-project/main.tf",
                "start_line": 35,
                "end_line": 49,
            }
        ],
    }


def test_source_root_makes_paths_relative_to_it(tmp_path):
    outputs = run(
        str(PLANS / "rds_public.json"),
        "--chdir",
        str(PROJECT),
        "--source-root",
        str(PROJECT),
        cwd=tmp_path,
        out=tmp_path,
    )
    address = "module.database.aws_db_instance.this"
    for fmt in FORMATS:
        expected = {("modules/database/main.tf", 70)}
        assert pointed(fmt, outputs[fmt], "PG-RDS-001", address) == expected, fmt


def test_a_source_root_that_is_not_a_directory_is_a_usage_error(tmp_path):
    result = subprocess.run(
        [PLANGATE, "check", "--source-root", str(tmp_path / "nope"), str(PLANS / "good.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"plangate: error: --source-root {tmp_path / 'nope'}: not a directory"
    ]


# -- without the sources: the plan file, said once ------------------------------------------


def test_without_the_sources_findings_point_at_the_plan_file_and_the_report_says_so_once(tmp_path):
    # The sources are not in the working directory (an empty one): every format points
    # at the plan, as it would without locations, and one warning says why.
    (tmp_path / "work").mkdir()
    plan = "rds_reachable.json"
    shutil.copy(PLANS / plan, tmp_path / plan)
    outputs = run(plan, "--chdir", "work", cwd=tmp_path, out=tmp_path)
    report = json.loads(outputs["json"])
    blocking = [f for f in report["findings"] if f["blocking"]]
    assert len(blocking) == 4
    assert all("location" not in f for f in report["findings"])
    [warning] = report["warnings"]
    assert warning["kind"] == "sources"
    assert warning["message"].startswith(
        f"{len(report['findings'])} finding(s) point at the plan file"
    )
    for f in blocking:
        sarif = pointed("sarif", outputs["sarif"], f["policy_id"], f["address"])
        assert sarif == {(plan, 1)}
        assert pointed("gitlab", outputs["gitlab"], f["policy_id"], f["address"]) == {(plan, 1)}
        assert pointed("junit", outputs["junit"], f["policy_id"], f["address"]) == {(None, 0)}
        assert pointed("text", outputs["text"], f["policy_id"], f["address"]) == set()
    # Once in every format, and once on stderr.
    message = warning["message"]
    assert outputs["text"].count(message) == 1
    assert outputs["stderr"].count(message) == 1
    assert [c for c in github_commands(outputs["github"]) if "sources" in c[0]["title"]] == [
        ({"title": "plangate (sources)"}, message)
    ]
    assert [i for i in json.loads(outputs["gitlab"]) if i["check_name"] == "plangate/sources"]
    assert len(json.loads(outputs["gitlab"])) == len(report["findings"]) + 1
    notes = json.loads(outputs["sarif"])["runs"][0]["invocations"][0]
    assert [n["descriptor"]["id"] for n in notes["toolConfigurationNotifications"]] == ["sources"]
    junit = ET.fromstring(outputs["junit"])
    assert [p.get("value") for p in junit.iter("property") if p.get("name") == "warning"] == [
        f"sources: {message}"
    ]


def test_with_the_sources_no_warning_is_given(example_runs):
    for outputs in example_runs.values():
        assert json.loads(outputs["json"])["warnings"] == []
        assert "plangate: warning" not in outputs["stderr"]


# -- real plans: module instances made by for_each, a module Terraform downloaded ----------------


@pytest.fixture(scope="module")
def tfstub() -> ModuleType:
    if not harness.terraform_available():
        pytest.skip("terraform is not on PATH")
    return harness


DB_MODULE = """\
variable "name" {
  type = string
}

variable "public" {
  type = bool
}

resource "aws_db_instance" "this" {
  identifier          = "db-${replace(var.name, ".", "-")}"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "example-only"
  deletion_protection = true
  publicly_accessible = var.public
}
"""

SNAPSHOT_MODULE = """\
resource "aws_db_snapshot" "shared" {
  db_instance_identifier = "legacy"
  db_snapshot_identifier = "legacy-manual"
  shared_accounts        = ["all"]
}
"""


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def fleet(tfstub, tmp_path_factory) -> tuple[Path, dict]:
    """A repository whose Terraform lives in `infra/`: two databases made by `for_each`
    over one module (one of them public), and a module fetched from git by `terraform
    init` (into `infra/.terraform/modules`) that shares a snapshot with everyone."""
    if shutil.which("git") is None:
        pytest.skip("git is not on PATH")
    base = tmp_path_factory.mktemp("fleet")
    upstream = base / "upstream"
    upstream.mkdir()
    (upstream / "main.tf").write_text(SNAPSHOT_MODULE)
    _git("init", "-q", cwd=upstream)
    _git("add", ".", cwd=upstream)
    _git("commit", "-qm", "module", cwd=upstream)
    repo = base / "repo"
    work = repo / "infra"
    (work / "modules" / "db").mkdir(parents=True)
    (repo / ".git").mkdir()
    (work / "modules" / "db" / "main.tf").write_text(DB_MODULE)
    (work / "main.tf").write_text(
        'module "db" {\n'
        '  source   = "./modules/db"\n'
        '  for_each = { "orders" = false, "reporting.eu" = true }\n'
        "\n"
        "  name   = each.key\n"
        "  public = each.value\n"
        "}\n"
        "\n"
        'module "legacy" {\n'
        f'  source = "git::file://{upstream}"\n'
        "}\n"
    )
    env = tfstub.stub_env(base / "env")
    tfstub.init(work, env)
    plan, _ = tfstub.plan(work, env, {})
    (work / "plan.json").write_text(json.dumps(plan))
    return work, plan


def test_a_finding_in_a_module_instance_made_by_for_each_points_into_the_module(fleet, tmp_path):
    work, plan = fleet
    addresses = {c["address"] for c in plan["resource_changes"]}
    public = 'module.db["reporting.eu"].aws_db_instance.this'
    assert public in addresses and 'module.db["orders"].aws_db_instance.this' in addresses
    outputs = run("plan.json", cwd=work, out=tmp_path)
    report = json.loads(outputs["json"])
    blocking = {f["address"] for f in report["findings"] if f["blocking"]}
    assert public in blocking
    assert 'module.db["orders"].aws_db_instance.this' not in blocking
    for fmt in FORMATS:
        assert pointed(fmt, outputs[fmt], "PG-RDS-001", public) == {
            ("infra/modules/db/main.tf", 17)
        }, fmt
    [result] = [
        r for r in json.loads(outputs["sarif"])["runs"][0]["results"] if r["ruleId"] == "PG-RDS-001"
    ]
    [call] = result["relatedLocations"]
    assert call["physicalLocation"]["artifactLocation"]["uri"] == "infra/main.tf"
    assert call["physicalLocation"]["region"] == {"startLine": 1, "endLine": 7}
    assert call["message"]["text"] == 'module "db" is called here'


def test_a_finding_in_a_module_terraform_downloaded_points_at_its_installed_copy(fleet, tmp_path):
    work, _ = fleet
    outputs = run("plan.json", cwd=work, out=tmp_path)
    address = "module.legacy.aws_db_snapshot.shared"
    for fmt in FORMATS:
        assert pointed(fmt, outputs[fmt], "PG-RDS-005", address) == {
            ("infra/.terraform/modules/legacy/main.tf", 4)
        }, fmt
    assert json.loads(outputs["json"])["warnings"] == []
