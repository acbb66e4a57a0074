"""Every worked example in the statutory rules, through compute_steps."""

from __future__ import annotations

from datetime import date

from send_desktop.timeline import (
    AdviceRequest,
    Consultation,
    ExceptionRecord,
    Facts,
    Policy,
    Review,
    Status,
    x1_qualifying_window,
)
from tests.timeline.helpers import steps_by_id

JAN6 = date(2025, 1, 6)


def test_twenty_week_process_from_the_request() -> None:
    steps = steps_by_id(Facts(request_received=JAN6), date(2025, 1, 10))
    assert steps["N1"].due == date(2025, 2, 17)
    assert steps["N3"].due == date(2025, 4, 28)
    assert steps["N5"].due == date(2025, 5, 26)
    assert steps["N5"].explanation == (
        "Final plan due Mon 26 May 2025: request received Mon 6 Jan 2025 + 20 weeks (reg 13(2))"
    )
    assert steps["N5"].source == "reg 13(2)"
    assert steps["N1"].source == "reg 5(1)" and steps["N3"].source == "reg 10(1)"
    assert steps["N5"].status is Status.ON_TRACK and steps["N5"].days == 136
    # Planning target: N5 - 15 days with no school to consult, never statutory.
    assert steps["N4.target"].due == date(2025, 5, 11)
    assert steps["N4.target"].statutory is False


def test_draft_target_with_a_school_to_consult() -> None:
    facts = Facts(request_received=JAN6, consultations=(Consultation("Oak School", JAN6),))
    assert steps_by_id(facts, JAN6)["N4.target"].due == date(2025, 4, 26)


def test_n2_advice_per_request() -> None:
    facts = Facts(
        request_received=JAN6,
        decision_to_assess=date(2025, 2, 10),
        decision_outcome="assess",
        advice=(
            AdviceRequest("educational psychologist", date(2025, 2, 12)),
            AdviceRequest("health", date(2025, 2, 14), received=date(2025, 3, 31)),
        ),
    )
    steps = steps_by_id(facts, date(2025, 3, 20))
    assert steps["N2.1"].due == date(2025, 3, 26)
    assert steps["N2.1"].title == "Advice from educational psychologist"
    assert steps["N2.1"].status is Status.DUE_SOON
    assert steps["N2.2"].due == date(2025, 3, 28)
    assert steps["N2.2"].status is Status.DONE_LATE
    assert steps["N2.2"].source == "reg 8"


def test_n4_draft_window() -> None:
    # Rules D: draft served Mon 3 Mar 2025 -> window ends Mon 17 Mar; finalise from Tue 18 Mar.
    facts = Facts(request_received=JAN6, draft_served=date(2025, 3, 3))
    open_ = steps_by_id(facts, date(2025, 3, 10))["N4"]
    assert open_.window_start == date(2025, 3, 3) and open_.due == date(2025, 3, 17)
    assert open_.status is Status.DUE_SOON and open_.days == 7
    assert "final plan from Tue 18 Mar 2025" in open_.explanation
    ended = steps_by_id(facts, date(2025, 3, 18))["N4"]
    assert ended.status is Status.DONE_ON_TIME and ended.done == date(2025, 3, 17)
    assert "the window has ended" in ended.explanation
    early = Facts(
        request_received=JAN6, draft_served=date(2025, 3, 3), final_issued=date(2025, 3, 10)
    )
    assert "before the window ended" in steps_by_id(early, date(2025, 3, 20))["N4"].explanation


def test_n4b_consultation_response_is_guidance() -> None:
    facts = Facts(
        request_received=JAN6, consultations=(Consultation("Oak School", date(2025, 3, 3)),)
    )
    step = steps_by_id(facts, date(2025, 3, 20))["N4b"]
    assert step.due == date(2025, 3, 17) and step.statutory is False
    assert step.status is Status.OVERDUE
    assert step.title == "Consultation response from Oak School"


def test_x1_qualifying_window_example() -> None:
    # School closes Wed 23 Jul 2025, re-opens Wed 3 Sep 2025 -> Wed 16 Jul - Wed 27 Aug 2025.
    window = x1_qualifying_window(date(2025, 7, 23), date(2025, 9, 3))
    assert window == (date(2025, 7, 16), date(2025, 8, 27))
    first, last = window
    assert not first <= date(2025, 7, 14) <= last  # advice asked 14 Jul does not qualify
    assert x1_qualifying_window(date(2025, 7, 23), date(2025, 8, 19)) is None  # under 4 weeks


def test_review_cycle_from_plan_then_from_last_review() -> None:
    # Rules MS: plan issued 1 Jan 2019 -> review by 31 Dec 2019.
    plan = Facts(plan_issued=date(2019, 1, 1))
    assert steps_by_id(plan, date(2019, 6, 1))["R1"].due == date(2019, 12, 31)
    reviewed = Facts(
        plan_issued=date(2019, 1, 1),
        reviews=(Review(meeting=date(2019, 11, 1), decision_sent=date(2019, 11, 20), outcome="M"),),
    )
    r1 = steps_by_id(reviewed, date(2020, 1, 1))["R1"]
    assert r1.due == date(2020, 11, 19)
    assert r1.source == "CFA s.44(1)"


