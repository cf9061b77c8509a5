"""plangate.sources maps a resource address, and a finding's attribute, to the `.tf`
lines that write them, and to nothing when that cannot be told safely."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plangate import source_files, sources
from plangate.addresses import parse_traversal
from plangate.hcl_scan import MAX_FILE_BYTES
from plangate.sources import SourceLocator, Span, find_repository_root

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "examples" / "reference-project"
PLANS = ROOT / "examples" / "plans"
INDEX = json.loads((PLANS / "index.json").read_text())
PLANGATE = str(Path(sys.executable).parent / "plangate")


# -- what a person would search for in the text ------------------------------------------


def declared(folder: Path, header: str) -> tuple[Path, int, int]:
    """The one file of `folder` with a line reading `header`, that line and the line of
    the `}` closing it (found by its indentation), 1-based."""
    hits = []
    for file in sorted(folder.glob("*.tf")):
        lines = file.read_text().splitlines()
        for number, line in enumerate(lines):
            if line.strip() == header:
                indent = line[: len(line) - len(line.lstrip())]
                end = next(n for n in range(number + 1, len(lines)) if lines[n] == indent + "}")
                hits.append((file, number + 1, end + 1))
    assert len(hits) == 1, (folder, header, hits)
    return hits[0]


def line_of(file: Path, start: int, end: int, text: str) -> tuple[int, int]:
    """The one line between `start` and `end` (1-based) whose text starts with `text`,
    and the line that closes the bracket it leaves open (found by its indentation)."""
    lines = file.read_text().splitlines()
    hits = [n for n in range(start - 1, end) if lines[n].strip().startswith(text)]
    assert len(hits) == 1, (file, text, hits)
    first = lines[hits[0]]
    if not first.endswith(("(", "[", "{")):
        return hits[0] + 1, hits[0] + 1
    indent = first[: len(first) - len(first.lstrip())]
    closing = next(
        n for n in range(hits[0] + 1, end) if lines[n][len(indent) :][:1] in tuple(")]}")
    )
    return hits[0] + 1, closing + 1


def span(file: Path, root: Path, line: int, end_line: int | None = None) -> Span:
    return Span(file.relative_to(root).as_posix(), line, end_line or line)


# -- the reference project ----------------------------------------------------------------

BLOCKING = [
    (name, expected)
    for name, variant in sorted(INDEX["variants"].items())
    for expected in variant["expected"]["expect"]
]


@pytest.fixture(scope="module")
def reports() -> dict[str, dict]:
    """The JSON report of each shipped plan, for the attribute each finding names."""
    found = {}
    for name in sorted({name for name, _ in BLOCKING}):
        plan = PLANS / INDEX["variants"][name]["file"]
        result = subprocess.run(
            [PLANGATE, "check", "--format", "json", str(plan)], capture_output=True, check=False
        )
        assert result.returncode == 1, result.stderr.decode()
        found[name] = json.loads(result.stdout)
    return found


@pytest.mark.parametrize(
    ("variant", "expected"), BLOCKING, ids=[f"{n}-{e['policy_id']}" for n, e in BLOCKING]
)
def test_each_blocking_finding_of_the_example_plans_points_at_the_line_to_edit(
    reports, variant, expected
):
    finding = next(
        f
        for f in reports[variant]["findings"]
        if (f["policy_id"], f["address"]) == (expected["policy_id"], expected["address"])
    )
    assert finding["blocking"]
    plan = json.loads((PLANS / INDEX["variants"][variant]["file"]).read_text())
    located = SourceLocator(plan["configuration"], PROJECT, ROOT).locate(
        finding["address"], finding["attribute"]
    )

    # module.<call>.<type>.<name>[key]: the block in the folder of the call's source.
    (_, _), (call, _), (kind, _), (name, _) = parse_traversal(finding["address"])
    source = plan["configuration"]["root_module"]["module_calls"][call]["source"]
    file, start, end = declared(PROJECT / source, f'resource "{kind}" "{name}" {{')
    call_file, call_start, call_end = declared(PROJECT, f'module "{call}" {{')
    assert located is not None
    assert located.block == span(file, ROOT, start, end)
    assert located.module_calls == (span(call_file, ROOT, call_start, call_end),)
    if finding["attribute"] is None:
        assert located.attribute is None
        assert located.region == located.block
    else:
        line, end_line = line_of(file, start, end, finding["attribute"] + " ")
        assert located.attribute == span(file, ROOT, line, end_line)
        assert located.region == located.attribute


def test_the_finding_on_a_public_database_points_at_publicly_accessible():
    # One case written out, so that a change in both the mapping and the search above shows.
    plan = json.loads((PLANS / "rds_public.json").read_text())
    located = SourceLocator(plan["configuration"], PROJECT, ROOT).locate(
        "module.database.aws_db_instance.this", "publicly_accessible"
    )
    assert located is not None
    assert located.block == Span("examples/reference-project/modules/database/main.tf", 53, 77)
    assert located.region == Span("examples/reference-project/modules/database/main.tf", 70, 70)
    assert located.module_calls == (Span("examples/reference-project/main.tf", 35, 49),)


def test_a_multi_line_attribute_spans_its_lines():
    plan = json.loads((PLANS / "lock_table_in_env.json").read_text())
    located = SourceLocator(plan["configuration"], PROJECT, ROOT).locate(
        "module.app.aws_ecs_task_definition.api", "container_definitions"
    )
    assert located is not None and located.attribute is not None
    lines = (PROJECT / "modules" / "app" / "main.tf").read_text().splitlines()
    assert lines[located.attribute.line - 1].strip().startswith("container_definitions = ")
    assert lines[located.attribute.end_line - 1] == "  ])"


# -- modules made by for_each and count, and downloaded modules ----------------------------

SERVICE = """\
variable "name" {
  type = string
}

