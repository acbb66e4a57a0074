"""What a caseload list is made of - its rows, its query and its counts - as plain data.

store/counts.py computes them with SQL (and re-exports these names); this module imports no
SQLAlchemy, so the start can paint a first page (store/first_page.py) in these types before
SQLAlchemy loads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import NamedTuple

from send_desktop import timeline as tl

__all__ = ["CaseloadQuery", "CaseloadRow", "Counts"]


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
