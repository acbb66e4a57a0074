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
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from send_desktop.commands.bench_probes import busiest_caseworker, median_of, page_and_counts
from send_desktop.errors import KnownError

REPEATS = 5
# The whole-workbook export and import (tens of seconds each at 20,000 rows) and their
# baselines: a median of at most this many runs (said so in the table), to fit the bench.
WORKBOOK_REPEATS = 3


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
    parser.add_argument(
        "--keep",
        default=None,
        metavar="FOLDER",
        help="build the demo databases in FOLDER and keep them; a later run with the same "
        "FOLDER reuses them instead of building again (its table then has no demo line)",
    )
    parser.add_argument("--repeats", type=_at_least_one, default=REPEATS)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--no-gui", action="store_true", help="skip the measurements that need Qt")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="new",
        default=None,
        metavar="URL",
        help="also measure one caseworker's first page and counts on PostgreSQL at "
        "--postgres-cases vs at 10,000 cases: on a throwaway cluster made for the run, or on "
        "the server at URL (its login must be allowed to create databases)",
    )
    parser.add_argument(
        "--postgres-cases",
        type=int,
        default=1_000_000,
        metavar="N",
        help="at most this many cases in the PostgreSQL probe's large database (default "
        "1,000,000, and never more than --cases; the demo fills it by COPY: about 3 minutes "
        "for 1,000,000 on a 2-core machine)",
    )
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


def _result(
    name: str, median: float, baseline: float | None, target: float | None, note: str = ""
) -> Result:
    ratio = median / baseline if baseline else None
    return Result(name, median, baseline, ratio, target, note)


# --------------------------------------------------------------------------- the database


def _build(folder: Path, cases: int, as_of: date) -> tuple[Any, Path, float | None]:
    """The bench's demo database and the seconds the demo took (None: one kept from an earlier
    run with --keep, which holds the cases already)."""
    from sqlalchemy import func, select

    from send_desktop.store import Database
    from send_desktop.store.demo import make_demo
    from send_desktop.store.models import Case

    path = folder / f"bench-{cases}.db"
    db = Database.open(str(path), "bench")
    with db.session() as session:
        held = session.execute(select(func.count()).select_from(Case)).scalar_one()
    if held == cases:
        return db, path, None
    if held:
        db.close()
        raise KnownError(f"{path} holds {held:,} cases, not {cases:,}: delete it and run again")
    started = time.perf_counter()
    make_demo(db, cases=cases, seed=2026, as_of=as_of, force=True)
    return db, path, time.perf_counter() - started


def _raw_select(path: Path, sql: str) -> Callable[[], int]:
    def select() -> int:
        conn = sqlite3.connect(path)
        try:
            return len(conn.execute(sql).fetchall())
        finally:
            conn.close()

    return select


