"""IAM policy evaluation, as AWS does it for the parts plangate needs.

A question is a `Request`: may this action be taken on this resource (an ARN template,
see `iam_matching`)? `evaluate` answers a set of requests over the documents of one
principal (or one resource policy, asked on behalf of a `PrincipalQuery`) with the
`Grant`s that allow them. Every answer is three-valued (`Match`): NO, POSSIBLE (it
depends on something unknown at plan time) or YES.

What is evaluated like AWS does:

- `NotAction`/`NotResource` apply to everything they do not list;
- an explicit Deny wins over every Allow; a Deny with a Condition may not apply, so it
  leaves the grant standing as POSSIBLE;
- a Condition on an Allow keeps the grant (it is noted, never evaluated);
- a resource policy's `Principal`/`NotPrincipal` names the asking role by ARN, by its
  assumed-role session ARN, or everyone (`"*"`, `{"AWS": "*"}`).

An `Opaque` element (unknown at plan time) matches a resource it is built from by
reference (`aws_dynamodb_table.lock.arn` is the lock table's ARN), and possibly one of
the requested types whose identity is unknown too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import islice

from plangate import Ref

from .iam_documents import Element, Opaque, PolicyDocument, Statement
from .iam_matching import Match, action_matches, arn_matches
from .iam_principals import PrincipalQuery, principal_match

__all__ = ["Grant", "PrincipalQuery", "Request", "allowed", "evaluate"]

# How many of the conditional or unknown Denies that may remove a grant it names.
NAMED_DENIERS = 3

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
    possibly_denied_by: tuple[str, ...] = ()  # the first NAMED_DENIERS of them
    position: int = 0  # index of `document` in the documents evaluated

    @property
    def action_text(self) -> str:
        """`dynamodb:*`, `dynamodb:GetItem, dynamodb:PutItem` or `every action but iam:*`."""
        if self.statement.unseen:
            return "any action"
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
    """What one Allow statement grants of the requests, gathered request by request, each
    list in first-seen order without repeats (dicts used as ordered sets: a statement may
    list thousands of elements)."""

    actions: dict[str, None] = field(default_factory=dict)
    resources: dict[str, None] = field(default_factory=dict)
    action_elements: dict[str, None] = field(default_factory=dict)
    resource_elements: dict[str, None] = field(default_factory=dict)
    certain: bool = False
    everyone: bool = False
    denied: dict[str, None] = field(default_factory=dict)


# A distinct resource asked about: what a `Request` compares besides its action (a plain
# tuple: cheaper to build and hash than a dataclass per request).
_Target = tuple[str, frozenset[str], tuple[str, ...]]
_Hits = tuple[Match, list[Element]]
# (document, statement position, statement, principal match, names everyone,
#  match per action, match per target, the actions it covers)
_Live = tuple[
    int, int, Statement, Match, bool, dict[str, _Hits], dict[_Target, _Hits], tuple[str, ...]
]


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
    live = _live_statements(documents, requests, who)
    tallies: dict[tuple[int, int], _Tally] = {}
    for request, applying in zip(requests, _by_request(live, requests), strict=True):
        if applying:
            _tally_request(documents, applying, request, tallies)
    return [
        _grant(documents[d], position, d, tally) for (d, position), tally in sorted(tallies.items())
    ]


def allowed(documents: Sequence[PolicyDocument], requests: Sequence[Request]) -> list[Match]:
    """Per request, whether the documents allow it after explicit Denies: YES, NO, or
    POSSIBLE (an unknown value, a Condition on the Allow or on a Deny that would win)."""
    live = _live_statements(documents, requests, None)
    answers = []
    for request in requests:
        key = (request.resource, request.addresses, request.types)
        most = {True: Match.NO, False: Match.NO}  # the strongest Allow (True) and Deny
        for _, _, statement, _, _, by_action, by_resource, _ in live:
            condition = Match.POSSIBLE if statement.condition else Match.YES
            applies = min(by_action[request.action][0], by_resource[key][0], condition)
            most[statement.is_allow] = max(most[statement.is_allow], applies)
        answers.append(min(most[True], most[False].negate()))  # a certain Deny: NO
    return answers


def _live_statements(
    documents: Sequence[PolicyDocument], requests: Sequence[Request], who: PrincipalQuery | None
) -> list[_Live]:
    """The statements that apply to some request, each matched once per distinct action
    and once per distinct resource (a plan asks hundreds of roles the same questions)."""
    actions = tuple(_asking(tuple([r.action for r in requests])))  # distinct, in order
    targets: dict[_Target, Request] = {}
    for r in requests:
        key = (r.resource, r.addresses, r.types)
        if key not in targets:
            targets[key] = Request("", *key)
    live: list[_Live] = []
    for d, document in enumerate(documents):
        for position, statement in enumerate(document.statements):
            principal, everyone = principal_match(statement, who)
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
            covered = tuple(a for a, (m, _) in by_action.items() if m is not Match.NO)
            live.append(
                (d, position, statement, principal, everyone, by_action, by_resource, covered)
            )
    return live


def _by_request(live: list[_Live], requests: Sequence[Request]) -> list[list[_Live]]:
    """Per request, in statement order, the live statements whose `Action`/`NotAction`
    covers its action: a statement is weighed against the few requests it may grant
    rather than against every request (the rest would be skipped, one by one)."""
    asking = _asking(tuple([r.action for r in requests]))
    found: list[list[_Live]] = [[] for _ in requests]
    for entry in live:
        for action in entry[7]:
            for i in asking[action]:
                found[i].append(entry)
    return found


@lru_cache(maxsize=256)
def _asking(actions: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """Action -> the positions of the requests asking it (the same few request lists are
    asked of every role)."""
    asking: dict[str, list[int]] = {}
    for i, action in enumerate(actions):
        asking.setdefault(action, []).append(i)
    return {action: tuple(positions) for action, positions in asking.items()}


def _tally_request(
    documents: Sequence[PolicyDocument],
    live: list[_Live],
    request: Request,
    tallies: dict[tuple[int, int], _Tally],
) -> None:
    """Add one request to the tally of every Allow that grants it, unless a Deny wins."""
    key = (request.resource, request.addresses, request.types)
    allows = []
    deny = Match.NO
    deniers: dict[str, None] = {}
    for d, position, statement, principal, everyone, by_action, by_resource, _ in live:
        action, action_hits = by_action[request.action]
        resource, resource_hits = by_resource[key]
        applies = min(principal, action, resource)
        if applies is Match.NO:
            continue
        if statement.is_allow:
            allows.append((d, position, applies, action_hits, resource_hits, everyone))
        else:
            deny = max(deny, Match.POSSIBLE if statement.condition else applies)
            _add(deniers, f"{documents[d].source} {statement.label}".strip())
    if deny is Match.YES:
        return
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
        # Named, not counted: every Allow times every Deny would grow with the square of
        # a document's statements, and a message names the first.
        for denier in islice(deniers, NAMED_DENIERS):
            _add(tally.denied, denier)


def _grant(document: PolicyDocument, position: int, d: int, tally: _Tally) -> Grant:
    statement = document.statements[position]
    return Grant(
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


def _add(items: dict[str, None], item: str) -> None:
    items.setdefault(item)
