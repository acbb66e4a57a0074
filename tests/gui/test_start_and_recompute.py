"""Start-up: the first page painted from plain sqlite3 before the load, handed over without a
jump; a stale database brought up to date with the progress shown in the status bar."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text

from send_desktop.errors import ReadOnlyError
from send_desktop.gui import app as gui_app
from send_desktop.gui import crash
from send_desktop.gui.app import painted_start
from send_desktop.gui.main_window import MainWindow
from send_desktop.store import Database, DatabaseTooNewError, database, location, summaries
from send_desktop.store.demo import make_demo
from send_desktop.store.models import CaseSummaryRow

pytestmark = pytest.mark.gui

AS_OF = date(2025, 6, 2)
_ROOT = Path(__file__).resolve().parents[2]


def _busiest(db: Database) -> str:
    with db.session() as session:
        return str(
            session.execute(
                text(
                    'SELECT w.name FROM "case" c JOIN caseworker w ON w.id = c.caseworker_id '
                    "WHERE c.closed = 0 GROUP BY w.id ORDER BY count(*) DESC, w.id LIMIT 1"
                )
            ).scalar_one()
        )


def test_first_page_is_painted_before_the_load_and_handed_over_unchanged(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    make_demo(sqlite_db, cases=400, seed=5, as_of=AS_OF, force=True)
    user = _busiest(sqlite_db)
    shown: list[int] = []
    window = MainWindow(sqlite_db, user, as_of=AS_OF, load=False)
    window.caseload_shown.connect(shown.append)
    window._show_first_page()
    qtbot.addWidget(window)
    # Painted from the plain read, before any background work has reported.
    assert shown and shown[0] == window.model.rowCount() > 0
    before = [window.model.row_at(i) for i in range(window.model.rowCount())]
    label = window.counts_label.text()
    banner = window.banner.isVisibleTo(window)
    # The banner says the status bar's figure: cases overdue, as store/counts.py counts them.
    cases_overdue = re.search(r"(\d[\d,]*) cases overdue", window.counts_label.text())
    assert cases_overdue is not None
    assert f"{cases_overdue.group(1)} of your cases overdue" in window.banner_label.text()
    assert all(r.caseworker == user for r in before)
    with qtbot.waitSignal(window.caseload_loaded, timeout=30000):
        window.reload()
    after = [window.model.row_at(i) for i in range(window.model.rowCount())]
    assert after == before
    assert window.counts_label.text() == label
    assert window.banner.isVisibleTo(window) == banner  # the banner does not come in late
    assert "due today" in window.banner_label.text()
    assert shown == [len(before)]  # shown once: the hand-over is not a second first paint
    assert not window.recompute_bar.isVisible()


def test_a_stale_database_is_brought_up_to_date_with_progress_in_the_status_bar(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_demo(sqlite_db, cases=300, seed=6, as_of=AS_OF, force=True)
    user = _busiest(sqlite_db)
    with sqlite_db.session() as session:
        session.execute(text("UPDATE case_summary SET stamp = 'an older program'"))
        session.commit()
    # Small chunks, so the bar moves several times on a small database.
    monkeypatch.setattr(summaries, "CHUNK", 50)
    monkeypatch.setattr(summaries.recompute, "__defaults__", (None, None, 50))
    seen: list[tuple[int, int, bool, str]] = []
    window = MainWindow(sqlite_db, user, as_of=AS_OF, load=False)
    qtbot.addWidget(window)
    window.show()
    window.recompute_progress.connect(
        lambda done, total: seen.append(
            (done, total, window.recompute_bar.isVisible(), window.statusBar().currentMessage())
        )
    )
    window._show_first_page()
    assert window.model.rowCount() == 0  # stale: nothing painted from the plain read
    with qtbot.waitSignal(window.caseload_loaded, timeout=60000):
        window.reload()
    totals = {total for _done, total, _visible, _message in seen}
    assert totals == {300}
    dones = [done for done, *_ in seen]
    assert dones == sorted(dones) and dones[0] == 0 and dones[-1] == 300 and len(dones) >= 6
    assert all(visible for *_rest, visible, _message in seen)
    assert any("Updating the stored deadlines" in message for *_rest, message in seen)
    assert window.recompute_bar.value() == 300
    assert not window.recompute_bar.isVisible()  # hidden once the caseload is read
    with sqlite_db.session() as session:
        stamp = summaries.current_stamp(session)
        stale = session.execute(
            select(func.count()).where(CaseSummaryRow.stamp != stamp)
        ).scalar_one()
    assert stale == 0
    assert window.model.rowCount() > 0


# --- the program's start (gui/app.py): painted before the database opens --------------------


def _rows(window: MainWindow) -> list[object]:
    return [window.model.row_at(i) for i in range(window.model.rowCount())]


def _painted(
    qtbot: QtBot, db: Database, cases: int, seed: int
) -> tuple[MainWindow, str, list[Database]]:
    """A demo's busiest caseworker's window started as the program starts (gui/app.py):
    (the window, the user, the databases its start opened)."""
    make_demo(db, cases=cases, seed=seed, as_of=AS_OF, force=True)
    user = _busiest(db)
    window = MainWindow(None, user, as_of=AS_OF)
    qtbot.addWidget(window)
    opened: list[Database] = []
    assert painted_start(window, str(db.path), opened.append, backup=False)
    return window, user, opened


def test_the_start_paints_before_the_database_opens_and_hands_over_unchanged(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    window, user, opened = _painted(qtbot, sqlite_db, 400, 5)
    # Shown with the plain first page; nothing that needs the database works yet.
    assert window.isVisible() and window.db is None and not opened
    before, label = _rows(window), window.counts_label.text()
    assert before and all(r.caseworker == user for r in before)  # type: ignore[attr-defined]
    assert window.banner.isVisibleTo(window)
    assert not window.new_action.isEnabled() and not window.chase_button.isEnabled()
    # After the paint the file is read plainly and the load hands over; the database is not
    # opened (the day's backup is not asked for here, and the file is writable, not shared).
    with qtbot.waitSignal(window.caseload_loaded, timeout=60000):
        pass
    assert window.db is None and not opened
    assert _rows(window) == before
    assert window.counts_label.text() == label
    banner = window.banner_label.text()
    assert window.banner.isVisibleTo(window) and "due today" not in banner
    assert window.new_action.isEnabled() and window.chase_button.isEnabled()
    assert window.today_model.rowCount() == 0  # Today waits for the database
    # The first action that needs the database opens it (here: showing the Today list, which
    # the engine reads from each case's facts); the load hands over again, the same rows.
    with qtbot.waitSignal(window.caseload_loaded, timeout=60000):
        window.tabs.setCurrentIndex(1)
    try:
        assert len(opened) == 1 and window.db is opened[0]
        assert _rows(window) == before
        assert window.counts_label.text() == label
        assert window.today_model.rowCount() > 0
        assert window.banner.isVisibleTo(window) and "due today" in window.banner_label.text()
        assert window.banner_label.text().startswith(banner.rstrip("."))
    finally:
        opened[0].close()


def test_a_key_in_the_list_opens_the_database_in_the_background_for_the_case(
    qtbot: QtBot, sqlite_db: Database
) -> None:
    """After the plain hand-over, a key in the list (or a row pressed) starts opening the
    database off the GUI thread (a case is about to be opened); it attaches once, and the
    case opens on it."""
    window, _user, opened = _painted(qtbot, sqlite_db, 200, 6)
    with qtbot.waitSignal(window.caseload_loaded, timeout=60000):
        pass
    assert window.db is None and not opened
    before = _rows(window)
    qtbot.keyClick(window.search_box, "x")
    window.search_box.clear()
    assert not opened  # typing a search needs no database
    qtbot.keyClick(window.table, Qt.Key.Key_Down)  # moving in the list: a case may be opened
    qtbot.waitUntil(lambda: bool(opened), timeout=60000)
    try:
        assert window.db is opened[0]
        window.table.pressed.emit(window.model.index(1, 0))  # once: nothing more opens
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
        case_window = window.open_case(window.model.row_at(0).case_id)
        qtbot.addWidget(case_window)
        assert len(opened) == 1 and _rows(window) == before
        with qtbot.waitSignal(window.caseload_loaded, timeout=60000):
            pass  # the load that reads the Today list, a moment later
        assert window.today_model.rowCount() > 0 and _rows(window) == before
    finally:
        opened[0].close()


def test_the_file_is_read_once_after_the_paint(qtbot: QtBot, sqlite_db: Database) -> None:
    """The desk attaches the file once: the fallback timer (for a window never painted) does
    not read it a second time after the paint already did."""
    window, _user, opened = _painted(qtbot, sqlite_db, 200, 4)
    loads: list[int] = []
    window.caseload_loaded.connect(loads.append)
    qtbot.waitUntil(lambda: bool(loads), timeout=60000)
    qtbot.wait(3500)  # past the fallback timer (3 s)
    assert len(loads) == 1 and window.db is None and not opened


_FIRST_PAINT = """
import sys
from datetime import date
from PySide6.QtCore import QEvent, QObject
from send_desktop.gui.app import create_application, painted_start
from send_desktop.gui.main_window import MainWindow
HEAVY = ("sqlalchemy", "numpy", "holidays", "alembic", "openpyxl", "docx")
app = create_application(sys.argv[:1])
window = MainWindow(None, sys.argv[2], as_of=date.fromisoformat(sys.argv[3]))
seen = {}
class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not seen:
            seen["heavy"] = [m for m in HEAVY if m in sys.modules]
            seen["rows"] = window.model.rowCount()
        return False
