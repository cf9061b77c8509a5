"""Measure plangate on a big plan against a plain `json.load` of the same file.

Every measurement runs in a fresh Python process, so its peak memory (VmHWM, or the
`ru_maxrss` of a whole command) belongs to that one measurement. Times are the best of
`--repeat` runs (the machine may be shared; the minimum is the run with the least
interference), peaks the highest.

    python bench/run.py                      # generate bench plans, measure, print tables
    python bench/run.py --plan plan.json     # measure an existing plan (no scaling table)
    python bench/run.py --profile            # add the top cProfile entries of a full check
    python bench/run.py --compare            # side by side (bench/compare.py): json.load,
                                             # plangate, --before, peers, 1k to 50k; stages

What is measured (tables are printed as markdown on stdout):

- parsers: stdlib `json.load` with the garbage collector enabled, paused, paused then
  frozen (`plugin/loading.py` says which plangate does); orjson and msgspec when
  installed (benchmark only, they are not plangate dependencies); and what the
  collector costs afterwards when only paused.
- plangate's load path (`load_plan_data`: read, decode, parse, validate the envelope)
  and the `Plan` index, stage by stage, then policy discovery, each policy, the report.
- the full `plangate check --format json PLAN` console script in a subprocess: wall time
  and peak RSS of the whole process, against `python -c "json.load(...)"` measured the
  same way.
- scaling: the same at 1k, 5k and 20k resources, and the marginal cost per 1,000.

Generated plans (bench/generate_plan.py) come with the findings the generator planted;
before measuring, one `plangate check` of each must find exactly those, or the run stops.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

DEFAULT_WORKDIR = Path(os.environ.get("TMPDIR", "/tmp")) / "plangate-bench"
SEED = 20251128

# -- child side: one measurement per process ---------------------------------------------


def _maxrss_mb() -> float:
    """Peak RSS of this process so far. On Linux VmHWM, which (unlike ru_maxrss) does not
    carry over the parent's high-water mark through fork and exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# Results are kept alive until the timer stops: freeing millions of objects is not part
# of parsing (the process then exits without tearing down).
_KEEP: list[Any] = []


def _json_gc(path: str) -> Callable[[], dict[str, Any]]:
    def run() -> dict[str, Any]:
        with open(path, encoding="utf-8") as f:
            _KEEP.append(json.load(f))
        return {}

    return run


def _json_nogc(path: str, freeze: bool = False) -> Callable[[], dict[str, Any]]:
    import gc

    def run() -> dict[str, Any]:
        gc.disable()
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        if freeze:
            gc.freeze()
        gc.enable()
        _KEEP.append(data)
        # What the paused collector owes afterwards: the next young collections scan every
        # object the parse made (unless frozen). Timed, and not counted in `seconds`.
        started = time.perf_counter()
        gc.collect(1)
        return {"deferred_gc_s": time.perf_counter() - started}

    return run


def _orjson(path: str) -> Callable[[], dict[str, Any]]:
    import orjson

    def run() -> dict[str, Any]:
        _KEEP.append(orjson.loads(Path(path).read_bytes()))
        return {}

    return run


def _msgspec(path: str) -> Callable[[], dict[str, Any]]:
    import msgspec

    def run() -> dict[str, Any]:
        _KEEP.append(msgspec.json.decode(Path(path).read_bytes()))
        return {}

    return run


def _msgspec_typed(path: str) -> Callable[[], dict[str, Any]]:
    """Decode only `resource_changes` into typed structs (attribute values stay generic)."""
    import msgspec

    # defstruct, not class bodies: this module's annotations are strings (PEP 563) and
    # msgspec cannot resolve names local to this function from them.
    change = msgspec.defstruct(
        "Change",
        [
            ("actions", list[str]),
            ("before", Any, None),
            ("after", Any, None),
            ("after_unknown", Any, None),
            ("before_sensitive", Any, None),
            ("after_sensitive", Any, None),
        ],
    )
    resource_change = msgspec.defstruct(
        "ResourceChange",
        [
            ("address", str),
            ("type", str),
            ("name", str),
            ("change", change),
            ("mode", str, "managed"),
            ("module_address", str, ""),
            ("index", Any, None),
            ("provider_name", str, ""),
        ],
    )
    head = msgspec.defstruct(
        "PlanHead", [("format_version", str), ("resource_changes", list[resource_change], [])]
    )  # type: ignore[valid-type]
    decoder = msgspec.json.Decoder(head)

    def run() -> dict[str, Any]:
        _KEEP.append(decoder.decode(Path(path).read_bytes()))
        return {}

    return run


