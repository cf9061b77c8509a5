"""Config files: `plangate.toml`, or `[tool.plangate]` in `pyproject.toml`.

This module reads one file into a `Config` and finds the repository's file; how far a
file is trusted (the operator's against the repository's) is `plangate.trust`'s decision.

Discovery walks up from the working directory and stops at the repository root (the
nearest directory holding `.git`), or searches the working directory alone when there
is none: a file above the checkout belongs to neither the repository nor the operator
(a shared `/tmp`, a CI runner's workspace), so it must not silently set the gate.

Unknown keys are errors: a typo in a waiver or a severity override must not silently
weaken the gate. No key sets a time limit or anything else that is the operator's alone.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import PlangateError
from .globs import glob_match
from .policy import Severity

__all__ = [
    "Config",
    "PolicySettings",
    "RepositoryTrust",
    "Waiver",
    "find_config",
    "load_config",
    "read_config",
    "repository_root",
]

TOP_KEYS = {
    "fail_on",
    "fail_on_possible",
    "lock_tables",
    "state_buckets",
    "policy_dirs",
    "policies",
    "waivers",
    "disable",
    "repository",
}
POLICY_KEYS = {"enabled", "severity", "options"}
WAIVER_KEYS = {"policy", "address", "reason", "expires"}
REPOSITORY_KEYS = {"allow_waivers", "waiver_policies", "waiver_max_days", "allow_options"}
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
    # None: the file does not say (the policy runs). Compare with `is False`, or ask
    # `Config.enabled`, never by truthiness.
    enabled: bool | None = None
    # Replaces the policy's severity (and its findings' own).
    severity: Severity | None = None
    options: dict[str, Any] = field(default_factory=dict)
    # A floor: findings below it are raised to it. What a repository config's severity
    # becomes under an operator config, so it can raise a finding and never lower one.
    min_severity: Severity | None = None

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
    path: str | None = None
    fail_on: Severity | None = None
    fail_on_possible: Severity | None = None
    # fail_on_possible = "never": findings whose deciding value is unknown only warn.
    block_possible: bool = True
    lock_tables: tuple[str, ...] = ()
    state_buckets: tuple[str, ...] = ()
    policy_dirs: tuple[str, ...] = ()
    policies: dict[str, PolicySettings] = field(default_factory=dict)
    waivers: tuple[Waiver, ...] = ()
    disable: tuple[str, ...] = ()
    # Set only when the file has a `[repository]` table.
    repository: RepositoryTrust | None = None
    # How the file spells fail_on_possible (None: it does not set it), for messages.
    fail_on_possible_text: str | None = None

    @property
    def where(self) -> str:
        """The file, as error messages and warnings name it."""
        if self.path is None:
            return "(no config file)"
        return self.path + (" [tool.plangate]" if Path(self.path).name == "pyproject.toml" else "")

    def settings(self, policy_id: str) -> PolicySettings:
        return self.policies.get(policy_id, PolicySettings())

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

    def with_thresholds(self, fail_on: str | None, fail_on_possible: str | None) -> Config:
        """The config with the command line's `--fail-on` / `--fail-on-possible` (names, or
        None when not given) put over the file's."""
        changed = self
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


