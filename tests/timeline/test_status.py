"""Statuses: on time, late, exceptions that never move a deadline, decisions that end steps."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from send_desktop.timeline import (
    STAGES,
    AdviceRequest,
    ExceptionRecord,
    Facts,
    Policy,
    Review,
    Status,
    compute_steps,
    next_deadline,
    stage_of,
    summarise,
)
from tests.timeline.helpers import steps_by_id

JAN6 = date(2025, 1, 6)
N5_DUE = date(2025, 5, 26)


def test_status_labels() -> None:
    assert [s.label for s in Status] == [
        "Done",
        "Done late",
        "Late - exception",
        "Overdue",
        "Due soon",
        "On track",
        "Not applicable",
        "Breached",
    ]


def test_open_step_on_track_due_soon_overdue() -> None:
    facts = Facts(request_received=JAN6)
    assert steps_by_id(facts, date(2025, 5, 1))["N5"].status is Status.ON_TRACK
    # 10 working days before Mon 26 May (a bank holiday week): from Fri 9 May.
    assert steps_by_id(facts, date(2025, 5, 8))["N5"].status is Status.ON_TRACK
    assert steps_by_id(facts, date(2025, 5, 9))["N5"].status is Status.DUE_SOON
    on_the_day = steps_by_id(facts, N5_DUE)["N5"]
    assert on_the_day.status is Status.DUE_SOON and on_the_day.days == 0
    late = steps_by_id(facts, date(2025, 5, 29))["N5"]
    assert late.status is Status.OVERDUE and late.days == -3
    assert late.explanation.endswith("; 3 days overdue")


def test_done_on_time_and_late() -> None:
    on_time = steps_by_id(Facts(request_received=JAN6, final_issued=N5_DUE), date(2025, 6, 1))
    assert on_time["N5"].status is Status.DONE_ON_TIME and on_time["N5"].days is None
    late = steps_by_id(
        Facts(request_received=JAN6, final_issued=date(2025, 5, 27)), date(2025, 6, 1)
    )
    assert late["N5"].status is Status.DONE_LATE
    assert late["N5"].done == date(2025, 5, 27)
    assert "1 day late" in late["N5"].explanation


def test_exception_marks_late_but_never_moves_the_deadline() -> None:
    x4 = (ExceptionRecord("X4", date(2025, 3, 1), date(2025, 4, 15), "abroad"),)
    open_late = steps_by_id(Facts(request_received=JAN6, exceptions=x4), date(2025, 6, 2))["N5"]
    assert open_late.due == N5_DUE
    assert open_late.status is Status.LATE_EXCEPTION and open_late.days == -7
    assert "exception X4 applies (reg 13(3))" in open_late.explanation
    done_late = steps_by_id(
        Facts(request_received=JAN6, exceptions=x4, final_issued=date(2025, 6, 2)), date(2025, 6, 3)
    )["N5"]
    assert done_late.status is Status.LATE_EXCEPTION and done_late.due == N5_DUE
    # Before the deadline an exception changes nothing.
    assert (
        steps_by_id(Facts(request_received=JAN6, exceptions=x4), JAN6)["N5"].status
        is Status.ON_TRACK
    )


def test_exceptions_apply_only_to_their_steps() -> None:
    advice = (AdviceRequest("school", date(2025, 2, 12)),)
    as_of = date(2025, 6, 2)
    x1 = steps_by_id(
        Facts(request_received=JAN6, advice=advice, exceptions=(ExceptionRecord("X1"),)), as_of
    )
    assert x1["N5"].status is Status.LATE_EXCEPTION and x1["N1"].status is Status.LATE_EXCEPTION
    assert x1["N2"].status is Status.OVERDUE  # X1 is not for N2
    x5 = steps_by_id(
        Facts(request_received=JAN6, advice=advice, exceptions=(ExceptionRecord("X5"),)), as_of
    )
    assert x5["N2"].status is Status.LATE_EXCEPTION  # X5 is for N2 only
    assert x5["N5"].status is Status.OVERDUE
    x3 = steps_by_id(
        Facts(request_received=JAN6, advice=advice, exceptions=(ExceptionRecord("X3"),)), as_of
    )
    assert {x3[k].status for k in ("N1", "N2", "N3", "N5")} == {Status.LATE_EXCEPTION}


def test_not_assessing_ends_the_process_at_n1() -> None:
    facts = Facts(
        request_received=JAN6,
        decision_to_assess=date(2025, 2, 3),
        decision_outcome="not-assess",
        decision_sent=date(2025, 2, 3),
    )
    steps = steps_by_id(facts, date(2025, 6, 1))
    assert steps["N1"].status is Status.DONE_ON_TIME
    for later in ("N3", "N5", "N4.target"):
        assert steps[later].status is Status.NOT_APPLICABLE, later
        assert "decided not to assess (Mon 3 Feb 2025)" in steps[later].explanation
    assert steps["A2"].due == date(2025, 4, 3)
    assert steps["A2"].status is Status.NOT_APPLICABLE  # no appeal recorded: the right lapsed
    assert stage_of(facts) == "Not assessed"


def test_not_issuing_ends_the_process_at_n3() -> None:
    facts = Facts(
        request_received=JAN6,
        decision_to_assess=date(2025, 2, 3),
        decision_outcome="assess",
        not_issue_decision=date(2025, 4, 1),
    )
    steps = steps_by_id(facts, date(2025, 6, 1))
    assert steps["N3"].status is Status.DONE_ON_TIME
    assert steps["N5"].status is Status.NOT_APPLICABLE
    assert steps["A1"].due == date(2025, 6, 1)  # the not-issue notice is appealable
    assert stage_of(facts) == "Not issued"


def test_n3_not_applicable_once_a_plan_is_being_issued() -> None:
    facts = Facts(request_received=JAN6, draft_served=date(2025, 4, 1))
    assert steps_by_id(facts, date(2025, 6, 1))["N3"].status is Status.NOT_APPLICABLE


def test_ceasing_ends_reviews() -> None:
    facts = Facts(
        plan_issued=date(2023, 1, 10),
        reviews=(Review(meeting=date(2024, 1, 5), decision_sent=date(2024, 1, 20), outcome="C"),),
        ceased=date(2024, 3, 1),
        phase_transfer=date(2025, 9, 1),
        transfer_kind="school",
    )
    steps = steps_by_id(facts, date(2025, 6, 1))
    assert steps["R1"].status is Status.NOT_APPLICABLE
    assert steps["P1"].status is Status.NOT_APPLICABLE
    assert steps["R5"].status is Status.DONE_ON_TIME  # what was done stays done
    assert steps["R2"].status is Status.NOT_APPLICABLE
    assert stage_of(facts) == "Ceased"
    summary = summarise(facts, date(2025, 6, 1))
    assert summary.next_id is None and summary.stage == "Ceased"


def test_per_step_warning_window() -> None:
    facts = Facts(request_received=JAN6)
    as_of = date(2025, 5, 1)  # 14 working days before N5
    assert steps_by_id(facts, as_of)["N5"].status is Status.ON_TRACK
    wide = Policy(step_warning_days=(("N5", 15),))
    assert steps_by_id(facts, as_of, wide)["N5"].status is Status.DUE_SOON
    assert steps_by_id(facts, date(2025, 2, 12), wide)["N1"].status is Status.DUE_SOON
    narrow = Policy(warning_working_days=2)  # Thu, Fri, Mon: 3 working days to go
    assert steps_by_id(facts, date(2025, 2, 12), narrow)["N1"].status is Status.ON_TRACK
    assert steps_by_id(facts, date(2025, 2, 12))["N1"].status is Status.DUE_SOON


def test_next_deadline_and_summary() -> None:
    facts = Facts(
        request_received=JAN6, decision_to_assess=date(2025, 2, 10), decision_outcome="assess"
    )
    steps = compute_steps(facts, date(2025, 3, 1))
    nxt = next_deadline(steps)
    assert nxt is not None and nxt.id == "N3"
    summary = summarise(facts, date(2025, 3, 1))
    assert (summary.next_id, summary.next_due, summary.stage) == (
        "N3",
        date(2025, 4, 28),
        "Assessment",
    )
    assert summary.status is Status.ON_TRACK and summary.days_left == 58
    assert next_deadline([]) is None


def test_steps_come_in_due_order() -> None:
    facts = Facts(
        request_received=JAN6,
        plan_issued=date(2024, 3, 1),
        decision_sent=date(2024, 12, 1),
        move_date=date(2025, 2, 1),
    )
    dues = [s.due for s in compute_steps(facts, JAN6) if s.due is not None]
    assert dues == sorted(dues)


def test_stages() -> None:
    assert stage_of(Facts()) == "Request"
    assert stage_of(Facts(request_received=JAN6)) == "Request"
    assert stage_of(Facts(request_received=JAN6, decision_outcome="assess")) == "Assessment"
    assert stage_of(Facts(request_received=JAN6, draft_served=JAN6)) == "Draft plan"
    assert stage_of(Facts(final_issued=JAN6)) == "Plan"
    assert set(STAGES) == {
        "Request",
        "Assessment",
        "Draft plan",
        "Plan",
        "Not assessed",
        "Not issued",
        "Ceased",
    }


def test_a_step_done_late_under_an_exception_is_not_still_open() -> None:
    """Advice received late, excused by X3: shown "Late - exception", but done - never the next
    deadline, in the scalar engine, summarise and the bulk engine alike."""

    from send_desktop.timeline.bulk import CaseColumns, compute_bulk

    facts = Facts(
        request_received=date(2025, 1, 6),
        decision_to_assess=date(2025, 2, 10),
        decision_outcome="assess",
        advice=(AdviceRequest("EP", date(2025, 1, 20), received=date(2025, 3, 20)),),
        exceptions=(ExceptionRecord("X3", date(2025, 2, 1), date(2025, 3, 15)),),
    )
    as_of = date(2025, 3, 25)
    steps = {s.id: s for s in compute_steps(facts, as_of)}
    assert steps["N2"].status is Status.LATE_EXCEPTION
    assert steps["N2"].done == date(2025, 3, 20)
    assert not steps["N2"].is_open
    nxt = next_deadline(steps.values())
    assert nxt is not None and nxt.id == "N3"
    assert summarise(facts, as_of).next_id == "N3"
    bulk = compute_bulk(CaseColumns.from_facts([facts]), as_of, Policy())
    assert bulk.summary(0).next_id == "N3"


def test_outstanding_advice_ends_with_the_assessment() -> None:
    """Advice never received is not a deadline once the final plan is issued or the LA decides
    not to issue; while the assessment runs, it is (and shows overdue when late). Once the final
    plan is issued without it, it shows breached - not received before the plan (rules s.7)."""
    base = Facts(
        request_received=date(2024, 1, 8),
        decision_to_assess=date(2024, 2, 12),
        decision_outcome="assess",
        advice=(AdviceRequest("social care", date(2024, 2, 19)),),
    )
    as_of = date(2024, 9, 2)
    assert steps_by_id(base, as_of)["N2"].status is Status.OVERDUE
    issued = replace(base, final_issued=date(2024, 5, 20))
    step = steps_by_id(issued, as_of)["N2"]
    assert step.status is Status.BREACHED
    assert step.status.label == "Breached"
    assert "not received before the final plan was issued" in step.explanation
    assert steps_by_id(issued, as_of)["N5"].status is Status.BREACHED
    not_issuing = replace(base, not_issue_decision=date(2024, 4, 29))
    assert steps_by_id(not_issuing, as_of)["N2"].status is Status.NOT_APPLICABLE
    assert summarise(issued, as_of).next_id != "N2"
