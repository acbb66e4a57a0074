"""The "Today" list: every step due today or this week (and anything overdue) across my cases."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import NamedTuple

from PySide6.QtWidgets import QPushButton, QWidget

from send_desktop.gui.status import FAMILY_TIP, is_family_step, step_colour, step_icon, step_look
from send_desktop.gui.table_model import Column, RowTableModel, date_key, format_date
from send_desktop.store.caseload_types import CaseloadRow
from send_desktop.timeline import Facts, Policy, Status, compute_steps
from send_desktop.timeline.catalogue import DUTY

HORIZON_DAYS = 7


class TodayItem(NamedTuple):
    due: date
    days: int
    status: Status
    case_id: int
    ref: str
    child_name: str
    step_id: str
    title: str
    explanation: str
    #: A statutory duty (someone must act by law), not a planning target or the family's
    #: window: the steps the banner and the status bar count as overdue.
    duty: bool = True


def today_items(
    rows: Iterable[CaseloadRow],
    facts: Mapping[int, Facts],
    as_of: date,
    policy: Policy,
    horizon_days: int = HORIZON_DAYS,
) -> list[TodayItem]:
    """Open steps of these cases due on or before as_of + horizon, earliest first."""
    items: list[TodayItem] = []
    for row in rows:
        case_facts = facts.get(row.case_id)
        if case_facts is None:
            continue
        for step in compute_steps(case_facts, as_of, policy):
            if step.done is not None or step.due is None or not step.is_open:
                continue
            days = (step.due - as_of).days
            if days > horizon_days:
                continue
            items.append(
                TodayItem(
                    step.due,
                    days,
                    step.status,
                    row.case_id,
                    row.ref,
                    row.child_name,
                    step.id,
                    step.title,
                    step.explanation,
                    step.statutory and step.kind == DUTY,
                )
            )
    items.sort(key=lambda i: (i.due, i.ref, i.step_id))
    return items


def _when(item: TodayItem) -> str:
    if item.days < 0:
        return f"{-item.days} days late"
    if item.days == 0:
        return "Today"
    return "Tomorrow" if item.days == 1 else f"In {item.days} days"


TODAY_COLUMNS: list[Column[TodayItem]] = [
    Column("Due", lambda i: format_date(i.due), lambda i: date_key(i.due)),
    Column(
        "When",
        _when,
        lambda i: i.days,
        foreground=lambda i: step_colour(i.step_id, i.status),
        decoration=lambda i: step_icon(i.step_id, i.status),
        tooltip=lambda i: (
            step_look(i.step_id, i.status).label
            + (f": {FAMILY_TIP}" if is_family_step(i.step_id) else "")
        ),
    ),
    Column("Case ref", lambda i: i.ref, lambda i: i.ref),
    Column("Child", lambda i: i.child_name, lambda i: i.child_name.lower()),
    Column("Action", lambda i: i.title, lambda i: i.title, tooltip=lambda i: i.explanation),
    Column(
        "Why", lambda i: i.explanation, lambda i: i.explanation, tooltip=lambda i: i.explanation
    ),
]


class TodayModel(RowTableModel[TodayItem]):
    def __init__(self, parent: object = None) -> None:
        super().__init__(TODAY_COLUMNS, parent)


def chase_button(
    parent: QWidget, db: Callable[[], object], user: str, as_of: Callable[[], date]
) -> QPushButton:
    """One action: the chase letters for every overdue advice request of mine, per adviser
    (`db` gives the database when clicked: the window is built before it is open)."""

    def chase() -> None:
        # The letters (docx, the store) load when asked for, not with the window.
        from send_desktop.gui.letters_dialog import write_chase_letters

        write_chase_letters(db(), user, as_of(), parent)  # type: ignore[arg-type]

    button = QPushButton("&Write chase letters for overdue advice...", parent)
    button.setObjectName("chaseAdviceButton")
    button.setToolTip("One letter per adviser listing each request past its 6 weeks (reg 8)")
    button.clicked.connect(chase)
    return button
