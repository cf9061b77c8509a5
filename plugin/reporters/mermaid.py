"""A finding's path through the plan, drawn as a Mermaid flowchart for the markdown format.

GitHub and GitLab draw a ```` ```mermaid ```` fence in a comment or a job summary as a
diagram. A finding's `chain` (the report's contract) lists its path hop by hop, from where
it starts to the resource: most hops are resource addresses, some are phrases (a policy
statement, an AWS managed policy, a CIDR). The diagram draws each hop as a node, in that
order, with the resource's type on the first line of its label and a short address (the
module path and the name, `database/public[0]`) on the second; a CIDR is a round source
node (`internet` for a public range), another phrase a rounded one, and the finding's own
resource is highlighted.

Every hop is text from the pull request, and Mermaid is a language with its own syntax
(links, `click` callbacks, `%%` directives, `:::` classes) whose labels may be rendered as
HTML. So node ids are generated (`n0`, `n1`, …), never taken from the plan; every label is
quoted and written by `escaping.mermaid_label`, which leaves only letters, digits and a
few punctuation marks as they are; and a diagram is bounded (`MAX_NODES` hops, label lines
of `LABEL_WIDTH` characters), so its source stays far below the 50,000 characters Mermaid
accepts whatever the chain holds.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..addresses import parse_traversal
from ..helpers import is_public_cidr
from .escaping import mermaid_label, visible

__all__ = ["LABEL_WIDTH", "MAX_NODES", "fenced", "flowchart", "node_texts", "resource_parts"]

MAX_NODES = 12  # hops drawn per diagram; the rest is one "and N more hops" node
LABEL_WIDTH = 48  # characters per label line
# Drawn left to right while a path is short, top down when it would be too wide to read
# in a comment column.
_WIDE = 4
# The finding's resource; a hop that stands for a range of addresses; the gap left by
# hops not drawn. Colours that read in GitHub's light and dark themes alike.
_CLASSES = (
    "classDef finding fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#1f2328",
    "classDef source fill:#fff8c5,stroke:#9a6700,color:#1f2328",
    "classDef gap fill:none,stroke-dasharray:4 3",
)


_GAP = object()  # where the hops left out of a long path would be


@dataclass(frozen=True, slots=True)
class _Node:
    lines: tuple[str, ...]  # the label's lines, as plain text
    shape: str  # the Mermaid brackets around the quoted label
    css: str | None = None


def _head(text: str, width: int = LABEL_WIDTH) -> str:
    """The start of the text as it is shown (characters that do not print as escapes)."""
    text = visible(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _tail(text: str, width: int = LABEL_WIDTH) -> str:
    """The end of a long address is the part that tells it apart (its name and key)."""
    text = visible(text)
    return text if len(text) <= width else "…" + text[len(text) - width + 1 :]


def _index(key: str | int | None) -> str:
    if key is None:
        return ""
    return f"[{key}]" if isinstance(key, int) else f"[{json.dumps(key, ensure_ascii=False)}]"


def _resource(hop: str) -> tuple[str, str] | None:
    """(type, short address) when the hop reads back exactly as a resource address; a
    hop that does not (a phrase, or an address the parser would have to guess at) is
    None and is drawn as it is."""
    try:
        steps = parse_traversal(hop)
    except ValueError:
        return None
    modules: list[str] = []
    while len(steps) > 2 and steps[0] == ("module", None):
        modules.append(steps[1][0] + _index(steps[1][1]))
        steps = steps[2:]
    data = len(steps) == 3 and steps[0] == ("data", None)
    if data:
        steps = steps[1:]
    if len(steps) != 2 or steps[0][1] is not None:
        return None
    (type_, _), (name, key) = steps
    short = "/".join([*modules, name + _index(key)])
    address = "".join(f"module.{m}." for m in modules) + ("data." if data else "")
    if f"{address}{type_}.{name}{_index(key)}" != hop:
        return None
    return ("data." if data else "") + type_, short


def resource_parts(text: str) -> tuple[str, str] | None:
    """(type, short address: module path and name) when the text is exactly a resource
    address, else None."""
    return _resource(text)


def _cidr(hop: str) -> str | None:
    """`internet` (a public range) or `network` when the hop is a CIDR, else None."""
    if "/" not in hop:  # a bare number would read as an IPv4 address
        return None
    try:
        ipaddress.ip_network(hop, strict=False)
    except ValueError:
        return None
    return "network" if is_public_cidr(hop) is None else "internet"


def _node(hop: Any, address: str) -> _Node:
    text = hop if isinstance(hop, str) else json.dumps(hop)
    css = "finding" if text == address else None
    resource = _resource(text)
    if resource is not None:
        type_, short = resource
        return _Node((_head(type_), _tail(short)), '["{}"]', css)
    where = _cidr(text)
    if where is not None:
        return _Node((where, _head(text)), '(("{}"))', css or "source")
    return _Node((_head(text, 2 * LABEL_WIDTH),), '(["{}"])', css)


def _drawn(chain: Sequence[Any]) -> tuple[list[Any], int]:
    """The hops drawn, in order, and how many are left out between them: the first ones
    and the last (usually the finding's resource)."""
    if len(chain) <= MAX_NODES:
        return list(chain), 0
    kept = MAX_NODES - 2  # one node for the gap, one for the last hop
    return [*chain[:kept], _GAP, chain[-1]], len(chain) - kept - 1


def _path(finding: dict[str, Any]) -> list[tuple[str, _Node]]:
    """Each drawn hop, in path order, with the key that makes a recurring hop one node."""
    hops, hidden = _drawn(finding.get("chain") or ())
    address = str(finding.get("address", ""))
    path: list[tuple[str, _Node]] = []
    for hop in hops:
        if hop is _GAP:
            path.append(("\0gap", _Node((f"… {hidden} more hops",), '["{}"]', "gap")))
        else:
            path.append((hop if isinstance(hop, str) else json.dumps(hop), _node(hop, address)))
    return path


def flowchart(finding: dict[str, Any]) -> str | None:
    """The Mermaid source of the finding's path (no fence), or None when it has no path.

    A hop that recurs is one node (the path comes back to it); an edge is drawn once.
    """
    path = _path(finding)
    if not path:
        return None
    ids: dict[str, str] = {}
    nodes: list[str] = []
    classes: dict[str, list[str]] = {}
    for key, node in path:
        if key in ids:
            continue
        ids[key] = node_id = f"n{len(ids)}"
        label = "<br>".join(mermaid_label(line) for line in node.lines)
        nodes.append(f"  {node_id}{node.shape.format(label)}")
        if node.css:
            classes.setdefault(node.css, []).append(node_id)
    order = [ids[key] for key, _ in path]
    edges = dict.fromkeys(f"  {a} --> {b}" for a, b in pairwise(order) if a != b)
    return "\n".join(
        [
            f"flowchart {'LR' if len(ids) <= _WIDE else 'TD'}",
            *nodes,
            *edges,
            *(f"  {c}" for c in _CLASSES if c.split()[1] in classes),
            *(f"  class {','.join(members)} {css}" for css, members in classes.items()),
        ]
    )


def node_texts(finding: dict[str, Any]) -> list[list[str]]:
    """Each drawn node's label lines as a reader sees them, in the order drawn."""
    seen: dict[str, list[str]] = {}
    for key, node in _path(finding):
        seen.setdefault(key, list(node.lines))
    return list(seen.values())


def fenced(source: str) -> str:
    """The diagram as a markdown code block that GitHub and GitLab draw. The fence is
    longer than any run of backticks in the source (labels hold none: they write a
    backtick as an entity), so nothing in it can end the block."""
    longest = max((len(run) for run in re.findall("`+", source)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}mermaid\n{source}\n{fence}"
