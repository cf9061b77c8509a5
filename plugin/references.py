"""Which resources does an attribute refer to?

In a first-time plan the ids and ARNs that link resources are unknown, so links are
found through the `configuration` expressions: `references` lists, followed through
module input variables and child module outputs, per module instance. Known values
(ARNs, ids, names) are the fallback, and the only way through `local.*` values, which
Terraform does not write into the plan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .addresses import ModuleStep, module_path, parse_traversal
from .hcl_locals import LocalsIndex
from .model import ResourceChange, StateResource
from .values import UNKNOWN, normalise_path

if TYPE_CHECKING:
    from .plan import Plan
    from .values import Path

__all__ = ["Ref", "Resolution", "Resolver", "expression_references"]

Resource = ResourceChange | StateResource
_IGNORED_ROOTS = frozenset({"each", "count", "path", "terraform", "self"})
IDENTIFIER_ATTRIBUTES = ("arn", "id", "name", "bucket", "stream_arn", "family", "identifier",
                         "cluster_identifier")
_MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class Ref:
    """A resource instance an attribute refers to, and the hops that led there."""

    target: Resource
    attribute: str | None
    via: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        return self.target.address


@dataclass(slots=True)
class Resolution:
    refs: list[Ref] = field(default_factory=list)
    # True when some reference could not be followed (a local value, a root variable
    # whose value names nothing in the plan): the link may exist but cannot be proven.
    unresolved: bool = False
    # Constant or variable values met on the way, for callers that match names or ARNs.
    values: list[Any] = field(default_factory=list)

    def __iter__(self) -> Iterator[Ref]:
        return iter(self.refs)

    def __bool__(self) -> bool:
        return bool(self.refs)

    def of_type(self, *types: str) -> list[Ref]:
        return [r for r in self.refs if r.target.type in types]


def _leaves(expr: Any) -> Iterator[dict[str, Any]]:
    """Expression leaves (`{"references": …}` / `{"constant_value": …}`) in source order,
    descending into nested blocks (lists of expression maps)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if "references" in node or "constant_value" in node:
                yield node
            else:
                stack.extend(reversed(list(node.values())))


def expression_references(expr: Any) -> list[str]:
    """Every reference string inside an expression subtree (blocks included)."""
    return [ref for leaf in _leaves(expr) for ref in leaf.get("references") or ()
            if isinstance(ref, str)]


def expression_constants(expr: Any) -> list[Any]:
    return [leaf["constant_value"] for leaf in _leaves(expr) if "constant_value" in leaf]


