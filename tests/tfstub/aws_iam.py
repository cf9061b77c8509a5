"""IAM roles, policies, attachments and instance profiles (stub hashicorp/aws)."""

from __future__ import annotations

from .dsl import TypeDef, resource
from .values import EXAMPLE_TIME, Fn, const, copy_of, unique_name

# --------------------------------------------------------------------------- IAM


def _iam_path(state: dict) -> str:
    path = state.get("path")
    return path if isinstance(path, str) and path else "/"


def _iam_arn(kind: str) -> Fn:
    return lambda s, e: f"arn:{e.partition}:iam::{e.account}:{kind}{_iam_path(s)}{s['name']}"


IAM_ROLE = resource(
    "aws_iam_role",
    """
    arn                     str        comp
    assume_role_policy      str        req
    create_date             str        comp
    description             str        opt
    force_detach_policies   bool       opt =false
    managed_policy_arns     set(str)   opt comp
    max_session_duration    num        opt =3600
    name                    str        opt comp new
    name_prefix             str        opt comp new
    path                    str        opt new ="/"
    permissions_boundary    str        opt
    @tags
    unique_id               str        comp
    inline_policy           block set comp {
        name                str        opt
        policy              str        opt
    }
    """,
    computed={
        "name": unique_name(),
        "id": copy_of("name"),
        "arn": _iam_arn("role"),
        "create_date": const(EXAMPLE_TIME),
        "unique_id": "AROA{ALNUM17}",
    },
)

IAM_POLICY = resource(
    "aws_iam_policy",
    """
    arn                str        comp
    attachment_count   num        comp
    description        str        opt new
    name               str        opt comp new
    name_prefix        str        opt comp new
    path               str        opt new ="/"
    policy             str        req
    policy_id          str        comp
    @tags
    """,
    computed={
        "name": unique_name(),
        "arn": _iam_arn("policy"),
        "id": copy_of("arn"),
        "policy_id": "ANPA{ALNUM17}",
    },
)

IAM_ROLE_POLICY = resource(
    "aws_iam_role_policy",
    """
    name          str   opt comp new
    name_prefix   str   opt comp new
    policy        str   req
    role          str   req new
    """,
    computed={"name": unique_name(), "id": "{role}:{name}"},
)

IAM_ROLE_POLICY_ATTACHMENT = resource(
    "aws_iam_role_policy_attachment",
    """
    policy_arn   str   req new
    role         str   req new
    """,
    computed={"id": "{role}-{digits26}"},
)

# Provider 5.80+: the role's whole set of attached managed policies.
IAM_ROLE_POLICY_ATTACHMENTS_EXCLUSIVE = resource(
    "aws_iam_role_policy_attachments_exclusive",
    """
    policy_arns   set(str)   req
    role_name     str        req new
    """,
    computed={"id": copy_of("role_name")},
)

IAM_POLICY_ATTACHMENT = resource(
    "aws_iam_policy_attachment",
    """
    groups       set(str)   opt
    name         str        req new
    policy_arn   str        req new
    roles        set(str)   opt
    users        set(str)   opt
    """,
    computed={"id": copy_of("name")},
)

IAM_INSTANCE_PROFILE = resource(
    "aws_iam_instance_profile",
    """
    arn           str   comp
    create_date   str   comp
    name          str   opt comp new
    name_prefix   str   opt comp new
    path          str   opt new ="/"
    role          str   opt
    @tags
    unique_id     str   comp
    """,
    computed={
        "name": unique_name(),
        "id": copy_of("name"),
        "arn": _iam_arn("instance-profile"),
        "create_date": const(EXAMPLE_TIME),
        "unique_id": "AIPA{ALNUM17}",
    },
)

RESOURCES: list[TypeDef] = [v for v in list(globals().values()) if isinstance(v, TypeDef)]
