"""Data sources and the provider block of the stub ``hashicorp/aws`` provider.

Data sources that look things up in AWS (``aws_dynamodb_table``, ``aws_vpc``, ...) answer with
realistic made-up values. A test can replace them: ``stub_data()`` in the harness writes
``$PLANGATE_STUB_STATE/data/<type>/<key>.json`` and the stub merges that file over its answer
(the key is the data source's ``name`` argument, or ``default``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tf.schema import Schema

from . import policy_document
from .dsl import TypeDef, data_source, parse
from .values import Env, fmt


def stub_override(type_name: str, key: str) -> dict[str, Any]:
    root = os.environ.get("PLANGATE_STUB_STATE")
    if not root:
        return {}
    path = Path(root) / "data" / type_name / f"{key}.json"
    return json.loads(path.read_text()) if path.is_file() else {}


# --------------------------------------------------------------------------- provider block

PROVIDER_BODY = parse(
    """
    access_key                     str         opt
    allowed_account_ids            set(str)    opt
    custom_ca_bundle               str         opt
    ec2_metadata_service_endpoint  str         opt
    ec2_metadata_service_endpoint_mode   str   opt
    forbidden_account_ids          set(str)    opt
    http_proxy                     str         opt
    https_proxy                    str         opt
    insecure                       bool        opt
    max_retries                    num         opt
    no_proxy                       str         opt
    profile                        str         opt
    region                         str         opt
    retry_mode                     str         opt
    s3_us_east_1_regional_endpoint str         opt
    s3_use_path_style              bool        opt
    secret_key                     str         opt
    shared_config_files            list(str)   opt
    shared_credentials_files       list(str)   opt
    skip_credentials_validation    bool        opt
    skip_metadata_api_check        str         opt
    skip_region_validation         bool        opt
    skip_requesting_account_id     bool        opt
    sts_region                     str         opt
    token                          str         opt
    token_bucket_rate_limiter_capacity   num   opt
    use_dualstack_endpoint         bool        opt
    use_fips_endpoint              bool        opt
    assume_role                    block list max=1 {
        duration                   str         opt
        external_id                str         opt
        policy                     str         opt
        policy_arns                set(str)    opt
        role_arn                   str         opt
        session_name               str         opt
        source_identity            str         opt
        tags                       map(str)    opt
        transitive_tag_keys        set(str)    opt
    }
    assume_role_with_web_identity  block list max=1 {
        duration                   str         opt
        policy                     str         opt
        policy_arns                set(str)    opt
        role_arn                   str         opt
        session_name               str         opt
        web_identity_token         str         opt
        web_identity_token_file    str         opt
    }
    default_tags                   block list max=1 {
        tags                       map(str)    opt
    }
    endpoints                      block set {
        cloudfront                 str         opt
        dynamodb                   str         opt
        ec2                        str         opt
        ecs                        str         opt
        elbv2                      str         opt
        iam                        str         opt
        lambda                     str         opt
        logs                       str         opt
        rds                        str         opt
        s3                         str         opt
        sts                        str         opt
    }
    ignore_tags                    block list max=1 {
        key_prefixes               set(str)    opt
        keys                       set(str)    opt
    }
    """
)


def provider_schema() -> Schema:
    block = PROVIDER_BODY.to_tf()
    return Schema(attributes=block.attributes, block_types=block.block_types)


def env_from_config(config: dict | None) -> Env:
    config = config or {}
    region = (
        config.get("region")
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or "us-east-1"
    )
    default_tags: dict[str, str] = {}
    for block in config.get("default_tags") or []:
        default_tags.update(block.get("tags") or {})
    return Env(region=region, default_tags=default_tags or None)


# --------------------------------------------------------------------------- IAM


def _read_policy_document(state: dict, env: Env) -> None:
    state["json"], state["minified_json"], state["id"] = policy_document.render(state)


_PRINCIPALS = """
        identifiers   set(str)   req
        type          str        req
