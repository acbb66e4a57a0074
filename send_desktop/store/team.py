"""Team mode on PostgreSQL: one database role per person, and what only team leaders may do.

The program never decides who may reassign a case or change the authority's settings: the
server's grants do, so a caseworker cannot get round them with another client. This module sets
those grants up (IT runs it once per database, and again after each upgrade) and turns the
server's refusal into a message a caseworker understands.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

import psycopg.errors
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import URL, ExceptionContext, make_url

from send_desktop.errors import KnownError
from send_desktop.store.models import Base

log = logging.getLogger(__name__)

CASEWORKER_GROUP = "send_caseworker"
TEAM_LEADER_GROUP = "send_team_leader"
# Owns the audit and policy functions (SECURITY DEFINER): no one logs in as it, so the only way
# to write the audit trail is through the triggers.
AUDIT_WRITER = "send_audit_writer"
# A session setting the program sets on connecting: the name the person typed. It is shown only
# when the login has no caseworker record; db_user (session_user) is what the server vouches for.
USER_SETTING = "send_desktop.user"
# Set (SET LOCAL) by the table owner for synthetic demo data only; ignored for anyone else.
UNAUDITED_SETTING = "send_desktop.unaudited"


class Kind(Enum):
    """What a table is, which decides its grants, triggers and policies in team mode."""

    CASE = "case data"  # audited; caseworkers insert and update within their team, never delete
    DERIVED = "derived"  # written by the program with each case change; every role writes it
    REFERENCE = "reference"  # audited; team leaders write, caseworkers read
    AUDIT = "audit"  # written only by the triggers; everyone reads
    SCHEMA = "schema"  # IT's (the owner's) alone; everyone reads


@dataclass(frozen=True)
class TableRule:
    kind: Kind
    # Columns only a team leader may change (caseworkers may still set them on insert, within
    # the insert policy): who holds the case, which child, its reference, whether it is closed.
    leader_only: frozenset[str] = frozenset()


_CASE_ONLY = frozenset({"caseworker_id", "child_id", "ref", "closed"})

# THE list: every table of the database, one line each. A table missing here fails
# tests/store/test_server_rules.py; a listed table not yet in the database is skipped.
TABLES: dict[str, TableRule] = {
    "child": TableRule(Kind.CASE),
    "case": TableRule(Kind.CASE, _CASE_ONLY),
    "advice_request": TableRule(Kind.CASE),
    "case_exception": TableRule(Kind.CASE),
    "consultation": TableRule(Kind.CASE),
    "annual_review": TableRule(Kind.CASE),
    "move": TableRule(Kind.CASE),
    "mediation": TableRule(Kind.CASE),
    "appeal": TableRule(Kind.CASE),
    "case_note": TableRule(Kind.CASE),
    "letter": TableRule(Kind.CASE),
    "family_contact": TableRule(Kind.CASE),
    "placement": TableRule(Kind.CASE),
    "case_summary": TableRule(Kind.DERIVED),
    "case_step": TableRule(Kind.DERIVED),
    "case_review_time": TableRule(Kind.DERIVED),
    "team": TableRule(Kind.REFERENCE),
    "caseworker": TableRule(Kind.REFERENCE),
    "setting": TableRule(Kind.REFERENCE),
    "school_closure": TableRule(Kind.REFERENCE),
    "audit_entry": TableRule(Kind.AUDIT),
    "alembic_version": TableRule(Kind.SCHEMA),
}
# Columns nobody sets by hand in team mode: the stamp trigger writes them.
STAMP_COLUMNS = ("version", "updated_at", "updated_by")
# Kept for callers of the older names.
CASE_TABLES = tuple(t for t, r in TABLES.items() if r.kind is Kind.CASE)
LEADER_ONLY_COLUMNS: dict[str, frozenset[str]] = {
    t: r.leader_only for t, r in TABLES.items() if r.leader_only
}
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


def team_grants(tables: Mapping[str, list[str]]) -> list[str]:
    """The GRANT statements for both groups, given each present table's columns.

    Caseworkers get column-level UPDATE only, never table-level UPDATE, DELETE or TRUNCATE:
    LOCK TABLE in any mode that blocks writers needs one of those, so a caseworker cannot
    lock the team out of a table.
    """
    cw, tl = CASEWORKER_GROUP, TEAM_LEADER_GROUP
    statements: list[str] = []
    for table, columns in tables.items():
        rule = TABLES[table]
        quoted = _quote(table)
        if rule.kind in (Kind.SCHEMA, Kind.AUDIT):
            statements.append(f"GRANT SELECT ON {quoted} TO {cw}, {tl}")
        elif rule.kind is Kind.DERIVED:
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {quoted} TO {cw}, {tl}")
        elif rule.kind is Kind.REFERENCE:
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {quoted} TO {tl}")
            statements.append(f"GRANT SELECT ON {quoted} TO {cw}")
        else:
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {quoted} TO {tl}")
            # Never the id, the case a row belongs to (re-parenting), nor the leader-only
            # columns. The stamp columns are granted because the program sends them, but the
            # stamp trigger overwrites whatever is sent.
            fixed = {"id", "case_id", *rule.leader_only}
            allowed = ", ".join(_quote(c) for c in columns if c not in fixed)
            statements.append(f"GRANT SELECT, INSERT ON {quoted} TO {cw}")
            if allowed:
                statements.append(f"GRANT UPDATE ({allowed}) ON {quoted} TO {cw}")
    return statements


def _present_tables(conn: Connection, schema: str) -> dict[str, list[str]]:
    rows = conn.execute(
        text(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = :s ORDER BY table_name, ordinal_position"
        ),
        {"s": schema},
    ).all()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(str(table), []).append(str(column))
    return found


def unlisted_tables(present: set[str]) -> list[str]:
    """Tables in the database that TABLES does not list (each needs its one line there)."""
    return sorted(present - set(TABLES))


# The functions the triggers and policies call. {schema} is the quoted schema.
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION {schema}.send_person(claimed text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $f$
  -- The caseworker record of the login (IT or a team leader sets caseworker.db_role): the
  -- server's word. Only a login with no record may name itself (the name the program sends,
  -- else the one it started with); db_user beside it is the login either way.
  SELECT left(coalesce(
    (SELECT name FROM caseworker WHERE db_role = session_user ORDER BY active DESC, id LIMIT 1),
    nullif(claimed, ''),
    nullif(current_setting('{user_setting}', true), ''),
    session_user::text), 200)
$f$;

CREATE OR REPLACE FUNCTION {schema}.send_audit_text(value jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $f$
  -- The same text the program's audit rows hold (yes/no, ISO dates).
  SELECT CASE jsonb_typeof(value)
    WHEN 'null' THEN NULL
    WHEN 'boolean' THEN CASE WHEN value::text = 'true' THEN 'yes' ELSE 'no' END
    WHEN 'string' THEN value #>> '{{}}'
    ELSE value::text END
$f$;

CREATE OR REPLACE FUNCTION {schema}.send_unaudited(relid oid) RETURNS boolean
LANGUAGE sql STABLE AS $f$
  -- Only the owner of the table may skip the triggers (and could disable them anyway).
  SELECT coalesce(current_setting('{unaudited}', true), '') = 'demo'
     AND pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = relid), 'MEMBER')
$f$;

CREATE OR REPLACE FUNCTION {schema}.send_stamp_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $f$
BEGIN
  IF {schema}.send_unaudited(TG_RELID) THEN RETURN NEW; END IF;
  -- The server numbers every version, so a save made from a stale copy is always caught.
  IF TG_OP = 'INSERT' THEN NEW.version := 1; ELSE NEW.version := OLD.version + 1; END IF;
  NEW.updated_at := clock_timestamp() AT TIME ZONE 'UTC';
  -- A name is claimed only by sending a new one; an update that leaves updated_by as it was
  -- must not borrow the previous editor's name.
  NEW.updated_by := {schema}.send_person(CASE
    WHEN TG_OP = 'INSERT' OR NEW.updated_by IS DISTINCT FROM OLD.updated_by
    THEN NEW.updated_by END);
  RETURN NEW;
END $f$;

CREATE OR REPLACE FUNCTION {schema}.send_audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $f$
DECLARE
  old_j jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  new_j jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  row_j jsonb := coalesce(new_j, old_j);
  who text;
  stamp timestamp := clock_timestamp() AT TIME ZONE 'UTC';
  act text := lower(TG_OP);
  rid integer;
  cid integer;
  k text;
  o text;
  n text;
  wrote boolean := false;
BEGIN
  IF {schema}.send_unaudited(TG_RELID) THEN RETURN NULL; END IF;
  -- The stamp trigger has already settled who is writing a row that has a stamp.
  who := CASE WHEN TG_OP <> 'DELETE' AND new_j ? 'updated_by' THEN new_j ->> 'updated_by'
              ELSE {schema}.send_person(NULL) END;
  IF TG_TABLE_NAME = 'setting' THEN
    -- Settings are audited as the program audits them: the key as the field.
    o := old_j ->> 'value';
    n := new_j ->> 'value';
    IF TG_OP <> 'UPDATE' OR o IS DISTINCT FROM n THEN
      INSERT INTO audit_entry (at, "user", db_user, table_name, field, old, new, action)
      VALUES (stamp, who, session_user, TG_TABLE_NAME, row_j ->> 'key', o, n, act);
    END IF;
    RETURN NULL;
  END IF;
  IF jsonb_typeof(row_j -> 'id') = 'number' THEN rid := (row_j ->> 'id')::integer; END IF;
  IF TG_TABLE_NAME = 'case' THEN cid := rid;
  ELSIF jsonb_typeof(row_j -> 'case_id') = 'number' THEN cid := (row_j ->> 'case_id')::integer;
  END IF;
  FOR k IN SELECT jsonb_object_keys(row_j) ORDER BY 1 LOOP
    CONTINUE WHEN k IN ('id', 'version', 'updated_at', 'updated_by');
    o := {schema}.send_audit_text(old_j -> k);
    n := {schema}.send_audit_text(new_j -> k);
    CONTINUE WHEN (TG_OP = 'INSERT' AND n IS NULL) OR (TG_OP = 'DELETE' AND o IS NULL)
      OR (TG_OP = 'UPDATE' AND o IS NOT DISTINCT FROM n);
    INSERT INTO audit_entry (at, "user", db_user, table_name, row_id, case_id, field, old, new,
                             action)
    VALUES (stamp, who, session_user, TG_TABLE_NAME, rid, cid, k, o, n, act);
    wrote := true;
  END LOOP;
  IF NOT wrote AND TG_OP <> 'UPDATE' THEN
    INSERT INTO audit_entry (at, "user", db_user, table_name, row_id, case_id, action)
    VALUES (stamp, who, session_user, TG_TABLE_NAME, rid, cid, act);
  END IF;
  RETURN NULL;
END $f$;

CREATE OR REPLACE FUNCTION {schema}.send_worker_in_my_team(worker integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $f$
  -- Unallocated cases are the team's intake: any caseworker may record on them.
  SELECT worker IS NULL OR EXISTS (
    SELECT 1 FROM caseworker w JOIN caseworker me ON me.team_id = w.team_id
    WHERE w.id = worker AND me.db_role = session_user)
$f$;

CREATE OR REPLACE FUNCTION {schema}.send_case_in_my_team(case_row integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $f$
  SELECT EXISTS (SELECT 1 FROM "case" c WHERE c.id = case_row
                 AND {schema}.send_worker_in_my_team(c.caseworker_id))
$f$;

CREATE OR REPLACE FUNCTION {schema}.send_child_in_my_team(child_row integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $f$
  -- A child with no case yet is being recorded now; else one of its cases must be the team's.
  SELECT NOT EXISTS (SELECT 1 FROM "case" c WHERE c.child_id = child_row)
      OR EXISTS (SELECT 1 FROM "case" c WHERE c.child_id = child_row
                 AND {schema}.send_worker_in_my_team(c.caseworker_id))
$f$;

CREATE OR REPLACE FUNCTION {schema}.send_me_or_nobody(worker integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $f$
  -- A caseworker may open a case for themselves or leave it for a team leader to allocate.
  SELECT worker IS NULL OR EXISTS (
    SELECT 1 FROM caseworker WHERE id = worker AND db_role = session_user)
$f$;
"""
_DEFINER_FUNCTIONS = (
    "send_person(text)",
    "send_stamp_row()",
    "send_audit_row()",
    "send_worker_in_my_team(integer)",
    "send_case_in_my_team(integer)",
    "send_child_in_my_team(integer)",
    "send_me_or_nobody(integer)",
)


