"""What runs the application and fronts it: ECS, Lambda, EC2 instances and launch templates,
load balancers, CloudFront and CloudWatch log groups (stub hashicorp/aws)."""

from __future__ import annotations

from .dsl import TypeDef, resource
from .values import (
    EXAMPLE_TIME,
    Env,
    Fn,
    az,
    const,
    copy_of,
    default_sg,
    dns_for,
    fmt,
    private_ip,
    public_ip,
    unique_name,
    uuid,
)

# --------------------------------------------------------------------------- ECS

ECS_CLUSTER = resource(
    "aws_ecs_cluster",
    """
    arn                                 str   comp
    name                                str   req new
    @tags
    configuration                       block list max=1 {
        execute_command_configuration   block list max=1 {
            kms_key_id                  str   opt
            logging                     str   opt
            log_configuration           block list max=1 {
                cloud_watch_encryption_enabled   bool   opt
                cloud_watch_log_group_name       str    opt
                s3_bucket_encryption_enabled     bool   opt
                s3_bucket_name                   str    opt
                s3_key_prefix                    str    opt
            }
        }
    }
    service_connect_defaults            block list max=1 {
        namespace                       str   req
    }
    setting                             block set {
        name                            str   req
        value                           str   req
    }
    """,
    computed={"arn": "arn:{partition}:ecs:{region}:{account}:cluster/{name}", "id": copy_of("arn")},
)

ECS_TASK_DEFINITION = resource(
    "aws_ecs_task_definition",
    """
    arn                        str        comp
    arn_without_revision       str        comp
    container_definitions      str        req new
    cpu                        str        opt new
    execution_role_arn         str        opt new
    family                     str        req new
    ipc_mode                   str        opt new
    memory                     str        opt new
    network_mode               str        opt comp new
    pid_mode                   str        opt new
    requires_compatibilities   set(str)   opt new
    revision                   num        comp
    skip_destroy               bool       opt =false
    @tags
    task_role_arn              str        opt new
    track_latest               bool       opt =false
    ephemeral_storage          block list max=1 {
        size_in_gib            num        req
    }
    placement_constraints      block set max=10 {
        expression             str        opt
        type                   str        req
    }
    proxy_configuration        block list max=1 {
        container_name         str        req
        properties             map(str)   opt
        type                   str        opt ="APPMESH"
    }
    runtime_platform           block list max=1 {
        cpu_architecture          str     opt
        operating_system_family   str     opt
    }
    volume                     block set {
        configure_at_launch    bool       opt
        host_path              str        opt
        name                   str        req
        efs_volume_configuration   block list max=1 {
            file_system_id             str   req
            root_directory             str   opt ="/"
            transit_encryption         str   opt
            transit_encryption_port    num   opt
            authorization_config       block list max=1 {
                access_point_id        str   opt
                iam                    str   opt
            }
        }
    }
    """,
    version=1,
    computed={
        "id": copy_of("family"),
        "revision": const(1),
        "arn_without_revision": "arn:{partition}:ecs:{region}:{account}:task-definition/{family}",
        "arn": "{arn_without_revision}:{revision}",
        "network_mode": const("bridge"),
    },
)


def _ecs_service_arn(state: dict, env: Env) -> str:
    cluster = state.get("cluster") or "default"
    cluster_name = cluster.rsplit("/", 1)[-1]
    return (
        f"arn:{env.partition}:ecs:{env.region}:{env.account}:service/{cluster_name}/{state['name']}"
    )