"""

IAM_POLICY_DOCUMENT = data_source(
    "aws_iam_policy_document",
    f"""
    json                        str         comp
    minified_json               str         comp
    override_json               str         opt dep
    override_policy_documents   list(str)   opt
    policy_id                   str         opt
    source_json                 str         opt dep
    source_policy_documents     list(str)   opt
    version                     str         opt ="2012-10-17"
    statement                   block list {{
        actions                 set(str)    opt
        effect                  str         opt ="Allow"
        not_actions             set(str)    opt
        not_resources           set(str)    opt
        resources               set(str)    opt
        sid                     str         opt
        condition               block set {{
            test                str         req
            values              list(str)   req
            variable            str         req
        }}
        not_principals          block set {{ {_PRINCIPALS} }}
        principals              block set {{ {_PRINCIPALS} }}
    }}
    """,
    on_read=_read_policy_document,
)

CALLER_IDENTITY = data_source(
    "aws_caller_identity",
    """
    account_id   str   comp
    arn          str   comp
    user_id      str   comp
    """,
    computed={
        "account_id": "{account}",
        "id": "{account}",
        "arn": "arn:{partition}:sts::{account}:assumed-role/plangate-ci/plangate",
        "user_id": "AROA{ALNUM17}:plangate",
    },
)


def _read_region(state: dict, env: Env) -> None:
    name = state.get("name") or state.get("region") or env.region
    state.update(
        name=name, region=name, id=name, endpoint=f"ec2.{name}.amazonaws.com", description=name
    )


REGION = data_source(
    "aws_region",
    """
    description   str    comp
    endpoint      str    opt comp
    name          str    opt comp
    region        str    opt comp
    """,
    on_read=_read_region,
)

PARTITION = data_source(
    "aws_partition",
    """
    dns_suffix           str   comp
    partition            str   comp
    reverse_dns_prefix   str   comp
    """,
    computed={
        "id": "{partition}",
        "partition": "{partition}",
        "dns_suffix": "amazonaws.com",
        "reverse_dns_prefix": "com.amazonaws",
    },
)


def _read_azs(state: dict, env: Env) -> None:
    excluded = set(state.get("exclude_names") or [])
    names = [env.region + s for s in "abc" if env.region + s not in excluded]
    parts = env.region.split("-")
    short = parts[0] + parts[1][0] + parts[2] if len(parts) == 3 else env.region
    state.update(
        id=env.region,
        names=names,
        zone_ids=[f"{short}-az{i + 1}" for i in range(len(names))],
        group_names=[env.region],
    )


AVAILABILITY_ZONES = data_source(
    "aws_availability_zones",
    """
    all_availability_zones   bool        opt
    exclude_names            set(str)    opt
    exclude_zone_ids         set(str)    opt
    group_names              set(str)    comp
    names                    list(str)   comp
    state                    str         opt
    zone_ids                 list(str)   comp
    filter                   block set {
        name                 str         req
        values               set(str)    req
    }
    """,
    on_read=_read_azs,
)

# --------------------------------------------------------------------------- DynamoDB


def _read_dynamodb_table(state: dict, env: Env) -> None:
    name = state["name"]
    arn = f"arn:{env.partition}:dynamodb:{env.region}:{env.account}:table/{name}"
    state.update(
        id=name,
        arn=arn,
        attribute=[{"name": "LockID", "type": "S"}],
        billing_mode="PAY_PER_REQUEST",
        deletion_protection_enabled=False,
        global_secondary_index=[],
        hash_key="LockID",
        local_secondary_index=[],
        point_in_time_recovery=[{"enabled": False}],
        range_key="",
        read_capacity=0,
        replica=[],
        server_side_encryption=[],
        stream_arn="",
        stream_enabled=False,
        stream_label="",
        stream_view_type="",
        table_class="STANDARD",
        tags=state.get("tags") or {},
        ttl=[{"attribute_name": "", "enabled": False}],
        write_capacity=0,
    )
    state.update(stub_override("aws_dynamodb_table", name))


DYNAMODB_TABLE = data_source(
    "aws_dynamodb_table",
    """
    arn                           str         comp
    attribute                     set(obj)    comp {
        name   str
        type   str
    }
    billing_mode                  str         comp
    deletion_protection_enabled   bool        comp
    global_secondary_index        set(obj)    comp {
        hash_key             str
        name                 str
        non_key_attributes   list(str)
        projection_type      str
        range_key            str
        read_capacity        num
        write_capacity       num
    }
    hash_key                      str         comp
    local_secondary_index         set(obj)    comp {
        name                 str
        non_key_attributes   list(str)
        projection_type      str
        range_key            str
    }
    name                          str         req
    point_in_time_recovery        list(obj)   comp {
        enabled   bool
    }
    range_key                     str         comp
    read_capacity                 num         comp
    replica                       set(obj)    comp {
        kms_key_arn   str
        region_name   str
    }
    server_side_encryption        list(obj)   comp {
        enabled       bool
        kms_key_arn   str
    }
    stream_arn                    str         comp
    stream_enabled                bool        comp
    stream_label                  str         comp
    stream_view_type              str         comp
    table_class                   str         comp
    tags                          map(str)    opt comp
    ttl                           set(obj)    comp {
        attribute_name   str
        enabled          bool
    }
    write_capacity                num         comp
    """,
    on_read=_read_dynamodb_table,
)

# --------------------------------------------------------------------------- VPC


def _read_vpc(state: dict, env: Env) -> None:
    key = "default" if state.get("default") or not state.get("id") else state["id"]
    vpc_id = state.get("id") or fmt("vpc-{hex17}", state, env, "vpc")
    cidr = state.get("cidr_block") or ("172.31.0.0/16" if state.get("default") else "10.0.0.0/16")
    state.update(
        id=vpc_id,
        arn=f"arn:{env.partition}:ec2:{env.region}:{env.account}:vpc/{vpc_id}",
        cidr_block=cidr,
        cidr_block_associations=[
            {
                "association_id": fmt("vpc-cidr-assoc-{hex17}", state, env, "assoc"),
                "cidr_block": cidr,
                "state": "associated",
            }
        ],
        default=bool(state.get("default")),
        dhcp_options_id=fmt("dopt-{hex17}", state, env, "dopt"),
        enable_dns_hostnames=True,
        enable_dns_support=True,
        enable_network_address_usage_metrics=False,
        instance_tenancy="default",
        ipv6_association_id="",
        ipv6_cidr_block="",
        main_route_table_id=fmt("rtb-{hex17}", state, env, "rtb"),
        owner_id=env.account,
        state="available",
        tags=state.get("tags") or {},
    )
    state.update(stub_override("aws_vpc", key))


VPC = data_source(
    "aws_vpc",
    """
    arn                                    str         comp
    cidr_block                             str         opt comp
    cidr_block_associations                list(obj)   comp {
        association_id   str
        cidr_block       str
        state            str
    }
    default                                bool        opt comp
    dhcp_options_id                        str         opt comp
    enable_dns_hostnames                   bool        comp
    enable_dns_support                     bool        comp
    enable_network_address_usage_metrics   bool        comp
    id                                     str         opt comp
    instance_tenancy                       str         comp
    ipv6_association_id                    str         comp
    ipv6_cidr_block                        str         comp
    main_route_table_id                    str         comp
    owner_id                               str         comp
    state                                  str         opt comp
    tags                                   map(str)    opt comp
    filter                                 block set {
        name                               str         req
        values                             set(str)    req
    }
    """,
    on_read=_read_vpc,
)


def _read_subnets(state: dict, env: Env) -> None:
    state.update(
        id=env.region,
        ids=[fmt("subnet-{hex17}", state, env, f"subnet{i}") for i in range(3)],
    )
    state.update(stub_override("aws_subnets", "default"))


SUBNETS = data_source(
    "aws_subnets",
    """
    ids      list(str)   comp
    tags     map(str)    opt comp
    filter   block set {
        name     str        req
        values   set(str)   req
    }
    """,
    on_read=_read_subnets,
)

DATA_SOURCES: list[TypeDef] = [v for v in list(globals().values()) if isinstance(v, TypeDef)]
