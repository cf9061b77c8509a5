"""What a config file says, as values: thresholds, waivers, policy and pack settings.

`plangate.config` reads a file into a `Config`; `plangate.trust` merges the operator's
and the repository's. A run applies one `Config`, which also holds the decision's
settings (`blocking_at`, `possible_blocking_at`, `block_possible`, `waivers`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .globs import glob_match
from .policy import Enforcement, Severity

__all__ = ["NEVER", "Config", "PolicySettings", "RepositoryTrust", "Waiver", "glob_matches"]

NEVER = "never"


def glob_matches(pattern: str, text: str) -> bool:
    """`*` (any run of characters) and `?` (any one) are wildcards; everything else is
    literal, so an address copied from a plan (`aws_db_instance.db[0]`, `x["a.b"]`)
    matches itself.

    Never as a regular expression: `*a*a*a*…` compiled to `.*a.*a.*a…` backtracks for
    minutes on a long address, and a waiver pattern may come from a repository config.
    The engine's one wildcard matcher (shared with IAM patterns) is linear.
    """
    return glob_match(pattern, text)


@dataclass(frozen=True, slots=True)
class Waiver:
    """A finding the config lets through: which policy, which addresses, why and until
    when, and whose config allowed it."""

    policy: str
    address: str
    reason: str
    expires: dt.date | None
    # The config file that declared it.
    source: str | None = None
    # A repository waiver that counts under an operator config: that config's path, and
    # the policy-id globs it allows repository waivers for (None: any policy).
    allowed_by: str | None = None
    allowed_policies: tuple[str, ...] | None = None

    def matches(self, policy_id: str, address: str) -> bool:
        if self.allowed_policies is not None and not any(
            glob_matches(p, policy_id) for p in self.allowed_policies
        ):
            return False
        return glob_matches(self.policy, policy_id) and glob_matches(self.address, address)

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today

    def to_dict(self, today: dt.date) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "address": self.address,
            "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None,
            "expired": self.expired(today),
            "source": self.source,
            "allowed_by": self.allowed_by,
        }


@dataclass(frozen=True, slots=True)
class PolicySettings:
    """What a config says about one policy (each field None when it says nothing)."""

    # None: the file does not say (the policy runs). Compare with `is False`, or ask
    # `Config.enabled`, never by truthiness.
    enabled: bool | None = None
    # Replaces the policy's severity (and its findings' own).
    severity: Severity | None = None
    options: dict[str, Any] = field(default_factory=dict)
    # A floor: findings below it are raised to it. What a repository config's severity
    # becomes under an operator config, so it can raise a finding and never lower one.
    min_severity: Severity | None = None
    # Replaces the policy's declared enforcement level (None: the declaration's).
    enforcement: Enforcement | None = None

    def applied_to(self, severity: Severity) -> Severity:
        """The severity a finding of `severity` gets under these settings."""
        if self.severity is not None:
            severity = self.severity
        if self.min_severity is not None and severity < self.min_severity:
            severity = self.min_severity
        return severity


@dataclass(frozen=True, slots=True)
class RepositoryTrust:
    """The `[repository]` table of an operator config: what a repository config may do
    beyond tightening the gate. Everything is off unless the operator turns it on."""

    allow_waivers: bool = False
    # Policy-id globs repository waivers may cover.
    waiver_policies: tuple[str, ...] = ("*",)
    # A repository waiver must expire within this many days (None: no limit).
    waiver_max_days: int | None = None
    # Policy options are opaque to the engine: any one may loosen a policy.
    allow_options: bool = False


@dataclass(frozen=True, slots=True)
class Config:
    """One config file as read (or the empty one): what the gate applies after
    `plangate.trust` has merged the operator's and the repository's."""

    path: str | None = None
    fail_on: Severity | None = None
    fail_on_possible: Severity | None = None
    # fail_on_possible = "never": findings whose deciding value is unknown only warn.
    block_possible: bool = True
    policy_dirs: tuple[str, ...] = ()
    policies: dict[str, PolicySettings] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = ()
    disable: tuple[str, ...] = ()
    # Set only when the file has a `[repository]` table.
    repository: RepositoryTrust | None = None
    # How the file spells fail_on_possible (None: it does not set it), for messages.
    fail_on_possible_text: str | None = None
    # Pack settings by pack and setting name, as the pack reads them (`with_packs` fills
    # this from the file's `[packs.NAME]` tables and top-level aliases once the packs
    # are loaded; until then they wait, unread, in `pack_tables` and `extra`).
    packs: dict[str, dict[str, Any]] = field(default_factory=dict)
    pack_tables: dict[str, Any] = field(default_factory=dict)
    # Top-level keys that are not the engine's: a pack setting's alias, or a typo.
    extra: dict[str, Any] = field(default_factory=dict)
    # Block only what the plan introduces (`--only-new`); None: the file does not say.
    only_new: bool | None = None

    def resolved(self, packs: dict[str, dict[str, Any]]) -> Config:
        """This config with its pack settings read (`plangate.config.with_packs`)."""
        return replace(self, packs=packs, pack_tables={}, extra={})

    @property
    def where(self) -> str:
        """The file, as error messages and warnings name it."""
        if self.path is None:
            return "(no config file)"
        return self.path + (" [tool.plangate]" if Path(self.path).name == "pyproject.toml" else "")

    def settings(self, policy_id: str) -> PolicySettings:
        return self.policies.get(policy_id, PolicySettings())

    def enforcement(self, policy_id: str, declared: Enforcement) -> Enforcement:
        """The level a policy runs at: the config's, else the policy's declaration."""
        level = self.settings(policy_id).enforcement
        return declared if level is None else level

    def enabled(self, policy_id: str) -> bool:
        return policy_id not in self.disable and self.settings(policy_id).enabled is not False

    @property
    def blocking_at(self) -> Severity:
        """The lowest severity that blocks (default high)."""
        return Severity.HIGH if self.fail_on is None else self.fail_on

    @property
    def possible_blocking_at(self) -> Severity:
        """The lowest severity at which a `possible` finding blocks, if `block_possible`."""
        return Severity.HIGH if self.fail_on_possible is None else self.fail_on_possible

    def with_thresholds(
        self, fail_on: str | None, fail_on_possible: str | None, only_new: bool | None = None
    ) -> Config:
        """The config with the command line's `--fail-on` / `--fail-on-possible` (names, or
        None when not given) and `--only-new` (True, or None) put over the file's."""
        changed = self if only_new is None else replace(self, only_new=only_new)
        if fail_on is not None:
            changed = replace(changed, fail_on=Severity.parse(fail_on))
        if fail_on_possible == NEVER:
            changed = replace(
                changed, fail_on_possible=None, block_possible=False, fail_on_possible_text=NEVER
            )
        elif fail_on_possible is not None:
            changed = replace(
                changed,
                fail_on_possible=Severity.parse(fail_on_possible),
                block_possible=True,
                fail_on_possible_text=fail_on_possible,
            )
        return changed
