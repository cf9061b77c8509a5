"""The public check API: a `Gate` decides plans, and `check()` is the one-call form.

A gate is what decides: the loaded packs, the settings a run applies (thresholds,
waivers, policy and pack settings), the date waivers expire against, and the Terraform
working directory (its `.tf` sources, the backend `terraform init` recorded there, and
where binary plan files are shown). It is an immutable value; build one, check any
number of plans with it.

    from plangate import Gate, check

    report = check(["plan.json"])                       # as `plangate check plan.json`
    gate = Gate.load(config="ops/plangate.toml", workdir="infra")
    report = gate.check(["plan.tfplan"], terraform_bin="tofu")
    report = Gate(packs, Config(fail_on=Severity.MEDIUM), today=date(2030, 1, 1)).check([plan])

`Gate.load` reads config files the way the command line does (the operator's named one,
the repository's discovered one, under the trust rules of `plangate.trust`) and loads the
packs they allow; building a `Gate` directly trusts exactly what it is given.

`check` returns a `Report`: the decision, findings, errors met while evaluating (a policy
that raised), warnings (ignored settings, unmatched waivers), pack sections, config files,
plans and stats. It raises `PlangateError` when the evaluation cannot complete at all (an
unreadable plan, a usage error); `Report.failed(error)` is the report that says so.

Unlike `plangate check`, a call has no time limit (the command line's watchdog takes
over SIGALRM and may end the process: not a library's to do), and the report's text is
raw, as the plan and the config files hold it (secrets withheld, nothing escaped): a
caller checking plans from pull requests bounds the call itself and renders the report
with a format (`plangate.reporters.render`) before showing it.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .config import Config
from .context import Context
from .discovery import Packs, load_packs
from .errors import PlangateError
from .loading import load_plan_data
from .locations import locate_findings
from .overrides import Override, build_overrides
from .packs import PackSettings, RecordedBackend
from .plan import Plan
from .policy import Inventory
from .redaction import redactor_for
from .report import ConfigFile, PlanInfo, Report, RunWarning
from .runner import (
    Printed,
    RunError,
    decide,
    run_contributions,
    run_inventories,
    run_policies,
    value_errors,
)
from .terraform import find_terraform, read_backend, show_json
from .trust import load_sources, merge_configs, run_today
from .waiver_warnings import idle_overrides, override_records, refused_waivers, unmatched_waivers

__all__ = ["Gate", "PlanSource", "check"]

# A plan to check: a `terraform show -json` file, '-' for stdin, a binary plan file, or a
# plan already built.
PlanSource = str | os.PathLike[str] | Plan
# Per pack, per setting: the command line's (flag, value), which comes before any config.
Options = Mapping[str, Mapping[str, tuple[str, Any]]]


@dataclass(frozen=True)
class Gate:
    """What decides a plan.

    - `workdir`: the Terraform working directory: its `.tf` sources (to follow local
      values, and to point findings at the lines that write them), the backend
      `terraform init` recorded there, where binary plans are shown. None: none of them
      (binary plans are shown in the current directory; findings point at the plan file).
    - `source_root`: the repository root, which finding locations are relative to and
      never leave. None: the nearest folder holding `.git` above the sources.
    - `options`: the command line's values of pack settings, per pack and setting:
      (flag, value); they come before the config's.
    - `backend`: the recorded backend to use instead of reading `workdir`'s.
    - `files`, `warnings`: the config files `config` came from and what of them was
      ignored (every report carries them).
    - `overrides`: the operator's `--override`s (`plangate.overrides`); one for a
      hard-mandatory policy lets nothing through.
    """

    packs: Packs = field(default_factory=lambda: load_packs())
    config: Config = field(default_factory=Config)
    today: dt.date = field(default_factory=dt.date.today)
    workdir: Path | None = None
    options: Options = field(default_factory=dict)
    backend: RecordedBackend | None = None
    files: tuple[ConfigFile, ...] = ()
    warnings: tuple[RunWarning, ...] = ()
    overrides: tuple[Override, ...] = ()
    source_root: Path | None = None

    @classmethod
    def load(
        cls,
        *,
        config: str | None = None,
        policy_dirs: Iterable[str] = (),
        entry_points: bool = True,
        workdir: str | os.PathLike[str] | None = None,
        fail_on: str | None = None,
        fail_on_possible: str | None = None,
        options: Options | None = None,
        environ: Mapping[str, str] | None = None,
        only_new: bool | None = None,
        override: Sequence[str] = (),
        reason: str | None = None,
        source_root: str | os.PathLike[str] | None = None,
    ) -> Gate:
        """The command line's way: `config` is the operator's file (else
        `$PLANGATE_CONFIG`), the repository's is discovered from `workdir`, and packs load
        from the policy directories the trusted config names and from `policy_dirs`.
        `fail_on` / `fail_on_possible` are severity names (or "never"), `only_new` True
        for `--only-new`, `override` the policy ids of `--override` with their `reason`:
        all the operator's. Who ran an override is read from `environ`'s CI variables.
        `source_root`: the repository root findings point into (`--source-root`)."""
        environ = os.environ if environ is None else environ
        where = Path(workdir) if workdir is not None else None
        if where is not None and not where.is_dir():
            raise PlangateError("usage", f"--chdir {workdir}: not a directory")
        root = Path(source_root) if source_root is not None else None
        if root is not None and not root.is_dir():
            raise PlangateError("usage", f"--source-root {source_root}: not a directory")
        sources = load_sources(config, (where or Path(".")).resolve(), environ)
        today, ignored_today = run_today(environ, sources.operator)
        packs = load_packs([*sources.policy_dirs, *policy_dirs], entry_points_enabled=entry_points)
        try:
            effective = merge_configs(
                sources,
                packs.policies,
                today,
                packs=packs.packs,
                fail_on=fail_on,
                fail_on_possible=fail_on_possible,
                only_new=only_new,
            )
            overrides = build_overrides(override, reason, packs.policies, effective.config, environ)
        except PlangateError:
            if packs.errors:  # a setting for a policy of the pack that failed: say why
                raise PlangateError("policy", packs.errors[0]) from None
            raise
        warnings = effective.warnings + ((ignored_today,) if ignored_today else ())
        return cls(
            packs,
            effective.config,
            today,
            where or Path("."),
            dict(options or {}),
            files=effective.files,
            warnings=warnings,
            overrides=overrides,
            source_root=root,
        )

    @property
    def active_policies(self) -> int:
        """How many of the loaded policies the settings leave enabled."""
        return sum(1 for p in self.packs.policies if self.config.enabled(p.id))

    def check(
        self,
        plans: Sequence[PlanSource],
        *,
        terraform_bin: str | None = None,
        map: bool = False,
        retain: list[Plan] | None = None,
    ) -> Report:
        """Decide these plans together (one report). `terraform_bin` shows binary plan
        files (default `$PLANGATE_TERRAFORM`, then terraform or tofu on PATH). `map`:
        also draw each plan's assurance map (`Report.maps`). Each plan read is appended
        to `retain` when given: a process about to exit keeps them, as freeing a large
        parsed plan object by object costs more than exiting."""
        if sum(1 for p in plans if isinstance(p, str) and p == "-") > 1:
            raise PlangateError("usage", "'-' (stdin) given more than once; stdin holds one plan")
        context = self.context()
        built: list[Plan] = [] if retain is None else retain
        built.extend(self._plan(source, terraform_bin) for source in plans)
        report = Report(
            policies=self.active_policies,
            config_files=list(self.files),
            warnings=list(self.warnings),
            plans=[_plan_info(plan) for plan in built],
        )
        outcome = run_policies(built, self.packs.policies, context, self.config)
        report.findings = decide(
            outcome.findings, self.config, today=self.today, overrides=self.overrides
        )
        report.only_new = self.config.only_new is True
        report.overrides = override_records(self.overrides, report.findings)
        report.warnings.extend(unmatched_waivers(self.config, report.findings))
        report.warnings.extend(refused_waivers(report.findings))
        report.warnings.extend(idle_overrides(report.overrides))
        report.findings, unlocated = locate_findings(
            report.findings, built, self.workdir, self.source_root
        )
        if unlocated is not None:
            report.warnings.append(unlocated)
        rows, section_errors, section_printed = run_inventories(
            built, self.packs.inventories, context
        )
        report.sections = self._sections(rows)
        found = [Printed(what, size, "") for what, size in self.packs.printed]
        report.printed = [*found, *outcome.printed, *section_printed]
        report.warnings.extend(RunWarning("output", item.warning()) for item in report.printed)
        errors = [
            *(RunError("policy", error) for error in self.packs.errors),
            *outcome.errors,
            *section_errors,
            *(e for plan in built for e in value_errors(plan)),
        ]
        report.errors = list(dict.fromkeys(errors))  # a value error is found by several readers
        report.seconds = outcome.seconds
        if map:
            self._maps(report, built, context)
        return _withhold_secrets(report, built)

    def _maps(self, report: Report, built: Sequence[Plan], context: Context) -> None:
        """Each plan's assurance map, from the packs' contributions and the decided
        findings; what a contribution raised is an error of the run, as a policy's is."""
        from .assurance_model import NotPlain
        from .assurance_model import build as build_map

        started = time.perf_counter()
        ran = [p.id for p in self.packs.policies if self.config.enabled(p.id)]
        for plan in built:
            made, errors, printed = run_contributions(plan, self.packs.contributors, context)
            report.errors.extend(e for e in errors if e not in report.errors)
            report.printed.extend(printed)
            report.warnings.extend(RunWarning("output", item.warning()) for item in printed)
            try:
                model = build_map(
                    plan.path, made, report.findings, ran=ran, clean=_map_cleaner(plan)
                )
            except NotPlain as exc:
                report.errors.append(
                    RunError(
                        "policy",
                        f"assurance of pack {exc.pack} returned {exc.what} on {plan.path}",
                    )
                )
                continue
            report.maps.append(model)
        report.map_seconds = time.perf_counter() - started

    def context(self) -> Context:
        """Each loaded pack's settings: the command line's options, then the config's,
        then the defaults, and what the pack reads of the recorded backend."""
        backend = self.backend
        if backend is None and self.workdir is not None:
            wanted: dict[str, set[str]] = {}
            for pack in self.packs.packs:
                for kind, names in pack.backend_fields.items():
                    wanted.setdefault(kind, set()).update(names)
            backend = read_backend(str(self.workdir), wanted)
        return Context(
            tuple(
                PackSettings.build(
                    pack,
                    self.options.get(pack.name),
                    self.config.packs.get(pack.name),
                    backend,
                )
                for pack in self.packs.packs
            )
        )

    def _sections(
        self, found: Sequence[tuple[Inventory, list[dict[str, str]]]]
    ) -> dict[str, list[dict[str, str]]]:
        """Every section the loaded packs declare (empty when nothing was found), its
        rows in the order found; a row the section's key says is already there is not
        repeated (a target found in several plans, or by several inventories)."""
        declared = {s.name: s for pack in self.packs.packs for s in pack.sections}
        kept: dict[str, dict[tuple[Any, ...], dict[str, str]]] = {name: {} for name in declared}
        for item, rows in found:
            section = declared[item.section]
            for row in rows:
                kept[item.section].setdefault(section.row_key(row), row)
        return {name: list(rows.values()) for name, rows in kept.items()}

    def _plan(self, source: PlanSource, terraform_bin: str | None) -> Plan:
        if isinstance(source, Plan):
            return source

        def show(planfile: str) -> bytes:
            workdir = str(self.workdir) if self.workdir is not None else None
            return show_json(planfile, find_terraform(terraform_bin), workdir)

        data, where = load_plan_data(os.fspath(source), show)
        source_dir = self.workdir.resolve() if self.workdir is not None else None
        return Plan(data, where, source_dir=source_dir)


