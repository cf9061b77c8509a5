"""The assurance map's planes drawn as one Mermaid flowchart, for the markdown format.

Each plane of the model (`plangate.assurance_model`) is a subgraph; its nodes are drawn
by kind (a database or a state store as a cylinder, a source as a circle, ...), an edge
known only after apply is dotted, and what breaks an invariant is drawn in red. The
model has already grouped and capped large planes (one node per resource block, counts,
"and N more"); the diagram draws at most `MAX_NODES` nodes and `MAX_EDGES` edges per
plane on top of that, violations first.

As for a finding's path (`mermaid`), every label is text from the pull request: node and
subgraph ids are generated (`p0`, `p0n3`), never taken from the plan, and every label is
quoted and written by `escaping.mermaid_label`.
"""

from __future__ import annotations

from typing import Any

from .escaping import mermaid_label, visible
from .mermaid import resource_parts

__all__ = ["MAX_EDGES", "MAX_NODES", "map_flowchart"]

MAX_NODES = 40  # per plane
MAX_EDGES = 80  # per plane
LABEL_WIDTH = 40
_SHAPES = {
    "database": '[("{}")]',
    "state": '[("{}")]',
    "snapshot": '[("{}")]',
    "source": '(("{}"))',
    "entry": '(["{}"])',
    "identity": '(["{}"])',
    "client": '[["{}"]]',
    "firewall": '{{{{"{}"}}}}',
    "event": '>"{}"]',
}
_CLASSES = (
    "classDef violation fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#1f2328",
    "classDef more fill:none,stroke-dasharray:4 3",
)
_RED = "stroke:#cf222e,stroke-width:3px"


def _short(text: Any, width: int = LABEL_WIDTH) -> str:
    """The end of a long label: the part of an address that tells it apart."""
    shown = visible(text)
    return shown if len(shown) <= width else "…" + shown[len(shown) - width + 1 :]


def _label(*lines: Any) -> str:
    return "<br>".join(mermaid_label(line) for line in lines)


def map_flowchart(model: dict[str, Any]) -> str | None:
    """The Mermaid source (no fence) of the model's planes, or None when it has none."""
    planes = [p for p in model.get("planes", ()) if p.get("nodes")]
    if not planes:
        return None
    out = ["flowchart LR"]
    edges: list[tuple[str, str, str, bool, bool]] = []
    red: list[str] = []
    more: list[str] = []
    for p, plane in enumerate(planes):
        nodes = sorted(plane["nodes"], key=lambda n: not n["violation"])[:MAX_NODES]
        ids = {n["id"]: f"p{p}{n['id']}" for n in nodes}
        out.append(f'  subgraph p{p}["{_label(_short(plane["title"], 60))}"]')
        for node in nodes:
            count = f" x{node['count']}" if node["count"] > 1 else ""
            shape = _SHAPES.get(node["kind"], '["{}"]')
            parts = resource_parts(node["label"])
            if parts is not None:  # a whole address: its type over module path and name
                text = _label(_short(parts[0]), _short(parts[1]) + count)
            else:
                text = _label(_short(node["label"]) + count, node["kind"])
            out.append(f"    {ids[node['id']]}{shape.format(text)}")
            if node["violation"]:
                red.append(ids[node["id"]])
            elif node["kind"] == "more":
                more.append(ids[node["id"]])
        out.append("  end")
        shown = [e for e in plane["edges"] if e["from"] in ids and e["to"] in ids]
        shown.sort(key=lambda e: not e["violation"])
        for edge in shown[:MAX_EDGES]:
            count = f" x{edge['count']}" if edge["count"] > 1 else ""
            edges.append(
                (
                    ids[edge["from"]],
                    ids[edge["to"]],
                    _short(edge["label"]) + count,
                    edge["certainty"] == "unknown",
                    edge["violation"],
                )
            )
    for source, target, label, dotted, _ in edges:
        arrow = "-.->" if dotted else "-->"
        out.append(f'  {source} {arrow}|"{_label(label)}"| {target}')
    out.extend(f"  {c}" for c in _CLASSES)
    if red:
        out.append(f"  class {','.join(red)} violation")
    if more:
        out.append(f"  class {','.join(more)} more")
    violations = [str(i) for i, edge in enumerate(edges) if edge[4]]
    if violations:
        out.append(f"  linkStyle {','.join(violations)} {_RED}")
    return "\n".join(out)
