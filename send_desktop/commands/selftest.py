"""`send-desktop --self-test`: prove a build works on this machine, without a display.

Run by IT after deploying the bundle and by CI on the frozen binary. Each check prints one line
with its time; the first failure is named and the exit code is 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any


def run_self_test(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="send-selftest-") as tmp:
        return _run(args, Path(tmp))


def _run(args: argparse.Namespace, tmp: Path) -> int:
    from send_desktop import __version__, paths

    state: dict[str, Any] = {}
    checks: list[tuple[str, Callable[[], str]]] = []

    def check(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
        def register(fn: Callable[[], str]) -> Callable[[], str]:
            checks.append((name, fn))
            return fn

        return register

    @check("resources and migrations found")
    def _paths() -> str:
        res, mig = paths.resources_dir(), paths.migrations_dir()
        versions = list((mig / "versions").glob("*.py"))
        if not versions:
            raise RuntimeError(f"no migrations in {mig / 'versions'}")
        return f"{res.name}/ and {mig.name}/ ({len(versions)} migration(s))"

    @check("statutory clocks")
    def _clocks() -> str:
        from send_desktop.timeline import Facts, compute_steps

        steps = compute_steps(Facts(request_received=date(2025, 1, 6)), as_of=date(2025, 1, 6))
        final = next(s for s in steps if s.id == "N5")
        if final.due != date(2025, 5, 26):
            raise RuntimeError(
                f"N5 for a request on 6 Jan 2025 came out {final.due}, not 2025-05-26"
            )
        return f"N5 = {final.due:%a %d %b %Y} ({final.source})"

    @check("database created and migrated")
    def _database() -> str:
        from send_desktop.store import Database

        url = args.database or str(tmp / "selftest.db")
        db = Database.open(url, args.user or "self-test")
        state["db"] = db
        return f"{db.dialect}"

    @check("demo cases written")
    def _demo() -> str:
        from send_desktop.store.demo import make_demo

        make_demo(state["db"], cases=40, seed=7, as_of=date.today(), force=True)
        return "40 cases"

    @check("caseload computed")
    def _caseload() -> str:
        from send_desktop.store.queries import caseload
        from send_desktop.store.settings import load_policy

        db = state["db"]
        with db.session() as session:
            rows = caseload(session, date.today(), load_policy(session))
        if not rows:
            raise RuntimeError("the caseload came back empty")
        state["rows"] = rows
        return f"{len(rows)} open cases"

    @check("supervision workbook written and read back")
    def _workbook() -> str:
        from send_desktop.workbooks.export import write_supervision
        from send_desktop.workbooks.importer import read_tracker

        out = tmp / "selftest.xlsx"
        write_supervision(out, state["rows"], as_of=date.today(), generated_by="self-test")
        plan = read_tracker(out)
        if len(plan.rows) != len(state["rows"]):
            raise RuntimeError(f"wrote {len(state['rows'])} rows, read back {len(plan.rows)}")
        return f"{out.stat().st_size // 1024} KB, {len(plan.rows)} rows read back"

    @check("main window and dashboard built offscreen")
    def _windows() -> str:
        from PySide6.QtWidgets import QApplication

        from send_desktop.gui.dashboard import DashboardWindow
        from send_desktop.gui.main_window import MainWindow

        app = QApplication.instance() or QApplication(sys.argv[:1])
        window = MainWindow(state["db"], args.user or "self-test", load=False)
        window.scope_combo.setCurrentIndex(window.scope_combo.findText("Everyone"))
        loaded = _wait_for(app, window.caseload_loaded, window.reload)
        window.show()
        dashboard = DashboardWindow(state["db"], args.user or "self-test", load=False)
        _wait_for(app, dashboard.report_loaded, dashboard.reload)
        dashboard.show()
        app.processEvents()
        if loaded[0] != len(state["rows"]):
            raise RuntimeError(
                f"the main window loaded {loaded} cases, expected {len(state['rows'])}"
            )
        shown = window.grab()
        if shown.isNull():
            raise RuntimeError("the main window did not paint")
        window.close()
        dashboard.close()
        state["db"].engine.dispose()
        return f"{shown.width()}x{shown.height()} px, {loaded[0]} cases in the table"

    print(f"SEND Desktop {__version__} self-test (Python {sys.version.split()[0]}, {sys.platform})")
    started = time.perf_counter()
    for name, fn in checks:
        t0 = time.perf_counter()
        try:
            detail = fn()
        except Exception as exc:  # the point of a self-test is to name any failure
            print(f"FAIL  {name}: {exc}")
            traceback.print_exc()
            return 1
        print(f"ok    {name}: {detail} [{(time.perf_counter() - t0) * 1000:.0f} ms]")
    print(f"self-test passed in {time.perf_counter() - started:.2f} s")
    return 0


def _wait_for(app: Any, signal: Any, start: Callable[[], None], seconds: float = 60) -> list[Any]:
    """Run `start` and spin the event loop until `signal` fires (background loads)."""
    from PySide6.QtCore import QEventLoop, QTimer

    got: list[Any] = []
    loop = QEventLoop()

    def done(*values: Any) -> None:
        got.extend(values or [True])
        loop.quit()

    signal.connect(done)
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    start()
    if not got:
        loop.exec()
    if not got:
        raise RuntimeError(f"timed out after {seconds:.0f} s waiting for the window to load")
    return got
