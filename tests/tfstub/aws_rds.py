"""RDS: instances, Aurora clusters, subnet groups and snapshots (stub hashicorp/aws)."""

from __future__ import annotations

from typing import Any

from .dsl import TypeDef, resource
from .values import Env, Fn, az, const, copy_of, default_sg, fmt, kms_key_arn, unique_name, uuid

# --------------------------------------------------------------------------- engines (RDS)

_ENGINE_PORTS = {
    "postgres": 5432,
    "aurora-postgresql": 5432,
    "mysql": 3306,
    "mariadb": 3306,
    "aurora-mysql": 3306,
    "aurora": 3306,
}
_ENGINE_VERSIONS = {
    "postgres": "16.3",
    "aurora-postgresql": "15.4",
    "mysql": "8.0.35",
    "mariadb": "10.11.6",
    "aurora-mysql": "8.0.mysql_aurora.3.05.2",
    "aurora": "5.6.mysql_aurora.1.22.5",
}
_ENGINE_LICENSES = {
    "postgres": "postgresql-license",
    "mysql": "general-public-license",
    "mariadb": "general-public-license",
}


def engine_port(engine: Any) -> int:
    """Default port of an RDS engine (what AWS assigns when ``port`` is not set)."""
    e = engine if isinstance(engine, str) else "postgres"
    if e.startswith("oracle"):
        return 1521
    if e.startswith("sqlserver"):
        return 1433
    if e.startswith("db2"):
        return 50000
    return _ENGINE_PORTS.get(e, 5432)


def _engine(state: dict) -> str:
    e = state.get("engine")
    return e if isinstance(e, str) and e else "postgres"


def _engine_version(state: dict, env: Env) -> str:
    return _ENGINE_VERSIONS.get(_engine(state), "19.0.0.0.ru-2024-01.rur-2024-01.r1")


def _major(state: dict) -> str:
    v = state.get("engine_version") or _ENGINE_VERSIONS.get(_engine(state), "1")
    if _engine(state) == "aurora-mysql":
        return "8.0"
    return (
        v.split(".")[0]
        if _engine(state) in ("postgres", "aurora-postgresql")
        else ".".join(v.split(".")[:2])
    )


def _rds_host(id_attr: str, kind: str = "") -> Fn:
    return lambda s, e: (
        f"{s[id_attr]}.{kind}{fmt('{ALNUM12}', s, e, 'host').lower()}.{e.region}.rds.amazonaws.com"
    )


def _master_user_secret(state: dict, env: Env) -> list[dict]:
    if state.get("manage_master_user_password") is not True:
        return []
    kms = state.get("master_user_secret_kms_key_id") or kms_key_arn(state, env)
    suffix = fmt("{hex6}", state, env, "secret")
    return [
        {
            "kms_key_id": kms,
            "secret_arn": f"arn:{env.partition}:secretsmanager:{env.region}:{env.account}:secret:"
            f"rds!db-{uuid(state, env)}-{suffix}",
            "secret_status": "active",
        }
    ]


_RDS_ARN = "arn:{partition}:rds:{region}:{account}:"

_RDS_COMMON = {
    "engine_version": _engine_version,
    "engine_version_actual": lambda s, e: s.get("engine_version") or _engine_version(s, e),
    "port": lambda s, e: engine_port(s.get("engine")),
    "availability_zone": az(),
    "ca_cert_identifier": const("rds-ca-rsa2048-g1"),
    "hosted_zone_id": const("Z2R2ITUGPM61AM"),
    "kms_key_id": lambda s, e: kms_key_arn(s, e) if s.get("storage_encrypted") else "",
    "master_user_secret": _master_user_secret,
    "vpc_security_group_ids": default_sg,
    "db_subnet_group_name": const("default"),
    "network_type": const("IPV4"),
}


# --------------------------------------------------------------------------- RDS