def _policies(table: str, columns: list[str], schema: str) -> list[str]:
    """Row-level security for one case table: who may write which rows."""
    q = _quote(table)
    cw, tl = CASEWORKER_GROUP, TEAM_LEADER_GROUP
    if table == "case":
        insert_check = f"NOT closed AND {schema}.send_me_or_nobody(caseworker_id)"
        update_check = f"{schema}.send_worker_in_my_team(caseworker_id)"
    elif table == "child":
        insert_check = "true"
        update_check = f"{schema}.send_child_in_my_team(id)"
    elif "case_id" in columns:
        insert_check = update_check = f"{schema}.send_case_in_my_team(case_id)"
    else:
        insert_check = update_check = "true"
    # Updates see every row (USING true) and are checked on the row as written: a refused
    # update is an error ("violates row-level security"), not a silent "0 rows changed".
    return [
        f"ALTER TABLE {q} ENABLE ROW LEVEL SECURITY",
        f"DROP POLICY IF EXISTS send_read ON {q}",
        f"DROP POLICY IF EXISTS send_leader ON {q}",
        f"DROP POLICY IF EXISTS send_caseworker_insert ON {q}",
        f"DROP POLICY IF EXISTS send_caseworker_update ON {q}",
        f"CREATE POLICY send_read ON {q} FOR SELECT TO PUBLIC USING (true)",
        f"CREATE POLICY send_leader ON {q} FOR ALL TO {tl} USING (true) WITH CHECK (true)",
        f"CREATE POLICY send_caseworker_insert ON {q} FOR INSERT TO {cw} "
        f"WITH CHECK ({insert_check})",
        f"CREATE POLICY send_caseworker_update ON {q} FOR UPDATE TO {cw} USING (true) "
        f"WITH CHECK ({update_check})",
    ]


