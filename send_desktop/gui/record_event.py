# mypy: disable-error-code="no-untyped-call"
"""Record an event on a case (Ctrl+R): pick what happened, give its date, save.

Impossible dates are refused before anything is written, with a message naming both dates
(a decision before the request, a final plan before the draft...), in timeline.order's words,
the same as the store, the import and calc. A lawful fact that breaches the law (a final plan
inside the reg 13(1) window, a plan while advice is outstanding) is recorded only after the
caseworker confirms and gives a reason (BreachDialog), which goes into the chronology. A save
that finds the case changed by someone else shows "Changed by X at T" with Reload; the
caseworker's input is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from send_desktop.errors import KnownError
from send_desktop.gui.case_data import CaseSnapshot, load_case
from send_desktop.gui.dates import uk
from send_desktop.gui.forms.ui_record_event import Ui_RecordEventDialog
from send_desktop.gui.status import status_icon
from send_desktop.store import ConflictError, Database, fields
from send_desktop.store import cases as store_cases
from send_desktop.store.errors import BreachNeedsReason
from send_desktop.store.models import AdviceRequest
from send_desktop.timeline import order
from send_desktop.timeline.catalogue import CATALOGUE, DATE_RULES, EXCEPTION_LABELS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

ADVICE_WORDS = {
    "EP": "Educational psychologist",
    "health": "Health",
    "social care": "Social care",
    "school": "School or setting",
    "other": "Other",
}
EXCEPTION_WORDS = EXCEPTION_LABELS  # the catalogue's, one per code
REVIEW_OUTCOME_WORDS = {"M": "Maintain the plan", "A": "Amend the plan", "C": "Cease the plan"}

Choices = list[tuple[str, Any]]


@dataclass(frozen=True)
class EventKind:
    """One thing a caseworker can record, in their words, with what it needs."""

    key: str
    title: str
    explanation: str
    outcome_label: str | None = None
    detail_label: str | None = None
    allow_future: bool = False
    # The case row's date this event records, and the column its outcome goes into.
    column: str | None = None
    outcome_column: str | None = None


EVENTS: tuple[EventKind, ...] = (
    EventKind(
        "decision",
        "Decision whether to assess",
        "Notify the parent or young person within 6 weeks of the request (reg 5(1)).",
        outcome_label="Decision",
        column="decision_to_assess",
        outcome_column="decision_outcome",
    ),
    EventKind(
        "advice_requested",
        "Advice requested",
        "Each adviser has 6 weeks from receiving the request (reg 8).",
        outcome_label="Advice from",
        detail_label="Asked of (name)",
    ),
    EventKind(
        "advice_received",
        "Advice received",
        "Closes the adviser's 6-week clock (reg 8).",
        outcome_label="Which request",
    ),
    EventKind(
        "consultation_sent",
        "School or college consulted",
        "Consult each institution you propose to name; a response is expected in 15 days.",
        detail_label="School or institution",
    ),
    EventKind(
        "consultation_response",
        "Consultation response received",
        "Record the institution's answer.",
        outcome_label="Which consultation",
    ),
    EventKind(
        "not_issue",
        "Decision not to issue a plan",
        "Notify within 16 weeks of the request (reg 10(1)); the process ends here.",
        column="not_issue_decision",
    ),
    EventKind(
        "draft",
        "Draft plan served",
        "The parent or young person has at least 15 days to comment (reg 13(1)).",
        outcome_label="Sent by",
        column="draft_served",
        outcome_column="draft_method",
    ),
    EventKind(
        "final",
        "Final EHC plan issued",
        "Due within 20 weeks of the request (reg 13(2)).",
        column="final_issued",
    ),
    EventKind(
        "exception",
        "Exception applies",
        "An exception does not stop the clock; record why the deadline cannot be met.",
        outcome_label="Exception",
        detail_label="Note (why)",
    ),
    EventKind(
        "review_meeting",
        "Annual review meeting",
        "The review must happen within 12 months of the plan or the last review (CFA s.44).",
        allow_future=True,
    ),
    EventKind(
        "review_decision",
        "Annual review decision sent",
        "Within 4 weeks of the meeting: maintain, amend or cease (reg 20(10)).",
        outcome_label="Decision",
    ),
    EventKind("note", "Note", "A dated note in the case file.", detail_label="Note"),
)


def _rule_events(events: tuple[EventKind, ...]) -> tuple[EventKind, ...]:
    """An event for each one-date step of the rule table (catalogue.DATE_RULES) that is done
    on a case date no event above records: a new step over a new case date can be recorded
    with no edit here (title from the registry, explanation from the catalogue)."""
    recorded = {e.column for e in events}
    found: list[EventKind] = []
    for rule in DATE_RULES:
        column = next((f.column for f in fields.CASE.fields if f.fact == rule.done), None)
        if column is None or column in recorded or column not in fields.dated(fields.CASE):
            continue
        info = CATALOGUE[rule.step]
        found.append(
            EventKind(
                column,
                fields.label(column),
                f"{info.title}: due {rule.count} {rule.unit} after "
                f"{rule.after_words} ({info.source}).",
                column=column,
            )
        )
        recorded.add(column)
    return tuple(found)


# The table's events go after the final plan, before the exceptions and reviews.
_AT = next(i for i, e in enumerate(EVENTS) if e.key == "final") + 1
EVENTS = EVENTS[:_AT] + _rule_events(EVENTS) + EVENTS[_AT:]
EVENTS_BY_KEY = {e.key: e for e in EVENTS}


def outcome_choices(kind: EventKind, case: CaseSnapshot) -> Choices:
    if kind.key == "decision":
        return [("Assess", "assess"), ("Not assess", "not-assess")]
    if kind.key == "advice_requested":
        return [(ADVICE_WORDS.get(k, k), k) for k in fields.ADVICE.codes["kind"]]
    if kind.key == "advice_received":
        return [
            (f"{ADVICE_WORDS.get(a.kind, a.kind)} - asked {uk(a.requested)}", a.id)
            for a in case.advice
            if a.received is None
        ]
    if kind.key == "consultation_response":
        return [
            (f"{c.institution} - sent {uk(c.sent)}", c.id)
            for c in case.consultations
            if c.responded is None
        ]
    if kind.key == "draft":
        return fields.code_words(fields.CASE, "draft_method")
    if kind.key == "exception":
        return [(EXCEPTION_WORDS[code], code) for code in fields.EXCEPTION.codes["code"]]
    if kind.key == "review_decision":
        return [(words, code) for code, words in REVIEW_OUTCOME_WORDS.items()]
    return []


# The case's dates that timeline.order's case rules compare, from the registry (a new
# registered date in an order rule is checked here too): the case record's dated columns
# named by ORDERS["case"].
_ORDERED = {name for pair in fields.CASE.orders for name in pair}
ORDER_DATES: tuple[str, ...] = tuple(n for n in fields.dated(fields.CASE) if n in _ORDERED)


def _case_dates(case: CaseSnapshot, **change: object) -> dict[str, object]:
    """The case row's ordered dates as the event would leave them (as the store checks them)."""
    return {**{name: case.dates.get(name) for name in ORDER_DATES}, **change}


