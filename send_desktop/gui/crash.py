# mypy: disable-error-code="no-untyped-call"
"""Unexpected errors: logged with their traceback and shown in a dialog with copyable details.

Known errors (send_desktop.errors.KnownError) are the user's to fix and get a plain message box;
anything else is a bug. Qt's own warnings are routed into the log file as well.
"""

from __future__ import annotations

import logging
import platform
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from send_desktop import __version__
from send_desktop.errors import KnownError, known_failure, scrubbed_traceback
from send_desktop.gui.forms.ui_crash_dialog import Ui_CrashDialog

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def crash_details(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """Version, platform and traceback: what support needs, and no case data (no locals, and
    every exception message scrubbed of names, dates, UPNs and postcodes)."""
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    lines = [
        f"SEND Desktop {__version__}",
        f"Python {platform.python_version()} on {platform.platform()}",
        "",
        scrubbed_traceback(exc),
    ]
    return "\n".join(line.rstrip("\n") for line in lines)


class CrashDialog(QDialog):
    """Says something unexpected happened; the details can be copied for IT support."""

    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ui = Ui_CrashDialog()
        self.ui.setupUi(self)
        self.ui.detailsEdit.setPlainText(details)
        self.ui.copyButton.clicked.connect(self.copy_details)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.buttonBox.accepted.connect(self.accept)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.ui.detailsEdit.toPlainText())
        self.ui.copyButton.setText("Copied")


def show_known_error(exc: KnownError, parent: QWidget | None = None) -> None:
    QMessageBox.warning(parent, "SEND Desktop", str(exc))


def handle_exception(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    parent: QWidget | None = None,
) -> None:
    """Show a KnownError (or a full disk, a locked database...) plainly; log anything else and
    show the crash dialog."""
    known = known_failure(exc)
    if known is not None:
        log.info("known error shown to the user: %s (%s)", type(known).__name__, exc_type.__name__)
        show_known_error(known, parent)
        return
    log.error("unexpected error", exc_info=(exc_type, exc, tb))
    if QApplication.instance() is None:
        return
    dialog = CrashDialog(crash_details(exc_type, exc, tb), parent)
    dialog.exec()


_previous_hook: ExceptHook | None = None


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        if _previous_hook is not None:
            _previous_hook(exc_type, exc, tb)
        return
    try:
        handle_exception(exc_type, exc, tb, QApplication.activeWindow())
    except Exception:  # the crash dialog itself failing must never hide the original error
        log.exception("the crash dialog failed")
        sys.__excepthook__(exc_type, exc, tb)


def install_excepthook() -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to handle_exception."""
    global _previous_hook
    if sys.excepthook is not _excepthook:
        _previous_hook = sys.excepthook
        sys.excepthook = _excepthook


def uninstall_excepthook() -> None:
    global _previous_hook
    if sys.excepthook is _excepthook:
        sys.excepthook = _previous_hook or sys.__excepthook__
        _previous_hook = None


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(mode: QtMsgType, context: object, message: str) -> None:
    qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def route_qt_messages() -> None:
    """Qt warnings go to the log file instead of a console the caseworker never sees."""
    qInstallMessageHandler(_qt_message)
