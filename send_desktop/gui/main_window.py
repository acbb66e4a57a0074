"""The caseworker's desk: the caseload table with quick filters and search, and the Today list."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSystemTrayIcon,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from send_desktop import APP_NAME
from send_desktop.errors import KnownError
from send_desktop.gui import qt_settings
from send_desktop.gui.caseload import (
    COL_DUE,
    QUICK_FILTER_TIPS,
    CaseloadFilter,
    CaseloadModel,
    QuickFilter,
    Scope,
    search_mask,
)
from send_desktop.gui.crash import handle_exception
from send_desktop.gui.status import app_icon
from send_desktop.gui.today import TodayItem, TodayModel, today_items
from send_desktop.gui.workers import Progress, progress_dialog, run_in_background
from send_desktop.store import Database
from send_desktop.store.facts import case_facts
from send_desktop.store.queries import CaseloadRow, caseload
from send_desktop.store.settings import load_policy
from send_desktop.timeline import STAGES, Policy

log = logging.getLogger(__name__)

ROW_HEIGHT_LINES = 1.9  # fixed row height in multiples of the font height: no per-row sizing


def configure_table(view: QTableView) -> None:
    """Settings that keep a 100,000-row table smooth: fixed heights, no word wrap, no grid."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.setSortingEnabled(True)
    view.setTabKeyNavigation(False)
    vertical = view.verticalHeader()
    vertical.setVisible(False)
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(int(view.fontMetrics().height() * ROW_HEIGHT_LINES))
    horizontal = view.horizontalHeader()
    horizontal.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    horizontal.setStretchLastSection(True)
    horizontal.setHighlightSections(False)


class LoadResult:
    """What the background load hands back to the GUI thread."""

    def __init__(
        self, policy: Policy, rows: list[CaseloadRow], today: list[TodayItem], seconds: float
    ) -> None:
        self.policy, self.rows, self.today, self.seconds = policy, rows, today, seconds


