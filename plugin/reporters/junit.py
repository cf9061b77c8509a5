"""`--format junit`: JUnit XML for CI test reports (GitLab, Jenkins, Azure, CircleCI).

One <testsuite> for the set of plans checked together; one <testcase> per finding
(classname = policy id, name = resource address, and `file`/`line` of the `.tf` line
that writes it when its source is known): <failure> when it blocks, <skipped> when a
waiver or the operator's `--override` let it through (the message says why, until when
and who), passing (with the message in <system-out>) otherwise. The run's mode and
overrides are properties of the suite. Run errors are
<error> test cases, a plan Terraform reported as errored is a failure, and a clean run
is one passing test case "plangate", so a report never has zero tests and a report that
does not pass never reads green. No timings: the same report gives the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from .escaping import log_lines
from .escaping import xml_text as _x
from .reporter import Reporter
from .shared import (
    INCOMPLETE_PLAN,
    chain_note,
    change_notes,
    errored_plans,
    let_through_note,
    mode_note,
    newness_note,
    outcomes,
    override_lines,
    source_point,
    waiver_note,
)

__all__ = ["render", "reporter"]


def _details(f: dict[str, Any]) -> str:
    """Several lines, each one value made one visible line (so a value cannot add a
    line, and no line can start a CI log command)."""
    lines = [
        f"{f['policy_id']}: {f.get('title', '')}",
        f"severity: {f['severity']}",
        f"address: {f['address']}",
    ]
    if f.get("attribute"):
        lines.append(f"attribute: {f['attribute']}")
    lines.append(f"certainty: {f['certainty']}")
    if f.get("enforcement"):
        lines.append(f"enforcement: {f['enforcement']}")
    notes = [
        newness_note(f),
        chain_note(f),
        *change_notes(f),
        waiver_note(f),
        let_through_note(f),
    ]
    lines += [note for note in notes if note]
    lines.append(f"message: {f['message']}")
    return "\n".join(_x(line) for line in lines)


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": _x(classname), "name": _x(name)})


def _properties(suite: ET.Element, report: dict[str, Any], plans: list[str]) -> None:
    """The run's facts, which a CI's test view shows beside the cases."""
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("decision", report["decision"]),
        ("plangate_version", report["plangate_version"]),
        *(("plan", path) for path in plans),
        *(("config", f"{c['path']} ({c['role']})") for c in report.get("config_files", ())),
        *(("mode", note) for note in (mode_note(report),) if note),
        *(("override", line) for line in override_lines(report)),
        *(("warning", f"{w['kind']}: {w['message']}") for w in report.get("warnings", ())),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": _x(value)})


def _cases(suite: ET.Element, report: dict[str, Any]) -> tuple[int, int, int]:
    """A case per errored plan, finding and error (and one for a decision nothing else
    fails); the counts of failures, errors and skipped cases."""
    failures = errors = skipped = 0
    for plan in errored_plans(report):
        case = _case(suite, "plangate", plan["path"])
        ET.SubElement(case, "failure", {"message": INCOMPLETE_PLAN, "type": "plan-errored"})
        failures += 1
    excepted = {id(f) for f in outcomes(report).waived}
    for f in report["findings"]:
        case = _case(suite, f["policy_id"], f["address"])
        point = source_point(f)
        if point is not None:  # what CI test views link to the file and line
            case.set("file", _x(point.path))
            case.set("line", str(point.line))
        if id(f) in excepted:
            why = waiver_note(f) if f["waived"] else let_through_note(f)
            ET.SubElement(case, "skipped", {"message": _x(why or "waived")})
            ET.SubElement(case, "system-out").text = _details(f)
            skipped += 1
        elif f["blocking"]:
            failure = ET.SubElement(
                case, "failure", {"message": _x(f["message"]), "type": _x(f["severity"])}
            )
            failure.text = _details(f)
            failures += 1
        else:
            ET.SubElement(case, "system-out").text = _details(f)
    for error in report["errors"]:
        case = _case(suite, "plangate", f"error: {error['kind']}")
        element = ET.SubElement(
            case, "error", {"message": _x(error["message"]), "type": _x(error["kind"])}
        )
        element.text = _x(error["message"])
        errors += 1
    if report["decision"] != "pass" and not failures and not errors:
        case = _case(suite, "plangate", "decision")
        ET.SubElement(
            case,
            "failure",
            {"message": _x(f"the decision is {report['decision']}"), "type": "decision"},
        )
        failures += 1
    return failures, errors, skipped


def render(report: dict[str, Any], color: bool = False) -> str:
    del color
    plans = [p["path"] for p in report["plans"]]
    suite = ET.Element("testsuite", {"name": _x("plangate: " + (", ".join(plans) or "no plan"))})
    _properties(suite, report, plans)
    failures, errors, skipped = _cases(suite, report)
    tests = sum(1 for child in suite if child.tag == "testcase")
    if tests == 0:
        _case(suite, "plangate", "plangate")
        tests = 1

    counts = {
        "tests": str(tests),
        "failures": str(failures),
        "errors": str(errors),
        "skipped": str(skipped),
    }
    suite.attrib.update(counts)
    root = ET.Element("testsuites", {"name": "plangate", **counts})
    root.append(suite)
    ET.indent(root)
    document = ET.tostring(root, encoding="unicode")
    return log_lines('<?xml version="1.0" encoding="UTF-8"?>\n' + document + "\n")


reporter = Reporter(
    "junit", "JUnit XML for CI test reports (GitLab, Jenkins, Azure, CircleCI)", render
)
