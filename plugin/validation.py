"""What `terraform show -json` writes, checked while indexing: the rest is rejected.

A plan that Terraform could not have written is an error (exit 2), never read as a pass.
Policies can only judge what they are shown; a hand-edited plan that spells an action
`"Create"`, marks a new object `deposed`, or lists a database in `planned_values` but not
in `resource_changes` would otherwise hide it from them.

The rules come from Terraform's serializer (`internal/command/jsonplan`: `actionString`,
`marshalResourceChange`, `marshalPlannedValues`) and are loosened wherever a real plan in
the shared corpus does otherwise (older versions, trimmed test fixtures):

- actions: exactly one of the nine lists `actionString` writes;
- mode: `managed` or `data`; `read` only on data sources;
- `deposed`: only on a delete, a no-op (the object was already gone) or a forget;
- values: `before`/`after` are objects or null; a create has no `before`; a create,
  update or replacement has an `after` (unless the whole object is unknown:
  `after_unknown: true`, and then it has none); a delete or forget has none; an update
  has a `before`;
- unknown markers: `after_unknown` mirrors the value with `true` where it is unknown,
  so it holds only booleans (or null) in objects and arrays: a marker of another type
  reads as "known", and a value left out beside it as absent;
- the address is `module_address` + (`data.`) + `type.name` + `[index]`;
- one change per address (and deposed key);
- `planned_values` lists exactly the managed objects that `resource_changes` keeps in the
  planned state (create, update, no-op, replacements; forget either way), unless it lists
  no resource at all (trimmed fixtures).

Every check is a few comparisons per resource in the one indexing pass; the message is
built only on failure.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable
from typing import Any

from .errors import PlangateError

__all__ = ["check_change", "check_planned_values", "shown"]

REGENERATE = "regenerate it with `terraform show -json PLANFILE` (Terraform never writes this)"

# The action lists Terraform writes (`actionString` in jsonplan), by one-word action.
ACTIONS: dict[tuple[str, ...], str] = {
    ("no-op",): "no-op",
    ("create",): "create",
    ("read",): "read",
    ("update",): "update",
    ("delete",): "delete",
    ("forget",): "forget",
    ("delete", "create"): "replace",
    ("create", "delete"): "replace",
    ("create", "forget"): "replace",
}
# Actions after which the object is in the planned state (what `planned_values` lists).
PLANNED = frozenset({"create", "update", "no-op", "replace"})
_DEPOSED_ACTIONS = frozenset({"delete", "no-op", "forget"})
_NEEDS_AFTER = frozenset({"create", "update", "replace"})
_NO_AFTER = frozenset({"delete", "forget"})
_MODES = frozenset({"managed", "data"})


def shown(text: object) -> str:
    """A value from the plan as it appears in a one-line message."""
    text = str(text)
    if text.isprintable() and len(text) <= 200:
        return text
    return json.dumps(text[:200])


def _reject(path: str, position: str, address: object, problem: str) -> PlangateError:
    where = position
    if isinstance(address, str):
        where += f" ({shown(address)})"
    return PlangateError("input", f"{path}: {where}: {problem}; {REGENERATE}")


def check_change(
    raw: Any,
    path: str,
    position: int,
    current: Container[str],
    deposed_seen: set[tuple[str, str]],
    field: str = "resource_changes",
) -> tuple[str, tuple[str, ...]]:
    """The one-word action and the actions of one entry of `resource_changes`, after the
    checks above; raises an input error naming the entry otherwise. The fields every
    reader relies on have the types Terraform writes (the envelope schema would take
    minutes on a large plan). This runs for every resource: plain code, one `get` per
    field, the message built only on failure."""
    try:
        change = raw["change"]
        address = raw["address"]
        get = raw.get
        type_, name, mode = get("type", ""), get("name", ""), get("mode", "managed")
        module, deposed, index = get("module_address", ""), get("deposed"), get("index")
        actions = tuple(change.get("actions", ()))
        action = ACTIONS.get(actions)
        valid = (
            type(address) is str
            and type(type_) is str
            and type(name) is str
            and type(mode) is str
            and type(module) is str
            and (deposed is None or type(deposed) is str)
            and (index is None or type(index) is str or type(index) is int)
            and type(get("provider_name", "")) is str
            and type(get("previous_address", "")) is str
            and type(get("action_reason", "")) is str
        )
    except (KeyError, TypeError, AttributeError):
        valid = False
    if not valid:
        raise PlangateError(
            "input",
            f"{path}: {field}[{position}] is not a resource change as "
            "`terraform show -json` writes it (address, change, types of fields)",
        )
    if action is None:
        raise _reject(path, f"{field}[{position}]", address, _actions_problem(actions))
    problem = _shape_problem(action, mode, deposed, change) or _identity_problem(
        address, (module, type_, name, mode, index), deposed, current, deposed_seen
    )
    if problem is not None:
        raise _reject(path, f"{field}[{position}]", address, problem)
    if deposed is not None:
        deposed_seen.add((address, deposed))
    return action, actions


def _shape_problem(
    action: str,
    mode: str,
    deposed: str | None,
    change: dict[str, Any],
) -> str | None:
    """What makes the change impossible for its action and mode, if anything: objects
    before and after that Terraform would not write for it."""
    before, after = change.get("before"), change.get("after")
    unknown = change.get("after_unknown")
    managed = mode == "managed"
    if mode not in _MODES:
        return f"mode {shown(mode)} is not managed or data"
    if deposed is not None and action not in _DEPOSED_ACTIONS:
        return f"a deposed object cannot be planned for {action}"
    if not (before is None or type(before) is dict) or not (after is None or type(after) is dict):
        return "before and after must be objects or null"
    if unknown is True and after is not None:
        return "after_unknown marks the whole planned object unknown, yet after holds it"
    if not _only_booleans(unknown):
        return "after_unknown holds a marker that is not true or false"
    if managed and action == "read":
        return "a managed resource cannot be read"
    if managed and action == "create" and before is not None:
        return "a create has a prior object (before)"
    if managed and action == "update" and before is None:
        return "an update has no prior object (before)"
    if managed and action in _NEEDS_AFTER and after is None and unknown is not True:
        return f"{_an(action)} has no planned object (after)"
    if managed and action in _NO_AFTER and after is not None:
        return f"{_an(action)} has a planned object (after)"
    return None


def _identity_problem(
    address: str,
    parts: tuple[str, str, str, str, Any],
    deposed: str | None,
    current: Container[str],
    deposed_seen: set[tuple[str, str]],
) -> str | None:
    """Whether the address is the one its parts (module, type, name, mode, index) spell,
    and names an object no earlier change planned."""
    module, type_, name, mode, index = parts
    if mode == "managed":
        expected = f"{module}.{type_}.{name}" if module else f"{type_}.{name}"
    else:
        expected = f"{module}.data.{type_}.{name}" if module else f"data.{type_}.{name}"
    if address != expected and not _indexed(address, expected, index):
        return "the address does not match module_address, mode, type, name and index"
    if address in current if deposed is None else (address, deposed) in deposed_seen:
        return "a second change for the same object"
    return None


def _only_booleans(marker: Any) -> bool:
    """Whether an unknown marker holds only booleans and nulls, in objects and arrays.
    Most are `{}` or a flat object of flags, decided by one loop over its values; nested
    ones are walked, containers only pushed (this runs for every resource of the plan)."""
    if marker is None or marker is True or marker is False:
        return True
    if marker.__class__ is dict:
        for item in marker.values():
            if item is not True and item is not False and item is not None:
                break
        else:
            return True
    stack = [marker]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        kind = node.__class__
        if kind is dict:
            items = node.values()
        elif kind is list:
            items = node
        else:
            return False
        for item in items:
            if item is True or item is False or item is None:
                continue
            push(item)
    return True


def _an(action: str) -> str:
    return f"an {action}" if action[0] in "aeiou" else f"a {action}"


def _actions_problem(actions: tuple[Any, ...]) -> str:
    try:
        text = shown(json.dumps(list(actions)))
    except (TypeError, ValueError):
        text = "of other types"
    return (
        f"actions {text} are not what Terraform writes (create, read, update, delete, "
        'no-op, forget, or ["delete","create"], ["create","delete"], ["create","forget"])'
    )


def _indexed(address: str, expected: str, index: object) -> bool:
    """`expected[index]`: an int as written, a string key JSON-quoted (not re-encoded:
    Terraform's escaping of a key is not Python's)."""
    if index is None or not address.startswith(expected):
        return False
    rest = address[len(expected) :]
    if type(index) is int:
        return rest == f"[{index}]"
    return rest.startswith('["') and rest.endswith('"]') and len(rest) >= 4


def check_planned_values(
    planned: Any, kept: Iterable[str], forgotten: Iterable[str], path: str
) -> None:
    """`planned_values` and `resource_changes` agree about which managed objects exist in
    the planned state. `kept`: addresses the changes keep (create, update, no-op,
    replacements); `forgotten`: addresses of forget actions, which may be listed or not.
    A `planned_values` that lists no resource at all is a trimmed file (seen in test
    fixtures of other tools) and is not compared."""
    listed = _planned_addresses(planned, path)
    if not listed:
        return
    kept, planned_set = set(kept), set(listed)
    if planned_set == kept and len(listed) == len(planned_set):
        return  # the common case, decided by one set comparison
    extra = sorted(planned_set - kept - set(forgotten))
    missing = sorted(kept - planned_set)
    if extra:
        raise PlangateError(
            "input",
            f"{path}: planned_values lists {shown(extra[0])}"
            f"{f' and {len(extra) - 1} more' if len(extra) > 1 else ''}, which "
            f"resource_changes does not keep in the planned state; {REGENERATE}",
        )
    if missing:
        raise PlangateError(
            "input",
            f"{path}: resource_changes keeps {shown(missing[0])}"
            f"{f' and {len(missing) - 1} more' if len(missing) > 1 else ''} in the planned "
            f"state, but planned_values does not list it; {REGENERATE}",
        )
    if len(listed) != len(set(listed)):
        raise PlangateError(
            "input", f"{path}: planned_values lists a managed object twice; {REGENERATE}"
        )


def _planned_addresses(planned: Any, path: str) -> list[str]:
    """Addresses of the managed resources in `planned_values` (every module)."""
    found: list[str] = []
    root = planned.get("root_module") if type(planned) is dict else None
    stack = [root] if root is not None else []
    while stack:
        module = stack.pop()
        if type(module) is not dict:
            raise PlangateError(
                "input",
                f"{path}: planned_values holds a module that is not an object; {REGENERATE}",
            )
        resources = module.get("resources") or []
        children = module.get("child_modules") or []
        if type(resources) is not list or type(children) is not list:
            raise PlangateError(
                "input",
                f"{path}: planned_values holds resources or child_modules that are not "
                f"lists; {REGENERATE}",
            )
        for resource in resources:
            if type(resource) is not dict or type(resource.get("address")) is not str:
                raise PlangateError(
                    "input",
                    f"{path}: planned_values holds a resource without an address; {REGENERATE}",
                )
            if resource.get("mode", "managed") == "managed":
                found.append(resource["address"])
        stack.extend(children)
    return found
