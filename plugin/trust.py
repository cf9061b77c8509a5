"""Whose configuration counts, and how far: the operator's against the repository's.

The operator (whoever runs CI or Atlantis) names a config with `--config FILE` or
`$PLANGATE_CONFIG`; the repository's config is found in the checkout, which the author of
the pull request being gated controls. Without an operator config (a developer gating
their own plans) the repository's config is trusted. With one, the operator's is the base
and the repository's may only tighten the gate:

- it may add lock tables and state buckets, enable policies (even ones the operator
  switched off: enabling is tightening), raise severities (as a floor, so a finding is
  never lowered), and lower `fail_on` / `fail_on_possible`;
- its waivers count only where the operator's `[repository]` table allows them, and
  then each says which operator config allowed it;
- its policy options count only with `[repository] allow_options` (options are opaque
  to the engine: any one of them may loosen a policy);
- its `policy_dirs` never load, and its `[repository]` table means nothing.

Everything else it tries is ignored and becomes a warning naming the file and the setting,
which every report format shows. Values from the repository's file are quoted with
`repr`, so a control character in them reaches no terminal or log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .config import (
    NEVER,
    Config,
    PolicySettings,
    RepositoryTrust,
    find_config,
    glob_matches,
    read_config,
)
from .errors import PlangateError
from .policy import Policy, Severity
from .report import ConfigFile, RunWarning

__all__ = [
    "ConfigSources",
    "Effective",
    "load_sources",
    "merge_configs",
    "operator_config_path",
    "run_today",
]

ENV_CONFIG = "PLANGATE_CONFIG"
ENV_TODAY = "PLANGATE_TODAY"


@dataclass(frozen=True, slots=True)
class ConfigSources:
    """The config files of a run, read but not yet merged."""

    operator: Config | None = None
    repository: Config | None = None

    @property
    def policy_dirs(self) -> tuple[str, ...]:
        """The policy directories that may load: the operator's when there is an operator
        config (never the repository's), else the trusted repository config's."""
        if self.operator is not None:
            return self.operator.policy_dirs
        return self.repository.policy_dirs if self.repository is not None else ()


@dataclass(frozen=True, slots=True)
class Effective:
    """The config a run applies, the files it came from, and what was ignored."""

    config: Config
    files: tuple[ConfigFile, ...] = ()
    warnings: tuple[RunWarning, ...] = ()


def operator_config_path(explicit: str | None, environ: Mapping[str, str]) -> str | None:
    """`--config`, else `$PLANGATE_CONFIG`. Set but empty is an error: an unset CI variable
    must not quietly turn the operator's gate into the repository's."""
    if explicit is not None:
        if not explicit.strip():
            raise PlangateError("usage", "--config: an empty path; give the operator config file")
        return explicit
    value = environ.get(ENV_CONFIG)
    if value is None:
        return None
    if not value.strip():
        raise PlangateError(
            "usage",
            f"${ENV_CONFIG} is set but empty (an unset variable?); "
            "give the operator config file or unset it",
        )
    return value


def load_sources(explicit: str | None, start: Path, environ: Mapping[str, str]) -> ConfigSources:
    """Read the operator's config (if named) and the repository's (if found from `start`,
    which is `--chdir` or the working directory)."""
    named = operator_config_path(explicit, environ)
    operator = read_config(Path(named)) if named is not None else None
    found = find_config(start)
    if found is None or (named is not None and _same_file(found, Path(named))):
        return ConfigSources(operator, None)
    return ConfigSources(operator, read_config(found))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def run_today(
    environ: Mapping[str, str], operator: Config | None
) -> tuple[dt.date, RunWarning | None]:
    """The date waivers expire against, and a warning when `$PLANGATE_TODAY` was ignored.

    `$PLANGATE_TODAY` is a test hook: it can un-expire every waiver, so it counts only for
    a developer's run (no operator config), never where an operator config sets the gate.
    """
    override = environ.get(ENV_TODAY)
    if not override:
        return dt.date.today(), None
    if operator is not None:
        return dt.date.today(), RunWarning(
            "config", f"${ENV_TODAY} ignored: a test hook, honoured only without an operator config"
        )
    try:
        return dt.date.fromisoformat(override), None
    except ValueError:
        raise PlangateError("usage", f"{ENV_TODAY}={override!r} is not YYYY-MM-DD") from None


def merge_configs(
    sources: ConfigSources,
    policies: Sequence[Policy],
    today: dt.date,
    *,
    fail_on: str | None = None,
    fail_on_possible: str | None = None,
) -> Effective:
    """The effective config. `fail_on` / `fail_on_possible` are the command line's (the
    operator's): they replace the operator config's thresholds, or without an operator
    config the repository's, as before. `policies` are the loaded ones: settings for any
    other policy are a config error in either file (a typo must not pass silently)."""
    operator, repository = sources.operator, sources.repository
    for config in (operator, repository):
        if config is not None:
            _check_policy_names(config, policies)
    if operator is None:
        base = (repository or Config()).with_thresholds(fail_on, fail_on_possible)
        if repository is None:
            return Effective(base)
        warnings = ()
        if repository.repository is not None:
            why = "it has effect only in an operator config"
            warnings = (_ignored(repository, "[repository]", why),)
        return Effective(base, (ConfigFile(str(repository.path), "repository", True),), warnings)
    base = operator.with_thresholds(fail_on, fail_on_possible)
    files = [ConfigFile(str(operator.path), "operator", True)]
    if repository is None:
        return Effective(base, tuple(files))
    files.append(ConfigFile(str(repository.path), "repository", False))
    merged, warnings = _tighten(base, repository, {p.id: p.severity for p in policies}, today)
    return Effective(merged, tuple(files), tuple(warnings))


def _ignored(config: Config, setting: str, why: str) -> RunWarning:
    return RunWarning("config", f"{config.where}: {setting} ignored: {why}")


def _tighten(
    base: Config, repo: Config, severities: Mapping[str, Severity], today: dt.date
) -> tuple[Config, list[RunWarning]]:
    """`base` (the operator's, with the command line's thresholds) tightened by what the
    repository config `repo` may set; the rest of `repo` becomes warnings."""
    warnings: list[RunWarning] = []
    operator = base.where
    trust = base.repository or RepositoryTrust()

    def ignore(setting: str, why: str) -> None:
        warnings.append(_ignored(repo, setting, why))

    fail_on = base.fail_on
    if repo.fail_on is not None:
        if repo.fail_on <= base.blocking_at:
            fail_on = repo.fail_on
        else:
            ignore(
                f"fail_on = '{repo.fail_on}'",
                f"it would loosen the operator's fail_on '{base.blocking_at}'",
            )

    fail_on_possible, block_possible = base.fail_on_possible, base.block_possible
    if repo.fail_on_possible_text is not None:
        if _possible_rank(repo) <= _possible_rank(base):
            fail_on_possible, block_possible = repo.fail_on_possible, repo.block_possible
        else:
            ignore(
                f"fail_on_possible = '{repo.fail_on_possible_text}'",
                f"it would loosen the operator's fail_on_possible '{_possible_text(base)}'",
            )

    policies = dict(base.policies)
    disable = list(base.disable)
    for policy_id in repo.disable:
        if base.enabled(policy_id):
            ignore(f"disable {policy_id!r}", "a repository config cannot switch off a policy")
    for policy_id, wanted in repo.policies.items():
        current = policies.get(policy_id, PolicySettings())
        enabled = current.enabled
        if wanted.enabled is True and not base.enabled(policy_id):
            enabled = True  # enabling is tightening, even a policy the operator switched off
            disable = [p for p in disable if p != policy_id]
        elif wanted.enabled is False and base.enabled(policy_id):
            ignore(
                f"policies.{policy_id}.enabled = false",
                "a repository config cannot switch off a policy",
            )
        floor = current.min_severity
        if wanted.severity is not None:
            declared = current.severity if current.severity is not None else severities[policy_id]
            if wanted.severity >= declared:
                floor = wanted.severity if floor is None else max(floor, wanted.severity)
            else:
                ignore(
                    f"policies.{policy_id}.severity = '{wanted.severity}'",
                    f"it would lower {policy_id} below '{declared}'",
                )
        options = current.options
        if wanted.options:
            if trust.allow_options:
                options = {**current.options, **wanted.options}
            else:
                for key in wanted.options:
                    ignore(
                        f"policies.{policy_id}.options.{key}",
                        f"the operator config {operator} does not allow repository policy "
                        "options ([repository] allow_options)",
                    )
        policies[policy_id] = PolicySettings(enabled, current.severity, options, floor)

    for directory in repo.policy_dirs:
        ignore(
            f"policy_dirs {directory!r}",
            "a repository config never loads policy code under an operator config",
        )
    if repo.repository is not None:
        ignore("[repository]", "only the operator config says what a repository config may do")

    waivers = list(base.waivers)
    for n, waiver in enumerate(repo.waivers):
        label = f"waivers[{n}] (policy {waiver.policy!r}, address {waiver.address!r})"
        why = _waiver_refused(waiver.policy, waiver.expires, trust, today)
        if why is not None:
            ignore(label, f"the operator config {operator} {why}")
            continue
        scope = None if "*" in trust.waiver_policies else trust.waiver_policies
        waivers.append(replace(waiver, allowed_by=base.path, allowed_policies=scope))
        limited = f" for policies {', '.join(map(repr, scope))}" if scope else ""
        warnings.append(
            RunWarning(
                "config",
                f"{repo.where}: {label} counts: repository waivers{limited} are allowed by "
                f"the operator config {operator}",
            )
        )

    merged = replace(
        base,
        fail_on=fail_on,
        fail_on_possible=fail_on_possible,
        block_possible=block_possible,
        fail_on_possible_text=None if block_possible else NEVER,
        lock_tables=_union(base.lock_tables, repo.lock_tables),
        state_buckets=_union(base.state_buckets, repo.state_buckets),
        policies=policies,
        disable=tuple(disable),
        waivers=tuple(waivers),
    )
    return merged, warnings


def _waiver_refused(
    policy: str, expires: dt.date | None, trust: RepositoryTrust, today: dt.date
) -> str | None:
    """Why the operator's `[repository]` table refuses a repository waiver, or None."""
    if not trust.allow_waivers:
        return "does not allow repository waivers ([repository] allow_waivers)"
    if trust.waiver_max_days is not None:
        limit = today + dt.timedelta(days=trust.waiver_max_days)
        if expires is None or expires > limit:
            return (
                f"requires repository waivers to expire within {trust.waiver_max_days} days "
                f"(by {limit.isoformat()}; [repository] waiver_max_days)"
            )
    literal = "*" not in policy and "?" not in policy
    if literal and not any(glob_matches(p, policy) for p in trust.waiver_policies):
        allowed = ", ".join(map(repr, trust.waiver_policies))
        return (
            f"allows repository waivers only for policies {allowed} ([repository] waiver_policies)"
        )
    return None


def _possible_rank(config: Config) -> int:
    """fail_on_possible as a rank where 'never' is above every severity (the loosest)."""
    if not config.block_possible:
        return len(Severity)
    return int(config.possible_blocking_at)


def _possible_text(config: Config) -> str:
    return NEVER if not config.block_possible else str(config.possible_blocking_at)


def _union(first: Iterable[str], second: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*first, *second]))


def _check_policy_names(config: Config, policies: Sequence[Policy]) -> None:
    """A setting for a policy that is not loaded, or an option it does not take, is a typo
    that would silently weaken the gate."""
    known = {p.id: p for p in policies}
    named = [*config.policies, *(p for p in config.disable if p not in config.policies)]
    for policy_id in named:
        item = known.get(policy_id)
        if item is None:
            raise PlangateError(
                "config",
                f"{config.where}: settings for {policy_id}, which is "
                "not a loaded policy; `plangate policies` lists them",
            )
        unknown = sorted(set(config.settings(policy_id).options) - set(item.options))
        if unknown:
            takes = ", ".join(sorted(item.options)) or "none"
            raise PlangateError(
                "config",
                f"{config.where}: {policy_id} has no option(s) "
                f"{', '.join(unknown)} (it takes: {takes})",
            )
