"""Faults a tester would inject: kill -9 mid-write, a full disk, a read-only folder, a crash.

Each leaves the database consistent (integrity ok, all or nothing), no partial or temporary
file behind once the program has started again, and a plain message (exit 2) that never holds
the child's name, date of birth or postcode that was in the data.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from send_desktop.cli import main
from send_desktop.store import Database
from send_desktop.store.backup import backups_dir, list_backups

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)"),
]
NAME, SURNAME, DOB, POSTCODE = "Zebedee", "Quillfeather", "29/02/2016", "ZZ9 9QQ"
SECRETS = (NAME, SURNAME, "2016-02-29", "29/02/2016", POSTCODE)


def _run(home: Path, *args: str, tmpdir: Path | None = None) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "SEND_DESKTOP_HOME": str(home),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)  # the system's temporary folder, as the process sees it
    return subprocess.Popen(
        [sys.executable, "-m", "send_desktop", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_when(proc: subprocess.Popen[str], ready: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():  # type: ignore[operator]
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the write never started"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()


def _integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as con:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])


def _count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as con:
        return int(con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def _leftovers(*folders: Path) -> list[str]:
    found = []
    for folder in folders:
        for entry in folder.rglob("*"):
            if entry.is_file() and (
                "part" in entry.name or entry.suffix == ".tmp" or entry.name.startswith(".")
            ):
                found.append(str(entry))
    return found


def _private_tmp(home: Path) -> list[Path]:
    root = home / "data" / "tmp"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("SEND_DESKTOP_HOME", str(folder))
    return folder


def _demo_db(home: Path, path: Path, cases: int) -> None:
    proc = _run(
        home, "--database", str(path), "demo", "--cases", str(cases), "--as-of", "2025-06-01"
    )
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err


# ---------------------------------------------------------------- kill -9


def test_kill_during_demo_leaves_nothing_half_written(home: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    Database.open(str(db), "Test").close()
    empty = db.stat().st_size
    wal = Path(str(db) + "-wal")
    proc = _run(home, "--database", str(db), "demo", "--cases", "20000", "--as-of", "2025-06-01")
    # The demo's rows are written in one transaction, under a rollback journal (store/demo.py
    # _sqlite_load): the file grows as its pages are written, and the journal holds what the
    # file was. (Under WAL, the log would grow instead.)
    _kill_when(
        proc,
        lambda: (
            db.stat().st_size > empty + 64_000 or (wal.exists() and wal.stat().st_size > 64_000)
        ),
        timeout=180,
    )
    assert Path(str(db) + "-journal").exists()  # killed mid-write: the next open rolls back
    assert _integrity(db) == "ok"
    # All or nothing: no caseworkers without their cases, no teams.
    assert [_count(db, t) for t in ("case", "child", "caseworker", "team")] == [0, 0, 0, 0]
    # The next run works, and writes each caseworker once.
    _demo_db(home, db, 50)
    with closing(sqlite3.connect(db)) as con:
        names = [r[0] for r in con.execute("SELECT name FROM caseworker")]
    assert len(names) == len(set(names)) > 0
    assert _private_tmp(home) == []


def test_kill_during_backup_leaves_no_partial_backup(home: Path, tmp_path: Path) -> None:
    db = tmp_path / "cases.sqlite3"
    _demo_db(home, db, 20000)
    folder = backups_dir(db)
    proc = _run(home, "--database", str(db), "backup")
    _kill_when(proc, lambda: any(folder.glob(".*part")))
    assert any(folder.glob(".*part"))  # left by the killed run...
    assert main(["--database", str(db), "check"]) == 0  # ...and swept by the next start
    assert not any(folder.glob(".*part")) and list_backups(folder) == []
    assert _integrity(db) == "ok"


def test_kill_during_restore_leaves_old_or_new_never_torn(home: Path, tmp_path: Path) -> None:
    db = tmp_path / "cases.sqlite3"
    _demo_db(home, db, 500)
    backup = tmp_path / "small.db"
    assert main(["--database", str(db), "backup", "--out", str(backup)]) == 0
    big = tmp_path / "big.sqlite3"
    _demo_db(home, big, 40000)
    big_backup = tmp_path / "big.db"
    assert main(["--database", str(big), "backup", "--out", str(big_backup)]) == 0
    target = tmp_path / "target.sqlite3"
    # The target does not exist: the restore writes a partial file, then renames it.
    proc = _run(home, "--database", str(target), "restore", str(big_backup), "--yes")
    _kill_when(proc, lambda: any(tmp_path.glob(".target.sqlite3.*part")))
    assert not target.exists() or _count(target, "case") in (0, 40000)
    assert main(["--database", str(target), "demo", "--cases", "5"]) == 0
    assert not any(tmp_path.glob(".*part"))
    # Restoring over an existing database: killed, it still holds either copy, whole.
    target2 = tmp_path / "cases2.sqlite3"
    assert main(["--database", str(target2), "restore", str(backup)]) == 0
    journal = Path(str(target2) + "-journal")
    proc = _run(home, "--database", str(target2), "restore", str(big_backup), "--yes")
    time.sleep(0.3)
    _kill_when(proc, lambda: journal.exists() or proc.poll() is not None or True)
    assert _integrity(target2) == "ok"
    assert _count(target2, "case") in (500, 40000)


def test_kill_during_export_leaves_no_workbook_or_temporary_file(
    home: Path, tmp_path: Path
) -> None:
    db = tmp_path / "cases.sqlite3"
    _demo_db(home, db, 30000)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "supervision.xlsx"
    # The system's temporary folder as the process sees it (TMPDIR): shared /tmp would also
    # collect other programs' files.
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    proc = _run(
        home,
        "--database",
        str(db),
        "export",
        "--out",
        str(target),
        "--as-of",
        "2025-06-01",
        tmpdir=system_tmp,
    )
    _kill_when(proc, lambda: bool(_private_tmp(home)), timeout=120)
    # openpyxl's sheet files went only into the private folder, never beside the target or
    # into the system's temporary folder.
    assert not target.exists() and list(out_dir.iterdir()) == []
    assert _private_tmp(home)
    assert list(system_tmp.iterdir()) == []
    assert main(["--database", str(db), "check"]) == 0  # the next start sweeps them
    assert _private_tmp(home) == []


# ---------------------------------------------------------------- disk full, read-only folder


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB tmpfs: a real ENOSPC / SQLITE_FULL, not a simulated one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _tracker(path: Path, rows: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["Forename", "Surname", "D.O.B.", "EHCNA request received", "Notes"])
        for n in range(rows):
            out.writerow([NAME, f"{SURNAME}{n}", DOB, "06/01/2025", f"Lives at {POSTCODE} " * 20])
    return path


def _fill(disk: Path, leave: int) -> None:
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with (disk / "filler").open("wb") as handle:
        handle.write(b"\0" * max(0, free - leave))


def _log_text() -> str:
    import logging.handlers

    files = [
        h.baseFilename
        for h in logging.getLogger().handlers
        if isinstance(h, logging.handlers.RotatingFileHandler)
    ]
    assert files
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "".join(Path(f).read_text(encoding="utf-8") for f in files)


def _no_secrets(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, (secret, text[-2000:])


def test_disk_full_import_and_demo_give_a_plain_message_and_no_names(
    small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    db = small_disk / "cases.sqlite3"
    assert main(["--database", str(db), "demo", "--cases", "20"]) == 0
    before = _count(db, "case")
    tracker = _tracker(tmp_path / "tracker.csv", 4000)
    _fill(small_disk, 150_000)
    capsys.readouterr()
    code = main(["--database", str(db), "import", str(tracker)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "disk is full" in err and "Traceback" not in err
    log = _log_text()
    _no_secrets(out, err, log)
    (small_disk / "filler").unlink()
    assert _integrity(db) == "ok" and _count(db, "case") == before
    # Demo on a full disk: all or nothing too.
    fresh = small_disk / "fresh.sqlite3"
    Database.open(str(fresh), "Test").close()
    _fill(small_disk, 200_000)
    assert main(["--database", str(fresh), "demo", "--cases", "20000"]) == 2
    assert "disk is full" in capsys.readouterr().err
    (small_disk / "filler").unlink()
    assert _integrity(fresh) == "ok"
    assert [_count(fresh, t) for t in ("case", "caseworker", "team")] == [0, 0, 0]
    assert _leftovers(small_disk) == []


def test_a_read_only_folder(
    small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = small_disk / "cases.sqlite3"
    assert main(["--database", str(db), "demo", "--cases", "30"]) == 0
    tracker = _tracker(tmp_path / "tracker.csv", 3)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    capsys.readouterr()
    # check reads the healthy file as it is and says it cannot be written (not "no schema").
    assert main(["--database", str(db), "check"]) == 2
    out = capsys.readouterr().out
    assert "Status:" in out and "CANNOT WRITE" in out and "read-only" in out
    assert "up to date" in out and "no SEND Desktop schema" not in out
    for argv in (["demo", "--cases", "5", "--force"], ["import", str(tracker)]):
        assert main(["--database", str(db), *argv]) == 2
        err = capsys.readouterr().err
        assert err.startswith("send-desktop: ") and "Traceback" not in err
        assert "read-only" in err or "Cannot" in err
    subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    assert _integrity(db) == "ok" and _count(db, "case") == 30


def test_an_import_whose_report_cannot_be_written_stops_before_it_commits(
    small_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.sqlite3"
    tracker = _tracker(tmp_path / "tracker.csv", 3)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    code = main(
        ["--database", str(db), "import", str(tracker), "--report", str(small_disk / "r.xlsx")]
    )
    assert code == 2
    assert "Nothing imported" in capsys.readouterr().err
    assert _count(db, "case") == 0 if db.exists() and db.stat().st_size else True


def test_a_damaged_database_is_refused_for_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cases.sqlite3"
    assert main(["--database", str(db), "demo", "--cases", "2000"]) == 0
    with closing(sqlite3.connect(db)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'child'").fetchone()[0]
    # 300 bytes flipped in the child table's root page.
    with db.open("r+b") as handle:
        handle.seek((root - 1) * page)
        chunk = handle.read(300)
        handle.seek((root - 1) * page)
        handle.write(bytes(b ^ 0xFF for b in chunk))
    capsys.readouterr()
    assert main(["--database", str(db), "check"]) == 1
    assert "DAMAGED" in capsys.readouterr().out
    before = db.read_bytes()
    tracker = _tracker(tmp_path / "tracker.csv", 3)
    assert main(["--database", str(db), "import", str(tracker)]) == 2
    assert "damaged" in capsys.readouterr().err
    assert db.read_bytes() == before
