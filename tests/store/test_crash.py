"""A process killed in the middle of a large write leaves the database whole: all or nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from send_desktop.cli import main
from send_desktop.store import Database
from send_desktop.store.cases import ChildDetails, create_case
from send_desktop.store.demo import make_demo

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)"),
]

# The child: one transaction creating many cases through the ordinary audited service, the way
# an import does. It says "started" once hundreds of cases are written, then keeps going.
CHILD = """
import sys
from datetime import date, timedelta
from sqlalchemy import text
from send_desktop.store import Database
from send_desktop.store.cases import ChildDetails, create_case

path, total, signal_after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = Database.open(path, "Bulk import")
with db.session() as s:
    # A small page cache makes SQLite spill uncommitted pages into the WAL file while the
    # transaction runs, so the kill lands while the file really is being written.
    s.execute(text("PRAGMA cache_size=8"))
    for i in range(total):
        create_case(
            s,
            "Bulk import",
            child=ChildDetails("Crash", f"Test{i}"),
            request_received=date(2024, 1, 1) + timedelta(days=i % 300),
            ref=f"IMP-{i:06d}",
            as_of=date(2025, 1, 1),
        )
        if i + 1 == signal_after:
            s.flush()
            print("started", flush=True)
print("committed", flush=True)
"""


def _counts(path: Path) -> tuple[int, int, int]:
    with closing(sqlite3.connect(path)) as con:
        return (
            con.execute('SELECT count(*) FROM "case"').fetchone()[0],
            con.execute("SELECT count(*) FROM child").fetchone()[0],
            con.execute("SELECT count(*) FROM audit_entry").fetchone()[0],
        )


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "cases.sqlite3"
    db = Database.open(str(path), "Test User")
    make_demo(db, 200, seed=5, as_of=date(2025, 1, 1))
    db.close()  # the last connection checkpoints: any WAL content later is the child's
    return path


def _start(path: Path, total: int, signal_after: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(total), str(signal_after)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("wal_bytes", [0, 800_000], ids=["just-started", "deep-in-the-write"])
def test_a_killed_import_leaves_the_database_as_it_was(
    database: Path, wal_bytes: int, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _counts(database)
    child = _start(database, total=1_000_000, signal_after=300)
    assert child.stdout is not None
    try:
        line = child.stdout.readline()
        assert line.strip() == "started", child.stderr.read() if child.stderr else ""
        wal = Path(str(database) + "-wal")
        deadline = time.monotonic() + 15
        while (not wal.exists() or wal.stat().st_size <= wal_bytes) and child.poll() is None:
            assert time.monotonic() < deadline, "the child never wrote that much"
            time.sleep(0.02)
        written = wal.stat().st_size
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=10)
        child.stdout.close()
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    # Uncommitted pages were on disk when the process died.
    assert written > wal_bytes
    with capsys.disabled():
        print(f"killed with {written:,} bytes of uncommitted WAL written")
    capsys.readouterr()

    assert main(["--database", str(database), "check"]) == 0
    out = capsys.readouterr().out
    assert "Integrity:  ok" in out
    assert _counts(database) == before  # never part of the import

    # And the program carries on: the database opens and takes new cases.
    db = Database.open(str(database), "Test User")
    try:
        with db.session() as s:
            create_case(
                s,
                "Test User",
                child=ChildDetails("After", "Crash"),
                request_received=date(2025, 1, 6),
                as_of=date(2025, 1, 10),
            )
    finally:
        db.close()
    assert _counts(database)[0] == before[0] + 1


def test_the_same_import_left_to_finish_lands_whole(database: Path) -> None:
    before = _counts(database)
    child = _start(database, total=300, signal_after=100)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert out.split() == ["started", "committed"]
    after = _counts(database)
    assert after[:2] == (before[0] + 300, before[1] + 300)
    assert after[2] > before[2] + 600  # every case and child audited
    assert main(["--database", str(database), "check"]) == 0
