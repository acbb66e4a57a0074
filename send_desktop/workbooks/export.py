"""The supervision workbook: summary with KPIs and a chart, the caseload, overdue and due lists."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Final, Literal, Protocol

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store.counts import WORKBOOK_COLUMNS, Shown
from send_desktop.store.facts import facts_for
from send_desktop.store.models import Case, Caseworker, Team
from send_desktop.store.queries import caseload
from send_desktop.store.settings import load_policy
from send_desktop.timeline import NATIONAL_TIMELINESS, Status, Timeliness, timeliness
from send_desktop.workbooks.cells import clean_text, looks_like_formula, sheet_title
from send_desktop.workbooks.data_sheets import (
    DataTables,
    data_sheet_titles,
    load_data_tables,
    plain_data_sheets,
    write_data_sheets,
)
from send_desktop.workbooks.pseudonyms import pseudonym_secret, ref_coder

log = logging.getLogger(__name__)

Progress = Callable[[int, int], bool]
CellKind = Literal["text", "user", "date", "int", "status", "title", "label", "percent", "stamp"]

DATE_FORMAT: Final = "dd/mm/yyyy"
DUE_SOON_DAYS: Final = 28
_PROGRESS_EVERY: Final = 500
_FONT: Final = "Calibri"  # the workbook default; named so bold cells do not fall back to a serif


class CaseloadLike(Protocol):
    """The parts of `store.queries.CaseloadRow` the export reads (a NamedTuple satisfies it)."""

    @property
    def ref(self) -> str: ...
    @property
    def child_name(self) -> str: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def date_of_birth(self) -> dt.date | None: ...
    @property
    def upn(self) -> str | None: ...
    @property
    def caseworker(self) -> str | None: ...
    @property
    def team(self) -> str | None: ...
    @property
    def stage(self) -> str: ...
    @property
    def next_step(self) -> str | None: ...
    @property
    def next_title(self) -> str | None: ...
    @property
    def next_due(self) -> dt.date | None: ...
    @property
    def days_left(self) -> int | None: ...
    @property
    def status(self) -> Status | None: ...
    @property
    def has_exception(self) -> bool: ...
    @property
    def request_received(self) -> dt.date | None: ...
    @property
    def decision_due(self) -> dt.date | None: ...
    @property
    def decision_date(self) -> dt.date | None: ...
    @property
    def final_due(self) -> dt.date | None: ...
    @property
    def final_issued(self) -> dt.date | None: ...
    @property
    def weeks_open(self) -> int | None: ...
    @property
    def review_due(self) -> dt.date | None: ...


@dataclass(frozen=True, slots=True)
class Kpi:
    """One line of the Summary's key figures: label, value and how Excel should show it."""

    label: str
    value: float | int | str | None
    kind: Literal["int", "percent", "number", "text"] = "int"
    note: str = ""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What was written (path None when cancelled)."""

    path: Path | None
    cases: int
    sheets: tuple[str, ...]
    seconds: float
    cancelled: bool = False


class ExportCancelled(Exception):
    """Raised inside the writer when the progress callback asks to stop."""


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: float
    kind: CellKind


@dataclass
class Table:
    """A sheet's rows as plain values; the styled writer and the benchmark baseline share it."""

    title: str
    columns: tuple[Column, ...]
    rows: list[list[object]] = field(default_factory=list)
    status_column: int | None = None


# --- the rows ---------------------------------------------------------------------------------

_STATUS_ORDER: Final = {
    Status.OVERDUE: 0,
    Status.LATE_EXCEPTION: 1,
    Status.DUE_SOON: 2,
    Status.ON_TRACK: 3,
    Status.DONE_LATE: 4,
    Status.DONE_ON_TIME: 5,
    Status.NOT_APPLICABLE: 6,
}
# The Summary's caseworker table and chart: one column per open status, then the rest.
CHART_STATUSES: Final = (
    Status.OVERDUE,
    Status.LATE_EXCEPTION,
    Status.DUE_SOON,
    Status.ON_TRACK,
)
NO_OPEN_DEADLINE: Final = "No open deadline"
_FILLS: Final = {
    Status.OVERDUE: ("FFC7CE", "9C0006"),
    Status.LATE_EXCEPTION: ("E4DFEC", "5B3B8C"),
    Status.DUE_SOON: ("FFEB9C", "7F5F00"),
    Status.ON_TRACK: ("C6EFCE", "006100"),
    Status.DONE_ON_TIME: ("EDEDED", "404040"),
    Status.DONE_LATE: ("EDEDED", "404040"),
}
_CHART_COLOURS: Final = ("C00000", "7030A0", "FFC000", "70AD47", "A5A5A5")


