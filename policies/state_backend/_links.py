"""Where a resource names the state backend: an attribute whose known value holds a
target's name or ARN, or whose configuration refers to the table or bucket while the
value is unknown (`links_to_backend`); and every string of an application's
configuration, labelled the way a person looks for it (`labelled_strings`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from plangate import Certainty, Plan, Ref, Resource
from plangate.helpers import has_unknown, json_value, ref_text

from ._targets import BUCKET, LOCK_TABLE, BackendTarget, StateBackend

__all__ = [
    "IDENTIFYING_ATTRIBUTES",
    "WIRING",
    "BackendLink",
    "labelled_strings",
    "links_to_backend",
]


# Attributes of a table or bucket that identify it: a reference to any of them (or to
# the whole object, as `one(aws_dynamodb_table.lock[*].name)` appears in the plan) hands
# the backend to whoever holds the value.
IDENTIFYING_ATTRIBUTES = frozenset(
    {
        "name",
        "arn",
        "id",
        "bucket",
        "stream_arn",
        "bucket_domain_name",
        "bucket_regional_domain_name",
    }
)


@dataclass(frozen=True)
class BackendLink:
    """An attribute that names a backend target: by its known value, or by reference."""

    target: BackendTarget
    by_reference: bool
    via: tuple[str, ...] = ()  # reference hops (module variables / outputs)
    ref: Ref | None = None
    certainty: Certainty = Certainty.CERTAIN

    @property
    def how(self) -> str:
        if not self.by_reference:
            return "by value"
        if self.ref is None:
            return "through a value its configuration passes in"
        hops = f" via {', '.join(self.via)}" if self.via else ""
        return f"by reference to {ref_text(self.ref)}{hops}"


def links_to_backend(
    plan: Plan,
    backend: StateBackend,
    resource: Resource,
    path: str | tuple[str | int, ...],
    *,
    exact: bool = False,
    kind: str | None = None,
) -> list[BackendLink]:
    """Backend targets the attribute at `path` names, one link per target.

    Known strings are matched against target names and ARNs (`exact`: the whole string
    is the identifier; otherwise a whole-word match inside text). Where the value is
    unknown at plan time, the configuration's references are followed (through module
    variables and outputs) to the table or bucket, and the constants met on the way are
    matched too: the first-time plan, where names and ARNs are not known yet.
    """
    if not backend:
        return []
    found: dict[int, BackendLink] = {}

    def match(text: str) -> list[BackendTarget]:
        if exact:
            target = backend.target_for_identifier(text, kind)
            return [target] if target is not None else []
        return [t for t in backend.find_in_text(text) if kind is None or t.kind == kind]

    value = resource.after_value(path)
    for text in _strings(value):
        for target in match(text):
            found.setdefault(id(target), BackendLink(target, by_reference=False))
    if has_unknown(value):
        resolution = plan.references.resolve(resource, path)
        for ref in resolution.refs:
            linked = backend.target_for_resource(ref.target)
            if linked is None or (kind is not None and linked.kind != kind):
                continue
            if ref.attribute is not None and ref.attribute not in IDENTIFYING_ATTRIBUTES:
                continue
            found.setdefault(id(linked), BackendLink(linked, True, ref.via, ref))
        for constant in resolution.values:
            for text in _strings(constant):
                for target in match(text):
                    found.setdefault(id(target), BackendLink(target, by_reference=True))
    return list(found.values())


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# Maps whose keys are environment variable names (Lambda, App Runner, Batch…).
_VARIABLE_MAPS = {
    "variables": "environment variable",
    "runtime_environment_variables": "environment variable",
    "runtime_environment_secrets": "secret",
}


def labelled_strings(value: Any, *, parse_json: bool = False) -> Iterator[tuple[str, str]]:
    """(label, text) for every known string in an application's configuration.

    JSON documents (ECS `container_definitions`, Batch `container_properties`) are parsed
    when `parse_json`; invalid JSON is read as plain text. Labels name what a person
    looks for: `environment variable LOCK_TABLE of container "api"`, `secret DB of
    container "api"`, `command[2] of container "api"`, `environment variable X`.
    """
    if parse_json:
        value = json_value(value)
    yield from _labelled(value, (), None, None)


def _labelled(
    value: Any, trail: tuple[str | int, ...], container: str | None, variable: str | None
) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        where = variable or (_dotted(trail) if trail else "value")
        yield (f'{where} of container "{container}"' if container else where), value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _labelled(item, (*trail, i), container, variable)
    elif isinstance(value, dict):
        if isinstance(value.get("image"), str) and isinstance(value.get("name"), str):
            container, trail = value["name"], ()
        entry_name = value.get("name")
        is_entry = isinstance(entry_name, str) and ("value" in value or "valueFrom" in value)
        for key, item in value.items():
            if is_entry and key in ("value", "valueFrom"):
                noun = "secret" if key == "valueFrom" else "environment variable"
                yield from _labelled(item, (), container, f"{noun} {entry_name}")
            elif key in _VARIABLE_MAPS and isinstance(item, dict):
                for name, text in item.items():
                    yield from _labelled(text, (), container, f"{_VARIABLE_MAPS[key]} {name}")
            elif not (is_entry and key == "name"):
                yield from _labelled(item, (*trail, key), container, variable)


def _dotted(trail: tuple[str | int, ...]) -> str:
    text = ""
    for step in trail:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


# Per type: (attribute naming the source, backend kind, what it does, attributes naming
# the consumers, for the finding's chain).
WIRING: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "aws_lambda_event_source_mapping": (
        "event_source_arn",
        LOCK_TABLE,
        "feeds its stream to a function",
        ("function_name",),
    ),
    "aws_pipes_pipe": (
        "source",
        LOCK_TABLE,
        "feeds its stream to an EventBridge pipe",
        ("target",),
    ),
    "aws_dynamodb_kinesis_streaming_destination": (
        "table_name",
        LOCK_TABLE,
        "streams its changes to Kinesis",
        ("stream_arn",),
    ),
    "aws_appsync_datasource": (
        "dynamodb_config.0.table_name",
        LOCK_TABLE,
        "is an AppSync data source",
        (),
    ),
    "aws_s3_bucket_notification": (
        "bucket",
        BUCKET,
        "sends its object events to the application",
        ("lambda_function", "queue", "topic"),
    ),
}
