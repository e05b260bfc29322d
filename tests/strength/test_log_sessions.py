"""Annotating entries with the catalogue, sessions and their kinds, sets per muscle group."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from legday.errors import DataError
from legday.strength.catalogue import load_catalogue, read_catalogue
from legday.strength.log import (
    FULL_BODY_SHARE,
    SESSION_COLUMNS,
    annotate,
    make_entries,
    session_kind,
    sessions,
    sets_per_muscle,
    unmapped,
)


def _entry(session: str, exercise: str | None, sets: float = 3, reps: float = 10,
           weight_kg: float = 20, **extra) -> dict:
    day = pd.Timestamp(session.split("#")[0])
    return {"date": day, "session": session, "exercise": exercise, "sets": sets, "reps": reps,
            "weight_kg": weight_kg, "source": "legday_csv"} | extra


def _one(entries: list[dict]) -> dict:
    (row,) = sessions(make_entries(entries)).to_dict("records")
    return row


def test_annotate_adds_catalogue_facts_and_keeps_unmatched_rows():
    entries = make_entries([_entry("2024-01-01#a", "DB Romanian Deadlift"),
                            _entry("2024-01-01#a", "Zorb juggling"),
                            _entry("2024-01-01#a", None, duration_min=30)])
    ann = annotate(entries)
    assert len(ann) == 3 and "matched" not in entries.columns  # input untouched
    assert ann["matched"].tolist() == ["Romanian deadlift", None, None]
    assert ann["pattern"].tolist() == ["hinge", None, None]
    assert ann["region"].tolist() == ["lower", None, None]
    assert ann["single_leg"].tolist() == [False, False, False]
    assert ann["primary_muscles"].iloc[0] == ("hamstrings", "glutes")
    assert ann["secondary_muscles"].iloc[1] is None


def test_unmapped_lists_names_with_counts():
    entries = make_entries([_entry("2024-01-01#a", "Zorb juggling"),
                            _entry("2024-01-02#a", "Zorb juggling"),
                            _entry("2024-01-02#a", "Sword swallowing"),
                            _entry("2024-01-02#a", "Back squat"),
                            _entry("2024-01-02#a", None, duration_min=10)])
    table = unmapped(entries)
    assert table.to_dict("list") == {"exercise": ["Zorb juggling", "Sword swallowing"],
                                     "count": [2, 1]}


def test_lower_session_counts_sets_tonnage_and_flags():
    row = _one([
        _entry("2024-01-01#a", "Back squat", sets=3, reps=5, weight_kg=100, rpe=8),
        _entry("2024-01-01#a", "Bulgarian split squat", sets=3, reps=8, weight_kg=20, rpe=9),
        _entry("2024-01-01#a", "Leg curl", sets=2, reps=12, weight_kg=30),
        _entry("2024-01-01#a", "Back squat", sets=2, reps=5, weight_kg=60, is_warmup=True,
               rpe=10),
        _entry("2024-01-01#a", "Plank", sets=1, reps=1, weight_kg=0),
    ])
    assert row["kind"] == "lower"
    assert (row["lower_sets"], row["upper_sets"], row["core_sets"]) == (8, 0, 1)
    assert row["n_sets"] == 9 and row["n_entries"] == 5  # warm-up listed, not counted as sets
    assert row["lower_tonnage_kg"] == 3 * 5 * 100 + 3 * 8 * 20 + 2 * 12 * 30
    assert row["rpe"] == 9  # the warm-up's RPE 10 does not count
    assert row["has_single_leg"] and row["has_compound_lower"] and row["has_isolation_lower"]
    assert row["unmapped"] == 0 and math.isnan(row["duration_min"])


def test_full_body_needs_a_quarter_of_sets_in_both_halves():
    full = _one([_entry("2024-01-01#a", "Back squat", sets=3),
                 _entry("2024-01-01#a", "Bench press", sets=3),
                 _entry("2024-01-01#a", "Plank", sets=4)])
    assert full["kind"] == "full_body"
    upper = _one([_entry("2024-01-02#a", "Back squat", sets=2),
                  _entry("2024-01-02#a", "Bench press", sets=6),
                  _entry("2024-01-02#a", "Pull-up", sets=3)])
    assert upper["kind"] == "upper" and not upper["has_single_leg"]
    assert upper["has_compound_lower"] and not upper["has_isolation_lower"]


@pytest.mark.parametrize(("lower", "upper", "core", "kind"), [
    (0, 0, 0, "unknown"), (5, 0, 0, "lower"), (1, 0, 5, "core"), (3, 3, 0, "full_body"),
    (6, 2, 0, "full_body"), (7, 2, 0, "lower"), (2, 2, 2, "full_body"), (1, 1, 6, "core"),
    (2, 2, 0, "full_body"), (1, 0, 1, "lower"),
])
def test_session_kind_rule(lower, upper, core, kind):
    assert FULL_BODY_SHARE == 0.25
    assert session_kind(lower, upper, core) == kind


def test_a_set_counts_whole_towards_its_main_movers_region():
    # Burpee and thruster: quadriceps first, lower-body sets; farmer's carry: trapezius first.
    row = _one([_entry("2024-01-01#a", "Burpee", sets=4, weight_kg=0),
                _entry("2024-01-01#a", "Thruster", sets=3, reps=8, weight_kg=40),
                _entry("2024-01-01#a", "Farmer's carry", sets=2)])
    assert (row["lower_sets"], row["upper_sets"], row["core_sets"]) == (7, 2, 0)
    assert row["lower_sets"] + row["upper_sets"] + row["core_sets"] == row["n_sets"]
    assert row["lower_tonnage_kg"] == 3 * 8 * 40
    assert row["kind"] == "lower" and row["has_compound_lower"]


def test_region_and_main_mover_agree_for_every_catalogue_exercise():
    for exercise in load_catalogue().exercises:
        if exercise.region != "full":
            assert exercise.set_region == exercise.region, exercise.name


def test_a_catalogue_row_whose_main_mover_is_in_another_region_is_refused():
    text = ("name,aliases,pattern,region,single_leg,primary_muscles,secondary_muscles,"
            "garmin_categories\nLeg raise,,core,core,false,hip_flexors;abdominals,,\n")
    with pytest.raises(DataError, match="main mover hip_flexors .* is lower, not core"):
        read_catalogue(text)


def test_session_row_gives_duration_and_unknown_kind():
    row = _one([_entry("2024-01-01#y", None, sets=math.nan, reps=math.nan,
                       weight_kg=math.nan, duration_min=60, rpe=4)])
    assert row["kind"] == "unknown" and row["duration_min"] == 60
    assert row["n_entries"] == 0 and row["n_sets"] == 0 and row["rpe"] == 4


def test_session_duration_prefers_the_whole_session_row():
    row = _one([_entry("2024-01-01#a", None, duration_min=65),
                _entry("2024-01-01#a", "Plank", duration_min=1),
                _entry("2024-01-01#a", "Back squat")])
    assert row["duration_min"] == 65
    summed = _one([_entry("2024-01-01#b", "Plank", duration_min=1.5),
                   _entry("2024-01-01#b", "Back squat", duration_min=4)])
    assert summed["duration_min"] == 5.5


def test_unmapped_entries_are_counted_but_give_no_region():
    row = _one([_entry("2024-01-01#a", "Zorb juggling", sets=5),
                _entry("2024-01-01#a", "Bench press", sets=1)])
    assert row["unmapped"] == 1 and row["n_sets"] == 6 and row["kind"] == "upper"


def test_sessions_are_one_row_each_with_documented_columns_in_date_order():
    frame = sessions(make_entries([_entry("2024-01-03#a", "Back squat"),
                                   _entry("2024-01-01#b", "Bench press"),
                                   _entry("2024-01-03#a", "Plank")]))
    assert list(frame.columns) == list(SESSION_COLUMNS)
    assert {c: str(t) for c, t in frame.dtypes.items()} == SESSION_COLUMNS
    assert frame["session"].tolist() == ["2024-01-01#b", "2024-01-03#a"]
    assert frame["n_entries"].tolist() == [1, 2]
    empty = sessions(make_entries([]))
    assert len(empty) == 0 and list(empty.columns) == list(SESSION_COLUMNS)


def test_sets_per_muscle_counts_primary_whole_and_secondary_half():
    entries = make_entries([
        _entry("2024-01-01#a", "Romanian deadlift", sets=3),  # hamstrings, glutes | lower_back..
        _entry("2024-01-01#a", "Hip thrust", sets=2),  # glutes | hamstrings, quads, adductors
        _entry("2024-01-01#a", "Romanian deadlift", sets=2, is_warmup=True),
        _entry("2024-01-01#a", "Zorb juggling", sets=9),
        _entry("2024-01-02#b", "Seated calf raise", sets=4, notes=None),
    ])
    table = sets_per_muscle(entries)
    assert list(table.columns) == ["session", "date", "muscle", "sets"]
    got = {(r["session"], r["muscle"]): r["sets"] for r in table.to_dict("records")}
    assert got[("2024-01-01#a", "hamstrings")] == 3 + 2 * 0.5
    assert got[("2024-01-01#a", "glutes")] == 3 + 2
    assert got[("2024-01-01#a", "lower_back")] == 1.5
    assert got[("2024-01-01#a", "quadriceps")] == 1.0
    assert got[("2024-01-02#b", "soleus")] == 4 and got[("2024-01-02#b", "gastrocnemius")] == 2
    assert ("2024-01-01#a", "biceps") not in got
    assert len(table) == len(got)
