"""IAM policy evaluation, as AWS does it for the parts plangate needs.

A policy document is parsed into statements whose elements are either strings or
`Opaque` values: parts of the document unknown at plan time, with the plan resources
they are built from. A question is a `Request`: may this action be taken on this
resource? Resources are ARN *templates*: an ARN whose unknown parts (a table's region
and account before apply, a state key nobody named) are `HOLE`s. Every answer is
three-valued (`Match`): NO, POSSIBLE (it depends on something unknown at plan time) or
YES.

What is evaluated like AWS does:

- `Statement` as an object or a list; `Action`/`NotAction`/`Resource`/`NotResource`/
  `Principal` as a string or a list; `Principal` `"*"` or `{"AWS"|"Service"|"Federated"|
  "CanonicalUser": ...}`;
- actions match case-insensitively with `*` and `?`; resources match case-sensitively,
  segment by segment (`arn:partition:service:region:account:resource`), `*` alone matches
  everything, and a trailing `*` in the last given segment runs across colons;
- `NotAction`/`NotResource` apply to everything they do not list;
- an explicit Deny wins over every Allow; a Deny with a Condition may not apply, so it
  leaves the grant standing as POSSIBLE;
- a Condition on an Allow keeps the grant (it is noted, never evaluated).

AWS managed policies that matter for the state backend are data
(`managed_policies.json`, each with its source and the date it was checked).
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from importlib import resources
from typing import Any

from plangate import Ref, glob_match, globs_meet
from plangate.helpers import json_value, ref_text

__all__ = [
    "HOLE",
    "Grant",
    "ManagedPolicy",
    "Match",
    "Opaque",
    "PolicyDocument",
    "PrincipalQuery",
    "Request",
    "Statement",
    "action_matches",
    "arn_matches",
    "evaluate",
    "is_aws_managed",
    "managed_policies",
    "managed_policy",
    "parse_policy",
    "statements_from_blocks",
]

# Stands for a part of an ARN unknown at plan time (never in a real ARN or a pattern).
HOLE = "\x00"
# What a hole is replaced by to ask "does the pattern match whatever the hole holds?":
# characters no pattern literal can match, long enough that only `*` absorbs them.
_ANY_VALUE = "\x01\x02\x03\x04"


class Match(enum.IntEnum):
    NO = 0
    POSSIBLE = 1
    YES = 2

    def negate(self) -> Match:
        return Match(2 - self)


# -- documents -------------------------------------------------------------------------


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
    data = json_value(text)
    if not isinstance(data, Mapping):
        return None
    raw = data.get("Statement")
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        return None
    statements = tuple(_statement(i, s) for i, s in enumerate(raw) if isinstance(s, Mapping))
    return PolicyDocument(statements, source)


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


# -- matching ------------------------------------------------------------------------------


@lru_cache(maxsize=65536)  # a plan repeats a few patterns against the same few actions
def action_matches(pattern: str, action: str) -> bool:
    """`dynamodb:Put*`, `*`, `DynamoDB:?etItem` against `dynamodb:GetItem` (case-insensitive)."""
    return glob_match(pattern, action, ignore_case=True)


def _segment_match(pattern: str, template: str) -> Match:
    if HOLE not in template:
        return Match.YES if glob_match(pattern, template) else Match.NO
    if glob_match(pattern, template.replace(HOLE, _ANY_VALUE)):
        return Match.YES
    return Match.POSSIBLE if globs_meet(pattern, template.replace(HOLE, "*")) else Match.NO


def _without_policy_variables(pattern: str) -> str:
    """`${aws:username}` and the like replaced by `*` (what a request may fill in).

    A scan, not a regular expression: on a pattern of many `${` and no `}`, the
    expression `${[^}]*}` tried every `${` to the end, quadratic in the pattern.
    """
    parts, position = [], 0
    while (start := pattern.find("${", position)) >= 0:
        end = pattern.find("}", start + 2)
        if end < 0:
            break  # no `}` after this `${`, nor after any later one
        parts += (pattern[position:start], "*")
        position = end + 1
    return "".join(parts) + pattern[position:]


def arn_matches(pattern: str, template: str) -> Match:
    """A `Resource` pattern against an ARN template (`HOLE` for parts unknown now).

    YES: matches whatever the holes hold; POSSIBLE: matches for some values; NO: never.
    Policy variables (`${aws:username}`) are unknown until the request is made.
    """
    if pattern == "*":
        return Match.YES
    variable = Match.YES
    if "${" in pattern:
        pattern = _without_policy_variables(pattern)
        variable = Match.POSSIBLE
    wanted = pattern.split(":", 5)
    have = template.split(":", 5)
    if len(have) != 6:
        return Match.NO
    if len(wanted) < 6:
        # A trailing `*` in the last segment given runs across the colons after it.
        if not wanted[-1].endswith("*"):
            return Match.NO
        have = [*have[: len(wanted) - 1], ":".join(have[len(wanted) - 1 :])]
    result = Match.YES
    for want, got in zip(wanted, have, strict=True):
        result = min(result, _segment_match(want, got))
        if result is Match.NO:
            return Match.NO
    return min(result, variable)


# -- requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """May `action` be taken on `resource`?

    `addresses` are the plan resources (managed or data sources) that *are* this resource,
    so an element built from one of them (`aws_dynamodb_table.lock.arn`) matches it while
    its ARN is still unknown; `types` are the resource types it could be (an element
    built from a table whose name is unknown may be it).
    """

    action: str
    resource: str
    addresses: frozenset[str] = frozenset()
    types: tuple[str, ...] = ()


# An element built from these attributes of the target *is* its ARN (or one derived from
# it: `"${arn}/*"`); from these, a name, it is most likely an ARN built around it.
_ARN_ATTRIBUTES = frozenset({"arn", None})
_NAME_ATTRIBUTES = frozenset({"name", "id", "bucket"})


def _opaque_resource_match(element: Opaque, request: Request) -> Match:
    best = Match.NO
    for ref in element.refs:
        if ref.target.address in request.addresses:
            if ref.attribute in _ARN_ATTRIBUTES:
                return Match.YES
            if ref.attribute in _NAME_ATTRIBUTES:
                best = Match.POSSIBLE
        elif ref.target.type in request.types and _identity_unknown(ref):
            best = Match.POSSIBLE
    for value in element.values:
        if (
            isinstance(value, str)
            and value.startswith("arn:")
            and arn_matches(value, request.resource) is not Match.NO
        ):
            best = Match.POSSIBLE
    if best is Match.NO and element.unresolved and not element.strict:
        best = Match.POSSIBLE
    return best


def _identity_unknown(ref: Ref) -> bool:
    target = ref.target
    for attribute in ("name", "bucket", "arn"):
        value = target.after_value(attribute)
        if isinstance(value, str) and value:
            return False
    return True


def _resource_match(element: Element, request: Request) -> Match:
    if isinstance(element, Opaque):
        return _opaque_resource_match(element, request)
    return arn_matches(element, request.resource)


def _action_match(element: Element, action: str) -> Match:
    if isinstance(element, Opaque):
        return Match.POSSIBLE
    return Match.YES if action_matches(element, action) else Match.NO


def _best(matches: Iterable[Match]) -> Match:
    return max(matches, default=Match.NO)


def _applies(
    listed: tuple[Element, ...] | None,
    unlisted: tuple[Element, ...] | None,
    match: Callable[[Element], Match],
) -> tuple[Match, list[Element]]:
    """How far a positive (`Action`) or negative (`NotAction`) element list covers."""
    if listed is not None:
        hits = [(e, match(e)) for e in listed]
        return _best(m for _, m in hits), [e for e, m in hits if m is not Match.NO]
    if unlisted is not None:
        return _best(match(e) for e in unlisted).negate(), []
    return Match.NO, []


# -- principals (resource policies) ---------------------------------------------------------


@dataclass(frozen=True)
class PrincipalQuery:
    """Who asks, for a resource-based policy: an IAM role, by what is known of it."""

    arn: str | None = None
    name: str | None = None
    addresses: frozenset[str] = frozenset()


def _principal_element_match(kind: str, element: Element, who: PrincipalQuery) -> Match:
    if kind == "*" or (kind == "AWS" and element == "*"):
        return Match.YES
    if kind != "AWS":
        return Match.NO
    if isinstance(element, Opaque):
        if any(r.target.address in who.addresses for r in element.refs):
            return Match.YES
        return Match.POSSIBLE if element.unresolved and not element.strict else Match.NO
    if who.arn and element == who.arn:
        return Match.YES
    parts = element.split(":", 5)
    if who.name and len(parts) == 6 and parts[2] in ("iam", "sts"):
        resource = parts[5]
        if parts[2] == "iam" and resource.startswith("role/"):
            named = resource.rsplit("/", 1)[-1]
        elif resource.startswith("assumed-role/"):
            named = resource.split("/")[1] if resource.count("/") >= 1 else ""
        else:
            return Match.NO
        if named == who.name:
            return Match.YES if who.arn is None or who.arn.split(":")[4] == parts[4] else Match.NO
    return Match.NO


def _principal_match(statement: Statement, who: PrincipalQuery | None) -> tuple[Match, bool]:
    """(does the statement name this principal, does it name everyone)."""
    if who is None:
        return Match.YES, False
    if statement.principals is not None:
        everyone = any(k == "*" or (k == "AWS" and e == "*") for k, e in statement.principals)
        return _best(_principal_element_match(k, e, who) for k, e in statement.principals), everyone
    if statement.not_principals is not None:
        listed = _best(_principal_element_match(k, e, who) for k, e in statement.not_principals)
        return listed.negate(), True
    return Match.NO, False


# -- evaluation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """One Allow statement letting the principal take some of the requested actions."""

    document: PolicyDocument
    statement: Statement
    actions: tuple[str, ...]  # requested actions it allows (after explicit Denies)
    resources: tuple[str, ...]  # requested resources (templates) it allows them on
    action_elements: tuple[str, ...]  # what in the statement matched: "dynamodb:*", ...
    resource_elements: tuple[str, ...]
    certain: bool  # False when the grant depends on a value unknown at plan time
    conditioned: bool
    everyone: bool = False  # resource policies: Principal "*"
    possibly_denied_by: tuple[str, ...] = ()
    position: int = 0  # index of `document` in the documents evaluated

    @property
    def action_text(self) -> str:
        """`dynamodb:*`, `dynamodb:GetItem, dynamodb:PutItem` or `every action but iam:*`."""
        if any(isinstance(e, Opaque) for e in self.statement.actions or ()):
            known = [e for e in self.action_elements if not e.startswith("(")]
            return ", ".join([*known, "actions known only after apply"])
        if self.action_elements:
            return ", ".join(self.action_elements)
        if self.statement.not_actions is not None:
            listed = ", ".join(str(e) for e in self.statement.not_actions)
            return f"every action but {listed} (NotAction)"
        return ", ".join(self.actions)


@dataclass
class _Tally:
    actions: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    action_elements: list[str] = field(default_factory=list)
    resource_elements: list[str] = field(default_factory=list)
    certain: bool = False
    everyone: bool = False
    denied: list[str] = field(default_factory=list)


def evaluate(
    documents: Sequence[PolicyDocument],
    requests: Sequence[Request],
    who: PrincipalQuery | None = None,
) -> list[Grant]:
    """The Allow statements granting any of `requests`, after explicit Denies.

    `documents` are evaluated together (all the identity policies of one principal, or
    one resource policy with `who` asking). Grants come in document and statement order.
    """
    if not any(document.statements for document in documents):
        return []  # most roles of a large plan carry one empty document or none
    actions = tuple(dict.fromkeys(r.action for r in requests))
    # The distinct resources asked about, keyed by what a `Request` compares besides its
    # action (a plain tuple: cheaper to build and hash than a dataclass per request).
    targets: dict[tuple[str, frozenset[str], tuple[str, ...]], Request] = {}
    for r in requests:
        key = (r.resource, r.addresses, r.types)
        if key not in targets:
            targets[key] = Request("", *key)
    # Each statement is matched once per distinct action and per distinct resource.
    Hits = tuple[Match, list[Element]]
    Key = tuple[str, frozenset[str], tuple[str, ...]]
    live: list[tuple[int, int, Statement, Match, bool, dict[str, Hits], dict[Key, Hits]]] = []
    for d, document in enumerate(documents):
        for position, statement in enumerate(document.statements):
            principal, everyone = _principal_match(statement, who)
            if principal is Match.NO:
                continue
            by_action = _by_action(statement.actions, statement.not_actions, actions)
            if by_action is None:
                continue
            by_resource = {
                k: _applies(
                    statement.resources,
                    statement.not_resources,
                    partial(_resource_match, request=t),
                )
                for k, t in targets.items()
            }
            live.append((d, position, statement, principal, everyone, by_action, by_resource))
    tallies: dict[tuple[int, int], _Tally] = {}
    for request in requests:
        key = (request.resource, request.addresses, request.types)
        allows = []
        deny = Match.NO
        deniers: list[str] = []
        for d, position, statement, principal, everyone, by_action, by_resource in live:
            action, action_hits = by_action[request.action]
            resource, resource_hits = by_resource[key]
            applies = min(principal, action, resource)
            if applies is Match.NO:
                continue
            if statement.is_allow:
                allows.append((d, position, applies, action_hits, resource_hits, everyone))
            else:
                deny = max(deny, Match.POSSIBLE if statement.condition else applies)
                deniers.append(f"{documents[d].source} {statement.label}".strip())
        if deny is Match.YES:
            continue
        for d, position, applies, action_hits, resource_hits, everyone in allows:
            tally = tallies.setdefault((d, position), _Tally())
            _add(tally.actions, request.action)
            _add(tally.resources, request.resource)
            for e in action_hits:
                _add(tally.action_elements, str(e))
            for e in resource_hits:
                _add(tally.resource_elements, str(e))
            tally.certain = tally.certain or (applies is Match.YES and deny is Match.NO)
            tally.everyone = tally.everyone or everyone
            for denier in deniers:
                _add(tally.denied, denier)
    grants = []
    for (d, position), tally in sorted(tallies.items()):
        document = documents[d]
        statement = document.statements[position]
        grants.append(
            Grant(
                document,
                statement,
                tuple(tally.actions),
                tuple(tally.resources),
                tuple(tally.action_elements),
                tuple(tally.resource_elements),
                tally.certain,
                statement.condition,
                tally.everyone,
                tuple(tally.denied),
                d,
            )
        )
    return grants


def _by_action(
    listed: tuple[Element, ...] | None,
    unlisted: tuple[Element, ...] | None,
    actions: tuple[str, ...],
) -> dict[str, tuple[Match, list[Element]]] | None:
    """How a statement's `Action`/`NotAction` covers each action; None when it covers none.

    Statements written with literal actions only are answered from a cache: a large plan
    repeats the same few action lists in hundreds of roles, asked the same questions.
    """
    if all(isinstance(e, str) for e in (*(listed or ()), *(unlisted or ()))):
        return _literal_by_action(
            None if listed is None else tuple(listed),
            None if unlisted is None else tuple(unlisted),
            actions,
        )
    return _match_actions(listed, unlisted, actions)


@lru_cache(maxsize=8192)
def _literal_by_action(
    listed: tuple[str, ...] | None, unlisted: tuple[str, ...] | None, actions: tuple[str, ...]
) -> dict[str, tuple[Match, list[Element]]] | None:
    """`_match_actions`, cached (the answer is shared: callers only read it)."""
    return _match_actions(listed, unlisted, actions)


def _match_actions(
    listed: tuple[Element, ...] | None,
    unlisted: tuple[Element, ...] | None,
    actions: tuple[str, ...],
) -> dict[str, tuple[Match, list[Element]]] | None:
    by_action = {a: _applies(listed, unlisted, partial(_action_match, action=a)) for a in actions}
    if all(m is Match.NO for m, _ in by_action.values()):
        return None
    return by_action


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


# -- AWS managed policies ------------------------------------------------------------------------


@dataclass(frozen=True)
class ManagedPolicy:
    name: str
    arn: str
    source: str
    checked: str
    document: PolicyDocument


@cache
def managed_policies() -> dict[str, ManagedPolicy]:
    """AWS managed policies known to plangate, by their path and name after `policy/`."""
    text = (
        resources.files("plangate.policies.aws")
        .joinpath("managed_policies.json")
        .read_text(encoding="utf-8")
    )
    found: dict[str, ManagedPolicy] = {}
    for name, entry in json.loads(text)["policies"].items():
        document = parse_policy({"Statement": entry["statements"]}, f"AWS managed policy {name}")
        assert document is not None, name
        policy = ManagedPolicy(name, entry["arn"], entry["source"], entry["checked"], document)
        found[entry["arn"].split(":policy/", 1)[1]] = policy
    return found


_AWS_MANAGED = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(.+)$")


def managed_policy(arn: str) -> ManagedPolicy | None:
    """The AWS managed policy with this ARN (any partition), when plangate knows it."""
    match = _AWS_MANAGED.match(arn) if isinstance(arn, str) else None
    return managed_policies().get(match.group(1)) if match else None


def is_aws_managed(arn: str) -> bool:
    return isinstance(arn, str) and _AWS_MANAGED.match(arn) is not None