_RAW_COUNT = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1])
    rows = conn.execute(
        'SELECT caseworker_id, count(*) FROM "case" WHERE NOT closed GROUP BY caseworker_id'
    ).fetchall()
    print(len(rows))
    """
)


def _process(*argv: str) -> Callable[[], None]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")

    def run() -> None:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"{argv[2:]} failed: {proc.stderr.strip()[-400:]}")

    return run


def _measure_store(
    db: Any, path: Path, as_of: date, repeats: int
) -> tuple[list[Result], list[Any]]:
    from sqlalchemy import select

    from send_desktop.store import counts, summaries
    from send_desktop.store.models import Case

    results: list[Result] = []
    worker_id, worker, cases = busiest_caseworker(db)
    baseline = median_of(
        _raw_select(
            path,
            f'SELECT id, ref FROM "case" WHERE caseworker_id = {worker_id} AND NOT closed',
        ),
        repeats,
    )
    results.append(
        _result(
            "one caseworker's first page and counts (SQL over stored deadlines)",
            median_of(page_and_counts(db, worker_id, as_of), repeats),
            baseline,
            None,
            f"{worker}: {cases} open cases; baseline: raw sqlite3 SELECT of their case ids",
        )
    )
    # The background recompute after a policy change: every case's digest rewritten.
    with db.session() as session:
        every = [row[0] for row in session.execute(select(Case.id))]

    def recompute_all() -> None:
        with db.session() as session:
            summaries.refresh(session, every)

    all_rows = median_of(_raw_select(path, 'SELECT * FROM "case"'), repeats)
    started = time.perf_counter()
    recompute_all()
    results.append(
        _result(
            "recompute every stored deadline (after a policy change; background)",
            time.perf_counter() - started,
            all_rows,
            None,
            "once; baseline: raw sqlite3 SELECT * of the case table",
        )
    )
    report = median_of(
        _process(sys.executable, "-m", "send_desktop", "--database", str(path), "report", "--json"),
        max(1, repeats // 2),
    )
    raw = median_of(_process(sys.executable, "-c", _RAW_COUNT, str(path)), max(1, repeats // 2))
    results.append(
        _result(
            "report --json (a fresh process)",
            report,
            raw,
            10.0,
            "baseline: a fresh Python process counting open cases per caseworker in raw SQL",
        )
    )
    with db.session() as session:
        rows = counts.rows(session, counts.CaseloadQuery(as_of), limit=20_000)
        mine = counts.rows(session, counts.CaseloadQuery(as_of, caseworker_id=worker_id))
    return results, [rows, mine]


# --------------------------------------------------------------------------- workbooks


def _measure_workbooks(
    read: list[Any],
    folder: Path,
    count: int,
    as_of: date,
    repeats: int,
    whole_workbooks: bool = True,
) -> list[Result]:
    """export of one caseload; with `whole_workbooks`, also a count-case supervision workbook and its
    import (their rows do not grow with the database, so a bench with a scaling run measures
    them once, in the smaller run)."""
    from openpyxl import load_workbook

    from send_desktop.workbooks.export import ExportScope, bench_export
    from send_desktop.workbooks.importer import read_tracker

    rows, mine = read
    sample = (rows * (count // max(len(rows), 1) + 1))[:count] if rows else []
    scope = ExportScope(as_of=as_of, generated_by="bench", generated_at=datetime.now())
    timings = [bench_export(mine, folder / "bench-mine.xlsx", scope) for _ in range(repeats)]
    results = [
        _result(
            f"export --caseworker (one caseload, {len(mine):,} cases)",
            statistics.median(t[0] for t in timings),
            statistics.median(t[1] for t in timings),
            1.5,
            "baseline: openpyxl writing the same rows unformatted",
        )
    ]
    if not whole_workbooks:
        return results
    repeats = min(repeats, WORKBOOK_REPEATS)
    timings = [bench_export(sample, folder / "bench-export.xlsx", scope) for _ in range(repeats)]
    export_s = statistics.median(t[0] for t in timings)
    baseline_s = statistics.median(t[1] for t in timings)
    results.append(
        _result(
            f"export of a {count:,}-case supervision workbook",
            export_s,
            baseline_s,
            1.5,
            f"median of {repeats}; baseline: openpyxl writing the same rows unformatted",
        )
    )

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

    baseline = median_of(openpyxl_read, repeats)
    # The whole import: read, match, validate and write every case with its audit rows into a
    # fresh migrated SQLite database (migration untimed), one transaction.
    from send_desktop.store import Database
    from send_desktop.workbooks.importer import apply_import

    imported: list[int] = []

    def import_whole(run: int) -> float:
        target = folder / f"bench-import-{run}.db"
        for stale in (target, target.with_name(f"{target.name}-wal")):
            stale.unlink(missing_ok=True)  # a kept folder's from an earlier run
        db = Database.open(str(target), "bench")
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
            f"{imported[-1]:,} cases written with their audit rows; median of {repeats}; "
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
                since = time.time() - float(sys.argv[1])
                print("painted", peak_kb(), 0, since, since, flush=True)
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
    from send_desktop.gui.app import create_application, painted_start
    from send_desktop.gui.main_window import MainWindow
    app = create_application(sys.argv[:1])
    # The program's own start (gui/app.py run_gui): the window painted from the plain first
    # page, the database opened after that paint; else opened first, as run_gui does.
    window = MainWindow(None, sys.argv[3])
    window.scope_combo.setCurrentIndex(window.scope_combo.findText("My cases"))
    window.resize(1200, 800)
    first = []
    def shown(count):
        # The first rows painted: the plain first page, or the load when it could not be used.
        window.table.viewport().repaint()
        first.append(time.time() - float(sys.argv[1]))
        first.append(peak_kb())
    def painted(count):
        # Handed over to the normal model: the caseload is open; peak memory is taken here.
        window.table.viewport().repaint()
        since = time.time() - float(sys.argv[1])
        at_first = first[1] if first else peak_kb()
        print("painted", peak_kb(), count, first[0] if first else since, since, at_first, flush=True)
        app.quit()
    window.caseload_shown.connect(lambda n: QTimer.singleShot(0, lambda: shown(n)))
    window.caseload_loaded.connect(lambda n: QTimer.singleShot(0, lambda: painted(n)))
    if not painted_start(window, sys.argv[2], backup=False):
        from send_desktop.store import Database
        window.attach(Database.open(sys.argv[2], sys.argv[3]))
        window.show()
    app.exec()
    """
)


