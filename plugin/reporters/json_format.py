"""`--format json`: the documented contract, byte-identical for the same plan."""

from __future__ import annotations

import json
from typing import Any


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
