"""A small hand-built authority for the SEN2 tests: every figure worked out on paper."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from send_desktop.store import Database
from send_desktop.store import cases as c
from send_desktop.store.models import Case, Placement

USER = "SEN2 Officer"
AS_OF = date(2027, 1, 25)
DOB = date(2012, 3, 1)  # Year 9 in 2025/26: no phase transfer is due


@dataclass
class Authority:
    db: Database
    case: dict[str, int]


def add_case(
    s: Any,
    ids: dict[str, int],
    name: str,
    received: date,
    *,
    child: dict[str, Any] | None = None,
    child_id: int | None = None,
    **fields: Any,
) -> int:
    details = {
        "first_name": name,
        "last_name": "Known",
        "date_of_birth": DOB,
        "sex": "F",
        "upn": None,
        "ethnicity": "WBRI",
        "upn_unknown": "UN2",
        **(child or {}),
    }
    made = c.create_case(
        s,
        USER,
        child=child_id or c.ChildDetails(**details),
        request_received=received,
        as_of=AS_OF,
        request_source="parent",
        **fields,
    )
    ids[name] = made.id
    return made.id


def plan(s: Any, case_id: int, start: date, urn: str = "100001") -> None:
    """The setting named in the plan and attended since it started; no personal budget."""
    row = s.get(Case, case_id)
    c.update_case(
        s,
        case_id,
        row.version,
        USER,
        as_of=AS_OF,
        placement_urn=urn,
        need_type="ASD",
        personal_budget=False,
    )
    c.add_row(
        s,
        Placement,
        USER,
        case_id,
        {"rank": 1, "urn": urn, "entry": start, "sen_unit": False, "resourced_provision": False},
        as_of=AS_OF,
    )


def build_authority(db: Database) -> Authority:
    d = date
    ids: dict[str, int] = {}
    with db.session() as s:
        # New plans in 2026 (final - received in days; 140 = 20 weeks) and decisions (42 = 6).
        c1 = add_case(
            s,
            ids,
            "C1",
            d(2026, 1, 5),
            decision_to_assess=d(2026, 2, 9),
            decision_outcome="assess",
            final_issued=d(2026, 5, 18),
        )  # 35; 133
        plan(s, c1, d(2026, 5, 18))
        c2 = add_case(
            s,
            ids,
            "C2",
            d(2026, 1, 5),
            decision_to_assess=d(2026, 2, 23),
            decision_outcome="assess",
            final_issued=d(2026, 6, 1),
        )  # 49 late; 147 late
        c.add_exception(s, c2, USER, code="X3", start=d(2026, 3, 2), end=d(2026, 4, 20))
        plan(s, c2, d(2026, 6, 1))
        c3 = add_case(
            s,
            ids,
            "C3",
            d(2026, 2, 2),
            decision_to_assess=d(2026, 3, 16),
            decision_outcome="assess",
            final_issued=d(2026, 6, 22),
        )  # 42; 140 in time
        plan(s, c3, d(2026, 6, 22))
        add_case(
            s,
            ids,
            "C4",
            d(2026, 3, 2),
            decision_to_assess=d(2026, 4, 6),
            decision_outcome="not-assess",
        )  # 35
        add_case(
            s,
            ids,
            "C5",
            d(2026, 3, 2),
            decision_to_assess=d(2026, 4, 13),
            decision_outcome="assess",
            not_issue_decision=d(2026, 6, 22),
        )  # 42; 112 in time
        add_case(
            s,
            ids,
            "C6",
            d(2026, 3, 2),
            decision_to_assess=d(2026, 4, 13),
            decision_outcome="assess",
            not_issue_decision=d(2026, 6, 29),
        )  # 42; 119 late
        add_case(s, ids, "C7", d(2026, 11, 2))  # no decision yet: counted nowhere
        # Plans from before the period, with their reviews (decision - meeting; 28 = 4 weeks).
        c8 = add_case(
            s,
            ids,
            "C8",
            d(2024, 1, 8),
            decision_to_assess=d(2024, 2, 12),
            decision_outcome="assess",
            final_issued=d(2024, 5, 20),
        )
        plan(s, c8, d(2024, 5, 20))
        c.add_review(
            s,
            c8,
            USER,
            as_of=AS_OF,
            meeting=d(2025, 5, 1),
            decision_sent=d(2025, 5, 20),
            outcome="M",
        )
        c.add_review(
            s,
            c8,
            USER,
            as_of=AS_OF,
            meeting=d(2026, 4, 20),
            decision_sent=d(2026, 5, 11),
            outcome="M",
        )  # 21: in time
        c9 = add_case(
            s,
            ids,
            "C9",
            d(2024, 2, 5),
            decision_to_assess=d(2024, 3, 11),
            decision_outcome="assess",
            final_issued=d(2024, 6, 17),
        )
        plan(s, c9, d(2024, 6, 17))
        c.add_review(
            s,
            c9,
            USER,
            as_of=AS_OF,
            meeting=d(2026, 6, 1),
            decision_sent=d(2026, 7, 13),
            outcome="M",
        )  # 42: late
        c10 = add_case(
            s,
            ids,
            "C10",
            d(2024, 4, 1),
            decision_to_assess=d(2024, 5, 6),
            decision_outcome="assess",
            final_issued=d(2024, 9, 2),
        )
        plan(s, c10, d(2024, 9, 2))  # review due by 1 Sep 2025: expected, never held
    return Authority(db, ids)


@pytest.fixture
def authority(sqlite_db: Database) -> Authority:
    return build_authority(sqlite_db)


@pytest.fixture
def out_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "returns"
    folder.mkdir(mode=0o700)
    yield folder
