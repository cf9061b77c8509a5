"""What a resource policy on the lock table or state bucket grants: to everyone
(`Principal "*"`), or to one of the application's principals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plangate import PackSettings, Plan, Resource
from plangate.policies.aws.iam_evaluation import Grant, PrincipalQuery, evaluate
from plangate.policies.aws.policy_documents import policy_documents
from plangate.policies.aws.principals import Principal, application_principals

from ._backend import state_backend
from ._grants import backend_requests
from ._targets import BackendTarget, StateBackend

__all__ = [
    "TARGET_ATTRIBUTE",
    "ResourcePolicyGrant",
    "policy_targets",
    "resource_grant_message",
    "resource_policy_grants",
    "targets_named_by",
]


@dataclass(frozen=True)
class ResourcePolicyGrant:
    target: BackendTarget
    grant: Grant
    principal: Principal | None  # None: the statement grants everyone
    hops: tuple[str, ...] = ()
    certain: bool = True


def resource_policy_grants(
    plan: Plan,
    settings: PackSettings | None,
    resource: Resource,
    targets: Sequence[BackendTarget],
    attribute: str = "policy",
    arn: str | None = None,
) -> list[ResourcePolicyGrant]:
    """What a resource policy on backend targets grants to everyone or to app principals
    (`arn`: the known ARN of the resource it is attached to, which its `Resource` names)."""
    backend = state_backend(plan, settings)
    documents = policy_documents(plan, resource, attribute)
    if not documents:
        return []
    docs = [d for d, _ in documents]
    hops = [h for _, h in documents]
    found: list[ResourcePolicyGrant] = []
    for target in targets:
        requests = backend_requests(
            plan, backend, target, arn if arn and target.matches_arn(arn) else None
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


# resource type → (attribute naming the table or bucket, or None: the resource is it)
TARGET_ATTRIBUTE = {
    "aws_dynamodb_resource_policy": "resource_arn",
    "aws_s3_bucket_policy": "bucket",
    "aws_s3_bucket": None,
}


def policy_targets(
    plan: Plan, backend: StateBackend, carrier: Resource
) -> tuple[list[BackendTarget], str | None]:
    """The backend targets a resource policy carrier is attached to, and the table ARN it
    is attached to when known (its `Resource` names the table as it is there)."""
    attribute = TARGET_ATTRIBUTE[carrier.type]
    if attribute is None:
        target = backend.target_for_resource(carrier)
        return ([target] if target is not None and target.is_state_bucket else []), None
    targets = targets_named_by(plan, backend, carrier, attribute)
    arn = carrier.after_value(attribute) if attribute == "resource_arn" else None
    table = arn if isinstance(arn, str) and ":table/" in arn and "/stream/" not in arn else None
    return targets, table


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
