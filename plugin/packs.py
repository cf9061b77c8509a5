"""The pack API: what a pack declares about itself besides its policies.

A pack is a package (or a single module) whose namespace holds one `Pack`: its name, its
settings, its command-line options, the fields of the backend `terraform init` recorded
that it reads, and the report sections its inventories fill. The loader collects the
`Pack` as it collects policies (no registry); every policy and inventory in the package
belongs to it and is handed the pack's settings (`settings` by name), so the engine knows
nothing of what a pack is about.

```python
pack = Pack(
    name="acme",
    settings=(Setting("regions", NAMES, Merge.ADD, help="regions plans may touch"),),
    options=lambda add: add("--region", setting="regions", metavar="REGION"),
    sections=(Section("acme_regions", key=("region",)),),
)
```

In a config file the settings are a `[packs.NAME]` table (`[packs.acme] regions = [...]`);
a setting may also name a top-level `alias` kept for older configs (one pack's
only: two packs declaring one alias fail to load together). Each setting says how
a repository config counts under an operator config (`Merge`); `plangate.trust` applies
that rule, and reports what it ignored, for every pack alike.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import PlangateError

__all__ = [
    "CONFIG_SOURCE",
    "FLAG",
    "NAMES",
    "NUMBER",
    "REPORT_KEYS",
    "TEXT",
    "Merge",
    "OptionSpec",
    "Pack",
    "PackSettings",
    "RecordedBackend",
    "Section",
    "Setting",
]

# Whole names: `\Z`, as `$` would also match before a final newline.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
FLAG_PATTERN = re.compile(r"--[a-z][a-z0-9-]*\Z")
# The kinds of value a setting holds. NAMES: a list of non-empty strings (kept as a tuple).
NAMES, TEXT, FLAG, NUMBER = "names", "text", "flag", "number"
_KINDS = (NAMES, TEXT, FLAG, NUMBER)
_DEFAULTS: dict[str, Any] = {NAMES: (), TEXT: None, FLAG: False, NUMBER: None}
_WHAT = {
    NAMES: "a list of non-empty strings",
    TEXT: "a non-empty string",
    FLAG: "true or false",
    NUMBER: "a number",
}
# Where a value came from, as the report shows it, when not from a command-line option.
CONFIG_SOURCE = "config file"
# The report's own top-level keys: no pack section may take one of these names.
REPORT_KEYS = frozenset(
    {
        "plangate_version",
        "decision",
        "plans",
        "config",
        "config_files",
        "mode",
        "overrides",
        "findings",
        "errors",
        "warnings",
        "stats",
    }
)


class Merge(enum.Enum):
    """How a repository config's value counts under an operator config (without one, the
    repository config is trusted and sets any setting)."""

    # A list the repository may only add to: the operator's items stay, the repository's
    # are appended (more lock tables to guard is tighter). Never for an allow-list, where
    # more is looser: a repository would add itself to it.
    ADD = "add"
    # A flag the repository may turn on, never off: only for a flag whose `true` is the
    # stricter (never one that skips a check).
    ENABLE = "enable"
    # Only the operator (the command line, the operator config) sets it; a repository
    # value is ignored with a warning.
    OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting of a pack: its name in `[packs.NAME]`, its kind, and its trust rule."""

    name: str
    kind: str = NAMES
    merge: Merge = Merge.OPERATOR
    help: str = ""
    # A top-level config key meaning the same, kept so that older configs keep working.
    alias: str | None = None
    # For a list of names: what is wrong with one item (None when it is fine). A name
    # that cannot be one would match nothing and guard nothing: an error, not a miss.
    check: Callable[[str], str | None] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name):
            raise ValueError(f"setting name {self.name!r} must be lower_snake_case")
        if self.kind not in _KINDS:
            raise ValueError(f"setting {self.name}: kind must be one of {', '.join(_KINDS)}")
        if self.alias is not None and not NAME_PATTERN.match(self.alias):
            raise ValueError(f"setting {self.name}: alias {self.alias!r} must be lower_snake_case")
        if self.merge is Merge.ADD and self.kind != NAMES:
            raise ValueError(f"setting {self.name}: Merge.ADD is for a list (NAMES)")
        if self.merge is Merge.ENABLE and self.kind != FLAG:
            raise ValueError(f"setting {self.name}: Merge.ENABLE is for a flag (FLAG)")

    @property
    def default(self) -> Any:
        return _DEFAULTS[self.kind]

    def parse(self, value: Any) -> Any:
        """The value as the pack reads it; ValueError saying what it must be."""
        if self.kind == NAMES:
            if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
                return self.checked(tuple(value))
        elif self.kind == TEXT:
            if isinstance(value, str) and value.strip():
                return value
        elif self.kind == FLAG:
            if isinstance(value, bool):
                return value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            return value
        raise ValueError(f"must be {_WHAT[self.kind]}")

    def checked(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """The names, when `check` finds nothing wrong with any; else ValueError."""
        for name in names if self.check is not None else ():
            problem = self.check(name)  # type: ignore[misc]
            if problem:
                raise ValueError(
                    f"holds {name[:64]!r}{'...' if len(name) > 64 else ''}, which {problem}"
                )
        return names


@dataclass(frozen=True, slots=True)
class Section:
    """A report section a pack's inventories fill: a top-level key of the report holding
    rows of text. Rows with equal values of `key` are one row (the first is kept), so a
    target found in several plans, or by several inventories, is listed once. `schema`
    is a JSON Schema for one row (`plangate.report_schema` adds it to the report's)."""

    name: str
    key: tuple[str, ...] = ()
    schema: Mapping[str, Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name):
            raise ValueError(f"section name {self.name!r} must be lower_snake_case")
        if self.name in REPORT_KEYS:
            raise ValueError(f"section name {self.name!r} is one of the report's own keys")

    def row_key(self, row: Mapping[str, str]) -> tuple[Any, ...]:
        """What makes a row the same as another: the values of `key` (a missing one is
        None), or without a key the whole row. Hashable, so a section of any length is
        deduplicated in one pass (rows may be one per name a repository config adds)."""
        if not self.key:
            return tuple(sorted(row.items()))
        return tuple(row.get(k) for k in self.key)

    def same_row(self, a: Mapping[str, str], b: Mapping[str, str]) -> bool:
        return self.row_key(a) == self.row_key(b)


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """A command-line option a pack added: its flag, the setting it sets, its help."""

    flag: str
    setting: Setting
    metavar: str | None = None
    help: str = ""
    pack: str = ""

    def value(self, given: Any) -> Any:
        """What the command line gave (a list of strings for a NAMES setting, a string,
        True for a FLAG), as the setting holds it; ValueError saying what is wrong."""
        kind = self.setting.kind
        if kind == NAMES:
            if any(not isinstance(v, str) or not v.strip() for v in given):
                noun = (self.metavar or "value").lower()
                raise ValueError(f"an empty {noun} (an unset variable?); give the {noun}")
            return self.setting.checked(tuple(given))
        if kind == NUMBER:
            try:
                return float(given) if "." in given or "e" in given.lower() else int(given)
            except ValueError:
                raise ValueError(f"{given!r} is not a number") from None
        return self.setting.parse(given)


# The hook a pack declares (`Pack.options`): called with `add`, it adds its options.
AddOption = Callable[..., None]


@dataclass(frozen=True, slots=True)
class Pack:
    """A pack's declaration. Put one in the package's `__init__.py` (or in a one-file pack,
    the module itself); the loader fills in `source`."""

    name: str
    settings: tuple[Setting, ...] = ()
    # `options(add)`: calls `add("--flag", setting="name", metavar=..., help=...)` once per
    # option, in the manner of pytest's `addoption`. An option sets a setting.
    options: Callable[[AddOption], None] | None = field(default=None, compare=False)
    # Backend type → the fields of its recorded configuration the pack reads. Nothing
    # else of `.terraform/terraform.tfstate` (which may hold credentials) reaches it.
    backend_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # A recorded backend field → what is wrong with its value (None when it is fine),
    # as `Setting.check`: a bad value is an error naming the file.
    backend_checks: Mapping[str, Callable[[str], str | None]] = field(
        default_factory=dict, compare=False
    )
    sections: tuple[Section, ...] = ()
    source: str = "builtin"

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name):
            raise ValueError(f"pack name {self.name!r} must be lower_snake_case")
        names = [s.name for s in self.settings]
        if len(set(names)) != len(names):
            raise ValueError(f"pack {self.name}: two settings with one name")

    def setting(self, name: str) -> Setting | None:
        return next((s for s in self.settings if s.name == name), None)

    def with_source(self, source: str) -> Pack:
        return replace(self, source=source)

    def option_specs(self) -> list[OptionSpec]:
        """What the `options` hook adds, checked: each option sets one of the settings."""
        found: list[OptionSpec] = []

        def add(flag: str, *, setting: str, metavar: str | None = None, help: str = "") -> None:
            if not all(type(v) is str for v in (flag, setting, help, metavar or "")):
                raise TypeError(f"pack {self.name}: an option's flag, setting, help are text")
            target = self.setting(setting)
            if target is None:
                raise ValueError(f"pack {self.name}: option {flag} sets no setting {setting!r}")
            if not FLAG_PATTERN.match(flag):
                raise ValueError(f"pack {self.name}: option {flag!r} must look like --some-name")
            found.append(OptionSpec(flag, target, metavar, help))

        if self.options is not None:
            self.options(add)
        return found


