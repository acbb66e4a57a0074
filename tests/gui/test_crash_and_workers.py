"""The crash dialog, the excepthook split between known errors and bugs, and background workers."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from send_desktop.errors import KnownError
from send_desktop.gui import crash, workers


def _raise_bug() -> None:
    raise ZeroDivisionError("division by zero in a test")


texts: list[str] = []


def _close_modal_later(found: list[QWidget]) -> None:
    def close() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, close)
            return
        found.append(widget)
        texts.append(widget.text() if isinstance(widget, QMessageBox) else "")
        widget.close()

    QTimer.singleShot(10, close)


def test_crash_dialog_has_copyable_details(qtbot: QtBot) -> None:
    try:
        _raise_bug()
    except ZeroDivisionError as exc:
        details = crash.crash_details(type(exc), exc, exc.__traceback__)
    dialog = crash.CrashDialog(details)
    qtbot.addWidget(dialog)
    assert "ZeroDivisionError: division by zero in a test" in details
    assert "SEND Desktop" in details.splitlines()[0]
    dialog.ui.copyButton.click()
    assert QGuiApplication.clipboard().text() == details
    assert dialog.ui.detailsEdit.isReadOnly()


def test_excepthook_logs_a_bug_and_shows_the_crash_dialog(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    crash.install_excepthook()
    try:
        shown: list[QWidget] = []
        _close_modal_later(shown)
        try:
            _raise_bug()
        except ZeroDivisionError as exc:
            with caplog.at_level(logging.ERROR):
                sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        crash.uninstall_excepthook()
    assert isinstance(shown[0], crash.CrashDialog)
    assert "ZeroDivisionError" in shown[0].ui.detailsEdit.toPlainText()
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)
    assert sys.excepthook is sys.__excepthook__ or sys.excepthook is not crash._excepthook


def test_known_error_is_a_plain_message_not_a_crash(qtbot: QtBot) -> None:
    shown: list[QWidget] = []
    _close_modal_later(shown)
    error = KnownError("The spreadsheet is open in Excel: close it and try again.")
    crash.handle_exception(KnownError, error, None)
    assert isinstance(shown[0], QMessageBox)
    assert texts[-1] == "The spreadsheet is open in Excel: close it and try again."


def test_worker_reports_progress_and_result_on_the_gui_thread(qtbot: QtBot) -> None:
    seen: list[tuple[int, int]] = []
    results: list[object] = []
    gui_thread = threading.current_thread()
    threads: list[threading.Thread] = []

    def job(progress: workers.Progress) -> int:
        threads.append(threading.current_thread())
        for done in range(5):
            progress(done, 5)
        return 42

    def done(result: object) -> None:
        results.append((result, threading.current_thread() is gui_thread))

    worker = workers.run_in_background(job, on_success=done)
    worker.signals.progress.connect(lambda d, t: seen.append((d, t)))
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results == [(42, True)]
    assert threads[0] is not gui_thread
    qtbot.waitUntil(lambda: workers.running_jobs() == 0, timeout=5000)


def test_worker_cancel_and_failure(qtbot: QtBot) -> None:
    started = threading.Event()
    release = threading.Event()
    outcome: list[str] = []

    def slow(progress: workers.Progress) -> None:
        started.set()
        release.wait(5)
        if not progress(1, 2):
            raise workers.JobCancelled
        outcome.append("ran to the end")

    worker = workers.run_in_background(slow, on_cancel=lambda: outcome.append("cancelled"))
    assert started.wait(5)
    worker.cancel()
    release.set()
    qtbot.waitUntil(lambda: outcome == ["cancelled"], timeout=5000)

    failures: list[BaseException] = []

    def broken(progress: workers.Progress) -> None:
        raise KnownError("no such file")

    workers.run_in_background(broken, on_failure=failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert str(failures[0]) == "no such file"
    qtbot.waitUntil(lambda: workers.running_jobs() == 0, timeout=5000)
