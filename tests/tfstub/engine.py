"""Plan, apply and read on plain state dicts, the way an SDKv2 provider does it.

State values come straight off the wire (msgpack decoded by the tf package): dicts, lists,
scalars, ``None`` for null and ``tf.types.Unknown`` for values unknown at plan time.

Plan (create):
    - an unset argument with a provider default (``=JSON`` in the table) takes it;
    - an unset computed attribute becomes unknown; so does a computed block with no elements;
    - inside nested blocks and "attributes as blocks" objects, unset non-computed fields take
      their type's zero value (``""``, ``0``, ``false``, ``[]``), as the SDK writes them;
    - ``tags_all`` is the provider's ``default_tags`` merged with ``tags``.
Plan (update): the same over Terraform's proposed state (which already carries prior computed
    values), keeping the prior value of a computed block the configuration leaves out, and
    asking for replacement when an attribute flagged ``new`` changes.
Apply: every unknown left gets a value: the table's template if it has one, else the zero value.
Import: the object gets its id (and the name the id stands for) and create-time values; the plan
    that imports it updates it to the configuration in place.
Read: the object is what was applied (nothing drifts).
"""

from __future__ import annotations

import json
from copy import deepcopy
from dataclasses import replace
from typing import Any

from tf.types import Unknown

from .dsl import NO_DEFAULT, Body, TypeDef, TypeSpec
from .values import CopyOf, Env, render, seed_of


def plan(td: TypeDef, prior: dict | None, proposed: dict, env: Env) -> tuple[dict, list[str]]:
    """Return the planned state and the names of attributes that force replacement."""
    creating = prior is None
    planned = _plan_body(td.body, deepcopy(proposed), prior, creating, top=True)
    if td.body.attr("tags_all") is not None:
        planned["tags_all"] = tags_all(planned.get("tags"), env)
    if td.on_plan is not None:
        td.on_plan(planned, env, prior)
    replace: list[str] = []
    if prior is not None and not _freshly_imported(td, prior, env):
        for a in td.body.attrs:
            if a.force_new and not same(prior.get(a.name), planned.get(a.name), a.type):
                replace.append(a.name)
    return planned, replace


def apply(td: TypeDef, planned: dict, env: Env, *, unique: bool = True) -> dict:
    state = deepcopy(planned)
    env = replace(env, seed=seed_of(td.name, planned, unique=unique))
    for name, template in td.computed.items():
        if state.get(name, Unknown) is Unknown:
            state[name] = render(template, state, env, name)
    _resolve_unknowns(td.body, state)
    return state


def import_state(td: TypeDef, import_id: str, env: Env) -> dict:
    """The object ``terraform import`` (or an ``import`` block) finds for ``import_id``.

    Arguments take their defaults, or null; the attribute the id is a copy of (a bucket's
    name, a table's name) takes the id; everything else is filled as on create. The stub has
    nothing to read the other arguments from, so the plan that imports shows an update to the
    configured values (never a replacement, see ``_freshly_imported``).
    """
    nulls = {a.name: None for a in td.body.attrs}
    nulls.update({b.name: None if b.nesting == "single" else [] for b in td.body.blocks})
    state = _plan_body(td.body, nulls, None, creating=True, top=True)
    state["id"] = import_id
    template = td.computed.get("id")
    if isinstance(template, CopyOf):
        state[template.attr] = import_id
    return apply(td, state, env, unique=False)


def _freshly_imported(td: TypeDef, prior: dict, env: Env) -> bool:
    """Is ``prior`` exactly what ``import_state`` made? Then the first plan after the import
    adopts the configuration in place: the stub could not read the arguments that would
    otherwise force a replacement."""
    import_id = prior.get("id")
    return isinstance(import_id, str) and prior == import_state(td, import_id, env)


def read_data(td: TypeDef, config: dict, env: Env) -> dict:
    state = _plan_body(td.body, deepcopy(config), None, creating=False, top=True)
    env = replace(env, seed=td.name + "\0" + _canon(config))
    if td.on_read is not None:
        td.on_read(state, env)
    for name, template in td.computed.items():
        if state.get(name) is None:
            state[name] = render(template, state, env, name)
    return state


def tags_all(tags: Any, env: Env) -> Any:
    if tags is Unknown or (isinstance(tags, dict) and any(v is Unknown for v in tags.values())):
        return Unknown
    return {**(env.default_tags or {}), **(tags or {})}


def same(a: Any, b: Any, t: TypeSpec) -> bool:
    if a is Unknown or b is Unknown:
        return False
    if t.kind == "set" and isinstance(a, list) and isinstance(b, list):
        return sorted(map(_canon, a)) == sorted(map(_canon, b))
    return bool(a == b)


def _canon(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=repr)


def _plan_body(body: Body, value: dict, prior: dict | None, creating: bool, top: bool) -> dict:
    for a in body.attrs:
        v = value.get(a.name)
        if v is None:
            if a.default is not NO_DEFAULT:
                value[a.name] = deepcopy(a.default)
            elif a.computed:
                # top level: Terraform's proposed state already holds the prior value on update
                value[a.name] = Unknown if creating else (None if top else a.type.zero())
            elif not top:
                value[a.name] = a.type.zero()
            else:
                value[a.name] = None
        elif v is not Unknown and a.type.object_fields():
            value[a.name] = _fill_objects(v, a.type)
    for b in body.blocks:
        v = value.get(b.name)
        empty = v is None or v == []
        if b.computed and empty:
            before = prior.get(b.name) if prior else None
            if creating:
                value[b.name] = Unknown
            elif before not in (None, Unknown):
                value[b.name] = before
            continue
        if v is None or v is Unknown:
            continue
        if b.nesting == "single":
            value[b.name] = _plan_body(b.body, v, None, creating, top=False)
        else:
            value[b.name] = [
                _plan_body(b.body, e, None, creating, top=False) if isinstance(e, dict) else e
                for e in v
            ]
    return value


def _fill_objects(v: Any, t: TypeSpec) -> Any:
    """Zero-fill null fields of object elements ("attributes as blocks", e.g. SG ingress)."""
    fields = t.object_fields()
    if t.kind == "object":
        return _fill_object(v, fields)
    if isinstance(v, list):
        return [_fill_object(e, fields) for e in v]
    return v


def _fill_object(obj: Any, fields: tuple[tuple[str, TypeSpec], ...]) -> Any:
    if not isinstance(obj, dict):
        return obj
    out = dict(obj)
    for name, ft in fields:
        if out.get(name) is None:
            out[name] = ft.zero()
    return out


def _resolve_unknowns(body: Body, state: dict) -> None:
    for a in body.attrs:
        state[a.name] = _resolve_value(state.get(a.name), a.type)
    for b in body.blocks:
        v = state.get(b.name)
        if v is Unknown:
            state[b.name] = None if b.nesting == "single" else []
        elif isinstance(v, dict):
            _resolve_unknowns(b.body, v)
        elif isinstance(v, list):
            for e in v:
                if isinstance(e, dict):
                    _resolve_unknowns(b.body, e)


def _resolve_value(v: Any, t: TypeSpec) -> Any:
    if v is Unknown:
        return t.zero()
    if isinstance(v, list) and t.elem is not None:
        return [_resolve_value(e, t.elem) for e in v]
    if isinstance(v, dict):
        if t.kind == "object":
            types = dict(t.fields)
            return {k: _resolve_value(x, types[k]) if k in types else x for k, x in v.items()}
        if t.elem is not None:
            return {k: _resolve_value(x, t.elem) for k, x in v.items()}
    return v
