"""The application's IAM principals, the policies they carry, and what those grant on the
Terraform state backend.

A role is an *application principal* when the app's compute runs as it (an ECS task
definition's `task_role_arn` or `execution_role_arn`, a Lambda function's `role`, an EC2
instance or launch template through its instance profile, App Runner, Batch, Step
Functions, EKS pod identity), or when its trust policy lets such a service assume it
(or an EKS cluster's OIDC provider, for IRSA) even if nothing in the plan uses it yet,
or when its trust policy names an application role (role chaining). Roles trusted only
by people, accounts or CI (GitHub Actions, GitLab OIDC) are not.

Links are followed through the configuration's references first (ARNs are unknown in a
first plan), then through known ARNs and names. Policy documents come from known JSON,
from `aws_iam_policy_document` data sources (their JSON, or, while that is unknown, their
statement blocks with references), from `aws_iam_policy` resources and from the AWS
managed policies plangate knows. Everything is computed once per plan.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeAlias, TypeVar

from plangate import (
    UNKNOWN,
    Certainty,
    Context,
    Finding,
    Plan,
    Ref,
    ResourceChange,
    StateResource,
    finding,
)
from plangate.helpers import has_unknown, in_state, json_value, members, per_plan

from .backend import BackendTarget, StateBackend, state_backend
from .iam_documents import (
    Opaque,
    PolicyDocument,
    Statement,
    parse_policy,
    statements_from_blocks,
)
from .iam_evaluation import Grant, PrincipalQuery, Request, evaluate
from .iam_matching import HOLE, action_matches
from .managed_policies import is_aws_managed, managed_policy
from .novelty import is_new

__all__ = [
    "Attachment",
    "BackendGrant",
    "Principal",
    "ResourcePolicyGrant",
    "Use",
    "application_principals",
    "attachments_of",
    "backend_grants",
    "backend_requests",
    "grant_finding",
    "grant_message",
    "policy_documents",
    "resource_grant_message",
    "resource_policy_grants",
    "targets_named_by",
]

Resource: TypeAlias = ResourceChange | StateResource
T = TypeVar("T")

ROLE = "aws_iam_role"
EXECUTION = "ECS task execution role"

# (compute type, attribute path, what the role is to it, is it an ECS execution role)
_ROLE_ATTRIBUTES: tuple[tuple[str, tuple[str | int, ...], str, bool], ...] = (
    ("aws_ecs_task_definition", ("task_role_arn",), "ECS task role", False),
    ("aws_ecs_task_definition", ("execution_role_arn",), EXECUTION, True),
    ("aws_lambda_function", ("role",), "Lambda execution role", False),
    (
        "aws_apprunner_service",
        ("instance_configuration", 0, "instance_role_arn"),
        "App Runner instance role",
        False,
    ),
    ("aws_sfn_state_machine", ("role_arn",), "Step Functions role", False),
    ("aws_eks_pod_identity_association", ("role_arn",), "EKS pod identity role", False),
)
_PROFILE_ATTRIBUTES: tuple[tuple[str, tuple[str | int, ...]], ...] = (
    ("aws_instance", ("iam_instance_profile",)),
    ("aws_launch_template", ("iam_instance_profile", 0, "name")),
    ("aws_launch_template", ("iam_instance_profile", 0, "arn")),
    ("aws_launch_configuration", ("iam_instance_profile",)),
)
_BATCH_ROLES = (
    ("jobRoleArn", "Batch job role", False),
    ("executionRoleArn", "Batch execution role", True),
)

# Services whose workloads are the application (`states.<region>` is the old form).
_COMPUTE_SERVICE = re.compile(
    r"^(ecs-tasks|lambda|edgelambda|ec2|apprunner|tasks\.apprunner|states(\.[a-z0-9-]+)?"
    r"|batch|pods\.eks)\.amazonaws\.com(\.cn)?$"
)
_EKS_ISSUER = "oidc.eks."
_ASSUME = ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity")


# -- principals --------------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    """A compute resource that runs as the role."""

    compute: str
    attribute: str
    kind: str
    execution: bool
    certain: bool
    via: tuple[str, ...] = ()  # instance profile between the compute and the role


@dataclass(frozen=True)
class Principal:
    address: str  # the aws_iam_role (or `data.aws_iam_role`), or the role's ARN/name
    role: Resource | None
    name: str | None
    arn: str | None
    uses: tuple[Use, ...] = ()
    trusted_by: tuple[str, ...] = ()
    assumed_from: tuple[str, ...] = ()  # the application role (and its compute) chaining in

    @property
    def execution_only(self) -> bool:
        """Only ever an ECS (or Batch) task execution role: ECS uses it, the app does not."""
        return bool(self.uses) and all(u.execution for u in self.uses)

    @property
    def certain(self) -> bool:
        return bool(self.trusted_by) or any(u.certain for u in self.uses)

    @property
    def chain(self) -> tuple[str, ...]:
        use = self._first_use()
        return (use.compute, *use.via, self.address) if use else (*self.assumed_from, self.address)

    @property
    def description(self) -> str:
        use = self._first_use()
        if use is None:
            return f"{self.address} (trusted by {', '.join(self.trusted_by)})"
        others = len({u.compute for u in self.uses}) - 1
        more = f" and {others} more" if others > 0 else ""
        return f"{self.address} ({use.kind} of {use.compute}{more})"

    @property
    def query(self) -> PrincipalQuery:
        return PrincipalQuery(
            self.arn, self.name, frozenset({self.address} if self.role is not None else ())
        )

    def _first_use(self) -> Use | None:
        uses = sorted(self.uses, key=lambda u: (u.execution, not u.certain, u.compute))
        return uses[0] if uses else None


@per_plan
def application_principals(plan: Plan) -> list[Principal]:
    """Every role the application runs as or may run as, sorted by address."""
    roles: dict[str, Principal] = {}

    def role_principal(ref_or_name: Ref | str) -> Principal:
        if isinstance(ref_or_name, Ref):
            role = ref_or_name.target
            key = role.address
            if key not in roles:
                roles[key] = Principal(
                    key, role, _str(role.after_value("name")), _str(role.after_value("arn"))
                )
        else:
            key = ref_or_name
            if key not in roles:
                roles[key] = Principal(
                    key, None, _role_name(key), key if key.startswith("arn:") else None
                )
        return roles[key]

    def add_use(ref_or_name: Ref | str, use: Use) -> None:
        principal = role_principal(ref_or_name)
        roles[principal.address] = replace(principal, uses=(*principal.uses, use))

    for type_, path, kind, execution in _ROLE_ATTRIBUTES:
        for compute in in_state(plan, type_):
            for link, certain in _role_links(plan, compute, path):
                add_use(link, Use(compute.address, _path_text(path), kind, execution, certain))
    for type_, path in _PROFILE_ATTRIBUTES:
        for compute in in_state(plan, type_):
            for profile in plan.references.resolve(compute, path).of_type(
                "aws_iam_instance_profile"
            ):
                for link, certain in _role_links(plan, profile.target, ("role",)):
                    add_use(
                        link,
                        Use(
                            compute.address,
                            _path_text(path),
                            "EC2 instance role",
                            False,
                            certain,
                            (profile.address,),
                        ),
                    )
    for compute in in_state(plan, "aws_batch_job_definition"):
        for link, kind, execution, certain in _batch_roles(plan, compute):
            add_use(link, Use(compute.address, "container_properties", kind, execution, certain))
    for role in in_state(plan, ROLE):
        trusted = _trusted_by(plan, role)
        if trusted:
            principal = role_principal(Ref(role, None))
            roles[role.address] = replace(principal, trusted_by=tuple(trusted))
    _add_chained(plan, roles)
    return sorted(roles.values(), key=lambda p: p.address)


def _add_chained(plan: Plan, roles: dict[str, Principal]) -> None:
    """Roles whose trust policy names an application role (by reference, ARN or name):
    the application reaches them with one `sts:AssumeRole`, so they are its roles too.

    Rounds over the roles in plan order until none is added; a role is looked at again
    only once a key its trust policy names has become an application role's (a chain of
    roles each trusting the one before made every round look at every role: quadratic).
    """
    by_key: dict[str, Principal] = {}
    candidates = [r for r in in_state(plan, ROLE) if r.address not in roles]
    naming: dict[str, list[int]] = defaultdict(list)  # key → candidates whose trust names it
    for position, role in enumerate(candidates):
        for key in _trust_keys(plan, role):
            naming[key].append(position)
    this_round = list(range(len(candidates)))  # a heap of positions to look at
    next_round: set[int] = set()
    position = -1

    def index(principal: Principal) -> None:
        if principal.execution_only:
            return
        for key in (principal.address, principal.arn, principal.name):
            if key and key not in by_key:
                by_key[key] = principal
                for other in naming.get(key, ()):
                    if other > position:
                        heapq.heappush(this_round, other)
                    else:
                        next_round.add(other)

    for principal in list(roles.values()):
        index(principal)
    while this_round and by_key:
        seen = -1
        while this_round:
            position = heapq.heappop(this_round)
            role = candidates[position]
            if position == seen or role.address in roles:
                continue
            seen = position
            app = _trusting_app_role(plan, role, by_key)
            if app is not None:
                roles[role.address] = Principal(
                    role.address,
                    role,
                    _str(role.after_value("name")),
                    _str(role.after_value("arn")),
                    trusted_by=(f"the application role {app.address}",),
                    assumed_from=app.chain,
                )
                index(roles[role.address])
        this_round = sorted(next_round)
        next_round.clear()
        position = -1


def _trust_keys(plan: Plan, role: Resource) -> set[str]:
    """Every key `_trusting_app_role` may look up for this role."""
    keys: set[str] = set()
    for document, _ in policy_documents(plan, role, "assume_role_policy"):
        for statement in document.statements:
            if not statement.is_allow or not _assumes(statement):
                continue
            for kind, element in statement.principals or ():
                if kind != "AWS":
                    continue
                if isinstance(element, Opaque):
                    keys.update(r.target.address for r in element.refs)
                else:
                    keys.add(element)
                    if ":role/" in element:
                        keys.add(_role_name(element))
    return keys


def _trusting_app_role(
    plan: Plan, role: Resource, by_key: Mapping[str, Principal]
) -> Principal | None:
    for document, _ in policy_documents(plan, role, "assume_role_policy"):
        for statement in document.statements:
            if not statement.is_allow or not _assumes(statement):
                continue
            for kind, element in statement.principals or ():
                if kind != "AWS":
                    continue
                if isinstance(element, Opaque):
                    found = next(
                        (
                            by_key[r.target.address]
                            for r in element.refs
                            if r.target.address in by_key
                        ),
                        None,
                    )
                elif element in by_key:
                    found = by_key[element]
                else:  # a role ARN whose role's ARN is not known yet: by its name
                    found = by_key.get(_role_name(element)) if ":role/" in element else None
                    found = found if found is not None and found.arn is None else None
                if found is not None:
                    return found
    return None


def _role_links(
    plan: Plan, resource: Resource, path: tuple[str | int, ...]
) -> list[tuple[Ref | str, bool]]:
    """The roles an attribute names: plan roles by reference or known value, else the
    known ARN or name itself (a role outside the plan)."""
    refs = plan.references.resolve(resource, path).of_type(ROLE)
    known = {
        v
        for r in refs
        for v in (r.target.after_value("name"), r.target.after_value("arn"))
        if isinstance(v, str)
    }
    outside = [
        v
        for v in members(resource.after_value(path))
        if isinstance(v, str) and v and v not in known and _role_name(v) not in known
    ]
    return [*((ref, True) for ref in refs), *((v, True) for v in outside)]


def _batch_roles(plan: Plan, job: Resource) -> Iterator[tuple[Ref | str, str, bool, bool]]:
    text = job.after_value("container_properties")
    if isinstance(text, str):
        properties = json_value(text)
        if not isinstance(properties, dict):
            return
        for key, kind, execution in _BATCH_ROLES:
            arn = properties.get(key)
            if isinstance(arn, str) and arn:
                matched = [r for r in plan.references.by_identifier(arn) if r.type == ROLE]
                for role in matched or [arn]:
                    yield (
                        (Ref(role, "arn") if not isinstance(role, str) else role),
                        kind,
                        execution,
                        True,
                    )
    elif text is UNKNOWN:
        # Which key names which role is lost with the JSON: count them as job roles.
        for ref in plan.references.resolve(job, "container_properties").of_type(ROLE):
            yield ref, "Batch job role", False, False


def _trusted_by(plan: Plan, role: Resource) -> list[str]:
    """The compute services (and EKS OIDC providers) the trust policy lets assume it."""
    found: list[str] = []
    for document, _ in policy_documents(plan, role, "assume_role_policy"):
        for statement in document.statements:
            if not statement.is_allow or not _assumes(statement):
                continue
            for kind, element in statement.principals or ():
                who = _trusted_principal(plan, kind, element)
                if who and who not in found:
                    found.append(who)
    return found


def _assumes(statement: Statement) -> bool:
    if statement.actions is not None:
        return any(
            isinstance(e, Opaque) or action_matches(e, a)
            for e in statement.actions
            for a in _ASSUME
        )
    if statement.not_actions is not None:
        return not all(
            any(isinstance(e, str) and action_matches(e, a) for e in statement.not_actions)
            for a in _ASSUME
        )
    return False


def _trusted_principal(plan: Plan, kind: str, element: Any) -> str | None:
    if kind == "Service" and isinstance(element, str) and _COMPUTE_SERVICE.match(element):
        return element
    if kind != "Federated":
        return None
    if isinstance(element, str):
        return f"EKS OIDC provider {element}" if _EKS_ISSUER in element else None
    for ref in element.refs if isinstance(element, Opaque) else ():
        provider = ref.target
        if provider.type != "aws_iam_openid_connect_provider":
            continue
        url = provider.after_value("url")
        if isinstance(url, str):
            if _EKS_ISSUER in url:
                return f"EKS OIDC provider {provider.address}"
        elif plan.references.resolve(provider, "url").of_type("aws_eks_cluster"):
            return f"EKS OIDC provider {provider.address}"
    return None


# -- policy documents ---------------------------------------------------------------------

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
    statements.extend(replace(s, index=s.index + offset) for s in statements_from_blocks(own))
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


# -- what is attached to a role --------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    """A resource carrying policy for a role, and the documents it brings."""

    carrier: Resource
    attribute: str
    documents: tuple[tuple[PolicyDocument, tuple[str, ...]], ...]
    certain: bool = True


# The index key of attachments whose role is known only after apply and could not be
# followed (a local value without its sources, a walk past its budget): any role.
_ANY_ROLE = "?"


def attachments_of(plan: Plan, principal: Principal) -> list[Attachment]:
    """Inline policies, attached customer and AWS managed policies of one principal, and
    (possibly) those whose role plangate cannot tell."""
    index = _attachment_index(plan)
    found = list(index.get(principal.address, ()))
    if principal.name and principal.name != principal.address:
        found.extend(a for a in index.get(f"name:{principal.name}", ()) if a not in found)
    found.extend(a for a in index.get(_ANY_ROLE, ()) if a not in found)
    return found


@per_plan
def _attachment_index(plan: Plan) -> dict[str, list[Attachment]]:
    index: dict[str, list[Attachment]] = defaultdict(list)

    def link(carrier: Resource, role_path: str, attachment: Attachment) -> None:
        links = _role_links(plan, carrier, (role_path,))
        for role, certain in links:
            key = role.address if isinstance(role, Ref) else f"name:{_role_name(role)}"
            index[key].append(replace(attachment, certain=certain))
        if (
            not links
            and has_unknown(carrier.after_value(role_path))
            and plan.references.resolve(carrier, role_path).unresolved
        ):
            index[_ANY_ROLE].append(replace(attachment, certain=False))

    for carrier in in_state(plan, "aws_iam_role_policy"):
        link(
            carrier,
            "role",
            Attachment(carrier, "policy", tuple(policy_documents(plan, carrier, "policy"))),
        )
    for carrier in in_state(plan, "aws_iam_role_policy_attachment"):
        link(
            carrier,
            "role",
            Attachment(
                carrier, "policy_arn", tuple(_arn_documents(plan, carrier, ("policy_arn",)))
            ),
        )
    for carrier in in_state(plan, "aws_iam_policy_attachment"):
        link(
            carrier,
            "roles",
            Attachment(
                carrier, "policy_arn", tuple(_arn_documents(plan, carrier, ("policy_arn",)))
            ),
        )
    for role in in_state(plan, ROLE):
        inline = role.after_value("inline_policy")
        documents: list[tuple[PolicyDocument, tuple[str, ...]]] = []
        for i, block in enumerate(inline if isinstance(inline, list) else []):
            name = block.get("name") if isinstance(block, Mapping) else None
            hop = (
                f'inline_policy "{name}"'
                if isinstance(name, str) and name
                else f"inline_policy #{i + 1}"
            )
            documents.extend(
                (d, (hop, *h))
                for d, h in policy_documents(plan, role, ("inline_policy", i, "policy"))
            )
        if documents:
            index[role.address].append(Attachment(role, "inline_policy", tuple(documents)))
        managed = _arn_documents(plan, role, ("managed_policy_arns",))
        if managed:
            index[role.address].append(Attachment(role, "managed_policy_arns", tuple(managed)))
    return index


def _arn_documents(
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
        managed = managed_policy(arn) if isinstance(arn, str) else None
        if not documents and managed is not None:
            documents = [(managed.document, (f"AWS managed policy {managed.name}",))]
        found.extend((d, (policy.address, *hops)) for d, hops in documents)
    for arn in members(carrier.after_value(path)):
        if isinstance(arn, str) and arn not in covered and is_aws_managed(arn):
            managed = managed_policy(arn)
            if managed is not None:
                found.append((managed.document, (f"AWS managed policy {managed.name}",)))
    return found


# -- grants on the state backend ----------------------------------------------------------------

_TABLE_ACTIONS = tuple(
    f"dynamodb:{a}"
    for a in (
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchGetItem",
        "BatchWriteItem",
        "Query",
        "Scan",
        "ConditionCheckItem",
        "PartiQLSelect",
        "PartiQLInsert",
        "PartiQLUpdate",
        "PartiQLDelete",
        "DescribeTable",
        "UpdateTable",
        "DeleteTable",
        "UpdateTimeToLive",
        "CreateBackup",
        "ExportTableToPointInTime",
        "PutResourcePolicy",
        "DeleteResourcePolicy",
    )
)
# DynamoDB actions that never act on a table itself (account-wide, or on streams).
_NOT_TABLE = re.compile(
    r"^dynamodb:(List(?!TagsOfResource)|DescribeLimits|DescribeEndpoints|DescribeReserved|"
    r"PurchaseReserved|DescribeStream|GetRecords|GetShardIterator)",
    re.IGNORECASE,
)
_OBJECT_ACTIONS = tuple(
    f"s3:{a}"
    for a in ("GetObject", "PutObject", "DeleteObject", "GetObjectVersion", "DeleteObjectVersion")
)
# Listing, and bucket settings that hand the state to whoever sets them (a policy or ACL
# granting themselves, replication elsewhere) or destroy it (lifecycle expiry).
_BUCKET_ACTIONS = (
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutReplicationConfiguration",
    "s3:PutLifecycleConfiguration",
)


def backend_requests(
    plan: Plan,
    backend: StateBackend,
    target: BackendTarget,
    documents: Sequence[PolicyDocument] = (),
    arn: str | None = None,
) -> list[Request]:
    """What to ask of a principal's policies about one backend target: table actions on
    the table; object actions on the state objects and listing on the bucket. `arn`: the
    target's ARN when the caller knows it better (the resource a policy is attached to)."""
    addresses = _target_addresses(plan, backend, target)
    target = replace(target, arn=arn, arn_built=False) if arn else target
    literal = [
        e
        for d in documents
        for s in d.statements
        if s.is_allow
        for e in s.actions or ()
        if isinstance(e, str) and "*" not in e and "?" not in e
    ]
    if target.is_lock_table:
        arn = target.arn or f"arn:aws:dynamodb:{HOLE}:{HOLE}:table/{target.name or HOLE}"
        actions = [
            *_TABLE_ACTIONS,
            *(a for a in literal if a.lower().startswith("dynamodb:") and not _NOT_TABLE.match(a)),
        ]
        return [Request(a, arn, addresses, ("aws_dynamodb_table",)) for a in _unique(actions)]
    bucket = target.arn or f"arn:aws:s3:::{target.name or HOLE}"
    keys = list(backend.state_keys) or [HOLE]
    if backend.use_lockfile:
        keys += [f"{k}.tflock" for k in keys if k != HOLE]
    # Other workspaces keep their state under the default `workspace_key_prefix`.
    keys += [f"env:/{HOLE}/{k}" for k in keys if k != HOLE]
    objects = [
        *_OBJECT_ACTIONS,
        *(a for a in literal if a.lower().startswith("s3:") and "object" in a.lower()),
    ]
    types = ("aws_s3_bucket",)
    return [
        *(Request(a, bucket, addresses, types) for a in _BUCKET_ACTIONS),
        *(Request(a, f"{bucket}/{k}", addresses, types) for k in keys for a in _unique(objects)),
    ]


