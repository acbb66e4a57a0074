"""The one rule table for steps that are one recorded date + a count (catalogue.DATE_RULES):
both engines read it, and stay equal for every unit and group a rule may use (issue 19)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from send_desktop.timeline import Facts, Policy, Status, compute_steps, counting
from send_desktop.timeline import catalogue as cat
from send_desktop.timeline.bulk import CASE_DATES
from tests.timeline.test_bulk import FIRST, LAST, assert_same_as_engine, case_facts, policies


def test_every_rule_names_a_catalogue_step_two_facts_a_unit_and_a_group() -> None:
    assert cat.DATE_RULES
    for rule in cat.DATE_RULES:
        assert rule.step in cat.CATALOGUE
        assert rule.after in CASE_DATES and rule.done in CASE_DATES
        assert rule.unit in cat.DATE_UNITS
        assert rule.group in cat.DATE_GROUPS
        assert set(rule.unless) <= set(CASE_DATES)
        assert bool(rule.unless) == bool(rule.unless_words)
    assert len({r.step for r in cat.DATE_RULES}) == len(cat.DATE_RULES)


def test_o1_from_the_table_with_its_conditions() -> None:
    # reg 44: under an order to assess, the notice not to issue a plan within 10 weeks or the
    # final plan within 14; taking one road makes the other not applicable.
    order = date(2025, 3, 3)
    steps = {s.id: s for s in compute_steps(Facts(order_assess=order), date(2025, 3, 10))}
    assert steps["O1.notice"].due == date(2025, 3, 17)
    assert steps["O1.no-plan"].due == date(2025, 5, 12)
    assert steps["O1.final"].due == date(2025, 6, 9)
    assert steps["O1.final"].explanation == (
        "Under the Tribunal order to assess, final EHC plan issued due Mon 9 Jun 2025: order "
        "Mon 3 Mar 2025 + 14 weeks (reg 44)"
    )
    drafted = Facts(order_assess=order, draft_served=date(2025, 4, 1))
    steps = {s.id: s for s in compute_steps(drafted, date(2025, 4, 10))}
    assert steps["O1.no-plan"].status is Status.NOT_APPLICABLE
    assert "the LA is issuing a plan" in steps["O1.no-plan"].explanation
    assert steps["O1.final"].status is not Status.NOT_APPLICABLE
    # A draft before the order is another clock's: it does not count.
    early = Facts(order_assess=order, draft_served=date(2025, 2, 1))
    steps = {s.id: s for s in compute_steps(early, date(2025, 3, 10))}
    assert steps["O1.no-plan"].status is not Status.NOT_APPLICABLE
    refused = Facts(order_assess=order, not_issue_decision=date(2025, 5, 1))
    steps = {s.id: s for s in compute_steps(refused, date(2025, 5, 10))}
    assert steps["O1.final"].status is Status.NOT_APPLICABLE
    assert steps["O1.no-plan"].done == date(2025, 5, 1)


def test_t2_from_the_table_as_the_rules_say() -> None:
    # reg 15: the new LA tells the family within 6 weeks of the plan's transfer.
    moved = date(2025, 3, 3)
    facts = Facts(plan_transferred=moved)
    (t2,) = [s for s in compute_steps(facts, date(2025, 3, 10)) if s.id == "T2"]
    assert t2.due == counting.weeks_after(moved, 6, Policy()) == date(2025, 4, 14)
    assert t2.title == cat.CATALOGUE["T2"].title
    assert t2.explanation == (
        "New LA's letter about the transferred plan due Mon 14 Apr 2025: plan transferred "
        "Mon 3 Mar 2025 + 6 weeks (reg 15(4))"
    )
    done = compute_steps(replace(facts, transfer_notice_sent=date(2025, 4, 1)), date(2025, 5, 1))
    assert [s.done for s in done if s.id == "T2"] == [date(2025, 4, 1)]


_MADE_UP = [
    cat.DateRule(
        "T2",
        after,
        count,
        unit,
        done,
        "Made-up step due",
        "the date",
        group,
    )
    for after, done in (("final_issued", "ceased"), ("plan_transferred", "transfer_notice_sent"))
    for count, unit in ((5, "working days"), (6, "weeks"))
    for group in ("assessment", "orders")
] + [
    # A rule with a condition (rule.unless), as O1's.
    cat.DateRule(
        "T2",
        "final_issued",
        4,
        "weeks",
        "transfer_notice_sent",
        "Made-up step due",
        "the date",
        "moves",
        done_from_start=True,
        unless=("ceased", "plan_transferred"),
        unless_words="made up",
    )
]


@pytest.mark.parametrize(
    "rule", [*_MADE_UP[:-1:3], _MADE_UP[-1]], ids=lambda r: f"{r.after}-{r.unit}-{r.group}"
)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(case_facts(), min_size=1, max_size=6),
    as_of=st.dates(FIRST, LAST),
    policy=policies,
)
def test_a_new_rule_in_the_table_is_the_same_in_both_engines(
    rule: cat.DateRule, cases: list[Facts], as_of: date, policy: Policy
) -> None:
    # What a new step over a new date does: one line in the table (here in place of T2's, so
    # the catalogue's step exists), in another group and unit; the engines must agree on it.
    saved = dict(cat.DATE_RULES_BY_GROUP)
    cat.DATE_RULES_BY_GROUP.clear()
    cat.DATE_RULES_BY_GROUP[rule.group] = (rule,)
    try:
        assert_same_as_engine(cases, as_of, policy)
    finally:
        cat.DATE_RULES_BY_GROUP.clear()
        cat.DATE_RULES_BY_GROUP.update(saved)
