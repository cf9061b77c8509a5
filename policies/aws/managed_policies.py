"""AWS managed policies as data: the grants of the ones that matter for plangate's rules.

An attached AWS managed policy (AdministratorAccess, AmazonDynamoDBFullAccess, …) has
no document in the plan. `managed_policies.json` holds their statements, each policy
with the page it was copied from and the date it was checked; `managed_policy(arn)`
reads one by ARN, in any partition. One that is not in the data may grant anything:
`unseen_managed_policy` stands for it, as a statement that possibly allows every action
on every resource.
"""

from __future__ import annotations

import json
import pkgutil
import re
from dataclasses import dataclass
from functools import cache

from .iam_documents import Opaque, PolicyDocument, Statement, parse_policy

__all__ = [
    "ManagedPolicy",
    "is_aws_managed",
    "managed_policies",
    "managed_policy",
    "unseen_managed_policy",
]


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
    # Through the package's loader, as importlib.resources reads it, without importing
    # importlib.resources (tempfile, shutil, ...) into every check.
    data = pkgutil.get_data("plangate.policies.aws", "managed_policies.json")
    assert data is not None, "the package's own loader reads its files"
    text = data.decode("utf-8")
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


def unseen_managed_policy(arn: str) -> PolicyDocument:
    """An AWS managed policy that is not in the data: what it grants cannot be seen, so it
    possibly grants anything (read as no grant, any policy AWS adds would pass)."""
    match = _AWS_MANAGED.match(arn)
    name = match.group(1) if match else arn
    anything = Opaque(unresolved=True)
    statement = Statement(
        0,
        None,
        "Allow",
        actions=(anything,),
        resources=(anything,),
        described=(
            "its statements, which plangate cannot see (an AWS managed policy it does not know)"
        ),
        unseen=True,
    )
    return PolicyDocument((statement,), f"AWS managed policy {name}")