def install_server_rules(conn: Connection) -> list[str]:
    """Everything team mode enforces in the server, from TABLES: groups, grants, the stamp and
    audit triggers, row-level security. Idempotent; run by migrations and team-setup as the
    owner of the tables. Returns the tables it covered."""
    if conn.dialect.name != "postgresql":
        return []
    schema_name = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    schema = _quote(schema_name)
    present = _present_tables(conn, schema_name)
    unlisted = unlisted_tables(set(present))
    if unlisted:
        raise KnownError(
            f"The table {unlisted[0]} has no line in send_desktop.store.team.TABLES: "
            "say there whether it is case data, derived, reference or audit"
        )
    for role in (CASEWORKER_GROUP, TEAM_LEADER_GROUP, AUDIT_WRITER):
        _ensure_group(conn, role)
    writer = _quote(AUDIT_WRITER)
    # The owner must be a member to hand the functions to the writer role.
    if not conn.execute(
        text("SELECT pg_has_role(current_user, :r, 'MEMBER')"), {"r": AUDIT_WRITER}
    ).scalar_one():
        conn.exec_driver_sql(f"GRANT {writer} TO {_quote(_current_user(conn))}")
    conn.exec_driver_sql(f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {writer}")
    conn.exec_driver_sql(
        _FUNCTIONS.format(
            schema=schema, user_setting=USER_SETTING, unaudited=UNAUDITED_SETTING
        ).replace("%", "%%")
    )
    for signature in (*_DEFINER_FUNCTIONS, "send_audit_text(jsonb)", "send_unaudited(oid)"):
        conn.exec_driver_sql(f"ALTER FUNCTION {schema}.{signature} OWNER TO {writer}")
    for signature in _DEFINER_FUNCTIONS:
        if signature.endswith("row()"):
            conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {schema}.{signature} FROM PUBLIC")
    both = f"{CASEWORKER_GROUP}, {TEAM_LEADER_GROUP}"
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {both}")
    # Start from nothing so a narrowed grant (or a new leader-only column) really narrows.
    for table in present:
        conn.exec_driver_sql(f"REVOKE ALL ON {_quote(table)} FROM {both}, {writer}")
    conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {both}")
    for statement in team_grants(present):
        conn.exec_driver_sql(statement)
    # New rows take their ids from the tables' sequences.
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {both}")
    conn.exec_driver_sql(f"GRANT SELECT, INSERT ON audit_entry TO {writer}")
    conn.exec_driver_sql(f"GRANT USAGE ON SEQUENCE audit_entry_id_seq TO {writer}")
    conn.exec_driver_sql(f'GRANT SELECT ON caseworker, "case" TO {writer}')
    for table, columns in present.items():
        rule = TABLES[table]
        q = _quote(table)
        for trigger in ("send_stamp", "send_audit"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger} ON {q}")
        if rule.kind not in (Kind.CASE, Kind.REFERENCE):
            continue
        if all(c in columns for c in STAMP_COLUMNS):
            conn.exec_driver_sql(
                f"CREATE TRIGGER send_stamp BEFORE INSERT OR UPDATE ON {q} "
                f"FOR EACH ROW EXECUTE FUNCTION {schema}.send_stamp_row()"
            )
        conn.exec_driver_sql(
            f"CREATE TRIGGER send_audit AFTER INSERT OR UPDATE OR DELETE ON {q} "
            f"FOR EACH ROW EXECUTE FUNCTION {schema}.send_audit_row()"
        )
        if rule.kind is Kind.CASE:
            for statement in _policies(table, columns, schema):
                conn.exec_driver_sql(statement)
    log.info("Team-mode server rules installed on %d tables", len(present))
    return sorted(present)


def _current_user(conn: Connection) -> str:
    return str(conn.execute(text("SELECT current_user")).scalar_one())


def verify_server_rules(conn: Connection) -> list[str]:
    """What the server would let each group do that it should not, or refuse that it should.

    Empty when team mode is in force. Read from the catalogue, so it checks the grants that
    are really there, whoever ran team-setup.
    """
    schema_name = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    present = _present_tables(conn, schema_name)
    problems: list[str] = []

    def has(role: str, table: str, privilege: str, column: str | None = None) -> bool:
        if column is None:
            sql, params = "SELECT has_table_privilege(:r, :t, :p)", {}
        else:
            sql, params = "SELECT has_column_privilege(:r, :t, :c, :p)", {"c": column}
        return bool(
            conn.execute(
                text(sql), {"r": role, "t": _quote(table), "p": privilege, **params}
            ).scalar_one()
        )

    groups = set(
        conn.execute(
            text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:g)"),
            {"g": [CASEWORKER_GROUP, TEAM_LEADER_GROUP, AUDIT_WRITER]},
        ).scalars()
    )
    if len(groups) < 3:
        return ["the team roles do not exist"]
    triggers = {
        (str(t), str(n))
        for t, n in conn.execute(
            text(
                "SELECT c.relname, tg.tgname FROM pg_trigger tg JOIN pg_class c "
                "ON c.oid = tg.tgrelid JOIN pg_namespace ns ON ns.oid = c.relnamespace "
                "WHERE ns.nspname = :s AND NOT tg.tgisinternal AND tg.tgenabled <> 'D'"
            ),
            {"s": schema_name},
        ).all()
    }
    rls = set(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace ns ON ns.oid = "
                "c.relnamespace WHERE ns.nspname = :s AND c.relrowsecurity"
            ),
            {"s": schema_name},
        ).scalars()
    )
    cw, tl = CASEWORKER_GROUP, TEAM_LEADER_GROUP
    for table, columns in present.items():
        rule = TABLES.get(table)
        if rule is None:
            problems.append(f"{table} is not listed in TABLES")
            continue
        for role in (cw, tl):
            if not has(role, table, "SELECT"):
                problems.append(f"{role} cannot read {table}")
            if has(role, table, "TRUNCATE"):
                problems.append(f"{role} may empty {table}")
        if rule.kind in (Kind.AUDIT, Kind.SCHEMA):
            for role in (cw, tl):
                for privilege in ("INSERT", "UPDATE", "DELETE"):
                    if has(role, table, privilege):
                        problems.append(f"{role} may {privilege.lower()} {table}")
            continue
        if rule.kind is Kind.DERIVED:
            for role in (cw, tl):
                if not has(role, table, "INSERT") or not has(role, table, "DELETE"):
                    problems.append(f"{role} cannot write {table}")
            continue
        if not has(tl, table, "UPDATE") or not has(tl, table, "DELETE"):
            problems.append(f"{tl} cannot change {table}")
        if (table, "send_audit") not in triggers:
            problems.append(f"changes to {table} are not audited by the server")
        if all(c in columns for c in STAMP_COLUMNS) and (table, "send_stamp") not in triggers:
            problems.append(f"the server does not number the versions of {table}")
        if rule.kind is Kind.REFERENCE:
            if has(cw, table, "INSERT") or has(cw, table, "UPDATE"):
                problems.append(f"{cw} may change {table}")
            continue
        if table not in rls:
            problems.append(f"{table} has no row-level security")
        if has(cw, table, "DELETE") or has(cw, table, "UPDATE"):
            # Table-level UPDATE would let a caseworker LOCK the table.
            problems.append(f"{cw} may delete from or lock {table}")
        for column in (*rule.leader_only, "case_id"):
            if column in columns and has(cw, table, "UPDATE", column):
                problems.append(f"{cw} may change {table}.{column}")
    return problems


