"""Importing a tracker into the database: all rows or none, matched to existing cases by ref."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any, Final, Literal

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store.bulk_write import CaseState, CaseWriter
from send_desktop.store.cases import ChildDetails, label
from send_desktop.store.models import Case, Caseworker, Child, Team
from send_desktop.store.queries import insert_caseworker, insert_team
from send_desktop.timeline.names import NameIndex
from send_desktop.workbooks.data_sheets import case_row_models, fact_columns, table_name
from send_desktop.workbooks.export import _cell, _check_folder, _Styles, save_atomically
from send_desktop.workbooks.tracker import (
    IgnoredColumn,
    ImportPlan,
    Problem,
    TrackerRow,
    collector_paused,
    iter_problem_lines,
    name_key,
    read_tracker,
)

log = logging.getLogger(__name__)

Progress = Callable[[int, int], bool]
_CASE_DATES: Final = (
    "request_received",
    "decision_to_assess",
    "not_issue_decision",
    "draft_served",
    "final_issued",
)
_SHOWN_PROBLEMS: Final = 25
_CHILD_DETAILS: Final = frozenset(f.name for f in dataclass_fields(ChildDetails))
_SHOWN_CHANGES: Final = 50


@dataclass(frozen=True, slots=True)
class NewName:
    """A caseworker or team the import creates, and existing names that look like it."""

    kind: Literal["caseworker", "team"]
    name: str
    near: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"new {self.kind}: {self.name}"
        if self.near:
            text += f" (looks like {', '.join(self.near)} - check it is not a typo)"
        return text


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    cancelled: bool = False
    created_refs: list[str] = field(default_factory=list)
    rows_read: int = 0
    ignored: list[IgnoredColumn] = field(default_factory=list)
    not_carried: list[str] = field(default_factory=list)
    new_names: list[NewName] = field(default_factory=list)
    # Cases updated: ref -> "Field: old -> new" for each field that changes.
    changes: dict[str, list[str]] = field(default_factory=dict)
    rows_added: int = 0  # advice requests, exceptions, reviews... added to cases

    def summary_lines(self) -> list[str]:
        """What the import did (or would do), for a terminal or the wizard, in plain words."""
        refused = bool(self.errors) and not self.dry_run
        verb = "would be" if self.dry_run or refused else "were"
        if refused:
            counts = (
                f"Nothing was imported. With the errors fixed it would create "
                f"{plural(self.created, 'case')}, update {self.updated}, "
                f"leave {self.unchanged} unchanged"
            )
        elif self.dry_run:
            counts = (
                f"Would create {plural(self.created, 'case')}, update {self.updated}, "
                f"leave {self.unchanged} unchanged"
            )
        else:
            counts = (
                f"Created {plural(self.created, 'case')}, updated {self.updated}, "
                f"{self.unchanged} unchanged"
            )
        lines = [f"{plural(self.rows_read, 'row')} read", counts]
        if self.rows_added:
            lines.append(
                f"{plural(self.rows_added, 'recorded event')} (advice, exceptions, reviews...) "
                f"{verb} added"
            )
        lines.append(
            f"{plural(len(self.errors), 'error')}, {plural(len(self.warnings), 'warning')}"
        )
        lines += [str(n) for n in self.new_names]
        lines += [f"ignored: {c}" for c in self.ignored]
        lines += [f"not carried: {t}" for t in self.not_carried]
        for ref, changes in list(self.changes.items())[:_SHOWN_CHANGES]:
            lines.append(f"update {ref}: " + "; ".join(changes))
        if len(self.changes) > _SHOWN_CHANGES:
            lines.append(f"... and {len(self.changes) - _SHOWN_CHANGES} more cases updated")
        return lines

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def plural(count: int, word: str) -> str:
    """ "1 error", "2 errors"."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class ImportRefused(KnownError):
    """The tracker has errors, so nothing was imported; `problems` lists every one."""

    def __init__(
        self, path: Path, problems: Sequence[Problem], result: ImportResult | None = None
    ) -> None:
        self.problems = list(problems)
        self.result = result
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"  {p}" for p in errors[:_SHOWN_PROBLEMS]]
        if len(errors) > _SHOWN_PROBLEMS:
            lines.append(f"  ... and {len(errors) - _SHOWN_PROBLEMS} more")
        super().__init__(
            f"{path.name}: nothing imported; {plural(len(errors), 'problem')} to fix first:\n"
            + "\n".join(lines)
        )


