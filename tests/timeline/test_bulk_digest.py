"""The bulk digest (numpy twin) against digest(): the same stored rows, case by case."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from send_desktop.timeline import Facts, Policy
from send_desktop.timeline.bulk import CaseColumns
from send_desktop.timeline.bulk_digest import bulk_digests
from send_desktop.timeline.digest import digest
from send_desktop.timeline.timeliness import ReviewTime, Tally, case_times, plan_on_time, timeliness
from tests.timeline.test_properties import POLICIES, facts


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts(), min_size=1, max_size=8), POLICIES)
def test_bulk_digests_equal_digest_case_by_case(cases: list[Facts], policy: Policy) -> None:
    found = bulk_digests(CaseColumns.from_facts(cases), policy)
    for i, f in enumerate(cases):
        assert found.digest(i) == digest(f, policy), i


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts(), min_size=0, max_size=6), POLICIES)
def test_the_row_columns_hold_every_digest_field(cases: list[Facts], policy: Policy) -> None:
    found = bulk_digests(CaseColumns.from_facts(cases, [10 + i for i in range(len(cases))]), policy)
    summary = found.summary_columns()
    steps = found.step_columns()
    assert summary["case_id"] == [10 + i for i in range(len(cases))]
    for i, f in enumerate(cases):
        d = digest(f, policy)
        assert summary["stage"][i] == d.stage
        assert summary["next_id"][i] == (d.next.id if d.next else None)
        assert summary["breach_due"][i] == (d.breach.due if d.breach else None)
        assert summary["review_due"][i] == d.review_due
        assert summary["later_due"][i] == d.later_due
        mine = [
            (s, t, due, soon, k, c)
            for case, s, t, due, soon, k, c in zip(*steps.values(), strict=True)
            if case == 10 + i
        ]
        assert mine == [(s.id, s.title, s.due, s.soon, s.kind, s.covered) for s in d.steps]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts(), min_size=0, max_size=6), POLICIES)
def test_the_timeliness_columns_hold_case_times(cases: list[Facts], policy: Policy) -> None:
    """What case_summary / case_review_time store is timeliness's own case_times, and the
    period's figures summed from them equal timeliness() over the facts."""
    ids = [10 + i for i in range(len(cases))]
    found = bulk_digests(CaseColumns.from_facts(cases, ids), policy)
    summary, reviews = found.summary_columns(), found.review_columns()
    for i, f in enumerate(cases):
        t = case_times(f, policy)
        assert summary["issued_on"][i] == t.issued
        assert summary["issue_days"][i] == t.issue_days
        assert summary["issue_on_time"][i] == (
            None if t.issue_days is None else plan_on_time(t.issue_days)
        )
        assert summary["issue_excused"][i] == t.issue_excused
        assert summary["decided_on"][i] == t.decided
        assert summary["decision_on_time"][i] == t.decision_on_time
        mine = [
            ReviewTime(sent, on, meet)
            for case, sent, on, meet in zip(*reviews.values(), strict=True)
            if case == ids[i]
        ]
        assert mine == list(t.reviews)
    start, end = date(2018, 1, 1), date(2030, 12, 31)
    tally = Tally()
    for i in range(len(cases)):
        tally.count(found.times.case(i), start, end)
    assert tally.figures(start, end) == timeliness(cases, start, end, policy)