DB_SUBNET_GROUP = resource(
    "aws_db_subnet_group",
    """
    arn                       str        comp
    description               str        opt ="Managed by Terraform"
    name                      str        opt comp new
    name_prefix               str        opt comp new
    subnet_ids                set(str)   req
    supported_network_types   set(str)   comp
    @tags
    vpc_id                    str        comp
    """,
    computed={
        "name": unique_name(lower=True),
        "id": copy_of("name"),
        "arn": "arn:{partition}:rds:{region}:{account}:subgrp:{name}",
        "supported_network_types": const(["IPV4"]),
        "vpc_id": "vpc-{hex17}",
    },
)

DB_INSTANCE = resource(
    "aws_db_instance",
    """
    address                                  str         comp
    allocated_storage                        num         opt comp
    allow_major_version_upgrade              bool        opt
    apply_immediately                        bool        opt
    arn                                      str         comp
    auto_minor_version_upgrade               bool        opt =true
    availability_zone                        str         opt comp new
    backup_retention_period                  num         opt comp
    backup_target                            str         opt comp new
    backup_window                            str         opt comp
    ca_cert_identifier                       str         opt comp
    character_set_name                       str         opt comp new
    copy_tags_to_snapshot                    bool        opt =false
    custom_iam_instance_profile              str         opt new
    customer_owned_ip_enabled                bool        opt
    db_name                                  str         opt comp new
    db_subnet_group_name                     str         opt comp
    dedicated_log_volume                     bool        opt =false
    delete_automated_backups                 bool        opt =true
    deletion_protection                      bool        opt
    domain                                   str         opt
    domain_iam_role_name                     str         opt
    enabled_cloudwatch_logs_exports          set(str)    opt
    endpoint                                 str         comp
    engine                                   str         opt comp new
    engine_lifecycle_support                 str         opt comp
    engine_version                           str         opt comp
    engine_version_actual                    str         comp
    final_snapshot_identifier                str         opt
    hosted_zone_id                           str         comp
    iam_database_authentication_enabled      bool        opt
    identifier                               str         opt comp new
    identifier_prefix                        str         opt comp new
    instance_class                           str         req
    iops                                     num         opt comp
    kms_key_id                               str         opt comp new
    latest_restorable_time                   str         comp
    license_model                            str         opt comp
    listener_endpoint                        list(obj)   comp {
        address          str
        hosted_zone_id   str
        port             num
    }
    maintenance_window                       str         opt comp
    manage_master_user_password              bool        opt
    master_user_secret                       list(obj)   comp {
        kms_key_id      str
        secret_arn      str
        secret_status   str
    }
    master_user_secret_kms_key_id            str         opt comp
    max_allocated_storage                    num         opt
    monitoring_interval                      num         opt =0
    monitoring_role_arn                      str         opt comp
    multi_az                                 bool        opt comp
    nchar_character_set_name                 str         opt comp new
    network_type                             str         opt comp
    option_group_name                        str         opt comp
    parameter_group_name                     str         opt comp
    password                                 str         opt sens
    performance_insights_enabled             bool        opt =false
    performance_insights_kms_key_id          str         opt comp
    performance_insights_retention_period    num         opt comp
    port                                     num         opt comp
    publicly_accessible                      bool        opt =false
    replica_mode                             str         opt comp
    replicas                                 list(str)   comp
    replicate_source_db                      str         opt
    resource_id                              str         comp
    skip_final_snapshot                      bool        opt =false
    snapshot_identifier                      str         opt comp new
    status                                   str         comp
    storage_encrypted                        bool        opt new
    storage_throughput                       num         opt comp
    storage_type                             str         opt comp
    @tags
    timezone                                 str         opt comp new
    username                                 str         opt comp new
    vpc_security_group_ids                   set(str)    opt comp
    blue_green_update                        block list max=1 {
        enabled                              bool        opt
    }
    restore_to_point_in_time                 block list max=1 {
        restore_time                                str    opt
        source_db_instance_automated_backups_arn    str    opt
        source_db_instance_identifier               str    opt
        source_dbi_resource_id                      str    opt
        use_latest_restorable_time                  bool   opt
    }
    s3_import                                block list max=1 {
        bucket_name                          str         req
        bucket_prefix                        str         opt
        ingestion_role                       str         req
        source_engine                        str         req
        source_engine_version                str         req
    }
    """,
    version=2,
    timeouts="cud",
    shared=_RDS_COMMON,
    computed={
        "identifier": unique_name("identifier_prefix", lower=True),
        "resource_id": "db-{ALNUM26}",
        "id": copy_of("resource_id"),  # v5: the id is the DbiResourceId
        "arn": "arn:{partition}:rds:{region}:{account}:db:{identifier}",
        "engine": const("postgres"),
        "address": _rds_host("identifier"),
        "endpoint": "{address}:{port}",
        "allocated_storage": const(20),
        "backup_retention_period": const(0),
        "backup_window": const("03:00-06:00"),
        "maintenance_window": const("mon:00:00-mon:03:00"),
        "license_model": lambda s, e: _ENGINE_LICENSES.get(_engine(s), "license-included"),
        "multi_az": const(False),
        "option_group_name": lambda s, e: f"default:{_engine(s)}-{_major(s).replace('.', '-')}",
        "parameter_group_name": lambda s, e: f"default.{_engine(s)}{_major(s)}",
        "storage_type": const("gp2"),
        "status": const("available"),
        "engine_lifecycle_support": const("open-source-rds-extended-support"),
    },
)

