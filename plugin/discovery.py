"""Finding policies: the built-in pack, `--policy-dir` folders, installed entry points.

The built-in pack loads through the same path as third-party packs: a module (or package)
whose namespace holds `Policy` objects. Nothing is registered by import side effect.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from .errors import PlangateError
from .policy import Inventory, Policy

__all__ = ["ENTRY_POINT_GROUP", "Packs", "discover", "load_packs", "policies_in_module"]

ENTRY_POINT_GROUP = "plangate.policies"
BUILTIN_PACKAGE = "plangate.policies"


PackObject = Policy | Inventory


@dataclass(frozen=True, slots=True)
class Packs:
    """Everything the loaded packs declare: policies, and inventories for the report."""

    policies: list[Policy]
    inventories: list[Inventory]


def policies_in_module(module: ModuleType) -> Iterator[Policy]:
    for value in vars(module).values():
        if isinstance(value, Policy):
            yield value


def _objects_in_module(module: ModuleType) -> Iterator[PackObject]:
    for value in vars(module).values():
        if isinstance(value, Policy | Inventory):
            yield value


def _walk_package(package_name: str) -> Iterator[ModuleType]:
    package = importlib.import_module(package_name)
    yield package
    path = getattr(package, "__path__", None)
    if path is None:
        return
    for info in sorted(pkgutil.walk_packages(path, package_name + "."), key=lambda i: i.name):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or leaf.startswith("test"):
            continue
        yield importlib.import_module(info.name)


def _load_file(path: Path) -> ModuleType:
    """Import one `*.py` file under a private name, without touching sys.path."""
    name = f"plangate_local_policies.{path.parent.name}.{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PlangateError("policy", f"{path}: cannot load as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(name, None)
        raise PlangateError(
            "policy", f"{path}: failed to import: {type(exc).__name__}: {exc}"
        ) from None
    return module


def _from_package(name: str, source: str) -> list[PackObject]:
    try:
        modules = list(_walk_package(name))
    except Exception as exc:
        raise PlangateError(
            "policy", f"policy pack {source} failed to import: {type(exc).__name__}: {exc}"
        ) from None
    found: dict[int, PackObject] = {}
    for module in modules:
        for item in _objects_in_module(module):
            # A policy re-exported by a package __init__ is the same object: count it once.
            found.setdefault(id(item), item)
    return [p.with_source(source) for p in found.values()]


def discover(
    policy_dirs: Iterable[str] = (),
    *,
    builtin: bool = True,
    entry_points_enabled: bool = True,
) -> list[Policy]:
    """All policies, sorted by id. Two policies with one id is an error naming both."""
    return load_packs(
        policy_dirs, builtin=builtin, entry_points_enabled=entry_points_enabled
    ).policies


def load_packs(
    policy_dirs: Iterable[str] = (),
    *,
    builtin: bool = True,
    entry_points_enabled: bool = True,
) -> Packs:
    """Load every pack once: policies sorted by id, and the packs' inventories."""
    found: list[PackObject] = []
    packs = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    # The built-in pack is registered as an entry point like any other pack; it is loaded
    # directly only when package metadata is missing (running from a source tree).
    if builtin and not any(ep.value == BUILTIN_PACKAGE for ep in packs):
        found.extend(_from_package(BUILTIN_PACKAGE, "builtin"))
    for ep in packs:
        if ep.value == BUILTIN_PACKAGE:
            if builtin:
                found.extend(_from_package(BUILTIN_PACKAGE, "builtin"))
        elif entry_points_enabled:
            found.extend(_from_package(ep.value.split(":")[0], f"entry point {ep.name}"))
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
            module = _load_file(file)
            found.extend(p.with_source(str(file)) for p in _objects_in_module(module))
    seen: dict[str, Policy] = {}
    inventories: list[Inventory] = []
    for item in found:
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
    return Packs(sorted(seen.values(), key=lambda p: p.id), inventories)
