"""What is attached to a role: inline policies (`aws_iam_role_policy`,
`inline_policy`), attached customer and AWS managed policies (`aws_iam_role_policy_attachment`,
`aws_iam_policy_attachment`, `aws_iam_role_policy_attachments_exclusive`,
`managed_policy_arns`), each with the documents it brings.

An attachment whose role is known only after apply and cannot be followed may belong to
any role: `unfollowed_attachments` lists those, once each (asked per role, they would be
counted once for every role of the plan).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from plangate import Plan, Ref, Resource
from plangate.helpers import has_unknown, in_state, per_plan

from .iam_documents import PolicyDocument
from .policy_documents import arn_documents, policy_documents
from .roles import ROLE, role_links, role_name

__all__ = ["Attachment", "attachments_of", "unfollowed_attachments"]


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


def attachments_of(plan: Plan, address: str, name: str | None) -> list[Attachment]:
    """Inline policies, attached customer and AWS managed policies of one role, by its
    address (or its ARN or name, for a role outside the plan) and its name."""
    index = _attachment_index(plan)
    keys = [address]
    if name and name != address:
        keys.append(f"name:{name}")
    # In order, once each (the same carrier may be linked by address and by name), keyed
    # by what an attachment is built from rather than compared with each one found so far.
    found: dict[tuple[int, str, bool], Attachment] = {}
    for key in keys:
        for attachment in index.get(key, ()):
            found.setdefault(
                (id(attachment.carrier), attachment.attribute, attachment.certain), attachment
            )
    return list(found.values())


def unfollowed_attachments(plan: Plan) -> list[Attachment]:
    """Attachments whose role is known only after apply and could not be followed."""
    return _attachment_index(plan).get(_ANY_ROLE, [])


@per_plan
def _attachment_index(plan: Plan) -> dict[str, list[Attachment]]:
    index: dict[str, list[Attachment]] = defaultdict(list)

    def link(carrier: Resource, role_path: str, attachment: Attachment) -> None:
        links = role_links(plan, carrier, (role_path,))
        for role, certain in links:
            key = role.address if isinstance(role, Ref) else f"name:{role_name(role)}"
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
            Attachment(carrier, "policy_arn", tuple(arn_documents(plan, carrier, ("policy_arn",)))),
        )
    for carrier in in_state(plan, "aws_iam_policy_attachment"):
        link(
            carrier,
            "roles",
            Attachment(carrier, "policy_arn", tuple(arn_documents(plan, carrier, ("policy_arn",)))),
        )
    # Provider 5.80+: every managed policy of one role, by the role's name.
    for carrier in in_state(plan, "aws_iam_role_policy_attachments_exclusive"):
        link(
            carrier,
            "role_name",
            Attachment(
                carrier, "policy_arns", tuple(arn_documents(plan, carrier, ("policy_arns",)))
            ),
        )
    for role in in_state(plan, ROLE):
        documents = _inline_documents(plan, role)
        if documents:
            index[role.address].append(Attachment(role, "inline_policy", tuple(documents)))
        managed = arn_documents(plan, role, ("managed_policy_arns",))
        if managed:
            index[role.address].append(Attachment(role, "managed_policy_arns", tuple(managed)))
    return index


def _inline_documents(plan: Plan, role: Resource) -> list[tuple[PolicyDocument, tuple[str, ...]]]:
    """The documents of a role's `inline_policy` blocks, each path starting at its block
    (by name, or by position when it has none)."""
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
            (d, (hop, *h)) for d, h in policy_documents(plan, role, ("inline_policy", i, "policy"))
        )
    return documents
