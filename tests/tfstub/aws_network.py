"""VPC, subnets, routing, gateways, elastic IPs and security groups (stub hashicorp/aws)."""

from __future__ import annotations

from .dsl import TypeDef, resource
from .values import az, az_id, const, copy_of, dns_for, fmt, private_ip, public_ip, unique_name

# --------------------------------------------------------------------------- VPC

VPC = resource(
    "aws_vpc",
    """
    arn                                      str       comp
    assign_generated_ipv6_cidr_block         bool      opt =false
    cidr_block                               str       opt comp new
    default_network_acl_id                   str       comp
    default_route_table_id                   str       comp
    default_security_group_id                str       comp
    dhcp_options_id                          str       comp
    enable_dns_hostnames                     bool      opt comp
    enable_dns_support                       bool      opt =true
    enable_network_address_usage_metrics     bool      opt comp
    instance_tenancy                         str       opt new ="default"
    ipv4_ipam_pool_id                        str       opt new
    ipv4_netmask_length                      num       opt new
    ipv6_association_id                      str       comp
    ipv6_cidr_block                          str       opt comp
    ipv6_cidr_block_network_border_group     str       opt comp
    ipv6_ipam_pool_id                        str       opt
    ipv6_netmask_length                      num       opt
    main_route_table_id                      str       comp
    owner_id                                 str       comp
    @tags
    """,
    version=1,
    computed={
        "id": "vpc-{hex17}",
        "arn": "arn:{partition}:ec2:{region}:{account}:vpc/{id}",
        "cidr_block": const("10.0.0.0/16"),
        "default_network_acl_id": "acl-{hex17}",
        "default_route_table_id": "rtb-{hex17}",
        "main_route_table_id": copy_of("default_route_table_id"),
        "default_security_group_id": "sg-{hex17}",
        "dhcp_options_id": "dopt-{hex17}",
        "owner_id": "{account}",
    },
)

SUBNET = resource(
    "aws_subnet",
    """
    arn                                              str   comp
    assign_ipv6_address_on_creation                  bool  opt =false
    availability_zone                                str   opt comp new
    availability_zone_id                             str   opt comp new
    cidr_block                                       str   opt new
    customer_owned_ipv4_pool                         str   opt
    enable_dns64                                     bool  opt =false
    enable_lni_at_device_index                       num   opt
    enable_resource_name_dns_a_record_on_launch      bool  opt =false
    enable_resource_name_dns_aaaa_record_on_launch   bool  opt =false
    ipv6_cidr_block                                  str   opt
    ipv6_cidr_block_association_id                   str   comp
    ipv6_native                                      bool  opt new =false
    map_customer_owned_ip_on_launch                  bool  opt
    map_public_ip_on_launch                          bool  opt =false
    outpost_arn                                      str   opt
    owner_id                                         str   comp
    private_dns_hostname_type_on_launch              str   opt comp
    @tags
    vpc_id                                           str   req new
    """,
    version=1,
    timeouts="cd",
    computed={
        "id": "subnet-{hex17}",
        "arn": "arn:{partition}:ec2:{region}:{account}:subnet/{id}",
        "availability_zone": az(),
        "availability_zone_id": az_id,
        "owner_id": "{account}",
        "private_dns_hostname_type_on_launch": const("ip-name"),
    },
)

ROUTE_TABLE = resource(
    "aws_route_table",
    """
    arn                 str        comp
    owner_id            str        comp
    propagating_vgws    set(str)   opt comp
    route               set(obj)   opt comp {
        carrier_gateway_id          str
        cidr_block                  str
        core_network_arn            str
        destination_prefix_list_id  str
        egress_only_gateway_id      str
        gateway_id                  str
        ipv6_cidr_block             str
        local_gateway_id            str
        nat_gateway_id              str
        network_interface_id        str
        transit_gateway_id          str
        vpc_endpoint_id             str
        vpc_peering_connection_id   str
    }
    @tags
    vpc_id              str        req new
    """,
    timeouts="cud",
    computed={
        "id": "rtb-{hex17}",
        "arn": "arn:{partition}:ec2:{region}:{account}:route-table/{id}",
        "owner_id": "{account}",
    },
)

ROUTE = resource(
    "aws_route",
    """
    carrier_gateway_id             str   opt
    core_network_arn               str   opt
    destination_cidr_block         str   opt new
    destination_ipv6_cidr_block    str   opt new
    destination_prefix_list_id     str   opt new
    egress_only_gateway_id         str   opt
    gateway_id                     str   opt
    instance_id                    str   comp
    instance_owner_id              str   comp
    local_gateway_id               str   opt
    nat_gateway_id                 str   opt
    network_interface_id           str   opt comp
    origin                         str   comp
    route_table_id                 str   req new
    state                          str   comp
    transit_gateway_id             str   opt
    vpc_endpoint_id                str   opt
    vpc_peering_connection_id      str   opt
    """,
    timeouts="cud",
    computed={
        "id": "r-{route_table_id}{digits10}",
        "origin": const("CreateRoute"),
        "state": const("active"),
    },
)

ROUTE_TABLE_ASSOCIATION = resource(
    "aws_route_table_association",
    """
    gateway_id       str   opt new
    route_table_id   str   req
    subnet_id        str   opt new
    """,
    timeouts="cud",
    computed={"id": "rtbassoc-{hex17}"},
)

MAIN_ROUTE_TABLE_ASSOCIATION = resource(
    "aws_main_route_table_association",
    """
    original_route_table_id   str   comp
    route_table_id            str   req
    vpc_id                    str   req new
    """,
    timeouts="cud",
    computed={"id": "rtbassoc-{hex17}", "original_route_table_id": "rtb-{hex17}"},
)

