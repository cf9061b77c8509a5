"""Following references between the resources of one plan (`Plan.references`).

The configuration is the pull request author's, so following it is bounded: what a
module variable, a module output or a local value leads to is worked out once per
module instance and kept (a chain of modules passing a value through several inputs
walked every path, exponentially many), and one resolve stops after `WORK_BUDGET` steps,
marking what it found `unresolved` so that policies report it as possible, never clean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from pathlib import Path as FilePath
from typing import Any

from .addresses import ModuleStep, module_path
from .config_tree import ConfigTree
from .hcl_locals import LocalsIndex
from .instances import InstanceIndex, identifiers_in
from .model import Resource
from .references import (
    Ref,
    Resolution,
    Traversal,
    expression_constants,
    expression_references,
    traversals_to_follow,
)
from .values import UNKNOWN, Path, normalise_path

__all__ = ["WORK_BUDGET", "Resolver"]

_MAX_DEPTH = 32
# Steps one resolve may take (references read, targets and values gathered): far above
# what real configurations need, far below what makes a run noticeably slower.
WORK_BUDGET = 200_000
# Roots `_follow_named` acts on; most references name a resource and skip the call.
_NAMED_ROOTS = frozenset({"var", "local", "module"})
# The `via` of a link found by a known value (an ARN or name), whatever path led there.
_BY_VALUE = ("value",)


class _Found:
    """What a walk found so far: refs (one per target, the first path kept unless a later
    one names an attribute), values (each object once), and whether something could not
    be followed."""

    __slots__ = ("_positions", "_seen_values", "refs", "unresolved", "values")

    def __init__(self) -> None:
        self.refs: list[Ref] = []
        self.values: list[Any] = []
        self.unresolved = False
        self._positions: dict[int, int] = {}
        self._seen_values: set[int] = set()

    def add(self, ref: Ref) -> None:
        position = self._positions.get(id(ref.target))
        if position is None:
            self._positions[id(ref.target)] = len(self.refs)
            self.refs.append(ref)
        elif self.refs[position].attribute is None and ref.attribute is not None:
            self.refs[position] = ref

    def add_values(self, values: Iterable[Any]) -> None:
        # By identity: the same constant reached along two paths is one object, and
        # values (dicts, lists) need not be hashable.
        for value in values:
            if id(value) not in self._seen_values:
                self._seen_values.add(id(value))
                self.values.append(value)


class _OutOfBudget(Exception):
    """One resolve took `WORK_BUDGET` steps."""


class Resolver:
    """Follows references between the resources of one plan.

    Built from the plan's model values, which never change once built: its resources
    indexed by block (`InstanceIndex`), the configuration tree, the root module's
    variable values, and the folder of the `.tf` sources (None: local values cannot be
    followed). What it works out is kept, which is sound only because nothing it is
    built from changes afterwards.
    """

    def __init__(
        self,
        index: InstanceIndex,
        tree: ConfigTree,
        variables: Mapping[str, Any],
        source_dir: FilePath | None = None,
    ) -> None:
        self._index = index
        self._tree = tree
        self._variables = variables
        self._source_dir = source_dir
        self._expressions: dict[
            tuple[object, Path], tuple[bool, tuple[str, ...], tuple[Any, ...]]
        ] = {}
        # What a module variable, output or local value leads to, per module instance
        # (vias relative to it), kept across resolves; and those being worked out now.
        self._memo: dict[tuple[Any, ...], _Found] = {}
        self._active: set[tuple[Any, ...]] = set()
        self._budget = WORK_BUDGET

    # -- public API ----------------------------------------------------------------------

    def by_identifier(self, value: str) -> list[Resource]:
        """Resources whose ARN, id or name is exactly `value`."""
        return list(self._index.identifiers.get(value, ()))

    def resolve(self, resource: Resource, path: str | Path) -> Resolution:
        """Resources the attribute at `path` of this instance refers to."""
        if type(path) is not tuple:
            path = normalise_path(path)
        found = _Found()
        configured, refs, constants = self._expression(resource, path)
        if configured:
            if constants:
                found.add_values(constants)
            self._budget = WORK_BUDGET
            try:
                self._follow(refs, resource.module_steps, resource.index, (), found, 0)
            except _OutOfBudget:
                found.unresolved = True  # the link may exist: fail closed
        value = resource.after_value(path)
        self._match_values(value, resource, found)
        if value is UNKNOWN and not found.refs and not configured:
            found.unresolved = True
        return Resolution(found.refs, found.unresolved, found.values)

    def _expression(
        self, resource: Resource, path: Path
    ) -> tuple[bool, tuple[str, ...], tuple[Any, ...]]:
        """(whether the configuration sets `path`, the references and the constants of its
        expression), read once per block and path: every instance of a block shares them."""
        key = (resource.config_key, path)
        found = self._expressions.get(key)
        if found is None:
            config = self._tree.resource(resource.config_key)
            expr = config.expression(path) if config is not None else None
            if config is None or expr is None:
                found = (False, (), ())
            else:
                refs = expression_references(expr)
                if any(r.startswith("each.value") for r in refs):
                    # `each.value.id` under `for_each = aws_subnet.public` is that instance's id.
                    refs.extend(expression_references(config.raw.get("for_each_expression")))
                found = (True, tuple(refs), tuple(expression_constants(expr)))
            self._expressions[key] = found
        return found

    def targets(self, resource: Resource, path: str | Path, *types: str) -> list[Ref]:
        resolution = self.resolve(resource, path)
        return resolution.of_type(*types) if types else resolution.refs

    # -- following references ------------------------------------------------------------

    def _spend(self, steps: int) -> None:
        self._budget -= steps
        if self._budget < 0:
            raise _OutOfBudget

    def _follow(
        self,
        refs: Iterable[str],
        steps: tuple[ModuleStep, ...],
        referrer_index: str | int | None,
        via: tuple[str, ...],
        found: _Found,
        depth: int,
    ) -> None:
        if depth > _MAX_DEPTH:
            found.unresolved = True
            return
        traversals, by_instance = traversals_to_follow(tuple(refs))
        self._spend(1 + len(traversals))
        for traversal in traversals:
            if traversal[0][0] in _NAMED_ROOTS and self._follow_named(
                traversal, steps, referrer_index, via, found, depth
            ):
                continue
            index = referrer_index if by_instance else None
            self._follow_block(traversal, steps, index, via, found)

    def _follow_named(
        self,
        traversal: Traversal,
        steps: tuple[ModuleStep, ...],
        referrer_index: str | int | None,
        via: tuple[str, ...],
        found: _Found,
        depth: int,
    ) -> bool:
        """A module variable, local value or module output, worked out once per module
        instance; whether the traversal was one (or the whole module object, whose more
        specific sibling reference is followed instead)."""
        root = traversal[0][0]
        if root == "var" and len(traversal) > 1:
            name = traversal[1][0]
            self._through(
                ("var", steps, name),
                lambda into: self._follow_variable(name, steps, into, depth),
                via,
                found,
            )
        elif root == "local" and len(traversal) > 1:
            name = traversal[1][0]
            self._through(
                ("local", steps, name, referrer_index),
                lambda into: self._follow_local(name, steps, referrer_index, into, depth),
                via,
                found,
            )
        elif root == "module" and len(traversal) > 2:
            call, output = traversal[1], traversal[2][0]
            self._through(
                ("output", steps, call, output),
                lambda into: self._follow_output(call, output, steps, into, depth),
                via,
                found,
            )
        return root in ("var", "local", "module") and (root == "module" or len(traversal) > 1)

    def _follow_block(
        self,
        traversal: Traversal,
        steps: tuple[ModuleStep, ...],
        referrer_index: str | int | None,
        via: tuple[str, ...],
        found: _Found,
    ) -> None:
        """A resource or data source block, narrowed to an instance where it says so."""
        root = traversal[0][0]
        if root == "data" and len(traversal) > 2:
            self._add_instances(
                steps, "data", traversal[1][0], traversal[2], traversal[3:], via,
                referrer_index, found,
            )  # fmt: skip
        elif len(traversal) > 1:
            self._add_instances(
                steps, "managed", root, traversal[1], traversal[2:], via, referrer_index, found
            )

    def _through(
        self,
        key: tuple[Any, ...],
        walk: Callable[[_Found], None],
        via: tuple[str, ...],
        found: _Found,
    ) -> None:
        """Add what a module variable, output or local value leads to, worked out once.

        A node met again while it is being worked out (a cycle, which Terraform forbids
        but a hand-edited plan or a misread source may hold) is unresolved. A node whose
        walk ran out of budget is kept as far as it got, unresolved: a later resolve that
        meets it pays for what was found, not for the walk again.
        """
        if key in self._active:
            found.unresolved = True
            return
        known = self._memo.get(key)
        if known is None:
            known = self._memo[key] = _Found()
            self._active.add(key)
            try:
                walk(known)
            except _OutOfBudget:
                known.unresolved = True
                _merge(known, via, found)  # what was found so far still counts
                raise
            finally:
                self._active.discard(key)
        self._spend(1 + len(known.refs) + len(known.values))
        _merge(known, via, found)

    def _add_instances(
        self,
        steps: tuple[ModuleStep, ...],
        mode: str,
        type_: str,
        name_step: tuple[str, str | int | None],
        rest: Traversal,
        via: tuple[str, ...],
        referrer_index: str | int | None,
        found: _Found,
    ) -> None:
        name, key = name_step
        instances = self._index.instances.get((steps, mode, type_, name), [])
        self._spend(len(instances))
        # The views' `index`, read from the dicts: this runs for every reference followed.
        if key is not None:
            instances = [i for i in instances if i.raw.get("index") == key]
        elif referrer_index is not None:
            narrowed = [i for i in instances if i.raw.get("index") == referrer_index]
            instances = narrowed or instances
        attribute = rest[0][0] if rest else None
        for instance in instances:
            found.add(Ref(instance, attribute, via))

    @cached_property
    def _locals(self) -> LocalsIndex | None:
        if self._source_dir is None:
            return None
        return LocalsIndex(self._source_dir, self._tree.module_sources())

    def _follow_local(
        self,
        name: str,
        steps: tuple[ModuleStep, ...],
        referrer_index: str | int | None,
        found: _Found,
        depth: int,
    ) -> None:
        refs = self._locals.references(module_path(steps), name) if self._locals else None
        if refs is None:
            found.unresolved = True
            return
        self._follow(refs, steps, referrer_index, (f"local.{name}",), found, depth + 1)

    def _follow_variable(
        self, name: str, steps: tuple[ModuleStep, ...], found: _Found, depth: int
    ) -> None:
        if not steps:
            variable = self._variables.get(name)
            if isinstance(variable, dict) and "value" in variable:
                found.add_values((variable["value"],))
                before = len(found.refs)
                self._match_values(variable["value"], None, found)
                if len(found.refs) == before:
                    found.unresolved = True
            else:
                found.unresolved = True
            return
        parent_steps, call = steps[:-1], steps[-1]
        parent = self._tree.module(module_path(parent_steps))
        call_raw = parent.calls.get(call.name) if parent else None
        expr = ((call_raw or {}).get("expressions") or {}).get(name)
        if expr is None:
            # Not set by the caller: the variable's default, if any, is a constant.
            child = self._tree.module(module_path(steps))
            default = (child.variable(name) or {}).get("default") if child else None
            if default is not None:
                found.add_values((default,))
                self._match_values(default, None, found)
            return
        found.add_values(expression_constants(expr))
        refs = expression_references(expr)
        if any(r.startswith("each.value") for r in refs):
            refs.extend(expression_references((call_raw or {}).get("for_each_expression")))
        self._follow(refs, parent_steps, call.key, (f"{call}: var.{name}",), found, depth + 1)

    def _follow_output(
        self,
        module_step: tuple[str, str | int | None],
        output: str,
        steps: tuple[ModuleStep, ...],
        found: _Found,
        depth: int,
    ) -> None:
        name, key = module_step
        config = self._tree.module((*module_path(steps), name))
        expr = config.output_expression(output) if config else None
        if expr is None:
            found.unresolved = True
            return
        children = [
            c
            for c in self._index.module_instances.get(steps, ())
            if c[-1].name == name and (key is None or c[-1].key == key)
        ]
        self._spend(len(children))
        if not children:
            # The module holds no resources of its own (outputs pass through its children).
            children = [(*steps, ModuleStep(name, key))]
        found.add_values(expression_constants(expr))
        refs = expression_references(expr)
        for child in children:
            self._follow(refs, child, None, (f"{child[-1]}: output.{output}",), found, depth + 1)

    # -- known values ---------------------------------------------------------------------

    def _match_values(self, value: Any, referrer: Resource | None, found: _Found) -> None:
        for item in identifiers_in(value):
            for target in self._index.identifiers.get(item, ()):
                if target is not referrer:
                    found.add(Ref(target, None, _BY_VALUE))


def _merge(known: _Found, via: tuple[str, ...], found: _Found) -> None:
    """Add a node's findings (vias relative to it) to a walk that reached it by `via`."""
    for ref in known.refs:
        if via and ref.via is not _BY_VALUE:  # reached from the top: the node's own refs
            ref = Ref(ref.target, ref.attribute, (*via, *ref.via))
        found.add(ref)
    found.add_values(known.values)
    found.unresolved = found.unresolved or known.unresolved
