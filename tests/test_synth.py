"""The synthetic run generator: truth, physics, device effects and the FIT/GPX writers."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import fitparse
import gpxpy
import numpy as np
import pandas as pd
import pytest

from legday.model import time_ns
from legday.synth import (
    KINDS,
    WORKOUTS,
    Athlete,
    DeviceProfile,
    SyntheticRun,
    generate_run,
    generate_set,
    primary_kind,
    write_fit,
    write_gpx,
)

EXPECTED_PRIMARY = {
    "easy": "steady", "rolling": "steady", "long": "steady", "tempo": "steady",
    "progression": "steady", "hill_repeats": "hill", "hill_sprints": "hill",
    "strides": "sprint", "flying_sprints": "sprint", "track_intervals": "interval",
    "cruise_intervals": "interval", "minute_intervals": "interval", "fartlek": "interval",
}
SEMICIRCLE_DEG = 180.0 / 2**31
TPX = "{http://www.garmin.com/xmlschemas/TrackPointExtension/v1}"
QUIET_GPS = DeviceProfile(gps_noise_m=5.0, gps_noise_tau_s=60.0, start_glitch_m=0.0, glitches=0)


def _naive_utc(ts: pd.Timestamp) -> dt.datetime:
    return ts.tz_convert("UTC").tz_localize(None).to_pydatetime()


def _fit_messages(path: Path) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for msg in fitparse.FitFile(str(path)).get_messages():
        out.setdefault(msg.name, []).append(msg.get_values())
    return out


def _seconds(run: SyntheticRun, times: pd.Series) -> np.ndarray:
    return ((times - run.start_utc).dt.total_seconds()).to_numpy()


def test_workouts_cover_the_brief() -> None:
    assert set(WORKOUTS) == set(EXPECTED_PRIMARY)


@pytest.mark.parametrize("workout", sorted(WORKOUTS))
def test_truth_is_contiguous_and_primary_as_defined(workout: str) -> None:
    run = generate_run(workout, seed=11)
    efforts = run.efforts
    times = run.samples["time"]
    assert len(run.samples) > 100
    assert efforts[0].start == times.iloc[0] == run.start_utc
    assert efforts[-1].end == times.iloc[-1]
    for a, b in zip(efforts, efforts[1:], strict=False):
        assert a.end == b.start, "efforts must touch"
        assert a.kind != b.kind, "adjacent efforts of one kind are merged"
    assert all(e.end > e.start and e.kind in KINDS for e in efforts)
    kinds = [e.kind for e in efforts]
    assert run.primary == primary_kind(kinds) == EXPECTED_PRIMARY[workout]
    # Every 1 Hz truth sample lies in the effort of its own kind.
    track = run.truth_track
    starts = np.array([e.start.value for e in efforts])
    t = time_ns(track["time"])[:-1]
    idx = np.searchsorted(starts, t, side="right") - 1
    assert (np.asarray(kinds, dtype=object)[idx] == track["kind"].to_numpy()[:-1]).all()


def test_primary_rules() -> None:
    assert primary_kind(["steady", "interval", "recovery", "interval"]) == "interval"
    assert primary_kind(["steady", "interval", "recovery", "hill"]) == "hill"
    assert primary_kind(["steady", "sprint", "recovery", "sprint"]) == "sprint"
    assert primary_kind(["steady", "sprint", "steady"]) == "steady"
    assert primary_kind(["steady"]) == "steady"


def test_speeds_are_physically_plausible() -> None:
    for workout in ("flying_sprints", "strides", "track_intervals", "hill_sprints"):
        run = generate_run(workout, seed=4)
        v = run.truth_track["speed_mps"].to_numpy()
        assert v.max() <= run.athlete.top_speed + 1e-9
        assert np.abs(np.diff(v)).max() <= 4.5 + 1e-9, "acceleration limit"
        assert v.min() >= 0


def test_sprints_reach_near_top_speed_within_seconds() -> None:
    run = generate_run("flying_sprints", seed=2)
    track = run.truth_track
    for e in run.efforts:
        if e.kind != "sprint":
            continue
        inside = track[(track["time"] >= e.start) & (track["time"] < e.end)]
        assert inside["speed_mps"].max() > 0.85 * run.athlete.top_speed
        assert e.duration_s < 30


def test_hill_reps_climb_and_recoveries_descend() -> None:
    run = generate_run("hill_repeats", seed=5)
    track = run.truth_track
    reps = [e for e in run.efforts if e.kind == "hill"]
    assert len(reps) >= 4
    for e in run.efforts:
        inside = track[(track["time"] >= e.start) & (track["time"] < e.end)]
        if e.kind == "hill":
            assert inside["grade"].mean() > 0.03
            assert 25 <= e.duration_s <= 200
            # Minetti: slower uphill than the same effort on the flat.
            assert inside["speed_mps"].mean() < run.athlete.speed("5k")
        elif e.kind == "recovery":
            assert inside["grade"].mean() < 0


def test_rolling_run_climbs_but_stays_steady() -> None:
    run = generate_run("rolling", seed=8)
    assert [e.kind for e in run.efforts] == ["steady"]
    assert run.truth_track["grade"].max() > 0.02
    elev = run.truth_track["elevation_m"]
    assert elev.max() - elev.min() > 5


def test_track_reps_have_their_distance() -> None:
    run = generate_run("track_intervals", seed=3)
    track = run.truth_track
    reps = [e for e in run.efforts if e.kind == "interval"]
    assert len(reps) == run.plan.extra["reps"]
    planned = [s.distance_m for s in run.plan.segments if s.kind == "interval"]
    for e, d in zip(reps, planned, strict=True):
        inside = track[(track["time"] >= e.start) & (track["time"] <= e.end)]
        assert d is not None
        assert abs((inside["distance_m"].iloc[-1] - inside["distance_m"].iloc[0]) - d) < 12


def test_heart_rate_lags_effort() -> None:
    run = generate_run("minute_intervals", seed=6)
    track = run.truth_track
    rep = [e for e in run.efforts if e.kind == "interval"][3]
    inside = track[(track["time"] >= rep.start) & (track["time"] < rep.end)]
    hr = inside["heart_rate"].to_numpy()
    assert hr[-1] - hr[5] > 5, "heart rate still rising late in the rep"


def test_seed_determinism(tmp_path: Path) -> None:
    a = generate_run("fartlek", seed=42)
    b = generate_run("fartlek", seed=42)
    c = generate_run("fartlek", seed=43)
    pd.testing.assert_frame_equal(a.samples, b.samples)
    assert a.efforts == b.efforts
    assert not a.samples["time"].equals(c.samples["time"]) or a.efforts != c.efforts
    write_fit(a, tmp_path / "a.fit")
    write_fit(b, tmp_path / "b.fit")
    assert (tmp_path / "a.fit").read_bytes() == (tmp_path / "b.fit").read_bytes()
    # A given device leaves the plan and the athlete as they were.
    d = generate_run("fartlek", seed=42, device=QUIET_GPS)
    assert d.efforts == a.efforts and d.athlete == a.athlete


def test_gps_error_is_slowly_drifting() -> None:
    run = generate_run("easy", seed=7, device=QUIET_GPS)
    track = run.truth_track.set_index("time")
    s = run.samples
    true = track.loc[s["time"]]
    lat0 = math.radians(float(s["lat"].iloc[0]))
    east = np.radians(s["lon"].to_numpy() - true["lon"].to_numpy()) * 6_371_008.8 * math.cos(lat0)
    north = np.radians(s["lat"].to_numpy() - true["lat"].to_numpy()) * 6_371_008.8
    for err in (east, north):
        assert 0.5 < err.std() < 20
        assert np.corrcoef(err[:-1], err[1:])[0, 1] > 0.9
        # No white-noise spikes: one-second changes are small next to the error.
        assert np.abs(np.diff(err)).max() < 3.0


def test_fit_round_trip(tmp_path: Path) -> None:
    run = generate_run("track_intervals", seed=6,
                       device=DeviceProfile(smart_recording=True, rep_laps=True))
    path = write_fit(run, tmp_path / "run.fit")
    msgs = _fit_messages(path)
    records = msgs["record"]
    assert len(records) == len(run.samples)
    assert records[0]["timestamp"] == _naive_utc(run.start_utc)
    assert records[-1]["timestamp"] == _naive_utc(run.end_utc)
    assert msgs["file_id"][0]["type"] == "activity"
    session = msgs["session"][0]
    assert session["sport"] == "running" and session["sub_sport"] == "generic"
    activity = msgs["activity"][0]
    offset = (activity["local_timestamp"] - activity["timestamp"]).total_seconds()
    assert offset == run.utc_offset_s
    s = run.samples
    lat = np.array([r["position_lat"] for r in records]) * SEMICIRCLE_DEG
    assert np.abs(lat - s["lat"].to_numpy()).max() < 1e-6
    assert abs(records[-1]["distance"] - s["distance_m"].iloc[-1]) < 0.01
    assert [r["cadence"] for r in records[:50]] == (s["cadence_spm"][:50] / 2).astype(int).tolist()
    assert [r["heart_rate"] for r in records[:50]] == s["heart_rate"][:50].astype(int).tolist()
    assert abs(records[10]["enhanced_altitude"] - s["elevation_m"].iloc[10]) < 0.11
    laps = msgs["lap"]
    assert len(laps) == len(run.laps)
    assert {lap["intensity"] for lap in laps} >= {"warmup", "active", "rest", "cooldown"}
    timer = [e for e in msgs["event"] if e["event"] == "timer"]
    assert len(timer) == len(run.events)
    assert timer[0]["event_type"] == "start" and timer[-1]["event_type"] == "stop_all"


def test_fit_legacy_fields_and_auto_laps(tmp_path: Path) -> None:
    run = generate_run("easy", seed=3, device=DeviceProfile(fit_fields="legacy",
                                                            auto_lap_m=1000.0))
    path = write_fit(run, tmp_path / "easy.fit")
    record = next(fitparse.FitFile(str(path)).get_messages("record"))
    # fitparse expands speed/altitude into enhanced_*; only the written fields have a definition.
    written = {f.name for f in record.fields if f.field_def is not None}
    assert {"speed", "altitude"} <= written
    assert not {"enhanced_speed", "enhanced_altitude"} & written
    msgs = _fit_messages(path)
    laps = msgs["lap"]
    assert len(laps) == int(run.samples["distance_m"].iloc[-1] // 1000) + 1
    assert all(lap["lap_trigger"] == "distance" for lap in laps[:-1])
    assert laps[-1]["lap_trigger"] == "session_end"


def test_gpx_round_trip(tmp_path: Path) -> None:
    run = generate_run("strides", seed=9, device=QUIET_GPS)
    path = write_gpx(run, tmp_path / "run.gpx")
    gpx = gpxpy.parse(path.read_text(encoding="utf-8"))
    assert gpx.get_track_points_no() == len(run.samples)
    track = gpx.tracks[0]
    assert track.type == "running"
    points = [p for seg in track.segments for p in seg.points]
    assert points[0].time == run.start_utc.to_pydatetime()
    assert points[-1].time == run.end_utc.to_pydatetime()
    assert abs(points[100].latitude - run.samples["lat"].iloc[100]) < 1e-6
    ext = points[100].extensions[0]
    assert int(ext.find(f"{TPX}hr").text) == int(run.samples["heart_rate"].iloc[100])
    assert int(ext.find(f"{TPX}cad").text) * 2 == int(run.samples["cadence_spm"].iloc[100])


def test_auto_pause_leaves_gaps_and_timer_events(tmp_path: Path) -> None:
    device = DeviceProfile(auto_pause=True, manual_stops=False)
    run = generate_run("flying_sprints", seed=5, device=device)
    ev = run.events
    auto = ev[ev["trigger"] == "auto"]
    assert len(auto) >= 2 and set(auto["event"]) == {"start", "stop"}
    t = _seconds(run, run.samples["time"])
    gaps = np.diff(t)
    assert gaps.max() > 30, "no records while stopped"
    for stop, start in zip(auto["time"][auto["event"] == "stop"],
                           auto["time"][auto["event"] == "start"], strict=True):
        inside = (run.samples["time"] > stop) & (run.samples["time"] < start)
        assert not inside.any()
    msgs = _fit_messages(write_fit(run, tmp_path / "paused.fit"))
    triggers = [e.get("timer_trigger") for e in msgs["event"] if e["event"] == "timer"]
    assert "auto" in triggers
    assert len(msgs["record"]) == len(run.samples)
    # Truth still spans the whole run, pauses included.
    assert run.efforts[0].start == run.start_utc and run.efforts[-1].end == run.end_utc


def test_watch_stops_split_gpx_segments(tmp_path: Path) -> None:
    run = generate_run("flying_sprints", seed=5, device=DeviceProfile(manual_stops=True))
    stops = run.events[(run.events["event"] == "stop") & (run.events["trigger"] == "manual")]
    n_stops = len(stops) - 1  # the last stop ends the activity
    assert n_stops >= 1
    gpx = gpxpy.parse(write_gpx(run, tmp_path / "stops.gpx").read_text(encoding="utf-8"))
    assert len(gpx.tracks[0].segments) == n_stops + 1
    assert gpx.get_track_points_no() == len(run.samples)


def test_smart_recording_is_irregular_and_denser_on_changes() -> None:
    run = generate_run("minute_intervals", seed=2,
                       device=DeviceProfile(smart_recording=True, auto_pause=False))
    t = _seconds(run, run.samples["time"])
    gaps = np.diff(t)
    assert gaps.min() >= 1 and gaps.max() <= 10
    assert len(set(gaps.tolist())) >= 5
    # Denser within 10 s of an effort change than elsewhere.
    rec = run.truth_track["recorded"].to_numpy()
    near = np.zeros(len(rec), dtype=bool)
    for e in run.efforts[1:]:
        k = int((e.start - run.start_utc).total_seconds())
        near[k:k + 10] = True
    assert rec[near].mean() > 1.3 * rec[~near].mean()


def test_one_hz_recording_and_elevation_sources() -> None:
    baro = generate_run("rolling", seed=1, device=DeviceProfile(elevation_source="barometric"))
    assert (np.diff(_seconds(baro, baro.samples["time"])) == 1).all()
    z = baro.samples["elevation_m"].to_numpy()
    assert np.allclose(np.round(z / 0.2) * 0.2, z)
    err_b = z - baro.truth_track["elevation_m"].to_numpy()
    gps = generate_run("rolling", seed=1, device=DeviceProfile(elevation_source="gps"))
    err_g = gps.samples["elevation_m"].to_numpy() - gps.truth_track["elevation_m"].to_numpy()
    # Barometric: an offset that hardly moves; GPS: metres of wander.
    assert np.std(np.diff(err_b)) < np.std(np.diff(err_g))
    assert np.std(err_g) > 1.5


def test_treadmill_run(tmp_path: Path) -> None:
    device = DeviceProfile(treadmill=True, gps=False, distance_source="accelerometer",
                           elevation_source="none", distance_scale=1.03)
    run = generate_run("tempo", seed=4, device=device)
    assert not run.has_position and run.samples["lat"].isna().all()
    true_dist = run.truth_track["distance_m"].iloc[-1]
    assert run.samples["distance_m"].iloc[-1] == pytest.approx(1.03 * true_dist, rel=0.03)
    msgs = _fit_messages(write_fit(run, tmp_path / "treadmill.fit"))
    assert msgs["session"][0]["sub_sport"] == "treadmill"
    assert "position_lat" not in msgs["record"][0]
    with pytest.raises(ValueError):
        write_gpx(run, tmp_path / "treadmill.gpx")
    with pytest.raises(ValueError):
        generate_run("hill_repeats", seed=1, device=device)


def test_unknown_workout() -> None:
    with pytest.raises(ValueError):
        generate_run("swim", seed=1)


def test_generate_set(tmp_path: Path) -> None:
    entries = generate_set(tmp_path, n=len(WORKOUTS), seed=3)
    assert {e["workout"] for e in entries} == set(WORKOUTS)
    on_disk = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert on_disk == entries
    formats = [e["format"] for e in entries]
    assert formats.count("fit") >= 2 * formats.count("gpx") - 1
    for e in entries:
        assert (tmp_path / e["file"]).is_file()
        assert set(e) >= {"file", "workout", "primary", "efforts"}
        assert e["primary"] == EXPECTED_PRIMARY[e["workout"]]
        for eff in e["efforts"]:
            # Sprints up a hill are hill efforts and sprints, as the real labels write them.
            uphill_sprint = e["workout"] == "hill_sprints" and eff["kind"] == "hill"
            assert set(eff) == ({"kind", "start", "end", "also"} if uphill_sprint
                                else {"kind", "start", "end"})
            assert eff.get("also", ["sprint"]) == ["sprint"]
            assert eff["start"].endswith("Z") and eff["end"].endswith("Z")
            pd.Timestamp(eff["start"])
        assert e["primary_also"] == (["sprint"] if e["workout"] == "hill_sprints" else [])
    again = generate_set(tmp_path / "again", n=3, seed=3)
    assert again == entries[:3]


def test_a_season_run_takes_its_place_time_and_repeats_its_course():
    from legday.synth.route import PLACES

    dublin = next(p for p in PLACES if p.name.startswith("Phoenix Park"))
    summer = pd.Timestamp("2026-08-06T07:05:00", tz="Europe/Dublin")
    winter = pd.Timestamp("2026-11-05T07:05:00", tz="Europe/Dublin")
    athlete = Athlete(easy_speed=3.0, threshold_speed=3.8, top_speed=7.5)
    watch = DeviceProfile()
    runs = [generate_run("easy", seed=seed, athlete=athlete, device=watch, place=dublin,
                         start_utc=start, plan_seed=1, route_seed=2)
            for seed, start in ((10, summer), (11, winter))]
    assert [r.start_utc for r in runs] == [summer.tz_convert("UTC"), winter.tz_convert("UTC")]
    assert [r.utc_offset_s for r in runs] == [3600, 0]
    assert runs[0].plan == runs[1].plan
    starts = [(r.truth_track["lat"].iloc[0], r.truth_track["lon"].iloc[0]) for r in runs]
    assert starts[0] == pytest.approx(starts[1], abs=1e-6)
    assert abs(starts[0][0] - dublin.lat) < 0.03
    other = generate_run("easy", seed=10, athlete=athlete, device=watch, place=dublin,
                         start_utc=summer)
    assert (other.truth_track["lat"].iloc[0], other.truth_track["lon"].iloc[0]) != \
        pytest.approx(starts[0], abs=1e-6)


def test_strength_fit_round_trips_its_sets(tmp_path: Path):
    from legday.io import read_path
    from legday.model import Sport
    from legday.synth import write_strength_fit

    t0 = pd.Timestamp("2026-09-09T17:30:00Z")
    rows = []
    for i, (category, reps, weight) in enumerate([("squat", 8, 70.0), ("lunge", 10, 14.0)]):
        start = t0 + pd.Timedelta(seconds=150 * i)
        rows += [{"start": start, "duration_s": 30.0, "set_type": "active",
                  "category": category, "reps": reps, "weight_kg": weight},
                 {"start": start + pd.Timedelta(seconds=30), "duration_s": 120.0,
                  "set_type": "rest", "category": None, "reps": np.nan, "weight_kg": np.nan}]
    path = write_strength_fit(pd.DataFrame(rows), tmp_path / "lift.fit", utc_offset_s=3600)
    (activity,) = list(read_path(path))
    assert activity.sport == Sport.STRENGTH
    assert activity.utc_offset_s == 3600
    assert activity.start_utc == t0
    active = activity.sets[activity.sets["set_type"] == "active"]
    assert active["category"].tolist() == ["squat", "lunge"]
    assert active["reps"].tolist() == [8, 10]
    assert active["weight_kg"].tolist() == [70.0, 14.0]
    assert (activity.sets["set_type"] == "rest").sum() == 2
