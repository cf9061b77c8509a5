"""Where a plan author might hide a credential from the redactor's collection, which
reads every object of a plan together, level by level, and reads in Python only the
dicts that hold a name that is not innocent (`withheld.credential_values`), and skips
objects equal to one already read (`redaction._objects`)."""

from __future__ import annotations

import json

import pytest
from plangate import Severity, finding, levels, policy, withheld
from plangate.redaction import REDACTED, Redactor, redactor_for
from plangate.runner import run_policies
from plangate.testing import PlanBuilder

VALUE = "cr3d-hidden-value"


def _quoting(text: str):
    @policy(id="T-COL-001", title="quotes", severity=Severity.HIGH, resource_types=("aws_x",))
    def quotes(change):
        """## What it checks
        x
        ## Why it matters
        x
        ## How to fix
        x
        """
        yield finding(change, text)

    return quotes


def _message(builder: PlanBuilder, text: str) -> str:
    builder.add("aws_x.quoter", {"name": "q"})
    outcome = run_policies([builder.build()], [_quoting(text)])
    [found] = outcome.findings
    return found.message


def _container(entries: list[dict[str, object]]) -> dict[str, str]:
    return {"container_definitions": json.dumps([{"name": "app", "environment": entries}])}


@pytest.mark.parametrize(
    "after",
    [
        # A name written with escapes inside a JSON document: only parsing reads it.
        {"container_definitions": '[{"environment":[{"name":"DB_\\u0050ASSWORD","value":"%s"}]}]'},
        {"container_definitions": '[{"DB_\\u0050ASSWORD":"%s"}]'},
        # A key holding a quote, a backslash, a control character or a non-ASCII letter
        # between the letters of a credential name (`looks_secret` drops them).
        {"tags": {'db_pass"word': "%s"}},
        {"tags": {"db_pass\\word": "%s"}},
        {"tags": {"db_pass\nword": "%s"}},
        {"tags": {"db_pass\u00e9word": "%s"}},
        {"tags": {"API_\u212aEY": "%s"}},  # the Kelvin sign lower-cases to `k`
        # Any case, any separator.
        {"tags": {"Db-PassWord": "%s"}},
        {"environment": [{"variables": {"x.API.key": "%s"}}]},
        # A `name`/`value` entry, in any nesting, with either spelling.
        {"setting": [{"Name": "client_secret", "Value": "%s"}]},
        {"deep": [[{"a": [{"b": {"key": "GITHUB_TOKEN", "value": "%s"}}]}]]},
        # A document in a document: configuration JSON holding configuration JSON.
        {
            "container_definitions": json.dumps(
                [
                    {
                        "name": "app",
                        "config": json.dumps({"inner_config": json.dumps({"api_key": "%s"})}),
                    }
                ]
            )
        },
        # Under a document attribute whose name is written in another case.
        {"CONTAINER_Definitions": json.dumps([{"name": "SECRET_KEY", "value": "%s"}])},
    ],
    ids=[
        "escaped-name-in-entry",
        "escaped-key-in-document",
        "quote-in-key",
        "backslash-in-key",
        "newline-in-key",
        "accent-in-key",
        "kelvin-sign-in-key",
        "mixed-case-key",
        "dotted-key-in-a-map-in-a-block",
        "capitalised-name-value",
        "deeply-nested-entry",
        "document-in-a-document",
        "upper-case-document-attribute",
    ],
)
def test_a_credential_value_is_withheld_however_its_name_is_written(after: dict):
    after = json.loads(json.dumps(after).replace("%s", VALUE))
    builder = PlanBuilder().add("aws_lambda_function.fn", after)
    message = _message(builder, f"it holds {VALUE}")
    assert message == f"it holds {REDACTED}"


def test_a_number_under_a_credential_name_is_withheld():
    builder = PlanBuilder().add("aws_lambda_function.fn", {"tags": {"pin_token": 90210443}})
    assert _message(builder, "code 90210443 here") == f"code {REDACTED} here"


def test_a_credential_only_in_the_prior_object_of_a_deleted_resource_is_withheld():
    builder = PlanBuilder().add(
        "aws_lambda_function.fn", None, action="delete", before={"tags": {"API_KEY": VALUE}}
    )
    assert _message(builder, f"was {VALUE}") == f"was {REDACTED}"


def test_a_credential_only_in_the_prior_state_is_withheld():
    builder = PlanBuilder().prior("data.aws_ssm_parameter.p", {"tags": {"db_password": VALUE}})
    assert _message(builder, f"read {VALUE}") == f"read {REDACTED}"