def case_changes(kind: EventKind, case: CaseSnapshot, day: date, outcome: Any) -> dict[str, Any]:
    """What an event writes into the case row itself ({} for an event that adds a row): the
    one list the dialog checks and the save writes."""
    if kind.column is None:
        return {}
    changes: dict[str, Any] = {kind.column: day}
    if kind.outcome_column is not None:
        changes[kind.outcome_column] = outcome
    if kind.column == "final_issued" and not case.plan_issued:
        changes["plan_issued"] = day  # the plan first issued, unless an earlier one was
    return changes


def _order(scope: str, values: dict[str, object]) -> str | None:
    """timeline.order's message for the record as it would be written (as the store checks it)."""
    problem = order.check_dates(scope, values, None)
    return problem + "." if problem else None


def _open_review(case: CaseSnapshot) -> Any:
    pending = [r for r in case.reviews if r.meeting is not None and r.decision_sent is None]
    return pending[-1] if pending else None


def check_event(
    kind: EventKind, case: CaseSnapshot, day: date, as_of: date, outcome: Any, detail: str
) -> str | None:
    """The first reason this event cannot be recorded as typed, in the caseworker's words."""
    if day > as_of and not kind.allow_future:
        return f"{kind.title} ({uk(day)}) is in the future: record it once it has happened."
    received = case.request_received
    checks: list[str | None] = []
    plan = order.plan_start({"plan_issued": case.plan_issued, "final_issued": case.final_issued})
    changes = case_changes(kind, case, day, outcome)
    if kind.key == "advice_requested":
        if case.decision_outcome == "not-assess":
            return "The decision was not to assess, so no advice is needed."
        checks.append(_order("advice", {"requested": day, "request_received": received}))
    elif kind.key == "advice_received":
        match = next((a for a in case.advice if a.id == outcome), None)
        if match is None:
            return "There is no outstanding advice request: record the request first."
        checks.append(_order("advice", {"requested": match.requested, "received": day}))
    elif kind.key == "consultation_sent":
        if not detail.strip():
            return "Name the school or institution consulted."
        checks.append(_order("consultation", {"sent": day, "request_received": received}))
    elif kind.key == "consultation_response":
        match_c = next((c for c in case.consultations if c.id == outcome), None)
        if match_c is None:
            return "There is no consultation awaiting a response."
        checks.append(_order("consultation", {"sent": match_c.sent, "responded": day}))
    elif kind.key in ("not_issue", "draft"):
        if case.decision_to_assess is None or case.decision_outcome != "assess":
            return "Record the decision to assess first: this step follows an assessment."
    elif kind.key == "final":
        if case.not_issue_decision is not None:
            return "A decision not to issue a plan is recorded for this request."
        if case.draft_served is None:
            return "Record when the draft plan was served first: the final plan follows it."
    elif kind.key == "review_meeting":
        if plan is None:
            return "A review needs an issued plan: record the final plan first."
        checks.append(_order("review", {"meeting": day, "plan_start": plan}))
    elif kind.key == "review_decision":
        review = _open_review(case)
        if review is None:
            return "Record the review meeting first."
        checks.append(
            _order("review", {"meeting": review.meeting, "decision_sent": day, "plan_start": plan})
        )
    elif kind.key == "note" and not detail.strip():
        return "Write the note."
    if changes:  # an event on the case row: its dates in timeline.order's case rules
        checks.append(_order("case", _case_dates(case, **changes)))
    return next((c for c in checks if c), None)


