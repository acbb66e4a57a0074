"""Small helpers for the timeline tests."""

from __future__ import annotations

from datetime import date

from send_desktop.timeline import Facts, Policy, Step, compute_steps


def steps_by_id(facts: Facts, as_of: date, policy: Policy | None = None) -> dict[str, Step]:
    steps = compute_steps(facts, as_of, policy or Policy())
    found = {s.id: s for s in steps}
    assert len(found) == len(steps), "step ids must be unique"
    return found