class Resolver:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan

    # -- indexes, built once on first use --------------------------------------------------

    @cached_property
    def _instances(self) -> dict[tuple[tuple[ModuleStep, ...], str, str, str], list[Resource]]:
        index: dict[tuple[tuple[ModuleStep, ...], str, str, str], list[Resource]]
        index = defaultdict(list)
        seen: set[str] = set()
        for change in self.plan.changes:
            seen.add(change.address)
            index[(change.module_steps, change.mode, change.type, change.name)].append(change)
        for resource in self.plan.prior_resources:
            if resource.address not in seen:
                index[(resource.module_steps, resource.mode, resource.type, resource.name)].append(
                    resource
                )
        return index

    @cached_property
    def _module_instances(self) -> dict[tuple[ModuleStep, ...], list[tuple[ModuleStep, ...]]]:
        """Parent module instance → its child module instances that hold resources."""
        children: dict[tuple[ModuleStep, ...], set[tuple[ModuleStep, ...]]] = defaultdict(set)
        for steps, *_ in self._instances:
            for depth in range(len(steps)):
                children[steps[:depth]].add(steps[: depth + 1])
        return {k: sorted(v, key=str) for k, v in children.items()}

    @cached_property
    def _identifiers(self) -> dict[str, list[Resource]]:
        index: dict[str, list[Resource]] = defaultdict(list)
        for resources in self._instances.values():
            for resource in resources:
                # Read the dicts directly: unknown values are absent from `after`, and this
                # runs for every resource of the plan.
                raw = resource.raw
                values = raw.get("values") if "values" in raw else raw["change"].get("after")
                if not isinstance(values, dict):
                    continue
                for attr in IDENTIFIER_ATTRIBUTES:
                    value = values.get(attr)
                    if isinstance(value, str) and value:
                        index[value].append(resource)
        return index

    def by_identifier(self, value: str) -> list[Resource]:
        """Resources whose ARN, id or name is exactly `value`."""
        return list(self._identifiers.get(value, ()))

    # -- public API ----------------------------------------------------------------------

    def resolve(self, resource: Resource, path: str | Path) -> Resolution:
        """Resources the attribute at `path` of this instance refers to."""
        path = normalise_path(path)
        result = Resolution()
        config = self.plan.config_for(resource)
        expr = config.expression(path) if config is not None else None
        if expr is not None:
            refs = expression_references(expr)
            if any(r.startswith("each.value") for r in refs):
                # `each.value.id` under `for_each = aws_subnet.public` is that instance's id.
                refs.extend(expression_references(config.raw.get("for_each_expression")))
            result.values.extend(expression_constants(expr))
            self._follow(refs, resource.module_steps, resource.index, (), result, 0)
        value = resource.after_value(path)
        self._match_values(value, resource, result)
        if value is UNKNOWN and not result.refs and expr is None:
            result.unresolved = True
        return result

    def targets(self, resource: Resource, path: str | Path, *types: str) -> list[Ref]:
        resolution = self.resolve(resource, path)
        return resolution.of_type(*types) if types else resolution.refs

    # -- following references ------------------------------------------------------------

    def _follow(
        self,
        refs: Iterable[str],
        steps: tuple[ModuleStep, ...],
        referrer_index: str | int | None,
        via: tuple[str, ...],
        result: Resolution,
        depth: int,
    ) -> None:
        if depth > _MAX_DEPTH:
            result.unresolved = True
            return
        parsed = []
        for ref in refs:
            try:
                parsed.append(parse_traversal(ref))
            except ValueError:
                continue
        by_instance = any(t[0][0] in ("each", "count") for t in parsed)
        # `x.y[0].id` is unwrapped to `x.y[0].id`, `x.y[0]` and `x.y`: the bare `x.y` must
        # not widen the reference to every instance.
        keyed = {_block_key(t) for t in parsed if _instance_key(t) is not None}
        for traversal in parsed:
            if _instance_key(traversal) is None and _block_key(traversal) in keyed:
                continue
            root = traversal[0][0]
            if root in _IGNORED_ROOTS:
                continue
            if root == "var" and len(traversal) > 1:
                self._follow_variable(traversal[1][0], steps, via, result, depth)
            elif root == "local" and len(traversal) > 1:
                self._follow_local(traversal[1][0], steps, referrer_index, via, result, depth)
            elif root == "module" and len(traversal) > 2:
                self._follow_output(traversal[1], traversal[2][0], steps, via, result, depth)
            elif root == "module":
                continue  # the whole module object; its more specific sibling follows
            elif root == "data" and len(traversal) > 2:
                self._add_instances(
                    steps, "data", traversal[1][0], traversal[2], traversal[3:], via,
                    referrer_index if by_instance else None, result,
                )
            elif len(traversal) > 1:
                self._add_instances(
                    steps, "managed", root, traversal[1], traversal[2:], via,
                    referrer_index if by_instance else None, result,
                )

    def _add_instances(
        self,
        steps: tuple[ModuleStep, ...],
        mode: str,
        type_: str,
        name_step: tuple[str, str | int | None],
        rest: list[tuple[str, str | int | None]],
        via: tuple[str, ...],
        referrer_index: str | int | None,
        result: Resolution,
    ) -> None:
        name, key = name_step
        instances = self._instances.get((steps, mode, type_, name), [])
        if key is not None:
            instances = [i for i in instances if i.index == key]
        elif referrer_index is not None:
            narrowed = [i for i in instances if i.index == referrer_index]
            instances = narrowed or instances
        attribute = rest[0][0] if rest else None
        for instance in instances:
            self._add(result, Ref(instance, attribute, via))

    @cached_property
    def _locals(self) -> LocalsIndex | None:
        if self.plan.source_dir is None:
            return None
        sources: dict[tuple[str, ...], str] = {}
        for module in self.plan.config_modules.values():
            for name, call in module.calls.items():
                sources[(*module.path, name)] = str(call.get("source", ""))
        return LocalsIndex(self.plan.source_dir, sources)

    def _follow_local(
        self,
        name: str,
        steps: tuple[ModuleStep, ...],
        referrer_index: str | int | None,
        via: tuple[str, ...],
        result: Resolution,
        depth: int,
    ) -> None:
        refs = self._locals.references(module_path(steps), name) if self._locals else None
        if refs is None:
            result.unresolved = True
            return
        self._follow(refs, steps, referrer_index, (*via, f"local.{name}"), result, depth + 1)

    def _follow_variable(
        self,
        name: str,
        steps: tuple[ModuleStep, ...],
        via: tuple[str, ...],
        result: Resolution,
        depth: int,
    ) -> None:
        if not steps:
            variable = self.plan.variables.get(name)
            if isinstance(variable, dict) and "value" in variable:
                result.values.append(variable["value"])
                before = len(result.refs)
                self._match_values(variable["value"], None, result)
                if len(result.refs) == before:
                    result.unresolved = True
            else:
                result.unresolved = True
            return
        parent_steps, call = steps[:-1], steps[-1]
        parent = self.plan.config_module(module_path(parent_steps))
        call_raw = parent.calls.get(call.name) if parent else None
        expr = ((call_raw or {}).get("expressions") or {}).get(name)
        if expr is None:
            # Not set by the caller: the variable's default, if any, is a constant.
            child = self.plan.config_module(module_path(steps))
            default = (child.variable(name) or {}).get("default") if child else None
            if default is not None:
                result.values.append(default)
                self._match_values(default, None, result)
            return
        result.values.extend(expression_constants(expr))
        refs = expression_references(expr)
        if any(r.startswith("each.value") for r in refs):
            refs.extend(expression_references((call_raw or {}).get("for_each_expression")))
        self._follow(
            refs, parent_steps, call.key,
            (*via, f"{call}: var.{name}"), result, depth + 1,
        )

    def _follow_output(
        self,
        module_step: tuple[str, str | int | None],
        output: str,
        steps: tuple[ModuleStep, ...],
        via: tuple[str, ...],
        result: Resolution,
        depth: int,
    ) -> None:
        name, key = module_step
        config = self.plan.config_module((*module_path(steps), name))
        expr = config.output_expression(output) if config else None
        if expr is None:
            result.unresolved = True
            return
        children = [
            c for c in self._module_instances.get(steps, ())
            if c[-1].name == name and (key is None or c[-1].key == key)
        ]
        if not children:
            # The module holds no resources of its own (outputs pass through its children).
            children = [(*steps, ModuleStep(name, key))]
        result.values.extend(expression_constants(expr))
        refs = expression_references(expr)
        for child in children:
            self._follow(refs, child, None, (*via, f"{child[-1]}: output.{output}"), result,
                         depth + 1)

    # -- known values ---------------------------------------------------------------------

    def _match_values(self, value: Any, referrer: Resource | None, result: Resolution) -> None:
        for item in _strings(value):
            for target in self._identifiers.get(item, ()):
                if target is not referrer:
                    self._add(result, Ref(target, None, ("value",)))

    @staticmethod
    def _add(result: Resolution, ref: Ref) -> None:
        for i, existing in enumerate(result.refs):
            if existing.target is ref.target:
                if existing.attribute is None and ref.attribute is not None:
                    result.refs[i] = ref
                return
        result.refs.append(ref)


def _block_key(traversal: list[tuple[str, str | int | None]]) -> tuple[str, ...]:
    """`data.t.n…` → ("data", "t", "n"); `t.n…` → ("t", "n"); module calls likewise."""
    names = [name for name, _ in traversal]
    return tuple(names[:3]) if names[0] == "data" else tuple(names[:2])


def _instance_key(traversal: list[tuple[str, str | int | None]]) -> str | int | None:
    position = 2 if traversal[0][0] == "data" else 1
    return traversal[position][1] if len(traversal) > position else None


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, str):
                yield item
