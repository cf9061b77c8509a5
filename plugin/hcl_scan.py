"""HCL text as plangate reads it: a module folder's `.tf` files, read under caps, and
one linear pass over each that tells code from comments, strings and heredocs.

Everything here comes from the pull request's author. So only regular files are read,
at most `MAX_FILE_BYTES` each and, in name order, `MAX_FILES` files or `MAX_FOLDER_BYTES`
per folder, and the pass reads each character once: comments, quoted strings with their
escapes, heredocs and `${ }` / `%{ }` interpolations are recognised in one go, and every
later step (blocks and attributes in `plangate.hcl_items`, local values in
`plangate.hcl_locals`) works from what the pass leaves, with no expression that
backtracks over the text. A hostile file of the largest size scans in about 0.2 s.

Why not a real parser (measured on this machine, 2 cores, Python 3.11): the
`tree-sitter` 0.26.1 + `tree-sitter-hcl` 1.2.0 wheels parse the reference project's 19
files (33 KB) in 8.2 ms and import in 12 ms, against 5.4 ms for this pass; but on files
of the largest size their error recovery takes 3.3 s for a run of quotes and 3.9 s for
a run of `${{`, 0.2-0.7 s for most other hostile shapes, and a parse cannot be cut short
without a read callback that costs a second on a file of blank lines. `python-hcl2`
8.1.4 takes 94-220 ms for the 19 files, 85 ms to import, up to 11.9 s on a hostile
file, and rejects a whole file at its first error. This pass takes at most 0.19 s on
every shape tried, and finding a block and an attribute in what it leaves at most 0.4 s
(tests/engine/test_hcl_locals.py and test_sources.py list the shapes).
"""

from __future__ import annotations

import os
import re
import stat
from array import array
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import sub
from pathlib import Path

__all__ = [
    "MAX_FILES",
    "MAX_FILE_BYTES",
    "MAX_FOLDER_BYTES",
    "Scan",
    "read_folder",
    "read_text",
    "scan",
]

MAX_FILE_BYTES = 512 * 1024
MAX_FILES = 256
MAX_FOLDER_BYTES = 4 * 1024 * 1024

# What happens in code, one token each: a whole string without interpolation (one way
# to read each of its characters, so a string of another kind fails in linear time), the
# start of any other string, a line comment (whole), the start of a block comment or of
# a heredoc; in the code of an interpolation also runs of braces, to find its end.
# Characters of a string that are neither its end nor an interpolation: `$${` and `%%{`
# are literal. Each character can be read only one way, so nothing backtracks.
_STRING_CHARS = r'(?:[^"\\\n$%]|\\.|\$\$\{|%%\{|\$(?!\{)|%(?!\{))*'
_CODE_TOKENS = (
    rf'(?P<plain>"{_STRING_CHARS}")|(?P<quote>")'
    r"|(?P<line>(?:#|//)[^\n]*)|(?P<block>/\*)"
    r"|(?P<heredoc><<-?(?P<marker>[A-Za-z_][\w-]*)[ \t]*\r?\n)"
)
_CODE_TOKEN = re.compile(_CODE_TOKENS, re.S)
_INTERPOLATION_TOKEN = re.compile(_CODE_TOKENS + r"|(?P<open>\{+)|(?P<close>\}+)", re.S)
_STRING_CHARS_RUN = re.compile(_STRING_CHARS, re.S)
# ... in a heredoc: an interpolation (`$${` and `%%{` are literal).
_TEMPLATE_INTERPOLATION = re.compile(r"(?<!\$)\$\{|(?<!%)%\{")
_NOT_NEWLINE = re.compile(r"[^\n]+")
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")
# Bracket depth change of each character, plus one (bytes hold no negative numbers).
_DEPTH_CHANGE = bytes(2 if b in b"{[(" else 0 if b in b"}])" else 1 for b in range(256))