def status_text(status: Status | None) -> str:
    if status is None:
        return ""
    if status is Status.DONE_LATE:
        return Status.DONE_ON_TIME.label  # the case's next step is done; lateness is in KPIs
    return status.label


def initials(first: str, last: str) -> str:
    """ "Jane Smith" -> "J.S." for a pseudonymised workbook."""
    letters = [part[0].upper() for part in (first.strip(), last.strip()) if part]
    return "".join(f"{letter}." for letter in letters) or "?"


def _child(row: CaseloadLike, pseudonymise: bool) -> str:
    if pseudonymise:
        return initials(row.first_name, row.last_name)
    return row.child_name


def _sheet_columns(pseudonymise: bool) -> tuple[Shown, ...]:
    """The Caseload sheet's columns as store/counts.py WORKBOOK_COLUMNS declares them."""
    return tuple(c for c in WORKBOOK_COLUMNS if not (pseudonymise and c.personal))


def caseload_columns(pseudonymise: bool) -> tuple[Column, ...]:
    return tuple(Column(c.header, c.width, c.kind) for c in _sheet_columns(pseudonymise))


RefCode = Callable[[str], str]


def _ref(row: CaseloadLike, code: RefCode | None) -> str:
    return code(row.ref) if code is not None else row.ref


def caseload_values(
    row: CaseloadLike, pseudonymise: bool, code: RefCode | None = None
) -> list[object]:
    own: dict[str, object] = {
        "ref": _ref(row, code),
        "child_name": _child(row, pseudonymise),
        "has_exception": "Yes" if row.has_exception else "",
    }
    return [
        own[c.field] if c.field in own else getattr(row, c.field)
        for c in _sheet_columns(pseudonymise)
    ]


def _deadline_order(row: CaseloadLike) -> tuple[int, dt.date, str]:
    status = _STATUS_ORDER.get(row.status, 9) if row.status is not None else 9
    return (status, row.next_due or dt.date.max, row.ref)


def _caseload_table(
    title: str, rows: Iterable[CaseloadLike], pseudonymise: bool, code: RefCode | None = None
) -> Table:
    columns = caseload_columns(pseudonymise)
    table = Table(title, columns, status_column=_index(columns, "Status"))
    table.rows = [caseload_values(r, pseudonymise, code) for r in rows]
    return table


def _index(columns: Sequence[Column], header: str) -> int:
    return next(i for i, c in enumerate(columns) if c.header == header)


def _review_table(
    rows: Sequence[CaseloadLike], as_of: dt.date, pseudonymise: bool, code: RefCode | None = None
) -> Table:
    columns = (
        Column("Case ref", 12, "user"),
        Column("Child", 24, "user"),
        Column("Caseworker", 18, "user"),
        Column("Final plan issued", 12, "date"),
        Column("Review due", 12, "date"),
        Column("Days left", 8, "int"),
        Column("When", 14, "status"),
    )
    table = Table("Annual reviews", columns, status_column=6)
    due = sorted((r for r in rows if r.review_due is not None), key=lambda r: (r.review_due, r.ref))
    for row in due:
        assert row.review_due is not None
        days = (row.review_due - as_of).days
        # The review date is the engine's; this only says how near it is.
        when = (
            Status.OVERDUE
            if days < 0
            else Status.DUE_SOON
            if days <= DUE_SOON_DAYS
            else Status.ON_TRACK
        )
        table.rows.append(
            [
                _ref(row, code),
                _child(row, pseudonymise),
                row.caseworker,
                row.final_issued,
                row.review_due,
                days,
                when,
            ]
        )
    return table


@dataclass(frozen=True, slots=True)
class ExportScope:
    """Who and when the workbook is about, printed on the Summary."""

    as_of: dt.date
    generated_by: str
    generated_at: dt.datetime
    scope: str = "All caseworkers"
    kpis: tuple[Kpi, ...] = ()
    kpi_period: str = ""


