"""Migrations from an empty database, down to nothing and up again, keeping data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from legday.store import Store, import_paths, list_activities, open_store
from legday.store.db import make_engine
from legday.store.migrations import current_revision, downgrade, upgrade
from legday.store.models import Base
from tests.store.conftest import Database
from tests.store.helpers import write_run

TABLES = {"athletes", "settings", "activities", "efforts", "strength_entries", "share_links",
          "coach_notes", "privacy_zones"}


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_downgrade_and_upgrade_again(database: Database):
    engine = make_engine(database.url)
    try:
        assert _tables(engine) == set() and current_revision(engine) is None
        upgrade(engine)
        assert _tables(engine) == TABLES == set(Base.metadata.tables)
        assert current_revision(engine) == "0001"
        downgrade(engine, "base")
        assert _tables(engine) == set() and current_revision(engine) is None
        upgrade(engine)
        assert _tables(engine) == TABLES
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_models(database: Database):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(database.url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_opening_again_keeps_the_data(database: Database, tmp_path: Path):
    first = open_store(database.url)
    import_paths(first.athlete(), [write_run(tmp_path, "easy", seed=2)])
    first.close()
    again: Store = open_store(database.url)
    try:
        assert len(list_activities(again.athlete())) == 1
    finally:
        again.close()
