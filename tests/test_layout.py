"""The package layout shows the pipeline: stages import only from themselves and earlier stages, with no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "necro_sbml"
STAGES = ["core", "building", "simulation", "sedml", "exchange", "ensembles", "analyses"]
TOP = "cli"  # the command line sits on top of every stage
SCRIPTS = [p for d in ("scripts", "benchmarks") for p in sorted((PACKAGE.parent / d).glob("*.py"))]


def module_name(path: Path) -> str:
    """Dotted module name of a file under necro_sbml/."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """necro_sbml modules a file imports (absolute and relative, at any depth of the file)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("necro_sbml")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.startswith("necro_sbml"):
                found |= {f"{base}.{a.name}" if (PACKAGE.parent / f"{base}.{a.name}".replace(".", "/")).with_suffix(".py").exists() else base for a in node.names}
    return found


def stage_of(module: str) -> str:
    """The stage a necro_sbml module belongs to ('' for the package root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def all_modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_sits_in_a_stage() -> None:
    """necro_sbml/ holds only the stage folders, the command line and the package entry points."""
    loose = {p.name for p in PACKAGE.glob("*.py")} - {"__init__.py", "__main__.py", f"{TOP}.py"}
    assert not loose, f"modules outside a stage folder: {sorted(loose)}"
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders <= set(STAGES), f"unknown stage folders: {sorted(folders - set(STAGES))}"
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.exists() and ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"{stage} needs a docstring"


def test_stages_import_only_earlier_stages() -> None:
    """A module imports from its own stage or an earlier one; only the CLI and the package root reach every stage."""
    order = {s: i for i, s in enumerate(STAGES)}
    wrong = []
    for name, path in all_modules().items():
        stage = stage_of(name)
        if stage in ("", TOP, "__main__"):  # `python -m necro_sbml` runs the CLI
            continue
        for target in imported_modules(path):
            other = stage_of(target)
            if other == TOP or (other in order and order[other] > order[stage]):
                wrong.append(f"{name} imports {target}")
    assert not wrong, "imports from a later stage:\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    """The module import graph is acyclic."""
    modules = all_modules()
    graph = {n: {t for t in imported_modules(p) if t in modules and t != n} for n, p in modules.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join(trail[trail.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scripts_use_public_names(path: Path) -> None:
    """Scripts and benchmarks import from a stage package or the package root, never from a stage's module."""
    deep = sorted(m for m in imported_modules(path) if m.count(".") >= 2)
    assert not deep, f"{path.name} imports stage internals: {deep}"
