"""Whose configuration counts, and how far: the operator's against the repository's.

The operator (whoever runs CI or Atlantis) names a config with `--config FILE` or
`$PLANGATE_CONFIG`; the repository's config is found in the checkout, which the author of
the pull request being gated controls. Without an operator config (a developer gating
their own plans) the repository's config is trusted. With one, the operator's is the base
and the repository's may only tighten the gate:

- it may enable policies (even ones the operator switched off: enabling is tightening),
  raise severities (as a floor, so a finding is never lowered) and enforcement levels,
  lower `fail_on` / `fail_on_possible`, and turn `only_new` off (never on);
- each pack setting counts as the pack declares (`plangate.Merge`): a list the
  repository may only add to (the state-backend pack's lock tables and state buckets),
  a flag it may only turn on, or a value only the operator sets;
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config, find_config, read_config, with_packs
from .errors import PlangateError
from .packs import Pack
from .policy import Policy
from .report import ConfigFile, RunWarning
from .tightening import ignored, tighten

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
    packs: Sequence[Pack] = (),
    fail_on: str | None = None,
    fail_on_possible: str | None = None,
    only_new: bool | None = None,
) -> Effective:
    """The effective config. `fail_on` / `fail_on_possible` / `only_new` are the command
    line's (the operator's): they replace the operator config's, or without an operator
    config the repository's, as before. `policies` and `packs` are the loaded ones:
    settings for any other policy or pack are a config error in either file (a typo must
    not pass silently)."""
    operator, repository = (
        None if config is None else with_packs(config, packs)
        for config in (sources.operator, sources.repository)
    )
    for config in (operator, repository):
        if config is not None:
            _check_policy_names(config, policies)
    if operator is None:
        base = (repository or Config()).with_thresholds(fail_on, fail_on_possible, only_new)
        if repository is None:
            return Effective(base)
        warnings: tuple[RunWarning, ...] = ()
        if repository.repository is not None:
            why = "it has effect only in an operator config"
            warnings = (ignored(repository, "[repository]", why),)
        return Effective(base, (ConfigFile(str(repository.path), "repository", True),), warnings)
    base = operator.with_thresholds(fail_on, fail_on_possible, only_new)
    files = [ConfigFile(str(operator.path), "operator", True)]
    if repository is None:
        return Effective(base, tuple(files))
    files.append(ConfigFile(str(repository.path), "repository", False))
    severities = {p.id: p.severity for p in policies}
    levels = {p.id: p.enforcement for p in policies}
    by_name = {p.name: p for p in packs}
    merged, tightened = tighten(base, repository, severities, by_name, today, levels)
    return Effective(merged, tuple(files), tuple(tightened))


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
