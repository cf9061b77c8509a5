"""Reading attribute values the way Terraform writes them.

Terraform leaves values that are unknown at plan time out of `after` and marks them in
`after_unknown`; sensitive values stay in clear text and are marked in
`after_sensitive`. These helpers keep the three apart so a policy never reads
"unknown" as "missing".
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from .levels import holds_true

__all__ = [
    "UNKNOWN",
    "Kind",
    "Path",
    "WrongType",
    "is_unknown",
    "json_int",
    "lookup",
    "merge_unknown",
    "normalise_path",
    "typed_lookup",
]

Path = tuple[str | int, ...]


class _Unknown:
    """The one value that stands for "known only after apply"."""

    __slots__ = ()
    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        # Truthiness of an unknown value is a bug in the caller; fail loudly in tests.
        raise TypeError("UNKNOWN has no truth value; test `is UNKNOWN` first")

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def is_unknown(value: object) -> bool:
    return value is UNKNOWN


def normalise_path(path: str | Path) -> Path:
    """Accept `"a.b.0"` for convenience; attribute names never contain dots."""
    if isinstance(path, tuple):
        return path
    if isinstance(path, list):
        return tuple(path)
    return _split_path(path)


@lru_cache(maxsize=4096)
def _split_path(path: str) -> Path:
    """Paths written as text are a few dozen constants in policy code, read for every
    resource: split each once."""
    return tuple(int(part) if part.isdigit() else part for part in path.split("."))


def _step(node: Any, key: str | int) -> Any:
    if isinstance(key, int):
        if isinstance(node, list) and -len(node) <= key < len(node):
            return node[key]
        return None
    if isinstance(node, dict):
        return node.get(key)
    return None


def lookup(value: Any, unknown: Any, path: Path) -> Any:
    """Value at `path`, with unknown parts replaced by UNKNOWN.

    `unknown` is the matching `after_unknown` subtree: `True`, a nested dict/list with
    boolean leaves, or absent/False.
    """
    for key in path:
        if unknown is True:
            return UNKNOWN
        if type(key) is str:  # the common step, inlined: policies read tens of thousands
            value = value.get(key) if isinstance(value, dict) else None
            unknown = unknown.get(key) if isinstance(unknown, dict) else None
        else:
            value = _step(value, key)
            unknown = _step(unknown, key)
    return merge_unknown(value, unknown)


class Kind:
    """A JSON type Terraform writes for an attribute: what a typed reader accepts."""

    __slots__ = ("accepts", "name")

    def __init__(self, name: str, *accepts: type) -> None:
        self.name = name
        self.accepts = accepts

    def __repr__(self) -> str:
        return self.name


BOOLEAN = Kind("a boolean", bool)
NUMBER = Kind("a number", int, float)  # `type(True) is bool`: a boolean is no number here
TEXT = Kind("a string", str)
ARRAY = Kind("an array", list)
_OBJECT = Kind("an object", dict)


class WrongType(Exception):
    """The value at `path[:depth]` is not of the JSON type `expected`."""

    def __init__(self, path: Path, depth: int, found: Any, expected: Kind) -> None:
        super().__init__(f"{path[:depth]} is {json_type(found)}, not {expected.name}")
        self.where = path[:depth]
        self.found = json_type(found)
        self.expected = expected.name


def json_type(value: Any) -> str:
    """How a parsed JSON value's type reads in a message."""
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), "null" if value is None else "a value")


def typed_lookup(value: Any, unknown: Any, path: Path, kind: Kind) -> Any:
    """`lookup` that also checks JSON types: every step's container (an object for a
    name, an array for an index) and the value itself, which is `kind`, null (absent) or
    UNKNOWN. Anything else raises `WrongType`: a reader that skipped it would read a
    hand-edited `"true"` as "not true" and pass the plan."""
    for depth, key in enumerate(path):
        if unknown is True:
            return UNKNOWN
        if value is None:
            return merge_unknown(None, _marker_at(unknown, path[depth:]))
        if type(key) is int:
            if type(value) is not list:
                raise WrongType(path, depth, value, ARRAY)
            value = value[key] if -len(value) <= key < len(value) else None
            unknown = _step(unknown, key)
        else:
            if type(value) is not dict:
                raise WrongType(path, depth, value, _OBJECT)
            value = value.get(key)
            unknown = unknown.get(key) if isinstance(unknown, dict) else None
    if unknown is True:
        return UNKNOWN
    if value is None or type(value) in kind.accepts:
        return value
    raise WrongType(path, len(path), value, kind)


