"""`--format atlantis`: what an Atlantis custom policy check reads.

Atlantis runs plangate as a `custom_policy_check` step and decides from the text alone
(so this format's exit rule is 0 once an evaluation completed, 2 on errors). Older
Atlantis releases fail the policy set when the output contains the substring "fail"
anywhere; newer ones look for `FAIL` lines and a non-zero `N failures` count. So the
output is conftest-style:

    FAIL - module.db.aws_db_instance.main - PG-RDS-001 - publicly_accessible = true ...
    WARN - aws_dynamodb_table.lock - PG-STATE-010 - ...
    EXCP - aws_db_instance.legacy - PG-RDS-001 - ... (waived: ...)
    5 tests, 2 passed, 1 warnings, 1 failures, 1 exceptions

and a passing report never says "fail": its summary line leaves the failure count out.
(A passing report can still trip an old Atlantis if a policy's own message or a
resource address contains that word; plangate cannot rewrite those.)

Every blocking finding, run error and plan that Terraform reported as errored is a FAIL
line, so a report that does not pass always shows at least one. A finding a waiver or
the operator's `--override` let through is an EXCP line saying why, until when and who;
the run's mode and overrides are lines under the headline.
"""

from __future__ import annotations

from typing import Any

from .escaping import log_lines, terminal_line
from .reporter import Reporter
from .shared import (
    INCOMPLETE_PLAN,
    chain_note,
    errored_plans,
    let_through_note,
    mode_note,
    outcomes,
    override_lines,
    possible_note,
    waiver_note,
)

__all__ = ["render", "reporter"]


def _one_line(text: str) -> str:
    """Line-based readers must not see a value's newline as a new FAIL/WARN line, and a
    terminal or log viewer must not act on a control character (an ANSI escape)."""
    return " ".join(terminal_line(text).split())


def _line(tag: str, where: str, what: str, message: str) -> str:
    return f"{tag} - {_one_line(where)} - {_one_line(what)} - {_one_line(message)}"


def _finding_message(f: dict[str, Any]) -> str:
    possible, chain, waiver = possible_note(f), chain_note(f), waiver_note(f)
    let_through = let_through_note(f)
    parts = [
        f["message"],
        f"({possible})" if possible else "",
        f"[{chain}]" if chain else "",
        f"({waiver})" if waiver else "",
        f"({let_through})" if let_through else "",
    ]
    return " ".join(part for part in parts if part)


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    findings = report["findings"]
    fails: list[str] = []
    warns: list[str] = []
    excps: list[str] = []
    for plan in errored_plans(report):
        fails.append(_line("FAIL", plan["path"], "plangate/plan-errored", INCOMPLETE_PLAN))
    excepted = {id(f) for f in outcomes(report).waived}
    for f in findings:
        line_parts = (f["address"], f["policy_id"], _finding_message(f))
        if id(f) in excepted:
            excps.append(_line("EXCP", *line_parts))
        elif f["blocking"]:
            fails.append(_line("FAIL", *line_parts))
        else:
            warns.append(_line("WARN", *line_parts))
    for error in report["errors"]:
        fails.append(_line("FAIL", "plangate", f"plangate/{error['kind']}", error["message"]))
    for warning in report.get("warnings", ()):
        warns.append(_line("WARN", "plangate", f"plangate/{warning['kind']}", warning["message"]))
    decision = report["decision"]
    if decision != "pass" and not fails:  # never let a non-passing report read as a pass
        fails.append(_line("FAIL", "plangate", "plangate/decision", f"the decision is {decision}"))

    stats = report["stats"]
    with_findings = {f["policy_id"] for f in findings}
    passed = max(int(stats.get("policies", 0)) - len(with_findings), 0)
    tests = passed + len(warns) + len(fails) + len(excps)
    counts = [f"{tests} tests", f"{passed} passed", f"{len(warns)} warnings"]
    if fails:
        counts.append(f"{len(fails)} failures")
    counts.append(f"{len(excps)} exceptions")

    lines = [
        f"plangate {_one_line(report['plangate_version'])}: {decision.upper()}",
        *(_one_line(note) for note in (mode_note(report), *override_lines(report)) if note),
        "",
        *fails,
        *warns,
        *excps,
    ]
    if fails or warns or excps:
        lines.append("")
    lines.append(", ".join(counts))
    return log_lines("\n".join(lines) + "\n")


def completed_evaluation(report: dict[str, Any]) -> int:
    """Atlantis decides from the FAIL lines, so a blocked plan exits 0 once the evaluation
    completed; a run that did not complete exits 2."""
    return 2 if report["decision"] == "error" else 0


reporter = Reporter(
    "atlantis",
    "conftest-style FAIL/WARN lines for an Atlantis policy check; exits 0 once evaluated",
    render,
    completed_evaluation,
)
