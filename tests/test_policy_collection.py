"""Meta-tests over every built-in policy: ids, docs, and that each is tested both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from plangate.discovery import discover
from plangate.policy import DOC_SECTIONS, ID_PATTERN, doc_sections

TESTS = Path(__file__).resolve().parent / "policies"
BUILTIN = [p for p in discover(entry_points_enabled=False) if p.source == "builtin"]


def test_the_builtin_pack_is_not_empty():
    assert BUILTIN


@pytest.mark.parametrize("item", BUILTIN, ids=lambda p: p.id)
def test_the_policy_is_well_formed_and_documented(item):
    assert ID_PATTERN.match(item.id)
    assert item.id.startswith("PG-")
    sections = doc_sections(item.doc)
    for name in DOC_SECTIONS:
        assert sections.get(name), f"{item.id}: docstring lacks '## {name}'"
    assert item.title and len(item.title) < 90


@pytest.mark.parametrize("item", BUILTIN, ids=lambda p: p.id)
def test_the_policy_has_tests_of_its_own(item):
    module = item.func.__module__.rsplit(".", 1)[-1]
    tests = list(TESTS.rglob(f"test_{module}.py"))
    assert tests, f"{item.id}: no tests/policies/**/test_{module}.py"
    text = tests[0].read_text()
    assert "passes" in text or "not_flagged" in text or "no_finding" in text, (
        f"{item.id}: no passing case in {tests[0].name}"
    )


def test_policy_ids_are_unique():
    ids = [p.id for p in BUILTIN]
    assert len(ids) == len(set(ids))