def _plangate_load(path: str) -> Callable[[], dict[str, Any]]:
    """`load_plan_data` + `Plan`, each stage of the load path timed in place."""
    from plangate import loading
    from plangate.plan import Plan

    stages: dict[str, float] = {}

    def timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    # load_plan_data calls these module globals; wrapping them times each stage.
    for name in ("read_source", "decode", "parse_json", "validate_envelope"):
        setattr(loading, name, timed(name, getattr(loading, name)))

    def run() -> dict[str, Any]:
        data, where = loading.load_plan_data(path, _no_binary)
        started = time.perf_counter()
        plan = Plan(data, where)
        stages["index (Plan)"] = time.perf_counter() - started
        _KEEP.append(plan)
        return {"stages": stages, "resources": plan.resource_count}

    return run


def _no_binary(source: str) -> bytes:
    raise RuntimeError(f"{source}: the benchmark reads JSON plans only")


def _plangate_stages(path: str) -> Callable[[], dict[str, Any]]:
    """The check pipeline stage by stage, and the time of every policy on its own (each
    through `plangate.Gate`, the API `plangate check` calls)."""
    from plangate import Gate
    from plangate.discovery import Packs, load_packs
    from plangate.loading import load_plan_data
    from plangate.plan import Plan
    from plangate.reporters import render

    def run() -> dict[str, Any]:
        stages: dict[str, float] = {}
        mark = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal mark
            now = time.perf_counter()
            stages[name] = now - mark
            mark = now

        packs = load_packs()
        lap("discover policies")
        data, where = load_plan_data(path, _no_binary)
        lap("load_plan_data")
        plan = Plan(data, where)
        lap("index (Plan)")
        per_policy: dict[str, float] = {}
        for item in packs.policies:
            started = time.perf_counter()
            Gate(Packs([item])).check([plan])
            per_policy[item.id] = time.perf_counter() - started
        lap("policies")
        report = Gate(packs).check([plan])
        lap("check (every policy again, indexes built; decision, inventories)")
        render("json", report.to_dict())
        lap("report (json)")
        return {
            "stages": stages,
            "per_policy": per_policy,
            "policies": len(packs.policies),
            "findings": len(report.findings),
            "errors": [e.message for e in report.errors],
        }

    return run


def _check_inprocess(path: str) -> Callable[[], dict[str, Any]]:
    from plangate.cli import main

    def run() -> dict[str, Any]:
        with open(os.devnull, "w") as sink:
            saved, sys.stdout = sys.stdout, sink
            try:
                code = main(["check", "--format", "json", path])
            finally:
                sys.stdout = saved
        return {"exit": code}

    return run


MEASURES: dict[str, Callable[[str], Callable[[], dict[str, Any]]]] = {
    "json": _json_gc,
    "json-nogc": _json_nogc,
    "json-freeze": lambda path: _json_nogc(path, freeze=True),
    "orjson": _orjson,
    "msgspec": _msgspec,
    "msgspec-typed": _msgspec_typed,
    "plangate-load": _plangate_load,
    "plangate-stages": _plangate_stages,
    "check-inprocess": _check_inprocess,
}


def child_measure(kind: str, path: str) -> None:
    run = MEASURES[kind](path)  # imports happen here, before the baseline
    baseline = _maxrss_mb()
    started = time.perf_counter()
    extra = run()
    seconds = time.perf_counter() - started - extra.get("deferred_gc_s", 0.0)
    print(
        json.dumps({"seconds": seconds, "peak_mb": _maxrss_mb(), "baseline_mb": baseline, **extra}),
        flush=True,
    )
    os._exit(0)  # skip freeing what _KEEP holds


def child_profile(path: str, top: int) -> None:
    import cProfile
    import io
    import pstats

    from plangate.cli import main

    profiler = cProfile.Profile()
    with open(os.devnull, "w") as sink:
        saved, sys.stdout = sys.stdout, sink
        try:
            profiler.runcall(main, ["check", "--format", "json", path])
        finally:
            sys.stdout = saved
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        print(f"### cProfile of `plangate check`, top {top} by {order}\n\n```")
        print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))
        print("```\n")


# -- parent side -------------------------------------------------------------------------


