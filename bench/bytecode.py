"""Compile the measured trees' bytecode before measuring, as installing a wheel does.

pip compiles every module of a wheel when it installs it, so a user's `plangate` never
compiles its own source. The bench trees are editable installs, and with
`PYTHONDONTWRITEBYTECODE` set (as on this machine) nothing ever writes their `.pyc`
files: each measured process would then compile all of plangate again, a cost no
installed copy pays (about 0.15 s of a 1,000-resource check). Both trees, the current
one and `--before`, are compiled the same way so their figures stay comparable.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable

_PACKAGE_DIRS = (
    "import json, plangate, plangate.policies; "
    "print(json.dumps([*plangate.__path__, *plangate.policies.__path__]))"
)


def package_dirs(python: str) -> list[str]:
    """Where the plangate importable by `python` keeps its modules."""
    out = subprocess.run(
        [python, "-c", _PACKAGE_DIRS], capture_output=True, text=True, check=True
    ).stdout
    found: list[str] = json.loads(out)
    return found


def compile_installed(pythons: Iterable[str]) -> str:
    """Write the bytecode of each interpreter's plangate; a line saying what was done."""
    done: list[str] = []
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for python in dict.fromkeys(pythons):
        dirs = package_dirs(python)
        subprocess.run(
            [python, "-m", "compileall", "-q", *dirs], env=env, check=True, capture_output=True
        )
        done.extend(dirs)
    return f"bytecode compiled before measuring (as a wheel install does): {len(done)} folders"
