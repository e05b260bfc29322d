"""Legs today: one tap stores this morning's check-in, the details follow, the chart and
history show the mornings after each kind of day, a CSV imports with row problems by line;
the sample and a coach see it read-only."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from legday.checkins import CheckIn, read_checkins_csv
from legday.store import create_share, load_checkins, open_store, put_checkins
from legday.ui.state import LOCAL_ATHLETE, SAMPLE_ATHLETE, SAMPLES
from tests.pages.conftest import chart_titles, figures

PAGE = "views/checkins.py"
#: Mornings after the sample season's hill run (Tue 11 Aug), its intervals and leg session
#: (Tue 18 Aug) and an easy run (Thu 6 Aug).
CSV = (b"date,legs,soreness,note,muscles\n"
       b"2026-08-12,heavy,6,stairs hurt,quads;calves\n"
       b"2026-08-19,sore,7,,\n"
       b"2026-08-07,fresh,,,\n"
       b"2026-08-20,wobbly,,,\n")


@pytest.fixture()
def own_copy(own_db, tmp_path) -> str:
    """The sample season owned by the local athlete, in a copy this test may write to."""
    path = tmp_path / "own.db"
    shutil.copy(own_db.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


def _stored(url: str, athlete: str = LOCAL_ATHLETE) -> list[CheckIn]:
    store = open_store(url)
    try:
        return load_checkins(store.athlete(athlete))
    finally:
        store.close()


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()  # the sample season's athlete keeps UTC


def test_one_tap_stores_this_mornings_check_in_and_the_details_follow(make_app, own_copy):
    at = make_app(own_copy, PAGE)
    assert not at.exception
    assert at.title[0].value == "Legs today"
    assert at.subheader[0].value == "How do your legs feel this morning?"
    assert [b.label for b in at.button][:4] == ["Fresh", "Normal", "Heavy", "Sore"]
    assert not at.get("plotly_chart")  # nothing to chart before the first morning
    at.button(key="legs_heavy").click().run()
    assert not at.exception
    assert _stored(own_copy) == [CheckIn(_today(), "heavy")]
    assert "Saved: heavy legs on" in at.success[0].value
    assert at.button(key="legs_heavy").proto.type == "primary"
    at.select_slider(key="legs_soreness_1").set_value(6)
    at.multiselect(key="legs_muscles_1").set_value(["calves", "quads"])
    at.text_input(key="legs_note_1").set_value("stairs")
    next(b for b in at.button if b.label == "Save details").click().run()
    assert not at.exception
    assert _stored(own_copy) == [CheckIn(_today(), "heavy", 6, ("quads", "calves"), "stairs")]
    at.button(key="legs_sore").click().run()  # a second tap changes the answer, keeps details
    assert _stored(own_copy) == [CheckIn(_today(), "sore", 6, ("quads", "calves"), "stairs")]
    assert chart_titles(at) == ["How the legs felt the morning after"]
    at.button(key="legs_forget").click().run()
    assert not at.exception
    assert _stored(own_copy) == []
    assert not at.get("plotly_chart")


def test_another_morning_shows_the_day_before_it_judges(make_app, own_copy):
    at = make_app(own_copy, PAGE)
    at.date_input(key="legs_date").set_value(dt.date(2026, 8, 12)).run()
    assert not at.exception
    assert at.subheader[0].value == "How did your legs feel on Wednesday 12 Aug?"
    assert "hill run \\(" in at.caption[0].value
    at.button(key="legs_heavy").click().run()
    assert _stored(own_copy) == [CheckIn(dt.date(2026, 8, 12), "heavy")]
    at.switch_page("views/overview.py").run()
    at.selectbox(key="overview_week").set_value("2026-W33").run()
    assert "Tuesday's hill run: heavy legs on Wednesday" in at.caption[0].value


def test_a_csv_loads_its_good_rows_and_lists_the_bad_ones(make_app, own_copy):
    at = make_app(own_copy, PAGE)
    at.file_uploader(key="legs_csv").set_value(("legs.csv", CSV, "text/csv")).run()
    assert not at.exception
    problems = at.dataframe[-1].value
    assert list(problems["line"]) == [5]
    assert "'wobbly' is none of fresh" in problems["problem"].iloc[0]
    at.button(key="legs_load").click().run()
    assert not at.exception
    assert [c.date.day for c in _stored(own_copy)] == [7, 12, 19]
    assert "3 new, 0 replaced, 0 already stored" in at.success[0].value
    labels = figures(at)[0]["data"][0]["y"]
    assert labels == ["hill run<br>(1 morning)", "interval run<br>(1 morning)",
                      "steady run<br>(1 morning)", "leg session<br>(1 morning)"]


def test_the_sample_season_shows_its_mornings_read_only(make_app, sample_db):
    at = make_app(sample_db, PAGE)
    assert not at.exception
    assert not [b for b in at.button if (b.key or "").startswith("legs_")]
    assert not at.get("file_uploader")
    assert any("sample runner's mornings" in i.value for i in at.info)
    sample = read_checkins_csv(SAMPLES / "checkins.csv").checkins
    assert _stored(sample_db, SAMPLE_ATHLETE) == sample
    assert len(at.dataframe[0].value) == len(sample)
    labels = figures(at)[0]["data"][0]["y"]
    assert labels[0].startswith("hill run<br>(") and labels[-1].startswith("no run or lifting")


def test_a_coach_sees_the_mornings_and_no_way_to_change_them(make_app, sample_db):
    store = open_store(sample_db)
    athlete = store.athlete(SAMPLE_ATHLETE)
    sample = read_checkins_csv(SAMPLES / "checkins.csv").checkins
    put_checkins(athlete, sample)  # as the app stores them with the sample season
    token = create_share(athlete, days=2, label="Coach Kim").token
    store.close()
    at = make_app(sample_db, PAGE, query={"share": token})
    assert not at.exception
    assert at.title[0].value == "Legs the morning after"
    assert chart_titles(at) == ["How the legs felt the morning after"]
    history = at.dataframe[0].value
    assert list(history["morning"]) == sorted((c.date for c in sample), reverse=True)
    aug_19 = history[history["morning"] == dt.date(2026, 8, 19)].iloc[0]
    assert (aug_19["legs"], aug_19["soreness"]) == ("sore", "7/10")
    assert aug_19["the day before"].startswith("interval run (")
    assert "leg session" in aug_19["the day before"]
    assert not at.get("file_uploader") and not at.get("text_input")
    assert not [b for b in at.button if (b.key or "").startswith("legs_")]
