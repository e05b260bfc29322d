"""Store fixtures: every store test runs against SQLite and against the real PostgreSQL.

PostgreSQL: ``LEGDAY_TEST_POSTGRES_URL`` (default the local server's ``test``
database). Each test gets its own schema, ``legday_test_<worker>_<random>``,
selected through ``search_path`` and dropped afterwards, so xdist workers never
meet. In CI (``CI=true``) an unreachable server fails the tests; locally they skip.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from legday.store import Store, open_store
from tests.conftest import IN_CI

POSTGRES_URL = os.environ.get("LEGDAY_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgres"]


def _postgres_problem() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 5})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means: no server to test against
        return f"PostgreSQL at {POSTGRES_URL} unreachable: {type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    problem = _postgres_problem()
    if problem is None:
        return True
    if IN_CI:
        pytest.fail(problem)
    pytest.skip(problem)


@dataclass
class Database:
    """A fresh, empty database for one test: its URL and where its bytes live."""

    backend: str
    url: str
    sqlite_path: Path | None = None
    schema: str | None = None


def fresh_schema_name() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"legday_test_{worker}_{secrets.token_hex(4)}"


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "legday.db"
        yield Database("sqlite", f"sqlite:///{path}", sqlite_path=path)
        return
    request.getfixturevalue("postgres_available")
    schema = fresh_schema_name()
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    try:
        yield Database("postgres", url, schema=schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Clock:
    """A clock the tests move by hand (share-link expiry)."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(database: Database, clock: Clock) -> Iterator[Store]:
    s = open_store(database.url, clock=clock, base_url="https://legday.example")
    try:
        yield s
    finally:
        s.close()
