"""The state-backend pack's part of the assurance map: the state plane, and the invariant
"the application plane cannot reach the state plane".

The drawing code behind `assurance.py`'s declaration: imported only when a map is
drawn, so a check that draws none does not load the map's readers.
"""

from __future__ import annotations

from plangate import PackSettings, Plan
from plangate.assurance import (
    KNOWN,
    NO,
    UNKNOWN_UNTIL_APPLY,
    UNKNOWN_VERDICT,
    YES,
    Contribution,
    Invariant,
    Plane,
    worst,
)
from plangate.policies.state_backend._map import Access, Held, backend_map

PLANE = "state_backend.state"
INVARIANT = "state_backend.planes_apart"
GUARDS = {
    "PG-STATE-001": "no application role is granted access to the lock table or state bucket",
    "PG-STATE-002": "no ECS task execution role is granted access to them",
    "PG-STATE-003": "no application configuration names them",
    "PG-STATE-004": "no event source, stream consumer or notification reads them",
    "PG-STATE-005": "no resource policy grants them to the application or to everyone",
    "PG-STATE-007": "the lock table holds Terraform's locks only",
}
CLIENT_LABEL = "Terraform client (plan / apply)"
MAX_EVIDENCE = 20


def state_plane(plan: Plan, settings: PackSettings) -> Contribution:
    """Each lock table and state bucket, and every principal, event and resource policy
    that reaches it."""
    held = backend_map(plan, settings)
    plane = Plane(PLANE, "State plane: who reaches the state backend")
    holds = YES
    evidence = []
    if held:
        client = plane.node("client", "client", CLIENT_LABEL)
        for item in held:
            holds = worst(holds, _draw(plan, plane, client, item))
            evidence.append(_evidence(item))
    else:
        holds = UNKNOWN_VERDICT
        evidence.append(
            "no lock table or state bucket was identified in this plan or the settings; "
            "name them with --lock-table / --state-bucket or the config file"
        )
    if len(evidence) > MAX_EVIDENCE:
        evidence = [*evidence[:MAX_EVIDENCE], f"and {len(evidence) - MAX_EVIDENCE} more"]
    invariant = Invariant(
        INVARIANT,
        "The application plane cannot reach the state plane",
        GUARDS,
        tuple(evidence),
        holds,
    )
    return Contribution([invariant], [plane], {"targets": [h.to_dict() for h in held]})


def _draw(plan: Plan, plane: Plane, client: str, item: Held) -> str:
    target = item.target
    key = f"target:{target.address or target.label}"
    if target.resource is not None:
        plane.resource(key, "state", target.resource, target.label)
    else:
        plane.node(key, "state", target.label)
    plane.edge(client, key, "locks" if target.is_lock_table else "reads and writes state")
    verdict = YES
    for access in item.access:
        verdict = worst(verdict, _access(plan, plane, key, access))
    for event in item.events:
        node = plane.node(f"event:{event.address}", "event", event.address)
        certainty = KNOWN if event.certain else UNKNOWN_UNTIL_APPLY
        plane.edge(key, node, event.does, certainty=certainty, violation=True)
        for consumer in event.consumers:
            plane.edge(node, _compute(plan, plane, consumer), "invokes")
        verdict = worst(verdict, NO if event.certain else UNKNOWN_VERDICT)
    for policy in item.policies:
        node = plane.node(f"policy:{policy.address}", "policy", policy.address)
        plane.edge(node, key, "resource policy")
        for who, actions, certain in policy.grants:
            source = plane.node(f"grantee:{who}", "principal", who)
            certainty = KNOWN if certain else UNKNOWN_UNTIL_APPLY
            plane.edge(source, node, actions, certainty=certainty, violation=True)
            verdict = worst(verdict, NO if certain else UNKNOWN_VERDICT)
    return verdict


def _compute(plan: Plan, plane: Plane, address: str) -> str:
    """A compute node: its resource's (grouped with its block) when it is in the plan."""
    resource = plan.by_address.get(address)
    if resource is not None:
        return plane.resource(f"compute:{address}", "compute", resource)
    return plane.node(f"compute:{address}", "compute", address)


def _access(plan: Plan, plane: Plane, key: str, access: Access) -> str:
    principal = access.principal
    if principal.role is not None:
        node = plane.resource(f"principal:{principal.address}", "principal", principal.role)
    else:
        node = plane.node(f"principal:{principal.address}", "principal", principal.address)
    actions = access.actions
    label = ", ".join(actions[:3]) + (f" and {len(actions) - 3} more" if len(actions) > 3 else "")
    certainty = KNOWN if access.grant.certain else UNKNOWN_UNTIL_APPLY
    plane.edge(
        node,
        key,
        label,
        certainty=certainty,
        violation=access.application,
        via=access.grant.attachment.carrier.address,
    )
    for trustee in access.trustees:
        who = plane.node(f"trustee:{trustee.kind}:{trustee.who}", "identity", trustee.who)
        certainty = KNOWN if trustee.certain else UNKNOWN_UNTIL_APPLY
        plane.edge(who, node, "may assume", certainty=certainty)
    for use in principal.uses:
        plane.edge(_compute(plan, plane, use.compute), node, f"runs as ({use.kind})")
    if not access.application:
        return YES
    return NO if access.grant.certain else UNKNOWN_VERDICT


def _evidence(item: Held) -> str:
    target = item.target
    who = [f"{a.principal.address} ({_role_of(a)})" for a in item.access]
    reached = "; ".join(dict.fromkeys(who)) or "no role of the plan"
    extra = []
    if item.events:
        extra.append(f"{len(item.events)} event wiring(s)")
    if item.policies:
        extra.append(f"{len(item.policies)} resource policy(ies)")
    tail = f"; {', '.join(extra)}" if extra else ""
    return (
        f"{target.label} (identified by {target.source}): reachable by the Terraform client "
        f"and {reached}{tail}"
    )


def _role_of(access: Access) -> str:
    if access.runs_application_code:
        return "runs application code"
    return "the application's task execution role" if access.application else "not the application"
