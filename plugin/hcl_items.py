"""Blocks and attributes of an HCL body, found in what `plangate.hcl_scan` leaves.

HCL is line-oriented: each attribute (`name = value`) and each block (`type "label" {`)
of a body starts on a line of its own (a one-line block holds one attribute after its
`{`), and a block's `{` is on its header's line. In the scan's `code` (comments, strings
and heredocs blanked) an item is therefore the first word of a line at the body's
bracket depth; a heredoc's lines are blank there, and a line inside a bracket is
deeper, so neither is mistaken for an item. Labels and quoted object keys are read from
`text`, where strings are intact.

Each body is read once, line by line, and each block's end is found with one search of
the depth array from its `{`: items at one depth never overlap, so reading a body costs
its length, whatever the file holds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from .hcl_scan import Scan

__all__ = ["Item", "body_items", "object_item", "top_level_blocks", "tuple_element"]

# The first character of each line that holds something (possessive: blanks are read once).
_LINE_START = re.compile(r"(?m)^[ \t]*+(?=\S)")
_BLANKS = re.compile(r"[ \t]*+")
_SPACE = re.compile(r"\s*+")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*+")
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*+"')
_FOR = re.compile(r"for\b")
# An item's first line in `code`: a name, then `=` (an attribute), or labels (blank there
# when quoted) and `{` (a block). Possessive: each character is read once.
_HEADER = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*+)[ \t]*+(?:(=)(?!=)|[^\n={}]*+(\{))")
# Labels a block may have before its `{`: Terraform's have two at most.
_MAX_LABELS = 8


@dataclass(frozen=True, slots=True)
class Item:
    """An attribute or a block, as offsets into the scanned text.

    `start`/`end` span the whole item (an attribute to the end of its value, a block to
    its `}`); `inner_start`/`inner_end` span its value, or the body between its braces.
    `labels` is None for an attribute.
    """

    name: str
    labels: tuple[str, ...] | None
    start: int
    end: int
    inner_start: int
    inner_end: int

    @property
    def is_block(self) -> bool:
        return self.labels is not None


def _line_starts(scan: Scan, start: int, end: int) -> list[int]:
    """Where something starts on each line of `start:end` at the depth before `start`,
    the rest of `start`'s own line included (a one-line block's attribute). A line that
    starts with a quoted string seems to start after it here, where `code` has it blank:
    an item before it ends at the line's start (`Scan.line_start`), not there."""
    code, depth = scan.code, scan.depth
    level = scan.depth_before(start)
    first = _BLANKS.match(code, start, end).end()  # type: ignore[union-attr]
    found = [first] if first < end and code[first] not in "\r\n" else []
    lines = _LINE_START.finditer(code, first + 1 if found else start, end)
    found += [at for match in lines if depth[(at := match.end()) - 1] == level]
    return found


def _label(text: str, at: int) -> tuple[str, int] | None:
    """A label or object key at `at` (a quoted string or a bare name) and where it ends."""
    quoted = _QUOTED.match(text, at)
    if quoted:
        try:
            return json.loads(quoted.group()), quoted.end()
        except ValueError:  # an HCL escape JSON lacks: keep the text as written
            return quoted.group()[1:-1], quoted.end()
    name = _NAME.match(text, at)
    return (name.group(), name.end()) if name else None


def _labels(text: str, position: int, brace: int) -> tuple[str, ...] | None:
    """The labels between a block's type and its `{`, or None when something else is
    there."""
    labels: list[str] = []
    while len(labels) <= _MAX_LABELS:
        position = _BLANKS.match(text, position, brace).end()  # type: ignore[union-attr]
        if position == brace:
            return tuple(labels)
        label = _label(text, position)
        if label is None or label[1] > brace:
            return None
        labels.append(label[0])
        position = label[1]
    return None


def _value_end(scan: Scan, start: int, stop: int) -> int:
    """Where a value that runs to `stop` at the latest really ends: its last character
    in `text`, which still holds strings and heredocs (so a heredoc ends at its marker)."""
    return start + len(scan.text[start:stop].rstrip())


def _item(scan: Scan, at: int, stop: int, header: re.Match[str] | None) -> Item | None:
    """The item whose first line `header` matched at `at`, if it is one."""
    if header is None:
        return None
    if header.group(2):
        value = header.end()
        value_end = _value_end(scan, value, stop)
        return Item(header.group(1), None, at, value_end, value, value_end)
    brace = header.start(3)
    labels = _labels(scan.text, header.end(1), brace)
    if labels is None:
        return None
    close = scan.closing(brace)
    return Item(header.group(1), labels, at, close + 1, brace + 1, close)


