"""Import: idempotent, cross-source duplicates, Strava exports, uploads, re-classification."""

from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest

from legday.store import (
    Store,
    get_settings,
    import_paths,
    import_upload,
    list_activities,
    load_activities,
    load_activity,
    load_efforts,
    reclassify,
)
from legday.store.importer import same_session
from tests.conftest import require_realdata
from tests.store.helpers import write_run

STRAVA = "bulk/stravaexport__slalom007"


def test_same_file_twice_adds_nothing(store: Store, tmp_path: Path):
    me = store.athlete()
    path = write_run(tmp_path, "strides", seed=2)
    first = import_paths(me, [path])
    again = import_paths(me, [path])
    assert (first.imported, first.duplicates) == (1, 0)
    assert (again.imported, again.duplicates, again.activity_ids) == (0, 1, [])
    assert len(list_activities(me)) == 1
    efforts = load_efforts(me)
    assert len(efforts) > 0 and set(efforts["activity_id"]) == set(first.activity_ids)


def test_fit_and_gpx_of_one_run_are_stored_once(store: Store, tmp_path: Path):
    me = store.athlete()
    fit = write_run(tmp_path, "tempo", seed=4, fmt="fit", name="watch.fit")
    gpx = write_run(tmp_path, "tempo", seed=4, fmt="gpx", name="strava_copy.gpx")
    other = write_run(tmp_path, "easy", seed=9, fmt="gpx", start="2025-01-05T07:00:00Z")
    report = import_paths(me, [fit, gpx, other])
    assert (report.imported, report.duplicates, report.errors) == (2, 1, [])
    stored = list_activities(me)
    assert sorted(stored["format"]) == ["fit", "gpx"]
    assert stored.loc[stored["format"] == "fit", "source"].item() == str(fit)


@pytest.mark.parametrize(("b_start_s", "b_dist", "same"), [
    (59, 10_150, True),     # within 60 s and 1.5 %
    (61, 10_000, False),    # a minute and a second apart
    (0, 10_250, False),     # 2.5 % longer
    (10, None, True),       # no distance on one side: the start decides
])
def test_duplicate_rule(b_start_s: int, b_dist: float | None, same: bool):
    t0 = pd.Timestamp("2025-01-01T07:00:00Z")
    assert same_session("run", t0, 10_000, "trail_run", t0 + pd.Timedelta(seconds=b_start_s),
                        b_dist) is same


def test_duplicate_rule_needs_the_same_sport_family():
    t0 = pd.Timestamp("2025-01-01T07:00:00Z")
    assert not same_session("run", t0, 10_000, "ride", t0, 10_000)
    assert same_session("walk", t0, 3_000, "hike", t0, 3_000)


def _mini_strava_export(root: Path, rows: list[dict[str, str]], header: list[str],
                        source: Path) -> Path:
    export = root / "export"
    (export / "activities").mkdir(parents=True)
    with (export / "activities.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
            if row.get("Filename"):
                shutil.copy(source / row["Filename"], export / row["Filename"])
    return export


def _strava_rows(n: int) -> tuple[list[str], list[dict[str, str]]]:
    base = require_realdata() / STRAVA
    with (base / "activities.csv").open(encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, r, strict=False)) for r in reader]
    with_file = [r for r in rows if r.get("Filename", "").endswith(".fit.gz")][:n]
    return header, with_file


@pytest.mark.corpus
def test_strava_export_files_are_duplicates_of_the_same_fit_files(store: Store,
                                                                   tmp_path: Path):
    header, rows = _strava_rows(3)
    export = _mini_strava_export(tmp_path, rows, header, require_realdata() / STRAVA)
    me = store.athlete()
    first = import_paths(me, [export])
    assert (first.imported, first.duplicates, first.errors) == (3, 0, [])
    # The same sessions again, as the plain FIT files a Garmin would give.
    plain = []
    for row in rows:
        target = tmp_path / Path(row["Filename"]).name.removesuffix(".gz")
        target.write_bytes(gzip.decompress((export / row["Filename"]).read_bytes()))
        plain.append(target)
    again = import_paths(me, plain)
    assert (again.imported, again.duplicates) == (0, 3)
    assert import_paths(me, [export]).imported == 0
    names = set(list_activities(me)["name"])
    assert names == {r["Activity Name"] for r in rows}


