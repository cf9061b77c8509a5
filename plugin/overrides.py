"""The operator's `--override ID --reason TEXT`: a soft-mandatory policy let through once.

Sentinel's soft-mandatory level, on plangate's command line. An override is an act of
whoever runs the gate, so it exists only as command-line arguments (and the `Gate`
keyword): no config file, no environment variable and nothing in the plan or the
checkout can hold one, and a repository config that tries is an unknown key. It names
a policy, never a resource, and it needs a reason; a hard-mandatory policy takes none
(a usage error: the operator config must first make the policy soft-mandatory, which
leaves a record where the operator's config is kept).

Who ran it is read from the CI's own variables (`GITHUB_ACTOR`, `GITLAB_USER_LOGIN`,
Atlantis's `USER_NAME`) for the record every report carries. It is a label, not an
authentication: whoever can set the variables can set the name, so the setup that
lets only the right people pass `--override` is the CI's (see the README).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .config_model import Config
from .errors import PlangateError
from .policy import Enforcement, Policy

__all__ = ["UNKNOWN_RUNNER", "Override", "build_overrides", "who_ran"]

UNKNOWN_RUNNER = "unknown"
# Longer names are cut: a CI username is short, a value this long is not one.
_NAME_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Override:
    """`--override POLICY --reason REASON`, run by `by` (as `by_from`, the CI variable it
    was read from, says; None: not known)."""

    policy: str
    reason: str
    by: str = UNKNOWN_RUNNER
    by_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "reason": self.reason,
            "by": self.by,
            "by_from": self.by_from,
        }


def who_ran(environ: Mapping[str, str]) -> tuple[str, str | None]:
    """The user the CI says started this run, and the variable that says so: GitHub
    Actions' `GITHUB_ACTOR`, GitLab CI's `GITLAB_USER_LOGIN`, or in an Atlantis workflow
    step (`ATLANTIS_TERRAFORM_VERSION` is set) `USER_NAME`, the user whose comment ran
    the command (the Atlantis user itself on an autoplan). Else unknown."""
    candidates = ["GITHUB_ACTOR", "GITLAB_USER_LOGIN"]
    if environ.get("ATLANTIS_TERRAFORM_VERSION"):
        candidates.append("USER_NAME")
    for name in candidates:
        value = " ".join(environ.get(name, "").split())
        if value:
            cut = value if len(value) <= _NAME_LIMIT else value[: _NAME_LIMIT - 1] + "…"
            return cut, name
    return UNKNOWN_RUNNER, None


def build_overrides(
    ids: Sequence[str],
    reason: str | None,
    policies: Iterable[Policy],
    config: Config,
    environ: Mapping[str, str],
) -> tuple[Override, ...]:
    """The overrides the command line asks for, each checked: a reason is given, the
    policy is loaded, and it is not hard-mandatory under `config`. Anything else is a
    usage error (exit 2), so a mistyped override never silently blocks or passes."""
    if not ids:
        if reason is not None:
            raise PlangateError(
                "usage", "--reason without --override; name the policy to let through"
            )
        return ()
    if reason is None or not reason.strip():
        raise PlangateError(
            "usage",
            f"--override {ids[0]}: give --reason TEXT (why it is let through; "
            "every report shows it)",
        )
    loaded = {p.id: p for p in policies}
    by, by_from = who_ran(environ)
    found: dict[str, Override] = {}
    for given in ids:
        policy_id = given.strip().upper()
        item = loaded.get(policy_id)
        if item is None:
            raise PlangateError(
                "usage",
                f"--override {given!r}: no loaded policy has that id; "
                "`plangate policies` lists them",
            )
        if config.enforcement(policy_id, item.enforcement) is Enforcement.HARD_MANDATORY:
            raise PlangateError(
                "usage",
                f"--override {policy_id}: it is hard-mandatory, which no override lets through; "
                f'to allow overrides, set [policies.{policy_id}] enforcement = "soft-mandatory" '
                "in the operator config",
            )
        found.setdefault(policy_id, Override(policy_id, reason.strip(), by, by_from))
    return tuple(found.values())