def apply_event(
    session: Session,
    kind: EventKind,
    case: CaseSnapshot,
    day: date,
    outcome: Any,
    detail: str,
    user: str,
    as_of: date,
    breach_reason: str | None = None,
) -> None:
    """Write the event through the store (validated, versioned, audited).

    BreachNeedsReason from the store means the event is lawful to record but a breach: ask,
    then call again with the caseworker's reason.
    """
    detail = detail.strip()

    changes = case_changes(kind, case, day, outcome)
    if changes:
        store_cases.update_case(
            session,
            case.id,
            case.version,
            user,
            as_of=as_of,
            breach_reason=breach_reason,
            confirm_breach=True,
            **changes,
        )
        return

    actions: dict[str, Callable[[], object]] = {
        "advice_requested": lambda: store_cases.add_row(
            session,
            AdviceRequest,
            user,
            case.id,
            {"kind": outcome, "requested": day, "advice_giver": detail or None},
            as_of=as_of,
            breach_reason=breach_reason,
            confirm_breach=True,
        ),
        "advice_received": lambda: store_cases.update_advice_request(
            session, outcome, _version(case.advice, outcome), user, received=day
        ),
        "consultation_sent": lambda: store_cases.add_consultation(
            session, case.id, user, institution=detail, sent=day, as_of=as_of
        ),
        "consultation_response": lambda: store_cases.update_consultation(
            session, outcome, _version(case.consultations, outcome), user, responded=day
        ),
        "exception": lambda: store_cases.add_exception(
            session, case.id, user, code=outcome, start=day, note=detail, as_of=as_of
        ),
        "review_meeting": lambda: store_cases.add_review(
            session, case.id, user, meeting=day, as_of=as_of
        ),
        "review_decision": lambda: _review_decision(session, case, day, outcome, user),
        "note": lambda: store_cases.add_note(session, case.id, user, detail, written=day),
    }
    actions[kind.key]()


def _version(lines: tuple[Any, ...], row_id: int) -> int:
    return int(next(line.version for line in lines if line.id == row_id))


def _review_decision(
    session: Session, case: CaseSnapshot, day: date, outcome: str, user: str
) -> None:
    review = _open_review(case)
    store_cases.update_review(
        session, review.id, review.version, user, decision_sent=day, outcome=outcome
    )