ECS_SERVICE = resource(
    "aws_ecs_service",
    """
    cluster                              str        opt comp new
    deployment_maximum_percent           num        opt =200
    deployment_minimum_healthy_percent   num        opt =100
    desired_count                        num        opt =0
    enable_ecs_managed_tags              bool       opt =false
    enable_execute_command               bool       opt =false
    force_delete                         bool       opt
    force_new_deployment                 bool       opt
    health_check_grace_period_seconds    num        opt
    iam_role                             str        opt comp new
    launch_type                          str        opt comp new
    name                                 str        req new
    platform_version                     str        opt comp
    propagate_tags                       str        opt
    scheduling_strategy                  str        opt new ="REPLICA"
    @tags
    task_definition                      str        opt
    triggers                             map(str)   opt comp
    wait_for_steady_state                bool       opt =false
    alarms                               block list max=1 {
        alarm_names                      set(str)   req
        enable                           bool       req
        rollback                         bool       req
    }
    capacity_provider_strategy           block set {
        base                             num        opt
        capacity_provider                str        req
        weight                           num        opt
    }
    deployment_circuit_breaker           block list max=1 {
        enable                           bool       req
        rollback                         bool       req
    }
    deployment_controller                block list max=1 {
        type                             str        opt ="ECS"
    }
    load_balancer                        block set {
        container_name                   str        req
        container_port                   num        req
        elb_name                         str        opt
        target_group_arn                 str        opt
    }
    network_configuration                block list max=1 {
        assign_public_ip                 bool       opt =false
        security_groups                  set(str)   opt
        subnets                          set(str)   req
    }
    ordered_placement_strategy           block list max=5 {
        field                            str        opt
        type                             str        req
    }
    placement_constraints                block set max=10 {
        expression                       str        opt
        type                             str        req
    }
    service_registries                   block list max=1 {
        container_name                   str        opt
        container_port                   num        opt
        port                             num        opt
        registry_arn                     str        req
    }
    """,
    timeouts="cud",
    computed={
        "cluster": "arn:{partition}:ecs:{region}:{account}:cluster/default",
        "id": _ecs_service_arn,
        "launch_type": lambda s, e: "" if s.get("capacity_provider_strategy") else "EC2",
        "platform_version": lambda s, e: "LATEST" if s.get("launch_type") == "FARGATE" else "",
        "iam_role": const(""),
        "triggers": const({}),
    },
)

# --------------------------------------------------------------------------- Lambda


def _lambda_arn(state: dict, env: Env) -> str:
    name = state.get("function_name") or ""
    if name.startswith("arn:"):
        return name.split(":$", 1)[0]
    return f"arn:{env.partition}:lambda:{env.region}:{env.account}:function:{name}"


def _code_hash(state: dict, env: Env) -> str:
    import base64
    import hashlib

    source = (
        state.get("filename")
        or state.get("image_uri")
        or f"{state.get('s3_bucket')}/{state.get('s3_key')}"
    )
    return base64.b64encode(hashlib.sha256(str(source).encode()).digest()).decode()


def _invoke_arn(arn_attr: str) -> Fn:
    return lambda s, e: (
        f"arn:{e.partition}:apigateway:{e.region}:lambda:path/2015-03-31/functions/{s[arn_attr]}/invocations"
    )


