"""The team leader's dashboard: overdue work, caseloads and allocation, timeliness, forecast,
review pipeline and charts, each number opening the list of exactly the cases it counts.

The figures are those `send-desktop report` prints (store/report_sql.py `counted_report`, SQL
over the stored deadlines); a click reads the cases behind that one figure on demand."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from send_desktop import APP_NAME
from send_desktop.errors import KnownError
from send_desktop.gui import fit
from send_desktop.gui.crash import handle_exception
from send_desktop.gui.dashboard_charts import caseload_panel, stage_panel, timeliness_panel
from send_desktop.gui.dashboard_models import (
    OVERLOAD_COLOUR,
    DrillModel,
    SummaryModel,
    caseload_model,
    forecast_model,
    overdue_model,
    percent_text,
    pipeline_model,
    timeliness_model,
    worker_label,
)
from send_desktop.gui.dates import to_date, to_qdate
from send_desktop.gui.status import app_icon
from send_desktop.gui.table_model import format_date
from send_desktop.gui.tables import configure_table
from send_desktop.gui.workers import Progress, run_in_background
from send_desktop.store import Database
from send_desktop.store.queries import caseworkers, open_case_counts, reassign_cases, teams
from send_desktop.store.reports import (
    Item,
    ReportCase,
    TeamReport,
    Worker,
    cases_behind,
    set_overload_threshold,
    team_counts,
)
from send_desktop.store.settings import load_policy

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SCREENSHOT_SIZE = (1400, 900)
#: The most cases a click lists, those due first: a whole authority's figure can hold 100,000
#: (12-17 s to read and a list nobody reads); the title says how many the figure holds.
DRILL_LIMIT = 2000


class Period(StrEnum):
    LAST_12_MONTHS = "Last 12 months"
    THIS_YEAR = "This calendar year"
    LAST_YEAR = "Last calendar year (as DfE reports)"
    FINANCIAL_YEAR = "This financial year (Apr-Mar)"
    CUSTOM = "Dates chosen below"


def period_dates(period: Period, as_of: date) -> tuple[date, date]:
    """The first and last day of a named period, never beyond as_of."""
    if period is Period.THIS_YEAR:
        return date(as_of.year, 1, 1), as_of
    if period is Period.LAST_YEAR:
        return date(as_of.year - 1, 1, 1), date(as_of.year - 1, 12, 31)
    if period is Period.FINANCIAL_YEAR:
        start_year = as_of.year if as_of.month >= 4 else as_of.year - 1
        return date(start_year, 4, 1), as_of
    months = as_of.year * 12 + as_of.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1), as_of


def _summary_view(parent: QWidget, name: str) -> QTableView:
    view = QTableView(parent)
    view.setAccessibleName(name)
    configure_table(view)
    view.setSortingEnabled(False)  # the last row is the total: it stays last
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(90)
    # Numbers stay next to their names; only a trailing text column ("Rule") may stretch.
    header.setStretchLastSection(False)
    return view


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("sectionHint")
    label.setWordWrap(True)
    return label


class CaseListPanel(QWidget):
    """The cases behind the number last clicked: double-click opens one; several can be moved."""

    open_case_requested = Signal(int)
    reassign_requested = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DrillModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        top = QHBoxLayout()
        self.title = QLabel("Click a number above to list its cases.", self)
        self.title.setObjectName("caseHeading")
        self.title.setStyleSheet("font-size: 11pt;")
        self.title.setWordWrap(True)
        top.addWidget(self.title, 1)
        self.open_button = QPushButton("Op&en case", self)
        self.open_button.clicked.connect(self.open_selected)
        self.reassign_button = QPushButton("Re&assign selected...", self)
        self.reassign_button.setToolTip("Give the selected cases to another caseworker")
        self.reassign_button.clicked.connect(self._reassign)
        top.addWidget(self.open_button)
        top.addWidget(self.reassign_button)
        layout.addLayout(top)
        self.table = QTableView(self)
        self.table.setAccessibleName("Cases behind the chosen number")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.doubleClicked.connect(self._open_index)
        # The step counted, what the team leader reads, takes the rest of the width.
        fit.size_columns(
            self.table,
            {
                0: "EHC-2025-00000",
                1: "Florence Morris",
                2: "Sam Carter",
                3: "Assessment",
                5: "Wed 30/06/2025",
                6: "115 days late",
                7: "Wed 30/06/2025",
                8: "Family's window",
            },
            stretch=4,
            icon_columns=(8,),
        )
        # Most urgent first: the earliest due date (the longest overdue) at the top.
        self.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
        layout.addWidget(self.table, 1)
        self._update_buttons()
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

    def show_cases(
        self,
        report: TeamReport,
        title: str,
        rows: Sequence[tuple[ReportCase, Item]],
        count: int | None = None,
    ) -> None:
        """List the cases behind a number (read on demand: `cases_behind`); `count` is the
        figure when only the first of its cases (DRILL_LIMIT, due first) were read."""
        self.model.show_rows(report.as_of, rows)
        total = len(rows) if count is None else max(count, len(rows))
        plural = "s" if total != 1 else ""
        text = f"{title}: {total:,} case{plural}"
        if total > len(rows):
            text += (
                f" - the {len(rows):,} due first are listed. Choose a team above to list "
                "fewer, or export the workbook for every case."
            )
        self.title.setText(text)
        self._update_buttons()

    def clear(self, text: str = "Click a number above to list its cases.") -> None:
        self.model.set_rows([])
        self.title.setText(text)
        self._update_buttons()

    def selected_case_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r).case.case_id for r in rows]

    def _update_buttons(self, *_args: object) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        self.open_button.setEnabled(chosen)
        self.reassign_button.setEnabled(chosen)

    def _open_index(self, index: QModelIndex) -> None:
        self.open_case_requested.emit(self.model.row_at(index.row()).case.case_id)

    def open_selected(self) -> None:
        for case_id in self.selected_case_ids()[:10]:
            self.open_case_requested.emit(case_id)

    def _reassign(self) -> None:
        ids = self.selected_case_ids()
        if ids:
            self.reassign_requested.emit(ids)


class ReassignDialog(QDialog):
    """Choose the receiving caseworker, seeing their caseload before confirming."""

    def __init__(
        self,
        db: Database,
        user: str,
        case_ids: Sequence[int],
        report: TeamReport,
        cases: Mapping[int, ReportCase],
        parent: QWidget | None = None,
    ) -> None:
        """`cases`: the listed cases (the drill-down's rows), for their present caseworkers."""
        super().__init__(parent)
        self.db, self.user, self.case_ids, self.report = db, user, list(case_ids), report
        self.cases = cases
        self.moved = 0
        self.setWindowTitle("Reassign cases")
        with db.session() as session:
            self.workers = [
                Worker(w.id, w.name, w.team.name if w.team else None) for w in caseworkers(session)
            ]
            self.counts = open_case_counts(session)
        layout = QVBoxLayout(self)
        owners = sorted({cases[i].caseworker for i in self.case_ids if i in cases})
        plural = "s" if len(self.case_ids) != 1 else ""
        layout.addWidget(
            QLabel(
                f"Reassign <b>{len(self.case_ids)} case{plural}</b> "
                f"(now with {', '.join(owners) or 'nobody'}) to:",
                self,
            )
        )
        self.combo = QComboBox(self)
        self.combo.setAccessibleName("Receiving caseworker")
        for worker in self.workers:
            line = report.caseload_of(worker.caseworker_id)
            label = (
                worker_label(worker, line, report.overload_threshold)
                if line is not None
                else f"{worker.name} - {self.counts.get(worker.caseworker_id, 0)} open"
            )
            self.combo.addItem(label, worker.caseworker_id)
        layout.addWidget(self.combo)
        self.caseload_label = QLabel(self)
        self.caseload_label.setWordWrap(True)
        self.caseload_label.setAccessibleName("Receiving caseworker's caseload")
        self.caseload_label.setMinimumWidth(460)
        layout.addWidget(self.caseload_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Reassign {len(self.case_ids)} case{plural}")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.combo.currentIndexChanged.connect(self._show_caseload)
        self._show_caseload()

    def choose(self, caseworker_id: int) -> None:
        self.combo.setCurrentIndex(self.combo.findData(caseworker_id))

    def chosen(self) -> int | None:
        data = self.combo.currentData()
        return int(data) if data is not None else None

    def _show_caseload(self, *_args: object) -> None:
        worker_id = self.chosen()
        if worker_id is None:
            self.caseload_label.setText("There is no active caseworker to give cases to.")
            return
        limit = self.report.overload_threshold
        arriving = sum(
            1
            for i in self.case_ids
            if i not in self.cases or self.cases[i].caseworker_id != worker_id
        )
        now = self.counts.get(worker_id, 0)
        after = now + arriving
        line = self.report.caseload_of(worker_id)
        detail = ""
        if line is not None:
            detail = (
                f" ({line.assessments.count} assessments, {line.plans.count} plans, "
                f"{line.overdue.count} overdue, {line.reviews_next_term.count} reviews due "
                f"{self.report.next_term.name.lower()})"
            )
        text = f"Now {now} open cases{detail}.<br>After this move: <b>{after}</b> of {limit}."
        if after > limit:
            text += f"<br><b>Warning: OVER the overload threshold of {limit} open cases.</b>"
            self.caseload_label.setStyleSheet(f"color: {OVERLOAD_COLOUR.name()};")
        else:
            self.caseload_label.setStyleSheet("")
        self.caseload_label.setText(text)

    def accept(self) -> None:
        worker_id = self.chosen()
        if worker_id is None:
            return
        try:
            with self.db.session() as session:
                self.moved = reassign_cases(session, self.case_ids, worker_id, self.user)
        except KnownError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        log.info("Reassigned %d cases to caseworker %s", self.moved, worker_id)
        super().accept()


class DashboardWindow(QMainWindow):
    """The team leader's view. `open_case_requested(case_id)` asks the main window to open one."""

    open_case_requested = Signal(int)
    report_loaded = Signal()
    #: A number's cases are listed (read off the GUI thread: a whole authority's total is
    #: tens of thousands of rows).
    cases_listed = Signal()

    def __init__(
        self,
        db: Database,
        user: str,
        as_of: date | None = None,
        parent: QWidget | None = None,
        load: bool = True,
    ) -> None:
        super().__init__(parent)
        self.db, self.user = db, user
        self.as_of = as_of or date.today()
        self.report: TeamReport | None = None
        self._drills: dict[CaseListPanel, int] = {}  # each panel's latest click
        self._loading = False
        self._reload_again = False
        # The platform adds " - SEND Desktop" after the title (applicationDisplayName).
        self.setWindowTitle("Team dashboard")
        self.setWindowIcon(app_icon())
        self._build()
        fit.add_close_keys(self)  # Ctrl+W and Escape: a secondary window
        fit.fit_size(self, *SCREENSHOT_SIZE)
        if load:
            self.reload()

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        self.splitters: dict[QTableView, QSplitter] = {}
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 4)
        # Two rows (the team and period; the dates "chosen below", the buttons and the scope):
        # in one row they made the window 1135 logical pixels wide, and 1366x768 at 150% has 910.
        bar = QHBoxLayout()
        bar.addWidget(QLabel("&Team:", central))
        self.team_combo = QComboBox(central)
        self.team_combo.setAccessibleName("Team")
        self.team_combo.addItem("All teams", None)
        with self.db.session() as session:
            for team in teams(session):
                self.team_combo.addItem(team.name, team.id)
        bar.addWidget(self.team_combo)
        bar.addSpacing(12)
        bar.addWidget(QLabel("Timeliness &period:", central))
        self.period_combo = QComboBox(central)
        self.period_combo.setAccessibleName("Timeliness period")
        for period in Period:
            self.period_combo.addItem(period.value, period)
        bar.addWidget(self.period_combo)
        self.from_edit = QDateEdit(central)
        self.to_edit = QDateEdit(central)
        for edit, name in ((self.from_edit, "Period from"), (self.to_edit, "Period to")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setAccessibleName(name)
        start, end = period_dates(Period.LAST_12_MONTHS, self.as_of)
        self.from_edit.setDate(to_qdate(start))
        self.to_edit.setDate(to_qdate(end))
        bar.addStretch(1)
        layout.addLayout(bar)
        actions = QHBoxLayout()
        dates = QLabel("Dates:", central)
        dates.setBuddy(self.from_edit)
        actions.addWidget(dates)
        actions.addWidget(self.from_edit)
        actions.addWidget(QLabel("to", central))
        actions.addWidget(self.to_edit)
        actions.addSpacing(12)
        self.refresh_button = QPushButton("Refresh", central)
        self.refresh_button.setShortcut("F5")
        self.refresh_button.setToolTip("Work the figures out again (F5)")
        self.refresh_button.clicked.connect(self.reload)
        actions.addWidget(self.refresh_button)
        self.sen2_button = QPushButton("SEN&2 return...", central)
        self.sen2_button.setToolTip("Check and write the SEN2 return for DfE COLLECT")
        self.sen2_button.clicked.connect(self.open_sen2)
        actions.addWidget(self.sen2_button)
        self.scope_label = QLabel(central)
        self.scope_label.setObjectName("sectionHint")
        # Wraps rather than setting the window's minimum width (it was wider than a laptop).
        self.scope_label.setWordWrap(True)
        actions.addSpacing(8)
        actions.addWidget(self.scope_label, 1)
        layout.addLayout(actions)
        for label in central.findChildren(QLabel):
            if label.text() == "&Team:":
                label.setBuddy(self.team_combo)
            elif label.text() == "Timeliness &period:":
                label.setBuddy(self.period_combo)
        self.team_combo.currentIndexChanged.connect(self.reload)
        self.period_combo.currentIndexChanged.connect(self._period_chosen)
        self.from_edit.dateChanged.connect(self._dates_edited)
        self.to_edit.dateChanged.connect(self._dates_edited)

        self.tabs = QTabWidget(central)
        self.tabs.setAccessibleName("Dashboard views")
        self.tabs.addTab(fit.scrolling(self._overview_tab()), "O&verview")
        self.overdue_view, self.overdue_cases, overdue_tab = self._drill_tab(
            "Cases with a statutory step overdue, by caseworker and stage. Click a number to "
            "list those cases; double-click a case to open it.",
            "Overdue cases by caseworker and stage",
        )
        self.tabs.addTab(overdue_tab, "&Overdue")
        self.tabs.addTab(self._caseload_tab(), "&Caseloads and allocation")
        self.tabs.addTab(fit.scrolling(self._timeliness_tab()), "T&imeliness")
        self.forecast_view, self.forecast_cases, forecast_tab = self._drill_tab(
            "Cases that will breach a statutory deadline if nothing changes: an open statutory "
            "step falls due after today and within 2, 4 or 8 weeks (each case counted at its "
            "earliest such step; parents' comment windows and appeal rights are not LA "
            "deadlines and are left out).",
            "Forecast breaches by caseworker",
        )
        self.tabs.addTab(forecast_tab, "&Forecast")
        self.pipeline_view, self.pipeline_cases, pipeline_tab = self._drill_tab(
            "Annual reviews and phase transfers in progress. Click a number to list the cases.",
            "Annual review pipeline",
        )
        self.tabs.addTab(pipeline_tab, "&Reviews")
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.summary_views: dict[QTableView, CaseListPanel] = {
            self.overdue_view: self.overdue_cases,
            self.caseload_view: self.caseload_cases,
            self.forecast_view: self.forecast_cases,
            self.pipeline_view: self.pipeline_cases,
        }
        for view, panel in self.summary_views.items():
            view.clicked.connect(lambda index, v=view, p=panel: self._drill(v, p, index))
            view.activated.connect(lambda index, v=view, p=panel: self._drill(v, p, index))
            panel.open_case_requested.connect(self.open_case_requested)
            panel.reassign_requested.connect(self.reassign)

    def open_sen2(self) -> QMainWindow:
        from send_desktop.gui.sen2_panel import Sen2ReturnWindow

        self.sen2_window = Sen2ReturnWindow(self.db, self.user, self)
        self.sen2_window.show()
        return self.sen2_window

    def _drill_tab(self, hint: str, name: str) -> tuple[QTableView, CaseListPanel, QWidget]:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(_hint(hint, page))
        splitter = QSplitter(Qt.Orientation.Vertical, page)
        view = _summary_view(splitter, name)
        panel = CaseListPanel(splitter)
        splitter.addWidget(view)
        splitter.addWidget(panel)
        splitter.setSizes([340, 420])
        self.splitters[view] = splitter
        layout.addWidget(splitter, 1)
        return view, panel, page

    def _kpi_card(self, parent: QWidget, title: str) -> tuple[QFrame, QLabel, QLabel]:
        card = QFrame(parent)
        card.setObjectName("kpiCard")
        card.setStyleSheet(
            "QFrame#kpiCard { background: #ffffff; border: 1px solid #c9d1db; border-radius: 4px; }"
        )
        layout = QVBoxLayout(card)
        layout.setContentsMargins(12, 8, 12, 8)
        heading = QLabel(title, card)
        heading.setObjectName("sectionHint")
        heading.setWordWrap(True)
        value = QLabel(card)
        value.setStyleSheet("font-size: 20pt; font-weight: 600; color: #1b2733;")
        value.setAccessibleName(title)
        # Reachable by Tab, so a screen reader user hears each headline figure with its name.
        value.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        note = QLabel(card)
        note.setWordWrap(True)
        note.setObjectName("sectionHint")
        layout.addWidget(heading)
        layout.addWidget(value)
        layout.addWidget(note)
        return card, value, note

    def _overview_tab(self) -> QWidget:
        page = QWidget(self)
        self.overview_layout = QGridLayout(page)
        self.overview_layout.setContentsMargins(0, 6, 0, 0)
        cards = QHBoxLayout()
        self.kpi: dict[str, tuple[QLabel, QLabel]] = {}
        self.kpi_titles: dict[str, str] = {}
        for key, title in (
            ("overdue", "Open cases with a step overdue"),
            ("timeliness", "New plans within 20 weeks (excl. exceptions)"),
            ("forecast", "Will breach a deadline within 2 weeks"),
            ("reviews", "Annual reviews overdue"),
            ("overload", "Caseworkers over the threshold"),
        ):
            card, value, note = self._kpi_card(page, title)
            self.kpi[key] = (value, note)
            self.kpi_titles[key] = title
            cards.addWidget(card)
        self.overview_layout.addLayout(cards, 0, 0, 1, 2)
        self.charts: dict[str, QWidget] = {}
        self.overview_layout.setRowStretch(1, 1)
        self.overview_layout.setRowStretch(2, 1)
        return page

    def _caseload_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        self.caseload_hint = _hint("", page)
        top.addWidget(self.caseload_hint, 1)
        above = QLabel("Overloaded a&bove", page)
        top.addWidget(above)
        self.threshold_spin = QSpinBox(page)
        self.threshold_spin.setRange(1, 100_000)
        self.threshold_spin.setSuffix(" open cases")
        self.threshold_spin.setAccessibleName("Overload threshold in open cases")
        above.setBuddy(self.threshold_spin)
        top.addWidget(self.threshold_spin)
        save = QPushButton("Save thres&hold", page)
        save.setToolTip("Store the threshold for everyone using this database (audited)")
        save.clicked.connect(self.save_threshold)
        top.addWidget(save)
        layout.addLayout(top)
        splitter = QSplitter(Qt.Orientation.Vertical, page)
        self.caseload_view = _summary_view(splitter, "Caseloads by caseworker")
        self.caseload_cases = CaseListPanel(splitter)
        self.splitters[self.caseload_view] = splitter
        self.caseload_cases.clear(
            "Click a caseworker's number to list those cases; select cases and press "
            "Reassign to give them to someone else."
        )
        splitter.addWidget(self.caseload_view)
        splitter.addWidget(self.caseload_cases)
        splitter.setSizes([300, 460])
        layout.addWidget(splitter, 1)
        return page

    def _timeliness_tab(self) -> QWidget:
        page = QWidget(self)
        self.timeliness_layout = QVBoxLayout(page)
        self.timeliness_layout.setContentsMargins(0, 6, 0, 0)
        self.timeliness_hint = _hint("", page)
        self.timeliness_layout.addWidget(self.timeliness_hint)
        self.timeliness_view = QTableView(page)
        self.timeliness_view.setAccessibleName("Timeliness beside England")
        configure_table(self.timeliness_view)
        self.timeliness_view.setSortingEnabled(False)
        self.timeliness_view.horizontalHeader().setStretchLastSection(False)
        self.timeliness_view.setMaximumHeight(220)
        self.timeliness_layout.addWidget(self.timeliness_view)
        self.timeliness_chart_slot = QVBoxLayout()
        self.timeliness_layout.addLayout(self.timeliness_chart_slot, 1)
        return page

    # -- loading ---------------------------------------------------------------------------
    def period(self) -> tuple[date, date]:
        return to_date(self.from_edit.date()), to_date(self.to_edit.date())

    def _period_chosen(self, *_args: object) -> None:
        chosen = Period(self.period_combo.currentData())
        custom = chosen is Period.CUSTOM
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        if not custom:
            start, end = period_dates(chosen, self.as_of)
            for edit, value in ((self.from_edit, start), (self.to_edit, end)):
                edit.blockSignals(True)
                edit.setDate(to_qdate(value))
                edit.blockSignals(False)
            self.reload()

    def _dates_edited(self, *_args: object) -> None:
        if Period(self.period_combo.currentData()) is Period.CUSTOM:
            self.reload()

    def set_period(self, start: date, end: date) -> None:
        """Choose dates by hand (the 'Dates chosen below' period) and reload."""
        self.period_combo.setCurrentIndex(self.period_combo.findData(Period.CUSTOM))
        for edit, value in ((self.from_edit, start), (self.to_edit, end)):
            edit.blockSignals(True)
            edit.setDate(to_qdate(value))
            edit.blockSignals(False)
        self.reload()

    def reload(self, *_args: object) -> None:
        """Compute the report off the GUI thread; emits report_loaded when shown."""
        if self._loading:
            self._reload_again = True
            return
        start, end = self.period()
        if end < start:
            self.scope_label.setText("The period ends before it starts: choose other dates.")
            return
        self._loading = True
        self.scope_label.setText("Working out the figures...")
        db, as_of, team_id = self.db, self.as_of, self.team_combo.currentData()

        def job(progress: Progress) -> TeamReport:
            with db.session() as session:
                return _report(session, as_of, start, end, team_id)

        run_in_background(job, on_success=self._loaded, on_failure=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self.scope_label.setText("The figures could not be worked out.")
        if isinstance(exc, KnownError):
            QMessageBox.warning(self, APP_NAME, str(exc))
        else:
            handle_exception(type(exc), exc, exc.__traceback__, self)

    def _loaded(self, report: TeamReport) -> None:
        self._loading = False
        if self._reload_again:
            self._reload_again = False
            self.reload()
            return
        self.set_report(report)
        self.report_loaded.emit()

    def set_report(self, report: TeamReport) -> None:
        """Fill every tab from one report."""
        self.report = report
        self.scope_label.setText(
            f"{report.scope} · {report.open_count:,} open cases · as of "
            f"{format_date(report.as_of)} · worked out in {report.seconds:.1f} s"
        )
        self.overdue_model = overdue_model(report, self)
        self.caseload_model = caseload_model(report, self)
        self.forecast_model = forecast_model(report, self)
        self.pipeline_model = pipeline_model(report, self)
        self.timeliness_model = timeliness_model(report, self)
        for view, model in (
            (self.overdue_view, self.overdue_model),
            (self.caseload_view, self.caseload_model),
            (self.forecast_view, self.forecast_model),
            (self.pipeline_view, self.pipeline_model),
            (self.timeliness_view, self.timeliness_model),
        ):
            old = view.model()
            view.setModel(model)
            if old is not None:
                old.deleteLater()
        self.timeliness_view.resizeColumnsToContents()
        self._share_splitters()
        self.pipeline_view.horizontalHeader().setStretchLastSection(True)
        for panel in self.summary_views.values():
            panel.clear()
        self.threshold_spin.setValue(report.overload_threshold)
        overloaded = report.overloaded()
        self.caseload_hint.setText(
            f"Open cases per caseworker; reviews due in the {report.next_term.name.lower()} "
            f"({report.next_term.start:%d/%m} - {report.next_term.end:%d/%m/%Y}). "
            + (
                f"{len(overloaded)} caseworker(s) OVER the threshold, shown in red with "
                "'OVERLOADED'."
                if overloaded
                else "Nobody is over the threshold."
            )
        )
        self.timeliness_hint.setText(
            f"DfE SEN2 measures for events dated {format_date(report.period_start)} to "
            f"{format_date(report.period_end)}, beside England's published figures. "
            "'Within 20 weeks' = final plan issued no more than 140 days after the request."
        )
        self._fill_overview(report)
        self._fill_charts(report)

    def _share_splitters(self) -> None:
        """Each summary table gets the height of its rows (the total row included), up to 60%
        of its tab, and the case list the rest: a small screen still shows the totals."""
        for view, splitter in self.splitters.items():
            rows = view.model().rowCount() if view.model() is not None else 0
            needed = view.horizontalHeader().sizeHint().height() + 6
            needed += rows * view.verticalHeader().defaultSectionSize()
            total = max(sum(splitter.sizes()), 400)
            top = min(needed, int(total * 0.6))
            splitter.setSizes([top, total - top])

    def _fill_overview(self, report: TeamReport) -> None:
        t, nat = report.timeliness, report.national
        values = {
            "overdue": (
                f"{report.overdue_total.count:,}",
                f"of {report.open_count:,} open cases",
            ),
            "timeliness": (
                percent_text(t.pct_within_20_weeks_excl),
                (
                    f"{t.plans_without_exception_within_20_weeks} of "
                    f"{t.plans_without_exception} plans; England {nat.year}: "
                    f"{nat.excluding_exceptions:.1f}%"
                    if nat
                    else "no England figure for this period"
                ),
            ),
            "forecast": (
                f"{report.forecast_total[2].count:,}",
                f"{report.forecast_total[4].count:,} within 4 weeks, "
                f"{report.forecast_total[8].count:,} within 8",
            ),
            "reviews": (
                f"{_pipeline_count(report, 'Reviews overdue'):,}",
                f"{_pipeline_count(report, 'Reviews due next term'):,} due in the "
                f"{report.next_term.name.lower()}",
            ),
            "overload": (
                f"{len(report.overloaded())}",
                f"threshold {report.overload_threshold} open cases"
                + (
                    ": " + ", ".join(x.worker.name for x in report.overloaded())
                    if report.overloaded()
                    else ""
                ),
            ),
        }
        for key, (value, note) in values.items():
            value_label, note_label = self.kpi[key]
            value_label.setText(value)
            note_label.setText(note)
            title = self.kpi_titles[key]
            value_label.setAccessibleName(f"{title}: {value}")
            value_label.setAccessibleDescription(note)
        overloaded = bool(report.overloaded())
        self.kpi["overload"][0].setStyleSheet(
            "font-size: 20pt; font-weight: 600; color: "
            + (OVERLOAD_COLOUR.name() if overloaded else "#1b2733")
            + ";"
        )

    def _fill_charts(self, report: TeamReport) -> None:
        for chart in self.charts.values():
            chart.setParent(None)
            chart.deleteLater()
        self.charts = {
            "timeliness": timeliness_panel(report),
            "caseload": caseload_panel(report),
            "stage": stage_panel(report),
            "timeliness_tab": timeliness_panel(report),
        }
        self.overview_layout.addWidget(self.charts["timeliness"], 1, 0, 1, 2)
        self.overview_layout.addWidget(self.charts["caseload"], 2, 0)
        self.overview_layout.addWidget(self.charts["stage"], 2, 1)
        self.timeliness_chart_slot.addWidget(self.charts["timeliness_tab"])

    # -- drill-down and allocation -----------------------------------------------------------
    def _drill(
        self, view: QTableView, panel: CaseListPanel, index: QModelIndex, wait: bool = False
    ) -> None:
        """List the cases behind the number clicked, read with its figure's own statement
        (`cases_behind`) off the GUI thread; `wait` reads them here (screenshots, tests)."""
        model = view.model()
        report = self.report
        if report is None or not isinstance(model, SummaryModel):
            return
        bucket = model.bucket_at(index)
        if bucket is None:
            return
        row = model.index(index.row(), 0).data()
        column = model.headerData(index.column(), Qt.Orientation.Horizontal)
        title = f"{row} - {column}"
        serial = self._drills[panel] = self._drills.get(panel, 0) + 1
        db = self.db

        def job(_progress: Progress | None = None) -> list[tuple[ReportCase, Item]]:
            with db.session() as session:
                return cases_behind(session, report, bucket, DRILL_LIMIT)

        def listed(rows: list[tuple[ReportCase, Item]]) -> None:
            # A later click, or a reload, made this list stale: the newer one shows.
            if self._drills.get(panel) == serial and self.report is report:
                panel.show_cases(report, title, rows, bucket.count)
                self.cases_listed.emit()

        def failed(exc: BaseException) -> None:
            if self._drills.get(panel) != serial:
                return
            panel.clear("The cases could not be read.")
            if isinstance(exc, KnownError):
                QMessageBox.warning(self, APP_NAME, str(exc))
            else:
                handle_exception(type(exc), exc, exc.__traceback__, self)

        if wait:
            try:
                rows = job()
            except KnownError as exc:
                failed(exc)
                return
            listed(rows)
            return
        panel.clear(f"{title}: reading {bucket.count:,} cases...")
        run_in_background(job, on_success=listed, on_failure=failed)

    def click_count(self, view: QTableView, row: int, column: int) -> CaseListPanel:
        """Select a count cell as a click would and list its cases before returning
        (tests, screenshots; a click or Enter lists them off the GUI thread)."""
        panel = self.summary_views[view]
        index = view.model().index(row, column)
        view.setCurrentIndex(index)
        self._drill(view, panel, index, wait=True)
        return panel

    def reassign_dialog(self, case_ids: Sequence[int]) -> ReassignDialog | None:
        if self.report is None or not case_ids:
            return None
        listed = {
            row.case.case_id: row.case
            for panel in self.summary_views.values()
            for row in panel.model.all_rows()
        }
        dialog = ReassignDialog(self.db, self.user, case_ids, self.report, listed, self)
        dialog.accepted.connect(lambda: self._reassigned(dialog.moved))
        return dialog

    def reassign(self, case_ids: Sequence[int]) -> None:
        dialog = self.reassign_dialog(case_ids)
        if dialog is not None:
            dialog.exec()

    def _reassigned(self, moved: int) -> None:
        self.statusBar().showMessage(f"Reassigned {moved} cases (recorded in the audit).", 8000)
        self.reload()

    def save_threshold(self) -> None:
        value = self.threshold_spin.value()
        try:
            with self.db.session() as session:
                set_overload_threshold(session, value, self.user)
        except KnownError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self.statusBar().showMessage(f"Overload threshold saved: {value} open cases.", 6000)
        self.reload()


def _pipeline_count(report: TeamReport, starts: str) -> int:
    return sum(s.cases.count for s in report.pipeline if s.name.startswith(starts))


def _report(
    session: Session,
    as_of: date,
    start: date,
    end: date,
    team_id: int | None,
) -> TeamReport:
    """The figures `report` prints (report_sql.counted_report), each naming its figure so a
    click lists its cases on demand (`cases_behind`)."""
    return team_counts(session, as_of, load_policy(session), start, end, team_id, keyed=True)


# ---------------------------------------------------------------- screenshots


def _settle(rounds: int = 5) -> None:
    app = QApplication.instance()
    for _ in range(rounds):
        if app is not None:
            app.processEvents()


def save_dashboard_screenshots(
    db: Database,
    out_dir: Path,
    as_of: date | None = None,
    user: str = "Team leader",
    overload_threshold: int | None = None,
) -> list[Path]:
    """Grab the dashboard's tabs at 1400x900 into out_dir (dashboard.png, dashboard-<tab>.png).

    Needs a QApplication (scripts/screenshots.py makes one); runs the report synchronously.
    `overload_threshold`, when given, is saved as the database's setting first, so a demo
    caseload (about 40 cases each) can show what an overloaded caseworker looks like.
    """
    if overload_threshold is not None:
        with db.session() as session:
            set_overload_threshold(session, overload_threshold, user)
    out_dir.mkdir(parents=True, exist_ok=True)
    window = DashboardWindow(db, user, as_of=as_of, load=False)
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    start, end = window.period()
    with db.session() as session:
        report = _report(session, window.as_of, start, end, None)
    window.set_report(report)
    _settle()
    saved: list[Path] = []

    def grab(name: str, prepare: Callable[[], Any] | None = None) -> None:
        if prepare is not None:
            prepare()
        _settle()
        path = out_dir / name
        window.grab().save(str(path))
        saved.append(path)

    window.tabs.setCurrentIndex(0)
    grab("dashboard.png")
    busiest = max(
        range(len(report.overdue)), key=lambda i: report.overdue[i].total.count, default=0
    )
    overdue_total_column = window.overdue_model.columnCount() - 1
    window.tabs.setCurrentIndex(1)
    grab(
        "dashboard-overdue.png",
        lambda: window.click_count(window.overdue_view, busiest, overdue_total_column),
    )
    window.tabs.setCurrentIndex(2)
    grab("dashboard-caseloads.png", lambda: window.click_count(window.caseload_view, 0, 2))
    window.tabs.setCurrentIndex(3)
    grab("dashboard-timeliness.png")
    window.tabs.setCurrentIndex(4)
    grab(
        "dashboard-forecast.png",
        lambda: window.click_count(window.forecast_view, window.forecast_model.rowCount() - 1, 1),
    )
    window.tabs.setCurrentIndex(5)
    grab("dashboard-reviews.png", lambda: window.click_count(window.pipeline_view, 0, 1))
    window.close()
    window.deleteLater()
    _settle()
    return saved


__all__ = [
    "CaseListPanel",
    "DashboardWindow",
    "Period",
    "ReassignDialog",
    "period_dates",
    "save_dashboard_screenshots",
]
