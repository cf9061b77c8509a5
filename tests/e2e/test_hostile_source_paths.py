"""End to end: the checkout is the pull request author's, and so are its file names.

A real Terraform plan of modules in folders named to break out of each format (`,`, `%`,
`::`, `#`, brackets, a backtick, an `@mention`), named with a line break, a control
character or a bidirectional override, linked or reached by `..` or an absolute source
out of the repository: every format names a path only when it stays inside the
repository and prints, escaped for its place, and points at the plan file otherwise.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
import tfstub  # the stub-provider harness, registered by tests/conftest.py

ROOT = Path(__file__).resolve().parents[2]
PLANGATE = str(Path(sys.executable).parent / "plangate")
FORMATS = ("sarif", "github", "gitlab", "junit", "text", "markdown")

pytestmark = pytest.mark.e2e

DATABASE = """\
resource "aws_db_instance" "this" {
  identifier          = "db"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  username            = "app"
  password            = "example-only"
  deletion_protection = true
  publicly_accessible = true
}
"""
LINE = 9  # of publicly_accessible

# A folder name a format's syntax could read: each one is named, escaped.
ODD = "a,b%c::d e#L1 (x)[y]`z` @org %0A%3A"
# Module call -> folder (under mods/), none of which may be named.
UNNAMED = {
    "newline": "nl\n::error file=x::pwned",
    "control": "esc\x1b[31m",
    "bidi": "bidi\u202etxt.exe",
    "soft": "soft\u00adhyphen",  # a format character no format prints as it is
    "log": "x##[error]y",  # a command to a CI log anywhere in a line
}


def _hcl(text: str) -> str:
    """A quoted HCL string of `text` (HCL reads JSON's escapes, `\\u` included)."""
    return json.dumps(text).replace("${", "$${").replace("%{", "%%{")


@pytest.fixture(scope="module")
def checked(tmp_path_factory) -> tuple[dict[str, str], dict]:
    if not tfstub.terraform_available():
        pytest.skip("terraform is not on PATH")
    base = tmp_path_factory.mktemp("hostile")
    outside = base / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text(DATABASE)
    repo = base / "repo"
    (repo / ".git").mkdir(parents=True)
    calls = {"odd": f"./mods/{ODD}", **{k: f"./mods/{v}" for k, v in UNNAMED.items()}}
    for source in calls.values():
        (repo / source).mkdir(parents=True)
        (repo / source / "main.tf").write_text(DATABASE)
    (repo / "mods" / "linked").symlink_to(outside)
    calls["linked"] = "./mods/linked"  # a link out of the repository
    calls["up"] = "../outside"  # `..` out of it
    calls["absolute"] = str(outside)  # terraform init links it into .terraform/modules
    (repo / "main.tf").write_text(
        "".join(f'module "{name}" {{\n  source = {_hcl(s)}\n}}\n\n' for name, s in calls.items())
    )
    env = tfstub.stub_env(base / "env")
    tfstub.init(repo, env)
    plan, _ = tfstub.plan(repo, env, {})
    assert {c["address"] for c in plan["resource_changes"]} == {
        f"module.{name}.aws_db_instance.this" for name in calls
    }, "Terraform reads every one of these folders"
    (repo / "plan.json").write_text(json.dumps(plan))
    outputs = [f"--output={fmt}={base / fmt}" for fmt in FORMATS]
    result = subprocess.run(
        [PLANGATE, "check", "--format", "json", *outputs, "plan.json"],
        capture_output=True,
        text=True,
        cwd=repo,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    found = {fmt: (base / fmt).read_text(encoding="utf-8") for fmt in FORMATS}
    found["json"], found["stderr"] = result.stdout, result.stderr
    return found, json.loads(result.stdout)


ODD_PATH = f"mods/{ODD}/main.tf"
ODD_ADDRESS = "module.odd.aws_db_instance.this"
ELSEWHERE = sorted([*UNNAMED, "linked", "up", "absolute"])


def test_the_json_report_locates_the_odd_folder_and_none_that_leaves_or_does_not_print(checked):
    _, report = checked
    located = {f["address"]: f.get("location") for f in report["findings"] if f["blocking"]}
    assert located[ODD_ADDRESS]["path"] == ODD_PATH
    assert located[ODD_ADDRESS]["attribute_line"] == LINE
    for name in ELSEWHERE:
        assert located[f"module.{name}.aws_db_instance.this"] is None, name
    # Each database also has non-blocking findings, on the same lines or none.
    missed = [f for f in report["findings"] if "location" not in f]
    assert {f["address"] for f in missed} == {f"module.{n}.aws_db_instance.this" for n in ELSEWHERE}
    [warning] = report["warnings"]
    assert warning["kind"] == "sources"
    assert warning["message"].startswith(f"{len(missed)} of {len(report['findings'])} findings ")


def test_sarif_names_the_odd_path_as_a_relative_uri_and_the_others_by_the_plan(checked):
    outputs, _ = checked
    results = json.loads(outputs["sarif"])["runs"][0]["results"]
    uris = {
        r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]: r["locations"][0][
            "physicalLocation"
        ]
        for r in results
        if r["ruleId"] == "PG-RDS-001"
    }
    odd = uris.pop(ODD_ADDRESS)
    uri = odd["artifactLocation"]["uri"]
    # A relative reference: no scheme (`:` is encoded), nothing unsafe unencoded.
    assert re.fullmatch(r"[A-Za-z0-9/._~%-]+", uri), uri
    assert unquote(uri) == ODD_PATH
    assert odd["region"] == {"startLine": LINE, "endLine": LINE}
    assert {p["artifactLocation"]["uri"] for p in uris.values()} == {"plan.json"}


def _commands(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("::")]


def test_github_annotations_stay_one_command_each_with_the_odd_path_escaped(checked):
    outputs, report = checked
    commands = _commands(outputs["github"])
    # One per finding and per warning (the sources one); the summary line is no command.
    assert len(commands) == len(report["findings"]) + len(report["warnings"])
    own = re.compile(
        r"::(error|warning|notice) (file=(?P<file>[^,:]+),line=(?P<line>\d+),"
        r"endLine=\d+,)?title=[^,:]*::.*"
    )
    files = []
    for command in commands:
        match = own.fullmatch(command)
        assert match, command
        if match["file"]:
            files.append((match["file"], int(match["line"])))
    # The runner unescapes %3A, %2C and %25 in a property: it reads the path back whole.
    read = {
        (escaped.replace("%3A", ":").replace("%2C", ",").replace("%25", "%"), line)
        for escaped, line in files
    }
    assert (ODD_PATH, LINE) in read
    assert {path for path, _ in read} == {ODD_PATH}


def test_gitlab_and_junit_carry_the_odd_path_exactly_and_the_others_not_at_all(checked):
    outputs, _ = checked
    issues = {
        i["description"].split(":")[0]: i["location"]
        for i in json.loads(outputs["gitlab"])
        if i["check_name"] == "PG-RDS-001"
    }
    assert issues.pop(ODD_ADDRESS) == {"path": ODD_PATH, "lines": {"begin": LINE}}
    assert {loc["path"] for loc in issues.values()} == {"plan.json"}
    cases = {
        c.get("name"): (c.get("file"), c.get("line"))
        for c in ET.fromstring(outputs["junit"]).iter("testcase")
        if c.get("classname") == "PG-RDS-001"
    }
    assert cases.pop(ODD_ADDRESS) == (ODD_PATH, str(LINE))
    assert set(cases.values()) == {(None, None)}


def test_text_and_markdown_show_the_odd_path_inert_and_no_other(checked):
    outputs, _ = checked
    text = outputs["text"]
    assert f"  PG-RDS-001  {ODD_PATH}:{LINE}  {ODD_ADDRESS}" in text
    for name in ELSEWHERE:
        assert f"  PG-RDS-001  module.{name}.aws_db_instance.this" in text
    row = next(
        line
        for line in outputs["markdown"].splitlines()
        if line.startswith("| critical | PG-RDS-001 | `module.odd.")
    )
    cells = re.split(r"(?<!\\)\|", row.strip("|"))
    assert len(cells) == 4, row  # nothing in the path splits the row
    [target] = re.findall(r"\]\(([^)\s]*)\)", row)
    assert unquote(target) == f"{ODD_PATH}#L{LINE}"
    assert "@org" not in row.replace("@&#8203;org", "")  # the mention stays inert


@pytest.mark.parametrize("fmt", [*FORMATS, "json", "stderr"])
def test_no_output_holds_a_character_from_the_unprintable_folder_names(checked, fmt):
    outputs, _ = checked
    text = outputs[fmt]
    for name in ("\x1b", "\u202e", "\u00ad", "##[error]", "pwned"):
        assert name not in text, (fmt, name)
    assert not any(line.lstrip().startswith("::") for line in text.splitlines()) or fmt == "github"
