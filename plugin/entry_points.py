"""Installed entry points (packs, formats), read as `importlib.metadata` reads them.

Every check looks up two entry point groups, and importing `importlib.metadata` costs
more than the lookup itself (it brings the email parser, zipfile, sockets, tempfile): a
fifth of a small plan's imports. So the common case is read here directly, with the
same rules, in the same order, with the same results:

- the `*.dist-info` and `*.egg-info` folders of each `sys.path` entry, entry by entry
  (an entry that is not a folder holds none; `""` is the working directory, when it is
  on the path at all: `python -m plangate` takes it off);
- within an entry, grouped by normalised project name in the order the folder lists
  them, and a project seen on an earlier entry (or earlier in the entry) shadows any
  later one, as `importlib.metadata.entry_points` keeps the first of each name;
- each folder's `entry_points.txt` parsed as that module parses it.

Whatever this reader does not handle the same way (a zip or `.egg` on `sys.path`, a
metadata folder whose name only the METADATA file can name or normalise, an import hook that
finds distributions of its own) sends the whole lookup to `importlib.metadata`
itself: the fast path never answers differently, it only answers sooner.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Iterator
from importlib import import_module
from importlib.machinery import PathFinder
from typing import Any

__all__ = ["InstalledEntryPoint", "entry_points"]

_METADATA_SUFFIXES = (".dist-info", ".egg-info")


class InstalledEntryPoint:
    """One entry point: its name, its value (`module:attr`), its group, and the project
    that declares it (read only when a message names it)."""

    __slots__ = ("_project", "group", "name", "value")

    def __init__(self, name: str, value: str, group: str, project: Callable[[], str]) -> None:
        self.name = name
        self.value = value
        self.group = group
        self._project = project

    def __repr__(self) -> str:
        return f"InstalledEntryPoint({self.name!r}, {self.value!r}, {self.group!r})"

    @property
    def project(self) -> str:
        """The declaring distribution's name, as its METADATA gives it."""
        return self._project()

    def load(self) -> Any:
        """The object the value names, imported now (as `EntryPoint.load`)."""
        match = _pattern().match(self.value)
        if match is None:
            raise ValueError(f"entry point {self.name}: {self.value!r} names no object")
        module = import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return functools.reduce(getattr, attrs, module)


@functools.cache
def _pattern() -> re.Pattern[str]:
    return re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


class _Unsupported(Exception):
    """The environment holds something only `importlib.metadata` reads right."""


def entry_points(group: str) -> list[InstalledEntryPoint]:
    """The installed entry points of `group`, in the order `importlib.metadata` lists
    them."""
    try:
        return list(_read(group))
    except _Unsupported:
        return _from_importlib(group)


def _read(group: str) -> Iterator[InstalledEntryPoint]:
    hooks = [f for f in sys.meta_path if getattr(f, "find_distributions", None)]
    if hooks != [PathFinder]:
        raise _Unsupported
    found: list[InstalledEntryPoint] = []
    seen: set[str] = set()
    for root in list(sys.path):
        for folder, project in _metadata_folders(root):
            if project in seen:
                continue
            seen.add(project)
            found.extend(_declared(folder, group))
    return iter(found)


def _metadata_folders(root: str) -> Iterator[tuple[str, str]]:
    """(metadata folder, normalised project name) of one `sys.path` entry."""
    if not isinstance(root, str) or root.lower().endswith(".egg"):
        raise _Unsupported
    try:
        children = os.listdir(root or ".")
    except Exception:
        if os.path.isfile(root):  # a zip on the path
            raise _Unsupported from None
        return
    grouped: dict[str, list[str]] = {}
    for child in children:
        low = child.lower()
        if low.endswith(_METADATA_SUFFIXES):
            grouped.setdefault(_normalise(low.rpartition(".")[0].partition("-")[0]), []).append(
                child
            )
    for children_of_one in grouped.values():
        for child in children_of_one:
            stem, ext = os.path.splitext(child)
            name = stem.partition("-")[0]
            if ext not in _METADATA_SUFFIXES or not name:  # `.DIST-INFO`, `-x.dist-info`:
                raise _Unsupported  # named by its METADATA
            yield os.path.join(root, child), _normalise(name)


def _normalise(name: str) -> str:
    """PEP 503 normalisation, dashes as underscores (`importlib.metadata.Prepared`)."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


def _declared(folder: str, group: str) -> Iterator[InstalledEntryPoint]:
    """The entry points of `group` in one metadata folder's `entry_points.txt`, parsed
        as `importlib.metadata.Sectioned` parses it (a line without `=` fails the lookup,
    as there)."""
    try:
        with open(os.path.join(folder, "entry_points.txt"), encoding="utf-8") as file:
            text = file.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return
    project = _project_of(folder)
    section: str | None = None
    for line in filter(None, map(str.strip, text.splitlines())):
        if line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section is None:
            continue
        name, equals, value = line.partition("=")
        if not equals:  # what importlib.metadata's Pair.parse raises for it
            raise TypeError(f"{folder}: entry point line without '=' in [{section}]")
        if section == group:
            yield InstalledEntryPoint(name.strip(), value.strip(), section, project)


def _project_of(folder: str) -> Callable[[], str]:
    def read() -> str:
        from importlib.metadata import PathDistribution
        from pathlib import Path

        name = PathDistribution(Path(folder)).name
        return name if isinstance(name, str) else "an unknown package"

    return read


def _from_importlib(group: str) -> list[InstalledEntryPoint]:
    from importlib import metadata

    def project(ep: Any) -> Callable[[], str]:
        return lambda: ep.dist.name if ep.dist is not None else "an unknown package"

    return [
        InstalledEntryPoint(ep.name, ep.value, ep.group, project(ep))
        for ep in metadata.entry_points(group=group)
    ]