class RecordEventDialog(QDialog):
    """Emits `recorded` after a save, and `reloaded` when the case was re-read after a conflict."""

    recorded = Signal(int)
    reloaded = Signal(int)

    def __init__(
        self,
        db: Database,
        user: str,
        case: CaseSnapshot,
        as_of: date,
        parent: QWidget | None = None,
        event: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.user, self.case, self.as_of = db, user, case, as_of
        self.ui = Ui_RecordEventDialog()
        self.ui.setupUi(self)
        ui = self.ui
        ui.caseLabel.setText(f"<b>{case.ref}</b> - {case.child_name}")
        for kind in EVENTS:
            ui.eventCombo.addItem(kind.title, kind.key)
        ui.dateEdit.configure("The date", today=as_of, accessible_name="Date of the event")
        ui.dateEdit.set_value(as_of)
        ui.validationMessage.hide()
        self.conflict_banner = self._make_conflict_banner()
        ui.mainLayout.insertWidget(ui.mainLayout.count() - 1, self.conflict_banner)
        ui.eventCombo.currentIndexChanged.connect(self._event_changed)
        ui.dateEdit.changed.connect(self._live_check)
        ui.outcomeCombo.currentIndexChanged.connect(self._live_check)
        ui.buttonBox.accepted.connect(self.save)
        ui.buttonBox.rejected.connect(self.reject)
        start = EVENTS_BY_KEY.get(event or "") or self.suggested_event()
        ui.eventCombo.setCurrentIndex(EVENTS.index(start))
        self._event_changed()

    def _make_conflict_banner(self) -> QFrame:
        banner = QFrame(self)
        banner.setObjectName("conflictBanner")
        layout = QHBoxLayout(banner)
        self.conflict_label = QLabel(banner)
        self.conflict_label.setWordWrap(True)
        self.reload_button = QPushButton("&Reload the case", banner)
        self.reload_button.setAccessibleName("Reload the case and keep what I typed")
        self.reload_button.clicked.connect(self.reload_case)
        layout.addWidget(self.conflict_label, 1)
        layout.addWidget(self.reload_button)
        banner.hide()
        return banner

    def suggested_event(self) -> EventKind:
        """The next thing that usually happens on this case, so Ctrl+R, Enter often suffices."""
        case = self.case
        if case.decision_to_assess is None:
            return EVENTS_BY_KEY["decision"]
        if case.decision_outcome == "assess" and case.final_issued is None:
            if case.not_issue_decision is None and case.draft_served is None:
                return EVENTS_BY_KEY["advice_requested"]
            if case.draft_served is not None:
                return EVENTS_BY_KEY["final"]
        if case.final_issued is not None:
            return EVENTS_BY_KEY["review_meeting"]
        return EVENTS_BY_KEY["note"]

    @property
    def kind(self) -> EventKind:
        return EVENTS_BY_KEY[str(self.ui.eventCombo.currentData())]

    def _event_changed(self) -> None:
        ui, kind = self.ui, self.kind
        previous = ui.outcomeCombo.currentData()
        ui.outcomeCombo.blockSignals(True)
        ui.outcomeCombo.clear()
        for text, data in outcome_choices(kind, self.case):
            ui.outcomeCombo.addItem(text, data)
        index = ui.outcomeCombo.findData(previous)
        if index >= 0:
            ui.outcomeCombo.setCurrentIndex(index)
        ui.outcomeCombo.blockSignals(False)
        ui.outcomeLabel.setText(kind.outcome_label or "")
        ui.outcomeLabel.setVisible(kind.outcome_label is not None)
        ui.outcomeCombo.setVisible(kind.outcome_label is not None)
        ui.outcomeCombo.setAccessibleName(kind.outcome_label or "Outcome")
        ui.detailLabel.setText(kind.detail_label or "")
        ui.detailLabel.setVisible(kind.detail_label is not None)
        ui.detailEdit.setVisible(kind.detail_label is not None)
        ui.detailEdit.setAccessibleName(kind.detail_label or "Detail")
        ui.explanationLabel.setText(kind.explanation)
        ui.dateEdit.configure(
            f"{kind.title}: the date",
            today=self.as_of,
            allow_future=kind.allow_future,
            accessible_name="Date of the event",
        )
        self._live_check()

    def problem(self) -> str | None:
        ui = self.ui
        day = ui.dateEdit.value()
        if day is None:
            return ui.dateEdit.error()
        return check_event(
            self.kind,
            self.case,
            day,
            self.as_of,
            ui.outcomeCombo.currentData() if ui.outcomeCombo.isVisibleTo(self) else None,
            ui.detailEdit.text() if ui.detailEdit.isVisibleTo(self) else "",
        )

    def _live_check(self) -> None:
        problem = self.problem()
        # Live feedback only for dates: an empty note is not worth shouting about before Save.
        field = self.ui.dateEdit.error()
        if field is not None:
            # The field shows its own error once the caseworker leaves it or saves.
            self.show_problem(None)
        elif problem and ("cannot be before" in problem or "in the future" in problem):
            self.show_problem(problem)
        else:
            self.show_problem(None)

    def show_problem(self, text: str | None) -> None:
        self.ui.validationMessage.setText(text or "")
        self.ui.validationMessage.setVisible(bool(text))

    def save(self, breach_reason: str | None = None) -> None:
        ui = self.ui
        if ui.dateEdit.show_error():
            self.show_problem(None)
            return
        problem = self.problem()
        if problem:
            self.show_problem(problem)
            return
        day = ui.dateEdit.value()
        assert day is not None  # show_error() found none
        try:
            with self.db.session() as session:
                apply_event(
                    session,
                    self.kind,
                    self.case,
                    day,
                    ui.outcomeCombo.currentData(),
                    ui.detailEdit.text(),
                    self.user,
                    self.as_of,
                    breach_reason=breach_reason,
                )
        except ConflictError as exc:
            self.show_conflict(exc)
            return
        except BreachNeedsReason as exc:
            confirm = BreachDialog(exc, self)
            self.breach_dialog = confirm
            if confirm.exec() == QDialog.DialogCode.Accepted:
                self.save(breach_reason=confirm.reason())
            return
        except KnownError as exc:
            self.show_problem(str(exc))
            return
        log.info("recorded %s on case %s", self.kind.key, self.case.id)
        # What was just recorded, so the case window can offer the letter that goes with it.
        self.recorded_event = (self.kind.key, ui.outcomeCombo.currentData())
        self.recorded.emit(self.case.id)
        self.accept()

    def show_conflict(self, exc: ConflictError) -> None:
        when = exc.changed_at.strftime("%d/%m/%Y %H:%M") if exc.changed_at else "an unknown time"
        self.conflict_label.setText(
            f"Changed by {exc.changed_by} at {when} (UTC) since you opened this case. "
            "Reload to see their change; what you typed here is kept."
        )
        self.conflict_banner.show()
        self.show_problem(None)

    def reload_case(self) -> None:
        with self.db.session() as session:
            self.case = load_case(session, self.case.id)
        self.conflict_banner.hide()
        self._event_changed()  # outcome choices follow the fresh case; typed values stay
        self.reloaded.emit(self.case.id)


class BreachDialog(QDialog):
    """Confirm a fact that breaches the law, with the reason (kept in the case's chronology)."""

    def __init__(self, exc: BreachNeedsReason, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record a breach?")
        self.setObjectName("breachDialog")
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        icon = QLabel(self)
        icon.setPixmap(status_icon("breached").pixmap(32, 32))
        head.addWidget(icon)
        title = QLabel("<b>This happened, but it breaches the law.</b>", self)
        head.addWidget(title, 1)
        layout.addLayout(head)
        for breach in exc.breaches:
            line = QLabel("\u2022 " + breach.message + ".", self)
            line.setWordWrap(True)
            layout.addWidget(line)
        explain = QLabel(
            "It is recorded as it happened and the step shows as <b>Breached</b>, not Done. "
            "Say why (for example, the parent agreed in writing to the plan being finalised "
            "early); the reason goes into the case's chronology.",
            self,
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.reason_edit = QPlainTextEdit(self)
        self.reason_edit.setAccessibleName("Reason for recording the breach")
        self.reason_edit.setPlaceholderText("Reason (required)")
        self.reason_edit.setFixedHeight(80)
        layout.addWidget(self.reason_edit)
        self.buttons = QDialogButtonBox(self)
        self.record_button = self.buttons.addButton(
            "Record the breach", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.record_button.setEnabled(False)
        self.reason_edit.textChanged.connect(
            lambda: self.record_button.setEnabled(bool(self.reason()))
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()
