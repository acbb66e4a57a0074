"""What an import plans to write: the rows read from a tracker or a data workbook, the problems
found in them (each located at a cell), and the checks both readers share.

Its own module so that tracker.py (which hands the program's own workbook to data_import.py) and
data_import.py (which builds the same plan) do not import each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from openpyxl.utils import get_column_letter

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a tracker: where (the sheet's own row number, column) and why."""

    row: int | None
    column: str | None  # column letter, e.g. "D"
    header: str | None
    reason: str
    severity: Severity = "error"
    sheet: str | None = None  # given when the workbook has several sheets that are read
    value: str | None = None  # what the cell holds, when the reason does not already say

    def __str__(self) -> str:
        text = f"{self.where()}: {self.reason}"
        if self.value and self.value not in self.reason:
            text += f" (the cell holds {self.value!r})"
        return text

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            label = f"column {self.column}"
            if self.header:
                label += f" ({self.header})"
            parts.append(label)
        return ", ".join(parts) or "file"


@dataclass(frozen=True, slots=True)
class TrackerRow:
    """One case as the tracker records it, values already parsed (dates as dates)."""

    row_number: int
    ref: str | None = None
    first_name: str = ""
    last_name: str = ""
    date_of_birth: dt.date | None = None
    upn: str | None = None
    caseworker: str | None = None
    team: str | None = None
    request_received: dt.date | None = None
    decision_to_assess: dt.date | None = None
    decision_outcome: Literal["assess", "not-assess"] | None = None
    outcome_stated: bool = False  # False when guessed from a decision date alone
    draft_served: dt.date | None = None
    not_issue_decision: dt.date | None = None
    final_issued: dt.date | None = None
    notes: str | None = None
    # From the program's own workbook (its data sheets): every case and child field.
    case_values: dict[str, Any] | None = None
    child_values: dict[str, Any] | None = None
    # A cell of this row has an error: the row is still checked with the store's rules, so
    # every problem shows in one pass, but it can never be written.
    bad: bool = False

    @property
    def child_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class IgnoredColumn:
    """A column the import does not read, and why: shown in the dry run and the report."""

    sheet: str | None
    column: str  # letter
    header: str
    reason: str

    def __str__(self) -> str:
        if not self.column:
            return f"sheet {self.sheet!r}: {self.reason}"
        where = f"sheet {self.sheet!r}, " if self.sheet else ""
        return f"{where}column {self.column} ({self.header}): {self.reason}"


@dataclass(frozen=True, slots=True)
class EventRow:
    """A row of a data sheet that belongs to a case: an advice request, exception, review..."""

    model: Any  # the store model (type[Base]); Any keeps this module free of SQLAlchemy
    sheet: str
    row_number: int
    values: dict[str, Any]


@dataclass
class ImportPlan:
    """What an import would do: the header found, the column for each field, rows and problems."""

    path: Path
    sheet: str | None
    header_row: int
    headers: tuple[str, ...]
    mapping: dict[str, int]  # field key -> 0-based column index
    rows: list[TrackerRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dayfirst: bool = True
    rows_read: int = 0  # every non-blank row under the header, whether or not it parsed
    ignored: list[IgnoredColumn] = field(default_factory=list)
    # The program's own workbook: rows come from its data sheets, with their events by ref.
    data: bool = False
    events: dict[str, list[EventRow]] = field(default_factory=dict)
    sheet_headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_carried: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def mapping_by_header(self) -> dict[str, str]:
        """The mapping in the JSON form a user can save and edit: {field: header text}."""
        return {key: self.headers[index] for key, index in self.mapping.items()}

    def column(self, key: str) -> tuple[str, str] | None:
        """(letter, header text) of the column mapped to a field."""
        index = self.mapping.get(key)
        if index is None:
            return None
        return get_column_letter(index + 1), self.headers[index]


def name_key(first: str, last: str, birth: dt.date | None) -> tuple[str, str, dt.date | None]:
    """How two records of the same child are recognised: names ignoring case and spacing, DOB."""
    return (" ".join(first.casefold().split()), " ".join(last.casefold().split()), birth)


def _check_duplicates(plan: ImportPlan) -> None:
    by_ref: dict[str, int] = {}
    by_child: dict[tuple[str, str, dt.date | None], int] = {}
    ref_column = plan.column("ref")
    name_column = plan.column("child_name") or plan.column("last_name") or plan.column("first_name")
    keep: list[TrackerRow] = []
    for row in plan.rows:
        if row.ref:
            earlier = by_ref.get(row.ref.casefold())
            if earlier is not None:
                assert ref_column is not None
                plan.problems.append(
                    Problem(
                        row.row_number,
                        ref_column[0],
                        ref_column[1],
                        f"case ref {row.ref!r} is also on row {earlier}",
                    )
                )
                continue
            by_ref[row.ref.casefold()] = row.row_number
        else:
            key = name_key(row.first_name, row.last_name, row.date_of_birth)
            earlier = by_child.get(key)
            if earlier is not None and row.date_of_birth is not None:
                plan.problems.append(
                    Problem(
                        row.row_number,
                        name_column[0] if name_column else None,
                        name_column[1] if name_column else None,
                        f"same child name and date of birth as row {earlier}; "
                        "both will be imported as separate requests",
                        "warning",
                    )
                )
            by_child.setdefault(key, row.row_number)
        keep.append(row)
    plan.rows = keep


def iter_problem_lines(problems: Sequence[Problem], limit: int | None = None) -> Iterator[str]:
    """Problems as lines for a terminal: errors first, then warnings, in row order."""
    ordered = sorted(
        problems,
        key=lambda p: (p.severity != "error", p.row or 0, p.column or ""),
    )
    for count, item in enumerate(ordered):
        if limit is not None and count >= limit:
            yield f"... and {len(ordered) - limit} more"
            return
        yield f"{item.severity}: {item}"