@dataclass(frozen=True, slots=True)
class RecordedBackend:
    """The backend block `terraform init` recorded, reduced to the fields a pack declared
    for its type (`Pack.backend_fields`): never anything else of the file, which may hold
    credentials passed with `-backend-config`."""

    type: str
    source: str
    fields: tuple[tuple[str, str | bool | int | float], ...] = ()

    def get(self, name: str, default: Any = None) -> Any:
        return next((v for k, v in self.fields if k == name), default)

    def only(self, names: tuple[str, ...]) -> RecordedBackend:
        return replace(self, fields=tuple((k, v) for k, v in self.fields if k in names))

    def problem(self, pack: Pack) -> str | None:
        """What is wrong with a field the pack reads, by its `backend_checks` (an error,
        as the same value given on the command line or in a config file is)."""
        for name, check in pack.backend_checks.items():
            value = self.get(name)
            read = name in pack.backend_fields.get(self.type, ())
            problem = check(value) if read and isinstance(value, str) else None
            if problem:
                shown = f"{value[:64]!r}{'...' if len(value) > 64 else ''}"
                return (
                    f"{self.source}: {name} {shown} {problem}; fix the backend "
                    "configuration and run `terraform init` again"
                )
        return None


@dataclass(frozen=True, slots=True)
class PackSettings:
    """A pack's settings as the run applies them, each value with where it came from (a
    command-line flag, "config file", or "default"), and the backend `terraform init`
    recorded as far as the pack reads it. Hashable: packs key per-plan memos on it."""

    pack: str = ""
    values: tuple[tuple[str, Any], ...] = ()
    # Per setting, a source per item of a list, or one source for any other value.
    sources: tuple[tuple[str, tuple[str, ...]], ...] = ()
    backend: RecordedBackend | None = None

    def __getitem__(self, name: str) -> Any:
        for key, value in self.values:
            if key == name:
                return value
        raise KeyError(name)

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def sourced(self, name: str) -> Iterator[tuple[Any, str]]:
        """(item, where it came from) for each item of a list setting, or the one value."""
        value = self.get(name)
        if value is None:
            return
        where = next((s for key, s in self.sources if key == name), ())
        items = value if isinstance(value, tuple) else (value,)
        for n, item in enumerate(items):
            yield item, where[n] if n < len(where) else "default"

    @classmethod
    def build(
        cls,
        pack: Pack,
        options: Mapping[str, tuple[str, Any]] | None = None,
        configured: Mapping[str, Any] | None = None,
        backend: RecordedBackend | None = None,
    ) -> PackSettings:
        """The settings a run applies: the command line's options (flag, value) first,
        then the config's values, then the defaults. A list gets the command line's items
        and the config's (each once, the first source kept); any other value the command
        line's, else the config's."""
        options, configured = options or {}, configured or {}
        values: list[tuple[str, Any]] = []
        sources: list[tuple[str, tuple[str, ...]]] = []
        for setting in pack.settings:
            given = []
            if setting.name in options:
                flag, value = options[setting.name]
                given.append((value, flag))
            if setting.name in configured:
                given.append((configured[setting.name], CONFIG_SOURCE))
            if setting.kind == NAMES:
                items: dict[str, str] = {}
                for value, where in given:
                    for item in value:
                        items.setdefault(item, where)
                values.append((setting.name, tuple(items)))
                sources.append((setting.name, tuple(items.values())))
            else:
                value, where = given[0] if given else (setting.default, "default")
                values.append((setting.name, value))
                sources.append((setting.name, (where,)))
        view = None
        if backend is not None:
            problem = backend.problem(pack)
            if problem:
                raise PlangateError("backend", problem)
            view = backend.only(pack.backend_fields.get(backend.type, ()))
        return cls(pack.name, tuple(values), tuple(sources), view)