RDS_CLUSTER = resource(
    "aws_rds_cluster",
    """
    allocated_storage                      num         opt comp
    allow_major_version_upgrade            bool        opt
    apply_immediately                      bool        opt comp
    arn                                    str         comp
    availability_zones                     set(str)    opt comp new
    backtrack_window                       num         opt
    backup_retention_period                num         opt =1
    ca_certificate_identifier              str         opt comp
    cluster_identifier                     str         opt comp new
    cluster_identifier_prefix              str         opt comp new
    cluster_members                        set(str)    opt comp
    cluster_resource_id                    str         comp
    copy_tags_to_snapshot                  bool        opt =false
    database_name                          str         opt comp new
    db_cluster_instance_class              str         opt
    db_cluster_parameter_group_name        str         opt comp
    db_instance_parameter_group_name       str         opt
    db_subnet_group_name                   str         opt comp new
    delete_automated_backups               bool        opt =true
    deletion_protection                    bool        opt
    enable_global_write_forwarding         bool        opt
    enable_http_endpoint                   bool        opt =false
    enabled_cloudwatch_logs_exports        set(str)    opt
    endpoint                               str         comp
    engine                                 str         req new
    engine_lifecycle_support               str         opt comp
    engine_mode                            str         opt new ="provisioned"
    engine_version                         str         opt comp
    engine_version_actual                  str         comp
    final_snapshot_identifier              str         opt
    global_cluster_identifier              str         opt
    hosted_zone_id                         str         comp
    iam_database_authentication_enabled    bool        opt
    iam_roles                              set(str)    opt comp
    iops                                   num         opt
    kms_key_id                             str         opt comp new
    manage_master_user_password            bool        opt
    master_password                        str         opt sens
    master_user_secret                     list(obj)   comp {
        kms_key_id      str
        secret_arn      str
        secret_status   str
    }
    master_user_secret_kms_key_id          str         opt comp
    master_username                        str         opt comp new
    network_type                           str         opt comp
    performance_insights_enabled           bool        opt
    port                                   num         opt comp
    preferred_backup_window                str         opt comp
    preferred_maintenance_window           str         opt comp
    reader_endpoint                        str         comp
    replication_source_identifier          str         opt
    skip_final_snapshot                    bool        opt =false
    snapshot_identifier                    str         opt new
    source_region                          str         opt new
    storage_encrypted                      bool        opt comp new
    storage_type                           str         opt comp
    @tags
    vpc_security_group_ids                 set(str)    opt comp
    restore_to_point_in_time               block list max=1 {
        restore_to_time                    str         opt
        restore_type                       str         opt
        source_cluster_identifier          str         req
        use_latest_restorable_time         bool        opt
    }
    s3_import                              block list max=1 {
        bucket_name                        str         req
        bucket_prefix                      str         opt
        ingestion_role                     str         req
        source_engine                      str         req
        source_engine_version              str         req
    }
    scaling_configuration                  block list max=1 {
        auto_pause                         bool        opt =true
        max_capacity                       num         opt =16
        min_capacity                       num         opt =1
        seconds_until_auto_pause           num         opt =300
        timeout_action                     str         opt ="RollbackCapacityChange"
    }
    serverlessv2_scaling_configuration     block list max=1 {
        max_capacity                       num         req
        min_capacity                       num         req
    }
    """,
    timeouts="cud",
    shared=_RDS_COMMON,
    computed={
        "cluster_identifier": unique_name("cluster_identifier_prefix", lower=True, fallback="tf-"),
        "id": copy_of("cluster_identifier"),
        "arn": "arn:{partition}:rds:{region}:{account}:cluster:{cluster_identifier}",
        "cluster_resource_id": "cluster-{ALNUM26}",
        "availability_zones": lambda s, e: [e.region + x for x in "abc"],
        "endpoint": _rds_host("cluster_identifier", "cluster-"),
        "reader_endpoint": lambda s, e: s["endpoint"].replace(".cluster-", ".cluster-ro-", 1),
        "db_cluster_parameter_group_name": lambda s, e: f"default.{_engine(s)}{_major(s)}",
        "preferred_backup_window": const("07:00-09:00"),
        "preferred_maintenance_window": const("sun:05:00-sun:06:00"),
        "storage_encrypted": const(False),
        "ca_certificate_identifier": const("rds-ca-rsa2048-g1"),
    },
)

