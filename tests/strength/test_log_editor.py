"""The Strength page's editor rows as entries: sessions keyed by date, kept rows keep their
origin, bad rows are refused with a sentence."""

from __future__ import annotations

import math

import pandas as pd

from legday.strength.log import (
    entries_from_editor,
    legday_session_key,
    make_entries,
    read_legday_csv,
)


def editor(*rows: dict) -> pd.DataFrame:
    base = {"row": math.nan, "date": None, "exercise": None, "matched": None, "sets": math.nan,
            "reps": math.nan, "weight_kg": math.nan, "rpe": math.nan,
            "duration_min": math.nan, "notes": None}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_session_keys_match_the_ones_legdays_csv_writes():
    read = read_legday_csv(b"date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\n"
                           b"2024-05-02,Back squat,3,5,80,,,\n2024-05-02,,,,,,45,yoga\n")
    assert read.entries["session"].tolist() == [legday_session_key(pd.Timestamp("2024-05-02")),
                                                legday_session_key(pd.Timestamp("2024-05-02"), 1)]
    assert legday_session_key(pd.Timestamp("2024-05-02 18:30")) == "2024-05-02#legday"


def test_a_new_session_is_stored_under_its_date_and_empty_rows_are_dropped():
    rows = editor({"date": "2025-03-03", "exercise": "Back squat", "sets": 5, "reps": 5,
                   "weight_kg": 100.0}, {"notes": ""},
                  {"date": "2025-03-03", "exercise": "Lunge", "sets": 3, "reps": 10,
                   "notes": "[warm-up] easy"})
    entries = entries_from_editor(rows, make_entries([]), None)
    assert isinstance(entries, pd.DataFrame)
    assert entries["session"].tolist() == ["2025-03-03#legday"] * 2
    assert entries["exercise"].tolist() == ["Back squat", "Lunge"]
    assert entries["is_warmup"].tolist() == [False, True]
    assert entries["source"].tolist() == ["legday_csv"] * 2


def test_an_edited_row_keeps_its_origin_and_bad_rows_say_why():
    existing = make_entries([{"date": pd.Timestamp("2025-03-03"), "session": "fit-1",
                              "exercise": "Squat", "sets": 1.0, "reps": 8.0,
                              "weight_kg": 60.0, "is_warmup": True, "source": "fit",
                              "line": None, "start_utc": pd.Timestamp("2025-03-03T07:00Z")}])
    rows = editor({"row": 0, "date": "2025-03-03", "exercise": "Squat", "sets": 2, "reps": 8})
    entries = entries_from_editor(rows, existing, "fit-1")
    assert isinstance(entries, pd.DataFrame)
    assert (entries["session"].iloc[0], entries["source"].iloc[0]) == ("fit-1", "fit")
    assert bool(entries["is_warmup"].iloc[0]) and entries["sets"].iloc[0] == 2.0
    assert entries_from_editor(editor({"exercise": "Squat", "sets": 1}), existing,
                               None) == "Every row needs a date."
    assert "give its minutes" in entries_from_editor(editor({"date": "2025-03-03", "sets": 1}),
                                                     existing, None)
