"""Text a pull request controls, in every output: it must reach no terminal, CI log or PR
comment as anything but inert, visible text.

One real plan (terraform with the stub AWS provider) carries each hostile string in the
fields Terraform lets a pull request fill: for_each keys (so addresses and chains), a
table's name (lock-table messages and the state backend rows), an environment variable
and a container name inside container definitions, a statement id in a policy document,
and a tag (quoted by a pack's policy below); a variable's value feeds them all. Where
Terraform cannot write the string, the plan is edited by hand: `terraform_version`, and a
lone surrogate (Terraform writes UTF-8 only). The plan paths themselves carry a newline
with a workflow command and an undecodable byte (which Python reads as a lone surrogate),
and a config file's waiver reason carries every string too.

Each format runs once through the console script (stdout, stderr and an `--output` file);
each test then checks one hostile string in one format.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
import tfstub  # the stub-provider harness, registered by tests/conftest.py
from plangate.reporters import format_names

pytestmark = pytest.mark.skipif(not tfstub.terraform_available(), reason="needs terraform")

SURROGATE = "\udc80"
# name -> (the string a pull request writes, bytes that must never be in any output)
HOSTILE = {
    "esc": ("esc\x1b[2J", b"\x1b"),
    "csi": ("csi\u009b31m", "\u009b".encode()),
    "rlo": ("rlo\u202egnp.exe", "\u202e".encode()),
    "workflow": ("nl\n::warning title=pwned::x", None),
    "workflow-first": ("::warning title=pwned::first", None),
    "old-workflow": ("old ##[warning]pwned", b"##["),  # the older command syntax
    "mention": ("@org/team", None),
    "url": ("https://evil.example", None),
    "html": ("<img src=x onerror=alert(1)>", None),
    "surrogate": (f"sur{SURROGATE}x", None),
}
# In the real plan the surrogate's place is held by this; the edited plan swaps it in.
SURROGATE_STAND_IN = "surrogate-stand-in"

CONFIG = """
variable "hostile" { type = set(string) }

resource "aws_dynamodb_table" "lock" {
  for_each     = var.hostile
  name         = "lock-${each.key}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "LockID"
  attribute {
    name = "LockID"
    type = "S"
  }
  tags = { note = each.key }
}

resource "aws_iam_role" "task" {
  for_each = var.hostile
  name     = "task-${md5(each.key)}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "task" {
  for_each = var.hostile
  name     = "task"
  role     = aws_iam_role.task[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = each.key, Effect = "Allow", Action = "dynamodb:PutItem", Resource = "*" }]
  })
}

