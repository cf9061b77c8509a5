"""`PlanBuilder`: a plan as `terraform show -json` writes it, from a few resources.

Part of the test kit (`plangate.testing` exports it): changes, prior state and the
configuration with its expressions, unknown and sensitive markers shaped as Terraform
shapes them (`plangate.markers`), in the module each address names.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any

from .addresses import format_index, module_path, parse_module_address, parse_traversal
from .markers import after_unknown, omit_unknowns, place_unknowns, sensitive_markers
from .packs import RecordedBackend
from .plan import Plan

__all__ = ["PlanBuilder", "provider_for"]

_ACTIONS = {
    "create": ["create"],
    "update": ["update"],
    "delete": ["delete"],
    "no-op": ["no-op"],
    "read": ["read"],
    "replace": ["delete", "create"],
    "create-before-destroy": ["create", "delete"],
    "forget": ["forget"],
}


def provider_for(type_: str) -> str:
    """The provider Terraform infers for a resource type from its prefix, as it writes it:
    `google_compute_network` → `registry.terraform.io/hashicorp/google`, and the built-in
    `terraform_data` → `terraform.io/builtin/terraform`."""
    prefix = type_.split("_", 1)[0]
    if prefix == "terraform":
        return "terraform.io/builtin/terraform"
    return f"registry.terraform.io/hashicorp/{prefix}"


def _split_address(address: str) -> tuple[str, str, str, str, str | int | None]:
    """→ (module_address, mode, type, name, index)."""
    steps = parse_traversal(address)
    cut = 0
    while cut + 1 < len(steps) and steps[cut][0] == "module":
        cut += 2
    module = ".".join(
        f"module.{n}{format_index(k)}"
        for (_, _), (n, k) in zip(steps[:cut:2], steps[1:cut:2], strict=True)
    )
    rest = steps[cut:]
    mode = "managed"
    if rest[0][0] == "data":
        mode, rest = "data", rest[1:]
    (type_, _), (name, index) = rest[0], rest[1]
    return module, mode, type_, name, index


class PlanBuilder:
    """Collects resource changes, prior state and configuration; `build()` makes a Plan."""

    def __init__(self, terraform_version: str = "1.11.4", format_version: str = "1.2") -> None:
        self.terraform_version = terraform_version
        self.format_version = format_version
        self._changes: list[dict[str, Any]] = []
        self._prior: list[dict[str, Any]] = []
        self._config: dict[tuple[str, ...], dict[str, Any]] = {(): {"resources": []}}
        self._variables: dict[str, Any] = {}
        # What `terraform init` recorded, as `run_policy` hands it to the policy's pack.
        self.backend: RecordedBackend | None = None

    # -- configuration ----------------------------------------------------------------

    def _module(self, path: tuple[str, ...]) -> dict[str, Any]:
        if path not in self._config:
            parent = self._module(path[:-1])
            call = parent.setdefault("module_calls", {}).setdefault(
                path[-1], {"source": f"./modules/{path[-1]}", "expressions": {}}
            )
            call["module"] = {"resources": []}
            self._config[path] = call["module"]
        return self._config[path]

    def module_call(
        self,
        module: str,
        inputs: Mapping[str, Any] | None = None,
        outputs: Mapping[str, Any] | None = None,
        variables: Iterable[str] = (),
    ) -> PlanBuilder:
        """Declare `module.a.module.b`'s call inputs (expressions) and outputs."""
        path = module_path(parse_module_address(module))
        body = self._module(path)
        call = self._module(path[:-1])["module_calls"][path[-1]]
        call["expressions"].update(inputs or {})
        for name, expr in (outputs or {}).items():
            body.setdefault("outputs", {})[name] = {"expression": expr}
        for name in [*variables, *(inputs or {})]:
            body.setdefault("variables", {}).setdefault(name, {})
        return self

    def _config_resource(
        self, module: str, mode: str, type_: str, name: str, expressions: Mapping[str, Any] | None
    ) -> None:
        body = self._module(module_path(parse_module_address(module)))
        local = f"{type_}.{name}" if mode == "managed" else f"data.{type_}.{name}"
        for existing in body["resources"]:
            if existing["address"] == local:
                existing["expressions"].update(expressions or {})
                return
        body["resources"].append(
            {
                "address": local,
                "mode": mode,
                "type": type_,
                "name": name,
                "provider_config_key": type_.split("_", 1)[0],
                "expressions": dict(expressions or {}),
                "schema_version": 0,
            }
        )

    # -- changes and state ----------------------------------------------------------------

    def add(
        self,  # instances of one block share its configuration: pass `expressions` once
        address: str,
        after: Mapping[str, Any] | None = None,
        *,
        action: str = "create",
        before: Mapping[str, Any] | None = None,
        unknown: Iterable[str] = (),
        sensitive: Iterable[str] = (),
        expressions: Mapping[str, Any] | None = None,
        provider: str | None = None,
        action_reason: str | None = None,
        replace_paths: Iterable[Iterable[str | int]] = (),
        previous_address: str | None = None,
        importing: Mapping[str, Any] | None = None,
    ) -> PlanBuilder:
        """Add a resource change. `unknown` and `sensitive` are dotted paths
        (`"route.0.gateway_id"`); `after` and its markers come out as Terraform writes
        them (`plangate.markers`). An unknown path where `after` holds a list or an
        object is an unknown collection."""
        module, mode, type_, name, index = _split_address(address)
        unknown, sensitive = list(unknown), list(sensitive)
        planned = None if action in ("delete", "forget") else place_unknowns(after or {}, unknown)
        if (
            action in ("update", "no-op", "delete", "replace", "create-before-destroy", "forget")
            and before is None
        ):
            before = {k: v for k, v in (after or {}).items() if k not in unknown}
        raw: dict[str, Any] = {
            "address": address,
            "mode": mode,
            "type": type_,
            "name": name,
            "provider_name": provider or provider_for(type_),
            "change": {
                "actions": list(_ACTIONS[action]),
                "before": copy.deepcopy(dict(before)) if before is not None else None,
                "after": omit_unknowns(planned),
                "after_unknown": after_unknown(planned),
                "before_sensitive": sensitive_markers(
                    dict(before) if before is not None else None, sensitive
                ),
                "after_sensitive": sensitive_markers(planned, sensitive),
            },
        }
        if module:
            raw["module_address"] = module
        if index is not None:
            raw["index"] = index
        if action_reason:
            raw["action_reason"] = action_reason
        if previous_address:
            raw["previous_address"] = previous_address
        if replace_paths:
            raw["change"]["replace_paths"] = [list(p) for p in replace_paths]
        if importing is not None:
            raw["change"]["importing"] = dict(importing)
        self._changes.append(raw)
        self._config_resource(module, mode, type_, name, expressions)
        return self

    def prior(
        self,
        address: str,
        values: Mapping[str, Any],
        *,
        expressions: Mapping[str, Any] | None = None,
        provider: str | None = None,
    ) -> PlanBuilder:
        """Add a prior-state resource or data source (data sources read at plan time)."""
        module, mode, type_, name, index = _split_address(address)
        raw: dict[str, Any] = {
            "address": address,
            "mode": mode,
            "type": type_,
            "name": name,
            "provider_name": provider or provider_for(type_),
            "values": copy.deepcopy(dict(values)),
            "sensitive_values": sensitive_markers(dict(values)),
        }
        if index is not None:
            raw["index"] = index
        if module:
            raw["module_address"] = module
        self._prior.append(raw)
        self._config_resource(module, mode, type_, name, expressions)
        return self

    def variable(self, name: str, value: Any) -> PlanBuilder:
        self._variables[name] = {"value": value}
        return self

    def with_backend(self, type_: str = "s3", **fields: Any) -> PlanBuilder:
        """The backend `terraform init` recorded (its source reads "test")."""
        self.backend = RecordedBackend(type_, "test", tuple(sorted(fields.items())))
        return self

    # -- output ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format_version": self.format_version,
            "terraform_version": self.terraform_version,
            "planned_values": {"root_module": self._planned_values()},
            "resource_changes": copy.deepcopy(self._changes),
            "configuration": {"root_module": copy.deepcopy(self._config[()])},
        }
        if self._variables:
            data["variables"] = copy.deepcopy(self._variables)
        if self._prior:
            modules: dict[str, dict[str, Any]] = {}
            root: dict[str, Any] = {"resources": []}
            for raw in self._prior:
                module = raw.get("module_address")
                if not module:
                    root["resources"].append(raw)
                    continue
                if module not in modules:
                    modules[module] = {"address": module, "resources": []}
                    root.setdefault("child_modules", []).append(modules[module])
                modules[module]["resources"].append(raw)
            data["prior_state"] = {
                "format_version": self.format_version,
                "values": {"root_module": root},
            }
        return data

    def _planned_values(self) -> dict[str, Any]:
        """`planned_values.root_module` as Terraform writes it: every object the changes
        keep in the planned state (not deleted, forgotten or deposed), with its known
        values, in nested `child_modules`."""
        kept = [
            raw
            for raw in self._changes
            if raw["change"]["actions"] not in (["delete"], ["forget"]) and "deposed" not in raw
        ]
        root: dict[str, Any] = {}
        modules: dict[str, dict[str, Any]] = {"": root}
        for raw in sorted(kept, key=lambda r: r["address"]):
            module = self._planned_module(modules, raw.get("module_address", ""))
            resource: dict[str, Any] = {
                k: raw[k]
                for k in ("address", "mode", "type", "name", "index", "provider_name")
                if k in raw
            }
            resource["schema_version"] = 0
            resource["values"] = copy.deepcopy(raw["change"]["after"] or {})
            resource["sensitive_values"] = copy.deepcopy(raw["change"]["after_sensitive"] or {})
            module.setdefault("resources", []).append(resource)
        return root

    def _planned_module(self, modules: dict[str, dict[str, Any]], address: str) -> dict[str, Any]:
        if address not in modules:
            steps = parse_module_address(address)
            parent = self._planned_module(modules, ".".join(str(s) for s in steps[:-1]))
            modules[address] = {"address": address}
            parent.setdefault("child_modules", []).append(modules[address])
        return modules[address]

    def build(self, *, source_dir: str | PathLike[str] | None = None) -> Plan:
        """The plan; `source_dir` is where its `.tf` sources are (to follow local values)."""
        return Plan(self.to_dict(), "test-plan.json", source_dir=source_dir)
