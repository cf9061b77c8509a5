"""Change descriptions stay small and cheap whatever the update hands them."""

from __future__ import annotations

import json
import time

from plangate.explain import (
    MAX_COMPARED,
    MAX_LINE,
    MAX_LINES,
    MAX_TEXT_COMPARED,
    CompareBudget,
    describe_change,
)
from plangate.testing import PlanBuilder


def update(before: object, after: object, attribute: str = "policy"):
    plan = (
        PlanBuilder()
        .add("aws_iam_policy.p", {attribute: after}, action="update", before={attribute: before})
        .build()
    )
    return plan.by_address["aws_iam_policy.p"]


def document(statements: int, sid: str) -> str:
    """A policy document as people write it in a file: one element per line (every other
    statement named after `sid`, so that two versions differ line by line throughout)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": f"S{n}{sid * (n % 2)}", "Effect": "Allow", "Action": "s3:*"}
                for n in range(statements)
            ],
        },
        indent=2,
    )


def test_a_large_multi_line_policy_update_is_described_by_its_size_at_once():
    # deepdiff diffed these 330 KB documents line by line: 4 s, quadratic in their size.
    change = update(document(4000, "a"), document(4000, "b"))
    started = time.perf_counter()
    lines = describe_change(change, "policy")
    assert time.perf_counter() - started < 5
    assert lines == (f"policy: changes ({len(document(4000, 'b')):,} characters, not compared)",)


def test_a_multi_line_string_is_compared_only_while_it_is_short():
    short = update(document(20, "a"), document(20, "b"))
    assert len(document(20, "b")) < MAX_TEXT_COMPARED
    assert describe_change(short, "policy")[0].startswith("Value of policy changed from")
    long = update(document(60, "a"), document(60, "b"))
    assert MAX_TEXT_COMPARED < len(document(60, "b")) < MAX_COMPARED
    assert describe_change(long, "policy")[0].endswith("characters, not compared)")


def test_a_structure_too_large_to_compare_is_described_by_its_size():
    rules = [{"from_port": n, "to_port": n, "cidr_blocks": ["10.0.0.0/8"]} for n in range(5000)]
    change = update(rules, [*rules, {"from_port": 0}], attribute="ingress")
    assert describe_change(change, "ingress") == (
        f"ingress: changes (more than {MAX_COMPARED:,} characters, not compared)",
    )


def test_lines_are_clipped_and_few():
    clipped = describe_change(update("a" * 10_000, "b" * 10_000), "policy")
    assert len(clipped) == 1 and len(clipped[0]) == MAX_LINE and clipped[0].endswith("...")
    before, after = {f"k{n}": n for n in range(50)}, {f"k{n}": n + 1 for n in range(50)}
    many = describe_change(update(before, after), "policy")
    assert len(many) == MAX_LINES + 1
    assert many[-1].startswith("... and ")
    assert all(len(line) <= MAX_LINE for line in many)


def test_a_plan_stops_comparing_once_its_budget_is_spent():
    budget = CompareBudget(left=2 * MAX_COMPARED)
    described = [
        describe_change(
            update({"v": "a" * 6000, "n": n}, {"v": "b" * 6000, "n": n}), "policy", budget
        )
        for n in range(5)
    ]
    compared = [d for d in described if "not compared" not in d[0]]
    assert len(compared) == 2  # 2 x 12 KB fit in 32 KB; the third would not
    assert described[-1] == ("policy: changes (not compared: this plan's comparisons used up)",)
