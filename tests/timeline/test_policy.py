"""Policy: the authority's settings, stored as text, and each option both ways."""

from __future__ import annotations

from datetime import date

import pytest

from send_desktop.timeline import Facts, Policy, Review
from tests.timeline.helpers import steps_by_id


def test_defaults_are_the_rules_defaults() -> None:
    p = Policy()
    assert (p.week_start, p.review_year, p.transfer_deadline, p.certificate_count) == (
        "exclusive",
        "strict",
        "strict",
        "next-day",
    )
    assert (p.under5_review_months, p.warning_working_days, p.step_warning_days) == (6, 10, ())


def test_round_trip_through_the_settings_table() -> None:
    p = Policy(
        week_start="inclusive",
        review_year="anniversary",
        transfer_deadline="by",
        certificate_count="same-day",
        under5_review_months=3,
        warning_working_days=5,
        step_warning_days=(("N5", 15), ("R1", 20)),
    )
    stored = p.to_mapping()
    assert all(isinstance(v, str) for v in stored.values())
    assert stored["step_warning_days"] == "N5:15,R1:20"
    assert Policy.from_mapping(stored) == p
    assert Policy.from_mapping(Policy().to_mapping()) == Policy()
    assert Policy.from_mapping({}) == Policy()


@pytest.mark.parametrize(
    ("mapping", "named"),
    [
        ({"week_start": "sideways"}, "week_start"),
        ({"colour": "blue"}, "colour"),
        ({"under5_review_months": "9"}, "under5_review_months"),
        ({"under5_review_months": "six"}, "under5_review_months"),
        ({"warning_working_days": "-1"}, "warning_working_days"),
        ({"step_warning_days": "N5=15"}, "step_warning_days"),
        ({"certificate_count": "eventually"}, "certificate_count"),
    ],
)
def test_bad_settings_name_the_key(mapping: dict[str, str], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        Policy.from_mapping(mapping)


def test_policy_is_immutable() -> None:
    with pytest.raises(AttributeError):
        Policy().week_start = "inclusive"  # type: ignore[misc]


def test_week_start_both_ways() -> None:
    facts = Facts(request_received=date(2025, 1, 6))
    assert steps_by_id(facts, date(2025, 1, 6))["N5"].due == date(2025, 5, 26)
    inclusive = steps_by_id(facts, date(2025, 1, 6), Policy(week_start="inclusive"))
    assert inclusive["N5"].due == date(2025, 5, 25)
    assert inclusive["N1"].due == date(2025, 2, 16)


def test_review_year_both_ways() -> None:
    facts = Facts(plan_issued=date(2019, 1, 1))
    assert steps_by_id(facts, date(2019, 2, 1))["R1"].due == date(2019, 12, 31)
    anniversary = steps_by_id(facts, date(2019, 2, 1), Policy(review_year="anniversary"))
    assert anniversary["R1"].due == date(2020, 1, 1)
    assert "anniversary (policy)" in anniversary["R1"].explanation


def test_transfer_deadline_both_ways() -> None:
    facts = Facts(
        plan_issued=date(2025, 6, 1), phase_transfer=date(2026, 9, 1), transfer_kind="post16"
    )
    assert steps_by_id(facts, date(2025, 7, 1))["P2"].due == date(2026, 3, 30)
    by = steps_by_id(facts, date(2025, 7, 1), Policy(transfer_deadline="by"))
    assert by["P2"].due == date(2026, 3, 31)


def test_certificate_count_both_ways() -> None:
    facts = Facts(mediation_declined=date(2025, 3, 3))  # a Monday
    assert steps_by_id(facts, date(2025, 3, 3))["A3"].due == date(2025, 3, 6)
    same_day = steps_by_id(facts, date(2025, 3, 3), Policy(certificate_count="same-day"))
    assert same_day["A3"].due == date(2025, 3, 5)


def test_under5_review_months_both_ways() -> None:
    facts = Facts(plan_issued=date(2024, 1, 10), date_of_birth=date(2022, 1, 1))
    assert steps_by_id(facts, date(2024, 2, 1))["R8"].due == date(2024, 7, 10)
    assert steps_by_id(facts, date(2024, 2, 1), Policy(under5_review_months=4))["R8"].due == date(
        2024, 5, 10
    )


def test_week_start_applies_to_reviews() -> None:
    facts = Facts(plan_issued=date(2024, 1, 10), reviews=(Review(meeting=date(2024, 11, 1)),))
    assert steps_by_id(facts, date(2024, 11, 2))["R5"].due == date(2024, 11, 29)
    inclusive = steps_by_id(facts, date(2024, 11, 2), Policy(week_start="inclusive"))
    assert inclusive["R5"].due == date(2024, 11, 28)
    assert inclusive["R2"].due == date(2024, 10, 17)


def test_warning_days_for_a_step_and_its_parts() -> None:
    p = Policy(warning_working_days=10, step_warning_days=(("O2", 3), ("O2.final", 7)))
    assert p.warning_days_for("N5") == 10
    assert p.warning_days_for("O2.draft") == 3
    assert p.warning_days_for("O2.final") == 7
