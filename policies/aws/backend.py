"""Which resources are the Terraform state backend: the lock table and the state bucket.

Every state-backend policy starts here. A target is known, in this order, from

1. the run's context: `--lock-table` / `--state-bucket`, the config file, and the
   backend `terraform init` recorded (`dynamodb_table`, `bucket`, `key`), also read
   from `plan.backend` when the caller built no context from it;
2. its shape: an `aws_dynamodb_table` in the plan (any action, deletes included) or in
   the prior state whose hash key is `LockID` of type `S`, the table Terraform's S3
   backend requires. A data source reading such a table counts too.

A table or bucket in the plan whose name equals a named target is *linked*
(`BackendTarget.resource`), so policies can follow references to it while its ARN is
still unknown. A target named only in the context is kept with its name, and with an
ARN built from the backend region / `data.aws_region` and `data.aws_caller_identity`
when those are known.

`state_backend(plan, context)` computes this once per plan and context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from plangate import (
    UNKNOWN,
    Certainty,
    Context,
    Named,
    Plan,
    Ref,
    ResourceChange,
    StateResource,
)
from plangate.helpers import has_unknown, json_value, prior_only, ref_text

__all__ = [
    "BUCKET",
    "LOCK_TABLE",
    "BackendTarget",
    "Link",
    "StateBackend",
    "is_lock_table_shape",
    "labelled_strings",
    "links_to_backend",
    "state_backend",
]

LOCK_TABLE = "lock_table"
BUCKET = "state_bucket"
LOCK_HASH_KEY = "LockID"
SHAPE_SOURCE = "shape: hash key LockID (S)"
TABLE_TYPE = "aws_dynamodb_table"
BUCKET_TYPE = "aws_s3_bucket"
_NAME_ATTRIBUTE = {TABLE_TYPE: "name", BUCKET_TYPE: "bucket"}
_KIND_OF_TYPE = {TABLE_TYPE: LOCK_TABLE, BUCKET_TYPE: BUCKET}

Resource = ResourceChange | StateResource

# Characters that continue a table or bucket name: a match must not touch them, so
# "terraform-state-lock" is not found in "terraform-state-lock-2" or "my.terraform-state-lock".
_NAME_CHAR = r"A-Za-z0-9_\-"
_BEFORE = rf"(?<![{_NAME_CHAR}.])"
# A dot ends the name unless another name character follows it ("lock.v2" is another
# table); S3 host names ("bucket.s3.amazonaws.com", "bucket.s3-us-west-2…") still match.
_AFTER = rf"(?![{_NAME_CHAR}])(?!\.(?!s3[.\-])[{_NAME_CHAR}])"


@dataclass(frozen=True)
class BackendTarget:
    """A lock table or state bucket, and how plangate came to know it."""

    kind: str  # LOCK_TABLE | BUCKET
    name: str | None
    arn: str | None
    source: str
    resource: ResourceChange | StateResource | None = field(default=None, compare=False)
    # True when `arn` was built from data.aws_region / the backend region and
    # data.aws_caller_identity rather than read from the plan (its region is a guess).
    arn_built: bool = field(default=False, compare=False)

    @property
    def is_lock_table(self) -> bool:
        return self.kind == LOCK_TABLE

    @property
    def is_state_bucket(self) -> bool:
        return self.kind == BUCKET

    @property
    def label(self) -> str:
        """For messages: `lock table "terraform-state-lock"` (or its address when unnamed)."""
        noun = "lock table" if self.is_lock_table else "state bucket"
        if self.name:
            return f'{noun} "{self.name}"'
        if self.resource is not None:
            return f"{noun} {self.resource.address}"
        return f"{noun} {self.arn}"

    @property
    def address(self) -> str | None:
        return self.resource.address if self.resource is not None else None

    @property
    def arn_pattern(self) -> str | None:
        """The ARN, or an IAM-style pattern with `*` for an unknown region / account."""
        if self.arn:
            return self.arn
        if not self.name:
            return None
        if self.is_state_bucket:
            return f"arn:aws:s3:::{self.name}"
        return f"arn:*:dynamodb:*:*:table/{self.name}"

    def matches_arn(self, arn: str) -> bool:
        """Whether a concrete ARN is this target or a part of it (stream, index, object)."""
        if not isinstance(arn, str) or not arn.startswith("arn:"):
            return False
        parts = arn.split(":", 5)
        if len(parts) != 6:
            return False
        _, _, service, region, account, resource = parts
        if self.is_lock_table:
            table = _name_in_arn(resource, LOCK_TABLE)
            if service != "dynamodb" or table is None:
                return False
            if self.name is not None and table != self.name:
                return False
            if self.arn:
                mine = self.arn.split(":", 5)
                if mine[4] != account or (mine[3] != region and not self.arn_built):
                    return False
                return self.name is not None or mine[5].split("/")[1] == table
            return self.name is not None
        if service != "s3" or region or account or not self.name:
            return False
        return _name_in_arn(resource, BUCKET) == self.name


@dataclass
class StateBackend:
    """The state backend as far as this plan and context tell."""

    lock_tables: list[BackendTarget] = field(default_factory=list)
    state_buckets: list[BackendTarget] = field(default_factory=list)
    state_keys: list[str] = field(default_factory=list)
    use_lockfile: bool = False

    def __post_init__(self) -> None:
        self._patterns: list[tuple[re.Pattern[str], BackendTarget]] | None = None

    def all(self) -> list[BackendTarget]:
        return [*self.lock_tables, *self.state_buckets]

    def __bool__(self) -> bool:
        return bool(self.lock_tables or self.state_buckets)

    def __iter__(self) -> Iterator[BackendTarget]:
        return iter(self.all())

    def resources(self) -> list[Resource]:
        """The plan resources that are backend targets (managed tables and buckets)."""
        return [t.resource for t in self.all() if t.resource is not None]

    def target_for_resource(self, resource: Any) -> BackendTarget | None:
        """The target this table or bucket is (managed or data source), by identity,
        address, name or ARN; `None` for anything else."""
        if resource is None:
            return None
        type_ = getattr(resource, "type", None)
        kind = _KIND_OF_TYPE.get(type_ or "")
        if kind is None:
            return None
        targets = self.lock_tables if kind == LOCK_TABLE else self.state_buckets
        address = getattr(resource, "address", None)
        mode = getattr(resource, "mode", "managed")
        for target in targets:
            if target.resource is resource or (
                target.resource is not None
                and target.resource.address == address
                and target.resource.mode == mode
            ):
                return target
        name = _resource_value(resource, _NAME_ATTRIBUTE[type_ or ""])
        arn = _resource_value(resource, "arn")
        for target in targets:
            if isinstance(name, str) and target.name == name:
                return target
            if isinstance(arn, str) and target.matches_arn(arn):
                return target
        return None

    def target_for_prior(self, change: ResourceChange) -> BackendTarget | None:
        """The target the prior object of a change was, by its name, ARN or shape: what a
        replacement destroys, whatever name or key schema the new object gets."""
        kind = _KIND_OF_TYPE.get(change.type)
        if kind is None or change.before is None:
            return None
        for attribute in (_NAME_ATTRIBUTE[change.type], "arn"):
            found = self.target_for_identifier(change.before_value(attribute), kind)
            if found is not None:
                return found
        if is_lock_table_shape(change, prior=True):
            name = change.before_value("name")
            return BackendTarget(
                LOCK_TABLE, name if isinstance(name, str) else None, None, SHAPE_SOURCE, change
            )
        return None

    def matches_text(self, text: str) -> BackendTarget | None:
        """The first target whose name or ARN appears in `text` as a whole word."""
        if not isinstance(text, str) or not text:
            return None
        for pattern, target in self._text_patterns():
            if pattern.search(text):
                return target
        return None

    def target_for_identifier(self, value: Any, kind: str | None = None) -> BackendTarget | None:
        """The target whose name or ARN *is* `value` (or whose stream/index/object ARN it
        is): for attributes that hold one identifier, e.g. `event_source_arn`, `bucket`."""
        if not isinstance(value, str) or not value:
            return None
        for target in self.all():
            if kind is not None and target.kind != kind:
                continue
            if value in (target.name, target.arn) or target.matches_arn(value):
                return target
        return None

    def find_in_text(self, text: str) -> list[BackendTarget]:
        """Every target whose name or ARN appears in `text`."""
        if not isinstance(text, str) or not text:
            return []
        return [t for p, t in self._text_patterns() if p.search(text)]

    def _text_patterns(self) -> list[tuple[re.Pattern[str], BackendTarget]]:
        if self._patterns is None:
            self._patterns = []
            for target in self.all():
                words = [w for w in (target.name, target.arn) if w]
                if words:
                    alternatives = "|".join(
                        re.escape(w) for w in sorted(words, key=len, reverse=True)
                    )
                    self._patterns.append(
                        (re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}"), target)
                    )
        return self._patterns


# -- building it -----------------------------------------------------------------------


def state_backend(plan: Plan, context: Context | None = None) -> StateBackend:
    """The lock tables and state buckets of this plan, computed once per plan and context
    (an equal context counts as the same: `Context` holds a dict, so it is no memo key)."""
    context = context or Context()
    built: list[tuple[Context, StateBackend]] = plan.memo((__name__, "state_backend"), list)
    for seen, backend in built:
        if seen is context or seen == context:
            return backend
    backend = _build(plan, context)
    built.append((context, backend))
    return backend


def is_lock_table_shape(resource: Resource, *, prior: bool = False) -> bool:
    """A DynamoDB table whose hash key is `LockID` of type S (what the S3 backend needs);
    `prior`: as the object was before the change."""
    if resource.type != TABLE_TYPE:
        return False
    if _resource_value(resource, "hash_key", prior) != LOCK_HASH_KEY:
        return False
    attributes = _resource_value(resource, "attribute", prior)
    if not isinstance(attributes, list):
        return False
    return any(
        isinstance(a, dict) and a.get("name") == LOCK_HASH_KEY and a.get("type") == "S"
        for a in attributes
    )


def _resource_value(resource: Any, path: str, prior: bool = False) -> Any:
    """The planned value, or the prior one for a resource being deleted or forgotten."""
    if isinstance(resource, ResourceChange) and (prior or not resource.exists_after):
        return resource.before_value(path)
    return resource.after_value(path)


def _named(context: Context, plan: Plan) -> tuple[list[Named], list[Named], list[str]]:
    tables, buckets = list(context.lock_tables), list(context.state_buckets)
    keys = [k.name for k in context.state_keys]
    for backend in (context.backend, plan.backend):
        if backend is None or backend.type != "s3":
            continue
        source = f"backend recorded in {backend.source}"
        if backend.dynamodb_table and all(t.name != backend.dynamodb_table for t in tables):
            tables.append(Named(backend.dynamodb_table, source))
        if backend.bucket and all(b.name != backend.bucket for b in buckets):
            buckets.append(Named(backend.bucket, source))
        if backend.key and backend.key not in keys:
            keys.append(backend.key)
    return tables, buckets, keys


def _build(plan: Plan, context: Context) -> StateBackend:
    where = _Where.of(plan, context)
    tables_named, buckets_named, keys = _named(context, plan)
    in_plan = {TABLE_TYPE: _managed(plan, TABLE_TYPE), BUCKET_TYPE: _managed(plan, BUCKET_TYPE)}
    result = StateBackend(
        state_keys=keys,
        use_lockfile=any(b is not None and b.use_lockfile for b in (context.backend, plan.backend)),
    )
    linked: set[int] = set()

    def target(
        kind: str,
        name: str | None,
        source: str,
        resource: Resource | None,
        arn: str | None = None,
        named: bool = False,
    ) -> BackendTarget:
        arn = arn or (_known_arn(resource, kind) if resource is not None else None)
        built = None if arn else where.arn(kind, name, named=named)
        return BackendTarget(
            kind,
            name,
            arn or built,
            source,
            resource,
            arn_built=built is not None and kind == LOCK_TABLE,
        )

    for kind, type_, named, out in (
        (LOCK_TABLE, TABLE_TYPE, tables_named, result.lock_tables),
        (BUCKET, BUCKET_TYPE, buckets_named, result.state_buckets),
    ):
        for item in named:
            name, arn = _split_name(item.name, kind)
            matches = [
                r
                for r in in_plan[type_]
                if name is not None and _resource_value(r, _NAME_ATTRIBUTE[type_]) == name
            ]
            for resource in matches:
                linked.add(id(resource))
                out.append(target(kind, name, item.source, resource, arn))
            if not matches:
                out.append(target(kind, name, item.source, None, arn, named=True))

    for resource in in_plan[TABLE_TYPE]:
        if id(resource) not in linked and is_lock_table_shape(resource):
            name = _resource_value(resource, "name")
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
    return _name_in_arn(text.split(":", 5)[-1], kind), text


def _name_in_arn(resource: str, kind: str) -> str | None:
    """The table or bucket an ARN's resource part names: `table/x/stream/…` → `x`,
    `bucket/key` → `bucket`; None when it names no table (or no bucket)."""
    if kind == LOCK_TABLE:
        return resource[len("table/") :].split("/", 1)[0] if resource.startswith("table/") else None
    return resource.split("/", 1)[0] or None


def _known_arn(resource: Resource, kind: str) -> str | None:
    arn = _resource_value(resource, "arn")
    if isinstance(arn, str) and arn:
        return arn
    if isinstance(resource, ResourceChange) and resource.before is not None:
        # A table's ARN is fixed by its name: a replaced table keeps the old one.
        before_arn = resource.before_value("arn")
        attr = _NAME_ATTRIBUTE[TABLE_TYPE if kind == LOCK_TABLE else BUCKET_TYPE]
        if isinstance(before_arn, str) and resource.before_value(attr) == _resource_value(
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
    def of(cls, plan: Plan, context: Context) -> _Where:
        regions = _distinct(plan.data_sources("aws_region"), ("region", "name", "id"))
        backend_region = next(
            (b.region for b in (context.backend, plan.backend) if b is not None and b.region), None
        )
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


# -- links from an attribute to the backend ----------------------------------------------

# Attributes of a table or bucket that identify it: a reference to any of them (or to
# the whole object, as `one(aws_dynamodb_table.lock[*].name)` appears in the plan) hands
# the backend to whoever holds the value.
IDENTIFYING_ATTRIBUTES = frozenset(
    {
        "name",
        "arn",
        "id",
        "bucket",
        "stream_arn",
        "bucket_domain_name",
        "bucket_regional_domain_name",
    }
)


@dataclass(frozen=True)
class Link:
    """An attribute that names a backend target: by its known value, or by reference."""

    target: BackendTarget
    by_reference: bool
    via: tuple[str, ...] = ()  # reference hops (module variables / outputs)
    ref: Ref | None = None
    certainty: Certainty = Certainty.CERTAIN

    @property
    def how(self) -> str:
        if not self.by_reference:
            return "by value"
        if self.ref is None:
            return "through a value its configuration passes in"
        hops = f" via {', '.join(self.via)}" if self.via else ""
        return f"by reference to {ref_text(self.ref)}{hops}"


def links_to_backend(
    plan: Plan,
    backend: StateBackend,
    resource: Resource,
    path: str | tuple[str | int, ...],
    *,
    exact: bool = False,
    kind: str | None = None,
) -> list[Link]:
    """Backend targets the attribute at `path` names, one link per target.

    Known strings are matched against target names and ARNs (`exact`: the whole string
    is the identifier; otherwise a whole-word match inside text). Where the value is
    unknown at plan time, the configuration's references are followed (through module
    variables and outputs) to the table or bucket, and the constants met on the way are
    matched too: the first-time plan, where names and ARNs are not known yet.
    """
    if not backend:
        return []
    found: dict[int, Link] = {}

    def match(text: str) -> list[BackendTarget]:
        if exact:
            target = backend.target_for_identifier(text, kind)
            return [target] if target is not None else []
        return [t for t in backend.find_in_text(text) if kind is None or t.kind == kind]

    value = resource.after_value(path)
    for text in _strings(value):
        for target in match(text):
            found.setdefault(id(target), Link(target, by_reference=False))
    if has_unknown(value):
        resolution = plan.references.resolve(resource, path)
        for ref in resolution.refs:
            target = backend.target_for_resource(ref.target)
            if target is None or (kind is not None and target.kind != kind):
                continue
            if ref.attribute is not None and ref.attribute not in IDENTIFYING_ATTRIBUTES:
                continue
            found.setdefault(id(target), Link(target, True, ref.via, ref))
        for constant in resolution.values:
            for text in _strings(constant):
                for target in match(text):
                    found.setdefault(id(target), Link(target, by_reference=True))
    return list(found.values())


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# Maps whose keys are environment variable names (Lambda, App Runner, Batch…).
_VARIABLE_MAPS = {
    "variables": "environment variable",
    "runtime_environment_variables": "environment variable",
    "runtime_environment_secrets": "secret",
}


def labelled_strings(value: Any, *, parse_json: bool = False) -> Iterator[tuple[str, str]]:
    """(label, text) for every known string in an application's configuration.

    JSON documents (ECS `container_definitions`, Batch `container_properties`) are parsed
    when `parse_json`; invalid JSON is read as plain text. Labels name what a person
    looks for: `environment variable LOCK_TABLE of container "api"`, `secret DB of
    container "api"`, `command[2] of container "api"`, `environment variable X`.
    """
    if parse_json:
        value = json_value(value)
    yield from _labelled(value, (), None, None)


def _labelled(
    value: Any, trail: tuple[str | int, ...], container: str | None, variable: str | None
) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        where = variable or (_dotted(trail) if trail else "value")
        yield (f'{where} of container "{container}"' if container else where), value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _labelled(item, (*trail, i), container, variable)
    elif isinstance(value, dict):
        if isinstance(value.get("image"), str) and isinstance(value.get("name"), str):
            container, trail = value["name"], ()
        entry_name = value.get("name")
        is_entry = isinstance(entry_name, str) and ("value" in value or "valueFrom" in value)
        for key, item in value.items():
            if is_entry and key in ("value", "valueFrom"):
                noun = "secret" if key == "valueFrom" else "environment variable"
                yield from _labelled(item, (), container, f"{noun} {entry_name}")
            elif key in _VARIABLE_MAPS and isinstance(item, dict):
                for name, text in item.items():
                    yield from _labelled(text, (), container, f"{_VARIABLE_MAPS[key]} {name}")
            elif not (is_entry and key == "name"):
                yield from _labelled(item, (*trail, key), container, variable)


def _dotted(trail: tuple[str | int, ...]) -> str:
    text = ""
    for step in trail:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text
