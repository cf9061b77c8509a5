"""Which Cloud Storage buckets the plan makes readable by anyone: shared by ACME-GCS-001
and the `acme_public_buckets` inventory, computed once per plan."""

from __future__ import annotations

from dataclasses import dataclass

from plangate import Plan, Resource
from plangate.helpers import members, per_plan

# Members that make a grant public: anyone, or anyone with a Google account.
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
# The IAM resources that grant on one bucket, and the attribute naming their members.
GRANTS = {
    "google_storage_bucket_iam_member": "member",
    "google_storage_bucket_iam_binding": "members",
}
UNKNOWN_NAME = "(known after apply)"


@dataclass(frozen=True, slots=True)
class PublicGrant:
    """A grant to a public member. `bucket` is None when its name is known only after
    apply; `certain` is False when the member is (it may or may not be public)."""

    grant: Resource
    bucket: str | None
    member: str
    role: str
    certain: bool


@per_plan
def public_grants(plan: Plan) -> list[PublicGrant]:
    found = []
    for type_, attribute in GRANTS.items():
        for grant in plan.existing(type_):
            role = grant.after_value("role")
            role = role if isinstance(role, str) else UNKNOWN_NAME
            for member in members(grant.after_value(attribute)):
                if member in PUBLIC_MEMBERS:
                    found.append(PublicGrant(grant, bucket_name(plan, grant), member, role, True))
                elif not isinstance(member, str):  # unknown: it may be allUsers
                    bucket = bucket_name(plan, grant)
                    found.append(PublicGrant(grant, bucket, UNKNOWN_NAME, role, False))
    return found


def bucket_name(plan: Plan, grant: Resource) -> str | None:
    """The bucket a grant is on: its `bucket` value (a name, or `b/NAME`), else, on a
    first plan, the `name` of the `google_storage_bucket` its expression refers to."""
    value = grant.after_value("bucket")
    if isinstance(value, str):
        return value.removeprefix("b/")
    for ref in plan.references.resolve(grant, "bucket").of_type("google_storage_bucket"):
        name = ref.target.after_value("name")
        if isinstance(name, str):
            return name
    return None
