"""Pointing each finding at the `.tf` lines a person edits, once per run.

A finding names a resource by its address, which is what the plan knows; a reviewer acts
on a line of a `.tf` file. After the decision, the engine asks a `SourceLocator` (one per
plan: each has its own configuration) where each finding's resource and attribute are
written, and every format reads the answer from the finding's `location`. Only findings
are located, and every instance of a block shares one lookup, so the cost grows with the
blocks findings land on, not with the plan.

Where the sources cannot be told (the working directory is not known, the sources the
plan was made from are not there, or a module lies outside the repository root), a
finding keeps no location and the formats point at the plan file, as they would without
this; the report says so in one warning for the whole run, not one per finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .plan import Plan
from .policy import Finding
from .report import RunWarning
from .sources import SourceLocation, SourceLocator

__all__ = ["WARNING_KIND", "locate_findings"]

# The kind of the run's warning that findings point at the plan file.
WARNING_KIND = "sources"


def locate_findings(
    findings: Sequence[Finding],
    plans: Sequence[Plan],
    workdir: Path | None,
    source_root: Path | None = None,
) -> tuple[list[Finding], RunWarning | None]:
    """The findings with their `location`, and the warning to give when any finding on a
    resource got none. A plan's sources are in its `source_dir`, else in `workdir` (the
    gate's Terraform working directory); `source_root` is the repository root (default:
    the folder holding `.git` above the sources)."""
    by_path: dict[str, Plan] = {}
    for plan in plans:
        by_path.setdefault(plan.path, plan)  # the same file given twice: one configuration
    locators: dict[str, SourceLocator] = {}
    searched: dict[Path, None] = {}
    for path, plan in by_path.items():
        directory = plan.source_dir or workdir
        if directory is not None:
            configuration = plan.raw.get("configuration")
            locators[path] = SourceLocator(configuration, directory, source_root)
            # Named as given (`--chdir infra`), not resolved: the same run says the same.
            searched[workdir if workdir is not None else directory] = None
    located: list[Finding] = []
    missed = 0
    # Whether the formats would name a location (each instance of a block shares one).
    nameable: dict[SourceLocation, bool] = {}
    for found in findings:
        locator = locators.get(found.plan)
        where = locator.locate(found.address, found.attribute) if locator is not None else None
        if where is not None and where not in nameable:
            # The formats' own rule, imported only when there is a location to check.
            from .reporters.shared import source_point

            nameable[where] = source_point({"location": where.to_dict()}) is not None
        if where is not None and not nameable[where]:
            where = None  # a path no format would name (`##[`, a soft hyphen): none at all
        if where is not None:
            located.append(replace(found, location=where))
            continue
        located.append(found)
        owner = by_path.get(found.plan)
        if owner is not None and _is_resource(owner, found.address):
            missed += 1
    if not missed:
        return located, None
    return located, RunWarning(WARNING_KIND, _unlocated(missed, len(findings), list(searched)))


def _is_resource(plan: Plan, address: str) -> bool:
    """Whether a finding is on a resource of its plan, which its sources would declare
    (not on a name such as `backend.s3`, which no block declares)."""
    return address in plan.by_address or address in plan.prior_by_address


def _unlocated(missed: int, total: int, searched: list[Path]) -> str:
    counted = f"{missed} of {total} findings" if missed != total else f"{total} finding(s)"
    head = f"{counted} point at the plan file, not at the .tf line that writes them"
    if not searched:
        return (
            f"{head}: the Terraform working directory is not known "
            "(--chdir DIR; in Python, Gate's workdir)"
        )
    folders = ", ".join(str(folder) for folder in searched)
    return (
        f"{head}: no .tf file in the Terraform working directory {folders} (--chdir), or in "
        "a module it calls inside the repository root, declares their resources; run "
        "plangate where Terraform planned, with the sources checked out (--source-root DIR "
        "names the repository root)"
    )
