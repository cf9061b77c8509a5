"""`--format html`: one self-contained page for a CI artifact: the decision, the
findings, and per plan the assurance map (invariants, the planes drawn as SVG, each
pack's details as tables).

Nothing is fetched when the page is viewed: the diagrams are SVG drawn in Python
(`svg_plane`), the style is inline, and a Content-Security-Policy allows no script, no
network and no frame. Every text from the report is escaped with `html.escape`; the
details are drawn from the model's JSON whatever the pack (a list of objects is a
table, a nested value a list or a nested table), so the format knows no pack.
"""

from __future__ import annotations

from html import escape
from typing import Any

from .escaping import visible
from .reporter import Reporter
from .svg_plane import plane_svg

__all__ = ["MAX_ROWS", "render", "reporter"]

MAX_ROWS = 500  # rows of one table; the rest are counted
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_VERDICTS = {"yes": ("holds", "ok"), "no": ("broken", "bad"), "unknown": ("unknown", "unsure")}
_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1f2328}
h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #d0d7de;padding:3px 7px;
vertical-align:top;text-align:left}th{background:#f6f8fa}code{font-size:12px}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
.unsure{color:#9a6700;font-weight:600}.diagram{overflow-x:auto;border:1px solid #d0d7de;
border-radius:6px;padding:6px;margin:8px 0}.diagram svg{max-width:100%;height:auto}
ul{margin:4px 0}.muted{color:#57606a}
"""


def _t(value: Any) -> str:
    """Text from the report: one visible line, escaped for HTML."""
    return escape(visible(value))


def _value(value: Any) -> str:
    if isinstance(value, list):
        if not value:
            return '<span class="muted">none</span>'
        if all(isinstance(v, dict) for v in value):
            return _table(value)
        return "<br>".join(_value(v) for v in value)
    if isinstance(value, dict):
        return _table([value])
    if value is None:
        return '<span class="muted">-</span>'
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _t(value)


def _table(rows: list[dict[str, Any]]) -> str:
    columns = list(dict.fromkeys(key for row in rows[:MAX_ROWS] for key in row))
    head = "".join(f"<th>{_t(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_value(row.get(c))}</td>" for c in columns) + "</tr>"
        for row in rows[:MAX_ROWS]
    )
    more = len(rows) - MAX_ROWS
    note = f'<p class="muted">and {more:,} more rows</p>' if more > 0 else ""
    return f"<table><tr>{head}</tr>{body}</table>{note}"


def _findings(report: dict[str, Any]) -> list[str]:
    findings = report.get("findings") or []
    if not findings:
        return ["<p>No findings.</p>"]
    rows = [
        {
            "blocking": f["blocking"],
            "severity": f["severity"],
            "policy": f["policy_id"],
            "address": f["address"],
            "message": f["message"],
            "certainty": f["certainty"],
            "waived": f["waived"],
        }
        for f in findings
    ]
    return [_table(rows)]


def _map(model: dict[str, Any], several: bool, decision: str) -> list[str]:
    what = f"<code>{_t(model['plan'])}</code>" if several else "this plan"
    verb = "passes" if decision == "pass" else "fails"
    out = [f"<h2>Why {what} {verb}: the assurance map</h2>", "<ul>"]
    for item in model["invariants"]:
        word, css = _VERDICTS.get(item["holds"], ("unknown", "unsure"))
        out.append(
            f'<li><span class="{css}">{word}</span>: {_t(item["statement"])} '
            f'<span class="muted">({_t(item["pack"])})</span><ul>'
        )
        for breach in item["broken_by"][:MAX_ROWS]:
            out.append(
                f"<li>broken by {_t(breach['policy_id'])} at <code>{_t(breach['address'])}"
                f"</code>: {_t(breach['message'])}</li>"
            )
        out.extend(f"<li>{_t(line)}</li>" for line in item["evidence"][:MAX_ROWS])
        out.append("</ul></li>")
    out.append("</ul>")
    out.append('<section class="planes">')
    for plane in model["planes"]:
        omitted = plane["omitted"]
        note = ""
        if plane["grouped"] or omitted["nodes"] or omitted["edges"]:
            note = (
                f'<p class="muted">{plane["size"]["nodes"]:,} nodes and '
                f"{plane['size']['edges']:,} edges in all, drawn grouped by resource block"
                f"{'' if not omitted['nodes'] else ', the rest as one node'}.</p>"
            )
        out.append(f"<h3>{_t(plane['title'])}</h3>{note}")
        out.append(f'<div class="diagram">{plane_svg(plane)}</div>')
    out.append("</section>")
    for pack, details in model["packs"].items():
        out.append(f"<h3>Details: {_t(pack)}</h3>")
        for key, value in details.items():
            out.append(f"<h4>{_t(key)}</h4>{_value(value)}")
    return out


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    decision = _t(report["decision"])
    plans = ", ".join(f"<code>{_t(p['path'])}</code>" for p in report["plans"]) or "no plan"
    maps = report.get("assurance") or []
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>plangate: {decision}</title><style>{_STYLE}</style></head><body>",
        f"<h1>plangate: {decision}</h1>",
        f"<p>{len(report.get('findings') or []):,} finding(s) over "
        f"{_t(report['stats']['resources'])} resources in {plans}.</p>",
    ]
    for kind in ("errors", "warnings"):
        items = report.get(kind) or []
        if items:
            parts.append(f"<h2>{kind.title()}</h2><ul>")
            parts.extend(f"<li>{_t(i['kind'])}: {_t(i['message'])}</li>" for i in items)
            parts.append("</ul>")
    parts.append("<h2>Findings</h2>")
    parts.extend(_findings(report))
    for model in maps:
        parts.extend(_map(model, len(maps) > 1, report["decision"]))
    parts.append(f'<p class="muted">plangate {_t(report["plangate_version"])}</p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


reporter = Reporter(
    "html", "one self-contained page with the assurance map drawn (CI artifacts)", render, map=True
)