resource "terraform_data" "this" {
  input = {
    name = var.name
    tags = {
      "Team" = "platform"
    }
  }
}

module "disk" {
  source = "../disk"
  count  = 2
}
"""

DISK = """\
resource "terraform_data" "volume" {
  triggers_replace = [
    "one",
  ]
  input = [
    "a",
    "b",
  ]
}
"""


def test_resources_in_module_instances_map_to_their_module_s_block(real_plan, tmp_path):
    (tmp_path / ".git").mkdir()
    plan, _ = real_plan(
        {
            "main.tf": 'module "svc" {\n  source   = "./modules/svc"\n'
            '  for_each = toset(["api", "worker.v2"])\n\n  name = each.key\n}\n',
            "modules/svc/main.tf": SERVICE,
            "modules/disk/main.tf": DISK,
        }
    )
    addresses = sorted(c["address"] for c in plan["resource_changes"])
    assert 'module.svc["worker.v2"].module.disk[1].terraform_data.volume' in addresses
    locator = SourceLocator(plan["configuration"], tmp_path)
    service = tmp_path / "modules" / "svc" / "main.tf"
    disk = tmp_path / "modules" / "disk" / "main.tf"
    calls = (span(tmp_path / "main.tf", tmp_path, 1, 6), span(service, tmp_path, 14, 17))

    for address in addresses:
        located = locator.locate(address, "input.tags.Team")
        assert located is not None, address
        if ".module.disk[" in address:
            assert located.block == span(disk, tmp_path, 1, 9)
            assert located.module_calls == calls
            assert located.attribute == span(disk, tmp_path, 5, 8)  # as deep as it is written
        else:
            assert located.block == span(service, tmp_path, 5, 12)
            assert located.module_calls == calls[:1]
            assert located.attribute == span(service, tmp_path, 9)  # "Team" = "platform"

    volume = 'module.svc["api"].module.disk[0].terraform_data.volume'
    assert locator.locate(volume, "triggers_replace.0").region == span(disk, tmp_path, 3)
    # Two elements: which one index 1 is cannot be told from the text (a set is sorted).
    assert locator.locate(volume, "input.1").region == span(disk, tmp_path, 5, 8)


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def test_a_downloaded_module_is_found_through_the_module_manifest(real_plan, tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not on PATH")
    upstream = tmp_path_factory.mktemp("upstream")
    (upstream / "main.tf").write_text(
        'variable "name" {\n  type = string\n}\n\n'
        'resource "terraform_data" "vpc" {\n  input = var.name\n}\n'
    )
    _git("init", "-q", cwd=upstream)
    _git("add", ".", cwd=upstream)
    _git("commit", "-qm", "module", cwd=upstream)
    plan, planfile = real_plan(
        {
            "main.tf": f'module "net" {{\n  source = "git::file://{upstream}"\n  name   = "x"\n}}\n'
            'module "local" {\n  source = "./local"\n}\n',
            "local/main.tf": 'resource "terraform_data" "here" {\n}\n',
        }
    )
    work = planfile.parent
    (work / ".git").mkdir()
    manifest = json.loads((work / ".terraform" / "modules" / "modules.json").read_text())
    assert {"Key": "net", "Source": f"git::file://{upstream}", "Dir": ".terraform/modules/net"} in (
        manifest["Modules"]
    )

    located = SourceLocator(plan["configuration"], work).locate(
        "module.net.terraform_data.vpc", "input"
    )
    assert located is not None
    assert located.block == Span(".terraform/modules/net/main.tf", 5, 7)
    assert located.attribute == Span(".terraform/modules/net/main.tf", 6, 6)
    assert located.module_calls == (Span("main.tf", 1, 4),)
    here = SourceLocator(plan["configuration"], work).locate("module.local.terraform_data.here")
    assert here is not None and here.block == Span("local/main.tf", 1, 2)


def test_a_manifest_entry_pointing_outside_the_repository_gives_no_location(tmp_path):
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / ".git").mkdir(parents=True)
    (repo / ".terraform" / "modules").mkdir(parents=True)
    outside.mkdir()
    (outside / "main.tf").write_text('resource "terraform_data" "x" {\n}\n')
    (repo / "main.tf").write_text('module "net" {\n  source = "example/net/aws"\n}\n')
    # Terraform never writes this: a manifest crafted to walk out of the checkout.
    (repo / ".terraform" / "modules" / "modules.json").write_text(
        json.dumps({"Modules": [{"Key": "net", "Dir": "../outside"}]})
    )
    configuration = {"root_module": {"module_calls": {"net": {"source": "example/net/aws"}}}}
    assert SourceLocator(configuration, repo).locate("module.net.terraform_data.x") is None
    # The same module inside the repository is found: the escape is what is refused.
    shutil.copytree(outside, repo / "inside")
    (repo / ".terraform" / "modules" / "modules.json").write_text(
        json.dumps({"Modules": [{"Key": "net", "Dir": "inside"}]})
    )
    located = SourceLocator(configuration, repo).locate("module.net.terraform_data.x")
    assert located is not None and located.block == Span("inside/main.tf", 1, 2)


def test_a_manifest_outside_the_repository_is_not_read(tmp_path):
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / ".git").mkdir(parents=True)
    (repo / "net").mkdir()
    (repo / "net" / "main.tf").write_text('resource "terraform_data" "x" {\n}\n')
    (repo / "main.tf").write_text('module "net" {\n  source = "example/net/aws"\n}\n')
    (outside / "modules").mkdir(parents=True)
    (outside / "modules" / "modules.json").write_text(
        json.dumps({"Modules": [{"Key": "net", "Dir": "net"}]})
    )
    (repo / ".terraform").symlink_to(outside)
    configuration = {"root_module": {"module_calls": {"net": {"source": "example/net/aws"}}}}
    assert SourceLocator(configuration, repo).locate("module.net.terraform_data.x") is None
    (repo / ".terraform").unlink()
    shutil.copytree(outside, repo / ".terraform")
    assert SourceLocator(configuration, repo).locate("module.net.terraform_data.x") is not None


# -- nothing outside the repository root -------------------------------------------------


def test_modules_and_files_outside_the_repository_root_get_no_location(
    real_plan, tmp_path, monkeypatch
):
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    for name in ("up", "linked"):
        (outside / name).mkdir(parents=True, exist_ok=True)
        (outside / name / "main.tf").write_text('resource "terraform_data" "x" {\n}\n')
    (outside / "file.tf").write_text('resource "terraform_data" "x" {\n}\n')
    (tmp_path / ".git").mkdir()
    (tmp_path / "modules" / "file_linked").mkdir(parents=True)
    (tmp_path / "modules" / "linked").symlink_to(outside / "linked")
    (tmp_path / "modules" / "file_linked" / "main.tf").symlink_to(outside / "file.tf")
    calls = {
        "inside": "./modules/inside",
        "up": f"../{outside.name}/up",
        "linked": "./modules/linked",
        "file_linked": "./modules/file_linked",
    }
    plan, _ = real_plan(
        {
            "main.tf": "".join(
                f'module "{n}" {{\n  source = "{s}"\n}}\n' for n, s in calls.items()
            ),
            "modules/inside/main.tf": 'resource "terraform_data" "x" {\n}\n',
        }
    )
    assert len(plan["resource_changes"]) == 4  # Terraform itself reads all four
    listed = []
    original = sources.read_folder
    monkeypatch.setattr(sources, "read_folder", lambda d, **k: listed.append(d) or original(d, **k))
    locator = SourceLocator(plan["configuration"], tmp_path)
    located = {name: locator.locate(f"module.{name}.terraform_data.x") for name in calls}
    assert listed and all(folder.is_relative_to(tmp_path) for folder in listed)
    assert located["inside"] is not None
    assert located["inside"].block == Span("modules/inside/main.tf", 1, 2)
    assert located["up"] is None
    assert located["linked"] is None
    assert located["file_linked"] is None


def test_the_working_directory_outside_the_given_source_root_gives_no_location(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "main.tf").write_text('resource "terraform_data" "x" {\n}\n')
    (tmp_path / "root").mkdir()
    assert (
        SourceLocator({}, tmp_path / "work", tmp_path / "root").locate("terraform_data.x") is None
    )
    located = SourceLocator({}, tmp_path / "work", tmp_path).locate("terraform_data.x")
    assert located is not None and located.block == Span("work/main.tf", 1, 2)


def test_the_repository_root_is_the_nearest_folder_holding_git(tmp_path):
    (tmp_path / "repo" / "live" / "prod").mkdir(parents=True)
    (tmp_path / "repo" / ".git").write_text("gitdir: elsewhere\n")  # a worktree's .git file
    assert find_repository_root(tmp_path / "repo" / "live" / "prod") == tmp_path / "repo"
    (tmp_path / "repo" / "live" / "prod" / "main.tf").write_text(
        'data "terraform_remote_state" "net" {\n  backend = "local"\n}\n'
    )
    located = SourceLocator({}, tmp_path / "repo" / "live" / "prod").locate(
        "data.terraform_remote_state.net", "backend"
    )
    assert located is not None
    assert located.region == Span("live/prod/main.tf", 2, 2)


# -- sources absent or not the plan's ---------------------------------------------------------


def test_without_sources_on_disk_nothing_is_located(tmp_path):
    plan = json.loads((PLANS / "rds_public.json").read_text())
    for folder in (tmp_path, tmp_path / "missing"):
        locator = SourceLocator(plan["configuration"], folder)
        assert locator.locate("module.database.aws_db_instance.this", "publicly_accessible") is None


def write(folder: Path, files: dict[str, str]) -> Path:
    (folder / ".git").mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_a_resource_declared_twice_or_not_at_all_gets_no_location(tmp_path):
    block = 'resource "terraform_data" "x" {\n}\n'
    write(tmp_path, {"a.tf": block, "b.tf": block, "c.tf": 'resource "terraform_data" "y" {\n}\n'})
    locator = SourceLocator({}, tmp_path)
    assert locator.locate("terraform_data.x") is None
    assert locator.locate("terraform_data.z") is None
    assert locator.locate("terraform_data.y").block == Span("c.tf", 1, 2)


def test_override_files_do_not_count_as_declarations(tmp_path):
    write(
        tmp_path,
        {
            "main.tf": 'resource "terraform_data" "x" {\n  input = 1\n}\n',
            "main_override.tf": 'resource "terraform_data" "x" {\n  input = 2\n}\n',
            "override.tf": 'resource "terraform_data" "x" {\n  input = 3\n}\n',
        },
    )
    assert SourceLocator({}, tmp_path).locate("terraform_data.x").block == Span("main.tf", 1, 3)


@pytest.mark.parametrize(
    "address",
    ["", "terraform_data", "module.m", "terraform_data.x.y", 'x["a"].y', "module.m[", "a.b c"],
)
def test_an_address_that_names_no_resource_gets_no_location(tmp_path, address):
    write(tmp_path, {"main.tf": 'resource "terraform_data" "x" {\n}\n'})
    assert SourceLocator({}, tmp_path).locate(address) is None


def test_module_calls_are_followed_to_a_bounded_depth(tmp_path):
    # A module that calls itself: Terraform refuses it, a crafted plan need not.
    write(
        tmp_path,
        {"main.tf": 'module "m" {\n  source = "./"\n}\nresource "terraform_data" "x" {\n}\n'},
    )
    configuration: dict = {"root_module": {}}
    module = configuration["root_module"]
    for _ in range(80):
        module["module_calls"] = {"m": {"source": "./", "module": {}}}
        module = module["module_calls"]["m"]["module"]
    locator = SourceLocator(configuration, tmp_path)
    located = locator.locate("module.m." * 64 + "terraform_data.x")
    assert located is not None and located.module_calls == (Span("main.tf", 1, 3),) * 64
    assert locator.locate("module.m." * 65 + "terraform_data.x") is None


def test_configuration_of_any_shape_is_read_without_error(tmp_path):
    write(tmp_path, {"main.tf": 'resource "terraform_data" "x" {\n}\n'})
    for configuration in (None, [], {"root_module": []}, {"root_module": {"module_calls": 1}}):
        locator = SourceLocator(configuration, tmp_path)  # type: ignore[arg-type]
        assert locator.locate("terraform_data.x") is not None
        assert locator.locate("module.m.terraform_data.x") is None


def test_a_file_name_with_control_characters_is_never_named(tmp_path):
    write(tmp_path, {"a\n::error file=x::b.tf": 'resource "terraform_data" "x" {\n}\n'})
    write(tmp_path, {"c\u202ed.tf": 'resource "terraform_data" "y" {\n}\n'})
    locator = SourceLocator({}, tmp_path)
    assert locator.locate("terraform_data.x") is None
    assert locator.locate("terraform_data.y") is None


# -- attributes, nested and dynamic blocks -------------------------------------------------

FUNCTION = """\
# resource "aws_lambda_function" "f" {   (a comment, not a block)
resource "aws_lambda_function" "f" {
  function_name = "f"
  description   = <<-EOT
    resource "aws_lambda_function" "f" {
      memory_size = 1
    }
  EOT

  environment {
    variables = {
      LOCK_TABLE = "terraform-state-lock"
      "quoted.key" = "x"
    }
  }
  tags = { Team = "platform" }
  vpc_config { subnet_ids = ["subnet-1"] }
}
"""


@pytest.mark.parametrize(
    ("attribute", "lines"),
    [
        ("function_name", (3, 3)),
        ("description", (4, 8)),  # a heredoc ends at its marker
        ("environment", (10, 15)),
        ("environment.0", (10, 15)),
        ("environment.0.variables", (11, 14)),
        ("environment.0.variables.LOCK_TABLE", (12, 12)),
        (("environment", 0, "variables", "quoted.key"), (13, 13)),
        ("environment.0.variables.MISSING", (11, 14)),  # as deep as it is written
        ("tags.Team", (16, 16)),
        ("vpc_config.0.subnet_ids.0", (17, 17)),  # a one-line block
        ("memory_size", None),  # not written: computed or defaulted
        ("0", None),
    ],
)
def test_an_attribute_path_maps_to_the_lines_that_write_it(tmp_path, attribute, lines):
    write(tmp_path, {"main.tf": FUNCTION})
    located = SourceLocator({}, tmp_path).locate("aws_lambda_function.f", attribute)
    assert located is not None
    assert located.block == Span("main.tf", 2, 18)
    if lines is None:
        assert located.attribute is None
        assert located.region == located.block
    else:
        assert located.attribute == Span("main.tf", *lines)


def test_an_attribute_path_past_a_nested_block_index_is_followed(tmp_path):
    write(tmp_path, {"main.tf": FUNCTION})
    located = SourceLocator({}, tmp_path).locate("aws_lambda_function.f", "environment.1")
    # `environment.1` names the second environment block: there is none, so the one
    # written is what is pointed at, not a line chosen by guess.
    assert located.attribute == Span("main.tf", 10, 15)


DYNAMIC = """\
resource "aws_security_group" "only_dynamic" {
  name = "db"

  dynamic "ingress" {
    for_each = var.cidrs
    content {
      from_port   = 5432
      to_port     = 5432
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }
}

resource "aws_security_group" "mixed" {
  name = "db"

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }

  dynamic "ingress" {
    for_each = var.cidrs
    content {
      from_port   = 5432
      to_port     = 5432
      protocol    = "tcp"
      cidr_blocks = [ingress.value]
    }
  }
}