def _marker_at(unknown: Any, path: Path) -> Any:
    for key in path:
        if unknown is True:
            return True
        unknown = _step(unknown, key)
    return unknown


def merge_unknown(value: Any, unknown: Any) -> Any:
    """Overlay an `after_unknown` subtree on a value; copies only where something is unknown."""
    if unknown is True:
        return UNKNOWN
    if not unknown or not has_true(unknown):
        return value
    if isinstance(unknown, dict):
        merged = dict(value) if isinstance(value, dict) else {}
        for key, marker in unknown.items():
            merged[key] = merge_unknown(merged.get(key), marker)
        return merged
    if isinstance(unknown, list):
        items = list(value) if isinstance(value, list) else []
        size = max(len(items), len(unknown))
        items.extend([None] * (size - len(items)))
        markers = [*unknown, *[False] * (size - len(unknown))]
        return [merge_unknown(item, marker) for item, marker in zip(items, markers, strict=True)]
    return value


def has_true(marker: Any) -> bool:
    if marker is True:
        return True
    if isinstance(marker, dict):
        return any(has_true(m) for m in marker.values())
    if isinstance(marker, list):
        return any(has_true(m) for m in marker)
    return False


def marked(marker: Any, path: Path) -> bool:
    """Whether a sensitivity/unknown marker covers `path` (a whole-object `True` covers all)."""
    node = marker
    for key in path:
        if node is True:
            return True
        node = _step(node, key)
    return has_true(node)


def marked_leaves(value: Any, marker: Any) -> Iterator[Any]:
    """Scalar values under every `True` leaf of a marker (sensitive strings, for redaction)."""
    found: list[Any] = []
    collect_marked(value, marker, found)
    return iter(found)


def collect_marked(value: Any, marker: Any, into: list[Any]) -> None:
    """`marked_leaves`, appended to a list. Redaction runs this over every resource of the
    plan, so a marker is first asked in C whether it holds `True` at all (most are `{}`
    or hold only false), and the walk recurses only into markers that hold something
    and builds no generator per level."""
    if marker is True:
        _collect_scalars(value, into)
    elif marker and holds_true(marker):
        _collect_marked(value, marker, into)


def _collect_marked(value: Any, marker: Any, into: list[Any]) -> None:
    if marker is True:
        _collect_scalars(value, into)
    elif isinstance(marker, dict) and isinstance(value, dict):
        for key, sub in marker.items():
            if sub:
                _collect_marked(value.get(key), sub, into)
    elif isinstance(marker, list) and isinstance(value, list):
        for item, sub in zip(value, marker, strict=False):
            if sub:
                _collect_marked(item, sub, into)


def _collect_scalars(value: Any, into: list[Any]) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _collect_scalars(item, into)
    elif isinstance(value, list):
        for item in value:
            _collect_scalars(item, into)
    elif value is not None:
        into.append(value)


def json_int(text: str) -> int | float:
    """An integer as JSON writes it (`json.loads(..., parse_int=json_int)`): exact up to
    the number of digits Python converts (4,300 by default), a float past it.

    Terraform's numbers and Go's JSON, which the AWS provider checks policy documents
    with, take integers of any length; Python's json raises ValueError on them, so a plan
    holding one was an internal error and a policy document holding one read as no
    policy at all. No attribute a policy decides on holds such a number (ports, counts),
    and a float keeps the conversion linear where the int's is quadratic."""
    limit = sys.get_int_max_str_digits()
    if limit and len(text) - text.startswith("-") > limit:
        return float(text)
    return int(text)
