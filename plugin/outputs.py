"""Writing a report: the format on stdout, every `--output FORMAT=PATH`, one line per
warning and error on stderr, and the exit code the format on stdout gives.

Every output is rendered before any is written, and each file is written whole; a run
whose report cannot be rendered or written is an error, and then every output holds the
`error` report instead, so no CI file says "pass" for a run that failed.
"""

from __future__ import annotations

import contextlib
import copy
import os
import sys
from collections.abc import Sequence
from typing import NamedTuple

from .errors import PlangateError
from .report import Report
from .reporters import Reporter
from .runner import RunError

__all__ = ["EXIT_ERROR", "Formats", "emit", "formats_for", "stderr_line", "wants_map"]

EXIT_ERROR = 2


class Formats(NamedTuple):
    """The format on stdout, and each `--output` file with its format."""

    stdout: Reporter
    outputs: list[tuple[Reporter, str]]


def formats_for(stdout: str, outputs: Sequence[str]) -> Formats:
    """Import the formats the run asks for, and only those; an unknown, duplicated or
    broken one is a one-line error before anything is evaluated."""
    from .reporters import format_names, load_format

    def load(name: str, flag: str) -> Reporter:
        try:
            return load_format(name)
        except PlangateError as exc:
            raise PlangateError(exc.kind, f"{flag}: {exc.message}") from None

    files = []
    for item in outputs:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise PlangateError(
                "usage",
                f"--output {item!r}: expected FORMAT=PATH with FORMAT "
                f"one of {', '.join(format_names())}",
            )
        files.append((load(name, f"--output {item!r}"), path))
    return Formats(load(stdout, "--format"), files)


def emit(report: Report, formats: Formats, debug: bool = False) -> int:
    """Render stdout and every `--output`, then write each file whole; the exit code.

    A file that cannot be written makes the run an error, and the files already written
    are written again from the error report.
    """
    from .report_files import write_whole

    outputs = formats.outputs
    show = bool(report.plans) or formats.stdout.name != "text"
    # no-color.org: a NO_COLOR that is set and not empty turns colour off.
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    rendered, report, code = _render_all(report, formats, show, color, debug)
    failed: list[RunError] = []
    written: list[int] = []
    for index, (_, path) in enumerate(outputs):
        try:
            write_whole(path, rendered[index])
            written.append(index)
        except OSError as exc:
            failed.append(RunError("output", f"cannot write {path}: {exc.strerror or exc}"))
    if failed:
        report.errors.extend(failed)
        rendered, report, code = _render_all(report, formats, show, color, debug)
        for index in written:
            with contextlib.suppress(OSError):  # it was writable a moment ago
                write_whole(outputs[index][1], rendered[index])
    if show:
        _write_stdout(rendered[-1])
    for warning in report.warnings:  # one line each, whatever the format on stdout
        stderr_line("warning", warning.message)
    for error in report.errors:
        stderr_line("error", error.message)
    return code


def _render_all(
    report: Report, formats: Formats, show: bool, color: bool, debug: bool
) -> tuple[list[bytes], Report, int]:
    """Every `--output`, then stdout (last), as UTF-8 bytes; the report they show, and
    the exit code the format on stdout gives it.

    Should any format fail to render or encode, or its exit rule fail, the run is an
    error and every output is rendered from a report that says only that (it holds
    nothing from the plan, so it renders; a format that still fails gets that one line
    as plain text)."""
    wanted = [*((fmt, False) for fmt, _ in formats.outputs), (formats.stdout, color)]
    where = "the report"
    try:
        # Each format, and the exit rule, gets a dict of its own: a format (maybe a third
        # party's) that changes the one it renders changes no other output, nor the exit.
        rendered = []
        for i, (fmt, paint) in enumerate(wanted):
            where = f"the {fmt.name} format"
            if not (show or i < len(formats.outputs)):
                rendered.append(b"")
                continue
            given = report.to_dict()
            if fmt.map:
                given["assurance"] = copy.deepcopy(report.maps)
            rendered.append(fmt.render(given, paint).encode("utf-8"))
        where = f"the {formats.stdout.name} format's exit rule"
        return rendered, report, formats.stdout.exit_code(report.to_dict())
    except Exception as exc:
        if debug:
            import traceback

            traceback.print_exc()
        message = (
            f"a report could not be rendered ({where}: {type(exc).__name__}); "
            "rerun with --debug and report it"
        )
    failure = Report.failed("output", message)
    data = failure.to_dict()
    rendered = []
    for fmt, paint in wanted:
        try:
            rendered.append(fmt.render(data, paint).encode("utf-8"))
        except Exception:
            rendered.append(f"plangate: error: {message}\n".encode())
    return rendered, failure, EXIT_ERROR


def wants_map(formats: Formats) -> bool:
    """Whether a format of the run draws the assurance map (so the run computes it)."""
    return formats.stdout.map or any(fmt.map for fmt, _ in formats.outputs)


def _write_stdout(data: bytes) -> None:
    """The rendered bytes as they are (UTF-8 whatever the locale), through the text
    stream when it has no byte buffer (a caller's StringIO)."""
    buffer = getattr(sys.stdout, "buffer", None)
    sys.stdout.flush()
    if buffer is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        buffer.write(data)
        buffer.flush()


def stderr_line(kind: str, message: str) -> None:
    """One line on stderr, `plangate: KIND: MESSAGE`; the message may quote the plan, so
    it is made one visible line that no CI log reads as a command."""
    from .reporters.escaping import log_lines, terminal_line

    sys.stderr.write(log_lines(f"plangate: {kind}: {terminal_line(message)}\n"))
    sys.stderr.flush()
