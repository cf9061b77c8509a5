"""DynamoDB tables and resource policies, S3 buckets and their policy, versioning and
public-access-block resources (stub hashicorp/aws)."""

from __future__ import annotations

from tf.types import Unknown

from .dsl import TypeDef, resource
from .values import Env, const, copy_of, fmt, unique_name

# --------------------------------------------------------------------------- DynamoDB


def _dynamodb_plan(planned: dict, env: Env, prior: dict | None) -> None:
    """Like the real CustomizeDiff: turning streams on or off makes the stream ARN unknown."""
    if prior is not None and planned.get("stream_enabled") != prior.get("stream_enabled"):
        planned["stream_arn"] = Unknown
        planned["stream_label"] = Unknown
        if planned.get("stream_view_type") in (None, ""):
            planned["stream_view_type"] = Unknown


def _stream_label(state: dict, env: Env) -> str:
    return "2024-01-01T00:00:00.000" if state.get("stream_enabled") else ""


DYNAMODB_TABLE = resource(
    "aws_dynamodb_table",
    """
    arn                            str        comp
    billing_mode                   str        opt ="PROVISIONED"
    deletion_protection_enabled    bool       opt
    hash_key                       str        opt comp new
    name                           str        req new
    range_key                      str        opt new
    read_capacity                  num        opt comp
    restore_date_time              str        opt
    restore_source_name            str        opt
    restore_source_table_arn       str        opt
    restore_to_latest_time         bool       opt
    stream_arn                     str        comp
    stream_enabled                 bool       opt
    stream_label                   str        comp
    stream_view_type               str        opt comp
    table_class                    str        opt ="STANDARD"
    @tags
    write_capacity                 num        opt comp
    attribute                      block set {
        name                       str        req
        type                       str        req
    }
    global_secondary_index         block set {
        hash_key                   str        req
        name                       str        req
        non_key_attributes         set(str)   opt
        projection_type            str        req
        range_key                  str        opt
        read_capacity              num        opt comp
        write_capacity             num        opt comp
    }
    import_table                   block list max=1 {
        input_compression_type     str        opt
        input_format               str        req
    }
    local_secondary_index          block set {
        name                       str        req
        non_key_attributes         list(str)  opt
        projection_type            str        req
        range_key                  str        req
    }
    on_demand_throughput           block list max=1 comp {
        max_read_request_units     num        opt comp
        max_write_request_units    num        opt comp
    }
    point_in_time_recovery         block list max=1 comp {
        enabled                    bool       req
    }
    replica                        block set {
        arn                        str        comp
        kms_key_arn                str        opt comp
        point_in_time_recovery     bool       opt =false
        propagate_tags             bool       opt =false
        region_name                str        req
        stream_arn                 str        comp
        stream_label               str        comp
    }
    server_side_encryption         block list max=1 comp {
        enabled                    bool       req
        kms_key_arn                str        opt comp
    }
    ttl                            block list max=1 comp {
        attribute_name             str        opt
        enabled                    bool       opt
    }
    """,
    version=1,
    timeouts="cud",
    on_plan=_dynamodb_plan,
    computed={
        "id": copy_of("name"),
        "arn": "arn:{partition}:dynamodb:{region}:{account}:table/{name}",
        "stream_label": _stream_label,
        "stream_arn": lambda s, e: (
            f"{s['arn']}/stream/{s['stream_label']}" if s.get("stream_enabled") else ""
        ),
        "stream_view_type": const(""),
        "read_capacity": const(0),
        "write_capacity": const(0),
        "point_in_time_recovery": const([{"enabled": False}]),
        "ttl": const([{"attribute_name": "", "enabled": False}]),
        "on_demand_throughput": const([]),
        "server_side_encryption": const([]),
    },
)

DYNAMODB_RESOURCE_POLICY = resource(
    "aws_dynamodb_resource_policy",
    """
    confirm_remove_self_resource_access   bool   opt comp
    id                                    str    comp
    policy                                str    req
    resource_arn                          str    req new
    revision_id                           str    comp
    """,
    sdk_id=False,
    computed={
        "id": copy_of("resource_arn"),
        "revision_id": "{digits13}",
        "confirm_remove_self_resource_access": const(False),
    },
)

# --------------------------------------------------------------------------- S3


def _s3_bucket_name(state: dict, env: Env) -> str:
    return unique_name("bucket_prefix", lower=True)(state, env)


