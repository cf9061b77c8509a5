"""Render ``data.aws_iam_policy_document`` the way the real provider does (SDKv2, Go).

Self-contained (stdlib only) so tests can load it on its own. What it reproduces:

- document keys ``Version``, ``Id``, ``Statement``; statement keys in the order ``Sid``,
  ``Effect``, ``Action``, ``NotAction``, ``Resource``, ``NotResource``, ``Principal``,
  ``NotPrincipal``, ``Condition``; empty ones left out (an empty ``Sid`` too, since v5.0);
- a one-element list becomes a bare string; longer lists of actions, resources and principal
  identifiers are sorted in reverse order; condition values keep their order, and conditions
  on the same test and variable are concatenated;
- ``principals { type = "*" identifiers = ["*"] }`` alone becomes ``"Principal": "*"``;
- ``&{...}`` becomes ``${...}`` in resources, principals and condition values;
- ``source_policy_documents`` and ``override_policy_documents`` merge by ``Sid``;
- ``json`` is indented by two spaces and ``minified_json`` is compact, both with Go's escaping
  of ``<``, ``>`` and ``&``; ``id`` is the CRC-32 of ``json``.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

_STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
)


def render(config: dict) -> tuple[str, str, str]:
    """Return (json, minified_json, id) for a data source configuration."""
    merged: dict[str, Any] = {"Version": "", "Id": "", "Statement": None}
    for i, src in enumerate(config.get("source_policy_documents") or []):
        if src is None:
            continue
        _merge(merged, _decode_document(src, f"source document {i}"))

    version = config.get("version") or "2012-10-17"
    doc: dict[str, Any] = {
        "Version": version,
        "Id": config.get("policy_id") or "",
        "Statement": None,
    }
    statements = config.get("statement") or []
    if statements:
        seen: set[str] = set()
        doc["Statement"] = []
        for stmt in statements:
            sid = stmt.get("sid") or ""
            if sid and sid in seen:
                raise ValueError(
                    f"duplicate Sid ({sid}). Remove the Sid or ensure the Sid is unique."
                )
            seen.add(sid)
            doc["Statement"].append(_statement_from_config(stmt))
    _merge(merged, doc)

    for i, override in enumerate(config.get("override_policy_documents") or []):
        if override is None:
            continue
        _merge(merged, _decode_document(override, f"override document {i}"))

    pretty = _go_escape(json.dumps(_document_out(merged), indent=2, ensure_ascii=False))
    minified = _go_escape(
        json.dumps(_document_out(merged), separators=(",", ":"), ensure_ascii=False)
    )
    return pretty, minified, str(zlib.crc32(pretty.encode()))


def _statement_from_config(stmt: dict) -> dict[str, Any]:
    out: dict[str, Any] = {"Sid": stmt.get("sid") or "", "Effect": stmt.get("effect") or "Allow"}
    for key, field, replace_vars in (
        ("Action", "actions", False),
        ("NotAction", "not_actions", False),
        ("Resource", "resources", True),
        ("NotResource", "not_resources", True),
    ):
        values = stmt.get(field) or []
        if values:
            out[key] = _string_or_list([_vars(v) if replace_vars else v for v in values])
    for key, field in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
        blocks = stmt.get(field) or []
        if blocks:
            out[key] = [
                (p["type"], _string_or_list([_vars(i) for i in p.get("identifiers") or []]))
                for p in blocks
            ]
    conditions = stmt.get("condition") or []
    if conditions:
        out["Condition"] = [
            (c["test"], c["variable"], [_vars(v) for v in c.get("values") or []])
            for c in conditions
        ]
    return out


def _decode_document(text: str, what: str) -> dict[str, Any]:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"merging {what}: {exc}") from exc
    statements = raw.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    doc: dict[str, Any] = {
        "Version": raw.get("Version") or "",
        "Id": raw.get("Id") or "",
        "Statement": None,
    }
    if statements is not None:
        doc["Statement"] = [_statement_from_json(s) for s in statements]
    return doc


def _statement_from_json(s: dict) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: s[k]
        for k in ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource")
        if k in s
    }
    out.setdefault("Sid", "")
    for key in ("Principal", "NotPrincipal"):
        if key in s:
            p = s[key]
            out[key] = (
                [("*", ["*"])]
                if isinstance(p, str)
                else [(k, v if isinstance(v, str) else sorted(v)) for k, v in p.items()]
            )
    if "Condition" in s:
        out["Condition"] = [
            (test, var, _condition_values(vals))
            for test, by_var in s["Condition"].items()
            for var, vals in by_var.items()
        ]
    return out


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    if new["Id"]:
        into["Id"] = new["Id"]
    if new["Version"] > into["Version"]:
        into["Version"] = new["Version"]
    for stmt in new["Statement"] or []:
        existing = into["Statement"] if into["Statement"] is not None else []
        into["Statement"] = existing
        if stmt["Sid"]:
            for i, old in enumerate(existing):
                if old["Sid"] == stmt["Sid"]:
                    existing[i] = stmt
                    break
            else:
                existing.append(stmt)
        else:
            existing.append(stmt)


def _document_out(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if doc["Version"]:
        out["Version"] = doc["Version"]
    if doc["Id"]:
        out["Id"] = doc["Id"]
    if doc["Statement"]:
        out["Statement"] = [_statement_out(s) for s in doc["Statement"]]
    return out


def _statement_out(s: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _STATEMENT_KEYS:
        v = s.get(key)
        if key in ("Principal", "NotPrincipal"):
            if v:
                out[key] = _principals_out(v)
        elif key == "Condition":
            if v:
                out[key] = _conditions_out(v)
        elif v not in (None, "", []):
            out[key] = v
    return out


def _principals_out(principals: list[tuple[str, Any]]) -> Any:
    if len(principals) == 1:
        ptype, ids = principals[0]
        if ptype == "*" and ids in ("*", ["*"]):
            return "*"
    raw: dict[str, Any] = {}
    for ptype, ids in principals:
        current = raw.get(ptype)
        if isinstance(ids, list):
            start = [] if current is None else ([current] if isinstance(current, str) else current)
            raw[ptype] = start + sorted(ids, reverse=True)
        elif current is None:
            raw[ptype] = ids
        elif isinstance(current, str):
            raw[ptype] = [current, ids]
        else:
            raw[ptype] = [*current, ids]
    return dict(sorted(raw.items()))


def _conditions_out(conditions: list[tuple[str, str, list[str]]]) -> dict[str, Any]:
    raw: dict[str, dict[str, list[str]]] = {}
    for test, variable, values in conditions:
        raw.setdefault(test, {}).setdefault(variable, []).extend(values)
    return {
        test: {var: vals[0] if len(vals) == 1 else vals for var, vals in sorted(by_var.items())}
        for test, by_var in sorted(raw.items())
    }


def _condition_values(values: Any) -> list[str]:
    if isinstance(values, bool):
        return ["true" if values else "false"]
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values]


def _string_or_list(values: list[str]) -> Any:
    if len(values) == 1:
        return values[0]
    return sorted(values, reverse=True)


def _vars(s: str) -> str:
    return s.replace("&{", "${")


def _go_escape(text: str) -> str:
    """Go's encoding/json escapes these even in strings it does not otherwise touch."""
    for ch, esc in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text
