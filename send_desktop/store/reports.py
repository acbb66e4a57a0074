"""The team leader's figures: overdue work, caseloads, timeliness, forecast and review pipeline.

Every date comes from the timeline engine: its bulk path over columns read in SQL
(`fast_columns`, `fast_reports`), or the rows it stored with each case (`team_counts`; the
timeliness of both, from `timeline.timeliness.case_times`). The tests' oracle,
tests/oracles.py, gets the same figures from compute_steps and `timeliness` case by case. Nothing here computes a deadline, and no query is
made per case. Each number keeps the cases behind it (a `Bucket`), so a dashboard
can list exactly the cases it counted.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple, Protocol

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy import case as when
from sqlalchemy.orm import Session

from send_desktop import timeline as tl
from send_desktop.errors import KnownError
from send_desktop.store import counts
from send_desktop.store.models import Case, Caseworker, Child, Team
from send_desktop.store.models import CaseReviewTimeRow as Rt
from send_desktop.store.models import CaseStepRow as St
from send_desktop.store.models import CaseSummaryRow as S
from send_desktop.store.settings import get_setting, set_setting
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

# Periods given to the parent or young person (N4, R6) or rights they may use (A1, A2): they
# end or lapse, the LA cannot breach them, so they are never forecast as breaches.
PARENT_PERIODS = catalogue.FAMILY_STEPS
# What the review pipeline counts as this term's reviews, and its phase transfers.
REVIEW_STEPS = catalogue.ids_counted_as("review")
PHASE_STEPS = catalogue.ids_counted_as("phase")

_DONE = frozenset({tl.Status.DONE_ON_TIME, tl.Status.DONE_LATE, tl.Status.LATE_EXCEPTION})


# ---------------------------------------------------------------- settings


def overload_threshold(session: Session) -> int:
    """Open cases above which a caseworker is shown as overloaded (a setting, default 200)."""
    raw = get_setting(session, OVERLOAD_SETTING)
    if raw is None:
        return DEFAULT_OVERLOAD
    text = raw.strip()
    return int(text) if text.isdigit() and int(text) > 0 else DEFAULT_OVERLOAD


def set_overload_threshold(session: Session, cases: int, user: str) -> None:
    """Store the overload threshold (audited like every setting)."""
    if not 1 <= cases <= 100_000:
        raise KnownError("The overload threshold must be 1 to 100,000 open cases")
    set_setting(session, OVERLOAD_SETTING, str(cases), user)


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


# ---------------------------------------------------------------- building the report


class _Collector:
    """Buckets filled case by case, keyed by anything hashable."""

    def __init__(self) -> None:
        self.items: dict[Any, list[Item]] = defaultdict(list)

    def add(self, key: Any, item: Item) -> None:
        self.items[key].append(item)

    def bucket(self, key: Any) -> Bucket:
        return Bucket(tuple(self.items.get(key, ())))

    def filled(self) -> Iterable[Any]:
        return self.items.keys()


class _Counter:
    """Counts read in SQL, keyed like a _Collector's buckets (the cases are not kept)."""

    def __init__(self) -> None:
        self.counts: dict[Any, int] = defaultdict(int)

    def add(self, key: Any, n: int) -> None:
        if n:
            self.counts[key] += n

    def bucket(self, key: Any) -> Bucket:
        return Bucket(size=self.counts.get(key, 0))

    def filled(self) -> Iterable[Any]:
        return self.counts.keys()


def _item(case_id: int, step: _StepLike | None) -> Item:
    if step is None:
        return Item(case_id, None, None, None)
    return Item(case_id, step.id, step.title, step.due)


def _team(session: Session, team_id: int | None) -> str | None:
    if team_id is None:
        return None
    team = session.get(Team, team_id)
    if team is None:
        raise KnownError(f"Team {team_id} does not exist")
    return team.name


def team_id_by_name(session: Session, name: str) -> int:
    """A team's id from its name (case-insensitive), for the command line."""
    wanted = name.strip().lower()
    found = [t for t in session.execute(select(Team)).scalars() if t.name.lower() == wanted]
    if not found:
        names = ", ".join(session.execute(select(Team.name).order_by(Team.name)).scalars())
        raise KnownError(f"No team called {name!r} (teams: {names or 'none'})")
    return found[0].id


