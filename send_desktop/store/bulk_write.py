"""Creating and updating many cases at once: the store's rules, versions and audit, few statements.

`CaseWriter` does, in memory and in order, what `create_case`, `add_note`, `update_child` and
`update_case` in `store.cases` do one row at a time: the same checks (their pure helpers), the
same child matching by UPN and date of birth, the same generated references, the same version
bumps and the same audit rows (who, table, row id, field, old -> new). Nothing touches the
database until `write()`, which inserts children, cases and notes, updates changed rows (each
guarded by the version it was loaded at) and inserts every audit row, a few thousand rows per
statement. All of it happens in the caller's session, so the caller's transaction still makes
the whole batch land or not at all.

Where it differs: every row written in one batch shares one timestamp (the moment `write()`
ran), and a reference taken by another user after the batch was planned surfaces as a refused
write (KnownError) rather than a retry with the next number.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from operator import itemgetter
from typing import Any, Final

from sqlalchemy import Connection, Table, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.store import search_index
from send_desktop.store.audit import inserted_fields
from send_desktop.store.cases import (
    ChildDetails,
    audit_fields,
    check_row,
    database_user,
    editable_fields,
)
from send_desktop.store.errors import ConflictError
from send_desktop.store.models import AuditEntry, Base, Case, CaseNote, Child, utc_now
from send_desktop.timeline import order

log = logging.getLogger(__name__)

Progress = Callable[[int, int], bool]

# Rows per statement (and between progress reports); IN lists stay far below every limit.
CHUNK: Final = 2000
_LOOKUP_CHUNK: Final = 500
_CASE_FIELDS: Final = editable_fields(Case)
_CHILD_FIELDS: Final = editable_fields(Child)
_CASE_TABLE: Final[Table] = Case.__table__  # type: ignore[assignment]
_CHILD_TABLE: Final[Table] = Child.__table__  # type: ignore[assignment]
_NOTE_TABLE: Final[Table] = CaseNote.__table__  # type: ignore[assignment]
_AUDIT_TABLE: Final[Table] = AuditEntry.__table__  # type: ignore[assignment]
_AUDIT_COLUMNS: Final = (
    "at",
    "user",
    "db_user",
    "table_name",
    "row_id",
    "case_id",
    "field",
    "old",
    "new",
    "action",
)


@dataclass(eq=False)
class ChildState:
    """A child as the batch sees it: loaded from the database, or new (id None until written)."""

    values: dict[str, Any]
    id: int | None = None
    version: int = 1
    loaded_version: int | None = None  # None: inserted by this batch
    changed: set[str] = field(default_factory=set)
    cases: list[CaseState] = field(default_factory=list)

    @property
    def date_of_birth(self) -> date | None:
        found: date | None = self.values.get("date_of_birth")
        return found


@dataclass(eq=False)
class CaseState:
    """A case as the batch sees it; `values` holds the store's editable fields."""

    values: dict[str, Any]
    child: ChildState
    id: int | None = None
    version: int = 1
    loaded_version: int | None = None
    changed: set[str] = field(default_factory=set)
    notes: set[str] = field(default_factory=set)  # note texts, for "already noted" checks

    @property
    def ref(self) -> str:
        found: str = self.values["ref"]
        return found

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass(eq=False)
class _Note:
    case: CaseState
    values: dict[str, Any]
    id: int | None = None


@dataclass(eq=False)
class _CaseRow:
    """A row that belongs to a case (advice request, exception, review...), inserted by write()."""

    model: type[Base]
    case: CaseState
    values: dict[str, Any]
    id: int | None = None


_Row = ChildState | CaseState | _Note | _CaseRow


@dataclass(frozen=True, slots=True)
class _Audit:
    table: str
    row: _Row
    case: CaseState | None
    action: str
    fields: list[tuple[str | None, str | None, str | None]]