def _target_addresses(plan: Plan, backend: StateBackend, target: BackendTarget) -> frozenset[str]:
    """The plan resources that are the target: its table or bucket, and data sources
    reading it (computed once per plan and backend)."""
    return _per_backend(
        plan, "target_addresses", backend, lambda: _addresses_by_target(plan, backend)
    ).get(id(target), frozenset())


def _addresses_by_target(plan: Plan, backend: StateBackend) -> dict[int, frozenset[str]]:
    by_target: dict[int, set[str]] = defaultdict(set)
    for one in backend.all():
        if one.resource is not None:
            by_target[id(one)].add(one.resource.address)
    for type_ in ("aws_dynamodb_table", "aws_s3_bucket"):
        for data in plan.data_sources(type_):
            found = backend.target_for_resource(data)
            if found is not None:
                by_target[id(found)].add(data.address)
    return {k: frozenset(v) for k, v in by_target.items()}


def _per_backend(plan: Plan, name: str, backend: StateBackend, build: Callable[[], T]) -> T:
    """`plan.memo` per state backend; the memo holds the backend, so its id stays its own."""
    return plan.memo((__name__, name, id(backend)), lambda: (backend, build()))[1]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


@dataclass(frozen=True)
class BackendGrant:
    """A principal can act on a backend target through one carrier's statements."""

    principal: Principal
    attachment: Attachment
    target: BackendTarget
    grants: tuple[tuple[Grant, tuple[str, ...]], ...]  # (grant, hops to its document)
    certain: bool
    boundary: str | None = None  # a permissions boundary that may limit it, unread

    @property
    def chain(self) -> tuple[str, ...]:
        grant, hops = self.grants[0]
        carrier = self.attachment.carrier.address
        middle = () if carrier == self.principal.address else (carrier,)
        return (*self.principal.chain, *middle, *hops, grant.statement.label)

    @property
    def conditioned(self) -> bool:
        return any(g.conditioned for g, _ in self.grants)


