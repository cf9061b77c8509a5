"""A pack's declared contribution to the assurance map: `@assurance` and what it makes.

Kept apart from `plangate.assurance` (the map's shapes) because every check loads the
packs, and with them their `@assurance` declarations, while only a run that draws a map
(`plangate map`, a format that shows it) needs the shapes. `plangate.assurance`
re-exports both names; packs may import them from either.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["ASSURANCE_INJECTABLE", "Contributor", "assurance"]

# What a contribution function returns: a `plangate.assurance.Contribution`, named here
# only in words, as that module imports this one (the runner checks the type it gets).
ContributionFunction = Callable[..., Any]

ASSURANCE_INJECTABLE = frozenset({"plan", "context", "settings"})


@dataclass(frozen=True, slots=True)
class Contributor:
    """A pack's declared contribution function, and the details schema it ships."""

    func: ContributionFunction = field(repr=False, compare=False)
    schema_file: str | None = None
    params: tuple[str, ...] = ("plan", "context")
    source: str = "builtin"
    pack: str = ""

    def with_source(self, source: str, pack: str = "") -> Contributor:
        return replace(self, source=source, pack=pack)

    def __call__(self, **available: Any) -> Any:
        return self.func(**{name: available[name] for name in self.params})

    def schema(self) -> dict[str, Any] | None:
        """The details schema, read from the function's package (None: not declared)."""
        import json
        from importlib import resources

        if self.schema_file is None:
            return None
        package = self.func.__module__.rpartition(".")[0]
        text = resources.files(package).joinpath(self.schema_file).read_text(encoding="utf-8")
        loaded: dict[str, Any] = json.loads(text)
        return loaded


def assurance(
    schema: str | None = None,
) -> Callable[[ContributionFunction], Contributor]:
    """Declare a pack's contribution to the assurance map: a function of `plan`,
    `context`, `settings` (by name) returning a `Contribution`. `schema`: the JSON
    Schema of its `details`, a file in the function's package."""

    def wrap(func: ContributionFunction) -> Contributor:
        params = tuple(inspect.signature(func).parameters)
        unknown = [p for p in params if p not in ASSURANCE_INJECTABLE]
        if unknown:
            raise TypeError(
                f"assurance {func.__name__}: unknown parameter(s) {', '.join(unknown)}; it "
                f"may take {', '.join(sorted(ASSURANCE_INJECTABLE))}"
            )
        return Contributor(func, schema, params)

    return wrap
