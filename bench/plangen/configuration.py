"""The configuration of the scaled plan: the reference project's modules under one
`for_each` module call, its state backend once beside it.

The project's root module calls `network`, `database`, `app` and `state_backend`. The
scaled root calls `state_backend` as the project does, and `service` with
`for_each = var.services`. The `service` module's body is the project's root module
without the state backend: its module calls, outputs and variables as Terraform wrote
them, except that what they took from `module.state_backend` they now take from
variables of the same names (`var.lock_table_arn`), which the root passes in from
`module.state_backend`. A reference then resolves per instance:
`module.service["k"].module.app`'s `var.lock_table_arn` → the `lock_table_arn` input of
`module.service["k"]` → `module.state_backend.lock_table_arn` → the lock table.

Each root variable of the project becomes, in the `service` call, `each.value.<name>` (a
setting per service, in `var.services`), unless it is shared (`SHARED`) or feeds the
state backend: those stay root variables.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from plangate.testing import refs

__all__ = ["SHARED", "Layout", "backend_variables", "scaled_configuration"]

SHARED = ("db_password", "region")  # one value for every service


@dataclass(frozen=True)
class Layout:
    """The scaled configuration, and which variables it reads from where."""

    configuration: dict[str, Any]
    per_service: tuple[str, ...]  # project variables set per service (`each.value.<name>`)
    root_variables: tuple[str, ...]  # project variables kept at the root


def scaled_configuration(
    project: dict[str, Any], call: str, backend: str, root_resources: list[dict[str, Any]]
) -> Layout:
    """`project`: the configuration section of a plan of the reference project."""
    root = project["root_module"]
    backend_call = root["module_calls"][backend]
    body, passed = _service_body(root, backend)
    kept = sorted(set(SHARED) | backend_variables(project, backend))
    per_service = tuple(v for v in body["variables"] if v not in passed and v not in kept)
    expressions = {}
    for name in body["variables"]:
        if name in passed:
            expressions[name] = refs(f"module.{backend}.{name}")
        elif name in kept:
            expressions[name] = refs(f"var.{name}")
        else:
            expressions[name] = refs(f"each.value.{name}")
    service_call = {
        "source": f"./modules/{call}",
        "expressions": expressions,
        "for_each_expression": refs(f"var.{call}s"),
        "module": body,
    }
    variables = {name: root["variables"][name] for name in kept}
    variables[f"{call}s"] = {"description": "The services, by team/name: their settings."}
    scaled_root: dict[str, Any] = {
        "outputs": {k: v for k, v in root["outputs"].items() if _refers_to(v, backend)}
    }
    if root_resources:
        scaled_root["resources"] = root_resources
    scaled_root["module_calls"] = dict(sorted({call: service_call, backend: backend_call}.items()))
    scaled_root["variables"] = dict(sorted(variables.items()))
    configuration = {**project, "root_module": scaled_root}
    return Layout(configuration, per_service, tuple(kept))


def backend_variables(project: dict[str, Any], backend: str) -> set[str]:
    """The project's root variables that the state backend's module call reads."""
    return _variables_used(project["root_module"]["module_calls"][backend]["expressions"])


def _service_body(root: dict[str, Any], backend: str) -> tuple[dict[str, Any], set[str]]:
    """The project's root module without `backend`: (body, the backend outputs it reads)."""
    calls = {
        name: {k: _localised(v, backend) if k.endswith("expressions") else v for k, v in c.items()}
        for name, c in root["module_calls"].items()
        if name != backend
    }
    outputs = {k: v for k, v in root["outputs"].items() if not _refers_to(v, backend)}
    prefix = f"module.{backend}."
    passed = {
        ref[len(prefix) :].split(".")[0]
        for ref in _references(list(root["module_calls"].values()))
        if ref.startswith(prefix)
    }
    used = _variables_used([calls, outputs])
    backend_outputs = root["module_calls"][backend]["module"]["outputs"]
    variables = {name: decl for name, decl in root["variables"].items() if name in used}
    for name in passed:
        description = backend_outputs[name].get("description", name)
        variables[name] = {"description": f"From the state backend: {description}"}
    body = {"outputs": outputs, "module_calls": calls, "variables": dict(sorted(variables.items()))}
    return body, passed


def _localised(node: Any, backend: str) -> Any:
    """`module.<backend>.x` references become `var.x`; the bare module reference goes."""
    if isinstance(node, list):
        return [_localised(item, backend) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _localised(item, backend) for key, item in node.items()}
    if isinstance(node.get("references"), list):
        local: list[str] = []
        for ref in node["references"]:
            if ref == f"module.{backend}":
                continue
            if ref.startswith(f"module.{backend}."):
                ref = "var." + ref[len(f"module.{backend}.") :]
            if ref not in local:
                local.append(ref)
        out["references"] = local
    return out


def _references(node: Any) -> Iterator[str]:
    """Every reference in expressions, not descending into called modules' bodies."""
    if isinstance(node, list):
        for item in node:
            yield from _references(item)
    elif isinstance(node, dict):
        for key, item in node.items():
            if key == "references" and isinstance(item, list):
                yield from (ref for ref in item if isinstance(ref, str))
            elif key != "module":
                yield from _references(item)


def _variables_used(node: Any) -> set[str]:
    return {ref.split(".")[1] for ref in _references(node) if ref.startswith("var.")}


def _refers_to(output: dict[str, Any], module: str) -> bool:
    return any(
        ref == f"module.{module}" or ref.startswith(f"module.{module}.")
        for ref in _references(output)
    )
