"""The crash handler with a known child in the data: the log and the dialog never name them."""

from __future__ import annotations

import io
import logging
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from send_desktop.errors import scrub, scrubbed_traceback
from send_desktop.gui import crash
from send_desktop.logs import ScrubbingFormatter
from send_desktop.store import Database
from send_desktop.store.cases import ChildDetails, create_case
from send_desktop.store.models import Child

SECRETS = ("Zebedee", "Quillfeather", "2016-02-29", "29/02/2016", "ZZ9 9QQ", "K123456789012")
CHILD = ChildDetails(
    "Zebedee", "Quillfeather", date(2016, 2, 29), postcode="ZZ9 9QQ", upn="K123456789012"
)


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    """What the log file would hold: the root logger through the program's own formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(ScrubbingFormatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def _capture_modal(shown: list[str]) -> None:
    def close() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, close)
            return
        if isinstance(widget, QMessageBox):
            shown.append("message: " + widget.text())
        elif isinstance(widget, crash.CrashDialog):
            shown.append("crash: " + widget.ui.detailsEdit.toPlainText())
        widget.close()

    QTimer.singleShot(10, close)


def _through_the_excepthook(exc: BaseException) -> None:
    crash.install_excepthook()
    try:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    finally:
        crash.uninstall_excepthook()


def _assert_private(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, (secret, text)


def test_a_save_blocked_for_over_5_s_is_a_plain_message_without_the_child(
    qtbot: QtBot, tmp_path: Path, log_text: io.StringIO
) -> None:
    path = tmp_path / "cases.sqlite3"
    db = Database.open(str(path), "Test User")
    blocker = sqlite3.connect(path)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        with pytest.raises(Exception) as caught, db.session() as s:
            create_case(s, "Test User", child=CHILD, request_received=date(2025, 1, 6))
    finally:
        blocker.rollback()
        blocker.close()
    shown: list[str] = []
    _capture_modal(shown)
    _through_the_excepthook(caught.value)
    assert shown and shown[0].startswith("message: The database is busy")
    _assert_private(*shown, log_text.getvalue(), str(caught.value))
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT count(*) FROM child").fetchone()[0] == 0
    db.close()


@pytest.mark.postgres
def test_a_refused_row_reaches_the_crash_dialog_and_log_without_the_child(
    qtbot: QtBot, pg_database: str, log_text: io.StringIO
) -> None:
    db = Database.open(pg_database, "Test User")
    try:
        # Past the program's checks, straight at the server: its refusal (DETAIL: Failing row
        # contains (...)) lists every value of the row.
        with pytest.raises(Exception) as caught, db.session() as s:
            s.add(
                Child(
                    first_name="Zebedee",
                    last_name="Quillfeather",
                    date_of_birth=date(2016, 2, 29),
                    postcode="ZZ9 9QQ",
                    upn="K123456789012",
                    sex="Q",
                )
            )
            s.flush()
    finally:
        db.close()
    raw = str(getattr(caught.value, "orig", caught.value))
    assert "Zebedee" in raw  # the server's own text does carry it: the scrubbing matters
    shown: list[str] = []
    _capture_modal(shown)
    _through_the_excepthook(caught.value)
    assert shown and shown[0].startswith("crash: SEND Desktop")
    assert "CheckViolation" in shown[0] or "IntegrityError" in shown[0]
    assert "ERROR" in log_text.getvalue() and "Traceback" in log_text.getvalue()
    _assert_private(*shown, log_text.getvalue())


def test_scrub_takes_out_values_and_keeps_the_failure() -> None:
    text = (
        "invalid literal for int() with base 10: 'Zebedee Quillfeather'\n"
        "DETAIL:  Key (upn, date_of_birth)=(K123456789012, 2016-02-29) already exists.\n"
        "[parameters: ('Zebedee', 'Quillfeather', '2016-02-29', 'ZZ9 9QQ')]\n"
        "born 29/02/2016 at ZZ9 9QQ, UPN K123456789012"
    )
    cleaned = scrub(text)
    _assert_private(cleaned)
    assert "invalid literal for int()" in cleaned and "DETAIL" in cleaned
    try:
        try:
            typed = CHILD.first_name  # a value from the data, not from the code
            int(typed)
        except ValueError as inner:
            raise RuntimeError(f"could not read the row for {CHILD.postcode}") from inner
    except RuntimeError as exc:
        details = scrubbed_traceback(exc)
    _assert_private(details)
    assert "ValueError" in details and "RuntimeError" in details and "int(" in details


def test_the_crash_dialog_details_are_scrubbed(qtbot: QtBot) -> None:
    widgets: list[QWidget] = []
    try:
        # The values come from the data, as in a real failure (source lines hold only code).
        raise KeyError(f"{CHILD.first_name} {CHILD.last_name} {CHILD.date_of_birth}")
    except KeyError as exc:
        details = crash.crash_details(type(exc), exc, exc.__traceback__)
    dialog = crash.CrashDialog(details)
    qtbot.addWidget(dialog)
    widgets.append(dialog)
    _assert_private(dialog.ui.detailsEdit.toPlainText())
    assert "KeyError" in dialog.ui.detailsEdit.toPlainText()
