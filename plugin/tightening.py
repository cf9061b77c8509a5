"""What a repository config may set under an operator config: only what tightens the gate.

`plangate.trust` says whose config counts; this module holds the rules for the one case
that needs them, a repository config (from the pull request's checkout) read under an
operator config: thresholds it may lower, policies it may enable or raise (severity and
enforcement level), `only_new` it may turn off, waivers and
options where the operator's `[repository]` table allows them, and each pack setting as
its pack declares (`plangate.Merge`). Whatever else it sets is ignored, as a warning
naming the file and the setting; values from it are quoted with `repr`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from .config import NEVER, Config, PolicySettings, RepositoryTrust, Waiver, glob_matches
from .packs import Merge, Pack
from .policy import Enforcement, Severity
from .report import RunWarning

__all__ = ["ignored", "tighten"]


def ignored(config: Config, setting: str, why: str) -> RunWarning:
    return RunWarning("config", f"{config.where}: {setting} ignored: {why}")


def tighten(
    base: Config,
    repo: Config,
    severities: Mapping[str, Severity],
    packs: Mapping[str, Pack],
    today: dt.date,
    levels: Mapping[str, Enforcement] | None = None,
) -> tuple[Config, list[RunWarning]]:
    """`base` (the operator's, with the command line's thresholds) tightened by what the
    repository config `repo` may set; the rest of `repo` becomes warnings. `severities`
    and `levels` are the loaded policies' declared severities and enforcement levels."""
    warnings: list[RunWarning] = []

    def ignore(setting: str, why: str) -> None:
        warnings.append(ignored(repo, setting, why))

    merged = _only_new(_thresholds(base, repo, ignore), repo, ignore)
    policies, disable = _policy_settings(base, repo, severities, levels or {}, ignore)
    for directory in repo.policy_dirs:
        ignore(
            f"policy_dirs {directory!r}",
            "a repository config never loads policy code under an operator config",
        )
    if repo.repository is not None:
        ignore("[repository]", "only the operator config says what a repository config may do")
    waivers = _repository_waivers(base, repo, today, ignore, warnings)
    return (
        replace(
            merged,
            policies=policies,
            disable=disable,
            waivers=waivers,
            packs=_pack_settings(base, repo, packs, ignore),
        ),
        warnings,
    )


Ignore = Callable[[str, str], None]


def _thresholds(base: Config, repo: Config, ignore: Ignore) -> Config:
    """`fail_on` and `fail_on_possible`: the repository may lower them, never raise them."""
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
    return replace(
        base,
        fail_on=fail_on,
        fail_on_possible=fail_on_possible,
        block_possible=block_possible,
        fail_on_possible_text=None if block_possible else NEVER,
    )


def _only_new(base: Config, repo: Config, ignore: Ignore) -> Config:
    """`only_new`: the repository may turn it off (every violation blocks again), never on
    (that would let the violations already deployed through)."""
    if repo.only_new is None or repo.only_new == (base.only_new is True):
        return base
    if repo.only_new is False:
        return replace(base, only_new=False)
    ignore(
        "only_new = true",
        "it would let existing violations through; only the operator turns it on "
        f"(--only-new or {base.where})",
    )
    return base


def _policy_settings(
    base: Config,
    repo: Config,
    severities: Mapping[str, Severity],
    levels: Mapping[str, Enforcement],
    ignore: Ignore,
) -> tuple[dict[str, PolicySettings], tuple[str, ...]]:
    """Policies the repository enables, severities (as floors) and enforcement levels it
    raises, and options where the operator allows them; never a policy switched off, a
    severity or a level lowered."""
    trust = base.repository or RepositoryTrust()
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
        level = _raised_level(policy_id, current, wanted, levels, ignore)
        options = current.options
        if wanted.options:
            if trust.allow_options:
                options = {**current.options, **wanted.options}
            else:
                for key in wanted.options:
                    ignore(
                        f"policies.{policy_id}.options.{key}",
                        f"the operator config {base.where} does not allow repository policy "
                        "options ([repository] allow_options)",
                    )
        policies[policy_id] = PolicySettings(enabled, current.severity, options, floor, level)
    return policies, tuple(disable)


def _raised_level(
    policy_id: str,
    current: PolicySettings,
    wanted: PolicySettings,
    levels: Mapping[str, Enforcement],
    ignore: Ignore,
) -> Enforcement | None:
    """The enforcement level after the repository's: raised (advisory → soft-mandatory →
    hard-mandatory), never lowered. A level is the policy's alone, so the higher one
    simply replaces the operator's (no floor is needed, unlike a finding's severity)."""
    if wanted.enforcement is None:
        return current.enforcement
    declared = levels.get(policy_id, Enforcement.SOFT_MANDATORY)
    operator = current.enforcement if current.enforcement is not None else declared
    if wanted.enforcement >= operator:
        return wanted.enforcement
    ignore(
        f"policies.{policy_id}.enforcement = '{wanted.enforcement}'",
        f"it would lower {policy_id} below '{operator}'",
    )
    return current.enforcement


def _repository_waivers(
    base: Config, repo: Config, today: dt.date, ignore: Ignore, warnings: list[RunWarning]
) -> tuple[Waiver, ...]:
    """The operator's waivers, then the repository's the operator's `[repository]` table
    allows, each marked with who allowed it (and a warning saying so)."""
    trust = base.repository or RepositoryTrust()
    waivers = list(base.waivers)
    for n, waiver in enumerate(repo.waivers):
        label = f"waivers[{n}] (policy {waiver.policy!r}, address {waiver.address!r})"
        why = _waiver_refused(waiver.policy, waiver.expires, trust, today)
        if why is not None:
            ignore(label, f"the operator config {base.where} {why}")
            continue
        scope = None if "*" in trust.waiver_policies else trust.waiver_policies
        waivers.append(replace(waiver, allowed_by=base.path, allowed_policies=scope))
        limited = f" for policies {', '.join(map(repr, scope))}" if scope else ""
        warnings.append(
            RunWarning(
                "config",
                f"{repo.where}: {label} counts: repository waivers{limited} are allowed by "
                f"the operator config {base.where}",
            )
        )
    return tuple(waivers)


def _pack_settings(
    base: Config, repo: Config, packs: Mapping[str, Pack], ignore: Ignore
) -> dict[str, dict[str, Any]]:
    """Each pack setting of the repository's, under the rule its pack declares for it."""
    merged = {name: dict(values) for name, values in base.packs.items()}
    for name, values in repo.packs.items():
        pack = packs[name]
        into = merged.setdefault(name, {})
        for key, value in values.items():
            setting = pack.setting(key)
            assert setting is not None  # with_packs read only declared settings
            current = into.get(key, setting.default)
            label = f"packs.{name}.{key} = {value!r}"
            if setting.merge is Merge.ADD:
                into[key] = _union(current, value)
            elif value == current:
                continue
            elif setting.merge is Merge.ENABLE and value is True:
                into[key] = True
            elif setting.merge is Merge.ENABLE:
                ignore(label, "a repository config may turn it on, never off")
            else:
                ignore(label, f"only the operator sets it (the command line or {base.where})")
    return merged


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
