"""Where the database is: explicit URL, environment, Streamlit secrets, else a local file."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from legday.store.config import database_url, default_sqlite_path, normalise_url, secrets_url
from legday.store.errors import StoreConfigError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    for name in ("LEGDAY_DATABASE_URL", "LEGDAY_SQLITE_PATH", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    # Page tests in the same worker import streamlit; these tests are about the file.
    monkeypatch.delitem(sys.modules, "streamlit", raising=False)


def test_default_is_a_sqlite_file_outside_the_repository(tmp_path: Path):
    assert default_sqlite_path() == tmp_path / "home" / ".local" / "share" / "legday" / "legday.db"
    assert database_url() == f"sqlite:///{default_sqlite_path()}"


def test_xdg_and_explicit_sqlite_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_sqlite_path() == tmp_path / "xdg" / "legday" / "legday.db"
    monkeypatch.setenv("LEGDAY_SQLITE_PATH", str(tmp_path / "mine.db"))
    assert database_url() == f"sqlite:///{tmp_path / 'mine.db'}"


def test_secrets_then_environment_then_explicit(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[connections.sql]\nurl = "postgresql://u:p@db.example/legday"\n')
    assert secrets_url() == "postgresql://u:p@db.example/legday"
    assert database_url() == "postgresql+psycopg://u:p@db.example/legday"
    monkeypatch.setenv("LEGDAY_DATABASE_URL", "postgres://env@host/db")
    assert database_url() == "postgresql+psycopg://env@host/db"
    assert database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_broken_secrets_file_is_a_clear_error(tmp_path: Path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("[connections.sql\n")
    with pytest.raises(StoreConfigError, match="secrets.toml: not valid TOML"):
        database_url()


def test_psycopg_is_used_for_every_postgres_url():
    assert normalise_url("postgresql+psycopg://a/b") == "postgresql+psycopg://a/b"
    assert normalise_url("postgresql://a/b") == "postgresql+psycopg://a/b"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_running_app_reads_st_secrets(monkeypatch: pytest.MonkeyPatch):
    class Secrets:
        def to_dict(self) -> dict[str, object]:
            return {"connections": {"sql": {"url": "postgresql://app@cloud/db"}}}

    monkeypatch.setitem(sys.modules, "streamlit", SimpleNamespace(secrets=Secrets()))
    assert database_url() == "postgresql+psycopg://app@cloud/db"
