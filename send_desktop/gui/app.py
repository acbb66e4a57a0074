"""Start the desktop program: QApplication, stylesheet, error handling, first run, main window."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

# isort: off
# The store and the timeline before PySide6: PySide6 hooks every import made after it and
# reads the module's source (its __feature__ check), about 0.1 s of each start for these 300
# modules, which the main window needs before its first paint anyway.
from send_desktop.store import Database
from send_desktop.store import queries as _queries  # noqa: F401
# isort: on

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from send_desktop import APP_NAME, APP_SLUG, __version__, paths
from send_desktop.errors import KnownError
from send_desktop.gui import qt_settings
from send_desktop.gui.crash import (
    handle_exception,
    install_excepthook,
    route_qt_messages,
    show_known_error,
)
from send_desktop.gui.demo import add_demo_cases, case_count
from send_desktop.gui.status import app_icon
from send_desktop.gui.workers import run_in_background

log = logging.getLogger(__name__)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The one QApplication, styled; safe to call when one exists (tests, self-test)."""
    existing = QApplication.instance()
    if existing is None:
        # Fractional scaling (125%, 150%) without rounding: text stays crisp and fits.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    else:
        assert isinstance(existing, QApplication)
        app = existing
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_SLUG)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    app.setStyleSheet(paths.resource("style.qss").read_text(encoding="utf-8"))
    return app


def database_location(args: argparse.Namespace) -> str | None:
    """--database wins; then the setting chosen in the Settings dialog; else the store default."""
    if getattr(args, "database", None):
        return str(args.database)
    saved = qt_settings.read_str(qt_settings.DATABASE_LOCATION)
    return saved or None


def run_gui(args: argparse.Namespace) -> int:
    app = create_application()
    route_qt_messages()
    install_excepthook()
    from send_desktop.gui.main_window import MainWindow
    from send_desktop.gui.settings_dialog import FirstRunDialog, StartChoice

    user = getattr(args, "user", None) or qt_settings.read_str(qt_settings.CASEWORKER_NAME)
    choice: StartChoice | None = None
    try:
        # Opened before the welcome, so a database that already holds cases is not offered
        # demo data (which goes only into an empty one).
        db = Database.open(database_location(args), user or _login_name())
    except KnownError as exc:
        show_known_error(exc)
        return exc.exit_code
    if not user:
        first = FirstRunDialog(_login_name(), existing_cases=case_count(db))
        if not first.exec():
            db.engine.dispose()
            return 0
        user, choice = first.name, first.choice
        db.user = user
    window = MainWindow(db, user)
    window.show()
    show_database_warnings(window, db)
    _start_daily_backup(db)
    if choice is StartChoice.DEMO:
        add_demo_cases(window, db)
    elif choice is StartChoice.IMPORT:
        window.import_tracker()
    log.info("GUI started")
    code = app.exec()
    db.engine.dispose()
    return int(code)


def show_database_warnings(parent: QWidget, db: Database) -> None:
    """What Database.open warned about (a SQLite file on a network share) is shown, not only
    logged: the caseworker is the one who can move the file or ask IT for team mode."""
    for warning in db.warnings:
        QMessageBox.warning(parent, "Where your database is", warning)


def _start_daily_backup(db: Database) -> None:
    """The first start of the day backs the database up, off the GUI thread once the window
    is up (copying a large file before the first paint kept caseworkers waiting). SQLite's
    backup API copies one consistent state while the caseload is read; a failure is shown but
    does not stop work."""
    from send_desktop.store.backup import daily_backup

    run_in_background(
        lambda _progress: daily_backup(db),
        on_failure=lambda exc: handle_exception(type(exc), exc, exc.__traceback__),
    )


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some locked-down desktops
        return ""


def choose_tracker(parent: object) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(
        parent,  # type: ignore[arg-type]
        "Import a tracker spreadsheet",
        str(Path.home()),
        "Excel workbook (*.xlsx)",
    )
    return Path(path) if path else None
