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
from datetime import date, timedelta
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Select, select, text
from sqlalchemy.orm import Session

from send_desktop import timeline as tl
from send_desktop.errors import KnownError
from send_desktop.store import report_sql
from send_desktop.store.models import Case, Caseworker, Child
from send_desktop.store.report_sql import (
    ASSESSMENT_STAGES as ASSESSMENT_STAGES,
)
from send_desktop.store.report_sql import (
    DEFAULT_OVERLOAD as DEFAULT_OVERLOAD,
)
from send_desktop.store.report_sql import (
    FORECAST_WEEKS as FORECAST_WEEKS,
)
from send_desktop.store.report_sql import (
    OVERLOAD_SETTING as OVERLOAD_SETTING,
)
from send_desktop.store.report_sql import (
    PHASE_STEPS as PHASE_STEPS,
)
from send_desktop.store.report_sql import (
    PLAN_STAGES as PLAN_STAGES,
)
from send_desktop.store.report_sql import (
    UNALLOCATED as UNALLOCATED,
)
from send_desktop.store.report_sql import (
    Bucket as Bucket,
)
from send_desktop.store.report_sql import (
    CaseloadLine as CaseloadLine,
)
from send_desktop.store.report_sql import (
    ForecastRow as ForecastRow,
)
from send_desktop.store.report_sql import (
    Item as Item,
)
from send_desktop.store.report_sql import (
    Measure as Measure,
)
from send_desktop.store.report_sql import (
    MonthTimeliness as MonthTimeliness,
)
from send_desktop.store.report_sql import (
    OverdueRow as OverdueRow,
)
from send_desktop.store.report_sql import (
    Period as Period,
)
from send_desktop.store.report_sql import (
    PipelineStage as PipelineStage,
)
from send_desktop.store.report_sql import (
    ReportCase as ReportCase,
)
from send_desktop.store.report_sql import (
    TeamReport as TeamReport,
)
from send_desktop.store.report_sql import (
    Term as Term,
)
from send_desktop.store.report_sql import (
    Worker as Worker,
)
from send_desktop.store.report_sql import (
    assemble,
    next_term,
    order_workers,
)
from send_desktop.store.report_sql import (
    months_between as months_between,
)
from send_desktop.store.report_sql import (
    national_figure as national_figure,
)
from send_desktop.store.report_sql import (
    report_to_json as report_to_json,
)
from send_desktop.store.report_sql import (
    term_of as term_of,
)
from send_desktop.store.settings import get_setting, set_setting
from send_desktop.timeline import catalogue

log = logging.getLogger(__name__)

# Periods given to the parent or young person (N4, R6) or rights they may use (A1, A2): they
# end or lapse, the LA cannot breach them, so they are never forecast as breaches.
PARENT_PERIODS = catalogue.FAMILY_STEPS
# What the review pipeline counts as this term's reviews.
REVIEW_STEPS = catalogue.ids_counted_as("review")

_DONE = frozenset({tl.Status.DONE_ON_TIME, tl.Status.DONE_LATE, tl.Status.LATE_EXCEPTION})


# ---------------------------------------------------------------- settings


def overload_threshold(session: Session) -> int:
    """Open cases above which a caseworker is shown as overloaded (a setting, default 200)."""
    return report_sql.threshold_from(get_setting(session, OVERLOAD_SETTING))


def set_overload_threshold(session: Session, cases: int, user: str) -> None:
    """Store the overload threshold (audited like every setting)."""
    if not 1 <= cases <= 100_000:
        raise KnownError("The overload threshold must be 1 to 100,000 open cases")
    set_setting(session, OVERLOAD_SETTING, str(cases), user)


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


def _item(case_id: int, step: _StepLike | None) -> Item:
    if step is None:
        return Item(case_id, None, None, None)
    return Item(case_id, step.id, step.title, step.due)


def _run(session: Session) -> report_sql.Run:
    """report_sql's statements through the session's connection (SQLite or PostgreSQL)."""
    conn = session.connection()
    as_text = conn.dialect.name == "sqlite"

    def run(sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        values = {
            k: v.isoformat() if as_text and isinstance(v, date) else v for k, v in params.items()
        }
        return conn.execute(text(sql), values).all()

    return run


def team_id_by_name(session: Session, name: str) -> int:
    """A team's id from its name (case-insensitive), for the command line."""
    return report_sql.team_id_by_name(_run(session), name)


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


CaseSource = Callable[
    [Session, date, tl.Policy, int | None, Period], tuple[list[_OpenCase], Measure]
]


def _bulk_source(
    session: Session, as_of: date, policy: tl.Policy, team_id: int | None, period: Period
) -> tuple[list[_OpenCase], Measure]:
    open_cases = _open_cases_bulk(session, as_of, policy, team_id)
    return open_cases, report_sql.stored_measure(_run(session), *period, team_id)


def team_counts(
    session: Session,
    as_of: date,
    policy: tl.Policy,
    period_start: date,
    period_end: date,
    team_id: int | None = None,
    *,
    threshold: int | None = None,
    keyed: bool = False,
) -> TeamReport:
    """`team_report`'s figures counted in SQL over the stored deadlines, with store/counts.py's
    definitions (`report` uses it; store/report_sql.py): each bucket holds a count, not its
    cases, and `cases` is empty - the cases behind a figure are read on demand (the
    dashboard's drill-down). Timeliness is counted in SQL too, from each case's stored
    CaseTimes (the same rule, timeline.timeliness.case_times, as `team_report` applies).
    Keyed (the dashboard), each bucket names its figure for `cases_behind`."""
    return report_sql.counted_report(
        _run(session), as_of, policy, (period_start, period_end), team_id, threshold, keyed
    )


def cases_behind(
    session: Session, report: TeamReport, bucket: Bucket, limit: int | None = None
) -> list[tuple[ReportCase, Item]]:
    """The cases behind one figure of a report, each with the step it was counted for, read
    on demand with the figure's own WHERE (report_sql.cases_behind); with `limit`, the ones
    due first."""
    return report_sql.cases_behind(_run(session), report, bucket, limit)


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
    if period_end < period_start:
        raise KnownError("The period ends before it starts")
    run = _run(session)
    limit = threshold if threshold is not None else overload_threshold(session)
    team_name, term = report_sql.team_name(run, team_id), next_term(as_of)
    open_cases, measured = (source or _bulk_source)(
        session, as_of, policy, team_id, (period_start, period_end)
    )

    workers, active = report_sql.workers(run, team_id)
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

    return assemble(
        as_of=as_of,
        period=(period_start, period_end),
        team=(team_id, team_name),
        policy=policy,
        limit=limit,
        term=term,
        cases=cases,
        order=order_workers(workers, seen_workers),
        overdue=overdue,
        caseload=caseload,
        stages=stages,
        forecast=forecast,
        pipeline=pipeline,
        measured=measured,
        started=started,
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
