"""`--format json`: the documented contract, byte-identical for the same plan.

Values are exact (an address is the address Terraform wrote); characters that do not
print are written as `\\uXXXX` escapes, so the bytes are safe to show (`escaping`).
"""

from __future__ import annotations

from typing import Any

from .escaping import json_document
from .reporter import Reporter


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    return json_document(report)


reporter = Reporter(
    "json", "the report as JSON, the documented contract (report.schema.json)", render
)