def backend_grants(plan: Plan, context: Context | None) -> list[BackendGrant]:
    """Every application principal's grant on a lock table or state bucket."""
    backend = state_backend(plan, context)
    if not backend:
        return []
    return _per_backend(
        plan,
        "backend_grants",
        backend,
        lambda: [
            grant
            for principal in application_principals(plan)
            for grant in _principal_grants(plan, backend, principal)
        ],
    )


def _principal_grants(
    plan: Plan, backend: StateBackend, principal: Principal
) -> Iterator[BackendGrant]:
    attachments = attachments_of(plan, principal)
    documents: list[PolicyDocument] = []
    owner: dict[int, tuple[Attachment, tuple[str, ...]]] = {}
    for attachment in attachments:
        for document, hops in attachment.documents:
            owner[len(documents)] = (attachment, hops)
            documents.append(document)
    if not documents:
        return
    boundary = _boundary(plan, principal)
    for target in backend.all():
        requests = backend_requests(plan, backend, target, documents)
        grants = evaluate(documents, requests)
        bounded = _bounded_actions(boundary, requests) if grants else None
        by_carrier: dict[int, list[tuple[Grant, tuple[str, ...]]]] = defaultdict(list)
        for grant in grants:
            if bounded is not None and not set(grant.actions) & bounded[0]:
                continue
            attachment, hops = owner[grant.position]
            by_carrier[id(attachment)].append((grant, hops))
        for attachment in attachments:
            found = by_carrier.get(id(attachment))
            if found:
                certain = (
                    principal.certain
                    and attachment.certain
                    and any(g.certain for g, _ in found)
                    and (bounded is None or bounded[1])
                )
                unread = boundary if isinstance(boundary, str) else None
                yield BackendGrant(
                    principal, attachment, target, tuple(found), certain and unread is None, unread
                )


