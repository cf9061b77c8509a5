"""`--format markdown`: a PR comment or a GitHub step summary ($GITHUB_STEP_SUMMARY).

A headline with the decision (and the mode and overrides of the run), warnings and
errors, then per outcome (blocking, non-blocking, let through by a waiver or override) a
table of findings (each linked to the `.tf` line that writes it, `path#Lline` relative
to the repository, when known) and each finding's details folded in `<details>`; under
the blocking ones, the path of each drawn as a Mermaid flowchart (`mermaid`), which
GitHub and GitLab render. Text from the report is escaped
(`escaping.markdown_text` / `markdown_code` / `mermaid_label`) so that a `|`, a backtick
or HTML in a message or an address cannot break the table or the diagram or inject
markup, and an `@team` or a URL in it notifies nobody and links nowhere.

Size. GitHub refuses a comment longer than 65,536 characters, and a plan may hold
thousands of findings, each with long text from the pull request. So each value is cut
to a length (`markdown_pieces.bounded`), and the comment is built from whole pieces (a
table row with the finding's details and diagram, a list item) taken in order of
importance: errors, blocking findings, warnings, non-blocking and waived findings. The
first piece that does not fit in `MAX_CHARS` is left out with everything after it, and a
note says how much and where the full report is. Only whole pieces are left out, so
nothing is cut inside a fence, a table row or an HTML tag.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .escaping import log_lines
from .map_diagram import map_flowchart
from .markdown_pieces import MAX_LISTED, size
from .markdown_pieces import code as _c
from .markdown_pieces import diagram as _diagram
from .markdown_pieces import item as _item
from .markdown_pieces import listed as _listed
from .markdown_pieces import row as _row
from .markdown_pieces import text as _t
from .mermaid import fenced
from .reporter import Reporter
from .shared import INCOMPLETE_PLAN, errored_plans, mode_note, outcomes, override_lines

__all__ = ["GITHUB_LIMIT", "MAX_CHARS", "MAX_DIAGRAMS", "render", "reporter", "size"]

GITHUB_LIMIT = 65_536  # characters GitHub accepts in a comment
# The comment's own limit leaves room for what a bot that posts it adds (a marker, a
# heading).
MAX_CHARS = GITHUB_LIMIT - 1_536
MAX_DIAGRAMS = 10  # blocking findings whose path is drawn, per comment

_HEADLINES = {
    "pass": ":white_check_mark: plangate: **pass**",
    "block": ":x: plangate: **blocked**",
    "error": ":warning: plangate: **error** (the check did not complete)",
}


# -- fitting the comment ------------------------------------------------------------------


@dataclass
class _Budget:
    """Characters left; once a piece has not fitted, no later one is taken either, so
    what is left out is always the end of the order."""

    left: int
    full: bool = False

    def take(self, cost: int) -> bool:
        if self.full or cost > self.left:
            self.full = True
            return False
        self.left -= cost
        return True


def _cost(lines: Sequence[str]) -> int:
    return sum(size(line) + 1 for line in lines)


@dataclass
class _Listing:
    """A heading over a list of one-line items (warnings, errors), each written only
    when it is shown."""

    heading: str
    entries: Sequence[dict[str, Any]]
    items: list[str] = field(default_factory=list)

    def fill(self, budget: _Budget) -> None:
        for entry in self.entries:
            item = f"- **{_t(entry['kind'], 100)}**: {_t(entry['message'], 2_000)}"
            if budget.full or not budget.take(
                _cost([item]) + (0 if self.items else _cost(self._head()))
            ):
                return
            self.items.append(item)

    def _head(self) -> list[str]:
        return ["", f"### {self.heading}", ""]

    def lines(self) -> list[str]:
        return [*self._head(), *self.items] if self.items else []

    @property
    def shown(self) -> int:
        return len(self.items)

    @property
    def left_out(self) -> int:
        return len(self.entries) - self.shown


@dataclass
class _Findings:
    """One outcome's findings: a table, their details, and (blocking) their paths drawn."""

    heading: str
    findings: list[dict[str, Any]]
    waived: bool = False
    draws: bool = False
    rows: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    diagrams: list[str] = field(default_factory=list)
    undrawn: int = 0  # findings shown with a path that is not drawn

    def _table_head(self) -> list[str]:
        if self.waived:
            return [
                "| Severity | Policy | Address | Message | Let through by |",
                "|---|---|---|---|---|",
            ]
        return ["| Severity | Policy | Address | Message |", "|---|---|---|---|"]

    def _layout(self, rows: Sequence[str], items: Sequence[str]) -> list[str]:
        """The section as printed; with no rows and items, the lines around them that the
        budget charges once."""
        return [
            "",
            f"### {self.heading}",
            "",
            *self._table_head(),
            *rows,
            "",
            "<details><summary>Details</summary>",
            "",
            *items,
            "",
            "</details>",
        ]

    def _paths_layout(self, diagrams: Sequence[str], undrawn: int) -> list[str]:
        out = ["", "#### Paths"]
        for diagram in diagrams:
            out += ["", diagram]
        if undrawn:
            out += ["", self._undrawn_note(undrawn)]
        return out

    def _frame(self) -> list[str]:
        return self._layout((), ())

    def _paths_frame(self) -> list[str]:
        return self._paths_layout((), 10**9)  # the note at its longest

    def _undrawn_note(self, count: int) -> str:
        return (
            f"<sub>{count:,} more path(s) not drawn (at most {MAX_DIAGRAMS} per comment, "
            "as room allows); each is under Details.</sub>"
        )

    def fill(self, budget: _Budget) -> None:
        drawing = self.draws
        for f in self.findings:
            if budget.full:
                return
            row, item = _row(f, self.waived), _item(f)
            cost = _cost([row, item]) + (0 if self.rows else _cost(self._frame()))
            diagram = _diagram(f) if drawing and f.get("chain") else None
            if diagram is not None:
                extra = _cost(["", diagram]) + (0 if self.diagrams else _cost(self._paths_frame()))
                if len(self.diagrams) < MAX_DIAGRAMS and cost + extra <= budget.left:
                    cost += extra
                else:
                    drawing, diagram = False, None  # later paths are not drawn either
            if not budget.take(cost):
                return
            self.rows.append(row)
            self.items.append(item)
            if diagram is not None:
                self.diagrams.append(diagram)
            elif f.get("chain") and self.draws:
                self.undrawn += 1

    def lines(self) -> list[str]:
        if not self.rows:
            return []
        out = self._layout(self.rows, self.items)
        if self.diagrams:
            out += self._paths_layout(self.diagrams, self.undrawn)
        return out

    @property
    def shown(self) -> int:
        return len(self.rows)

    @property
    def left_out(self) -> int:
        return len(self.findings) - self.shown


