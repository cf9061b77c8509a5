"""`--format markdown`: a PR comment or step summary; escaped so text cannot break it."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from plangate import Policy, Severity, finding, policy
from plangate.assurance import Contribution, Invariant, Plane
from plangate.assurance_model import build
from plangate.config import Waiver
from plangate.reporters import markdown
from plangate.runner import RunError
from plangate.testing import PlanBuilder


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
    assert cells(waived)[4] == "waived: legacy \\| DB-12"
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


# -- the path, drawn ----------------------------------------------------------------------

FENCE = re.compile(r"^```mermaid\n(.*?)\n```$", re.DOTALL | re.MULTILINE)


def many_dbs(count: int, **values: Any) -> PlanBuilder:
    """`count` public databases, `aws_db_instance.db["0000"]` and so on."""
    builder = PlanBuilder()
    for i in range(count):
        builder.add(f'aws_db_instance.db["{i:04}"]', {"publicly_accessible": True, **values})
    return builder


def test_each_blocking_finding_with_a_path_gets_a_flowchart_under_paths(report_for, db_plan):
    out = markdown.render(report_for(db_plan()))
    paths = out.split("#### Paths\n", 1)[1]
    assert paths.startswith("\n**T-RDS-001** on `module.db.aws_db_instance.main`:\n\n```mermaid\n")
    [diagram] = FENCE.findall(out)
    assert diagram.splitlines() == [
        "flowchart LR",
        '  n0["aws_security_group<br>db"]',
        '  n1["aws_db_instance<br>db/main"]',
        "  n0 --> n1",
        "  classDef finding fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#1f2328",
        "  class n1 finding",
    ]
    assert out.index("</details>") < out.index("#### Paths"), "after the folded details"


def test_non_blocking_and_waived_findings_are_not_drawn(report_for, db_plan):
    builder = db_plan().add("aws_db_instance.legacy", {"publicly_accessible": True})
    waiver = Waiver("T-RDS-001", "aws_db_instance.legacy", "legacy", None)
    out = markdown.render(report_for(builder, [waiver]))
    [diagram] = FENCE.findall(out)
    assert "legacy" not in diagram and out.count("#### Paths") == 1


def test_a_comment_draws_at_most_max_diagrams_and_says_how_many_more(report_for):
    out = markdown.render(report_for(many_dbs(25)))
    assert len(FENCE.findall(out)) == markdown.MAX_DIAGRAMS
    assert f"15 more path(s) not drawn (at most {markdown.MAX_DIAGRAMS} per comment" in out
    assert len(rows(out, "Blocking findings")) == 25, "every finding is still in the table"


def test_a_path_of_thousands_of_hops_is_cut_in_the_details_too(report_for, db_plan):
    report = report_for(db_plan())
    report["findings"][0]["chain"] = [f"aws_security_group.g{i}" for i in range(5000)]
    out = markdown.render(report)
    path = next(line for line in out.splitlines() if line.startswith("  - path: "))
    assert path.endswith("more hops") and len(path) < 4_000
    [diagram] = FENCE.findall(out)
    assert "more hops" in diagram and diagram.count("-->") == 11


# -- the size of the comment ----------------------------------------------------------------

HOSTILE = "`|<img src=x>@team ```\n~~~ </details> <!-- " + "\U000e0041" * 20


def assert_whole(out: str) -> None:
    """Nothing cut inside a fence, a table row or an HTML tag."""
    assert markdown.size(out) <= markdown.MAX_CHARS < markdown.GITHUB_LIMIT
    lines = out.splitlines()
    fences = [i for i, line in enumerate(lines) if line.startswith("```")]
    assert len(fences) % 2 == 0
    for start, end in zip(fences[::2], fences[1::2], strict=True):
        assert lines[start] == "```mermaid" and lines[end] == "```"
        assert all(line.startswith("  ") for line in lines[start + 2 : end])
    for line in lines:
        if line.startswith("|"):
            assert line.endswith("|") and len(cells(line)) in (4, 5), line
    assert out.count("<details>") == out.count("</details>")
    assert out.count("<sub>") == out.count("</sub>")
    assert "<img" not in out and "<!--" not in out


def test_thousands_of_findings_stay_under_githubs_limit_with_a_note(report_for):
    out = markdown.render(report_for(many_dbs(3000, note=HOSTILE * 20)))
    assert_whole(out)
    shown = rows(out, "Blocking findings")
    assert 10 < len(shown) < 3000
    assert [cells(r)[2] for r in shown[:2]] == [
        '`aws_db_instance.db["0000"]`',
        '`aws_db_instance.db["0001"]`',
    ], "the first findings, in report order"
    assert (
        f"> **Not shown here**, to keep this comment under GitHub's 65,536-character limit: "
        f"{3000 - len(shown):,} of 3,000 blocking findings, 1 of 1 warnings, "
        "3,000 of 3,000 non-blocking findings."
    ) in out
    assert "--output json=plangate.json" in out, "where the full report is"
    assert out.endswith("<sub>plangate 0.1.0</sub>\n")


def test_a_huge_message_is_cut_and_cannot_crowd_out_the_other_findings(report_for):
    out = markdown.render(report_for(many_dbs(5, note="x" * 1_000_000)))
    assert_whole(out)
    shown = rows(out, "Blocking findings")
    assert len(shown) == 5
    assert all(cells(r)[3].endswith("… (1,000,027 characters in all)") for r in shown)
    assert all(len(r) < 2_500 for r in shown)


def test_thousands_of_warnings_do_not_crowd_out_blocking_findings(report_for, db_plan):
    report = report_for(db_plan())
    report["warnings"] = [{"kind": "config", "message": HOSTILE * 50}] * 5000
    out = markdown.render(report)
    assert_whole(out)
    assert len(rows(out, "Blocking findings")) == 1
    assert out.index("### Warnings") < out.index("### Blocking findings"), "in reading order"
    assert "of 5,000 warnings" in out


def test_a_small_report_is_not_cut(report_for, db_plan):
    out = markdown.render(report_for(db_plan()))
    assert "Not shown" not in out and "characters in all" not in out


@pytest.mark.parametrize("run", ["a.", "a-", "a+"])
def test_a_long_run_of_scheme_like_words_is_made_inert_in_linear_time(run: str):
    # Every `a` after a `.`, `-` or `+` starts a word that could be a URL scheme: looking
    # for its `:` from each of them was quadratic, 170 s for 400,000 characters, in one
    # call the time limit cannot interrupt. The text is a waiver address or a for_each
    # key the pull request writes.
    from plangate.reporters.escaping import markdown_text

    started = time.perf_counter()
    escaped = markdown_text(run * 100_000 + " x")
    assert time.perf_counter() - started < 1.0
    assert escaped == run * 100_000 + " x"
    linked = markdown_text(run * 1_000 + "x://evil.example")
    assert "://" not in linked
    assert linked.endswith("x:&#8203;//evil.example")


# -- why the plan passes: the assurance map -------------------------------------------------


def estate_model(services: int, label: str = "now") -> dict[str, Any]:
    """A map of `services` services, each a task reaching its database, some of the
    databases open to the internet; every text carries `label`."""
    plane = Plane("app", f"Application plane {label}")
    internet = plane.node("internet", "source", f"internet {label}")
    for i in range(services):
        group = f'module.service[*].module.s{i % 90}["{label}"]'
        task = plane.node(f"t{i}", "compute", f"task {i} {label}", group=group + ".task")
        db = plane.node(f"d{i}", "database", f"db {i} {label}", group=group + ".db")
        plane.edge(task, db, f"tcp 5432 {label}")
        if i % 1000 == 0:
            plane.edge(internet, db, f"tcp 5432 {label}", violation=True)
    invariant = Invariant(
        "i",
        f"No database is reachable {label}",
        {"T-RDS-001": f"none {label}"},
        (f"seen {label}",) * 9,
    )
    return build("plan.json", [Contribution([invariant], [plane], pack="rds")], [])


def test_the_map_is_folded_under_why_this_plan_passes(report_for, db_plan):
    report = report_for(db_plan(publicly_accessible=False))
    report["assurance"] = [estate_model(3)]
    out = markdown.render(report)
    assert_whole(out)
    why = out.split("<details>\n<summary><b>Why this plan passes</b></summary>\n", 1)[1]
    assert why.startswith(
        "\n- holds: No database is reachable now (rds)\n  - seen now\n  - seen now\n"
        "  - seen now\n  - and 7 more (`plangate map` lists them)\n"
    )
    [diagram] = FENCE.findall(why)
    assert diagram.startswith("flowchart LR\n  subgraph p0[")
    assert "class p0n0,p0n" in diagram and "linkStyle 0 stroke:#cf222e" in diagram


def test_a_report_without_a_map_has_no_why_section(report_for, db_plan):
    assert "Why this plan" not in markdown.render(report_for(db_plan()))


def test_a_large_hostile_estate_s_map_stays_under_githubs_limit(report_for, db_plan):
    report = report_for(db_plan(publicly_accessible=False))
    report["assurance"] = [estate_model(20_000, HOSTILE * 5)]
    out = markdown.render(report)
    assert_whole(out)
    assert "<summary><b>Why this plan passes</b></summary>" in out
    assert "```mermaid" in out and "<script" not in out and "@team" not in out


def test_findings_come_before_the_map_when_the_comment_is_full(report_for):
    report = report_for(many_dbs(3000, note=HOSTILE * 20))
    report["assurance"] = [estate_model(500)]
    out = markdown.render(report)
    assert_whole(out)
    assert "Why this plan" not in out
    assert "1 of 1 assurance maps" in out