class CaseWriter:
    """Plans creations and updates of cases in memory with the store's rules; `write()` lands them.

    Load what the batch will touch first (`load`), then call the operations in the order a
    caseworker's rows come; each raises KnownError exactly where its one-row counterpart in
    `store.cases` would, and a failed operation leaves the plan as that function would have
    left the session. Rows loaded at a version are written back only if still at it.
    """

    def __init__(self, session: Session, user: str, as_of: date) -> None:
        self.session = session
        self.user = user
        self.as_of = as_of
        self._cases_by_ref: dict[str, CaseState] = {}
        self._cases_by_id: dict[int, CaseState] = {}
        self._children_by_id: dict[int, ChildState] = {}
        self._children_by_upn: dict[tuple[str, date | None], list[ChildState]] = {}
        self._new_children: list[ChildState] = []
        self._new_cases: list[CaseState] = []
        self._new_notes: list[_Note] = []
        self._new_rows: list[_CaseRow] = []
        self._audits: list[_Audit] = []
        self._max_ref: dict[str, str | None] = {}
        self._sqlite = session.get_bind().dialect.name == "sqlite"

    # ------------------------------------------------------------------ loading

    def load(self, refs: Iterable[str], upns: Iterable[str], *, notes: bool = False) -> None:
        """Cases with these refs, children with these UPNs, and every case of those children."""
        case_table, child_table = _CASE_TABLE, _CHILD_TABLE
        case_rows = self._select_in(case_table, case_table.c.ref, sorted(set(refs)))
        child_ids = {row["child_id"] for row in case_rows}
        child_rows = self._select_in(child_table, child_table.c.id, sorted(child_ids))
        child_rows += self._select_in(child_table, child_table.c.upn, sorted(set(upns)))
        for row in child_rows:
            if row["id"] not in self._children_by_id:
                child = ChildState(
                    {name: row[name] for name in _CHILD_FIELDS},
                    id=row["id"],
                    version=row["version"],
                    loaded_version=row["version"],
                )
                self._children_by_id[row["id"]] = child
                self._index_child(child)
        # Every case of a loaded child, so the child's first request is known in memory.
        wanted = sorted(self._children_by_id)
        for row in self._select_in(case_table, case_table.c.child_id, wanted):
            if row["id"] in self._cases_by_id:
                continue
            child = self._children_by_id[row["child_id"]]
            case = CaseState(
                {name: row[name] for name in _CASE_FIELDS},
                child,
                id=row["id"],
                version=row["version"],
                loaded_version=row["version"],
            )
            child.cases.append(case)
            self._cases_by_id[row["id"]] = case
            self._cases_by_ref[case.ref] = case
        if notes:
            note_table = _NOTE_TABLE
            found = self._select_in(note_table, note_table.c.case_id, sorted(self._cases_by_id))
            for row in found:
                self._cases_by_id[row["case_id"]].notes.add(row["text"])

    def _select_in(self, table: Table, column: Any, keys: Sequence[Any]) -> list[Any]:
        rows: list[Any] = []
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            chunk = keys[start : start + _LOOKUP_CHUNK]
            found = self.session.execute(select(table).where(column.in_(chunk)))
            rows += found.mappings().all()
        return rows

    def case_by_ref(self, ref: str) -> CaseState | None:
        """A loaded or newly created case (exact reference, as the database compares them)."""
        return self._cases_by_ref.get(ref)

    def _index_child(self, child: ChildState) -> None:
        upn = child.values.get("upn")
        if upn:
            key = (upn, child.values.get("date_of_birth"))
            self._children_by_upn.setdefault(key, []).append(child)

    def _unindex_child(self, child: ChildState) -> None:
        upn = child.values.get("upn")
        if upn:
            key = (upn, child.values.get("date_of_birth"))
            same = self._children_by_upn.get(key, [])
            if child in same:
                same.remove(child)

    # ------------------------------------------------------------------ operations

    def create_case(
        self,
        *,
        child: ChildDetails,
        request_received: date,
        ref: str | None = None,
        **fields: Any,
    ) -> CaseState:
        """As store.cases.create_case with child details: matched by UPN and DOB, else added."""
        child_state = None
        if child.upn:
            same = self._children_by_upn.get((child.upn, child.date_of_birth), [])
            if len(same) > 1:
                raise KnownError(
                    "More than one child has this UPN and date of birth; merge them first"
                )
            child_state = same[0] if same else None
        if child_state is None:
            child_state = self._add_child(child)
        values: dict[str, Any] = {"request_received": request_received, **fields}
        values.setdefault("closed", False)
        values["ref"] = ref or self._next_ref(request_received.year)
        merged = {**values, "child_id": child_state.id}
        check_row(Case, values, merged, self.as_of, child_birth=child_state.date_of_birth)
        if values["ref"] in self._cases_by_ref:
            raise KnownError(f"The reference {values['ref']} is already used - try again")
        state = dict.fromkeys(_CASE_FIELDS)
        state.update(values)  # check_row refused any other field
        case = CaseState(state, child_state)
        child_state.cases.append(case)
        self._new_cases.append(case)
        self._cases_by_ref[case.ref] = case
        self._note_ref(case.ref)
        # A new child's id is known only once written: a marker until then.
        inserted = {**values, "child_id": child_state.id or _NEW_CHILD_ID}
        self._audit_insert("case", case, case, inserted)
        return case

    def _add_child(self, details: ChildDetails) -> ChildState:
        values = {name: getattr(details, name) for name in _DETAILS}
        values["first_name"] = (values["first_name"] or "").strip()
        values["last_name"] = (values["last_name"] or "").strip()
        check_row(Child, values, values, self.as_of)
        child = ChildState(values)
        self._new_children.append(child)
        self._index_child(child)
        self._audit_insert("child", child, None, values)
        return child

    def add_note(self, case: CaseState, text: str, *, written: date | None = None) -> None:
        """As store.cases.add_note (whose rules are checked against today's date)."""
        values = {"text": text, "written": written or date.today(), "author": self.user}
        check_row(CaseNote, values, values, date.today(), request_received=case["request_received"])
        note = _Note(case, values)
        self._new_notes.append(note)
        case.notes.add(text)
        self._audit_insert("case_note", note, case, values)

    def add_row(self, case: CaseState, model: type[Base], values: dict[str, Any]) -> None:
        """As store.cases.add_row for a row that belongs to a case (advice, exception, review,
        consultation, move, mediation, appeal, note), checked against the batch's as-of date."""
        if model in (Case, Child) or model not in _ROW_MODELS:
            raise TypeError(f"add_row does not handle {model.__name__}")
        clean = dict(values)
        check_row(model, clean, clean, self.as_of, request_received=case["request_received"])
        row = _CaseRow(model, case, clean)
        self._new_rows.append(row)
        self._audit_insert(str(model.__tablename__), row, case, clean)

    def update_child(self, child: ChildState, **changes: Any) -> None:
        """As store.cases.update_child at the child's current version."""
        birth = changes.get("date_of_birth")
        if isinstance(birth, date):
            requests = [c.values["request_received"] for c in child.cases]
            first = min(requests) if requests else None
            if first is not None and first < birth:
                # The same rule and words as every other way in (timeline.order).
                raise KnownError(
                    order.order_message("case", "request_received", first, "date_of_birth", birth)
                )
        before = {name: child.values.get(name) for name in _CHILD_FIELDS}
        check_row(Child, changes, {**before, **changes}, self.as_of)
        diff = {k: (before.get(k), v) for k, v in changes.items() if before.get(k) != v}
        if not diff:
            return
        self._unindex_child(child)
        child.values.update(changes)
        self._index_child(child)
        self._changed(child, changes)
        self._audit("child", child, None, "update", diff)

    def update_case(self, case: CaseState, **changes: Any) -> None:
        """As store.cases.update_case at the case's current version."""
        before = {name: case.values.get(name) for name in _CASE_FIELDS}
        merged = {**before, "child_id": case.child.id, **changes}
        check_row(Case, changes, merged, self.as_of, child_birth=case.child.date_of_birth)
        diff = {k: (before.get(k), v) for k, v in changes.items() if before.get(k) != v}
        if not diff:
            return
        if "ref" in changes:
            self._cases_by_ref.pop(case.ref, None)
        case.values.update(changes)
        self._cases_by_ref[case.ref] = case
        self._changed(case, changes)
        self._audit("case", case, case, "update", diff)

    def _changed(self, row: ChildState | CaseState, changes: dict[str, Any]) -> None:
        row.version += 1  # one UPDATE, as the ORM's version counter would count it
        if row.loaded_version is not None:
            row.changed.update(changes)

    def _audit(
        self,
        table: str,
        row: _Row,
        case: CaseState | None,
        action: str,
        changes: dict[str, tuple[Any, Any]],
    ) -> None:
        self._audits.append(_Audit(table, row, case, action, audit_fields(action, changes)))

    def _audit_insert(
        self, table: str, row: _Row, case: CaseState | None, values: dict[str, Any]
    ) -> None:
        """_audit(table, row, case, "insert", {name: (None, value)}) without the pairs."""
        self._audits.append(_Audit(table, row, case, "insert", inserted_fields(values)))

    # ------------------------------------------------------------------ references

    def _next_ref(self, year: int) -> str:
        """As store.cases.next_ref, counting the references this batch has already taken."""
        prefix = f"EHC-{year}-"
        last = self._last_ref(prefix)
        number = 1
        if last:
            tail = last[len(prefix) :]
            number = int(tail) + 1 if tail.isdigit() else 1
        return f"{prefix}{number:05d}"

    def _last_ref(self, prefix: str) -> str | None:
        if prefix not in self._max_ref:
            last: str | None = self.session.execute(
                select(func.max(Case.ref)).where(Case.ref.like(prefix + "%"))
            ).scalar_one_or_none()
            for case in self._new_cases:
                if self._like(case.ref, prefix) and (last is None or case.ref > last):
                    last = case.ref
            self._max_ref[prefix] = last
        return self._max_ref[prefix]

    def _note_ref(self, ref: str) -> None:
        for prefix, last in self._max_ref.items():
            if self._like(ref, prefix) and (last is None or ref > last):
                self._max_ref[prefix] = ref

    def _like(self, ref: str, prefix: str) -> bool:
        head = ref[: len(prefix)]
        # LIKE ignores ASCII case on SQLite and not on PostgreSQL.
        return head.lower() == prefix.lower() if self._sqlite else head == prefix

    # ------------------------------------------------------------------ writing

    @property
    def pending(self) -> int:
        """Rows write() will insert or update (its progress counts these)."""
        updated = len(self._changed_rows(self._children_by_id.values()))
        updated += len(self._changed_rows(self._cases_by_id.values()))
        # On PostgreSQL the server's triggers write the audit rows, not write().
        audit_rows = sum(len(a.fields) for a in self._audits) if self._sqlite else 0
        return (
            len(self._new_children)
            + len(self._new_cases)
            + len(self._new_notes)
            + len(self._new_rows)
            + updated
        ) + audit_rows

    @staticmethod
    def _changed_rows(
        rows: Iterable[ChildState | CaseState],
    ) -> list[ChildState | CaseState]:
        return [row for row in rows if row.changed]

    def write(self, progress: Progress | None = None) -> bool:
        """Insert and update everything planned; False (nothing more written) if cancelled.

        Raises ConflictError when a loaded row was changed by someone else meanwhile, and
        KnownError when the database refuses a row (a reference taken meanwhile).
        """
        total = self.pending
        done = 0
        conn = self.session.connection()
        writer = _Inserter(conn, self._sqlite)
        now = utc_now()
        # Converted for the driver once, not once per row.
        stamp = writer.for_driver(_AUDIT_TABLE.c.at, now)
        stamped = ("updated_at",)

        def advance(rows: int) -> bool:
            nonlocal done
            done += rows
            return progress is None or progress(done, total)

        try:
            for chunk in _chunks(self._new_children):
                rows = [
                    (*map(c.values.get, _CHILD_FIELDS), c.version, stamp, self.user) for c in chunk
                ]
                ids = writer.insert(_CHILD_TABLE, (*_CHILD_FIELDS, *_STAMP), rows, stamped)
                for child, new_id in zip(chunk, ids, strict=True):
                    child.id = new_id
                if not advance(len(chunk)):
                    return False
            # The new cases go into the search index in one INSERT ... SELECT after their
            # rows, not by its insert trigger case by case (several times the cost of the
            # rows themselves); the trigger is dropped and put back inside this transaction,
            # so a cancel or failure leaves it as it was. Before any update: the child
            # update trigger then finds the new cases in the index, as it did before.
            search_paused = (
                bool(self._new_cases)
                and _in_transaction(conn)
                and search_index.bulk_insert_begin(conn)
            )
            for chunk in _chunks(self._new_cases):
                rows = [
                    (
                        *map(c.values.get, _CASE_FIELDS),
                        c.child.id,
                        c.version,
                        stamp,
                        self.user,
                    )
                    for c in chunk
                ]
                columns = (*_CASE_FIELDS, "child_id", *_STAMP)
                ids = writer.insert(_CASE_TABLE, columns, rows, stamped)
                for case, new_id in zip(chunk, ids, strict=True):
                    case.id = new_id
                if not advance(len(chunk)):
                    return False
            if search_paused:
                first = self._new_cases[0].id
                assert first is not None
                search_index.bulk_insert_end(conn, first)
            note_fields = ("text", "written", "author")
            for notes in _chunks(self._new_notes):
                rows = [
                    (*(n.values[f] for f in note_fields), n.case.id, 1, stamp, self.user)
                    for n in notes
                ]
                columns = (*note_fields, "case_id", *_STAMP)
                ids = writer.insert(_NOTE_TABLE, columns, rows, stamped)
                for note, new_id in zip(notes, ids, strict=True):
                    note.id = new_id
                if not advance(len(notes)):
                    return False
            by_model: dict[type[Base], list[_CaseRow]] = {}
            for case_row in self._new_rows:
                by_model.setdefault(case_row.model, []).append(case_row)
            for model, model_rows in by_model.items():
                names = tuple(sorted(editable_fields(model)))
                model_table: Table = model.__table__  # type: ignore[assignment]
                for chunk in _chunks(model_rows):
                    rows = [
                        (*map(r.values.get, names), r.case.id, 1, stamp, self.user) for r in chunk
                    ]
                    ids = writer.insert(model_table, (*names, "case_id", *_STAMP), rows, stamped)
                    for case_row, new_id in zip(chunk, ids, strict=True):
                        case_row.id = new_id
                    if not advance(len(chunk)):
                        return False
            for table, states in (
                (_CHILD_TABLE, self._changed_rows(self._children_by_id.values())),
                (_CASE_TABLE, self._changed_rows(self._cases_by_id.values())),
            ):
                for chunk in _chunks(states):
                    self._update(conn, table, chunk, now)
                    if not advance(len(chunk)):
                        return False
            db_user = database_user(self.session)
            # On PostgreSQL the server's triggers audit every row written above.
            for audits in _chunks(self._audits if self._sqlite else [], CHUNK // 8):
                rows = [
                    (
                        stamp,
                        self.user,
                        db_user,
                        a.table,
                        a.row.id,
                        a.case.id if a.case is not None else None,
                        name,
                        old,
                        new if new != _NEW_CHILD_ID else _resolved(new, a.row),
                        a.action,
                    )
                    for a in audits
                    for name, old, new in a.fields
                ]
                writer.insert(_AUDIT_TABLE, _AUDIT_COLUMNS, rows, ("at",), ids=False)
                if not advance(len(rows)):
                    return False
            # The stored deadlines of every case written, in the same transaction.
            from send_desktop.store.summaries import refresh

            written = [*self._new_cases, *self._cases_by_id.values()]
            refresh(self.session, [c.id for c in written if c.id is not None])
        except IntegrityError as exc:
            log.warning("bulk write refused by the database: %s", type(exc.orig).__name__)
            raise KnownError(
                "The database refused the import (another user may have added a case with "
                "the same reference meanwhile); nothing was written - try again"
            ) from exc
        log.info(
            "bulk write: %d children, %d cases, %d notes inserted; %d audit rows",
            len(self._new_children),
            len(self._new_cases),
            len(self._new_notes),
            sum(len(a.fields) for a in self._audits),
        )
        return True

    def _update(
        self,
        conn: Connection,
        table: Table,
        rows: Sequence[ChildState | CaseState],
        now: datetime,
    ) -> None:
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            names = tuple(sorted(row.changed))
            params: dict[str, Any] = {f"new_{n}": row.values.get(n) for n in names}
            params |= {
                "row_id": row.id,
                "loaded": row.loaded_version,
                "new_version": row.version,
                "stamp_at": now,
                "stamp_by": self.user,
            }
            groups.setdefault(names, []).append(params)
        for names, group in groups.items():
            values: dict[str, Any] = {n: bindparam(f"new_{n}") for n in names}
            values |= {
                "version": bindparam("new_version"),
                "updated_at": bindparam("stamp_at"),
                "updated_by": bindparam("stamp_by"),
            }
            statement = (
                update(table)
                .where(table.c.id == bindparam("row_id"), table.c.version == bindparam("loaded"))
                .values(values)
            )
            result = conn.execute(statement, group)
            if result.rowcount != len(group):
                # Someone saved one of these rows after the batch loaded it.
                raise ConflictError("another user", None)


_STAMP: Final = ("version", "updated_at", "updated_by")
_ROW_MODELS: Final = frozenset(
    rel.mapper.class_ for rel in Case.__mapper__.relationships if rel.uselist
)
_DETAILS: Final = tuple(f.name for f in fields(ChildDetails))


# Stands for a new child's id in a new case's audit row until the child is written.
_NEW_CHILD_ID: Final = "\x00new child id"


def _in_transaction(conn: Connection) -> bool:
    """Whether the driver has begun the transaction (SQLite's driver begins one only at the
    first write: DDL before it would be committed at once, whatever happens after)."""
    return bool(getattr(conn.connection.dbapi_connection, "in_transaction", False))


def _resolved(value: str | None, row: _Row) -> str | None:
    if value == _NEW_CHILD_ID and isinstance(row, CaseState):
        return str(row.child.id)
    return value


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Inserter:
    """INSERT of many rows: RETURNING ids on PostgreSQL, the driver's executemany on SQLite."""

    def __init__(self, conn: Connection, sqlite: bool) -> None:
        self.conn = conn
        self.sqlite = sqlite
        self._compiled: dict[
            tuple[str, tuple[str, ...], tuple[str, ...]], tuple[str, list[int], list[Any]]
        ] = {}

    def insert(
        self,
        table: Table,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
        ready: tuple[str, ...] = (),
        *,
        ids: bool = True,
    ) -> list[int]:
        """Insert rows (values in `columns` order); the new ids in order unless ids=False.

        Columns named in `ready` already hold for_driver() values.
        """
        if not rows:
            return []
        columns = tuple(columns)
        if not self.sqlite:
            statement = insert(table)
            params = [dict(zip(columns, row, strict=True)) for row in rows]
            if not ids:
                self.conn.execute(statement, params)
                return []
            returning = statement.returning(table.c.id, sort_by_parameter_order=True)
            return [row_id for (row_id,) in self.conn.execute(returning, params)]
        sql, positions, processors = self._sqlite_statement(table, columns, ready)
        if positions != list(range(len(columns))):
            take = itemgetter(*positions)
            rows = [take(row) for row in rows]
        if any(processors):
            rows = _processed(rows, processors)
        self.conn.exec_driver_sql(sql, rows)
        if not ids:
            return []
        # The write lock is held from the first INSERT to COMMIT and rowid is max(rowid) + 1,
        # so these rows hold the last len(rows) ids; the count below proves it.
        last = self.conn.execute(select(func.max(table.c.id))).scalar_one()
        first = last - len(rows) + 1
        held = self.conn.execute(
            select(func.count()).select_from(table).where(table.c.id.between(first, last))
        ).scalar_one()
        if held != len(rows):
            raise RuntimeError(f"bulk insert into {table.name}: ids are not consecutive")
        return list(range(first, last + 1))

    def for_driver(self, column: Any, value: Any) -> Any:
        """A value as SQLAlchemy hands it to the driver for this column (dates as text on
        SQLite); PostgreSQL's driver takes Python values as they are."""
        if not self.sqlite:
            return value
        process = column.type.dialect_impl(self.conn.dialect).bind_processor(self.conn.dialect)
        return process(value) if process is not None else value

    def _sqlite_statement(
        self, table: Table, columns: tuple[str, ...], ready: tuple[str, ...]
    ) -> tuple[str, list[int], list[Any]]:
        """The INSERT as SQLAlchemy compiles it, where each `?` takes its value from, and the
        conversions SQLAlchemy would apply (dates to text on SQLite)."""
        key = (table.name, columns, ready)
        if key not in self._compiled:
            dialect = self.conn.dialect
            compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
            order = list(compiled.positiontup or ())
            if sorted(order) != sorted(columns):
                raise RuntimeError(f"unexpected parameters for {table.name}: {order}")
            processors = [
                None
                if name in ready
                else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in order
            ]
            positions = [columns.index(name) for name in order]
            self._compiled[key] = (str(compiled), positions, processors)
        return self._compiled[key]


def _processed(rows: list[tuple[Any, ...]], processors: list[Any]) -> list[tuple[Any, ...]]:
    """Rows with the dialect's conversions applied, each distinct value converted once."""
    columns = list(zip(*rows, strict=True))
    out = []
    for index, values in enumerate(columns):
        process = processors[index]
        if process is None:
            out.append(values)
            continue
        # One column holds one type, so values are memo keys (True and 1 never meet).
        memo: dict[Any, Any] = {None: None}
        converted: list[Any] = []
        for value in values:
            found = memo.get(value, memo)
            if found is memo:
                found = memo[value] = process(value)
            converted.append(found)
        out.append(tuple(converted))
    return list(zip(*out, strict=True))


__all__ = ["CHUNK", "CaseState", "CaseWriter", "ChildState", "Progress"]
