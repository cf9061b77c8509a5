"""Output formats: each renders the report dict (the documented JSON contract), none
reads the plan.

Formats are found by entry point (`plangate.reporters`, `registry`) and imported only
when asked for, so importing this package imports none of them. For format authors:
`Reporter` (what a format declares), `escaping` (plan text made safe for each kind of
output) and `shared` (what every format says alike: fingerprints, plan paths, waivers,
"possible", incomplete plans, counts).
"""

from __future__ import annotations

from typing import Any

from .registry import ENTRY_POINT_GROUP, format_names, load_format, load_formats
from .reporter import Reporter, exit_by_decision

__all__ = [
    "ENTRY_POINT_GROUP",
    "Reporter",
    "exit_by_decision",
    "format_names",
    "load_format",
    "load_formats",
    "render",
]


def render(fmt: str, report: dict[str, Any], color: bool = False) -> str:
    """The report in format `fmt` (for callers that hold a name, not a `Reporter`)."""
    return load_format(fmt).render(report, color)
