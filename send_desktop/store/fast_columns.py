"""A set of cases read straight from SQL into the bulk engine's columns, with no Facts objects.

`statutory_columns` gives `timeline.bulk.compute_bulk` everything its statutory steps read, with
dates turned into day numbers by the database itself and child rows narrowed in SQL:

- cases: one select (the caller's, so it can add names and filters) whose first columns are
  `CASE_FIELDS`: ids, day numbers, outcome codes and whether the case has advice requests;
- moves, mediations and appeals: the latest row of each case (the one the clocks run on);
- advice requests: only the rows that can still be open, with their number among the case's
  requests and the case's count. A received request is done, so its N2 step can never be the
  next deadline or overdue; it stands in as a done slot (keeping the count and the numbering
  "N2.3" of the others) unless the case holds an exception, when a late receipt shows as
  "late - exception applies", which the engine counts as open. A case with requests but none
  open gets one done stand-in (its stage is still "Assessment");
- consultations: left out; their N4b steps are not statutory;
- reviews: every row (R1, R2-R7, P1-P3 and T3 read them all);
- exceptions: the distinct codes per case.

So the statutory steps (status, due, days, next deadline, overdue count, stage) are exactly the
engine's; the non-statutory rows (N4b, N4.target, R8) are not to be read from these columns.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import chain
from operator import itemgetter
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import ColumnElement, Integer, Select, case, func, select
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from send_desktop.store import fields as registry
from send_desktop.store.models import (
    AdviceRequest,
    AnnualReview,
    Appeal,
    Case,
    CaseException,
    Child,
    Mediation,
    Move,
)
from send_desktop.timeline.bulk import (
    CASE_DATES,
    DECISION_CODES,
    EXCEPTION_BITS,
    MISSING,
    REVIEW_OUTCOME_CODES,
    TRANSFER_CODES,
    CaseColumns,
    ChildTable,
)

Ordinals = npt.NDArray[np.int32]


class day_number(FunctionElement[int]):
    """A date column as `date.toordinal()` computed by the database; 0 (MISSING) for NULL."""

    type = Integer()
    inherit_cache = True


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps dates as ISO text; julianday() of 0001-01-01 is 1721425.5, its ordinal 1.
    arg = compiler.process(element.clauses, **kw)
    return f"COALESCE(CAST(julianday({arg}) - 1721424.5 AS INTEGER), 0)"


@compiles(day_number, "postgresql")
def _day_number_postgresql(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"COALESCE(({arg}) - DATE '0001-01-01' + 1, 0)"


@compiles(day_number)
def _day_number_other(element: day_number, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"day_number is not written for {compiler.dialect.name}")


def _coded(column: Any, table: dict[str, int]) -> ColumnElement[int]:
    """A word column as its engine code: 0 for NULL, -1 for a word the engine does not know."""
    return case(
        (column.is_(None), 0),
        *((column == word, code) for word, code in table.items()),
        else_=-1,
    )


# The case select's leading columns, in this order; the caller may add more after them.
# Which columns feed which Facts dates is the registry's (store/fields.py); read by name.
_CASE_DAYS: Final = {
    **{fact: getattr(Case, column) for column, fact in registry.CASE.dates},
    **{fact: getattr(Child, column) for column, fact in registry.CHILD.dates},
}
# Whether a case has any advice request (EXISTS stops at the first; a count per case cost a
# fifth of the whole select). Only cases with open requests need their real count.
_HAS_ADVICE = case(
    (select(AdviceRequest.id).where(AdviceRequest.case_id == Case.id).exists(), 1), else_=0
)
CASE_FIELDS: Final[tuple[Any, ...]] = (
    Case.id,
    *(day_number(column) for column in _CASE_DAYS.values()),
    _coded(Case.decision_outcome, DECISION_CODES),
    _coded(Case.transfer_kind, TRANSFER_CODES),
    _HAS_ADVICE,
)
_DECISION, _TRANSFER, _ADVICE = len(_CASE_DAYS) + 1, len(_CASE_DAYS) + 2, len(_CASE_DAYS) + 3

# Facts fields kept on the latest move, mediation and appeal row of a case.
_LATEST: Final = tuple(
    (model, {fact: getattr(model, column) for column, fact in record.dates})
    for model, record in (
        (Move, registry.MOVE),
        (Mediation, registry.MEDIATION),
        (Appeal, registry.APPEAL),
    )
)
_REVIEW_DAYS: Final = {
    fact: getattr(AnnualReview, column) for column, fact in registry.REVIEW.dates
}


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a whole caseload's rows are built.

    Building 100,000 rows allocates millions of tuples; each allocation burst triggers a
    collection that walks every live object, which took a third of the caseload's time. Rows
    hold no reference cycles, so nothing is left for later; the collector is turned back on
    only if it was on (another thread may have paused it too).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True, slots=True)
class CaseTable:
    """The bulk engine's columns for a set of cases, and the caller's own extra columns."""

    columns: CaseColumns
    extra: list[Sequence[Any]]  # one sequence per extra select column, in case order


def statutory_columns(
    session: Session, rows: Sequence[Sequence[Any]], id_select: Select[Any] | None, as_of: date
) -> CaseTable:
    """Columns for the cases in rows (a case select starting with CASE_FIELDS, ordered by id).

    id_select selects the same cases' ids, to narrow the child-row selects in SQL; None reads
    every child row and keeps those of these cases, which is quicker when rows hold most of
    the cases (testing each child row against a list of 100,000 ids costs more than reading
    the few rows of other cases). as_of is the date the stand-in advice rows carry (a day the
    engine's calendar always covers).
    """
    width = len(CASE_FIELDS)
    block = _int_block(rows, range(width))
    ids = block[:, 0].copy()
    if len(ids) > 1 and (np.diff(ids) <= 0).any():
        raise ValueError("cases must come ordered by id, each once")
    n = len(ids)
    dates: dict[str, Ordinals] = {name: np.zeros(n, dtype=np.int32) for name in CASE_DATES}
    for at, name in enumerate(_CASE_DAYS, start=1):
        dates[name] = block[:, at].astype(np.int32)
    conn = session.connection()
    for table, fields in _LATEST:
        latest = select(func.max(table.id)).group_by(table.case_id)
        query = select(table.case_id, *(day_number(c) for c in fields.values())).where(
            table.id.in_(latest)
        )
        found = conn.execute(_of_cases(query, table.case_id, id_select)).all()
        if found:
            got = _int_block(found, range(len(fields) + 1))
            where, keep = _positions(ids, got[:, 0])
            for k, name in enumerate(fields, start=1):
                dates[name][where] = got[keep, k]
    decision = _known_codes(block[:, _DECISION], "decision_outcome")
    transfer = _known_codes(block[:, _TRANSFER], "transfer_kind")
    advice_count = block[:, _ADVICE].astype(np.int32)  # 1 or 0 until the advice rows say
    return CaseTable(
        columns=CaseColumns(
            case_id=ids,
            dates=dates,
            decision_outcome=decision,
            transfer_kind=transfer,
            exception_bits=_exception_bits(session, ids, id_select),
            advice=_advice(session, ids, id_select, advice_count, as_of.toordinal()),
            consultations=ChildTable.pad(
                n,
                np.zeros(0, dtype=np.intp),
                {"sent": np.zeros(0, np.int32), "responded": np.zeros(0, np.int32)},
                labels={"institution": []},
            ),
            reviews=_reviews(session, ids, id_select),
        ),
        extra=[list(map(itemgetter(k), rows)) for k in range(width, len(rows[0]))] if n else [],
    )


def _int_block(rows: Sequence[Sequence[Any]], at: Iterable[int]) -> npt.NDArray[np.int64]:
    """Integer columns of many rows as one (rows, columns) array, read in a single pass
    (several times quicker than numpy converting one transposed tuple per column)."""
    at = tuple(at)
    pick = itemgetter(*at) if len(at) > 1 else (lambda row: (row[at[0]],))
    flat = np.fromiter(
        chain.from_iterable(map(pick, rows)), dtype=np.int64, count=len(rows) * len(at)
    )
    return flat.reshape(len(rows), len(at))


_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


def _of_cases(query: _Query, case_id: Any, id_select: Select[Any] | None) -> _Query:
    return query if id_select is None else query.where(case_id.in_(id_select))


def _positions(
    ids: npt.NDArray[np.int64], case_ids: Sequence[Any] | npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Where each child row's case sits in ids (sorted), and which rows have a case there.

    A row whose case is not in ids (a case added between two selects) is dropped.
    """
    wanted = np.array(case_ids, dtype=np.int64)
    at = np.searchsorted(ids, wanted)
    at = np.minimum(at, max(len(ids) - 1, 0))
    keep = (ids[at] == wanted) if len(ids) else np.zeros(len(wanted), dtype=np.bool_)
    return np.asarray(at[keep], dtype=np.intp), np.asarray(keep)


def _known_codes(values: npt.NDArray[np.int64], what: str) -> npt.NDArray[np.int8]:
    if (values < 0).any():
        raise ValueError(f"{what}: a case holds a word the timeline does not know")
    return values.astype(np.int8)


def _exception_bits(
    session: Session, ids: npt.NDArray[np.int64], id_select: Select[Any] | None
) -> npt.NDArray[np.int8]:
    bits = np.zeros(len(ids), dtype=np.int8)
    query = select(CaseException.case_id, CaseException.code).distinct()
    found = session.connection().execute(_of_cases(query, CaseException.case_id, id_select)).all()
    if found:
        case_ids = np.array([row[0] for row in found], dtype=np.int64)
        codes = [row[1] for row in found]
        where, keep = _positions(ids, case_ids)
        try:
            code_bits = np.array([EXCEPTION_BITS[c] for c in codes], dtype=np.int8)
        except KeyError as exc:
            raise ValueError(f"exception code: {exc.args[0]!r} is not known") from None
        np.bitwise_or.at(bits, where, code_bits[keep])
    return bits


def _advice(
    session: Session,
    ids: npt.NDArray[np.int64],
    id_select: Select[Any] | None,
    count: npt.NDArray[np.int32],
    stand_in: int,
) -> ChildTable:
    """Every case's advice slots: its open requests as recorded, the rest done stand-ins.

    count holds 1 for a case with any request, 0 otherwise; the selected rows bring the real
    count of their case."""
    a = aliased(AdviceRequest)
    b = aliased(AdviceRequest)
    number = (
        select(func.count())
        .where(b.case_id == a.case_id, b.id <= a.id)
        .correlate(a)
        .scalar_subquery()
    )
    total = select(func.count()).where(b.case_id == a.case_id).correlate(a).scalar_subquery()
    query = select(
        a.case_id, number, a.kind, day_number(a.requested), day_number(a.received), total
    )
    conn = session.connection()
    # Two selects, each served by an index: the open requests, and the received ones of the
    # cases holding an exception (an OR of both makes SQLite read every request).
    found = list(
        conn.execute(_of_cases(query.where(a.received.is_(None)), a.case_id, id_select)).all()
    )
    found += conn.execute(
        _of_cases(
            query.where(a.received.is_not(None), a.case_id.in_(select(CaseException.case_id))),
            a.case_id,
            id_select,
        )
    ).all()
    n = len(ids)
    if found:
        got = _int_block(found, (0, 1, 3, 4, 5))
        where, keep = _positions(ids, got[:, 0])
        slot = got[keep, 1].astype(np.intp) - 1
        # The case's own count; never fewer slots than the numbers seen (a request added
        # between the two selects widens its case rather than being lost).
        np.maximum.at(count, where, np.maximum(got[keep, 4], slot + 1).astype(np.int32))
    else:
        where = slot = np.zeros(0, dtype=np.intp)
    width = int(count.max()) if n else 0
    present = np.arange(width, dtype=np.int32)[None, :] < count[:, None]
    done_stand_in = np.where(present, np.int32(stand_in), np.int32(MISSING)).astype(np.int32)
    requested_grid = done_stand_in.copy()
    received_grid = done_stand_in
    kind_grid = np.full((n, width), "", dtype=object)
    if found:
        requested_grid[where, slot] = got[keep, 2]
        received_grid[where, slot] = got[keep, 3]
        kind_grid[where, slot] = np.array(list(map(itemgetter(2), found)), dtype=object)[keep]
    return ChildTable(
        count=count,
        dates={"requested": requested_grid, "received": received_grid},
        labels={"kind": kind_grid},
    )


def _reviews(
    session: Session, ids: npt.NDArray[np.int64], id_select: Select[Any] | None
) -> ChildTable:
    query = select(
        AnnualReview.case_id,
        _coded(AnnualReview.outcome, REVIEW_OUTCOME_CODES),
        *(day_number(c) for c in _REVIEW_DAYS.values()),
    )
    query = _of_cases(query, AnnualReview.case_id, id_select).order_by(AnnualReview.id)
    found = session.connection().execute(query).all()
    if not found:
        empty = np.zeros(0, dtype=np.int32)
        return ChildTable.pad(
            len(ids),
            np.zeros(0, dtype=np.intp),
            {name: empty for name in _REVIEW_DAYS},
            {"outcome": np.zeros(0, dtype=np.int8)},
        )
    got = _int_block(found, range(len(_REVIEW_DAYS) + 2))
    where, keep = _positions(ids, got[:, 0])
    return ChildTable.pad(
        len(ids),
        where,
        {name: got[keep, k].astype(np.int32) for k, name in enumerate(_REVIEW_DAYS, start=2)},
        {"outcome": _known_codes(got[keep, 1], "review outcome")},
    )
