"""Bad input gets one clear line and exit 2; odd but real encodings are read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from plangate.errors import PlangateError
from plangate.loading import load_plan_data
from plangate.testing import PlanBuilder


def _no_terraform(path: str) -> bytes:
    raise PlangateError("terraform", "no terraform here")


def _load(path: Path) -> dict:
    return load_plan_data(str(path), _no_terraform)[0]


def _error(path: Path) -> str:
    with pytest.raises(PlangateError) as info:
        _load(path)
    message = info.value.message
    assert "\n" not in message
    assert str(path) in message or "<stdin>" in message
    return message


def _plan_text() -> str:
    return json.dumps(PlanBuilder().add("aws_s3_bucket.b", {"bucket": "b"}).to_dict())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"hello", "not JSON"),
        (b'resource "aws_s3_bucket" "b" {}', "HCL"),
        (b'{"format_version": "1.2", "planned_values": {', "truncated JSON"),
        (b"[1, 2]", "not a Terraform plan"),
        (b'{"format_version": "1.0", "values": {}}', "a state"),
        (b'{"format_version": "0.1", "provider_schemas": {}}', "provider schemas"),
        (b'{"format_version": "2.0", "planned_values": {}}', "unsupported plan format_version 2.0"),
        (b'{"plan_format_version": "1.0", "resource_changes": []}', "redacted plan"),
        (b'{"resource_changes": []}', "no `format_version`"),
        (b'{"version": 4, "lineage": "x", "resources": []}', "raw state"),
        (b'{"format_version": "1.2", "planned_values": {}} {}', "invalid JSON"),
        (
            b'{"format_version": "1.2", "planned_values": [], "resource_changes": []}',
            "planned_values",
        ),
        (b"\xff\xfe\x00", "UTF-16"),
        (b"\xc3\x28 not utf8", "UTF-8"),
    ],
)
def test_input_that_is_not_a_plan_is_rejected_with_one_line(tmp_path, content, expected):
    path = tmp_path / "input.json"
    path.write_bytes(content)
    assert expected in _error(path)


def test_a_resource_change_without_an_address_is_rejected(tmp_path):
    from plangate.plan import Plan

    data = json.loads(_plan_text())
    data["resource_changes"][0].pop("address")
    with pytest.raises(PlangateError, match=r"resource_changes\[0\] is not a resource change"):
        Plan(data, "x.json")


def test_a_directory_and_a_missing_file_are_rejected(tmp_path):
    assert "is a directory" in _error(tmp_path)
    assert "no such file" in _error(tmp_path / "missing.json")


def test_a_binary_plan_without_terraform_is_an_error(tmp_path):
    import zipfile

    path = tmp_path / "tfplan"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tfplan", b"x")
    with pytest.raises(PlangateError, match="no terraform here"):
        _load(path)


def test_utf8_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xef\xbb\xbf" + _plan_text().encode())
    assert _load(path)["resource_changes"][0]["address"] == "aws_s3_bucket.b"


def test_utf16_with_a_byte_order_mark_and_crlf_is_read(tmp_path):
    path = tmp_path / "plan.json"
    text = json.dumps(json.loads(_plan_text()), indent=2).replace("\n", "\r\n")
    path.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert _load(path)["format_version"] == "1.2"


def test_old_format_versions_and_missing_terraform_version_are_accepted(tmp_path):
    data = json.loads(_plan_text())
    data["format_version"] = "0.1"
    del data["terraform_version"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    assert _load(path)["format_version"] == "0.1"


def test_a_plan_holding_a_number_too_long_for_python_is_read(real_plan, tmp_path):
    # Terraform's numbers have any number of digits; Python's json refuses integers over
    # 4,300 digits with a ValueError that the command line called an internal error.
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # for the fixture's own parse and this dump only
    try:
        data, _ = real_plan(
            {"main.tf": 'resource "terraform_data" "n" { input = 1' + "0" * 4400 + " }\n"}
        )
        text = json.dumps(data)
    finally:
        sys.set_int_max_str_digits(limit)
    assert "1" + "0" * 4400 in text, "Terraform wrote every digit"
    path = tmp_path / "plan.json"
    path.write_text(text)
    assert _load(path)["resource_changes"][0]["change"]["after"]["input"] == float("inf")


def test_the_fast_parser_reads_a_real_plan_exactly_as_the_stdlib_parser(real_plan, tmp_path):
    from plangate.loading import parse_bytes, parse_json

    data, _ = real_plan(
        {"main.tf": 'resource "terraform_data" "n" { input = { big = 12345678901234567890 } }\n'}
    )
    raw = json.dumps(data, indent=1).encode()
    fast = parse_bytes(raw)
    assert fast is not None, "jiter reads a plain UTF-8 plan"
    assert fast == parse_json(raw.decode(), "plan.json")
    assert fast["resource_changes"][0]["change"]["after"]["input"]["big"] == 12345678901234567890


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "\\ud800"}',  # a lone surrogate: the stdlib reads it, jiter does not
        "\ufeff{}",  # a byte-order mark
        '{"a": 1' + "0" * 4400 + "}",  # past Python's digits: a float, as before
    ],
)
def test_what_the_fast_parser_refuses_is_read_by_the_stdlib_parser(tmp_path, text):
    from plangate.loading import decode, parse_bytes, parse_json

    raw = text.encode()
    assert parse_bytes(raw) is None
    assert parse_json(decode(raw, "plan.json"), "plan.json") is not None


def test_the_envelope_schema_uses_only_what_the_loader_reads():
    # The loader reads the shipped schema's types, patterns and required members without
    # a JSON Schema library: a keyword it does not read would silently check nothing.
    from importlib import resources

    from plangate.loading import ENVELOPE_KEYWORDS, PROPERTY_KEYWORDS

    schema = json.loads(
        resources.files("plangate.schemas").joinpath("plan_envelope.schema.json").read_text()
    )
    assert set(schema) - {"properties"} <= ENVELOPE_KEYWORDS
    for rules in schema["properties"].values():
        assert set(rules) <= PROPERTY_KEYWORDS


@pytest.mark.parametrize(
    ("member", "value", "expected"),
    [
        ("resource_changes", {}, "resource_changes: an object, not of type 'array'"),
        ("configuration", [], "configuration: an array, not of type 'object'"),
        ("errored", "yes", "errored: a string, not of type 'boolean'"),
        ("terraform_version", 1, "terraform_version: a number, not of type 'string'"),
        ("format_version", "1.2-beta", "format_version: 1.2-beta does not match"),
    ],
)
def test_a_top_level_member_of_the_wrong_shape_is_rejected(tmp_path, member, value, expected):
    data = json.loads(_plan_text())
    data[member] = value
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    assert expected in _error(path)
