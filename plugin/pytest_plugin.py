"""pytest plugin (entry point `pytest11`): fixtures for testing plangate policies.

Import-light and without autouse fixtures, so installing plangate never slows down or
changes anyone else's test run.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def plan_builder() -> Any:
    """A fresh `plangate.testing.PlanBuilder`."""
    from .testing import PlanBuilder

    return PlanBuilder()


@pytest.fixture
def run_policy() -> Any:
    """`plangate.testing.run_policy`: run one policy over a builder or plan."""
    from .testing import run_policy as run

    return run
