"""Write a planned value the way Terraform does: what is unknown, what is sensitive.

For code that *writes* plans: the test kit (`plangate.testing`), the policy tests'
builders and the bench plan generator. plangate itself only reads these trees
(`values.py`). Stdlib only.

A planned value is plain JSON data in which `KnownAfterApply()` stands for a part known
only after apply. The rules are those of Terraform's serializer (`jsonplan`:
`unknownAsBool`, `omitUnknowns`; `jsonstate`: `SensitiveAsBool`), and
tests/engine/test_markers.py checks them against every plan in examples/plans and the
corpus:

- `after` leaves an unknown object member out, and writes an unknown list element as
  `null` (the position is how the markers line up).
- `after_unknown` is `{}` for a wholly known value. Otherwise an unknown part is `true`,
  a known scalar or null `false`; an object keeps only its members whose marker is not
  `false` (so a known object or list stays, as `{}` or a list), a list keeps one marker
  per element.
- `before_sensitive` / `after_sensitive` are `false` for a null value; a sensitive part
  is `true`; otherwise the same shape rule, except that an unknown list or object is
  `[]` / `{}` (nothing can be said about its members) and an unknown scalar `false`.

Paths are dotted strings (`"route.0.gateway_id"`) or sequences of steps; a step into a
list is its index.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "KnownAfterApply",
    "after_unknown",
    "omit_unknowns",
    "place_unknowns",
    "sensitive_markers",
]

Path = str | Sequence[str | int]


class KnownAfterApply:
    """A part of a planned value known only after apply. `kind` is what it will be
    (`list`, `dict`, or `object` for a scalar): Terraform marks an unknown list or
    object as `[]` / `{}` in `after_sensitive`, an unknown scalar as nothing."""

    __slots__ = ("kind",)

    def __init__(self, kind: type = object) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"KnownAfterApply({self.kind.__name__})"


def _steps(path: Path) -> list[str]:
    return path.split(".") if isinstance(path, str) else [str(step) for step in path]


def place_unknowns(value: Any, paths: Iterable[Path]) -> Any:
    """A copy of `value` with `KnownAfterApply` at each path. What the value held there
    says its kind (a list or an object is an unknown collection); a path through parts
    the value lacks creates them (an object, or a list up to the index, padded with
    nulls), as an unknown leaf implies known containers around it."""
    paths = list(paths)
    planned = copy.deepcopy(dict(value) if isinstance(value, Mapping) else value)
    if planned is None and paths:
        planned = {}
    for path in paths:
        steps = _steps(path)
        node = planned
        for step, following in itertools.pairwise(steps):
            node = _child(node, step, following)
        _set(node, steps[-1], lambda held: KnownAfterApply(object if held is None else type(held)))
    return planned


def _child(node: Any, step: str, following: str) -> Any:
    def make(held: Any) -> Any:
        if isinstance(held, (dict, list)):
            return held
        return [] if following.isdigit() else {}

    return _set(node, step, make)


def _set(node: Any, step: str, make: Any) -> Any:
    """Replace `node[step]` with `make(current)`; returns the new child."""
    if isinstance(node, list):
        index = int(step)
        node.extend([None] * (index + 1 - len(node)))
        node[index] = make(node[index] if isinstance(node[index], (dict, list)) else None)
        return node[index]
    held = node.get(step)
    node[step] = make(held if isinstance(held, (dict, list)) else None)
    return node[step]


def omit_unknowns(planned: Any) -> Any:
    """`after`: unknown object members left out, unknown list elements null."""
    if isinstance(planned, dict):
        return {
            key: omit_unknowns(item)
            for key, item in planned.items()
            if not isinstance(item, KnownAfterApply)
        }
    if isinstance(planned, list):
        return [
            None if isinstance(item, KnownAfterApply) else omit_unknowns(item) for item in planned
        ]
    if isinstance(planned, KnownAfterApply):
        return None
    return planned


def after_unknown(planned: Any) -> Any:
    """`after_unknown` of a planned value (`{}` when it is wholly known, or null)."""
    markers = _unknown_as_bool(planned)
    return markers if _holds_true(markers) else {}


def _unknown_as_bool(value: Any) -> Any:
    if isinstance(value, KnownAfterApply):
        return True
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            marker = _unknown_as_bool(item)
            if marker is not False:
                out[key] = marker
        return out
    if isinstance(value, list):
        return [_unknown_as_bool(item) for item in value]
    return False


def _holds_true(markers: Any) -> bool:
    if markers is True:
        return True
    if isinstance(markers, dict):
        return any(_holds_true(item) for item in markers.values())
    if isinstance(markers, list):
        return any(_holds_true(item) for item in markers)
    return False


def sensitive_markers(value: Any, paths: Iterable[Path] = ()) -> Any:
    """`before_sensitive` / `after_sensitive` of `value` with the parts at `paths`
    sensitive. A sensitive path the value lacks is marked as a sensitive null would be."""
    return _sensitive_as_bool(value, _path_tree(paths))


def _path_tree(paths: Iterable[Path]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in paths:
        steps = _steps(path)
        node = tree
        for step in steps[:-1]:
            child = node.setdefault(step, {})
            if child is True:
                break
            node = child
        else:
            node[steps[-1]] = True
    return tree


def _sensitive_as_bool(value: Any, marks: Any) -> Any:
    if marks is True:
        return True
    marks = marks or {}
    if isinstance(value, KnownAfterApply):
        return [] if value.kind is list else {} if value.kind is dict else False
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            marker = _sensitive_as_bool(item, marks.get(key))
            if marker is not False:
                out[key] = marker
        for key, mark in marks.items():
            if key not in value:
                out[key] = _marks_alone(mark)
        return out
    if isinstance(value, list):
        return [_sensitive_as_bool(item, marks.get(str(i))) for i, item in enumerate(value)]
    return False


def _marks_alone(mark: Any) -> Any:
    """Markers for paths into a part the value does not hold: index steps make lists."""
    if mark is True:
        return True
    if mark and all(step.isdigit() for step in mark):
        items: list[Any] = [False] * (max(int(step) for step in mark) + 1)
        for step, sub in mark.items():
            items[int(step)] = _marks_alone(sub)
        return items
    return {step: _marks_alone(sub) for step, sub in mark.items()}
