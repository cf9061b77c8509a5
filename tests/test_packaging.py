"""The wheel's package list is written by hand (package-dir renames folders): guard it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = set()
    for top, name in (("plugin", "plangate"), ("policies", "plangate.policies")):
        for init in (ROOT / top).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / top)
            found.add(".".join([name, *rel.parts]))
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_no_top_level_plugin_or_policies_module_is_importable_from_site_packages():
    import importlib.util

    for name in ("plugin", "policies"):
        spec = importlib.util.find_spec(name)
        assert spec is None or str(ROOT) in str(spec.origin or spec.submodule_search_locations)
