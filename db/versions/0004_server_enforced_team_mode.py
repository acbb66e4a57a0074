"""Team mode enforced by the server: audit and version triggers, row-level security, grants.

PostgreSQL only (a no-op on SQLite, where the program writes its own audit rows). The rules
come from the one list in send_desktop.store.team.TABLES; Database.open installs them again
after every later migration, so a table added later is covered by its one line there.

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-01 19:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from send_desktop.store.team import install_server_rules

    install_server_rules(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from send_desktop.store.team import TABLES

    tables = {
        str(t)
        for t in bind.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).scalars()
    }
    for table in sorted(tables & set(TABLES)):
        quoted = '"' + table + '"'
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS send_stamp ON {quoted}")
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS send_audit ON {quoted}")
        bind.exec_driver_sql(f"ALTER TABLE {quoted} DISABLE ROW LEVEL SECURITY")
