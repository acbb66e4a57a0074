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
