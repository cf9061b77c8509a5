"""The report: one dict in the documented JSON contract, which every format renders."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ._version import VERSION
from .packs import Pack
from .policy import Finding
from .runner import Printed, RunError

__all__ = [
    "ConfigFile",
    "PlanInfo",
    "Report",
    "RunWarning",
    "plangate_version",
    "report_schema",
]


def plangate_version() -> str:
    return VERSION


@cache
def _shipped_schema() -> str:
    from importlib import resources  # here: a check reads no report schema

    return resources.files("plangate.schemas").joinpath("report.schema.json").read_text()


def report_schema(packs: Iterable[Pack] = ()) -> dict[str, Any]:
    """The JSON Schema of a report: the shipped one (`plangate/schemas/report.schema.json`,
    which allows any pack section as rows of text), with each section these packs declare
    required and its rows held to the schema the pack ships for them, if any."""
    schema: dict[str, Any] = json.loads(_shipped_schema())
    for pack in packs:
        for section in pack.sections:
            rows: dict[str, Any] = {"$ref": "#/$defs/pack_section"}
            if section.schema is not None:
                rows = {"type": "array", "items": copy.deepcopy(dict(section.schema))}
            schema["properties"][section.name] = rows
            schema["required"].append(section.name)
    return schema


@dataclass(frozen=True, slots=True)
class PlanInfo:
    """One plan the run read, as the report lists it."""

    path: str
    terraform_version: str | None
    format_version: str
    errored: bool = False
    resources: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "terraform_version": self.terraform_version,
            "format_version": self.format_version,
            "errored": self.errored,
            "resources": self.resources,
        }


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A config file the run read, and how far it was trusted.

    `operator`: named by `--config` or `$PLANGATE_CONFIG` (the CI or Atlantis owner's).
    `repository`: found in the checkout; fully trusted only when no operator config is
    given, otherwise it may only tighten the gate.
    """

    path: str
    role: str
    trusted: bool

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "role": self.role, "trusted": self.trusted}


@dataclass(frozen=True, slots=True)
class RunWarning:
    """Something a reviewer should know that does not change the decision: a setting that
    was ignored, a waiver that matched nothing."""

    kind: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}


@dataclass(slots=True)
class Report:
    """What a check found, decided and met on the way; `to_dict` is the JSON contract.

    `sections`: the packs' report sections (name → rows of text), each a top-level key of
    the JSON report, named by the pack that declares it. `mode` says whether existing
    violations were let through (`only-new`) or not (`all`). `printed`: what pack code wrote
    to stdout/stderr (kept out of every output; the test kit shows it). `maps`: the
    assurance map of each plan when the run was asked for it (`plangate.assurance`),
    rendered by `plangate map`, not part of the JSON report; `map_seconds` its cost."""

    plans: list[PlanInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)
    sections: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    config_files: list[ConfigFile] = field(default_factory=list)
    warnings: list[RunWarning] = field(default_factory=list)
    policies: int = 0
    seconds: float = 0.0
    printed: list[Printed] = field(default_factory=list)
    # `--only-new` (or the config's `only_new`) was in force.
    only_new: bool = False
    # The operator's `--override`s (`plangate.overrides.Override.to_dict`), each with how
    # many findings it let through.
    overrides: list[dict[str, Any]] = field(default_factory=list)
    maps: list[dict[str, Any]] = field(default_factory=list)
    map_seconds: float = 0.0

    @classmethod
    def failed(cls, kind: str, message: str) -> Report:
        """The report of a run that could not complete: it says why, and nothing else."""
        return cls(errors=[RunError(kind, message)])

    @property
    def decision(self) -> str:
        if self.errors:
            return "error"
        if any(f.blocking for f in self.findings) or any(p.errored for p in self.plans):
            return "block"
        return "pass"

    @property
    def exit_code(self) -> int:
        return {"pass": 0, "block": 1, "error": 2}[self.decision]

    def to_dict(self) -> dict[str, Any]:
        """A new dict each call, sharing nothing mutable with the report or an earlier
        call (each format renders its own)."""
        return {
            "plangate_version": plangate_version(),
            "decision": self.decision,
            "plans": [p.to_dict() for p in self.plans],
            # `config` predates `config_files`: the first file read (the operator's when
            # there is one), kept so existing readers of the report keep working.
            "config": self.config_files[0].path if self.config_files else None,
            "config_files": [c.to_dict() for c in self.config_files],
            "mode": "only-new" if self.only_new else "all",
            "overrides": [dict(o) for o in self.overrides],
            **{name: [dict(row) for row in self.sections[name]] for name in sorted(self.sections)},
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
            "warnings": [w.to_dict() for w in self.warnings],
            "stats": {
                "resources": sum(p.resources for p in self.plans),
                "policies": self.policies,
                "seconds": round(self.seconds, 3),
            },
        }
