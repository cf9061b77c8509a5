"""The plan's `configuration`: the module tree as written in `.tf` files, a model value.

Built once from the plan's data and never changed afterwards, so everything derived from
it (the reference resolver's indexes) can be cached without going stale. Resource blocks
are shared by all their `count`/`for_each` instances; a block is found from an instance
by its `config_key` (module path, local address).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .values import Path, normalise_path

__all__ = ["ConfigModule", "ConfigResource", "ConfigTree"]

# Where a block lives: the module path (call names, no instance keys) and its local
# address (`aws_s3_bucket.b`, `data.aws_region.current`).
ConfigKey = tuple[tuple[str, ...], str]


class ConfigResource:
    """A resource block in `configuration` (shared by all its count/for_each instances)."""

    __slots__ = ("module_path", "raw")

    def __init__(self, raw: Mapping[str, Any], module_path: tuple[str, ...]) -> None:
        self.raw = raw
        self.module_path = module_path

    @property
    def address(self) -> str:
        return self.raw.get("address", "")

    @property
    def expressions(self) -> Mapping[str, Any]:
        return self.raw.get("expressions") or {}

    def expression(self, path: str | Path) -> Any:
        """The expression subtree at `path`; nested blocks are lists of expression maps."""
        node: Any = self.expressions
        for key in normalise_path(path):
            if isinstance(node, list):
                if isinstance(key, int):
                    node = node[key] if key < len(node) else None
                    continue
                node = [n.get(key) for n in node if isinstance(n, dict)]
                continue
            node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                return None
        return node


class ConfigModule:
    """A module in the configuration tree; child modules by call name."""

    __slots__ = ("calls", "path", "raw", "resources")

    def __init__(self, raw: Mapping[str, Any], path: tuple[str, ...]) -> None:
        self.raw = raw
        self.path = path
        self.resources: dict[str, ConfigResource] = {
            r.get("address", ""): ConfigResource(r, path) for r in raw.get("resources") or ()
        }
        self.calls: dict[str, Mapping[str, Any]] = dict(raw.get("module_calls") or {})

    def child(self, name: str) -> ConfigModule | None:
        call = self.calls.get(name)
        if call is None or not isinstance(call.get("module"), dict):
            return None
        return ConfigModule(call["module"], (*self.path, name))

    def output_expression(self, name: str) -> Mapping[str, Any] | None:
        output = (self.raw.get("outputs") or {}).get(name)
        return output.get("expression") if isinstance(output, dict) else None

    def variable(self, name: str) -> Mapping[str, Any] | None:
        return (self.raw.get("variables") or {}).get(name)


class ConfigTree:
    """Every module of the configuration by its path (`()` is the root), built in one walk."""

    __slots__ = ("modules",)

    def __init__(self, configuration: Any) -> None:
        root = (configuration or {}).get("root_module") if isinstance(configuration, dict) else None
        modules: dict[tuple[str, ...], ConfigModule] = {}
        stack = [ConfigModule(root if isinstance(root, dict) else {}, ())]
        while stack:
            module = stack.pop()
            modules[module.path] = module
            for name in module.calls:
                child = module.child(name)
                if child is not None:
                    stack.append(child)
        self.modules: Mapping[tuple[str, ...], ConfigModule] = modules

    def module(self, path: tuple[str, ...]) -> ConfigModule | None:
        return self.modules.get(path)

    def resource(self, key: ConfigKey) -> ConfigResource | None:
        """The block of an instance, by the instance's `config_key`."""
        path, local = key
        module = self.modules.get(path)
        return module.resources.get(local) if module else None

    def module_sources(self) -> dict[tuple[str, ...], str]:
        """Each module call's `source`, by the called module's path (to find `.tf` files)."""
        return {
            (*module.path, name): str(call.get("source", ""))
            for module in self.modules.values()
            for name, call in module.calls.items()
        }