def _workers(session: Session, team_id: int | None) -> tuple[dict[int, Worker], set[int]]:
    """Every caseworker in scope, and the ids of the active ones (an inactive caseworker is
    shown only while they still hold open cases)."""
    query = select(Caseworker.id, Caseworker.name, Caseworker.active, Team.name).outerjoin(
        Team, Team.id == Caseworker.team_id
    )
    if team_id is not None:
        query = query.where(Caseworker.team_id == team_id)
    found: dict[int, Worker] = {}
    active: set[int] = set()
    for worker_id, name, is_active, team in session.execute(query):
        found[worker_id] = Worker(worker_id, name, team)
        if is_active:
            active.add(worker_id)
    return found, active


def team_report(
    session: Session,
    as_of: date,
    policy: tl.Policy,
    period_start: date,
    period_end: date,
    team_id: int | None = None,
    *,
    threshold: int | None = None,
) -> TeamReport:
    """The team leader's figures on as_of; timeliness counts events dated in the period.

    Open cases (not closed) feed the overdue, caseload, forecast and pipeline figures; every
    case in scope, closed or not, feeds timeliness (a plan issued last year still counts).
    The steps come from the bulk engine (`fast_reports`); timeliness is counted in SQL from each
    case's stored CaseTimes, as `team_counts` counts it. The tests compare both with the same
    report made from `compute_steps` and `timeliness` case by case (tests/oracles.py).
    """
    from send_desktop.store.fast_columns import paused_gc

    with paused_gc():  # the buckets hold hundreds of thousands of small tuples
        return _team_report(session, as_of, policy, period_start, period_end, team_id, threshold)


