"""The state backend's targets as values: a lock table or state bucket (`BackendTarget`),
all of them for one plan (`StateBackend`), and the shape that makes a DynamoDB table a
Terraform lock table.

`StateBackend` answers the questions policies ask: is this resource (managed or data
source, by identity, address, name or ARN) a target, was the prior object of a change
one, does a text name one as a whole word. How the targets are found is `_backend`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from plangate import UNKNOWN, Resource, ResourceChange

from ._text_search import TextMatcher

__all__ = [
    "BUCKET",
    "BUCKET_TYPE",
    "KIND_OF_TYPE",
    "LOCK_HASH_KEY",
    "LOCK_TABLE",
    "NAME_ATTRIBUTE",
    "PACK",
    "SHAPE_SOURCE",
    "TABLE_TYPE",
    "BackendTarget",
    "Named",
    "StateBackend",
    "is_lock_table_shape",
    "name_in_arn",
    "resource_value",
]

PACK = "state_backend"  # the pack's name (its settings, its report section)
LOCK_TABLE = "lock_table"
BUCKET = "state_bucket"
LOCK_HASH_KEY = "LockID"
SHAPE_SOURCE = "shape: hash key LockID (S)"
TABLE_TYPE = "aws_dynamodb_table"
BUCKET_TYPE = "aws_s3_bucket"
NAME_ATTRIBUTE = {TABLE_TYPE: "name", BUCKET_TYPE: "bucket"}
KIND_OF_TYPE = {TABLE_TYPE: LOCK_TABLE, BUCKET_TYPE: BUCKET}


@dataclass(frozen=True, slots=True)
class Named:
    """A lock table or state bucket name, and how plangate came to know it."""

    name: str
    source: str


@dataclass(frozen=True)
class BackendTarget:
    """A lock table or state bucket, and how plangate came to know it."""

    kind: str  # LOCK_TABLE | BUCKET
    name: str | None
    arn: str | None
    source: str
    resource: Resource | None = field(default=None, compare=False)
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
            table = name_in_arn(resource, LOCK_TABLE)
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
        return name_in_arn(resource, BUCKET) == self.name


@dataclass
class StateBackend:
    """The state backend as far as this plan and context tell."""

    lock_tables: list[BackendTarget] = field(default_factory=list)
    state_buckets: list[BackendTarget] = field(default_factory=list)
    state_keys: list[str] = field(default_factory=list)
    use_lockfile: bool = False

    def __post_init__(self) -> None:
        self._matcher: TextMatcher | None = None

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
        kind = KIND_OF_TYPE.get(type_ or "")
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
        name = resource_value(resource, NAME_ATTRIBUTE[type_ or ""])
        arn = resource_value(resource, "arn")
        for target in targets:
            if isinstance(name, str) and target.name == name:
                return target
            if isinstance(arn, str) and target.matches_arn(arn):
                return target
        return None

    def target_for_prior(self, change: ResourceChange) -> BackendTarget | None:
        """The target the prior object of a change was, by its name, ARN or shape: what a
        replacement destroys, whatever name or key schema the new object gets."""
        kind = KIND_OF_TYPE.get(change.type)
        if kind is None or change.before is None:
            return None
        for attribute in (NAME_ATTRIBUTE[change.type], "arn"):
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
        found = self.find_in_text(text)
        return found[0] if found else None

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
        """Every target whose name or ARN appears in `text` (in the targets' order)."""
        if not isinstance(text, str) or not text:
            return []
        if self._matcher is None:
            self._matcher = TextMatcher(self.all())
        return self._matcher.find(text)


# -- what a lock table is --------------------------------------------------------------


def is_lock_table_shape(resource: Resource, *, prior: bool = False) -> bool:
    """A DynamoDB table whose hash key is `LockID` of type S and that has no range key:
    the S3 backend reads and writes lock items by `LockID` alone, which a table with a
    range key rejects. A range key known only after apply may turn out unset, so the table
    still counts. `prior`: as the object was before the change."""
    if resource.type != TABLE_TYPE:
        return False
    if resource_value(resource, "hash_key", prior) != LOCK_HASH_KEY:
        return False
    if resource_value(resource, "range_key", prior) not in (None, "", UNKNOWN):
        return False
    attributes = resource_value(resource, "attribute", prior)
    if not isinstance(attributes, list):
        return False
    return any(
        isinstance(a, dict) and a.get("name") == LOCK_HASH_KEY and a.get("type") == "S"
        for a in attributes
    )


def resource_value(resource: Any, path: str, prior: bool = False) -> Any:
    """The planned value, or the prior one for a resource being deleted or forgotten."""
    if isinstance(resource, ResourceChange) and (prior or not resource.exists_after):
        return resource.before_value(path)
    return resource.after_value(path)


def name_in_arn(resource: str, kind: str) -> str | None:
    """The table or bucket an ARN's resource part names: `table/x/stream/…` → `x`,
    `bucket/key` → `bucket`; None when it names no table (or no bucket)."""
    if kind == LOCK_TABLE:
        return resource[len("table/") :].split("/", 1)[0] if resource.startswith("table/") else None
    return resource.split("/", 1)[0] or None
