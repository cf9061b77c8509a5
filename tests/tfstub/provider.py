"""The stub ``registry.terraform.io/hashicorp/aws`` provider, served with the ``tf`` package.

Run by the launcher that ``stub_env()`` writes (``python -c "... from tfstub.provider import
main; main()"``). The ``tf`` package serves the gRPC protocol, the schemas, validation, data
sources and state upgrades; this module replaces its resource planning, applying, reading and
importing, which cannot express what the real (SDKv2) provider does: defaults known at plan
time, zero-valued nested fields, computed blocks, replacement on change. Those steps work on
plain dicts (engine.py) and answer with ``legacy_type_system`` set, as SDKv2 providers do, so
Terraform accepts SDK-style plans.
"""

from __future__ import annotations

import sys
from typing import Any

import tf.provider
from tf import runner
from tf.gen import tfplugin_pb2 as pb
from tf.iface import ReadDataContext, UpgradeContext
from tf.utils import Diagnostics, _to_attribute_path, read_dynamic_value, to_dynamic_value

from . import engine
from .aws_data import DATA_SOURCES, env_from_config, provider_schema
from .aws_resources import RESOURCES
from .dsl import TypeDef
from .values import Env

FULL_NAME = "registry.terraform.io/hashicorp/aws"


class StubProvider:
    """tf.iface.Provider for the stub; resource "classes" are TypeDef tables."""

    def __init__(self) -> None:
        self.env = Env()

    def get_model_prefix(self) -> str:
        return ""

    def full_name(self) -> str:
        return FULL_NAME

    def get_provider_schema(self, diags: Diagnostics) -> Any:
        return provider_schema()

    def validate_config(self, diags: Diagnostics, config: dict) -> None:
        pass

    def configure_provider(self, diags: Diagnostics, config: dict) -> None:
        self.env = env_from_config(config)

    def get_data_sources(self) -> list[TypeDef]:
        return DATA_SOURCES

    def get_resources(self) -> list[TypeDef]:
        return RESOURCES

    def get_functions(self) -> list:
        return []

    def new_resource(self, td: TypeDef) -> ResourceHandler:
        return ResourceHandler(td, self)

    def new_data_source(self, td: TypeDef) -> DataSourceHandler:
        return DataSourceHandler(td, self)


class ResourceHandler:
    """What the tf servicer calls for validation and state upgrades."""

    def __init__(self, td: TypeDef, provider: StubProvider):
        self.td = td
        self.provider = provider

    def validate(self, diags: Diagnostics, type_name: str, config: dict) -> None:
        pass  # Terraform already checks configuration against the schema

    def upgrade(self, ctx: UpgradeContext, version: int, old: dict) -> dict:
        return old


class DataSourceHandler(ResourceHandler):
    def read(self, ctx: ReadDataContext, config: dict) -> dict:
        try:
            return engine.read_data(self.td, config, self.provider.env)
        except (ValueError, KeyError) as exc:
            ctx.diagnostics.add_error(f"reading {self.td.name}: {exc}")
            return config


class StubServicer(tf.provider.ProviderServicer):
    """The tf servicer with SDKv2-style planning, applying and reading."""

    def _td(self, type_name: str) -> TypeDef:
        return self._get_res_cls(type_name)  # type: ignore[return-value]

    def _env(self) -> Env:
        return self.app.env  # type: ignore[attr-defined]

    def PlanResourceChange(
        self, request: pb.PlanResourceChange.Request, context: Any
    ) -> pb.PlanResourceChange.Response:
        proposed = read_dynamic_value(request.proposed_new_state)
        if proposed is None:  # destroy
            return pb.PlanResourceChange.Response(
                planned_state=request.proposed_new_state, legacy_type_system=True
            )
        prior = read_dynamic_value(request.prior_state)
        diags = Diagnostics()
        try:
            planned, replace = engine.plan(
                self._td(request.type_name), prior, proposed, self._env()
            )
        except Exception as exc:  # a bug in a table: say where, do not hang Terraform
            diags.add_error(
                f"stub provider: planning {request.type_name} failed: {type(exc).__name__}: {exc}"
            )
            return pb.PlanResourceChange.Response(diagnostics=diags.to_pb())
        return pb.PlanResourceChange.Response(
            planned_state=to_dynamic_value(planned),
            requires_replace=[_to_attribute_path([name]) for name in replace],
            planned_private=request.prior_private,
            legacy_type_system=True,
        )

    def ApplyResourceChange(
        self, request: pb.ApplyResourceChange.Request, context: Any
    ) -> pb.ApplyResourceChange.Response:
        planned = read_dynamic_value(request.planned_state)
        if planned is None:  # delete
            return pb.ApplyResourceChange.Response(
                new_state=request.planned_state, legacy_type_system=True
            )
        diags = Diagnostics()
        try:
            new_state = engine.apply(self._td(request.type_name), planned, self._env())
        except Exception as exc:
            diags.add_error(
                f"stub provider: applying {request.type_name} failed: {type(exc).__name__}: {exc}"
            )
            return pb.ApplyResourceChange.Response(diagnostics=diags.to_pb())
        return pb.ApplyResourceChange.Response(
            new_state=to_dynamic_value(new_state),
            private=request.planned_private,
            legacy_type_system=True,
        )

    def ImportResourceState(
        self, request: pb.ImportResourceState.Request, context: Any
    ) -> pb.ImportResourceState.Response:
        diags = Diagnostics()
        try:
            state = engine.import_state(self._td(request.type_name), request.id, self._env())
        except Exception as exc:
            diags.add_error(f"stub provider: importing {request.type_name} failed: {exc}")
            return pb.ImportResourceState.Response(diagnostics=diags.to_pb())
        imported = pb.ImportResourceState.ImportedResource(
            type_name=request.type_name, state=to_dynamic_value(state)
        )
        return pb.ImportResourceState.Response(imported_resources=[imported])

    def ReadResource(
        self, request: pb.ReadResource.Request, context: Any
    ) -> pb.ReadResource.Response:
        # Nothing drifts: the remote object is exactly what was applied.
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)


def main(argv: list[str] | None = None) -> None:
    # run_provider builds tf.provider.ProviderServicer when it starts; hand it ours.
    tf.provider.ProviderServicer = StubServicer  # type: ignore[misc]
    runner.run_provider(StubProvider(), argv or sys.argv)  # type: ignore[arg-type]
