"""The bench's PostgreSQL probe: one caseworker's first page and counts at N vs at 10,000 cases.

`--postgres` makes a throwaway cluster (initdb + pg_ctl on a unix socket in /tmp, as the
postgres user when run as root, no TCP listener, removed afterwards); `--postgres URL` uses a
server where that login may create databases (two are made and dropped again).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from send_desktop.errors import KnownError

# A cluster that lives for one run: nothing to recover after a crash (no fsync), no standby to
# feed (minimal WAL: an index built in the load's transaction writes no WAL), and no
# checkpoint in the middle of a 1,000,000-case load.
SCRATCH_SETTINGS = (
    "-c fsync=off -c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=8GB "
    "-c checkpoint_timeout=1h -c shared_buffers=512MB"
)


def find_bindir() -> Path | None:
    """The folder holding the PostgreSQL server programs (initdb, pg_ctl), newest version
    first; SEND_DESKTOP_PG_BINDIR overrides. The tests' throwaway cluster finds them here too."""
    override = os.environ.get("SEND_DESKTOP_PG_BINDIR")
    candidates = [Path(override)] if override else []
    base = Path("/usr/lib/postgresql")
    if base.is_dir():
        candidates += sorted((p / "bin" for p in base.iterdir()), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).parent)
    for c in candidates:
        if (c / "initdb").exists() and (c / "pg_ctl").exists():
            return c
    return None


def _bindir() -> Path:
    found = find_bindir()
    if found is None:
        raise KnownError("--postgres needs the PostgreSQL server programs (initdb, pg_ctl)")
    return found


@contextmanager
def throwaway_server() -> Iterator[str]:
    """A fresh cluster for the run; yields the URL of its `postgres` database."""
    bindir = _bindir()
    run_as = "postgres" if os.geteuid() == 0 else None  # initdb refuses to run as root
    root = Path(tempfile.mkdtemp(prefix="send-bench-pg-", dir="/tmp"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if run_as:
        shutil.chown(root, run_as)
        shutil.chown(sock, run_as)
    user = run_as or os.environ.get("USER", "postgres")
    port = 5432 + os.getpid() % 20000
    try:
        subprocess.run(
            [str(bindir / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8",
             "--no-sync"],
            check=True, capture_output=True, user=run_as,
        )  # fmt: skip
        opts = f"-k {sock} -p {port} -c listen_addresses='' {SCRATCH_SETTINGS}"
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w",
             "start"],
            check=True, capture_output=True, user=run_as,
        )  # fmt: skip
        yield f"postgresql+psycopg://{user}@/postgres?host={sock}&port={port}"
    finally:
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True, user=run_as,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def scratch_databases(server_url: str, count: int) -> Iterator[list[str]]:
    """`count` new empty databases on the server (dropped afterwards); yields their URLs."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    names = [f"send_bench_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    try:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        base = make_url(server_url)
        yield [base.set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def page_scaling(
    target: str, cases: int, small: int, as_of: Any, repeats: int
) -> tuple[float, float, int, int, float]:
    """(page+counts at cases, at small, open cases of each caseworker, demo seconds at cases)."""
    from send_desktop.commands.bench_probes import busiest_caseworker, median_of, page_and_counts
    from send_desktop.store import Database
    from send_desktop.store.demo import make_demo

    timings: list[float] = []
    found: list[int] = []
    built = 0.0
    with ExitStack() as stack:
        server = stack.enter_context(throwaway_server() if target == "new" else _given(target))
        for url, n in zip(
            stack.enter_context(scratch_databases(server, 2)), (cases, small), strict=True
        ):
            db = Database.open(url, "bench")
            try:
                started = time.perf_counter()
                make_demo(db, cases=n, seed=2026, as_of=as_of, force=True)
                built = built or time.perf_counter() - started
                worker_id, _name, open_cases = busiest_caseworker(db)
                timings.append(median_of(page_and_counts(db, worker_id, as_of), repeats * 3))
                found.append(open_cases)
            finally:
                db.close()
    return timings[0], timings[1], found[0], found[1], built


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url
