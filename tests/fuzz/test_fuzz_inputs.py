"""Whatever bytes arrive, plangate answers 0, 1 or 2 with one line on errors; never a
traceback, and never 0 for something that is not a plan."""

from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plangate.cli import main
from plangate.testing import PlanBuilder, refs

# CI runs a fixed, derandomised sample; PLANGATE_FUZZ_EXAMPLES=N explores N random ones.
EXAMPLES = os.environ.get("PLANGATE_FUZZ_EXAMPLES")
SETTINGS = settings(
    max_examples=int(EXAMPLES or 150),
    deadline=None,
    derandomize=EXAMPLES is None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _valid_plan() -> bytes:
    builder = PlanBuilder()
    builder.add(
        "module.db.aws_db_instance.main",
        {"engine": "postgres", "publicly_accessible": True, "password": "s3cr3t-value"},
        unknown=["vpc_security_group_ids"],
        sensitive=["password"],
        expressions={"vpc_security_group_ids": refs("var.sg")},
    )
    builder.add(
        'aws_security_group.db["a.b"]',
        {
            "ingress": [
                {
                    "cidr_blocks": ["0.0.0.0/0"],
                    "from_port": 5432,
                    "to_port": 5432,
                    "protocol": "tcp",
                }
            ]
        },
        unknown=["id"],
    )
    builder.module_call("module.db", inputs={"sg": refs('aws_security_group.db["a.b"].id')})
    return json.dumps(builder.to_dict(), indent=1).encode()


VALID = _valid_plan()


def _run(tmp_path: Path, content: bytes, capsys) -> tuple[int, str, str]:
    path = tmp_path / "input.json"
    path.write_bytes(content)
    code = main(["check", "--no-entry-points", "--format", "json", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def _assert_answered(code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2)
    assert "Traceback" not in err
    if code == 2 and not out:
        assert err.count("\n") == 1 and err.startswith("plangate: error: ")
    assert "s3cr3t-value" not in out + err


@SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(VALID) - 1))
def test_a_truncated_plan_is_an_error(tmp_path, capsys, cut):
    code, out, err = _run(tmp_path, VALID[:cut], capsys)
    _assert_answered(code, out, err)
    assert code == 2


@SETTINGS
@given(
    position=st.integers(min_value=0, max_value=len(VALID) - 1),
    byte=st.integers(min_value=0, max_value=255),
)
def test_a_plan_with_one_byte_changed_gets_an_answer(tmp_path, capsys, position, byte):
    mutated = bytearray(VALID)
    mutated[position] = byte
    _assert_answered(*_run(tmp_path, bytes(mutated), capsys))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@SETTINGS
@given(
    key=st.sampled_from(
        [
            "resource_changes",
            "configuration",
            "prior_state",
            "variables",
            "output_changes",
            "planned_values",
            "format_version",
        ]
    ),
    value=JSON,
)
def test_a_plan_with_a_top_level_key_replaced_by_anything_gets_an_answer(
    tmp_path, capsys, key, value
):
    data = json.loads(VALID)
    data[key] = value
    _assert_answered(*_run(tmp_path, json.dumps(data).encode(), capsys))


@SETTINGS
@given(
    field=st.sampled_from(
        ["change", "address", "type", "index", "module_address", "provider_name", "mode"]
    ),
    value=JSON,
)
def test_a_resource_change_with_a_field_replaced_by_anything_gets_an_answer(
    tmp_path, capsys, field, value
):
    data = json.loads(VALID)
    data["resource_changes"][0][field] = value
    _assert_answered(*_run(tmp_path, json.dumps(data).encode(), capsys))


@SETTINGS
@given(value=JSON)
def test_a_change_with_any_after_value_gets_an_answer(tmp_path, capsys, value):
    data = json.loads(VALID)
    data["resource_changes"][0]["change"]["after"] = value
    data["resource_changes"][1]["change"]["after_unknown"] = value
    _assert_answered(*_run(tmp_path, json.dumps(data).encode(), capsys))
