"""The team dashboard on the hand-built 17-case team: the numbers shown, the cases behind each
number, opening a case, reassignment with the receiving caseload shown, the period chooser."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QImage
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from send_desktop.gui.dashboard import DashboardWindow, Period
from send_desktop.gui.dashboard_models import BUCKET_ROLE, SummaryModel, overdue_lines
from send_desktop.store import Database
from send_desktop.store.demo import make_demo
from send_desktop.store.models import AuditEntry
from send_desktop.store.reports import FORECAST_WEEKS, team_report
from send_desktop.store.settings import load_policy
from tests.store.test_reports import AS_OF, PERIOD, USER, KnownTeam, build_known_team


@pytest.fixture
def known(sqlite_db: Database) -> KnownTeam:
    return build_known_team(sqlite_db)


def _dashboard(qtbot: QtBot, db: Database) -> DashboardWindow:
    window = DashboardWindow(db, USER, as_of=AS_OF, load=False)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.report_loaded, timeout=20000):
        window.set_period(*PERIOD)
    return window


def _row(model: SummaryModel, first_cell: str) -> int:  # type: ignore[type-arg]
    for row in range(model.rowCount()):
        if model.index(row, 0).data() == first_cell:
            return row
    raise AssertionError(f"no row {first_cell!r}")


def _column(model: SummaryModel, title: str) -> int:  # type: ignore[type-arg]
    for column in range(model.columnCount()):
        if model.headerData(column, Qt.Orientation.Horizontal) == title:
            return column
    raise AssertionError(f"no column {title!r}")


def _names(known: KnownTeam, ids: list[int]) -> set[str]:
    by_id = {v: k for k, v in known.case.items()}
    return {by_id[i] for i in ids}


def test_numbers_and_their_case_lists(
    qtbot: QtBot, sqlite_db: Database, known: KnownTeam, qtmodeltester: ModelTester
) -> None:
    window = _dashboard(qtbot, sqlite_db)
    window.show()
    for model in (
        window.overdue_model,
        window.caseload_model,
        window.forecast_model,
        window.pipeline_model,
        window.timeliness_model,
    ):
        qtmodeltester.check(model, force_py=True)

    # Timeliness beside England: 3 of 4 plans without exception = 75.0% (England 46.4%).
    t = window.timeliness_model
    assert [t.index(0, c).data() for c in range(4)] == [
        "New plans within 20 weeks, excluding exceptions (headline)",
        "3 of 4",
        "75.0%",
        "46.4% (2024)",
    ]
    assert [t.index(1, c).data() for c in (1, 2)] == ["3 of 5", "60.0%"]
    assert [t.index(2, c).data() for c in (1, 2)] == ["1 of 2", "50.0%"]
    assert window.kpi["timeliness"][0].text() == "75.0%"
    assert window.kpi["overdue"][0].text() == "5"

    # Overdue: Cara Cole's "Plan" cell says 2 and lists exactly C9 and C13.
    overdue = window.overdue_model
    cara, plan = _row(overdue, "Cara Cole"), _column(overdue, "Plan")
    assert overdue.index(cara, plan).data() == "2"
    assert overdue.index(cara, plan).data(Qt.ItemDataRole.FontRole).underline()
    panel = window.click_count(window.overdue_view, cara, plan)
    assert _names(known, panel.model.case_ids()) == {"C9", "C13"}
    assert panel.title.text() == "Cara Cole - Plan: 2 cases"
    qtmodeltester.check(panel.model, force_py=True)
    # The all-caseworkers total lists all 5, each shown with the step that made it overdue.
    everyone = _row(overdue, "All caseworkers")
    panel = window.click_count(window.overdue_view, everyone, _column(overdue, "Total"))
    assert _names(known, panel.model.case_ids()) == {"C7", "C8", "C9", "C13", "C14"}
    steps = {r.case.ref: r.item.step_id for r in panel.model.all_rows()}
    assert sorted(steps.values()) == ["N1", "N3", "R1", "R1", "R7"]

    # A text cell is not a number: clicking it changes nothing.
    assert overdue.index(cara, 0).data(BUCKET_ROLE) is None

    # Forecast: every count equals the length of its list.
    forecast = window.forecast_model
    for row in range(forecast.rowCount()):
        for column in range(1, forecast.columnCount()):
            shown = int(forecast.index(row, column).data())
            panel = window.click_count(window.forecast_view, row, column)
            assert panel.model.rowCount() == shown
    total = _row(forecast, "All caseworkers")
    panel = window.click_count(window.forecast_view, total, _column(forecast, "Within 2 weeks"))
    assert _names(known, panel.model.case_ids()) == {"C10", "C14", "C15"}

    # Double-clicking a case in the list asks for it to be opened.
    window.tabs.setCurrentIndex(
        window.tabs.indexOf(window.forecast_view.parentWidget().parentWidget())
    )
    qtbot.waitUntil(panel.table.isVisible)
    index = panel.model.index(0, 0)
    first = panel.model.row_at(0).case.case_id
    rect = panel.table.visualRect(index)
    # A real double-click is a press then a double-click event on the same cell.
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(window.open_case_requested, timeout=2000) as opened:
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [first]

    # Review pipeline: decisions due lists C14 only.
    pipeline = window.pipeline_model
    panel = window.click_count(
        window.pipeline_view, _row(pipeline, "Decisions due"), _column(pipeline, "Cases")
    )
    assert _names(known, panel.model.case_ids()) == {"C14"}


def test_overload_shown_in_colour_and_words(
    qtbot: QtBot, sqlite_db: Database, known: KnownTeam
) -> None:
    window = _dashboard(qtbot, sqlite_db)
    window.threshold_spin.setValue(5)
    with qtbot.waitSignal(window.report_loaded, timeout=20000):
        window.save_threshold()
    model = window.caseload_model
    load = _column(model, "Load")
    alice, bob = _row(model, "Alice Archer"), _row(model, "Bob Bell")
    assert model.index(alice, load).data() == "OVERLOADED: 6 of 5 (120%)"
    assert model.index(alice, load).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(bob, load).data() == "100% of 5"
    assert model.index(bob, load).data(Qt.ItemDataRole.ForegroundRole) is None
    assert window.kpi["overload"][0].text() == "1"
    assert "Alice Archer" in window.kpi["overload"][1].text()


def test_reassign_shows_the_receiving_caseload_and_is_audited(
    qtbot: QtBot, sqlite_db: Database, known: KnownTeam
) -> None:
    window = _dashboard(qtbot, sqlite_db)
    window.threshold_spin.setValue(5)
    with qtbot.waitSignal(window.report_loaded, timeout=20000):
        window.save_threshold()
    model = window.caseload_model
    panel = window.click_count(
        window.caseload_view, _row(model, "Alice Archer"), _column(model, "Assessments")
    )
    assert _names(known, panel.model.case_ids()) == {"C7", "C10"}
    panel.table.selectAll()
    assert panel.reassign_button.isEnabled()
    chosen = panel.selected_case_ids()
    dialog = window.reassign_dialog(chosen)
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.choose(known.cara)
    text = dialog.caseload_label.text()
    assert "Now 4 open cases" in text and "After this move: <b>6</b> of 5" in text
    assert "OVER the overload threshold" in text
    dialog.choose(known.bob)
    assert "After this move: <b>7</b> of 5" in dialog.caseload_label.text()
    dialog.choose(known.cara)
    with qtbot.waitSignal(window.report_loaded, timeout=20000):
        dialog.accept()
    assert dialog.moved == 2
    lines = {line.worker.name: line.open_cases.count for line in window.report.caseloads}  # type: ignore[union-attr]
    assert (lines["Alice Archer"], lines["Cara Cole"]) == (4, 6)
    with sqlite_db.session() as s:
        audit = s.execute(
            select(AuditEntry.case_id, AuditEntry.old, AuditEntry.new, AuditEntry.user).where(
                AuditEntry.field == "caseworker_id", AuditEntry.action == "update"
            )
        ).all()
    assert sorted(audit) == sorted((i, str(known.alice), str(known.cara), USER) for i in chosen)


def test_period_chooser_and_team(qtbot: QtBot, sqlite_db: Database, known: KnownTeam) -> None:
    window = _dashboard(qtbot, sqlite_db)
    with qtbot.waitSignal(window.report_loaded, timeout=20000):
        window.period_combo.setCurrentIndex(window.period_combo.findData(Period.LAST_YEAR))
    assert window.period() == (date(2024, 1, 1), date(2024, 12, 31))
    assert not window.from_edit.isEnabled()
    report = window.report
    assert report is not None and report.period_start == date(2024, 1, 1)
    # 2024's plans: C6, C11, C13, C14, C15, C16 (C9's was 2023) - all within 20 weeks.
    assert (report.timeliness.plans_issued, report.timeliness.plans_within_20_weeks) == (6, 6)
    with qtbot.waitSignal(window.report_loaded, timeout=20000):
        window.team_combo.setCurrentIndex(window.team_combo.findData(known.south))
    model = window.caseload_model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Cara Cole"]


def test_screenshots_are_saved(qtbot: QtBot, sqlite_db: Database, tmp_path: Path) -> None:
    from send_desktop.gui.dashboard import save_dashboard_screenshots

    make_demo(sqlite_db, cases=80, seed=3, as_of=AS_OF)
    saved = save_dashboard_screenshots(sqlite_db, tmp_path, as_of=AS_OF)
    assert [p.name for p in saved] == [
        "dashboard.png",
        "dashboard-overdue.png",
        "dashboard-caseloads.png",
        "dashboard-timeliness.png",
        "dashboard-forecast.png",
        "dashboard-reviews.png",
    ]
    for path in saved:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1400, 900)


def test_bucket_role_of_an_invalid_index_is_none(
    qtbot: QtBot, sqlite_db: Database, known: KnownTeam
) -> None:
    window = _dashboard(qtbot, sqlite_db)
    assert window.overdue_model.bucket_at(QModelIndex()) is None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    target = (
        str(tmp_path / "cases.sqlite3")
        if request.param == "sqlite"
        else request.getfixturevalue("pg_database")
    )
    database = Database.open(target, USER)
    try:
        yield database
    finally:
        database.close()


def test_every_number_lists_the_bulk_reports_cases_on_a_demo(
    qtbot: QtBot, any_db: Database
) -> None:
    """Clicking each count cell of every table lists exactly the cases the bulk report
    (`team_report`, the numpy engine: the oracle here) put behind that figure, as many as the
    cell shows - SQLite and PostgreSQL."""
    make_demo(any_db, cases=150, seed=7, as_of=AS_OF)
    window = _dashboard(qtbot, any_db)
    with any_db.session() as s:
        bulk = team_report(s, AS_OF, load_policy(s), *PERIOD)
    expected = {
        window.overdue_view: [
            [*(line.by_stage[st] for st in _shown_stages(window)), line.total]
            for line in overdue_lines(bulk)
        ],
        window.caseload_view: [
            [c.open_cases, c.assessments, c.plans, c.reviews_next_term, c.overdue]
            for c in bulk.caseloads
        ],
        window.forecast_view: [[row.by_weeks[n] for n in FORECAST_WEEKS] for row in bulk.forecast]
        + [[bulk.forecast_total[n] for n in FORECAST_WEEKS]],
        window.pipeline_view: [[p.cases, p.overdue] for p in bulk.pipeline],
    }
    clicked = 0
    for view, rows in expected.items():
        model = view.model()
        assert isinstance(model, SummaryModel)
        assert model.rowCount() == len(rows)
        first = (
            model.columnCount()
            - len(rows[0])
            - (1 if view in (window.caseload_view, window.pipeline_view) else 0)
        )
        for r, buckets in enumerate(rows):
            for offset, bucket in enumerate(buckets):
                column = first + offset
                shown = int(model.index(r, column).data())
                panel = window.click_count(view, r, column)
                assert sorted(panel.model.case_ids()) == sorted(bucket.case_ids)
                assert panel.model.rowCount() == shown == bucket.count
                clicked += 1
    assert clicked > 40


def _shown_stages(window: DashboardWindow) -> list[str]:
    model = window.overdue_model
    return [
        model.headerData(c, Qt.Orientation.Horizontal) for c in range(1, model.columnCount() - 1)
    ]


def test_a_click_lists_the_cases_off_the_gui_thread(
    qtbot: QtBot, sqlite_db: Database, known: KnownTeam
) -> None:
    """A real mouse click on a number reads its cases in the background, then lists them."""
    window = _dashboard(qtbot, sqlite_db)
    window.show()
    window.tabs.setCurrentIndex(
        window.tabs.indexOf(window.overdue_view.parentWidget().parentWidget())
    )
    qtbot.waitUntil(window.overdue_view.isVisible)
    overdue = window.overdue_model
    index = overdue.index(_row(overdue, "Cara Cole"), _column(overdue, "Plan"))
    rect = window.overdue_view.visualRect(index)
    with qtbot.waitSignal(window.cases_listed, timeout=20000):
        qtbot.mouseClick(
            window.overdue_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert _names(known, window.overdue_cases.model.case_ids()) == {"C9", "C13"}
    assert window.overdue_cases.title.text() == "Cara Cole - Plan: 2 cases"


def test_a_figure_larger_than_the_list_says_so(
    qtbot: QtBot, sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A figure holding more cases than a click lists (DRILL_LIMIT: a whole authority's can
    hold 100,000) lists the ones due first and says how many the figure holds."""
    from send_desktop.gui import dashboard

    make_demo(sqlite_db, cases=150, seed=7, as_of=AS_OF)
    monkeypatch.setattr(dashboard, "DRILL_LIMIT", 3)
    window = _dashboard(qtbot, sqlite_db)
    model = window.caseload_view.model()
    assert isinstance(model, SummaryModel)
    # The first number column: the caseworker's open cases.
    column = next(c for c in range(model.columnCount()) if str(model.index(0, c).data()).isdigit())
    shown = int(model.index(0, column).data())
    assert shown > 3
    panel = window.click_count(window.caseload_view, 0, column)
    assert panel.model.rowCount() == 3
    assert f": {shown:,} cases - the 3 due first are listed" in panel.title.text()
