"""Local values, read from the `.tf` sources because Terraform leaves them out of the plan.

A reference to `local.x` appears in the plan's configuration, but the `locals` block does
not, so a link through a local cannot be followed from the plan alone. When the sources
are at hand (the working directory, local module paths, `.terraform/modules`), this reads
each `locals` block and lists the references in each value's text. It reads HCL the way
the rest of plangate does: `plangate.hcl_scan` reads the files under caps in one linear
pass, `plangate.hcl_items` finds the blocks and attributes; enough to find traversals,
never to evaluate.

A local defined in a file not read (past a cap, not a regular file) is unknown, so a
reference through it is unresolved (a possible finding, never a clean pass). Files are
read only inside the repository (the folder holding `.git`, else the working directory):
a module source or a `modules.json` `Dir` that leads out of the checkout, or a symlink
that does, is not followed, as `plangate.sources` does.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

from .hcl_items import body_items, top_level_blocks
from .hcl_scan import MAX_FILE_BYTES, MAX_FILES, MAX_FOLDER_BYTES, read_folder, read_text, scan
from .sources import find_repository_root

__all__ = ["MAX_FILES", "MAX_FILE_BYTES", "MAX_FOLDER_BYTES", "LocalsIndex"]

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


@cache
def _locals_in_dir(directory: Path, inside: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for _, text in read_folder(directory, inside=inside):
        scanned = scan(text)
        for block in top_level_blocks(scanned, ("locals",)):
            for item in body_items(scanned, block.inner_start, block.inner_end):
                if item.is_block:
                    continue
                refs = _references(scanned.text[item.inner_start : item.inner_end])
                found[item.name] = [r for r in refs if not r.startswith(("each.", "count."))]
    return found


class LocalsIndex:
    """Finds a module's source folder and the references of its local values."""

    def __init__(self, root: Path, module_sources: dict[tuple[str, ...], str]) -> None:
        self.root = Path(os.path.realpath(root))
        self.inside = find_repository_root(self.root) or self.root
        self._sources = module_sources
        self._manifest = self._read_manifest()

    def _read_manifest(self) -> dict[str, str]:
        # The manifest of a large repository lists thousands of modules: a folder's worth.
        manifest = Path(os.path.realpath(self.root / ".terraform" / "modules" / "modules.json"))
        if not manifest.is_relative_to(self.inside):
            return {}
        read = read_text(manifest, MAX_FOLDER_BYTES)
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
            return self._confined(self.root / installed)
        parent = self.module_dir(path[:-1])
        source = self._sources.get(path)
        if parent is None or not source or not source.startswith(("./", "../")):
            return None
        return self._confined(parent / source)

    def _confined(self, directory: Path) -> Path | None:
        real = Path(os.path.realpath(directory))
        return real if real.is_relative_to(self.inside) else None

    def references(self, path: tuple[str, ...], name: str) -> list[str] | None:
        """References in `local.name`'s value in that module, or None when unknown."""
        directory = self.module_dir(path)
        if directory is None or not directory.is_dir():
            return None
        return _locals_in_dir(directory, self.inside).get(name)