LAMBDA_FUNCTION = resource(
    "aws_lambda_function",
    """
    architectures                        list(str)   opt comp
    arn                                  str         comp
    code_sha256                          str         comp
    code_signing_config_arn              str         opt
    description                          str         opt
    filename                             str         opt
    function_name                        str         req new
    handler                              str         opt
    image_uri                            str         opt
    invoke_arn                           str         comp
    kms_key_arn                          str         opt
    last_modified                        str         comp
    layers                               list(str)   opt
    memory_size                          num         opt =128
    package_type                         str         opt new ="Zip"
    publish                              bool        opt =false
    qualified_arn                        str         comp
    qualified_invoke_arn                 str         comp
    replace_security_groups_on_destroy   bool        opt
    replacement_security_group_ids       set(str)    opt
    reserved_concurrent_executions       num         opt =-1
    role                                 str         req
    runtime                              str         opt
    s3_bucket                            str         opt
    s3_key                               str         opt
    s3_object_version                    str         opt
    signing_job_arn                      str         comp
    signing_profile_version_arn          str         comp
    skip_destroy                         bool        opt =false
    source_code_hash                     str         opt comp
    source_code_size                     num         comp
    @tags
    timeout                              num         opt =3
    version                              str         comp
    dead_letter_config                   block list max=1 {
        target_arn                       str         req
    }
    environment                          block list max=1 {
        variables                        map(str)    opt
    }
    ephemeral_storage                    block list max=1 comp {
        size                             num         opt =512
    }
    file_system_config                   block list max=1 {
        arn                              str         req
        local_mount_path                 str         req
    }
    image_config                         block list max=1 {
        command                          list(str)   opt
        entry_point                      list(str)   opt
        working_directory                str         opt
    }
    logging_config                       block list max=1 comp {
        application_log_level            str         opt comp
        log_format                       str         req
        log_group                        str         opt comp
        system_log_level                 str         opt comp
    }
    snap_start                           block list max=1 {
        apply_on                         str         req
        optimization_status              str         comp
    }
    tracing_config                       block list max=1 comp {
        mode                             str         req
    }
    vpc_config                           block list max=1 {
        ipv6_allowed_for_dual_stack      bool        opt =false
        security_group_ids               set(str)    req
        subnet_ids                       set(str)    req
        vpc_id                           str         comp
    }
    """,
    timeouts="cud",
    computed={
        "id": copy_of("function_name"),
        "arn": _lambda_arn,
        "invoke_arn": _invoke_arn("arn"),
        "version": const("$LATEST"),
        "qualified_arn": lambda s, e: f"{s['arn']}:{s['version']}",
        "qualified_invoke_arn": _invoke_arn("qualified_arn"),
        "last_modified": const("2024-01-01T00:00:00.000+0000"),
        "source_code_hash": _code_hash,
        "code_sha256": _code_hash,
        "source_code_size": const(1024),
        "architectures": const(["x86_64"]),
        "ephemeral_storage": const([{"size": 512}]),
        "tracing_config": const([{"mode": "PassThrough"}]),
        "logging_config": lambda s, e: [
            {
                "application_log_level": "",
                "log_format": "Text",
                "log_group": f"/aws/lambda/{s['function_name']}",
                "system_log_level": "",
            }
        ],
    },
)

LAMBDA_EVENT_SOURCE_MAPPING = resource(
    "aws_lambda_event_source_mapping",
    """
    batch_size                            num         opt
    bisect_batch_on_function_error        bool        opt
    enabled                               bool        opt =true
    event_source_arn                      str         opt new
    function_arn                          str         comp
    function_name                         str         req
    function_response_types               set(str)    opt
    last_modified                         str         comp
    last_processing_result                str         comp
    maximum_batching_window_in_seconds    num         opt
    maximum_record_age_in_seconds         num         opt comp
    maximum_retry_attempts                num         opt comp
    parallelization_factor                num         opt comp
    queues                                list(str)   opt new
    starting_position                     str         opt new
    starting_position_timestamp           str         opt new
    state                                 str         comp
    state_transition_reason               str         comp
    topics                                set(str)    opt new
    tumbling_window_in_seconds            num         opt
    uuid                                  str         comp
    destination_config                    block list max=1 {
        on_failure                        block list max=1 {
            destination_arn               str         req
        }
    }
    filter_criteria                       block list max=1 {
        filter                            block set max=5 {
            pattern                       str         opt
        }
    }
    scaling_config                        block list max=1 {
        maximum_concurrency               num         opt
    }
    source_access_configuration           block set max=22 {
        type                              str         req
        uri                               str         req
    }
    """,
    computed={
        "uuid": uuid,
        "id": copy_of("uuid"),
        "function_arn": _lambda_arn,
        "last_modified": const(EXAMPLE_TIME),
        "last_processing_result": const("No records processed"),
        "maximum_record_age_in_seconds": const(-1),
        "maximum_retry_attempts": const(-1),
        "parallelization_factor": const(1),
        "state": const("Enabled"),
        "state_transition_reason": const("USER_INITIATED"),
    },
)

# --------------------------------------------------------------------------- EC2

