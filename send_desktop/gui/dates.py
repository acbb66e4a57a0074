# mypy: disable-error-code="no-untyped-call"
"""Date fields: the one date entry widget of every dialog, and QDate/date conversions.

DateField behaves like a date field in a good form: what is typed (05/03/2017, 5/3/17,
2017-03-05) is kept exactly; "Not known" is an explicit tick box, never text in the field; an
impossible day (31/02, 29/02/2027), a date outside 1900-2200 or a future date where the event
cannot be in the future is an error shown under the field - the text is never changed into
another date. Parsing and the range are timeline.order's, as for the store, import and calc.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from send_desktop.timeline import order

NOT_KNOWN = QDate(1900, 1, 1)
NOT_KNOWN_TEXT = "Not known"
FIELD_ERROR_STYLE = "color: #a4141b;"


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def make_optional(edit: QDateEdit) -> None:
    """The minimum date stands for 'not known' in a QDateEdit (the calculator's fields)."""
    edit.setMinimumDate(NOT_KNOWN)
    edit.setSpecialValueText(NOT_KNOWN_TEXT)
    edit.setDate(NOT_KNOWN)


def optional_date(edit: QDateEdit) -> date | None:
    qdate = edit.date()
    return None if qdate == edit.minimumDate() and edit.specialValueText() else to_date(qdate)


def set_optional_date(edit: QDateEdit, value: date | None) -> None:
    edit.setDate(to_qdate(value) if value else edit.minimumDate())


def uk(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "not recorded"


class DateField(QWidget):
    """A typed date with an optional "Not known" tick box and its own error line.

    configure() says what the date is (its words in messages), whether "not known" is allowed
    and whether it may be in the future. value() is the date, or None when not known, empty
    or wrong; error() says what is wrong, in words for the caseworker.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = "The date"
        self.allow_future = True
        self.empty_ok = False
        self.today = date.today()
        self._shown_error: str | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setSpacing(4)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("DD/MM/YYYY")
        self.edit.setMaxLength(20)
        self.calendar_button = QToolButton(self)
        self.calendar_button.setText("Calendar")
        self.calendar_button.setAccessibleName("Choose the date from a calendar")
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._calendar = QCalendarWidget()
        self._calendar.setGridVisible(True)
        menu = QMenu(self.calendar_button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self._calendar)
        menu.addAction(action)
        self.calendar_button.setMenu(menu)
        self._calendar.clicked.connect(self._picked)
        self.not_known = QCheckBox(NOT_KNOWN_TEXT, self)
        self.not_known.setAccessibleName("The date is not known")
        self.not_known.hide()
        row.addWidget(self.edit, 1)
        row.addWidget(self.calendar_button)
        row.addWidget(self.not_known)
        outer.addLayout(row)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(FIELD_ERROR_STYLE)
        self.error_label.setAccessibleName("Problem with this date")
        self.error_label.hide()
        outer.addWidget(self.error_label)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._edited)
        self.edit.editingFinished.connect(self.show_error)
        self.not_known.toggled.connect(self._not_known_toggled)

    def configure(
        self,
        what: str,
        *,
        today: date,
        allow_unknown: bool = False,
        allow_future: bool = True,
        accessible_name: str | None = None,
        empty_ok: bool = False,
    ) -> None:
        """empty_ok: an empty field means "not recorded" (the calculator's facts)."""
        self.what, self.today, self.allow_future = what, today, allow_future
        self.empty_ok = empty_ok
        self.not_known.setVisible(allow_unknown)
        self.edit.setAccessibleName(accessible_name or what)
        self._calendar.setMaximumDate(to_qdate(today) if not allow_future else QDate(2200, 12, 31))
        self._calendar.setMinimumDate(QDate(1900, 1, 1))

    # --- reading -----------------------------------------------------------------------

    def text(self) -> str:
        return self.edit.text()

    def is_not_known(self) -> bool:
        return self.not_known.isVisibleTo(self) and self.not_known.isChecked()

    def error(self) -> str | None:
        """What is wrong with the date as typed, or None (also when it is not known)."""
        if self.is_not_known():
            return None
        typed = self.edit.text().strip()
        if not typed:
            if self.empty_ok:
                return None
            if self.not_known.isVisibleTo(self):
                return f"{self.what}: type the date, or tick {NOT_KNOWN_TEXT}."
            return f"{self.what}: type the date (DD/MM/YYYY)."
        try:
            day = order.parse_day(typed, self.today)
        except ValueError as exc:
            words = str(exc).removeprefix(typed + ": ")  # the field shows what was typed
            return f"{self.what}: {words}."
        if not order.EARLIEST <= day <= order.LATEST:
            return f"{self.what}: {uk(day)} is outside {uk(order.EARLIEST)} to {uk(order.LATEST)}."
        if not self.allow_future and day > self.today:
            return f"{self.what} ({uk(day)}) is in the future: record it once it has happened."
        return None

    def value(self) -> date | None:
        """The date typed, or None when not known or not a date (see error())."""
        if self.is_not_known() or self.error() is not None or not self.edit.text().strip():
            return None
        return order.parse_day(self.edit.text(), self.today)

    def has_date(self) -> bool:
        return self.value() is not None

    # --- writing -----------------------------------------------------------------------

    def set_value(self, value: date | None) -> None:
        """Show a date (or "not known" when None and allowed) and clear any error."""
        self.not_known.blockSignals(True)
        self.not_known.setChecked(value is None and self.not_known.isVisibleTo(self))
        self.not_known.blockSignals(False)
        self.edit.setText(uk(value) if value is not None else "")
        self.edit.setEnabled(not self.is_not_known())
        self._set_error(None)
        self.changed.emit()

    def set_not_known(self, unknown: bool) -> None:
        self.not_known.setChecked(unknown)

    # QDateEdit's names, so code and tests written for it keep working.
    def setDate(self, value: QDate) -> None:
        self.set_value(to_date(value))

    def date(self) -> QDate:
        found = self.value()
        return to_qdate(found) if found is not None else QDate()

    # --- feedback ----------------------------------------------------------------------

    def show_error(self) -> str | None:
        """Show the problem (if any) under the field; returns it."""
        problem = self.error()
        self._set_error(problem)
        return problem

    def _set_error(self, problem: str | None) -> None:
        self._shown_error = problem
        self.error_label.setText(problem or "")
        self.error_label.setVisible(bool(problem))
        self.edit.setProperty("invalid", bool(problem))
        self.edit.setStyleSheet("border: 2px solid #a4141b;" if problem else "")

    def _edited(self, _text: str) -> None:
        if self._shown_error is not None:
            # Re-check while correcting: the message goes as soon as the date is right.
            self._set_error(self.error())
        self.changed.emit()

    def _not_known_toggled(self, checked: bool) -> None:
        self.edit.setEnabled(not checked)
        if checked:
            self.edit.clear()
            self._set_error(None)
        self.changed.emit()

    def _picked(self, picked: QDate) -> None:
        self.calendar_button.menu().close()
        self.set_value(to_date(picked))
