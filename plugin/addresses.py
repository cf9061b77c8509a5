"""Terraform addresses, parsed without ever splitting on `.`.

for_each keys may hold dots, slashes, colons and quotes (`this["arn:aws:iam::aws:policy/X"]`),
so addresses are tokenised: a name, then an optional `[index]` whose string keys are
JSON-quoted.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import NamedTuple

__all__ = ["ModuleStep", "format_index", "module_path", "parse_module_address", "parse_traversal"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_INT = re.compile(r"-?[0-9]+")
_DECODER = json.JSONDecoder()


class ModuleStep(NamedTuple):
    """One `module.NAME[KEY]` step of an address, its key as Terraform writes it. A
    tuple, so hashing one (every key of the instance index and of the resolver's memo
    holds a module path) stays in C."""

    name: str
    key: str | int | None = None

    def __str__(self) -> str:
        return f"module.{self.name}{format_index(self.key)}"


def format_index(key: str | int | None) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return "[" + json.dumps(key) + "]"


def _read_index(text: str, pos: int) -> tuple[str | int, int]:
    """Read `[...]` starting at `pos` (which holds `[`); return key and position after `]`."""
    pos += 1
    if text.startswith('"', pos):
        key, end = _DECODER.raw_decode(text, pos)
        if not text.startswith("]", end):
            raise ValueError(f"malformed index in {text!r}")
        return key, end + 1
    match = _INT.match(text, pos)
    if not match or not text.startswith("]", match.end()):
        raise ValueError(f"malformed index in {text!r}")
    return int(match.group()), match.end() + 1


def parse_traversal(text: str) -> list[tuple[str, str | int | None]]:
    """Split `a.b["k.x"].c[0]` into `[("a", None), ("b", "k.x"), ("c", 0)]`."""
    steps: list[tuple[str, str | int | None]] = []
    pos = 0
    while pos < len(text):
        match = _NAME.match(text, pos)
        if not match:
            raise ValueError(f"malformed address {text!r}")
        name, pos = match.group(), match.end()
        key: str | int | None = None
        if text.startswith("[", pos):
            key, pos = _read_index(text, pos)
        steps.append((name, key))
        if pos < len(text):
            if text[pos] == "[":
                # a second index (e.g. attr[0][1]) — keep the first, skip the rest
                while pos < len(text) and text[pos] == "[":
                    _, pos = _read_index(text, pos)
                if pos >= len(text):
                    break
            if text[pos] != ".":
                raise ValueError(f"malformed address {text!r}")
            pos += 1
    return steps


@lru_cache(maxsize=65536)  # many resources share a module instance
def parse_module_address(text: str | None) -> tuple[ModuleStep, ...]:
    """`module.a["x.y"].module.b` → (ModuleStep("a", "x.y"), ModuleStep("b"))."""
    if not text:
        return ()
    steps = parse_traversal(text)
    if len(steps) % 2:
        raise ValueError(f"malformed module address {text!r}")
    result = []
    for (keyword, _), (name, key) in zip(steps[::2], steps[1::2], strict=True):
        if keyword != "module":
            raise ValueError(f"malformed module address {text!r}")
        result.append(ModuleStep(name, key))
    return tuple(result)


@lru_cache(maxsize=65536)  # asked for every resource: a few hundred module instances
def module_path(steps: tuple[ModuleStep, ...]) -> tuple[str, ...]:
    """The configuration path of a module instance: names only, indexes dropped."""
    return tuple([step.name for step in steps])