@pytest.mark.parametrize(
    "holding",
    [
        lambda pin: {"tags": {"pin_token": pin}},
        lambda pin: {"setting": [{"name": "PIN_TOKEN", "value": pin}]},
    ],
    ids=["map", "name-value"],
)
def test_a_credential_in_an_equal_object_typed_otherwise_is_withheld_as_that_object_writes_it(
    holding,
):
    """`before` and the prior state compare equal to `after` (`12345 == 12345.0`), yet
    each writes the number its own way: both spellings are withheld."""
    builder = PlanBuilder().add(
        "aws_lambda_function.fn", holding(12345), action="no-op", before=holding(12345.0)
    )
    builder.prior("aws_lambda_function.fn", holding(12345))
    plan = builder.build()
    assert {"12345", "12345.0"} <= redactor_for(plan).secrets


def test_an_unchanged_object_read_once_still_gives_its_credentials():
    after = {"tags": {"API_KEY": VALUE}}
    builder = PlanBuilder().add("aws_lambda_function.fn", after, action="no-op", before=after)
    builder.prior("aws_lambda_function.fn", after)
    assert VALUE in redactor_for(builder.build()).secrets


def test_a_sensitive_value_marked_deep_in_a_list_is_withheld():
    builder = PlanBuilder().add(
        "aws_lambda_function.fn",
        {"block": [{"inner": [{"a": "visible-x"}, {"a": VALUE}]}]},
        sensitive=["block.0.inner.1.a"],
    )
    assert _message(builder, f"{VALUE} visible-x") == f"{REDACTED} visible-x"


def test_innocent_names_stay_innocent_and_do_not_hide_a_later_credential():
    """A name judged innocent once is not read again; a dict holding it and a credential
    name is still read."""
    first = PlanBuilder().add("aws_lambda_function.a", {"tags": {"team": "blue"}}).build()
    assert not redactor_for(first).secrets
    builder = PlanBuilder().add("aws_lambda_function.b", {"tags": {"team": "x", "API_KEY": VALUE}})
    assert VALUE in redactor_for(builder.build()).secrets


def test_reading_in_python_collects_what_reading_in_c_collects(monkeypatch):
    after = {
        "tags": {"Db-PassWord": VALUE, "team": "blue"},
        "container_definitions": json.dumps(
            [{"environment": [{"name": "TOKEN", "value": "t-1234"}]}]
        ),
        "setting": [{"name": "client_secret", "value": 4321}],
    }
    plan = PlanBuilder().add("aws_lambda_function.fn", after).build()
    in_c = Redactor._collect(plan)
    monkeypatch.setattr(withheld, "below", levels._below_in_python)
    assert Redactor._collect(plan) == in_c
    assert {VALUE, "t-1234"} <= in_c[0] and "4321" in in_c[1]


def test_the_c_reading_gives_exactly_the_values_and_items_of_a_level():
    inner, other = {"k": "v"}, [1, {"x": None}]
    level = [{"a": inner, "b": "s", "c": 2.5, "d": None, "e": True}, [other, "t", 3], "u", 4, None]
    assert levels._c_reads_as_python()
    assert sorted(map(id, levels._below_in_c(level))) == sorted(
        map(id, levels._below_in_python(level))
    )


def test_a_marker_holding_true_anywhere_is_found():
    assert levels.holds_true({"a": [{}, {"b": [False, True]}]})
    assert not levels.holds_true({"a": [{}, {"b": [False, False]}], "c": {}})


def test_a_key_that_is_not_text_names_no_credential_and_breaks_nothing():
    # JSON keys are always text, but the Python API takes any mapping a caller builds:
    # a number as a key is judged innocent, and a credential beside it is still withheld.
    builder = PlanBuilder()
    builder.add("aws_y.odd", {"tags": {5: "five", "db_password": VALUE}})
    message = _message(builder, f"names {VALUE} and five")
    assert VALUE not in message and REDACTED in message
    assert "five" in message


def test_reading_a_level_descends_only_into_plain_dicts_and_lists():
    # A dict subclass refers to its class and a class to its own method resolution order:
    # asking C for their referents walked the interpreter's modules and never ended.
    class Settings(dict):
        pass

    inner = ["item"]
    level = [Settings(k=inner), ("in a tuple",), {"k": "value"}, inner]
    assert levels.below(level) == ["value", "item"]


def test_a_dict_subclass_in_a_value_ends_the_walk_and_its_neighbour_is_withheld():
    class Settings(dict):
        pass

    found: set[str] = set()
    withheld.credential_values([{"tags": Settings(a="x"), "db_password": VALUE}], found)
    assert found == {VALUE}