class _Stop(Exception):
    """Leaves the session block so everything is rolled back (cancel, dry run, errors)."""


@dataclass
class _Known:
    """What the database already holds, loaded in bulk before the rows are applied."""

    cases: CaseWriter
    by_child: dict[tuple[str, str, dt.date | None], list[tuple[dt.date, str]]]
    by_child_request: dict[tuple[str, str, dt.date | None, dt.date], str]
    workers: dict[str, int]
    teams: dict[str, int]
    # The names so far, indexed for near_duplicates (an import may add hundreds).
    worker_names: NameIndex = field(default_factory=NameIndex)
    team_names: NameIndex = field(default_factory=NameIndex)
    # Rows already recorded for loaded cases: (case id, table) -> their values, so importing
    # the same workbook twice adds nothing.
    existing: dict[tuple[int, str], set[tuple[Any, ...]]] = field(default_factory=dict)


ByChild = dict[tuple[str, str, dt.date | None], list[tuple[dt.date, str]]]
ByChildRequest = dict[tuple[str, str, dt.date | None, dt.date], str]


def children_on_file(session: Session) -> tuple[ByChild, ByChildRequest]:
    """Every case's ref by its child (name and date of birth), and by child and request date.

    What a tracker row without a ref is matched against: the same child with the same request
    date is that case; the same child alone is a possible duplicate.
    """
    by_child: ByChild = {}
    by_child_request: ByChildRequest = {}
    found = session.execute(
        select(
            Child.first_name,
            Child.last_name,
            Child.date_of_birth,
            Case.request_received,
            Case.ref,
        ).join(Case, Case.child_id == Child.id)
    )
    for first, last, birth, received, ref in found:
        key = name_key(first, last, birth)
        by_child.setdefault(key, []).append((received, ref))
        by_child_request[(*key, received)] = ref
    return by_child, by_child_request


def matching_ref(by_child_request: ByChildRequest, row: TrackerRow) -> str | None:
    """The case a row without a ref is: the same child (name, date of birth), same request date."""
    if row.ref or row.request_received is None:
        return None
    key = name_key(row.first_name, row.last_name, row.date_of_birth)
    return by_child_request.get((*key, row.request_received))


def _load_known(session: Session, plan: ImportPlan, cases: CaseWriter) -> _Known:
    refs = {row.ref for row in plan.rows if row.ref}
    by_child: ByChild = {}
    by_child_request: ByChildRequest = {}
    if any(not row.ref for row in plan.rows):
        by_child, by_child_request = children_on_file(session)
        # The cases a row without a ref may turn out to be.
        refs.update(r for r in (matching_ref(by_child_request, row) for row in plan.rows) if r)
    cases.load(
        refs,
        {row.upn for row in plan.rows if row.upn},
        notes=any(row.notes for row in plan.rows),
    )
    worker_rows = list(session.execute(select(Caseworker.id, Caseworker.name)))
    team_rows = list(session.execute(select(Team.id, Team.name)))
    known = _Known(
        cases,
        by_child,
        by_child_request,
        {name.casefold(): worker_id for worker_id, name in worker_rows},
        {name.casefold(): team_id for team_id, name in team_rows},
        NameIndex(name for _, name in worker_rows),
        NameIndex(name for _, name in team_rows),
    )
    if plan.data:
        case_ids = [c.id for ref in refs if (c := cases.case_by_ref(ref)) and c.id is not None]
        for model in case_row_models():
            names = fact_columns(model)
            case_id = model.case_id  # type: ignore[attr-defined]
            for start in range(0, len(case_ids), 500):
                chunk = case_ids[start : start + 500]
                found = session.execute(
                    select(case_id, *(getattr(model, n) for n in names)).where(case_id.in_(chunk))
                )
                for row_case, *values in found:
                    known.existing.setdefault((int(row_case), table_name(model)), set()).add(
                        tuple(values)
                    )
    return known


