"""The IAM policy documents an attribute holds, however the configuration writes them.

A policy attribute (`policy`, `assume_role_policy`, `inline_policy[i].policy`) is known
JSON, or, in a first plan, unknown with references to where it comes from: an
`aws_iam_policy_document` data source (its JSON when known, else its `statement`
blocks, `source_policy_documents` and `override_policy_documents`, with unknown
elements kept as `Opaque` values built from their references) or an `aws_iam_policy`.
What cannot be read becomes one opaque statement built from its references, so a
document never reads as empty because it is unknown. `arn_documents` reads the policies
an ARN attribute names: customer policies in the plan, and AWS managed policies (those
plangate does not know as a statement that possibly grants anything).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from plangate import UNKNOWN, Plan, Resource
from plangate.helpers import has_unknown, members

from .iam_documents import (
    Opaque,
    PolicyDocument,
    Statement,
    parse_policy,
    statements_from_blocks,
)
from .managed_policies import is_aws_managed, managed_policy, unseen_managed_policy

__all__ = ["arn_documents", "policy_documents"]

_STATEMENT_FIELDS = ("actions", "not_actions", "resources", "not_resources")
_MAX_DEPTH = 6


def policy_documents(
    plan: Plan, resource: Resource, path: str | tuple[str | int, ...], depth: int = 0
) -> list[tuple[PolicyDocument, tuple[str, ...]]]:
    """The policy documents an attribute holds, each with the hops it came through
    (`data.aws_iam_policy_document.x`, `aws_iam_policy.y`). A document unknown at plan
    time whose origin cannot be read is one opaque statement built from its references."""
    value = resource.after_value(path)
    if isinstance(value, str):
        document = parse_policy(value, resource.address)
        return [(document, ())] if document else []
    if value is UNKNOWN:
        return _referenced_documents(plan, resource, path, depth)
    return []


def _referenced_documents(
    plan: Plan, resource: Resource, path: str | tuple[str | int, ...], depth: int
) -> list[tuple[PolicyDocument, tuple[str, ...]]]:
    resolution = plan.references.resolve(resource, path)
    found: list[tuple[PolicyDocument, tuple[str, ...]]] = []
    for ref in resolution.refs if depth <= _MAX_DEPTH else ():
        target = ref.target
        if target.type == "aws_iam_policy_document" and target.mode == "data":
            found.append((_document_data_source(plan, target, depth + 1), (target.address,)))
        elif target.type == "aws_iam_policy" and ref.attribute in ("policy", "json", None):
            found.extend(
                (d, (target.address, *hops))
                for d, hops in policy_documents(plan, target, "policy", depth + 1)
            )
    if found:
        return found
    opaque = Opaque(tuple(resolution.refs), resolution.unresolved, strict=True)
    statement = Statement(
        0,
        None,
        "Allow",
        actions=(opaque,),
        resources=(opaque,),
        described=f"a policy known only after apply, built from {opaque.names}",
    )
    return [(PolicyDocument((statement,), resource.address), ())]


def _document_data_source(plan: Plan, source: Resource, depth: int) -> PolicyDocument:
    """An `aws_iam_policy_document`: its JSON when known, else its statement blocks."""
    text = source.after_value("json")
    if isinstance(text, str):
        parsed = parse_policy(text, source.address)
        if parsed is not None:
            return parsed
    statements = [
        s
        for document, _ in _listed_documents(plan, source, "source_policy_documents", depth)
        for s in document.statements
    ]
    blocks = source.after_value("statement")
    if isinstance(blocks, list):
        own = [
            _known_block(plan, source, i, b) for i, b in enumerate(blocks) if isinstance(b, Mapping)
        ]
    else:
        own = _config_blocks(plan, source)
    offset = len(statements)
    own_statements = statements_from_blocks(own)
    statements.extend(
        (replace(s, index=s.index + offset) for s in own_statements) if offset else own_statements
    )
    for document, _ in _listed_documents(plan, source, "override_policy_documents", depth):
        for statement in document.statements:
            same = [i for i, s in enumerate(statements) if statement.sid and s.sid == statement.sid]
            if same:
                statements[same[0]] = replace(statement, index=statements[same[0]].index)
            else:
                statements.append(replace(statement, index=len(statements)))
    return PolicyDocument(tuple(statements), source.address)


def _listed_documents(
    plan: Plan, source: Resource, attribute: str, depth: int
) -> list[tuple[PolicyDocument, tuple[str, ...]]]:
    """`source_policy_documents` / `override_policy_documents`: JSON texts, some unknown."""
    value = source.after_value(attribute)
    if has_unknown(value):
        return _referenced_documents(plan, source, attribute, depth)
    parsed = (parse_policy(v, source.address) for v in value or () if isinstance(v, str))
    return [(d, ()) for d in parsed if d is not None]


def _known_block(
    plan: Plan, source: Resource, index: int, block: Mapping[str, Any]
) -> dict[str, Any]:
    """A statement block from the planned value, unknown parts made `Opaque`."""
    out: dict[str, Any] = dict(block)
    for name in _STATEMENT_FIELDS:
        value = block.get(name)
        if has_unknown(value):
            out[name] = _partly_known(plan, source, value, ("statement", index, name))
    for name in ("principals", "not_principals"):
        value = block.get(name)
        if value is UNKNOWN:
            out[name] = _opaque(plan, source, ("statement", index, name))
        elif isinstance(value, list):
            out[name] = [
                _known_principal(plan, source, ("statement", index, name, j, "identifiers"), p)
                for j, p in enumerate(value)
            ]
    return out


def _known_principal(plan: Plan, source: Resource, path: tuple[str | int, ...], block: Any) -> Any:
    if not isinstance(block, Mapping):
        return block
    ids = block.get("identifiers")
    if has_unknown(ids):
        return {**block, "identifiers": _partly_known(plan, source, ids, path)}
    return block


def _partly_known(
    plan: Plan, source: Resource, value: Any, path: tuple[str | int, ...]
) -> list[Any]:
    """A list with members unknown at plan time: its known strings, then one `Opaque`."""
    known = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    return [*known, _opaque(plan, source, path)]


def _config_blocks(plan: Plan, source: Resource) -> list[dict[str, Any]]:
    """Statement blocks from the configuration, when even their shape is unknown."""
    config = plan.config_for(source)
    blocks = config.expression("statement") if config is not None else None
    found: list[dict[str, Any]] = []
    for index, block in enumerate(blocks if isinstance(blocks, list) else []):
        if not isinstance(block, Mapping):
            continue
        out: dict[str, Any] = {}
        for name in ("sid", "effect", *_STATEMENT_FIELDS):
            expr = block.get(name)
            if isinstance(expr, Mapping) and "constant_value" in expr:
                out[name] = expr["constant_value"]
            elif isinstance(expr, Mapping) and expr.get("references"):
                out[name] = [_opaque(plan, source, ("statement", index, name))]
        out["condition"] = bool(block.get("condition"))
        for name in ("principals", "not_principals"):
            principals = block.get(name)
            if isinstance(principals, list):
                out[name] = [
                    _config_principal(plan, source, ("statement", index, name, j), p)
                    for j, p in enumerate(principals)
                ]
        found.append(out)
    return found


def _config_principal(
    plan: Plan, source: Resource, path: tuple[str | int, ...], block: Any
) -> dict[str, Any]:
    kind = block.get("type") if isinstance(block, Mapping) else None
    ids = block.get("identifiers") if isinstance(block, Mapping) else None
    kind_value = kind.get("constant_value") if isinstance(kind, Mapping) else None
    if isinstance(ids, Mapping) and "constant_value" in ids:
        identifiers: Any = ids["constant_value"]
    else:
        identifiers = [_opaque(plan, source, (*path, "identifiers"))]
    return {
        "type": kind_value if isinstance(kind_value, str) else "AWS",
        "identifiers": identifiers,
    }


def _opaque(plan: Plan, resource: Resource, path: tuple[str | int, ...]) -> Opaque:
    """An element unknown at plan time, and what it is built from. Unknown with nothing
    found to explain it (a module variable neither set nor defaulted) counts as
    unresolved: the value exists, plangate cannot see where it comes from."""
    resolution = plan.references.resolve(resource, path)
    values = tuple(v for v in _flat(resolution.values) if isinstance(v, str))
    unresolved = resolution.unresolved or not (resolution.refs or resolution.values)
    return Opaque(tuple(resolution.refs), unresolved, values)


def _flat(values: Iterable[Any]) -> Iterator[Any]:
    for value in values:
        if isinstance(value, list):
            yield from _flat(value)
        else:
            yield value


def arn_documents(
    plan: Plan, carrier: Resource, path: tuple[str | int, ...]
) -> list[tuple[PolicyDocument, tuple[str, ...]]]:
    """Documents of the policies an ARN attribute (or a list of ARNs) names: customer
    policies in the plan (by reference or ARN), `data.aws_iam_policy`, AWS managed ones."""
    found: list[tuple[PolicyDocument, tuple[str, ...]]] = []
    covered: set[str] = set()
    for ref in plan.references.resolve(carrier, path).refs:
        policy = ref.target
        if policy.type != "aws_iam_policy" or policy.address in covered:
            continue
        covered.add(policy.address)
        arn = policy.after_value("arn")
        if isinstance(arn, str):
            covered.add(arn)
        documents = policy_documents(plan, policy, "policy")
        if not documents and isinstance(arn, str) and is_aws_managed(arn):
            documents = [_managed_document(arn)]
        found.extend((d, (policy.address, *hops)) for d, hops in documents)
    for arn in members(carrier.after_value(path)):
        if isinstance(arn, str) and arn not in covered and is_aws_managed(arn):
            found.append(_managed_document(arn))
    return found


def _managed_document(arn: str) -> tuple[PolicyDocument, tuple[str, ...]]:
    managed = managed_policy(arn)
    document = managed.document if managed is not None else unseen_managed_policy(arn)
    return document, (document.source,)