INSTANCE = resource(
    "aws_instance",
    """
    ami                                    str        opt comp new
    arn                                    str        comp
    associate_public_ip_address            bool       opt comp new
    availability_zone                      str        opt comp new
    disable_api_stop                       bool       opt comp
    disable_api_termination                bool       opt comp
    ebs_optimized                          bool       opt comp new
    get_password_data                      bool       opt =false
    hibernation                            bool       opt new
    host_id                                str        opt comp new
    iam_instance_profile                   str        opt comp
    instance_initiated_shutdown_behavior   str        opt comp
    instance_lifecycle                     str        comp
    instance_state                         str        comp
    instance_type                          str        opt comp
    ipv6_address_count                     num        opt comp new
    ipv6_addresses                         list(str)  opt comp new
    key_name                               str        opt comp new
    monitoring                             bool       opt comp
    outpost_arn                            str        comp
    password_data                          str        comp
    placement_group                        str        opt comp new
    primary_network_interface_id           str        comp
    private_dns                            str        comp
    private_ip                             str        opt comp new
    public_dns                             str        comp
    public_ip                              str        comp
    secondary_private_ips                  set(str)   opt comp
    security_groups                        set(str)   opt comp new
    source_dest_check                      bool       opt =true
    spot_instance_request_id               str        comp
    subnet_id                              str        opt comp new
    @tags
    tenancy                                str        opt comp new
    user_data                              str        opt comp new
    user_data_base64                       str        opt comp new
    user_data_replace_on_change            bool       opt =false
    volume_tags                            map(str)   opt
    vpc_security_group_ids                 set(str)   opt comp
    credit_specification                   block list max=1 {
        cpu_credits                        str        opt
    }
    ebs_block_device                       block set comp {
        delete_on_termination              bool       opt =true
        device_name                        str        req
        encrypted                          bool       opt comp
        iops                               num        opt comp
        kms_key_id                         str        opt comp
        snapshot_id                        str        opt comp
        tags                               map(str)   opt
        throughput                         num        opt comp
        volume_id                          str        comp
        volume_size                        num        opt comp
        volume_type                        str        opt comp
    }
    launch_template                        block list max=1 {
        id                                 str        opt comp
        name                               str        opt comp
        version                            str        opt ="$Default"
    }
    metadata_options                       block list max=1 comp {
        http_endpoint                      str        opt comp
        http_put_response_hop_limit        num        opt comp
        http_tokens                        str        opt comp
        instance_metadata_tags             str        opt comp
    }
    network_interface                      block set {
        delete_on_termination              bool       opt =false
        device_index                       num        req
        network_card_index                 num        opt =0
        network_interface_id               str        req
    }
    root_block_device                      block list max=1 comp {
        delete_on_termination              bool       opt =true
        device_name                        str        comp
        encrypted                          bool       opt comp
        iops                               num        opt comp
        kms_key_id                         str        opt comp
        tags                               map(str)   opt
        throughput                         num        opt comp
        volume_id                          str        comp
        volume_size                        num        opt comp
        volume_type                        str        opt comp
    }
    """,
    version=1,
    timeouts="crud",
    computed={
        "id": "i-{hex17}",
        "arn": "arn:{partition}:ec2:{region}:{account}:instance/{id}",
        "ami": "ami-{hex17}",
        "instance_type": const("t3.micro"),
        "availability_zone": az(),
        "subnet_id": "subnet-{hex17}",
        "vpc_security_group_ids": default_sg,
        "security_groups": const([]),
        "associate_public_ip_address": const(False),
        "private_ip": private_ip("private_ip"),
        "private_dns": dns_for("private_ip", public=False),
        "public_ip": lambda s, e: (
            public_ip("public_ip")(s, e) if s.get("associate_public_ip_address") else ""
        ),
        "public_dns": dns_for("public_ip", public=True),
        "primary_network_interface_id": "eni-{hex17}",
        "instance_state": const("running"),
        "instance_initiated_shutdown_behavior": const("stop"),
        "tenancy": const("default"),
        "user_data": const(None),
        "user_data_base64": const(None),
        "host_id": const(None),
        "metadata_options": const(
            [
                {
                    "http_endpoint": "enabled",
                    "http_put_response_hop_limit": 2,
                    "http_tokens": "required",
                    "instance_metadata_tags": "disabled",
                }
            ]
        ),
        "root_block_device": lambda s, e: [
            {
                "delete_on_termination": True,
                "device_name": "/dev/xvda",
                "encrypted": False,
                "iops": 3000,
                "kms_key_id": "",
                "tags": {},
                "throughput": 125,
                "volume_id": fmt("vol-{hex17}", s, e, "root"),
                "volume_size": 8,
                "volume_type": "gp3",
            }
        ],
    },
)

