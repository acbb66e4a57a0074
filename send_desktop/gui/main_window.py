"""The caseworker's desk: the caseload table with quick filters and search, and the Today list."""

from __future__ import annotations

import contextlib
import itertools
import logging
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
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
from send_desktop.gui import fit, qt_settings
from send_desktop.gui.caseload import (
    COL_DUE,
    COL_NEXT,
    COL_STATUS,
    COLUMN_SAMPLES,
    QUICK_FILTER_TIPS,
    QUICK_KEYS,
    CaseloadModel,
    QuickFilter,
    Scope,
)
from send_desktop.gui.crash import handle_exception
from send_desktop.gui.status import app_icon
from send_desktop.gui.tables import FastCellDelegate, configure_table
from send_desktop.gui.today import HORIZON_DAYS, TodayItem, TodayModel, chase_button, today_items
from send_desktop.gui.workers import Progress, progress_dialog, run_in_background

# Plain modules only: the window is built and painted with the first page before SQLAlchemy,
# the models and the database load (gui/app.py); the store's SQL modules load where used.
from send_desktop.store import desk_sql
from send_desktop.store.caseload_types import CaseloadQuery, CaseloadRow, Counts
from send_desktop.timeline import STAGES, Policy, Status

if TYPE_CHECKING:
    from send_desktop.store import Database

log = logging.getLogger(__name__)

#: How long the load after an action opened the database waits (ms): see attach.
ATTACHED_LOAD_MS = 1500
#: The Today tab's words until the database opens (showing the tab opens it).
TODAY_WAITS = "Your open steps for today and this week are being read..."

# v2: the column sizing changed (Next step stretches); an older saved header would undo it.
HEADER_KEY = "main/caseload_header_v2"