def test_ipsea_review_example() -> None:
    # Meeting Fri 1 Nov 2024 -> decision by Fri 29 Nov 2024; decision with amendments sent
    # Mon 25 Nov 2024 -> final amended plan by Mon 20 Jan 2025.
    facts = Facts(
        plan_issued=date(2024, 1, 10),
        reviews=(
            Review(
                meeting=date(2024, 11, 1),
                decision_sent=date(2024, 11, 25),
                outcome="A",
                amendment_sent=date(2024, 11, 25),
            ),
        ),
    )
    steps = steps_by_id(facts, date(2024, 11, 26))
    assert steps["R2"].due == date(2024, 10, 18) and steps["R3"].due == date(2024, 10, 18)
    assert steps["R4"].due == date(2024, 11, 15)
    assert steps["R5"].due == date(2024, 11, 29)
    assert steps["R5"].status is Status.DONE_ON_TIME
    assert steps["R6"].window_start == date(2024, 11, 25)
    assert steps["R6"].due == date(2024, 12, 9)
    assert steps["R7"].due == date(2025, 1, 20)
    assert steps["R7"].explanation.startswith(
        "Final amended plan due Mon 20 Jan 2025: amendments sent Mon 25 Nov 2024 + 8 weeks"
    )


def test_r7_no_later_than_meeting_plus_12_weeks() -> None:
    facts = Facts(
        plan_issued=date(2024, 1, 10),
        reviews=(Review(meeting=date(2024, 11, 1), amendment_sent=date(2025, 1, 10), outcome="A"),),
    )
    assert steps_by_id(facts, date(2025, 1, 11))["R7"].due == date(2025, 1, 24)


def test_r8_under_fives() -> None:
    facts = Facts(plan_issued=date(2024, 1, 10), date_of_birth=date(2021, 5, 1))
    r8 = steps_by_id(facts, date(2024, 2, 1))["R8"]
    assert r8.due == date(2024, 7, 10) and r8.statutory is False
    three = steps_by_id(facts, date(2024, 2, 1), Policy(under5_review_months=3))["R8"]
    assert three.due == date(2024, 4, 10)
    older = Facts(plan_issued=date(2024, 1, 10), date_of_birth=date(2019, 5, 1))
    assert "R8" not in steps_by_id(older, date(2024, 2, 1))


def test_year_9_reviews_cover_preparation_for_adulthood() -> None:
    year9 = Facts(plan_issued=date(2024, 10, 1), date_of_birth=date(2011, 3, 3))
    assert "Year 9" in steps_by_id(year9, date(2025, 1, 1))["R1"].explanation
    year7 = Facts(plan_issued=date(2024, 10, 1), date_of_birth=date(2013, 3, 3))
    assert "Year 9" not in steps_by_id(year7, date(2025, 1, 1))["R1"].explanation


def test_phase_transfers() -> None:
    base = Facts(plan_issued=date(2025, 6, 1), phase_transfer=date(2026, 9, 1))
    p1 = steps_by_id(Facts(**{**_fields(base), "transfer_kind": "school"}), date(2025, 9, 1))
    assert p1["P1"].due == date(2026, 2, 14) and p1["P1"].source == "reg 18"
    # The longstop governs R1 (due 31 May 2026) when it is earlier.
    assert p1["R1"].due == date(2026, 2, 14)
    p2 = steps_by_id(Facts(**{**_fields(base), "transfer_kind": "post16"}), date(2025, 9, 1))
    assert p2["P2"].due == date(2026, 3, 30)
    p3 = steps_by_id(
        Facts(
            **{**_fields(base), "transfer_kind": "post16-other", "phase_transfer": date(2026, 1, 5)}
        ),
        date(2025, 9, 1),
    )
    assert p3["P3"].due == date(2025, 8, 5)
    by = steps_by_id(
        Facts(**{**_fields(base), "transfer_kind": "school"}),
        date(2025, 9, 1),
        Policy(transfer_deadline="by"),
    )
    assert by["P1"].due == date(2026, 2, 15)


def test_phase_transfer_done_by_the_amended_plan_and_bounds_r7() -> None:
    facts = Facts(
        plan_issued=date(2025, 3, 1),
        phase_transfer=date(2026, 9, 1),
        transfer_kind="school",
        reviews=(Review(meeting=date(2026, 1, 9), amendment_sent=date(2026, 1, 20), outcome="A"),),
    )
    steps = steps_by_id(facts, date(2026, 1, 21))
    assert steps["R7"].due == date(2026, 2, 14)  # not 17 Mar: the longstop governs
    assert "phase-transfer" in steps["R7"].explanation
    done = Facts(
        **{
            **_fields(facts),
            "reviews": (
                Review(
                    meeting=date(2026, 1, 9),
                    amendment_sent=date(2026, 1, 20),
                    outcome="A",
                    final_amended=date(2026, 2, 10),
                ),
            ),
        }
    )
    assert steps_by_id(done, date(2026, 2, 11))["P1"].status is Status.DONE_ON_TIME


