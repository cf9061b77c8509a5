"""KMS keys, Secrets Manager secrets and SSM parameters (stub hashicorp/aws). Beyond the
brief's list; the everyday arguments only."""

from __future__ import annotations

from .dsl import TypeDef, resource
from .values import const, copy_of, fmt, unique_name, uuid

KMS_KEY = resource(
    "aws_kms_key",
    """
    arn                                   str    comp
    bypass_policy_lockout_safety_check    bool   opt =false
    custom_key_store_id                   str    opt new
    customer_master_key_spec              str    opt new ="SYMMETRIC_DEFAULT"
    deletion_window_in_days               num    opt
    description                           str    opt comp
    enable_key_rotation                   bool   opt =false
    is_enabled                            bool   opt =true
    key_id                                str    comp
    key_usage                             str    opt new ="ENCRYPT_DECRYPT"
    multi_region                          bool   opt comp new
    policy                                str    opt comp
    rotation_period_in_days               num    opt comp
    @tags
    xks_key_id                            str    opt new
    """,
    timeouts="c",
    computed={
        "key_id": uuid,
        "id": copy_of("key_id"),
        "arn": "arn:{partition}:kms:{region}:{account}:key/{key_id}",
        "description": const(""),
        "multi_region": const(False),
        "rotation_period_in_days": lambda s, e: 365 if s.get("enable_key_rotation") else 0,
        "policy": lambda s, e: (
            '{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User '
            f'Permissions","Effect":"Allow","Principal":{{"AWS":"arn:{e.partition}:iam::'
            f'{e.account}:root"}},"Action":"kms:*","Resource":"*"}}]}}'
        ),
    },
)

SECRETSMANAGER_SECRET = resource(
    "aws_secretsmanager_secret",
    """
    arn                              str    comp
    description                      str    opt
    force_overwrite_replica_secret   bool   opt =false
    kms_key_id                       str    opt
    name                             str    opt comp new
    name_prefix                      str    opt comp new
    policy                           str    opt comp
    recovery_window_in_days          num    opt =30
    @tags
    replica                          block set {
        kms_key_id                   str    opt comp
        last_accessed_date           str    comp
        region                       str    req
        status                       str    comp
        status_message               str    comp
    }
    """,
    computed={
        "name": unique_name(),
        "arn": lambda s, e: (
            f"arn:{e.partition}:secretsmanager:{e.region}:{e.account}:secret:"
            f"{s['name']}-{fmt('{ALNUM6}', s, e, 'suffix')}"
        ),
        "id": copy_of("arn"),
        "policy": const(""),
    },
)

SSM_PARAMETER = resource(
    "aws_ssm_parameter",
    """
    allowed_pattern   str        opt
    arn               str        opt comp
    data_type         str        opt comp new
    description       str        opt
    insecure_value    str        opt
    key_id            str        opt comp
    name              str        req new
    overwrite         bool       opt dep
    @tags
    tier              str        opt ="Standard"
    type              str        req
    value             str        opt comp sens
    version           num        comp
    """,
    computed={
        "id": copy_of("name"),
        "arn": lambda s, e: (
            f"arn:{e.partition}:ssm:{e.region}:{e.account}:parameter/{s['name'].lstrip('/')}"
        ),
        "data_type": const("text"),
        "key_id": lambda s, e: "alias/aws/ssm" if s.get("type") == "SecureString" else "",
        "version": const(1),
    },
)

RESOURCES: list[TypeDef] = [v for v in list(globals().values()) if isinstance(v, TypeDef)]
