"""A plane of the assurance map drawn as SVG, in Python, for the HTML format.

Measured before choosing: inlining Mermaid would put its 3.6 MB bundle into every page
(the page must draw with no network); this layout costs a few kilobytes a plane and runs
no script at view time. The plane is small by construction (the model has grouped and
capped it), so a plain layered layout reads well: each node in the column of its longest
path from a node with no incoming edge, nodes of a column ordered by where their
predecessors are, edges as curves from left to right, violations in red, edges known only
after apply dashed.

Every text is escaped (`html.escape`) and the ids are generated: nothing from the plan
becomes markup.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .escaping import visible

__all__ = ["plane_svg"]

NODE_W, NODE_H = 240, 46
COL_GAP, ROW_GAP, PAD = 160, 22, 16
LABEL_CHARS = 36
_FILL = {
    "source": "#fff8c5",
    "entry": "#ddf4ff",
    "compute": "#dafbe1",
    "database": "#fbefff",
    "state": "#fbefff",
    "principal": "#f6f8fa",
    "identity": "#fff8c5",
    "client": "#ddf4ff",
    "more": "#ffffff",
}
_RED, _GREY = "#cf222e", "#57606a"


def _short(text: Any, width: int = LABEL_CHARS) -> str:
    shown = visible(text)
    return shown if len(shown) <= width else "…" + shown[len(shown) - width + 1 :]


def _layers(ids: list[str], edges: list[dict[str, Any]]) -> dict[str, int]:
    """Longest path from a node with no incoming edge; a cycle stops at the node count."""
    layer = dict.fromkeys(ids, 0)
    for _ in range(len(ids)):
        changed = False
        for edge in edges:
            if edge["from"] == edge["to"]:
                continue
            want = min(layer[edge["from"]] + 1, len(ids))
            if layer[edge["to"]] < want:
                layer[edge["to"]] = want
                changed = True
        if not changed:
            break
    return layer


_DEFS = (
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
    f'fill="{_GREY}"/></marker><marker id="arrow-red" viewBox="0 0 10 10" refX="10" '
    'refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
    f'<path d="M0,0L10,5L0,10z" fill="{_RED}"/></marker></defs>'
)
Box = tuple[float, float]


def _positions(ids: list[str], edges: list[dict[str, Any]]) -> tuple[dict[str, Box], int, int]:
    """Each node's top-left corner, and the drawing's width and height."""
    layer = _layers(ids, edges)
    columns: dict[int, list[str]] = {}
    for node_id in ids:
        columns.setdefault(layer[node_id], []).append(node_id)
    row: dict[str, float] = {}
    for index in sorted(columns):
        members = columns[index]
        if index:  # by the mean row of the predecessors already placed

            def mean(node_id: str) -> float:
                rows = [row[e["from"]] for e in edges if e["to"] == node_id and e["from"] in row]
                return sum(rows) / len(rows) if rows else float("inf")

            members.sort(key=mean)
        for position, node_id in enumerate(members):
            row[node_id] = position
    ranks = {index: i for i, index in enumerate(sorted(columns))}
    boxes = {
        node_id: (
            float(PAD + ranks[layer[node_id]] * (NODE_W + COL_GAP)),
            float(PAD + row[node_id] * (NODE_H + ROW_GAP)),
        )
        for node_id in ids
    }
    tallest = max(len(m) for m in columns.values())
    width = PAD * 2 + len(columns) * NODE_W + (len(columns) - 1) * COL_GAP
    return boxes, width, PAD * 2 + tallest * NODE_H + (tallest - 1) * ROW_GAP


def _edge(edge: dict[str, Any], start: Box, end: Box) -> str:
    sx, sy, tx, ty = start[0] + NODE_W, start[1] + NODE_H / 2, end[0], end[1] + NODE_H / 2
    bend = max(40.0, abs(tx - sx) / 2)
    red = edge["violation"]
    colour = _RED if red else _GREY
    dash = ' stroke-dasharray="6 4"' if edge["certainty"] == "unknown" else ""
    count = f" x{edge['count']}" if edge["count"] > 1 else ""
    label = escape(_short(edge["label"] + count, 28))
    return (
        f'<g class="edge{" violation" if red else ""}"><title>{label}</title>'
        f'<path d="M{sx:.0f},{sy:.0f} C{sx + bend:.0f},{sy:.0f} {tx - bend:.0f},{ty:.0f} '
        f'{tx:.0f},{ty:.0f}" fill="none" stroke="{colour}" stroke-width="{3 if red else 1.5}"'
        f'{dash} marker-end="url(#{"arrow-red" if red else "arrow"})"/>'
        f'<text x="{(sx + tx) / 2:.0f}" y="{(sy + ty) / 2 - 4:.0f}" font-size="10" '
        f'text-anchor="middle" fill="{colour}">{label}</text></g>'
    )


def _node(node: dict[str, Any], box: Box) -> str:
    x, y = box
    red = node["violation"]
    count = f" x{node['count']}" if node["count"] > 1 else ""
    dash = ' stroke-dasharray="4 3"' if node["kind"] == "more" else ""
    title = escape(visible(node["address"] or node["label"]))
    return (
        f'<g class="node {escape(node["kind"])}{" violation" if red else ""}">'
        f"<title>{title}</title>"
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="8" '
        f'fill="{_FILL.get(node["kind"], "#ffffff")}" stroke="{_RED if red else _GREY}" '
        f'stroke-width="{3 if red else 1}"{dash}/>'
        f'<text x="{x + 10:.0f}" y="{y + 19:.0f}" font-size="12">'
        f"{escape(_short(node['label'] + count))}</text>"
        f'<text x="{x + 10:.0f}" y="{y + 36:.0f}" font-size="10" fill="{_GREY}">'
        f"{escape(node['kind'])}</text></g>"
    )


def plane_svg(plane: dict[str, Any]) -> str:
    """The plane as an `<svg>` element (empty text when it has no node)."""
    nodes = {n["id"]: n for n in plane["nodes"]}
    if not nodes:
        return ""
    edges = [e for e in plane["edges"] if e["from"] in nodes and e["to"] in nodes]
    boxes, width, height = _positions(list(nodes), edges)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plane" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(visible(plane["title"]))}">',
        _DEFS,
    ]
    for edge in sorted(edges, key=lambda e: e["violation"]):  # red ones on top
        out.append(_edge(edge, boxes[edge["from"]], boxes[edge["to"]]))
    out.extend(_node(node, boxes[node_id]) for node_id, node in nodes.items())
    out.append("</svg>")
    return "".join(out)