def _boundary(plan: Plan, principal: Principal) -> list[PolicyDocument] | str | None:
    """The role's permissions boundary: its documents, the ARN when plangate cannot read
    it, or None when the role has none."""
    role = principal.role
    if role is None or role.type != ROLE:
        return None
    value = role.after_value("permissions_boundary")
    if value is None or value == "":
        return None
    documents = [d for d, _ in _arn_documents(plan, role, ("permissions_boundary",))]
    if documents:
        return documents
    return value if isinstance(value, str) else "a permissions boundary known after apply"


def _bounded_actions(
    boundary: list[PolicyDocument] | str | None, requests: list[Request]
) -> tuple[set[str], bool] | None:
    """(actions the boundary allows, is that certain); None: no boundary to apply."""
    if not isinstance(boundary, list):
        return None
    allowed = evaluate(boundary, requests)
    return ({a for g in allowed for a in g.actions}, all(g.certain for g in allowed))


# -- resource policies ------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourcePolicyGrant:
    target: BackendTarget
    grant: Grant
    principal: Principal | None  # None: the statement grants everyone
    hops: tuple[str, ...] = ()
    certain: bool = True


def resource_policy_grants(
    plan: Plan,
    context: Context | None,
    resource: Resource,
    targets: Sequence[BackendTarget],
    attribute: str = "policy",
    arn: str | None = None,
) -> list[ResourcePolicyGrant]:
    """What a resource policy on backend targets grants to everyone or to app principals
    (`arn`: the known ARN of the resource it is attached to, which its `Resource` names)."""
    backend = state_backend(plan, context)
    documents = policy_documents(plan, resource, attribute)
    if not documents:
        return []
    docs = [d for d, _ in documents]
    hops = [h for _, h in documents]
    found: list[ResourcePolicyGrant] = []
    for target in targets:
        requests = backend_requests(
            plan, backend, target, docs, arn if arn and target.matches_arn(arn) else None
        )
        public = evaluate(docs, requests, PrincipalQuery())
        found.extend(
            ResourcePolicyGrant(target, g, None, hops[g.position], g.certain)
            for g in public
            if g.everyone
        )
        for principal in application_principals(plan):
            for grant in evaluate(docs, requests, principal.query):
                if grant.everyone:
                    continue
                found.append(
                    ResourcePolicyGrant(
                        target,
                        grant,
                        principal,
                        hops[grant.position],
                        grant.certain and principal.certain,
                    )
                )
    return found