def setup_team_roles(engine: Engine, database: str | None = None) -> list[str]:
    """Create the caseworker and team-leader groups and grant them the database's tables.

    Run by IT as the owner of the tables (the login that migrated the database) with the
    CREATEROLE privilege. Idempotent: run it again after every upgrade so new tables and columns
    get their grants. Checks afterwards that the server enforces what was granted. Returns the
    tables covered.
    """
    _require_postgresql(engine)
    with engine.begin() as conn:
        database = database or str(conn.execute(text("SELECT current_database()")).scalar_one())
        schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
        present = set(_present_tables(conn, schema))
        expected = [t.name for t in Base.metadata.sorted_tables] + ["alembic_version"]
        missing = sorted(set(expected) - present)
        if missing:
            raise KnownError(
                f"The database {database} has no SEND Desktop tables yet ({missing[0]}...): "
                "run send-desktop --database URL team-setup as the owner, which creates them"
            )
        me = _current_user(conn)
        owns = conn.execute(
            text(
                "SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c "
                "JOIN pg_namespace ns ON ns.oid = c.relnamespace "
                "WHERE ns.nspname = :s AND c.relname = 'case'"
            ),
            {"s": schema},
        ).scalar_one()
        if not owns:
            # GRANT by someone without the right only warns; say plainly that nothing happened.
            raise KnownError(
                f"team-setup did nothing: the login {me} does not own the SEND Desktop tables "
                "of this database. Ask IT to run it as the owner (see docs/team-mode.md)."
            )
        tables = install_server_rules(conn)
        db = _quote(database)
        both = f"{CASEWORKER_GROUP}, {TEAM_LEADER_GROUP}"
        # Children's personal data: only the SEND groups (and the owner) may connect at all.
        conn.exec_driver_sql(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC")
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {db} TO {both}")
        # A session left idle inside a transaction holds its row locks; end it after a while.
        conn.exec_driver_sql(
            f"ALTER DATABASE {db} SET idle_in_transaction_session_timeout = '10min'"
        )
        problems = verify_server_rules(conn)
    if problems:
        raise KnownError(
            "team-setup ran but the server does not enforce team mode: "
            + "; ".join(problems[:5])
            + ". Nothing is safe to use until this is fixed: ask IT."
        )
    log.info("Team roles set up on %d tables", len(tables))
    return tables


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
