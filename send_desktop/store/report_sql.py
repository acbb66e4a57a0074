"""The team report's figures as plain SQL over the stored deadlines, and the report's types.

`counted_report` is what `send-desktop report` prints (store/reports.py `team_counts`): every
figure a count read in SQL from case_summary / case_step / case_review_time, with the
definitions of store/counts.py restated as SQL text (as store/first_page.py restates them for
the caseload; tests/store/test_report_counts.py proves the figures equal the case-by-case
oracle and the bulk report). The same SQL runs through SQLAlchemy (`team_counts`: SQLite and
PostgreSQL, the dashboard) and through plain sqlite3 (`read_file`: a fresh `report` process on
a SQLite file at the program's head with fresh stored deadlines), so a fresh process need not
import SQLAlchemy, alembic, numpy or the bank-holiday tables. Each figure reads an index range
where it can (migration 0011), not every case's steps.

Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from send_desktop import timeline as tl
from send_desktop.errors import KnownError
from send_desktop.store import desk_sql
from send_desktop.timeline import catalogue
from send_desktop.timeline.digest import DUTY, WINDOW
from send_desktop.timeline.timeliness import Tally

log = logging.getLogger(__name__)

UNALLOCATED = "Unallocated"
FORECAST_WEEKS: tuple[int, ...] = (2, 4, 8)
OVERLOAD_SETTING = "dashboard.overload_cases"
DEFAULT_OVERLOAD = 200

ASSESSMENT_STAGES = frozenset({"Request", "Assessment", "Draft plan"})
PLAN_STAGES = frozenset({"Plan"})
# The review pipeline's phase transfers (P1-P3).
PHASE_STEPS = catalogue.ids_counted_as("phase")


# ---------------------------------------------------------------- terms and periods


class Term(NamedTuple):
    """A school term as this report counts it: autumn Sep-Dec, spring Jan-Mar, summer Apr-Aug."""

    name: str
    start: date
    end: date

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def term_of(day: date) -> Term:
    """The term containing a day (Easter moves; the report uses fixed month boundaries)."""
    year = day.year
    if day.month >= 9:
        return Term(f"Autumn term {year}", date(year, 9, 1), date(year, 12, 31))
    if day.month <= 3:
        return Term(f"Spring term {year}", date(year, 1, 1), date(year, 3, 31))
    return Term(f"Summer term {year}", date(year, 4, 1), date(year, 8, 31))


def next_term(as_of: date) -> Term:
    """The term after the one containing as_of."""
    return term_of(term_of(as_of).end + timedelta(days=1))


def months_between(start: date, end: date) -> list[tuple[date, date]]:
    """Calendar months overlapping start..end, each clipped to the period."""
    months: list[tuple[date, date]] = []
    first = date(start.year, start.month, 1)
    while first <= end:
        following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        months.append((max(first, start), min(following - timedelta(days=1), end)))
        first = following
    return months


def national_figure(period_end: date) -> tl.NationalFigure | None:
    """England's latest published figure for a year no later than the period's end."""
    years = [y for y in tl.NATIONAL_TIMELINESS if y <= period_end.year]
    return tl.NATIONAL_TIMELINESS[max(years)] if years else None


# ---------------------------------------------------------------- result types


class Item(NamedTuple):
    """One case behind a number, with the step that put it there."""

    case_id: int
    step_id: str | None
    step_title: str | None
    due: date | None


@dataclass(frozen=True, slots=True)
class Bucket:
    """A count and exactly the cases it counts (each case once) - or, counted in SQL
    (`team_counts`), the count alone (`size`): the cases are then fetched on demand."""

    items: tuple[Item, ...] = ()
    size: int | None = None
    #: Which figure a count read in SQL is (`counted_report(keyed=True)`, the dashboard):
    #: (family, key), for `cases_behind` to list its cases with the count's own WHERE.
    figure: tuple[str, Any] | None = field(default=None, compare=False)

    @property
    def count(self) -> int:
        return len(self.items) if self.size is None else self.size

    @property
    def case_ids(self) -> tuple[int, ...]:
        return tuple(i.case_id for i in self.items)

    def to_json(self) -> dict[str, Any]:
        if self.size is not None:
            return {"count": self.size}
        return {"count": self.count, "case_ids": list(self.case_ids)}


class ReportCase(NamedTuple):
    """An open case as the drill-down lists show it."""

    case_id: int
    ref: str
    child_name: str
    caseworker_id: int | None
    caseworker: str
    stage: str
    next_step: str | None
    next_title: str | None
    next_due: date | None
    days_left: int | None
    status: tl.Status | None
    has_exception: bool
    overdue_steps: int


class Worker(NamedTuple):
    """A caseworker (or the unallocated pile) as a row key."""

    caseworker_id: int | None
    name: str
    team: str | None


@dataclass(frozen=True, slots=True)
class OverdueRow:
    worker: Worker
    by_stage: Mapping[str, Bucket]
    total: Bucket


@dataclass(frozen=True, slots=True)
class CaseloadLine:
    worker: Worker
    open_cases: Bucket
    assessments: Bucket
    plans: Bucket
    reviews_next_term: Bucket
    overdue: Bucket
    overloaded: bool


@dataclass(frozen=True, slots=True)
class ForecastRow:
    worker: Worker
    by_weeks: Mapping[int, Bucket]  # weeks ahead -> cases with a statutory step due by then


@dataclass(frozen=True, slots=True)
class PipelineStage:
    name: str
    rule: str
    cases: Bucket
    overdue: Bucket


@dataclass(frozen=True, slots=True)
class MonthTimeliness:
    start: date
    end: date
    figures: tl.Timeliness

    @property
    def label(self) -> str:
        return self.start.strftime("%b %Y")


@dataclass(frozen=True)
class TeamReport:
    """Everything the dashboard and `send-desktop report` show, for one scope and period."""

    as_of: date
    period_start: date
    period_end: date
    team_id: int | None
    team_name: str | None
    policy: tl.Policy
    overload_threshold: int
    next_term: Term
    cases: Mapping[int, ReportCase]
    workers: tuple[Worker, ...]
    overdue: tuple[OverdueRow, ...]
    overdue_by_stage: Mapping[str, Bucket]
    overdue_total: Bucket
    caseloads: tuple[CaseloadLine, ...]
    by_stage: Mapping[str, Bucket]
    timeliness: tl.Timeliness
    national: tl.NationalFigure | None
    national_other: Mapping[str, float]
    forecast: tuple[ForecastRow, ...]
    forecast_total: Mapping[int, Bucket]
    pipeline: tuple[PipelineStage, ...]
    by_month: tuple[MonthTimeliness, ...]
    seconds: float = field(default=0.0, compare=False)
    #: Open cases when counted in SQL (`team_counts`, where `cases` is left empty).
    open_total: int | None = None

    @property
    def scope(self) -> str:
        return self.team_name or "All teams"

    @property
    def open_count(self) -> int:
        return len(self.cases) if self.open_total is None else self.open_total

    def caseload_of(self, caseworker_id: int | None) -> CaseloadLine | None:
        for line in self.caseloads:
            if line.worker.caseworker_id == caseworker_id:
                return line
        return None

    def overloaded(self) -> list[CaseloadLine]:
        return [line for line in self.caseloads if line.overloaded]


class Counted:
    """Counts read in SQL, keyed like the bulk report's buckets (the cases are not kept)."""

    def __init__(self, family: str = "", keyed: bool = False) -> None:
        self.counts: dict[Any, int] = defaultdict(int)
        self.family, self.keyed = family, keyed

    def add(self, key: Any, n: int) -> None:
        if n:
            self.counts[key] += n

    def bucket(self, key: Any) -> Bucket:
        size = self.counts.get(key, 0)
        if self.keyed:
            return Bucket(size=size, figure=(self.family, key))
        found = _SIZED.get(size)
        if found is None:
            found = _SIZED[size] = Bucket(size=size)
        return found

    def filled(self) -> Iterable[Any]:
        return self.counts.keys()