def test_moves() -> None:
    # The old LA knew 10 working days before: 15 working days beginning with the day it knew.
    late = Facts(move_date=date(2025, 5, 16), aware_of_move=date(2025, 5, 2))
    t1 = steps_by_id(late, date(2025, 5, 2))["T1"]
    assert t1.due == date(2025, 5, 23) and t1.source == "reg 15(2)"
    early = Facts(move_date=date(2025, 6, 30), aware_of_move=date(2025, 5, 1))
    assert steps_by_id(early, date(2025, 5, 2))["T1"].due == date(2025, 6, 30)
    moved = Facts(
        plan_issued=date(2025, 1, 10),
        move_date=date(2025, 6, 30),
        plan_transferred=date(2025, 6, 30),
    )
    steps = steps_by_id(moved, date(2025, 7, 1))
    assert steps["T2"].due == date(2025, 8, 11)
    # T3: the later of R1 (9 Jan 2026) and 3 months beginning with the transfer (29 Sep 2025).
    assert steps["T3"].due == date(2026, 1, 9)
    assert steps["R1"].status is Status.NOT_APPLICABLE
    late_plan = Facts(plan_issued=date(2024, 10, 1), plan_transferred=date(2025, 9, 1))
    assert steps_by_id(late_plan, date(2025, 9, 2))["T3"].due == date(2025, 11, 30)


def test_ipsea_appeal_example() -> None:
    # Decision letter 1 Oct 2025, certificate 29 Nov 2025 -> 29 Dec 2025 -> appeal by Fri 2 Jan 2026.
    facts = Facts(decision_sent=date(2025, 10, 1), certificate_issued=date(2025, 11, 29))
    steps = steps_by_id(facts, date(2025, 12, 1))
    assert steps["A2"].due == date(2026, 1, 2)
    assert "falls in 25 Dec-1 Jan" in steps["A2"].explanation
    assert steps["A1"].due == date(2025, 12, 1)
    assert (
        steps["A1"].status is Status.DONE_ON_TIME
    )  # the certificate shows the adviser was contacted


def test_appeal_without_certificate_and_lapsing() -> None:
    facts = Facts(decision_sent=date(2025, 6, 12))
    steps = steps_by_id(facts, date(2025, 7, 1))
    assert steps["A2"].due == date(2025, 9, 1)  # 12 Aug falls in August
    lapsed = steps_by_id(facts, date(2025, 9, 2))["A2"]
    assert lapsed.status is Status.NOT_APPLICABLE and "period has ended" in lapsed.explanation


def test_mediation_steps() -> None:
    declined = steps_by_id(Facts(mediation_declined=date(2025, 12, 24)), date(2025, 12, 24))
    assert declined["A3"].due == date(2025, 12, 31)
    held = Facts(mediation_requested=date(2025, 3, 3), mediation_held=date(2025, 3, 28))
    steps = steps_by_id(held, date(2025, 3, 28))
    assert steps["A4"].due == date(2025, 4, 2) and steps["A4"].status is Status.DONE_ON_TIME
    assert steps["A3"].due == date(2025, 4, 2)


def test_tribunal_orders_and_reassessment() -> None:
    order = date(2025, 3, 3)
    steps = steps_by_id(Facts(order_assess=order), order)
    assert steps["O1.notice"].due == date(2025, 3, 17)
    assert steps["O1.no-plan"].due == date(2025, 5, 12)
    assert steps["O1.final"].due == date(2025, 6, 9)
    steps = steps_by_id(Facts(order_plan=order), order)
    assert steps["O2.draft"].due == date(2025, 4, 7)
    assert steps["O2.final"].due == date(2025, 5, 19)
    assert all(s.source == "reg 44" for k, s in steps.items() if k.startswith("O2"))
    o3 = steps_by_id(Facts(reassessment_notified=order), order)["O3"]
    assert o3.due == date(2025, 6, 9) and o3.source == "reg 27"


def test_order_after_not_assessing_runs_its_own_clock() -> None:
    facts = Facts(
        request_received=JAN6,
        decision_to_assess=date(2025, 2, 10),
        decision_outcome="not-assess",
        order_assess=date(2025, 9, 1),
        final_issued=date(2025, 12, 1),
    )
    steps = steps_by_id(facts, date(2025, 12, 2))
    assert steps["O1.final"].status is Status.DONE_ON_TIME
    assert steps["O1.no-plan"].status is Status.NOT_APPLICABLE
    assert steps["N3"].status is Status.NOT_APPLICABLE


def _fields(facts: Facts) -> dict[str, object]:
    return {name: getattr(facts, name) for name in Facts.__dataclass_fields__}


def test_exception_record_keeps_its_code() -> None:
    assert ExceptionRecord("X1", note="school closed").code == "X1"