def targets_named_by(
    plan: Plan, backend: StateBackend, resource: Resource, path: str
) -> list[BackendTarget]:
    """The backend targets an attribute (a table ARN, a bucket name) points at."""
    found: list[BackendTarget] = []
    for ref in plan.references.resolve(resource, path).refs:
        target = backend.target_for_resource(ref.target)
        if target is not None and target not in found:
            found.append(target)
    value = resource.after_value(path)
    if isinstance(value, str) and value:
        for target in backend.all():
            if target in found:
                continue
            if target.name == value or (value.startswith("arn:") and target.matches_arn(value)):
                found.append(target)
    return found


# -- helpers ----------------------------------------------------------------------------------


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _role_name(text: str) -> str:
    """`arn:aws:iam::123:role/path/name` → `name`; a name stays a name."""
    if text.startswith("arn:") and ":role/" in text:
        return text.rsplit("/", 1)[-1]
    return text


def _path_text(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)


# -- messages ----------------------------------------------------------------------------------


def grant_message(found: BackendGrant) -> str:
    """One sentence: who, which actions, on which target (and how it was identified),
    granted by which statements, and what may narrow it."""
    statements = ", ".join(dict.fromkeys(g.statement.label for g, _ in found.grants))
    actions = ", ".join(dict.fromkeys(g.action_text for g, _ in found.grants))
    managed = [h for _, hops in found.grants for h in hops if h.startswith("AWS managed")]
    through = f" through {managed[0]}" if managed else ""
    notes = []
    if found.conditioned:
        notes.append("the statement has a Condition, which plangate does not evaluate")
    denied = [d for g, _ in found.grants for d in g.possibly_denied_by]
    if denied:
        notes.append(f"a conditional or unknown Deny ({denied[0]}) may remove it")
    if found.boundary:
        notes.append(
            f"the permissions boundary {found.boundary}, which plangate cannot read, may limit it"
        )
    elif not found.certain and not denied:
        notes.append("it depends on values known only after apply")
    tail = f" ({'; '.join(notes)})" if notes else ""
    target = found.target
    return (
        f"{found.principal.description} may perform {actions} on {target.label} "
        f"(identified by {target.source}){through}, granted by {statements}{tail}."
    )


def grant_finding(found: BackendGrant) -> Finding:
    """The finding for a grant: on the resource carrying the policy, new when it is."""
    carrier = found.attachment.carrier
    return finding(
        carrier,
        grant_message(found),
        attribute=found.attachment.attribute,
        certainty=Certainty.CERTAIN if found.certain else Certainty.POSSIBLE,
        chain=found.chain,
        new=is_new(carrier),
    )


def resource_grant_message(found: ResourcePolicyGrant) -> str:
    grant, target = found.grant, found.target
    who = 'everyone (Principal "*")' if found.principal is None else found.principal.description
    notes = []
    if grant.conditioned:
        notes.append("a Condition may narrow it; plangate does not evaluate it")
    if grant.possibly_denied_by:
        notes.append(f"a conditional or unknown Deny ({grant.possibly_denied_by[0]}) may remove it")
    elif not found.certain:
        notes.append("it depends on values known only after apply")
    tail = f" ({'; '.join(notes)})" if notes else ""
    return (
        f"{grant.statement.label} lets {who} perform {grant.action_text} on "
        f"{target.label} (identified by {target.source}){tail}."
    )
