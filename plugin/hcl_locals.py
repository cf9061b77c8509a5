"""Local values, read from the `.tf` sources because Terraform leaves them out of the plan.

A reference to `local.x` appears in the plan's configuration, but the `locals` block does
not, so a link through a local cannot be followed from the plan alone. When the sources
are at hand (the working directory, local module paths, `.terraform/modules`), this reads
each `locals` block and lists the references in each value's text. It is a scanner, not
an HCL parser: enough to find traversals, never to evaluate.

The sources are the pull request author's, so the scan is one linear pass over each
file: comments, quoted strings with their escapes, heredocs and `${ }` / `%{ }`
interpolations are recognised once, and every later step (blocks, assignments,
references) works from that pass with no expression that backtracks over the text.
Only regular files are read, at most `MAX_FILE_BYTES` each and, in name order,
`MAX_FILES` files or `MAX_FOLDER_BYTES` per folder: a local defined in a file not read
is unknown, so a reference through it is unresolved (a possible finding, never a clean
pass). A hostile file of the largest size scans in about half a second.
"""

from __future__ import annotations

import json
import re
from array import array
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, repeat
from operator import sub
from pathlib import Path

__all__ = ["MAX_FILES", "MAX_FILE_BYTES", "MAX_FOLDER_BYTES", "LocalsIndex"]

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

_LOCALS_START = re.compile(r"(?m)^[ \t]*locals\s*\{")
_ASSIGN = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_-]*)\s*=(?!=)")
_LINE_ASSIGN = re.compile(r"(?m)^" + _ASSIGN.pattern)
# The start of a reference; what may follow it (`[key]`, `.attribute`) is read by hand.
_REFERENCE_HEAD = re.compile(
    r"(?<![\w.\"-])(?:"
    r"(?P<data>data\.[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*)"
    r"|(?P<module>module\.[A-Za-z_][\w-]*)"
    r"|(?P<var>(?:var|local)\.[A-Za-z_][\w-]*)"
    r"|(?P<resource>[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)"
    r")"
)
_ATTRIBUTE = re.compile(r"\.[A-Za-z_]\w*")
_INDEX_END = re.compile(r"[\]\s]")


@dataclass
class _Scan:
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


def _scan(text: str) -> _Scan:
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
    return _Scan(text, code, depth)


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


def _assignments(scan: _Scan, start: int, end: int) -> dict[str, str]:
    """`name = value` pairs at the top of the block body between `start` and `end`.

    Found in `code` (so never inside a string, heredoc or comment), read from `text`.
    """
    depth = scan.depth_before(start)
    found = []
    first = _ASSIGN.match(scan.code, start, end)  # `locals { a = 1 }` on one line
    if first:
        found.append(first)
    for match in _LINE_ASSIGN.finditer(scan.code, start, end):
        if match.start() > start and scan.depth_before(match.start()) == depth:
            found.append(match)
    values: dict[str, str] = {}
    for n, match in enumerate(found):
        stop = found[n + 1].start() if n + 1 < len(found) else end
        values[match.group(1)] = scan.text[match.end() : stop]
    return values


def _references(expr: str) -> list[str]:
    """Traversals (`var.x`, `module.m.out`, `aws_iam_role.r["k"].arn`) in an expression.

    Each start is found by an expression bounded by the word it reads; a `[key]` runs to
    the first `]` or blank, found once for all starts before it.
    """
    found: list[str] = []
    position, blank_from, blank_at = 0, -1, -1
    while head := _REFERENCE_HEAD.search(expr, position):
        end = head.end()
        if head.lastgroup == "var":
            found.append(head.group())
            position = end
            continue
        after = end
        if expr.startswith("[", end):
            if not blank_from <= end + 1 <= blank_at:
                stop = _INDEX_END.search(expr, end + 1)
                blank_from, blank_at = end + 1, stop.start() if stop else len(expr)
            if blank_at < len(expr) and expr[blank_at] == "]":
                after = blank_at + 1
        attribute = _ATTRIBUTE.match(expr, after)
        if attribute:
            after = attribute.end()
        elif head.lastgroup == "module":  # a module reference names an output
            position = end
            continue
        found.append(expr[head.start() : after])
        position = after
    return found


def _read(file: Path, limit: int) -> tuple[str, int] | None:
    """The text and size of a regular file of at most `limit` bytes, or None (not a FIFO
    or a device that never ends, nothing larger)."""
    try:
        if not file.is_file():
            return None
        with file.open("rb") as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            return None
        return data.decode("utf-8-sig"), len(data)
    except (OSError, UnicodeDecodeError):
        return None


@cache
def _locals_in_dir(directory: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    left = MAX_FOLDER_BYTES
    for file in sorted(directory.glob("*.tf"))[:MAX_FILES]:
        read = _read(file, min(left, MAX_FILE_BYTES))
        if read is None:
            continue
        text, size = read
        left -= size
        scan = _scan(text)
        for start in _LOCALS_START.finditer(scan.code):
            brace = start.end() - 1
            if scan.depth_before(brace) != 0:
                continue  # not a top-level block
            for name, expr in _assignments(scan, brace + 1, scan.closing(brace)).items():
                refs = _references(expr)
                found[name] = [r for r in refs if not r.startswith(("each.", "count."))]
    return found


class LocalsIndex:
    """Finds a module's source folder and the references of its local values."""

    def __init__(self, root: Path, module_sources: dict[tuple[str, ...], str]) -> None:
        self.root = root
        self._sources = module_sources
        self._manifest = self._read_manifest(root)

    @staticmethod
    def _read_manifest(root: Path) -> dict[str, str]:
        # The manifest of a large repository lists thousands of modules: a folder's worth.
        read = _read(root / ".terraform" / "modules" / "modules.json", MAX_FOLDER_BYTES)
        try:
            data = json.loads(read[0]) if read is not None else {}
            modules = [(m.get("Key"), m.get("Dir")) for m in data.get("Modules") or ()]
            return {k: d for k, d in modules if isinstance(k, str) and isinstance(d, str)}
        except (ValueError, AttributeError, TypeError):
            return {}

    def module_dir(self, path: tuple[str, ...]) -> Path | None:
        if not path:
            return self.root
        installed = self._manifest.get(".".join(path))
        if installed:
            return self.root / installed
        parent = self.module_dir(path[:-1])
        source = self._sources.get(path)
        if parent is None or not source or not source.startswith(("./", "../")):
            return None
        return (parent / source).resolve()

    def references(self, path: tuple[str, ...], name: str) -> list[str] | None:
        """References in `local.name`'s value in that module, or None when unknown."""
        directory = self.module_dir(path)
        if directory is None or not directory.is_dir():
            return None
        return _locals_in_dir(directory).get(name)