RDS_CLUSTER_INSTANCE = resource(
    "aws_rds_cluster_instance",
    """
    apply_immediately                        bool        opt comp
    arn                                      str         comp
    auto_minor_version_upgrade               bool        opt =true
    availability_zone                        str         opt comp new
    ca_cert_identifier                       str         opt comp
    cluster_identifier                       str         req new
    copy_tags_to_snapshot                    bool        opt =false
    custom_iam_instance_profile              str         opt new
    db_parameter_group_name                  str         opt comp
    db_subnet_group_name                     str         opt comp new
    dbi_resource_id                          str         comp
    endpoint                                 str         comp
    engine                                   str         req new
    engine_version                           str         opt comp
    engine_version_actual                    str         comp
    identifier                               str         opt comp new
    identifier_prefix                        str         opt comp new
    instance_class                           str         req
    kms_key_id                               str         comp
    monitoring_interval                      num         opt =0
    monitoring_role_arn                      str         opt comp
    network_type                             str         comp
    performance_insights_enabled             bool        opt comp
    performance_insights_kms_key_id          str         opt comp
    performance_insights_retention_period    num         opt comp
    port                                     num         comp
    preferred_backup_window                  str         opt comp
    preferred_maintenance_window             str         opt comp
    promotion_tier                           num         opt =0
    publicly_accessible                      bool        opt comp
    storage_encrypted                        bool        comp
    @tags
    writer                                   bool        comp
    """,
    timeouts="cud",
    shared=_RDS_COMMON,
    computed={
        "identifier": unique_name("identifier_prefix", lower=True, fallback="tf-"),
        "id": copy_of("identifier"),
        "arn": "arn:{partition}:rds:{region}:{account}:db:{identifier}",
        "dbi_resource_id": "db-{ALNUM26}",
        "endpoint": _rds_host("identifier"),
        "db_parameter_group_name": lambda s, e: f"default.{_engine(s)}{_major(s)}",
        "preferred_backup_window": const("07:00-09:00"),
        "preferred_maintenance_window": const("sun:05:00-sun:06:00"),
        "publicly_accessible": const(False),
        "storage_encrypted": const(False),
        "writer": const(True),
    },
)

