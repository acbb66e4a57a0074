"""Start the desktop program: QApplication, stylesheet, error handling, first run, main window."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
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
from send_desktop.gui.status import app_icon
from send_desktop.gui.workers import run_in_background

# Nothing heavy before the first paint (issue 15): the store's SQLAlchemy side, the models,
# numpy and the bank-holiday tables load after the window shows the plain first page.
if TYPE_CHECKING:
    from send_desktop.gui.main_window import MainWindow
    from send_desktop.store import Database

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
    """QApplication; with a caseworker named, the window painted from a plain first page of a
    SQLite file (store/first_page.py) and the database opened after that paint; else (first
    run, a new, older, newer or stale database, team mode) the database opened first."""
    app = create_application()
    route_qt_messages()
    install_excepthook()
    from send_desktop.gui.main_window import MainWindow

    user = getattr(args, "user", None) or qt_settings.read_str(qt_settings.CASEWORKER_NAME)
    location = database_location(args)
    opened: list[Database] = []
    window: MainWindow | None = None
    if user:
        window = MainWindow(None, user)
        if painted_start(window, location, opened.append):
            code = app.exec()
            for db in opened:
                db.engine.dispose()
            return int(code)
    return _start_with_database(app, window, location, user)


def _start_with_database(
    app: QApplication, window: MainWindow | None, location: str | None, user: str | None
) -> int:
    """The database opened (migrated, refused, backed up) before the window shows."""
    from send_desktop.gui.demo import add_demo_cases, case_count
    from send_desktop.gui.main_window import MainWindow
    from send_desktop.gui.settings_dialog import FirstRunDialog, StartChoice
    from send_desktop.store import Database

    choice: StartChoice | None = None
    try:
        # Opened before the welcome, so a database that already holds cases is not offered
        # demo data (which goes only into an empty one).
        db = Database.open(location, user or _login_name())
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
    if window is None:
        window = MainWindow(db, user)
    else:
        window.attach(db)
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


def painted_start(
    window: MainWindow,
    location: str | None,
    opened: Callable[[Database], object] = lambda _db: None,
    backup: bool = True,
    refused: Callable[[int], object] = QApplication.exit,
) -> bool:
    """Paint `window` from the plain first page of the SQLite file at `location` and show it;
    once that paint is done, import the store and open the database (its checks: too new,
    read-only, network share), attach it and start the background load; a refusal is shown
    and `refused(exit code)` ends the program. False (nothing shown) when the plain read
    cannot be used: the caller opens the database first."""
    from send_desktop.store.backup_names import backed_up_today
    from send_desktop.store.location import existing_sqlite_file
    from send_desktop.store.location import network_share_fstype as on_share

    path = existing_sqlite_file(location)
    if path is None or not window.show_plain_first_page(path):
        return False
    started: list[bool] = []
    #: The background open (warm), while it runs.
    warming: list[object] = []
    #: The day's first start: its backup was started on the file, before the database opened.
    backed_up: list[bool] = []
    #: The file has been attached for the desk's plain reads (read_file ran).
    read: list[bool] = []

    def finish(db: Database) -> None:
        started.append(True)
        opened(db)
        window.attach(db)
        show_database_warnings(window, db)
        if backup and not backed_up:
            _start_daily_backup(db)
        log.info("database opened")

    def refuse(exc: KnownError) -> None:
        # Refused after all (read-only, a folder gone...): said, and the program ends.
        started.append(True)
        show_known_error(exc, window)
        window.close()
        refused(exc.exit_code)

    def open_database() -> None:
        while warming and not started:  # opening in the background: its result attaches
            QApplication.processEvents()
            time.sleep(0.005)
        if started:
            return
        from send_desktop.store import Database

        try:
            db = Database.open(location, window.user)
        except KnownError as exc:
            refuse(exc)
            return
        finish(db)

    def warm() -> None:
        if started or warming:
            return

        def job(_progress: object) -> Database:
            from send_desktop.store import Database

            return Database.open(location, window.user)

        def done(db: Database) -> None:
            warming.clear()
            if started:
                db.close()
            else:
                finish(db)

        def failed(exc: BaseException) -> None:
            warming.clear()
            if isinstance(exc, KnownError):
                refuse(exc)  # else open_database (the action) opens it and says why

        warming.append(run_in_background(job, on_success=done, on_failure=failed))

    def read_file() -> None:
        """After the paint: the desk reads the file plainly (no SQLAlchemy) and the database
        opens when an action first needs it - or now, when the file cannot be written
        (Database.open says why, and the program ends) or lies on a network share (it warns).
        The day's first start backs the file up in the background, plainly too."""
        if started or window.db is not None or read:
            return  # once: after the paint, or by the timer below when no paint came
        read.append(True)
        window.attach_file(path, open_database, warm)
        # What Database.open says at once (a refusal, a warning over the window): it opens now.
        if not _writable(path) or on_share(path):
            open_database()
        elif backup and not backed_up_today(path):
            backed_up.append(True)
            _start_file_backup(path)
        log.info("GUI started (first page painted before the database opened)")

    after = _AfterPaint(window.table.viewport(), lambda: QTimer.singleShot(0, read_file))
    window.setProperty("_after_paint", after)  # kept alive with the window
    # Should no paint come (a window started minimised), the file is read anyway; late
    # enough that a slow first paint on a busy machine is not kept waiting behind it.
    QTimer.singleShot(3000, read_file)
    window.show()
    return True


class _AfterPaint(QObject):
    """Calls `then` once, after the first paint of `widget`."""

    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self._then: Callable[[], object] | None = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            then, self._then = self._then, None
            then()
        return False


def show_database_warnings(parent: QWidget, db: Database) -> None:
    """What Database.open warned about (a SQLite file on a network share) is shown, not only
    logged: the caseworker is the one who can move the file or ask IT for team mode."""
    for warning in db.warnings:
        QMessageBox.warning(parent, "Where your database is", warning)


def _writable(path: Path) -> bool:
    """The folder and the file can be written (Database.open refuses a read-only one)."""
    return os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)


def _start_daily_backup(db: Database) -> None:
    """The first start of the day backs a SQLite database up (a server is backed up by IT):
    the same backup the start makes before the database is opened (`_start_file_backup`)."""
    if db.is_sqlite and db.path is not None:
        _start_file_backup(db.path)


def _start_file_backup(path: Path) -> None:
    """The first start of the day's backup of the SQLite file at `path` (store/daily_backup.py:
    the copy, pruning and `backup.keep` on plain sqlite3, so a start that has not opened the
    database does not load SQLAlchemy for it), off the GUI thread once the window is up
    (copying a large file before the first paint kept caseworkers waiting). SQLite's backup API
    copies one consistent state while the caseload is read; a failure is shown but does not
    stop work."""
    from send_desktop.store.daily_backup import daily_backup_file

    run_in_background(
        lambda _progress: daily_backup_file(path),
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
