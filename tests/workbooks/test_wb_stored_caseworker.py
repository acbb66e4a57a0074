"""case_summary's copy of each case's caseworker (migration 0013: what `report` splits its
figures by) after the writes that move cases between caseworkers outside the desk: a tracker
re-imported with new officers (import's bulk write, and the row-wise path it is tested equal
to) and two caseworker records merged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from test_wb_bulk import compare_paths

from send_desktop import timeline as tl
from send_desktop.store import Database
from send_desktop.store.caseworkers import merge_caseworkers
from send_desktop.store.models import Caseworker
from send_desktop.store.queries import add_caseworker
from send_desktop.store.reports import team_counts
from tests.store.test_report_counts import _agree
from tests.store.test_reports import AS_OF, PERIOD, USER
from tests.store.test_stored_deadlines import assert_fresh


def test_a_merge_and_an_import_keep_the_stored_caseworker(tmp_path: Path) -> None:
    """The other writes that move cases between caseworkers: merging two caseworker records
    (a team leader's) and a tracker re-imported with new officers (import's bulk write, and
    the row-wise path it is tested equal to)."""
    one = Database.open(str(tmp_path / "rowwise.sqlite3"), "Test User")
    other = Database.open(str(tmp_path / "bulk.sqlite3"), "Test User")
    try:
        compare_paths(one, other, tmp_path, seed=2026, count=160)
        for db in (one, other):
            assert assert_fresh(db) > 100
            _agree(db, AS_OF)
        db = other
        with db.session() as s:
            leader = add_caseworker(s, USER, USER, None)
            leader.role = "team_leader"
        with db.session() as s:
            counts = team_counts(s, AS_OF, tl.Policy(), *PERIOD)
            busiest = max(
                (line for line in counts.caseloads if line.worker.caseworker_id is not None),
                key=lambda line: line.open_cases.count,
            )
            keep = next(
                w.id
                for w in s.execute(select(Caseworker).where(Caseworker.active.is_(True))).scalars()
                if w.id not in (busiest.worker.caseworker_id, leader.id)
            )
        gone = busiest.worker.caseworker_id
        assert gone is not None
        with db.session() as s:
            assert merge_caseworkers(s, USER, keep, gone, as_of=AS_OF) >= busiest.open_cases.count
        data = _agree(db, AS_OF)
        assert busiest.worker.name not in {line["caseworker"] for line in data["caseloads"]}
        assert_fresh(db)
    finally:
        one.close()
        other.close()