_SNAPSHOT_FACTS = {
    "allocated_storage": const(20),
    "availability_zone": az(),
    "engine": const("postgres"),
    "engine_version": const(_ENGINE_VERSIONS["postgres"]),
    "license_model": const("postgresql-license"),
    "option_group_name": const("default:postgres-16"),
    "port": const(5432),
    "snapshot_type": const("manual"),
    "source_region": "{region}",
    "status": const("available"),
    "storage_type": const("gp2"),
    "vpc_id": "vpc-{hex17}",
}

DB_SNAPSHOT = resource(
    "aws_db_snapshot",
    """
    allocated_storage               num        comp
    availability_zone               str        comp
    db_instance_identifier          str        req new
    db_snapshot_arn                 str        comp
    db_snapshot_identifier          str        req new
    encrypted                       bool       comp
    engine                          str        comp
    engine_version                  str        comp
    iops                            num        comp
    kms_key_id                      str        comp
    license_model                   str        comp
    option_group_name               str        comp
    port                            num        comp
    shared_accounts                 set(str)   opt
    snapshot_type                   str        comp
    source_db_snapshot_identifier   str        comp
    source_region                   str        comp
    status                          str        comp
    storage_type                    str        comp
    @tags
    vpc_id                          str        comp
    """,
    timeouts="c",
    shared=_SNAPSHOT_FACTS,
    computed={
        "id": copy_of("db_snapshot_identifier"),
        "db_snapshot_arn": _RDS_ARN + "snapshot:{db_snapshot_identifier}",
    },
)

DB_CLUSTER_SNAPSHOT = resource(
    "aws_db_cluster_snapshot",
    """
    allocated_storage                 num         comp
    availability_zones                list(str)   comp
    db_cluster_identifier             str         req new
    db_cluster_snapshot_arn           str         comp
    db_cluster_snapshot_identifier    str         req new
    engine                            str         comp
    engine_version                    str         comp
    kms_key_id                        str         comp
    license_model                     str         comp
    port                              num         comp
    shared_accounts                   set(str)    opt
    snapshot_type                     str         comp
    source_db_cluster_snapshot_arn    str         comp
    status                            str         comp
    storage_encrypted                 bool        comp
    @tags
    vpc_id                            str         comp
    """,
    timeouts="c",
    computed={
        "id": copy_of("db_cluster_snapshot_identifier"),
        "db_cluster_snapshot_arn": _RDS_ARN + "cluster-snapshot:{db_cluster_snapshot_identifier}",
        "availability_zones": lambda s, e: [e.region + x for x in "abc"],
        "engine": const("aurora-postgresql"),
        "engine_version": const(_ENGINE_VERSIONS["aurora-postgresql"]),
        "license_model": const("postgresql-license"),
        "port": const(5432),
        "snapshot_type": const("manual"),
        "status": const("available"),
        "allocated_storage": const(1),
        "vpc_id": "vpc-{hex17}",
    },
)

DB_SNAPSHOT_COPY = resource(
    "aws_db_snapshot_copy",
    """
    allocated_storage                 num        comp
    availability_zone                 str        comp
    copy_tags                         bool       opt new
    db_snapshot_arn                   str        comp
    destination_region                str        opt new
    encrypted                         bool       comp
    engine                            str        comp
    engine_version                    str        comp
    iops                              num        comp
    kms_key_id                        str        opt new
    license_model                     str        comp
    option_group_name                 str        opt comp new
    port                              num        comp
    presigned_url                     str        opt new
    shared_accounts                   set(str)   opt
    snapshot_type                     str        comp
    source_db_snapshot_identifier     str        req new
    source_region                     str        comp
    storage_type                      str        comp
    @tags
    target_custom_availability_zone   str        opt new
    target_db_snapshot_identifier     str        req new
    vpc_id                            str        comp
    """,
    timeouts="c",
    shared=_SNAPSHOT_FACTS,
    computed={
        "id": copy_of("target_db_snapshot_identifier"),
        "db_snapshot_arn": _RDS_ARN + "snapshot:{target_db_snapshot_identifier}",
    },
)

RESOURCES: list[TypeDef] = [v for v in list(globals().values()) if isinstance(v, TypeDef)]
