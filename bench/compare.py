"""`run.py --compare`: whole processes side by side, and the stage table before and after.

Per plan size, round after round, each command runs once a round in the same order:
`python -c json.load` (the benchmark's interpreter), `plangate check --format json`, the
plangate installed beside `--before` (another tree, in its own venv) and peers found on
PATH. Medians of wall time and of peak RSS (`ru_maxrss` of the process), their ratios to
`json.load`, and the load average at the start and end of each size: on a shared machine
only ratios of the same rounds mean much. Then `bench/stages.py` with both interpreters,
alternating, the median of each stage.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import run as bench

PEERS = {
    # name: (command line for a plan file, the largest plan it is given: slow ones stop early)
    "checkov": (["checkov", "--quiet", "--compact", "--framework", "terraform_plan", "-f"], 5000),
}
Command = tuple[str, list[str], int]


def run_compare(args: argparse.Namespace) -> int:
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    plans = [(n, bench.ensure_plan(args.workdir, n)) for n in sizes]
    print(f"# plangate benchmark, side by side\n\n{bench.environment()}\n")
    print(bench.check_planted([p for _, p in plans]) + "\n", flush=True)
    text = side_by_side(plans, args.repeat, args.before)
    print("## Whole processes, medians of alternating rounds\n\n" + text + "\n", flush=True)
    stage_plan = dict(plans).get(args.resources) or plans[-1][1]
    print(
        f"## Stages, {stage_plan.name} (median of {args.repeat})\n\n"
        + stages_table(stage_plan, args.repeat, args.before),
        flush=True,
    )
    return 0


def _plangate_of(python: str) -> list[str]:
    """The `plangate` console script installed next to this interpreter."""
    script = Path(python).with_name("plangate")
    return [str(script)] if script.exists() else [python, "-m", "plangate"]


def _commands(before: str | None) -> tuple[list[Command], list[str]]:
    load = "import json,sys; json.load(open(sys.argv[1], encoding='utf-8'))"
    check = ["check", "--format", "json"]
    commands: list[Command] = [
        ("json.load", [sys.executable, "-c", load], 10**9),
        ("plangate", [*bench.plangate_command(), *check], 10**9),
    ]
    if before:
        commands.append(("plangate before", [*_plangate_of(before), *check], 10**9))
    peers = [name for name, (argv, _) in PEERS.items() if shutil.which(argv[0])]
    commands += [(name, *PEERS[name]) for name in peers]
    return commands, peers


def _medians(
    commands: list[Command], n: int, path: Path, repeat: int
) -> dict[str, tuple[float, float]]:
    """(median wall seconds, median peak MB) per command that ran at this size."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in commands}
    for _ in range(repeat):
        for name, argv, largest in commands:
            if n <= largest:
                r = bench.measure_process([*argv, str(path)], 1)
                runs[name].append((r["seconds"], r["peak_mb"]))
    return {
        name: (statistics.median(t for t, _ in got), statistics.median(m for _, m in got))
        for name, got in runs.items()
        if got
    }


def _row(n: int, path: Path, median: dict[str, tuple[float, float]], peers: list[str]) -> list[str]:
    base_t, base_m = median["json.load"]
    row = [f"{n:,}", f"{path.stat().st_size / 1e6:.1f} MB"]
    for name in ("plangate", "plangate before"):
        if name in median:
            t, m = median[name]
            if name == "plangate":
                row += [bench._s(base_t)]
            row += [bench._s(t), f"{t / base_t:.2f}"]
            if name == "plangate":
                row += [bench._mb(base_m)]
            row += [bench._mb(m), f"{m / base_m:.2f}"]
    for name in peers:
        found = median.get(name)
        row.append(f"{bench._s(found[0])}, {bench._mb(found[1])}" if found else "(not run)")
    return row


def side_by_side(plans: Sequence[tuple[int, Path]], repeat: int, before: str | None) -> str:
    commands, peers = _commands(before)
    rows, seconds = [], {}
    for n, path in plans:
        started_load = os.getloadavg()[0]
        median = _medians(commands, n, path, repeat)
        seconds[n] = {name: t for name, (t, _) in median.items()}
        rows.append(
            [*_row(n, path, median, peers), f"{started_load:.1f} / {os.getloadavg()[0]:.1f}"]
        )
    headers = ["resources", "file", "json.load", "plangate", "x", "json.load peak"]
    headers += ["plangate peak", "x"]
    if before:
        headers += ["before", "x", "before peak", "x"]
    headers += [f"{name} (time, peak)" for name in peers] + ["load avg (start / end)"]
    text = bench._table(headers, rows)
    if not peers:
        text += "\n\nPeers: " + ", ".join(PEERS) + " not installed (not measured)."
    if 20000 in seconds and 50000 in seconds:
        growth = ", ".join(
            f"{name} {seconds[50000][name] / seconds[20000][name]:.2f}"
            for name in seconds[20000]
            if name in seconds[50000]
        )
        text += f"\n\nGrowth t(50k)/t(20k): {growth} (2.5 is linear)."
    return text


def _stage_runs(path: Path, repeat: int, pythons: list[tuple[str, str]]) -> dict[str, list[Any]]:
    script = str(Path(__file__).with_name("stages.py"))
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in pythons}
    for _ in range(repeat):
        for name, python in pythons:
            proc = subprocess.run(
                [python, script, str(path)], capture_output=True, text=True, check=True
            )
            runs[name].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return runs


def stages_table(path: Path, repeat: int, before: str | None) -> str:
    """`bench/stages.py` with this interpreter and with `before`, alternating; medians."""
    pythons = [("after", sys.executable)] + ([("before", before)] if before else [])
    runs = _stage_runs(path, repeat, pythons)

    def median(name: str, key: str) -> str:
        found = [r["stages"][key] for r in runs[name] if key in r["stages"]]
        return bench._s(statistics.median(found)) if found else ""

    def total(key: str) -> list[str]:
        return [bench._s(statistics.median(r[key] for r in runs[n])) for n, _ in pythons]

    startup = [
        bench._s(
            statistics.median(
                bench.measure_process([*_plangate_of(python), "--version"], 1)["seconds"]
                for _ in range(max(repeat, 5))
            )
        )
        for _, python in pythons
    ]
    keys = list(dict.fromkeys(k for n, _ in pythons for r in runs[n] for k in r["stages"]))
    rows = [["`plangate --version` (process)", *startup]]
    rows.append(["imports of `plangate.cli`", *total("imports (plangate.cli)")])
    for key in (k for k in keys if not k.startswith("policy ")):
        rows.append([key, *(median(n, key) for n, _ in pythons)])
        if key == "index (Plan)":
            rows.append(["**policies, all**", *total("policies")])
            policies = [k for k in keys if k.startswith("policy ")]
            rows += [[f"↳ {k}", *(median(n, k) for n, _ in pythons)] for k in policies]
    rows.append(["**whole check, in-process (`cli.main`)**", *total("check")])
    return bench._table(["stage", *(n for n, _ in pythons)], rows)
