"""The catalogue of steps is what the engines, reports and letters show (timeline/catalogue.py)."""

from __future__ import annotations

from datetime import date

from send_desktop.letters.kinds import KINDS
from send_desktop.timeline import AdviceRequest, Consultation, Facts, Review, compute_steps
from send_desktop.timeline.bulk import CaseColumns, compute_bulk
from send_desktop.timeline.catalogue import (
    CATALOGUE,
    DUTY,
    EXCEPTION_CODES,
    EXCEPTIONS_FOR,
    FAMILY_STEPS,
    STEPS,
    WEEK20_CODES,
    base_id,
    ids_counted_as,
    letter_step,
    step,
)
from send_desktop.timeline.counting import national_curriculum_year

DAY = date(2020, 1, 6)
# Cases that between them give every step the engine has.
PROBES = (
    Facts(
        request_received=DAY,
        decision_to_assess=DAY,
        advice=(AdviceRequest("EP", DAY), AdviceRequest("health", DAY)),
        draft_served=DAY,
        consultations=(Consultation("Oak School", DAY),),
        final_issued=DAY,
        reviews=(Review(meeting=DAY, outcome="A", amendment_sent=DAY),),
        date_of_birth=DAY,
        phase_transfer=date(2021, 9, 1),
        transfer_kind="school",
        move_date=DAY,
        plan_transferred=DAY,
        decision_sent=DAY,
        mediation_requested=DAY,
        mediation_declined=DAY,
        order_assess=DAY,
        order_plan=DAY,
        reassessment_notified=DAY,
    ),
    Facts(final_issued=DAY, phase_transfer=date(2021, 9, 1), transfer_kind="post16"),
    Facts(final_issued=DAY, phase_transfer=date(2021, 9, 1), transfer_kind="post16-other"),
)


def test_the_engine_shows_every_catalogue_step_as_the_catalogue_writes_it() -> None:
    seen: set[str] = set()
    for facts in PROBES:
        for s in compute_steps(facts, DAY):
            info = step(s.id)
            seen.add(info.id)
            name = {"N2.1": "EP", "N2.2": "health", "N4b": "Oak School"}.get(s.id, "")
            assert s.title == info.titled(name), s.id
            assert (s.source, s.kind, s.statutory) == (info.source, info.kind, info.statutory)
    assert seen == set(CATALOGUE)


def test_the_numpy_twin_gives_the_same_titles_as_the_engine() -> None:
    bulk = compute_bulk(CaseColumns.from_facts(list(PROBES)), DAY)
    for case, facts in enumerate(PROBES):
        scalar = {s.id: s.title for s in compute_steps(facts, DAY)}
        assert {s.id: s.title for s in bulk.case_steps(case)} == scalar


def test_numbered_steps_map_to_their_family() -> None:
    assert base_id("N2.3") == "N2" and base_id("N4b.2") == "N4b"
    assert base_id("O1.final") == "O1.final" and base_id("N4.target") == "N4.target"
    assert step("N2.2").titled("health") == "Advice from health"


def test_exceptions_are_listed_once() -> None:
    assert EXCEPTION_CODES == ("X1", "X2", "X3", "X4", "X5")
    # Rules section 2: X1-X4 excuse N1, N3, N5 (and O3 by reg 27(3)); N2 is X3, X4, X5.
    assert {
        "N1": {"X1", "X2", "X3", "X4"},
        "N2": {"X3", "X4", "X5"},
        "N3": {"X1", "X2", "X3", "X4"},
        "N5": {"X1", "X2", "X3", "X4"},
        "O3": {"X1", "X2", "X3", "X4"},
    } == EXCEPTIONS_FOR
    assert WEEK20_CODES == ("X1", "X2", "X3", "X4")


def test_family_steps_are_windows_and_rights() -> None:
    assert {"N4", "R6", "A1", "A2"} == FAMILY_STEPS
    assert all((s.kind != DUTY) == (s.id in FAMILY_STEPS) for s in STEPS)


def test_report_roles() -> None:
    assert ids_counted_as("pipeline") == ("R1", "R2", "R4", "R5", "R7", "P1", "P2", "P3")
    assert ids_counted_as("phase") == ("P1", "P2", "P3")
    assert ids_counted_as("review") == ("R1",)


def test_every_letter_kind_names_the_catalogue_step_it_is_written_for() -> None:
    codes = {k.code for k in KINDS}
    for info in STEPS:
        assert set(info.letters) <= codes, info.id
    assert letter_step("ACK") == "N1" and letter_step("PT") == "P" and letter_step("DEL") is None
    assert {k.code: k.step for k in KINDS}["CON"] == "N4b"


def test_school_year() -> None:
    # Reception is the school year that starts after the 4th birthday: born 31 Aug 2015, the
    # youngest of the 2019/20 Reception class; born 1 Sep 2015, the oldest of 2020/21's.
    assert national_curriculum_year(date(2015, 8, 31), date(2019, 9, 1)) == 0
    assert national_curriculum_year(date(2015, 8, 31), date(2020, 8, 31)) == 0
    assert national_curriculum_year(date(2015, 9, 1), date(2019, 9, 1)) == -1
    assert national_curriculum_year(date(2015, 9, 1), date(2020, 9, 1)) == 0
