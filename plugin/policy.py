"""The policy API: a decorated function with metadata that yields findings.

The decorator returns a frozen `Policy`; loaders collect `Policy` objects from module
namespaces, so there is no global registry and import order does not matter.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sources import SourceLocation

__all__ = [
    "Certainty",
    "Enforcement",
    "Finding",
    "Inventory",
    "Policy",
    "Severity",
    "finding",
    "inventory",
    "policy",
]

ID_PATTERN = re.compile(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)+\Z")
DOC_SECTIONS = ("What it checks", "Why it matters", "How to fix")
# Parameters a policy function may ask for by name; new ones can be added without
# breaking existing policies. `settings`: its pack's (`plangate.PackSettings`).
INJECTABLE = frozenset({"change", "plan", "options", "context", "settings"})
# What an inventory function may ask for by name.
INVENTORY_INJECTABLE = frozenset({"plan", "context", "settings"})
_SECTION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_ACTIONS = ("create", "update", "no-op", "replace")


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(str(s) for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of {names})") from None


class Enforcement(enum.IntEnum):
    """What may let a failing finding of a policy through, as Sentinel's levels say.

    Which findings fail is the thresholds' (`fail_on`, `fail_on_possible`); the level says
    what happens to a failing one: `advisory` reports it and never blocks;
    `soft-mandatory` blocks unless a waiver, an operator's `--override` or `--only-new`
    (for a violation already deployed) lets it through; `hard-mandatory` blocks whatever
    waivers, overrides or `--only-new` say. Ordered, so "raise only" is a comparison.
    """

    ADVISORY = 0
    SOFT_MANDATORY = 1
    HARD_MANDATORY = 2

    def __str__(self) -> str:
        return self.name.lower().replace("_", "-")

    @classmethod
    def parse(cls, text: str) -> Enforcement:
        for level in cls:
            if str(level) == text.strip().lower():
                return level
        names = ", ".join(str(level) for level in cls)
        raise ValueError(f"unknown enforcement level {text!r} (expected one of {names})")


class Certainty(enum.Enum):
    CERTAIN = "certain"
    # A value that decides the rule is unknown at plan time: it may or may not hold.
    POSSIBLE = "possible"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation. Policies build it with `finding()`; the runner fills in the rest."""

    address: str
    message: str
    attribute: str | None = None
    certainty: Certainty = Certainty.CERTAIN
    chain: tuple[str, ...] = ()
    new: bool | None = None
    severity: Severity | None = None
    policy_id: str = ""
    title: str = ""
    resource_type: str = ""
    actions: tuple[str, ...] = ()
    source: str = ""
    blocking: bool = False
    waived: bool = False
    waiver: Mapping[str, Any] | None = None
    # How the attribute changes in an update, in words (filled by the runner).
    changes: tuple[str, ...] = ()
    # The plan the finding is in (several plans may be checked in one run).
    plan: str = ""
    # The policy's enforcement level in this run (filled by the runner).
    enforcement: Enforcement = Enforcement.SOFT_MANDATORY
    # The operator's `--override` that lets it through (filled by the decision).
    override: Mapping[str, Any] | None = None
    # Why a finding that fails the thresholds does not block: "advisory", "waiver",
    # "override" or "only-new"; None when it blocks or does not fail.
    let_through: str | None = None
    # Where its resource is written (filled by the engine once decided; None: not known).
    location: SourceLocation | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON report's finding object; every reporter reads findings through this.
        `location` is there only when the finding's `.tf` source is known."""
        found = {
            "policy_id": self.policy_id,
            "title": self.title,
            "severity": str(self.severity),
            "blocking": self.blocking,
            "address": self.address,
            "resource_type": self.resource_type,
            "actions": list(self.actions),
            "new": self.new,
            "message": self.message,
            "attribute": self.attribute,
            "certainty": str(self.certainty),
            "chain": list(self.chain),
            "changes": list(self.changes),
            "waived": self.waived,
            "waiver": dict(self.waiver) if self.waiver is not None else None,
            "enforcement": str(self.enforcement),
            "override": dict(self.override) if self.override is not None else None,
            "let_through": self.let_through,
            "source": self.source,
            "plan": self.plan,
        }
        if self.location is not None:
            found["location"] = self.location.to_dict()
        return found

    def sort_key(self) -> tuple[Any, ...]:
        return (
            -(self.severity or 0),
            self.policy_id,
            self.address,
            self.attribute or "",
            self.message,
        )


def malformed(found: object) -> str | None:
    """What is wrong with something a policy yielded, or None for a plain finding.

    Only plain data crosses back from policy code: a `Finding` (not a subclass) whose
    fields have the types the reporters expect, so rendering the report never calls policy
    code (an object's `__str__` could raise `SystemExit` there, outside the isolation).
    """
    if type(found) is not Finding:
        return f"{type(found).__name__}, not a Finding"
    for name, ok in (
        ("address", type(found.address) is str),
        ("message", type(found.message) is str),
        ("attribute", found.attribute is None or type(found.attribute) is str),
        ("certainty", type(found.certainty) is Certainty),
        ("chain", type(found.chain) is tuple and all(type(c) is str for c in found.chain)),
        ("new", found.new is None or type(found.new) is bool),
        ("severity", found.severity is None or type(found.severity) is Severity),
        ("resource_type", type(found.resource_type) is str),
        ("actions", type(found.actions) is tuple and all(type(a) is str for a in found.actions)),
    ):
        if not ok:
            return f"a Finding whose {name} is {type(getattr(found, name)).__name__}"
    return None