class MainWindow(QMainWindow):
    """Constructible offscreen as MainWindow(db, user, as_of=None); emits caseload_loaded."""

    caseload_loaded = Signal(int)  # number of cases loaded, after the table is filled
    filtered = Signal(int)  # number of rows shown after a filter or search change

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
        self.policy = Policy()
        self.case_windows: dict[int, QWidget] = {}
        self.last_filter_ms = 0.0
        self.tray: QSystemTrayIcon | None = None
        self._filter: CaseloadFilter | None = None
        self._base: list[bool] = []
        self._loading = False
        self.setWindowTitle(f"{APP_NAME} - {user}")
        self.setWindowIcon(app_icon())
        self.model = CaseloadModel(self.as_of, self)
        self.today_model = TodayModel(self)
        self._build_actions()
        self._build_ui()
        self._restore_state()
        if load:
            self.reload()

    # -- building --------------------------------------------------------------------------
    def _action(self, text: str, shortcut: str | None, slot: Any, tip: str) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({shortcut})" if shortcut else tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(
            "&New request", "Ctrl+N", self.new_request, "Record a new request for assessment"
        )
        self.record_action = self._action(
            "&Record event", "Ctrl+R", self.record_event, "Record an event on the selected case"
        )
        self.open_action = self._action(
            "&Open case", "Return", self.open_selected_case, "Open the selected case"
        )
        self.search_action = self._action(
            "&Find", "Ctrl+F", self.focus_search, "Search by name, reference or UPN"
        )
        self.export_action = self._action(
            "&Export workbook", "Ctrl+E", self.export_workbook, "Write the supervision workbook"
        )
        self.import_action = self._action(
            "&Import tracker", "Ctrl+I", self.import_tracker, "Read cases from a tracker workbook"
        )
        self.refresh_action = self._action(
            "Re&fresh", "F5", self.reload, "Read the caseload again from the database"
        )
        self.calculator_action = self._action(
            "Deadline &calculator", "Ctrl+D", self.open_calculator, "Work out statutory dates"
        )
        self.settings_action = self._action(
            "&Settings", "Ctrl+,", self.open_settings, "Your name, database and clock options"
        )
        self.dashboard_action = self._action(
            "&Team dashboard",
            "Ctrl+T",
            self.open_dashboard,
            "Overdue cases, caseloads, timeliness and what breaches next, for team leaders",
        )

    def _build_ui(self) -> None:
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (
            self.new_action,
            self.record_action,
            self.export_action,
            self.import_action,
            self.dashboard_action,
            self.calculator_action,
            self.refresh_action,
            self.settings_action,
        ):
            toolbar.addAction(action)
        self.addToolBar(toolbar)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 4)
        self.banner = self._build_banner(central)
        layout.addWidget(self.banner)
        self.tabs = QTabWidget(central)
        self.tabs.setAccessibleName("Views")
        self.tabs.addTab(self._build_caseload_tab(), "&Caseload")
        self.tabs.addTab(self._build_today_tab(), "&Today and this week")
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.counts_label = QLabel(self)
        self.counts_label.setAccessibleName("Caseload counts")
        self.statusBar().addPermanentWidget(self.counts_label)
        self.resize(1280, 760)

    def _build_banner(self, parent: QWidget) -> QFrame:
        banner = QFrame(parent)
        banner.setObjectName("reminderBanner")
        row = QHBoxLayout(banner)
        row.setContentsMargins(10, 6, 10, 6)
        self.banner_label = QLabel(banner)
        self.banner_label.setWordWrap(True)
        self.banner_label.setAccessibleName("Start-up reminder")
        show = QPushButton("Show &overdue", banner)
        show.clicked.connect(lambda: self.set_quick_filter(QuickFilter.OVERDUE))
        today = QPushButton("Show t&oday's list", banner)
        today.clicked.connect(lambda: self.tabs.setCurrentIndex(1))
        dismiss = QPushButton("&Dismiss", banner)
        dismiss.clicked.connect(banner.hide)
        row.addWidget(self.banner_label, 1)
        for button in (show, today, dismiss):
            row.addWidget(button)
        banner.hide()
        return banner

    def _build_caseload_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        bar = QHBoxLayout()
        self.scope_combo = QComboBox(page)
        self.scope_combo.setAccessibleName("Whose cases")
        for scope in Scope:
            self.scope_combo.addItem(scope.value, scope)
        self.scope_combo.currentIndexChanged.connect(self._base_changed)
        bar.addWidget(self.scope_combo)
        self.quick_group = QButtonGroup(page)
        self.quick_group.setExclusive(True)
        self.quick_buttons: dict[QuickFilter, QPushButton] = {}
        for quick in QuickFilter:
            button = QPushButton(quick.value, page)
            button.setCheckable(True)
            button.setToolTip(QUICK_FILTER_TIPS[quick])
            button.setAccessibleName(f"Show {quick.value.lower()} cases")
            self.quick_group.addButton(button)
            self.quick_buttons[quick] = button
            bar.addWidget(button)
        self.quick_buttons[QuickFilter.ALL].setChecked(True)
        self.quick_group.buttonToggled.connect(self._quick_toggled)
        self.stage_combo = QComboBox(page)
        self.stage_combo.setAccessibleName("Stage")
        self.stage_combo.addItem("All stages", None)
        for stage in STAGES:
            self.stage_combo.addItem(stage, stage)
        self.stage_combo.currentIndexChanged.connect(self._base_changed)
        bar.addWidget(self.stage_combo)
        bar.addStretch(1)
        self.search_box = QLineEdit(page)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Search name, ref or UPN")
        self.search_box.setAccessibleName("Search cases by name, reference or UPN")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self.apply_search)
        bar.addWidget(self.search_box)
        layout.addLayout(bar)
        self.table = QTableView(page)
        self.table.setObjectName("caseloadTable")
        self.table.setAccessibleName("Caseload")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        widths = (130, 180, 110, 110, 260, 130, 90, 170, 140)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)
        return page

    def _build_today_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        self.today_label = QLabel(page)
        self.today_label.setObjectName("sectionHint")
        self.today_label.setWordWrap(True)
        layout.addWidget(self.today_label)
        self.today_table = QTableView(page)
        self.today_table.setObjectName("todayTable")
        self.today_table.setAccessibleName("Steps due today and this week")
        self.today_table.setModel(self.today_model)
        configure_table(self.today_table)
        self.today_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.today_table.doubleClicked.connect(self._open_today_index)
        for column, width in enumerate((130, 120, 130, 170, 300)):
            self.today_table.setColumnWidth(column, width)
        layout.addWidget(self.today_table, 1)
        return page

    # -- state -----------------------------------------------------------------------------
    def _restore_state(self) -> None:
        settings = qt_settings.app_settings()
        geometry = settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        header = settings.value("main/caseload_header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
        scope = settings.value("main/scope")
        index = self.scope_combo.findText(str(scope)) if scope else -1
        if index >= 0:
            self.scope_combo.setCurrentIndex(index)

    def save_state(self) -> None:
        settings = qt_settings.app_settings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/caseload_header", self.table.horizontalHeader().saveState())
        settings.setValue("main/scope", self.scope_combo.currentText())
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        for window in list(self.case_windows.values()):
            window.close()
        if getattr(self, "dashboard", None) is not None:
            self.dashboard.close()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the caseload (and my Today list) off the GUI thread; emits caseload_loaded."""
        if self._loading:
            return
        self._loading = True
        # The previous caseload goes back under the cycle collector (see _loaded).
        gc.unfreeze()
        self.statusBar().showMessage("Loading the caseload...")
        db, as_of, user = self.db, self.as_of, self.user

        def job(progress: Progress) -> LoadResult:
            started = time.perf_counter()
            with db.session() as session:
                policy = load_policy(session)
                rows = caseload(session, as_of, policy)
                mine = [r for r in rows if r.caseworker == user]
                facts = case_facts(session, [r.case_id for r in mine])
            today = today_items(mine, facts, as_of, policy)
            return LoadResult(policy, rows, today, time.perf_counter() - started)

        run_in_background(job, on_success=self._loaded, on_failure=self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.statusBar().showMessage("The caseload could not be read.")
        handle_exception(type(exc), exc, exc.__traceback__, self)

    def _loaded(self, result: LoadResult) -> None:
        self._loading = False
        self.policy = result.policy
        self.set_caseload(result.rows, result.today)
        # 100,000 rows hold no reference cycles and live until the next reload: kept out of
        # the cycle collector's sweeps, they no longer stall the GUI now and then, nor cost
        # half a second at exit (the interpreter's last sweep walks every tracked object).
        gc.freeze()
        log.info("caseload loaded: %d cases in %.2f s", len(result.rows), result.seconds)
        self.statusBar().showMessage(f"Caseload read in {result.seconds:.1f} s", 4000)
        self.caseload_loaded.emit(len(result.rows))

    def set_caseload(self, rows: Sequence[CaseloadRow], today: Sequence[TodayItem]) -> None:
        self.model.set_rows(rows)
        self._filter = CaseloadFilter(self.model.all_rows(), self.user, self.as_of)
        self._base_changed()
        self.today_model.set_rows(today)
        overdue = sum(1 for i in today if i.days < 0)
        due_today = sum(1 for i in today if i.days == 0)
        week = len(today) - overdue - due_today
        self.today_label.setText(
            f"Your open steps: {overdue} overdue, {due_today} due today, {week} due in the next "
            "7 days. Double-click a line to open the case; hover over an action for its rule."
        )
        self._remind(overdue, due_today)

    def _remind(self, overdue: int, due_today: int) -> None:
        if not qt_settings.read_bool(qt_settings.SHOW_REMINDER, True) or not (overdue or due_today):
            self.banner.hide()
            return
        self.banner_label.setText(
            f"<b>Good {'morning' if datetime.now().hour < 12 else 'day'}, {self.user}.</b> "
            f"Your cases have <b>{overdue} steps overdue</b> and <b>{due_today} due today</b>."
        )
        self.banner.show()
        if qt_settings.read_bool(qt_settings.SHOW_TRAY, False):
            self._update_tray(overdue, due_today)

    def _update_tray(self, overdue: int, due_today: int) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.activated.connect(self._bring_to_front)
            self.tray.show()
        self.tray.setToolTip(f"{APP_NAME}: {overdue} overdue, {due_today} due today")

    def _bring_to_front(self, _reason: object = None) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    # -- filtering -------------------------------------------------------------------------
    def current_scope(self) -> Scope:
        return Scope(self.scope_combo.currentData())

    def current_quick(self) -> QuickFilter:
        for quick, button in self.quick_buttons.items():
            if button.isChecked():
                return quick
        return QuickFilter.ALL

    def set_quick_filter(self, quick: QuickFilter) -> None:
        self.tabs.setCurrentIndex(0)
        self.quick_buttons[quick].setChecked(True)

    def _quick_toggled(self, _button: object, checked: bool) -> None:
        if checked:
            self._base_changed()

    def _base_changed(self) -> None:
        if self._filter is None:
            return
        scope_mask = self._filter.in_scope(self.current_scope())
        self._base = self._filter.base_mask(
            self.current_scope(), self.current_quick(), self.stage_combo.currentData()
        )
        self._scope_counts = self._filter.counts(scope_mask)
        self.apply_search(self.search_box.text())

    def apply_search(self, text: str) -> None:
        """One keystroke: a list comprehension over precomputed keys, then a model reset."""
        if self._filter is None:
            return
        started = time.perf_counter()
        self.model.set_mask(search_mask(self._base, self.model.search_keys(), text))
        self.last_filter_ms = (time.perf_counter() - started) * 1000
        shown = self.model.rowCount()
        counts = self._scope_counts
        self.counts_label.setText(
            f"Showing {shown:,} of {counts.in_scope:,} cases ({self.current_scope().value.lower()})"
            f"  ·  {counts.overdue:,} cases overdue  ·  {counts.this_week:,} due within 7 days"
            f"  ·  {counts.exceptions:,} with exceptions"
        )
        self.filtered.emit(shown)

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    # -- cases -----------------------------------------------------------------------------
    def selected_case_id(self) -> int | None:
        view = self.today_table if self.tabs.currentIndex() == 1 else self.table
        index = view.currentIndex()
        if not index.isValid():
            return None
        if view is self.today_table:
            return self.today_model.row_at(index.row()).case_id
        return self.model.row_at(index.row()).case_id

    def _open_index(self, index: QModelIndex) -> None:
        self.open_case(self.model.row_at(index.row()).case_id)

    def _open_today_index(self, index: QModelIndex) -> None:
        self.open_case(self.today_model.row_at(index.row()).case_id)

    def open_selected_case(self) -> None:
        case_id = self.selected_case_id()
        if case_id is not None:
            self.open_case(case_id)

    def open_dashboard(self) -> QWidget:
        """The team leader's dashboard; a case chosen there opens here."""
        from send_desktop.gui.dashboard import DashboardWindow

        existing: QWidget | None = getattr(self, "dashboard", None)
        if existing is not None:
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return existing
        dashboard = DashboardWindow(self.db, self.user, as_of=self.as_of)
        dashboard.open_case_requested.connect(self.open_case)
        dashboard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dashboard = dashboard
        dashboard.show()
        return dashboard

    def open_case(self, case_id: int) -> QWidget:
        from send_desktop.gui.case_window import CaseWindow

        window = self.case_windows.get(case_id)
        if window is None:
            case_window = CaseWindow(self.db, self.user, case_id, self.as_of, self.policy)
            case_window.changed.connect(lambda _id: self.reload())
            case_window.destroyed.connect(lambda: self.case_windows.pop(case_id, None))
            self.case_windows[case_id] = case_window
            window = case_window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def new_request(self) -> None:
        from send_desktop.gui.request_dialog import NewRequestDialog

        dialog = NewRequestDialog(self.db, self.user, self.as_of, self)
        if dialog.exec() and dialog.created_case_id is not None:
            self.reload()
            self.open_case(dialog.created_case_id)

    def record_event(self) -> None:
        case_id = self.selected_case_id()
        if case_id is None:
            self.statusBar().showMessage("Select a case first, then press Ctrl+R.", 5000)
            return
        window = self.open_case(case_id)
        window.record_event()  # type: ignore[attr-defined]

    # -- long work -------------------------------------------------------------------------
    def export_workbook(self) -> Any:
        from send_desktop.gui.export_dialog import ExportDialog

        dialog = ExportDialog(Path.home() / f"supervision-{self.as_of:%Y-%m-%d}.xlsx", self)
        dialog.accepted.connect(
            lambda: self.export_to(
                dialog.path(),
                pseudonymise=dialog.pseudonymise.isChecked(),
                per_caseworker=dialog.per_caseworker.isChecked(),
            )
        )
        dialog.open()
        return dialog

    def export_to(
        self, path: Path, *, pseudonymise: bool = False, per_caseworker: bool = False
    ) -> None:
        """Write the visible cases to a workbook in the background, with progress and Cancel.

        The data sheets carry every case of the caseworkers shown (and the unallocated cases
        shown), open or closed, so the workbook imports back without loss."""
        from sqlalchemy import select

        from send_desktop.store.facts import facts_for
        from send_desktop.store.models import Case, Caseworker
        from send_desktop.timeline import timeliness
        from send_desktop.workbooks.data_sheets import data_ids, load_data_tables
        from send_desktop.workbooks.export import (
            ExportScope,
            kpi_period,
            timeliness_kpis,
            write_supervision,
        )
        from send_desktop.workbooks.pseudonyms import pseudonym_secret

        rows = self.model.visible_rows()
        db, as_of, policy = self.db, self.as_of, self.policy
        workers = sorted({r.caseworker for r in rows if r.caseworker})
        unallocated = any(r.caseworker is None for r in rows)
        scope_text = self.current_scope().value

        def job(progress: Progress) -> Any:
            # KPIs over every case (open or closed) of the caseworkers shown, as the dashboard
            # and `send-desktop export` compute them for the same 12 months.
            ids = select(Case.id).join(Caseworker, Caseworker.id == Case.caseworker_id)
            with db.session() as session:
                facts = facts_for(session, ids.where(Caseworker.name.in_(workers)))
                data = secret = None
                if pseudonymise:
                    secret = pseudonym_secret(session, self.user)
                else:
                    data = load_data_tables(session, data_ids(workers, unallocated))
            start, end = kpi_period(as_of)
            scope = ExportScope(
                as_of=as_of,
                generated_by=self.user,
                generated_at=datetime.now().replace(microsecond=0),
                scope=scope_text,
                kpis=timeliness_kpis(timeliness(facts.values(), start, end, policy)),
                kpi_period=f"{start:%d/%m/%Y} to {end:%d/%m/%Y}",
            )
            return write_supervision(
                path,
                rows,
                scope,
                progress=progress,
                pseudonymise=pseudonymise,
                per_caseworker=per_caseworker,
                data=data,
                pseudonym_secret=secret,
            )

        dialog = progress_dialog(self, "Export", f"Writing {len(rows):,} cases to {path.name}...")
        run_in_background(
            job,
            on_success=self._exported,
            on_failure=lambda exc: handle_exception(type(exc), exc, exc.__traceback__, self),
            on_cancel=lambda: self.statusBar().showMessage("Export cancelled", 5000),
            progress_dialog=dialog,
        )

    def _exported(self, result: Any) -> None:
        if getattr(result, "cancelled", False) or result.path is None:
            self.statusBar().showMessage("Export cancelled: no file was written.", 6000)
            return
        self.statusBar().showMessage(
            f"Exported {result.cases:,} cases to {result.path} in {result.seconds:.1f} s", 8000
        )
        self.last_export = result

    def import_tracker(self) -> Any:
        """The import wizard: file, columns, dry run, import; its result stays until closed."""
        from send_desktop.gui.import_wizard import ImportWizard

        wizard = ImportWizard(self.db, self.user, self)
        wizard.imported.connect(self._imported_quietly)
        wizard.open()
        self.import_wizard = wizard
        return wizard

    def _imported_quietly(self, result: Any) -> None:
        # The wizard shows the result; the status bar must not replace it with a load message.
        self.last_import = result
        self.reload()

    def import_from(self, path: Path) -> None:
        """Read and apply a tracker spreadsheet in the background (one transaction)."""
        from send_desktop.workbooks.importer import import_tracker

        db, user = self.db, self.user

        def job(progress: Progress) -> Any:
            return import_tracker(db, path, user, progress=progress)[1]

        dialog = progress_dialog(self, "Import", f"Reading {path.name}...")
        run_in_background(
            job,
            on_success=self._imported,
            on_failure=lambda exc: handle_exception(type(exc), exc, exc.__traceback__, self),
            on_cancel=lambda: self.statusBar().showMessage("Import cancelled", 5000),
            progress_dialog=dialog,
        )

    def _imported(self, result: Any) -> None:
        self.last_import = result
        if result.cancelled:
            self.statusBar().showMessage("Import cancelled: nothing was changed.", 6000)
            return
        self.statusBar().showMessage(
            f"Imported: {result.created} new, {result.updated} updated, "
            f"{result.unchanged} unchanged, {len(result.warnings)} warnings",
            10000,
        )
        self.reload()

    def open_calculator(self) -> None:
        from send_desktop.gui.calculator import DeadlineCalculator

        self.calculator = DeadlineCalculator(self.as_of, self.policy)
        self.calculator.show()

    def open_settings(self) -> None:
        from send_desktop.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.db, self.user, self)
        if dialog.exec():
            self.reload()

    def show_known_error(self, exc: KnownError) -> None:
        QMessageBox.warning(self, APP_NAME, str(exc))