watch = Watch()
window.table.viewport().installEventFilter(watch)
def loaded(count):
    import linecache
    from pathlib import Path
    from send_desktop.gui.workers import wait_for_workers
    from send_desktop.store.backup_names import backups_dir, list_backups
    wait_for_workers()  # the day's first start: its backup, made in the background
    print("BACKUPS", len(list_backups(backups_dir(Path(sys.argv[1])))), flush=True)
    feature = sys.modules["shibokensupport.feature"].pyside_feature_dict
    kept = [n for n, e in linecache.cache.items() if len(e) > 1 and n.endswith(".py")]
    uses = feature.get("send_desktop.gui.main_window"), feature.get("send_desktop.store.desk_sql")
    print("SOURCES", len(kept), *uses, flush=True)
    # With the caseload open (handed over, Today shown), still not loaded.
    print("OPEN", [m for m in HEAVY if m in sys.modules],
          window.today_model.rowCount(), flush=True)
    print("RESULT", seen["heavy"], seen["rows"], count, "sqlalchemy" in sys.modules, flush=True)
    app.quit()
window.caseload_loaded.connect(loaded)
print("PAINTED_START", painted_start(window, sys.argv[1]), flush=True)
app.exec()
"""


def test_nothing_heavy_is_imported_before_the_first_paint(sqlite_db: Database) -> None:
    """A fresh process, as the program starts: at the first paint of the caseload rows no
    SQLAlchemy, numpy, bank-holiday tables, alembic, openpyxl or docx has been imported; with
    the caseload open (handed over, the Today list shown) none of them either: the desk reads
    on plain sqlite3 until an action needs the database - on the day's first start too,
    whose backup is made on plain sqlite3."""
    make_demo(sqlite_db, cases=200, seed=7, as_of=AS_OF, force=True)
    user = _busiest(sqlite_db)
    sqlite_db.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(_ROOT))
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_PAINT, str(sqlite_db.path), user, AS_OF.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert "PAINTED_START True" in done.stdout, done.stderr[-2000:]
    result = next(ln for ln in done.stdout.splitlines() if ln.startswith("RESULT"))
    heavy, rows, count, later = re.fullmatch(r"RESULT (\[.*\]) (\d+) (\d+) (\w+)", result).groups()  # type: ignore[union-attr]
    assert heavy == "[]"  # nothing heavy at the first paint
    assert int(rows) == int(count) > 0  # the first paint already showed the caseload
    assert later == "False"  # the caseload open, handed over, on plain sqlite3: no SQLAlchemy
    # shiboken's import hook still tells modules that use PySide6 (0) from the others (-1),
    # but no longer keeps their source in linecache (22 MB with the caseload open; the lazy
    # one-element entries that tracebacks leave hold no lines; SQLAlchemy's own generated code
    # is named <...>, not a file)
    assert "SOURCES 0 0 -1" in done.stdout
    # The day's first start (no backup yet in this test's home): the file was backed up, and
    # that did not load SQLAlchemy either (store/daily_backup.py, plain sqlite3).
    assert "BACKUPS 1" in done.stdout
    # With the caseload open: no SQLAlchemy, numpy, `holidays` (England's days come from its
    # table in timeline/bank_holidays.py, ~4 MB less), alembic, openpyxl or docx; the Today list
    # waits for the database (the first action that needs it, or the Today tab, opens it).
    opened = next(ln for ln in done.stdout.splitlines() if ln.startswith("OPEN"))
    kept_out, today = re.fullmatch(r"OPEN (\[.*\]) (\d+)", opened).groups()  # type: ignore[union-attr]
    assert kept_out == "[]"
    assert int(today) == 0


def test_the_start_opens_the_database_first_when_the_plain_read_cannot_be_used(
    qtbot: QtBot, sqlite_db: Database, tmp_path: Path
) -> None:
    """A first run (no file, an empty file), stale stored deadlines or a schema this program
    does not know: nothing is painted early, and the normal path's checks decide."""
    make_demo(sqlite_db, cases=100, seed=8, as_of=AS_OF, force=True)
    user = _busiest(sqlite_db)
    path = sqlite_db.path
    assert path is not None
    empty = tmp_path / "new.sqlite3"
    empty.touch()
    for where in (str(tmp_path / "missing.sqlite3"), str(empty), "postgresql+psycopg://x/y"):
        window = MainWindow(None, user, as_of=AS_OF)
        qtbot.addWidget(window)
        assert not painted_start(window, where, backup=False)
        assert not window.isVisible() and window.model.rowCount() == 0
    with sqlite_db.session() as session:
        session.execute(text("UPDATE case_summary SET stamp = 'an older program'"))
    window = MainWindow(None, user, as_of=AS_OF)
    qtbot.addWidget(window)
    assert not painted_start(window, str(path), backup=False)  # stale: the load recomputes
    with sqlite_db.session() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    sqlite_db.close()
    window = MainWindow(None, user, as_of=AS_OF)
    qtbot.addWidget(window)
    assert not painted_start(window, str(path), backup=False)
    assert not window.isVisible()
    with pytest.raises(DatabaseTooNewError):  # what run_gui then shows, before any window
        Database.open(str(path), user)


