"""`plangate map`: the assurance maps of a run, as text for people or JSON.

The JSON document (`plangate_version`, `decision`, `maps`) is described by
`plangate/schemas/assurance.schema.json`, with each pack's details schema inserted by
`assurance_model.model_schema`. The text is drawn from the model alone, whatever the
packs: invariants with their verdict, evidence and breaking findings; each plane as its
edges; each pack's details as an outline. Every line is made visible and inert for a
terminal or CI log (`reporters.escaping`), as the text format's lines are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .arguments import MAP_FORMATS
from .report import Report, plangate_version
from .reporters.escaping import json_document, log_lines, terminal_line

__all__ = ["MAP_FORMATS", "map_document", "render_map"]

_VERDICT = {"yes": "HOLDS", "no": "BROKEN", "unknown": "UNKNOWN"}
_MAX_LIST = 50  # items of one list shown in the text outline; the rest are counted


def map_document(report: Report) -> dict[str, Any]:
    return {
        "plangate_version": plangate_version(),
        "decision": report.decision,
        "maps": report.maps,
    }


def render_map(document: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json_document(document)
    lines = [line for model in document["maps"] for line in _text(model, document["decision"])]
    return log_lines("\n".join(terminal_line(line) for line in lines) + "\n")


def _text(model: dict[str, Any], decision: str) -> Iterator[str]:
    yield f"plangate map of {model['plan']} (decision: {decision})"
    yield ""
    yield "Invariants"
    for item in model["invariants"]:
        yield f"  [{_VERDICT[item['holds']]}] {item['statement']} ({item['pack']})"
        for line in item["evidence"]:
            yield f"      - {line}"
        for breach in item["broken_by"]:
            waived = ", waived" if breach["waived"] else ""
            yield (
                f"      broken by {breach['policy_id']} at {breach['address']} "
                f"({breach['certainty']}{waived}): {breach['message']}"
            )
    for plane in model["planes"]:
        yield ""
        yield plane["title"]
        nodes = {node["id"]: node for node in plane["nodes"]}
        for edge in plane["edges"]:
            mark = "!! " if edge["violation"] else "   "
            unknown = ", known after apply" if edge["certainty"] == "unknown" else ""
            count = f" x{edge['count']}" if edge["count"] > 1 else ""
            yield (
                f"  {mark}{_node(nodes[edge['from']])} --[{edge['label']}{count}{unknown}]--> "
                f"{_node(nodes[edge['to']])}"
            )
        omitted = plane["omitted"]
        if omitted["nodes"] or omitted["edges"]:
            yield f"  ({omitted['nodes']} nodes and {omitted['edges']} edges not drawn)"
    for pack, details in model["packs"].items():
        yield ""
        yield f"Details ({pack})"
        yield from _outline(details, "  ")
    yield ""


def _node(node: dict[str, Any]) -> str:
    count = f" x{node['count']}" if node["count"] > 1 else ""
    return f"{node['label']}{count} ({node['kind']})"


def _outline(value: Any, indent: str) -> Iterator[str]:
    """Any JSON value as an indented outline: a mapping's keys, a list's items."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                yield f"{indent}{key}:"
                yield from _outline(item, indent + "  ")
            else:
                yield f"{indent}{key}: {_scalar(item)}"
    elif isinstance(value, list):
        for item in value[:_MAX_LIST]:
            if isinstance(item, dict | list) and item:
                lines = list(_outline(item, indent + "  "))
                yield f"{indent}- {lines[0].lstrip()}"
                yield from lines[1:]
            else:
                yield f"{indent}- {_scalar(item)}"
        if len(value) > _MAX_LIST:
            yield f"{indent}- and {len(value) - _MAX_LIST} more"


def _scalar(value: Any) -> str:
    if value is None:
        return "-"
    if value == [] or value == {}:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
