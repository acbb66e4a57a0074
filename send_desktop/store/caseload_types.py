"""What a caseload list is made of - its rows, its query and its counts - as plain data.

store/counts.py computes them with SQL (and re-exports these names); this module imports no
SQLAlchemy, so the start can paint a first page (store/first_page.py) in these types before
SQLAlchemy loads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, NamedTuple

from send_desktop import timeline as tl

__all__ = ["DESK_COLUMNS", "WORKBOOK_COLUMNS", "CaseloadQuery", "CaseloadRow", "Counts", "Shown"]


class CaseloadRow(NamedTuple):
    """One case as the caseload table, dashboard and supervision workbook show it."""

    case_id: int
    ref: str
    child_name: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    upn: str | None
    caseworker: str | None
    team: str | None
    stage: str
    next_step: str | None
    next_title: str | None
    next_due: date | None
    days_left: int | None
    status: tl.Status | None
    has_exception: bool
    request_received: date
    decision_due: date
    decision_date: date | None
    final_due: date
    final_issued: date | None
    weeks_open: int
    review_due: date | None
    #: The family's open window or right, if any (never the authority's next deadline).
    family_step: str | None = None
    family_title: str | None = None
    family_due: date | None = None


@dataclass(frozen=True)
class CaseloadQuery:
    """Which cases a list shows: scope, quick filter, stage and search words."""

    as_of: date
    caseworker_id: int | None = None
    team_id: int | None = None
    include_closed: bool = False
    search: str | None = None
    quick: str = "all"
    stage: str | None = None
    #: Restrict to a caseworker who does not exist (e.g. a user with no record): no rows.
    nobody: bool = False

    def without_quick(self) -> CaseloadQuery:
        return replace(self, quick="all")


@dataclass(frozen=True)
class Counts:
    """The figures every screen shows for a set of cases (see the module's definitions)."""

    cases: int
    overdue: int
    late_exception: int
    this_week: int
    four_weeks: int
    exceptions: int
    reviews_due: int
    steps_overdue: int


@dataclass(frozen=True)
class Shown:
    """One column of the caseload as the desk's table or the workbook's Caseload sheet shows
    it: the CaseloadRow field it shows and how. The desk and the workbook derive their columns
    from DESK_COLUMNS and WORKBOOK_COLUMNS below (gui/caseload.py, workbooks/export.py), and
    the row's SQL is store/caseload_columns.py ROW: a new column is a CaseloadRow field here,
    its ROW line there and a Shown line here (a bespoke look - an icon, a tooltip - is
    gui/caseload.py's)."""

    field: str
    header: str
    #: How a cell is written: "user" is text a user typed (kept as typed, never a formula).
    kind: Literal["text", "user", "date", "int", "status"] = "text"
    #: The store's sort key (SORTS) when the desk's header sorts it.
    sort: str = "id"
    #: A typical widest value: the desk sizes the column to it ("" = takes the rest).
    sample: str = ""
    align_right: bool = False
    #: Width in characters in the workbook.
    width: int = 12
    #: Personal data left out of a pseudonymised workbook.
    personal: bool = False


#: The desk's caseload table, in order.
DESK_COLUMNS: tuple[Shown, ...] = (
    Shown("ref", "Case ref", "user", "ref", "EHC-2025-00000"),
    Shown("child_name", "Child", "user", "child", "Florence Morris"),
    Shown("date_of_birth", "Age · NCY", "date", "age", "17 · Y12"),
    Shown("stage", "Stage", sort="stage", sample="Not assessed"),
    Shown("next_title", "Next step", sort="next"),
    Shown("next_due", "Next deadline", "date", "due", "Wed 30/06/2025"),
    Shown("days_left", "Days left", "int", "due", "115 late", align_right=True),
    Shown("status", "Status", "status", "status", "Late - exception"),
    Shown("caseworker", "Caseworker", "user", "caseworker", "Sam Carter"),
)

#: The workbook's Caseload sheet, in order.
WORKBOOK_COLUMNS: tuple[Shown, ...] = (
    Shown("ref", "Case ref", "user"),
    Shown("child_name", "Child", "user", width=24),
    Shown("date_of_birth", "Date of birth", "date", width=13, personal=True),
    Shown("upn", "UPN", "user", width=16, personal=True),
    Shown("caseworker", "Caseworker", "user", width=18),
    Shown("team", "Team", "user", width=14),
    Shown("stage", "Stage"),
    Shown("request_received", "Request received", "date"),
    Shown("decision_due", "Decision to assess due", "date"),
    Shown("decision_date", "Decision to assess", "date"),
    Shown("final_due", "Final plan due", "date"),
    Shown("final_issued", "Final plan issued", "date"),
    Shown("weeks_open", "Weeks open", "int", width=8),
    Shown("next_title", "Next step", width=30),
    Shown("next_due", "Next deadline", "date"),
    Shown("days_left", "Days left", "int", width=8),
    Shown("status", "Status", "status", width=15),
    Shown("has_exception", "Exception", width=10),
    Shown("review_due", "Review due", "date"),
)
