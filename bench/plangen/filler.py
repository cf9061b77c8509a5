"""Log groups at the root that make the plan exactly N resource changes.

Services come in whole units of 40 to 49 changes; the rest (fewer than one service) is
made of the app's log group as an existing service has it (`no-op`, with its prior
state), repeated as `aws_cloudwatch_log_group.archive[i]` under `count`, named after
`var.archived_services`: the log groups of retired services, kept at the root.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plangate.testing import refs

from .examples import Example
from .tokens import Cutter

__all__ = ["NAME", "VARIABLE", "Filler", "filler"]

NAME = "archive"
VARIABLE = "archived_services"
TYPE = "aws_cloudwatch_log_group"


@dataclass(frozen=True)
class Filler:
    block: dict[str, Any] | None  # the configuration block at the root
    names: list[str]
    changes: list[str]
    planned: list[str]
    prior: list[str]


def filler(
    count: int, example: Example, project: dict[str, Any], module: str, cutter: Cutter, salt: str
) -> Filler:
    """`count` log groups modelled on `example`'s in `module` (an existing service's)."""
    if count <= 0:
        return Filler(None, [], [], [], [])
    unit = example.unit(module)
    [change] = [rc for rc in unit.changes if rc["type"] == TYPE]
    [planned] = [entry for entry in unit.planned if entry["type"] == TYPE]
    [prior] = [entry for entry in unit.prior if entry["type"] == TYPE]
    names, texts = [], {"changes": [], "planned": [], "prior": []}
    for index in range(count):
        name = f"archived-{index:03d}"
        table = cutter.table("", "", name, f"{salt}:{name}")
        names.append(name)
        for section, entry in (("changes", change), ("planned", planned), ("prior", prior)):
            texts[section].append(cutter.cut(_at_root(entry, index)).render(table))
    block = _block(project, module, change["name"])
    return Filler(block, names, texts["changes"], texts["planned"], texts["prior"])


def _at_root(entry: dict[str, Any], index: int) -> dict[str, Any]:
    """The entry as instance `index` of the root block, keys in Terraform's order."""
    out: dict[str, Any] = {"address": f"{entry['type']}.{NAME}[{index}]"}
    for key, value in entry.items():
        if key in ("address", "module_address", "index"):
            continue
        out[key] = NAME if key == "name" else value
        if key == "name":
            out["index"] = index
    return out


def _block(project: dict[str, Any], module: str, name: str) -> dict[str, Any]:
    """The module's configuration block, at the root with `count` over the names."""
    body = project["root_module"]["module_calls"][module]["module"]
    [block] = [b for b in body["resources"] if b["type"] == TYPE and b["name"] == name]
    expressions = {**block["expressions"], "name": refs(f"var.{VARIABLE}", "count.index")}
    out = {**block, "address": f"{TYPE}.{NAME}", "name": NAME, "expressions": expressions}
    out["count_expression"] = refs(f"var.{VARIABLE}")
    return out