def build_tables(
    rows: Sequence[CaseloadLike],
    as_of: dt.date,
    *,
    pseudonymise: bool = False,
    per_caseworker: bool = False,
    ref_code: RefCode | None = None,
) -> list[Table]:
    """Every case table of the workbook (all but the Summary) as plain values.

    `ref_code` (pseudonymised workbooks) turns each case ref into its stable code.
    """
    code = ref_code if pseudonymise else None
    ordered = sorted(rows, key=_deadline_order)
    tables = [_caseload_table("Caseload", ordered, pseudonymise, code)]
    overdue = [r for r in ordered if r.status is Status.OVERDUE]
    overdue.sort(key=lambda r: (r.next_due or dt.date.max, r.ref))
    tables.append(_caseload_table("Overdue", overdue, pseudonymise, code))
    horizon = as_of + dt.timedelta(days=DUE_SOON_DAYS)
    soon = [
        r
        for r in ordered
        if r.next_due is not None and as_of <= r.next_due <= horizon and r.status in _OPEN_NOT_LATE
    ]
    soon.sort(key=lambda r: (r.next_due or dt.date.max, r.ref))
    tables.append(_caseload_table("Due in 4 weeks", soon, pseudonymise, code))
    tables.append(_review_table(rows, as_of, pseudonymise, code))
    if per_caseworker:
        taken = {t.title for t in tables} | {"Summary"}
        taken |= set(data_sheet_titles())  # a caseworker called "Data - case" gets "(2)"
        by_worker: dict[str, list[CaseloadLike]] = {}
        for row in ordered:
            by_worker.setdefault(row.caseworker or "Unallocated", []).append(row)
        for name in sorted(by_worker, key=str.casefold):
            title = sheet_title(name, taken)
            tables.append(_caseload_table(title, by_worker[name], pseudonymise, code))
    return tables


_OPEN_NOT_LATE: Final = frozenset({Status.DUE_SOON, Status.ON_TRACK, Status.LATE_EXCEPTION})


# --- the summary ------------------------------------------------------------------------------


@dataclass
class SummaryBlock:
    """A titled table on the Summary sheet; `first_row` is filled in when it is laid out."""

    title: str
    header: list[str]
    rows: list[list[object]]
    first_row: int = 0


def summary_blocks(rows: Sequence[CaseloadLike]) -> list[SummaryBlock]:
    by_status = Counter(r.status if r.status in CHART_STATUSES else NO_OPEN_DEADLINE for r in rows)
    columns: tuple[Status | str, ...] = (*CHART_STATUSES, NO_OPEN_DEADLINE)
    titles = [c.label if isinstance(c, Status) else c for c in columns]
    status_rows: list[list[object]] = [
        [title, by_status[column]] for column, title in zip(columns, titles, strict=True)
    ]
    by_stage = Counter(r.stage for r in rows)
    stage_rows: list[list[object]] = [[stage, n] for stage, n in sorted(by_stage.items())]
    workers: dict[str, Counter[Status | str]] = {}
    for row in rows:
        status = row.status if row.status in CHART_STATUSES else NO_OPEN_DEADLINE
        assert status is not None
        workers.setdefault(row.caseworker or "Unallocated", Counter())[status] += 1
    worker_rows: list[list[object]] = []
    for name in sorted(workers, key=str.casefold):
        counts = workers[name]
        worker_rows.append([name, *(counts[c] for c in columns), sum(counts.values())])
    return [
        SummaryBlock("Cases by status", ["Status", "Cases"], status_rows),
        SummaryBlock("Cases by stage", ["Stage", "Cases"], stage_rows),
        SummaryBlock("Cases by caseworker", ["Caseworker", *titles, "Total"], worker_rows),
    ]


def summary_lines(scope: ExportScope, cases: int, pseudonymise: bool) -> list[list[object]]:
    lines: list[list[object]] = [
        ["SEND supervision workbook"],
        [],
        ["Generated", scope.generated_at],
        ["Generated by", scope.generated_by],
        ["As of", scope.as_of],
        ["Scope", scope.scope],
        ["Open cases", cases],
    ]
    if pseudonymise:
        lines.append(
            [
                "Pseudonymised",
                "names shown as initials; case refs as codes; dates of birth and UPNs removed",
            ]
        )
    return lines


# --- writing ----------------------------------------------------------------------------------