LAUNCH_TEMPLATE = resource(
    "aws_launch_template",
    """
    arn                                     str        comp
    default_version                         num        opt comp
    description                             str        opt
    disable_api_stop                        bool       opt
    disable_api_termination                 bool       opt
    ebs_optimized                           str        opt
    image_id                                str        opt
    instance_initiated_shutdown_behavior    str        opt
    instance_type                           str        opt
    kernel_id                               str        opt
    key_name                                str        opt
    latest_version                          num        comp
    name                                    str        opt comp new
    name_prefix                             str        opt comp new
    ram_disk_id                             str        opt
    security_group_names                    set(str)   opt
    @tags
    update_default_version                  bool       opt
    user_data                               str        opt
    vpc_security_group_ids                  set(str)   opt
    block_device_mappings                   block list {
        device_name                         str        opt
        no_device                           str        opt
        virtual_name                        str        opt
        ebs                                 block list max=1 {
            delete_on_termination           str        opt
            encrypted                       str        opt
            iops                            num        opt comp
            kms_key_id                      str        opt
            snapshot_id                     str        opt
            throughput                      num        opt comp
            volume_size                     num        opt comp
            volume_type                     str        opt comp
        }
    }
    iam_instance_profile                    block list max=1 {
        arn                                 str        opt
        name                                str        opt
    }
    metadata_options                        block list max=1 comp {
        http_endpoint                       str        opt comp
        http_protocol_ipv6                  str        opt
        http_put_response_hop_limit         num        opt comp
        http_tokens                         str        opt comp
        instance_metadata_tags              str        opt comp
    }
    monitoring                              block list max=1 {
        enabled                             bool       opt
    }
    network_interfaces                      block list {
        associate_public_ip_address         str        opt
        delete_on_termination               str        opt
        description                         str        opt
        device_index                        num        opt
        network_interface_id                str        opt
        security_groups                     set(str)   opt
        subnet_id                           str        opt
    }
    placement                               block list max=1 {
        availability_zone                   str        opt
        group_name                          str        opt
        tenancy                             str        opt
    }
    tag_specifications                      block list {
        resource_type                       str        opt
        tags                                map(str)   opt
    }
    """,
    computed={
        "id": "lt-{hex17}",
        "arn": "arn:{partition}:ec2:{region}:{account}:launch-template/{id}",
        "name": unique_name(),
        "default_version": const(1),
        "latest_version": const(1),
        "metadata_options": const([]),
    },
)

# --------------------------------------------------------------------------- load balancing


def _lb_kind(state: dict) -> str:
    return {"network": "net", "gateway": "gwy"}.get(
        state.get("load_balancer_type") or "application", "app"
    )


def _lb_dns(state: dict, env: Env) -> str:
    prefix = "internal-" if state.get("internal") else ""
    suffix = fmt("{digits10}", state, env, "dns")
    return f"{prefix}{state['name']}-{suffix}.{env.region}.elb.amazonaws.com"


def _lb_subnets(state: dict, env: Env) -> list[str]:
    mapping = state.get("subnet_mapping")
    if isinstance(mapping, list) and mapping:
        return [m["subnet_id"] for m in mapping]
    return [fmt("subnet-{hex17}", state, env, f"subnet{i}") for i in range(2)]


def _lb_subnet_mapping(state: dict, env: Env) -> list[dict]:
    return [
        {
            "allocation_id": "",
            "ipv6_address": "",
            "outpost_id": "",
            "private_ipv4_address": "",
            "subnet_id": s,
        }
        for s in state.get("subnets") or []
    ]