class _OnKey(QObject):
    """Calls `then` at each key pressed in `widget`."""

    def __init__(self, widget: QWidget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            self._then()
        return False


class LoadResult:
    """What the background load hands back to the GUI thread."""

    def __init__(
        self,
        policy: Policy,
        scope: tuple[int | None, int | None],
        query: CaseloadQuery,
        first_page: list[CaseloadRow],
        total: int,
        counts: Counts,
        mine: Counts,
        today: list[TodayItem],
        seconds: float,
        plain: bool = False,
    ) -> None:
        self.policy, self.scope, self.query = policy, scope, query
        self.first_page, self.total, self.counts, self.mine = first_page, total, counts, mine
        #: plain: read before the database opened (the Today list has no explanations yet).
        self.today, self.seconds, self.plain = today, seconds, plain


class MainWindow(QMainWindow):
    """Constructible offscreen as MainWindow(db, user, as_of=None); emits caseload_loaded.

    db may be None at first (the start paints a plain first page before the database is open,
    gui/app.py): what needs the database waits, disabled, until attach(db)."""

    caseload_loaded = Signal(int)  # number of cases loaded, after the table is filled
    # The first rows in the table: the plain first page (store/first_page.py) or the load.
    caseload_shown = Signal(int)
    # (done, total) of the background recompute of stale stored deadlines, from its thread.
    recompute_progress = Signal(int, int)
    filtered = Signal(int)  # number of rows shown after a filter or search change

    def __init__(
        self,
        db: Database | None,
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
        # (my caseworker id, my team id), read at each load; None before the first.
        self._scope: tuple[int | None, int | None] | None = None
        self._scope_counts: Counts | None = None
        #: What _base_changed last counted: for which query, and the Counts it made (a load's
        #: fresh counts are another object, so they are not taken for these).
        self._counted: tuple[CaseloadQuery, Counts] | None = None
        self._loading = False
        #: The SQLite file read plainly before the database is open (attach_file), and what
        #: opens the database when an action first needs it.
        self._file: Path | None = None
        self._opener: Callable[[], object] | None = None
        self._warm: Callable[[], object] | None = None
        #: The Today list was read from the stored steps (no explanations yet).
        self._today_plain = False
        # The platform adds " - SEND Desktop" itself (applicationDisplayName, on Windows and X11).
        self.setWindowTitle(f"Caseload - {user}")
        self.setWindowIcon(app_icon())
        self.model = CaseloadModel(self.as_of, self, db=db)
        self.today_model = TodayModel(self)
        self._build_actions()
        self._build_ui()
        self._build_menu_bar()
        self._enable_database_actions(db is not None)
        self._restore_state()
        self._shown = False
        self.recompute_bar = QProgressBar(self)
        self.recompute_bar.setAccessibleName("Updating the stored deadlines")
        self.recompute_bar.setMaximumWidth(220)
        self.recompute_bar.hide()
        self.statusBar().addPermanentWidget(self.recompute_bar)
        self.recompute_progress.connect(self._show_recompute)
        if load and db is not None:
            self._show_first_page()
            self.reload()

    def attach(self, db: Database) -> None:
        """The database is open (after the first paint): what needs it comes alive, and the
        background load reads the caseload and hands over to the normal model."""
        self.db = db
        self.model.db = db
        if db.path is not None:
            self.model.use_file(db.path)
        self._enable_database_actions(True)
        if not self._shown:
            self._show_first_page()
        if self._file is not None and self._shown and self.tabs.currentIndex() != 1:
            # Opened for an action while the desk already shows the file's caseload: the load
            # (for the Today list) waits a moment, so that action (a case opening) has the
            # program to itself.
            QTimer.singleShot(ATTACHED_LOAD_MS, self.reload)
        else:
            self.reload()

    def attach_file(
        self, path: Path, opener: Callable[[], object], warm: Callable[[], object] | None = None
    ) -> None:
        """The SQLite file at `path` (painted plainly at the start) is read plainly from now
        on: the desk's reads (store/desk_sql.py) and the load need no SQLAlchemy. `opener`
        opens the database (and attaches it) when an action first needs it; `warm` starts
        opening it in the background when one is near (a row pressed, a menu opened), so the
        first case opened does not wait for it."""
        self._file, self._opener, self._warm = path, opener, warm
        self.model.use_file(path)
        self._enable_database_actions(True)
        self.reload()

    def _warm_up(self, *_args: object) -> None:
        if self.db is None and self._warm is not None:
            warm, self._warm = self._warm, None
            warm()

    def open_database(self) -> Database | None:
        """The database, opened now (once) if only the file has been read so far."""
        if self.db is None and self._opener is not None:
            self.statusBar().showMessage("Opening the database...")
            opener, self._opener = self._opener, None
            opener()
            self.statusBar().clearMessage()
        return self.db

    @property
    def database(self) -> Database:
        """The open database, for what its actions open (opened now if need be)."""
        db = self.open_database()
        if db is None:
            raise KnownError("The database is still being opened: try again in a moment.")
        return db

    def _readable(self) -> bool:
        return self.db is not None or self._file is not None

    def _enable_database_actions(self, enabled: bool) -> None:
        for action in (
            self.new_action,
            self.record_action,
            self.open_action,
            self.export_action,
            self.import_action,
            self.refresh_action,
            self.settings_action,
            self.dashboard_action,
            self.caseworkers_action,
        ):
            action.setEnabled(enabled)
        for button in (self.chase_button, self.empty_new, self.empty_import, self.empty_demo):
            button.setEnabled(enabled)
        # A header click before then would drop the painted page (the sort is read with it).
        self.table.horizontalHeader().setSectionsClickable(enabled)

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
            "&Refresh", "F5", self.reload, "Read the caseload again from the database"
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
        self.caseworkers_action = self._action(
            "Case&workers",
            None,
            self.open_caseworkers,
            "The team's caseworkers: names that look alike, and merging two records",
        )

    def _build_menu_bar(self) -> None:
        """File, Case, View, Team and Help, each action with its shortcut shown beside it."""
        self.quit_action = self._action(
            "&Quit", "Ctrl+Q", self.quit_program, "Close every window and leave the program"
        )
        self.guide_action = self._action(
            "&User guide", "F1", self.show_user_guide, "How to use the program"
        )
        self.shortcuts_action = self._action(
            "&Keyboard shortcuts", "Ctrl+/", self.show_shortcuts, "Every key the program knows"
        )
        self.about_action = self._action(
            f"&About {APP_NAME}", None, self.show_about, "Versions, and where your data is kept"
        )
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.caseload_tab_action = self._action(
            "&Caseload", "Ctrl+1", lambda: self.tabs.setCurrentIndex(0), "Show the caseload"
        )
        self.today_tab_action = self._action(
            "&Today and this week",
            "Ctrl+2",
            lambda: self.tabs.setCurrentIndex(1),
            "Show your steps due today and this week",
        )
        bar = self.menuBar()
        menus: list[tuple[str, list[QAction | None]]] = [
            (
                "&File",
                [
                    self.new_action,
                    None,
                    self.import_action,
                    self.export_action,
                    None,
                    self.settings_action,
                    None,
                    self.quit_action,
                ],
            ),
            ("&Case", [self.open_action, self.record_action, None, self.calculator_action]),
            (
                "&View",
                [
                    self.search_action,
                    None,
                    self.caseload_tab_action,
                    self.today_tab_action,
                    None,
                    self.refresh_action,
                ],
            ),
            ("&Team", [self.dashboard_action]),
            ("&Help", [self.guide_action, self.shortcuts_action, None, self.about_action]),
        ]
        self.menus: dict[str, QMenu] = {}
        for title, actions in menus:
            menu = bar.addMenu(title)
            menu.setObjectName(f"menu{title.replace('&', '')}")
            for action in actions:
                if action is None:
                    menu.addSeparator()
                else:
                    menu.addAction(action)
            self.menus[title.replace("&", "")] = menu
            menu.aboutToShow.connect(self._warm_up)

    def menu_actions(self) -> list[QAction]:
        """Every action of the menus, in menu order (the keyboard shortcuts list reads these)."""
        return [a for m in self.menus.values() for a in m.actions() if not a.isSeparator()]

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
            self.caseworkers_action,
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
        # Alt+C and Alt+T open the Case and Team menus, so the tabs take other letters.
        self.tabs.addTab(self._build_caseload_tab(), "Case&load")
        self.tabs.addTab(self._build_today_tab(), "Toda&y and this week")
        self.tabs.currentChanged.connect(self._today_shown)
        # A row pressed, or a key in the list (moving to a row): a case is about to be opened
        # - the database starts opening.
        self.table.pressed.connect(self._warm_up)
        self._keys = _OnKey(self.table, self._warm_up)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._set_tab_order()
        fit.fit_size(self, 1280, 760)

    def _set_tab_order(self) -> None:
        """Tab follows the screen: the banner's buttons, the filters left to right, the table."""
        chain: list[QWidget] = [
            *self.banner_buttons,
            self.tabs.tabBar(),
            self.scope_combo,
            *self.quick_buttons.values(),
            self.stage_combo,
            self.search_box,
            self.empty_new,
            self.empty_import,
            self.empty_demo,
            self.table,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _build_banner(self, parent: QWidget) -> QFrame:
        banner = QFrame(parent)
        banner.setObjectName("reminderBanner")
        row = QHBoxLayout(banner)
        row.setContentsMargins(10, 6, 10, 6)
        self.banner_label = QLabel(banner)
        self.banner_label.setWordWrap(True)
        show = QPushButton("Show &overdue", banner)
        show.clicked.connect(lambda: self.set_quick_filter(QuickFilter.OVERDUE))
        today = QPushButton("Show today'&s list", banner)
        today.clicked.connect(lambda: self.tabs.setCurrentIndex(1))
        dismiss = QPushButton("&Dismiss", banner)
        dismiss.clicked.connect(banner.hide)
        row.addWidget(self.banner_label, 1)
        self.banner_buttons = (show, today, dismiss)
        for button in self.banner_buttons:
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
        bar.addStretch(1)
        layout.addLayout(bar)
        # Two rows, so the window fits a 1024-pixel-wide screen: whose cases and the quick
        # filters; then the stage, the search and the counts.
        bar = QHBoxLayout()
        bar.addWidget(self.stage_combo)
        self.search_box = QLineEdit(page)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText("Search name, ref or UPN")
        self.search_box.setAccessibleName("Search cases by name, reference or UPN")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self.apply_search)
        self.search_box.returnPressed.connect(self._search_entered)
        bar.addWidget(self.search_box)
        # The counts sit beside the search (not in the status bar, where the long line set the
        # window's minimum width); they wrap on a narrow screen and are read as one sentence.
        self.counts_label = QLabel(page)
        self.counts_label.setObjectName("sectionHint")
        self.counts_label.setWordWrap(True)
        bar.addSpacing(8)
        bar.addWidget(self.counts_label, 1)
        layout.addLayout(bar)
        self.empty_state = self._build_empty_state(page)
        layout.addWidget(self.empty_state)
        self.table = QTableView(page)
        self.table.setObjectName("caseloadTable")
        self.table.setAccessibleName("Caseload")
        self.table.setModel(self.model)
        configure_table(self.table)
        self.table.setItemDelegate(FastCellDelegate(self.table, self.model))
        self.table.sortByColumn(COL_DUE, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        self._size_caseload_columns()
        layout.addWidget(self.table, 1)
        return page

    def _size_caseload_columns(self) -> None:
        """Codes, dates and status as wide as their values; "Next step", what a caseworker
        reads, takes the rest, so nothing needs sideways scrolling at 1280 pixels."""
        fit.size_columns(
            self.table,
            COLUMN_SAMPLES,
            stretch=COL_NEXT,
            icon_columns=(COL_STATUS,),
        )
        self.table.horizontalHeader().setMinimumSectionSize(40)

    def _build_empty_state(self, parent: QWidget) -> QFrame:
        """What to do next when the database holds no case yet."""
        frame = QFrame(parent)
        frame.setObjectName("emptyState")
        row = QHBoxLayout(frame)
        row.setContentsMargins(10, 8, 10, 8)
        label = QLabel(
            "<b>There are no cases yet.</b> Record a child's request for an assessment, read "
            "your team's tracker spreadsheet, or try the program with made-up cases.",
            frame,
        )
        label.setWordWrap(True)
        row.addWidget(label, 1)
        self.empty_new = QPushButton("&New request...", frame)
        self.empty_new.clicked.connect(self.new_request)
        self.empty_import = QPushButton("&Import a tracker...", frame)
        self.empty_import.clicked.connect(self.import_tracker)
        self.empty_demo = QPushButton("Add &demo cases", frame)
        self.empty_demo.setToolTip("Made-up children and caseworkers, safe to change")
        self.empty_demo.clicked.connect(self.add_demo_cases)
        for button in (self.empty_new, self.empty_import, self.empty_demo):
            row.addWidget(button)
        frame.hide()
        return frame

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
        # The action to take reads in full; "Why" keeps a fixed share, in full in its tooltip.
        fit.size_columns(
            self.today_table,
            {
                0: "Wed 30/06/2025",
                1: "173 days late",
                2: "EHC-2025-00000",
                3: "Florence Morris",
                5: "Annual review due Fri 14 Feb 2025: plan issued",
            },
            stretch=4,
            icon_columns=(1,),
        )
        layout.addWidget(self.today_table, 1)
        self.chase_button = chase_button(page, self.open_database, self.user, lambda: self.as_of)
        layout.addWidget(self.chase_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    # -- state -----------------------------------------------------------------------------
    def _restore_state(self) -> None:
        settings = qt_settings.app_settings()
        fit.restore_geometry(self, settings, "main/geometry")
        header = settings.value(HEADER_KEY)
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
        scope = settings.value("main/scope")
        index = self.scope_combo.findText(str(scope)) if scope else -1
        if index >= 0:
            self.scope_combo.setCurrentIndex(index)

    def save_state(self) -> None:
        settings = qt_settings.app_settings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())
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
    def _show_first_page(self) -> None:
        """The plain first page of the open database (see show_plain_first_page); team mode
        (PostgreSQL) waits for the load."""
        if self.db is not None and self.db.path is not None:
            self.show_plain_first_page(self.db.path)

    def show_plain_first_page(self, path: Path) -> bool:
        """Paint the first page and counts at once, read with plain sqlite3 (store/first_page,
        no SQLAlchemy), when the controls show the default view and the file's schema is at
        head with fresh stored deadlines; the background load then hands over the same rows to
        the normal model. False (nothing painted) otherwise: another view or a stale, older or
        newer file waits for the database to open and the load."""
        from send_desktop.store import first_page

        scopes = {Scope.MINE: "mine", Scope.TEAM: "team", Scope.EVERYONE: "everyone"}
        if (
            self.current_quick() is not QuickFilter.ALL
            or self.stage_combo.currentData() is not None
            or self.search_box.text()
        ):
            return False
        page = first_page.read(
            path,
            self.user,
            self.as_of,
            scopes[self.current_scope()],
            limit=CaseloadModel.PAGE,
            sort=self.model.sort_key(),
            descending=self.model._descending,
        )
        if page is None:
            return False
        self._scope = (page.caseworker_id, page.team_id)
        self._scope_counts = page.counts
        self.model.set_query(self._current_query(), page.rows, page.total)
        self._show_counts()
        self._remind(page.mine, None)
        self._caseload_shown(page.total)
        return True

    def _caseload_shown(self, total: int) -> None:
        if not self._shown:
            self._shown = True
            self.caseload_shown.emit(total)

    def _show_recompute(self, done: int, total: int) -> None:
        """The background recompute's progress, in the status bar (hidden when nothing is stale)."""
        if total <= 0:
            return
        self.recompute_bar.setRange(0, total)
        self.recompute_bar.setValue(min(done, total))
        self.recompute_bar.show()
        self.statusBar().showMessage(
            f"Updating the stored deadlines: {done:,} of {total:,} cases..."
        )

    def _hide_recompute(self) -> None:
        self.recompute_bar.hide()

    def reload(self) -> None:
        """Read the caseload (and my Today list) off the GUI thread; emits caseload_loaded.
        Before the database is open (attach_file), plainly (_plain_job)."""
        if self._loading or not self._readable():
            return
        self._loading = True
        self.statusBar().showMessage("Loading the caseload...")
        controls = (
            self.current_scope(),
            self.current_quick(),
            self.stage_combo.currentData(),
            self.search_box.text(),
        )
        job = self._plain_job(controls) if self.db is None else self._job(self.db, controls)
        run_in_background(job, on_success=self._loaded, on_failure=self._load_failed)

    def _plain_job(self, controls: tuple[Scope, QuickFilter, str | None, str]) -> Any:
        """The load on plain sqlite3 (store/desk_sql.py), the database not open: the saved
        policy, my scope, the page, the counts and Today from the stored steps. None when
        the stored deadlines are not fresh: then the database opens and recomputes them. The
        Today list is read once the database is open (see _loaded)."""
        from send_desktop.store import desk_sql, first_page

        plain, path, as_of, user, model = (
            self.model.plain,
            self._file,
            self.as_of,
            self.user,
            self.model,
        )
        assert plain is not None and path is not None

        def job(_progress: Progress) -> LoadResult | None:
            started = time.perf_counter()
            policy = plain.run(first_page.saved_policy)
            if policy is None or not first_page.all_fresh(path):
                return None  # an invalid policy or stale deadlines: the database's load says
            ids = desk_sql.user_scope(plain, user)
            query = _query(ids, *controls, as_of)
            page = model.first_page(plain, query)
            total = desk_sql.total(plain, query)
            shown_counts = desk_sql.counts(plain, query)
            my_query = _query(ids, Scope.MINE, QuickFilter.ALL, None, "", as_of)
            mine = desk_sql.counts(plain, my_query)
            seconds = time.perf_counter() - started
            return LoadResult(
                policy, ids, query, page, total, shown_counts, mine, [], seconds, plain=True
            )

        return job

    def _job(self, db: Database, controls: tuple[Scope, QuickFilter, str | None, str]) -> Any:
        # Loaded here, on the GUI thread, after the first paint (not at import).
        from send_desktop.store import counts, summaries
        from send_desktop.store.facts import case_facts
        from send_desktop.store.first_page import all_fresh
        from send_desktop.store.queries import user_scope
        from send_desktop.store.settings import load_policy

        as_of, user, model = self.as_of, self.user, self.model
        emit_progress = self.recompute_progress.emit

        def job(progress: Progress) -> LoadResult:
            started = time.perf_counter()

            def report(done: int, total: int) -> bool:
                # Queued to the status bar's progress bar; a closed window: the work goes on.
                with contextlib.suppress(RuntimeError):
                    emit_progress(done, total)
                return progress(done, total)

            # Deadlines computed under another policy or program version: bring them up to
            # date first (in chunks, a transaction each), with progress in the status bar.
            # A SQLite file checks that first on a connection of its own with a small page
            # cache (store/first_page.all_fresh): the check reads every case's id, and the
            # desk's connections would keep those pages (14 MB at 100,000 cases).
            if db.path is None or not all_fresh(db.path):
                summaries.recompute(db.session, report)
            with db.session() as session:
                policy = load_policy(session)
                ids = user_scope(session, user)
                query = _query(ids, *controls, as_of)
                reader = model.plain or counts.reader(session)
                first_page = model.first_page(reader, query)
                total = desk_sql.total(reader, query)
                shown_counts = desk_sql.counts(reader, query)
                my_query = _query(ids, Scope.MINE, QuickFilter.ALL, None, "", as_of)
                mine = desk_sql.counts(reader, my_query)
                due = {s.case_id for s in desk_sql.open_steps(reader, my_query, HORIZON_DAYS)}
                rows = [r for r in desk_sql.rows(reader, my_query)[0] if r.case_id in due]
                facts = case_facts(session, due)
            today = today_items(rows, facts, as_of, policy)
            seconds = time.perf_counter() - started
            return LoadResult(
                policy, ids, query, first_page, total, shown_counts, mine, today, seconds
            )

        return job

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._hide_recompute()
        self.statusBar().showMessage("The caseload could not be read.")
        handle_exception(type(exc), exc, exc.__traceback__, self)

    def _loaded(self, result: LoadResult | None) -> None:
        self._loading = False
        self._hide_recompute()
        if result is None:  # the plain load found stale deadlines: the database recomputes
            self.open_database()
            return
        self.policy = result.policy
        self._scope = result.scope
        self._scope_counts = result.counts
        self.model.set_query(result.query, result.first_page, result.total)
        self._show_counts()
        if result.plain:
            # Today waits for the database: the engine words each step from the case's facts,
            # and planning targets are not stored. The banner says what the first paint said.
            self.today_label.setText(TODAY_WAITS)
            self._remind(result.mine, None)
        else:
            self.set_today(result.today, result.mine)
        log.info("caseload loaded: %d cases in %.2f s", result.total, result.seconds)
        self.statusBar().showMessage(f"Caseload read in {result.seconds:.1f} s", 4000)
        self._caseload_shown(result.total)
        self._today_plain = result.plain
        if result.plain and self.db is not None:
            self.reload()  # the database opened meanwhile: its load reads the Today list
        elif result.plain and self.tabs.currentIndex() == 1:
            self._today_shown(1)
        self.caseload_loaded.emit(result.total)

    def _today_shown(self, index: int) -> None:
        """The Today tab shown before the database is open: it opens (its load reads the list,
        and the banner adds what is due today)."""
        if index == 1 and self._today_plain and not self._loading:
            self.open_database()

    def set_today(self, today: Sequence[TodayItem], mine: Counts) -> None:
        """My Today list and the banner: steps by the same rule as every count (store/counts)."""
        self.today_model.set_rows(today)
        overdue = sum(1 for i in today if i.days < 0 and i.status is Status.OVERDUE)
        excused = sum(1 for i in today if i.days < 0) - overdue
        due_today = sum(1 for i in today if i.days == 0)
        week = len(today) - overdue - excused - due_today
        self.today_label.setText(
            f"Your open steps: {overdue} overdue, {excused} late with an exception, "
            f"{due_today} due today, {week} due in the next 7 days. Double-click a line to open "
            "the case; hover over an action for its rule."
        )
        self._remind(mine, due_today)

    def _remind(self, mine: Counts, due_today: int | None) -> None:
        """The banner; due_today None at the first paint (the Today list is not read yet): it
        shows what is overdue, and the load adds what is due today, so nothing moves."""
        # Cases overdue, as the status bar, the dashboard and `report` count them (store/counts.py);
        # the steps behind them in brackets, so the banner and the status bar say the same figure.
        overdue, steps = mine.overdue, mine.steps_overdue
        if not qt_settings.read_bool(qt_settings.SHOW_REMINDER, True) or not (
            overdue or steps or due_today
        ):
            if due_today is not None:
                self.banner.hide()
            return
        today = f" and <b>{due_today} due today</b>" if due_today is not None else ""
        self.banner_label.setText(
            f"<b>Good {'morning' if datetime.now().hour < 12 else 'day'}, {self.user}.</b> "
            f"<b>{overdue:,} of your cases overdue</b> ({steps:,} {'step' if steps == 1 else 'steps'}"
            f" past the deadline){today}."
        )
        self.banner_label.setAccessibleName(
            self.banner_label.text().replace("<b>", "").replace("</b>", "")
        )
        self.banner.show()
        if due_today is not None and qt_settings.read_bool(qt_settings.SHOW_TRAY, False):
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
        """Scope, quick filter or stage changed: new counts and a new query (both SQL). The
        counts ignore the quick filter (they label it): a click on a quick filter alone keeps
        the counts it has (read for the same scope, stage and search) and reads the page."""
        if self._scope is None or not self.model.readable():
            return  # before the database is open: attach's load reads what the controls say
        query = self._current_query()
        key = query.without_quick()
        counted = self._counted
        if counted is None or counted[0] != key or counted[1] is not self._scope_counts:
            self._scope_counts = self.model.read(lambda r: desk_sql.counts(r, query))
            self._counted = (key, self._scope_counts)
        self.apply_search(self.search_box.text())

    def _current_query(self, search: str | None = None) -> CaseloadQuery:
        assert self._scope is not None
        return _query(
            self._scope,
            self.current_scope(),
            self.current_quick(),
            self.stage_combo.currentData(),
            self.search_box.text() if search is None else search,
            self.as_of,
        )

    def apply_search(self, text: str) -> None:
        """One keystroke: the model runs the new query for the page in view and its count."""
        if self._scope is None or not self.model.readable():
            return
        started = time.perf_counter()
        self.model.set_query(self._current_query(text))
        self.last_filter_ms = (time.perf_counter() - started) * 1000
        self._show_counts()
        self.filtered.emit(self.model.rowCount())

    def _show_counts(self) -> None:
        counts_now = self._scope_counts
        if counts_now is None:
            return
        shown = self.model.rowCount()
        text = (
            f"Showing {self.model.count_text()} of {counts_now.cases:,} cases "
            f"({self.current_scope().value.lower()})"
            f"  ·  {counts_now.overdue:,} cases overdue"
            f"  ·  {counts_now.late_exception:,} late with an exception"
            f"  ·  {counts_now.this_week:,} due within 7 days"
            f"  ·  {counts_now.exceptions:,} with exceptions"
        )
        if not shown and counts_now.cases:
            text += ". No case matches: clear the search or choose All open."
        self.counts_label.setText(text)
        # A screen reader reads the numbers themselves, not a label's name.
        self.counts_label.setAccessibleName(text.replace("  ·  ", ", "))
        self.empty_state.setVisible(counts_now.cases == 0)

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
        if not self.model.readable():
            return  # the database is still opening (the first paint)
        self.open_case(self.model.row_at(index.row()).case_id)

    def _open_today_index(self, index: QModelIndex) -> None:
        if not self._readable():
            return
        self.open_case(self.today_model.row_at(index.row()).case_id)

    def open_selected_case(self) -> None:
        if self.search_box.hasFocus():
            self._search_entered()
            return
        case_id = self.selected_case_id()
        if case_id is not None:
            self.open_case(case_id)

    def _search_entered(self) -> None:
        """Enter in the search box opens the only match, or goes to the first of several."""
        shown = self.model.rowCount()
        if shown == 1:
            self.open_case(self.model.row_at(0).case_id)
        elif shown > 1:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.selectRow(0)

    def open_dashboard(self) -> QWidget:
        """The team leader's dashboard; a case chosen there opens here."""
        from send_desktop.gui.dashboard import DashboardWindow

        existing: QWidget | None = getattr(self, "dashboard", None)
        if existing is not None:
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return existing
        dashboard = DashboardWindow(self.database, self.user, as_of=self.as_of)
        dashboard.open_case_requested.connect(self.open_case)
        dashboard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.dashboard = dashboard
        dashboard.show()
        return dashboard

    def open_case(self, case_id: int) -> QWidget:
        from send_desktop.gui.case_window import CaseWindow

        window = self.case_windows.get(case_id)
        if window is None:
            case_window = CaseWindow(self.database, self.user, case_id, self.as_of, self.policy)
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

        dialog = NewRequestDialog(self.database, self.user, self.as_of, self)
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
        from send_desktop.store import counts
        from send_desktop.store.facts import facts_for
        from send_desktop.store.queries import case_ids_of_caseworkers
        from send_desktop.timeline import timeliness
        from send_desktop.workbooks.data_sheets import data_ids, load_data_tables
        from send_desktop.workbooks.export import (
            ExportScope,
            kpi_period,
            timeliness_kpis,
            write_supervision,
        )
        from send_desktop.workbooks.pseudonyms import pseudonym_secret

        query = self.model.query
        db = self.open_database()
        if query is None or db is None:
            return
        with db.session() as session:
            rows = counts.rows(session, query, self.model.sort_key(), self.model._descending)
        as_of, policy = self.as_of, self.policy
        workers = sorted({r.caseworker for r in rows if r.caseworker})
        unallocated = any(r.caseworker is None for r in rows)
        scope_text = self.current_scope().value

        def job(progress: Progress) -> Any:
            # KPIs over every case (open or closed) of the caseworkers shown, as the dashboard
            # and `send-desktop export` compute them for the same 12 months.
            with db.session() as session:
                facts = facts_for(session, case_ids_of_caseworkers(workers))
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

        wizard = ImportWizard(self.database, self.user, self)
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

        db, user = self.database, self.user

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

    def open_caseworkers(self) -> None:
        from send_desktop.gui.caseworkers_dialog import CaseworkersDialog

        CaseworkersDialog(self.database, self.user, self.as_of, self).exec()
        self.reload()

    def open_settings(self) -> None:
        from send_desktop.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.database, self.user, self)
        if dialog.exec():
            self.reload()

    def add_demo_cases(self) -> None:
        from send_desktop.gui.demo import add_demo_cases

        add_demo_cases(self, self.database)

    # -- help ------------------------------------------------------------------------------
    def quit_program(self) -> None:
        """Ctrl+Q: close this window (which closes the case windows and the dashboard) and quit."""
        from PySide6.QtWidgets import QApplication

        if self.close():
            QApplication.quit()

    def database_text(self) -> str:
        if self.db is None:
            return "(being opened)"
        if self.db.path is not None:
            return str(self.db.path)
        return self.db.url.render_as_string(hide_password=True)

    def show_user_guide(self) -> QWidget:
        from send_desktop.gui.help import UserGuideWindow

        self.guide = UserGuideWindow(self)
        self.guide.show()
        return self.guide

    def show_shortcuts(self) -> QWidget:
        from send_desktop.gui.help import ShortcutsDialog

        self.shortcuts = ShortcutsDialog(self.menu_actions(), self)
        self.shortcuts.show()
        return self.shortcuts

    def show_about(self) -> QWidget:
        from send_desktop.gui.help import AboutDialog

        self.about = AboutDialog(self.database_text(), self)
        self.about.show()
        return self.about

    def show_known_error(self, exc: KnownError) -> None:
        QMessageBox.warning(self, APP_NAME, str(exc))


def _query(
    ids: tuple[int | None, int | None],
    scope: Scope,
    quick: QuickFilter,
    stage: str | None,
    search: str,
    as_of: date,
) -> CaseloadQuery:
    """The store query for what the caseload's controls say (my ids: caseworker, team)."""
    scopes = {Scope.MINE: "mine", Scope.TEAM: "team", Scope.EVERYONE: "everyone"}
    return desk_sql.scope_query(ids, scopes[scope], as_of, QUICK_KEYS[quick], stage, search)