resource "aws_db_instance" "db" {
  identifier             = "db"
  engine                 = "postgres"
  instance_class         = "db.t3.micro"
  allocated_storage      = 20
  username               = "app"
  password               = "example-only"
  vpc_security_group_ids = [aws_security_group.only_dynamic.id, aws_security_group.mixed.id]
}
"""


@pytest.fixture(scope="module")
def tfstub():
    import tfstub as harness  # the stub-provider harness, registered by tests/conftest.py

    if not harness.terraform_available():
        pytest.skip("terraform is not on PATH")
    return harness


def test_a_finding_on_blocks_made_by_dynamic_points_at_the_dynamic_block(tfstub, tmp_path):
    (tmp_path / "work").mkdir()
    variable = 'variable "cidrs" {\n  default = ["0.0.0.0/0"]\n}\n\n'
    work = write(tmp_path / "work", {"main.tf": variable + DYNAMIC})
    plan, _ = tfstub.plan(work, tfstub.stub_env(tmp_path / "env"), {})
    (work / "plan.json").write_text(json.dumps(plan))
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", str(work / "plan.json")],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr.decode()
    findings = {
        f["address"]: f["attribute"]
        for f in json.loads(result.stdout)["findings"]
        if f["policy_id"] == "PG-RDS-002"
    }
    assert set(findings) == {"aws_security_group.only_dynamic", "aws_security_group.mixed"}

    locator = SourceLocator(plan["configuration"], work)
    only = locator.locate(
        "aws_security_group.only_dynamic", findings["aws_security_group.only_dynamic"]
    )
    assert only.region == Span("main.tf", 8, 16)  # the dynamic "ingress" block
    deeper = locator.locate("aws_security_group.only_dynamic", "ingress.0.cidr_blocks")
    assert deeper.region == Span("main.tf", 14, 14)  # inside its content block
    # A static and a dynamic block: which one the plan's (sorted) set member came from
    # cannot be told from the text, so both are pointed at.
    mixed = locator.locate("aws_security_group.mixed", findings["aws_security_group.mixed"])
    assert mixed.region == Span("main.tf", 22, 37)
    assert locator.locate("aws_security_group.mixed", "ingress.0.cidr_blocks").region == Span(
        "main.tf", 22, 37
    )


# -- reading: once per folder, under caps, and hostile files -----------------------------------


def test_each_folder_is_read_once_per_locator(tmp_path, monkeypatch):
    write(
        tmp_path,
        {"main.tf": 'resource "terraform_data" "x" {\n}\nresource "terraform_data" "y" {\n}\n'},
    )
    reads = []
    original = sources.read_folder
    monkeypatch.setattr(
        sources, "read_folder", lambda *a, **k: reads.append(a) or original(*a, **k)
    )
    locator = SourceLocator({}, tmp_path)
    for _ in range(3):
        assert locator.locate("terraform_data.x") is not None
        assert locator.locate("terraform_data.y") is not None
        assert locator.locate("terraform_data.z") is None
    assert len(reads) == 1


def test_the_instances_of_a_block_are_located_once(tmp_path, monkeypatch):
    write(
        tmp_path, {"main.tf": 'resource "terraform_data" "x" {\n  input = {\n    k = 1\n  }\n}\n'}
    )
    bodies, keys = [], []
    body_items, object_item = source_files.body_items, source_files.object_item
    monkeypatch.setattr(source_files, "body_items", lambda *a: bodies.append(a) or body_items(*a))
    monkeypatch.setattr(source_files, "object_item", lambda *a: keys.append(a) or object_item(*a))
    locator = SourceLocator({}, tmp_path)
    for n in range(1000):
        assert locator.locate(f"terraform_data.x[{n}]", "input.k").region == Span("main.tf", 3, 3)
        assert locator.locate(f'terraform_data.x["{n}"]', "input").region == Span("main.tf", 2, 4)
    assert len(bodies) == 1  # the block's body, read once for both paths
    assert len(keys) == 1  # and each path followed once for all instances


def test_a_locator_stops_reading_once_its_budget_is_spent(tmp_path, monkeypatch):
    configuration = {"root_module": {"module_calls": {"m": {"source": "./m"}}}}
    (tmp_path / "m").mkdir()
    write(tmp_path, {"main.tf": 'module "m" {\n  source = "./m"\n}\n' + "#" * 1000 + "\n"})
    write(tmp_path / "m", {"main.tf": 'resource "terraform_data" "x" {\n}\n'})
    assert SourceLocator(configuration, tmp_path).locate("module.m.terraform_data.x") is not None
    monkeypatch.setattr(sources, "MAX_RUN_BYTES", 1000)
    assert SourceLocator(configuration, tmp_path).locate("module.m.terraform_data.x") is None


def test_files_too_large_or_not_regular_are_not_read(tmp_path):
    big = 'resource "terraform_data" "big" {\n}\n'
    write(
        tmp_path,
        {
            "a.tf": 'resource "terraform_data" "small" {\n}\n',
            "b.tf": big + "#" * (MAX_FILE_BYTES - len(big) + 1),
        },
    )
    (tmp_path / "e.tf").write_bytes(b'resource "terraform_data" "bad" {\n}\n\xff\xfe')
    os.mkfifo(tmp_path / "c.tf")  # reading it would wait for a writer forever
    (tmp_path / "d.tf").symlink_to("/dev/zero")  # and this never ends
    started = time.perf_counter()
    locator = SourceLocator({}, tmp_path)
    assert locator.locate("terraform_data.small").block == Span("a.tf", 1, 2)
    assert locator.locate("terraform_data.big") is None
    assert locator.locate("terraform_data.bad") is None  # not UTF-8: Terraform refuses it too
    assert time.perf_counter() - started < 5


HEAD = 'resource "aws_db_instance" "db" {\n  publicly_accessible = true\n}\n'
# Files of the largest size read, shaped to make a reader that backtracks, recurses or
# rescans slow: floods of comment openers, deep nesting of every bracket and of blocks,
# unterminated strings and heredocs, NUL bytes, thousands of blocks, labels and keys.
HOSTILE = {
    "comment openers": "/* " * MAX_FILE_BYTES,
    "comment openers in a comment": "# " + "/* " * MAX_FILE_BYTES,
    "nested blocks": 'resource "a_b" "c" {\n' + "x {\n" * MAX_FILE_BYTES,
    "nested brackets": "locals {\n  b = " + "{[(" * MAX_FILE_BYTES,
    "closing brackets": "}])" * MAX_FILE_BYTES,
    "quotes": 'resource "a_b" "c" {\n  q = ' + '"' * MAX_FILE_BYTES,
    "interpolations": 'resource "a_b" "c" {\n  i = "' + "${{" * MAX_FILE_BYTES,
    "unterminated heredoc": 'resource "a_b" "c" {\n  h = <<EOT\n' + "line\n" * MAX_FILE_BYTES,
    "heredoc starts": 'resource "a_b" "c" {\n' + "  h = <<EOT\n" * MAX_FILE_BYTES,
    "nul bytes": "\0" * MAX_FILE_BYTES,
    "short lines": "a\n" * MAX_FILE_BYTES,
    "blocks": 'resource "a_b" "c" { x = 1 }\n' * MAX_FILE_BYTES,
    "labels": "resource " + '"a" ' * MAX_FILE_BYTES,
    "object keys": 'resource "a_b" "c" {\n  t = {\n' + '"k" = 1\n' * MAX_FILE_BYTES,
    "tuple commas": 'resource "a_b" "c" {\n  t = [\n' + "," * MAX_FILE_BYTES,
}


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_a_hostile_file_of_the_largest_size_is_read_at_once(tmp_path, shape):
    write(tmp_path, {"main.tf": (HEAD + HOSTILE[shape])[:MAX_FILE_BYTES]})
    started = time.perf_counter()
    locator = SourceLocator({}, tmp_path)
    located = locator.locate("aws_db_instance.db", "publicly_accessible")
    for path in ("t.k", "t.5", "q", "i.0", "h", "x.0.x"):
        locator.locate("a_b.c", path)
    assert time.perf_counter() - started < 2  # measured: 0.1-0.4 s
    assert located is not None and located.region == Span("main.tf", 2, 2)


def test_a_resource_after_a_block_left_open_is_not_guessed(tmp_path):
    write(tmp_path, {"main.tf": 'resource "a_b" "open" {\n  x = 1\n\n' + HEAD})
    assert SourceLocator({}, tmp_path).locate("aws_db_instance.db") is None


# -- sources that are not the plan's ---------------------------------------------------------


def _project_calling_database_as(folder: Path, written: str) -> Path:
    """A copy of the reference project whose `module "database"` source is `written`."""
    shutil.copytree(PROJECT, folder / "project")
    (folder / ".git").mkdir()
    modules = folder / "project" / "modules"
    shutil.copytree(modules / "database", modules / "database-v2")
    main = folder / "project" / "main.tf"
    main.write_text(main.read_text().replace('"./modules/database"', written, 1))
    return main.parent


def test_a_module_call_whose_source_is_not_the_plan_s_gives_no_location(tmp_path):
    # Another root module in the directory plangate runs in, calling a module of the same
    # name from elsewhere: the plan's lines are not these, whatever the folders hold.
    plan = json.loads((PLANS / "rds_public.json").read_text())
    work = _project_calling_database_as(tmp_path, '"./modules/database-v2"')
    locator = SourceLocator(plan["configuration"], work)
    assert locator.locate("module.database.aws_db_instance.this", "publicly_accessible") is None
    assert locator.locate("module.app.aws_ecs_task_definition.api") is not None


def test_a_module_call_with_the_plan_s_source_is_followed_however_it_is_laid_out(tmp_path):
    plan = json.loads((PLANS / "rds_public.json").read_text())
    work = _project_calling_database_as(tmp_path, '  "./modules/database"    # the database')
    located = SourceLocator(plan["configuration"], work).locate(
        "module.database.aws_db_instance.this", "publicly_accessible"
    )
    assert located is not None
    assert located.region == Span("project/modules/database/main.tf", 70, 70)
