"""What the run knows beyond the plan: the state backend the user named or init recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

from .plan import Backend

__all__ = ["Context", "Named"]


@dataclass(frozen=True, slots=True)
class Named:
    """A lock table or state bucket name, and how plangate came to know it."""

    name: str
    source: str


@dataclass(frozen=True, slots=True)
class Context:
    lock_tables: tuple[Named, ...] = ()
    state_buckets: tuple[Named, ...] = ()
    state_keys: tuple[Named, ...] = ()
    backend: Backend | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        cli_tables: list[str] | tuple[str, ...] = (),
        cli_buckets: list[str] | tuple[str, ...] = (),
        config_tables: list[str] | tuple[str, ...] = (),
        config_buckets: list[str] | tuple[str, ...] = (),
        backend: Backend | None = None,
    ) -> Context:
        tables: dict[str, str] = {}
        buckets: dict[str, str] = {}
        keys: dict[str, str] = {}
        for name in cli_tables:
            tables.setdefault(name, "--lock-table")
        for name in cli_buckets:
            buckets.setdefault(name, "--state-bucket")
        for name in config_tables:
            tables.setdefault(name, "config file")
        for name in config_buckets:
            buckets.setdefault(name, "config file")
        if backend is not None and backend.type == "s3":
            if backend.dynamodb_table:
                tables.setdefault(backend.dynamodb_table, f"backend recorded in {backend.source}")
            if backend.bucket:
                buckets.setdefault(backend.bucket, f"backend recorded in {backend.source}")
            if backend.key:
                keys.setdefault(backend.key, f"backend recorded in {backend.source}")
        return cls(
            lock_tables=tuple(Named(n, s) for n, s in tables.items()),
            state_buckets=tuple(Named(n, s) for n, s in buckets.items()),
            state_keys=tuple(Named(n, s) for n, s in keys.items()),
            backend=backend,
        )
