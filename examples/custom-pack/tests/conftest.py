"""Let the tests import the pack from `src/` when it is not installed.

An installed pack (`pip install -e .`) is used as is. From plangate's own test run the
pack is not installed, so the package is loaded from its folder under its real name;
`sys.path` is left alone.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

PACKAGE = "acme_plangate_policies"
SOURCE = Path(__file__).resolve().parents[1] / "src" / PACKAGE

if importlib.util.find_spec(PACKAGE) is None:
    spec = importlib.util.spec_from_file_location(
        PACKAGE, SOURCE / "__init__.py", submodule_search_locations=[str(SOURCE)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    spec.loader.exec_module(module)