LB = resource(
    "aws_lb",
    """
    arn                                 str        comp
    arn_suffix                          str        comp
    client_keep_alive                   num        opt =3600
    customer_owned_ipv4_pool            str        opt new
    desync_mitigation_mode              str        opt ="defensive"
    dns_name                            str        comp
    dns_record_client_routing_policy    str        opt
    drop_invalid_header_fields          bool       opt =false
    enable_cross_zone_load_balancing    bool       opt comp
    enable_deletion_protection          bool       opt =false
    enable_http2                        bool       opt =true
    enable_tls_version_and_cipher_suite_headers   bool   opt =false
    enable_waf_fail_open                bool       opt =false
    enable_xff_client_port              bool       opt =false
    idle_timeout                        num        opt =60
    internal                            bool       opt comp new
    ip_address_type                     str        opt comp
    load_balancer_type                  str        opt new ="application"
    name                                str        opt comp new
    name_prefix                         str        opt comp new
    preserve_host_header                bool       opt =false
    security_groups                     set(str)   opt comp
    subnets                             set(str)   opt comp
    @tags
    vpc_id                              str        comp
    xff_header_processing_mode          str        opt ="append"
    zone_id                             str        comp
    access_logs                         block list max=1 {
        bucket                          str        req
        enabled                         bool       opt =false
        prefix                          str        opt
    }
    connection_logs                     block list max=1 {
        bucket                          str        req
        enabled                         bool       opt =false
        prefix                          str        opt
    }
    subnet_mapping                      block set comp {
        allocation_id                   str        opt
        ipv6_address                    str        opt
        outpost_id                      str        comp
        private_ipv4_address            str        opt
        subnet_id                       str        req
    }
    """,
    timeouts="cud",
    computed={
        "name": unique_name(fallback="tf-lb-"),
        "arn_suffix": lambda s, e: f"{_lb_kind(s)}/{s['name']}/{fmt('{hex16}', s, e, 'lb')}",
        "arn": "arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{arn_suffix}",
        "id": copy_of("arn"),
        "internal": const(False),
        "dns_name": _lb_dns,
        "zone_id": const("Z35SXDOTRQ7X7K"),
        "vpc_id": "vpc-{hex17}",
        "ip_address_type": const("ipv4"),
        "enable_cross_zone_load_balancing": lambda s, e: _lb_kind(s) == "app",
        "subnets": _lb_subnets,
        "subnet_mapping": _lb_subnet_mapping,
    },
)

LB_TARGET_GROUP = resource(
    "aws_lb_target_group",
    """
    arn                                  str        comp
    arn_suffix                           str        comp
    connection_termination               bool       opt comp
    deregistration_delay                 str        opt ="300"
    ip_address_type                      str        opt comp new
    lambda_multi_value_headers_enabled   bool       opt =false
    load_balancer_arns                   set(str)   comp
    load_balancing_algorithm_type        str        opt comp
    load_balancing_anomaly_mitigation    str        opt comp
    load_balancing_cross_zone_enabled    str        opt comp
    name                                 str        opt comp new
    name_prefix                          str        opt comp new
    port                                 num        opt new
    preserve_client_ip                   str        opt comp
    protocol                             str        opt new
    protocol_version                     str        opt comp new
    proxy_protocol_v2                    bool       opt =false
    slow_start                           num        opt =0
    @tags
    target_type                          str        opt new ="instance"
    vpc_id                               str        opt new
    health_check                         block list max=1 comp {
        enabled                          bool       opt =true
        healthy_threshold                num        opt =3
        interval                         num        opt =30
        matcher                          str        opt comp
        path                             str        opt comp
        port                             str        opt ="traffic-port"
        protocol                         str        opt ="HTTP"
        timeout                          num        opt comp
        unhealthy_threshold              num        opt =3
    }
    stickiness                           block list max=1 comp {
        cookie_duration                  num        opt =86400
        cookie_name                      str        opt
        enabled                          bool       opt =true
        type                             str        req
    }
    """,
    computed={
        "name": unique_name(fallback="tf-"),
        "arn_suffix": lambda s, e: f"targetgroup/{s['name']}/{fmt('{hex16}', s, e, 'tg')}",
        "arn": "arn:{partition}:elasticloadbalancing:{region}:{account}:{arn_suffix}",
        "id": copy_of("arn"),
        "load_balancer_arns": const([]),
        "ip_address_type": const("ipv4"),
        "load_balancing_algorithm_type": const("round_robin"),
        "load_balancing_anomaly_mitigation": const("off"),
        "load_balancing_cross_zone_enabled": const("use_load_balancer_configuration"),
        "protocol_version": lambda s, e: (
            "HTTP1" if (s.get("protocol") or "").startswith("HTTP") else ""
        ),
        "health_check": const(
            [
                {
                    "enabled": True,
                    "healthy_threshold": 5,
                    "interval": 30,
                    "matcher": "200",
                    "path": "/",
                    "port": "traffic-port",
                    "protocol": "HTTP",
                    "timeout": 5,
                    "unhealthy_threshold": 2,
                }
            ]
        ),
        "stickiness": const(
            [{"cookie_duration": 86400, "cookie_name": "", "enabled": False, "type": "lb_cookie"}]
        ),
    },
)

