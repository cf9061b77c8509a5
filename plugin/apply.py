"""`plangate apply`: the local pre-apply gate.

Plans to a file, checks exactly that file, and applies that same saved plan only when the
check passes, so what was checked is what is applied. "Passes" is the report's decision,
never the exit code of the format on stdout: `--format atlantis` exits 0 for a blocked
plan by design (Atlantis reads its FAIL lines), and that 0 must not read as a pass here.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .errors import PlangateError
from .terraform import find_terraform

if TYPE_CHECKING:
    from .report import Report

__all__ = ["run_apply"]


def run_apply(
    args: argparse.Namespace,
    check: Callable[[argparse.Namespace, Sequence[str]], tuple[Report, int]],
) -> int:
    """`check` prints and writes the requested formats; it returns the report it rendered
    and the format's exit code, which is ignored here."""
    binary = find_terraform(args.terraform_bin)
    tf_args = [a for a in args.tf_args if a != "--"]
    workdir = args.chdir or "."
    with tempfile.TemporaryDirectory(prefix="plangate-") as tmp:
        planfile = os.path.join(tmp, "plangate.tfplan")
        _run([binary, "plan", "-input=false", f"-out={planfile}", *tf_args], workdir, "plan")
        report, _ = check(args, [planfile])
        if report.decision != "pass":
            print(f"plangate: not applying (decision: {report.decision})", file=sys.stderr)
            return report.exit_code
        _run([binary, "apply", "-input=false", planfile], workdir, "apply")
    return 0


def _run(command: list[str], cwd: str, what: str) -> None:
    try:
        proc = subprocess.run(command, cwd=cwd, check=False)
    except OSError as exc:
        raise PlangateError("terraform", f"cannot run {command[0]}: {exc.strerror}") from None
    if proc.returncode != 0:
        raise PlangateError(
            "terraform",
            f"`terraform {what}` failed with exit {proc.returncode}; see its output above",
        )
