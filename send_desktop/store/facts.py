"""Cases' recorded dates turned into timeline Facts with a handful of bulk selects."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import Connection, Date, Select, String, null, select, type_coerce
from sqlalchemy.orm import Session

from send_desktop import timeline as tl
from send_desktop.store import fields
from send_desktop.store.models import (
    AdviceRequest,
    AnnualReview,
    Appeal,
    Base,
    Case,
    CaseException,
    Child,
    Consultation,
    Mediation,
    Move,
)

if TYPE_CHECKING:
    from send_desktop.timeline.bulk import CaseColumns

# Keeps IN lists under SQLite's bound-parameter limit and PostgreSQL's comfortable size.
CHUNK = 5000

# Which columns feed which Facts is the registry's (store/fields.py); this module only reads them.
_CASE_FACTS: Final = (*fields.CASE.facts, *fields.CHILD.facts)
CASE_COLUMNS: Final = (
    Case.id,
    *(getattr(Case, column) for column, _ in fields.CASE.facts),
    *(getattr(Child, column) for column, _ in fields.CHILD.facts),
)
_CASE_FACT_NAMES: Final = tuple(fact for _, fact in _CASE_FACTS)
# Rows of which each one is a timeline record in Facts (advice, consultations...), and the
# timeline's class for it; and rows of which the case's latest counts (moves, mediations...).
_EACH: Final[tuple[tuple[type[Base], type[Any]], ...]] = (
    (AdviceRequest, tl.AdviceRequest),
    (Consultation, tl.Consultation),
    (AnnualReview, tl.Review),
    (CaseException, tl.ExceptionRecord),
)
_LATEST: Final[tuple[type[Base], ...]] = (Move, Mediation, Appeal)


def _record(model: type[Base]) -> fields.Record:
    return fields.RECORDS[str(model.__tablename__)]


def case_facts(session: Session, case_ids: Iterable[int] | None = None) -> dict[int, tl.Facts]:
    """Facts for the given cases (all cases when None), keyed by case id."""
    if case_ids is None:
        return facts_for(session, select(Case.id))
    ids = sorted(set(case_ids))
    found: dict[int, tl.Facts] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(facts_for(session, select(Case.id).where(Case.id.in_(chunk))))
    return found


def facts_for(session: Session, id_select: Select[Any]) -> dict[int, tl.Facts]:
    """Facts for the cases whose ids id_select returns (a subquery, not a Python list)."""
    ids = id_select
    # Core rows through the session's connection: no ORM result processing per row.
    query = select(*CASE_COLUMNS).join(Child, Child.id == Case.child_id).where(Case.id.in_(ids))
    case_rows = session.connection().execute(query).all()
    related = RelatedRows.load(session, ids)
    return {row[0]: related.facts(row) for row in case_rows}


class RelatedRows:
    """Every event row of a set of cases, grouped by case id, in the order they were added."""

    def __init__(self) -> None:
        # Facts field ("advice"...) -> case id -> the case's timeline records, oldest first.
        self.each: dict[str, dict[int, list[Any]]] = {}
        # Moves, mediations and appeals: the latest row is the one the clocks run on.
        self.latest: list[tuple[tuple[str, ...], dict[int, Sequence[Any]]]] = []

    @classmethod
    def load(cls, session: Session, ids: Select[Any]) -> RelatedRows:
        found = cls()
        conn = session.connection()
        for model, timeline_class in _EACH:
            record = _record(model)
            # In the timeline class's field order, so each record is built positionally (fast).
            column_of = {fact: column for column, fact in record.facts}
            columns = [
                getattr(model, column_of[f.name]) for f in dataclasses.fields(timeline_class)
            ]
            by_case: dict[int, list[Any]] = defaultdict(list)
            for case_id, *values in conn.execute(
                select(model.case_id, *columns)  # type: ignore[attr-defined]
                .where(model.case_id.in_(ids))  # type: ignore[attr-defined]
                .order_by(model.case_id, model.id)  # type: ignore[attr-defined]
            ):
                by_case[case_id].append(timeline_class(*values))
            assert record.feeds is not None
            found.each[record.feeds] = by_case
        for model in _LATEST:
            record = _record(model)
            columns = [getattr(model, column) for column, _ in record.facts]
            rows = _latest_by_case(conn, model, ids, *columns)
            found.latest.append((tuple(fact for _, fact in record.facts), rows))
        return found

    def facts(self, row: Sequence[Any]) -> tl.Facts:
        """Facts from one row of CASE_COLUMNS plus this case's event rows."""
        case_id = row[0]
        # The row may run on past CASE_COLUMNS (the caseload adds names): only its start is read.
        values: dict[str, Any] = dict(zip(_CASE_FACT_NAMES, row[1:], strict=False))
        for name, by_case in self.each.items():
            values[name] = tuple(by_case.get(case_id, ()))
        for names, latest in self.latest:
            found = latest.get(case_id)
            if found is not None:
                values.update(zip(names, found[1:], strict=True))
        return tl.Facts(**values)


