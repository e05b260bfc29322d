"""Reading and writing strength logs: legday's CSV, Strong and Hevy exports."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd
import pytest

from legday.errors import LegdayError, StrengthImportError
from legday.schema import ENTRY_COLUMNS
from legday.strength.log import (
    LB_TO_KG,
    LEGDAY_COLUMNS,
    RowProblem,
    file_rows,
    parse_duration_min,
    read_hevy_csv,
    read_legday_csv,
    read_strength_csv,
    read_strong_csv,
    sessions,
    write_legday_csv,
)

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE_LOG = Path(__file__).resolve().parents[2] / "data" / "samples" / "strength_log.csv"


def _lines(problems: list[RowProblem]) -> list[int]:
    return [p.line for p in problems]


def _reason(problems: list[RowProblem], line: int) -> str:
    return next(p.reason for p in problems if p.line == line)


def _sets(entries: pd.DataFrame) -> pd.DataFrame:
    return entries[entries["exercise"].notna()].reset_index(drop=True)


def _assert_canonical(entries: pd.DataFrame) -> None:
    assert list(entries.columns) == list(ENTRY_COLUMNS)
    assert {c: str(t) for c, t in entries.dtypes.items()} == ENTRY_COLUMNS


# --- legday format ---------------------------------------------------------


BAD_ROWS = {
    "legday_bad.csv": {3: "weight_kg -70 is negative", 4: "sets 'three' is not a number",
                       5: "not an ISO date", 6: "rpe 0 is outside 1-10",
                       8: "needs duration_min", 11: "more fields"},
    "strong.csv": {7: "reps 'abc' is not a number", 8: "RPE 12 is outside 1-10",
                   10: "weight -20 is negative", 13: "no exercise name", 15: "'yesterday'"},
    "strong_semicolon.csv": {5: "weight unit 'stone'"},
    "hevy.csv": {8: "rpe 11 is outside 1-10", 9: "reps 'ten'", 10: "no exercise_title",
                 11: "Mar 7 2024 at 7pm", 13: "set_type 'superset'"},
    "hevy_lbs.csv": {},
}
GOOD_SET_LINES = {
    "legday_bad.csv": [2, 10, 12],
    "strong.csv": [2, 3, 4, 6, 9, 11, 12, 14],  # the rest timer row 5 is a rest, not a set
    "strong_semicolon.csv": [2, 3, 4, 6],
    "hevy.csv": [2, 3, 4, 5, 6, 7, 12],
    "hevy_lbs.csv": [2, 3, 4],
}


@pytest.mark.parametrize("fixture", sorted(BAD_ROWS))
def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_load(fixture):
    result = read_strength_csv(FIXTURES / fixture)
    assert result.format == fixture.split("_")[0].split(".")[0]
    assert _lines(result.problems) == sorted(BAD_ROWS[fixture])
    for line, reason in BAD_ROWS[fixture].items():
        assert reason in _reason(result.problems, line)
    _assert_canonical(result.entries)
    assert _sets(result.entries)["line"].tolist() == GOOD_SET_LINES[fixture]


def test_legday_rows_in_order():
    entries = read_legday_csv(FIXTURES / "legday_bad.csv").entries
    assert entries["line"].tolist() == [2.0, 9.0, 10.0, 12.0]
    assert entries["exercise"].tolist() == ["Back squat", None, "Hip thrust", "Step-up"]


def test_legday_rows_keep_values_blanks_and_warmups():
    entries = read_legday_csv(FIXTURES / "legday_bad.csv").entries
    squat, yoga, thrust, step = (entries.iloc[i] for i in range(4))
    assert squat["date"] == pd.Timestamp("2024-05-01")
    assert (squat["sets"], squat["reps"], squat["weight_kg"], squat["rpe"]) == (3, 5, 100, 8)
    assert math.isnan(squat["duration_min"]) and pd.isna(squat["start_utc"])
    assert yoga["duration_min"] == 60 and yoga["notes"] == "yoga class"
    assert yoga["session"] == "2024-05-02#legday-1"
    assert thrust["session"] == "2024-05-02#legday"
    assert bool(thrust["is_warmup"]) and not bool(squat["is_warmup"])
    assert step["weight_kg"] == 12 and pd.isna(step["notes"])  # short row read as blanks
    assert set(entries["source"]) == {"legday_csv"}


def test_a_file_of_only_bad_rows_loads_an_empty_frame():
    text = "date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\nnope,Squat,1,1,1,1,,\n"
    result = read_legday_csv(text.encode())
    assert len(result.entries) == 0 and _lines(result.problems) == [2]
    _assert_canonical(result.entries)


def test_several_reasons_of_one_row_are_all_given():
    text = "date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\n2024-01-01,Squat,-1,x,,11,,\n"
    reason = read_legday_csv(text.encode()).problems[0].reason
    assert "sets -1 is negative" in reason and "reps 'x'" in reason and "rpe 11" in reason


def test_multiline_notes_keep_the_line_where_the_row_starts():
    text = ("date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\n"
            '2024-01-01,Squat,3,5,100,8,,"two\nlines"\n'
            "2024-01-01,Squat,3,5,100,99,,\n")
    result = read_legday_csv(text.encode())
    assert result.entries["notes"].tolist() == ["two\nlines"]
    assert _lines(result.problems) == [4]


def test_wrong_header_raises_naming_the_expected_columns():
    with pytest.raises(StrengthImportError, match="date,exercise,sets,reps,weight_kg,rpe"):
        read_strength_csv(b"when,what\n2024-01-01,squat\n", name="mine.csv")
    with pytest.raises(StrengthImportError, match=r"^log\.csv: missing columns rpe"):
        read_legday_csv(b"date,exercise,sets,reps,weight_kg,duration_min,notes\n", name="log.csv")
    with pytest.raises(LegdayError, match="empty"):
        read_strength_csv(b"\n\n", name="empty.csv")
    with pytest.raises(StrengthImportError, match="cannot be opened"):
        read_strength_csv(FIXTURES / "no_such_file.csv")


def test_sample_season_log_reads_cleanly():
    result = read_strength_csv(SAMPLE_LOG)
    assert result.format == "legday" and result.problems == []
    assert len(result.entries) == sum(1 for _ in SAMPLE_LOG.open()) - 1


# --- writer ----------------------------------------------------------------


def test_write_gives_exactly_the_legday_columns():
    out = io.StringIO()
    write_legday_csv(read_legday_csv(FIXTURES / "legday_bad.csv").entries, out)
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(LEGDAY_COLUMNS)
    assert lines[1] == "2024-05-01,Back squat,3,5,100,8,,"
    assert lines[3] == "2024-05-02,Hip thrust,3,10,80,7,,[warm-up] ramp"


@pytest.mark.parametrize("fixture", ["legday_bad.csv", "strong.csv", "strong_semicolon.csv",
                                     "hevy.csv", "hevy_lbs.csv"])
def test_round_trip_write_then_read_gives_the_same_entries(fixture, tmp_path):
    original = read_strength_csv(FIXTURES / fixture).entries
    target = tmp_path / "log.csv"
    write_legday_csv(original, target)
    again = read_legday_csv(target)
    assert again.problems == []
    compared = [*LEGDAY_COLUMNS, "is_warmup"]
    pd.testing.assert_frame_equal(again.entries[compared], original[compared])
    if fixture.startswith("legday"):
        same = [c for c in ENTRY_COLUMNS if c != "line"]
        pd.testing.assert_frame_equal(again.entries[same], original[same])


# --- Strong ----------------------------------------------------------------


def test_strong_export_rows_become_set_entries_and_a_session_row():
    entries = read_strong_csv(FIXTURES / "strong.csv").entries
    sets = _sets(entries)
    assert (sets["sets"] == 1).all() and set(entries["source"]) == {"strong"}
    assert sets["is_warmup"].tolist() == [True] + [False] * 7
    assert sets.loc[0, "notes"] == "[warm-up]" and sets.loc[6, "notes"] == "[failure]"
    assert sets.loc[2, "rpe"] == 8.5 and sets.loc[4, "duration_min"] == 1.0
    assert sets.loc[3, "notes"] == "left then right"


def test_strong_workouts_get_one_session_row_with_duration_and_name():
    entries = read_strong_csv(FIXTURES / "strong.csv").entries
    whole = entries[entries["exercise"].isna()]
    assert whole["duration_min"].tolist() == [65.0, 45.0]
    assert whole["notes"].tolist() == ["Leg day: felt strong", "Push"]
    assert whole["session"].tolist() == ["2024-03-05#strong 18:02:11", "2024-03-07#strong 07:30:00"]
    assert whole["date"].tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-07")]
    assert entries["start_utc"].isna().all()  # the app writes local time only


def test_strong_semicolon_export_converts_pounds_and_decimal_commas():
    sets = _sets(read_strong_csv(FIXTURES / "strong_semicolon.csv").entries)
    assert sets["weight_kg"].iloc[0] == pytest.approx(225 * LB_TO_KG)
    assert sets["weight_kg"].iloc[2] == 62.5
    assert math.isnan(sets["weight_kg"].iloc[3]) and sets["notes"].iloc[3] == "bodyweight"
    assert sets["rpe"].iloc[1] == 9


def test_strong_unit_in_column_name():
    text = ("Date,Workout Name,Exercise Name,Set Order,Weight (lbs),Reps\n"
            "2024-01-02 10:00:00,A,Squat (Barbell),1,100,5\n")
    entries = read_strong_csv(text.encode()).entries
    assert entries["weight_kg"].tolist() == [pytest.approx(100 * LB_TO_KG)]
    assert entries["exercise"].tolist() == ["Squat (Barbell)"]  # no duration: no session row


@pytest.mark.parametrize(("text", "minutes"), [
    ("1h 5m", 65.0), ("45m", 45.0), ("1h", 60.0), ("30s", 0.5), ("1:05:00", 65.0),
    ("3900", 65.0), ("2 hours 3 minutes", 123.0),
])
def test_workout_durations(text, minutes):
    assert parse_duration_min(text) == pytest.approx(minutes)


# --- Hevy ------------------------------------------------------------------


def test_hevy_export_rows_become_set_entries():
    entries = read_hevy_csv(FIXTURES / "hevy.csv").entries
    sets = _sets(entries)
    assert sets["is_warmup"].tolist() == [True] + [False] * 6
    assert sets["notes"].tolist()[:5] == ["[warm-up]", None, "[failure]", "DB in each hand",
                                          "[dropset]"]
    plank = sets.iloc[5]
    assert plank["duration_min"] == 0.5 and math.isnan(plank["reps"])
    assert math.isnan(plank["weight_kg"])
    whole = entries[entries["exercise"].isna()]
    assert whole["duration_min"].tolist() == [65.0, 60.0]
    assert whole["notes"].tolist() == ["Lower A: hills tomorrow", "Upper B"]
    assert whole["session"].tolist() == ["2024-03-05#hevy 18:02:00", "2024-03-07#hevy 19:00:00"]


def test_hevy_pounds_and_iso_times():
    entries = read_hevy_csv(FIXTURES / "hevy_lbs.csv").entries
    sets = _sets(entries)
    assert sets["weight_kg"].iloc[0] == pytest.approx(135 * LB_TO_KG)
    assert sets["duration_min"].iloc[2] == 10.0
    assert entries.loc[entries["exercise"].isna(), "duration_min"].tolist() == [55.5]
    assert (entries["date"] == pd.Timestamp("2024-04-02")).all()


def test_an_offset_in_the_time_gives_start_utc():
    text = ("title,start_time,end_time,exercise_title,set_type,weight_kg,reps\n"
            "A,2024-04-02T17:45:00+02:00,,Squat (Barbell),normal,100,5\n")
    entries = read_hevy_csv(text.encode()).entries
    assert entries["start_utc"].tolist() == [pd.Timestamp("2024-04-02T15:45:00Z")]
    assert entries["date"].tolist() == [pd.Timestamp("2024-04-02")]


def test_binary_file_object_and_string_path_sources():
    payload = (FIXTURES / "hevy_lbs.csv").read_bytes()
    from_buffer = read_strength_csv(io.BytesIO(payload), name="upload.csv")
    from_path = read_strength_csv(str(FIXTURES / "hevy_lbs.csv"))
    pd.testing.assert_frame_equal(from_buffer.entries, from_path.entries)
    with pytest.raises(StrengthImportError, match=r"^activity\.fit: "):
        read_strength_csv(b"\x0e\x10\x00\x00.FIT\x00\x01,\x00\n\x00", name="activity.fit")


def test_every_strong_row_is_a_set_even_when_identical():
    # Three sets of squat 90 kg x 5: three rows, three entries, three times the tonnage.
    read = read_strong_csv(FIXTURES / "strong_repeated_sets.csv")
    assert read.problems == [] and read.rows == 20
    assert int(file_rows(read.entries).sum()) == 20  # plus one duration row per workout
    assert len(read.entries) == 22
    squats = read.entries[(read.entries["exercise"] == "Squat (Barbell)")
                          & ~read.entries["is_warmup"]]
    assert squats[["sets", "reps", "weight_kg"]].values.tolist() == [[1, 5, 90]] * 3
    assert squats["line"].tolist() == [3, 4, 5]
    legs = sessions(read.entries).iloc[0]
    assert legs["n_sets"] == 10  # the warm-up is not a working set
    assert legs["lower_tonnage_kg"] == 3 * 90 * 5 + 3 * 70 * 8 + 2 * 16 * 8 + 2 * 40 * 15
