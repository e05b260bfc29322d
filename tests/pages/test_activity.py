"""Activity page: one run on the sample season, through ?activity=, in a shared view, and on
an empty library."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from legday.charts.activity import default_profile_axis
from legday.efforts import headline
from legday.library import load_library
from legday.model import haversine_m
from legday.store import (
    create_share,
    import_paths,
    list_activities,
    load_activity,
    load_efforts,
    open_store,
    put_settings,
)
from legday.store.privacy import DEFAULT_TRIM_M, TRIM_SPREAD
from legday.ui.state import LOCAL_ATHLETE, SAMPLE_ATHLETE
from tests.pages.conftest import chart_titles, figures, values

PAGE = "views/activity.py"
MAP = "Route by effort kind"
PROFILE = "Pace, grade-adjusted pace, elevation and heart rate"


def _listing(url: str) -> pd.DataFrame:
    store = open_store(url)
    try:
        return list_activities(store.athlete(SAMPLE_ATHLETE))
    finally:
        store.close()


def _first_with_laps(url: str) -> tuple[int, int]:
    """A run of the sample season with watch laps: (activity id, number of laps)."""
    store = open_store(url)
    try:
        ctx = store.athlete(SAMPLE_ATHLETE)
        for activity_id in list_activities(ctx, sport="run")["activity_id"]:
            laps = load_activity(ctx, int(activity_id)).laps
            if len(laps):
                return int(activity_id), len(laps)
    finally:
        store.close()
    raise AssertionError("the sample season has runs with laps")


def test_the_newest_run_opens_with_map_profile_and_its_stored_efforts(make_app, sample_db):
    at = make_app(sample_db, page=PAGE)
    assert not at.exception
    listing = _listing(sample_db)
    newest = int(listing.sort_values("start_utc")["activity_id"].iloc[-1])
    picker = at.selectbox(key="activity_pick")
    assert int(picker.value) == newest
    labels = list(picker.options)  # as shown, formatted
    assert labels[0].startswith("2026-11-08 · Morning Run · steady · 9.72 km")
    assert labels == sorted(labels, reverse=True)  # newest first (dates lead the labels)
    assert chart_titles(at) == [MAP, PROFILE]
    table = at.dataframe[0].value
    store = open_store(sample_db)
    stored = load_efforts(store.athlete(SAMPLE_ATHLETE), [newest])
    store.close()
    assert list(table["kind"]) == list(stored["kind"])
    assert list(table["why"]) == list(stored["why"])
    assert all(isinstance(w, str) and w for w in table["why"])
    assert at.query_params["activity"] == str(newest)
    # One line says what the run was, and how much a steady run climbed.
    assert f"**{headline('steady', stored)}**" in [m.value for m in at.markdown]


def test_a_run_named_in_the_url_shows_its_efforts_shaded_and_its_laps(make_app, sample_db):
    activity_id, laps = _first_with_laps(sample_db)
    at = make_app(sample_db, page=PAGE, query={"activity": str(activity_id)})
    assert not at.exception
    assert int(at.selectbox(key="activity_pick").value) == activity_id
    table = at.dataframe[0].value
    store = open_store(sample_db)
    stored = load_efforts(store.athlete(SAMPLE_ATHLETE), [activity_id])
    store.close()
    assert len(table) == len(stored) > 1
    assert list(table["why"]) == list(stored["why"])
    shaded = {s["fillcolor"] for s in figures(at)[1]["layout"].get("shapes", [])}
    assert shaded  # hill, interval, sprint or recovery efforts are bands on the profile
    assert len(at.dataframe[1].value) == laps
    # A workout opens on the clock, so its rests keep their length; distance on request.
    assert default_profile_axis(stored) == "time"
    assert figures(at)[1]["layout"]["xaxis3"]["title"]["text"].startswith("elapsed time (min")
    at.radio(key="profile_x").set_value("distance").run()
    assert not at.exception
    axes = figures(at)[1]["layout"]
    bottom = max((k for k in axes if k.startswith("xaxis")), key=lambda k: k[5:] or "1")
    assert axes[bottom]["title"]["text"] == "distance (km)"
    # Another run opens on its own default, and the workout again on the clock.
    newest = int(_listing(sample_db).sort_values("start_utc")["activity_id"].iloc[-1])
    at.selectbox(key="activity_pick").set_value(newest).run()
    at.selectbox(key="activity_pick").set_value(activity_id).run()
    assert not at.exception
    assert at.radio(key="profile_x").value == "time"
    # The table shows blank cells, never None or nan, and a pace only where it ran.
    assert not table.isin(["None", "nan", "-"]).any().any()


def test_a_link_with_markdown_for_an_activity_shows_it_as_typed(make_app, sample_db):
    # Sent to the athlete as a link, Markdown here would make their browser fetch the image.
    hostile = "![pixel](https://tracker.example/pixel.png)"
    at = make_app(sample_db, page=PAGE, query={"activity": hostile})
    assert not at.exception
    (warning,) = at.warning
    assert "not in this library" in warning.value
    assert "tracker.example" not in warning.value and "![" not in warning.value
    assert re.sub(r"\\(.)", r"\1", warning.value).startswith(f"Activity {hostile} is not")


def test_a_strength_activity_is_said_not_to_be_classified(make_app, sample_db):
    listing = _listing(sample_db)
    strength = int(listing[listing["sport"] == "strength"]["activity_id"].iloc[0])
    at = make_app(sample_db, page=PAGE, query={"activity": str(strength)})
    assert not at.exception
    assert any("not classified" in i.value for i in at.info)
    assert not at.get("plotly_chart")
    assert not at.dataframe


def test_an_unknown_activity_in_the_url_falls_back_to_the_newest(make_app, sample_db):
    at = make_app(sample_db, page=PAGE, query={"activity": "999999"})
    assert not at.exception
    assert "not in this library" in at.warning[0].value
    assert chart_titles(at) == [MAP, PROFILE]


def test_a_shared_view_shows_nothing_near_the_start(make_app, sample_db):
    store = open_store(sample_db)
    owner = store.athlete(SAMPLE_ATHLETE)
    link = create_share(owner, days=5, label="Coach Kim")
    newest = int(list_activities(owner).sort_values("start_utc")["activity_id"].iloc[-1])
    full = load_activity(owner, newest).samples.dropna(subset=["lat", "lon"])
    store.close()
    start_lat, start_lon = float(full["lat"].iloc[0]), float(full["lon"].iloc[0])
    at = make_app(sample_db, page=PAGE, query={"share": link.token})
    assert not at.exception
    assert int(at.selectbox(key="activity_pick").value) == newest
    assert any("not shown" in c.value for c in at.caption)
    track = figures(at)[0]
    lat = np.concatenate([values(t["lat"]) for t in track["data"]])
    lon = np.concatenate([values(t["lon"]) for t in track["data"]])
    shown = np.isfinite(lat) & np.isfinite(lon)
    lat, lon = lat[shown], lon[shown]
    # How much is left depends on the store's random privacy key (53 points in one CI run).
    assert len(lat) > 0
    near = haversine_m(lat, lon, np.full(len(lat), start_lat), np.full(len(lon), start_lon))
    # The trim is randomised per activity, never below its lower bound of the 500 m default.
    assert near.min() >= TRIM_SPREAD[0] * DEFAULT_TRIM_M
    assert len(at.dataframe[0].value) >= 1


def test_a_run_hidden_whole_from_a_coach_says_so(make_app, own_copy):
    store = open_store(own_copy)
    owner = store.athlete(LOCAL_ATHLETE)
    put_settings(owner, {"privacy_trim_m": 5000.0})  # longer than half of any sample run
    link = create_share(owner, days=5, label="Coach Kim")
    store.close()
    at = make_app(own_copy, page=PAGE, sample=False, query={"share": link.token})
    assert not at.exception
    assert any("lies in its hidden start and end" in i.value for i in at.info)
    assert not any("no recorded samples" in i.value for i in at.info)
    assert chart_titles(at) == []


def test_an_empty_library_says_what_to_do(make_app, empty_db):
    at = make_app(empty_db, page=PAGE, sample=False)
    assert not at.exception
    assert any("No activities yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def _as_typed(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def _activity_id(url: str, file_name: str) -> int:
    listing = _listing(url)
    return int(listing[listing["source"].astype(str).str.endswith(file_name)][
        "activity_id"].iloc[0])


def test_the_plan_is_shown_beside_the_detection(make_app, sample_db):
    track = _activity_id(sample_db, "2026-08-18-track-intervals.fit")
    at = make_app(sample_db, page=PAGE, query={"activity": str(track)})
    assert not at.exception
    assert "Plan beside detection" in [h.value for h in at.subheader]
    [agreed] = at.success
    assert _as_typed(agreed.value).startswith(
        "- Planned 6 work laps of 795-813 m between rest laps; found 6 reps of ")
    assert not at.warning
    hills = _activity_id(sample_db, "2026-08-11-hill-repeats.fit")
    at = make_app(sample_db, page=PAGE, query={"activity": str(hills)})
    store = open_store(sample_db)
    stored = load_efforts(store.athlete(SAMPLE_ATHLETE), [hills])
    store.close()
    found = int(stored["kind"].astype(str).isin(["hill", "sprint", "interval"]).sum())
    if found == 10:
        [box] = at.success
        assert "; found 10 reps of " in _as_typed(box.value)
    else:  # today the classifier misses a rep that the watch's laps record
        [box] = at.warning
        assert _as_typed(box.value).startswith(
            f"- Planned 10 work laps of 114-127 m between rest laps, found {found}")
    easy = _activity_id(sample_db, "2026-08-06-easy.fit")
    at = make_app(sample_db, page=PAGE, query={"activity": str(easy)})
    assert "Plan beside detection" not in [h.value for h in at.subheader]


def test_a_race_and_a_relay_leg_show_how_hard_they_were_not_a_plain_jog(make_app, tmp_path,
                                                                      realdata):
    export = realdata / "bulk" / "stravaexport__slalom007" / "activities"
    url = f"sqlite:///{tmp_path / 'real.db'}"
    store = open_store(url)
    owner = store.athlete(LOCAL_ATHLETE)
    files = {"race": "13312542661", "relay": "13480902521", "easy": "14204490666"}
    # Easy runs the athlete labelled, so their easy pace is known as in a real library.
    others = ["12360605296", "12453191666", "12754312092", "12836559898", "13075338599"]
    report = import_paths(owner, [export / f"{f}.fit.gz" for f in [*files.values(), *others]])
    assert report.imported == 8
    listing = list_activities(owner)
    stored = load_library(owner)
    store.close()
    ids = {name: int(listing[listing["source"].str.contains(file_id)]["activity_id"].iloc[0])
           for name, file_id in files.items()}
    shown = {}
    tempo_min = {}
    for name, activity_id in ids.items():
        at = make_app(url, page=PAGE, sample=False, query={"activity": str(activity_id)})
        assert not at.exception
        metrics = {m.label: m.value for m in at.metric}
        text = "\n".join(m.value for m in at.markdown)
        shown[name] = (int(metrics["of your threshold pace"].rstrip(" %")), text)
        tempo_min[name] = int(metrics["tempo (min)"])
    # The coach's weekly row counts the same tempo minutes as the Activity page.
    season, runs = stored.season, stored.season.runs.set_index("activity_id")
    run_of = {int(a.extra["activity_id"]): a.id for a in stored.activities}
    for name, activity_id in ids.items():
        run = runs.loc[run_of[activity_id]]
        assert run["tempo_s"] == pytest.approx(60 * tempo_min[name], abs=30)
        assert season.weeks.loc[run["week"], "tempo_s"] == pytest.approx(
            runs.loc[runs["week"] == run["week"], "tempo_s"].sum())
        assert season.weeks.loc[run["week"], "tempo_s"] >= run["tempo_s"]
    assert tempo_min["race"] == 20 and tempo_min["relay"] == 104 and tempo_min["easy"] == 0
    assert shown["race"][0] >= 100
    assert re.search(r"\*\*steady, threshold 20:\d\d( \+ 1 stride)?\*\*", shown["race"][1])
    assert 88 <= shown["relay"][0] < 100 and "**steady, tempo 1:43:58**" in shown["relay"][1]
    assert "- tempo: 1:43:58 at 4:33/km" in shown["relay"][1]
    assert "No work efforts" not in shown["relay"][1]
    assert shown["easy"][0] < 85 and "No work efforts" in shown["easy"][1]


def test_a_summary_row_without_a_file_offers_no_re_classification(make_app, empty_db, tmp_path):
    import csv

    from legday.store import import_paths
    from tests.conftest import require_realdata

    source = require_realdata() / "bulk/stravaexport__slalom007/activities.csv"
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    at_file = rows[0].index("Filename")
    export = tmp_path / "export"
    export.mkdir()
    with (export / "activities.csv").open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([rows[0], *[r for r in rows[1:] if not r[at_file]][:1]])
    store = open_store(empty_db)
    try:
        (activity_id,) = import_paths(store.athlete(LOCAL_ATHLETE), [export]).activity_ids
    finally:
        store.close()
    at = make_app(empty_db, page=PAGE, sample=False, query={"activity": str(activity_id)})
    assert not at.exception
    assert any("summary row only" in i.value for i in at.info)
    shown = "\n".join([i.value for i in at.info] + [c.value for c in at.caption])
    assert "No recording, so nothing to split into efforts" in shown
    assert "Re-classif" not in shown.replace("re-classifying cannot", "")