def check(
    plans: Sequence[PlanSource],
    *,
    terraform_bin: str | None = None,
    **load: Any,
) -> Report:
    """`Gate.load(**load).check(plans)`: one call that reads config files and loads packs
    the way `plangate check` does (keywords as `Gate.load`'s)."""
    return Gate.load(**load).check(plans, terraform_bin=terraform_bin)


def _plan_info(plan: Plan) -> PlanInfo:
    return PlanInfo(
        plan.path, plan.terraform_version, plan.format_version, plan.errored, plan.resource_count
    )


def _map_cleaner(plan: Plan) -> Callable[[str], str]:
    """The plan's redactor for the map's texts, but a resource address of the plan is
    left as Terraform printed it, as in a finding's chain (and most texts of a map are
    addresses: cleaning each would cost more than the map)."""
    redactor = redactor_for(plan)

    def clean(text: str) -> str:
        if text in plan.by_address or text in plan.prior_by_address:
            return text
        return redactor.clean(text)

    return clean


def _withhold_secrets(report: Report, plans: Sequence[Plan]) -> Report:
    """Errors, warnings and the packs' section rows may quote any plan of the run (a
    table found by its shape is named by its planned name, which a sensitive variable
    may hold): clean each with every plan's redactor. Policies' findings and errors are
    already cleaned with their own plan's."""
    if not (report.errors or report.warnings or any(report.sections.values())):
        return report
    redactors = [redactor_for(plan) for plan in plans]

    def clean(text: str) -> str:
        for redactor in redactors:
            text = redactor.clean(text)
        return text

    report.errors = [replace(e, message=clean(e.message)) for e in report.errors]
    report.warnings = [replace(w, message=clean(w.message)) for w in report.warnings]
    report.sections = {
        name: [{key: clean(value) for key, value in row.items()} for row in rows]
        for name, rows in report.sections.items()
    }
    return report
