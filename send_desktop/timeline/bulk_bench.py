"""A synthetic caseload and a stopwatch: the bulk path against a plain SQLite SELECT of its rows.

`python -m send_desktop.timeline.bulk_bench 100000` prints the figures as JSON.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from send_desktop.timeline.bulk_calendar import MISSING
from send_desktop.timeline.bulk_columns import (
    ADVICE_COLUMNS,
    CASE_COLUMNS,
    CONSULTATION_COLUMNS,
    EXCEPTION_COLUMNS,
    REVIEW_COLUMNS,
    CaseColumns,
)
from send_desktop.timeline.bulk_compute import compute_bulk
from send_desktop.timeline.model import Policy

BENCH_AS_OF = date(2026, 6, 1)
_EPOCH = date(1970, 1, 1).toordinal()
Ints = npt.NDArray[np.int64]
_NONE = np.array(None, dtype=object)  # an empty text column value, for np.where


def _iso(ords: Ints) -> list[str | None]:
    """Ordinals -> ISO text as SQLite stores dates, None for MISSING."""
    text = (np.maximum(ords, 1) - _EPOCH).astype("datetime64[D]").astype(str)
    return [None if o == MISSING else t for o, t in zip(ords.tolist(), text.tolist(), strict=True)]


def synthetic_rows(
    n: int, seed: int, as_of: date = BENCH_AS_OF
) -> dict[str, list[tuple[Any, ...]]]:
    """A realistic caseload as `CaseColumns.from_rows` keyword arguments (no personal data).

    Requests over the six years before as_of move through decision, advice, draft and final
    plan with typical delays; plans then have yearly reviews, and a few cases have phase
    transfers, moves, mediation, appeals, Tribunal orders, exceptions or have ceased. Nothing is
    dated after as_of.
    """
    rng = np.random.default_rng(seed)
    today = as_of.toordinal()

    def happened(day: Ints, chance: float = 1.0) -> Ints:
        keep = (rng.random(n) < chance) & (day != MISSING) & (day <= today)
        return np.where(keep, day, MISSING)

    def after(start: Ints, mean: float, spread: float, chance: float = 1.0) -> Ints:
        gap = np.maximum(rng.normal(mean, spread, n), 0).astype(np.int64)
        return happened(np.where(start != MISSING, start + gap, MISSING), chance)

    ids = np.arange(1, n + 1, dtype=np.int64)
    received = today - rng.integers(0, 6 * 365, n)
    decided = after(received, 38, 10, 0.92)
    not_assess = (decided != MISSING) & (rng.random(n) < 0.2)
    outcome = np.where(decided == MISSING, _NONE, np.where(not_assess, "not-assess", "assess"))
    assessing = (decided != MISSING) & ~not_assess
    not_issue = after(np.where(assessing, received, MISSING), 105, 15, 0.1)
    drafted = after(np.where(assessing & (not_issue == MISSING), received, MISSING), 105, 25)
    final = after(drafted, 32, 15, 0.95)
    legacy = rng.random(n) < 0.05
    plan_issued = np.where(legacy, received - rng.integers(200, 2000, n), MISSING)
    plan_start = np.where(final != MISSING, final, plan_issued)
    has_plan = plan_start != MISSING
    born = received - rng.integers(2 * 365, 19 * 365, n)
    transfer = np.where(has_plan & (rng.random(n) < 0.2), today + rng.integers(-200, 500, n), 0)
    kind = rng.choice(np.array(["school", "post16", "post16-other"], dtype=object), n)
    kind = np.where(transfer != MISSING, kind, _NONE)
    moving = has_plan & (rng.random(n) < 0.03)
    move = happened(np.where(moving, plan_start + rng.integers(30, 700, n), MISSING))
    aware = np.where(move != MISSING, move - rng.integers(0, 40, n), MISSING)
    transferred = after(move, 5, 5, 0.9)
    disputed = (not_assess | (not_issue != MISSING)) & (rng.random(n) < 0.15)
    decision_sent = np.where(disputed, np.where(not_assess, decided, not_issue), MISSING)
    declined = after(decision_sent, 30, 10, 0.5)
    requested = after(np.where(declined == MISSING, decision_sent, MISSING), 35, 10, 0.6)
    held = after(requested, 25, 8, 0.8)
    certificate = after(np.where(declined != MISSING, declined, held), 3, 2, 0.9)
    lodged = after(certificate, 20, 8, 0.5)
    order_assess = after(np.where(not_assess & (lodged != MISSING), lodged, MISSING), 120, 20, 0.5)
    order_plan = after(np.where(lodged != MISSING, lodged, MISSING), 140, 20, 0.2)
    reassessed = happened(np.where(has_plan & (rng.random(n) < 0.01), today - 30, MISSING))
    ceased = after(plan_start, 900, 300, 0.05)
    transfer_notice = after(transferred, 30, 10, 0.7)
    order_notice = after(order_assess, 10, 4, 0.8)
    columns: dict[str, Any] = {
        "case_id": ids.tolist(),
        "request_received": _iso(received),
        "decision_to_assess": _iso(decided),
        "decision_outcome": outcome.tolist(),
        "not_issue_decision": _iso(not_issue),
        "draft_served": _iso(drafted),
        "final_issued": _iso(final),
        "plan_issued": _iso(plan_issued),
        "date_of_birth": _iso(born),
        "phase_transfer": _iso(transfer),
        "transfer_kind": kind.tolist(),
        "move_date": _iso(move),
        "aware_of_move": _iso(aware),
        "plan_transferred": _iso(transferred),
        "decision_sent": _iso(decision_sent),
        "certificate_issued": _iso(certificate),
        "mediation_declined": _iso(declined),
        "mediation_requested": _iso(requested),
        "appeal_lodged": _iso(lodged),
        "order_assess": _iso(order_assess),
        "order_plan": _iso(order_plan),
        "reassessment_notified": _iso(reassessed),
        "ceased": _iso(ceased),
        "transfer_notice_sent": _iso(transfer_notice),
        "order_notice_sent": _iso(order_notice),
        "mediation_held": _iso(held),
    }
    # A date fact the bench does not generate yet is empty in every case.
    empty = [None] * n
    cases = list(zip(*(columns.get(name, empty) for name in CASE_COLUMNS), strict=True))

    # Advice: 3-5 bodies asked a few days after the decision to assess.
    asked_per_case = np.where(assessing, rng.integers(3, 6, n), 0)
    at = np.repeat(np.arange(n), asked_per_case)
    asked = decided[at] + rng.integers(0, 6, len(at))
    answered = asked + np.maximum(rng.normal(40, 12, len(at)), 0).astype(np.int64)
    answered = np.where((rng.random(len(at)) < 0.9) & (answered <= today), answered, MISSING)
    kinds = rng.choice(np.array(["EP", "health", "social care", "school"], dtype=object), len(at))
    advice = list(zip(ids[at].tolist(), kinds.tolist(), _iso(asked), _iso(answered), strict=True))

    # Consultations: 0-2 schools consulted when the draft is served.
    consulted_per_case = np.where(drafted != MISSING, rng.integers(0, 3, n), 0)
    at = np.repeat(np.arange(n), consulted_per_case)
    sent = drafted[at] + 1
    replied = sent + rng.integers(5, 30, len(at))
    replied = np.where(replied <= today, replied, MISSING)
    schools = rng.choice(np.array(["Oak School", "Elm College"], dtype=object), len(at))
    consultations = list(
        zip(ids[at].tolist(), schools.tolist(), _iso(sent), _iso(replied), strict=True)
    )

    # Reviews: one a year since the plan started, each a little before the review deadline.
    years = np.where(has_plan, np.clip((today - plan_start) // 365, 0, 5), 0)
    at = np.repeat(np.arange(n), years)
    number = np.arange(len(at)) - np.repeat(np.cumsum(years) - years, years)
    meeting = plan_start[at] + 330 + 365 * number + rng.integers(-20, 20, len(at))
    m = len(at)

    def review_day(start: Ints, mean: float, spread: float) -> Ints:
        day = start + np.maximum(rng.normal(mean, spread, m), 0).astype(np.int64)
        return np.where((start != MISSING) & (day <= today), day, MISSING)

    meeting = np.where(meeting <= today, meeting, MISSING)
    review_outcome = rng.choice(np.array(["A", "M", "C"], dtype=object), m, p=[0.5, 0.45, 0.05])
    decided_review = review_day(meeting, 24, 8)
    amending = review_outcome == "A"
    amended = np.where(amending, decided_review, MISSING)
    reviews = list(
        zip(
            ids[at].tolist(),
            _iso(meeting),
            _iso(np.where(meeting != MISSING, meeting - rng.integers(10, 25, m), MISSING)),
            _iso(np.where(meeting != MISSING, meeting - rng.integers(8, 20, m), MISSING)),
            _iso(review_day(meeting, 12, 5)),
            _iso(decided_review),
            np.where(decided_review != MISSING, review_outcome, _NONE).tolist(),
            _iso(amended),
            _iso(review_day(amended, 50, 15)),
            strict=True,
        )
    )
    excepted = np.flatnonzero(rng.random(n) < 0.08)
    codes = rng.choice(np.array(["X1", "X2", "X3", "X4", "X5"], dtype=object), len(excepted))
    exceptions = list(zip(ids[excepted].tolist(), codes.tolist(), strict=True))
    return {
        "cases": cases,
        "advice": advice,
        "consultations": consultations,
        "reviews": reviews,
        "exceptions": exceptions,
    }


def _seconds(job: Callable[[], object]) -> float:
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


_TABLES = (
    ("case_facts", CASE_COLUMNS, "cases"),
    ("advice", ADVICE_COLUMNS, "advice"),
    ("consultation", CONSULTATION_COLUMNS, "consultations"),
    ("review", REVIEW_COLUMNS, "reviews"),
    ("case_exception", EXCEPTION_COLUMNS, "exceptions"),
)


def bench_bulk(n: int, seed: int, as_of: date = BENCH_AS_OF, repeats: int = 5) -> dict[str, Any]:
    """Median-of-5 seconds for compute_bulk on n synthetic cases and for the baseline.

    The baseline is `SELECT <CASE_COLUMNS> FROM case_facts` with Python's sqlite3 from a
    temporary SQLite file holding the n case rows (dates as ISO text, as the store keeps them),
    fetched in full. compute_bulk is timed on columns already built (the calendar table is
    warmed once first; the first call in the process is reported as cold_compute_s). The two
    are timed in turn, run by run, so both see the same load on a shared machine. from_rows_s
    and select_all_s (the child tables too) are reported for context.
    """
    rows = synthetic_rows(n, seed, as_of)
    policy = Policy()
    with tempfile.TemporaryDirectory(prefix="send-bench-") as folder:
        conn = sqlite3.connect(Path(folder) / "bench.sqlite3")
        try:
            for table, names, key in _TABLES:
                conn.execute(f"CREATE TABLE {table} ({', '.join(names)})")
                marks = ", ".join("?" * len(names))
                conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[key])
            conn.commit()
            select = f"SELECT {', '.join(CASE_COLUMNS)} FROM case_facts"

            def select_all() -> dict[str, list[Any]]:
                return {
                    key: conn.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
                    for table, names, key in _TABLES
                }

            fetched = select_all()
            cols = CaseColumns.from_rows(**fetched)
            start = time.perf_counter()
            result = compute_bulk(cols, as_of, policy)
            cold = time.perf_counter() - start
            select_times, compute_times = [], []
            for _ in range(repeats):
                select_times.append(_seconds(lambda: conn.execute(select).fetchall()))
                compute_times.append(_seconds(lambda: compute_bulk(cols, as_of, policy)))
            select_all_s = statistics.median(_seconds(select_all) for _ in range(repeats))
        finally:
            conn.close()
    from_rows_s = statistics.median(
        _seconds(lambda: CaseColumns.from_rows(**fetched)) for _ in range(repeats)
    )
    compute = statistics.median(compute_times)
    sqlite_select = statistics.median(select_times)
    return {
        "cases": n,
        "seed": seed,
        "as_of": as_of.isoformat(),
        "step_rows": len(result.slots),
        "compute_bulk_s": compute,
        "sqlite_select_s": sqlite_select,
        "ratio": compute / sqlite_select,
        "cold_compute_s": cold,
        "from_rows_s": from_rows_s,
        "select_all_s": select_all_s,
    }


if __name__ == "__main__":  # pragma: no cover - a command-line stopwatch
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(json.dumps(bench_bulk(count, seed=1), indent=2))
