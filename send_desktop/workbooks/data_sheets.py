"""The supervision workbook's data sheets: every recorded fact of every case, so it imports back.

The Caseload, Overdue and review sheets are for people and hold what the clock engine worked
out; they cannot be read back into the facts that produced them. The "Data - ..." sheets hold
the facts themselves: one sheet for cases (every case and child column, the caseworker and the
team) and one per kind of row that belongs to a case (advice requests, exceptions,
consultations, reviews, moves, mediations, appeals, notes).

The columns are derived from the SQLAlchemy models, not listed by hand: a column added to
`store.models` (a SEN2 field, a parent's contact details) is written and read back with no
change here. Headers are `table.column`, so a column always finds its way home; the data sheets
are written in write-only mode, values only, for speed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import Boolean, ColumnElement, Date, DateTime, Integer, Select, inspect, or_, select
from sqlalchemy.orm import RelationshipDirection, Session

from send_desktop.store.models import Base, Case, Caseworker, Child, Team
from send_desktop.workbooks.cells import clean_text, looks_like_formula

PREFIX: Final = "Data - "
CASES_SHEET: Final = PREFIX + "case"
REF_HEADER: Final = "case.ref"
# Columns that are the database's bookkeeping, not facts: ids (rows are linked by case ref),
# versions and who-saved-it stamps (the import writes its own).
_BOOKKEEPING: Final = frozenset(
    {"id", "version", "updated_at", "updated_by", "case_id", "child_id", "caseworker_id"}
)
# The caseworker and team are carried by name (ids differ between databases).
PEOPLE_HEADERS: Final = ("caseworker.name", "team.name")
_LOAD_CHUNK: Final = 5000


@cache
def fact_columns(model: type[Base]) -> tuple[str, ...]:
    """The model's columns that hold facts, in the model's order."""
    return tuple(
        attr.key
        for attr in inspect(model).column_attrs
        if attr.key not in _BOOKKEEPING and len(attr.columns) == 1
    )


@cache
def case_row_models() -> tuple[type[Base], ...]:
    """Every kind of row that belongs to a case (Case's one-to-many relationships), in order."""
    found: list[type[Base]] = []
    for rel in inspect(Case).relationships:
        if rel.direction is RelationshipDirection.ONETOMANY:
            target = rel.mapper.class_
            if target not in found:
                found.append(target)
    return tuple(found)


def table_name(model: type[Base]) -> str:
    return str(model.__tablename__)


def sheet_for(model: type[Base]) -> str:
    return (PREFIX + table_name(model))[:31]


def data_sheet_titles() -> tuple[str, ...]:
    return (CASES_SHEET, *(sheet_for(m) for m in case_row_models()))


def case_headers() -> tuple[str, ...]:
    case = tuple(f"case.{name}" for name in fact_columns(Case))
    child = tuple(f"child.{name}" for name in fact_columns(Child))
    return (*case, *child, *PEOPLE_HEADERS)


def row_headers(model: type[Base]) -> tuple[str, ...]:
    return (REF_HEADER, *(f"{table_name(model)}.{name}" for name in fact_columns(model)))


@cache
def column_kind(model: type[Base], name: str) -> str:
    """How a cell of this column is read back: date, int, bool or text."""
    column_type = inspect(model).columns[name].type
    if isinstance(column_type, DateTime):
        return "datetime"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, Integer):
        return "int"
    return "text"


# --- writing ----------------------------------------------------------------------------------


@dataclass
class DataTables:
    """The facts of the cases in a workbook, as rows ready for the data sheets."""

    cases: list[list[object]] = field(default_factory=list)
    rows: dict[type[Base], list[list[object]]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.cases) + sum(len(r) for r in self.rows.values())


def data_ids(workers: Sequence[str], unallocated: bool) -> Select[Any]:
    """The ids of every case (open or closed) of these caseworkers, and the unallocated ones."""
    conditions: list[ColumnElement[bool]] = [Caseworker.name.in_(list(workers))]
    if unallocated:
        conditions.append(Case.caseworker_id.is_(None))
    return (
        select(Case.id)
        .outerjoin(Caseworker, Caseworker.id == Case.caseworker_id)
        .where(or_(*conditions))
    )