def _child(args: Sequence[str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"measurement {' '.join(args)} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(kind: str, path: Path, repeat: int) -> dict[str, Any]:
    """Best of `repeat` runs for times (the machine is shared: the minimum is the cost
    with the least interference), highest peak memory."""
    runs = [_child(["--measure", kind, str(path)]) for _ in range(repeat)]
    result = dict(min(runs, key=lambda r: r["seconds"]))
    result["peak_mb"] = max(r["peak_mb"] for r in runs)
    result["baseline_mb"] = min(r["baseline_mb"] for r in runs)
    result["median_s"] = statistics.median(r["seconds"] for r in runs)
    if "deferred_gc_s" in result:
        result["deferred_gc_s"] = min(r["deferred_gc_s"] for r in runs)
    return result


def measure_process(argv: Sequence[str], repeat: int) -> dict[str, Any]:
    """Wall time and peak RSS of a whole process (startup, imports and all).

    ru_maxrss from wait4 starts from this (small) parent's RSS at fork: plans are
    generated in a subprocess so that the parent stays small."""
    times, peaks, codes = [], [], set()
    for _ in range(repeat):
        started = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # wait4 reaps the child and returns its own resource usage (peak RSS included).
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - started)
        proc.returncode = os.waitstatus_to_exitcode(status)
        peaks.append(usage.ru_maxrss / 1024)
        codes.add(proc.returncode)
    return {
        "seconds": min(times),
        "median_s": statistics.median(times),
        "peak_mb": max(peaks),
        "exit": sorted(codes),
    }


def plangate_command() -> list[str]:
    script = Path(sys.executable).with_name("plangate")
    if script.exists():
        return [str(script)]
    found = shutil.which("plangate")
    if found:
        return [found]
    return [sys.executable, "-m", "plangate"]


def ensure_plan(workdir: Path, resources: int) -> Path:
    """The generated plan of `resources` changes (cached; the name changes with the
    generator and the example plans), with its expected findings beside it."""
    from plangen import fingerprint  # here: measurement children never import it

    path = workdir / f"plan-{resources}-{SEED}-{fingerprint()}.json"
    if not path.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        # In a subprocess, so that this process stays small (see measure_process).
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("generate_plan.py")),
                "--resources",
                str(resources),
                "--seed",
                str(SEED),
                "--out",
                str(path),
                "--expect",
                str(expectations_path(path)),
            ],
            check=True,
        )
    return path


def expectations_path(plan: Path) -> Path:
    return plan.with_suffix(".expect.json")


def check_planted(plans: Sequence[Path]) -> str:
    """Run `plangate check` once on each generated plan: its findings must be exactly the
    violations the generator planted (a bench that measures a wrong result is void)."""
    counts = []
    for plan in plans:
        expected = json.loads(expectations_path(plan).read_text(encoding="utf-8"))
        proc = subprocess.run(
            [*plangate_command(), "check", "--format", "json", str(plan)],
            capture_output=True,
            text=True,
            check=False,
        )
        found = sorted((f["policy_id"], f["address"]) for f in json.loads(proc.stdout)["findings"])
        planted = sorted((f["policy_id"], f["address"]) for f in expected["findings"])
        if found != planted:
            raise RuntimeError(
                f"{plan.name}: plangate found {len(found)} findings, the generator planted "
                f"{len(planted)}: {sorted(set(found) ^ set(planted))[:5]}"
            )
        counts.append(f"{expected['resources']:,}: {len(planted)}")
    return "Findings equal the planted violations (resources: findings): " + ", ".join(counts)


