"""What a plan withholds from every output, collected (the redactor's input): sensitive
scalars, values under credential-like names (in maps, `name`/`value` entries and the
JSON documents of configuration attributes), the strings inside sensitive JSON
documents, and the forms each takes once escaped. `redaction` says why each is withheld.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import compress, filterfalse, repeat
from operator import is_
from typing import Any

from .levels import below
from .model import Resource, ResourceChange, looks_secret
from .values import json_int

__all__ = [
    "clear_strings",
    "credential_values",
    "document_strings",
    "escaped_forms",
    "json_form",
    "jsonencode_form",
    "sides",
    "strings_of",
]

# JSON inside JSON inside JSON...: deeper than this is not a configuration anyone writes.
_MAX_DEPTH = 32
# Attribute names whose JSON strings may hold environment entries or settings (container
# definitions, job properties, configuration documents); other JSON strings (policy
# documents, the most common) are not parsed for credential names.
_DOCUMENT_PARTS = ("container", "definition", "environment", "properties", "variables", "config")
_NAME_KEYS = ("name", "Name", "key", "Key")
_VALUE_KEYS = ("value", "Value")


# -- escaped forms ----------------------------------------------------------------------


def json_form(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _json_ascii(text: str) -> str:
    return json.dumps(text)[1:-1]


_GO_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def jsonencode_form(text: str) -> str:
    """As Terraform's `jsonencode` writes it (Go's encoder: HTML-safe, `\\u00XX` for the
    other control characters)."""
    return "".join(
        _GO_ESCAPES.get(char) or (f"\\u{ord(char):04x}" if char < " " else char) for char in text
    )


def _repr(text: str) -> str:
    return repr(text)[1:-1]


_ESCAPES = (json_form, _json_ascii, jsonencode_form, _repr)


def escaped_forms(text: str) -> set[str]:
    """The string and how it reads once escaped, once or twice (a document in a document)."""
    once = {text, *(escape(text) for escape in _ESCAPES)}
    twice = {escape(form) for form in once for escape in _ESCAPES}
    return once | twice


# -- collecting --------------------------------------------------------------------------


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _looks_json(text: str) -> bool:
    head = text[:64].lstrip()
    return head.startswith(("{", "[")) and len(text) > 1


def _parse(text: str) -> Any:
    try:
        return json.loads(text, parse_int=json_int)
    except (ValueError, RecursionError):
        return None


# Per name: whether it looks like a credential, whether its JSON strings are parsed.
# Names repeat (attribute names, environment keys): each is judged once per process.
_NAME_VERDICTS: dict[str, tuple[bool, bool]] = {}


def _verdict(name: str) -> tuple[bool, bool]:
    verdict = _NAME_VERDICTS.get(name)
    if verdict is None:
        if not isinstance(name, str):  # a key of a mapping built in Python, not JSON
            return False, False
        lowered = name.lower()
        verdict = _NAME_VERDICTS[name] = (
            looks_secret(name),
            any(part in lowered for part in _DOCUMENT_PARTS),
        )
    return verdict


def credential_values(objects: Iterable[Any], into: set[str]) -> bool:
    """Values under credential-like names anywhere in resources' objects: map entries
    (`{"DB_PASSWORD": …}`), `name`/`value` entries (container environments, settings,
    tag blocks), and the same inside JSON documents held by configuration attributes.
    True when a number stood where a value is collected (see `_read`).

    This visits every value of the plan (when a run has findings), so the objects are
    read together, one level of nesting at a time, and most of it in C: `levels.below`
    gives every value of every dict and every item of every list of a level at once,
    and the keys of the level's dicts are gathered into one set. A key is judged once per
    process (`_verdict`); a dict is read in Python only when it holds a key that is not
    innocent (a credential-like name, a document attribute's name, `value`/`Value`),
    and is read there exactly as any dict is: a dict of innocent keys yields nothing
    but the values below it, which the next level reads."""
    level: list[Any] = list(objects)
    numbers = False
    while level:
        dicts = list(compress(level, map(is_, map(type, level), repeat(dict))))
        documents: list[Any] = []
        special = _not_innocent(set().union(*dicts))
        if special:
            for node in filterfalse(special.isdisjoint, dicts):
                numbers = _read(node, special, into, documents) or numbers
        level = below(level)
        level.extend(documents)
    return numbers


# Keys judged neither credential-like nor a document attribute's name (and not
# `value`/`Value`). Like `_NAME_VERDICTS`, it grows with the distinct names a process sees.
_INNOCENT: set[str] = set()


def _not_innocent(keys: set[str]) -> set[str]:
    unsure = keys - _INNOCENT
    if not unsure:
        return unsure
    special = {key for key in unsure if key in _VALUE_KEYS or any(_verdict(key))}
    _INNOCENT.update(unsure - special)
    return special


def _read(node: dict[str, Any], special: set[str], into: set[str], documents: list[Any]) -> bool:
    """A dict holding some of the `special` keys, read as `credential_values` reads
    every dict but for the values below it: what it holds under credential-like names,
    and the JSON documents of its configuration attributes (read at the next level).
    Its other keys are innocent: their values yield nothing here. True when a number
    stood where a value is collected: an object equal to this one may hold it typed
    otherwise (`12345 == 12345.0`), and so write it otherwise. (A boolean is not
    collected, and the numbers equal to one, `1` and `1.0`, are too short to be.)"""
    numbers = False
    if "value" in node or "Value" in node:
        numbers = _name_value_entry(node, into)
    for key in special.intersection(node):
        item = node[key]
        kind = item.__class__
        if kind is str:
            credential, document = _verdict(key)
            if credential:
                into.add(item)
            elif document and _looks_json(item):
                documents.append(_parse(item))
        elif (kind is int or kind is float) and _verdict(key)[0]:
            numbers = True
            into.add(str(item))
    return numbers


def _name_value_entry(node: dict[str, Any], into: set[str]) -> bool:
    numbers = False
    for name_key in _NAME_KEYS:
        name = node.get(name_key)
        if isinstance(name, str) and looks_secret(name):
            for value_key in _VALUE_KEYS:
                value = node.get(value_key)
                if _is_scalar(value):
                    into.add(str(value))
                numbers = numbers or value.__class__ in (int, float)
    return numbers


def document_strings(text: str, into: set[str], depth: int = 0) -> None:
    """The string values inside a JSON document (and in documents nested in it)."""
    if depth > _MAX_DEPTH or not _looks_json(text):
        return
    stack: list[Any] = [_parse(text)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str):
            into.add(node)
            document_strings(node, into, depth + 1)


def strings_of(value: Any, marker: Any, into: set[str], *, keys: bool) -> None:
    """Every string and number in a value (inside JSON documents too); with `keys`, the
    keys of maps that are sensitive as a whole (Terraform hides those keys as well)."""
    stack: list[tuple[Any, Any]] = [(value, marker)]
    while stack:
        node, mark = stack.pop()
        whole = mark is True
        if isinstance(node, dict):
            for key, item in node.items():
                if keys and whole:
                    into.add(key)
                sub = True if whole else (mark.get(key) if isinstance(mark, dict) else None)
                stack.append((item, sub))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if whole:
                    stack.append((item, True))
                else:
                    fits = isinstance(mark, list) and i < len(mark)
                    stack.append((item, mark[i] if fits else None))
        elif isinstance(node, str):
            into.add(node)
            document_strings(node, into)
        elif _is_scalar(node):
            into.add(str(node))


def clear_strings(value: Any, marker: Any, into: set[str]) -> None:
    """The strings of a value that are outside every sensitive marker (what the plan's own
    output shows), inside JSON documents too."""
    stack: list[tuple[Any, Any]] = [(value, marker)]
    while stack:
        node, mark = stack.pop()
        if mark is True:
            continue
        if isinstance(node, dict):
            for key, item in node.items():
                stack.append((item, mark.get(key) if isinstance(mark, dict) else None))
        elif isinstance(node, list):
            for i, item in enumerate(node):
                fits = isinstance(mark, list) and i < len(mark)
                stack.append((item, mark[i] if fits else None))
        elif isinstance(node, str):
            into.add(node)
            document_strings(node, into)


def sides(resource: Resource) -> Iterator[tuple[Any, Any]]:
    """(value, sensitivity marker) of each side of a resource: after and before."""
    if isinstance(resource, ResourceChange):
        change = resource.change
        yield change.get("after"), change.get("after_sensitive")
        yield change.get("before"), change.get("before_sensitive")
    else:
        yield resource.raw.get("values"), resource.raw.get("sensitive_values")