def _start_to_paint(script: str, *argv: str) -> tuple[float, float]:
    """Seconds from launching a fresh Python process to its first painted window (for the
    app: its first painted caseload rows), and peak MB once the caseload is open."""
    return _start_probe(script, *argv)[:2]


def _start_probe(script: str, *argv: str) -> tuple[float, float, float]:
    """(seconds to the first paint, peak MB, seconds to the hand-over to the normal model)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    launched = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", script, repr(launched), *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("painted")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"start-up probe failed: {proc.stderr.strip()[-800:]}")
    # The app's line adds the peak at its first paint (read by the start-up notes' script).
    _word, peak_kb, _count, first, handed, *_at_first = line.split()
    return float(first), float(peak_kb) / 1024, float(handed)


def _measure_gui(db: Any, path: Path, as_of: date, repeats: int) -> list[Result]:
    results: list[Result] = []
    _worker_id, worker, cases = busiest_caseworker(db)
    app_runs = [
        _start_to_paint(_APP_WINDOW, str(path), worker) for _ in range(max(3, repeats // 2))
    ]
    bare_runs = [_start_to_paint(_BARE_WINDOW) for _ in range(max(3, repeats // 2))]
    results.append(
        _result(
            "start of the process to a painted caseload (a caseworker, offscreen)",
            statistics.median(t for t, _ in app_runs),
            statistics.median(t for t, _ in bare_runs),
            3.0,
            f"{worker}, {cases} open cases; baseline: a bare PySide6 window",
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
            2.0,
            "bare PySide6 window as the baseline",
        )
    )
    results += _desk_actions(db, as_of, worker)
    return results


def _desk_actions(db: Any, as_of: date, user: str, *, everyone: bool = True) -> list[Result]:
    """A search keystroke, a header sort and a quick filter on a caseworker's desk, and the
    same keystroke over everyone's cases (a team leader's search; `everyone=False` leaves it
    out, for repeated runs of the desk's own actions)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from send_desktop.gui.caseload import COL_DUE, QuickFilter
    from send_desktop.gui.main_window import MainWindow
    from send_desktop.store.caseload_types import DESK_COLUMNS

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(db, user, as_of=as_of, load=False)
    window.resize(1200, 800)
    window.show()
    window.scope_combo.setCurrentIndex(window.scope_combo.findText("My cases"))
    window.reload()
    while window._scope is None:
        app.processEvents()

    def timed(action: Callable[[], object]) -> float:
        started = time.perf_counter()
        action()
        window.table.viewport().repaint()  # the rows in view are read for the paint
        app.processEvents()
        return time.perf_counter() - started

    texts = ("s", "sm", "smi", "smit", "", "e", "eh", "ehc-", "", "2025", "")

    def keystrokes(typed: tuple[str, ...] = texts) -> list[float]:
        return [timed(partial(window.search_box.setText, t)) for t in typed]

    results: list[Result] = []
    mine = keystrokes()
    results.append(
        Result(
            "one search keystroke (a caseworker's cases)",
            statistics.median(mine),
            None,
            None,
            0.05,
            f"worst {max(mine) * 1000:.1f} ms over {len(mine)} keystrokes; target < 50 ms",
        )
    )
    header = []
    for column in range(9):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            header.append(timed(partial(window.table.sortByColumn, column, order)))
    results.append(
        Result(
            "one header sort (a caseworker's cases)",
            statistics.median(header),
            None,
            None,
            0.05,
            f"worst {max(header) * 1000:.1f} ms over {len(header)} sorts (every column, both ways)",
        )
    )
    quick = [timed(partial(window.set_quick_filter, q)) for q in (*QuickFilter, QuickFilter.ALL)]
    results.append(
        Result(
            "one quick filter (a caseworker's cases)",
            statistics.median(quick),
            None,
            None,
            0.05,
            f"worst {max(quick) * 1000:.1f} ms over {len(quick)} filters",
        )
    )
    if not everyone:
        window.close()
        return results
    window.scope_combo.setCurrentIndex(window.scope_combo.findText("Everyone"))
    # The list's own order (next deadline first), as the desk opens: the header sorts above
    # left it sorted by the last column.
    timed(partial(window.table.sortByColumn, COL_DUE, Qt.SortOrder.AscendingOrder))
    wide = keystrokes()
    each = ", ".join(f"{t or '(clear)'} {s * 1000:.0f}" for t, s in zip(texts, wide, strict=True))
    results.append(
        Result(
            "one search keystroke (everyone's cases)",
            statistics.median(wide),
            None,
            None,
            0.2,
            f"worst {max(wide) * 1000:.1f} ms; a team leader searching the whole authority "
            f"in the list's own order (ms: {each}); target < 200 ms",
        )
    )
    # The same search with the list sorted by each header in turn (a common word, then clear).
    by_header: list[tuple[str, float]] = []
    for column, shown in enumerate(DESK_COLUMNS):
        window.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        app.processEvents()
        by_header.append((str(shown.sort), keystrokes(("e", ""))[0]))
    worst = max(by_header, key=lambda r: r[1])
    each = ", ".join(f"{sort} {typed * 1000:.0f}" for sort, typed in by_header)
    results.append(
        Result(
            "one search keystroke (everyone's cases, sorted by a header)",
            statistics.median(typed for _, typed in by_header),
            None,
            None,
            None,
            f"'e' with the list sorted by each header; worst {worst[1] * 1000:.0f} ms by "
            f"{worst[0]} (ms: {each})",
        )
    )
    # Short words few cases hold: the count reads every open case (no early stop).
    rare_texts = ("q", "qz", "", "zx", "")
    rare = keystrokes(rare_texts)
    each = ", ".join(
        f"{t or '(clear)'} {s * 1000:.0f}" for t, s in zip(rare_texts, rare, strict=True)
    )
    results.append(
        Result(
            "one rare short-word keystroke (everyone's cases)",
            statistics.median(rare),
            None,
            None,
            None,
            f"worst {max(rare) * 1000:.1f} ms (ms: {each})",
        )
    )
    window.close()
    return results


