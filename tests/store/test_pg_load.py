"""Twenty people saving the same few cases at once on PostgreSQL: no save is silently lost."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select

from send_desktop.store import ConflictError, Database
from send_desktop.store.cases import ChildDetails, create_case, update_case
from send_desktop.store.models import AuditEntry, Case

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CLIENTS = 20
CASES = 6
SECONDS = 4.0


@dataclass
class Tally:
    landed: list[tuple[int, str]] = field(default_factory=list)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)


def _client(
    db: Database, worker: int, case_ids: list[int], start: threading.Barrier, tally: Tally
) -> None:
    rng = random.Random(worker)
    user = f"Worker {worker}"
    start.wait()
    deadline = time.monotonic() + SECONDS
    n = 0
    while time.monotonic() < deadline:
        case_id = rng.choice(case_ids)
        n += 1
        value = f"w{worker}-{n}"
        try:
            # Load, then save with the version that was loaded: what the case window does.
            with db.session() as s:
                version = s.get_one(Case, case_id).version
            with db.session() as s:
                update_case(s, case_id, version, user, placement_name=value)
            tally.landed.append((case_id, value))
        except ConflictError:
            tally.conflicts += 1
        except Exception as exc:  # anything else is a failure the test reports
            tally.errors.append(f"{exc.__class__.__name__}: {exc}")
            return


def test_concurrent_saves_either_land_or_conflict(pg_database: str) -> None:
    admin = Database.open(pg_database, "Test User")
    with admin.session() as s:
        case_ids = [
            create_case(
                s,
                "Test User",
                child=ChildDetails("Load", f"Test{i}"),
                request_received=date(2025, 1, 6),
                as_of=date(2025, 1, 10),
            ).id
            for i in range(CASES)
        ]
    clients = [Database.open(pg_database, f"Worker {w}") for w in range(CLIENTS)]
    tallies = [Tally() for _ in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)
    threads = [
        threading.Thread(target=_client, args=(clients[w], w, case_ids, start, tallies[w]))
        for w in range(CLIENTS)
    ]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 30)
    elapsed = time.monotonic() - began
    for db in clients:
        db.close()
    try:
        assert not any(t.is_alive() for t in threads)
        errors = [e for t in tallies for e in t.errors]
        assert not errors, errors[:3]
        landed = [save for t in tallies for save in t.landed]
        conflicts = sum(t.conflicts for t in tallies)
        assert len(landed) > CASES and conflicts > 0, (len(landed), conflicts)

        with admin.session() as s:
            cases = {
                c.id: c for c in s.execute(select(Case).where(Case.id.in_(case_ids))).scalars()
            }
            audit = s.execute(
                select(AuditEntry.id, AuditEntry.case_id, AuditEntry.new, AuditEntry.user)
                .where(AuditEntry.field == "placement_name", AuditEntry.action == "update")
                .order_by(AuditEntry.id)
            ).all()
        # No lost update: every landed save moved its case's version on by exactly one.
        per_case = Counter(case_id for case_id, _value in landed)
        assert sum(c.version - 1 for c in cases.values()) == len(landed)
        assert {cid: cases[cid].version - 1 for cid in case_ids} == {
            cid: per_case[cid] for cid in case_ids
        }
        # Exactly one audit row per landed save, naming that save's value, and no others.
        assert Counter((row.case_id, row.new) for row in audit) == Counter(landed)
        # The newest audited value is what the case holds.
        last = {row.case_id: row.new for row in audit}
        assert {cid: cases[cid].placement_name for cid in case_ids} == last
        print(
            f"{CLIENTS} clients, {elapsed:.1f} s: {len(landed)} saves landed, "
            f"{conflicts} conflicts ({len(landed) / SECONDS:.0f} saves/s)"
        )
    finally:
        admin.close()
