"""Team mode on PostgreSQL: one database role per person, and what only team leaders may do.

The program never decides who may reassign a case or change the authority's settings: the
server's grants do, so a caseworker cannot get round them with another client. This module sets
those grants up (IT runs it once per database, and again after each upgrade) and turns the
server's refusal into a message a caseworker understands.
"""

from __future__ import annotations

import logging
import re

import psycopg.errors
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import URL, ExceptionContext, make_url

from send_desktop.errors import KnownError
from send_desktop.store.models import Base

log = logging.getLogger(__name__)

CASEWORKER_GROUP = "send_caseworker"
TEAM_LEADER_GROUP = "send_team_leader"
# What a case is made of: caseworkers record and correct these, but never delete them.
CASE_TABLES = (
    "child",
    "case",
    "advice_request",
    "case_exception",
    "consultation",
    "annual_review",
    "move",
    "mediation",
    "appeal",
    "case_note",
)
# Columns of case tables only a team leader may change: who holds the case.
LEADER_ONLY_COLUMNS: dict[str, frozenset[str]] = {"case": frozenset({"id", "caseworker_id"})}
# The audit trail is appended to by everyone and changed by no one, team leaders included.
APPEND_ONLY_TABLES = ("audit_entry",)
# Migrations are IT's job (the owner of the tables), so nobody else writes the schema revision.
READ_ONLY_TABLES = ("alembic_version",)
ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.@-]{0,62}$")


class PermissionDeniedError(KnownError):
    """The server refused a change that only a team leader may make."""


def _quote(name: str) -> str:
    # Always quoted: role names such as "j.smith" or "Case" must mean exactly what was typed.
    return '"' + name.replace('"', '""') + '"'


def _check_role_name(role_name: str) -> None:
    if not ROLE_NAME.match(role_name):
        raise KnownError(
            f"{role_name!r} is not a usable database login: use letters, digits, _ . @ - "
            "(at most 63), starting with a letter"
        )


def _require_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        raise KnownError(
            "Team mode needs a PostgreSQL server; this database is a "
            f"{engine.dialect.name} file for one person"
        )


def _ensure_group(conn: Connection, group: str) -> None:
    # Roles belong to the whole server; a second database (or a second IT session) may create
    # the same group at the same moment, hence the duplicate_object guard.
    conn.exec_driver_sql(
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}') THEN "
        f"CREATE ROLE {group} NOLOGIN; END IF; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    )


def team_grants(tables: list[str], case_columns: list[str]) -> list[str]:
    """The GRANT statements for both groups, given the tables and the case table's columns."""
    cw, tl = CASEWORKER_GROUP, TEAM_LEADER_GROUP
    statements: list[str] = []
    for table in tables:
        quoted = '"' + table + '"'
        if table in READ_ONLY_TABLES:
            statements.append(f"GRANT SELECT ON {quoted} TO {cw}, {tl}")
        elif table in APPEND_ONLY_TABLES:
            statements.append(f"GRANT SELECT, INSERT ON {quoted} TO {cw}, {tl}")
        else:
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {quoted} TO {tl}")
            if table not in CASE_TABLES:
                statements.append(f"GRANT SELECT ON {quoted} TO {cw}")
            elif table in LEADER_ONLY_COLUMNS:
                allowed = [c for c in case_columns if c not in LEADER_ONLY_COLUMNS[table]]
                columns = ", ".join('"' + c + '"' for c in allowed)
                statements.append(f"GRANT SELECT, INSERT, UPDATE ({columns}) ON {quoted} TO {cw}")
            else:
                statements.append(f"GRANT SELECT, INSERT, UPDATE ON {quoted} TO {cw}")
    return statements


def setup_team_roles(engine: Engine, database: str | None = None) -> list[str]:
    """Create the caseworker and team-leader groups and grant them the database's tables.

    Run by IT as the owner of the tables (the login that migrated the database) with the
    CREATEROLE privilege. Idempotent: run it again after every upgrade so new tables and columns
    get their grants. Returns the tables granted.
    """
    _require_postgresql(engine)
    with engine.begin() as conn:
        database = database or str(conn.execute(text("SELECT current_database()")).scalar_one())
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
        present = set(
            conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = :s"), {"s": schema}
            ).scalars()
        )
        expected = [t.name for t in Base.metadata.sorted_tables] + list(READ_ONLY_TABLES)
        missing = sorted(set(expected) - present)
        if missing:
            raise KnownError(
                f"The database {database} has no SEND Desktop tables yet ({missing[0]}...): "
                "run send-desktop --database URL team-setup as the owner, which creates them"
            )
        case_columns = list(
            conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = :s AND table_name = 'case' ORDER BY ordinal_position"
                ),
                {"s": schema},
            ).scalars()
        )
        for group in (CASEWORKER_GROUP, TEAM_LEADER_GROUP):
            _ensure_group(conn, group)
        db = _quote(database)
        both = f"{CASEWORKER_GROUP}, {TEAM_LEADER_GROUP}"
        schema_q = _quote(schema)
        # Children's personal data: only the SEND groups (and the owner) may connect at all.
        conn.exec_driver_sql(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC")
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {db} TO {both}")
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema_q} TO {both}")
        # Start from nothing so a narrowed grant (or a new leader-only column) really narrows.
        for table in expected:
            conn.exec_driver_sql(f'REVOKE ALL ON "{table}" FROM {both}')
        conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema_q} FROM {both}")
        for statement in team_grants(expected, case_columns):
            conn.exec_driver_sql(statement)
        # New rows take their ids from the tables' sequences.
        conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {both}")
    log.info("Team roles set up on %d tables", len(expected))
    return expected


