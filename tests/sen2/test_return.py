"""The SEN2 return built from the case store: the demo authority's file is well-formed, in the
spec's element order and passes every rule; the preview's measures match hand counts; a return
with errors is never written; the command line's exit codes and messages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import pytest

from send_desktop.cli import main
from send_desktop.sen2 import build_return
from send_desktop.sen2.build import render_preview, render_problems
from send_desktop.sen2.spec import TREE_2026
from send_desktop.sen2.validate import check_document
from send_desktop.store import Database
from send_desktop.store import cases as c
from send_desktop.store.demo import make_demo
from send_desktop.store.models import Case, Child
from tests.sen2.conftest import AS_OF, USER, Authority, add_case

AFTER_CENSUS = datetime(2027, 1, 25, 9, 0, 0)
OFFICERS = ("Y", "Y", "N")


def _assert_in_spec_order(element: ET.Element) -> int:
    """Every container's children appear in TREE_2026's order; returns elements checked."""
    seen = 1
    spec = TREE_2026.get(element.tag)
    if spec is None:
        assert len(element) == 0 and (element.text or "").strip(), element.tag
        return seen
    order = [child.tag for child in spec]
    positions = [order.index(kid.tag) for kid in element]
    assert positions == sorted(positions), (element.tag, [kid.tag for kid in element])
    for kid in element:
        seen += _assert_in_spec_order(kid)
    return seen


def test_the_demo_authoritys_return_is_well_formed_in_order_and_passes_every_rule(
    sqlite_db: Database, out_dir: Path
) -> None:
    make_demo(sqlite_db, 600, seed=4, as_of=date(2027, 1, 20))
    out = out_dir / "sen2.xml"
    with sqlite_db.session() as s:
        result = build_return(s, 2027, out, lea="330", officers=OFFICERS, made=AFTER_CENSUS)
    assert result.problems == [], render_problems(result.problems)
    assert result.written == out and result.persons > 400
    data = out.read_bytes()
    root = ET.fromstring(data)  # well-formed, or this raises
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert root.tag == "Message" and root.find("Header/CollectionDetails/ReferenceDate").text == (
        "2027-01-21"
    )
    assert _assert_in_spec_order(root) > 10 * result.persons
    assert len(root.findall("Persons/Person")) == result.persons
    # Read back through the file checker (as last year's file would be): still no problem.
    assert check_document(data) == []
    # Each kind of outcome is there, so the rules were exercised, not skipped.
    outcomes = {e.text for e in root.iter("RequestOutcome")} | {
        "A:" + (e.text or "") for e in root.iter("AssessmentOutcome")
    }
    assert {"Y", "N", "A", "A:Y", "A:N", "A:A"} <= outcomes
    assert {e.tag for e in root.iter()} >= {"PlacementDetail", "SENneed", "LastReview", "Week20"}
    # Nothing but the return is left in the folder (no temporary file).
    assert [p.name for p in out_dir.iterdir()] == ["sen2.xml"]


def test_the_preview_matches_the_hand_counts(authority: Authority) -> None:
    with authority.db.session() as s:
        result = build_return(s, 2027, None, lea="330", officers=OFFICERS, made=AFTER_CENSUS)
    got = {line.measure: (line.ours.numerator, line.ours.denominator) for line in result.preview}
    assert got == {
        "decisions_within_6_weeks": (5, 6),  # C2 took 49 days; C7 undecided
        "plans_within_20_weeks_incl": (2, 3),  # C2 took 147 days
        "plans_within_20_weeks_excl": (2, 2),  # C2 had exception X3: excluded
        "not_issue_within_16_weeks": (1, 2),  # C5 112 days; C6 119
        "review_outcomes_within_4_weeks": (1, 2),  # C8 21 days; C9 42
        "reviews_expected_not_held": (1, 3),  # C8, C9 held; C10 never; C1-C3 not yet due
    }
    lines = {line.measure: line for line in result.preview}
    # Beside England's and Birmingham's (LA 330) last published figures (DfE 2025 release).
    excl = lines["plans_within_20_weeks_excl"]
    assert (excl.england.numerator, excl.england.denominator, excl.england.percent) == (
        39407,
        84866,
        46.4,
    )
    assert excl.published.percent == 26.7 and excl.year == 2024
    assert lines["plans_within_20_weeks_incl"].england.percent == 45.9
    text = render_preview(result)
    assert "66.7% (2 of 3)" in text and "Birmingham 2024" in text and "OGL" in text


def test_the_hand_built_return_maps_the_casework(authority: Authority, out_dir: Path) -> None:
    out = out_dir / "r.xml"
    with authority.db.session() as s:
        result = build_return(s, 2027, out, lea="330", officers=OFFICERS, made=AFTER_CENSUS)
    assert result.errors == [], render_problems(result.errors)
    root = ET.parse(out).getroot()
    by_name = {p.findtext("Forename"): p for p in root.iter("Person")}
    assert set(by_name) == {f"C{n}" for n in range(1, 11)}
    c2 = by_name["C2"].find("Requests")
    assert c2.findtext("RequestOutcome") == "Y"
    assert c2.findtext("Assessment/Week20") == "1"  # X3 excuses the late plan (reg 13(3))
    assert c2.findtext("Assessment/AssessmentOutcomeDate") == "2026-06-01"
    c4 = by_name["C4"].find("Requests")
    assert (c4.findtext("RequestOutcome"), c4.find("Assessment")) == ("N", None)
    assert by_name["C5"].findtext("Requests/Assessment/AssessmentOutcome") == "N"
    assert by_name["C7"].findtext("Requests/RequestOutcome") == "A"
    c8 = by_name["C8"].find("Requests")
    # A plan from before the period: decided (H) before it, with its latest review.
    assert c8.findtext("RequestOutcome") == "H"
    assert c8.findtext("Assessment/AssessmentOutcome") == "H"
    assert c8.findtext("Assessment/NamedPlan/StartDate") == "2024-05-20"
    assert c8.findtext("ActivePlans/ReviewMeeting") == "2026-04-20"
    assert c8.findtext("ActivePlans/LastReview") == "2026-05-11"
    assert by_name["C1"].findtext("UPNunknown") == "UN2"
    assert by_name["C1"].findtext("Requests/RequestSource") == "1"


def test_errors_from_the_casework_are_listed_per_child_and_nothing_is_written(
    authority: Authority, out_dir: Path
) -> None:
    with authority.db.session() as s:
        child = s.get(Child, s.get(Case, authority.case["C3"]).child_id)
        c.update_child(s, child.id, child.version, USER, as_of=AS_OF, upn_unknown=None)
        c1 = s.get(Case, authority.case["C1"])
        c.update_case(s, c1.id, c1.version, USER, as_of=AS_OF, need_type=None)
        # The same child's second open plan (AP04) from a second request.
        add_case(
            s,
            authority.case,
            "C3b",
            date(2026, 2, 9),
            child_id=child.id,
            decision_to_assess=date(2026, 3, 2),
            decision_outcome="assess",
            final_issued=date(2026, 6, 29),
        )
    out = out_dir / "r.xml"
    with authority.db.session() as s:
        result = build_return(s, 2027, out, lea="330", officers=OFFICERS, made=AFTER_CENSUS)
    assert result.would_be_rejected and result.written is None
    assert not out.exists() and list(out_dir.iterdir()) == []
    rules = {(p.rule, p.who.split(" ")[0]) for p in result.problems}
    assert ("P01", "C3") in rules  # no UPN, ULN or reason
    assert ("AP10", "C1") in rules  # open plan with no need recorded
    assert ("AP04", "C3") in rules  # two open plans for one child
    text = render_problems(result.problems)
    assert "C3 Known (case " in text
    assert "there is no UPN, no ULN and no reason" in text and "Fix: record the UPN" in text


def test_cli_check_exit_codes_and_the_written_file(
    authority: Authority, out_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = authority.db.url.render_as_string(hide_password=False)
    # No LA number and no officers' answers: rejected, with the fix in plain words.
    code = main(["--database", database, "sen2", "--collection", "2027", "--check"])
    out = capsys.readouterr()
    assert code == 2
    assert "[S01 error] Header > Source > LEA" in out.out and "--lea" in out.out
    assert "COLLECT would reject this return" in out.err
    target = out_dir / "sen2-2027.xml"
    code = main(
        [
            "--database",
            database,
            "sen2",
            "--collection",
            "2027",
            "--out",
            str(target),
            "--lea",
            "330",
            "--dmo",
            "Y",
            "--dco",
            "y",
            "--dsco",
            "R",
            "--save",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out
    assert target.exists() and f"Wrote {target}" in out.out
    assert "New plans issued within 20 weeks (excluding exceptions)" in out.out
    # Saved: the next run needs no --lea; --check writes nothing.
    target.unlink()
    code = main(["--database", database, "sen2", "--collection", "2027", "--check"])
    out = capsys.readouterr()
    assert code == 0 and "nothing written" in out.out and not target.exists()
    # A year with no census day on record is a known error, not a traceback.
    assert main(["--database", database, "sen2", "--collection", "2031", "--check"]) == 2
    assert "no SEN2 census day on record for 2031" in capsys.readouterr().err
    assert main(["--database", database, "sen2", "--collection", "2025", "--check"]) == 2
    assert "the 2025 return had a different layout" in capsys.readouterr().err


@pytest.mark.postgres
def test_the_same_return_from_postgresql(pg_database: str, out_dir: Path) -> None:
    from tests.sen2.conftest import build_authority

    db = Database.open(pg_database, USER)
    try:
        build_authority(db)
        out = out_dir / "pg.xml"
        with db.session() as s:
            result = build_return(s, 2027, out, lea="330", officers=OFFICERS, made=AFTER_CENSUS)
        assert result.problems == [] and result.persons == 10
        got = {
            line.measure: (line.ours.numerator, line.ours.denominator) for line in result.preview
        }
        assert got["plans_within_20_weeks_incl"] == (2, 3)
        assert got["reviews_expected_not_held"] == (1, 3)
        assert check_document(out.read_bytes()) == []
    finally:
        db.close()


def test_a_cancelled_build_writes_nothing(authority: Authority, out_dir: Path) -> None:
    from send_desktop.errors import KnownError

    asked: list[tuple[int, int]] = []

    def cancel(done: int, total: int) -> bool:
        asked.append((done, total))
        return False

    with authority.db.session() as s, pytest.raises(KnownError, match="cancelled"):
        build_return(s, 2027, out_dir / "x.xml", lea="330", officers=OFFICERS, progress=cancel)
    assert asked and list(out_dir.iterdir()) == []
