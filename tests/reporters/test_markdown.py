"""`--format markdown`: a PR comment or step summary; escaped so text cannot break it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from plangate import Policy, Severity, finding, policy
from plangate.config import Waiver
from plangate.reporters import markdown
from plangate.runner import RunError


@policy(
    id="T-RDS-001",
    title="Public database",
    severity=Severity.CRITICAL,
    resource_types=("aws_db_instance",),
)
def public_db(change):
    """## What it checks
    publicly_accessible.
    ## Why it matters
    Tests.
    ## How to fix
    Turn it off.
    """
    if change.after_value("publicly_accessible") is True:
        note = change.after_value("note") or ""
        yield finding(
            change,
            f"publicly_accessible = true {note}".strip(),
            attribute="publicly_accessible",
            chain=("aws_security_group.db", change.address),
        )


@pytest.fixture
def public_db_policy() -> Policy:
    """Here a public database's message ends with its `note`, to put text into the tables."""
    return public_db


def rows(out: str, heading: str) -> list[str]:
    """The data rows of the table under `### heading`."""
    section = out.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    return table[2:]


def cells(row: str) -> list[str]:
    """Split a GFM table row the way GitHub does: on pipes not escaped with a backslash."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]


@pytest.mark.parametrize(
    ("values", "headline"),
    [
        ({}, "blocked"),
        ({"publicly_accessible": False}, "pass"),
    ],
)
def test_headline_names_the_decision(report_for, db_plan, values: dict[str, Any], headline: str):
    first = markdown.render(report_for(db_plan(**values))).splitlines()[0]
    assert first.startswith("## ") and f"**{headline}**" in first


def test_headline_says_error_when_the_check_did_not_complete(report_for, db_plan):
    report = report_for(db_plan(), errors=[RunError("policy", "policy X raised boom")])
    out = markdown.render(report)
    assert "**error**" in out.splitlines()[0]
    assert "- **policy**: policy X raised boom" in out


def test_blocking_findings_are_a_table_of_severity_policy_address_and_message(report_for, db_plan):
    out = markdown.render(report_for(db_plan()))
    assert "| Severity | Policy | Address | Message |" in out
    [row] = rows(out, "Blocking findings")
    assert cells(row) == [
        "critical",
        "T-RDS-001",
        "`module.db.aws_db_instance.main`",
        "publicly\\_accessible = true",
    ]


def test_pipes_in_message_and_address_are_escaped_in_table_cells(report_for, db_plan):
    out = markdown.render(report_for(db_plan('aws_db_instance.main["a|b"]', note="x | y")))
    [row] = rows(out, "Blocking findings")
    assert len(cells(row)) == 4
    assert cells(row)[2] == '`aws_db_instance.main["a\\|b"]`'
    assert cells(row)[3].endswith("x \\| y")


def test_backticks_in_message_are_escaped_and_in_address_get_a_longer_fence(report_for, db_plan):
    out = markdown.render(report_for(db_plan('aws_db_instance.main["a`b"]', note="`rm -rf`")))
    [row] = rows(out, "Blocking findings")
    assert cells(row)[2] == '``aws_db_instance.main["a`b"]``'
    assert cells(row)[3].endswith("\\`rm -rf\\`")


def test_html_and_newlines_in_messages_cannot_add_markup_or_rows(report_for, db_plan):
    report = report_for(db_plan())
    report["findings"][0]["message"] = "<img src=x onerror=alert(1)>\n| forged | row |"
    out = markdown.render(report)
    assert "<img" not in out
    assert "&lt;img src=x onerror=alert(1)&gt; \\| forged \\| row \\|" in out
    assert len(rows(out, "Blocking findings")) == 1


def test_path_through_the_plan_is_folded_in_details(report_for, db_plan):
    out = markdown.render(report_for(db_plan()))
    details = out.split("<details><summary>Details</summary>", 1)[1].split("</details>", 1)[0]
    assert "path: `aws_security_group.db` &rarr; `module.db.aws_db_instance.main`" in details
    assert "attribute `publicly_accessible`" in details


def test_non_blocking_and_waived_findings_come_below_the_blocking_ones(report_for, db_plan):
    builder = db_plan().add("aws_db_instance.legacy", {"publicly_accessible": True})
    waiver = Waiver("T-RDS-001", "aws_db_instance.legacy", "legacy | DB-12", None)
    out = markdown.render(report_for(builder, [waiver]))
    blocking = out.index("### Blocking findings")
    assert blocking < out.index("### Non-blocking findings") < out.index("### Waived findings")
    [waived] = rows(out, "Waived findings")
    assert cells(waived)[2] == "`aws_db_instance.legacy`"
    assert cells(waived)[4] == "legacy \\| DB-12"
    assert [cells(r)[1] for r in rows(out, "Non-blocking findings")] == ["T-RDS-002"]


def test_passing_report_has_no_finding_tables(report_for, db_plan):
    out = markdown.render(report_for(db_plan(publicly_accessible=False, deletion_protection=True)))
    assert "|" not in out


def test_same_report_renders_identical_bytes(report_for, db_plan):
    assert markdown.render(report_for(db_plan())) == markdown.render(report_for(db_plan()))


def test_sensitive_value_never_appears(report_for, db_plan, secret):
    out = markdown.render(report_for(db_plan(password=secret, note=secret)))
    assert "(sensitive value)" in out
    assert secret not in out
