"""`send-desktop bench`: how fast each part is at N cases, against baselines run in the same process.

Every measurement runs several times and reports the median beside the median of a baseline
measured in the same run (machines differ; ratios travel). Nothing here asserts a time: CI runs it
at a small N so that it cannot rot, and the README records the figures at 100,000 cases.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPEATS = 5


@dataclass
class Result:
    name: str
    median_s: float
    baseline_s: float | None
    ratio: float | None
    target: float | None
    note: str = ""


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        "bench",
        help="measure speed at N cases against baselines in the same run",
        description=__doc__,
    )
    parser.add_argument(
        "--cases", type=int, default=100_000, help="cases in the synthetic database"
    )
    parser.add_argument(
        "--scaling-from",
        type=int,
        default=None,
        metavar="N",
        help="also measure at N cases and report how each time scales (default: cases/10, "
        "skipped below 1,000)",
    )
    parser.add_argument("--workbook-cases", type=int, default=20_000, help="rows for export/import")
    parser.add_argument("--repeats", type=_at_least_one, default=REPEATS)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--no-gui", action="store_true", help="skip the measurements that need Qt")
    parser.set_defaults(func=run)


def _at_least_one(text: str) -> int:
    # argparse turns this into "argument --repeats: ..." and exit 2.
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give at least 1 (each figure is a median of repeats)")
    return value


def _median(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _result(
    name: str, median: float, baseline: float | None, target: float | None, note: str = ""
) -> Result:
    ratio = median / baseline if baseline else None
    return Result(name, median, baseline, ratio, target, note)


# --------------------------------------------------------------------------- the database


def _build(folder: Path, cases: int, as_of: date) -> tuple[Any, Path, float]:
    from send_desktop.store import Database
    from send_desktop.store.demo import make_demo

    path = folder / f"bench-{cases}.db"
    db = Database.open(str(path), "bench")
    started = time.perf_counter()
    make_demo(db, cases=cases, seed=2026, as_of=as_of, force=True)
    return db, path, time.perf_counter() - started


def _caseload_sql() -> str:
    """The caseload's own SELECT (same columns, joins and filter), compiled for raw sqlite3."""
    from sqlalchemy.dialects import sqlite

    from send_desktop.store.facts import CASE_COLUMNS
    from send_desktop.store.models import Case, Caseworker, Child, Team
    from send_desktop.store.queries import _filtered

    names = (Case.ref, Child.first_name, Child.last_name, Child.upn, Caseworker.name, Team.name)
    query = _filtered((*CASE_COLUMNS, *names), None, None, False, None).order_by(Case.id)
    return str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def _raw_select(path: Path, sql: str) -> Callable[[], int]:
    def select() -> int:
        conn = sqlite3.connect(path)
        try:
            return len(conn.execute(sql).fetchall())
        finally:
            conn.close()

    return select


def _measure_store(
    db: Any, path: Path, as_of: date, repeats: int
) -> tuple[list[Result], list[Any]]:
    from send_desktop.store.facts import case_facts
    from send_desktop.store.queries import caseload
    from send_desktop.store.settings import load_policy
    from send_desktop.timeline import compute_steps
    from send_desktop.timeline.bulk import CaseColumns, compute_bulk

    results: list[Result] = []
    with db.session() as session:
        policy = load_policy(session)
    rows: list[Any] = []

    def load() -> None:
        nonlocal rows
        with db.session() as session:
            rows = caseload(session, as_of, policy)

    baseline = _median(_raw_select(path, _caseload_sql()), repeats)
    results.append(
        _result(
            "caseload rows with next deadline and status", _median(load, repeats), baseline, 3.0
        )
    )

    with db.session() as session:
        facts = list(case_facts(session).values())
    columns = CaseColumns.from_facts(facts)
    # The first call in a process builds the working-day and tribunal tables once (~0.3 s);
    # a warm-up keeps that one-off cost out of the median, which is what every later call costs.
    started = time.perf_counter()
    compute_bulk(columns, as_of, policy)
    first_call = time.perf_counter() - started
    all_rows = _median(_raw_select(path, 'SELECT * FROM "case"'), repeats)
    results.append(
        _result(
            "recompute every statutory step, all cases (bulk engine)",
            _median(lambda: compute_bulk(columns, as_of, policy), repeats),
            all_rows,
            1.0,
            f"first call in this process {first_call:.3f} s (builds the calendar tables once)",
        )
    )
    # The scalar engine (the reference the bulk engine is tested against), once, for context.
    started = time.perf_counter()
    for one in facts:
        compute_steps(one, as_of, policy)
    results.append(
        _result(
            "recompute every statutory step, all cases (scalar engine, with explanations)",
            time.perf_counter() - started,
            all_rows,
            None,
            "reference only: used for one case at a time",
        )
    )
    return results, rows