def finding(
    resource: Any,
    message: str,
    *,
    attribute: str | None = None,
    certainty: Certainty = Certainty.CERTAIN,
    chain: Iterable[str] = (),
    new: bool | None = None,
    severity: Severity | None = None,
) -> Finding:
    """Build a finding on a resource view (or an address string)."""
    if isinstance(resource, str):
        address, type_, actions = resource, "", ()
    else:
        address = resource.address
        type_ = getattr(resource, "type", "")
        actions = tuple(getattr(resource, "actions", ()))
    return Finding(
        address=address,
        message=message,
        attribute=attribute,
        certainty=certainty,
        chain=tuple(chain),
        new=new,
        severity=severity,
        resource_type=type_,
        actions=actions,
    )


@dataclass(frozen=True, slots=True)
class Policy:
    """A declared policy: what `@policy` makes of a function, and what the runner
    routes by (resource types, actions) before calling it."""

    id: str
    title: str
    severity: Severity
    func: Callable[..., Iterable[Finding]] = field(repr=False, compare=False)
    resource_types: tuple[str, ...] = ()
    actions: tuple[str, ...] = DEFAULT_ACTIONS
    tags: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    source: str = "builtin"
    params: tuple[str, ...] = ()
    # The pack it belongs to (its `plangate.Pack`'s name; "" for none), set by the loader.
    pack: str = ""
    # Its default level; an operator config may change it (`[policies.ID] enforcement`).
    enforcement: Enforcement = Enforcement.SOFT_MANDATORY

    @property
    def plan_wide(self) -> bool:
        return not self.resource_types

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def description(self) -> str:
        """First paragraph of 'What it checks', for listings."""
        section = doc_sections(self.doc).get("What it checks", "")
        return section.split("\n\n")[0].replace("\n", " ").strip()

    def with_source(self, source: str, pack: str = "") -> Policy:
        return replace(self, source=source, pack=pack)

    def __call__(self, **available: Any) -> Iterable[Finding]:
        return self.func(**{name: available[name] for name in self.params})


@dataclass(frozen=True, slots=True)
class Inventory:
    """A pack's account of what it recognised in a plan, for the report (not a finding):
    rows of text for a report section that a loaded pack declares (`plangate.Section`).
    The function asks for `plan`, `context` and `settings` (its pack's) by name."""

    section: str
    func: Callable[..., Iterable[Mapping[str, str]]] = field(repr=False, compare=False)
    source: str = "builtin"
    params: tuple[str, ...] = ("plan", "context")
    pack: str = ""

    def with_source(self, source: str, pack: str = "") -> Inventory:
        return replace(self, source=source, pack=pack)

    def __call__(self, **available: Any) -> list[dict[str, str]]:
        return [dict(row) for row in self.func(**{n: available[n] for n in self.params})]


def inventory(section: str) -> Callable[[Callable[..., Iterable[Mapping[str, str]]]], Inventory]:
    """Declare a report inventory: a function yielding rows for `section`, which a loaded
    pack must declare (checked when packs load)."""
    if not _SECTION_NAME.match(section):
        raise ValueError(f"inventory section {section!r} must be lower_snake_case")

    def wrap(func: Callable[..., Iterable[Mapping[str, str]]]) -> Inventory:
        params = tuple(inspect.signature(func).parameters)
        unknown = [p for p in params if p not in INVENTORY_INJECTABLE]
        if unknown:
            raise TypeError(
                f"inventory {section}: unknown parameter(s) {', '.join(unknown)}; "
                f"an inventory may take {', '.join(sorted(INVENTORY_INJECTABLE))}"
            )
        return Inventory(section, func, params=params)

    return wrap


def doc_sections(doc: str) -> dict[str, str]:
    """Split a policy docstring into its `## Section` parts."""
    sections: dict[str, str] = {}
    current: str | None = None
    lines: list[str] = []
    for line in doc.splitlines():
        if line.startswith("## "):
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current, lines = line[3:].strip(), []
        elif current is not None:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return sections


def policy(
    *,
    id: str,
    title: str,
    severity: Severity,
    resource_types: Iterable[str] = (),
    actions: Iterable[str] = DEFAULT_ACTIONS,
    tags: Iterable[str] = (),
    options: Mapping[str, Any] | None = None,
    enforcement: Enforcement = Enforcement.SOFT_MANDATORY,
) -> Callable[[Callable[..., Iterable[Finding]]], Policy]:
    """Declare a policy. Raises at import time when the declaration is malformed.

    `enforcement` defaults to soft-mandatory: a failing finding blocks, and a waiver or
    an operator's override may let it through (what every policy did before levels)."""
    if not ID_PATTERN.match(id):
        raise ValueError(f"policy id {id!r} must look like PREFIX-AREA-001")
    if not isinstance(severity, Severity):
        raise TypeError(f"policy {id}: severity must be a Severity")
    if not isinstance(enforcement, Enforcement):
        raise TypeError(f"policy {id}: enforcement must be an Enforcement")

    def wrap(func: Callable[..., Iterable[Finding]]) -> Policy:
        params = tuple(inspect.signature(func).parameters)
        unknown = [p for p in params if p not in INJECTABLE]
        if unknown:
            raise TypeError(
                f"policy {id}: unknown parameter(s) {', '.join(unknown)}; "
                f"a policy may take {', '.join(sorted(INJECTABLE))}"
            )
        types = tuple(resource_types)
        if "change" in params and not types:
            raise TypeError(f"policy {id}: takes `change` but declares no resource_types")
        return Policy(
            id=id,
            title=title,
            severity=severity,
            func=func,
            resource_types=types,
            actions=tuple(actions),
            tags=tuple(tags),
            options=dict(options or {}),
            params=params,
            enforcement=enforcement,
        )

    return wrap
