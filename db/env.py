"""Alembic environment: migrations run in code from Database.open, on the connection it passes."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from send_desktop.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # Database.open hands over its own connection so the migration shares its pragmas and lock.
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(
            str(config.get_main_option("sqlalchemy.url")), poolclass=pool.NullPool
        )
        with engine.connect() as own:
            _run(own)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
