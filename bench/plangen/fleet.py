"""Which services the scaled plan holds, in which state, with which planted mistake.

A service is one instance of the `service` module (the reference project's network,
database and app), keyed `team/name` as a platform team would key them, some keys with
`.` or `:` as well as `/`. Its state picks the example plan its units come from:

- new (51 %): `good`, a first plan: creates with the unknowns of a first plan, and a
  deferred read of a policy document;
- existing (45 %): `lock_table_deleted`, planned after applying `good`, whose service
  modules are unchanged (`no-op`, with a real `prior_state`); one in ten of them rolls out a
  new image instead: `app_image_updated` (the task definition replaced, the service
  updated);
- removed (4 %): the existing units turned into deletes (the key left `var.services`);
- one service in `mistake_every` is new and carries a mistake: the first plan of a
  variant that index.json says produces findings (`expect`) and that touches nothing but
  the service's own modules, each such variant in turn. Its findings are the plan's
  expected findings, under the instance's address.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from .examples import Example

__all__ = ["Roles", "Service", "choose_roles", "instance_prefix", "plan_fleet", "planted"]

TEAMS = (
    "payments",
    "orders",
    "search",
    "identity",
    "billing",
    "catalog",
    "shipping",
    "analytics",
    "support",
    "platform",
    "growth",
    "risk",
)
KINDS = ("api", "worker", "web", "gateway", "ledger", "events", "jobs", "sync")


@dataclass(frozen=True)
class Roles:
    """The example plan each state of a service is taken from."""

    new: str
    existing: str
    updated: str
    backend: str  # whose state backend (no-op) the plan keeps
    mistakes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Service:
    number: int
    key: str  # its for_each key
    name: str  # the project's `name` variable for it: names, ARNs
    example: str
    removed: bool = False


def choose_roles(
    examples: Mapping[str, Example], modules: Iterable[str], backend_variables: Iterable[str]
) -> Roles:
    """The mistakes: first plans built to produce findings, only in `modules`, and
    leaving every variable of the state backend as the good plan has it."""
    good = examples["good"]
    prefixes = tuple(f"module.{module}." for module in modules)
    backend_variables = tuple(backend_variables)
    mistakes = tuple(
        sorted(
            name
            for name, example in examples.items()
            if example.expect
            and example.applied_before is None
            and all(address.startswith(prefixes) for _, address in example.expect)
            and all(example.variables.get(v) == good.variables.get(v) for v in backend_variables)
        )
    )
    return Roles("good", "lock_table_deleted", "app_image_updated", "app_image_updated", mistakes)


def plan_fleet(
    budget: int,
    seed: int,
    mistake_every: int,
    roles: Roles,
    size: Callable[[Service], int],
    largest: int,
) -> tuple[list[Service], int]:
    """Services while the next one surely fits in `budget` resource changes; returns them
    and the changes left over (fewer than `largest`)."""
    rng = random.Random(seed)
    services: list[Service] = []
    number = 0
    while budget >= largest:
        service = _service(number, rng, mistake_every, roles)
        services.append(service)
        budget -= size(service)
        number += 1
    return services, budget


def _service(number: int, rng: random.Random, mistake_every: int, roles: Roles) -> Service:
    team = TEAMS[number % len(TEAMS)]
    name = f"{KINDS[rng.randrange(len(KINDS))]}-{number:04d}"
    key = f"{team}{'.eu' if number % 5 == 1 else ''}/{name}{':canary' if number % 4 == 3 else ''}"
    state, rollout = rng.random(), rng.random()
    if mistake_every and roles.mistakes and number % mistake_every == mistake_every // 2:
        mistake = roles.mistakes[(number // mistake_every) % len(roles.mistakes)]
        return Service(number, key, name, mistake)
    if state < 0.45:
        return Service(number, key, name, roles.updated if rollout < 0.10 else roles.existing)
    if state < 0.96:
        return Service(number, key, name, roles.new)
    return Service(number, key, name, roles.existing, removed=True)


def instance_prefix(call: str, key: str) -> str:
    """`module.service["team/name"].`, as Terraform prints a string instance key."""
    return f"module.{call}[{json.dumps(key)}]."


def planted(
    services: Iterable[Service],
    examples: Mapping[str, Example],
    modules: Iterable[str],
    call: str,
) -> list[tuple[str, str]]:
    """(policy id, address) of every finding the plan is built to produce."""
    prefixes = tuple(f"module.{module}." for module in modules)
    found = []
    for service in services:
        if service.removed:
            continue
        for policy_id, address in examples[service.example].expect:
            if address.startswith(prefixes):
                found.append((policy_id, instance_prefix(call, service.key) + address))
    return sorted(found)