class _StepLike(Protocol):
    """What the report reads of a step: a timeline.Step or a fast_reports.StepView."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def due(self) -> date | None: ...
    @property
    def status(self) -> tl.Status: ...
    @property
    def days(self) -> int | None: ...
    @property
    def is_open(self) -> bool: ...


class _OpenCase(NamedTuple):
    """An open case and the steps of it that the report reads."""

    case_id: int
    ref: str
    worker_id: int | None
    first_name: str
    last_name: str
    stage: str
    next_step: _StepLike | None
    has_exception: bool
    overdue_steps: int
    first_overdue: _StepLike | None
    forecast: _StepLike | None
    steps: Sequence[_StepLike]  # at least R1, R2, R4, R5, R7 and P1-P3 where the case has them


def _scope_ids(team_id: int | None) -> Select[Any]:
    ids = select(Case.id).outerjoin(Caseworker, Caseworker.id == Case.caseworker_id)
    return ids if team_id is None else ids.where(Caseworker.team_id == team_id)


def _open_cases_bulk(
    session: Session, as_of: date, policy: tl.Policy, team_id: int | None
) -> list[_OpenCase]:
    from send_desktop.store.fast_columns import CASE_FIELDS, paused_gc, statutory_columns
    from send_desktop.store.fast_reports import ReportSteps

    query = (
        select(*CASE_FIELDS, Case.ref, Case.caseworker_id, Child.first_name, Child.last_name)
        .join(Child, Child.id == Case.child_id)
        .outerjoin(Caseworker, Caseworker.id == Case.caseworker_id)
        .where(Case.closed.is_(False))
    )
    ids = None
    if team_id is not None:
        query = query.where(Caseworker.team_id == team_id)
        ids = _scope_ids(team_id).where(Case.closed.is_(False))
    with paused_gc():
        rows = session.connection().execute(query.order_by(Case.id)).all()
        table = statutory_columns(session, rows, ids, as_of)
        view = ReportSteps(table.columns, as_of, policy, PARENT_PERIODS)
        refs, workers, firsts, lasts = table.extra if rows else ([], [], [], [])
        return [
            _OpenCase(
                case_id=case_id,
                ref=ref,
                worker_id=worker_id,
                first_name=first,
                last_name=last,
                stage=view.stage[i],
                next_step=view.next_step[i],
                has_exception=view.has_exception[i],
                overdue_steps=view.overdue_count[i],
                first_overdue=view.first_overdue[i],
                forecast=view.forecast[i],
                steps=view.pipeline_steps[i],
            )
            for i, (case_id, ref, worker_id, first, last) in enumerate(
                zip(table.columns.case_id.tolist(), refs, workers, firsts, lasts, strict=True)
            )
        ]


# Where a report's open cases and timeliness come from: the bulk engine here, compute_steps case
# by case in the tests' oracle (tests/oracles.py).
Measure = Callable[[date, date], tl.Timeliness]
Period = tuple[date, date]
CaseSource = Callable[
    [Session, date, tl.Policy, int | None, Period], tuple[list[_OpenCase], Measure]
]


def _stored_measure(
    session: Session, period_start: date, period_end: date, team_id: int | None
) -> Measure:
    """Timeliness of any part of the period, counted in SQL from the stored CaseTimes
    (case_summary's issue / decision columns, case_review_time): a tally per day with an
    event, summed for each part asked for."""
    days: dict[date, Tally] = defaultdict(Tally)

    def scoped(query: Select[Any], case_id: Any) -> Select[Any]:
        if team_id is None:
            return query
        return query.join(Case, Case.id == case_id).join(
            Caseworker, and_(Caseworker.id == Case.caseworker_id, Caseworker.team_id == team_id)
        )

    clean = S.issue_excused.is_(False)
    plans = scoped(
        select(
            S.issued_on,
            func.count(),
            _sum(S.issue_on_time.is_(True)),
            _sum(S.issue_after_52.is_(True)),
            func.coalesce(func.sum(S.issue_days), 0),
            _sum(clean),
            _sum(and_(clean, S.issue_on_time.is_(True))),
        ).where(S.issued_on.between(period_start, period_end)),
        S.case_id,
    ).group_by(S.issued_on)
    conn = session.connection()
    for day, n, within, after52, total, n_clean, clean_within in conn.execute(plans):
        t = days[day]
        t.plans, t.within, t.after52, t.total_days = n, within, after52, total
        t.clean, t.clean_within = n_clean, clean_within
    decisions = scoped(
        select(S.decided_on, func.count(), _sum(S.decision_on_time.is_(True))).where(
            S.decided_on.between(period_start, period_end)
        ),
        S.case_id,
    ).group_by(S.decided_on)
    for day, n, within in conn.execute(decisions):
        days[day].decisions, days[day].decisions_within = n, within
    reviews = scoped(
        select(
            Rt.sent,
            _sum(Rt.on_time.is_not(None)),
            _sum(Rt.on_time.is_(True)),
            _sum(Rt.meeting_on_time.is_not(None)),
            _sum(Rt.meeting_on_time.is_(True)),
        ).where(Rt.sent.between(period_start, period_end)),
        Rt.case_id,
    ).group_by(Rt.sent)
    for day, n, within, decided, decided_within in conn.execute(reviews):
        t = days[day]
        t.reviews, t.reviews_within = n, within
        t.review_decisions, t.review_decisions_within = decided, decided_within

    def measured(start: date, end: date) -> tl.Timeliness:
        total = Tally()
        for day, tally in days.items():
            if start <= day <= end:
                total.add(tally)
        return total.figures(start, end)

    return measured


def _bulk_source(
    session: Session, as_of: date, policy: tl.Policy, team_id: int | None, period: Period
) -> tuple[list[_OpenCase], Measure]:
    open_cases = _open_cases_bulk(session, as_of, policy, team_id)
    return open_cases, _stored_measure(session, *period, team_id)


def _scope(
    session: Session,
    as_of: date,
    period: tuple[date, date],
    team_id: int | None,
    threshold: int | None,
) -> tuple[str | None, int, Term]:
    """The team's name, the overload threshold and the next term (KnownError for a bad period)."""
    if period[1] < period[0]:
        raise KnownError("The period ends before it starts")
    limit = threshold if threshold is not None else overload_threshold(session)
    return _team(session, team_id), limit, next_term(as_of)


def team_counts(
    session: Session,
    as_of: date,
    policy: tl.Policy,
    period_start: date,
    period_end: date,
    team_id: int | None = None,
    *,
    threshold: int | None = None,
) -> TeamReport:
    """`team_report`'s figures counted in SQL over the stored deadlines, with store/counts.py's
    definitions (`report` uses it): each bucket holds a count, not its cases, and `cases` is
    empty - the cases behind a figure are read on demand (the dashboard's drill-down).

    Timeliness is counted in SQL too, from each case's stored CaseTimes (the same rule,
    timeline.timeliness.case_times, as `team_report` applies to the facts).
    """
    started = time.perf_counter()
    team_name, limit, term = _scope(session, as_of, (period_start, period_end), team_id, threshold)
    workers, active = _workers(session, team_id)
    seen: set[int | None] = set(active)
    q = counts.CaseloadQuery(as_of, team_id=team_id)
    overdue, caseload, stages = _Counter(), _Counter(), _Counter()
    forecast, pipeline = _Counter(), _Counter()

    horizons = [as_of + timedelta(weeks=weeks) for weeks in FORECAST_WEEKS]
    # Each case's forecast day once (a correlated MIN over its steps when its next duty is
    # past), materialised so the database does not repeat it for each horizon.
    per_case = (
        counts.scoped(
            q,
            Case.caseworker_id.label("worker"),
            S.stage.label("stage"),
            counts.is_overdue(as_of).label("late"),
            _forecast_due(as_of).label("ahead"),
        )
        .cte("per_case")
        .prefix_with("MATERIALIZED")
    )
    c = per_case.c
    by_case = session.execute(
        select(
            c.worker,
            c.stage,
            func.count(),
            _sum(c.late.is_(True)),
            *(_sum(c.ahead <= h) for h in horizons),
        ).group_by(c.worker, c.stage)
    )
    for worker_id, stage, n, late, *ahead in by_case:
        seen.add(worker_id)
        stages.add(stage, n)
        caseload.add((worker_id, "open"), n)
        if stage in ASSESSMENT_STAGES:
            caseload.add((worker_id, "assessments"), n)
        elif stage in PLAN_STAGES:
            caseload.add((worker_id, "plans"), n)
        for key in ((worker_id, stage), worker_id, ("stage", stage), "total"):
            overdue.add(key, late)
        caseload.add((worker_id, "overdue"), late)
        for weeks, m in zip(FORECAST_WEEKS, ahead, strict=True):
            forecast.add((worker_id, weeks), m)
            forecast.add(("total", weeks), m)
    _count_pipeline(session, q, term, caseload, pipeline)
    return _assemble(
        as_of=as_of,
        period=(period_start, period_end),
        team=(team_id, team_name),
        policy=policy,
        limit=limit,
        term=term,
        cases={},
        order=_order(workers, seen),
        overdue=overdue,
        caseload=caseload,
        stages=stages,
        forecast=forecast,
        pipeline=pipeline,
        measured=_stored_measure(session, period_start, period_end, team_id),
        started=started,
        open_total=sum(stages.counts.values()),
    )


def _sum(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """How many rows meet a condition (0 for none)."""
    return func.coalesce(func.sum(when((condition, 1), else_=0)), 0)


def _any(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """1 when any row of the group meets a condition, else 0."""
    return func.max(when((condition, 1), else_=0))


def _forecast_due(as_of: date) -> ColumnElement[Any]:
    """The due date of the case's first open duty due after as_of (`_forecast_step`): its next
    duty when that is still ahead, else the first later one among its stored steps."""
    later = (
        select(func.min(St.due))
        .where(St.case_id == S.case_id, St.kind == DUTY, St.due > as_of)
        .scalar_subquery()
    )
    return when((S.next_due > as_of, S.next_due), else_=later)


def _count_pipeline(
    session: Session, q: counts.CaseloadQuery, term: Term, caseload: _Counter, pipeline: _Counter
) -> None:
    """The review pipeline (`_pipeline`) and reviews next term per caseworker, in SQL."""
    today = q.as_of
    is_open, late = counts.step_is_open(today), counts.step_is_overdue(today)

    def step(step_id: str, condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return _any(and_(St.step_id == step_id, condition))

    # A step done late and excused, or a family's window that has ended, counts as done.
    ended = and_(St.due < today, or_(St.kind == WINDOW, and_(St.kind == DUTY, St.covered)))
    per_case = (
        counts.scoped(
            q,
            Case.caseworker_id.label("worker"),
            step("R1", and_(is_open, St.due >= term.start, St.due <= term.end)).label("r1_term"),
            step("R1", late).label("r1_late"),
            step("R5", is_open).label("r5_open"),
            step("R5", late).label("r5_late"),
            step("R7", is_open).label("r7_open"),
            step("R7", late).label("r7_late"),
            func.max(when((S.notice_done, 1), else_=0)).label("r2_done"),
            func.max(when((S.report_done, 1), else_=0)).label("r4_done"),
            step("R2", ended).label("r2_ended"),
            step("R4", ended).label("r4_ended"),
            steps=True,
        )
        .where(St.step_id.in_(("R1", "R2", "R4", "R5", "R7")))
        .group_by(St.case_id, Case.caseworker_id)
        .subquery()
    )
    c = per_case.c
    r5_open, r5_late = c.r5_open == 1, c.r5_late == 1
    notice = or_(c.r2_done == 1, c.r2_ended == 1)
    report = or_(c.r4_done == 1, c.r4_ended == 1)
    figures = {
        ("due", "all"): c.r1_term == 1,
        ("late", "all"): c.r1_late == 1,
        ("late", "overdue"): c.r1_late == 1,
        ("notice", "all"): and_(r5_open, notice),
        ("notice", "overdue"): and_(r5_late, notice),
        ("report", "all"): and_(r5_open, report),
        ("report", "overdue"): and_(r5_late, report),
        ("decision", "all"): r5_open,
        ("decision", "overdue"): r5_late,
        ("amended", "all"): c.r7_open == 1,
        ("amended", "overdue"): c.r7_late == 1,
    }
    keys = list(figures)
    query = select(c.worker, *(_sum(v) for v in figures.values())).group_by(c.worker)
    for worker_id, *found in session.execute(query):
        for key, n in zip(keys, found, strict=True):
            pipeline.add(key, n)
        caseload.add((worker_id, "reviews"), found[0])
    transfers = (
        counts.scoped(q, St.step_id, St.due, func.count(), _sum(late), steps=True)
        .where(St.step_id.in_(tuple(_TRANSFER_WORDS)), is_open)
        .group_by(St.step_id, St.due)
    )
    for step_id, due, n, n_late in session.execute(transfers):
        pipeline.add((step_id, due, "all"), n)
        pipeline.add((step_id, due, "overdue"), n_late)


def _team_report(
    session: Session,
    as_of: date,
    policy: tl.Policy,
    period_start: date,
    period_end: date,
    team_id: int | None,
    threshold: int | None,
    *,
    source: CaseSource | None = None,
) -> TeamReport:
    started = time.perf_counter()
    team_name, limit, term = _scope(session, as_of, (period_start, period_end), team_id, threshold)
    open_cases, measured = (source or _bulk_source)(
        session, as_of, policy, team_id, (period_start, period_end)
    )

    workers, active = _workers(session, team_id)
    unallocated = Worker(None, UNALLOCATED, None)

    cases: dict[int, ReportCase] = {}
    overdue = _Collector()  # (worker id, stage) and worker id and stage
    caseload = _Collector()  # (worker id, measure)
    stages = _Collector()
    forecast = _Collector()  # (worker id, weeks)
    pipeline = _Collector()  # (stage key, "all"/"overdue")
    horizons = {weeks: as_of + timedelta(weeks=weeks) for weeks in FORECAST_WEEKS}
    seen_workers: set[int | None] = set(active)
    for case in open_cases:
        case_id, stage, nxt = case.case_id, case.stage, case.next_step
        worker_id = case.worker_id
        worker = workers.get(worker_id) if worker_id is not None else None
        if worker is None:
            worker_id = None
            worker = unallocated
        seen_workers.add(worker_id)
        cases[case_id] = ReportCase(
            case_id=case_id,
            ref=case.ref,
            child_name=f"{case.first_name} {case.last_name}",
            caseworker_id=worker_id,
            caseworker=worker.name,
            stage=stage,
            next_step=nxt.id if nxt else None,
            next_title=nxt.title if nxt else None,
            next_due=nxt.due if nxt else None,
            days_left=nxt.days if nxt else None,
            status=nxt.status if nxt else None,
            has_exception=case.has_exception,
            overdue_steps=case.overdue_steps,
        )
        here = _item(case_id, nxt)
        stages.add(stage, here)
        caseload.add((worker_id, "open"), here)
        if stage in ASSESSMENT_STAGES:
            caseload.add((worker_id, "assessments"), here)
        elif stage in PLAN_STAGES:
            caseload.add((worker_id, "plans"), here)
        if case.first_overdue is not None:
            late = _item(case_id, case.first_overdue)
            overdue.add((worker_id, stage), late)
            overdue.add(worker_id, late)
            overdue.add(("stage", stage), late)
            overdue.add("total", late)
            caseload.add((worker_id, "overdue"), late)
        _forecast(case_id, worker_id, case.forecast, horizons, forecast)
        _pipeline(case_id, case.steps, term, pipeline)
        for step in case.steps:
            if step.id in REVIEW_STEPS and step.is_open and term.contains(step.due):
                caseload.add((worker_id, "reviews"), _item(case_id, step))

    return _assemble(
        as_of=as_of,
        period=(period_start, period_end),
        team=(team_id, team_name),
        policy=policy,
        limit=limit,
        term=term,
        cases=cases,
        order=_order(workers, seen_workers),
        overdue=overdue,
        caseload=caseload,
        stages=stages,
        forecast=forecast,
        pipeline=pipeline,
        measured=measured,
        started=started,
    )


def _order(workers: Mapping[int, Worker], seen: set[int | None]) -> list[Worker]:
    """The report's rows: caseworkers by name, then the unallocated pile if it holds cases."""
    order = sorted(
        (workers[w] for w in seen if w is not None and w in workers),
        key=lambda w: (w.name.lower(), w.caseworker_id or 0),
    )
    if None in seen:
        order.append(Worker(None, UNALLOCATED, None))
    return order


class _Buckets(Protocol):
    def bucket(self, key: Any) -> Bucket: ...
    def filled(self) -> Iterable[Any]: ...


def _assemble(
    *,
    as_of: date,
    period: tuple[date, date],
    team: tuple[int | None, str | None],
    policy: tl.Policy,
    limit: int,
    term: Term,
    cases: Mapping[int, ReportCase],
    order: Sequence[Worker],
    overdue: _Buckets,
    caseload: _Buckets,
    stages: _Buckets,
    forecast: _Buckets,
    pipeline: _Buckets,
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


def _caseload_line(worker: Worker, caseload: _Buckets, limit: int) -> CaseloadLine:
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


def _forecast(
    case_id: int,
    worker_id: int | None,
    first: _StepLike | None,
    horizons: Mapping[int, date],
    forecast: _Collector,
) -> None:
    if first is None or first.due is None:
        return
    for weeks, horizon in horizons.items():
        if first.due <= horizon:
            item = _item(case_id, first)
            forecast.add((worker_id, weeks), item)
            forecast.add(("total", weeks), item)


# Pipeline stages: (key, name, rule). Phase transfers are added per deadline date.
_PIPELINE = (
    ("due", "Reviews due next term", "R1 open and due in the term (CFA s.44(1))"),
    ("late", "Reviews overdue", "R1 past the 12 months with no review decision (CFA s.44(1))"),
    ("notice", "Meeting notices sent", "R2 done, decision (R5) still to send (reg 20(3))"),
    ("report", "Review reports received", "R4 done, decision (R5) still to send (reg 20(7))"),
    ("decision", "Decisions due", "R5 open: meeting + 4 weeks (reg 20(10))"),
    ("amended", "Amended plans due", "R7 open: amendments + 8 weeks, meeting + 12 (reg 22(3))"),
)
_TRANSFER_WORDS = {step_id: catalogue.CATALOGUE[step_id].report_label for step_id in PHASE_STEPS}


def _pipeline(case_id: int, steps: Iterable[_StepLike], term: Term, pipeline: _Collector) -> None:
    by_id = {s.id: s for s in steps}
    r1, r5 = by_id.get("R1"), by_id.get("R5")
    if r1 is not None and r1.is_open:
        if term.contains(r1.due):
            pipeline.add(("due", "all"), _item(case_id, r1))
        if r1.status is tl.Status.OVERDUE:
            pipeline.add(("late", "all"), _item(case_id, r1))
            pipeline.add(("late", "overdue"), _item(case_id, r1))
    decision_open = r5 is not None and r5.is_open
    for key, step_id in (("notice", "R2"), ("report", "R4")):
        step = by_id.get(step_id)
        if decision_open and step is not None and step.status in _DONE:
            assert r5 is not None
            pipeline.add((key, "all"), _item(case_id, r5))
            if r5.status is tl.Status.OVERDUE:
                pipeline.add((key, "overdue"), _item(case_id, r5))
    for key, step_id in (("decision", "R5"), ("amended", "R7")):
        step = by_id.get(step_id)
        if step is not None and step.is_open:
            pipeline.add((key, "all"), _item(case_id, step))
            if step.status is tl.Status.OVERDUE:
                pipeline.add((key, "overdue"), _item(case_id, step))
    for step_id in PHASE_STEPS:
        step = by_id.get(step_id)
        if step is not None and step.is_open and step.due is not None:
            pipeline.add((step_id, step.due, "all"), _item(case_id, step))
            if step.status is tl.Status.OVERDUE:
                pipeline.add((step_id, step.due, "overdue"), _item(case_id, step))


def _pipeline_stages(pipeline: _Buckets, term: Term) -> tuple[PipelineStage, ...]:
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
                f"{_TRANSFER_WORDS[step_id]}: due {due:%d %b %Y}",
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
