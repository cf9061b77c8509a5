"""Other compute the application may run as, each with the IAM role it assumes: Step Functions
state machines, Batch job definitions, App Runner services and EKS pod identities (stub
hashicorp/aws). Beyond the brief's list; the everyday arguments only."""

from __future__ import annotations

from .dsl import TypeDef, resource
from .values import EXAMPLE_TIME, const, copy_of, unique_name

SFN_STATE_MACHINE = resource(
    "aws_sfn_state_machine",
    """
    arn                         str    comp
    creation_date               str    comp
    definition                  str    req
    description                 str    comp
    name                        str    opt comp new
    name_prefix                 str    opt comp new
    publish                     bool   opt =false
    revision_id                 str    comp
    role_arn                    str    req
    state_machine_version_arn   str    comp
    status                      str    comp
    @tags
    type                        str    opt new ="STANDARD"
    version_description         str    comp
    logging_configuration       block list max=1 {
        include_execution_data  bool   opt
        level                   str    opt
        log_destination         str    opt
    }
    tracing_configuration       block list max=1 {
        enabled                 bool   opt
    }
    """,
    timeouts="cud",
    computed={
        "name": unique_name(),
        "arn": "arn:{partition}:states:{region}:{account}:stateMachine:{name}",
        "id": copy_of("arn"),
        "creation_date": const(EXAMPLE_TIME),
        "revision_id": "{hex8}-{hex4}-4{hex3}-a{hex3}-{hex12}",
        "status": const("ACTIVE"),
    },
)

BATCH_JOB_DEFINITION = resource(
    "aws_batch_job_definition",
    """
    arn                          str        comp
    arn_prefix                   str        comp
    container_properties         str        opt
    deregister_on_new_revision   bool       opt =true
    ecs_properties               str        opt
    name                         str        req new
    node_properties              str        opt
    parameters                   map(str)   opt
    platform_capabilities        set(str)   opt
    propagate_tags               bool       opt =false
    revision                     num        comp
    scheduling_priority          num        opt
    @tags
    type                         str        req new
    retry_strategy               block list max=1 {
        attempts                 num        opt
    }
    timeout                      block list max=1 {
        attempt_duration_seconds num        opt
    }
    """,
    computed={
        "arn_prefix": "arn:{partition}:batch:{region}:{account}:job-definition/{name}",
        "revision": const(1),
        "arn": "{arn_prefix}:{revision}",
        "id": copy_of("arn"),
    },
)

APPRUNNER_SERVICE = resource(
    "aws_apprunner_service",
    """
    arn                               str    comp
    auto_scaling_configuration_arn    str    opt comp
    service_id                        str    comp
    service_name                      str    req new
    service_url                       str    comp
    status                            str    comp
    @tags
    instance_configuration            block list max=1 comp {
        cpu                           str    opt ="1024"
        instance_role_arn             str    opt
        memory                        str    opt ="2048"
    }
    network_configuration             block list max=1 comp {
        ip_address_type               str    opt ="IPV4"
        egress_configuration          block list max=1 {
            egress_type               str    opt ="DEFAULT"
            vpc_connector_arn         str    opt
        }
        ingress_configuration         block list max=1 {
            is_publicly_accessible    bool   opt =true
        }
    }
    source_configuration              block list min=1 max=1 {
        auto_deployments_enabled      bool   opt =true
        authentication_configuration  block list max=1 {
            access_role_arn           str    opt
            connection_arn            str    opt
        }
        image_repository              block list max=1 {
            image_identifier          str    req
            image_repository_type     str    req
            image_configuration       block list max=1 {
                port                           str        opt ="8080"
                runtime_environment_secrets    map(str)   opt
                runtime_environment_variables  map(str)   opt
                start_command                  str        opt
            }
        }
    }
    """,
    computed={
        "service_id": "{hex32}",
        "arn": "arn:{partition}:apprunner:{region}:{account}:service/{service_name}/{service_id}",
        "id": copy_of("arn"),
        "service_url": "{hex10}.{region}.awsapprunner.com",
        "status": const("RUNNING"),
        "auto_scaling_configuration_arn": "arn:{partition}:apprunner:{region}:{account}:"
        "autoscalingconfiguration/DefaultConfiguration/1/00000000000000000000000000000001",
        "instance_configuration": const(
            [{"cpu": "1024", "instance_role_arn": "", "memory": "2048"}]
        ),
        "network_configuration": const(
            [
                {
                    "egress_configuration": [{"egress_type": "DEFAULT", "vpc_connector_arn": ""}],
                    "ingress_configuration": [{"is_publicly_accessible": True}],
                    "ip_address_type": "IPV4",
                }
            ]
        ),
    },
)

EKS_POD_IDENTITY_ASSOCIATION = resource(
    "aws_eks_pod_identity_association",
    """
    association_arn    str        comp
    association_id     str        comp
    cluster_name       str        req new
    id                 str        comp
    namespace          str        req new
    role_arn           str        req
    service_account    str        req new
    tags               map(str)   opt
    tags_all           map(str)   comp
    """,
    sdk_id=False,
    computed={
        "association_id": "a-{hex17}",
        "id": copy_of("association_id"),
        "association_arn": "arn:{partition}:eks:{region}:{account}:podidentityassociation/"
        "{cluster_name}/{association_id}",
    },
)

RESOURCES: list[TypeDef] = [v for v in list(globals().values()) if isinstance(v, TypeDef)]
