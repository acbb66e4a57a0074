"""The team's list of caseworkers: chosen, not typed into existence; added on purpose with a
near-duplicate warning; merged by a team leader, audited, every case moved."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from send_desktop.errors import KnownError
from send_desktop.store import Database
from send_desktop.store.cases import ChildDetails, chronology, create_case
from send_desktop.store.caseworkers import (
    SimilarCaseworkerError,
    add_named_caseworker,
    caseworker_id,
    merge_caseworkers,
    team_names,
)
from send_desktop.store.models import AuditEntry, Case, Caseworker
from send_desktop.store.queries import add_caseworker


def _count(db: Database) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(Caseworker)).scalar_one()


def test_a_typo_is_not_a_new_caseworker(sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        add_caseworker(session, "setup", "Priya Shah")
    with (
        pytest.raises(KnownError, match=r"'Priya Sha' is not on the team's list\. Did you mean"),
        sqlite_db.session() as session,
    ):
        caseworker_id(session, "Priya Sha")
    with sqlite_db.session() as session:
        assert caseworker_id(session, " priya  SHAH ") == caseworker_id(session, "Priya Shah")
    assert _count(sqlite_db) == 1


def test_adding_warns_about_near_duplicates_until_confirmed(sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        add_caseworker(session, "setup", "Priya Shah")
    for similar in ("Priya Sha", "P Shah", "Shah, Priya"):
        with pytest.raises(SimilarCaseworkerError) as caught, sqlite_db.session() as session:
            add_named_caseworker(session, "lead", similar)
        assert caught.value.similar == ("Priya Shah",)
        assert "looks like 'Priya Shah'" in str(caught.value)
    with (
        pytest.raises(KnownError, match="already on the team's list"),
        sqlite_db.session() as session,
    ):
        add_named_caseworker(session, "lead", "priya shah", confirmed_different=True)
    assert _count(sqlite_db) == 1
    with sqlite_db.session() as session:
        add_named_caseworker(session, "lead", "Priya Sharma", confirmed_different=True)
        add_named_caseworker(session, "lead", "Tom Lee")  # nothing like it: no warning
        assert team_names(session) == ["Priya Shah", "Priya Sharma", "Tom Lee"]


def test_team_leader_merges_two_records_audited(sqlite_db: Database) -> None:
    with sqlite_db.session() as session:
        keep = add_caseworker(session, "setup", "Priya Shah").id
        typo = add_caseworker(session, "setup", "Priya Sha").id
        add_caseworker(session, "setup", "Lead Person", role="team_leader")
        ids = [
            create_case(
                session,
                "setup",
                child=ChildDetails("Child", f"N{n}"),
                request_received=date(2025, 1, 6),
                caseworker_id=typo,
                as_of=date(2025, 6, 1),
            ).id
            for n in range(3)
        ]
    with pytest.raises(KnownError, match="Only a team leader"), sqlite_db.session() as session:
        merge_caseworkers(session, "Priya Shah", keep, typo)
    with sqlite_db.session() as session:
        assert merge_caseworkers(session, "Lead Person", keep, typo, as_of=date(2025, 6, 2)) == 3
    with sqlite_db.session() as session:
        assert {c.caseworker_id for c in session.execute(select(Case)).scalars()} == {keep}
        assert team_names(session) == ["Lead Person", "Priya Shah"]  # the typo has left the list
        moved = session.execute(
            select(AuditEntry).where(AuditEntry.field == "caseworker_id")
        ).scalars()
        assert sorted(a.case_id for a in moved if a.user == "Lead Person") == sorted(ids)
        lines = chronology(session, ids[0])
    assert any(
        "'Priya Sha'" in e.detail and "merged into 'Priya Shah' by Lead Person" in e.detail
        for e in lines
    )
