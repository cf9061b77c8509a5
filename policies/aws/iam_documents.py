"""IAM policy documents as plangate reads them: statements whose elements are strings, or
`Opaque` values standing for parts unknown at plan time.

- `parse_policy`: a JSON policy document (identity or resource policy, trust policy).
  `Statement` may be an object or a list; `Action`/`NotAction`/`Resource`/
  `NotResource`/`Principal` a string or a list; `Principal` `"*"` or
  `{"AWS"|"Service"|"Federated"|"CanonicalUser": ...}`.
- `statements_from_blocks`: the `statement` blocks of an `aws_iam_policy_document` data
  source (lower-case fields, `principals { type identifiers }`), whose values may
  already be `Opaque` while the data source's JSON is unknown.

An `Opaque` element keeps the plan resources it is built from, so evaluation
(`iam_evaluation`) can still tell that `aws_dynamodb_table.lock.arn` is the lock table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from plangate import Ref
from plangate.helpers import json_value, ref_text

__all__ = [
    "Element",
    "Opaque",
    "PolicyDocument",
    "Statement",
    "parse_policy",
    "statements_from_blocks",
]


@dataclass(frozen=True)
class Opaque:
    """A policy element (or a whole document) unknown at plan time.

    `refs` are the plan resources it is built from (`Ref.attribute` says which of their
    attributes); `unresolved` says something else went into it that could not be
    followed (a local value, an unknown variable). `strict` opaque values (whole
    documents, whose actions are unknown too) only match through a reference.
    """

    refs: tuple[Ref, ...] = ()
    unresolved: bool = False
    values: tuple[str, ...] = ()
    strict: bool = False

    @property
    def names(self) -> str:
        """What it is built from: `aws_dynamodb_table.lock.arn, var.x` (or `unknown values`)."""
        names = sorted({ref_text(r) for r in self.refs})
        return ", ".join(names) if names else "unknown values"

    def __str__(self) -> str:
        return f"(known after apply, from {self.names})"


Element = str | Opaque


@dataclass(frozen=True)
class Statement:
    index: int
    sid: str | None
    effect: str  # "Allow" | "Deny"
    actions: tuple[Element, ...] | None = None
    not_actions: tuple[Element, ...] | None = None
    resources: tuple[Element, ...] | None = None
    not_resources: tuple[Element, ...] | None = None
    principals: tuple[tuple[str, Element], ...] | None = None
    not_principals: tuple[tuple[str, Element], ...] | None = None
    condition: bool = False
    described: str | None = None  # a label for statements that stand for unknown documents
    unseen: bool = False  # stands for a document plangate cannot read at all, not even later

    @property
    def label(self) -> str:
        """`statement "Sid"` or `statement #2` (counted from 1, as people do)."""
        if self.described:
            return self.described
        return f'statement "{self.sid}"' if self.sid else f"statement #{self.index + 1}"

    @property
    def is_allow(self) -> bool:
        return self.effect.lower() == "allow"


@dataclass(frozen=True)
class PolicyDocument:
    statements: tuple[Statement, ...]
    source: str = ""  # what it is, for messages: "AWS managed policy X", an address...


def parse_policy(text: Any, source: str = "") -> PolicyDocument | None:
    """A policy document from its JSON text (or an already decoded object).

    Returns None for text that is not a JSON policy document.
    """
    statements = _statements_of_text(text) if isinstance(text, str) else _statements(text)
    return None if statements is None else PolicyDocument(statements, source)


@lru_cache(maxsize=4096)
def _statements_of_text(text: str) -> tuple[Statement, ...] | None:
    """A document's statements, decoded once per text: a policy is read by every role it
    is attached to and by the redactor, and copies of one stack repeat the same texts.
    Statements are frozen, so sharing them is safe."""
    return _statements(json_value(text))


def _statements(data: Any) -> tuple[Statement, ...] | None:
    if not isinstance(data, Mapping):
        return None
    raw = data.get("Statement")
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        return None
    return tuple(_statement(i, s) for i, s in enumerate(raw) if isinstance(s, Mapping))


def _statement(index: int, raw: Mapping[str, Any]) -> Statement:
    sid = raw.get("Sid")
    return Statement(
        index=index,
        sid=sid if isinstance(sid, str) and sid else None,
        effect=str(raw.get("Effect") or "Allow"),
        actions=_elements(raw.get("Action")),
        not_actions=_elements(raw.get("NotAction")),
        resources=_elements(raw.get("Resource")),
        not_resources=_elements(raw.get("NotResource")),
        principals=_principals(raw.get("Principal")),
        not_principals=_principals(raw.get("NotPrincipal")),
        condition=bool(raw.get("Condition")),
    )


def _elements(value: Any) -> tuple[Element, ...] | None:
    if value is None:
        return None
    if isinstance(value, str | Opaque):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str | Opaque))
    return ()


def _principals(value: Any) -> tuple[tuple[str, Element], ...] | None:
    if value is None:
        return None
    if value == "*":
        return (("*", "*"),)
    if isinstance(value, Mapping):
        found: list[tuple[str, Element]] = []
        for kind, ids in value.items():
            found.extend((str(kind), e) for e in _elements(ids) or ())
        return tuple(found)
    return ()


def statements_from_blocks(blocks: Sequence[Mapping[str, Any]]) -> tuple[Statement, ...]:
    """Statements from `aws_iam_policy_document` `statement` blocks (lower-case fields,
    `principals { type identifiers }`), whose values may already be `Opaque`."""
    found: list[Statement] = []
    for index, block in enumerate(blocks):
        sid = block.get("sid")
        effect = block.get("effect")
        found.append(
            Statement(
                index=index,
                sid=sid if isinstance(sid, str) and sid else None,
                effect=effect if isinstance(effect, str) and effect else "Allow",
                actions=_block_elements(block.get("actions")),
                not_actions=_block_elements(block.get("not_actions")),
                resources=_block_elements(block.get("resources")),
                not_resources=_block_elements(block.get("not_resources")),
                principals=_block_principals(block.get("principals")),
                not_principals=_block_principals(block.get("not_principals")),
                condition=bool(block.get("condition")),
            )
        )
    return tuple(found)


def _block_elements(value: Any) -> tuple[Element, ...] | None:
    if value is None or value == []:
        return None
    return _elements(value)


def _block_principals(value: Any) -> tuple[tuple[str, Element], ...] | None:
    if isinstance(value, Opaque):
        return (("AWS", value),)
    if not isinstance(value, list) or not value:
        return None
    found: list[tuple[str, Element]] = []
    for block in value:
        if not isinstance(block, Mapping):
            continue
        kind = block.get("type")
        kind = kind if isinstance(kind, str) else "AWS"
        ids = block.get("identifiers")
        if kind == "*" and ids in ("*", ["*"]):
            found.append(("*", "*"))
            continue
        found.extend((kind, e) for e in _elements(ids) or ())
    return tuple(found)
