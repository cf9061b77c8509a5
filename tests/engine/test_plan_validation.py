"""Plans Terraform never writes are errors (exit 2), never passes.

Each case takes a plan with a publicly accessible database (which blocks) and edits it
the way an attacker would to hide the database from the policies. Hand-edited JSON is
the point here: Terraform writes none of these. Every real plan in the corpus and every
example plan still reads.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from plangate import Plan
from plangate.cli import main
from plangate.discovery import discover
from plangate.errors import PlangateError
from plangate.loading import load_plan_data
from plangate.runner import run_policies
from plangate.testing import PlanBuilder

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plans"

Edit = Callable[[dict[str, Any]], None]


def _public_db() -> dict[str, Any]:
    builder = PlanBuilder()
    builder.add(
        "module.db.aws_db_instance.main", {"engine": "postgres", "publicly_accessible": True}
    )
    builder.add("aws_s3_bucket.logs", {"bucket": "logs"})
    return builder.to_dict()


def _db(data: dict[str, Any]) -> dict[str, Any]:
    return data["resource_changes"][0]


def _set(**fields: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        _db(data).update(fields)

    return edit


def _change(**fields: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        _db(data)["change"].update(fields)

    return edit


def _drop_db_change(data: dict[str, Any]) -> None:
    del data["resource_changes"][0]


def _delete_but_keep_planned(data: dict[str, Any]) -> None:
    change = _db(data)["change"]
    change.update(actions=["delete"], before=change["after"], after=None)


def _second_change_for_the_db(data: dict[str, Any]) -> None:
    safe = copy.deepcopy(_db(data))
    safe["change"]["after"]["publicly_accessible"] = False
    data["resource_changes"].append(safe)


def _drop_bucket_from_planned_values(data: dict[str, Any]) -> None:
    data["planned_values"]["root_module"]["resources"] = []


def _whole_object_unknown_beside_it(data: dict[str, Any]) -> None:
    # `after_unknown: true` says the planned object is unknown as a whole: every value a
    # policy reads becomes "known after apply", and an unconfigured one "unset".
    _db(data)["change"]["after_unknown"] = True


def _marker_of_another_type(marker: Any) -> Edit:
    # The value left out, as Terraform leaves out an unknown one, but marked with
    # something other than `true`: read as "known and absent", so not public.
    def edit(data: dict[str, Any]) -> None:
        change = _db(data)["change"]
        del change["after"]["publicly_accessible"]
        change["after_unknown"] = {"publicly_accessible": marker}
        for resource in data["planned_values"]["root_module"]["child_modules"][0]["resources"]:
            resource["values"].pop("publicly_accessible", None)

    return edit


CASES: dict[str, Edit] = {
    'action spelled "Create"': _change(actions=["Create"]),
    "an unknown action name": _change(actions=["destroy"]),
    "no actions": _change(actions=[]),
    "a replace without both actions": _change(actions=["delete", "delete"]),
    "a read on a managed resource": _change(actions=["read"]),
    "a deposed key on a create": _set(deposed="00000001"),
    "a prior object on a create": _change(before={"publicly_accessible": False}),
    "no planned object on a create": _change(after=None),
    "an update without a prior object": _change(actions=["update"]),
    "a planned object that is not an object": _change(after=["publicly_accessible", True]),
    "a mode Terraform does not write": _set(mode="Managed"),
    "a type that is not the address's": _set(type="aws_db_instance_x"),
    "a module that is not the address's": _set(module_address="module.other"),
    "a second change for the same address": _second_change_for_the_db,
    "the database only in planned_values": _drop_db_change,
    "the database deleted but still planned": _delete_but_keep_planned,
    "a kept object missing from planned_values": _drop_bucket_from_planned_values,
    "the whole object marked unknown beside its values": _whole_object_unknown_beside_it,
    "an unknown marker that is a number": _marker_of_another_type(1),
    "an unknown marker that is a string": _marker_of_another_type("true"),
    "an unknown marker nested in a list": _marker_of_another_type([{"x": None}, 1]),
}


def _check(tmp_path: Path, data: dict[str, Any], capsys) -> tuple[int, str, str]:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data))
    code = main(["check", "--no-entry-points", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_unedited_plan_blocks(tmp_path, capsys):
    assert _check(tmp_path, _public_db(), capsys)[0] == 1


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_plan_terraform_never_writes_is_an_error_with_one_line(tmp_path, capsys, case):
    data = _public_db()
    CASES[case](data)
    code, _, err = _check(tmp_path, data, capsys)
    assert code == 2, err
    [line] = err.splitlines()
    assert line.startswith("plangate: error: ") and "edited.json" in line
    assert "terraform show -json" in line  # what to do


def test_a_real_plan_with_a_resource_only_in_planned_values_is_an_error(
    real_plan, tmp_path, capsys
):
    data, _ = real_plan(
        {"main.tf": 'resource "terraform_data" "a" {}\nresource "terraform_data" "b" {}\n'}
    )
    assert _check(tmp_path, data, capsys)[0] == 0
    data["resource_changes"] = data["resource_changes"][1:]
    code, _, err = _check(tmp_path, data, capsys)
    assert code == 2 and "terraform_data.a" in err


def test_a_real_plan_with_an_action_renamed_is_an_error(real_plan, tmp_path, capsys):
    data, _ = real_plan({"main.tf": 'resource "terraform_data" "a" {}\n'})
    data["resource_changes"][0]["change"]["actions"] = ["Create"]
    code, _, err = _check(tmp_path, data, capsys)
    assert code == 2 and '["Create"]' in err


def test_an_empty_resource_changes_list_is_read_like_an_absent_one():
    # Terraform omits an empty list; a file that writes `[]` next to planned resources
    # (a trimmed fixture in the corpus does) gets those resources checked.
    data = _public_db()
    data["resource_changes"] = []
    plan = Plan(data, "x")
    assert sorted(plan.by_address) == ["aws_s3_bucket.logs", "module.db.aws_db_instance.main"]
    assert plan.by_address["module.db.aws_db_instance.main"].module_address == "module.db"


def test_a_deposed_object_may_be_deleted_or_already_gone():
    for actions in (["delete"], ["no-op"], ["forget"]):
        data = _public_db()
        deposed = copy.deepcopy(_db(data))
        deposed["deposed"] = "00000001"
        deposed["change"].update(actions=actions, before={"engine": "postgres"}, after=None)
        data["resource_changes"].append(deposed)
        assert len(Plan(data, "x").deposed) == 1


def _plans(corpus_dir: Path | None) -> list[Path]:
    found = sorted(EXAMPLES.glob("*.json"))
    found.remove(EXAMPLES / "index.json")
    if corpus_dir is not None:
        found.extend(sorted((corpus_dir / "real").glob("*.json")))
    return found


def test_every_corpus_and_example_plan_passes_the_validation(corpus_dir):
    """Structure, duplicate keys, and the JSON types every built-in policy reads."""

    def no_terraform(path: str) -> bytes:
        raise AssertionError(path)

    policies = discover(entry_points_enabled=False)
    paths = _plans(corpus_dir)
    assert len(paths) > 100
    for path in paths:
        try:
            data, where = load_plan_data(str(path), no_terraform)
            plan = Plan(data, where)
        except PlangateError as exc:
            pytest.fail(f"{path.name}: {exc}")
        errors = run_policies([plan], policies).errors
        assert errors == [], f"{path.name}: {errors[0].message}"


def _with_key_twice(text: str, key: str, first: str, second: str, after: str = "") -> str:
    """The plan's text with `"key": first` written as `"key": first, "key": second` (the
    occurrence after `after`): what a stdlib parser reads as `second`."""
    start = text.index(after) if after else 0
    at = text.index(f'"{key}": {first}', start)
    end = at + len(f'"{key}": {first}')
    return f'{text[:end]}, "{key}": {second}{text[end:]}'


def test_a_key_twice_in_a_resource_is_an_error_naming_where(tmp_path, capsys):
    text = json.dumps(_public_db())
    # the policy would read the last value (false); a reviewer sees the first (true)
    text = _with_key_twice(text, "publicly_accessible", "true", "false", '"resource_changes"')
    path = tmp_path / "edited.json"
    path.write_text(text)
    code = main(["check", "--no-entry-points", str(path)])
    [line] = capsys.readouterr().err.splitlines()
    assert code == 2
    assert '"publicly_accessible" appears twice in resource_changes[0].change.after' in line
    assert "module.db.aws_db_instance.main" in line


def test_a_top_level_key_twice_is_an_error(tmp_path, capsys):
    # a second, empty `resource_changes` after the one holding the database
    text = json.dumps(_public_db())[:-1] + ', "resource_changes": [{"address": "x"}]}'
    path = tmp_path / "edited.json"
    path.write_text(text)
    assert main(["check", "--no-entry-points", str(path)]) == 2
    assert '"resource_changes" appears twice at the top level' in capsys.readouterr().err


def test_a_key_twice_in_a_real_plan_is_an_error(real_plan, tmp_path, capsys):
    data, _ = real_plan({"main.tf": 'resource "terraform_data" "a" { input = "x" }\n'})
    text = _with_key_twice(json.dumps(data), "input", '"x"', '"y"', '"resource_changes"')
    path = tmp_path / "edited.json"
    path.write_text(text)
    assert main(["check", "--no-entry-points", str(path)]) == 2
    assert "terraform_data.a" in capsys.readouterr().err


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_numbers_are_an_error(tmp_path, capsys, constant):
    data = _public_db()
    data["resource_changes"][1]["change"]["after"]["port"] = 5432
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(data).replace('"port": 5432', f'"port": {constant}'))
    assert main(["check", "--no-entry-points", str(path)]) == 2
    assert f"{constant.lstrip('-')} is not a JSON number" in capsys.readouterr().err