@dataclass
class Scan:
    """One file after the pass, as two texts of its length: `text` with comments blanked
    (newlines kept), `code` with its strings and heredocs blanked too, and the bracket
    depth of `code` after each character."""

    text: str
    code: str
    depth: array[int]

    def depth_before(self, position: int) -> int:
        return self.depth[position - 1] if position > 0 else 0

    def closing(self, position: int) -> int:
        """Where the bracket opened at `position` closes (the end when it never does)."""
        try:
            return self.depth.index(self.depth[position] - 1, position + 1)
        except ValueError:
            return len(self.code)

    def line_start(self, position: int) -> int:
        """Where the line holding `position` starts."""
        return self.text.rfind("\n", 0, position) + 1

    def line(self, position: int) -> int:
        """The 1-based line of the character at `position` (counted when asked: only the
        few places a report names need it)."""
        return self.text.count("\n", 0, position) + 1


@dataclass(slots=True)
class _Context:
    """Where the scan is: a quoted string, a heredoc (its marker, and once found the
    start and end of its closing line), or the code of an interpolation (the braces
    opened in it, so that it ends at its own `}`)."""

    kind: str  # "string" | "heredoc" | "code"
    start: int = 0
    braces: int = 0
    marker: str = ""
    closing_line: tuple[int, int] | None = None


def scan(text: str) -> Scan:
    """Comments, strings, heredocs and interpolations, in one pass.

    Each step finds the next place where something happens with an expression that
    reads each character once; brackets of top-level code are counted afterwards, all
    at once.
    """
    comments: list[tuple[int, int]] = []
    literals: list[tuple[int, int]] = []  # strings and heredocs of top-level code
    stack: list[_Context] = []  # innermost last; empty: top-level code
    position, end = 0, len(text)
    while position < end:
        context = stack[-1] if stack else None
        if context is None or context.kind == "code":
            position = _code(text, position, context, stack, comments, literals)
        elif context.kind == "string":
            position = _STRING_CHARS_RUN.match(text, position).end()  # type: ignore[union-attr]
            char = text[position : position + 1]
            if char in ('"', "\n"):  # the end (a line end: unterminated, stop there)
                position += 1
                stack.pop()
                if not stack:
                    literals.append((context.start, position))
            elif char in ("$", "%"):  # `${` or `%{`
                position += 2
                stack.append(_Context("code"))
            else:  # the end of the text, or a lone `\` before it
                break
        else:  # a heredoc: interpolations in its content, then its closing line
            if context.closing_line is None or context.closing_line[0] < position:
                context.closing_line = _closing_line(text, position, context.marker)
            content_end, closing_end = context.closing_line
            stop = _TEMPLATE_INTERPOLATION.search(text, position, content_end)
            if stop is not None:
                position = stop.end()
                stack.append(_Context("code"))
                continue
            position = closing_end
            stack.pop()
            if not stack:
                literals.append((context.start, position))
    if stack:  # a string or heredoc never closed runs to the end
        literals.append((stack[0].start, end))
    text = _blanked(text, comments)
    code = _blanked(text, literals)
    # The depth after each character, counted in C: each byte of the code (made ASCII)
    # becomes its depth change plus one; take the one off again and add up.
    changes = _NOT_ASCII.sub("x", code).encode("ascii").translate(_DEPTH_CHANGE)
    depth = array("i", accumulate(map(sub, changes, repeat(1))))
    return Scan(text, code, depth)