def _available(module: str) -> str | None:
    try:
        from importlib.metadata import version

        __import__(module)
        return version(module)
    except Exception:
        return None


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|",
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _s(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


def _mb(value: float) -> str:
    return f"{value:,.0f} MB"


def environment() -> str:
    listing = subprocess.run(
        [*plangate_command(), "policies"], capture_output=True, text=True, check=False
    ).stdout
    ids = re.findall(r"^(\S+)\s", listing, flags=re.MULTILINE)
    families = sorted({re.sub(r"-[0-9]+$", "-*", i) for i in ids})
    parts = [
        f"date {dt.date.today().isoformat()}",
        f"Python {platform.python_version()}",
        f"{platform.system()} {platform.machine()}",
        f"{os.cpu_count()} CPUs",
        f"plangate {_available('plangate') or '?'} with {len(ids)} policies "
        f"({', '.join(families)})",
    ]
    for extra in ("orjson", "msgspec"):
        found = _available(extra)
        parts.append(f"{extra} {found}" if found else f"{extra} not installed")
    return "; ".join(parts)


def report_plan(path: Path, repeat: int) -> tuple[str, dict[str, Any]]:
    size = path.stat().st_size / 1e6
    out = [f"## {path.name}: {size:.1f} MB\n"]
    parsers = [
        ("json", "stdlib `json.load`, collector enabled"),
        ("json-nogc", "stdlib `json.load`, collector paused"),
        ("json-freeze", "stdlib `json.load`, collector paused, then `gc.freeze()`"),
    ]
    parsers += [
        (k, label)
        for k, label, mod in (
            ("orjson", "orjson `loads` (bytes)", "orjson"),
            ("msgspec", "msgspec `json.decode`, generic", "msgspec"),
            ("msgspec-typed", "msgspec, `resource_changes` into structs", "msgspec"),
        )
        if _available(mod)
    ]
    results = {kind: measure(kind, path, repeat) for kind, _ in parsers}
    base = results["json"]
    rows = []
    for kind, label in parsers:
        r = results[kind]
        deferred = _s(r["deferred_gc_s"]) if "deferred_gc_s" in r else ""
        rows.append(
            [
                label,
                _s(r["seconds"]),
                f"{r['seconds'] / base['seconds']:.2f}",
                deferred,
                _mb(r["peak_mb"] - r["baseline_mb"]),
                _mb(r["peak_mb"]),
            ]
        )
    out.append("### Parsing\n")
    out.append(
        _table(
            ["parser", "time", "x json.load", "collector owed after", "memory added", "peak RSS"],
            rows,
        )
    )

    load = measure("plangate-load", path, repeat)
    stages_run = measure("plangate-stages", path, 1)
    inproc = measure("check-inprocess", path, repeat)
    json_proc = measure_process(
        [
            sys.executable,
            "-c",
            "import json,sys; json.load(open(sys.argv[1], encoding='utf-8'))",
            str(path),
        ],
        repeat,
    )
    check_proc = measure_process(
        [*plangate_command(), "check", "--format", "json", str(path)], repeat
    )
    out.append("\n### plangate\n")

    def row(label: str, r: dict[str, Any], in_process: bool) -> list[str]:
        added = _mb(r["peak_mb"] - r["baseline_mb"]) if in_process else ""
        return [
            label,
            _s(r["seconds"]),
            _s(r["median_s"]),
            f"{r['seconds'] / base['seconds']:.2f}",
            added,
            _mb(r["peak_mb"]),
        ]

    rows = [
        row("`json.load` in-process (reference)", base, True),
        row("`load_plan_data` + `Plan` index, in-process", load, True),
        row("`cli.main(check)` in-process", inproc, True),
        row("`python -c json.load` process (reference)", json_proc, False),
        row(
            f"`plangate check --format json` process (exit {_exits(check_proc)})", check_proc, False
        ),
    ]
    out.append(_table(["what", "best", "median", "x json.load", "memory added", "peak RSS"], rows))

    stage_rows = [[name, _s(seconds)] for name, seconds in load["stages"].items()]
    out.append("\n### Load path, stage by stage (best run)\n")
    out.append(_table(["stage", "time"], stage_rows))
    out.append("\n### Check pipeline, stage by stage (one run)\n")
    out.append(_table(["stage", "time"], [[k, _s(v)] for k, v in stages_run["stages"].items()]))
    slow = sorted(stages_run["per_policy"].items(), key=lambda kv: -kv[1])
    out.append(
        f"\n{stages_run['policies']} policies, {stages_run['findings']} findings. "
        "Slowest policies: " + ", ".join(f"{k} {_s(v)}" for k, v in slow[:6]) + "."
    )
    if stages_run["errors"]:
        out.append(
            "\nPolicy errors during the run:\n"
            + "\n".join(f"- {message}" for message in stages_run["errors"])
        )

    verdict = {
        "json_s": base["seconds"],
        "json_peak": base["peak_mb"],
        "json_proc_s": json_proc["seconds"],
        "json_proc_peak": json_proc["peak_mb"],
        "check_s": check_proc["seconds"],
        "check_peak": check_proc["peak_mb"],
        "inproc_s": inproc["seconds"],
        "inproc_peak": inproc["peak_mb"],
    }
    time_ok = check_proc["seconds"] < base["seconds"] / 2
    mem_ok = check_proc["peak_mb"] <= json_proc["peak_mb"]
    out.append(
        f"\n**Design target** (check < half of `json.load` time, memory ≤ `json.load`): time "
        f"{'met' if time_ok else 'NOT met'} ({_s(check_proc['seconds'])} vs "
        f"{_s(base['seconds'] / 2)} allowed, {check_proc['seconds'] / base['seconds']:.2f}x "
        f"json.load); memory {'met' if mem_ok else 'NOT met'} "
        f"({_mb(check_proc['peak_mb'])} vs {_mb(json_proc['peak_mb'])}, "
        f"{check_proc['peak_mb'] / json_proc['peak_mb']:.2f}x)."
    )
    return "\n".join(out), verdict


def _exits(result: dict[str, Any]) -> str:
    return "/".join(str(c) for c in result["exit"])


def report_scaling(workdir: Path, sizes: Sequence[int], repeat: int) -> str:
    """Totals per size, then the marginal cost per 1,000 resources between sizes: fixed
    costs (interpreter, imports) cancel out there, so linear growth shows as a flat row."""
    points = []
    for n in sizes:
        path = ensure_plan(workdir, n)
        base = measure("json", path, repeat)
        load = measure("plangate-load", path, repeat)
        check = measure_process(
            [*plangate_command(), "check", "--format", "json", str(path)], repeat
        )
        points.append(
            {
                "n": n,
                "file": path.stat().st_size / 1e6,
                "json_s": base["seconds"],
                "load_s": load["seconds"],
                "check_s": check["seconds"],
                "json_mb": base["peak_mb"] - base["baseline_mb"],
                "load_mb": load["peak_mb"] - load["baseline_mb"],
                "check_mb": check["peak_mb"],
            }
        )
    rows = [
        [
            f"{p['n']:,}",
            f"{p['file']:.1f} MB",
            _s(p["json_s"]),
            _s(p["load_s"]),
            _s(p["check_s"]),
            _mb(p["json_mb"]),
            _mb(p["load_mb"]),
            _mb(p["check_mb"]),
        ]
        for p in points
    ]
    headers = [
        "resources",
        "file",
        "json.load",
        "load + index",
        "check (process)",
        "json.load memory",
        "load + index memory",
        "check peak RSS",
    ]
    marginal = []
    for low, high in itertools.pairwise(points):
        k = (high["n"] - low["n"]) / 1000

        def per_k(
            key: str, low: dict[str, Any] = low, high: dict[str, Any] = high, k: float = k
        ) -> float:
            return (high[key] - low[key]) / k

        marginal.append(
            [
                f"{low['n']:,} to {high['n']:,}",
                f"{per_k('file'):.2f} MB",
                *(f"{per_k(key) * 1000:.0f} ms" for key in ("json_s", "load_s", "check_s")),
                *(f"{per_k(key):.1f} MB" for key in ("json_mb", "load_mb", "check_mb")),
            ]
        )
    text = "## Scaling\n\n" + _table(headers, rows)
    if marginal:
        text += "\n\nMarginal cost per 1,000 resources between sizes:\n\n" + _table(
            ["between", *headers[1:]], marginal
        )
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--plan", type=Path, help="measure this plan JSON (default: generate bench plans)"
    )
    parser.add_argument(
        "--resources",
        type=int,
        default=20000,
        help="size of the generated plan for the main table (default 20000)",
    )
    parser.add_argument(
        "--scaling",
        default="1000,5000,20000",
        help="comma-separated sizes for the scaling table ('' to skip)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=DEFAULT_WORKDIR,
        help=f"where generated plans are cached (default {DEFAULT_WORKDIR})",
    )
    parser.add_argument("--profile", action="store_true", help="add cProfile top entries")
    parser.add_argument("--top", type=int, default=25, help="cProfile entries to print")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="side by side, alternating: json.load, plangate, --before, peers; stage table",
    )
    parser.add_argument(
        "--sizes",
        default="1000,5000,20000,50000",
        help="comma-separated plan sizes for --compare",
    )
    parser.add_argument(
        "--before",
        metavar="PYTHON",
        help="an interpreter with another plangate installed (a tree before a change), "
        "measured alongside in --compare",
    )
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PLAN"), help=argparse.SUPPRESS)
    parser.add_argument("--profile-child", metavar="PLAN", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        child_measure(*args.measure)
        return 0
    if args.profile_child:
        child_profile(args.profile_child, args.top)
        return 0

    from bytecode import compile_installed  # bench/bytecode.py, beside this script

    print(compile_installed([sys.executable, *([args.before] if args.before else [])]))
    if args.compare:
        from compare import run_compare  # bench/compare.py, beside this script

        return run_compare(args)
    path = args.plan or ensure_plan(args.workdir, args.resources)
    sizes = [int(s) for s in args.scaling.split(",") if s.strip()] if not args.plan else []
    print(f"# plangate benchmark\n\n{environment()}\n")
    if not args.plan:
        generated = dict.fromkeys([path, *(ensure_plan(args.workdir, n) for n in sizes)])
        print(check_planted(list(generated)) + "\n", flush=True)
    text, _ = report_plan(path, args.repeat)
    print(text, flush=True)
    if sizes:
        print("\n" + report_scaling(args.workdir, sizes, args.repeat), flush=True)
    if args.profile:
        proc = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--top",
                str(args.top),
                "--profile-child",
                str(path),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        print("\n" + proc.stdout + proc.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