def test_strava_row_without_file_is_replaced_by_the_recording(store: Store, tmp_path: Path):
    fit = write_run(tmp_path, "easy", seed=3, start="2025-02-02T06:30:00Z")
    activity = load_free(fit)
    header = ["Activity ID", "Activity Date", "Activity Name", "Activity Type",
              "Elapsed Time", "Distance", "Filename"]
    row = {"Activity ID": "1", "Activity Date": "Feb 2, 2025, 6:30:20 AM",
           "Activity Name": "Morning Run", "Activity Type": "Run",
           "Elapsed Time": str(int(activity.duration_s or 0)),
           "Distance": f"{activity.distance_m or 0:.1f}"}
    export = _mini_strava_export(tmp_path, [row], header, tmp_path)
    me = store.athlete()
    assert import_paths(me, [export]).imported == 1
    stub = list_activities(me)
    assert stub["points"].item() == 0
    report = import_paths(me, [fit])
    assert (report.imported, report.duplicates) == (0, 1)
    stored = list_activities(me)
    assert len(stored) == 1 and stored["points"].item() == activity.points
    assert stored["activity_id"].item() == stub["activity_id"].item()
    assert len(load_efforts(me)) > 0


def load_free(path: Path):
    from legday.io import read_path

    (activity,) = list(read_path(path))
    return activity


def test_stored_activity_round_trips(store: Store, tmp_path: Path):
    me = store.athlete()
    path = write_run(tmp_path, "track_intervals", seed=6)
    original = load_free(path)
    (activity_id,) = import_paths(me, [path]).activity_ids
    loaded = load_activity(me, activity_id)
    pd.testing.assert_frame_equal(loaded.samples, original.samples)
    pd.testing.assert_frame_equal(loaded.laps, original.laps)
    assert loaded.start_utc == original.start_utc
    assert loaded.utc_offset_s == original.utc_offset_s
    assert loaded.id == original.id and loaded.sport == original.sport
    row = list_activities(me).iloc[0]
    assert row["primary"] == "interval" and row["points"] == len(original.samples)


def test_broken_file_is_an_error_and_the_rest_is_stored(store: Store, tmp_path: Path):
    me = store.athlete()
    good = write_run(tmp_path, "easy", seed=1)
    bad = tmp_path / "broken.fit"
    bad.write_bytes(b"this is no activity file" * 10)
    report = import_paths(me, [bad, good])
    assert report.imported == 1
    assert [e["file"] for e in report.errors] == [str(bad)]


def test_upload_is_idempotent(store: Store, tmp_path: Path):
    me = store.athlete()
    data = write_run(tmp_path, "fartlek", seed=2).read_bytes()
    assert import_upload(me, "fartlek.fit", data).imported == 1
    assert import_upload(me, "fartlek.fit", data).duplicates == 1
    assert len(list_activities(me)) == 1


def test_reclassify_after_a_settings_change_rederives_efforts(store: Store, tmp_path: Path):
    me = store.athlete()
    path = write_run(tmp_path, "hill_sprints", seed=5)
    (activity_id,) = import_paths(me, [path]).activity_ids
    before = load_efforts(me)
    assert list_activities(me)["primary"].item() == "hill"
    # An easy speed far above these bursts: nothing stands out as work any more.
    report = reclassify(me, {"easy_speed_mps": 7.0})
    after = load_efforts(me)
    assert get_settings(me)["profile"] == {"easy_speed_mps": 7.0}
    assert report.activities == 1 and report.primary_changed == 1
    assert list_activities(me)["primary"].item() == "steady"
    assert (before["kind"] == "hill").sum() > 0 and (after["kind"] == "hill").sum() == 0
    assert set(after["activity_id"]) == {activity_id}
    # Removing the override brings the first classification back, from the same samples.
    reclassify(me, {"easy_speed_mps": None})
    assert load_efforts(me)["kind"].tolist() == before["kind"].tolist()
    assert len(load_activities(me)[0].samples) > 0
