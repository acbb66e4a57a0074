"""The caseload row's values read from the database, declared once as plain names.

store/desk_sql.py builds the caseload's select from these as SQL text, which plain sqlite3
and store/counts.py (through SQLAlchemy) both run; tests/store/test_desk_sql.py proves the two
read the same rows. A new caseload column that shows a stored value is one line
here (plus its CaseloadRow field and, to show it, its Shown line in caseload_types.DESK_COLUMNS).

Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

from typing import NamedTuple


class Read(NamedTuple):
    """One CaseloadRow field read from a column: `table`.`column` (table names as in the
    database: "case", "child", "caseworker", "team", "case_summary")."""

    name: str
    table: str
    column: str
    #: The overdue duty's column of the same table: the value is that one's once the case has
    #: an overdue duty (case_summary.breach_due before today), else `column`'s.
    breach: str = ""
    #: A date (plain sqlite3 gives it as text).
    day: bool = False
    #: Not a column's value: the next deadline's status on today (desk_sql.next_status).
    status: bool = False


#: What each row reads, in select order. The rest of a CaseloadRow is worked out from these:
#: the child's full name, days left, weeks open (from weeks_open, the end of the weeks
#: counted) and the family's step.
ROW: tuple[Read, ...] = (
    Read("case_id", "case", "id"),
    Read("ref", "case", "ref"),
    Read("first_name", "child", "first_name"),
    Read("last_name", "child", "last_name"),
    Read("date_of_birth", "child", "date_of_birth", day=True),
    Read("upn", "child", "upn"),
    Read("caseworker", "caseworker", "name"),
    Read("team", "team", "name"),
    Read("stage", "case_summary", "stage"),
    Read("next_step", "case_summary", "next_id", breach="breach_id"),
    Read("next_title", "case_summary", "next_title", breach="breach_title"),
    Read("next_due", "case_summary", "next_due", breach="breach_due", day=True),
    Read("status", "case_summary", "next_due", status=True),
    Read("has_exception", "case_summary", "has_exception"),
    Read("request_received", "case", "request_received", day=True),
    Read("decision_due", "case_summary", "decision_due", day=True),
    Read("decision_date", "case", "decision_to_assess", day=True),
    Read("final_due", "case_summary", "final_due", day=True),
    Read("final_issued", "case", "final_issued", day=True),
    Read("weeks_open", "case_summary", "weeks_end", day=True),
    Read("review_due", "case_summary", "review_due", day=True),
)