class _Styles:
    """Every cell style of the workbook, registered once; cells share these style arrays."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        thin = Side(style="thin", color="BFBFBF")
        self.header = self._make(
            sheet,
            font=Font(name=_FONT, bold=True, color="FFFFFF"),
            fill=PatternFill("solid", fgColor="1F4E79"),
            alignment=Alignment(wrap_text=True, vertical="center"),
            border=Border(bottom=thin),
        )
        self.text = self._make(sheet)
        self.user = self._make(sheet, quote_prefix=True)
        # Dates and numbers centred so they do not run into the text beside them.
        centre = Alignment(horizontal="center")
        left = Alignment(horizontal="left")
        self.date = self._make(sheet, number_format=DATE_FORMAT, alignment=centre)
        self.stamp = self._make(sheet, number_format="dd/mm/yyyy hh:mm", alignment=left)
        self.info_date = self._make(sheet, number_format=DATE_FORMAT, alignment=left)
        self.note = self._make(sheet, alignment=Alignment(horizontal="left", indent=2))
        self.int = self._make(sheet, number_format="0", alignment=centre)
        self.count = self._make(sheet, number_format="0")
        self.info_int = self._make(sheet, number_format="0", alignment=left)
        self.percent = self._make(sheet, number_format="0.0%")
        self.number = self._make(sheet, number_format="0.0")
        self.title = self._make(sheet, font=Font(name=_FONT, bold=True, size=16, color="1F4E79"))
        self.label = self._make(sheet, font=Font(name=_FONT, bold=True))
        self.block = self._make(sheet, font=Font(name=_FONT, bold=True, size=12, color="1F4E79"))
        self.status: dict[Status | None, object] = {None: self.text}
        for status in Status:
            colours = _FILLS.get(status)
            if colours is None:
                self.status[status] = self.text
                continue
            fill, ink = colours
            self.status[status] = self._make(
                sheet,
                font=Font(name=_FONT, color=ink, bold=True),
                fill=PatternFill("solid", fgColor=fill),
                alignment=Alignment(horizontal="center"),
            )

    @staticmethod
    def _make(
        sheet: WriteOnlyWorksheet,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        alignment: Alignment | None = None,
        border: Border | None = None,
        number_format: str | None = None,
        quote_prefix: bool = False,
    ) -> object:
        cell = WriteOnlyCell(sheet)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if alignment is not None:
            cell.alignment = alignment
        if border is not None:
            cell.border = border
        if number_format is not None:
            cell.number_format = number_format
        if quote_prefix:
            cell.quotePrefix = True
        return cell._style


def _cell(sheet: WriteOnlyWorksheet, value: object, style: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    cell._style = style
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        if looks_like_formula(value):
            # openpyxl would store "=..." as a formula; user data is only ever text.
            cell.data_type = "s"
    else:
        cell.value = value
    return cell


# Values whose openpyxl data type follows from their type alone: Cell's value setter would
# only infer it (and, for a date, keep the style's date format), so a table sets it directly.
_NUMBERS: Final = {int: "n", float: "n"}
_DATES: Final = {dt.date: "d", dt.datetime: "d", **_NUMBERS}


def _typed_cell(
    sheet: WriteOnlyWorksheet, value: object, style: object, kind: str
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    cell._style = style
    cell._value = value
    cell.data_type = kind
    return cell


def _values_to_row(
    sheet: WriteOnlyWorksheet, values: Iterable[object], row_idx: int
) -> Iterator[Cell]:
    """WriteOnlyWorksheet._values_to_row without its exception per styled cell.

    openpyxl tries each appended value as a cell value and takes it as a cell when that raises
    (a ValueError built with the cell's repr): most of a table's cells are styled cells, so
    that was a tenth of an export. The same cells in the same order, told apart by type.
    """
    cell = WriteOnlyCell(sheet)
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            cell = value
        else:
            cell.value = value
        cell.column = col_idx
        cell.row = row_idx
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        yield cell
        if cell.has_style or cell.hyperlink:
            cell = WriteOnlyCell(sheet)


class _Writer:
    def __init__(self, book: Workbook, total: int, progress: Progress | None) -> None:
        self.book = book
        self.total = total
        self.done = 0
        self.progress = progress
        self.styles: _Styles | None = None

    def tick(self, count: int = 1) -> None:
        self.done += count
        if self.progress is not None and not self.progress(self.done, self.total):
            raise ExportCancelled

    def sheet(self, title: str) -> WriteOnlyWorksheet:
        sheet = self.book.create_sheet(title)
        assert isinstance(sheet, WriteOnlyWorksheet)
        sheet._values_to_row = partial(_values_to_row, sheet)
        if self.styles is None:
            self.styles = _Styles(sheet)
        return sheet

    def table(self, table: Table) -> None:
        sheet = self.sheet(table.title)
        styles = self.styles
        assert styles is not None
        columns = table.columns
        for number, column in enumerate(columns, start=1):
            width = column.width
            if column.kind in {"user", "text"}:
                longest = max((len(str(r[number - 1] or "")) for r in table.rows), default=0)
                width = max(width, min(longest + 2, 45))
            sheet.column_dimensions[get_column_letter(number)].width = width
        sheet.freeze_panes = "A2"
        sheet.row_dimensions[1].height = 32  # two lines of wrapped header text
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        _print_setup(sheet, landscape=True)
        sheet.print_title_rows = "1:1"
        sheet.append([_cell(sheet, c.header, styles.header) for c in columns])
        kinds = [c.kind for c in columns]
        style_of = {
            "text": styles.text,
            "user": styles.user,
            "date": styles.date,
            "int": styles.int,
            "stamp": styles.stamp,
            "percent": styles.percent,
        }
        fixed = [style_of.get(k, styles.text) for k in kinds]
        # Only a date-formatted column's dates skip the setter (which would re-format others).
        typed = [_DATES if k in {"date", "stamp"} else _NUMBERS for k in kinds]
        status_at = table.status_column
        pending = 0
        for values in table.rows:
            cells: list[object] = []
            for index, value in enumerate(values):
                if value is None or value == "":
                    cells.append(None)
                elif index == status_at:
                    assert isinstance(value, Status)
                    cells.append(_cell(sheet, status_text(value), styles.status[value]))
                elif isinstance(value, str):
                    # Ordinary text goes in as a plain value (openpyxl's cheap path); only
                    # text a spreadsheet could read as a formula needs a cell of its own.
                    value = clean_text(value)
                    cells.append(
                        _cell(sheet, value, styles.user) if looks_like_formula(value) else value
                    )
                else:
                    kind = typed[index].get(type(value))
                    cells.append(
                        _cell(sheet, value, fixed[index])
                        if kind is None
                        else _typed_cell(sheet, value, fixed[index], kind)
                    )
            sheet.append(cells)
            pending += 1
            if pending == _PROGRESS_EVERY:
                self.tick(pending)
                pending = 0
        if pending:
            self.tick(pending)

    def summary(
        self,
        scope: ExportScope,
        rows: Sequence[CaseloadLike],
        pseudonymise: bool,
    ) -> None:
        sheet = self.sheet("Summary")
        styles = self.styles
        assert styles is not None
        sheet.column_dimensions["A"].width = 46
        sheet.column_dimensions["B"].width = 17
        for letter in "CDEFG":
            sheet.column_dimensions[letter].width = 13
        _print_setup(sheet, landscape=True)
        lines: list[list[WriteOnlyCell | None]] = []
        for number, line in enumerate(summary_lines(scope, len(rows), pseudonymise)):
            if number == 0:
                lines.append([_cell(sheet, line[0], styles.title)])
                continue
            if not line:
                lines.append([])
                continue
            label, value = line
            style = styles.stamp if isinstance(value, dt.datetime) else styles.info_date
            style = style if isinstance(value, dt.date) else styles.user
            style = styles.info_int if isinstance(value, int) else style
            lines.append([_cell(sheet, label, styles.label), _cell(sheet, value, style)])
        lines.append([])
        if scope.kpis:
            title = "Timeliness" + (f" ({scope.kpi_period})" if scope.kpi_period else "")
            lines.append([_cell(sheet, title, styles.block)])
            for kpi in scope.kpis:
                style = {
                    "int": styles.count,
                    "percent": styles.percent,
                    "number": styles.number,
                }.get(kpi.kind, styles.text)
                shown: object = "n/a" if kpi.value is None else kpi.value
                line_cells: list[WriteOnlyCell | None] = [
                    _cell(sheet, kpi.label, styles.text),
                    _cell(sheet, shown, styles.text if kpi.value is None else style),
                ]
                if kpi.note:
                    line_cells.append(_cell(sheet, kpi.note, styles.note))
                lines.append(line_cells)
            lines.append([])
        blocks = summary_blocks(rows)
        for block in blocks:
            lines.append([_cell(sheet, block.title, styles.block)])
            lines.append([_cell(sheet, h, styles.header) for h in block.header])
            block.first_row = len(lines)  # 1-based number of the header row
            if any(len(h) > 12 for h in block.header):
                sheet.row_dimensions[block.first_row].height = 30  # room for wrapped headers
            for values in block.rows:
                first, *numbers = values
                lines.append(
                    [_cell(sheet, first, styles.user)]
                    + [_cell(sheet, n, styles.int) for n in numbers]
                )
            lines.append([])
        workers = blocks[-1]
        if workers.rows:
            sheet.add_chart(_worker_chart(sheet, workers), "I3")
        for line_cells in lines:
            sheet.append(line_cells)


def _worker_chart(sheet: WriteOnlyWorksheet, block: SummaryBlock) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Open cases by caseworker and status"
    chart.y_axis.title = "Cases"
    chart.y_axis.majorGridlines = None
    header = block.first_row
    last = header + len(block.rows)
    data = Reference(
        sheet, min_col=2, max_col=1 + len(_CHART_COLOURS), min_row=header, max_row=last
    )
    names = Reference(sheet, min_col=1, min_row=header + 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(names)
    for series, colour in zip(chart.series, _CHART_COLOURS, strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.x_axis.tickLblSkip = 1  # name every caseworker, however many
    chart.x_axis.scaling.orientation = "maxMin"  # first name at the top, as in the table
    chart.height = max(7.5, 3.0 + 0.75 * len(block.rows))
    chart.width = 18
    return chart


def _print_setup(sheet: WriteOnlyWorksheet, landscape: bool) -> None:
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5


def write_supervision(
    path: str | Path,
    rows: Sequence[CaseloadLike],
    scope: ExportScope | None = None,
    *,
    pseudonymise: bool = False,
    per_caseworker: bool = False,
    progress: Progress | None = None,
    as_of: dt.date | None = None,
    generated_by: str | None = None,
    data: DataTables | None = None,
    pseudonym_secret: bytes | None = None,
) -> ExportResult:
    """Write the supervision workbook for these (open) cases; atomic, owner-only (0600).

    Give `scope` (with KPIs, see export_caseload), or just `as_of` and `generated_by`.

    The file appears complete or not at all: it is written to a temporary file in the same
    folder and moved into place. When `progress(done, total)` returns False the export stops,
    nothing is left behind and the result says cancelled.

    `data` (see workbooks.data_sheets) adds the data sheets that let the workbook be imported
    back without loss; a pseudonymised workbook never carries them. A pseudonymised workbook
    shows each case ref as a code keyed by `pseudonym_secret` (the database's, for codes that
    stay the same between exports; a one-off random key when not given).
    """
    target = Path(path)
    started = time.perf_counter()
    if scope is None:
        if as_of is None:
            raise TypeError("write_supervision needs scope= or as_of=")
        scope = ExportScope(
            as_of=as_of,
            generated_by=generated_by or "unknown",
            generated_at=dt.datetime.now().replace(microsecond=0),
        )
    _check_folder(target)
    code = None
    if pseudonymise:
        code = ref_coder(pseudonym_secret or secrets.token_bytes(32))
    tables = build_tables(
        rows, scope.as_of, pseudonymise=pseudonymise, per_caseworker=per_caseworker, ref_code=code
    )
    if pseudonymise:
        data = None  # names, dates of birth and refs stay out of a shared workbook
    total = sum(len(t.rows) for t in tables) + 1 + (data.count if data is not None else 0)
    book = Workbook(write_only=True)
    writer = _Writer(book, total, progress)
    try:
        writer.summary(scope, rows, pseudonymise)
        for table in tables:
            writer.table(table)
        data_titles: list[str] = []
        if data is not None:

            def create(title: str) -> WriteOnlyWorksheet:
                data_titles.append(title)
                return writer.sheet(title)

            assert writer.styles is not None
            for written in write_data_sheets(create, data, writer.styles.header):
                writer.tick(written)
        save_atomically(book, target)
        writer.tick()
    except ExportCancelled:
        _discard(book)
        log.info("export cancelled after %d of %d rows", writer.done, total)
        return ExportResult(None, len(rows), (), time.perf_counter() - started, cancelled=True)
    except BaseException:
        _discard(book)
        raise
    sheets = ("Summary", *(t.title for t in tables), *data_titles)
    seconds = time.perf_counter() - started
    log.info("export written: %d cases, %d sheets, %.2f s", len(rows), len(sheets), seconds)
    return ExportResult(target, len(rows), sheets, seconds)


def _check_folder(target: Path) -> None:
    folder = target.parent
    if not folder.is_dir():
        raise KnownError(f"{target}: the folder {folder} does not exist")
    if target.is_dir():
        raise KnownError(f"{target}: is a folder; give a file name ending .xlsx")
    if target.suffix.lower() not in {".xlsx", ".xlsm"}:
        raise KnownError(f"{target.name}: the export file name must end with .xlsx")


def _discard(book: Workbook) -> None:
    # A write-only sheet streams into a temporary file of its own; remove them now, not at exit.
    for sheet in book.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        with suppress(Exception):
            if not sheet.closed:
                sheet.close()
        with suppress(Exception):
            writer.cleanup()


def save_atomically(book: Workbook, target: Path) -> None:
    """Save to a temporary file beside the target, then move it into place (mode 0600)."""
    try:
        if not os.access(target.parent, os.W_OK):
            raise PermissionError(13, "Permission denied")
        # In the private data folder (tempfile points there, send_desktop.tempfiles), never
        # beside the target, where a killed export would leave names behind.
        handle, temp_name = tempfile.mkstemp(prefix="export-", suffix=".tmp")
    except OSError as exc:
        raise KnownError(f"{target}: cannot write in {target.parent} ({exc.strerror})") from exc
    os.close(handle)
    temp = Path(temp_name)
    try:
        book.save(temp)
        if os.name == "posix":
            os.chmod(temp, 0o600)
        try:
            from send_desktop.tempfiles import move_into_place

            move_into_place(temp, target)
        except PermissionError as exc:
            raise KnownError(
                f"{target}: cannot replace the file; is it open in Excel? Close it and try again"
            ) from exc
    finally:
        with suppress(FileNotFoundError):
            temp.unlink()


# --- benchmark helpers ------------------------------------------------------------------------


def write_plain(
    path: str | Path,
    rows: Sequence[CaseloadLike],
    scope: ExportScope,
    data: DataTables | None = None,
) -> None:
    """The same values with openpyxl's defaults and no formatting: the benchmark's baseline
    (with `data`, the data sheets too, values appended as they are)."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("Summary")
    for line in summary_lines(scope, len(rows), False):
        summary.append(line)
    for block in summary_blocks(rows):
        summary.append([block.title])
        summary.append(block.header)
        for values in block.rows:
            summary.append(values)
    for table in build_tables(rows, scope.as_of):
        sheet = book.create_sheet(table.title)
        sheet.append([c.header for c in table.columns])
        status_at = table.status_column
        for values in table.rows:
            if status_at is not None:
                values = list(values)
                status = values[status_at]
                values[status_at] = status_text(status if isinstance(status, Status) else None)
            sheet.append(values)
    if data is not None:
        plain_data_sheets(book, data)
    book.save(path)


def bench_export(
    rows: Sequence[CaseloadLike], path: str | Path, scope: ExportScope
) -> tuple[float, float]:
    """(seconds for the formatted export, seconds for unformatted openpyxl) on the same rows.

    The baseline is written beside `path` and removed; compare them in the same run because
    the machine's speed varies. Both paths are warmed up on 50 rows before timing.
    """
    target = Path(path)
    baseline = target.with_name(target.stem + "-baseline.xlsx")
    try:
        # Warm both paths first (imports, style tables) so only the steady state is compared.
        write_plain(baseline, rows[:50], scope)
        write_supervision(target, rows[:50], scope)
        started = time.perf_counter()
        write_plain(baseline, rows, scope)
        baseline_seconds = time.perf_counter() - started
        started = time.perf_counter()
        write_supervision(target, rows, scope)
        seconds = time.perf_counter() - started
    finally:
        with suppress(FileNotFoundError):
            baseline.unlink()
    return seconds, baseline_seconds


# --- from the database ------------------------------------------------------------------------


def timeliness_kpis(measures: Timeliness) -> tuple[Kpi, ...]:
    """The dashboard's SEN2 measures as Summary lines (percentages as Excel percentages)."""

    def pct(value: float | None) -> float | None:
        return None if value is None else value / 100

    national = NATIONAL_TIMELINESS.get(max(NATIONAL_TIMELINESS))
    england = (
        f"England {national.year}: {national.excluding_exceptions:.1f}%"
        if national is not None
        else ""
    )
    m = measures
    return (
        Kpi("New plans issued", m.plans_issued),
        Kpi(
            "Plans issued within 20 weeks (excluding exceptions)",
            pct(m.pct_within_20_weeks_excl),
            "percent",
            f"{m.plans_without_exception_within_20_weeks} of {m.plans_without_exception}; "
            + england,
        ),
        Kpi(
            "Plans issued within 20 weeks (including exceptions)",
            pct(m.pct_within_20_weeks_incl),
            "percent",
            f"{m.plans_within_20_weeks} of {m.plans_issued}",
        ),
        Kpi(
            "Decisions to assess within 6 weeks",
            pct(m.pct_decisions_within_6_weeks),
            "percent",
            f"{m.decisions_within_6_weeks} of {m.decisions}",
        ),
        Kpi(
            "Average weeks from request to final plan",
            None if m.average_weeks_to_issue is None else round(m.average_weeks_to_issue, 1),
            "number",
        ),
        Kpi(
            "Plans issued after more than 52 weeks",
            pct(m.pct_plans_after_52_weeks),
            "percent",
            f"{m.plans_after_52_weeks} of {m.plans_issued}",
        ),
        Kpi(
            "Annual reviews held within 12 months",
            pct(m.pct_reviews_within_12_months),
            "percent",
            f"{m.reviews_within_12_months} of {m.reviews}",
        ),
        Kpi(
            "Review decisions within 4 weeks of the meeting",
            pct(m.pct_review_decisions_within_4_weeks),
            "percent",
            f"{m.review_decisions_within_4_weeks} of {m.review_decisions}",
        ),
    )


def kpi_period(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 months ending on the as-of date (inclusive), the period the KPIs cover."""
    try:
        year_ago = as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February
        year_ago = as_of.replace(year=as_of.year - 1, day=28)
    return year_ago + dt.timedelta(days=1), as_of


def export_caseload(
    db: Database,
    path: str | Path,
    *,
    as_of: dt.date,
    user: str,
    caseworker: str | None = None,
    team: str | None = None,
    pseudonymise: bool = False,
    per_caseworker: bool = False,
    progress: Progress | None = None,
    generated_at: dt.datetime | None = None,
) -> ExportResult:
    """Query the open caseload (optionally one caseworker's or team's) and write the workbook.

    The KPIs are timeline.timeliness over every case in scope, open or closed, for the 12
    months to `as_of`, so they match the dashboard for the same scope.
    """
    if caseworker and team:
        raise KnownError("Choose a caseworker or a team, not both")
    _check_folder(Path(path))
    with db.session() as session:
        policy = load_policy(session)
        worker_id, team_id, scope_text = _resolve_scope(session, caseworker, team)
        rows = caseload(session, as_of, policy, caseworker_id=worker_id, team_id=team_id)
        ids = select(Case.id).outerjoin(Caseworker, Caseworker.id == Case.caseworker_id)
        if worker_id is not None:
            ids = ids.where(Case.caseworker_id == worker_id)
        if team_id is not None:
            ids = ids.where(Caseworker.team_id == team_id)
        facts = facts_for(session, ids)
        data = None if pseudonymise else load_data_tables(session, ids)
        secret = pseudonym_secret(session, user) if pseudonymise else None
    start, end = kpi_period(as_of)
    measures = timeliness(facts.values(), start, end, policy)
    scope = ExportScope(
        as_of=as_of,
        generated_by=user,
        generated_at=generated_at or dt.datetime.now().replace(microsecond=0),
        scope=scope_text,
        kpis=timeliness_kpis(measures),
        kpi_period=f"{start:%d/%m/%Y} to {end:%d/%m/%Y}",
    )
    return write_supervision(
        path,
        rows,
        scope,
        pseudonymise=pseudonymise,
        per_caseworker=per_caseworker,
        progress=progress,
        data=data,
        pseudonym_secret=secret,
    )


def _resolve_scope(
    session: Session, caseworker: str | None, team: str | None
) -> tuple[int | None, int | None, str]:
    if caseworker:
        found = session.execute(
            select(Caseworker.id, Caseworker.name).where(
                func.lower(Caseworker.name) == caseworker.strip().lower()
            )
        ).first()
        if found is None:
            raise KnownError(f"No caseworker called {caseworker!r}")
        return found[0], None, f"Caseworker: {found[1]}"
    if team:
        found = session.execute(
            select(Team.id, Team.name).where(func.lower(Team.name) == team.strip().lower())
        ).first()
        if found is None:
            raise KnownError(f"No team called {team!r}")
        return None, found[0], f"Team: {found[1]}"
    return None, None, "All caseworkers"
