"""Finding output formats: installed entry points in the group `plangate.reporters`.

The built-in formats are registered in plangate's own pyproject.toml exactly as a third
party registers one, so they load through the same path. A format's module is imported
only when a run asks for it (`--format`, `--output`, `plangate formats`): the entry
point's name is the format's name, so choosing a format reads package metadata alone,
and `plangate --version` or a `--format json` run imports no other format.

Two installed formats with one name are an error, never a silent pick of one of them:
a package that shadowed `json` would otherwise decide what a CI job reads. A format
whose import fails, or that is not a `Reporter` named like its entry point, is an
error naming it. Each is one line, and the run exits 2.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from ..errors import PlangateError
from ..isolation import Failure, captured, guarded
from .reporter import Reporter

if TYPE_CHECKING:
    from ..entry_points import InstalledEntryPoint

__all__ = ["ENTRY_POINT_GROUP", "format_names", "load_format", "load_formats"]

ENTRY_POINT_GROUP = "plangate.reporters"


@functools.cache
def _installed() -> dict[str, tuple[InstalledEntryPoint, ...]]:
    """Every installed format by name (read once per process: what is installed does
    not change during a run)."""
    from ..entry_points import entry_points

    found: dict[str, list[InstalledEntryPoint]] = {}
    for ep in entry_points(ENTRY_POINT_GROUP):
        found.setdefault(ep.name, []).append(ep)
    return {name: tuple(eps) for name, eps in found.items()}


def format_names() -> list[str]:
    """The installed formats' names, sorted; nothing is imported."""
    return sorted(_installed())


def _origin(ep: InstalledEntryPoint) -> str:
    return f"{ep.value} from {ep.project}"


def load_format(name: str) -> Reporter:
    """The format called `name`, imported now; a `PlangateError` (one line) when none or
    two are installed under that name or it does not load."""
    eps = _installed().get(name, ())
    if not eps:
        known = ", ".join(format_names()) or "none (reinstall plangate)"
        raise PlangateError(
            "usage", f"no output format {name!r}; installed: {known} (`plangate formats`)"
        )
    if len({ep.value for ep in eps}) > 1:
        where = "; ".join(sorted(_origin(ep) for ep in eps))
        raise PlangateError(
            "output",
            f"output format {name!r} is installed more than once ({where}); uninstall all but one",
        )
    ep = eps[0]
    try:
        with captured():  # what a module prints at import must not reach stdout
            loaded = guarded(ep.load)
    except Failure as failure:
        raise PlangateError(
            "output", f"output format {name!r} ({_origin(ep)}) failed to load: {failure.text}"
        ) from None
    if type(loaded) is not Reporter or loaded.name != name:
        raise PlangateError(
            "output",
            f"output format {name!r} ({_origin(ep)}) is not a plangate.Reporter named "
            f"{name!r}; fix or uninstall that package",
        )
    return loaded


def load_formats() -> tuple[list[Reporter], list[str]]:
    """Every installed format, for listing them: the ones that load, and one line for
    each that does not."""
    loaded: list[Reporter] = []
    errors: list[str] = []
    for name in format_names():
        try:
            loaded.append(load_format(name))
        except PlangateError as exc:
            errors.append(exc.message)
    return loaded, errors