# --------------------------------------------------------------------------- the command


PAGE_SCALING_FROM = 10_000


def _page_scaling(db: Any, folder: Path, cases: int, as_of: date, repeats: int) -> Result:
    """One caseworker's first page and counts at `cases` against the same at 10,000 cases:
    the cost must follow the page, not the size of the authority. The 10,000-case database is
    built once in folder and reused (the scaling run's page measurement shares it)."""
    small, _path, _seconds = _build(folder, PAGE_SCALING_FROM, as_of)
    try:
        big_id, _name, big_n = busiest_caseworker(db)
        small_id, _name, small_n = busiest_caseworker(small)
        big = median_of(page_and_counts(db, big_id, as_of), repeats * 3)
        little = median_of(page_and_counts(small, small_id, as_of), repeats * 3)
    finally:
        small.close()
    return _result(
        f"one caseworker's first page and counts at {cases:,} vs at {PAGE_SCALING_FROM:,} cases",
        big,
        little,
        1.5,
        f"{big_n} and {small_n} open cases; SQLite",
    )


def _postgres_scaling(target: str, cases: int, as_of: date, repeats: int) -> list[Result]:
    from send_desktop.commands.bench_postgres import page_scaling

    big, little, big_n, small_n, built = page_scaling(
        target, cases, PAGE_SCALING_FROM, as_of, repeats
    )
    return [
        Result(f"demo --cases {cases:,} into PostgreSQL", built, None, None, None),
        _result(
            f"one caseworker's first page and counts at {cases:,} vs at "
            f"{PAGE_SCALING_FROM:,} cases, PostgreSQL",
            big,
            little,
            1.5,
            f"{big_n} and {small_n} open cases; "
            + ("a throwaway local cluster" if target == "new" else "the server given"),
        ),
    ]


