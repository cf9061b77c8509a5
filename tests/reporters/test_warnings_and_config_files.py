"""Every format says which config files were read and what the run warns about.

A reviewer who reads only the PR comment, the code-scanning alert or the Atlantis output
must still learn that a setting was ignored or a waiver matched nothing.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from plangate.report import ConfigFile, PlanInfo, Report, RunWarning
from plangate.reporters import format_names, render

WARNING = "plangate.toml: fail_on = 'critical' would loosen the operator's 'high'; ignored"


@pytest.fixture
def report() -> dict[str, Any]:
    return Report(
        plans=[PlanInfo("plan.json", "1.11.4", "1.2")],
        config_files=[
            ConfigFile("/etc/plangate/operator.toml", "operator", trusted=True),
            ConfigFile("repo/plangate.toml", "repository", trusted=False),
        ],
        warnings=[RunWarning("config", WARNING)],
    ).to_dict()


def test_the_json_report_lists_config_files_in_order_and_keeps_config_as_the_first(report):
    data = json.loads(render("json", report))
    assert [c["role"] for c in data["config_files"]] == ["operator", "repository"]
    assert data["config"] == "/etc/plangate/operator.toml"
    assert data["warnings"] == [{"kind": "config", "message": WARNING}]


@pytest.mark.parametrize("fmt", format_names())
def test_every_format_shows_the_warning(report, fmt):
    out = render(fmt, report)
    if fmt == "github":
        out = out.replace("%27", "'")
    assert "would loosen the operator" in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "junit", "sarif"])
def test_formats_with_a_header_name_every_config_file_and_its_role(report, fmt):
    out = render(fmt, report)
    assert "/etc/plangate/operator.toml" in out and "repo/plangate.toml" in out
    assert "operator" in out and "repository" in out


def test_text_says_a_repository_config_under_an_operator_config_may_only_tighten(report):
    out = render("text", report)
    assert "config: repo/plangate.toml (repository, may only tighten the gate)" in out
    assert "warning (config): " + WARNING in out


def test_atlantis_shows_a_warning_as_a_warn_line_that_does_not_fail_the_check(report):
    out = render("atlantis", report)
    assert f"WARN - plangate - plangate/config - {WARNING}" in out
    assert not any(line.startswith("FAIL") for line in out.splitlines())
    assert "failures" not in out


def test_github_shows_a_warning_as_a_warning_annotation(report):
    [line] = [ln for ln in render("github", report).splitlines() if ln.startswith("::warning")]
    assert line.startswith("::warning title=plangate (config)::")


def test_gitlab_lists_a_warning_as_an_info_issue(report):
    [issue] = json.loads(render("gitlab", report))
    assert issue["severity"] == "info" and issue["check_name"] == "plangate/config"


def test_sarif_lists_a_warning_as_a_configuration_notification(report):
    run = json.loads(render("sarif", report))["runs"][0]
    [note] = run["invocations"][0]["toolConfigurationNotifications"]
    assert note["level"] == "warning" and note["message"]["text"] == WARNING
    assert [c["role"] for c in run["properties"]["configFiles"]] == ["operator", "repository"]


def test_junit_carries_warnings_and_config_files_as_suite_properties(report):
    suite = ET.fromstring(render("junit", report))
    props = {(p.get("name"), p.get("value")) for p in suite.iter("property")}
    assert ("warning", f"config: {WARNING}") in props
    assert ("config", "repo/plangate.toml (repository)") in props
