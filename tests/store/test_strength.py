"""Strength entries: stored per athlete, idempotent, editable; from CSV logs and FIT files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from legday.schema import ENTRY_COLUMNS
from legday.store import (
    Store,
    add_strength_entries,
    delete_activity,
    import_paths,
    import_upload,
    list_activities,
    new_strength_entries,
    open_store,
    replace_strength_session,
    strength_entries,
)
from legday.strength.log import file_rows, read_strong_csv, sessions
from tests.conftest import require_realdata
from tests.store.test_access import entries

LOG = """date,exercise,sets,reps,weight_kg,rpe,duration_min,notes
2025-03-03,Back squat,5,5,100,8,,
2025-03-03,Romanian deadlift,3,8,70,7,,
2025-03-06,Bulgarian split squat,3,10,20,8,,heavy
"""


def test_adding_the_same_entries_twice_adds_nothing(store: Store):
    me = store.athlete()
    day = entries("s1", "2025-03-03", ("back squat", 5, 5, 100.0), ("lunge", 3, 10, 20.0))
    assert add_strength_entries(me, day) == 2
    assert add_strength_entries(me, day) == 0
    heavier = entries("s1", "2025-03-03", ("back squat", 5, 5, 105.0))
    assert add_strength_entries(me, heavier) == 1
    stored = strength_entries(me)
    assert stored[list(ENTRY_COLUMNS)].dtypes.astype(str).to_dict() == ENTRY_COLUMNS
    assert sorted(stored["weight_kg"]) == [20.0, 100.0, 105.0]
    assert stored["date"].unique().tolist() == [pd.Timestamp("2025-03-03")]


def test_replacing_a_session_is_an_edit(store: Store):
    me = store.athlete()
    add_strength_entries(me, entries("s1", "2025-03-03", ("back squat", 5, 5, 100.0),
                                     ("lunge", 3, 10, 20.0)))
    add_strength_entries(me, entries("s2", "2025-03-05", ("deadlift", 3, 5, 120.0)))
    assert replace_strength_session(me, "s1", entries("ignored", "2025-03-03",
                                                      ("front squat", 4, 6, 80.0))) == 1
    stored = strength_entries(me)
    assert sorted(zip(stored["session"], stored["exercise"], strict=True)) == [
        ("s1", "front squat"), ("s2", "deadlift")]


def test_strength_csv_import_is_idempotent(store: Store, tmp_path: Path):
    me = store.athlete()
    log = tmp_path / "lifting.csv"
    log.write_text(LOG)
    first = import_paths(me, [log])
    assert (first.strength_entries, first.imported, first.errors) == (3, 0, [])
    assert import_paths(me, [log]).strength_entries == 0
    assert import_upload(me, "lifting.csv", LOG.encode()).strength_entries == 0
    stored = strength_entries(me)
    assert stored["exercise"].tolist() == ["Back squat", "Romanian deadlift",
                                           "Bulgarian split squat"]
    assert stored["source"].unique().tolist() == ["legday_csv"]


def test_a_bad_strength_file_is_an_error(store: Store, tmp_path: Path):
    me = store.athlete()
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n")
    report = import_paths(me, [bad])
    assert report.strength_entries == 0 and report.errors[0]["file"] == str(bad)
    assert "strength log" in report.errors[0]["error"]


@pytest.mark.corpus
def test_garmin_strength_fit_becomes_entries_once(store: Store):
    fit = require_realdata() / "fit" / "fitanalyzer__20474406937_ACTIVITY.fit"
    me = store.athlete()
    first = import_paths(me, [fit])
    stored = strength_entries(me)
    assert first.imported == 1 and first.strength_entries == len(stored) > 0
    assert stored["source"].unique().tolist() == ["fit"]
    assert stored["activity_id"].unique().tolist() == first.activity_ids
    assert list_activities(me)["sport"].tolist() == ["strength"]
    again = import_paths(me, [fit])
    assert (again.imported, again.duplicates, again.strength_entries) == (0, 1, 0)
    assert len(strength_entries(me)) == len(stored)
    delete_activity(me, first.activity_ids[0])
    assert strength_entries(me).empty


def test_strava_strength_row_without_file_is_one_session_entry(store: Store, tmp_path: Path):
    export = tmp_path / "export"
    (export / "activities").mkdir(parents=True)
    (export / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Filename\n"
        "42,\"Mar 4, 2025, 5:00:00 PM\",Gym,Weight Training,3600,\n")
    me = store.athlete()
    assert import_paths(me, [export]).imported == 1
    stored = strength_entries(me)
    assert stored[["exercise", "duration_min", "source"]].values.tolist() == [
        [None, 60.0, "strava"]]


REPEATED_SETS = Path(__file__).parents[1] / "strength" / "fixtures" / "strong_repeated_sets.csv"


def test_identical_sets_of_a_strong_log_are_all_stored_once(store: Store, tmp_path: Path):
    me = store.athlete()
    read = read_strong_csv(REPEATED_SETS)
    added = new_strength_entries(me, read.entries)
    assert len(added) == len(read.entries) == 22
    assert int(file_rows(added).sum()) == read.rows == 20
    assert new_strength_entries(me, read.entries).empty  # the same file again: nothing new
    # Another export holding the first workout again (and nothing else) adds nothing either.
    legs = read.entries[read.entries["session"] == read.entries["session"].iloc[0]]
    assert add_strength_entries(me, legs) == 0
    stored = strength_entries(me)
    squats = stored[(stored["exercise"] == "Squat (Barbell)") & ~stored["is_warmup"]]
    assert squats[["reps", "weight_kg"]].values.tolist() == [[5, 90]] * 3
    assert sessions(stored)["lower_tonnage_kg"].tolist() == [4486.0, 480.0]
    # Through the importer (a file given to `legday import`): the same rows, once.
    fresh = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    events: list = []
    try:
        assert import_paths(fresh.athlete(), [REPEATED_SETS],
                            events.append).strength_entries == 22
        assert len(strength_entries(fresh.athlete())) == 22
    finally:
        fresh.close()
    assert [(e.status, e.message) for e in events] == [("imported", "20 of 20 rows added")]


def test_an_edited_session_keeps_its_identical_sets(store: Store):
    me = store.athlete()
    three = entries("s1", "2025-03-03", *[("back squat", 1, 5, 90.0)] * 3)
    assert add_strength_entries(me, three) == 3
    assert replace_strength_session(me, "s1", three.iloc[:2]) == 2
    assert len(strength_entries(me)) == 2