def _code(
    text: str,
    position: int,
    context: _Context | None,
    stack: list[_Context],
    comments: list[tuple[int, int]],
    literals: list[tuple[int, int]],
) -> int:
    """Read code (top-level, or an interpolation's) from `position` until the scan enters
    a string or heredoc, leaves the interpolation, or meets a block comment; the position
    to go on from. Whole strings and line comments are read here, token after token."""
    tokens = _CODE_TOKEN if context is None else _INTERPOLATION_TOKEN
    for token in tokens.finditer(text, position):
        kind, at = token.lastgroup, token.start()
        if kind == "plain":
            if context is None:
                _extend(literals, at, token.end())
        elif kind == "line":
            _extend(comments, at, token.end())
        elif kind == "block":
            close = text.find("*/", at + 2)
            position = len(text) if close < 0 else close + 2
            comments.append((at, position))
            return position
        elif kind == "quote":
            stack.append(_Context("string", start=at))
            return token.end()
        elif kind == "heredoc":
            stack.append(_Context("heredoc", start=at, marker=token.group("marker")))
            return token.end()
        elif context is not None:  # a run of braces in an interpolation
            count = token.end() - at
            if kind == "open":
                context.braces += count
            elif count <= context.braces:
                context.braces -= count
            else:  # it ends at the brace after those still open
                stack.pop()
                return at + context.braces + 1
    return len(text)


def _extend(ranges: list[tuple[int, int]], start: int, stop: int) -> None:
    """Add a range, joined to the last when they touch (`""" "` is one run to blank)." ""
    if ranges and ranges[-1][1] == start:
        ranges[-1] = (ranges[-1][0], stop)
    else:
        ranges.append((start, stop))


def _closing_line(text: str, start: int, marker: str) -> tuple[int, int]:
    """(start, end) of the first line from `start` (a line start) that holds only the
    heredoc's marker, or the end of the text twice. Each line is looked at once."""
    position = start
    while (found := text.find(marker, position)) >= 0:
        newline = text.rfind("\n", position, found)
        line_start = position if newline < 0 else newline + 1
        line_end = text.find("\n", found)
        line_end = len(text) if line_end < 0 else line_end
        if not text[line_start:found].strip(" \t") and not text[
            found + len(marker) : line_end
        ].rstrip("\r").strip(" \t"):
            return line_start, line_end
        position = line_end + 1
    return len(text), len(text)


def _blanked(text: str, ranges: list[tuple[int, int]]) -> str:
    """`text` with each range replaced by spaces (its newlines kept)."""
    if not ranges:
        return text
    parts, last = [], 0
    for start, stop in ranges:
        parts.append(text[last:start])
        if text.find("\n", start, stop) < 0:
            parts.append(" " * (stop - start))
        else:
            parts.append(_NOT_NEWLINE.sub(_blank, text[start:stop]))
        last = stop
    return "".join(parts) + text[last:]


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def read_text(file: Path, limit: int) -> tuple[str, int] | None:
    """The text and size of a regular file of at most `limit` bytes, or None.

    The file is opened without following a final symlink and without waiting (a FIFO or
    a device never ends or never answers), and checked to be a regular file once open,
    so nothing can be swapped in between the check and the read.
    """
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(file, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb") as stream:
            fd = -1
            data = stream.read(limit + 1)
        if len(data) > limit:
            return None
        return data.decode("utf-8-sig"), len(data)
    except (OSError, UnicodeDecodeError):
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def read_folder(directory: Path, inside: Path | None = None) -> list[tuple[Path, str]]:
    """The `.tf` files of a folder, in name order, as (real path, text), under the caps.

    A file that is not read (too large, not regular, not UTF-8, past a cap, or, with
    `inside`, one whose real path is outside `inside`, itself a real path) is left out.
    """
    try:
        names = sorted(
            entry.name
            for entry in os.scandir(directory)
            if entry.name.endswith(".tf") and not entry.name.startswith(".")
        )
    except OSError:
        return []
    found: list[tuple[Path, str]] = []
    left = MAX_FOLDER_BYTES
    for name in names[:MAX_FILES]:
        file = Path(os.path.realpath(directory / name))
        if inside is not None and not file.is_relative_to(inside):
            continue
        read = read_text(file, min(left, MAX_FILE_BYTES))
        if read is None:
            continue
        text, size = read
        left -= size
        found.append((file, text))
    return found