resource "aws_ecs_task_definition" "api" {
  for_each      = var.hostile
  family        = "api-${md5(each.key)}"
  task_role_arn = aws_iam_role.task[each.key].arn
  container_definitions = jsonencode([{
    name        = "api-${each.key}"
    image       = "nginx"
    environment = [{ name = "LOCK ${each.key}", value = "lock-${each.key}" }]
  }])
}
"""

TAG_POLICY = '''
from plangate import Severity, finding, policy


@policy(id="T-TAG-001", title="Quotes a tag", severity=Severity.LOW,
        resource_types=("aws_dynamodb_table",))
def quotes_a_tag(change):
    """## What it checks
    A pack's policy that starts its message with a tag value.
    ## Why it matters
    Tests.
    ## How to fix
    Nothing.
    """
    yield finding(change, f"{change.after_value('tags.note')} is the note tag", attribute="tags")
'''


def _toml_string(text: str) -> str:
    return json.dumps(text.replace(SURROGATE, ""))  # TOML basic strings read JSON escapes


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, SimpleNamespace]:
    """Per format: stdout, stderr and the --output file (bytes) of one run over the
    real plan and the hand-edited one, and the JSON report of the same run."""
    work = tmp_path_factory.mktemp("hostile")
    strings = [
        s if s != HOSTILE["surrogate"][0] else SURROGATE_STAND_IN for s, _ in HOSTILE.values()
    ]
    (work / "main.tf").write_text(CONFIG)
    (work / "hostile.auto.tfvars.json").write_text(json.dumps({"hostile": strings}))
    env = tfstub.stub_env(tmp_path_factory.mktemp("env"))
    plan, _ = tfstub.plan(work, env, {})
    real = work / "real\n::warning title=from-a-path::x.json"
    real.write_text(json.dumps(plan))
    # What Terraform never writes: its version holding every string, and a lone surrogate.
    edited_plan = dict(plan, terraform_version=" ".join(s for s, _ in HOSTILE.values()))
    text = json.dumps(edited_plan).replace(SURROGATE_STAND_IN, "sur\\udc80x")
    edited = work / os.fsdecode(b"edited-\x80.json")
    edited.write_text(text, encoding="utf-8", errors="surrogatepass")
    (work / "policies").mkdir()
    (work / "policies" / "tag.py").write_text(TAG_POLICY)
    reason = " ".join(s for s, _ in HOSTILE.values())
    (work / "operator.toml").write_text(
        "[[waivers]]\n"
        'policy = "PG-STATE-008"\n'
        'address = "aws_dynamodb_table.lock[*]"\n'
        f"reason = {_toml_string(reason)}\n"
        # Matches nothing, so a warning quoting its address goes to stderr.
        "[[waivers]]\n"
        'policy = "PG-RDS-001"\n'
        f"address = {_toml_string(reason)}\n"
        'reason = "none"\n'
    )
    found: dict[str, SimpleNamespace] = {}
    for fmt in format_names():
        target = work / f"out.{fmt}"
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "plangate"),
                "check",
                "--no-entry-points",
                "--policy-dir",
                "policies",
                "--config",
                "operator.toml",
                "--format",
                fmt,
                "--output",
                f"{fmt}={target}",
                "--output",
                f"json={work / f'report-{fmt}.json'}",
                str(real),
                str(edited),
            ],
            cwd=work,
            capture_output=True,
            check=False,
            env={"PATH": os.environ["PATH"], "NO_COLOR": "1"},
        )
        assert result.returncode in (0, 1), result.stderr.decode(errors="replace")
        found[fmt] = SimpleNamespace(
            stdout=result.stdout,
            stderr=result.stderr,
            file=target.read_bytes(),
            report=json.loads((work / f"report-{fmt}.json").read_text()),
        )
    return found


CASES = [(fmt, name) for fmt in format_names() for name in HOSTILE]
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)*?\1", re.DOTALL)
PEOPLE_FACING = ("text", "atlantis", "markdown", "junit", "github")
# A command plangate writes: its kind, the file and lines when the source is known, a title.
_OWN_COMMAND = re.compile(r"::(error|warning|notice) (file=[^,:]+,line=\d+,endLine=\d+,)?title=")


def _prose(markdown: str) -> str:
    """Markdown outside code spans (where nothing is a mention, a link or HTML)."""
    return _CODE_SPAN.sub("", markdown)


def _markdown_parts(fmt: str, text: str) -> list[str]:
    """The parts of an output that a forge renders as markdown."""
    if fmt == "markdown":
        return [_prose(text)]
    if fmt == "gitlab":  # Code Climate's content.body is markdown
        return [_prose(i["content"]["body"]) for i in json.loads(text) if "content" in i]
    return []


def _check(fmt: str, name: str, where: str, data: bytes) -> None:
    text = data.decode("utf-8")  # strict: a lone surrogate in the text would not encode
    lines = text.splitlines()
    forbidden = HOSTILE[name][1]
    if forbidden is not None:
        assert forbidden not in data, where
    if name in ("workflow", "workflow-first"):
        assert not any(line.lstrip().startswith("::warning title=pwned") for line in lines)
        if fmt != "github" or where == "stderr":
            assert not any(line.lstrip().startswith("::") for line in lines), where
        else:  # only plangate's own commands start a line
            assert all(_OWN_COMMAND.match(line) for line in lines if line.lstrip().startswith("::"))
    for part in _markdown_parts(fmt, text) if where != "stderr" else ():
        if name == "mention":
            assert "@org" not in part.replace("@&#8203;org", ""), where
        if name == "url":
            assert "https://" not in part, where
        if name == "html":
            assert "<img" not in part, where
    if name == "html" and fmt == "junit" and where != "stderr":
        assert b"<img" not in data
    if name == "surrogate" and fmt in PEOPLE_FACING and where == "stdout":
        assert "udc80" in text, "shown as a visible escape"


@pytest.mark.parametrize(("fmt", "name"), CASES)
def test_hostile_text_reaches_no_output_raw(runs, fmt: str, name: str):
    run = runs[fmt]
    assert run.stdout == run.file, "stdout and --output hold the same report"
    assert b"matched no finding" in run.stderr, "stderr carries the strings too"
    for where, data in (("stdout", run.stdout), ("stderr", run.stderr), ("file", run.file)):
        _check(fmt, name, where, data)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_an_error_line_on_stderr_quoting_a_plan_path_stays_one_inert_line(
    tmp_path: Path, name: str
):
    """A plan path is text the pull request may choose (a CI job checks `plans/*.json`)."""
    hostile = HOSTILE[name][0]
    result = subprocess.run(
        [str(Path(sys.executable).parent / "plangate"), "check", f"missing-{hostile}.json"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
        env={"PATH": os.environ["PATH"], "NO_COLOR": "1"},
    )
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    _check("text", name, "stderr", result.stderr)


@pytest.mark.parametrize("fmt", format_names())
def test_the_hostile_strings_did_reach_every_format(runs, fmt: str):
    """Else the test above would pass on an empty report: every format shows the lock
    tables named after each string (in its own escaped way)."""
    run = runs[fmt]
    report = run.report
    assert report["decision"] == "block"
    names = {row["name"] for row in report["state_backend"]}
    assert {f"lock-{s}" for s, _ in HOSTILE.values()} <= names
    text = run.stdout.decode()
    assert text.count("lock-") >= len(HOSTILE), fmt


def test_markdown_makes_mentions_links_and_html_inert(runs):
    prose = _prose(runs["markdown"].stdout.decode())
    assert "@org" not in prose.replace("@&#8203;org", "")
    assert "https://" not in prose and "www." not in prose
    assert "<img" not in prose
    assert "lock-@&#8203;org/team" in prose, "the text is still there, readable"


def test_json_keeps_exact_addresses_while_its_bytes_stay_printable(runs):
    run = runs["json"]
    addresses = {f["address"] for f in run.report["findings"]}
    # Exact: Terraform's own address, and the hand-edited lone surrogate, unchanged.
    assert 'aws_dynamodb_table.lock["rlo\\u202egnp.exe"]' in addresses
    assert 'aws_dynamodb_table.lock["sur\udc80x"]' in addresses
    assert "lock-csi\u009b31m" in {r["name"] for r in run.report["state_backend"]}
    assert b"\\u009b" in run.stdout and "\u009b".encode() not in run.stdout


@pytest.mark.parametrize("fmt", ["text", "atlantis", "markdown", "junit", "github"])
def test_people_facing_formats_show_characters_that_do_not_print(runs, fmt: str):
    text = runs[fmt].stdout.decode()
    for escape in ("u001b", "u009b", "u202e", "udc80"):
        assert escape in text, (fmt, escape)


def test_junit_is_well_formed_xml(runs):
    root = ET.fromstring(runs["junit"].stdout)
    assert int(root.get("failures")) > 0


def test_atlantis_keeps_one_line_per_finding(runs):
    lines = runs["atlantis"].stdout.decode().splitlines()
    assert all(line.startswith(("FAIL - ", "WARN - ", "EXCP - ")) for line in lines[2:-2])
    assert sum(1 for line in lines if line.startswith("FAIL - ")) == len(
        [f for f in runs["atlantis"].report["findings"] if f["blocking"]]
    )


@pytest.mark.parametrize("command", [["policies"], ["explain", "PG-RDS-001"]])
def test_config_warnings_of_every_command_are_inert_on_stderr(tmp_path: Path, command: list[str]):
    """A repository config is the pull request's: its settings come back in warnings."""
    (tmp_path / "operator.toml").write_text("")
    address = " ".join(s for s, _ in HOSTILE.values()).replace(SURROGATE, "")
    (tmp_path / "plangate.toml").write_text(
        "[[waivers]]\n"
        'policy = "PG-RDS-001"\n'
        f"address = {json.dumps(address)}\n"
        'reason = "r"\n'
        "expires = 2099-01-01\n"
    )
    result = subprocess.run(
        [str(Path(sys.executable).parent / "plangate"), *command, "--config", "operator.toml"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
        env={"PATH": os.environ["PATH"], "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert b"ignored" in result.stderr
    for name in HOSTILE:
        _check("text", name, "stderr", result.stderr)
