"""Table models for the team leader's dashboard: summary tables whose numbers open case lists.

A summary table's count cells carry the `Bucket` behind them (BUCKET_ROLE): a count read in
SQL naming its figure, shown underlined like a link; clicking one reads exactly those cases
(store/reports.py `cases_behind`, the count's own WHERE) into a `DrillModel`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any, Generic, NamedTuple, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from send_desktop.gui.status import look, status_colour, status_icon, step_look
from send_desktop.gui.table_model import Column, RowTableModel, date_key, format_date
from send_desktop.store.reports import (
    FORECAST_WEEKS,
    Bucket,
    CaseloadLine,
    ForecastRow,
    Item,
    OverdueRow,
    PipelineStage,
    ReportCase,
    TeamReport,
    Worker,
)
from send_desktop.timeline import STAGES

R = TypeVar("R")
AnyIndex = QModelIndex | QPersistentModelIndex

BUCKET_ROLE = Qt.ItemDataRole.UserRole + 10
LINK_COLOUR = QColor("#1d4f91")
OVERLOAD_COLOUR = QColor("#a4141b")
ALL_LABEL = "All caseworkers"


class CountColumn(Generic[R]):
    """A column of numbers, each the size of a bucket of cases."""

    def __init__(self, title: str, bucket: Callable[[R], Bucket], tip: str = "") -> None:
        self.title, self.bucket, self.tip = title, bucket, tip


def _count_text_of(bucket: Callable[[R], Bucket]) -> Callable[[R], str]:
    return lambda row: str(bucket(row).count)


def _count_of(bucket: Callable[[R], Bucket]) -> Callable[[R], int]:
    return lambda row: bucket(row).count


class SummaryModel(RowTableModel[R]):
    """A small summary table: text columns, then count columns whose cells list their cases."""

    def __init__(
        self,
        columns: Sequence[Column[R]],
        counts: Sequence[CountColumn[R]],
        trailing: Sequence[Column[R]] = (),
        parent: Any = None,
    ) -> None:
        self._first_count = len(columns)
        self._counts = tuple(counts)
        count_columns = [
            Column[R](
                c.title,
                _count_text_of(c.bucket),
                _count_of(c.bucket),
                align_right=True,
                header_tip=c.tip,
            )
            for c in counts
        ]
        super().__init__([*columns, *count_columns, *trailing], parent)

    def bucket_at(self, index: AnyIndex) -> Bucket | None:
        """The cases behind a count cell, None for a text cell."""
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        number = index.column() - self._first_count
        if not 0 <= number < len(self._counts):
            return None
        return self._counts[number].bucket(self.row_at(index.row()))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (BUCKET_ROLE, Qt.ItemDataRole.FontRole) or (
            role in (Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole)
            and index.isValid()
            and index.column() >= self._first_count
        ):
            bucket = self.bucket_at(index)
            if bucket is None:
                return super().data(index, role)
            if role == BUCKET_ROLE:
                return bucket
            if not bucket.count:
                return None
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setUnderline(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole:
                return LINK_COLOUR
            plural = "s" if bucket.count != 1 else ""
            return f"Click to list these {bucket.count} case{plural}"
        return super().data(index, role)


# ---------------------------------------------------------------- the summary tables


class OverdueLine(NamedTuple):
    """A caseworker's overdue row, or the all-caseworkers total."""

    name: str
    by_stage: dict[str, Bucket]
    total: Bucket


def overdue_lines(report: TeamReport) -> list[OverdueLine]:
    rows: list[OverdueRow] = list(report.overdue)
    lines = [OverdueLine(r.worker.name, dict(r.by_stage), r.total) for r in rows]
    lines.append(OverdueLine(ALL_LABEL, dict(report.overdue_by_stage), report.overdue_total))
    return lines


def _stage_bucket(stage: str) -> Callable[[OverdueLine], Bucket]:
    return lambda line: line.by_stage[stage]


