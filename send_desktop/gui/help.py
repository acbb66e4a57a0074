"""The Help menu's windows: the user guide, the keyboard shortcuts and About."""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterable
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from send_desktop import APP_NAME, __version__, paths
from send_desktop.gui import fit
from send_desktop.store.database import SQLALCHEMY_VERSION

GUIDE_NAME = "user-guide.md"


def user_guide_path() -> Path | None:
    """docs/user-guide.md beside resources/ (a source checkout, or a bundle that ships docs/)."""
    for root in (paths.resources_dir().parent, paths.resources_dir().parent.parent):
        candidate = root / "docs" / GUIDE_NAME
        if candidate.exists():
            return candidate
    return None


class UserGuideWindow(QDialog):
    """The guide rendered from its Markdown, with its screenshots; Escape closes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("User guide")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(True)
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        guide = user_guide_path()
        if guide is None:
            self.browser.setPlainText(
                "The user guide is not installed with this copy of the program. It is the file "
                f"docs/{GUIDE_NAME} in the program's source; ask IT for a copy."
            )
        else:
            self.browser.setSearchPaths([str(guide.parent)])
            self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(guide.parent) + "/"))
            self.browser.setMarkdown(guide.read_text(encoding="utf-8"))
        fit.fit_size(self, 960, 900)
        self._fit_pictures(self.width() - 80)
        self.browser.setFocus()

    def _fit_pictures(self, width: int) -> None:
        """Screenshots shown no wider than the window (they are up to 1920 pixels wide), so
        the guide reads without sideways scrolling; each keeps its proportions."""
        document = self.browser.document()
        block = document.begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                if fragment.charFormat().isImageFormat():
                    picture = fragment.charFormat().toImageFormat()
                    picture.setWidth(min(width, 900))
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(
                        fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                    )
                    cursor.setCharFormat(picture)
                fragments += 1
            block = block.next()


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(what, keys) for every action with a shortcut, in menu order, without duplicates."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for action in actions:
        keys = ", ".join(
            k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()
        )
        what = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".")
        if keys and what and what not in seen:
            seen.add(what)
            rows.append((what, keys))
    return rows


EXTRA_KEYS = [
    ("Move between the tabs of a window", "Ctrl+Tab, Ctrl+Shift+Tab"),
    ("Go to a tab, button or field", "Alt + its underlined letter"),
    ("Close a case window, the dashboard or a dialog", "Escape (Ctrl+W for windows)"),
    ("Open the case selected in a list", "Enter, or double-click"),
]


class ShortcutsDialog(QDialog):
    """Every shortcut of the main window's menus, read from the actions themselves."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(actions) + EXTRA_KEYS
        layout = QVBoxLayout(self)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["To", "Press"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for number, (what, keys) in enumerate(rows):
            self.table.setItem(number, 0, QTableWidgetItem(what))
            self.table.setItem(number, 1, QTableWidgetItem(keys))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit.fit_size(self, 620, 640)
        self.table.setFocus()


def about_text(database: str) -> str:
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Statutory deadlines and caseloads for SEND (EHC) teams in England.</p>"
        "<table>"
        f"<tr><td>Database:&nbsp;</td><td>{database}</td></tr>"
        f"<tr><td>Data folder:&nbsp;</td><td>{paths.data_dir()}</td></tr>"
        f"<tr><td>Log folder:&nbsp;</td><td>{paths.log_dir()}</td></tr>"
        f"<tr><td>Settings folder:&nbsp;</td><td>{paths.config_dir()}</td></tr>"
        f"<tr><td>Python:&nbsp;</td><td>{platform.python_version()} ({sys.platform})</td></tr>"
        f"<tr><td>Qt / PySide6:&nbsp;</td><td>{qVersion()} / {PySide6.__version__}</td></tr>"
        f"<tr><td>SQLAlchemy:&nbsp;</td><td>{SQLALCHEMY_VERSION}</td></tr>"
        "</table>"
    )


class AboutDialog(QDialog):
    """Versions and folders, selectable so they can be pasted into a support request."""

    def __init__(self, database: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        layout = QVBoxLayout(self)
        self.text = QLabel(about_text(database), self)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName(f"About {APP_NAME}")
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.text.setAccessibleDescription(self.text.text())
        fit.fit_size(self, 640, 380)