# A count alone, one (immutable) Bucket per size: a whole authority's report asks for 80,000.
_SIZED: dict[int, Bucket] = {}


# Where a report's open cases and timeliness come from: the bulk engine here, compute_steps case
# by case in the tests' oracle (tests/oracles.py).
Measure = Callable[[date, date], tl.Timeliness]
Period = tuple[date, date]


def order_workers(workers: Mapping[int, Worker], seen: set[int | None]) -> list[Worker]:
    """The report's rows: caseworkers by name, then the unallocated pile if it holds cases."""
    order = sorted(
        (workers[w] for w in seen if w is not None and w in workers),
        key=lambda w: (w.name.lower(), w.caseworker_id or 0),
    )
    if None in seen:
        order.append(Worker(None, UNALLOCATED, None))
    return order


class Buckets(Protocol):
    def bucket(self, key: Any) -> Bucket: ...
    def filled(self) -> Iterable[Any]: ...


def assemble(
    *,
    as_of: date,
    period: tuple[date, date],
    team: tuple[int | None, str | None],
    policy: tl.Policy,
    limit: int,
    term: Term,
    cases: Mapping[int, ReportCase],
    order: Sequence[Worker],
    overdue: Buckets,
    caseload: Buckets,
    stages: Buckets,
    forecast: Buckets,
    pipeline: Buckets,
    measured: Callable[[date, date], tl.Timeliness],
    started: float,
    open_total: int | None = None,
) -> TeamReport:
    """The report from its buckets (filled case by case, or counted in SQL)."""
    period_start, period_end = period
    team_id, team_name = team
    report = TeamReport(
        as_of=as_of,
        period_start=period_start,
        period_end=period_end,
        team_id=team_id,
        team_name=team_name,
        policy=policy,
        overload_threshold=limit,
        next_term=term,
        cases=cases,
        workers=tuple(order),
        overdue=tuple(
            OverdueRow(
                worker=w,
                by_stage={s: overdue.bucket((w.caseworker_id, s)) for s in tl.STAGES},
                total=overdue.bucket(w.caseworker_id),
            )
            for w in order
        ),
        overdue_by_stage={s: overdue.bucket(("stage", s)) for s in tl.STAGES},
        overdue_total=overdue.bucket("total"),
        caseloads=tuple(_caseload_line(w, caseload, limit) for w in order),
        by_stage={s: stages.bucket(s) for s in tl.STAGES},
        timeliness=measured(period_start, period_end),
        national=national_figure(period_end),
        national_other=tl.NATIONAL_2024_OTHER,
        forecast=tuple(
            ForecastRow(w, {n: forecast.bucket((w.caseworker_id, n)) for n in FORECAST_WEEKS})
            for w in order
        ),
        forecast_total={n: forecast.bucket(("total", n)) for n in FORECAST_WEEKS},
        pipeline=_pipeline_stages(pipeline, term),
        by_month=tuple(
            MonthTimeliness(start, end, measured(start, end))
            for start, end in months_between(period_start, period_end)
        ),
        seconds=time.perf_counter() - started,
        open_total=open_total,
    )
    log.info(
        "Team report: %d open cases, %d overdue, %.2f s",
        report.open_count,
        report.overdue_total.count,
        report.seconds,
    )
    return report


def _caseload_line(worker: Worker, caseload: Buckets, limit: int) -> CaseloadLine:
    key = worker.caseworker_id
    open_cases = caseload.bucket((key, "open"))
    return CaseloadLine(
        worker=worker,
        open_cases=open_cases,
        assessments=caseload.bucket((key, "assessments")),
        plans=caseload.bucket((key, "plans")),
        reviews_next_term=caseload.bucket((key, "reviews")),
        overdue=caseload.bucket((key, "overdue")),
        # The unallocated pile is nobody's load, so it is never "overloaded".
        overloaded=key is not None and open_cases.count > limit,
    )