INTERNET_GATEWAY = resource(
    "aws_internet_gateway",
    """
    arn        str   comp
    owner_id   str   comp
    @tags
    vpc_id     str   opt
    """,
    timeouts="cud",
    computed={
        "id": "igw-{hex17}",
        "arn": "arn:{partition}:ec2:{region}:{account}:internet-gateway/{id}",
        "owner_id": "{account}",
    },
)

NAT_GATEWAY = resource(
    "aws_nat_gateway",
    """
    allocation_id                         str        opt new
    association_id                        str        comp
    connectivity_type                     str        opt new ="public"
    network_interface_id                  str        comp
    private_ip                            str        opt comp new
    public_ip                             str        comp
    secondary_allocation_ids              set(str)   opt comp
    secondary_private_ip_address_count    num        opt comp
    secondary_private_ip_addresses        set(str)   opt comp
    subnet_id                             str        req new
    @tags
    """,
    timeouts="cud",
    computed={
        "id": "nat-{hex17}",
        "association_id": lambda s, e: (
            fmt("eipassoc-{hex17}", s, e, "assoc") if s.get("allocation_id") else ""
        ),
        "network_interface_id": "eni-{hex17}",
        "private_ip": private_ip("private_ip"),
        "public_ip": lambda s, e: (
            public_ip("public_ip")(s, e) if s.get("connectivity_type") == "public" else ""
        ),
    },
)

EIP = resource(
    "aws_eip",
    """
    address                     str    opt new
    allocation_id               str    comp
    arn                         str    comp
    associate_with_private_ip   str    opt
    association_id              str    comp
    carrier_ip                  str    comp
    customer_owned_ip           str    comp
    customer_owned_ipv4_pool    str    opt new
    domain                      str    opt comp new
    instance                    str    opt comp
    ipam_pool_id                str    opt comp new
    network_border_group        str    opt comp new
    network_interface           str    opt comp
    private_dns                 str    comp
    private_ip                  str    comp
    ptr_record                  str    comp
    public_dns                  str    comp
    public_ip                   str    comp
    public_ipv4_pool            str    opt comp new
    @tags
    vpc                         bool   opt comp new dep
    """,
    timeouts="rud",
    computed={
        "id": "eipalloc-{hex17}",
        "allocation_id": copy_of("id"),
        "arn": "arn:{partition}:ec2:{region}:{account}:elastic-ip/{id}",
        "domain": const("vpc"),
        "vpc": const(True),
        "network_border_group": "{region}",
        "public_ip": public_ip("public_ip"),
        "public_dns": dns_for("public_ip", public=True),
        "public_ipv4_pool": const("amazon"),
    },
)

# --------------------------------------------------------------------------- security groups

_SG_RULE_FIELDS = """
        cidr_blocks          list(str)
        description          str
        from_port            num
        ipv6_cidr_blocks     list(str)
        prefix_list_ids      list(str)
        protocol             str
        security_groups      set(str)
        self                 bool
        to_port              num
"""

SECURITY_GROUP = resource(
    "aws_security_group",
    f"""
    arn                      str        comp
    description              str        opt new ="Managed by Terraform"
    egress                   set(obj)   opt comp {{
        {_SG_RULE_FIELDS}
    }}
    ingress                  set(obj)   opt comp {{
        {_SG_RULE_FIELDS}
    }}
    name                     str        opt comp new
    name_prefix              str        opt comp new
    owner_id                 str        comp
    revoke_rules_on_delete   bool       opt =false
    @tags
    vpc_id                   str        opt comp new
    """,
    version=1,
    timeouts="cd",
    computed={
        "id": "sg-{hex17}",
        "arn": "arn:{partition}:ec2:{region}:{account}:security-group/{id}",
        "name": unique_name(),
        "owner_id": "{account}",
        "vpc_id": "vpc-{hex17}",
    },
)

SECURITY_GROUP_RULE = resource(
    "aws_security_group_rule",
    """
    cidr_blocks                list(str)   opt new
    description                str         opt
    from_port                  num         req new
    ipv6_cidr_blocks           list(str)   opt new
    prefix_list_ids            list(str)   opt new
    protocol                   str         req new
    security_group_id          str         req new
    security_group_rule_id     str         comp
    self                       bool        opt new =false
    source_security_group_id   str         opt comp new
    to_port                    num         req new
    type                       str         req new
    """,
    version=2,
    timeouts="c",
    computed={
        "id": "sgrule-{digits10}",
        "security_group_rule_id": "sgr-{hex17}",
        "source_security_group_id": const(None),
    },
)

_VPC_SG_RULE = """
    arn                            str        comp
    cidr_ipv4                      str        opt
    cidr_ipv6                      str        opt
    description                    str        opt
    from_port                      num        opt
    id                             str        comp
    ip_protocol                    str        req
    prefix_list_id                 str        opt
    referenced_security_group_id   str        opt
    security_group_id              str        req new
    security_group_rule_id         str        comp
    tags                           map(str)   opt
    tags_all                       map(str)   comp
    to_port                        num        opt
"""

_VPC_SG_RULE_VALUES = {
    "id": "sgr-{hex17}",
    "security_group_rule_id": copy_of("id"),
    "arn": "arn:{partition}:ec2:{region}:{account}:security-group-rule/{id}",
}

VPC_SECURITY_GROUP_INGRESS_RULE = resource(
    "aws_vpc_security_group_ingress_rule", _VPC_SG_RULE, sdk_id=False, computed=_VPC_SG_RULE_VALUES
)
VPC_SECURITY_GROUP_EGRESS_RULE = resource(
    "aws_vpc_security_group_egress_rule", _VPC_SG_RULE, sdk_id=False, computed=_VPC_SG_RULE_VALUES
)

RESOURCES: list[TypeDef] = [v for v in list(globals().values()) if isinstance(v, TypeDef)]
