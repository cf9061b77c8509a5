"""What every output format says alike, read from the report dict.

A reviewer who reads the same run as a PR comment, a CI annotation and a JUnit test
should meet the same words for the same fact (a finding that may only hold after apply,
a plan Terraform left incomplete, a waiver), and GitLab and GitHub, which compare
fingerprints between runs, should see one identity for one finding. So each fact is
phrased once, here; each format only escapes it for its place (`escaping`) and lays it
out in its own syntax.

Everything here reads the documented report dict (the JSON contract) and nothing else,
so a third-party format can use it as well.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..packs import REPORT_KEYS
from .escaping import visible

__all__ = [
    "INCOMPLETE_PLAN",
    "NEW",
    "NOT_NEW",
    "POSSIBLE",
    "ModuleCall",
    "Outcomes",
    "SourcePoint",
    "chain_note",
    "chain_text",
    "change_notes",
    "counts_text",
    "errored_plans",
    "finding_fingerprint",
    "fingerprint",
    "headline",
    "incomplete_plan",
    "let_through_note",
    "mode_note",
    "newness_note",
    "outcomes",
    "override_lines",
    "override_terms",
    "pack_sections",
    "plan_path",
    "possible_note",
    "row_text",
    "section_title",
    "source_point",
    "waiver_note",
    "waiver_terms",
]

POSSIBLE = "possible: depends on values known only after apply"
INCOMPLETE_PLAN = "Terraform reported errors: the plan is incomplete"
NEW = "new in this plan"
NOT_NEW = "already in the current state"
HARD = "hard-mandatory"
ONLY_NEW_NOTE = "already deployed: reported, not blocking (--only-new)"
ADVISORY_NOTE = "advisory: reported, never blocks"

Finding = dict[str, Any]


# -- identity ------------------------------------------------------------------------------


def fingerprint(*parts: str | None) -> str:
    """The sha256 of the parts (a missing one counts as empty): what GitLab's Code Quality
    and SARIF consumers compare between runs, so it depends on nothing that changes when a
    message is reworded."""
    key = json.dumps([p or "" for p in parts], ensure_ascii=False)
    # `surrogatepass`: the same bytes for every valid string, and no error on a lone
    # surrogate a hand-edited plan may hold.
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def finding_fingerprint(f: Finding) -> str:
    """One finding's identity across runs: the same policy on the same resource attribute."""
    return fingerprint(f["policy_id"], f["address"], f.get("attribute"))


def plan_path(report: dict[str, Any], f: Finding | None = None, default: str = "") -> str:
    """The plan file a finding comes from (the first plan for a run-wide item), or
    `default` when the run read no plan."""
    named = (f or {}).get("plan")
    if isinstance(named, str) and named:
        return named
    plans = report["plans"]
    return plans[0]["path"] if plans else default


# -- where a finding is written ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModuleCall:
    """A `module` block on the way from the root module to a finding's resource."""

    name: str
    path: str
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class SourcePoint:
    """The `.tf` lines a finding points at: `line`..`end_line` is what a person edits
    (the attribute when the block writes it, else the whole block), inside the block
    `block_line`..`block_end_line` of `path`; `module_calls` lead there from the root."""

    path: str
    line: int
    end_line: int
    block_line: int
    block_end_line: int
    module_calls: tuple[ModuleCall, ...]

    @property
    def text(self) -> str:
        """`modules/db/main.tf:70`, as editors and terminals link it."""
        return f"{self.path}:{self.line}"


# A path a format may name: relative to the repository root with `/` separators, no
# `.`/`..` or empty segment, no drive letter, no backslash, short enough to be a path.
_SEGMENT_OK = re.compile(r"[^/\\]+")
_DRIVE = re.compile(r"[A-Za-z]:")
_MAX_PATH = 4096


def _safe_path(path: Any) -> bool:
    if type(path) is not str or not path or len(path) > _MAX_PATH or _DRIVE.match(path):
        return False
    segments = path.split("/")
    return (
        all(_SEGMENT_OK.fullmatch(s) is not None and s not in (".", "..") for s in segments)
        and visible(path) == path
    )


def _lines(start: Any, end: Any) -> tuple[int, int] | None:
    """(start, end) when both are lines, 1-based and in order (a bool is no line)."""
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, end)):
        return None
    return (start, end) if 1 <= start <= end else None


def source_point(f: Finding) -> SourcePoint | None:
    """Where the finding is written, or None: then every format points at the plan file.

    The report says it (`location`), but a format renders whatever report it is given,
    and a path is printed into CI annotations, XML and links: one that could leave the
    repository (absolute, `..`, a drive), hold a character that does not print, or
    lines that are not lines, counts as no location at all.
    """
    where = f.get("location")
    if not isinstance(where, dict) or not _safe_path(where.get("path")):
        return None
    block = _lines(where.get("start_line"), where.get("end_line"))
    if block is None:
        return None
    point = block
    written = (where.get("attribute_line"), where.get("attribute_end_line"))
    if written != (None, None):
        lines = _lines(*written)
        if lines is None or not (block[0] <= lines[0] and lines[1] <= block[1]):
            return None
        point = lines
    listed = where.get("module_calls", [])
    if not isinstance(listed, list):
        return None
    calls = []
    for call in listed:
        if not isinstance(call, dict) or not _safe_path(call.get("path")):
            return None
        name, lines = call.get("name"), _lines(call.get("start_line"), call.get("end_line"))
        if not isinstance(name, str) or not name or lines is None:
            return None
        calls.append(ModuleCall(name, call["path"], *lines))
    return SourcePoint(where["path"], *point, *block, tuple(calls))