# --------------------------------------------------------------------------- workbooks


def _measure_workbooks(
    rows: list[Any], folder: Path, count: int, as_of: date, repeats: int
) -> list[Result]:
    from openpyxl import load_workbook

    from send_desktop.workbooks.export import ExportScope, bench_export
    from send_desktop.workbooks.importer import read_tracker

    sample = (rows * (count // max(len(rows), 1) + 1))[:count] if rows else []
    scope = ExportScope(as_of=as_of, generated_by="bench", generated_at=datetime.now())
    timings = [bench_export(sample, folder / "bench-export.xlsx", scope) for _ in range(repeats)]
    export_s = statistics.median(t[0] for t in timings)
    baseline_s = statistics.median(t[1] for t in timings)
    results = [
        _result(f"export of a {count:,}-case supervision workbook", export_s, baseline_s, 1.5)
    ]

    # The import reads the export back (its own headers are always recognised).
    from send_desktop.workbooks.export import write_supervision

    tracker = folder / "bench-tracker.xlsx"
    # A caseload smaller than count repeats its rows; each repeat is another request (own ref).
    seen: dict[str, int] = {}
    requests = []
    for row in sample:
        seen[row.ref] = seen.get(row.ref, 0) + 1
        again = seen[row.ref] > 1
        requests.append(row._replace(ref=f"{row.ref}-{seen[row.ref]}") if again else row)
    write_supervision(tracker, requests, scope)

    def openpyxl_read() -> int:
        book = load_workbook(tracker, read_only=True, data_only=True)
        try:
            return sum(1 for _ in book["Caseload"].iter_rows(values_only=True))
        finally:
            book.close()

    baseline = _median(openpyxl_read, repeats)
    # The whole import: read, match, validate and write every case with its audit rows into a
    # fresh migrated SQLite database (migration untimed), one transaction.
    from send_desktop.store import Database
    from send_desktop.workbooks.importer import apply_import

    imported: list[int] = []

    def import_whole(run: int) -> float:
        db = Database.open(str(folder / f"bench-import-{run}.db"), "bench")
        try:
            started = time.perf_counter()
            result = apply_import(db, read_tracker(tracker), "bench", as_of=as_of)
            elapsed = time.perf_counter() - started
        finally:
            db.close()
        imported.append(result.created + result.updated + result.unchanged)
        return elapsed

    whole = statistics.median(import_whole(run) for run in range(repeats))
    results.append(
        _result(
            f"import of a {count:,}-row tracker (read, match, validate, write, audit)",
            whole,
            baseline,
            2.0,
            f"{imported[-1]:,} cases written with their audit rows; "
            "baseline: openpyxl read-only reading the same sheet",
        )
    )
    return results


# --------------------------------------------------------------------------- the GUI

_BARE_WINDOW = textwrap.dedent(
    """
    import resource, sys, time
    def peak_kb():
        # VmHWM: this process's own peak; ru_maxrss would carry the parent's across exec.
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1200, 800)
    class Painted(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                print("painted", peak_kb(), flush=True)
                app.quit()
            return False
    watcher = Painted()
    window.installEventFilter(watcher)
    window.show()
    app.exec()
    """
)

_APP_WINDOW = textwrap.dedent(
    """
    import resource, sys, time
    def peak_kb():
        # VmHWM: this process's own peak; ru_maxrss would carry the parent's across exec.
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from PySide6.QtCore import QTimer
    from send_desktop.gui.app import create_application
    from send_desktop.gui.main_window import MainWindow
    from send_desktop.store import Database
    app = create_application(sys.argv[:1])
    db = Database.open(sys.argv[1], "bench")
    window = MainWindow(db, "bench")
    window.scope_combo.setCurrentIndex(window.scope_combo.findText("Everyone"))
    window.resize(1200, 800)
    def painted(count):
        window.table.viewport().repaint()
        print("painted", peak_kb(), count, flush=True)
        app.quit()
    window.caseload_loaded.connect(lambda n: QTimer.singleShot(0, lambda: painted(n)))
    window.show()
    app.exec()
    """
)


def _start_to_paint(script: str, *argv: str) -> tuple[float, float]:
    """Seconds from launching a fresh Python process to its first painted window, and peak MB."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, env=env, timeout=600
    )
    elapsed = time.perf_counter() - started
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("painted")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"start-up probe failed: {proc.stderr.strip()[-800:]}")
    peak_kb = float(line.split()[1])
    return elapsed, peak_kb / 1024


def _measure_gui(db: Any, path: Path, as_of: date, repeats: int) -> list[Result]:
    results: list[Result] = []
    app_runs = [_start_to_paint(_APP_WINDOW, str(path)) for _ in range(max(3, repeats // 2))]
    bare_runs = [_start_to_paint(_BARE_WINDOW) for _ in range(max(3, repeats // 2))]
    results.append(
        _result(
            "start of the process to a painted caseload (offscreen)",
            statistics.median(t for t, _ in app_runs),
            statistics.median(t for t, _ in bare_runs),
            2.0,
        )
    )
    app_mb = max(m for _, m in app_runs)
    bare_mb = max(m for _, m in bare_runs)
    results.append(
        Result(
            "peak memory with the caseload open (MB, not seconds)",
            app_mb,
            bare_mb,
            app_mb / bare_mb,
            None,
            "bare PySide6 window as the baseline",
        )
    )
    results.append(_search_keystroke(db, as_of))
    return results


def _search_keystroke(db: Any, as_of: date) -> Result:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from send_desktop.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from send_desktop.store.queries import caseload
    from send_desktop.store.settings import load_policy

    window = MainWindow(db, "bench", as_of=as_of, load=False)
    window.scope_combo.setCurrentIndex(window.scope_combo.findText("Everyone"))
    with db.session() as session:
        window.set_caseload(caseload(session, as_of, load_policy(session)), [])
    times = []
    for text in ("s", "sm", "smi", "smit", "", "e", "eh", "ehc-", "", "2025", ""):
        started = time.perf_counter()
        window.search_box.setText(text)
        app.processEvents()
        times.append(time.perf_counter() - started)
    window.close()
    median = statistics.median(times)
    return Result(
        "one search keystroke filtering the caseload",
        median,
        None,
        None,
        0.05,
        f"worst {max(times) * 1000:.1f} ms over {len(times)} keystrokes; target < 50 ms",
    )


# --------------------------------------------------------------------------- the command


def measure(cases: int, workbook_cases: int, repeats: int, gui: bool, folder: Path) -> list[Result]:
    as_of = date.today()
    db, path, demo_s = _build(folder, cases, as_of)
    results = [Result(f"demo --cases {cases:,} (build the database)", demo_s, None, None, None)]
    store_results, rows = _measure_store(db, path, as_of, repeats)
    results += store_results
    results += _measure_workbooks(rows, folder, min(workbook_cases, max(cases, 1)), as_of, repeats)
    if gui:
        results += _measure_gui(db, path, as_of, repeats)
    db.close()
    return results


def _generic(name: str) -> str:
    """A measurement's name without its size, to pair the runs at two sizes."""
    return re.sub(r"[0-9][0-9,]*", "N", name.split(" (")[0])


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="send-bench-") as tmp:
        folder = Path(tmp)
        results = measure(args.cases, args.workbook_cases, args.repeats, not args.no_gui, folder)
        small = args.scaling_from if args.scaling_from is not None else args.cases // 10
        scaling: dict[str, float] = {}
        if small >= 1000 and small < args.cases:
            sub = folder / "small"
            sub.mkdir()
            smaller = measure(small, min(args.workbook_cases, small), args.repeats, False, sub)
            by_name = {_generic(r.name): r for r in smaller}
            for r in results:
                other = by_name.get(_generic(r.name))
                if (
                    other
                    and other.median_s
                    and "workbook" not in r.name
                    and "tracker" not in r.name
                ):
                    scaling[r.name] = r.median_s / other.median_s
    if args.json:
        print(
            json.dumps(
                {
                    "cases": args.cases,
                    "results": [
                        {k: v for k, v in asdict(r).items() if k != "note"} | {"note": r.note}
                        for r in results
                    ],
                    "scaling": {"from": small, "to": args.cases, "time_ratio": scaling},
                },
                indent=2,
            )
        )
        return 0
    print(f"SEND Desktop benchmark: {args.cases:,} cases, median of {args.repeats} runs")
    print(f"{'measurement':<72} {'median':>10} {'baseline':>10} {'ratio':>7} {'target':>7}")
    for r in results:
        digits = 1 if "MB" in r.name else 3
        print(
            f"{r.name:<72} {r.median_s:>10.{digits}f} "
            f"{f'{r.baseline_s:.{digits}f}' if r.baseline_s is not None else '-':>10} "
            f"{f'{r.ratio:.2f}' if r.ratio is not None else '-':>7} "
            f"{f'<={r.target:g}' if r.target is not None else '-':>7}"
        )
        if r.note:
            print(f"    {r.note}")
    if scaling:
        print(
            f"\nScaling from {small:,} to {args.cases:,} cases (time ratio; linear = "
            f"{args.cases / small:g}):"
        )
        for name, ratio in scaling.items():
            print(f"  {name:<70} {ratio:6.1f}")
    return 0