def repository_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` holding `.git` (a directory, or the file
    a worktree or submodule has). A pull request cannot add one: git refuses to check
    out a path named `.git`."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def find_config(start: Path) -> Path | None:
    """The repository's config: the nearest `plangate.toml` or `pyproject.toml` with a
    `[tool.plangate]` table, from `start` up to the repository root."""
    start = start.resolve()
    stop = repository_root(start) or start
    for directory in (start, *start.parents):
        candidate = directory / "plangate.toml"
        if candidate.is_file():
            return _inside(candidate, stop)
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
                data = {}
            tool = data.get("tool")
            if isinstance(tool, dict) and "plangate" in tool:
                return _inside(pyproject, stop)
        if directory == stop:
            break
    return None


def _inside(candidate: Path, root: Path) -> Path:
    """A discovered file must be part of the checkout: a symlink committed in the
    repository must not make plangate read (and quote keys of) a file of the machine's."""
    if not candidate.resolve().is_relative_to(root):
        raise PlangateError(
            "config",
            f"{candidate}: a symlink to a file outside the repository; "
            "name a config file outside the checkout with --config",
        )
    return candidate


def load_config(explicit: str | None, start: Path) -> Config:
    """One file: `explicit`, or else the one discovered from `start` (an empty Config when
    there is none). `plangate.trust.load_sources` reads both, for the command line."""
    path = Path(explicit) if explicit else find_config(start)
    return Config() if path is None else read_config(path)


def read_config(path: Path) -> Config:
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlangateError("config", f"{where}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlangateError("config", f"{where}: cannot read config file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlangateError("config", f"{where}: invalid TOML ({exc})") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise PlangateError("config", f"{where}: nested too deeply to be a config") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        data = tool.get("plangate", {}) if isinstance(tool, dict) else {}
        where += " [tool.plangate]"
    if not isinstance(data, dict):
        raise PlangateError("config", f"{where}: must be a table")
    return _parse(data, where, str(path))


def _parse(data: dict[str, Any], where: str, path: str) -> Config:
    def fail(message: str) -> PlangateError:
        return PlangateError("config", f"{where}: {message}")

    unknown = set(data) - TOP_KEYS
    if unknown:
        raise fail(
            f"unknown key(s) {', '.join(sorted(map(repr, unknown)))}; "
            f"allowed: {', '.join(sorted(TOP_KEYS))}"
        )

    def severity(value: Any, key: str) -> Severity | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise fail(f"{key} must be a severity name")
        try:
            return Severity.parse(value)
        except ValueError as exc:
            raise fail(f"{key}: {exc}") from None

    def names(key: str, table: dict[str, Any] | None = None) -> tuple[str, ...]:
        value = (data if table is None else table).get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(f"{key} must be a list of non-empty strings")
        return tuple(value)

    def flag(table: dict[str, Any], key: str, label: str) -> bool | None:
        value = table.get(key)
        if value is not None and not isinstance(value, bool):
            raise fail(f"{label} must be true or false")
        return value

    policies: dict[str, PolicySettings] = {}
    table = data.get("policies", {})
    if not isinstance(table, dict):
        raise fail("policies must be a table")
    for policy_id, settings in table.items():
        if not isinstance(settings, dict):
            raise fail(f"policies.{policy_id} must be a table")
        bad = set(settings) - POLICY_KEYS
        if bad:
            raise fail(f"policies.{policy_id}: unknown key(s) {', '.join(sorted(map(repr, bad)))}")
        options = settings.get("options", {})
        if not isinstance(options, dict):
            raise fail(f"policies.{policy_id}.options must be a table")
        policies[policy_id] = PolicySettings(
            enabled=flag(settings, "enabled", f"policies.{policy_id}.enabled"),
            severity=severity(settings.get("severity"), f"policies.{policy_id}.severity"),
            options=options,
        )

    waivers = []
    items = data.get("waivers", [])
    if not isinstance(items, list):
        raise fail("waivers must be an array of tables ([[waivers]])")
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise fail(f"waivers[{n}] must be a table")
        bad = set(item) - WAIVER_KEYS
        missing = {"policy", "address", "reason"} - set(item)
        if bad or missing:
            raise fail(
                f"waivers[{n}]: "
                + "; ".join(
                    filter(
                        None,
                        [
                            bad and f"unknown key(s) {', '.join(sorted(map(repr, bad)))}",
                            missing and f"missing {', '.join(sorted(missing))}",
                        ],
                    )
                )
            )
        if not str(item["reason"]).strip():
            raise fail(f"waivers[{n}]: reason must not be empty")
        expires = item.get("expires")
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                raise fail(f"waivers[{n}].expires: {expires!r} is not a YYYY-MM-DD date") from None
        elif isinstance(expires, dt.datetime):
            expires = expires.date()
        elif expires is not None and not isinstance(expires, dt.date):
            raise fail(f"waivers[{n}].expires must be a date")
        waivers.append(
            Waiver(str(item["policy"]), str(item["address"]), str(item["reason"]), expires, path)
        )

    repository = None
    if "repository" in data:
        trust = data["repository"]
        if not isinstance(trust, dict):
            raise fail("repository must be a table")
        bad = set(trust) - REPOSITORY_KEYS
        if bad:
            raise fail(
                f"repository: unknown key(s) {', '.join(sorted(map(repr, bad)))}; "
                f"allowed: {', '.join(sorted(REPOSITORY_KEYS))}"
            )
        days = trust.get("waiver_max_days")
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
            raise fail("repository.waiver_max_days must be a number of days (0 or more)")
        scope = names("waiver_policies", trust) if "waiver_policies" in trust else ("*",)
        repository = RepositoryTrust(
            allow_waivers=bool(flag(trust, "allow_waivers", "repository.allow_waivers")),
            waiver_policies=scope,  # an empty list allows none; a missing key, every policy
            waiver_max_days=days,
            allow_options=bool(flag(trust, "allow_options", "repository.allow_options")),
        )

    possible = data.get("fail_on_possible")
    never = possible == NEVER
    return Config(
        path=path,
        fail_on=severity(data.get("fail_on"), "fail_on"),
        fail_on_possible=None if never else severity(possible, "fail_on_possible"),
        block_possible=not never,
        lock_tables=names("lock_tables"),
        state_buckets=names("state_buckets"),
        # Relative to the config file, not to wherever plangate happens to run.
        policy_dirs=tuple(str(Path(path).parent / d) for d in names("policy_dirs")),
        policies=policies,
        waivers=tuple(waivers),
        disable=names("disable"),
        repository=repository,
        fail_on_possible_text=possible if isinstance(possible, str) else None,
    )
