"""What changed in a finding's attribute, in words, for reviewers of an update.

deepdiff costs ~14 ms per small resource, so it runs only for findings (a handful per
plan) and only after a cheap equality check, never over the whole plan.
"""

from __future__ import annotations

import json
from typing import Any

from .model import ResourceChange
from .values import UNKNOWN, normalise_path

__all__ = ["describe_change"]

_MAX_LINES = 5


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def describe_change(change: ResourceChange, attribute: str | None) -> tuple[str, ...]:
    if attribute is None or change.before is None or change.after is None:
        return ()
    path = normalise_path(attribute)
    before, after = change.before_value(path), change.after_value(path)
    if before == after:
        return ()
    if change.is_sensitive(path):
        return (f"{attribute}: sensitive value changes",)
    if after is UNKNOWN:
        return (f"{attribute}: {_short(before)} -> (known after apply)",)
    from deepdiff import DeepDiff

    diff = DeepDiff(before, after, ignore_order=True, verbose_level=2)
    lines = [line.replace("root", attribute, 1) for line in diff.pretty().splitlines()]
    if len(lines) > _MAX_LINES:
        lines = [*lines[:_MAX_LINES], f"... and {len(lines) - _MAX_LINES} more changes"]
    return tuple(lines) or (f"{attribute}: {_short(before)} -> {_short(after)}",)