_S3_DEFAULT_ENCRYPTION = [
    {
        "rule": [
            {
                "apply_server_side_encryption_by_default": [
                    {"kms_master_key_id": "", "sse_algorithm": "AES256"}
                ],
                "bucket_key_enabled": False,
            }
        ]
    }
]

S3_BUCKET = resource(
    "aws_s3_bucket",
    """
    acceleration_status                   str        opt comp dep
    acl                                   str        opt comp dep
    arn                                   str        comp
    bucket                                str        opt comp new
    bucket_domain_name                    str        comp
    bucket_prefix                         str        opt comp new
    bucket_regional_domain_name           str        comp
    force_destroy                         bool       opt =false
    hosted_zone_id                        str        comp
    object_lock_enabled                   bool       opt comp new
    policy                                str        opt comp dep
    region                                str        comp
    request_payer                         str        opt comp dep
    @tags
    website_domain                        str        comp dep
    website_endpoint                      str        comp dep
    cors_rule                             block list comp {
        allowed_headers                   list(str)  opt
        allowed_methods                   list(str)  req
        allowed_origins                   list(str)  req
        expose_headers                    list(str)  opt
        max_age_seconds                   num        opt
    }
    grant                                 block set comp {
        id                                str        opt
        permissions                       set(str)   req
        type                              str        req
        uri                               str        opt
    }
    lifecycle_rule                        block list comp {
        abort_incomplete_multipart_upload_days   num        opt
        enabled                                  bool       req
        id                                       str        opt comp
        prefix                                   str        opt
        tags                                     map(str)   opt
    }
    logging                               block list max=1 comp {
        target_bucket                     str        req
        target_prefix                     str        opt
    }
    object_lock_configuration             block list max=1 comp {
        object_lock_enabled               str        opt
    }
    server_side_encryption_configuration  block list max=1 comp {
        rule                              block list min=1 max=1 {
            bucket_key_enabled            bool       opt
            apply_server_side_encryption_by_default   block list min=1 max=1 {
                kms_master_key_id         str        opt
                sse_algorithm             str        req
            }
        }
    }
    versioning                            block list max=1 comp {
        enabled                           bool       opt =false
        mfa_delete                        bool       opt =false
    }
    website                               block list max=1 comp {
        error_document                    str        opt
        index_document                    str        opt
        redirect_all_requests_to          str        opt
        routing_rules                     str        opt
    }
    """,
    timeouts="crud",
    computed={
        "bucket": _s3_bucket_name,
        "id": copy_of("bucket"),
        "arn": "arn:{partition}:s3:::{bucket}",
        "bucket_domain_name": "{bucket}.s3.amazonaws.com",
        "bucket_regional_domain_name": "{bucket}.s3.{region}.amazonaws.com",
        "hosted_zone_id": const("Z3AQBSTGFYJSTF"),
        "region": "{region}",
        "request_payer": const("BucketOwner"),
        "object_lock_enabled": const(False),
        "acl": const(None),
        "website_domain": const(None),
        "website_endpoint": const(None),
        "grant": lambda s, e: [
            {
                "id": fmt("{hex64}", s, e, "canonical"),
                "permissions": ["FULL_CONTROL"],
                "type": "CanonicalUser",
                "uri": "",
            }
        ],
        "server_side_encryption_configuration": const(_S3_DEFAULT_ENCRYPTION),
        "versioning": const([{"enabled": False, "mfa_delete": False}]),
    },
)

S3_BUCKET_POLICY = resource(
    "aws_s3_bucket_policy",
    """
    bucket   str   req new
    policy   str   req
    """,
    computed={"id": copy_of("bucket")},
)

S3_BUCKET_VERSIONING = resource(
    "aws_s3_bucket_versioning",
    """
    bucket                      str   req new
    expected_bucket_owner       str   opt new
    mfa                         str   opt
    versioning_configuration    block list min=1 max=1 {
        mfa_delete              str   opt comp
        status                  str   req
    }
    """,
    computed={"id": copy_of("bucket")},
)

S3_BUCKET_PUBLIC_ACCESS_BLOCK = resource(
    "aws_s3_bucket_public_access_block",
    """
    block_public_acls          bool   opt =false
    block_public_policy        bool   opt =false
    bucket                     str    req new
    ignore_public_acls         bool   opt =false
    restrict_public_buckets    bool   opt =false
    skip_destroy               bool   opt
    """,
    computed={"id": copy_of("bucket")},
)

RESOURCES: list[TypeDef] = [v for v in list(globals().values()) if isinstance(v, TypeDef)]
