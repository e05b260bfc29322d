"""Activity page, "Correct this run": the athlete changes kinds, merges, splits and undoes on
their own copy of the sample season; a coach's shared view shows the marks and no controls."""

from __future__ import annotations

import pandas as pd
import pytest

from legday.corrections import MARK
from legday.library import load_library
from legday.store import create_share, list_activities, load_efforts, open_store
from legday.store.corrections import load_corrections
from legday.ui.corrections import parse_clock
from legday.ui.state import LOCAL_ATHLETE

PAGE = "views/activity.py"


def _newest_run(url: str) -> int:
    store = open_store(url)
    try:
        runs = list_activities(store.athlete(LOCAL_ATHLETE), sport="run")
        return int(runs.sort_values("start_utc")["activity_id"].iloc[-1])
    finally:
        store.close()


def _stored(url: str, activity_id: int) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    store = open_store(url)
    try:
        me = store.athlete(LOCAL_ATHLETE)
        library = load_library(me)
        mine = library.efforts[library.efforts["activity_id"] == activity_id]
        actions = [c.action for c in load_corrections(me)]
        return actions, mine.reset_index(drop=True), library.season.weeks
    finally:
        store.close()


def _select(at, label: str):
    """The select box labelled ``label`` (its key changes with every correction)."""
    return next(s for s in at.selectbox if s.label == label)


def _split_at(at):
    return next(t for t in at.text_input if t.label.startswith("Split effort"))


def _efforts_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "why" in d.value.columns)


def test_the_athlete_changes_an_effort_kind_and_every_number_follows(make_app, own_copy):
    activity_id = _newest_run(own_copy)
    at = make_app(own_copy, page=PAGE, sample=False, query={"activity": str(activity_id)})
    assert not at.exception
    assert "Correct this run" in [h.value for h in at.subheader]
    key = f"_{activity_id}"  # the buttons' keys
    _, before, weeks_before = _stored(own_copy, activity_id)
    assert before["kind"].iloc[0] == "steady" and not before["corrected"].any()
    _select(at, "Effort").set_value(0).run()
    _select(at, "Its kind").set_value("hill").run()
    at.button(key="correct_effort_save" + key).click().run()
    assert not at.exception
    actions, after, weeks_after = _stored(own_copy, activity_id)
    assert actions == ["effort_kind"]
    assert after["kind"].iloc[0] == "hill" and after["corrected"].tolist()[0]
    # On the page: the table shows the new kind with the mark, and a note says who changed it.
    table = _efforts_table(at)
    assert table["kind"].iloc[0] == "hill" and MARK in table["why"].iloc[0]
    assert any(m.value.startswith("**Corrected by the athlete**") for m in at.info)
    assert any("Saved: effort" in s.value for s in at.success)
    # The week of the run counts the corrected hill time.
    week = str(weeks_after.index[-1])
    assert weeks_after.loc[week, "hill_s"] > weeks_before.loc[week, "hill_s"]
    assert weeks_after.loc[week, "hill_s"] - weeks_before.loc[week, "hill_s"] == pytest.approx(
        float(after["moving_s"].iloc[0]))
    # Undo: the classifier's efforts again, nothing marked.
    at.button(key=f"correct_undo_{activity_id}").click().run()
    actions, undone, _ = _stored(own_copy, activity_id)
    assert actions == [] and undone["kind"].tolist() == before["kind"].tolist()
    assert not any(m.value.startswith("**Corrected") for m in at.info)


def test_split_then_merge_then_run_kind_from_the_page(make_app, own_copy):
    activity_id = _newest_run(own_copy)
    at = make_app(own_copy, page=PAGE, sample=False, query={"activity": str(activity_id)})
    key = f"_{activity_id}"  # the buttons' keys
    _, before, _ = _stored(own_copy, activity_id)
    n = len(before)
    _select(at, "Effort").set_value(0).run()
    _split_at(at).input("10:00").run()
    at.button(key="correct_split_save" + key).click().run()
    assert not at.exception
    _, split, _ = _stored(own_copy, activity_id)
    assert len(split) == n + 1 and split["corrected"].tolist()[:2] == [True, True]
    origin = split["start"].iloc[0]
    assert (split["end"].iloc[0] - origin).total_seconds() == 600.0
    _select(at, "Merge an effort with the next").set_value(0).run()
    at.button(key="correct_merge_save" + key).click().run()
    _, merged, _ = _stored(own_copy, activity_id)
    assert len(merged) == n and merged["duration_s"].iloc[0] == before["duration_s"].iloc[0]
    _select(at, "Run kind").set_value("hill").run()
    at.button(key="correct_run_kind_save" + key).click().run()
    actions, _, weeks = _stored(own_copy, activity_id)
    assert actions == ["split", "merge", "run_kind"]
    # The card, the picker's label and the headline say what the athlete set.
    assert at.metric[3].value == "hill"
    assert " · hill · " in at.selectbox(key="activity_pick").format_func(activity_id)
    assert any("run kind **hill** (the classifier said steady)" in m.value for m in at.info)
    # A bad time says so and stores nothing.
    _split_at(at).input("soon").run()
    at.button(key="correct_split_save" + key).click().run()
    assert any("Give a time between" in e.value for e in at.error)
    assert _stored(own_copy, activity_id)[0] == actions
    at.button(key=f"correct_reset_{activity_id}").click().run()
    assert _stored(own_copy, activity_id)[0] == []


def test_a_coach_sees_the_marks_and_no_controls(make_app, own_copy):
    activity_id = _newest_run(own_copy)
    at = make_app(own_copy, page=PAGE, sample=False, query={"activity": str(activity_id)})
    key = f"_{activity_id}"  # the buttons' keys
    _select(at, "Its kind").set_value("interval").run()
    at.button(key="correct_effort_save" + key).click().run()
    store = open_store(own_copy)
    link = create_share(store.athlete(LOCAL_ATHLETE), days=5, label="Coach Kim")
    stored = load_efforts(store.athlete(LOCAL_ATHLETE), [activity_id])
    store.close()
    coach = make_app(own_copy, page=PAGE, sample=False,
                     query={"share": link.token, "activity": str(activity_id)})
    assert not coach.exception
    assert "Correct this run" not in [h.value for h in coach.subheader]
    assert not [b for b in coach.button if b.key and b.key.startswith("correct_")]
    assert any(m.value.startswith("**Corrected by the athlete**") for m in coach.info)
    table = _efforts_table(coach)
    assert table["kind"].iloc[0] == "interval" != stored["kind"].iloc[0]
    assert MARK in table["why"].iloc[0]


def test_clock_times_are_read_as_typed():
    assert parse_clock("12:30") == 750.0
    assert parse_clock("1:02:03") == 3723.0
    assert parse_clock(" 95 ") == 95.0
    assert parse_clock("soon") is None and parse_clock("1:2:3:4") is None
