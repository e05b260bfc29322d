"""Strength entries from activities: real Garmin FIT set messages and Strava export rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from legday.io import read_path
from legday.model import SET_COLUMNS, Activity, Sport, make_frame
from legday.schema import ENTRY_COLUMNS
from legday.strength.log import (
    entries_from_activities,
    entries_from_activity,
    sessions,
)
from tests.conftest import require_realdata

STRENGTH_FITS = ["20474406937", "20555050352", "20744294788", "20748058539"]
EXPORT = "stravaexport__slalom007"


def _activities(path: Path) -> list[Activity]:
    return [r for r in read_path(path) if isinstance(r, Activity)]


def _fit(number: str) -> list[Activity]:
    return _activities(require_realdata() / "fit" / f"fitanalyzer__{number}_ACTIVITY.fit")


@pytest.mark.corpus
@pytest.mark.parametrize("number", STRENGTH_FITS)
def test_real_fit_strength_sets_become_entries(number):
    activities = _fit(number)
    strength = [a for a in activities if a.sport == Sport.STRENGTH]
    entries = entries_from_activities(activities)
    assert {c: str(t) for c, t in entries.dtypes.items()} == ENTRY_COLUMNS
    n_active = sum(int((a.sets["set_type"] == "active").sum()) for a in strength)
    assert entries["sets"].sum() == n_active  # every active set counted once, no rest set
    assert set(entries["source"]) == {"fit"}
    assert entries["session"].nunique() == len(strength)
    active_s = sum(a.sets.loc[a.sets["set_type"] == "active", "duration_s"].sum()
                   for a in strength)
    assert entries["duration_min"].sum() == pytest.approx(active_s / 60)


@pytest.mark.corpus
def test_fit_20474406937_entries_and_session():
    (activity,) = _fit("20474406937")
    entries = entries_from_activity(activity)
    assert entries["sets"].sum() == 38
    # 2025-09-23 10:08 UTC at +3 h local offset
    assert (entries["date"] == pd.Timestamp("2025-09-23")).all()
    assert entries["start_utc"].iloc[0] == pd.Timestamp("2025-09-23T10:08:29Z")
    names = set(entries["exercise"])
    assert {"Sit-up", "Bent-over row", "Lat pulldown", "unknown"} <= names
    pulldown = entries[entries["exercise"] == "Lat pulldown"].iloc[0]
    assert pulldown["notes"] == "garmin pull_up/lat_pulldown"
    assert (pulldown["reps"], pulldown["weight_kg"]) == (8, 14)
    unknown_sets = int((activity.sets["category"].fillna("unknown") == "unknown").sum()
                       - (activity.sets["set_type"] == "rest").sum())
    assert entries.loc[entries["exercise"] == "unknown", "sets"].sum() == unknown_sets
    (session,) = sessions(entries).to_dict("records")
    assert session["n_sets"] == 38 and session["unmapped"] == (entries["exercise"] ==
                                                               "unknown").sum()
    assert session["has_single_leg"]  # a lunge set


@pytest.mark.corpus
def test_multisport_file_gives_two_strength_sessions_and_no_run_entries():
    activities = _fit("20555050352")
    assert [a.sport for a in activities] == [Sport.STRENGTH, Sport.RUN, Sport.STRENGTH]
    assert len(entries_from_activity(activities[1])) == 0
    entries = entries_from_activities(activities)
    assert entries["session"].nunique() == 2
    assert entries["sets"].sum() == 20


def _set_activity(rows: list[tuple[str, str | None, float, float]]) -> Activity:
    t0 = pd.Timestamp("2025-01-05T23:30:00Z")
    starts, types, cats, reps, weights, durations = [], [], [], [], [], []
    for i, (set_type, category, rep, weight) in enumerate(rows):
        starts.append(t0 + pd.Timedelta(seconds=60 * i))
        types.append(set_type)
        cats.append(category)
        reps.append(rep)
        weights.append(weight)
        durations.append(30.0)
    sets = make_frame(SET_COLUMNS, {"start": starts, "duration_s": durations, "set_type": types,
                                    "category": cats, "exercise": [None] * len(rows),
                                    "reps": reps, "weight_kg": weights})
    return Activity(id="abc", source="x.fit", format="fit", sport=Sport.STRENGTH,
                    start_utc=t0, utc_offset_s=3600, sets=sets)


def test_consecutive_active_sets_of_one_exercise_and_weight_merge():
    activity = _set_activity([
        ("active", "squat", 5, 100), ("rest", None, float("nan"), float("nan")),
        ("active", "squat", 7, 100), ("active", "squat", 5, 110),
        ("active", "lunge", 10, 20), ("active", "squat", 5, 110),
    ])
    entries = entries_from_activity(activity)
    assert entries["exercise"].tolist() == ["Back squat", "Back squat", "Lunge", "Back squat"]
    assert entries["sets"].tolist() == [2, 1, 1, 1]
    assert entries["reps"].tolist() == [6, 5, 10, 5]
    assert entries["duration_min"].tolist() == [1.0, 0.5, 0.5, 0.5]
    # 23:30 UTC + 1 h is the next local day
    assert (entries["date"] == pd.Timestamp("2025-01-06")).all()
    assert set(entries["session"]) == {"2025-01-06#fit:abc"}


def test_non_strength_activities_give_no_entries():
    run = Activity(id="r", source="r.fit", format="fit", sport=Sport.RUN,
                   start_utc=pd.Timestamp("2025-01-01T08:00:00Z"), elapsed_s=1800.0)
    assert len(entries_from_activity(run)) == 0
    assert list(entries_from_activity(run).columns) == list(ENTRY_COLUMNS)


def test_strength_without_sets_is_one_session_entry():
    manual = Activity(id="m", source="export", format="strava_csv", sport=Sport.STRENGTH,
                      name="Gym", start_utc=pd.Timestamp("2025-01-01T18:00:00Z"),
                      elapsed_s=None, moving_s=2700.0)
    entries = entries_from_activity(manual)
    assert entries["exercise"].tolist() == [None]
    assert entries["duration_min"].tolist() == [45.0]  # moving time when elapsed is missing
    assert entries["source"].tolist() == ["strava"] and entries["notes"].tolist() == ["Gym"]


def _write_export(folder: Path, rows: list[dict[str, str]], header: list[str]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    (folder / "activities.csv").write_text(buffer.getvalue(), encoding="utf-8")


def test_strava_weight_training_row_without_file_becomes_an_entry(tmp_path):
    header = ["Activity ID", "Activity Date", "Activity Name", "Activity Type", "Elapsed Time",
              "Distance", "Filename", "Moving Time"]
    _write_export(tmp_path, [{"Activity ID": "1", "Activity Date": "Jun 4, 2024, 4:39:40 PM",
                              "Activity Name": "Gym", "Activity Type": "Weight Training",
                              "Elapsed Time": "3000", "Distance": "0", "Filename": "",
                              "Moving Time": "2900"}], header)
    entries = entries_from_activities(_activities(tmp_path))
    assert entries["exercise"].tolist() == [None]
    assert entries["duration_min"].tolist() == [50.0]
    assert entries["source"].tolist() == ["strava"]
    assert entries["date"].tolist() == [pd.Timestamp("2024-06-04")]
    (session,) = sessions(entries).to_dict("records")
    assert session["kind"] == "unknown" and session["duration_min"] == 50.0


def _export_rows(tmp_path: Path, types: tuple[str, ...]) -> list[list[str]]:
    """The real export's rows of these activity types, with their files, as an export of
    their own in ``tmp_path`` (reading all 240 rows would take a minute)."""
    export = require_realdata() / "bulk" / EXPORT
    with (export / "activities.csv").open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [row for row in reader if row[3] in types]
    (tmp_path / "activities").mkdir()
    with (tmp_path / "activities.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    for row in rows:
        if row[12]:
            (tmp_path / row[12]).symlink_to(export / row[12])
    return rows


@pytest.mark.corpus
def test_real_strava_workout_rows_named_squash_are_no_strength_sessions(tmp_path):
    rows = _export_rows(tmp_path, ("Weight Training", "Workout", "Crossfit", "Yoga"))
    assert sorted(row[2] for row in rows) == ["Evening Squash", "Sunday Squash"]
    activities = _activities(tmp_path)
    assert [a.sport for a in activities] == [Sport.OTHER, Sport.OTHER]
    assert [a.sport_original for a in activities] == ["64", "64"]  # the watch: racket sport
    assert entries_from_activities(activities).empty


@pytest.mark.corpus
def test_real_strava_workout_row_named_as_lifting_is_a_strength_session(tmp_path):
    # The same real row and FIT file, renamed "Gym - legs": the name now says lifting.
    rows = _export_rows(tmp_path, ("Workout",))
    text = (tmp_path / "activities.csv").read_text(encoding="utf-8")
    (tmp_path / "activities.csv").write_text(text.replace(rows[0][2], "Gym - legs"),
                                             encoding="utf-8")
    activities = _activities(tmp_path)
    gym = next(a for a in activities if a.name == "Gym - legs")
    assert gym.sport is Sport.STRENGTH
    (entry,) = entries_from_activity(gym).to_dict("records")
    assert entry["exercise"] is None and entry["notes"] == "Gym - legs"
    assert entry["duration_min"] == pytest.approx(float(rows[0][5]) / 60, abs=0.05)
