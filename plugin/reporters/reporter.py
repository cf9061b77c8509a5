"""`Reporter`: what an output format declares, the built-in ones and third parties' alike.

A format is a name (what `--format NAME` and `--output NAME=PATH` say), one line that
says what it is for (`plangate formats`), a function that renders the report dict (the
documented JSON contract, nothing else: no plan, no config), and its exit rule. Most
formats exit with the decision's code; one whose reader decides from the text (Atlantis
reads FAIL lines) says so with its own rule, in the format rather than in the CLI.

Whatever a rule says, a run that did not complete exits 2: plangate fails closed, and a
format cannot make an error read as a pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["DECISION_EXIT_CODES", "ExitRule", "Renderer", "Reporter", "exit_by_decision"]

Renderer = Callable[[dict[str, Any], bool], str]
ExitRule = Callable[[dict[str, Any]], int]

DECISION_EXIT_CODES = {"pass": 0, "block": 1, "error": 2}
# A name `--output NAME=PATH` can carry: no `=`, no blank, nothing a shell or a file
# name would read differently.
_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")


def exit_by_decision(report: dict[str, Any]) -> int:
    """The default rule: 0 pass, 1 block, 2 error (and 2 for a decision it does not know)."""
    decision = report.get("decision")
    return DECISION_EXIT_CODES.get(decision, 2) if isinstance(decision, str) else 2


@dataclass(frozen=True, slots=True)
class Reporter:
    """An output format. `render(report, color)` returns the whole output as text;
    `color` is true only on a terminal that accepts colour. Build one per format and
    register it under the entry-point group `plangate.reporters`, the entry point named
    like the format."""

    name: str
    description: str
    render: Renderer
    exit_rule: ExitRule = exit_by_decision
    # The format draws the assurance map: the run computes it, and the report dict the
    # format renders holds it under "assurance" (a list of `plangate map`'s models).
    map: bool = False

    def __post_init__(self) -> None:
        if type(self.name) is not str or not _NAME.match(self.name):
            raise ValueError(
                f"format name {self.name!r}: use lower-case letters, digits, '_', '-', '.'"
            )
        text = self.description
        if type(text) is not str or not text.strip() or len(text.splitlines()) != 1:
            raise ValueError(f"format {self.name}: the description must be one line of text")
        if not callable(self.render) or not callable(self.exit_rule):
            raise TypeError(f"format {self.name}: render and exit_rule must be callable")

    def exit_code(self, report: dict[str, Any]) -> int:
        """The run's exit code when this format is on stdout: the format's rule, except
        that a run that did not complete exits 2 whatever the rule says."""
        if report.get("decision") not in ("pass", "block"):
            return DECISION_EXIT_CODES["error"]
        code = self.exit_rule(report)
        if type(code) is not int or code not in DECISION_EXIT_CODES.values():
            raise ValueError(f"the {self.name} format's exit rule returned {code!r}, not 0, 1 or 2")
        return code