# Pipeline stages: (key, name, rule). Phase transfers are added per deadline date.
_PIPELINE = (
    ("due", "Reviews due next term", "R1 open and due in the term (CFA s.44(1))"),
    ("late", "Reviews overdue", "R1 past the 12 months with no review decision (CFA s.44(1))"),
    ("notice", "Meeting notices sent", "R2 done, decision (R5) still to send (reg 20(3))"),
    ("report", "Review reports received", "R4 done, decision (R5) still to send (reg 20(7))"),
    ("decision", "Decisions due", "R5 open: meeting + 4 weeks (reg 20(10))"),
    ("amended", "Amended plans due", "R7 open: amendments + 8 weeks, meeting + 12 (reg 22(3))"),
)
TRANSFER_WORDS = {step_id: catalogue.CATALOGUE[step_id].report_label for step_id in PHASE_STEPS}


def _pipeline_stages(pipeline: Buckets, term: Term) -> tuple[PipelineStage, ...]:
    found: list[PipelineStage] = []
    for key, name, rule in _PIPELINE:
        if key == "due":
            name = f"Reviews due next term ({term.name})"
        found.append(
            PipelineStage(
                name, rule, pipeline.bucket((key, "all")), pipeline.bucket((key, "overdue"))
            )
        )
    transfers = sorted(
        {(k[0], k[1]) for k in pipeline.filled() if isinstance(k, tuple) and len(k) == 3},
        key=lambda k: (k[1], k[0]),
    )
    for step_id, due in transfers:
        found.append(
            PipelineStage(
                f"{TRANSFER_WORDS[step_id]}: due {due:%d %b %Y}",
                f"{step_id} open: review and final amended plan due (reg 18)",
                pipeline.bucket((step_id, due, "all")),
                pipeline.bucket((step_id, due, "overdue")),
            )
        )
    return tuple(found)


# ---------------------------------------------------------------- JSON for the command line


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def report_to_json(report: TeamReport) -> dict[str, Any]:
    """The report's figures, with the case ids behind each when the report holds them
    (`team_report`; `team_counts` gives the counts alone). No names: ids only."""
    t = report.timeliness
    national = report.national
    return {
        "as_of": report.as_of.isoformat(),
        "period": {"from": report.period_start.isoformat(), "to": report.period_end.isoformat()},
        "team": report.team_name,
        "open_cases": report.open_count,
        "overload_threshold": report.overload_threshold,
        "next_term": {
            "name": report.next_term.name,
            "from": report.next_term.start.isoformat(),
            "to": report.next_term.end.isoformat(),
        },
        "overdue": {
            "total": report.overdue_total.to_json(),
            "by_stage": {s: b.to_json() for s, b in report.overdue_by_stage.items() if b.count},
            "by_caseworker": [
                {
                    "caseworker": row.worker.name,
                    "total": row.total.to_json(),
                    "by_stage": {s: b.to_json() for s, b in row.by_stage.items() if b.count},
                }
                for row in report.overdue
            ],
        },
        "caseloads": [
            {
                "caseworker": line.worker.name,
                "team": line.worker.team,
                "open": line.open_cases.count,
                "assessments": line.assessments.count,
                "plans": line.plans.count,
                "reviews_next_term": line.reviews_next_term.count,
                "overdue": line.overdue.count,
                "overloaded": line.overloaded,
            }
            for line in report.caseloads
        ],
        "cases_by_stage": {s: b.count for s, b in report.by_stage.items()},
        "timeliness": {
            "plans_issued": t.plans_issued,
            "plans_within_20_weeks": t.plans_within_20_weeks,
            "pct_within_20_weeks_incl": _pct(t.pct_within_20_weeks_incl),
            "plans_without_exception": t.plans_without_exception,
            "plans_without_exception_within_20_weeks": t.plans_without_exception_within_20_weeks,
            "pct_within_20_weeks_excl": _pct(t.pct_within_20_weeks_excl),
            "decisions": t.decisions,
            "decisions_within_6_weeks": t.decisions_within_6_weeks,
            "pct_decisions_within_6_weeks": _pct(t.pct_decisions_within_6_weeks),
            "average_weeks_to_issue": _pct(t.average_weeks_to_issue),
            "plans_after_52_weeks": t.plans_after_52_weeks,
            "pct_plans_after_52_weeks": _pct(t.pct_plans_after_52_weeks),
            "reviews": t.reviews,
            "reviews_within_12_months": t.reviews_within_12_months,
            "pct_reviews_within_12_months": _pct(t.pct_reviews_within_12_months),
            "review_decisions": t.review_decisions,
            "review_decisions_within_4_weeks": t.review_decisions_within_4_weeks,
            "pct_review_decisions_within_4_weeks": _pct(t.pct_review_decisions_within_4_weeks),
        },
        "england": (
            {
                "year": national.year,
                "pct_within_20_weeks_excl": national.excluding_exceptions,
                "pct_within_20_weeks_incl": national.including_exceptions,
                **{f"2024_{k}": v for k, v in report.national_other.items()},
            }
            if national
            else None
        ),
        "forecast": {
            "total": {str(n): b.to_json() for n, b in report.forecast_total.items()},
            "by_caseworker": [
                {
                    "caseworker": row.worker.name,
                    **{f"{n}_weeks": b.to_json() for n, b in row.by_weeks.items()},
                }
                for row in report.forecast
            ],
        },
        "review_pipeline": [
            {
                "stage": stage.name,
                "rule": stage.rule,
                "cases": stage.cases.to_json(),
                "overdue": stage.overdue.count,
            }
            for stage in report.pipeline
        ],
        "by_month": [
            {
                "month": m.start.strftime("%Y-%m"),
                "plans_issued": m.figures.plans_issued,
                "plans_within_20_weeks": m.figures.plans_within_20_weeks,
                "pct_within_20_weeks_incl": _pct(m.figures.pct_within_20_weeks_incl),
                "pct_within_20_weeks_excl": _pct(m.figures.pct_within_20_weeks_excl),
            }
            for m in report.by_month
        ],
    }


# ---------------------------------------------------------------- the figures in SQL

#: Runs one statement with :name parameters (days as date objects) and returns its rows: plain
#: sqlite3 (`sqlite_run`) or a SQLAlchemy connection (store/reports.py), SQLite or PostgreSQL.
Run = Callable[[str, Mapping[str, Any]], Sequence[Sequence[Any]]]


