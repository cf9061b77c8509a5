"""The marker shaper writes `after`, `after_unknown` and `*_sensitive` exactly as Terraform
does: checked against every change of the example plans and of the corpus plans in
format 1.x (format 0.x, Terraform 0.12 to 0.14, kept `false` leaves in objects)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from plangate.markers import (
    KnownAfterApply,
    after_unknown,
    omit_unknowns,
    place_unknowns,
    sensitive_markers,
)
from plangate.testing import PlanBuilder

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"

Steps = tuple[str | int, ...]


def marked(markers: Any, prefix: Steps = ()) -> Iterator[Steps]:
    """The paths of the `true` leaves of a marker tree."""
    if markers is True:
        yield prefix
    elif isinstance(markers, dict):
        for key, sub in markers.items():
            yield from marked(sub, (*prefix, key))
    elif isinstance(markers, list):
        for index, sub in enumerate(markers):
            yield from marked(sub, (*prefix, index))


def _at(tree: Any, steps: Steps) -> Any:
    for step in steps:
        if isinstance(tree, dict) and isinstance(step, str):
            tree = tree.get(step)
        elif isinstance(tree, list) and isinstance(step, int) and step < len(tree):
            tree = tree[step]
        else:
            return None
    return tree


def planned_value(change: dict[str, Any]) -> Any:
    """The value Terraform planned, rebuilt from `after` and `after_unknown`. The plan does
    not say what kind an unknown is; `after_sensitive` does for a collection (`[]`/`{}`)."""
    paths = list(marked(change["after_unknown"]))
    planned = place_unknowns(change["after"], paths)
    for steps in paths:
        hint = _at(change.get("after_sensitive"), steps)
        if isinstance(hint, (list, dict)):
            parent = _at(planned, steps[:-1]) if len(steps) > 1 else planned
            parent[steps[-1]] = KnownAfterApply(type(hint))
    return planned


def mismatches(change: dict[str, Any]) -> list[str]:
    """Which of the change's trees the shaper writes otherwise than Terraform did."""
    wrong = []
    planned = planned_value(change)
    if omit_unknowns(planned) != change["after"]:
        wrong.append("after")
    if after_unknown(planned) != change["after_unknown"]:
        wrong.append("after_unknown")
    for key, value in (("after_sensitive", planned), ("before_sensitive", change["before"])):
        if key in change and sensitive_markers(value, marked(change[key])) != change[key]:
            wrong.append(key)
    return wrong


def format_1_plans(paths: list[Path]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in paths:
        try:
            plan = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(plan, dict) and str(plan.get("format_version", "")).startswith("1."):
            yield path.name, plan


def shaper_mismatches(paths: list[Path]) -> tuple[int, list[tuple[str, str, list[str]]]]:
    count, wrong = 0, []
    for name, plan in format_1_plans(paths):
        for rc in [*plan.get("resource_changes", []), *plan.get("resource_drift", [])]:
            count += 1
            if problems := mismatches(rc["change"]):
                wrong.append((name, rc["address"], problems))
    return count, wrong


def test_the_shaper_writes_every_change_of_the_example_plans_as_terraform_did():
    count, wrong = shaper_mismatches(sorted(EXAMPLES.glob("*.json")))
    assert count > 500
    assert wrong == []


def test_the_shaper_writes_every_change_of_the_corpus_as_terraform_did(corpus_dir):
    count, wrong = shaper_mismatches(sorted((corpus_dir / "real").glob("*.json")))
    assert count > 400
    assert wrong == []


def test_state_sensitive_values_are_shaped_like_the_change_markers():
    plan = json.loads((EXAMPLES / "app_image_updated.json").read_text())
    resources = [
        resource
        for module in plan["prior_state"]["values"]["root_module"]["child_modules"]
        for resource in module["resources"]
    ]
    assert len(resources) > 40
    for resource in resources:
        expected = resource["sensitive_values"]
        assert sensitive_markers(resource["values"], marked(expected)) == expected


def test_a_wholly_known_value_has_an_empty_unknown_tree():
    assert after_unknown({"tags": {"a": "b"}, "ports": [1, 2]}) == {}
    assert after_unknown(None) == {}


def test_known_collections_stay_in_the_unknown_tree_of_a_partly_unknown_value():
    planned = place_unknowns({"tags": {"a": "b"}, "ports": [1, 2], "name": "x"}, ["id"])
    assert after_unknown(planned) == {"id": True, "tags": {}, "ports": [False, False]}
    assert omit_unknowns(planned) == {"tags": {"a": "b"}, "ports": [1, 2], "name": "x"}


def test_an_unknown_list_element_is_null_in_after_and_true_in_its_position():
    planned = place_unknowns({"groups": [None, "sg-1"]}, ["groups.0"])
    assert omit_unknowns(planned) == {"groups": [None, "sg-1"]}
    assert after_unknown(planned) == {"groups": [True, False]}
    assert sensitive_markers(planned) == {"groups": [False, False]}


def test_an_unknown_collection_is_empty_in_the_sensitive_tree_and_a_scalar_absent():
    planned = place_unknowns({"ingress": [], "name": "db"}, ["ingress", "arn"])
    assert omit_unknowns(planned) == {"name": "db"}
    assert sensitive_markers(planned) == {"ingress": []}


def test_sensitive_wins_over_unknown_and_a_null_value_is_false():
    planned = place_unknowns({"password": None}, ["password"])
    assert sensitive_markers(planned, ["password"]) == {"password": True}
    assert sensitive_markers(None, ["password"]) is False


def test_the_kit_writes_a_real_plans_database_change_exactly():
    """The database of the reference project's first plan, rebuilt with PlanBuilder from
    its known values, unknown paths and sensitive paths, comes out as Terraform wrote it."""
    plan = json.loads((EXAMPLES / "good.json").read_text())
    [real] = [rc for rc in plan["resource_changes"] if rc["type"] == "aws_db_instance"]
    change = real["change"]
    after = dict(change["after"])
    for steps in marked(change["after_unknown"]):
        if len(steps) == 1 and isinstance(change["after_sensitive"].get(steps[0]), list):
            after[steps[0]] = []  # says the unknown attribute is a list
    builder = PlanBuilder().add(
        real["address"],
        after,
        unknown=[".".join(map(str, steps)) for steps in marked(change["after_unknown"])],
        sensitive=[".".join(map(str, steps)) for steps in marked(change["after_sensitive"])],
    )
    written = builder.to_dict()["resource_changes"][0]["change"]
    for key in ("after", "after_unknown", "after_sensitive", "before_sensitive"):
        assert written[key] == change[key], key


@pytest.mark.parametrize("path", ["route.0.gateway_id", ("route", 0, "gateway_id")])
def test_a_path_through_a_missing_list_creates_its_known_containers(path):
    planned = place_unknowns({}, [path])
    assert after_unknown(planned) == {"route": [{"gateway_id": True}]}
    assert omit_unknowns(planned) == {"route": [{}]}
