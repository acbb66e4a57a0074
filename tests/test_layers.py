"""Imports point one way: gui -> workbooks, store -> timeline.

timeline imports nothing from the project, Qt or SQLAlchemy; store and workbooks never import Qt.
Checked on the source text (ast), so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "send_desktop"


def _imports(folder: Path) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.append((path, node.module))
    return found


def _offending(folder: str, banned: tuple[str, ...]) -> list[str]:
    return [
        f"{p.relative_to(PKG.parent)} imports {m}"
        for p, m in _imports(PKG / folder)
        if any(m == b or m.startswith(b + ".") for b in banned)
    ]


def test_timeline_is_pure() -> None:
    banned = ("send_desktop", "PySide6", "sqlalchemy", "alembic", "openpyxl")
    bad = [
        line
        for line in _offending("timeline", banned)
        if " imports send_desktop.timeline" not in line
    ]
    assert bad == []


@pytest.mark.parametrize("folder", ["store", "workbooks", "timeline", "letters"])
def test_no_qt_below_gui(folder: str) -> None:
    assert _offending(folder, ("PySide6", "shiboken6")) == []


def test_store_and_workbooks_do_not_import_gui() -> None:
    for folder in ("store", "workbooks", "timeline"):
        assert _offending(folder, ("send_desktop.gui",)) == []


def test_store_does_not_import_workbooks() -> None:
    assert _offending("store", ("send_desktop.workbooks",)) == []


def test_letters_use_only_store_and_timeline() -> None:
    """letters (issue 17) fills Word templates from the store and the clock engine, no Qt."""
    banned = ("send_desktop.gui", "send_desktop.workbooks", "send_desktop.commands")
    assert _offending("letters", banned) == []
    assert _offending("store", ("send_desktop.letters",)) == []
    assert _offending("timeline", ("send_desktop.letters",)) == []


def test_sen2_has_no_qt_and_sits_above_store() -> None:
    # sen2 may read the store and the timeline; nothing below it may import sen2.
    assert _offending("sen2", ("PySide6", "shiboken6", "send_desktop.gui")) == []
    for folder in ("store", "workbooks", "timeline"):
        assert _offending(folder, ("send_desktop.sen2",)) == []


# ---------------------------------------------------------------- cycles and SQL (issue 19)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import that runs (at module level or inside a function), not those for types."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (a name imported from a package counts as its
    submodule when there is one, else as the package)."""
    paths = {_module_name(p): p for p in PKG.rglob("*.py") if "forms" not in p.parts}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
                continue
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            subs = {f"{base}.{a.name}" for a in node.names} & paths.keys()
            deps |= subs
            if len(subs) < len(node.names):
                deps.add(base)
        graph[name] = {d for d in deps if d in paths and d != name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_no_import_cycles() -> None:
    """No two modules import each other, directly or round a ring - lazy imports included
    (a lazy import hides a cycle from Python, not from the next engineer)."""
    graph = _graph()
    cycles = import_cycles(graph)
    detail = [
        f"{' <-> '.join(group)}: "
        + "; ".join(f"{a} -> {b}" for a in group for b in sorted(graph[a] & set(group)))
        for group in cycles
    ]
    assert not detail, "import cycles:\n" + "\n".join(detail)


def test_cycle_finder_finds_a_ring() -> None:
    ring = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(ring) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_gui_builds_no_sql() -> None:
    """SQL only in the store: the gui calls store functions and imports SQLAlchemy only for
    type hints (under TYPE_CHECKING), never select/func or the ORM at run time."""
    bad: list[str] = []
    for path in (PKG / "gui").rglob("*.py"):
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            bad += [
                f"{path.relative_to(PKG.parent)} imports {n}"
                for n in names
                if n and (n == "sqlalchemy" or n.startswith("sqlalchemy."))
            ]
    assert bad == []