def sqlite_run(conn: sqlite3.Connection) -> Run:
    """A Run over a plain sqlite3 connection (SQLite stores days as ISO text)."""

    def run(sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        values = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
        return conn.execute(sql, values).fetchall()

    return run


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _n(condition: str) -> str:
    """How many rows meet a condition (0 for none)."""
    return f"coalesce(sum(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


def threshold_from(raw: str | None) -> int:
    """The overload threshold from its stored setting (the default when unset or not valid)."""
    if raw is None:
        return DEFAULT_OVERLOAD
    text = raw.strip()
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_OVERLOAD


def team_id_by_name(run: Run, name: str) -> int:
    """A team's id from its name (case-insensitive), for the command line."""
    wanted = name.strip().lower()
    teams = run("SELECT id, name FROM team ORDER BY id", {})
    found = [team_id for team_id, team in teams if team.lower() == wanted]
    if not found:
        names = ", ".join(sorted(str(team) for _id, team in teams))
        raise KnownError(f"No team called {name!r} (teams: {names or 'none'})")
    return int(found[0])


def team_name(run: Run, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    found = run("SELECT name FROM team WHERE id = :team", {"team": team_id})
    if not found:
        raise KnownError(f"Team {team_id} does not exist")
    return str(found[0][0])


def workers(run: Run, team_id: int | None) -> tuple[dict[int, Worker], set[int]]:
    """Every caseworker in scope, and the ids of the active ones (an inactive caseworker is
    shown only while they still hold open cases)."""
    sql = "SELECT w.id, w.name, w.active, t.name FROM caseworker w LEFT OUTER JOIN team t ON t.id = w.team_id"
    if team_id is not None:
        sql += " WHERE w.team_id = :team"
    found: dict[int, Worker] = {}
    active: set[int] = set()
    for worker_id, name, is_active, team in run(sql, {"team": team_id}):
        found[worker_id] = Worker(worker_id, name, team)
        if is_active:
            active.add(worker_id)
    return found, active


# The counts' definitions (store/desk_sql.py) over s: a case's case_summary, st: a case_step.
#: desk_sql.where for a team or everyone, the open cases (CaseloadQuery's default), over the
#: copy of the case's closed flag and caseworker its stored rows keep (migration 0013, written
#: with the digest): no look-up of `case` per case or step. As an equality the open cases are
#: one range of ix_case_summary_open_worker; as NOT (no index term) a range of next duties or
#: of one step's rows is read instead.
_OPEN_SUMMARY = "s.closed = false"
_NOT_CLOSED = "NOT {t}.closed"
_IN_TEAM = " AND {t}.caseworker_id IN (SELECT id FROM caseworker WHERE team_id = :team)"
#: A case overdue: its first unexcused duty is past due (desk_sql, the desk's definition).
_CASE_OVERDUE = desk_sql.is_overdue(":today")
#: A stored step still open; an open duty overdue (desk_sql's definitions).
_STEP_OPEN = desk_sql.step_open(":duty", ":today")
_STEP_LATE = desk_sql.step_overdue(":duty", ":today")
#: A review step recorded done, or ended: a family's window past, a duty past but excused.
_ENDED = "e.due < :today AND (e.kind = :window OR (e.kind = :duty AND e.covered))"
# A case's stored steps are written with its stored summary (summaries.py), so a step row
# implies its summary row: only R5's figures read it.
_STEPS_FROM = "FROM case_step st"
_STEPS_SUMMARY_FROM = f"{_STEPS_FROM} JOIN case_summary s ON s.case_id = st.case_id"


def _done(flag: str, step_id: str) -> str:
    """The case's stored flag that the step was recorded done, or the step ended unrecorded."""
    return (
        f"(s.{flag} OR EXISTS (SELECT 1 FROM case_step e WHERE e.case_id = st.case_id "
        f"AND e.step_id = '{step_id}' AND {_ENDED}))"
    )


#: A stored step due in the report's next term (reviews next term, the pipeline's "due").
_IN_TERM = "st.due >= :term_start AND st.due <= :term_end"
_NOTICE, _REPORT = _done("notice_done", "R2"), _done("report_done", "R4")
#: The review pipeline's stages over one step's rows (reports._pipeline): a stage's cases are
#: its rows meeting _STEP_OPEN (_PIPELINE_ALL for R1 overdue), of which overdue _STEP_LATE.
_PIPELINE_ROWS = {
    "due": f"st.step_id = 'R1' AND {_IN_TERM}",
    "late": "st.step_id = 'R1'",
    "notice": f"st.step_id = 'R5' AND {_NOTICE}",
    "report": f"st.step_id = 'R5' AND {_REPORT}",
    "decision": "st.step_id = 'R5'",
    "amended": "st.step_id = 'R7'",
}
_PIPELINE_ALL = {"late": _STEP_LATE}
#: A phase transfer's stage: its step's rows due on one day (each stage's own date).
_PHASE_ROWS = "st.step_id = :step AND st.due = :due"
#: The forecast (reports._forecast_due): a case's next duty when it is ahead, else its first
#: open duty due after today ({t}: a case_step of the case).
_AHEAD, _NOT_AHEAD = "s.next_due > :today", "s.next_due <= :today"


def _first_ahead(t: str) -> str:
    return f"{t}.case_id = s.case_id AND {t}.kind = :duty AND {t}.due > :today"


def _stage_in(stages: Iterable[str]) -> str:
    return "s.stage IN (" + ", ".join(f"'{stage}'" for stage in sorted(stages)) + ")"


class _Figures:
    """The counters `counted_report` fills, keyed as the bulk report's buckets."""

    def __init__(self, keyed: bool = False) -> None:
        self.overdue = Counted("overdue", keyed)
        self.caseload = Counted("caseload", keyed)
        self.stages = Counted("stages", keyed)
        self.forecast = Counted("forecast", keyed)
        self.pipeline = Counted("pipeline", keyed)


#: The figures' statements by name, each (sql, params); and what running them returns, each
#: one's rows by name.
Statements = dict[str, tuple[str, Mapping[str, Any]]]
Rows = dict[str, Sequence[Sequence[Any]]]
#: Runs every statement and returns each one's rows: in turn on one connection (`in_turn`: a
#: SQLAlchemy session, SQLite or PostgreSQL) or several at once, each on its own read-only
#: connection to a SQLite file (`read_file`).
RunAll = Callable[[Statements], Rows]


def in_turn(run: Run) -> RunAll:
    """Each statement in turn on one connection."""
    return lambda statements: {name: run(sql, p) for name, (sql, p) in statements.items()}


def _open_statements(params: Mapping[str, Any], scope: str) -> Statements:
    """Open cases per caseworker and stage, and how many of them are overdue
    (desk_sql.is_overdue): one range of ix_case_summary_open_worker, read from the index alone
    in group order (scope is over case_summary s)."""
    sql = (
        f"SELECT s.caseworker_id, s.stage, count(*), {_n(_CASE_OVERDUE)} FROM case_summary s "
        f"WHERE {scope} GROUP BY s.caseworker_id, s.stage"
    )
    return {"open": (sql, params)}


def _horizon(day: str) -> str:
    """The first forecast horizon (in weeks) a day falls within, NULL beyond the last."""
    return f"CASE {' '.join(f'WHEN {day} <= :h{n} THEN {n}' for n in FORECAST_WEEKS)} END"


def _forecast_statements(params: Mapping[str, Any], scope: str) -> Statements:
    """The forecast (reports._forecast_due), per caseworker by the first horizon (in weeks) a
    case's date falls within (scope is over case_summary s):

    - "ahead": cases whose next duty is ahead, by its date: a range of ix_case_summary_next_due
      up to the last horizon;
    - "late": cases whose next duty is past, by their first open duty due after today: a range
      of ix_case_summary_next_due. That duty is the case's stored later_due (the first duty
      due after the next duty's day) when it lies after today; it is searched for among the
      case's stored steps (one index look-up) only when later_due is past too - a case with
      two duties past (timeline/digest.py Digest.later_due). A case without later_due has no
      duty due after its next one's day, so none after today. (A case with no next duty has
      no duty stored at all - its next is its first stored duty - so nothing of it is
      forecast.)"""
    last = f":h{FORECAST_WEEKS[-1]}"
    ahead = (
        f"SELECT s.caseworker_id, {_horizon('s.next_due')}, count(*) FROM case_summary s "
        f"WHERE {_AHEAD} AND s.next_due <= {last} AND {scope} GROUP BY 1, 2"
    )
    searched = (
        f"(SELECT {_horizon('m')} FROM (SELECT min(st.due) AS m FROM case_step st "
        f"WHERE {_first_ahead('st')}) first)"
    )
    late = (
        "SELECT worker, weeks, count(*) FROM (SELECT s.caseworker_id AS worker, "
        f"CASE WHEN s.later_due IS NULL THEN NULL WHEN s.later_due > :today "
        f"THEN {_horizon('s.later_due')} ELSE {searched} END AS weeks "
        f"FROM case_summary s WHERE {_NOT_AHEAD} AND {scope}) late "
        "GROUP BY worker, weeks"
    )
    return {"ahead": (ahead, params), "late": (late, params)}


def _pipeline_statements(params: Mapping[str, Any], scope: str) -> Statements:
    """The review pipeline (reports._pipeline) and reviews next term per caseworker: each a
    range of one step's rows in ix_case_step_step_due, scoped by the step row's own copy of
    the case's closed flag and caseworker (a case holds each step id once: the engine's ids
    are unique per case, so each row is one case)."""
    notice, report = _NOTICE, _REPORT
    phases = ", ".join(f"'{step_id}'" for step_id in TRANSFER_WORDS)
    sql = {
        "r1_due": f"SELECT st.caseworker_id, count(*) {_STEPS_FROM} WHERE "
        f"{_PIPELINE_ROWS['due']} AND {_STEP_OPEN} AND {scope} GROUP BY st.caseworker_id",
        "r1_late": f"SELECT count(*) {_STEPS_FROM} WHERE {_PIPELINE_ROWS['late']} AND "
        f"{_STEP_LATE} AND {scope}",
        "r5": f"SELECT {_n(_STEP_OPEN)}, {_n(_STEP_LATE)}, {_n(f'{_STEP_OPEN} AND {notice}')}, "
        f"{_n(f'{_STEP_LATE} AND {notice}')}, {_n(f'{_STEP_OPEN} AND {report}')}, "
        f"{_n(f'{_STEP_LATE} AND {report}')} {_STEPS_SUMMARY_FROM} "
        f"WHERE {_PIPELINE_ROWS['decision']} AND {scope}",
        "r7": f"SELECT {_n(_STEP_OPEN)}, {_n(_STEP_LATE)} {_STEPS_FROM} "
        f"WHERE {_PIPELINE_ROWS['amended']} AND {scope}",
        "phases": f"SELECT st.step_id, st.due, count(*), {_n(_STEP_LATE)} {_STEPS_FROM} "
        f"WHERE st.step_id IN ({phases}) AND {_STEP_OPEN} AND {scope} "
        "GROUP BY st.step_id, st.due",
    }
    return {name: (text, params) for name, text in sql.items()}


def _add_pipeline(rows: Rows, figures: _Figures) -> None:
    """The pipeline's statements' rows into its counters (and reviews next term's)."""
    pipeline = figures.pipeline
    for worker_id, n in rows["r1_due"]:
        pipeline.add(("due", "all"), n)
        figures.caseload.add((worker_id, "reviews"), n)
    ((late,),) = rows["r1_late"]
    pipeline.add(("late", "all"), late)
    pipeline.add(("late", "overdue"), late)
    ((r5_open, r5_late, n_open, n_late, r_open, r_late),) = rows["r5"]
    ((r7_open, r7_late),) = rows["r7"]
    for key, n in (
        (("notice", "all"), n_open),
        (("notice", "overdue"), n_late),
        (("report", "all"), r_open),
        (("report", "overdue"), r_late),
        (("decision", "all"), r5_open),
        (("decision", "overdue"), r5_late),
        (("amended", "all"), r7_open),
        (("amended", "overdue"), r7_late),
    ):
        pipeline.add(key, n)
    for step_id, due, n, n_late in rows["phases"]:
        pipeline.add((step_id, _day(due), "all"), n)
        pipeline.add((step_id, _day(due), "overdue"), n_late)


def _measure_statements(period_start: date, period_end: date, team_id: int | None) -> Statements:
    """Timeliness's statements: per day with an event in the period, the tallies of plans
    issued, decisions to assess and reviews (stored CaseTimes: case_summary's issue / decision
    columns, case_review_time; covering indexes, migration 0010)."""
    params = {"start": period_start, "end": period_end, "team": team_id}

    def scoped(table: str, case_id: str) -> str:
        if team_id is None:
            return table
        return (
            f'{table} JOIN "case" c ON c.id = {case_id} '
            "JOIN caseworker w ON w.id = c.caseworker_id AND w.team_id = :team"
        )

    def per_day(day: str, figures: str) -> tuple[str, Mapping[str, Any]]:
        """The figures per day of `day` (table.column) in the period, its table scoped."""
        table, case_id = ("case_review_time rt", "rt.case_id") if day.startswith("rt.") else (
            "case_summary s", "s.case_id")  # fmt: skip
        return (
            f"SELECT {day}, {figures} FROM {scoped(table, case_id)} "
            f"WHERE {day} BETWEEN :start AND :end GROUP BY {day}",
            params,
        )

    clean = "NOT s.issue_excused"
    plans = (
        f"count(*), {_n('s.issue_on_time')}, {_n('s.issue_after_52')}, "
        f"coalesce(sum(s.issue_days), 0), {_n(clean)}, {_n(f'{clean} AND s.issue_on_time')}"
    )
    reviews = (
        f"{_n('rt.on_time IS NOT NULL')}, {_n('rt.on_time')}, "
        f"{_n('rt.meeting_on_time IS NOT NULL')}, {_n('rt.meeting_on_time')}"
    )
    return {
        "plans": per_day("s.issued_on", plans),
        "decisions": per_day("s.decided_on", f"count(*), {_n('s.decision_on_time')}"),
        "reviews": per_day("rt.sent", reviews),
    }


def _measure_from(rows: Rows) -> Measure:
    """Timeliness of any part of the period from its statements' rows: the tallies of the
    days in that part, summed."""
    days: dict[date, Tally] = defaultdict(Tally)
    for day, n, within, after52, total, n_clean, clean_within in rows["plans"]:
        t = days[_day(day)]
        t.plans, t.within, t.after52, t.total_days = n, within, after52, total
        t.clean, t.clean_within = n_clean, clean_within
    for day, n, within in rows["decisions"]:
        t = days[_day(day)]
        t.decisions, t.decisions_within = n, within
    for day, n, within, decided, decided_within in rows["reviews"]:
        t = days[_day(day)]
        t.reviews, t.reviews_within = n, within
        t.review_decisions, t.review_decisions_within = decided, decided_within

    def measured(start: date, end: date) -> tl.Timeliness:
        total = Tally()
        for day, tally in days.items():
            if start <= day <= end:
                total.add(tally)
        return total.figures(start, end)

    return measured


def stored_measure(run: Run, period_start: date, period_end: date, team_id: int | None) -> Measure:
    """Timeliness of any part of the period, counted in SQL from the stored CaseTimes: a tally
    per day with an event, summed for each part asked for."""
    return _measure_from(in_turn(run)(_measure_statements(period_start, period_end, team_id)))


def _params(as_of: date, team_id: int | None) -> dict[str, Any]:
    """The parameters every figure's statement reads."""
    term = next_term(as_of)
    return {
        "today": as_of,
        "team": team_id,
        "duty": DUTY,
        "window": WINDOW,
        "term_start": term.start,
        "term_end": term.end,
        **{f"h{n}": as_of + timedelta(weeks=n) for n in FORECAST_WEEKS},
    }


class _Scopes(NamedTuple):
    """The open cases in scope: as case_summary s's open range, as a range of s's next duties
    (the forecast), and over case_step st (reviews and the pipeline)."""

    summary: str
    next_due: str
    step: str


def _scopes(team_id: int | None) -> _Scopes:
    in_team = "" if team_id is None else _IN_TEAM
    return _Scopes(
        _OPEN_SUMMARY + in_team.format(t="s"),
        (_NOT_CLOSED + in_team).format(t="s"),
        (_NOT_CLOSED + in_team).format(t="st"),
    )


def counted_report(
    run: Run,
    as_of: date,
    policy: tl.Policy,
    period: Period,
    team_id: int | None = None,
    threshold: int | None = None,
    keyed: bool = False,
    run_all: RunAll | None = None,
) -> TeamReport:
    """The team report counted in SQL over the stored deadlines (store/reports.py
    `team_counts`): each bucket holds a count, not its cases, and `cases` is empty. Keyed (the
    dashboard), each bucket names its figure, so `cases_behind` can list its cases. The
    figures' statements run through `run_all` (by default in turn through `run`); the few
    look-ups before them (setting, team, caseworkers) through `run`."""
    started = time.perf_counter()
    period_start, period_end = period
    if period_end < period_start:
        raise KnownError("The period ends before it starts")
    if threshold is None:
        found = run("SELECT value FROM setting WHERE key = :key", {"key": OVERLOAD_SETTING})
        threshold = threshold_from(found[0][0] if found else None)
    name = team_name(run, team_id)
    term = next_term(as_of)
    found_workers, active = workers(run, team_id)
    seen: set[int | None] = set(active)
    params = _params(as_of, team_id)
    summary_scope, by_next_due, by_step = _scopes(team_id)
    f = _Figures(keyed)
    statements = {
        **_open_statements(params, summary_scope),
        **_forecast_statements(params, by_next_due),
        **_pipeline_statements(params, by_step),
        **_measure_statements(period_start, period_end, team_id),
    }
    rows = (run_all or in_turn(run))(statements)
    # Added to the counters' dicts directly (tens of thousands of rows for a whole authority;
    # a count of 0 is the same as none for these, whose keys are never listed).
    stages, caseload, overdue = f.stages.counts, f.caseload.counts, f.overdue.counts
    for worker_id, stage, n, late in rows["open"]:
        seen.add(worker_id)
        stages[stage] += n
        caseload[(worker_id, "open")] += n
        if stage in ASSESSMENT_STAGES:
            caseload[(worker_id, "assessments")] += n
        elif stage in PLAN_STAGES:
            caseload[(worker_id, "plans")] += n
        if late:
            overdue[(worker_id, stage)] += late
            overdue[worker_id] += late
            overdue[("stage", stage)] += late
            overdue["total"] += late
            caseload[(worker_id, "overdue")] += late
    # The forecast (reports._forecast_due): the next duty when it is ahead, else the first
    # open duty due after today; each case counted under every horizon from its first.
    forecast = f.forecast.counts
    for worker_id, first, n in [*rows["ahead"], *rows["late"]]:
        if first is None:
            continue
        for weeks in FORECAST_WEEKS:
            if first <= weeks:
                forecast[(worker_id, weeks)] += n
                forecast[("total", weeks)] += n
    _add_pipeline(rows, f)
    return assemble(
        as_of=as_of,
        period=period,
        team=(team_id, name),
        policy=policy,
        limit=threshold,
        term=term,
        cases={},
        order=order_workers(found_workers, seen),
        overdue=f.overdue,
        caseload=f.caseload,
        stages=f.stages,
        forecast=f.forecast,
        pipeline=f.pipeline,
        measured=_measure_from(rows),
        started=started,
        open_total=sum(f.stages.counts.values()),
    )


# ---------------------------------------------------------------- the cases behind a figure

_SUMMARY_FROM = "FROM case_summary s"
_NEXT = ("s.next_id", "s.next_title", "s.next_due")
_BREACH = ("s.breach_id", "s.breach_title", "s.breach_due")
_STEP = ("st.step_id", "st.title", "st.due")


class _Rows(NamedTuple):
    """One statement's part of a figure: its rows (FROM), the step each case is counted for,
    which of `_Scopes` it reads, and the figure's condition - the count's own WHERE."""

    source: str
    step: tuple[str, str, str]
    scope: str
    where: str


def _worker(worker_id: Any, t: str = "s") -> str:
    return (
        f"{t}.caseworker_id IS NULL"
        if worker_id is None
        else f"{t}.caseworker_id = {int(worker_id)}"
    )


def _figure_rows(figure: tuple[str, Any]) -> tuple[list[_Rows], dict[str, Any]]:
    """The rows behind one bucket of `counted_report`, with the conditions its count reads."""
    family, key = figure
    if family == "stages":
        return [_Rows(_SUMMARY_FROM, _NEXT, "summary", "s.stage = :stage")], {"stage": key}
    if family == "overdue":
        where, extra = _CASE_OVERDUE, {}
        if key == "total":
            pass
        elif isinstance(key, tuple) and key[0] == "stage":
            where, extra = f"{where} AND s.stage = :stage", {"stage": key[1]}
        elif isinstance(key, tuple):
            where = f"{where} AND {_worker(key[0])} AND s.stage = :stage"
            extra = {"stage": key[1]}
        else:
            where = f"{where} AND {_worker(key)}"
        return [_Rows(_SUMMARY_FROM, _BREACH, "summary", where)], extra
    if family == "caseload":
        worker_id, measure = key
        mine = _worker(worker_id)
        if measure == "reviews":
            where = f"{_PIPELINE_ROWS['due']} AND {_STEP_OPEN} AND {_worker(worker_id, 'st')}"
            return [_Rows(_STEPS_SUMMARY_FROM, _STEP, "step", where)], {}
        found = {
            "open": (_NEXT, mine),
            "assessments": (_NEXT, f"{mine} AND {_stage_in(ASSESSMENT_STAGES)}"),
            "plans": (_NEXT, f"{mine} AND {_stage_in(PLAN_STAGES)}"),
            "overdue": (_BREACH, f"{mine} AND {_CASE_OVERDUE}"),
        }[measure]
        return [_Rows(_SUMMARY_FROM, found[0], "summary", found[1])], {}
    if family == "forecast":
        who, weeks = key
        mine = "" if who == "total" else f" AND {_worker(who)}"
        horizon = f":h{int(weeks)}"
        first = f"SELECT min(f.due) FROM case_step f WHERE {_first_ahead('f')}"
        return [
            _Rows(_SUMMARY_FROM, _NEXT, "next_due", f"{_AHEAD} AND s.next_due <= {horizon}{mine}"),
            _Rows(
                f"{_SUMMARY_FROM} JOIN case_step st ON {_first_ahead('st')}",
                _STEP,
                "next_due",
                f"{_NOT_AHEAD} AND st.due <= {horizon} AND st.due = ({first}){mine}",
            ),
        ], {}
    if family == "pipeline":
        which = key[-1]
        if len(key) == 3:
            rows, extra = _PHASE_ROWS, {"step": key[0], "due": key[1]}
            counted = _STEP_OPEN
        else:
            rows, extra = _PIPELINE_ROWS[key[0]], {}
            counted = _PIPELINE_ALL.get(key[0], _STEP_OPEN)
        where = f"{rows} AND {_STEP_LATE if which == 'overdue' else counted}"
        return [_Rows(_STEPS_SUMMARY_FROM, _STEP, "step", where)], extra
    raise KnownError(f"No such figure: {family}")


def cases_behind(
    run: Run, report: TeamReport, bucket: Bucket, limit: int | None = None
) -> list[tuple[ReportCase, Item]]:
    """The cases one figure of the report counts, each with the step it was counted for:
    the figure's own statement (`_figure_rows`, the WHERE its count reads) returning its rows
    instead of a count, in the report's scope and on its day. A bucket that holds its cases
    (`team_report`) lists them from the report. With `limit`, only the `limit` cases whose
    counted step is due first (a whole authority's figure can hold 100,000 cases)."""
    if bucket.figure is None:
        listed = [(report.cases[i.case_id], i) for i in bucket.items]
        return listed if limit is None else _first_due(listed, limit)
    from send_desktop.store.desk_sql import next_status

    parts, extra = _figure_rows(bucket.figure)
    params = {**_params(report.as_of, report.team_id), **extra}
    scopes = _scopes(report.team_id)._asdict()
    breach = "s.breach_due < :today"
    late_steps = (
        "(SELECT count(*) FROM case_step o WHERE o.case_id = s.case_id AND o.kind = :duty "
        "AND o.due < :today AND NOT o.covered)"
    )
    found: dict[int, tuple[ReportCase, Item]] = {}
    for part in parts:
        step_id, title, due = part.step
        sql = (
            "SELECT s.case_id, c.ref, ch.first_name, ch.last_name, s.caseworker_id, w.name, "
            f"s.stage, CASE WHEN {breach} THEN s.breach_id ELSE s.next_id END, "
            f"CASE WHEN {breach} THEN s.breach_title ELSE s.next_title END, "
            f"CASE WHEN {breach} THEN s.breach_due ELSE s.next_due END, {next_status(':today')}, "
            f"s.has_exception, {late_steps}, {step_id}, {title}, {due} {part.source} "
            'JOIN "case" c ON c.id = s.case_id JOIN child ch ON ch.id = c.child_id '
            "LEFT OUTER JOIN caseworker w ON w.id = s.caseworker_id "
            f"WHERE {part.where} AND {scopes[part.scope]} ORDER BY {due} IS NULL, {due}, s.case_id"
            + ("" if limit is None else f" LIMIT {int(limit)}")
        )
        for row in run(sql, params):
            (case_id, ref, first, last, worker_id, worker, stage, next_id, next_title) = row[:9]
            next_due = None if row[9] is None else _day(row[9])
            status = None if row[10] is None else tl.Status(row[10])
            step_due = None if row[15] is None else _day(row[15])
            if case_id in found:
                continue  # two first duties on one day: the case is counted once
            found[case_id] = (
                ReportCase(
                    case_id=case_id,
                    ref=ref,
                    child_name=f"{first} {last}",
                    caseworker_id=worker_id if worker is not None else None,
                    caseworker=worker if worker is not None else UNALLOCATED,
                    stage=stage,
                    next_step=next_id,
                    next_title=next_title,
                    next_due=next_due,
                    days_left=None if next_due is None else (next_due - report.as_of).days,
                    status=status,
                    has_exception=bool(row[11]),
                    overdue_steps=int(row[12]),
                ),
                Item(case_id, row[13], row[14], step_due),
            )
    listed = list(found.values())
    # Each part read its first `limit` by due date, so the union holds the first `limit` of all.
    return listed if limit is None else _first_due(listed, limit)


def _first_due(listed: list[tuple[ReportCase, Item]], limit: int) -> list[tuple[ReportCase, Item]]:
    """The `limit` cases whose counted step is due first (no due date last), by case id on a tie."""
    return sorted(listed, key=lambda pair: (pair[1].due or date.max, pair[0].case_id))[:limit]


# ---------------------------------------------------------------- a fresh process on SQLite


#: The figures' statements, the longest first (measured at 1,000,000 cases: the late forecast
#: 0.22 s, open cases 0.19 s, the forecast ahead 0.10 s, reviews next term 0.09 s...), so that
#: connections reading at once finish together; a statement not named here goes last.
_LONGEST_FIRST = (
    "late", "open", "ahead", "r1_due", "reviews", "r5", "plans", "decisions", "phases", "r7",
    "r1_late",
)  # fmt: skip


def at_once(connections: Sequence[sqlite3.Connection]) -> RunAll:
    """Every statement run on the first free of several connections to one file, each read by
    its own thread (sqlite3 lets go of the interpreter while SQLite reads, so the reads run
    on as many cores at once), the longest first. Each connection is used by one thread only.
    The first error raised is raised again once every thread has stopped."""

    def run_all(statements: Statements) -> Rows:
        order = {name: i for i, name in enumerate(_LONGEST_FIRST)}
        waiting = deque(sorted(statements, key=lambda name: order.get(name, len(order))))
        found: Rows = {}
        failed: list[BaseException] = []

        def work(conn: sqlite3.Connection) -> None:
            run = sqlite_run(conn)
            while not failed:
                try:
                    name = waiting.popleft()  # one thread takes each (deque's pop is atomic)
                except IndexError:
                    return
                try:
                    found[name] = run(*statements[name])
                except BaseException as error:  # raised again below, once every thread stopped
                    failed.append(error)

        threads = [threading.Thread(target=work, args=(c,)) for c in connections[1:]]
        for thread in threads:
            thread.start()
        try:
            work(connections[0])
        finally:
            for thread in threads:
                thread.join()
        if failed:
            raise failed[0]
        return found

    return run_all


def _readers() -> int:
    """How many connections read a report's statements at once: one per core, at most 4
    (12 statements; more readers than cores only take turns)."""
    return max(1, min(4, os.cpu_count() or 1))


def read_file(
    path: Path, as_of: date, period: Period, team: str | None = None
) -> TeamReport | None:
    """`counted_report` read with plain sqlite3 from a SQLite file, read-only; None when the
    normal path must read: the schema is not at the program's head, a case's stored deadlines
    are missing or were computed under other rules, policy or calendar (the normal path
    recomputes them first), or any database error. The figures' statements run at once on
    one read-only connection per core (`at_once`), in one read transaction each: a writer
    (another user's desktop, in WAL mode) could commit between two of them, as between two of
    the dashboard's refreshes."""
    from send_desktop.store import first_page
    from send_desktop.store.stamps import stamp_for

    uri = f"{path.resolve().as_uri()}?mode=ro"
    connections: list[sqlite3.Connection] = []
    try:
        for _ in range(_readers()):
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            connections.append(conn)
            # Read the file through memory mapping: a million rows' index pages without a
            # read() call each (read-only; the mapping ends with the connection).
            conn.execute("PRAGMA mmap_size = 4294967296")
        conn = connections[0]
        if not first_page.at_head(conn):
            return None
        policy = first_page.saved_policy(conn)
        if policy is None or not first_page.fresh(conn, stamp_for(policy)):
            return None  # the normal path says why, or recomputes first
        run = sqlite_run(conn)
        team_id = team_id_by_name(run, team) if team else None
        return counted_report(run, as_of, policy, period, team_id, run_all=at_once(connections))
    except sqlite3.Error:
        return None
    finally:
        for conn in connections:
            conn.close()
