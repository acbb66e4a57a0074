"""`send-desktop backup`, `restore`, `check` and `team-setup`: keeping the case data safe."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from send_desktop.errors import KnownError


def add_parser(subparsers: Any) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="back up the SQLite database now",
        description=(
            "Copy the database, while it is in use, into the backups folder (or FILE). "
            "On a PostgreSQL server IT backs up the server instead."
        ),
    )
    backup.add_argument("--out", metavar="FILE", type=Path, help="write the backup here")
    backup.set_defaults(func=run_backup)

    restore = subparsers.add_parser(
        "restore",
        help="replace the database with a backup",
        description=(
            "Check the backup (whole, made by this version or an earlier one), keep a copy of the "
            "database it replaces, then restore. Close SEND Desktop first."
        ),
    )
    restore.add_argument("file", metavar="FILE", type=Path, help="the backup to restore")
    restore.add_argument(
        "--yes", action="store_true", help="confirm replacing an existing database"
    )
    restore.set_defaults(func=run_restore)

    check = subparsers.add_parser(
        "check",
        help="check the database is whole; exit 1 if it is damaged, 2 if it cannot be written",
        description=(
            "Integrity check, schema version and record counts. Changes nothing: the database "
            "is not upgraded. Says which of: cannot open (exit 2), damaged (exit 1), cannot "
            "write - read-only folder or full disk (exit 2)."
        ),
    )
    check.add_argument("--quick", action="store_true", help="a faster, less thorough check")
    check.set_defaults(func=run_check)

    team = subparsers.add_parser(
        "team-setup",
        help="IT: set up team mode roles and grants on a PostgreSQL database",
        description=(
            "Run as the owner of the database with CREATEROLE. Creates the groups "
            "send_caseworker and send_team_leader with their grants (run again after each "
            "upgrade), and gives each named login to one group. See docs/team-mode.md."
        ),
    )
    team.add_argument(
        "--caseworker", metavar="LOGIN", action="append", default=[], help="add a caseworker"
    )
    team.add_argument(
        "--leader", metavar="LOGIN", action="append", default=[], help="add a team leader"
    )
    team.set_defaults(func=run_team_setup)


def _warn_about_password(args: argparse.Namespace) -> None:
    from send_desktop.store.team import url_has_password

    if args.database and url_has_password(str(args.database)):
        print(
            "Warning: the database URL holds a password in plain text; keep it in ~/.pgpass "
            "(PGPASSFILE) instead - see docs/team-mode.md"
        )


def run_backup(args: argparse.Namespace) -> int:
    from send_desktop.store import Database
    from send_desktop.store.backup import PG_BACKUP_MESSAGE, backup_now
    from send_desktop.store.database import resolve_url

    if resolve_url(args.database).get_backend_name() != "sqlite":
        raise KnownError(PG_BACKUP_MESSAGE)
    db = Database.open(args.database, args.user)
    try:
        # Asked for by a person: kept until they delete it (daily backups are pruned).
        target = backup_now(db, args.out, manual=True)
    finally:
        db.close()
    print(f"Backed up to {target}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from send_desktop.store.backup import PG_RESTORE_MESSAGE, restore
    from send_desktop.store.database import resolve_url

    url = resolve_url(args.database)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise KnownError(PG_RESTORE_MESSAGE)
    target = Path(url.database)
    kept = restore(target, args.file, confirm=args.yes)
    print(f"Restored {target} from {args.file}")
    if kept is not None:
        print(f"The database it replaced was kept as {kept}")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from send_desktop.store.backup import check, open_for_check

    _warn_about_password(args)
    db = open_for_check(args.database, args.user)
    try:
        report = check(db, quick=args.quick)
    finally:
        db.close()
    for line in report.lines():
        print(line)
    return {"ok": 0, "damaged": 1}.get(report.status, 2)


def run_team_setup(args: argparse.Namespace) -> int:
    from send_desktop.store import Database
    from send_desktop.store.database import resolve_url
    from send_desktop.store.team import add_person, setup_team_roles

    if resolve_url(args.database).get_backend_name() != "postgresql":
        raise KnownError(
            "team-setup needs a PostgreSQL database: --database postgresql+psycopg://..."
        )
    _warn_about_password(args)
    both = set(args.caseworker) & set(args.leader)
    if both:
        raise KnownError(f"{sorted(both)[0]} is named both as a caseworker and as a leader")
    db = Database.open(args.database, args.user)
    try:
        tables = setup_team_roles(db.engine)
        print(f"Team roles send_caseworker and send_team_leader granted on {len(tables)} tables")
        for login in args.caseworker:
            created = add_person(db.engine, login, leader=False)
            print(f"{login}: {'created, ' if created else ''}caseworker")
        for login in args.leader:
            created = add_person(db.engine, login, leader=True)
            print(f"{login}: {'created, ' if created else ''}team leader")
    finally:
        db.close()
    return 0
