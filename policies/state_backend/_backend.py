"""Which resources are the Terraform state backend: the lock table and the state bucket.

Every state-backend policy starts here. A target is known, in this order, from

1. the pack's settings: `--lock-table` / `--state-bucket`, the config file, and the
   backend `terraform init` recorded (`dynamodb_table`, `bucket`, `key`);
2. its shape: an `aws_dynamodb_table` in the plan (any action, deletes included) or in
   the prior state whose hash key is `LockID` of type `S` and that has no range key,
   the table Terraform's S3 backend requires (it reads and writes lock items by
   `LockID` alone). A data source reading such a table counts too.

A table or bucket in the plan whose name equals a named target is *linked*
(`BackendTarget.resource`), so policies can follow references to it while its ARN is
still unknown. A target named only in the settings is kept with its name, and with an
ARN built from the backend region / `data.aws_region` and `data.aws_caller_identity`
when those are known.

`state_backend(plan, settings)` computes this once per plan and settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from plangate import UNKNOWN, PackSettings, Plan, RecordedBackend, Resource, ResourceChange
from plangate.helpers import prior_only

from ._targets import (
    BUCKET,
    BUCKET_TYPE,
    LOCK_TABLE,
    NAME_ATTRIBUTE,
    PACK,
    SHAPE_SOURCE,
    TABLE_TYPE,
    BackendTarget,
    Named,
    StateBackend,
    is_lock_table_shape,
    name_in_arn,
    resource_value,
)

__all__ = ["named_targets", "recorded_s3", "state_backend"]


def state_backend(plan: Plan, settings: PackSettings | None = None) -> StateBackend:
    """The lock tables and state buckets of this plan, computed once per plan and
    settings (`PackSettings` is hashable: equal settings share the result)."""
    settings = settings or PackSettings(PACK)
    return plan.memo((__name__, "state_backend", settings), lambda: _build(plan, settings))


def recorded_s3(settings: PackSettings) -> RecordedBackend | None:
    """The `s3` backend `terraform init` recorded, or None (no record, another type)."""
    backend = settings.backend
    return backend if backend is not None and backend.type == "s3" else None


def named_targets(settings: PackSettings) -> tuple[list[Named], list[Named], list[str]]:
    """Lock tables, state buckets and state keys as named: the command line's, the config
    file's, then the recorded backend's (each name once, with where it was first named)."""
    tables = [Named(name, source) for name, source in settings.sourced("lock_tables")]
    buckets = [Named(name, source) for name, source in settings.sourced("state_buckets")]
    keys: list[str] = []
    backend = recorded_s3(settings)
    if backend is not None:
        source = f"backend recorded in {backend.source}"
        table, bucket, key = (backend.get(f) for f in ("dynamodb_table", "bucket", "key"))
        if isinstance(table, str) and all(t.name != table for t in tables):
            tables.append(Named(table, source))
        if isinstance(bucket, str) and all(b.name != bucket for b in buckets):
            buckets.append(Named(bucket, source))
        if isinstance(key, str):
            keys.append(key)
    return tables, buckets, keys


def _build(plan: Plan, settings: PackSettings) -> StateBackend:
    where = _Where.of(plan, settings)
    tables_named, buckets_named, keys = named_targets(settings)
    in_plan = {TABLE_TYPE: _managed(plan, TABLE_TYPE), BUCKET_TYPE: _managed(plan, BUCKET_TYPE)}
    backend = recorded_s3(settings)
    result = StateBackend(
        state_keys=keys,
        use_lockfile=backend is not None and bool(backend.get("use_lockfile")),
    )
    linked: set[int] = set()
    target = where.target

    for kind, type_, named, out in (
        (LOCK_TABLE, TABLE_TYPE, tables_named, result.lock_tables),
        (BUCKET, BUCKET_TYPE, buckets_named, result.state_buckets),
    ):
        for item in named:
            name, arn = _split_name(item.name, kind)
            matches = [
                r
                for r in in_plan[type_]
                if name is not None and resource_value(r, NAME_ATTRIBUTE[type_]) == name
            ]
            for resource in matches:
                linked.add(id(resource))
                out.append(target(kind, name, item.source, resource, arn))
            if not matches:
                out.append(target(kind, name, item.source, None, arn, named=True))

    for resource in in_plan[TABLE_TYPE]:
        if id(resource) not in linked and is_lock_table_shape(resource):
            name = resource_value(resource, "name")
            result.lock_tables.append(
                target(LOCK_TABLE, name if isinstance(name, str) else None, SHAPE_SOURCE, resource)
            )
    known = {t.name for t in result.lock_tables if t.name}
    for data in plan.data_sources(TABLE_TYPE):
        name = data.after_value("name")
        if isinstance(name, str) and name not in known and is_lock_table_shape(data):
            known.add(name)
            found = target(LOCK_TABLE, name, f"{SHAPE_SOURCE}, read by {data.address}", data)
            result.lock_tables.append(replace(found, resource=None))
    return result


def _managed(plan: Plan, type_: str) -> list[Resource]:
    """Tables or buckets in the plan (any action) and in the prior state only."""
    return [*plan.of_type(type_), *prior_only(plan, type_)]


def _split_name(text: str, kind: str) -> tuple[str | None, str | None]:
    """A name given as an ARN (`--lock-table arn:aws:dynamodb:…:table/x`) → (name, ARN)."""
    if not text.startswith("arn:"):
        return text, None
    return name_in_arn(text.split(":", 5)[-1], kind), text


def _known_arn(resource: Resource, kind: str) -> str | None:
    arn = resource_value(resource, "arn")
    if isinstance(arn, str) and arn:
        return arn
    if isinstance(resource, ResourceChange) and resource.before is not None:
        # A table's ARN is fixed by its name: a replaced table keeps the old one.
        before_arn = resource.before_value("arn")
        attr = NAME_ATTRIBUTE[TABLE_TYPE if kind == LOCK_TABLE else BUCKET_TYPE]
        if isinstance(before_arn, str) and resource.before_value(attr) == resource_value(
            resource, attr
        ):
            return before_arn
    return None


@dataclass(frozen=True)
class _Where:
    """Partition, regions and account, when the plan and backend say them unambiguously."""

    partition: str
    data_region: str | None  # the provider's, from data.aws_region
    backend_region: str | None  # the recorded backend's: where its lock table lives
    account: str | None

    @classmethod
    def of(cls, plan: Plan, settings: PackSettings) -> _Where:
        regions = _distinct(plan.data_sources("aws_region"), ("region", "name", "id"))
        backend = recorded_s3(settings)
        recorded = backend.get("region") if backend is not None else None
        backend_region = recorded if isinstance(recorded, str) and recorded else None
        accounts = _distinct(plan.data_sources("aws_caller_identity"), ("account_id",))
        partitions = _distinct(plan.data_sources("aws_partition"), ("partition",))
        if not partitions:
            identity_arns = _distinct(plan.data_sources("aws_caller_identity"), ("arn",))
            partitions = sorted({a.split(":")[1] for a in identity_arns if a.count(":") >= 5})
        region = regions[0] if len(regions) == 1 else None
        partition = (
            partitions[0] if len(partitions) == 1 else _partition_of(region or backend_region)
        )
        return cls(partition, region, backend_region, accounts[0] if len(accounts) == 1 else None)

    def target(
        self,
        kind: str,
        name: str | None,
        source: str,
        resource: Resource | None,
        arn: str | None = None,
        named: bool = False,
    ) -> BackendTarget:
        """A target with its ARN: given, read from its resource, or built here."""
        arn = arn or (_known_arn(resource, kind) if resource is not None else None)
        built = None if arn else self.arn(kind, name, named=named)
        return BackendTarget(
            kind,
            name,
            arn or built,
            source,
            resource,
            arn_built=built is not None and kind == LOCK_TABLE,
        )

    def arn(self, kind: str, name: str | None, *, named: bool = False) -> str | None:
        """Built ARN; a `named` table (from the context) is looked for in the backend's
        region first, a table found in the plan in the provider's."""
        if not name:
            return None
        if kind == BUCKET:
            return f"arn:{self.partition}:s3:::{name}"
        region = (self.backend_region or self.data_region) if named else self.data_region
        if region and self.account:
            return f"arn:{self.partition}:dynamodb:{region}:{self.account}:table/{name}"
        return None


def _distinct(resources: Iterable[Resource], attributes: tuple[str, ...]) -> list[str]:
    found: set[str] = set()
    for resource in resources:
        for attribute in attributes:
            value = resource.after_value(attribute)
            if value is not UNKNOWN and isinstance(value, str) and value:
                found.add(value)
                break
    return sorted(found)


def _partition_of(region: str | None) -> str:
    if region and region.startswith("cn-"):
        return "aws-cn"
    if region and region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
