"""The test kit for policy authors: build a valid plan from a few resources, run a policy.

Shipped in the package and used by plangate's own policy tests, so a third-party pack is
tested exactly like the built-in one. Import-light: only plangate's own modules.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any

from .addresses import format_index, module_path, parse_module_address, parse_traversal
from .config import Config, PolicySettings
from .context import Context
from .markers import (
    KnownAfterApply,
    after_unknown,
    omit_unknowns,
    place_unknowns,
    sensitive_markers,
)
from .plan import Backend, Plan
from .policy import Finding, Policy
from .runner import run_policies

__all__ = [
    "KnownAfterApply",
    "PlanBuilder",
    "after_unknown",
    "const",
    "omit_unknowns",
    "place_unknowns",
    "provider_for",
    "refs",
    "run_policy",
    "sensitive_markers",
    "summarise",
]

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


_DYNAMIC_INDEX = re.compile(r"^([^\[]+)\[([A-Za-z_][^\]]*)\](.*)$")


def refs(*names: str) -> dict[str, list[str]]:
    """A configuration expression referring to `names`, unwrapped the way Terraform does.

    A dynamic index (`aws_iam_role.svc[each.key].arn`) is written as Terraform writes
    it: the bare block and the index expression's own reference.
    """
    unwrapped: list[str] = []
    for name in names:
        dynamic = _DYNAMIC_INDEX.match(name)
        if dynamic:
            for text in (dynamic.group(1), dynamic.group(2)):
                if text not in unwrapped:
                    unwrapped.append(text)
            continue
        steps = parse_traversal(name)
        for end in range(len(steps), 1, -1):
            text = ".".join(step + format_index(key) for step, key in steps[:end])
            if text not in unwrapped:
                unwrapped.append(text)
            block = 2 if steps[0][0] == "data" else 1
            if end == block + 1 and steps[block][1] is not None:  # `t.n[k]` also as `t.n`
                bare = ".".join(name for name, _ in steps[: block + 1])
                if bare not in unwrapped:
                    unwrapped.append(bare)
    return {"references": unwrapped}


def const(value: Any) -> dict[str, Any]:
    return {"constant_value": value}


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
        self.backend: Backend | None = None

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
        self.backend = Backend(type_, "test", **fields)
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
            resource = {
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
        return Plan(self.to_dict(), "test-plan.json", self.backend, source_dir=source_dir)


def run_policy(
    policy: Policy,
    plan: Plan | PlanBuilder | Mapping[str, Any],
    *,
    context: Context | None = None,
    options: Mapping[str, Any] | None = None,
    lock_tables: Iterable[str] = (),
    state_buckets: Iterable[str] = (),
) -> list[Finding]:
    """Run one policy the way the runner does: behind the same isolation, so a policy that
    raises anything (`sys.exit`, `KeyboardInterrupt` included) fails the test with the
    error the CLI would report, instead of ending or passing the test run. What the
    policy printed is dropped from the CLI's output; here it is written to stdout, where
    pytest shows it with a failing test."""
    if isinstance(plan, PlanBuilder):
        plan = plan.build()
    elif not isinstance(plan, Plan):
        plan = Plan(plan, "test-plan.json")
    if context is None:
        context = Context.build(
            cli_tables=list(lock_tables), cli_buckets=list(state_buckets), backend=plan.backend
        )
    config = Config(policies={policy.id: PolicySettings(options=dict(options or {}))})
    outcome = run_policies([plan], [policy], context, config)
    for printed in outcome.printed:
        sys.stdout.write(printed.text)
    if outcome.errors:
        raise AssertionError(outcome.errors[0].message)
    return outcome.findings


def summarise(findings: Iterable[Finding]) -> list[tuple[str, str, str | None, str]]:
    """(policy id, address, attribute, certainty) per finding: what a test compares."""
    return [(f.policy_id, f.address, f.attribute, str(f.certainty)) for f in findings]
