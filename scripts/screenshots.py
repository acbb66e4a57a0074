"""Build a demo database and save screenshots of the main windows into docs/screenshots/.

Run as `./dev screenshots` (offscreen; QWidget.grab renders the same pixels as a real display).
The 150% screenshot needs QT_SCALE_FACTOR before Qt starts, so it runs in a child process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
AS_OF = date(2025, 6, 2)
USER = "Priya Shah"
ALL = [
    "main-window",
    "today",
    "case-window",
    "first-run",
    "new-request",
    "record-event",
    "settings",
    "calculator",
    "dashboard",
]


def _wait(signal: object, app: object, timeout_ms: int = 60_000) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)  # type: ignore[attr-defined]
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def _settle(app: object) -> None:
    for _ in range(5):
        app.processEvents()  # type: ignore[attr-defined]


def shoot(names: list[str], home: Path) -> None:
    os.environ["SEND_DESKTOP_HOME"] = str(home)
    from sqlalchemy import select

    from send_desktop.gui.app import create_application
    from send_desktop.gui.main_window import MainWindow
    from send_desktop.store import Database
    from send_desktop.store.demo import make_demo
    from send_desktop.store.models import Case, Caseworker

    app = create_application(["screenshots"])
    db_path = home / "demo.sqlite3"
    fresh = not db_path.exists()
    db = Database.open(str(db_path), USER)
    if fresh:
        make_demo(db, cases=500, seed=2025, as_of=AS_OF)
    with db.session() as session:
        # Screenshots show one caseworker's desk: the demo's first caseworker.
        user = session.execute(
            select(Caseworker.name).order_by(Caseworker.id).limit(1)
        ).scalar_one()
    window = MainWindow(db, user, as_of=AS_OF, load=False)
    window.resize(1440, 820)
    window.show()
    _settle(app)
    window.reload()
    _wait(window.caseload_loaded, app)
    _settle(app)
    OUT.mkdir(parents=True, exist_ok=True)
    if "main-window" in names:
        window.grab().save(str(OUT / "main-window.png"))
    if "main-window-150" in names:
        window.resize(1280, 760)
        _settle(app)
        window.grab().save(str(OUT / "main-window-150.png"))
    if "today" in names:
        window.tabs.setCurrentIndex(1)
        _settle(app)
        window.grab().save(str(OUT / "today.png"))
        window.tabs.setCurrentIndex(0)
    if "case-window" in names:
        with db.session() as session:
            mine = [r.case_id for r in window.model.visible_rows() if r.caseworker == user]
            with_plan = session.execute(
                select(Case.id)
                .where(Case.id.in_(mine), Case.draft_served.is_not(None))
                .order_by(Case.id)
            ).scalar()
        case_window = window.open_case(with_plan or mine[0])
        case_window.resize(1200, 720)
        _settle(app)
        case_window.grab().save(str(OUT / "case-window.png"))
        case_window.close()
    _dialogs(names, db, user, window, app)
    if "dashboard" in names:
        from send_desktop.gui.dashboard import save_dashboard_screenshots

        save_dashboard_screenshots(db, OUT, as_of=AS_OF, user=user, overload_threshold=40)
    window.close()
    db.engine.dispose()


def _dialogs(names: list[str], db: object, user: str, window: object, app: object) -> None:
    """First run, new request, record event, settings and the calculator, as a user meets them."""
    from send_desktop.gui.calculator import DeadlineCalculator
    from send_desktop.gui.case_data import load_case
    from send_desktop.gui.record_event import RecordEventDialog
    from send_desktop.gui.request_dialog import NewRequestDialog
    from send_desktop.gui.settings_dialog import FirstRunDialog, SettingsDialog

    shots: list[tuple[str, object]] = []
    if "first-run" in names:
        shots.append(("first-run", FirstRunDialog("Priya Shah")))
    if "new-request" in names:
        shots.append(("new-request", NewRequestDialog(db, user, AS_OF)))  # type: ignore[arg-type]
    if "record-event" in names:
        rows = [r for r in window.model.visible_rows() if r.stage == "Assessment"]  # type: ignore[attr-defined]
        with db.session() as session:  # type: ignore[attr-defined]
            case = load_case(session, rows[0].case_id)
        shots.append(("record-event", RecordEventDialog(db, user, case, AS_OF)))  # type: ignore[arg-type]
    if "settings" in names:
        shots.append(("settings", SettingsDialog(db, user)))  # type: ignore[arg-type]
    if "calculator" in names:
        calc = DeadlineCalculator(AS_OF)
        calc.resize(1000, 640)
        shots.append(("calculator", calc))
    for name, widget in shots:
        widget.show()  # type: ignore[attr-defined]
        _settle(app)
        widget.grab().save(str(OUT / f"{name}.png"))  # type: ignore[attr-defined]
        widget.close()  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.only:
        shoot(args.only, Path(args.home))
        return 0
    with tempfile.TemporaryDirectory(prefix="send-shots-") as tmp:
        home = Path(tmp)
        shoot(ALL, home)
        env = {**os.environ, "QT_SCALE_FACTOR": "1.5"}
        subprocess.run(
            [sys.executable, __file__, "--home", str(home), "--only", "main-window-150"],
            check=True,
            env=env,
        )
    for name in (*ALL, "main-window-150"):
        print(OUT / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
