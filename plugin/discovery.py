"""Finding policies: the built-in pack, `--policy-dir` folders, installed entry points.

The built-in pack loads through the same path as third-party packs: a module (or package)
whose namespace holds `Policy` objects. Nothing is registered by import side effect.

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
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from .errors import PlangateError
from .isolation import Failure, captured, guarded, watching_interrupts
from .policy import INJECTABLE, Inventory, Policy, Severity

__all__ = ["ENTRY_POINT_GROUP", "Packs", "discover", "load_packs", "policies_in_module"]

ENTRY_POINT_GROUP = "plangate.policies"
BUILTIN_PACKAGE = "plangate.policies"


PackObject = Policy | Inventory


@dataclass(frozen=True, slots=True)
class Packs:
    """Everything the loaded packs declare: policies, and inventories for the report; the
    packs that failed to load (one line each), and what pack code printed while loading
    (who, how many characters)."""

    policies: list[Policy]
    inventories: list[Inventory] = field(default_factory=list)
    errors: tuple[str, ...] = ()
    printed: tuple[tuple[str, int], ...] = ()


def policies_in_module(module: ModuleType) -> Iterator[Policy]:
    for value in vars(module).values():
        if isinstance(value, Policy):
            yield value


def _objects_in_module(module: ModuleType) -> Iterator[PackObject]:
    for value in vars(module).values():
        if isinstance(value, Policy | Inventory):
            yield value


def _declaration_problem(item: PackObject) -> str | None:
    """What makes a collected object unfit to run, or None. The engine reads these fields
    outside the isolation boundary, so they must be plain data: what `@policy` and
    `@inventory` build, not a subclass or an object put together by hand."""
    if isinstance(item, Inventory):
        if type(item) is not Inventory or type(item.section) is not str:
            return "an inventory not made by @inventory"
        return None
    if type(item) is not Policy:
        return f"{type(item).__name__} subclasses Policy; declare policies with @policy"

    def texts(values: object) -> bool:
        return type(values) is tuple and all(type(v) is str for v in values)

    plain = (
        type(item.id) is str
        and type(item.title) is str
        and type(item.severity) is Severity
        and texts(item.resource_types)
        and texts(item.actions)
        and texts(item.tags)
        and texts(item.params)
        and set(item.params) <= INJECTABLE
        and type(item.options) is dict
        and all(type(k) is str for k in item.options)
        and callable(item.func)
    )
    return None if plain else f"policy {item.id!r} was not declared with @policy"


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

    def load(self, what: str, source: str, modules: Callable[[], list[ModuleType]]) -> None:
        with captured() as sink:
            try:
                loaded = guarded(modules)
            except Failure as failure:
                self.errors.append(f"{what} failed to import: {failure.text}")
                loaded = []
        if sink.size:
            self.printed.append((what, sink.size))
        found: dict[int, PackObject] = {}
        for module in loaded:
            for item in _objects_in_module(module):
                # A policy re-exported by a package __init__ is the same object: count it once.
                found.setdefault(id(item), item)
        for item in found.values():
            problem = _declaration_problem(item)
            if problem:
                self.errors.append(f"{what}: {problem}")
                continue
            self.found.append(item.with_source(source))


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
    packs = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
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
                loader.load(str(file), str(file), lambda file=file: [_load_file(file)])
    seen: dict[str, Policy] = {}
    inventories: list[Inventory] = []
    for item in loader.found:
        if isinstance(item, Inventory):
            inventories.append(item)
            continue
        if item.id in seen:
            raise PlangateError(
                "policy",
                f"duplicate policy id {item.id}: defined in {seen[item.id].source} and in "
                f"{item.source}; rename one of them",
            )
        seen[item.id] = item
    return Packs(
        sorted(seen.values(), key=lambda p: p.id),
        inventories,
        tuple(loader.errors),
        tuple(loader.printed),
    )


def _package(name: str) -> Callable[[], list[ModuleType]]:
    return lambda: list(_walk_package(name))
