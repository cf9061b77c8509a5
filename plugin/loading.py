"""Reading a plan from a file, stdin or a binary plan file; rejecting what is not a plan.

Every rejection is a `PlangateError` with one line saying what and where. Parsing runs
with the garbage collector paused: on large plans most of the parse time is otherwise
the collector scanning millions of fresh containers (bench/README.md).

The parse rejects JSON that Terraform never writes and that a lenient parser would read
silently: a key twice in one object (the stdlib keeps the last, so a plan could show
reviewers one value and the gate another) and the non-standard NaN and Infinity.

Two parsers, one result. jiter reads the file's UTF-8 bytes directly (no decoded copy of
the text), rejects a repeated key and NaN/Infinity itself, and shares the strings that
repeat (keys, types, ARNs): a third less time and a fifth less memory than the stdlib on
a large plan (bench/README.md). What jiter does not read it hands to the stdlib parser,
which reads exactly what it read before: integers past Python's 4,300 digits (as
floats), lone UTF-16 surrogates in escapes, UTF-16 files and byte-order marks, and every
error, which it then places by line and column (a key twice, by where in the plan).
The stdlib finds a repeated key by building each object from its pairs and comparing
sizes, the cheapest sound check measured for it.
"""

from __future__ import annotations

import gc
import json
import re
import sys
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from .errors import PlangateError
from .validation import shown
from .values import json_int

__all__ = ["decode", "load_plan_data", "parse_bytes", "parse_json", "validate_envelope"]

SUPPORTED_MAJORS = ("0", "1")
_VERSION = re.compile(r"^(\d+)\.(\d+)")
_LEADING_SPACE = re.compile(r"\s*")
_LEADING_SPACE_BYTES = re.compile(rb"[ \t\r\n]*")  # JSON's whitespace


@contextmanager
def _collector_paused() -> Any:
    """Parse without the collector, then move the parsed tree out of its reach.

    The plan is read-only and lives until the process ends; without `gc.freeze()` every
    later collection would traverse its millions of containers again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def decode(raw: bytes, where: str) -> str:
    """Bytes → text: UTF-8 (with or without BOM) or UTF-16 with a BOM (PowerShell's `>`)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise PlangateError(
            "input",
            f"{where}: cannot read the file as {encoding.upper()} text; write the plan with "
            "`terraform show -json PLANFILE > plan.json` (UTF-8)",
        ) from None


def parse_bytes(raw: bytes) -> Any:
    """The plan's value when jiter reads it (a JSON object in UTF-8 without a byte-order
    mark, nothing jiter refuses), else None: the caller then decodes and calls
    `parse_json`, which reads it the stdlib's way or says why it cannot."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return None
    start = _LEADING_SPACE_BYTES.match(raw).end()  # type: ignore[union-attr]
    if not raw.startswith(b"{", start):
        return None
    import jiter

    try:
        with _collector_paused():
            return jiter.from_json(
                raw, allow_inf_nan=False, catch_duplicate_keys=True, cache_mode="all"
            )
    except ValueError:
        return None


def parse_json(text: str, where: str) -> Any:
    if not text or text.isspace():  # not `text.strip()`: that copies the whole plan
        raise PlangateError(
            "input", f"{where}: the file is empty; expected `terraform show -json PLANFILE` output"
        )
    # Where the document starts, found without `text.lstrip()`: a copy of the whole plan
    # that would stay alive through the parse. (`\s` is exactly what `str.isspace` is.)
    leading = _LEADING_SPACE.match(text)
    start = leading.end() if leading else 0
    if not text.startswith(("{", "["), start):
        head = text[start : start + 64]  # enough for the first keyword
        hint = "it looks like Terraform configuration (HCL); " if _looks_like_hcl(head) else ""
        raise PlangateError(
            "input", f"{where}: not JSON ({hint}expected `terraform show -json PLANFILE` output)"
        )
    try:
        with _collector_paused():
            return json.loads(
                text, object_pairs_hook=_object, parse_constant=_constant, parse_int=json_int
            )
    except _NotTerraformJSON as exc:
        what = str(exc)
        if "twice" in what:
            what = _where_twice(text)
        raise PlangateError(
            "input",
            f"{where}: {shown(what)}, which Terraform never writes; regenerate the plan "
            "with `terraform show -json PLANFILE`",
        ) from None
    except json.JSONDecodeError as exc:
        what = "truncated JSON" if exc.pos >= len(text.rstrip()) else "invalid JSON"
        raise PlangateError(
            "input",
            f"{where}: {what} at line {exc.lineno} column {exc.colno} ({exc.msg}); "
            "regenerate it with `terraform show -json PLANFILE`",
        ) from None
    except RecursionError:
        raise PlangateError("input", f"{where}: JSON nested too deeply to be a plan") from None


class _NotTerraformJSON(ValueError):
    """Valid for the stdlib parser, never written by Terraform."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """One JSON object; a key twice is an error (the stdlib would keep the last)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _NotTerraformJSON("a key appears twice in one object")
    return found


def _constant(name: str) -> Any:
    raise _NotTerraformJSON(f"{name} is not a JSON number")


class _Twice(dict[str, Any]):
    """An object that held a key twice (only built to say where, after the error)."""

    key: str = ""


