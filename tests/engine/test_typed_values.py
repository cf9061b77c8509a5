"""A value of a JSON type Terraform never writes where a policy decides is an input error.

`"publicly_accessible": "true"` is not `true`: a policy testing `is True` would pass it.
The typed readers (`after_bool`, `after_number`, `after_text`, `after_texts`) turn such a
value into an error naming the plan, resource and attribute (exit 2). The end-to-end
cases edit the example plans that the real Terraform binary wrote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from plangate import UNKNOWN, Severity, finding, policy
from plangate.cli import main
from plangate.errors import PlanValueError
from plangate.runner import run_policies
from plangate.testing import PlanBuilder

PLANS = Path(__file__).resolve().parents[2] / "examples" / "plans"
DB = "module.database.aws_db_instance.this"
LOCK = "module.state_backend.aws_dynamodb_table.lock[0]"
OPEN_RULE = "module.database.aws_vpc_security_group_ingress_rule.public[0]"

# (example plan, address, path in `after`, the value Terraform writes, a value of another type)
EDITS: list[tuple[str, str, tuple[str | int, ...], Any, Any]] = [
    ("rds_public.json", DB, ("publicly_accessible",), True, "true"),
    ("rds_public.json", DB, ("publicly_accessible",), True, 1),
    ("db_sg_open.json", DB, ("port",), 5432, "5432"),
    ("db_sg_open.json", OPEN_RULE, ("from_port",), 5432, "5432"),
    ("db_sg_open.json", OPEN_RULE, ("to_port",), 5432, True),
    ("db_sg_open.json", OPEN_RULE, ("ip_protocol",), "tcp", ["tcp"]),
    ("db_sg_open.json", OPEN_RULE, ("cidr_ipv4",), "0.0.0.0/0", ["0.0.0.0/0"]),
    (
        "db_public_subnets.json",
        "module.network.aws_subnet.private[0]",
        ("map_public_ip_on_launch",),
        False,
        "true",
    ),
    (
        "good.json",
        "module.network.aws_route_table.public",
        ("route", 0, "cidr_block"),
        "0.0.0.0/0",
        0,
    ),
    ("good.json", LOCK, ("deletion_protection_enabled",), True, "false"),
    ("good.json", LOCK, ("point_in_time_recovery", 0, "enabled"), True, "true"),
    ("good.json", LOCK, ("point_in_time_recovery",), [{"enabled": True}], {"enabled": True}),
    ("good.json", LOCK, ("stream_enabled",), False, "false"),
    (
        "good.json",
        "module.state_backend.aws_s3_bucket_versioning.state",
        ("versioning_configuration", 0, "status"),
        "Enabled",
        ["Enabled"],
    ),
    (
        "public_snapshot.json",
        "module.database.aws_db_snapshot.shared[0]",
        ("shared_accounts",),
        ["all"],
        "all",
    ),
]


def _edit(name: str, address: str, path: tuple[str | int, ...], was: Any, now: Any) -> dict:
    data = json.loads((PLANS / name).read_text())
    [change] = [rc for rc in data["resource_changes"] if rc["address"] == address]
    node = change["change"]["after"]
    for step in path[:-1]:
        node = node[step]
    assert node[path[-1]] == was  # the edit changes only the type of what Terraform wrote
    node[path[-1]] = now
    return data


def _check(tmp_path: Path, data: dict, capsys) -> tuple[int, dict, str]:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(data))
    # the state bucket named, so that its versioning is checked
    args = ["--state-bucket", "acme-terraform-state", "--format", "json", str(plan)]
    code = main(["check", "--no-entry-points", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.mark.parametrize(
    ("name", "address", "path", "was", "now"),
    EDITS,
    ids=[f"{e[1].split('.')[-1]}.{'.'.join(map(str, e[2]))}={e[4]!r}" for e in EDITS],
)
def test_a_deciding_value_of_another_json_type_is_an_input_error(
    tmp_path, capsys, name, address, path, was, now
):
    code, report, err = _check(tmp_path, _edit(name, address, path, was, now), capsys)
    assert code == 2
    errors = [e for e in report["errors"] if e["kind"] == "input"]
    assert len(errors) == 1, report["errors"]
    message = errors[0]["message"]
    attribute = "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path).lstrip(".")
    assert message.startswith(f"{tmp_path / 'plan.json'}: {address}: {attribute} is ")
    assert "raised" not in message  # an input error, not a policy failure
    assert err.count("\n") == len(report["errors"])  # one line each


def test_the_unedited_example_plans_read_without_an_input_error(tmp_path, capsys):
    for name in sorted({e[0] for e in EDITS}):
        code, report, _ = _check(tmp_path, json.loads((PLANS / name).read_text()), capsys)
        assert code in (0, 1) and report["errors"] == [], name


def test_typed_readers_return_values_none_and_unknown():
    builder = PlanBuilder().add(
        "aws_db_instance.db",
        {"publicly_accessible": False, "port": 5432, "cidrs": ["10.0.0.0/8", "x"], "ttl": []},
        unknown=["cidrs.1", "maybe"],
    )
    change = builder.build().changes[0]
    assert change.after_bool("publicly_accessible") is False
    assert change.after_number("port") == 5432
    assert change.after_bool("absent") is None
    assert change.after_bool("maybe") is UNKNOWN
    assert change.after_texts("cidrs") == ["10.0.0.0/8", UNKNOWN]
    assert change.after_texts("maybe") == [UNKNOWN]
    assert change.after_bool(("ttl", 0, "enabled")) is None


@pytest.mark.parametrize(
    ("value", "reader", "path", "says"),
    [
        ("true", "after_bool", "flag", "flag is a string where Terraform writes a boolean"),
        (1, "after_bool", "flag", "flag is a number"),
        (True, "after_number", "flag", "flag is a boolean where Terraform writes a number"),
        ({"a": 1}, "after_number", "flag", "flag is an object"),
        (["x", 1], "after_texts", "flag", "flag[1] is a number where Terraform writes a string"),
        ("x", "after_texts", "flag", "flag is a string where Terraform writes an array"),
        ({"enabled": True}, "after_bool", ("flag", 0, "enabled"), "flag is an object where"),
        ([True], "after_bool", ("flag", "enabled"), "flag is an array where"),
    ],
)
def test_typed_readers_reject_other_json_types_naming_the_attribute(value, reader, path, says):
    plan = PlanBuilder().add("aws_db_instance.db", {"flag": value}).build()
    with pytest.raises(PlanValueError, match=r"aws_db_instance\.db: ") as info:
        getattr(plan.changes[0], reader)(path)
    assert says in info.value.message
    assert list(plan.value_errors) == [info.value.message]


def test_prior_values_and_prior_state_are_typed_too():
    builder = PlanBuilder()
    builder.add("aws_subnet.a", {"flag": True}, action="update", before={"flag": "yes"})
    builder.prior("aws_subnet.b", {"flag": 0})
    plan = builder.build()
    with pytest.raises(PlanValueError, match=r"aws_subnet.a: prior flag is a string"):
        plan.changes[0].before_bool("flag")
    with pytest.raises(PlanValueError, match=r"aws_subnet.b: flag is a number"):
        plan.prior_resources[0].after_bool("flag")


@policy(id="T-SWALLOW-001", title="t", severity=Severity.HIGH, resource_types=("aws_subnet",))
def swallows(change):
    """## What it checks
    x
    ## Why it matters
    x
    ## How to fix
    x
    """
    try:
        if change.after_bool("map_public_ip_on_launch") is True:
            yield finding(change, "public")
    except Exception:  # a careless policy: the plan still reports the value
        return


def test_a_policy_that_catches_the_error_cannot_hide_it():
    plan = PlanBuilder().add("aws_subnet.a", {"map_public_ip_on_launch": "true"}).build()
    outcome = run_policies([plan], [swallows])
    assert [e.kind for e in outcome.errors] == ["input"]
    assert "map_public_ip_on_launch is a string" in outcome.errors[0].message


def test_inline_security_group_rules_are_read_typed():
    from plangate.policies.rds.open_security_group import rds_open_security_group

    builder = PlanBuilder()
    builder.add(
        "aws_db_instance.db",
        {"engine": "postgres", "port": 5432, "vpc_security_group_ids": ["sg-1"]},
    )
    rule = {"protocol": "tcp", "from_port": "0", "to_port": 65535, "cidr_blocks": ["0.0.0.0/0"]}
    builder.add("aws_security_group.db", {"id": "sg-1", "ingress": [rule]})
    outcome = run_policies([builder.build()], [rds_open_security_group])
    assert outcome.findings == []
    assert [e.kind for e in outcome.errors] == ["input"]
    assert "aws_security_group.db: ingress[0].from_port is a string" in outcome.errors[0].message