def load_data_tables(session: Session, ids: Select[Any]) -> DataTables:
    """Every fact of the cases whose ids `ids` selects, in case id (then row id) order."""
    case_names = fact_columns(Case)
    child_names = fact_columns(Child)
    query = (
        select(
            *(getattr(Case, n) for n in case_names),
            *(getattr(Child, n) for n in child_names),
            Caseworker.name,
            Team.name,
        )
        .join(Child, Child.id == Case.child_id)
        .outerjoin(Caseworker, Caseworker.id == Case.caseworker_id)
        .outerjoin(Team, Team.id == Caseworker.team_id)
        .where(Case.id.in_(ids.scalar_subquery()))
        .order_by(Case.id)
    )
    tables = DataTables()
    tables.cases = [list(row) for row in session.execute(query)]
    for model in case_row_models():
        names = fact_columns(model)
        case_id = model.case_id  # type: ignore[attr-defined]
        row_query = (
            select(Case.ref, *(getattr(model, n) for n in names))
            .join(Case, Case.id == case_id)
            .where(case_id.in_(ids.scalar_subquery()))
            .order_by(case_id, model.id)  # type: ignore[attr-defined]
        )
        tables.rows[model] = [list(row) for row in session.execute(row_query)]
    return tables


def _inert(sheet: WriteOnlyWorksheet, text: str) -> object:
    text = clean_text(text)
    if looks_like_formula(text):
        # A note beginning "=" stays text: openpyxl would otherwise write a formula.
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"
        return cell
    return text


def _row(sheet: WriteOnlyWorksheet, values: Sequence[object]) -> list[object]:
    """Values as openpyxl writes them fastest (dates get its default date format); only text
    is looked at, so that none of it can become a formula."""
    out = list(values)
    for index, value in enumerate(out):
        if value.__class__ is str:
            out[index] = _inert(sheet, value)
    return out


def write_data_sheets(
    create_sheet: Any, tables: DataTables, header_style: object | None = None
) -> Iterator[int]:
    """Append the data sheets through `create_sheet(title)`; yields rows written as it goes."""
    sheets: list[tuple[str, Sequence[str], list[list[object]]]] = [
        (CASES_SHEET, case_headers(), tables.cases)
    ]
    for model in case_row_models():
        sheets.append((sheet_for(model), row_headers(model), tables.rows.get(model, [])))
    for title, headers, rows in sheets:
        sheet = create_sheet(title)
        assert isinstance(sheet, WriteOnlyWorksheet)
        sheet.freeze_panes = "A2"
        for number in range(1, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(number)].width = 14
        if header_style is not None:
            heads: list[object] = []
            for text in headers:
                cell = WriteOnlyCell(sheet, text)
                cell._style = header_style
                heads.append(cell)
            sheet.append(heads)
        else:
            sheet.append(list(headers))
        pending = 0
        for values in rows:
            sheet.append(_row(sheet, values))
            pending += 1
            if pending == 500:
                yield pending
                pending = 0
        if pending:
            yield pending


def plain_data_sheets(book: Any, tables: DataTables) -> None:
    """The data sheets' values appended with openpyxl's defaults: the benchmark's baseline."""
    sheets = [(CASES_SHEET, case_headers(), tables.cases)]
    sheets += [(sheet_for(m), row_headers(m), tables.rows.get(m, [])) for m in case_row_models()]
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(headers))
        for values in rows:
            sheet.append(values)


# --- reading ----------------------------------------------------------------------------------


def is_data_header(values: Sequence[object]) -> bool:
    return bool(values) and values[0] == "case.ref"


def typed(model: type[Base], name: str, value: object) -> object:
    """A cell read back as the column's type; ValueError with a reason when it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = column_kind(model, name)
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError(f"expected a date, found {str(value)[:30]!r}")
    if kind == "datetime":
        if isinstance(value, dt.datetime):
            return value
        raise ValueError(f"expected a date and time, found {str(value)[:30]!r}")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().upper() in {"TRUE", "FALSE"}:
            return value.strip().upper() == "TRUE"
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        raise ValueError(f"expected TRUE or FALSE, found {str(value)[:30]!r}")
    if kind == "int":
        if isinstance(value, bool):
            raise ValueError("expected a whole number, found TRUE/FALSE")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value.strip())
        raise ValueError(f"expected a whole number, found {str(value)[:30]!r}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date):
        raise ValueError("expected text, found a date")
    return str(value)


def model_of_sheet(title: str) -> type[Base] | None:
    for model in case_row_models():
        if sheet_for(model) == title:
            return model
    return None


__all__ = [
    "CASES_SHEET",
    "PREFIX",
    "DataTables",
    "case_headers",
    "case_row_models",
    "fact_columns",
    "load_data_tables",
    "row_headers",
    "sheet_for",
    "typed",
    "write_data_sheets",
]
