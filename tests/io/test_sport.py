"""Which sessions are strength training: types, names and logged sets (legday.io.sport)."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from legday.io import read_path
from legday.io.sport import has_lifting_sets, normalise_sport, session_sport
from legday.model import SET_COLUMNS, Activity, Sport, make_frame
from tests.conftest import require_realdata


def _strava(activity_type: str, name: str) -> Sport:
    return session_sport(normalise_sport(activity_type), activity_type, name)


@pytest.mark.parametrize(("activity_type", "name"), [
    ("Workout", "Sunday Squash"), ("Workout", "Evening Squash"), ("Workout", "Tennis doubles"),
    ("Workout", "Padel with Ana"), ("Workout", "Bouldering"), ("Workout", "5-a-side football"),
    ("Workout", "Salsa dance class"), ("Workout", "Morning Workout"), ("Yoga", "Morning Yoga"),
    ("Pilates", "Reformer"), ("Weight Training", "Squash"), ("Workout", ""),
])
def test_other_sports_and_unnamed_workouts_are_not_strength(activity_type, name):
    assert _strava(activity_type, name) is Sport.OTHER


@pytest.mark.parametrize(("activity_type", "name"), [
    ("Weight Training", "Morning Weight Training"), ("Weight Training", "Evening Yoga"
                                                     " then weights"),
    ("Workout", "Gym"), ("Workout", "Leg day"), ("Workout", "Squats and deadlifts"),
    ("Workout", "Kettlebell circuit"), ("Workout", "Core and abs"),
    ("Workout", "Box jumps and squats"), ("Crossfit", "WOD"), ("WeightTraining", "Upper"),
])
def test_lifting_by_type_or_by_name_is_strength(activity_type, name):
    assert _strava(activity_type, name) is Sport.STRENGTH


def test_other_sports_keep_their_sport_whatever_the_name():
    assert _strava("Run", "Gym run") is Sport.RUN
    assert _strava("Ride", "Squash club and back") is Sport.RIDE
    # A specific type legday has no name for is no generic workout: "legs" does not lift it.
    assert _strava("RockClimbing", "Legs on the crag") is Sport.OTHER


def _sets(reps: float, weight: float) -> pd.DataFrame:
    return make_frame(SET_COLUMNS, {"start": [pd.Timestamp("2025-01-01T08:00Z")],
                                    "duration_s": [40.0], "set_type": ["active"],
                                    "category": [None], "exercise": [None],
                                    "reps": [reps], "weight_kg": [weight]})


def test_logged_lifting_sets_make_a_generic_session_strength():
    assert has_lifting_sets(_sets(8, 60.0)) and has_lifting_sets(_sets(12, float("nan")))
    assert not has_lifting_sets(_sets(float("nan"), float("nan")))  # a timed pose
    assert session_sport(Sport.OTHER, "training", "generic", has_sets=True) is Sport.STRENGTH
    assert session_sport(Sport.OTHER, "training", "yoga", has_sets=True) is Sport.OTHER


@pytest.mark.corpus
def test_real_export_workouts_are_squash_not_strength():
    export = require_realdata() / "bulk" / "stravaexport__slalom007"
    with (export / "activities.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Activity Type"] == "Workout"]
    assert [r["Activity Name"] for r in rows] == ["Sunday Squash", "Evening Squash"]
    assert [_strava(r["Activity Type"], r["Activity Name"]) for r in rows] == [Sport.OTHER] * 2


@pytest.mark.corpus
def test_a_real_yoga_file_with_a_timed_set_is_not_strength():
    (activity,) = [a for a in read_path(require_realdata() / "fit" / "fitparserjs__failed.fit")
                   if isinstance(a, Activity)]
    assert (activity.sport_original, activity.sub_sport_original) == ("training", "yoga")
    assert len(activity.sets) == 1 and activity.sport is Sport.OTHER


@pytest.mark.corpus
def test_real_garmin_strength_files_stay_strength():
    activities = [a for a in read_path(require_realdata() / "fit"
                                       / "fitanalyzer__20474406937_ACTIVITY.fit")
                  if isinstance(a, Activity)]
    assert [a.sport for a in activities] == [Sport.STRENGTH]