def add_person(engine: Engine, role_name: str, leader: bool) -> bool:
    """Give one person a login role in the caseworker or team-leader group.

    Creates the login if it does not exist (without a password: IT sets one with psql's
    `\\password`, or the server authenticates by Kerberos/certificate) and moves an existing one
    to the chosen group. Returns True if the login was created.
    """
    _require_postgresql(engine)
    _check_role_name(role_name)
    group, other = (
        (TEAM_LEADER_GROUP, CASEWORKER_GROUP) if leader else (CASEWORKER_GROUP, TEAM_LEADER_GROUP)
    )
    with engine.begin() as conn:
        groups = set(
            conn.execute(
                text("SELECT rolname FROM pg_roles WHERE rolname IN (:a, :b)"),
                {"a": CASEWORKER_GROUP, "b": TEAM_LEADER_GROUP},
            ).scalars()
        )
        if len(groups) < 2:
            raise KnownError("Set up team mode first: send-desktop --database URL team-setup")
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role_name}
        ).first()
        role = _quote(role_name)
        if exists is None:
            conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        conn.exec_driver_sql(f"GRANT {group} TO {role}")
        member = conn.execute(
            text("SELECT pg_has_role(:r, :g, 'MEMBER')"), {"r": role_name, "g": other}
        ).scalar_one()
        if member:
            conn.exec_driver_sql(f"REVOKE {other} FROM {role}")
    log.info("Team member %s as %s", "created" if exists is None else "updated", group)
    return exists is None


# ---------------------------------------------------------------- the server's refusal


def permission_message(statement: str | None) -> str:
    """What was refused, in the caseworker's words, from the SQL the server refused."""
    sql = " ".join((statement or "").split()).lower()
    if re.match(r'^(update|delete from) "?audit_entry"?\b', sql):
        return "Nobody can change the audit trail: it is the permanent record of who did what."
    if sql.startswith("delete"):
        action = "delete records"
    elif re.match(r'^(insert into|update) "?setting"?\b', sql):
        action = "change the authority's settings"
    elif re.match(r'^update "case"', sql) and "caseworker_id" in sql.split(" where ")[0]:
        action = "reassign cases"
    elif re.match(r'^(insert into|update) "?(team|caseworker)"?\b', sql):
        action = "change teams and caseworkers"
    elif re.match(r'^(insert into|update) "?school_closure"?\b', sql):
        action = "record school closures"
    else:
        action = "make this change"
    return f"Only a team leader can {action}. Ask your team leader, or ask IT if you should be one."


def as_permission_error(exc: BaseException, statement: str | None = None) -> KnownError | None:
    """A PermissionDeniedError for the server's "insufficient privilege", else None."""
    orig = getattr(exc, "orig", exc)
    if isinstance(orig, psycopg.errors.InsufficientPrivilege):
        return PermissionDeniedError(permission_message(statement or getattr(exc, "statement", "")))
    return None


def _on_error(context: ExceptionContext) -> None:
    found = as_permission_error(context.original_exception, context.statement)
    if found is not None:
        log.warning("The server refused a change (insufficient privilege)")
        raise found from context.sqlalchemy_exception


def install_permission_messages(engine: Engine) -> None:
    """Every refusal by the server's grants reaches the user as a PermissionDeniedError."""
    if engine.dialect.name == "postgresql" and not event.contains(
        engine, "handle_error", _on_error
    ):
        event.listen(engine, "handle_error", _on_error)


def url_has_password(url: str | URL) -> bool:
    """True if a connection URL carries a password in plain text (it belongs in ~/.pgpass)."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception:
        return False
    return bool(parsed.password) or any(k.lower() == "password" for k in parsed.query)