def overdue_model(report: TeamReport, parent: Any = None) -> SummaryModel[OverdueLine]:
    """Caseworkers down, stages across (only stages with a case overdue), then the total."""
    stages = [s for s in STAGES if report.overdue_by_stage[s].count] or list(STAGES[:4])
    model = SummaryModel[OverdueLine](
        [Column("Caseworker", lambda r: r.name, lambda r: r.name)],
        [
            *(CountColumn[OverdueLine](s, _stage_bucket(s)) for s in stages),
            CountColumn[OverdueLine](
                "Total", lambda r: r.total, "Cases with at least one statutory step overdue"
            ),
        ],
        parent=parent,
    )
    model.set_rows(overdue_lines(report))
    return model


def _load_text(line: CaseloadLine, limit: int) -> str:
    if line.worker.caseworker_id is None:
        return "Not allocated"
    percent = round(100 * line.open_cases.count / limit)
    if line.overloaded:
        return f"OVERLOADED: {line.open_cases.count} of {limit} ({percent}%)"
    return f"{percent}% of {limit}"


def caseload_model(report: TeamReport, parent: Any = None) -> SummaryModel[CaseloadLine]:
    limit = report.overload_threshold
    model = SummaryModel[CaseloadLine](
        [
            Column("Caseworker", lambda r: r.worker.name, lambda r: r.worker.name.lower()),
            Column("Team", lambda r: r.worker.team or "", lambda r: r.worker.team or ""),
        ],
        [
            CountColumn[CaseloadLine]("Open cases", lambda r: r.open_cases),
            CountColumn[CaseloadLine](
                "Assessments", lambda r: r.assessments, "Request, assessment or draft plan"
            ),
            CountColumn[CaseloadLine]("Plans", lambda r: r.plans),
            CountColumn[CaseloadLine](
                "Reviews next term",
                lambda r: r.reviews_next_term,
                f"Annual reviews (R1) due in the {report.next_term.name.lower()}",
            ),
            CountColumn[CaseloadLine]("Overdue", lambda r: r.overdue),
        ],
        [
            Column(
                "Load",
                lambda r: _load_text(r, limit),
                lambda r: r.open_cases.count,
                foreground=lambda r: OVERLOAD_COLOUR if r.overloaded else None,
                decoration=lambda r: status_icon("overdue") if r.overloaded else None,
                header_tip=f"Open cases against the overload threshold ({limit})",
            )
        ],
        parent=parent,
    )
    model.set_rows(list(report.caseloads))
    return model


class ForecastLine(NamedTuple):
    name: str
    by_weeks: dict[int, Bucket]


def _weeks_bucket(weeks: int) -> Callable[[ForecastLine], Bucket]:
    return lambda line: line.by_weeks[weeks]


def forecast_model(report: TeamReport, parent: Any = None) -> SummaryModel[ForecastLine]:
    rows: list[ForecastRow] = list(report.forecast)
    lines = [ForecastLine(r.worker.name, dict(r.by_weeks)) for r in rows]
    lines.append(ForecastLine(ALL_LABEL, dict(report.forecast_total)))
    model = SummaryModel[ForecastLine](
        [Column("Caseworker", lambda r: r.name, lambda r: r.name)],
        [
            CountColumn[ForecastLine](
                f"Within {n} weeks",
                _weeks_bucket(n),
                "Cases with an open statutory step due after today and by "
                f"{format_date(report.as_of + timedelta(weeks=n))}",
            )
            for n in FORECAST_WEEKS
        ],
        parent=parent,
    )
    model.set_rows(lines)
    return model


