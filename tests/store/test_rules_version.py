"""RULES_VERSION is derived from the catalogue's tables (issue 19): a rule added to the table
changes it with no hand bump, the same in every run, and the stored deadlines computed under the
old one are stale and recomputed on the next open (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from send_desktop.store import Database, stamps, summaries
from send_desktop.store.demo import make_demo
from send_desktop.store.facts import case_facts
from send_desktop.timeline import catalogue as cat
from send_desktop.timeline import digest
from send_desktop.timeline.engine import compute_steps
from tests.store.test_stored_deadlines import assert_fresh

AS_OF = date(2025, 6, 1)
ROOT = Path(__file__).resolve().parents[2]
# A made-up rule over dates the demo fills (under T2's id, so the catalogue has the step).
NEW_RULE = cat.DateRule(
    "T2", "final_issued", 5, "working days", "ceased", "Made up", "final", "assessment"
)


def test_the_version_is_the_code_version_and_the_tables_fingerprint() -> None:
    assert f"{digest.CODE_VERSION}.{cat.fingerprint(*cat.tables())}" == digest.RULES_VERSION
    added = cat.fingerprint(cat.EXCEPTIONS, cat.STEPS, (*cat.DATE_RULES, NEW_RULE), cat.RULE_DATES)
    assert added != cat.fingerprint(*cat.tables())
    dates = cat.fingerprint(cat.EXCEPTIONS, cat.STEPS, cat.DATE_RULES, (*cat.RULE_DATES, "made_up"))
    assert dates != cat.fingerprint(*cat.tables())


def test_the_version_is_the_same_in_every_run() -> None:
    # The steps hold frozensets, whose order follows the per-run string hash: the fingerprint
    # must not.
    code = "from send_desktop.timeline.digest import RULES_VERSION; print(RULES_VERSION)"
    seen = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        seen.add(out.stdout.strip())
    assert seen == {digest.RULES_VERSION}


def test_a_new_rule_makes_the_stored_deadlines_stale_and_they_are_recomputed(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_demo(db, 200, seed=7, as_of=AS_OF)
    assert_fresh(db)
    # The next program, with one more line in the rule table: its version is derived anew.
    monkeypatch.setattr(cat, "DATE_RULES", (*cat.DATE_RULES, NEW_RULE))
    # In place: both engines hold the table itself.
    assessment = (*cat.DATE_RULES_BY_GROUP.get("assessment", ()), NEW_RULE)
    monkeypatch.setitem(cat.DATE_RULES_BY_GROUP, "assessment", assessment)
    new_version = f"{digest.CODE_VERSION}.{cat.fingerprint(*cat.tables())}"
    assert new_version != digest.RULES_VERSION
    monkeypatch.setattr(stamps, "RULES_VERSION", new_version)
    with db.session() as s:
        assert summaries.stale_count(s) == 200
        facts = case_facts(s)
    # The new rule gives some cases a step they did not have.
    assert any(
        sum(step.id == "T2" for step in compute_steps(f, AS_OF)) > (f.plan_transferred is not None)
        for f in facts.values()
    )
    # What opening the caseload does first (gui/main_window.py): the stale rows recomputed.
    assert summaries.recompute(db.session) == 200
    assert assert_fresh(db) == 200
    with db.session() as s:
        assert summaries.stale_count(s) == 0