def test_what_database_open_says_after_the_paint_is_shown(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks Database.open makes still speak when the window is already painted: a
    network share is warned about over the window; a read-only folder is refused in words and
    the program ends."""
    make_demo(sqlite_db, cases=100, seed=9, as_of=AS_OF, force=True)
    user = _busiest(sqlite_db)
    shown: list[str] = []
    monkeypatch.setattr(
        gui_app.QMessageBox, "warning", lambda _parent, _title, message: shown.append(message)
    )
    monkeypatch.setattr(crash.QMessageBox, "warning", lambda _p, _t, message: shown.append(message))
    monkeypatch.setattr(database, "network_share_fstype", lambda _path: "cifs")
    monkeypatch.setattr(location, "network_share_fstype", lambda _path: "cifs")
    window = MainWindow(None, user, as_of=AS_OF)
    qtbot.addWidget(window)
    opened: list[Database] = []
    assert painted_start(window, str(sqlite_db.path), opened.append, backup=False)
    qtbot.waitUntil(lambda: bool(opened), timeout=60000)
    opened[0].close()
    assert any("network share (cifs)" in m for m in shown)
    # Read-only (as another user than root would find it): refused after the paint.
    shown.clear()
    monkeypatch.setattr(database.os, "access", lambda *_args, **_kw: False)
    window = MainWindow(None, user, as_of=AS_OF)
    qtbot.addWidget(window)
    codes: list[int] = []
    assert painted_start(window, str(sqlite_db.path), backup=False, refused=codes.append)
    qtbot.waitUntil(lambda: bool(codes), timeout=60000)
    assert "read-only" in shown[0]
    assert codes == [ReadOnlyError("").exit_code]  # the program ends with the error's code
    assert not window.isVisible() and window.db is None
