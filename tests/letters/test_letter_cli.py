"""`send-desktop letter` end to end: --list, a missing contact (exit 2), a letter, mark sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from send_desktop.cli import main
from send_desktop.letters import KINDS, letter_text
from send_desktop.store import Database
from tests.letters.helpers import CONTACTS, USER, base_case


def test_list_names_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["letter", "--list"]) == 0
    out = capsys.readouterr().out
    for kind in KINDS:
        assert f"{kind.code} " in out


def test_letter_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(tmp_path / "cases.sqlite3")
    db = Database.open(path, USER)
    with db.session() as s:
        case = base_case(s, decision_to_assess=date(2026, 2, 9), decision_outcome="not-assess")
        ref = case.ref
    db.close()
    args = ["--database", path, "letter", "--case", ref, "--kind", "DNA", "--as-of", "2026-02-10"]
    # No contacts yet: a plain message naming the first one missing, exit 2.
    assert main([*args, "--fill", "reasons=Needs met at SEN support."]) == 2
    assert "needs the authority's name" in capsys.readouterr().err
    sets = [x for key, value in CONTACTS.items() for x in ("--set", f"{key}={value}")]
    assert main(["--database", path, "letter", *sets]) == 0
    assert main(args) == 2
    assert "reasons for the decision" in capsys.readouterr().err
    out = tmp_path / "out" / "dna.docx"
    assert main([*args, "--fill", "reasons=Needs met at SEN support.", "--out", str(out)]) == 0
    text = letter_text(out)
    assert "Amelia Brightwater" in text and "10 April 2026" in text
    assert main(["--database", path, "letter", "--case", ref, "--letters"]) == 0
    listing = capsys.readouterr().out
    letter_id = listing.strip().splitlines()[-1].split()[0]
    done = ["--database", path, "letter", "--case", ref, "--mark-sent", letter_id]
    assert main([*done, "--channel", "post", "--as-of", "2026-02-10"]) == 0
    assert "Marked the DNA letter sent on 10/02/2026 by post" in capsys.readouterr().out
    assert main(["--database", path, "letter", "--case", ref, "--letters"]) == 0
    assert "sent 2026-02-10 by post" in capsys.readouterr().out
