"""The test kit for pack authors: build a valid plan from a few resources
(`PlanBuilder`, `refs`, `const`), check it with one policy (`run_policy`), hand a pack's
helpers its settings (`pack_settings`), compare what was found (`summarise`).

Shipped in the package and used by plangate's own policy tests, so a third-party pack is
tested exactly like the built-in one. Import-light: only plangate's own modules.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any

from .addresses import format_index, parse_traversal
from .config import Config, PolicySettings
from .discovery import Packs, pack_of
from .gate import Gate
from .markers import (
    KnownAfterApply,
    after_unknown,
    omit_unknowns,
    place_unknowns,
    sensitive_markers,
)
from .packs import Pack, PackSettings, RecordedBackend
from .plan import Plan
from .plan_builder import PlanBuilder, provider_for
from .policy import Finding, Policy

__all__ = [
    "KnownAfterApply",
    "PlanBuilder",
    "after_unknown",
    "const",
    "omit_unknowns",
    "pack_settings",
    "place_unknowns",
    "provider_for",
    "refs",
    "run_policy",
    "sensitive_markers",
    "summarise",
]

_DYNAMIC_INDEX = re.compile(r"^([^\[]+)\[([A-Za-z_][^\]]*)\](.*)$")


def refs(*names: str) -> dict[str, list[str]]:
    """A configuration expression referring to `names`, unwrapped the way Terraform does.

    A dynamic index (`aws_iam_role.svc[each.key].arn`) is written as Terraform writes
    it: the bare block and the index expression's own reference.
    """
    unwrapped: list[str] = []
    for name in names:
        dynamic = _DYNAMIC_INDEX.match(name)
        if dynamic:
            for text in (dynamic.group(1), dynamic.group(2)):
                if text not in unwrapped:
                    unwrapped.append(text)
            continue
        steps = parse_traversal(name)
        for end in range(len(steps), 1, -1):
            text = ".".join(step + format_index(key) for step, key in steps[:end])
            if text not in unwrapped:
                unwrapped.append(text)
            block = 2 if steps[0][0] == "data" else 1
            if end == block + 1 and steps[block][1] is not None:  # `t.n[k]` also as `t.n`
                bare = ".".join(name for name, _ in steps[: block + 1])
                if bare not in unwrapped:
                    unwrapped.append(bare)
    return {"references": unwrapped}


def const(value: Any) -> dict[str, Any]:
    return {"constant_value": value}


def run_policy(
    policy: Policy,
    plan: Plan | PlanBuilder | Mapping[str, Any],
    *,
    options: Mapping[str, Any] | None = None,
    backend: RecordedBackend | None = None,
    **settings: Any,
) -> list[Finding]:
    """Check the plan with one policy through `plangate.Gate`, as `plangate check` does:
    behind the same isolation, so a policy that raises anything (`sys.exit`,
    `KeyboardInterrupt` included) fails the test with the error the CLI would report,
    instead of ending or passing the test run. What the policy printed is dropped from
    the CLI's output; here it is written to stdout, where pytest shows it with a failing
    test.

    `options` are the policy's options; keyword arguments are its pack's settings, given
    as on the command line (`lock_tables=["locks"]` for the state-backend pack); `backend`
    is what `terraform init` recorded (default: a builder's `with_backend`).
    """
    if isinstance(plan, PlanBuilder):
        backend = backend if backend is not None else plan.backend
        plan = plan.build()
    elif not isinstance(plan, Plan):
        plan = Plan(plan, "test-plan.json")
    pack = pack_of(policy.func.__module__)
    packs = Packs([policy.with_source(policy.source, pack.name if pack else "")])
    if pack is not None:
        packs.packs.append(pack)
    config = Config(policies={policy.id: PolicySettings(options=dict(options or {}))})
    option_values = _as_options(pack, settings) if pack is not None else {}
    if settings and pack is None:
        raise TypeError(f"{policy.id} belongs to no pack: it takes no settings {sorted(settings)}")
    report = Gate(packs, config, options=option_values, backend=backend).check([plan])
    for printed in report.printed:
        sys.stdout.write(printed.text)
    if report.errors:
        raise AssertionError(report.errors[0].message)
    return report.findings


def pack_settings(
    of: Policy | Pack, *, backend: RecordedBackend | None = None, **settings: Any
) -> PackSettings:
    """The settings a policy's pack (or a pack) is handed, with these values given as on
    the command line: what a pack's helpers take in place of `settings`, in a test."""
    pack = of if isinstance(of, Pack) else pack_of(of.func.__module__)
    if pack is None:
        raise TypeError(f"{of.id} belongs to no pack")  # type: ignore[union-attr]
    return PackSettings.build(pack, _as_options(pack, settings)[pack.name], None, backend)


def _as_options(pack: Pack, settings: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Values as the command line gives them: labelled with the option's flag (or, for a
    setting without one, its name), read as the setting reads them."""
    flags = {spec.setting.name: spec.flag for spec in pack.option_specs()}
    values = {}
    for name, value in settings.items():
        setting = pack.setting(name)
        if setting is None:
            known = ", ".join(s.name for s in pack.settings) or "none"
            raise TypeError(f"pack {pack.name} has no setting {name!r} (it has: {known})")
        given = list(value) if isinstance(value, list | tuple) else value
        values[name] = (flags.get(name, name), setting.parse(given))
    return {pack.name: values}


def summarise(findings: Iterable[Finding]) -> list[tuple[str, str, str | None, str]]:
    """(policy id, address, attribute, certainty) per finding: what a test compares."""
    return [(f.policy_id, f.address, f.attribute, str(f.certainty)) for f in findings]
