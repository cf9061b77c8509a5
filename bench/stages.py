"""Where one `plangate check --format json PLAN` spends its time, stage by stage.

Runs the command line's `main` in this process with timers wrapped around the real
functions (the load path's steps, the `Plan` index, each policy, the reference
resolver, the redactor, the decision and the report), and prints one JSON object:
seconds per stage, per policy, and the whole run. Any interpreter with plangate
installed can run it, so two trees (before and after a change) are measured by the same
code:

    python bench/stages.py PLAN            # the plangate this interpreter imports

Stages a tree does not have (a function renamed or gone) are left out. Nested calls of
a wrapped function (the resolver calling itself) are counted once, at the outermost.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

_STARTED = time.perf_counter()

SECONDS: dict[str, float] = {}
CALLS: dict[str, int] = {}
_DEPTH: dict[str, int] = {}


def _wrap(owner: Any, attribute: str, stage: str | Callable[..., str]) -> None:
    original = getattr(owner, attribute, None)
    if original is None:
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        name = stage(*args) if callable(stage) else stage
        depth = _DEPTH.get(name, 0)
        _DEPTH[name] = depth + 1
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _DEPTH[name] = depth
            if depth == 0:
                SECONDS[name] = SECONDS.get(name, 0.0) + time.perf_counter() - started
            CALLS[name] = CALLS.get(name, 0) + 1

    setattr(owner, attribute, timed)


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def instrument() -> None:
    loading = _module("plangate.loading")
    for name, stage in (
        ("read_source", "read"),
        ("decode", "decode"),
        ("parse_bytes", "parse"),
        ("parse_json", "parse"),
        ("validate_envelope", "schema validation"),
    ):
        _wrap(loading, name, stage)
    plan = _module("plangate.plan")
    _wrap(plan.Plan, "__init__", "index (Plan)")
    runner = _module("plangate.runner")
    _wrap(runner, "_run_one", lambda item, *rest: f"policy {item.id}")
    _wrap(runner, "decide", "decision")
    resolver = _module("plangate.resolver")
    if resolver is not None:
        _wrap(resolver.Resolver, "resolve", "resolve (inside policies)")
    redaction = _module("plangate.redaction")
    _wrap(redaction.Redactor, "__init__", "redaction: collect")
    _wrap(redaction.Redactor, "finding", "redaction: clean findings")
    outputs = _module("plangate.outputs")
    _wrap(outputs, "emit", "report (render, write)")


def main() -> None:
    path = sys.argv[1]
    imported = time.perf_counter()
    from plangate.cli import main as cli_main

    imports = time.perf_counter() - imported
    instrument()
    packs = _module("plangate.discovery")
    _wrap(packs, "load_packs", "pack loading")
    gate = _module("plangate.gate")
    _wrap(gate, "load_packs", "pack loading")
    with open(os.devnull, "w") as sink:
        saved, sys.stdout = sys.stdout, sink
        started = time.perf_counter()
        try:
            code = cli_main(["check", "--format", "json", path])
        finally:
            sys.stdout = saved
    total = time.perf_counter() - started
    policies = sum(v for k, v in SECONDS.items() if k.startswith("policy "))
    print(
        json.dumps(
            {
                "exit": code,
                "imports (plangate.cli)": imports,
                "stages": SECONDS,
                "calls": CALLS,
                "policies": policies,
                "check": total,
                "process so far": time.perf_counter() - _STARTED,
            }
        ),
        flush=True,
    )
    os._exit(0)


if __name__ == "__main__":
    main()
