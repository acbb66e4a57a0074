"""The windows on a 1366x768 laptop screen at 150% scaling (911x512 logical pixels), measured in
a fresh process that has that screen: Qt's offscreen platform given a 1366x768 screen and
QT_SCALE_FACTOR=1.5, as a council laptop's display settings give it. The suite's own process
has one offscreen screen at 100%, fixed when its QApplication was made."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select

from send_desktop.store import Database
from send_desktop.store.demo import make_demo
from send_desktop.store.models import Caseworker

AS_OF = date(2025, 6, 2)
_ROOT = Path(__file__).resolve().parents[2]
# What a Windows laptop at 150% takes from the screen's 512 logical pixels besides the window:
# the task bar (40) and the window's title bar (31); the offscreen screen has neither.
TASK_BAR, TITLE_BAR = 40, 31

_MEASURE = r"""
import json, sys
from datetime import date
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
from send_desktop.gui.app import create_application
from send_desktop.gui.case_window import CaseWindow
from send_desktop.gui.dashboard import Period
from send_desktop.gui.main_window import MainWindow
from send_desktop.gui import fit
from send_desktop.store import Database

app = create_application(["fit-150"])
path, user, as_of = sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3])
db = Database.open(path, user)
screen = app.primaryScreen()
out = {"area": screen.availableGeometry().getRect(), "ratio": screen.devicePixelRatio()}


def wait(signal):
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(60_000, loop.quit)
    loop.exec()


def measure(name, window):
    pages = []
    for _ in fit.every_tab_page(window):
        for _ in range(5):
            app.processEvents()
        hint = window.minimumSizeHint()
        pages.append({"hint": [hint.width(), hint.height()],
                      "geometry": window.geometry().getRect(),
                      "frame": window.frameGeometry().getRect()})
    out[name] = pages


main = MainWindow(db, user, as_of=as_of, load=False)
main.show()
main.reload()
wait(main.caseload_loaded)
measure("main", main)
dashboard = main.open_dashboard()
wait(dashboard.report_loaded)
report = dashboard.report
out["caseworkers_charted"] = len(report.caseloads)
# The longest period's name chosen, and a count's cases listed (their heading wraps).
dashboard.period_combo.setCurrentIndex(dashboard.period_combo.findData(Period.LAST_YEAR))
wait(dashboard.report_loaded)
dashboard.tabs.setCurrentIndex(1)
dashboard.click_count(dashboard.overdue_view, 0, dashboard.overdue_model.columnCount() - 1)
out["listed"] = dashboard.overdue_cases.model.rowCount()
measure("dashboard", dashboard)
# By keyboard: Tab from the first figure of the Overview reaches the last chart's button,
# scrolled into view (the page is taller than the window here).
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
dashboard.tabs.setCurrentIndex(0)
dashboard.activateWindow()
area = dashboard.tabs.currentWidget()
last = dashboard.charts["stage"].toggle
dashboard.kpi["overdue"][0].setFocus()
for _ in range(40):
    if last.hasFocus():
        break
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
corner = last.mapTo(area.viewport(), last.rect().bottomRight())
out["keyboard"] = {"reached": last.hasFocus(), "scrolled": area.verticalScrollBar().value(),
                   "shown": area.viewport().rect().contains(corner)}
case = main.open_case(main.model.row_at(0).case_id)
measure("case", case)
print("MEASURED " + json.dumps(out), flush=True)
main.close()
"""


def _inside(rect: list[int], area: list[int]) -> bool:
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


def test_the_dashboard_main_and_case_windows_fit_1366x768_at_150_percent(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """On a demo caseload (several caseworkers in the charts, a count's cases listed, the longest
    period's name chosen) each window's smallest size fits the screen with a task bar and a
    title bar, on every tab page, and the window opens wholly on the screen; Tab reaches the
    last of the Overview's charts, scrolled into view. The dashboard
    was 1135x587 (its one row of filters, buttons and scope; its overview's cards and charts)
    and the case window 1044x730 (its SEN2 tab's three groups of fields)."""
    make_demo(sqlite_db, cases=400, seed=11, as_of=AS_OF, force=True)
    with sqlite_db.session() as session:
        leader = session.execute(
            select(Caseworker.name).where(Caseworker.role == "team_leader").order_by(Caseworker.id)
        ).scalar()
    assert leader is not None
    sqlite_db.close()
    screens = tmp_path / "screens.json"
    screens.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "laptop",
                        "x": 0,
                        "y": 0,
                        "width": 1366,
                        "height": 768,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=f"offscreen:configfile={screens}",
        QT_SCALE_FACTOR="1.5",
        PYTHONPATH=str(_ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(sqlite_db.path), leader, AS_OF.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("MEASURED ")), None)
    assert line is not None, done.stderr[-3000:]
    measured = json.loads(line.removeprefix("MEASURED "))
    area = measured["area"]
    assert measured["ratio"] == 1.5 and area[2:] == [911, 512]  # the laptop at 150%
    assert measured["caseworkers_charted"] >= 5 and measured["listed"] > 0
    assert measured["keyboard"]["reached"] and measured["keyboard"]["shown"], measured["keyboard"]
    assert measured["keyboard"]["scrolled"] > 0  # the Overview is taller than the window here
    room = (area[2], area[3] - TASK_BAR - TITLE_BAR)
    for name in ("main", "dashboard", "case"):
        assert len(measured[name]) > 1, name  # its tab pages were shown
        for page, sizes in enumerate(measured[name]):
            width, height = sizes["hint"]
            assert width <= room[0] and height <= room[1], (name, page, sizes, room)
            assert _inside(sizes["frame"], area), (name, page, sizes, area)
            assert _inside(sizes["geometry"], area), (name, page, sizes, area)
