"""Finding policies: the built-in pack, `--policy-dir` folders, installed entry points.

The built-in pack loads through the same path as third-party packs: a module (or package)
whose namespace holds `Policy` objects, and a `Pack` that declares its name, settings,
options and report sections. A policy or inventory belongs to the `Pack` found in its
module's namespace or in the nearest enclosing package's (`pack_of`). Nothing is
registered by import side effect.

Importing a pack runs its code: behind the same boundary as running a policy
(`isolation`), so a pack that raises anything at import, `sys.exit(0)` included, is an
error naming the pack or file, and the other packs still load and report.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType

from .config import TOP_KEYS
from .contributors import Contributor
from .declarations import declaration_problem
from .entry_points import entry_points
from .errors import PlangateError
from .isolation import Failure, captured, guarded, watching_interrupts
from .packs import OptionSpec, Pack
from .policy import Inventory, Policy

__all__ = [
    "ENTRY_POINT_GROUP",
    "Packs",
    "discover",
    "load_packs",
    "pack_of",
    "policies_in_module",
]

ENTRY_POINT_GROUP = "plangate.policies"
BUILTIN_PACKAGE = "plangate.policies"


PackObject = Policy | Inventory | Pack | Contributor


@dataclass(frozen=True, slots=True)
class Packs:
    """Everything the loaded packs declare: policies, and inventories for the report; the
    packs that failed to load (one line each), and what pack code printed while loading
    (who, how many characters)."""

    policies: list[Policy]
    inventories: list[Inventory] = field(default_factory=list)
    errors: tuple[str, ...] = ()
    printed: tuple[tuple[str, int], ...] = ()
    packs: list[Pack] = field(default_factory=list)
    # The command-line options the packs add (their `options` hooks, run once at load).
    options: list[OptionSpec] = field(default_factory=list)
    # The packs' contributions to the assurance map (`plangate.assurance`).
    contributors: list[Contributor] = field(default_factory=list)

    def pack(self, name: str) -> Pack | None:
        return next((p for p in self.packs if p.name == name), None)


def policies_in_module(module: ModuleType) -> Iterator[Policy]:
    for value in vars(module).values():
        if isinstance(value, Policy):
            yield value


def _objects_in_module(module: ModuleType) -> Iterator[PackObject]:
    for value in vars(module).values():
        if isinstance(value, Policy | Inventory | Pack | Contributor):
            yield value


def pack_of(module_name: str) -> Pack | None:
    """The pack of a policy or inventory defined in `module_name`: the `Pack` in that
    module's namespace, else in its nearest enclosing package's (imported modules only)."""
    parts = module_name.split(".")
    for end in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:end]))
        if module is None:
            continue
        for value in vars(module).values():
            if isinstance(value, Pack):
                return value
    return None


def _raise(name: str) -> None:
    """`walk_packages` ignores a subpackage that fails with ImportError unless told."""
    raise ImportError(f"cannot import {name}")


def _walk_package(package_name: str) -> Iterator[ModuleType]:
    package = importlib.import_module(package_name)
    yield package
    path = getattr(package, "__path__", None)
    if path is None:
        return
    found = pkgutil.walk_packages(path, package_name + ".", onerror=_raise)
    for info in sorted(found, key=lambda i: i.name):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or leaf.startswith("test"):
            continue
        yield importlib.import_module(info.name)


def _load_file(path: Path) -> ModuleType:
    """Import one `*.py` file under a private name, without touching sys.path."""
    name = f"plangate_local_policies.{path.parent.name}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError("not loadable as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


class _Loader:
    """Collects what the packs declare, and one error per pack that fails to load."""

    def __init__(self) -> None:
        self.found: list[PackObject] = []
        self.errors: list[str] = []
        self.printed: list[tuple[str, int]] = []
        self.options: list[OptionSpec] = []

    def load(self, what: str, source: str, modules: Callable[[], list[ModuleType]]) -> None:
        with captured() as sink:
            try:
                loaded = guarded(modules)
            except Failure as failure:
                self.errors.append(f"{what} failed to import: {failure.text}")
                loaded = []
            found: dict[int, PackObject] = {}
            for module in loaded:
                for item in _objects_in_module(module):
                    # A policy re-exported by a package __init__ is the same object: once.
                    found.setdefault(id(item), item)
            for item in found.values():
                problem = declaration_problem(item)
                if problem:
                    self.errors.append(f"{what}: {problem}")
                elif isinstance(item, Pack):
                    self._add_pack(what, item.with_source(source))
                else:
                    pack = pack_of(item.func.__module__)
                    self.found.append(item.with_source(source, pack.name if pack else ""))
        if sink.size:
            self.printed.append((what, sink.size))

    def _add_pack(self, what: str, pack: Pack) -> None:
        """A pack, and the options its hook adds (pack code: behind the boundary)."""
        try:
            specs = guarded(pack.option_specs)
        except Failure as failure:
            self.errors.append(f"{what}: the options of pack {pack.name} raised {failure.text}")
            return
        self.found.append(pack)
        self.options.extend(replace(spec, pack=pack.name) for spec in specs)


def discover(
    policy_dirs: Iterable[str] = (),
    *,
    builtin: bool = True,
    entry_points_enabled: bool = True,
) -> list[Policy]:
    """All policies, sorted by id. Two policies with one id, or a pack that fails to load,
    is an error naming them."""
    packs = load_packs(policy_dirs, builtin=builtin, entry_points_enabled=entry_points_enabled)
    if packs.errors:
        raise PlangateError("policy", packs.errors[0])
    return packs.policies


def load_packs(
    policy_dirs: Iterable[str] = (),
    *,
    builtin: bool = True,
    entry_points_enabled: bool = True,
) -> Packs:
    """Load every pack once: policies sorted by id, the packs' inventories, and the packs
    that failed to load. Two policies with one id is an error naming both."""
    loader = _Loader()
    packs = sorted(entry_points(ENTRY_POINT_GROUP), key=lambda e: e.name)
    with watching_interrupts():
        # The built-in pack is registered as an entry point like any other pack; it is
        # loaded directly only when package metadata is missing (a source tree).
        if builtin and not any(ep.value == BUILTIN_PACKAGE for ep in packs):
            loader.load("the built-in policy pack", "builtin", _package(BUILTIN_PACKAGE))
        for ep in packs:
            if ep.value == BUILTIN_PACKAGE:
                if builtin:
                    loader.load("the built-in policy pack", "builtin", _package(BUILTIN_PACKAGE))
            elif entry_points_enabled:
                loader.load(
                    f"policy pack {ep.name} (entry point)",
                    f"entry point {ep.name}",
                    _package(ep.value.split(":")[0]),
                )
        for directory in policy_dirs:
            path = Path(directory)
            if not path.is_dir():
                raise PlangateError(
                    "policy",
                    f"policy directory {directory} (--policy-dir or "
                    "policy_dirs in the config file): not a directory",
                )
            for file in sorted(path.glob("*.py")):
                if file.name.startswith("_"):
                    continue
                loader.load(str(file), str(file), _file(file))
    return _collected(loader)


def _collected(loader: _Loader) -> Packs:
    """What the loader found, checked as a whole: one policy per id, one pack per name,
    one pack per report section, and every inventory's section declared by a pack."""
    seen: dict[str, Policy] = {}
    packs: dict[str, Pack] = {}
    inventories: list[Inventory] = []
    contributors: list[Contributor] = []
    errors = list(loader.errors)
    for item in loader.found:
        if isinstance(item, Inventory):
            inventories.append(item)
        elif isinstance(item, Contributor):
            contributors.append(item)
        elif isinstance(item, Pack):
            _unique("pack", item.name, packs.get(item.name), item)
            packs[item.name] = item
        else:
            _unique("policy id", item.id, seen.get(item.id), item)
            seen[item.id] = item
    sections: dict[str, Pack] = {}
    aliases: dict[str, Pack] = {}
    for pack in packs.values():
        for section in pack.sections:
            _unique("report section", section.name, sections.get(section.name), pack)
            sections[section.name] = pack
        for alias in (s.alias for s in pack.settings if s.alias is not None):
            _unique_alias(alias, aliases.get(alias), pack)
            aliases[alias] = pack
    mapped: dict[str, Contributor] = {}
    for item in contributors:
        if not item.pack:
            errors.append(
                f"assurance {item.func.__qualname__} ({item.source}) belongs to no pack; "
                "declare a Pack in its module or package"
            )
        elif item.pack in mapped:
            errors.append(
                f"pack {item.pack} declares two assurance contributions "
                f"({mapped[item.pack].func.__qualname__}, {item.func.__qualname__}); "
                "keep one"
            )
        else:
            mapped[item.pack] = item
    declared = [i for i in inventories if i.section in sections]
    errors.extend(
        f"inventory {i.section} ({i.source}): no loaded pack declares the report section "
        f"{i.section!r}; declare it in the pack's Pack(sections=...)"
        for i in inventories
        if i.section not in sections
    )
    return Packs(
        sorted(seen.values(), key=lambda p: p.id),
        declared,
        tuple(errors),
        tuple(loader.printed),
        sorted(packs.values(), key=lambda p: p.name),
        loader.options,
        sorted(mapped.values(), key=lambda c: c.pack),
    )


def _unique(what: str, name: str, first: Policy | Pack | None, second: Policy | Pack) -> None:
    if first is not None:
        raise PlangateError(
            "policy",
            f"duplicate {what} {name}: defined in {first.source} and in {second.source}; "
            "rename one of them",
        )


def _unique_alias(alias: str, first: Pack | None, second: Pack) -> None:
    """A top-level config key means one setting of one pack: were two packs to declare it,
    the operator's `lock_tables = [...]` would quietly go to whichever pack came last, and
    the other would guard nothing. An engine key is never read as an alias."""
    if alias in TOP_KEYS:
        raise PlangateError(
            "policy",
            f"pack {second.name} ({second.source}): setting alias {alias} is a config key "
            "of plangate's own; rename it",
        )
    if first is not None:
        raise PlangateError(
            "policy",
            f"duplicate setting alias {alias}: declared by pack {first.name} ({first.source}) "
            f"and by pack {second.name} ({second.source}); rename one of them",
        )


def _package(name: str) -> Callable[[], list[ModuleType]]:
    return lambda: list(_walk_package(name))


def _file(path: Path) -> Callable[[], list[ModuleType]]:
    return lambda: [_load_file(path)]