def _latest_by_case(
    conn: Connection, model: Any, ids: Select[Any], *columns: Any
) -> dict[int, Sequence[Any]]:
    """(case_id, *columns) of each case's latest row of `model` (by id), keyed by case id."""
    rows = conn.execute(
        select(model.case_id, *columns).where(model.case_id.in_(ids)).order_by(model.id)
    )
    return {row[0]: row for row in rows}


# --- the same cases straight into the numpy engine's columns (no Facts objects) ---------------


def _as_stored(column: Any) -> Any:
    """A column as the driver returns it: SQLite's ISO text for a date (parsed by numpy in
    `ordinals`, instead of a `date` object made per value by SQLAlchemy), PostgreSQL's date."""
    return type_coerce(column, String()) if isinstance(column.type, Date) else column


def _driver_rows(conn: Connection, query: Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of a select as the driver's own tuples (no SQLAlchemy Row per row: at 100,000
    cases that processing cost as much as the database's work). The select's parameters are
    ids and words, which need no conversion."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def case_columns(session: Session, id_select: Select[Any]) -> CaseColumns:
    """The cases id_select returns as the bulk engine's columns, read straight from SQL.

    The same rows as `facts_for` (every advice request, consultation, review and exception in
    the order added; the latest move, mediation and appeal), so
    `CaseColumns.from_facts(facts_for(...))` and this are equal column for column (tested);
    a recompute of every case reads them this way, without a Facts object per case.
    """
    import numpy as np

    from send_desktop.timeline import bulk

    conn = session.connection()
    on_case = {fact: getattr(Case, column) for column, fact in fields.CASE.facts}
    on_case |= {fact: getattr(Child, column) for column, fact in fields.CHILD.facts}
    # The case rows in the engine's column order, the latest move/mediation/appeal facts
    # NULL here and filled in below for the few cases that have such a row.
    latest = {fact: model for model in _LATEST for _column, fact in _record(model).facts}
    unknown = [n for n in bulk.CASE_COLUMNS[1:] if n not in on_case and n not in latest]
    if unknown:
        raise ValueError(f"no column of the store feeds {', '.join(unknown)}")
    query = (
        select(
            Case.id,
            *(
                _as_stored(on_case[name]) if name in on_case else null()
                for name in bulk.CASE_COLUMNS[1:]
            ),
        )
        .join(Child, Child.id == Case.child_id)
        .where(Case.id.in_(id_select))
        .order_by(Case.id)
    )
    cases: list[Any] = _driver_rows(conn, query)
    ids = np.fromiter((row[0] for row in cases), dtype=np.int64, count=len(cases))
    for model in _LATEST:
        record = _record(model)
        found = _latest_by_case(
            conn, model, id_select, *(_as_stored(getattr(model, c)) for c, _ in record.facts)
        )
        slots = [bulk.CASE_COLUMNS.index(fact) for _column, fact in record.facts]
        for position, row in zip(
            np.searchsorted(ids, np.array(list(found), dtype=np.int64)).tolist(),
            found.values(),
            strict=True,
        ):
            patched = list(cases[position])
            for slot, value in zip(slots, row[1:], strict=True):
                patched[slot] = value
            cases[position] = patched
    return bulk.CaseColumns.from_rows(
        cases,
        _child_rows(conn, AdviceRequest, id_select, bulk.ADVICE_COLUMNS),
        _child_rows(conn, Consultation, id_select, bulk.CONSULTATION_COLUMNS),
        _child_rows(conn, AnnualReview, id_select, bulk.REVIEW_COLUMNS),
        _child_rows(conn, CaseException, id_select, bulk.EXCEPTION_COLUMNS),
    )


def _child_rows(
    conn: Connection, model: Any, id_select: Select[Any], names: Sequence[str]
) -> Sequence[Sequence[Any]]:
    """(case_id, *the timeline record's fields named) of every row of these cases, in order."""
    column_of = {fact: column for column, fact in _record(model).facts}
    columns = [_as_stored(getattr(model, column_of[name])) for name in names[1:]]
    return _driver_rows(
        conn,
        select(model.case_id, *columns)
        .where(model.case_id.in_(id_select))
        .order_by(model.case_id, model.id),
    )
