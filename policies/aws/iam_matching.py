"""IAM wildcards and ARNs: does a policy's `Action` or `Resource` pattern match?

Patterns use `*` and `?`. Actions match case-insensitively; resources case-sensitively,
segment by segment (`arn:partition:service:region:account:resource`): `*` alone matches
everything, and a trailing `*` in the last given segment runs across the colons after
it. A policy variable (`${aws:username}`) is unknown until the request is made.

What is matched against is an ARN *template*: `HOLE` stands for a part unknown at plan
time (a table's region and account before apply, a state key nobody named), so every
resource answer is three-valued (`Match`): NO, POSSIBLE (for some values of the holes)
or YES (whatever they hold). Matching runs in linear time (`plangate.glob_match`).
"""

from __future__ import annotations

import enum
from functools import lru_cache

from plangate import glob_match, globs_meet

__all__ = ["HOLE", "Match", "action_matches", "arn_matches"]

# Stands for a part of an ARN unknown at plan time (never in a real ARN or a pattern).
HOLE = "\x00"
# What a hole is replaced by to ask "does the pattern match whatever the hole holds?":
# characters no pattern literal can match, long enough that only `*` absorbs them.
_ANY_VALUE = "\x01\x02\x03\x04"


class Match(enum.IntEnum):
    NO = 0
    POSSIBLE = 1
    YES = 2

    def negate(self) -> Match:
        return Match(2 - self)


@lru_cache(maxsize=65536)  # a plan repeats a few patterns against the same few actions
def action_matches(pattern: str, action: str) -> bool:
    """`dynamodb:Put*`, `*`, `DynamoDB:?etItem` against `dynamodb:GetItem` (case-insensitive)."""
    return glob_match(pattern, action, ignore_case=True)


def _segment_match(pattern: str, template: str) -> Match:
    if HOLE not in template:
        return Match.YES if glob_match(pattern, template) else Match.NO
    if glob_match(pattern, template.replace(HOLE, _ANY_VALUE)):
        return Match.YES
    return Match.POSSIBLE if globs_meet(pattern, template.replace(HOLE, "*")) else Match.NO


def _without_policy_variables(pattern: str) -> str:
    """`${aws:username}` and the like replaced by `*` (what a request may fill in).

    A scan, not a regular expression: on a pattern of many `${` and no `}`, the
    expression `${[^}]*}` tried every `${` to the end, quadratic in the pattern.
    """
    parts: list[str] = []
    position = 0
    while (start := pattern.find("${", position)) >= 0:
        end = pattern.find("}", start + 2)
        if end < 0:
            break  # no `}` after this `${`, nor after any later one
        parts += (pattern[position:start], "*")
        position = end + 1
    return "".join(parts) + pattern[position:]


def arn_matches(pattern: str, template: str) -> Match:
    """A `Resource` pattern against an ARN template (`HOLE` for parts unknown now).

    YES: matches whatever the holes hold; POSSIBLE: matches for some values; NO: never.
    Policy variables (`${aws:username}`) are unknown until the request is made.
    """
    if pattern == "*":
        return Match.YES
    variable = Match.YES
    if "${" in pattern:
        pattern = _without_policy_variables(pattern)
        variable = Match.POSSIBLE
    wanted = pattern.split(":", 5)
    have = template.split(":", 5)
    if len(have) != 6:
        return Match.NO
    if len(wanted) < 6:
        # A trailing `*` in the last segment given runs across the colons after it.
        if not wanted[-1].endswith("*"):
            return Match.NO
        have = [*have[: len(wanted) - 1], ":".join(have[len(wanted) - 1 :])]
    result = Match.YES
    for want, got in zip(wanted, have, strict=True):
        result = min(result, _segment_match(want, got))
        if result is Match.NO:
            return Match.NO
    return min(result, variable)
