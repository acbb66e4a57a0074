"""Shared fixtures: an isolated user home, and a throwaway PostgreSQL cluster.

PostgreSQL tests need the server binaries (Debian's `postgresql` package). Outside CI they are
skipped with a reason when the binaries are missing; when SEND_DESKTOP_REQUIRE_POSTGRES=1 (set
by .ci/run) a missing server is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own data/log/config folders: never the developer's real ones."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("SEND_DESKTOP_HOME", str(home))
    monkeypatch.delenv("SEND_DESKTOP_DATABASE", raising=False)
    return home


def _pg_bindir() -> Path | None:
    from send_desktop.commands.bench_postgres import find_bindir

    return find_bindir()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """A running throwaway cluster reachable over a unix socket."""

    bindir: Path
    datadir: Path
    sockdir: Path
    port: int
    superuser: str
    run_as: str | None

    def url(
        self, database: str = "postgres", user: str | None = None, password: str | None = None
    ) -> str:
        who = user or self.superuser
        auth = f"{who}:{password}" if password else who
        return f"postgresql+psycopg://{auth}@/{database}?host={self.sockdir}&port={self.port}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        out = subprocess.run(
            [
                str(self.bindir / "psql"),
                "-h",
                str(self.sockdir),
                "-p",
                str(self.port),
                "-U",
                self.superuser,
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-Atc",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
            user=self.run_as,
        )
        return out.stdout

    def create_database(self) -> str:
        """A new empty database; returns its name."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.psql(f'CREATE DATABASE "{name}"')
        return name


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = _pg_bindir()
    if bindir is None:
        if os.environ.get("SEND_DESKTOP_REQUIRE_POSTGRES") == "1":
            pytest.fail(
                "PostgreSQL server binaries not found, and CI requires the PostgreSQL tests"
            )
        pytest.skip(
            "PostgreSQL server binaries (initdb, pg_ctl) not installed: apt-get install postgresql"
        )
    run_as = "postgres" if os.geteuid() == 0 else None  # initdb refuses to run as root
    # The system's temporary folder, not tempfile's or TMPDIR's: a CLI test run in this process
    # points both at the program's private (owner-only) folder, which the postgres user
    # running the cluster cannot enter.
    root = Path(tempfile.mkdtemp(prefix="send-pg-", dir="/tmp" if run_as else None))
    datadir, sockdir = root / "data", root / "sock"
    sockdir.mkdir()
    if run_as:
        shutil.chown(root, run_as)
        shutil.chown(sockdir, run_as)
    superuser = run_as or os.environ.get("USER", "postgres")
    subprocess.run(
        [
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            superuser,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        user=run_as,
    )
    port = _free_port()
    opts = f"-k {sockdir} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=100"
    subprocess.run(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-o",
            opts,
            "-l",
            str(root / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
        user=run_as,
    )
    server = PgServer(bindir, datadir, sockdir, port, superuser, run_as)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                server.psql("SELECT 1")
                break
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield server
    finally:
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"],
            capture_output=True,
            user=run_as,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_database(pg_server: PgServer) -> str:
    """URL of a fresh, empty PostgreSQL database (superuser connection)."""
    return pg_server.url(pg_server.create_database())


from send_desktop.store import Database  # noqa: E402


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated SQLite database file in tmp_path, opened as "Test User"."""
    database = Database.open(str(tmp_path / "send-desktop.sqlite3"), "Test User")
    try:
        yield database
    finally:
        database.close()
