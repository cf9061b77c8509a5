"""Whether what a pack declares is fit to run: plain data, as the decorators and the
dataclasses build it.

The engine reads these objects' fields outside the isolation boundary (to route
policies, build the command line, merge settings), so a subclass or an object put
together by hand, whose attribute access could run pack code, is refused at load time.
"""

from __future__ import annotations

from typing import Any

from .contributors import ASSURANCE_INJECTABLE, Contributor
from .packs import Merge, Pack, Section, Setting
from .policy import INJECTABLE, INVENTORY_INJECTABLE, Inventory, Policy, Severity

__all__ = ["declaration_problem"]


def declaration_problem(item: Policy | Inventory | Pack | Contributor) -> str | None:
    """What makes a collected object unfit to run, or None."""
    if isinstance(item, Contributor):
        return _contributor_problem(item)
    if isinstance(item, Inventory):
        return _inventory_problem(item)
    if isinstance(item, Pack):
        return _pack_problem(item)
    if type(item) is not Policy:
        return f"{type(item).__name__} subclasses Policy; declare policies with @policy"
    plain = (
        type(item.id) is str
        and type(item.title) is str
        and type(item.severity) is Severity
        and _texts(item.resource_types)
        and _texts(item.actions)
        and _texts(item.tags)
        and _texts(item.params)
        and set(item.params) <= INJECTABLE
        and type(item.options) is dict
        and all(type(k) is str for k in item.options)
        and callable(item.func)
    )
    return None if plain else f"policy {item.id!r} was not declared with @policy"


def _inventory_problem(item: Inventory) -> str | None:
    plain = (
        type(item) is Inventory
        and type(item.section) is str
        and _texts(item.params)
        and set(item.params) <= INVENTORY_INJECTABLE
        and callable(item.func)
    )
    return None if plain else "an inventory not made by @inventory"


def _contributor_problem(item: Contributor) -> str | None:
    plain = (
        type(item) is Contributor
        and _texts(item.params)
        and set(item.params) <= ASSURANCE_INJECTABLE
        and (item.schema_file is None or type(item.schema_file) is str)
        and callable(item.func)
    )
    return None if plain else "an assurance contribution not made by @assurance"


def _pack_problem(item: Pack) -> str | None:
    plain = (
        type(item) is Pack
        and type(item.name) is str
        and type(item.settings) is tuple
        and all(_setting(s) for s in item.settings)
        and type(item.sections) is tuple
        and all(_section(s) for s in item.sections)
        and type(item.backend_fields) is dict
        and all(type(k) is str and _texts(v) for k, v in item.backend_fields.items())
        and type(item.backend_checks) is dict
        and all(type(k) is str and callable(v) for k, v in item.backend_checks.items())
        and (item.options is None or callable(item.options))
    )
    return None if plain else f"pack {item.name!r} is not a plain Pack(...) declaration"


def _setting(value: Any) -> bool:
    return (
        type(value) is Setting
        and type(value.name) is str
        and type(value.kind) is str
        and type(value.merge) is Merge
        and type(value.help) is str
        and (value.alias is None or type(value.alias) is str)
        and (value.check is None or callable(value.check))
    )


def _section(value: Any) -> bool:
    return (
        type(value) is Section
        and type(value.name) is str
        and _texts(value.key)
        and (value.schema is None or type(value.schema) is dict)
    )


def _texts(values: object) -> bool:
    return type(values) is tuple and all(type(v) is str for v in values)