# The pipeline's rules as a caseworker reads them (the store's own say "R2 done, R5 open").
PIPELINE_RULE_WORDS = {
    "Reviews due next term": "The annual review falls due in the term: within 12 months of "
    "the plan or the last review (Children and Families Act 2014 s.44(1))",
    "Reviews overdue": "More than 12 months since the plan or the last review, with no review "
    "decision sent (CFA 2014 s.44(1))",
    "Meeting notices sent": "Review meeting invitations sent; the decision after the review is "
    "still to send (reg 20(3))",
    "Review reports received": "The review report is in; the decision after the review is "
    "still to send (reg 20(7))",
    "Decisions due": "The decision after the review is due within 4 weeks of the meeting "
    "(reg 20(10))",
    "Amended plans due": "The amended plan is due within 8 weeks of the proposed amendments "
    "and 12 weeks of the meeting (reg 22(3))",
}


TRANSFER_RULE_WORDS = (
    "The review and the amended plan naming the next school or college are due by this date "
    "(reg 18)"
)


def rule_words(stage: PipelineStage) -> str:
    for name, words in PIPELINE_RULE_WORDS.items():
        if stage.name.startswith(name):  # "Reviews due next term (Autumn term 2025)"
            return words
    if stage.name.startswith(("Phase transfers", "Post-16 transfers")):
        return TRANSFER_RULE_WORDS
    return stage.rule


def pipeline_model(report: TeamReport, parent: Any = None) -> SummaryModel[PipelineStage]:
    model = SummaryModel[PipelineStage](
        [Column("Stage", lambda r: r.name, lambda r: r.name)],
        [
            CountColumn[PipelineStage]("Cases", lambda r: r.cases),
            CountColumn[PipelineStage]("Of which overdue", lambda r: r.overdue),
        ],
        [Column("Rule", rule_words, rule_words, tooltip=rule_words)],
        parent=parent,
    )
    model.set_rows(list(report.pipeline))
    return model


class Measure(NamedTuple):
    """One timeliness line: this scope's count and percentage beside England's."""

    name: str
    counted: str
    percent: float | None
    england: str


def _count_text(part: int, whole: int) -> str:
    return f"{part} of {whole}" if whole else "none in the period"


def timeliness_measures(report: TeamReport) -> list[Measure]:
    t, nat, other = report.timeliness, report.national, report.national_other
    year = f" ({nat.year})" if nat else ""
    return [
        Measure(
            "New plans within 20 weeks, excluding exceptions (headline)",
            _count_text(t.plans_without_exception_within_20_weeks, t.plans_without_exception),
            t.pct_within_20_weeks_excl,
            f"{nat.excluding_exceptions:.1f}%{year}" if nat else "",
        ),
        Measure(
            "New plans within 20 weeks, including exceptions",
            _count_text(t.plans_within_20_weeks, t.plans_issued),
            t.pct_within_20_weeks_incl,
            f"{nat.including_exceptions:.1f}%{year}" if nat else "",
        ),
        Measure(
            "Decisions whether to assess within 6 weeks",
            _count_text(t.decisions_within_6_weeks, t.decisions),
            t.pct_decisions_within_6_weeks,
            f"{other['decisions_within_6_weeks']:.1f}% (2024)",
        ),
        Measure(
            "Plans issued after more than 52 weeks (lower is better)",
            _count_text(t.plans_after_52_weeks, t.plans_issued),
            t.pct_plans_after_52_weeks,
            f"{other['plans_after_52_weeks']:.1f}% (2024)",
        ),
        Measure(
            "Review decisions within 4 weeks of the meeting",
            _count_text(t.review_decisions_within_4_weeks, t.review_decisions),
            t.pct_review_decisions_within_4_weeks,
            f"{other['review_decisions_within_4_weeks']:.1f}% (2024)",
        ),
        Measure(
            "Reviews held within 12 months",
            _count_text(t.reviews_within_12_months, t.reviews),
            t.pct_reviews_within_12_months,
            "not published",
        ),
    ]


