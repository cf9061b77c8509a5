"""Write the example plans of the reference project with the real Terraform binary.

For each variant of ``examples/reference-project`` (the good architecture, and each classic
mistake switched on by one boolean variable) this script runs a real ``terraform plan -out``
and ``terraform show -json`` against the stub ``hashicorp/aws`` provider of the test suite
(``tests/tfstub``), and writes

* ``examples/plans/<variant>.json``: the plan exactly as ``terraform show -json`` printed it
  (re-indented with two spaces, keys in Terraform's order, newline at the end), except that
  ``relevant_attributes``, whose order Terraform does not keep from one run to the next, is
  sorted;
* ``examples/plans/index.json``: per variant, the ``-var`` values of its plan, a one-line
  description, whether it was planned after applying the good plan, and the verdict plangate
  must reach: ``{"decision": "pass"|"block", "expect": [{"policy_id", "address"}]}``.
  ``expect`` lists the findings the variant is built to produce; hygiene
  policies may add more, non-blocking ones.

Every variant but two is a first plan (empty state), where the ids and ARNs that link the
modules are unknown. ``lock_table_deleted`` and ``app_image_updated`` are planned against the
state left by applying the good plan: the first shows the lock table being deleted, the second
a real ``prior_state`` with ``no-op``s, an ``update`` and a replacement (the bench plan
generator, ``bench/generate_plan.py``, takes its existing objects from these two).

The project is copied to a temporary directory with a local backend override, so nothing
(``.terraform/``, state, binary plan files) is ever written under ``examples/``. Running the
script twice gives identical files apart from each plan's ``timestamp`` key.

Usage::

    pip install -e '.[test]'    # the stub provider needs the `tf` package
    python examples/make_plans.py            # all variants
    python examples/make_plans.py --check    # regenerate in a temp dir, compare with the repo
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

EXAMPLES = Path(__file__).resolve().parent
REPO = EXAMPLES.parent
PROJECT = EXAMPLES / "reference-project"
PLANS = EXAMPLES / "plans"
HARNESS = REPO / "tests" / "tfstub" / "__init__.py"

TERRAFORM_VERSION = "1.11.4"
# Set for every variant. The value is a placeholder, and it shows in clear text in every
# plan (in `variables`, and in the `after` of the resources that take it, marked in
# `after_sensitive`), as it does in real plans.
COMMON_VARIABLES: dict[str, Any] = {"db_password": "example-only-not-a-secret"}


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    variables: dict[str, Any] = field(default_factory=dict)
    # (policy_id, address) of every finding the variant is built to produce.
    expect: tuple[tuple[str, str], ...] = ()
    # Planned against the state of the applied good plan instead of an empty state.
    after_apply: bool = False

    @property
    def decision(self) -> str:
        return "block" if self.expect else "pass"


VARIANTS: tuple[Variant, ...] = (
    Variant(
        "good",
        "The reference architecture: RDS private and reachable only from the app's security "
        "group, the state backend off the app's data path.",
    ),
    Variant(
        "rds_public",
        "The PostgreSQL instance is publicly accessible.",
        {"rds_public": True},
        (("PG-RDS-001", "module.database.aws_db_instance.this"),),
    ),
    Variant(
        "db_sg_open",
        "An ingress rule on the database security group admits 0.0.0.0/0 on 5432.",
        {"db_sg_open": True},
        (("PG-RDS-002", "module.database.aws_vpc_security_group_ingress_rule.public[0]"),),
    ),
    Variant(
        "db_public_subnets",
        "The database sits in a DB subnet group that also holds the public subnets.",
        {"db_public_subnets": True},
        (("PG-RDS-004", "module.database.aws_db_subnet_group.with_public[0]"),),
    ),
    Variant(
        "rds_reachable",
        "All three RDS mistakes at once: publicly accessible, in a subnet group with public "
        "subnets, behind a security group open to 0.0.0.0/0 on 5432; the database is "
        "reachable from the internet.",
        {"rds_public": True, "db_sg_open": True, "db_public_subnets": True},
        (
            ("PG-RDS-001", "module.database.aws_db_instance.this"),
            ("PG-RDS-002", "module.database.aws_vpc_security_group_ingress_rule.public[0]"),
            ("PG-RDS-004", "module.database.aws_db_subnet_group.with_public[0]"),
            ("PG-RDS-006", "module.database.aws_db_instance.this"),
        ),
    ),
    Variant(
        "public_snapshot",
        "A manual snapshot of the database is shared with all AWS accounts.",
        {"public_snapshot": True},
        (("PG-RDS-005", "module.database.aws_db_snapshot.shared[0]"),),
    ),
    Variant(
        "task_role_lock_table_direct",
        "The ECS task role gets GetItem/PutItem/DeleteItem on the lock table's ARN, taken "
        "from the state_backend module's output.",
        {"task_role_lock_table_direct": True},
        (("PG-STATE-001", "module.app.aws_iam_role_policy.lock_table[0]"),),
    ),
    Variant(
        "task_role_lock_table_wildcard",
        "The ECS task role gets dynamodb:* on arn:aws:dynamodb:*:*:table/*.",
        {"task_role_lock_table_wildcard": True},
        (("PG-STATE-001", "module.app.aws_iam_role_policy.dynamodb_wildcard[0]"),),
    ),
    Variant(
        "task_role_managed_policy",
        "AmazonDynamoDBFullAccess is attached to the ECS task role.",
        {"task_role_managed_policy": True},
        (("PG-STATE-001", "module.app.aws_iam_role_policy_attachment.dynamodb_full_access[0]"),),
    ),
    Variant(
        "lock_table_in_env",
        "The lock table's name is in the API container's environment as LOCK_TABLE.",
        {"lock_table_in_env": True},
        (("PG-STATE-003", "module.app.aws_ecs_task_definition.api"),),
    ),
    Variant(
        "lambda_lock_stream",
        "The lock table gets a stream, consumed by a Lambda function through an event source "
        "mapping.",
        {"lambda_lock_stream": True},
        (("PG-STATE-004", "module.app.aws_lambda_event_source_mapping.lock_audit[0]"),),
    ),
    Variant(
        "lock_table_deleted",
        "After the good configuration is applied, the lock table is removed from the "
        "configuration: the plan deletes it.",
        {"lock_table_deleted": True},
        (("PG-STATE-006", "module.state_backend.aws_dynamodb_table.lock[0]"),),
        after_apply=True,
    ),
    Variant(
        "app_image_updated",
        "After the good configuration is applied, a new image of the API is rolled out: the "
        "task definition is replaced and the ECS service updated; nothing else changes.",
        {"app_image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/acme-api:1.5.0"},
        after_apply=True,
    ),
)


class MakePlansError(Exception):
    """A plan could not be made, or does not look the way the index says."""


def load_harness(path: Path = HARNESS) -> ModuleType:
    """Load tests/tfstub by file path (the tests folder is not an installed package)."""
    if not path.is_file():
        raise MakePlansError(f"{path}: the stub provider harness is missing")
    spec = importlib.util.spec_from_file_location(
        "tfstub", path, submodule_search_locations=[str(path.parent)]
    )
    if spec is None or spec.loader is None:
        raise MakePlansError(f"{path}: cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def copy_project(dest: Path) -> Path:
    """Copy the reference project, leaving out anything a local run may have left in it."""
    junk = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*", "*.tfplan")
    workdir = dest / "reference-project"
    shutil.copytree(PROJECT, workdir, ignore=junk)
    return workdir


def plan_variables(variant: Variant) -> dict[str, Any]:
    return {**COMMON_VARIABLES, **variant.variables}


def check_plan(variant: Variant, plan: dict[str, Any]) -> None:
    """Fail unless the plan is what the index will say about it."""
    version = plan.get("terraform_version")
    if version != TERRAFORM_VERSION:
        raise MakePlansError(
            f"{variant.name}: made by Terraform {version}, the committed plans are "
            f"{TERRAFORM_VERSION}"
        )
    if plan.get("errored"):
        raise MakePlansError(f"{variant.name}: terraform reported an errored plan")
    changes = {rc["address"]: rc for rc in plan.get("resource_changes", [])}
    for policy_id, address in variant.expect:
        rc = changes.get(address)
        if rc is None:
            raise MakePlansError(
                f"{variant.name}: expected {policy_id} on {address}, which is not in "
                "resource_changes"
            )
        actions = rc["change"]["actions"]
        if variant.after_apply and "delete" not in actions:
            raise MakePlansError(f"{variant.name}: {address} is planned {actions}, not deleted")
        if not variant.after_apply and actions != ["create"]:
            raise MakePlansError(f"{variant.name}: {address} is planned {actions}, not created")


def canonical(plan: dict[str, Any]) -> dict[str, Any]:
    """Put ``relevant_attributes`` in a fixed order; everything else stays as Terraform wrote it.

    Terraform fills that list while it walks the graph concurrently, so its order changes from
    run to run; the order carries no meaning (it is a set of resource attributes).
    """
    if isinstance(plan.get("relevant_attributes"), list):
        plan["relevant_attributes"] = sorted(
            plan["relevant_attributes"],
            key=lambda ra: (str(ra.get("resource")), json.dumps(ra.get("attribute"))),
        )
    return plan


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def index_document() -> dict[str, Any]:
    return {
        "description": (
            "Plans of examples/reference-project written by examples/make_plans.py with "
            f"Terraform {TERRAFORM_VERSION} and the stub hashicorp/aws provider of tests/tfstub. "
            "Each variant switches on one mistake. 'variables' are the -var values of its "
            "terraform plan; 'applied_before' names the variant whose plan was applied first "
            "(null: planned from an empty state); 'expected' is the verdict plangate must "
            "reach, and its 'expect' lists the findings the variant is built to produce "
            "(hygiene policies may add more, non-blocking ones)."
        ),
        "terraform_version": TERRAFORM_VERSION,
        "project": "examples/reference-project",
        "variants": {
            v.name: {
                "file": f"{v.name}.json",
                "description": v.description,
                "variables": plan_variables(v),
                "applied_before": "good" if v.after_apply else None,
                "expected": {
                    "decision": v.decision,
                    "expect": [{"policy_id": p, "address": a} for p, a in v.expect],
                },
            }
            for v in VARIANTS
        },
    }


def make_plans(
    out_dir: Path, names: list[str] | None = None, log: Callable[[str], None] = print
) -> float:
    """Write the plans (all variants, or those named) and the index into out_dir.

    Returns the seconds taken.
    """
    started = time.monotonic()
    harness = load_harness()
    if not harness.terraform_available():
        raise MakePlansError("terraform is not on PATH")
    selected = [v for v in VARIANTS if names is None or v.name in names]
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="plangate-plans-") as tmp:
        tmp_dir = Path(tmp)
        workdir = copy_project(tmp_dir)
        harness.local_backend_override(workdir)
        env = harness.stub_env(tmp_dir)
        harness.init(workdir, env, backend=True)

        good_planfile: Path | None = None
        # First plans (empty state) first: applying writes state into the work directory.
        for variant in sorted(selected, key=lambda v: v.after_apply):
            if variant.after_apply and good_planfile is None:
                log("plan good (to apply)")
                _, good_planfile = harness.plan(
                    workdir, env, plan_variables(VARIANTS[0]), out="good.tfplan"
                )
            if variant.after_apply and not (workdir / "terraform.tfstate").exists():
                log("apply good")
                harness.apply(workdir, env, good_planfile)
            log(f"plan {variant.name}")
            plan, planfile = harness.plan(
                workdir, env, plan_variables(variant), out=f"{variant.name}.tfplan"
            )
            check_plan(variant, plan)
            if variant.name == "good":
                good_planfile = planfile
            write_json(out_dir / f"{variant.name}.json", canonical(plan))

    if names is None:
        expected = {f"{v.name}.json" for v in VARIANTS} | {"index.json"}
        for stale in sorted(out_dir.glob("*.json")):
            if stale.name not in expected:
                log(f"remove stale {stale.name}")
                stale.unlink()
    write_json(out_dir / "index.json", index_document())
    return time.monotonic() - started


def compare(generated: Path, committed: Path) -> list[str]:
    """Names of the files that differ, ignoring each plan's timestamp."""

    def load(path: Path) -> Any:
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            data.pop("timestamp", None)
        return data

    names = sorted(
        {p.name for p in generated.glob("*.json")} | {p.name for p in committed.glob("*.json")}
    )
    return [n for n in names if load(generated / n) != load(committed / n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make_plans.py",
        description=(
            "Write examples/plans/<variant>.json and index.json from examples/reference-project "
            "with the real terraform binary and the stub AWS provider of tests/tfstub."
        ),
        epilog="variants: " + ", ".join(v.name for v in VARIANTS),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=PLANS,
        help="directory to write the plans into (default: examples/plans)",
    )
    parser.add_argument(
        "--variant",
        action="append",
        choices=[v.name for v in VARIANTS],
        metavar="NAME",
        help="make only this variant (repeatable; default: all)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate into a temporary directory and compare with --out, ignoring "
        "timestamps; exit 1 when they differ",
    )
    parser.add_argument("--quiet", action="store_true", help="print only errors and the result")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr)

    try:
        if args.check:
            with tempfile.TemporaryDirectory(prefix="plangate-plans-check-") as tmp:
                seconds = make_plans(Path(tmp), args.variant, log)
                differing = compare(Path(tmp), args.out)
                if args.variant:
                    wanted = {f"{n}.json" for n in args.variant} | {"index.json"}
                    differing = [n for n in differing if n in wanted]
            if differing:
                print(f"differ from {args.out}: {', '.join(differing)}")
                return 1
            print(f"plans up to date ({seconds:.1f} s)")
            return 0
        seconds = make_plans(args.out, args.variant, log)
    except (MakePlansError, RuntimeError) as exc:  # RuntimeError: a terraform run failed
        print(f"make_plans.py: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} ({seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