class _Progress:
    """The caller's (done, total) in rows: checking the rows is the first fifth, writing the rest.

    Every row is checked before anything is written, so both halves report and can cancel.
    """

    _CHECKING_SHARE: Final = 0.2

    def __init__(self, callback: Progress | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.last = -1

    def _report(self, done: int) -> bool:
        if self.callback is None or done == self.last:
            return True
        self.last = done
        return self.callback(done, self.total)

    def checked(self, rows: int) -> bool:
        if rows % 25 and rows != self.total:
            return True
        return self._report(int(self.total * self._CHECKING_SHARE * rows / max(self.total, 1)))

    def written(self, done: int, total: int) -> bool:
        share = self._CHECKING_SHARE + (1 - self._CHECKING_SHARE) * done / max(total, 1)
        return self._report(self.total if done >= total else int(self.total * share))


def apply_import(
    db: Database,
    plan: ImportPlan,
    user: str,
    progress: Progress | None = None,
    *,
    dry_run: bool = False,
    as_of: dt.date | None = None,
) -> ImportResult:
    """Write every row of the plan in one transaction, or nothing.

    Rows with a case ref that exists update that case; rows without one are matched by child
    name, date of birth and request date, else created with a new ref. An empty tracker cell
    never clears a date already recorded. Raises ImportRefused (a KnownError naming each row
    and column) when the tracker or the store finds any error. With dry_run=True every check
    runs, including the store's and the database's, and the transaction is rolled back.

    Every row is checked with the store's rules in memory first (store.bulk_write), then all of
    them are written in a few statements per table: the same rows, versions and audit rows as
    create_case/update_case would write one by one, in a fraction of the time.
    """
    as_of = as_of or dt.date.today()
    # Every row goes through the store's checks even when the tracker itself has errors, so
    # the user sees every problem in one pass; nothing is written unless there are none.
    result = ImportResult(
        problems=list(plan.problems),
        dry_run=dry_run,
        rows_read=plan.rows_read,
        ignored=list(plan.ignored),
        not_carried=list(plan.not_carried),
    )
    reporter = _Progress(progress, len(plan.rows))
    try:
        with collector_paused(), db.session() as session:
            cases = CaseWriter(session, user, as_of)
            known = _load_known(session, plan, cases)
            locator = _Locator(plan)
            reported = {(p.row, p.column) for p in plan.errors}
            for done, row in enumerate(plan.rows, start=1):
                try:
                    _apply_row(session, plan, row, user, as_of, known, result, locator)
                except KnownError as exc:
                    found = locator.problem(row, str(exc))
                    # A row whose cell is already reported may trip a store rule because that
                    # cell was left out; the first report says what to fix.
                    if not (row.bad and (found.row, found.column) in reported):
                        result.problems.append(found)
                if not reporter.checked(done):
                    result.cancelled = True
                    raise _Stop
            if result.errors:
                raise _Stop
            session.flush()  # the new names' audit rows (queries.insert_caseworker)
            if not cases.write(reporter.written) or not reporter.written(1, 1):
                result.cancelled = True
                raise _Stop
            if dry_run:
                raise _Stop
    except _Stop:
        pass
    if result.errors and not result.cancelled:
        raise ImportRefused(plan.path, result.problems, result)
    if result.cancelled:
        log.info("import cancelled; nothing written")
        result.created = result.updated = result.unchanged = 0
        result.created_refs = []
    else:
        log.info(
            "import %s: %d created, %d updated, %d unchanged",
            "checked (dry run)" if dry_run else "written",
            result.created,
            result.updated,
            result.unchanged,
        )
    return result


# The contract in docs/internal-api.md names it importer.apply.
apply = apply_import


def _column(plan: ImportPlan, key: str) -> tuple[str | None, str | None]:
    found = plan.column(key)
    return (found[0], found[1]) if found else (None, None)


def _caseworker_id(
    session: Session, user: str, row: TrackerRow, known: _Known, result: ImportResult
) -> int | None:
    if not row.caseworker:
        return None
    key = row.caseworker.casefold()
    if key not in known.workers:
        team_id = None
        if row.team:
            team_id = known.teams.get(row.team.casefold())
            if team_id is None:
                team_id, team_name = insert_team(session, user, row.team)
                near = tuple(known.team_names.near(team_name))
                result.new_names.append(NewName("team", team_name, near))
                known.teams[row.team.casefold()] = team_id
                known.team_names.add(team_name)
        worker_id, worker_name = insert_caseworker(session, user, row.caseworker, team_id)
        near = tuple(known.worker_names.near(worker_name))
        result.new_names.append(NewName("caseworker", worker_name, near))
        known.workers[key] = worker_id
        known.worker_names.add(worker_name)
    return known.workers[key]


class _Locator:
    """Turns a store rule's message about a row into a problem at the cell it is about.

    The store names the field by its label ("Final plan issued (..) cannot be before ...");
    the label found at the start of the message (else anywhere in it) picks the column.
    """

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.columns: dict[str | None, dict[str, tuple[str, str]]] = {}
        tracker: dict[str, tuple[str, str]] = {}
        for key in plan.mapping:
            found = plan.column(key)
            if found is not None:
                tracker[key] = found
        self.columns[None] = tracker
        for sheet, headers in plan.sheet_headers.items():
            by_name: dict[str, tuple[str, str]] = {}
            for number, header in enumerate(headers, start=1):
                _, _, name = header.partition(".")
                if name:
                    by_name.setdefault(name, (get_column_letter(number), header))
            self.columns[sheet] = by_name

    def cell(self, sheet: str | None, message: str) -> tuple[str | None, str | None, str | None]:
        """(field, letter, header) the message is about, or Nones."""
        names = self.columns.get(sheet if self.plan.data else None, {})
        best: str | None = None
        for name in names:
            text = label(name)
            if message.startswith(text) and (best is None or len(text) > len(label(best))):
                best = name
        if best is None:
            lowered = message.casefold()
            best = next((n for n in names if label(n).casefold() in lowered), None)
        if best is None:
            return None, None, None
        letter, header = names[best]
        return best, letter, header

    def problem(
        self,
        row: TrackerRow,
        message: str,
        sheet: str | None = None,
        row_number: int | None = None,
        values: dict[str, Any] | None = None,
    ) -> Problem:
        sheet = sheet or (self.plan.sheet if self.plan.data else None)
        name, letter, header = self.cell(sheet, message)
        shown = None
        if name is not None:
            source = (
                values
                if values is not None
                else {
                    **(row.child_values or {}),
                    **(row.case_values or {}),
                }
            )
            value = source.get(name, getattr(row, name, None))
            shown = _shown(value)
        return Problem(
            row_number or row.row_number,
            letter,
            header,
            message,
            sheet=sheet if self.plan.data else None,
            value=shown,
        )


def _shown(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return str(value)[:60]


def _apply_row(
    session: Session,
    plan: ImportPlan,
    row: TrackerRow,
    user: str,
    as_of: dt.date,
    known: _Known,
    result: ImportResult,
    locator: _Locator,
) -> None:
    assert row.request_received is not None
    case = known.cases.case_by_ref(row.ref) if row.ref else None
    if case is None:
        same = matching_ref(known.by_child_request, row)
        if same is not None:
            case = known.cases.case_by_ref(same)
            assert case is not None, "loaded with the plan's refs"
            letter, header = _column(plan, "child_name")
            result.problems.append(
                Problem(
                    row.row_number,
                    letter,
                    header,
                    f"no case ref: matched existing case {same} by name, date of birth and "
                    "request date",
                    "warning",
                )
            )
    worker_id = (
        _caseworker_id(session, user, row, known, result) if "caseworker" in plan.mapping else None
    )
    if case is None:
        case = _create(plan, row, as_of, known, result, worker_id)
    else:
        _update(known.cases, row, as_of, case, result, worker_id)
    if plan.data and row.ref:
        _add_rows(plan, row, case, known, result, locator)


def _add_rows(
    plan: ImportPlan,
    row: TrackerRow,
    case: CaseState,
    known: _Known,
    result: ImportResult,
    locator: _Locator,
) -> None:
    """The case's advice requests, exceptions, reviews... from the data sheets, each checked
    by the store; rows the case already has (same values) are not added again."""
    assert row.ref is not None
    added = 0
    for event in plan.events.get(row.ref, []):
        values = {k: v for k, v in event.values.items() if v is not None}
        if case.id is not None:
            names = fact_columns(event.model)
            key = tuple(event.values.get(n) for n in names)
            if key in known.existing.get((case.id, table_name(event.model)), set()):
                continue
        try:
            known.cases.add_row(case, event.model, values)
        except KnownError as exc:
            result.problems.append(
                locator.problem(row, str(exc), event.sheet, event.row_number, event.values)
            )
            continue
        added += 1
    result.rows_added += added
    if added and case.id is not None and row.ref not in result.changes:
        # The case itself was counted unchanged a moment ago; its new rows make it updated.
        result.changes[row.ref] = [f"{plural(added, 'recorded event')} added"]
        if result.unchanged:
            result.unchanged -= 1
            result.updated += 1


def _create(
    plan: ImportPlan,
    row: TrackerRow,
    as_of: dt.date,
    known: _Known,
    result: ImportResult,
    worker_id: int | None,
) -> CaseState:
    assert row.request_received is not None
    key = name_key(row.first_name, row.last_name, row.date_of_birth)
    # Only a row without a ref is a possible duplicate: a ref says it is a request of its own.
    if not row.ref and row.date_of_birth is not None and key in known.by_child:
        refs = ", ".join(ref for _, ref in known.by_child[key][:3])
        letter, header = _column(plan, "child_name")
        result.problems.append(
            Problem(
                row.row_number,
                letter,
                header,
                f"a child with the same name and date of birth already has case {refs}; "
                "this row is imported as a new request",
                "warning",
            )
        )
    fields: dict[str, Any]
    if row.case_values is not None:
        fields = {
            k: v
            for k, v in row.case_values.items()
            if v is not None and k not in ("ref", "request_received")
        }
    else:
        fields = {
            name: getattr(row, name) for name in _CASE_DATES[1:] if getattr(row, name) is not None
        }
        if row.decision_outcome is not None:
            fields["decision_outcome"] = row.decision_outcome
    if worker_id is not None:
        fields["caseworker_id"] = worker_id
    extra: dict[str, Any] = {}
    if row.child_values is not None:
        given = {k: v for k, v in row.child_values.items() if v is not None}
        details = {k: v for k, v in given.items() if k in _CHILD_DETAILS}
        details.setdefault("first_name", "")
        details.setdefault("last_name", "")
        child = ChildDetails(**details)
        extra = {k: v for k, v in given.items() if k not in _CHILD_DETAILS}
    else:
        child = ChildDetails(
            first_name=row.first_name,
            last_name=row.last_name,
            date_of_birth=row.date_of_birth,
            upn=row.upn,
        )
    case = known.cases.create_case(
        child=child, request_received=row.request_received, ref=row.ref, **fields
    )
    if extra and case.child.loaded_version is None:
        known.cases.update_child(case.child, **extra)
    if row.notes:
        known.cases.add_note(case, row.notes, written=as_of)
    result.created += 1
    result.created_refs.append(case.ref)
    known.by_child.setdefault(key, []).append((row.request_received, case.ref))
    known.by_child_request[(*key, row.request_received)] = case.ref
    return case


def _update(
    cases: CaseWriter,
    row: TrackerRow,
    as_of: dt.date,
    case: CaseState,
    result: ImportResult,
    worker_id: int | None,
) -> None:
    changes: dict[str, Any] = {}
    for name in _CASE_DATES:
        value = getattr(row, name)
        if value is not None and case[name] != value:
            changes[name] = value
    # The program's own workbook carries every field; an empty cell still never clears one.
    for name, value in (row.case_values or {}).items():
        if name != "ref" and value is not None and case[name] != value:
            changes[name] = value
    # An outcome guessed from a decision date never overrides one recorded in the program.
    outcome = row.decision_outcome
    recorded = case["decision_outcome"]
    if outcome is not None and outcome != recorded and (row.outcome_stated or recorded is None):
        changes["decision_outcome"] = outcome
    if worker_id is not None and worker_id != case["caseworker_id"]:
        changes["caseworker_id"] = worker_id
    child = dict(case.child.values)  # copies: the lists of changes show the values before
    before = dict(case.values)
    child_changes: dict[str, Any] = {}
    if row.first_name and row.first_name != child["first_name"]:
        child_changes["first_name"] = row.first_name
    if row.last_name and row.last_name != child["last_name"]:
        child_changes["last_name"] = row.last_name
    if row.date_of_birth is not None and row.date_of_birth != child["date_of_birth"]:
        child_changes["date_of_birth"] = row.date_of_birth
    if row.upn is not None and row.upn != child["upn"]:
        child_changes["upn"] = row.upn
    for name, value in (row.child_values or {}).items():
        if value is not None and child.get(name) != value:
            child_changes[name] = value
    note_added = False
    if row.notes and row.notes not in case.notes:
        cases.add_note(case, row.notes, written=as_of)
        note_added = True
    if child_changes:
        cases.update_child(case.child, **child_changes)
    if changes:
        cases.update_case(case, **changes)
    if changes or child_changes or note_added:
        result.updated += 1
        listed = [
            f"{label(k)}: {_shown(child.get(k)) or '(empty)'} -> {_shown(v)}"
            for k, v in sorted(child_changes.items())
        ]
        listed += [
            f"{label(k)}: {_shown(before.get(k)) or '(empty)'} -> {_shown(v)}"
            for k, v in sorted(changes.items())
            if k != "caseworker_id"
        ]
        if "caseworker_id" in changes:
            listed.append(f"Caseworker -> {row.caseworker}")
        if note_added:
            listed.append("note added")
        result.changes[case.ref] = listed
    else:
        result.unchanged += 1


def import_tracker(
    db: Database,
    path: str | Path,
    user: str,
    *,
    mapping: dict[str, str | None] | None = None,
    dayfirst: bool = True,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> tuple[ImportPlan, ImportResult]:
    """read_tracker then apply_import: the CLI's path in one call."""
    plan = read_tracker(path, mapping, dayfirst=dayfirst)
    return plan, apply_import(db, plan, user, progress, dry_run=dry_run)


def write_import_report(
    path: str | Path,
    plan: ImportPlan,
    problems: Sequence[Problem] | None = None,
    result: ImportResult | None = None,
) -> Path:
    """A workbook listing every problem (row, column, header, reason, value, sheet) to fix,
    and, given the result, what the import did or would do (new names, ignored columns,
    changed cases). Every text cell is written as text: a tracker's "=..." stays inert."""
    target = Path(path)
    _check_folder(target)
    listed = list(plan.problems if problems is None else problems)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Problems")
    assert isinstance(sheet, WriteOnlyWorksheet)
    styles = _Styles(sheet)
    for letter, width in zip("ABCDEFG", (10, 8, 9, 28, 90, 20, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:G{len(listed) + 1}"
    sheet.append(
        [
            _cell(sheet, h, styles.header)
            for h in ("Severity", "Row", "Column", "Header", "Reason", "Value", "Sheet")
        ]
    )
    ordered = sorted(
        listed, key=lambda p: (p.severity != "error", p.sheet or "", p.row or 0, p.column or "")
    )
    for item in ordered:
        sheet.append(
            [
                _cell(sheet, item.severity, styles.text),
                _cell(sheet, item.row, styles.int) if item.row is not None else None,
                _cell(sheet, item.column, styles.text) if item.column else None,
                _cell(sheet, item.header, styles.user) if item.header else None,
                _cell(sheet, item.reason, styles.user),
                _cell(sheet, item.value, styles.user) if item.value else None,
                _cell(sheet, item.sheet, styles.user) if item.sheet else None,
            ]
        )
    if result is not None:
        outcome = book.create_sheet("What the import does")
        assert isinstance(outcome, WriteOnlyWorksheet)
        outcome.column_dimensions["A"].width = 120
        for said in result.summary_lines():
            outcome.append([_cell(outcome, said, styles.user)])
    about = book.create_sheet("About")
    assert isinstance(about, WriteOnlyWorksheet)
    about.column_dimensions["A"].width = 20
    about.column_dimensions["C"].width = 40
    lines: list[tuple[object, ...]] = [
        ("Tracker", plan.path.name),
        ("Sheet", plan.sheet or "(CSV)"),
        ("Header row", plan.header_row),
        ("Rows read", plan.rows_read),
        ("Errors", sum(1 for p in listed if p.severity == "error")),
        ("Warnings", sum(1 for p in listed if p.severity == "warning")),
        (),
        ("Field", "Column", "Header"),
    ]
    lines += [(key, *_column(plan, key)) for key in plan.mapping]
    for line in lines:
        about.append([_cell(about, v, styles.user) if v is not None else None for v in line])
    save_atomically(book, target)
    return target


__all__ = [
    "ImportPlan",
    "ImportRefused",
    "ImportResult",
    "Problem",
    "apply",
    "apply_import",
    "import_tracker",
    "iter_problem_lines",
    "read_tracker",
    "write_import_report",
]
