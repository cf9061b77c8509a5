"""`python -m plangate`.

`python -m` puts the working directory first on `sys.path`. In CI that directory is the
checkout of the pull request being gated, so a committed `jsonschema.py` or
`*.dist-info` folder (an entry point) would be imported as if installed. Dropping the
working directory before anything else is imported closes that. (A committed
`plangate/` folder would shadow plangate itself before this file runs: the console
script, or `python -P -m plangate`, is the way to run the gate in a checkout.)
"""

import os
import sys

_cwd = os.getcwd()
sys.path[:] = [p for p in sys.path if p not in ("", ".") and os.path.abspath(p) != _cwd]

from .cli import run  # noqa: E402 - only after sys.path is cleaned

run()