def _marking(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    marked = _Twice(found)
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            marked.key = key
            break
        seen.add(key)
    return marked


def _where_twice(text: str) -> str:
    """`the key "x" appears twice in resource_changes[3].change.after (aws_db_instance.db)`:
    a second parse that marks the objects instead of failing, then a search for the first
    one. Runs only on the error path."""
    parsed = json.loads(text, object_pairs_hook=_marking, parse_int=json_int)
    stack: list[tuple[Any, str, str]] = [(parsed, "", "")]
    while stack:
        node, path, address = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("address"), str):
                address = node["address"]
            if isinstance(node, _Twice):
                where = f" in {path}" if path else " at the top level"
                owner = f" ({shown(address)})" if address else ""
                return f"the key {shown(json.dumps(node.key))} appears twice{where}{owner}"
            stack.extend(
                (value, f"{path}.{key}" if path else key, address)
                for key, value in reversed(node.items())
            )
        elif isinstance(node, list):
            stack.extend(
                (value, f"{path}[{i}]", address) for i, value in reversed(list(enumerate(node)))
            )
    return "a key appears twice in one object"


def _looks_like_hcl(text: str) -> bool:
    return bool(
        re.match(
            r"^(#|//|/\*|(resource|module|variable|terraform|provider|data|"
            r"locals|output)\b)",
            text,
        )
    )


@cache
def _envelope_schema() -> dict[str, Any]:
    # pkgutil reads the file through the package's loader, as importlib.resources does,
    # without importing what importlib.resources brings (tempfile, shutil, ...).
    import pkgutil

    data = pkgutil.get_data("plangate.schemas", "plan_envelope.schema.json")
    assert data is not None  # the package's own loader always reads files
    loaded: dict[str, Any] = json.loads(data.decode("utf-8"))
    return loaded


# What the envelope schema may say, read here without a JSON Schema library (importing
# jsonschema costs more than the rest of a small plan's check): the JSON type of each
# known top-level member, a pattern, required members. tests/engine/test_loading.py
# holds the shipped schema to these keywords.
ENVELOPE_KEYWORDS = frozenset({"$schema", "$id", "title", "description", "type", "required"})
PROPERTY_KEYWORDS = frozenset({"type", "pattern"})
_JSON_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}
_TYPE_NAMES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def _envelope_problem(data: dict[str, Any]) -> str | None:
    """Where and how the top of the document breaks the shipped envelope schema."""
    schema = _envelope_schema()
    for name in schema.get("required", ()):
        if name not in data:
            return f"(top level): {name!r} is a required property"
    for name, rules in schema.get("properties", {}).items():
        if name not in data:
            continue
        value = data[name]
        expected = rules.get("type")
        if expected is not None and not _JSON_TYPES[expected](value):
            kind = _TYPE_NAMES.get(type(value), "a number" if value is not None else "null")
            return f"{name}: {kind}, not of type {expected!r}"
        pattern = rules.get("pattern")
        if pattern is not None and not re.search(pattern, value):
            return f"{name}: {shown(value)} does not match {pattern!r}"
    return None


def validate_envelope(data: Any, where: str) -> None:
    """Check the top of the document (what it is), then its shape against the schema."""
    if not isinstance(data, dict):
        raise PlangateError(
            "input", f"{where}: JSON {type(data).__name__}, not a Terraform plan object"
        )
    if "format_version" not in data:
        if "plan_format_version" in data:
            what = "an HCP Terraform redacted plan, not `terraform show -json` output"
        elif "lineage" in data and "resources" in data:
            what = "a raw state file, not a plan"
        else:
            what = "no `format_version`, so not `terraform show -json` output"
        raise PlangateError("input", f"{where}: {what}; run `terraform show -json PLANFILE`")
    version = data["format_version"]
    match = _VERSION.match(version) if isinstance(version, str) else None
    if not match:
        raise PlangateError(
            "input", f"{where}: format_version {version!r} is not a Terraform plan format version"
        )
    if match.group(1) not in SUPPORTED_MAJORS:
        raise PlangateError(
            "input",
            f"{where}: unsupported plan format_version {version} "
            "(plangate reads 0.x and 1.x); upgrade plangate",
        )
    if "planned_values" not in data:
        if "provider_schemas" in data:
            what = "provider schemas (`terraform providers schema -json`)"
        elif "values" in data:
            what = "a state (`terraform show -json` without a plan file)"
        else:
            what = "no `planned_values`"
        raise PlangateError(
            "input",
            f"{where}: {what}, not a plan; run `terraform show -json PLANFILE` on a saved plan",
        )
    problem = _envelope_problem(data)
    if problem is not None:
        raise PlangateError("input", f"{where}: not a valid plan at {problem}")


def read_source(source: str) -> tuple[bytes, str]:
    if source == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    path = Path(source)
    if path.is_dir():
        raise PlangateError(
            "input", f"{source}: is a directory; pass a plan JSON file or a binary plan file"
        )
    try:
        return path.read_bytes(), source
    except FileNotFoundError:
        raise PlangateError("input", f"{source}: no such file") from None
    except OSError as exc:
        raise PlangateError("input", f"{source}: cannot read ({exc.strerror})") from None


def load_plan_data(source: str, show_json: Callable[[str], bytes]) -> tuple[dict[str, Any], str]:
    """Read, decode, parse and validate one plan; a zip is handed to `show_json` first."""
    raw, where = read_source(source)
    if raw.startswith(b"PK\x03\x04"):
        if source == "-":
            raise PlangateError(
                "input",
                "<stdin>: a binary plan file on stdin; pass its path "
                "instead so terraform can read it",
            )
        import zipfile  # here: only binary plan files need it

        if not zipfile.is_zipfile(source):
            raise PlangateError("input", f"{where}: a damaged binary plan file")
        raw = show_json(source)
    data = parse_bytes(raw)
    if data is None:
        text = decode(raw, where)
        del raw  # the bytes are as large as the file: free them before the parse peaks
        data = parse_json(text, where)
        del text
    else:
        del raw
    validate_envelope(data, where)
    return data, where
