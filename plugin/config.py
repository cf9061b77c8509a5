"""The config file: `plangate.toml`, or `[tool.plangate]` in `pyproject.toml`.

Found from the working directory upward; `--config` overrides. Unknown keys are errors:
a typo in a waiver or a severity override must not silently weaken the gate.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .errors import PlangateError
from .policy import Severity

__all__ = ["Config", "PolicySettings", "Waiver", "find_config", "load_config"]

TOP_KEYS = {
    "fail_on",
    "fail_on_possible",
    "lock_tables",
    "state_buckets",
    "policy_dirs",
    "policies",
    "waivers",
    "disable",
}
POLICY_KEYS = {"enabled", "severity", "options"}
WAIVER_KEYS = {"policy", "address", "reason", "expires"}


@cache
def _glob(pattern: str) -> re.Pattern[str]:
    """`*` and `?` are wildcards; everything else is literal, so an address copied from a
    plan (`aws_db_instance.db[0]`, `x["a.b"]`) matches itself."""
    return re.compile(
        "".join(
            ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
        )
    )


@dataclass(frozen=True, slots=True)
class Waiver:
    policy: str
    address: str
    reason: str
    expires: dt.date | None

    def matches(self, policy_id: str, address: str) -> bool:
        return _glob(self.policy).fullmatch(policy_id) is not None and (
            _glob(self.address).fullmatch(address) is not None
        )

    def expired(self, today: dt.date) -> bool:
        return self.expires is not None and self.expires < today

    def to_dict(self, today: dt.date) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "address": self.address,
            "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None,
            "expired": self.expired(today),
        }


@dataclass(frozen=True, slots=True)
class PolicySettings:
    enabled: bool = True
    severity: Severity | None = None
    options: dict[str, Any] = field(default_factory=dict)


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

    def settings(self, policy_id: str) -> PolicySettings:
        return self.policies.get(policy_id, PolicySettings())


def find_config(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        candidate = directory / "plangate.toml"
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "plangate" in data.get("tool", {}):
                return pyproject
    return None


def load_config(explicit: str | None, start: Path) -> Config:
    path = Path(explicit) if explicit else find_config(start)
    if path is None:
        return Config()
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlangateError("config", f"{where}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlangateError("config", f"{where}: cannot read config file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlangateError("config", f"{where}: invalid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("plangate", {})
        where += " [tool.plangate]"
    return _parse(data, where, str(path))


def _parse(data: dict[str, Any], where: str, path: str) -> Config:
    def fail(message: str) -> PlangateError:
        return PlangateError("config", f"{where}: {message}")

    unknown = set(data) - TOP_KEYS
    if unknown:
        raise fail(
            f"unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(TOP_KEYS))}"
        )

    def severity(value: Any, key: str) -> Severity | None:
        if value is None:
            return None
        try:
            return Severity.parse(str(value))
        except ValueError as exc:
            raise fail(f"{key}: {exc}") from None

    def names(key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(f"{key} must be a list of non-empty strings")
        return tuple(value)

    policies: dict[str, PolicySettings] = {}
    for policy_id, settings in (data.get("policies") or {}).items():
        if not isinstance(settings, dict):
            raise fail(f"policies.{policy_id} must be a table")
        bad = set(settings) - POLICY_KEYS
        if bad:
            raise fail(f"policies.{policy_id}: unknown key(s) {', '.join(sorted(bad))}")
        options = settings.get("options", {})
        if not isinstance(options, dict):
            raise fail(f"policies.{policy_id}.options must be a table")
        policies[policy_id] = PolicySettings(
            enabled=bool(settings.get("enabled", True)),
            severity=severity(settings.get("severity"), f"policies.{policy_id}.severity"),
            options=options,
        )
    for policy_id in names("disable"):
        old = policies.get(policy_id, PolicySettings())
        policies[policy_id] = PolicySettings(False, old.severity, old.options)

    waivers = []
    for n, item in enumerate(data.get("waivers") or ()):
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
                            bad and f"unknown key(s) {', '.join(sorted(bad))}",
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
            Waiver(str(item["policy"]), str(item["address"]), str(item["reason"]), expires)
        )

    possible = data.get("fail_on_possible")
    never = possible == "never"
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
    )
