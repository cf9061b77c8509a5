"""Write a bench plan: the reference project's real plans scaled to N resource changes.

    python bench/generate_plan.py -n 20000 -o /tmp/plan-20k.json
    python bench/generate_plan.py -n 20000 -o plan.json --expect plan.expect.json

The plan is a fleet of services, each an instance of the reference project's network,
database and app modules under one `for_each` module, beside its state backend; see
bench/plangen/__init__.py. It is built from the plans in examples/plans/ (written by the
real terraform binary, examples/make_plans.py): no terraform is needed here. The output
is deterministic for given arguments. `--expect` writes the findings `plangate check`
must report, exactly: the planted violations.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from plangen import EXAMPLES, ExamplesError, Generated, fingerprint, generate

__all__ = ["main", "write_plan"]

SEED = 20251128
MISTAKE_EVERY = 20


def write_plan(
    path: Path,
    resources: int = 20000,
    seed: int = SEED,
    mistake_every: int = MISTAKE_EVERY,
    examples: Path = EXAMPLES,
) -> Generated:
    """Write the plan compactly, as `terraform show -json` does."""
    generated = generate(resources, seed, mistake_every, examples)
    with path.open("w", encoding="utf-8") as out:
        out.writelines(generated.chunks)
        out.write("\n")
    return generated


def expectations(generated: Generated, seed: int, mistake_every: int, examples: Path) -> dict:
    """What a check of the plan must find: exactly the planted violations."""
    return {
        "generator": fingerprint(examples),
        "resources": generated.resources,
        "seed": seed,
        "mistake_every": mistake_every,
        "findings": [{"policy_id": p, "address": a} for p, a in generated.expected],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", "-n", type=int, default=20000, help="default 20000")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--mistake-every",
        type=int,
        default=MISTAKE_EVERY,
        metavar="K",
        help="one service in K is new with a planted mistake, each kind in turn "
        f"(default {MISTAKE_EVERY}; 0 for a plan without findings)",
    )
    parser.add_argument("--out", "-o", type=Path, required=True)
    parser.add_argument("--expect", type=Path, help="write the expected findings here (JSON)")
    parser.add_argument(
        "--examples", type=Path, default=EXAMPLES, help=f"the example plans (default {EXAMPLES})"
    )
    args = parser.parse_args(argv)
    if args.resources < 10:
        parser.error("--resources must be at least 10")
    if args.mistake_every < 0:
        parser.error("--mistake-every must be 0 or more")
    try:
        generated = write_plan(
            args.out, args.resources, args.seed, args.mistake_every, args.examples
        )
    except ExamplesError as exc:
        print(f"generate_plan.py: error: {exc}", file=sys.stderr)
        return 2
    if args.expect:
        document = expectations(generated, args.seed, args.mistake_every, args.examples)
        args.expect.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    size = args.out.stat().st_size / 1e6
    services = ", ".join(f"{n} {kind}" for kind, n in generated.services.items())
    print(
        f"{args.out}: {generated.resources} resource changes, {size:.1f} MB; services: "
        f"{services}; {len(generated.expected)} planted violations",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
