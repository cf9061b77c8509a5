"""Snapshots of where every built-in policy fires, on the example plans and the corpus.

A change in what fires, where, or what it says shows up as a diff of
tests/snapshots/*.json, reviewed like code. Refresh with `pytest --update-snapshots`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from plangate import Plan
from plangate.context import Context
from plangate.discovery import discover
from plangate.loading import decode, parse_json
from plangate.runner import run_policies

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
CORPUS = Path(os.environ.get("PLANGATE_CORPUS") or ROOT.parent / "shared" / "corpus")


def _findings(paths: list[Path]) -> dict[str, list[dict]]:
    policies = [p for p in discover(entry_points_enabled=False) if p.source == "builtin"]
    result: dict[str, list[dict]] = {}
    for path in paths:
        data = parse_json(decode(path.read_bytes(), path.name), path.name)
        outcome = run_policies([Plan(data, path.name)], policies, Context())
        assert not outcome.errors, outcome.errors
        result[path.name] = [
            {
                k: f.to_dict()[k]
                for k in ("policy_id", "address", "attribute", "certainty", "message")
            }
            for f in outcome.findings
        ]
    return result


def _compare(name: str, actual: dict, update: bool) -> None:
    snapshot = SNAPSHOTS / f"{name}.json"
    text = json.dumps(actual, indent=2, sort_keys=True) + "\n"
    if update:
        snapshot.write_text(text)
        return
    assert snapshot.is_file(), f"no snapshot {snapshot.name}: run pytest --update-snapshots"
    assert json.loads(snapshot.read_text()) == actual, (
        f"findings differ from {snapshot.name}; if intended, run pytest --update-snapshots "
        "and review the diff"
    )


def test_findings_on_the_example_plans_match_their_snapshot(update_snapshots):
    plans = sorted(
        p for p in (ROOT / "examples" / "plans").glob("*.json") if p.name != "index.json"
    )
    _compare("examples", _findings(plans), update_snapshots)


def test_findings_on_the_real_plan_corpus_match_their_snapshot(update_snapshots):
    if not (CORPUS / "real").is_dir():
        pytest.skip(f"plan corpus not found at {CORPUS}")
    _compare("corpus", _findings(sorted((CORPUS / "real").glob("*.json"))), update_snapshots)
