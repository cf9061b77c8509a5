"""What differs between two instances of one module, and what each instance puts there.

An entry of a real plan is kept as its JSON text, cut at three kinds of token:

- the module prefix of an address (`"module.app`), which becomes the instance's
  (`"module.service[\\"payments/api\\"].module.app`): addresses, `module_address` and
  `relevant_attributes` follow;
- the reference project's name (the value of its `name` variable, `reference`, from
  which every resource name, and so every ARN, is built), which becomes the instance's;
- what the provider assigned: the alphanumeric runs (8 characters or more, with a digit,
  not a word with a version such as `postgres16`) of the values that a first plan marks
  unknown (ids, the random parts of ARNs and DNS
  names), unless a value known at plan time holds them too (the account id). Each
  instance gets its own twin of each, same length and alphabet, from a hash: ids stay
  unique across instances and consistent within one (a security group's id is the same
  in the group, in its rules and in the database that uses it).

Rendering an instance is then a join of strings, whatever the size of the plan.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .examples import Example

__all__ = ["Cutter", "Template", "computed_tokens", "twin"]

_RUN = re.compile(r"[A-Za-z0-9]+")
_VERSIONED = re.compile(r"[A-Za-z]+[0-9]{1,3}")
_HEX = frozenset("0123456789abcdef")
_ALPHABETS = {
    "hex": "0123456789abcdef",
    "digit": "0123456789",
    "lower": "abcdefghijklmnopqrstuvwxyz",
    "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
}


@dataclass(frozen=True, slots=True)
class Template:
    """JSON text cut at tokens: literal, token, literal, ..., literal."""

    pieces: tuple[str, ...]

    def render(self, table: Mapping[str, str]) -> str:
        out = list(self.pieces)
        out[1::2] = [table[token] for token in self.pieces[1::2]]
        return "".join(out)


class Cutter:
    """Cuts entries at the module prefixes of `modules`, at `name`, and at `tokens`."""

    def __init__(self, modules: Iterable[str], name: str, tokens: Iterable[str]) -> None:
        modules = sorted(modules)
        tokens = sorted(tokens, key=lambda t: (-len(t), t))  # the longest run first
        parts = [
            '"module\\.(?:' + "|".join(map(re.escape, modules)) + ')(?=[."])',
            "(?<![A-Za-z0-9])" + re.escape(name) + "(?![A-Za-z0-9_])",
        ]
        if tokens:
            alternatives = "|".join(map(re.escape, tokens))
            parts.append(f"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])")
        self.modules = tuple(modules)
        self.name = name
        self.tokens = tuple(tokens)
        self._pattern = re.compile("(" + "|".join(parts) + ")")

    def cut(self, entry: Any) -> Template:
        return Template(tuple(self._pattern.split(json.dumps(entry, separators=(",", ":")))))

    def table(self, call: str, key: str, name: str, salt: str) -> dict[str, str]:
        """What one instance of module call `call` (its for_each `key`) puts at each token."""
        table = {
            f'"module.{module}': json.dumps(f"module.{call}[{json.dumps(key)}].module.{module}")[
                :-1
            ]
            for module in self.modules
        }
        table[self.name] = name
        table.update((token, twin(token, salt)) for token in self.tokens)
        return table


def twin(token: str, salt: str) -> str:
    """A token of the same length and alphabet, derived from `token` and `salt`."""
    digest = hashlib.shake_256(f"{salt}\0{token}".encode()).digest(len(token))
    hexadecimal = set(token) <= _HEX and not token.isdigit()
    out = []
    for char, byte in zip(token, digest, strict=True):
        if hexadecimal:
            alphabet = _ALPHABETS["hex"]
        elif char.isdigit():
            alphabet = _ALPHABETS["digit"]
        else:
            alphabet = _ALPHABETS["lower" if char.islower() else "upper"]
        out.append(alphabet[byte % len(alphabet)])
    return "".join(out)


def computed_tokens(first: Example, applied: Iterable[Example], modules: Iterable[str]) -> set[str]:
    """The provider-assigned runs of the `applied` plans' objects in `modules`: those of
    the values `first` (a first plan of the same configuration) marks unknown."""
    unknown = {
        rc["address"]: rc["change"]["after_unknown"] for rc in first.plan["resource_changes"]
    }
    known = set(_runs([rc["change"]["after"] for rc in first.plan["resource_changes"]]))
    known.update(_runs(first.variables))
    found: set[str] = set()
    for example in applied:
        for module in modules:
            for rc in example.unit(module).changes:
                for path in _marked(unknown.get(rc["address"], {})):
                    for side in ("before", "after"):
                        found.update(_runs(_at(rc["change"][side], path)))
    return {t for t in found - known if _random_looking(t)}


def _random_looking(run: str) -> bool:
    """Long enough, with a digit, and not a word with a version (`postgres16`)."""
    return len(run) >= 8 and any(c.isdigit() for c in run) and not _VERSIONED.fullmatch(run)


def _runs(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield from _RUN.findall(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _runs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _runs(item)


def _marked(markers: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if markers is True:
        yield prefix
    elif isinstance(markers, dict):
        for key, sub in markers.items():
            yield from _marked(sub, (*prefix, key))
    elif isinstance(markers, list):
        for index, sub in enumerate(markers):
            yield from _marked(sub, (*prefix, index))


def _at(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return None
    return value