def _omitted(parts: Sequence[tuple[str, _Listing | _Findings | _Assurance]]) -> list[str]:
    """The note on what did not fit, naming each part with a count."""
    left = [
        f"{part.left_out:,} of {part.left_out + part.shown:,} {name}"
        for name, part in parts
        if part.left_out
    ]
    if not left:
        return []
    return [
        "",
        f"> **Not shown here**, to keep this comment under GitHub's {GITHUB_LIMIT:,}-character "
        f"limit: {', '.join(left)}. The full report is in the CI job's log and in every "
        "`--output` file of another format (`--output json=plangate.json`).",
    ]


_NOTE_ROOM = 600  # more than `_omitted` ever writes


# -- why the plan passes --------------------------------------------------------------------

_VERDICTS = {"yes": "holds", "no": "**broken**", "unknown": "**unknown** until apply"}
MAX_EVIDENCE = 3  # evidence lines and breaking findings shown per invariant


@dataclass
class _Assurance:
    """Per plan, a folded "Why this plan passes" (or fails): each invariant with its
    evidence or what breaks it, and the two planes drawn (`map_diagram`)."""

    models: Sequence[dict[str, Any]]
    decision: str
    several: bool
    pieces: list[list[str]] = field(default_factory=list)

    def fill(self, budget: _Budget) -> None:
        for model in self.models:
            piece = self._piece(model)
            if budget.full or not budget.take(_cost(piece)):
                return
            self.pieces.append(piece)

    def _piece(self, model: dict[str, Any]) -> list[str]:
        verb = "passes" if self.decision == "pass" else "fails"
        what = f"{_c(model['plan'], 200)} {verb}" if self.several else f"this plan {verb}"
        lines = ["", "<details>", f"<summary><b>Why {what}</b></summary>", ""]
        for item in model["invariants"]:
            verdict = _VERDICTS.get(item["holds"], _t(item["holds"], 40))
            lines.append(f"- {verdict}: {_t(item['statement'], 300)} ({_t(item['pack'], 60)})")
            for breach in item["broken_by"][:MAX_EVIDENCE]:
                lines.append(
                    f"  - broken by {_t(breach['policy_id'], 60)} at {_c(breach['address'], 300)}"
                )
            if not item["broken_by"]:
                lines.extend(f"  - {_t(e, 400)}" for e in item["evidence"][:MAX_EVIDENCE])
            more = len(item["broken_by"] or item["evidence"]) - MAX_EVIDENCE
            if more > 0:
                lines.append(f"  - and {more:,} more (`plangate map` lists them)")
        source = map_flowchart(model)
        if source is not None:
            lines += ["", fenced(source)]
        return [*lines, "", "</details>"]

    def lines(self) -> list[str]:
        return [line for piece in self.pieces for line in piece]

    @property
    def shown(self) -> int:
        return len(self.pieces)

    @property
    def left_out(self) -> int:
        return len(self.models) - self.shown


