"""Config files: `plangate.toml`, or `[tool.plangate]` in `pyproject.toml`.

This module reads one file into a `Config` (`plangate.config_model`) and finds the
repository's file; how far a file is trusted (the operator's against the repository's)
is `plangate.trust`'s decision.

Discovery walks up from the working directory and stops at the repository root (the
nearest directory holding `.git`), or searches the working directory alone when there
is none: a file above the checkout belongs to neither the repository nor the operator
(a shared `/tmp`, a CI runner's workspace), so it must not silently set the gate.

Unknown keys are errors: a typo in a waiver or a severity override must not silently
weaken the gate. Pack settings (`[packs.NAME]`, and the top-level aliases packs declare,
such as `lock_tables`) are read once the packs are loaded (`with_packs`), since the
file names the policy directories packs load from. No key sets a time limit or anything
else that is the operator's alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .config_model import (
    NEVER,
    Config,
    PolicySettings,
    RepositoryTrust,
    Waiver,
    glob_matches,
)
from .errors import PlangateError
from .packs import Pack, Setting
from .policy import Enforcement, Severity

__all__ = [
    "NEVER",
    "Config",
    "PolicySettings",
    "RepositoryTrust",
    "Waiver",
    "find_config",
    "glob_matches",
    "load_config",
    "read_config",
    "repository_root",
    "with_packs",
]

TOP_KEYS = {
    "fail_on",
    "fail_on_possible",
    "packs",
    "policy_dirs",
    "policies",
    "waivers",
    "disable",
    "repository",
    "only_new",
}
POLICY_KEYS = {"enabled", "severity", "options", "enforcement"}
WAIVER_KEYS = {"policy", "address", "reason", "expires"}
REPOSITORY_KEYS = {"allow_waivers", "waiver_policies", "waiver_max_days", "allow_options"}

Fail = Callable[[str], PlangateError]


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
            import tomllib  # here: most runs read no TOML at all

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


def load_config(explicit: str | None, start: Path, packs: Sequence[Pack] = ()) -> Config:
    """One file: `explicit`, or else the one discovered from `start` (an empty Config when
    there is none), with its settings of `packs` read. `plangate.trust.load_sources`
    reads both files, for the command line."""
    path = Path(explicit) if explicit else find_config(start)
    return with_packs(Config() if path is None else read_config(path), packs)


def read_config(path: Path) -> Config:
    import tomllib  # here: most runs read no TOML at all

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

    possible = data.get("fail_on_possible")
    never = possible == NEVER
    packs = data.get("packs", {})
    if not isinstance(packs, dict):
        raise fail("packs must be a table of [packs.NAME] tables")
    return Config(
        path=path,
        fail_on=_severity(data.get("fail_on"), "fail_on", fail),
        fail_on_possible=None if never else _severity(possible, "fail_on_possible", fail),
        block_possible=not never,
        # Relative to the config file, not to wherever plangate happens to run.
        policy_dirs=tuple(str(Path(path).parent / d) for d in _names(data, "policy_dirs", fail)),
        policies=_policies(data.get("policies", {}), fail),
        waivers=_waivers(data.get("waivers", []), path, fail),
        disable=_names(data, "disable", fail),
        repository=_repository(data["repository"], fail) if "repository" in data else None,
        fail_on_possible_text=possible if isinstance(possible, str) else None,
        only_new=_flag(data, "only_new", "only_new", fail),
        pack_tables=packs,
        extra={k: v for k, v in data.items() if k not in TOP_KEYS},
    )


def _unknown(keys: Any) -> str:
    return ", ".join(sorted(map(repr, keys)))


def _severity(value: Any, key: str, fail: Fail) -> Severity | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(f"{key} must be a severity name")
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise fail(f"{key}: {exc}") from None


def _enforcement(value: Any, key: str, fail: Fail) -> Enforcement | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(f"{key} must be an enforcement level name")
    try:
        return Enforcement.parse(value)
    except ValueError as exc:
        raise fail(f"{key}: {exc}") from None


def _names(
    table: dict[str, Any], key: str, fail: Fail, label: str | None = None
) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(f"{label or key} must be a list of non-empty strings")
    return tuple(value)


def _flag(table: dict[str, Any], key: str, label: str, fail: Fail) -> bool | None:
    value = table.get(key)
    if value is not None and not isinstance(value, bool):
        raise fail(f"{label} must be true or false")
    return value


def _policies(table: Any, fail: Fail) -> dict[str, PolicySettings]:
    if not isinstance(table, dict):
        raise fail("policies must be a table")
    policies: dict[str, PolicySettings] = {}
    for policy_id, settings in table.items():
        if not isinstance(settings, dict):
            raise fail(f"policies.{policy_id} must be a table")
        bad = set(settings) - POLICY_KEYS
        if bad:
            raise fail(f"policies.{policy_id}: unknown key(s) {_unknown(bad)}")
        options = settings.get("options", {})
        if not isinstance(options, dict):
            raise fail(f"policies.{policy_id}.options must be a table")
        policies[policy_id] = PolicySettings(
            enabled=_flag(settings, "enabled", f"policies.{policy_id}.enabled", fail),
            severity=_severity(settings.get("severity"), f"policies.{policy_id}.severity", fail),
            options=options,
            enforcement=_enforcement(
                settings.get("enforcement"), f"policies.{policy_id}.enforcement", fail
            ),
        )
    return policies


def _waivers(items: Any, path: str, fail: Fail) -> tuple[Waiver, ...]:
    if not isinstance(items, list):
        raise fail("waivers must be an array of tables ([[waivers]])")
    return tuple(_waiver(n, item, path, fail) for n, item in enumerate(items))


def _waiver(n: int, item: Any, path: str, fail: Fail) -> Waiver:
    if not isinstance(item, dict):
        raise fail(f"waivers[{n}] must be a table")
    bad = set(item) - WAIVER_KEYS
    missing = {"policy", "address", "reason"} - set(item)
    if bad or missing:
        problems = [
            bad and f"unknown key(s) {_unknown(bad)}",
            missing and f"missing {', '.join(sorted(missing))}",
        ]
        raise fail(f"waivers[{n}]: " + "; ".join(p for p in problems if p))
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
    return Waiver(str(item["policy"]), str(item["address"]), str(item["reason"]), expires, path)


def _repository(trust: Any, fail: Fail) -> RepositoryTrust:
    if not isinstance(trust, dict):
        raise fail("repository must be a table")
    bad = set(trust) - REPOSITORY_KEYS
    if bad:
        raise fail(
            f"repository: unknown key(s) {_unknown(bad)}; "
            f"allowed: {', '.join(sorted(REPOSITORY_KEYS))}"
        )
    days = trust.get("waiver_max_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
        raise fail("repository.waiver_max_days must be a number of days (0 or more)")
    scope = _names(trust, "waiver_policies", fail) if "waiver_policies" in trust else ("*",)
    return RepositoryTrust(
        allow_waivers=bool(_flag(trust, "allow_waivers", "repository.allow_waivers", fail)),
        waiver_policies=scope,  # an empty list allows none; a missing key, every policy
        waiver_max_days=days,
        allow_options=bool(_flag(trust, "allow_options", "repository.allow_options", fail)),
    )


def with_packs(config: Config, packs: Sequence[Pack]) -> Config:
    """The config with its pack settings read against the loaded packs' declarations:
    each `[packs.NAME]` table, and the top-level aliases. A key, pack or setting no
    loaded pack declares is an error, as any unknown key is."""

    def fail(message: str) -> PlangateError:
        return PlangateError("config", f"{config.where}: {message}")

    if not (config.extra or config.pack_tables):
        return config
    aliases = {s.alias: (p, s) for p in packs for s in p.settings if s.alias}
    unknown = set(config.extra) - set(aliases)
    if unknown:
        allowed = ", ".join(sorted(TOP_KEYS | set(aliases)))
        raise fail(f"unknown key(s) {_unknown(unknown)}; allowed: {allowed}")
    values: dict[str, dict[str, Any]] = {}
    for key, raw in config.extra.items():
        owner, aliased = aliases[key]
        values.setdefault(owner.name, {})[aliased.name] = _setting(aliased, raw, key, fail)
    by_name = {p.name: p for p in packs}
    for name, table in config.pack_tables.items():
        pack = by_name.get(name)
        if pack is None:
            loaded = ", ".join(sorted(by_name)) or "none"
            raise fail(f"[packs.{name}]: no loaded pack is named {name!r} (loaded: {loaded})")
        if not isinstance(table, dict):
            raise fail(f"packs.{name} must be a table")
        bad = {k for k in table if pack.setting(k) is None}
        if bad:
            allowed = ", ".join(s.name for s in pack.settings) or "none"
            raise fail(f"packs.{name}: unknown key(s) {_unknown(bad)}; allowed: {allowed}")
        for key, raw in table.items():
            setting = pack.setting(key)
            assert setting is not None
            if key in values.get(name, {}):
                raise fail(f"packs.{name}.{key} is also set as {setting.alias}; set it once")
            values.setdefault(name, {})[key] = _setting(setting, raw, f"packs.{name}.{key}", fail)
    return config.resolved(values)


def _setting(setting: Setting, raw: Any, label: str, fail: Fail) -> Any:
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise fail(f"{label} {exc}") from None