# -- plans ---------------------------------------------------------------------------------


def errored_plans(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Plans Terraform marked `errored`: each blocks the run, and every format says so."""
    return [plan for plan in report["plans"] if plan.get("errored")]


def incomplete_plan(plan: dict[str, Any]) -> str:
    return f"{plan['path']}: {INCOMPLETE_PLAN}"


# -- one finding ---------------------------------------------------------------------------


def headline(f: Finding) -> str:
    """Where and what, for a view that shows one line per finding."""
    return f"{f['address']}: {f['message']}"


def possible_note(f: Finding) -> str | None:
    return POSSIBLE if f.get("certainty") == "possible" else None


def newness_note(f: Finding) -> str | None:
    """Whether the plan brings the problem in or it is already there (None: not known)."""
    new = f.get("new")
    return NEW if new is True else NOT_NEW if new is False else None


def chain_text(chain: Iterable[str]) -> str:
    return " -> ".join(chain)


def chain_note(f: Finding) -> str | None:
    """The finding's path through the plan, from where it starts to the resource."""
    return "path: " + chain_text(f["chain"]) if f.get("chain") else None


def change_notes(f: Finding) -> list[str]:
    return [f"change: {change}" for change in f.get("changes", ())]


def waiver_terms(waiver: dict[str, Any]) -> str:
    """A waiver's reason, how long it holds (when it says), and on whose word: the config
    file that declares it (and the operator config that allowed a repository's)."""
    until = f", until {waiver['expires']}" if waiver.get("expires") else ""
    source = f", in {waiver['source']}" if waiver.get("source") else ""
    allowed = f", allowed by {waiver['allowed_by']}" if waiver.get("allowed_by") else ""
    return f"{waiver.get('reason', '')}{until}{source}{allowed}"


def waiver_note(f: Finding) -> str | None:
    """Why a finding does not block (its waiver), or that its waiver does not count
    (expired, or the policy is hard-mandatory, which no waiver lets through)."""
    waiver = f.get("waiver")
    if not waiver:
        return None
    if f.get("waived"):
        return f"waived: {waiver_terms(waiver)}"
    if waiver.get("expired"):
        return f"waiver expired {waiver.get('expires')}"
    if f.get("enforcement") == HARD:
        return f"waiver does not count (hard-mandatory): {waiver_terms(waiver)}"
    return None


def override_terms(override: dict[str, Any]) -> str:
    """Who let a policy through with `--override`, and why."""
    by = override.get("by") or "unknown"
    source = f" ({override['by_from']})" if override.get("by_from") else ""
    return f"by {by}{source}: {override.get('reason', '')}"


def let_through_note(f: Finding) -> str | None:
    """Why a finding the thresholds count as blocking does not block, when it is not its
    waiver (`waiver_note` says that): the operator's override, `--only-new`, or an
    advisory level."""
    how = f.get("let_through")
    if how == "override" and f.get("override"):
        return f"overridden {override_terms(f['override'])}"
    if how == "only-new":
        return ONLY_NEW_NOTE
    if how == "advisory":
        return ADVISORY_NOTE
    return None


# -- the run -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcomes:
    """The findings by what they do to the run: each is in exactly one list. `waived`:
    let through by a waiver or by the operator's `--override`, what a reviewer checks."""

    blocking: list[Finding]
    other: list[Finding]
    waived: list[Finding]


def _excepted(f: Finding) -> bool:
    return bool(f["waived"]) or f.get("let_through") == "override"


def outcomes(report: dict[str, Any]) -> Outcomes:
    findings = report["findings"]
    return Outcomes(
        blocking=[f for f in findings if f["blocking"] and not _excepted(f)],
        other=[f for f in findings if not f["blocking"] and not _excepted(f)],
        waived=[f for f in findings if _excepted(f)],
    )


def counts_text(report: dict[str, Any]) -> str:
    split = outcomes(report)
    overridden = sum(1 for f in split.waived if f.get("let_through") == "override")
    waived = len(split.waived) - overridden
    return (
        f"{len(report['findings'])} finding(s), {len(split.blocking)} blocking, "
        f"{waived} waived" + (f", {overridden} overridden" if overridden else "")
    )


def mode_note(report: dict[str, Any]) -> str | None:
    """What `--only-new` did to the run, or None when every violation counted."""
    if report.get("mode") != "only-new":
        return None
    return (
        "mode: only-new: violations already deployed are reported, not blocking "
        "(hard-mandatory policies block whatever the mode)"
    )


def override_lines(report: dict[str, Any]) -> list[str]:
    """One line per `--override` of the run, whether or not it let anything through."""
    return [
        f"override {o['policy']} {override_terms(o)} (let {o.get('let_through', 0)} "
        "finding(s) through)"
        for o in report.get("overrides", ())
    ]


# -- pack sections -------------------------------------------------------------------------


def pack_sections(report: dict[str, Any]) -> list[tuple[str, list[dict[str, str]]]]:
    """The packs' report sections, in report order: every top-level key that is not one
    of the report's own (`plangate.packs.REPORT_KEYS`), with its rows of text."""
    return [
        (name, rows)
        for name, rows in report.items()
        if name not in REPORT_KEYS and isinstance(rows, list)
    ]


def section_title(name: str) -> str:
    """`state_backend` → `state backend`."""
    return name.replace("_", " ")


def row_text(row: dict[str, str]) -> str:
    """A section row in words: its values in order, the `source` (how the pack knows) in
    parentheses: `lock_table terraform-state-lock (--lock-table)`."""
    text = " ".join(str(v) for k, v in row.items() if k != "source")
    return f"{text} ({row['source']})" if "source" in row else text
