"""What changed in a finding's attribute, in words, for reviewers of an update.

deepdiff runs only for findings (a handful per plan) and only after a cheap equality
check, never over the whole plan. The values are the pull request author's, so what it
is handed is bounded: values larger than `MAX_COMPARED` characters, or holding a
multi-line string longer than `MAX_TEXT_COMPARED` (deepdiff diffs those line by line, in
quadratic time), are described by their size only; one plan hands deepdiff at most
`PLAN_COMPARED` characters in all; and the description is at most `MAX_LINES` lines of
at most `MAX_LINE` characters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .model import ResourceChange
from .values import UNKNOWN, normalise_path

__all__ = [
    "MAX_COMPARED",
    "MAX_LINE",
    "MAX_LINES",
    "MAX_TEXT_COMPARED",
    "PLAN_COMPARED",
    "CompareBudget",
    "describe_change",
]

MAX_LINES = 5
MAX_LINE = 200
MAX_COMPARED = 16 * 1024
MAX_TEXT_COMPARED = 4 * 1024
PLAN_COMPARED = 1024 * 1024


@dataclass(slots=True)
class CompareBudget:
    """Characters one plan may still hand to deepdiff."""

    left: int = PLAN_COMPARED


def _short(value: Any) -> str:
    if isinstance(value, str) and len(value) > MAX_LINE:
        value = value[:MAX_LINE]  # no need to encode all of a long string to show its start
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _clip(line: str) -> str:
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 3] + "..."


def _size(value: Any, limit: int) -> tuple[int, bool]:
    """(about how many characters `value` holds, whether it holds a multi-line string
    longer than `MAX_TEXT_COMPARED`), counting no further than just past `limit`."""
    size, long_text, stack = 0, False, [value]
    while stack and size <= limit:
        item = stack.pop()
        if isinstance(item, str):
            size += len(item) + 2
            long_text = long_text or (len(item) > MAX_TEXT_COMPARED and "\n" in item)
        elif isinstance(item, dict):
            size += 2
            for key, child in item.items():
                size += len(str(key)) + 4
                stack.append(child)
                if size > limit:
                    break
        elif isinstance(item, list):
            size += 2
            stack.extend(item[: limit - size + 1])
        else:
            size += 8
    return size, long_text


def _not_compared(attribute: str, before: Any, after: Any, size: int) -> tuple[str, ...]:
    if isinstance(before, str) and isinstance(after, str):
        what = f"{max(len(before), len(after)):,} characters"
    elif size > MAX_COMPARED:
        what = f"more than {MAX_COMPARED:,} characters"
    else:
        what = f"about {size:,} characters"
    return (f"{attribute}: changes ({what}, not compared)",)


def describe_change(
    change: ResourceChange, attribute: str | None, budget: CompareBudget | None = None
) -> tuple[str, ...]:
    if attribute is None or change.before is None or change.after is None:
        return ()
    path = normalise_path(attribute)
    before, after = change.before_value(path), change.after_value(path)
    if before == after:
        return ()
    if change.is_sensitive(path):
        return (f"{attribute}: sensitive value changes",)
    if after is UNKNOWN:
        return (_clip(f"{attribute}: {_short(before)} -> (known after apply)"),)
    before_size, before_text = _size(before, MAX_COMPARED)
    after_size, after_text = _size(after, MAX_COMPARED)
    size = before_size + after_size
    if max(before_size, after_size) > MAX_COMPARED or before_text or after_text:
        return _not_compared(attribute, before, after, max(before_size, after_size))
    budget = budget or CompareBudget()
    if size > budget.left:
        return (f"{attribute}: changes (not compared: this plan's comparisons used up)",)
    budget.left -= size
    from deepdiff import DeepDiff

    diff = DeepDiff(before, after, ignore_order=True, verbose_level=2)
    lines = [_clip(line.replace("root", attribute, 1)) for line in diff.pretty().splitlines()]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], f"... and {len(lines) - MAX_LINES} more lines"]
    return tuple(lines) or (_clip(f"{attribute}: {_short(before)} -> {_short(after)}"),)
