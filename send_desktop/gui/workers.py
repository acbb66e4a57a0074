"""Long work (import, export, demo data, loading a caseload) off the GUI thread.

`run_in_background(job, ...)` runs `job(progress)` on the global QThreadPool. The job opens its
own database session; `progress(done, total)` returns False once the user pressed Cancel, the
same callback shape the workbooks layer takes. Results and errors come back as Qt signals, so
callbacks run on the GUI thread.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

log = logging.getLogger(__name__)

Progress = Callable[[int, int], bool]
Job = Callable[[Progress], Any]


class JobCancelled(Exception):
    """Raised inside a job (or by its callee) when the user cancelled it."""


class WorkerSignals(QObject):
    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception, with __traceback__
    cancelled = Signal()
    finished = Signal()


class Worker(QRunnable):
    """One job on the thread pool; never touches a widget."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.signals = WorkerSignals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)  # the Python object owns it, so signals outlive run()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> bool:
        self.signals.progress.emit(done, total)
        return not self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.job(self._progress)
        except JobCancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # handed to the GUI thread, which decides how to show it
            log.debug("background job failed", exc_info=True)
            self.signals.failed.emit(exc)
        else:
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


class _Relay(QObject):
    """Lives on the GUI thread, so the worker's signals reach the callbacks there (queued)."""

    def __init__(
        self,
        worker: Worker,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[BaseException], None] | None,
        on_cancel: Callable[[], None] | None,
        dialog: QProgressDialog | None,
    ) -> None:
        super().__init__()
        self.worker = worker
        self.on_success = on_success
        self.on_failure = on_failure or _default_failure
        self.on_cancel = on_cancel
        self.dialog = dialog
        signals = worker.signals
        signals.succeeded.connect(self._succeeded)
        signals.failed.connect(self._failed)
        signals.cancelled.connect(self._cancelled)
        signals.progress.connect(self._progress)
        signals.finished.connect(self._finished)
        if dialog is not None:
            dialog.canceled.connect(worker.cancel)

    @Slot(object)
    def _succeeded(self, result: object) -> None:
        self._close_dialog()
        if self.on_success is not None:
            self.on_success(result)

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._close_dialog()
        self.on_failure(exc)

    @Slot()
    def _cancelled(self) -> None:
        self._close_dialog()
        if self.on_cancel is not None:
            self.on_cancel()

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        if self.dialog is not None and not self.worker.is_cancelled:
            self.dialog.setMaximum(max(total, 1))
            self.dialog.setValue(min(done, max(total, 1)))

    @Slot()
    def _finished(self) -> None:
        _running.pop(self.worker, None)

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None


# Keeps each worker and its relay alive until the job has finished.
_running: dict[Worker, _Relay] = {}


def _default_failure(exc: BaseException) -> None:
    sys.excepthook(type(exc), exc, exc.__traceback__)


def run_in_background(
    job: Job,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
    progress_dialog: QProgressDialog | None = None,
) -> Worker:
    """Start `job` on the thread pool; callbacks run on the GUI thread. Call from the GUI thread."""
    worker = Worker(job)
    _running[worker] = _Relay(worker, on_success, on_failure, on_cancel, progress_dialog)
    QThreadPool.globalInstance().start(worker)
    return worker


def running_jobs() -> int:
    return len(_running)


def progress_dialog(parent: QWidget | None, title: str, label: str) -> QProgressDialog:
    """A window-modal progress dialog with Cancel, shown only if the work takes over 0.4 s."""
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    return dialog


def wait_for_workers(timeout_ms: int = 30_000) -> bool:
    """Block until the pool is idle (tests and shutdown)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
