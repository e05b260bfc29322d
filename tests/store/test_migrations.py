"""Migrations from an empty database, down to nothing and up again, keeping data."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from legday.store import Store, import_paths, list_activities, open_store
from legday.store.db import make_engine
from legday.store.migrations import current_revision, downgrade, upgrade
from legday.store.models import Base
from tests.conftest import ROOT
from tests.store.conftest import Database
from tests.store.helpers import write_run

#: The newest migration.
HEAD = "0006_corrections"

TABLES = {"athletes", "settings", "activities", "efforts", "strength_entries", "share_links",
          "coach_notes", "privacy_zones", "imported_files", "import_jobs", "import_job_files",
          "import_job_chunks", "checkins",
          "corrections"}


def _tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_downgrade_and_upgrade_again(database: Database):
    engine = make_engine(database.url)
    try:
        assert _tables(engine) == set() and current_revision(engine) is None
        upgrade(engine)
        assert _tables(engine) == TABLES == set(Base.metadata.tables)
        assert current_revision(engine) == HEAD
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


#: One app start: open (and so migrate) the store at the URL given, logging each statement
#: before it runs.
START = """
import logging, sys
logging.basicConfig(stream=sys.stderr, format="%(message)s")
logging.getLogger("sqlalchemy.engine.Engine").setLevel(logging.INFO)
from legday.store import open_store
open_store(sys.argv[1]).close()
"""
#: Statements that need what the test holds: the migration lock, or the version table.
WAITS_HERE = ("pg_advisory_xact_lock", "BEGIN IMMEDIATE", "CREATE TABLE alembic_version")


class Start:
    """One process opening the store; ``waiting`` is set once it logged a statement that
    must wait for the test's transaction."""

    def __init__(self, url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", START, url], env={**os.environ, "PYTHONPATH": str(ROOT)},
            text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.log: list[str] = []
        self.waiting = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            if any(marker in line for marker in WAITS_HERE):
                self.waiting.set()
        self.waiting.set()  # ended: nothing more to wait for

    def finish(self) -> int:
        code = self.process.wait(timeout=300)
        self.reader.join()
        return code


def test_two_processes_starting_together_on_an_empty_database_both_start(database: Database):
    """Both starts are held where they need the database (an uncommitted alembic_version is
    in their way) and let go together: without a lock around the migrations, one of them
    died on the duplicate alembic_version (PostgreSQL) or first table (SQLite)."""
    engine = make_engine(database.url)
    blocker = engine.connect()
    if database.backend == "sqlite":
        blocker.exec_driver_sql("BEGIN IMMEDIATE")
    blocker.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
    starts = [Start(database.url) for _ in range(2)]
    try:
        for start in starts:
            assert start.waiting.wait(timeout=300), "a start never reached the database"
            assert start.process.poll() is None, "".join(start.log[-20:])
        blocker.rollback()
        blocker.close()
        codes = [start.finish() for start in starts]
    finally:
        for start in starts:
            start.process.kill()
        blocker.close()
    assert codes == [0, 0], ["".join(start.log[-15:]) for start in starts]
    try:
        assert current_revision(engine) == HEAD
        assert _tables(engine) == TABLES
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_a_start_on_a_current_schema_waits_for_no_writer(database: Database):
    open_store(database.url).close()
    engine = make_engine(database.url)
    writer = engine.connect()
    writer.exec_driver_sql("BEGIN IMMEDIATE")  # a long import holding the write lock
    writer.exec_driver_sql("INSERT INTO athletes (name, created_utc) VALUES ('x', '2025-01-01')")
    try:
        store = open_store(database.url)  # waited 30 s for the lock, then failed, before
        assert current_revision(store.engine) == HEAD
        store.close()
    finally:
        writer.rollback()
        writer.close()
        engine.dispose()


def test_stored_workouts_named_as_another_sport_stop_being_strength(database: Database,
                                                                     tmp_path: Path):
    """A database filled before 0003 kept a Strava "Workout" named "Evening Squash" as a
    strength session with an entry; 0003 makes it another sport and drops the entry."""
    from datetime import datetime

    from legday.store import strength_entries
    from legday.store.models import ActivityRow, StrengthEntryRow

    export = tmp_path / "export"
    (export / "activities").mkdir(parents=True)
    (export / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Filename\n"
        "1,\"Oct 2, 2024, 5:19:43 PM\",Evening Squash,Workout,2545,\n"
        "2,\"Oct 4, 2024, 6:00:00 PM\",Gym,Weight Training,3600,\n")
    store = open_store(database.url)
    try:
        me = store.athlete()
        import_paths(me, [export])
        with store.sessions.begin() as session:  # as the importer before 0003 stored it
            squash = session.query(ActivityRow).filter(ActivityRow.name == "Evening Squash").one()
            squash.sport = "strength"
            session.add(StrengthEntryRow(
                athlete_id=squash.athlete_id, activity_id=squash.id, entry_key="old",
                session="2024-10-02#strava:1", date=datetime(2024, 10, 2), is_warmup=False,
                duration_min=42.4, source="strava"))
        assert len(strength_entries(me)) == 2
        downgrade(store.engine, "0002_import_jobs")
        upgrade(store.engine)
        assert current_revision(store.engine) == HEAD
        sports = dict(zip(list_activities(me)["name"], list_activities(me)["sport"],
                          strict=True))
        assert sports == {"Evening Squash": "other", "Gym": "strength"}
        assert strength_entries(me)["notes"].tolist() == ["Gym"]
    finally:
        store.close()