def percent_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def timeliness_model(report: TeamReport, parent: Any = None) -> RowTableModel[Measure]:
    model = RowTableModel[Measure](
        [
            Column("Measure", lambda m: m.name, lambda m: m.name),
            Column("Counted", lambda m: m.counted, lambda m: m.counted, align_right=True),
            Column(
                "This team",
                lambda m: percent_text(m.percent),
                lambda m: m.percent if m.percent is not None else -1.0,
                align_right=True,
            ),
            Column("England", lambda m: m.england, lambda m: m.england, align_right=True),
        ],
        parent,
    )
    model.set_rows(timeliness_measures(report))
    return model


# ---------------------------------------------------------------- the drill-down list


class DrillRow(NamedTuple):
    """A case in a drill-down list, with the step it was counted for."""

    case: ReportCase
    item: Item
    as_of: date


def _days_words(row: DrillRow) -> str:
    due = row.item.due
    if due is None:
        return ""
    days = (due - row.as_of).days
    plural = "" if abs(days) == 1 else "s"
    if days < 0:
        return f"{-days} day{plural} late"
    return "today" if days == 0 else f"in {days} day{plural}"


def _counted_for(row: DrillRow) -> str:
    """The step's title as a caseworker says it (the engine's ids are ours, not theirs)."""
    item = row.item
    if not item.step_id:
        return "No open statutory step"
    return item.step_title or "A statutory step"


def _next_deadline(row: DrillRow) -> str:
    return format_date(row.case.next_due) if row.case.next_due else "None open"


def _case_status(row: DrillRow) -> str:
    if row.case.status is None:
        return "No deadline open"
    return step_look(row.case.next_step, row.case.status).label


DRILL_COLUMNS: list[Column[DrillRow]] = [
    Column("Case ref", lambda r: r.case.ref, lambda r: r.case.ref),
    Column("Child", lambda r: r.case.child_name, lambda r: r.case.child_name.lower()),
    Column("Caseworker", lambda r: r.case.caseworker, lambda r: r.case.caseworker.lower()),
    Column("Stage", lambda r: r.case.stage, lambda r: r.case.stage),
    Column("Step", _counted_for, _counted_for),
    Column("Due", lambda r: format_date(r.item.due), lambda r: date_key(r.item.due)),
    Column(
        "When",
        _days_words,
        lambda r: (r.item.due - r.as_of).days if r.item.due else 10**6,
        foreground=lambda r: (
            status_colour("overdue") if r.item.due and r.item.due < r.as_of else None
        ),
        align_right=True,
    ),
    Column(
        "Next deadline",
        _next_deadline,
        lambda r: date_key(r.case.next_due),
        tooltip=lambda r: r.case.next_title,
        header_tip="The case's earliest open statutory deadline, whichever step it is",
    ),
    Column(
        "Status",
        _case_status,
        lambda r: look(r.case.status).rank,
        decoration=lambda r: status_icon(r.case.status) if r.case.status else None,
        foreground=lambda r: status_colour(r.case.status) if r.case.status else None,
        tooltip=lambda r: r.case.next_title,
    ),
]


class DrillModel(RowTableModel[DrillRow]):
    """Exactly the cases behind one number."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(DRILL_COLUMNS, parent)

    def show_rows(self, as_of: date, rows: Sequence[tuple[ReportCase, Item]]) -> None:
        """The cases behind a number (store/reports.py `cases_behind`), on the report's day."""
        self.set_rows([DrillRow(case, item, as_of) for case, item in rows])

    def case_ids(self) -> list[int]:
        return [r.case.case_id for r in self.visible_rows()]


def worker_label(worker: Worker, line: CaseloadLine | None, limit: int) -> str:
    """ "Cara Cole (South) - 4 open cases, 2 overdue": for choosing whom to give cases to."""
    team = f" ({worker.team})" if worker.team else ""
    if line is None:
        return f"{worker.name}{team}"
    flag = "  - OVERLOADED" if line.overloaded else ""
    return f"{worker.name}{team} - {line.open_cases.count} open of {limit}{flag}"
