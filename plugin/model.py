"""The read-only plan model: thin views over the parsed JSON, built in one pass.

Views keep a reference to Terraform's dicts instead of copying them, so memory grows
with the plan and nothing is parsed twice. Policies get these views, never the dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .addresses import ModuleStep, module_path, parse_module_address
from .credentials import SECRET_NAME_PARTS, looks_secret
from .errors import PlanValueError
from .validation import shown
from .values import (
    ARRAY,
    BOOLEAN,
    NUMBER,
    TEXT,
    UNKNOWN,
    Kind,
    Path,
    WrongType,
    collect_marked,
    has_true,
    lookup,
    marked,
    normalise_path,
    typed_lookup,
)

__all__ = [
    "SECRET_NAME_PARTS",
    "Resource",
    "ResourceChange",
    "StateResource",
    "looks_secret",
]


def provider_suffix(provider_name: str | None) -> str:
    """`registry.opentofu.org/hashicorp/aws` and `aws` both → `hashicorp/aws`."""
    if not provider_name:
        return ""
    parts = provider_name.split("/")
    if len(parts) == 1:
        return f"hashicorp/{parts[0]}"
    return "/".join(parts[-2:])


def path_text(path: Path) -> str:
    """`("ingress", 0, "from_port")` → `ingress[0].from_port`."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


class _Resource:
    """What changes and prior-state resources share: identity and module placement, and
    the typed readers policies decide with.

    `after_bool`, `after_number`, `after_text` and `after_texts` read a planned value like
    `after_value` (None when absent, UNKNOWN when known only after apply) and check that
    it has the JSON type Terraform writes there: a policy that tested `is True` on a
    hand-edited `"true"` would pass the plan. A value of another type raises
    `PlanValueError` naming the resource and attribute, and is also recorded with the
    plan, so the run reports it even if policy code catches the exception."""

    __slots__ = ("_config_key", "_module_steps", "_problems", "raw")

    def __init__(self, raw: Mapping[str, Any], problems: dict[str, None] | None = None) -> None:
        self.raw = raw
        self._module_steps: tuple[ModuleStep, ...] | None = None
        self._config_key: tuple[tuple[str, ...], str] | None = None
        self._problems = problems

    # -- typed reading ------------------------------------------------------------------

    def _planned(self) -> tuple[Any, Any]:
        """The planned values and their unknown markers."""
        raise NotImplementedError

    def after_bool(self, path: str | Path) -> Any:
        """A boolean, None or UNKNOWN; any other JSON type is an input error."""
        return self._typed(*self._planned(), normalise_path(path), BOOLEAN, "")

    def after_number(self, path: str | Path) -> Any:
        """An int or float (never a boolean), None or UNKNOWN."""
        return self._typed(*self._planned(), normalise_path(path), NUMBER, "")

    def after_text(self, path: str | Path) -> Any:
        """A string, None or UNKNOWN."""
        return self._typed(*self._planned(), normalise_path(path), TEXT, "")

    def after_texts(self, path: str | Path) -> list[Any]:
        """A list of strings (members may be UNKNOWN); `[UNKNOWN]` for a list known only
        after apply, `[]` for none."""
        return self._texts(*self._planned(), normalise_path(path), "")

    def _typed(self, value: Any, unknown: Any, path: Path, kind: Kind, side: str) -> Any:
        try:
            return typed_lookup(value, unknown, path, kind)
        except WrongType as wrong:
            raise self._wrong(wrong, side) from None

    def _texts(self, value: Any, unknown: Any, path: Path, side: str) -> list[Any]:
        items = self._typed(value, unknown, path, ARRAY, side)
        if items is UNKNOWN:
            return [UNKNOWN]
        if items is None:
            return []
        return [self._typed(value, unknown, (*path, i), TEXT, side) for i in range(len(items))]

    def _wrong(self, wrong: WrongType, side: str) -> PlanValueError:
        message = (
            f"{shown(self.address)}: {side}{shown(path_text(wrong.where))} is {wrong.found} "
            f"where Terraform writes {wrong.expected}"
        )
        if self._problems is not None:
            self._problems[message] = None
        return PlanValueError(message)

    # `validation.check_change` has checked these fields' types; the typed locals say so
    # to the type checker, at no cost (a cast would be a call on every read).
    @property
    def address(self) -> str:
        address: str = self.raw["address"]
        return address

    @property
    def type(self) -> str:
        type_: str = self.raw.get("type", "")
        return type_

    @property
    def name(self) -> str:
        name: str = self.raw.get("name", "")
        return name

    @property
    def mode(self) -> str:
        mode: str = self.raw.get("mode", "managed")
        return mode

    @property
    def index(self) -> str | int | None:
        return self.raw.get("index")

    @property
    def module_address(self) -> str:
        module_address: str = self.raw.get("module_address", "")
        return module_address

    @property
    def provider(self) -> str:
        return provider_suffix(self.raw.get("provider_name"))

    @property
    def module_steps(self) -> tuple[ModuleStep, ...]:
        if self._module_steps is None:
            self._module_steps = parse_module_address(self.module_address)
        return self._module_steps

    @property
    def config_key(self) -> tuple[tuple[str, ...], str]:
        """Where this instance's block lives in `configuration`: module path and local address
        (computed once: every reference followed from the instance starts here)."""
        if self._config_key is None:
            local = f"{self.type}.{self.name}"
            if self.mode == "data":
                local = "data." + local
            self._config_key = (module_path(self.module_steps), local)
        return self._config_key

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.address}>"