def body_items(scan: Scan, start: int = 0, end: int | None = None) -> list[Item]:
    """The attributes and blocks of the body between `start` and `end`, in order.

    A line at the body's depth that is neither (invalid, or an expression left over
    from a broken file) ends the item before it and is skipped.
    """
    end = len(scan.code) if end is None else end
    starts = _line_starts(scan, start, end)
    stops = [*map(scan.line_start, starts[1:]), end]
    found = (
        _item(scan, at, stop, _HEADER.match(scan.code, at, stop))
        for at, stop in zip(starts, stops, strict=False)
    )
    return [item for item in found if item is not None]


def top_level_blocks(scan: Scan, names: tuple[str, ...]) -> list[Item]:
    """The blocks of the file's top level whose type is one of `names` (what declares
    resources, modules or locals), found without reading any other line."""
    pattern = _named_line(names)
    depth, code = scan.depth, scan.code
    found = []
    for match in pattern.finditer(code):
        at = match.start(1)
        if at == 0 or depth[at - 1] == 0:
            item = _item(scan, at, len(code), _HEADER.match(code, at))
            if item is not None and item.is_block:
                found.append(item)
    return found


@lru_cache(maxsize=8)
def _named_line(names: tuple[str, ...]) -> re.Pattern[str]:
    words = "|".join(re.escape(name) for name in names)
    return re.compile(rf"(?m)^[ \t]*+((?:{words})(?![\w-]))")


def object_item(scan: Scan, value: Item, key: str) -> Item | None:
    """The first `key = value` (or `key: value`) item named `key` in an attribute whose
    value is an object written out, one item a line; None when there is none or the
    object is written another way (a call, a `for`)."""
    text, code = scan.text, scan.code
    open_at = _SPACE.match(code, value.inner_start, value.inner_end).end()  # type: ignore[union-attr]
    if open_at >= value.inner_end or not code.startswith("{", open_at):
        return None
    close = min(scan.closing(open_at), value.inner_end)
    if _FOR.match(text, _SPACE.match(text, open_at + 1, close).end()):  # type: ignore[union-attr]
        return None
    starts = _line_starts(scan, open_at + 1, close)
    stops = [*map(scan.line_start, starts[1:]), close]
    for at, stop in zip(starts, stops, strict=False):
        # A quoted key is blank in `code`, where the line seems to start at its `=`: the
        # key is the first thing on the line in `text`.
        line_start = max(text.rfind("\n", 0, at) + 1, open_at + 1)
        key_at = _BLANKS.match(text, line_start, at + 1).end()  # type: ignore[union-attr]
        if text.startswith('"', key_at):
            if text.find("\\", key_at, at) < 0 and not text.startswith(f'"{key}"', key_at):
                continue  # read a quoted key only when it may be this one
        elif not text.startswith(key, key_at):
            continue
        found = _label(text, key_at)
        if found is None or found[0] != key:
            continue
        after = _BLANKS.match(code, found[1], stop).end()  # type: ignore[union-attr]
        if code.startswith(("=", ":"), after) and not code.startswith("==", after):
            value_end = _value_end(scan, after + 1, stop)
            return Item(key, None, key_at, value_end, after + 1, value_end)
    return None


def tuple_element(scan: Scan, value: Item, index: int) -> Item | None:
    """Element `index` of an attribute whose value is a tuple written out (`[a, b]`),
    or None (another expression, a `for`, too few elements)."""
    code = scan.code
    open_at = _SPACE.match(code, value.inner_start, value.inner_end).end()  # type: ignore[union-attr]
    if open_at >= value.inner_end or not code.startswith("[", open_at) or index < 0:
        return None
    close = min(scan.closing(open_at), value.inner_end)
    first = _SPACE.match(scan.text, open_at + 1, close).end()  # type: ignore[union-attr]
    if _FOR.match(scan.text, first):
        return None
    depth = scan.depth[open_at]
    start, position = open_at + 1, open_at + 1
    for _ in range(index):
        while True:  # the next comma at the tuple's own depth
            position = code.find(",", position, close)
            if position < 0:
                return None
            position += 1
            if scan.depth_before(position - 1) == depth:
                break
        start = position
    comma = position
    while (comma := code.find(",", comma, close)) >= 0 and scan.depth_before(comma) != depth:
        comma += 1
    stop = close if comma < 0 else comma
    start = _SPACE.match(scan.text, start, stop).end()  # type: ignore[union-attr]
    if start >= stop:
        return None
    element_end = _value_end(scan, start, stop)
    return Item(str(index), None, start, element_end, start, element_end)
