"""One case: the child's details, every statutory step, advice, exceptions, consultations,
reviews, notes and the chronology (audit) with CSV export."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from send_desktop.gui import fit
from send_desktop.gui.case_data import (
    AdviceLine,
    CaseSnapshot,
    ConsultationLine,
    ExceptionLine,
    NoteLine,
    ReviewLine,
    load_case,
)
from send_desktop.gui.caseload import age_and_year
from send_desktop.gui.dates import uk
from send_desktop.gui.letters_dialog import LettersDialog, letter_for_event, overdue_step
from send_desktop.gui.record_event import (
    ADVICE_WORDS,
    EXCEPTION_WORDS,
    REVIEW_OUTCOME_WORDS,
    RecordEventDialog,
)
from send_desktop.gui.status import (
    FAMILY_TIP,
    app_icon,
    is_family_step,
    look,
    step_colour,
    step_icon,
    step_look,
)
from send_desktop.gui.table_model import Column, RowTableModel, date_key, format_date
from send_desktop.gui.tables import configure_table
from send_desktop.store import Database
from send_desktop.store.cases import ChronologyEntry, chronology
from send_desktop.store.facts import case_facts
from send_desktop.timeline import Policy, Step, compute_steps, next_deadline, stage_of

log = logging.getLogger(__name__)

ADVICE_WEEKS = 6
CHASE_AFTER_DAYS = 28  # a reminder two weeks before the 6-week advice deadline


def _days_text(step: Step) -> str:
    if step.days is None:
        return ""
    if step.days < 0:
        return f"{-step.days} late"
    return "today" if step.days == 0 else str(step.days)


def _detail_line(step: Step) -> str:
    kind = "statutory" if step.statutory else "target (not statutory)"
    if "target" in step.source:
        kind = ""
    source = f"{step.source} - {kind}" if kind else step.source
    window = f"; window from {uk(step.window_start)}" if step.window_start else ""
    return f"{source}{window}"


STEP_COLUMNS: list[Column[Step]] = [
    Column("Step", lambda s: s.title, lambda s: s.id, tooltip=lambda s: s.explanation),
    Column("Due", lambda s: format_date(s.due), lambda s: date_key(s.due)),
    Column("Done", lambda s: format_date(s.done), lambda s: date_key(s.done)),
    Column(
        "Status",
        lambda s: step_look(s.id, s.status).label,
        lambda s: step_look(s.id, s.status).rank,
        decoration=lambda s: step_icon(s.id, s.status),
        foreground=lambda s: step_colour(s.id, s.status),
        tooltip=lambda s: (
            f"{FAMILY_TIP} {s.explanation}" if is_family_step(s.id) else s.explanation
        ),
    ),
    Column("Days left", _days_text, lambda s: s.days if s.days is not None else 10**6),
    Column("Rule", _detail_line, lambda s: s.source, tooltip=lambda s: s.explanation),
]


def advice_columns(policy: Policy) -> list[Column[AdviceLine]]:
    shift = 1 if policy.week_start == "inclusive" else 0

    def due(a: AdviceLine) -> date:
        return a.requested + timedelta(weeks=ADVICE_WEEKS, days=-shift)

    def chase(a: AdviceLine) -> str:
        if a.received:
            return ""
        return format_date(a.chased) if a.chased else format_date(a.requested + timedelta(28))

    return [
        Column("Advice from", lambda a: ADVICE_WORDS.get(a.kind, a.kind), lambda a: a.kind),
        Column("Asked of", lambda a: a.advice_giver or "", lambda a: a.advice_giver or ""),
        Column("Requested", lambda a: format_date(a.requested), lambda a: date_key(a.requested)),
        Column(
            "Chase by",
            chase,
            lambda a: date_key(a.requested),
            header_tip="4 weeks after the request, or when it was chased",
        ),
        Column("Due (6 weeks)", lambda a: format_date(due(a)), lambda a: date_key(due(a))),
        Column("Received", lambda a: format_date(a.received), lambda a: date_key(a.received)),
    ]


EXCEPTION_COLUMNS: list[Column[ExceptionLine]] = [
    Column("Exception", lambda e: EXCEPTION_WORDS.get(e.code, e.code), lambda e: e.code),
    Column("From", lambda e: format_date(e.start), lambda e: date_key(e.start)),
    Column("To", lambda e: format_date(e.end), lambda e: date_key(e.end)),
    Column("Note", lambda e: e.note, lambda e: e.note, tooltip=lambda e: e.note or None),
]
CONSULTATION_COLUMNS: list[Column[ConsultationLine]] = [
    Column("School or institution", lambda c: c.institution, lambda c: c.institution),
    Column("Sent", lambda c: format_date(c.sent), lambda c: date_key(c.sent)),
    Column(
        "Response expected",
        lambda c: format_date(c.sent + timedelta(days=15)),
        lambda c: date_key(c.sent),
        header_tip="15 days after sending (CoP 9.83, guidance)",
    ),
    Column("Responded", lambda c: format_date(c.responded), lambda c: date_key(c.responded)),
    Column("Outcome", lambda c: c.outcome or "", lambda c: c.outcome or ""),
]
REVIEW_COLUMNS: list[Column[ReviewLine]] = [
    Column("Meeting", lambda r: format_date(r.meeting), lambda r: date_key(r.meeting)),
    Column(
        "Decision sent", lambda r: format_date(r.decision_sent), lambda r: date_key(r.decision_sent)
    ),
    Column(
        "Outcome",
        lambda r: REVIEW_OUTCOME_WORDS.get(r.outcome or "", ""),
        lambda r: r.outcome or "",
    ),
    Column(
        "Final amended plan",
        lambda r: format_date(r.final_amended),
        lambda r: date_key(r.final_amended),
    ),
]
NOTE_COLUMNS: list[Column[NoteLine]] = [
    Column("Date", lambda n: format_date(n.written), lambda n: date_key(n.written)),
    Column("By", lambda n: n.author, lambda n: n.author),
    Column("Note", lambda n: n.text, lambda n: n.text, tooltip=lambda n: n.text),
]
CHRONOLOGY_COLUMNS: list[Column[ChronologyEntry]] = [
    Column("Date", lambda c: format_date(c.day), lambda c: (date_key(c.day), str(c.at or ""))),
    Column("Recorded at", lambda c: f"{c.at:%d/%m/%Y %H:%M}" if c.at else "", lambda c: str(c.at)),
    Column("What", lambda c: c.title, lambda c: c.title),
    Column("Detail", lambda c: c.detail, lambda c: c.detail, tooltip=lambda c: c.detail or None),
    Column("By", lambda c: c.user or "", lambda c: c.user or ""),
]


class CaseWindow(QWidget):
    """Emits `changed` after the case was changed from this window."""

    changed = Signal(int)

    def __init__(
        self,
        db: Database,
        user: str,
        case_id: int,
        as_of: date,
        policy: Policy | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.db, self.user, self.case_id, self.as_of = db, user, case_id, as_of
        self.policy = policy or Policy()
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowIcon(app_icon())
        self.steps_model: RowTableModel[Step] = RowTableModel(STEP_COLUMNS, self)
        self.advice_model: RowTableModel[AdviceLine] = RowTableModel(
            advice_columns(self.policy), self
        )
        self.exceptions_model: RowTableModel[ExceptionLine] = RowTableModel(EXCEPTION_COLUMNS, self)
        self.consultations_model: RowTableModel[ConsultationLine] = RowTableModel(
            CONSULTATION_COLUMNS, self
        )
        self.reviews_model: RowTableModel[ReviewLine] = RowTableModel(REVIEW_COLUMNS, self)
        self.notes_model: RowTableModel[NoteLine] = RowTableModel(NOTE_COLUMNS, self)
        self.chronology_model: RowTableModel[ChronologyEntry] = RowTableModel(
            CHRONOLOGY_COLUMNS, self
        )
        self._build_ui()
        self.refresh()
        fit.fit_size(self, 1100, 680)
        # The steps, not the tab bar: arrow keys move through the deadlines straight away.
        self.steps_table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = QLabel(self)
        self.heading.setObjectName("caseHeading")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.heading, 1)
        self.record_button = QPushButton("&Record event...", self)
        self.record_button.setToolTip("Record what happened on this case (Ctrl+R)")
        self.record_button.clicked.connect(self.record_event)
        top.addWidget(self.record_button)
        # Letters (issue 17): the letter for the step just recorded, or the delay notice.
        self.letter_offer_button = QPushButton(self)
        self.letter_offer_button.hide()
        self.letter_offer_button.clicked.connect(lambda: self.open_letters(*self.letter_offer))
        self.letter_offer: tuple[str | None, dict[str, str]] = (None, {})
        top.addWidget(self.letter_offer_button)
        self.letters_button = QPushButton("&Letters...", self)
        self.letters_button.clicked.connect(lambda: self.open_letters())
        top.addWidget(self.letters_button)
        layout.addLayout(top)
        record = QAction(self)
        record.setShortcut(QKeySequence("Ctrl+R"))
        record.triggered.connect(lambda: self.record_event())
        self.addAction(record)
        fit.add_close_keys(self)  # Escape and Ctrl+W: a secondary window

        self.details = QFormLayout()
        self.details.setHorizontalSpacing(16)
        self.detail_labels: dict[str, QLabel] = {}
        grid = QHBoxLayout()
        left, right = QFormLayout(), QFormLayout()
        for form, names in (
            (left, ("Date of birth", "Age · NCY", "UPN", "School or setting")),
            (right, ("Caseworker", "Request received", "Stage", "Next deadline")),
        ):
            for name in names:
                label = QLabel(self)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setAccessibleName(name)
                # Wraps: a long next step ("16-week decision: issue a plan, or notify not
                # issuing: Thu ...") in one line made the window wider than 1366x768 at 150%.
                label.setWordWrap(True)
                form.addRow(f"{name}:", label)
                self.detail_labels[name] = label
        grid.addLayout(left, 1)
        grid.addLayout(right, 1)
        layout.addLayout(grid)

        self.tabs = QTabWidget(self)
        self.steps_table = self._table(self.steps_model, "Statutory steps")
        self.step_detail = QLabel(self)
        self.step_detail.setWordWrap(True)
        self.step_detail.setObjectName("sectionHint")
        self.step_detail.setAccessibleName("Selected step explanation")
        self.steps_table.selectionModel().currentRowChanged.connect(self._step_selected)
        self.steps_table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self._size_step_columns()
        timeline_page = QWidget(self)
        timeline_layout = QVBoxLayout(timeline_page)
        timeline_layout.addWidget(self.steps_table, 1)
        timeline_layout.addWidget(self.step_detail)
        self.tabs.addTab(timeline_page, "&Timeline")
        self.tabs.addTab(self._table(self.advice_model, "Advice requests"), "&Advice")
        self.tabs.addTab(self._table(self.exceptions_model, "Exceptions"), "E&xceptions")
        self.tabs.addTab(
            self._table(self.consultations_model, "School consultations"), "&Consultations"
        )
        self.tabs.addTab(self._table(self.reviews_model, "Annual reviews"), "Re&views")
        self.tabs.addTab(self._table(self.notes_model, "Notes"), "&Notes")
        chronology_page = QWidget(self)
        chronology_layout = QVBoxLayout(chronology_page)
        chronology_layout.addWidget(self._table(self.chronology_model, "Chronology"), 1)
        export_row = QHBoxLayout()
        export_row.addStretch(1)
        self.export_button = QPushButton("&Export chronology to CSV...", self)
        self.export_button.clicked.connect(self.export_chronology_dialog)
        export_row.addWidget(self.export_button)
        chronology_layout.addLayout(export_row)
        self.tabs.addTab(chronology_page, "C&hronology")
        from send_desktop.gui.sen2_panel import Sen2DetailsTab

        self.sen2_tab = Sen2DetailsTab(self.db, self.user, self.case_id, self.as_of, self)
        self.sen2_tab.saved.connect(self._after_change)
        # Scrolled: its three groups of fields made the window 1044x730 logical pixels, more
        # than 1366x768 at 150% (910x512) shows.
        self.sen2_page = fit.scrolling(self.sen2_tab)
        self.tabs.addTab(self.sen2_page, "SEN&2")
        layout.addWidget(self.tabs, 1)

    def _size_step_columns(self) -> None:
        """The step's title (what a caseworker reads) takes the spare width; dates and status
        keep theirs; the rule is elided with its full text in the tooltip, so the table needs
        no sideways scrolling at 1280 pixels."""
        fit.size_columns(
            self.steps_table,
            {
                1: "Wed 30/06/2025",
                2: "Wed 30/06/2025",
                3: "Late - exception",
                4: "115 late",
                5: "reg 13(2) - statutory; window from",
            },
            stretch=0,
            icon_columns=(3,),
        )

    def _table(self, model: QAbstractTableModel, name: str) -> QTableView:
        view = QTableView(self)
        view.setAccessibleName(name)
        view.setModel(model)
        configure_table(view)
        view.horizontalHeader().setMinimumSectionSize(90)
        ems = view.fontMetrics().horizontalAdvance("M")
        for column in range(model.columnCount() - 1):
            view.setColumnWidth(column, int(9.5 * ems))
        return view

    def refresh(self) -> None:
        with self.db.session() as session:
            self.case = load_case(session, self.case_id)
            facts = case_facts(session, [self.case_id])[self.case_id]
            entries = chronology(session, self.case_id)
        steps = compute_steps(facts, self.as_of, self.policy)
        self.steps = steps
        self.stage = stage_of(facts)
        late = overdue_step(steps)
        if late is not None and not self.letter_offer_button.isVisible():
            self.offer_letter("DEL", {"step": late.id})
        self._show(self.case, steps)
        self.chronology_model.set_rows(entries)

    def _show(self, case: CaseSnapshot, steps: list[Step]) -> None:
        # The platform adds " - SEND Desktop" after the title (applicationDisplayName).
        self.setWindowTitle(f"{case.ref} - {case.child_name}")
        self.heading.setText(f"{case.ref}  ·  {case.child_name}")
        labels = self.detail_labels
        labels["Date of birth"].setText(uk(case.date_of_birth))
        labels["Age · NCY"].setText(age_and_year(case.date_of_birth, self.as_of) or "not known")
        labels["UPN"].setText(case.upn or "not recorded")
        labels["School or setting"].setText(case.setting_name or "not recorded")
        labels["Caseworker"].setText(case.caseworker or "unassigned")
        how = ", ".join(x for x in (case.request_channel, case.request_source) if x)
        labels["Request received"].setText(
            f"{uk(case.request_received)}" + (f" ({how})" if how else "")
        )
        labels["Stage"].setText(self.stage)
        open_steps = [s for s in steps if s.is_open and s.statutory and s.due]
        upcoming = min(open_steps, key=lambda s: s.due or date.max, default=None)
        labels["Next deadline"].setText(
            f"{upcoming.title}: {format_date(upcoming.due)} ({look(upcoming.status).label})"
            if upcoming
            else "none open"
        )
        self.steps_model.set_rows(steps)
        first_open = next(
            (n for n, s in enumerate(self.steps_model.visible_rows()) if s.is_open), 0
        )
        if steps:
            self.steps_table.selectRow(first_open)
        self.advice_model.set_rows(case.advice)
        self.exceptions_model.set_rows(case.exceptions)
        self.consultations_model.set_rows(case.consultations)
        self.reviews_model.set_rows(case.reviews)
        self.notes_model.set_rows(case.notes)

    def _step_selected(self) -> None:
        index = self.steps_table.currentIndex()
        if not index.isValid():
            self.step_detail.clear()
            return
        step = self.steps_model.row_at(index.row())
        self.step_detail.setText(f"<b>{step.title}</b>: {step.explanation}")

    def record_event(self, event: str | None = None) -> RecordEventDialog:
        dialog = RecordEventDialog(self.db, self.user, self.case, self.as_of, self, event=event)
        dialog.recorded.connect(self._after_change)
        dialog.reloaded.connect(lambda _id: self.refresh())
        dialog.setModal(True)
        dialog.show()
        return dialog

    def _after_change(self, case_id: int) -> None:
        self.refresh()
        dialog = self.sender()
        event = getattr(dialog, "recorded_event", None)
        code = letter_for_event(*event) if event else None
        if code is not None:
            # An exception recorded: the delay notice, for the step it will make late.
            step = overdue_step(self.steps) or next_deadline(self.steps)
            self.offer_letter(code, {"step": step.id} if code == "DEL" and step else {})
        self.changed.emit(case_id)

    def offer_letter(self, code: str | None, fills: dict[str, str]) -> None:
        self.letter_offer = (code, fills)
        self.letter_offer_button.setText(f"Write the {code} letter..." if code else "")
        self.letter_offer_button.setVisible(code is not None)

    def open_letters(
        self, kind: str | None = None, fills: dict[str, str] | None = None
    ) -> LettersDialog:
        dialog = LettersDialog(
            self.db, self.user, self.case_id, self.as_of, self, kind=kind, fills=fills
        )
        dialog.changed.connect(lambda _id: self.refresh())
        dialog.setModal(True)
        dialog.show()
        return dialog

    def export_chronology_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Export the chronology",
            str(Path.home() / f"{self.case.ref}-chronology.csv"),
            "CSV file (*.csv);;Excel workbook (*.xlsx)",
        )
        if path:
            self.export_chronology(Path(path))

    def export_chronology(self, path: Path) -> int:
        """Write the chronology as CSV or .xlsx, formula-injection safe; returns rows."""
        from send_desktop.workbooks.chronology import write_chronology

        entries = self.chronology_model.all_rows()
        count = write_chronology(path, entries)
        log.info("chronology of case %s exported: %d rows", self.case_id, count)
        return count
