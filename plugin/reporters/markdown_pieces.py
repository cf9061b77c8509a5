"""The pieces of the markdown comment (`markdown.py` fits them into GitHub's limit): a
value from the report cut to a length and escaped, a summary list, and a finding's table
row, details item and drawn path. Every piece is escaped as it is built, so the fitting
only ever counts and drops whole pieces."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from .escaping import markdown_code as _code
from .escaping import markdown_text as _text
from .mermaid import fenced, flowchart
from .shared import (
    HARD,
    change_notes,
    let_through_note,
    newness_note,
    possible_note,
    source_point,
    waiver_note,
)

__all__ = ["MAX_LISTED", "code", "diagram", "item", "listed", "row", "size", "text"]

MAX_LISTED = 5  # plans and config files named in the summary lines


def size(text: str) -> int:
    """Length as GitHub counts it, or more: UTF-16 code units (a character outside the
    Basic Multilingual Plane, such as an emoji, counts twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def bounded(escape: Callable[[str], str], value: Any, limit: int) -> str:
    """`escape(value)` in at most `limit` characters. A longer value is cut before it is
    escaped (never inside an escape or a code span) and says how long it was. Only a
    prefix of at most `limit` characters is ever escaped, so the work is linear in `limit`
    whatever the value's length."""
    text = "" if value is None else str(value)
    if len(text) <= limit:
        whole = escape(text)
        if len(whole) <= limit:
            return whole
    rest = _text(f" ({len(text):,} characters in all)")
    room = limit - len(rest)
    low, high = 0, min(len(text), room)
    while low < high:  # the longest prefix whose escape fits
        mid = (low + high + 1) // 2
        if len(escape(text[:mid] + "…")) <= room:
            low = mid
        else:
            high = mid - 1
    cut = escape(text[:low] + "…")
    return (cut if len(cut) <= room else escape("…")) + rest


def text(value: Any, limit: int = 300) -> str:
    """Markdown text, inert, in at most `limit` characters."""
    return bounded(_text, value, limit)


def code(value: Any, limit: int = 400, in_table: bool = False) -> str:
    """A code span, inert, in at most `limit` characters."""
    return bounded(lambda v: _code(v, in_table), value, limit)


def listed(values: Sequence[str]) -> str:
    """The first few values, and how many more there are."""
    shown = ", ".join(values[:MAX_LISTED])
    more = len(values) - MAX_LISTED
    return shown + (f" and {more:,} more" if more > 0 else "")


_LINK_CHARS = 2_000  # of a link's target; a longer path is named, not linked


def source(f: dict[str, Any]) -> str:
    """` at [path:line](path#Lline)`: where the finding is written, linked relative to
    the repository (as GitHub and GitLab resolve links in the repository's files and job
    summaries), or nothing when its source is not known. The target is percent-encoded,
    so no character of a path can end the link or add markup."""
    point = source_point(f)
    if point is None:
        return ""
    target = f"{quote(point.path, safe='/', errors='backslashreplace')}#L{point.line}"
    shown = text(point.text, 300)
    return f" at [{shown}]({target})" if len(target) <= _LINK_CHARS else f" at {shown}"


def row(f: dict[str, Any], waived: bool) -> str:
    """A finding's line in its outcome's table (its address linked to the `.tf` line that
    writes it, when known); the waived table says what let it through."""
    cells = [
        text(f["severity"], 40),
        text(f["policy_id"], 100),
        code(f["address"], in_table=True) + source(f),
        text(f["message"], 2_000),
    ]
    if waived:
        cells.append(text(_excepted_by(f), 600))
    return "| " + " | ".join(cells) + " |"


def _excepted_by(f: dict[str, Any]) -> str:
    """What let a finding of the waived table through: its waiver, or an override, in
    the words every format uses."""
    return (waiver_note(f) if f.get("waived") else let_through_note(f)) or ""


_PATH_CHARS = 3_000  # of the path as text, in a finding's details


def _path_text(chain: Sequence[Any]) -> str:
    """Each hop a code span, so no address in the path can be read as markup."""
    hops: list[str] = []
    used = 0
    for hop in chain:
        span = code(hop, 300)
        if used + len(span) > _PATH_CHARS:
            hops.append(_text(f"and {len(chain) - len(hops):,} more hops"))
            break
        hops.append(span)
        used += len(span) + 8
    return " &rarr; ".join(hops)


def item(f: dict[str, Any]) -> str:
    """A finding's entry under Details: what the table row has no room for."""
    policy_id = text(f["policy_id"], 100)
    facts = [
        f"**{policy_id}** {text(f['title'])}" if f.get("title") else f"**{policy_id}**",
        f"on {code(f['address'])}{source(f)}",
    ]
    if f.get("attribute"):
        facts.append(f"attribute {code(f['attribute'], 300)}")
    excepted = f.get("waived") or f.get("let_through") == "override"
    facts += [
        text(note, 700)
        for note in (
            HARD if f.get("blocking") and f.get("enforcement") == HARD else None,
            possible_note(f),
            newness_note(f),
            # The waived table says what let it through.
            None if excepted else waiver_note(f),
            None if excepted else let_through_note(f),
        )
        if note
    ]
    item = "- " + "; ".join(facts)
    if f.get("chain"):
        item += "\n  - path: " + _path_text(f["chain"])
    notes = change_notes(f)
    item += "".join(f"\n  - {text(note, 400)}" for note in notes[:10])
    if len(notes) > 10:
        item += f"\n  - and {len(notes) - 10:,} more changes"
    return item


def diagram(f: dict[str, Any]) -> str | None:
    """A finding's path as a fenced Mermaid flowchart; None when it has no path."""
    source = flowchart(f)
    if source is None:
        return None
    return f"**{text(f['policy_id'], 100)}** on {code(f['address'])}:\n\n{fenced(source)}"
