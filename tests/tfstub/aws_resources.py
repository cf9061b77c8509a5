"""All resource types of the stub ``hashicorp/aws`` provider.

Schemas follow the real provider v5 (names, types, block vs attribute, flags, defaults); see
dsl.py for the table language and values.py for the templates that fill computed attributes
at apply. Obscure arguments are left out; every computed id and ARN is there.
"""

from __future__ import annotations

from . import aws_compute, aws_iam, aws_network, aws_rds, aws_runtimes, aws_secrets, aws_storage
from .aws_rds import engine_port
from .dsl import TypeDef

__all__ = ["RESOURCES", "engine_port"]

RESOURCES: list[TypeDef] = [
    *aws_network.RESOURCES,
    *aws_rds.RESOURCES,
    *aws_storage.RESOURCES,
    *aws_iam.RESOURCES,
    *aws_compute.RESOURCES,
    *aws_runtimes.RESOURCES,
    *aws_secrets.RESOURCES,
]