LB_LISTENER = resource(
    "aws_lb_listener",
    """
    alpn_policy                     str        opt
    arn                             str        comp
    certificate_arn                 str        opt
    load_balancer_arn               str        req new
    port                            num        opt
    protocol                        str        opt comp
    ssl_policy                      str        opt comp
    @tags
    default_action                  block list min=1 {
        order                       num        opt comp
        target_group_arn            str        opt
        type                        str        req
        fixed_response              block list max=1 {
            content_type            str        req
            message_body            str        opt
            status_code             str        opt comp
        }
        forward                     block list max=1 {
            stickiness              block list max=1 {
                duration            num        req
                enabled             bool       opt =false
            }
            target_group            block set min=1 max=5 {
                arn                 str        req
                weight              num        opt =1
            }
        }
        redirect                    block list max=1 {
            host                    str        opt ="#{host}"
            path                    str        opt ="/#{path}"
            port                    str        opt ="#{port}"
            protocol                str        opt ="#{protocol}"
            query                   str        opt ="#{query}"
            status_code             str        req
        }
    }
    """,
    timeouts="cu",
    computed={
        "arn": lambda s, e: (
            s["load_balancer_arn"].replace(":loadbalancer/", ":listener/", 1)
            + "/"
            + fmt("{hex16}", s, e, "listener")
        ),
        "id": copy_of("arn"),
        "protocol": lambda s, e: "HTTPS" if s.get("certificate_arn") else "HTTP",
        "ssl_policy": lambda s, e: (
            "ELBSecurityPolicy-2016-08" if s.get("protocol") == "HTTPS" else ""
        ),
    },
)

# --------------------------------------------------------------------------- CloudFront

_CACHE_BEHAVIOR = """
        allowed_methods              set(str)    req
        cache_policy_id              str         opt
        cached_methods               set(str)    req
        compress                     bool        opt =false
        default_ttl                  num         opt comp
        field_level_encryption_id    str         opt
        max_ttl                      num         opt comp
        min_ttl                      num         opt =0
        origin_request_policy_id     str         opt
        realtime_log_config_arn      str         opt
        response_headers_policy_id   str         opt
        smooth_streaming             bool        opt
        target_origin_id             str         req
        trusted_key_groups           list(str)   opt comp
        trusted_signers              list(str)   opt comp
        viewer_protocol_policy       str         req
        forwarded_values             block list max=1 {
            headers                  set(str)    opt comp
            query_string             bool        req
            query_string_cache_keys  list(str)   opt comp
            cookies                  block list min=1 max=1 {
                forward              str         req
                whitelisted_names    set(str)    opt comp
            }
        }
        function_association         block set max=2 {
            event_type               str         req
            function_arn             str         req
        }
        lambda_function_association  block set max=4 {
            event_type               str         req
            include_body             bool        opt =false
            lambda_arn               str         req
        }
"""

_TRUSTED = """{
        enabled   bool
        items     list(obj) {
            %s   str
            key_pair_ids   set(str)
        }
    }"""

