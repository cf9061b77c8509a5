"""The report: one dict in the documented JSON contract, which every format renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .policy import Finding
from .runner import RunError

__all__ = ["ConfigFile", "PlanInfo", "Report", "RunWarning", "plangate_version"]


def plangate_version() -> str:
    try:
        return version("plangate")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass(frozen=True, slots=True)
class PlanInfo:
    path: str
    terraform_version: str | None
    format_version: str
    errored: bool = False
    resources: int = 0
    state_backend: tuple[dict[str, str], ...] = ()

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
    plans: list[PlanInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)
    state_backend: list[dict[str, str]] = field(default_factory=list)
    config_files: list[ConfigFile] = field(default_factory=list)
    warnings: list[RunWarning] = field(default_factory=list)
    policies: int = 0
    seconds: float = 0.0

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
        return {
            "plangate_version": plangate_version(),
            "decision": self.decision,
            "plans": [p.to_dict() for p in self.plans],
            # `config` predates `config_files`: the first file read (the operator's when
            # there is one), kept so existing readers of the report keep working.
            "config": self.config_files[0].path if self.config_files else None,
            "config_files": [c.to_dict() for c in self.config_files],
            "state_backend": list(self.state_backend),
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
            "warnings": [w.to_dict() for w in self.warnings],
            "stats": {
                "resources": sum(p.resources for p in self.plans),
                "policies": self.policies,
                "seconds": round(self.seconds, 3),
            },
        }
