"""The four layers import downwards only: engine, shared AWS knowledge, a pack's own
helpers, policies. A move that breaks this fails here, not in a reader's head."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE, POLICIES = ROOT / "plugin", ROOT / "policies"
PACKS = sorted(
    p.name for p in POLICIES.iterdir() if (p / "__init__.py").exists() and p.name != "aws"
)


def imported(path: Path) -> Iterator[str]:
    """Every module a file imports (relative imports resolved), at any depth of the file."""
    package = _package_of(path)
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([module] if module else [])])
            yield module
            # `from plangate import policies`: the names may be modules too
            yield from (f"{module}.{alias.name}" for alias in node.names)


def _package_of(path: Path) -> str:
    if path.is_relative_to(POLICIES):
        parts = ["plangate", "policies", *path.relative_to(POLICIES).parent.parts]
    else:
        parts = ["plangate", *path.relative_to(ENGINE).parent.parts]
    return ".".join(parts)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


@pytest.mark.parametrize("path", _files(ENGINE), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_engine_imports_no_policy_pack(path):
    bad = [
        m for m in imported(path) if m == "plangate.policies" or m.startswith("plangate.policies.")
    ]
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", _files(POLICIES / "aws"), ids=lambda p: p.name)
def test_shared_aws_knowledge_imports_no_pack(path):
    packs = tuple(f"plangate.policies.{pack}" for pack in PACKS)
    bad = [m for m in imported(path) if m.startswith(packs)]
    assert not bad, f"aws/{path.name} imports {bad}"


@pytest.mark.parametrize("pack", PACKS)
def test_a_pack_imports_no_other_pack(pack):
    others = tuple(f"plangate.policies.{p}" for p in PACKS if p != pack)
    for path in _files(POLICIES / pack):
        bad = [m for m in imported(path) if m.startswith(others)]
        assert not bad, f"{pack}/{path.name} imports {bad}"


@pytest.mark.parametrize("path", [*_files(ENGINE), *_files(POLICIES)], ids=lambda p: p.name)
def test_nothing_imports_the_folders_by_their_own_names(path):
    bad = [m for m in imported(path) if m.split(".")[0] in ("plugin", "policies")]
    assert not bad, f"{path.name} imports {bad}"


def _engine_module(path: Path) -> str:
    parts = ["plangate", *path.relative_to(ENGINE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_engine_modules_import_each_other_without_a_cycle():
    # Any import counts, however late (in a function, under TYPE_CHECKING): a cycle means
    # two modules that cannot be understood, or built, one before the other.
    modules = {_engine_module(path): path for path in _files(ENGINE)}
    graph = {
        name: {
            m
            for m in imported(path)
            if m in modules and m != name and not name.startswith(m + ".")  # its package
        }
        for name, path in modules.items()
    }
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            cycle = " -> ".join([*trail[trail.index(name) :], name])
            raise AssertionError(f"import cycle: {cycle}")
        if name in done:
            return
        for other in sorted(graph[name]):
            visit(other, (*trail, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())