# -- the comment ----------------------------------------------------------------------------


def _summary(report: dict[str, Any], blocking: int, other: int, waived: int) -> list[str]:
    stats = report["stats"]
    plans = _listed([_c(p["path"], 300) for p in report["plans"]]) or "no plan"
    decision = report["decision"]
    out = [f"## {_HEADLINES.get(decision) or _t(decision, 100)}", ""]
    out.append(
        f"{blocking} blocking, {other} non-blocking, {waived} waived or overridden "
        f"finding(s); {_t(stats['policies'], 40)} policies over {_t(stats['resources'], 40)} "
        f"resources in {plans}."
    )
    mode = mode_note(report)
    if mode:
        out += ["", f"> **{_t(mode, 300)}**"]
    overrides = override_lines(report)
    for line in overrides[:MAX_LISTED]:
        out += ["", f"> **{_t(line, 700)}**"]
    if len(overrides) > MAX_LISTED:
        out += ["", f"> and {len(overrides) - MAX_LISTED:,} more overrides (see the JSON report)."]
    errored = errored_plans(report)
    for plan in errored[:MAX_LISTED]:
        out += ["", f"> {_c(plan['path'], 300)}: **{INCOMPLETE_PLAN}**, so it is blocked."]
    if len(errored) > MAX_LISTED:
        out += ["", f"> and {len(errored) - MAX_LISTED:,} more: **{INCOMPLETE_PLAN}**."]
    configs = report.get("config_files", ())
    if configs:
        named = [
            f"{_c(c['path'], 300)} ({_t(c['role'], 40)}"
            + ("" if c["trusted"] else ", may only tighten the gate")
            + ")"
            for c in configs
        ]
        out += ["", "Config: " + _listed(named) + "."]
    return out


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    split = outcomes(report)
    head = _summary(report, len(split.blocking), len(split.other), len(split.waived))
    foot = ["", f"<sub>plangate {_t(report['plangate_version'], 100)}</sub>"]
    budget = _Budget(MAX_CHARS - _cost(head) - _cost(foot) - _NOTE_ROOM)

    warnings = _Listing("Warnings", report.get("warnings", ()))
    errors = _Listing("Errors", report["errors"])
    blocking = _Findings("Blocking findings", split.blocking, draws=True)
    other = _Findings("Non-blocking findings", split.other)
    overridden = any(f.get("let_through") == "override" for f in split.waived)
    heading = "Waived or overridden findings" if overridden else "Waived findings"
    waived = _Findings(heading, split.waived, waived=True)
    maps = report.get("assurance") or ()
    assurance = _Assurance(maps, report["decision"], len(maps) > 1)
    for part in (errors, blocking, warnings, other, waived, assurance):  # by importance
        part.fill(budget)

    note = _omitted(
        [
            ("errors", errors),
            ("blocking findings", blocking),
            ("warnings", warnings),
            ("non-blocking findings", other),
            (heading.lower(), waived),
            ("assurance maps", assurance),
        ]
    )
    lines = [
        *head,
        *warnings.lines(),
        *errors.lines(),
        *blocking.lines(),
        *other.lines(),
        *waived.lines(),
        *assurance.lines(),
        *note,
        *foot,
    ]
    return log_lines("\n".join(lines) + "\n")


reporter = Reporter("markdown", "a pull-request comment or a GitHub step summary", render, map=True)
