"""Screenshots of every window as a caseworker's screen shows it: under a real X server (Xvfb)
with a window manager (openbox), at 1366x768 and 1280x720 at 100% and at 1920x1080 at 150%,
grabbed from the root window (`import -window root`), so title bars, placement and anything
pushed off the screen are in the picture. Saved as docs/screenshots/screens/<size>/<window>.png.

    python scripts/screen_sizes.py            # all three sizes (needs Xvfb, openbox, imagemagick)
    python scripts/screen_sizes.py --only 1366x768
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots" / "screens"
AS_OF = date(2025, 6, 2)
SIZES = {"1366x768": 1.0, "1280x720": 1.0, "1920x1080-150": 1.5}
DEMO_CASES = 500


def _settle(seconds: float = 0.6) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)


def _grab(out: Path, name: str) -> Path:
    _settle()
    path = out / f"{name}.png"
    # 256 colours without dithering: the same pixels to the eye, a third of the file size.
    subprocess.run(
        ["import", "-window", "root", "-dither", "None", "-colors", "256", f"PNG8:{path}"],
        check=True,
    )
    return path


def shoot(out: Path, home: Path) -> list[Path]:
    """Runs inside the X session: each window shown as the program opens it, then grabbed."""
    os.environ["SEND_DESKTOP_HOME"] = str(home)
    from sqlalchemy import select

    from send_desktop.gui.app import create_application
    from send_desktop.gui.case_data import load_case
    from send_desktop.gui.main_window import MainWindow
    from send_desktop.store import Database
    from send_desktop.store.demo import make_demo
    from send_desktop.store.models import Case, Caseworker

    app = create_application(["screen-sizes"])
    db_path = home / "demo.sqlite3"
    fresh = not db_path.exists()
    db = Database.open(str(db_path), "Priya Shah")
    if fresh:
        make_demo(db, cases=DEMO_CASES, seed=2025, as_of=AS_OF)
    with db.session() as session:
        user = session.execute(
            select(Caseworker.name).order_by(Caseworker.id).limit(1)
        ).scalar_one()
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    window = MainWindow(db, user, as_of=AS_OF)
    window.show()
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    window.caseload_loaded.connect(loop.quit)
    QTimer.singleShot(60_000, loop.quit)
    loop.exec()
    shots.append(_grab(out, "main-window"))
    window.menuBar().setActiveAction(window.menus["Help"].menuAction())
    shots.append(_grab(out, "main-window-help-menu"))
    window.menus["Help"].hide()
    window.menuBar().setActiveAction(None)
    window.tabs.setCurrentIndex(1)
    shots.append(_grab(out, "today"))
    window.tabs.setCurrentIndex(0)

    mine = [r.case_id for r in window.model.visible_rows() if r.caseworker == user]
    with db.session() as session:
        with_plan = session.execute(
            select(Case.id)
            .where(Case.id.in_(mine), Case.draft_served.is_not(None))
            .order_by(Case.id)
        ).scalar()
    case_window = window.open_case(with_plan or mine[0])
    shots.append(_grab(out, "case-window"))
    case_window.close()

    dashboard = window.open_dashboard()
    loop = QEventLoop()
    dashboard.report_loaded.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(60_000, loop.quit)
    loop.exec()
    tabs = dashboard.tabs  # type: ignore[attr-defined]
    d: Any = dashboard
    report = d.report
    busiest = max(range(len(report.overdue)), key=lambda i: report.overdue[i].total.count)
    clicks: dict[str, Callable[[], object]] = {
        "overdue": lambda: d.click_count(
            d.overdue_view, busiest, d.overdue_model.columnCount() - 1
        ),
        "caseloads": lambda: d.click_count(d.caseload_view, 0, 2),
        "forecast": lambda: d.click_count(d.forecast_view, d.forecast_model.rowCount() - 1, 1),
        "reviews": lambda: d.click_count(d.pipeline_view, 0, 1),
    }
    for index, name in enumerate(
        ("overview", "overdue", "caseloads", "timeliness", "forecast", "reviews")
    ):
        tabs.setCurrentIndex(index)
        if name in clicks:
            clicks[name]()
        shots.append(_grab(out, f"dashboard-{name}"))
    tabs.setCurrentIndex(0)
    dashboard.charts["caseload"].show_table(True)  # type: ignore[attr-defined]
    shots.append(_grab(out, "dashboard-overview-tables"))
    dashboard.close()

    from send_desktop.gui.calculator import DeadlineCalculator
    from send_desktop.gui.record_event import RecordEventDialog
    from send_desktop.gui.request_dialog import NewRequestDialog
    from send_desktop.gui.settings_dialog import FirstRunDialog, SettingsDialog

    assessing = [r for r in window.model.visible_rows() if r.stage == "Assessment"]
    with db.session() as session:
        case = load_case(session, assessing[0].case_id)
    for name, dialog in (
        ("settings", SettingsDialog(db, user, window)),
        ("new-request", NewRequestDialog(db, user, AS_OF, window)),
        ("record-event", RecordEventDialog(db, user, case, AS_OF, window)),
        ("first-run", FirstRunDialog("Priya Shah")),
        ("first-run-existing-database", FirstRunDialog("Priya Shah", existing_cases=DEMO_CASES)),
        ("calculator", DeadlineCalculator(AS_OF)),
    ):
        dialog.show()
        shots.append(_grab(out, name))
        dialog.close()
    guide = window.show_user_guide()
    shots.append(_grab(out, "user-guide"))
    guide.close()
    about = window.show_about()
    shots.append(_grab(out, "about"))
    about.close()
    window.close()
    db.engine.dispose()
    del app
    return shots


def _x_session(size: str, scale: float, home: Path, display: int) -> None:
    width, height = size.split("-")[0].split("x")
    xvfb = subprocess.Popen(
        ["Xvfb", f":{display}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {**os.environ, "DISPLAY": f":{display}"}
    try:
        time.sleep(1.0)
        wm = subprocess.Popen(
            ["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(1.0)
        child_env = {
            **env,
            "QT_QPA_PLATFORM": "xcb",
            "QT_SCALE_FACTOR": str(scale),
            "LANG": "C.UTF-8",
        }
        subprocess.run(
            [sys.executable, __file__, "--inside", str(OUT / size), "--home", str(home)],
            check=True,
            env=child_env,
        )
        wm.terminate()
        wm.wait(5)
    finally:
        xvfb.terminate()
        xvfb.wait(5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SIZES), action="append")
    parser.add_argument("--display", type=int, default=88)
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inside:
        for path in shoot(Path(args.inside), Path(args.home)):
            print(path)
        return 0
    for tool in ("Xvfb", "openbox", "import"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: apt-get install xvfb openbox imagemagick")
            return 2
    with tempfile.TemporaryDirectory(prefix="send-screens-") as tmp:
        for size in args.only or list(SIZES):
            _x_session(size, SIZES[size], Path(tmp), args.display)
    return 0


if __name__ == "__main__":
    sys.exit(main())