CLOUDFRONT_DISTRIBUTION = resource(
    "aws_cloudfront_distribution",
    f"""
    aliases                            set(str)    opt
    arn                                str         comp
    caller_reference                   str         comp
    comment                            str         opt
    continuous_deployment_policy_id    str         opt
    default_root_object                str         opt
    domain_name                        str         comp
    enabled                            bool        req
    etag                               str         comp
    hosted_zone_id                     str         comp
    http_version                       str         opt ="http2"
    in_progress_validation_batches     num         comp
    is_ipv6_enabled                    bool        opt =false
    last_modified_time                 str         comp
    price_class                        str         opt ="PriceClass_All"
    retain_on_delete                   bool        opt =false
    staging                            bool        opt new =false
    status                             str         comp
    @tags
    trusted_key_groups                 list(obj)   comp {_TRUSTED % "key_group_id"}
    trusted_signers                    list(obj)   comp {_TRUSTED % "aws_account_number"}
    wait_for_deployment                bool        opt =true
    web_acl_id                         str         opt
    custom_error_response              block set {{
        error_caching_min_ttl          num         opt
        error_code                     num         req
        response_code                  num         opt
        response_page_path             str         opt
    }}
    default_cache_behavior             block list min=1 max=1 {{
        {_CACHE_BEHAVIOR}
    }}
    logging_config                     block list max=1 {{
        bucket                         str         req
        include_cookies                bool        opt =false
        prefix                         str         opt =""
    }}
    ordered_cache_behavior             block list {{
        path_pattern                   str         req
        {_CACHE_BEHAVIOR}
    }}
    origin                             block set min=1 {{
        connection_attempts            num         opt =3
        connection_timeout             num         opt =10
        domain_name                    str         req
        origin_access_control_id       str         opt
        origin_id                      str         req
        origin_path                    str         opt =""
        custom_header                  block set {{
            name                       str         req
            value                      str         req
        }}
        custom_origin_config           block list max=1 {{
            http_port                  num         req
            https_port                 num         req
            origin_keepalive_timeout   num         opt =5
            origin_protocol_policy     str         req
            origin_read_timeout        num         opt =30
            origin_ssl_protocols       set(str)    req
        }}
        origin_shield                  block list max=1 {{
            enabled                    bool        req
            origin_shield_region       str         opt
        }}
        s3_origin_config               block list max=1 {{
            origin_access_identity     str         req
        }}
    }}
    origin_group                       block set {{
        origin_id                      str         req
        failover_criteria              block list min=1 max=1 {{
            status_codes               set(num)    req
        }}
        member                         block list min=2 max=2 {{
            origin_id                  str         req
        }}
    }}
    restrictions                       block list min=1 max=1 {{
        geo_restriction                block list min=1 max=1 {{
            locations                  set(str)    opt comp
            restriction_type           str         req
        }}
    }}
    viewer_certificate                 block list min=1 max=1 {{
        acm_certificate_arn            str         opt
        cloudfront_default_certificate bool        opt
        iam_certificate_id             str         opt
        minimum_protocol_version       str         opt ="TLSv1"
        ssl_support_method             str         opt
    }}
    """,
    version=1,
    computed={
        "id": "E{ALNUM13}",
        "arn": "arn:{partition}:cloudfront::{account}:distribution/{id}",
        "caller_reference": "terraform-{digits26}",
        "domain_name": lambda s, e: f"d{fmt('{ALNUM13}', s, e, 'domain').lower()}.cloudfront.net",
        "etag": "E{ALNUM13}",
        "hosted_zone_id": const("Z2FDTNDATAQYW2"),
        "in_progress_validation_batches": const(0),
        "last_modified_time": const("2024-01-01 00:00:00 +0000 UTC"),
        "status": const("Deployed"),
        "trusted_key_groups": const([{"enabled": False, "items": []}]),
        "trusted_signers": const([{"enabled": False, "items": []}]),
    },
)

# --------------------------------------------------------------------------- CloudWatch Logs

CLOUDWATCH_LOG_GROUP = resource(
    "aws_cloudwatch_log_group",
    """
    arn                 str    comp
    kms_key_id          str    opt
    log_group_class     str    opt comp new
    name                str    opt comp new
    name_prefix         str    opt comp new
    retention_in_days   num    opt =0
    skip_destroy        bool   opt =false
    @tags
    """,
    computed={
        "name": unique_name(),
        "id": copy_of("name"),
        "arn": "arn:{partition}:logs:{region}:{account}:log-group:{name}",
        "log_group_class": const("STANDARD"),
    },
)

RESOURCES: list[TypeDef] = [v for v in list(globals().values()) if isinstance(v, TypeDef)]
