"""Formats read a finding's `location` from whatever report they are given: one whose
path could leave the repository or does not print, or whose lines are not lines, is no
location at all, and the finding points at its plan file as it does without sources."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from plangate.reporters import github as github_format
from plangate.reporters import gitlab, markdown, sarif, text
from plangate.reporters import junit as junit_format
from plangate.reporters.shared import source_point

GOOD = {
    "path": "modules/db/main.tf",
    "start_line": 3,
    "end_line": 12,
    "attribute_line": 7,
    "attribute_end_line": 7,
    "module_calls": [{"name": "db", "path": "main.tf", "start_line": 1, "end_line": 4}],
}


@pytest.fixture
def located(report_for, db_plan) -> dict[str, Any]:
    """A report with one blocking finding, given a location as the engine writes it."""
    report = report_for(db_plan(deletion_protection=True))
    [finding] = report["findings"]
    finding["location"] = copy.deepcopy(GOOD)
    return report


def where(report: dict[str, Any]) -> dict[str, Any]:
    """What each format says the finding points at: (path, line), or None for no file."""
    [result] = json.loads(sarif.render(report))["runs"][0]["results"]
    physical = result["locations"][0]["physicalLocation"]
    [command] = [
        line for line in github_format.render(report).splitlines() if line.startswith("::error")
    ]
    [issue] = [i for i in json.loads(gitlab.render(report)) if i["check_name"] == "T-RDS-001"]
    [case] = [
        c
        for c in ET.fromstring(junit_format.render(report)).iter("testcase")
        if c.get("classname") == "T-RDS-001"
    ]
    [line] = [x for x in text.render(report).splitlines() if x.startswith("  T-RDS-001  ")]
    return {
        "sarif": (physical["artifactLocation"]["uri"], physical["region"]["startLine"]),
        "github": command.split("title=")[0],
        "gitlab": (issue["location"]["path"], issue["location"]["lines"]["begin"]),
        "junit": (case.get("file"), case.get("line")),
        "text": line.split("  ")[2],
        "markdown": "](" in markdown.render(report),
    }


def test_a_location_as_the_engine_writes_it_is_used_by_every_format(located):
    assert where(located) == {
        "sarif": ("modules/db/main.tf", 7),
        "github": "::error file=modules/db/main.tf,line=7,endLine=7,",
        "gitlab": ("modules/db/main.tf", 7),
        "junit": ("modules/db/main.tf", "7"),
        "text": "modules/db/main.tf:7",
        "markdown": True,
    }


def test_without_an_attribute_line_the_block_is_pointed_at(located):
    located["findings"][0]["location"].update(attribute_line=None, attribute_end_line=None)
    assert where(located)["github"] == "::error file=modules/db/main.tf,line=3,endLine=12,"


FALLBACK = {
    "sarif": ("test-plan.json", 1),
    "github": "::error ",
    "gitlab": ("test-plan.json", 1),
    "junit": (None, None),
    "text": "module.db.aws_db_instance.main",
    "markdown": False,
}

BAD_LOCATIONS = {
    "parent folder": {"path": "../../etc/cron.d/x.tf"},
    "parent inside": {"path": "modules/../../x.tf"},
    "absolute": {"path": "/etc/passwd"},
    "drive": {"path": "C:/x.tf"},
    "backslash": {"path": "modules\\..\\..\\x.tf"},
    "dot": {"path": "./main.tf"},
    "empty segment": {"path": "modules//main.tf"},
    "empty": {"path": ""},
    "newline": {"path": "main.tf\n::error file=x::pwned"},
    "carriage return": {"path": "main.tf\r::warning::x"},
    "escape": {"path": "main\x1b[2J.tf"},
    "bidi": {"path": "main\u202efT.exe"},
    "zero width": {"path": "ma\u200bin.tf"},
    "not text": {"path": ["main.tf"]},
    "too long": {"path": "a/" * 3000 + "main.tf"},
    "line zero": {"start_line": 0},
    "line is true": {"start_line": True},
    "line is text": {"start_line": "3"},
    "end before start": {"end_line": 2},
    "attribute outside the block": {"attribute_line": 40, "attribute_end_line": 40},
    "attribute half given": {"attribute_end_line": None},
    "calls not a list": {"module_calls": "main.tf"},
    "call leaves the root": {
        "module_calls": [{"name": "db", "path": "../main.tf", "start_line": 1, "end_line": 4}]
    },
    "call without a name": {
        "module_calls": [{"name": "", "path": "main.tf", "start_line": 1, "end_line": 4}]
    },
    "not an object": None,
}


@pytest.mark.parametrize("case", sorted(BAD_LOCATIONS))
def test_a_location_that_could_leave_the_repository_or_break_out_points_at_the_plan(located, case):
    finding = located["findings"][0]
    bad = BAD_LOCATIONS[case]
    if bad is None:
        finding["location"] = "modules/db/main.tf"
    else:
        finding["location"].update(bad)
    assert source_point(finding) is None
    assert where(located) == FALLBACK


def test_no_location_points_at_the_plan_as_before(located):
    del located["findings"][0]["location"]
    assert where(located) == FALLBACK
