"""``python -m legday checkins import FILE``: check-ins into the store, one per date, with
the bad rows reported by line (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

from legday.checkins import CheckIn
from legday.cli import main
from legday.store import load_checkins, open_store
from tests.store.conftest import Database

FIRST = "date,legs,soreness,note\n2026-08-12,heavy,6,stairs\n2026-08-19,sore,,\n2026-08-20,meh,,\n"
AGAIN = "date,legs,soreness,note\n2026-08-12,heavy,6,stairs\n2026-08-19,normal,,\n"


@pytest.fixture(autouse=True)
def _cache_in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEGDAY_CACHE_DIR", str(tmp_path / "cache"))


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out), out.getvalue()


def test_import_stores_the_good_rows_and_reports_the_bad_ones(database: Database,
                                                              tmp_path: Path):
    legs = tmp_path / "legs.csv"
    legs.write_text(FIRST)
    code, out = run("checkins", "import", "--json", "--db", database.url, str(legs))
    assert code == 1  # a row was skipped
    assert json.loads(out) == {"file": str(legs), "read": 2, "added": 2, "replaced": 0,
                               "unchanged": 0, "problems": [
                                   {"line": 4, "reason": "legs 'meh' is none of fresh, "
                                                         "normal, heavy, sore"}]}
    legs.write_text(AGAIN)
    code, out = run("checkins", "import", "--db", database.url, str(legs))
    assert code == 0
    assert out == "2 check-ins read: 0 new, 1 replaced, 1 already stored; 0 rows skipped\n"
    store = open_store(database.url)
    try:
        assert load_checkins(store.athlete("local")) == [
            CheckIn(dt.date(2026, 8, 12), "heavy", 6, note="stairs"),
            CheckIn(dt.date(2026, 8, 19), "normal")]
        assert load_checkins(store.athlete("kim")) == []
    finally:
        store.close()


def test_a_file_that_is_no_check_in_csv_is_one_line_on_stderr(database: Database,
                                                              tmp_path: Path, capsys):
    other = tmp_path / "other.csv"
    other.write_text("day,feeling\n2026-01-01,fresh\n")
    assert run("checkins", "import", "--db", database.url, str(other)) == (1, "")
    assert capsys.readouterr().err == (
        "error: other.csv: no date or legs column; expected a header with date, legs, "
        "soreness, note, muscles (soreness, note and muscles may be left out)\n")