def measure(
    cases: int,
    workbook_cases: int,
    repeats: int,
    gui: bool,
    folder: Path,
    whole_workbooks: bool = True,
    page_folder: Path | None = None,
) -> list[Result]:
    as_of = date.today()
    page_folder = page_folder or folder / "page-scaling"
    db, path, demo_s = _build(folder, cases, as_of)
    results = []
    if demo_s is not None:
        results.append(
            Result(f"demo --cases {cases:,} (build the database)", demo_s, None, None, None)
        )
    store_results, rows = _measure_store(db, path, as_of, repeats)
    results += store_results
    if cases >= 10 * PAGE_SCALING_FROM:
        page_folder.mkdir(exist_ok=True)
        results.append(_page_scaling(db, page_folder, cases, as_of, repeats))
    results += _measure_workbooks(
        rows, folder, min(workbook_cases, max(cases, 1)), as_of, repeats, whole_workbooks
    )
    if gui:
        results += _measure_gui(db, path, as_of, repeats)
    db.close()
    return results


def _generic(name: str) -> str:
    """A measurement's name without its size, to pair the runs at two sizes."""
    return re.sub(r"[0-9][0-9,]*", "N", name.split(" (")[0])


def _byte_compiled() -> None:
    """Byte-compile the program's own modules before anything is timed, as an installed
    program's are (pip compiles a wheel at install, the bundle holds bytecode, a source
    checkout writes its __pycache__ on the first run). Without it, a process started with
    PYTHONDONTWRITEBYTECODE set (CI, some sandboxes) compiles ~100 modules from source at
    every start, which is not what a user's start costs. Nothing is written in a bundle."""
    if getattr(sys, "frozen", False):
        return
    import compileall

    import send_desktop

    compileall.compile_dir(Path(send_desktop.__file__).parent, quiet=2)


def run(args: argparse.Namespace) -> int:
    _byte_compiled()
    with tempfile.TemporaryDirectory(prefix="send-bench-") as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        small = args.scaling_from if args.scaling_from is not None else args.cases // 10
        scaled = 1000 <= small < args.cases
        # The whole-workbook export and import read and write --workbook-cases rows at any
        # size: with a scaling run they are measured there (at 100,000 for a 1,000,000 bench).
        results = measure(
            args.cases, args.workbook_cases, args.repeats, not args.no_gui, folder, not scaled
        )
        if args.postgres:
            pg_cases = min(args.cases, args.postgres_cases)
            results += _postgres_scaling(args.postgres, pg_cases, date.today(), args.repeats)
        scaling: dict[str, float] = {}
        if scaled:
            sub = folder / "small"
            sub.mkdir(exist_ok=True)
            smaller = measure(
                small,
                min(args.workbook_cases, small),
                args.repeats,
                False,
                sub,
                page_folder=folder / "page-scaling",
            )
            results += [
                replace(r, note=f"{r.note}; measured in the {small:,}-case run".lstrip("; "))
                for r in smaller
                if "workbook" in r.name or "tracker" in r.name
            ]
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
