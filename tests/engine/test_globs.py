"""Wildcard matching in linear time, with the answers of the regular expressions it replaced.

The oracles below are the matchers plangate used before: a pattern turned into a regular
expression (`.*` per star, backtracking), and a table over every pair of positions for
pattern against pattern. They are right and slow; the new ones must agree on every small
input and stay fast on hostile ones.
"""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st
from plangate import glob_match, globs_meet
from plangate.config import Waiver

# Characters `re.IGNORECASE` folds in surprising ways: long s, Kelvin sign, dotted and
# dotless i, sharp s and its capital, final sigma, iota subscript, the `st` ligatures.
TRICKY = (
    "sS\u017fkK\u212aiI\u0130\u0131\u00df\u1e9e\u03c3\u03c2\u03a3\u03b9\u0345\u0399\ufb05\ufb06"
)
PATTERN = st.text(alphabet="ab?*" + TRICKY, max_size=10)
TEXT = st.text(alphabet="abAB?*" + TRICKY, max_size=12)
META = st.text(alphabet="ab?*", max_size=8)


def regex_match(pattern: str, text: str, ignore_case: bool) -> bool:
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch("".join(parts), text, flags) is not None


def table_meet(a: str, b: str) -> bool:
    la, lb = len(a), len(b)
    reach = [[False] * (lb + 1) for _ in range(la + 1)]
    reach[la][lb] = True
    for i in range(la, -1, -1):
        for j in range(lb, -1, -1):
            if i == la and j == lb:
                continue
            if i < la and a[i] == "*":
                reach[i][j] = reach[i + 1][j] or (j < lb and reach[i][j + 1])
            elif j < lb and b[j] == "*":
                reach[i][j] = reach[i][j + 1] or (i < la and reach[i + 1][j])
            elif i < la and j < lb:
                reach[i][j] = (a[i] == "?" or b[j] == "?" or a[i] == b[j]) and reach[i + 1][j + 1]
    return reach[0][0]


@settings(max_examples=3000, deadline=None)
@given(PATTERN, TEXT, st.booleans())
def test_a_pattern_matches_exactly_the_texts_its_regular_expression_matched(
    pattern, text, ignore_case
):
    assert glob_match(pattern, text, ignore_case=ignore_case) == regex_match(
        pattern, text, ignore_case
    )


@settings(max_examples=3000, deadline=None)
@given(META, META)
def test_two_patterns_meet_exactly_when_the_position_table_says_they_do(a, b):
    assert globs_meet(a, b) == table_meet(a, b)
    assert globs_meet(b, a) == table_meet(a, b)


def test_case_folding_matches_the_regular_expression_for_every_cased_character():
    """Each cased character matches, under `re.IGNORECASE`, exactly the characters the
    folding puts with it (checked against its lower, upper, title and fold forms)."""
    for code in range(0x110000):
        char = chr(code)
        if char.lower() == char and char.upper() == char:
            continue
        others = {char.lower(), char.upper(), char.title(), char.casefold(), char.swapcase()}
        for other in (o for o in others if len(o) == 1):
            assert glob_match(char, other, ignore_case=True) == regex_match(char, other, True), (
                hex(code),
                other,
            )


def test_thousands_of_stars_against_a_long_arn_answer_at_once():
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/" + "terraform-state-lock" * 50
    started = time.perf_counter()
    assert not glob_match("arn:" + "*" * 5000 + "x", arn)
    assert glob_match("arn:" + "*?" * 5000 + "*", arn * 10)
    assert not glob_match("*a" * 5000 + "*", "a" * 4999 + "b" * 100_000)
    assert glob_match("*?" * 2000 + "x", "y" * 3000 + "x")
    assert not glob_match("DYNAMODB:" + "*" * 5000 + "X", "dynamodb:GetItem", ignore_case=True)
    assert not globs_meet("arn:" + "*" * 5000 + "x", "arn:*:" + "?" * 3000 + "y")
    assert globs_meet("*a" * 5000, "b*" * 5000)
    assert not globs_meet("*" + "a" * 2000 + "?b*", "a" * 20_000)
    assert glob_match("*" + "a" * 2000 + "?b*", "a" * 20_000 + "b")
    assert time.perf_counter() - started < 5


def test_a_waiver_pattern_of_many_stars_against_a_long_plan_address_answers_at_once():
    # The pattern comes from a repository's config, the address (a for_each key) from the plan.
    waiver = Waiver("PG-*-*", "*a" * 5000 + "*", "reason", None)
    address = 'module.b["' + "a" * 4999 + "b" * 100_000 + '"]'  # one `a` short
    started = time.perf_counter()
    assert not waiver.matches("PG-STATE-001", address)
    assert waiver.matches("PG-STATE-001", address.replace("b" * 100_000, "a"))
    assert time.perf_counter() - started < 5
