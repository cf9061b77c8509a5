"""Reading a plan's values one level of nesting at a time, for many objects at once.

Redaction reads every value of the plan (when a run has findings or errors); a Python
loop over each of them was most of its cost. `below` gives every value of every dict
and every item of every list of a level in one C call, `gc.get_referents`, which gives
the objects each one refers to through its `tp_traverse`: for a dict with string keys
(all a JSON object can have) its values, for a list its items, and for a string, a
number, a boolean or None nothing at all (they refer to no object). That is checked
once per process with objects of those kinds; where it does not hold (another
interpreter), the same is done in Python. Only plain dicts and lists are read (JSON
makes no other container), and a plan is a tree: no object is its own descendant, so
reading level by level ends.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from itertools import compress
from typing import Any

__all__ = ["below", "holds_true"]


def _below_in_python(level: list[Any]) -> list[Any]:
    found: list[Any] = []
    for node in level:
        if node.__class__ is dict:
            found.extend(node.values())
        elif node.__class__ is list:
            found.extend(node)
    return found


_CONTAINERS = frozenset({dict, list})


def _below_in_c(level: list[Any]) -> list[Any]:
    # Only plain dicts and lists are asked for their referents: an instance of a class
    # written in Python (a dict subclass handed to the API) also refers to its class,
    # and a class to its own method resolution order, so reading on would walk the
    # interpreter's modules and never end. The filter runs in C as well.
    return gc.get_referents(*compress(level, map(_CONTAINERS.__contains__, map(type, level))))


class _Mapping(dict[str, Any]):
    """A dict subclass, as a caller of the API may build: not read, in C as in Python."""


def _c_reads_as_python() -> bool:
    inner_list: list[Any] = []
    inner_dict: dict[str, Any] = {}
    text = "text"
    level = [
        {"k": inner_list, "v": text, "n": None},
        [inner_dict, 7, True],
        "s",
        3.5,
        None,
        _Mapping(k=inner_list),
        (inner_dict,),
    ]
    expected = _below_in_python(level)
    found = _below_in_c(level)
    return len(found) == len(expected) and {id(x) for x in found} == {id(x) for x in expected}


below: Callable[[list[Any]], list[Any]] = _below_in_c if _c_reads_as_python() else _below_in_python


def holds_true(marker: Any) -> bool:
    """Whether a sensitivity marker holds `True` anywhere (most hold only `{}`, `[]` and
    `false`: nothing of theirs is sensitive). It may say so of a marker holding `1`
    (`1 == True`), never miss one that holds `True`."""
    level = [marker]
    while level:
        if True in level:
            return True
        level = below(level)
    return False
