"""Alembic environment: uses the engine handed over by :func:`legday.store.migrations.upgrade`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine, text

from legday.store.models import Base

#: Namespace of the PostgreSQL advisory lock that serialises legday's migrations.
LOCK_NAME = "legday-migrations"

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through legday.store.migrations.upgrade(engine)")


def serialise(connection: Connection) -> None:
    """Wait for any other process migrating the same database, before looking at it.

    Two processes starting together on an empty database would both create
    ``alembic_version`` (or the first table) and one would die on the duplicate.
    PostgreSQL: an advisory lock keyed on the schema, so databases in other
    schemas never wait on it. SQLite: the database's write lock. Either lasts
    until this transaction ends; the process that waited then finds the schema
    at head and has nothing to do.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text(
            "SELECT pg_advisory_xact_lock(hashtext(:name || ':' || coalesce(current_schema(), '')))"
        ), {"name": LOCK_NAME})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


with engine.connect() as connection:
    serialise(connection)
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite alters tables by copying them: batch mode does that for later revisions.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
