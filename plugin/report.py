"""The report: one dict in the documented JSON contract, which every format renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .policy import Finding
from .runner import RunError

__all__ = ["PlanInfo", "Report", "plangate_version"]


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


@dataclass(slots=True)
class Report:
    plans: list[PlanInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[RunError] = field(default_factory=list)
    state_backend: list[dict[str, str]] = field(default_factory=list)
    config: str | None = None
    policies: int = 0
    seconds: float = 0.0

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
            "config": self.config,
            "state_backend": list(self.state_backend),
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
            "stats": {
                "resources": sum(p.resources for p in self.plans),
                "policies": self.policies,
                "seconds": round(self.seconds, 3),
            },
        }
