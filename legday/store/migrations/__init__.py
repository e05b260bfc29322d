"""Alembic migrations, run programmatically: :func:`upgrade` at every start.

``env.py`` and ``versions/`` ship inside the package. A new revision:
``.venv/bin/python -m legday.store.migrations revision -m "what changed"``
(autogenerates against a scratch SQLite database at head).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``, keeping existing data.

    A schema already at head is left alone without taking the migration lock
    (``env.py``): a start then waits for no one, not even a long import that
    holds SQLite's write lock.
    """
    config = alembic_config(engine)
    if revision == "head" and _at_head(engine, config):
        return
    command.upgrade(config, revision)


def _at_head(engine: Engine, config: Config) -> bool:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current == set(ScriptDirectory.from_config(config).get_heads())


def downgrade(engine: Engine, revision: str = "base") -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
