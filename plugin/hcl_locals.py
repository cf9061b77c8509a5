"""Local values, read from the `.tf` sources because Terraform leaves them out of the plan.

A reference to `local.x` appears in the plan's configuration, but the `locals` block does
not, so a link through a local cannot be followed from the plan alone. When the sources
are at hand (the working directory, local module paths, `.terraform/modules`), this reads
each `locals` block and lists the references in each value's text. It is a scanner, not
an HCL parser: enough to find traversals, never to evaluate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

__all__ = ["LocalsIndex"]

_LOCALS_START = re.compile(r"^\s*locals\s*\{", re.M)
_ASSIGN = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_-]*)\s*=(?!=)")
_REFERENCE = re.compile(
    r"(?<![\w.\"-])("
    r"data\.[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*(?:\[[^\]\s]*\])?(?:\.[A-Za-z_][\w]*)?"
    r"|module\.[A-Za-z_][\w-]*(?:\[[^\]\s]*\])?\.[A-Za-z_][\w]*"
    r"|(?:var|local)\.[A-Za-z_][\w-]*"
    r"|[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(?:\[[^\]\s]*\])?(?:\.[A-Za-z_][\w]*)?"
    r")"
)


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"(?m)(^|\s)(#|//).*$", r"\1", text)


def _depths(text: str, start: int = 0, depth: int = 0) -> Iterator[tuple[int, int]]:
    """(position, bracket depth before it) for every character outside string literals."""
    pos, in_string = start, False
    while pos < len(text):
        char = text[pos]
        if in_string:
            if char == "\\":
                pos += 1
            elif char == '"':
                in_string = False
        else:
            yield pos, depth
            if char == '"':
                in_string = True
            elif char in "{[(":
                depth += 1
            elif char in "}])":
                depth -= 1
        pos += 1


def _block_body(text: str, start: int) -> str:
    """Text between the `{` at `start - 1` and its matching `}`."""
    for pos, depth in _depths(text, start, depth=1):
        if depth == 1 and text[pos] == "}":
            return text[start:pos]
    return text[start:]


def _top_level_assignments(body: str) -> dict[str, str]:
    """`name = expr` pairs at depth 0 of a block body (one pass over the text)."""
    starts = []
    for pos, depth in _depths(body):
        if depth == 0 and (pos == 0 or body[pos - 1] == "\n"):
            match = _ASSIGN.match(body, pos)
            if match:
                starts.append(match)
    values: dict[str, str] = {}
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(body)
        values[match.group(1)] = body[match.end() : end]
    return values


@cache
def _locals_in_dir(directory: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for file in sorted(directory.glob("*.tf")):
        try:
            text = _strip_comments(file.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            continue
        for start in _LOCALS_START.finditer(text):
            body = _block_body(text, start.end())
            for name, expr in _top_level_assignments(body).items():
                refs = [m.group(1) for m in _REFERENCE.finditer(expr)]
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
        manifest = root / ".terraform" / "modules" / "modules.json"
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {m.get("Key", ""): m.get("Dir", "") for m in data.get("Modules") or ()}

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
