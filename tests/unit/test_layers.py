"""The import rules of HACKING.md, read from the source: each folder is one layer.

Imports are collected from every module (top level and inside functions); only those under
``if TYPE_CHECKING:`` are exempt, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.paths import REPO

PKG = REPO / "clushell"
MAX_LINES = 400

#: layer -> layers (first component under clushell) it must never import
FORBIDDEN = {
    "cib": {"commands", "ui", "complete", "transport", "pacemaker", "ipvs", "session", "dispatch", "cli", "batch"},
    "ipvs": {"commands", "ui", "complete", "transport", "pacemaker", "cib", "session", "dispatch", "cli", "batch"},
    "corosync": {"commands", "ui", "complete", "transport", "pacemaker", "cib", "ipvs", "session", "dispatch"},
    "pacemaker": {"commands", "ui", "complete", "dispatch", "cli", "batch"},
    "transport": {"commands", "ui", "complete", "cib", "pacemaker", "ipvs", "dispatch", "cli", "batch"},
    "complete": {"ui"},
    "commands": {"ui"},
}
#: the only modules outside ui/ that may import ui/ (the interactive entry points)
UI_IMPORTERS = {"clushell.cli", "clushell.commands.completion"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, *, top_level_only: bool) -> set[str]:
    """clushell modules imported by ``tree`` (TYPE_CHECKING blocks excluded)."""
    found: set[str] = set()
    package = module if (PKG / Path(*module.split(".")[1:]) / "__init__.py").exists() else module.rpartition(".")[0]

    def visit(node: ast.AST, nested: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub, nested)
                continue
            inner = nested or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import) and not (top_level_only and nested):
                found.update(a.name for a in child.names if a.name.startswith("clushell"))
            elif isinstance(child, ast.ImportFrom) and not (top_level_only and nested):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                if base.startswith("clushell"):
                    found.add(base)
                    for alias in child.names:
                        sub = f"{base}.{alias.name}"
                        if (PKG / Path(*sub.split(".")[1:])).with_suffix(".py").exists() or (
                            PKG / Path(*sub.split(".")[1:]) / "__init__.py"
                        ).exists():
                            found.add(sub)
            visit(child, inner)

    visit(tree, False)
    return found


def _sources() -> dict[str, tuple[Path, ast.AST]]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        out[_module_name(path)] = (path, ast.parse(path.read_text(), str(path)))
    return out


SOURCES = _sources()


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_layer_imports_stay_downward(module: str) -> None:
    path, tree = SOURCES[module]
    forbidden = FORBIDDEN.get(_layer(module), set())
    bad = sorted(m for m in _imports(tree, module, top_level_only=False) if _layer(m) in forbidden)
    assert not bad, f"{path.relative_to(REPO)} ({_layer(module)}/) imports {bad}"


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_only_the_entry_points_import_ui(module: str) -> None:
    if _layer(module) == "ui" or module in UI_IMPORTERS:
        return
    path, tree = SOURCES[module]
    bad = sorted(m for m in _imports(tree, module, top_level_only=False) if _layer(m) == "ui")
    assert not bad, f"{path.relative_to(REPO)} imports the UI layer: {bad}"


def test_no_import_cycles_at_module_level() -> None:
    graph = {m: {i for i in _imports(t, m, top_level_only=True) if i in SOURCES and i != m}
             for m, (_p, t) in SOURCES.items()}
    # a package's __init__ importing its own children is not a cycle worth naming
    for m, deps in graph.items():
        graph[m] = {d for d in deps if not d.startswith(m + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return stack[stack.index(dep):] + [dep]
            if dep not in state:
                cycle = dfs(dep)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = dfs(module)
            assert cycle is None, "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_modules_stay_small(module: str) -> None:
    path, _tree = SOURCES[module]
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(REPO)} has {lines} lines; split it by responsibility"


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_no_probing_of_our_own_modules(module: str) -> None:
    path, tree = SOURCES[module]
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Name):
            assert node.type.id not in ("ImportError", "ModuleNotFoundError"), (
                f"{path.relative_to(REPO)}:{node.lineno} guards an import of a module that always exists"
            )
        if isinstance(node, ast.Attribute) and node.attr == "find_spec":
            raise AssertionError(f"{path.relative_to(REPO)}:{node.lineno} probes modules with find_spec")
