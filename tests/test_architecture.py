"""The house rules, read off the import statements (an AST walk, nothing is imported).

Rooms: ``packets``, ``fsw_stub`` and each sub-package of ``harness`` (``harness.plant``,
``harness.link``, ...) are one room each; every top-level module of ``harness`` is a
room of its own. Rules (docs/design.md "Layout"): ``packets`` imports nothing of ours;
``fsw_stub`` imports only ``packets``; ``harness.plant`` and ``harness.link`` import
nothing outside themselves but ``harness.errors``; and no two rooms import each other,
directly or round a cycle.
"""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = ("packets", "fsw_stub", "harness")


def _module_of(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _room(module: str) -> str:
    """``harness.plant.lander`` -> ``harness.plant``; ``harness.session`` stays itself."""
    parts = module.split(".")
    return parts[0] if parts[0] != "harness" else ".".join(parts[:2])


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    out: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            out.add(name)
            out.update(f"{name}.{a.name}" for a in node.names)
    return {m for m in out if m.split(".")[0] in OURS}


def _existing(module: str) -> str | None:
    """The longest prefix of ``module`` that is one of our modules or packages."""
    parts = module.split(".")
    while parts:
        p = ROOT.joinpath(*parts)
        if p.with_suffix(".py").exists() or (p / "__init__.py").exists():
            return ".".join(parts)
        parts = parts[:-1]
    return None


@functools.cache
def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for top in OURS:
        for path in (ROOT / top).rglob("*.py"):
            if "firmware" in path.parts:
                continue
            mod = _module_of(path)
            for imp in _imports(path, mod):
                target = _existing(imp)
                if target is None:
                    continue
                a, b = _room(mod), _room(target)
                if a != b:
                    edges[a].add(b)
    return edges


def test_packets_and_fsw_stub_keep_to_themselves() -> None:
    g = _graph()
    assert g.get("packets", set()) == set()
    assert g.get("fsw_stub", set()) <= {"packets"}


def test_plant_and_link_import_only_errors() -> None:
    g = _graph()
    for room in ("harness.plant", "harness.link"):
        assert g.get(room, set()) <= {"harness.errors", "packets"}, room


def test_no_import_cycles_between_rooms() -> None:
    g = _graph()
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for m in sorted(g.get(n, ())):
            if state.get(m) == 1:
                cycles.append([*stack[stack.index(m) :], m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(g):
        if n not in state:
            visit(n)
    assert cycles == [], " ; ".join(" -> ".join(c) for c in cycles)


def test_the_walk_sees_real_edges() -> None:
    """Not vacuous: known imports are found."""
    g = _graph()
    assert "packets" in g["fsw_stub"]
    assert "harness.port" in g["harness.lockstep"]
    assert "harness.faults" in g["harness.simulator"]
