"""Wildcard patterns (`*` for any run of characters, `?` for any one) in linear time.

Both sides of a match come from people plangate must hold against: IAM actions and
resources from the plan, waiver patterns from a repository's config, addresses from the
plan. A pattern turned into a regular expression (`.*` per star) backtracks: sixteen
stars against a 60-character ARN ran for minutes. Here a pattern is split at its stars
into fixed-length pieces; the first piece must fit at the start of the text, the last at
its end, and each piece between is placed at its leftmost fit after the one before, which
is optimal (a later fit only leaves less room for the rest). A piece without `?` is found
with `str.find`; a piece with `?` with a regular expression of literals and `.` only,
which tries each position once and never backtracks. So a match costs O(text + pattern)
without `?`, and at most O(text x piece) with it.

Case-insensitive matching folds both sides the way Python's `re.IGNORECASE` compares
characters (each character to one canonical character), so the answers are those of the
regular expressions this replaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

__all__ = ["glob_match", "globs_meet"]


def glob_match(pattern: str, text: str, *, ignore_case: bool = False) -> bool:
    """Whether `text` matches `pattern` as a whole (`*` and `?` are the only wildcards)."""
    if ignore_case:
        pattern, text = _fold(pattern), _fold(text)
    return _compile(pattern).match(text)


def globs_meet(a: str, b: str) -> bool:
    """Whether some string matches both patterns (`*` and `?` are wildcards in either).

    Two patterns that both hold a star meet exactly when their leading pieces agree
    (where both have a character) and so do their trailing pieces: the string made of
    the longer leading piece, every middle piece of both, and the longer trailing piece
    matches both. A pattern without a star is a fixed-length text whose `?` fit
    anything; the other pattern is matched against it piece by piece.
    """
    first, second = _compile(a), _compile(b)
    if first.fixed and second.fixed:
        return len(a) == len(b) and _agree(a, b)
    if first.fixed or second.fixed:
        fixed, glob = (a, second) if first.fixed else (b, first)
        return glob.fits_template(fixed)
    return _agree(first.head.text, second.head.text) and _agree(
        first.tail.text[::-1], second.tail.text[::-1]
    )


def _agree(a: str, b: str) -> bool:
    """Whether two runs of characters and `?` agree over the length of the shorter."""
    return all(x == y or x == "?" or y == "?" for x, y in zip(a, b, strict=False))


# -- compiled patterns -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run of the pattern between stars: literal characters and `?`."""

    text: str
    literal: bool  # no `?`
    # (offset, run) for the runs of literal characters between `?`s.
    chunks: tuple[tuple[int, str], ...]

    @classmethod
    def of(cls, text: str) -> _Piece:
        chunks, offset = [], 0
        for chunk in text.split("?"):
            if chunk:
                chunks.append((offset, chunk))
            offset += len(chunk) + 1
        return cls(text, "?" not in text, tuple(chunks))

    def __len__(self) -> int:
        return len(self.text)

    def fits(self, text: str, at: int) -> bool:
        """Whether the piece matches `text` at `at` (the caller checked the length)."""
        return all(text.startswith(chunk, at + offset) for offset, chunk in self.chunks)

    def find(self, text: str, start: int, end: int) -> int:
        """The leftmost position in `text[start:end]` where the piece fits, or -1."""
        if self.literal:
            return text.find(self.text, start, end)
        found = _piece_pattern(self.text, False).search(text, start, end)
        return found.start() if found else -1

    def find_in_template(self, template: str, start: int, end: int) -> int:
        """As `find`, in a text whose `?` fit any character."""
        found = _piece_pattern(self.text, True).search(template, start, end)
        return found.start() if found else -1

    def fits_template(self, template: str, at: int) -> bool:
        return _agree(self.text, template[at : at + len(self.text)])


@dataclass(frozen=True, slots=True)
class _Glob:
    """A pattern split at its stars once, so matching it against many addresses
    compiles nothing."""

    head: _Piece
    middle: tuple[_Piece, ...]
    tail: _Piece
    fixed: bool  # no star: the whole pattern is `head`

    def match(self, text: str) -> bool:
        if self.fixed:
            return len(text) == len(self.head) and self.head.fits(text, 0)
        end = len(text) - len(self.tail)
        if end < len(self.head) or not self.head.fits(text, 0) or not self.tail.fits(text, end):
            return False
        position = len(self.head)
        for piece in self.middle:
            found = piece.find(text, position, end)
            if found < 0:
                return False
            position = found + len(piece)
        return True

    def fits_template(self, template: str) -> bool:
        """Whether this pattern matches some text of `template`'s length whose characters
        are the template's, except where it has `?` (which may be any)."""
        end = len(template) - len(self.tail)
        if (
            end < len(self.head)
            or not self.head.fits_template(template, 0)
            or not self.tail.fits_template(template, end)
        ):
            return False
        position = len(self.head)
        for piece in self.middle:
            found = piece.find_in_template(template, position, end)
            if found < 0:
                return False
            position = found + len(piece)
        return True


@lru_cache(maxsize=8192)
def _compile(pattern: str) -> _Glob:
    pieces = pattern.split("*")
    if len(pieces) == 1:
        return _Glob(_Piece.of(pattern), (), _Piece.of(""), True)
    middle = tuple(_Piece.of(p) for p in pieces[1:-1] if p)  # `**` is `*`
    return _Glob(_Piece.of(pieces[0]), middle, _Piece.of(pieces[-1]), False)


@lru_cache(maxsize=1024)
def _piece_pattern(piece: str, template: bool) -> re.Pattern[str]:
    """Literals and `.` only (a fixed-length expression: one try per position, no
    backtracking). Searching a template, a literal also fits a `?` in it."""
    parts = []
    for char in piece:
        if char == "?":
            parts.append(".")
        elif template:
            parts.append(f"(?:{re.escape(char)}|\\?)")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


# -- case folding ----------------------------------------------------------------------


def _fold(text: str) -> str:
    """Each character replaced by one canonical character of those `re.IGNORECASE` takes
    for equal: the upper case of its lower case (the long s, `s` and `S` are all `S`)."""
    if text.isascii():
        return text.upper()
    return "".join(map(_fold_char, text))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    # `re` lower-cases with the simple mapping; str.lower() differs only for U+0130,
    # whose full lower case starts with its simple one.
    lower = char.lower()[:1] or char
    upper = lower.upper()
    if len(upper) == 1:
        return upper
    # Upper case is several characters (`ß` is `SS`): characters whose lower cases share
    # it are equal to `re` too; the smallest of them stands for all.
    return _multiple_upper().get(upper, lower)


@cache
def _multiple_upper() -> dict[str, str]:
    """Upper cases of several characters → the smallest lower case that has it.

    Every such character is in the Basic Multilingual Plane (the last is U+FB17), so
    this looks at those 65,536 characters once, on first need.
    """
    found: dict[str, str] = {}
    for code in range(0x10000):
        lower = chr(code).lower()[:1] or chr(code)
        upper = lower.upper()
        if len(upper) > 1 and (upper not in found or lower < found[upper]):
            found[upper] = lower
    return found
