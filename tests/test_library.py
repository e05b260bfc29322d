"""The stored library: the same weeks as the files, without decoding a single sample."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from legday.io import read_paths
from legday.library import Library, load_library, season_profile, stored_classifications
from legday.model import Activity, haversine_m
from legday.season import analyse_classified
from legday.store import (
    AthleteContext,
    Store,
    create_share,
    get_settings,
    import_paths,
    load_activity,
    open_store,
    strength_entries,
)
from legday.store.models import ActivityRow
from legday.store.privacy import TRIM_SPREAD
from legday.summary import SUMMARY_KEY, from_json, stored_summary

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('library') / 'legday.db'}")
    report = import_paths(store.athlete("me"), [SAMPLES / "season",
                                                SAMPLES / "strength_log.csv"])
    assert report.imported == 58 and not report.errors
    yield store
    store.close()


@pytest.fixture(scope="module")
def me(store: Store) -> AthleteContext:
    return store.athlete("me")


@pytest.fixture(scope="module")
def library(me: AthleteContext) -> Library:
    return load_library(me)


@pytest.fixture(scope="module")
def files() -> list[Activity]:
    return [a for a in read_paths([SAMPLES / "season"]) if isinstance(a, Activity)]


def in_ns(frame: pd.DataFrame) -> pd.DataFrame:
    """Times in nanoseconds: the store keeps microseconds, the files give nanoseconds."""
    times = frame.select_dtypes(include=["datetime", "datetimetz"]).columns
    return frame.assign(**{c: frame[c].dt.as_unit("ns") for c in times})


def test_the_library_decodes_no_samples_but_one_activity_loads_whole(me: AthleteContext,
                                                                     library: Library):
    assert len(library.activities) == 58
    assert all(a.samples.empty and a.laps.empty for a in library.activities)
    assert all(stored_summary(a) is not None for a in library.activities)
    first_run = next(a for a in library.activities if a.is_running)
    whole = load_activity(me, int(first_run.extra["activity_id"]))
    assert len(whole.samples) > 100 and whole.id == first_run.id


def test_weeks_from_the_store_are_the_weeks_from_the_files(me: AthleteContext, library: Library,
                                                           files: list[Activity]):
    by_id = {a.id: a for a in files}
    # The files, in the library's order, with the stored efforts: only samples vs summaries differ.
    from_files = [by_id[a.id] for a in library.activities]
    for whole, light in zip(from_files, library.activities, strict=True):
        whole.extra = {**whole.extra, "activity_id": light.extra["activity_id"],
                       "primary": light.extra["primary"]}
    profile = season_profile(from_files, {})
    assert profile == library.profile
    classifications = stored_classifications(from_files, library.efforts, profile)
    season = analyse_classified(from_files, classifications, strength_entries(me))
    assert season.to_dict() == library.season.to_dict()
    pd.testing.assert_frame_equal(in_ns(season.runs), in_ns(library.season.runs))
    assert season.runs["load_method"].eq("trimp").sum() > 40  # heart rate did the work
    assert season.runs["route_id"].value_counts().max() >= 14  # the Thursday loop


def test_activities_stored_before_summaries_are_summarised_once(store: Store,
                                                               library: Library):
    other = store.athlete("older")
    import_paths(other, [SAMPLES / "season", SAMPLES / "strength_log.csv"])
    with store.sessions.begin() as session:  # as an import before summaries left them
        for row in session.scalars(select(ActivityRow).where(
                ActivityRow.athlete_id == other.athlete_id)):
            row.extra = {k: v for k, v in (row.extra or {}).items() if k != SUMMARY_KEY}
    older = load_library(other)
    assert older.season.to_dict() == library.season.to_dict()
    with store.sessions() as session:
        saved = [from_json((row.extra or {}).get(SUMMARY_KEY)) for row in session.scalars(
            select(ActivityRow).where(ActivityRow.athlete_id == other.athlete_id))]
    assert all(s is not None for s in saved)


def test_a_shared_view_gets_routes_without_their_hidden_ends(store: Store, me: AthleteContext,
                                                             library: Library):
    coach = store.share(create_share(me, days=7, label="coach").token)
    shared = load_library(coach)
    # Each run hides its own length, at least this much of the athlete's trim.
    trim_m = float(get_settings(me)["privacy_trim_m"]) * TRIM_SPREAD[0]
    own = {a.id: stored_summary(a) for a in library.activities}
    checked = 0
    for activity in shared.activities:
        assert set(activity.extra) == {"activity_id", "primary", "summary"}
        full, seen = own[activity.id], stored_summary(activity)
        assert full is not None and seen is not None
        if full.route is None or seen.route is None:  # e.g. a track: all of it near the start
            continue
        assert len(seen.route.lat_deg) < len(full.route.lat_deg)
        for lat, lon in ((full.route.lat_deg[0], full.route.lon_deg[0]),
                         (full.route.lat_deg[-1], full.route.lon_deg[-1])):
            n = len(seen.route.lat_deg)
            gaps = haversine_m(seen.route.lat_deg, seen.route.lon_deg, np.full(n, lat),
                               np.full(n, lon))
            assert gaps.min() >= trim_m
        checked += 1
    assert checked > 30
    # Hiding the ends changes no week: the load and the routes come out the same.
    assert list(shared.season.weeks["leg_day"]) == list(library.season.weeks["leg_day"])
    assert shared.season.weeks["load"].tolist() == library.season.weeks["load"].tolist()


def test_a_copy_on_disk_opens_the_same_season_without_analysing_again(
        me: AthleteContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import legday.library as library_module
    from legday.findings import AnalysisSettings
    from legday.library import cached_library

    settings = AnalysisSettings()
    first = cached_library(me, settings, owner="db|me", version="v1", cache_dir=tmp_path)
    (written,) = tmp_path.glob("*.pickle")

    def refuse(*_args: object, **_kwargs: object) -> Library:
        raise AssertionError("analysed again although a copy was on disk")

    monkeypatch.setattr(library_module, "load_library", refuse)
    again = cached_library(me, settings, owner="db|me", version="v1", cache_dir=tmp_path)
    pd.testing.assert_frame_equal(again.season.weeks.drop(columns="findings"),
                                  first.season.weeks.drop(columns="findings"))
    assert [f.message for f in again.season.findings] == [f.message for f in
                                                          first.season.findings]
    monkeypatch.undo()

    # New data (another version): analysed again, and only the newest copy is kept.
    cached_library(me, settings, owner="db|me", version="v2", cache_dir=tmp_path)
    assert [p.name for p in tmp_path.glob("*.pickle")] != [written.name]
    assert len(list(tmp_path.glob("*.pickle"))) == 1
    # A damaged copy is rebuilt, not trusted.
    (current,) = tmp_path.glob("*.pickle")
    current.write_bytes(b"not a pickle")
    rebuilt = cached_library(me, settings, owner="db|me", version="v2", cache_dir=tmp_path)
    assert len(rebuilt.season.weeks) == len(first.season.weeks)


def test_an_import_leaves_the_season_analysed_for_the_first_view(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import legday.library as library_module
    from legday.cli import main
    from legday.library import open_library
    from legday.store import open_store

    cache = tmp_path / "cache"
    monkeypatch.setenv("LEGDAY_CACHE_DIR", str(cache))
    url = f"sqlite:///{tmp_path / 'legday.db'}"
    samples = Path(__file__).resolve().parents[1] / "data" / "samples"
    assert main(["import", "--db", url, "--json", str(samples / "season"),
                 str(samples / "strength_log.csv")]) == 0
    assert len(list(cache.glob("*.pickle"))) == 1

    def refuse(*_args: object, **_kwargs: object) -> Library:
        raise AssertionError("the first view analysed again")

    monkeypatch.setattr(library_module, "load_library", refuse)
    store = open_store(url)
    season = open_library(store.athlete(), cache).season
    store.close()
    assert list(season.weeks.index[[0, -1]]) == ["2026-W32", "2026-W45"]


def test_the_resting_heart_rate_set_on_settings_changes_trimp(store: Store):
    from legday.library import analysis_settings
    from legday.store import get_settings, put_settings

    athlete = store.athlete("resting")
    import_paths(athlete, [SAMPLES / "season"])
    before = load_library(athlete, analysis_settings(get_settings(athlete))).season.runs
    by_hr = before["load_method"] == "trimp"
    assert by_hr.sum() >= 10
    put_settings(athlete, {"profile": {"rest_hr": 42.0}, "units": "mi"})
    after = load_library(athlete, analysis_settings(get_settings(athlete)))
    runs = after.season.runs
    assert after.profile.rest_hr == 42.0
    # A lower resting rate widens the reserve: every run loaded by heart rate gets more TRIMP.
    assert (runs.loc[by_hr, "trimp"].to_numpy() > before.loc[by_hr, "trimp"].to_numpy()).all()
    assert (runs.loc[~by_hr, "load_au"].to_numpy() == before.loc[~by_hr, "load_au"]).all()
    # ... and the miles the athlete chose are in the findings.
    text = " ".join(f.message for f in after.season.findings)
    assert " mi" in text and " km" not in text


def test_hard_time_thresholds_of_an_earlier_release_are_read_and_ignored():
    from legday.library import analysis_settings
    from legday.schema import AnalysisSettings

    # Saved before hard steady running had one rule (legday.efforts.tempo).
    saved = {"thresholds": {"hard_x_threshold": 0.9, "hard_hr_share": 0.8, "flat_weeks": 5}}
    assert analysis_settings(saved) == AnalysisSettings(flat_weeks=5)