class ResourceChange(_Resource):
    """One entry of `resource_changes` (or `resource_drift`)."""

    __slots__ = ("_actions", "_changed", "_legacy_secrets")

    def __init__(
        self,
        raw: Mapping[str, Any],
        legacy_secrets: bool = False,
        actions: tuple[str, ...] | None = None,
        problems: dict[str, None] | None = None,
    ) -> None:
        super().__init__(raw, problems)
        if actions is None:
            actions = tuple(raw.get("change", {}).get("actions", ()))
        self._actions: tuple[str, ...] = actions
        self._legacy_secrets = legacy_secrets
        self._changed: frozenset[str] | None = None

    @property
    def change(self) -> Mapping[str, Any]:
        change: Mapping[str, Any] = self.raw.get("change", {})
        return change

    @property
    def actions(self) -> tuple[str, ...]:
        return self._actions

    @property
    def action(self) -> str:
        """One word: create, update, delete, replace, no-op, read, forget."""
        acts = self._actions
        if len(acts) == 2 and set(acts) == {"create", "delete"}:
            return "replace"
        return acts[0] if acts else "no-op"

    @property
    def deposed(self) -> str | None:
        return self.raw.get("deposed")

    @property
    def previous_address(self) -> str | None:
        return self.raw.get("previous_address")

    @property
    def is_create(self) -> bool:
        return self.action == "create"

    @property
    def is_update(self) -> bool:
        return self.action == "update"

    @property
    def is_delete(self) -> bool:
        return self.action == "delete"

    @property
    def is_replace(self) -> bool:
        return self.action == "replace"

    @property
    def is_noop(self) -> bool:
        return self.action == "no-op"

    @property
    def is_forget(self) -> bool:
        return self.action == "forget"

    @property
    def is_import(self) -> bool:
        return bool(self.change.get("importing"))

    @property
    def exists_after(self) -> bool:
        """Whether the object is in the planned state (what a violation must be part of)."""
        return self.action in ("create", "update", "no-op", "replace", "read")

    @property
    def before(self) -> Any:
        return self.change.get("before")

    @property
    def after(self) -> Any:
        return self.change.get("after")

    def after_value(self, path: str | Path) -> Any:
        """Planned value at `path`: the value, `None`, or `UNKNOWN` (known after apply)."""
        # `change` read once: policies call this tens of thousands of times on a big plan.
        change = self.raw.get("change", {})
        return lookup(change.get("after"), change.get("after_unknown"), normalise_path(path))

    def before_value(self, path: str | Path) -> Any:
        return lookup(self.before, None, normalise_path(path))

    def _planned(self) -> tuple[Any, Any]:
        change = self.raw.get("change", {})
        return change.get("after"), change.get("after_unknown")

    def before_bool(self, path: str | Path) -> Any:
        """The prior value, typed like `after_bool`."""
        return self._typed(self.before, None, normalise_path(path), BOOLEAN, "prior ")

    def before_number(self, path: str | Path) -> Any:
        return self._typed(self.before, None, normalise_path(path), NUMBER, "prior ")

    def before_text(self, path: str | Path) -> Any:
        return self._typed(self.before, None, normalise_path(path), TEXT, "prior ")

    def before_texts(self, path: str | Path) -> list[Any]:
        return self._texts(self.before, None, normalise_path(path), "prior ")

    def is_unknown(self, path: str | Path) -> bool:
        return marked(self.change.get("after_unknown"), normalise_path(path))

    def is_sensitive(self, path: str | Path) -> bool:
        path = normalise_path(path)
        change = self.change
        if marked(change.get("after_sensitive"), path) or marked(
            change.get("before_sensitive"), path
        ):
            return True
        if self._legacy_secrets:
            return any(looks_secret(str(step)) for step in path)
        return False

    def was(self, path: str | Path, value: Any) -> bool:
        """Whether the prior object already had `value` at `path` (to tell new from old)."""
        return self.before is not None and self.before_value(path) == value

    @property
    def changed_paths(self) -> frozenset[str]:
        """Top-level attributes whose value changes (cheap: compared by equality)."""
        if self._changed is None:
            self._changed = self._compute_changed()
        return self._changed

    def _compute_changed(self) -> frozenset[str]:
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        unknown = self.change.get("after_unknown") or {}
        keys = set(before) | set(after) | (set(unknown) if isinstance(unknown, dict) else set())
        return frozenset(
            k
            for k in keys
            if before.get(k) != after.get(k)
            or (isinstance(unknown, dict) and has_true(unknown.get(k)))
        )

    def collect_sensitive(self, into: list[Any]) -> None:
        """Append every sensitive scalar of this change (redaction collects them plan-wide)."""
        change = self.change
        after, before = change.get("after_sensitive"), change.get("before_sensitive")
        if after:  # most markers are `{}` or false: skip the call
            collect_marked(change.get("after"), after, into)
        if before:
            collect_marked(change.get("before"), before, into)
        if self._legacy_secrets:
            for side in (change.get("after"), change.get("before")):
                if isinstance(side, dict):
                    for key, value in side.items():
                        if looks_secret(key):
                            collect_marked(value, True, into)


class StateResource(_Resource):
    """A resource or data source in `prior_state` (values there are all known)."""

    __slots__ = ()

    @property
    def values(self) -> Mapping[str, Any]:
        return self.raw.get("values") or {}

    def value(self, path: str | Path) -> Any:
        return lookup(self.values, None, normalise_path(path))

    def _planned(self) -> tuple[Any, Any]:
        return self.raw.get("values"), None

    # The same reading interface as a change, so helpers can take either.
    after_value = value

    def is_sensitive(self, path: str | Path) -> bool:
        return marked(self.raw.get("sensitive_values"), normalise_path(path))

    def collect_sensitive(self, into: list[Any]) -> None:
        collect_marked(self.raw.get("values"), self.raw.get("sensitive_values"), into)


# What helpers and policies read values from: a change in the plan, or a resource of the
# prior state (a data source read at plan time, an object the plan does not list).
Resource = ResourceChange | StateResource
