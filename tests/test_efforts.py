"""Effort rules on small constructed runs with a known answer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from legday.calibration import AthleteProfile
from legday.cleaning import climb_through_turns, elevation_gain_m, prepare_arrays, turning_points
from legday.cli import main
from legday.efforts import (
    EFFORT_COLUMNS,
    EffortKind,
    classify_activities,
    classify_run,
    describe,
    fmt_duration,
    fmt_pace,
    hard_steady,
    primary_kind,
)
from legday.efforts.bouts import RunArrays
from legday.efforts.judge import _rises, climb_rise_m, climb_spans, median_of
from legday.efforts.rules import RULES
from legday.gap import gap_factor
from legday.model import EVENT_COLUMNS, LAP_COLUMNS, Activity, Sport, make_frame, make_samples
from legday.synth import generate_set

T0 = pd.Timestamp("2025-05-01T07:00:00Z")

#: (duration [s], speed [m/s], grade [1]); speed 0 is standing.
Segment = tuple[float, float] | tuple[float, float, float]


def make_activity(segments: Sequence[Segment], *, stops: Sequence[tuple[float, float]] = (),
                  smart: bool = False, frozen: Sequence[tuple[float, float]] = (),
                  sport: Sport = Sport.RUN, laps: Sequence[tuple[float, float, str]] = (),
                  seed: int = 0, every_s: int = 1, gps_altitude: bool = False,
                  cadence_lag_s: int = 0, cadence_override: Sequence[tuple[float, float, float]]
                  = (), elevation_bumps: Sequence[tuple[float, float, float]] = ()) -> Activity:
    """A run from segments, sampled every second (or irregularly with ``smart``).

    Descending segments run back along the road (the way hill repeats go down).
    ``stops`` are watch stops ``(from_s, to_s)``: no samples, timer events.
    ``frozen`` are spans where distance does not move and there is no GPS (an
    indoor track). ``laps`` are ``(start_s, end_s, trigger)``. ``every_s``
    records a point every so many seconds (smart recording at a steady pace);
    ``gps_altitude`` roughens the elevation by a metre, as GPS altitude is;
    ``cadence_lag_s`` reports the cadence as a trailing average over that many
    seconds (as watches do); ``cadence_override`` sets the cadence over
    ``(from_s, to_s, spm)``; ``elevation_bumps`` add ``(from_s, to_s, metres)``
    of altitude that comes and goes (a GPS altitude bump).
    """
    rng = np.random.default_rng(seed)
    speed = np.concatenate([np.full(int(seg[0]), seg[1], dtype=float) for seg in segments])
    grade = np.concatenate([np.full(int(seg[0]), seg[2] if len(seg) > 2 else 0.0)
                            for seg in segments])
    n = len(speed)
    t = np.arange(n, dtype=float)
    step = speed * (1 + rng.normal(0, 0.01, n))
    dist = np.cumsum(step)
    elev = 100.0 + np.cumsum(step * grade)
    if gps_altitude:
        elev = elev + rng.normal(0, 1.0, n)
    for a, b, metres in elevation_bumps:
        sel = (t >= a) & (t < b)
        elev[sel] += metres * np.sin(np.pi * (t[sel] - a) / (b - a))
    cadence = np.where(speed >= 2.0, 145.0 + 9.0 * speed, np.where(speed > 0.3, 110.0, 0.0))
    for a, b, spm in cadence_override:
        cadence[(t >= a) & (t < b)] = spm
    if cadence_lag_s:
        cs = np.concatenate(([0.0], np.cumsum(cadence)))
        lo = np.maximum(np.arange(n) + 1 - cadence_lag_s, 0)
        cadence = (cs[np.arange(n) + 1] - cs[lo]) / (np.arange(n) + 1 - lo)
    cadence = np.round(cadence + rng.normal(0, 1.0, n))
    target = 90.0 + 20.0 * speed * gap_factor(grade)
    hr = np.empty(n)
    level = 90.0
    for i in range(n):  # a first-order lag; only test data, built once
        level += (target[i] - level) / 25.0
        hr[i] = level
    # Descents run back along the road just climbed (hill repeats turn round at the top).
    lat = 47.5 + np.cumsum(np.where(grade < 0, -step, step)) / 111_111.0
    lon = np.full(n, 19.0)
    speed_rec = speed.copy()
    for a, b in frozen:
        sel = (t >= a) & (t < b)
        base = dist[int(a) - 1] if a > 0 else 0.0
        dist[sel] = base
        after = t >= b
        dist[after] -= dist[int(b)] - base if int(b) < n else 0.0
        lat[sel] = np.nan
        lon[sel] = np.nan
        speed_rec[sel] = 0.0
    keep = np.ones(n, dtype=bool)
    for a, b in stops:
        keep &= ~((t > a) & (t < b))
    if every_s > 1:
        keep &= (t % every_s == 0) | (t == n - 1)
    if smart:
        gaps = rng.integers(1, 8, size=n)
        chosen = np.zeros(n, dtype=bool)
        i = 0
        while i < n:
            chosen[i] = True
            i += int(gaps[i])
        chosen[-1] = True
        # Watch stops are always bracketed by samples.
        for a, b in stops:
            chosen[int(a)] = True
            chosen[min(int(b), n - 1)] = True
        keep &= chosen
    times = T0 + pd.to_timedelta(t[keep], unit="s")
    samples, _ = make_samples({
        "time": times, "lat": lat[keep], "lon": lon[keep], "elevation_m": elev[keep],
        "distance_m": dist[keep], "speed_mps": speed_rec[keep], "heart_rate": hr[keep],
        "cadence_spm": cadence[keep],
    })
    events = [(0.0, "start")]
    for a, b in stops:
        events += [(a, "stop"), (b, "start")]
    events.append((float(n - 1), "stop"))
    timer = make_frame(EVENT_COLUMNS, {
        "time": [T0 + pd.Timedelta(seconds=s) for s, _ in events],
        "event": [e for _, e in events]})
    lap_frame = make_frame(LAP_COLUMNS, {
        "start": [T0 + pd.Timedelta(seconds=a) for a, _, _ in laps],
        "end": [T0 + pd.Timedelta(seconds=b) for _, b, _ in laps],
        "elapsed_s": [b - a for a, b, _ in laps],
        "timer_s": [b - a for a, b, _ in laps],
        "distance_m": [float(dist[min(int(b), n - 1)] - dist[int(a)]) for a, b, _ in laps],
        "trigger": [trig for _, _, trig in laps],
        "intensity": ["active"] * len(laps)})
    return Activity(id="test", source="test.fit", format="fit", sport=sport, samples=samples,
                    timer_events=timer, laps=lap_frame, start_utc=T0)


def efforts_of(act: Activity, kind: str) -> pd.DataFrame:
    efforts = classify_run(act).efforts
    return efforts[efforts["kind"] == kind]


def seconds(ts: pd.Timestamp) -> float:
    return (ts - T0).total_seconds()


EASY = 3.0


def interval_session(reps: int = 6, rep_s: int = 120, rest_s: int = 60) -> list[Segment]:
    segs: list[Segment] = [(600, EASY)]
    for i in range(reps):
        segs.append((rep_s, 4.3))
        if i < reps - 1:
            segs.append((rest_s, 2.3))
    segs.append((600, EASY))
    return segs


def alternate(work: Segment, rest: Segment, n: int) -> list[Segment]:
    """``n`` work segments with ``rest`` between them."""
    out: list[Segment] = []
    for i in range(n):
        out.append(work)
        if i < n - 1:
            out.append(rest)
    return out


# --- sprints ---------------------------------------------------------------------------

def test_200m_at_7mps_inside_an_easy_run_is_exactly_one_sprint_with_its_bounds():
    act = make_activity([(600, EASY), (29, 7.0), (600, EASY)])
    result = classify_run(act)
    sprints = result.efforts[result.efforts["kind"] == "sprint"]
    assert len(sprints) == 1
    start, end = seconds(sprints["start"].iloc[0]), seconds(sprints["end"].iloc[0])
    assert abs(start - 600) <= 3 and abs(end - 629) <= 3
    assert "top speed" in sprints["why"].iloc[0]
    assert result.primary == EffortKind.STEADY  # one sprint is not a sprint session


def test_strides_after_an_easy_run_make_a_sprint_session():
    segs: list[Segment] = [(1500, EASY)]
    for i in range(5):
        segs.append((18, 6.5))
        if i < 4:
            segs.append((60, 1.4))
    segs.append((300, EASY))
    result = classify_run(make_activity(segs))
    assert result.counts().get("sprint") == 5
    assert result.counts().get("recovery") == 4
    assert result.primary == EffortKind.SPRINT


def test_200m_reps_with_1_min_jogs_are_intervals_and_with_full_recoveries_sprints():
    short_rests = [(900, EASY)] + alternate((29, 6.9), (70, 2.6), 6) + [(600, EASY)]
    counts = classify_run(make_activity(short_rests)).counts()
    assert counts.get("interval") == 6 and "sprint" not in counts
    full_rests = [(900, EASY)] + alternate((29, 6.9), (240, 1.3), 4) + [(600, EASY)]
    counts = classify_run(make_activity(full_rests)).counts()
    assert counts.get("sprint") == 4 and "interval" not in counts


def test_strides_recorded_every_4_s_with_a_lagging_cadence_are_found():
    # A Forerunner 235/55 keeps a point every 4-5 s and reports the cadence late.
    segs = [(1200, EASY)] + alternate((14, 7.0), (90, 1.5), 6) + [(300, EASY)]
    result = classify_run(make_activity(segs, every_s=4, cadence_lag_s=10))
    assert result.counts().get("sprint") == 6
    assert result.primary == EffortKind.SPRINT


def test_a_gps_altitude_bump_during_flat_strides_makes_no_hill():
    # GPS altitude rises by metres while the watch moves fast, and falls back after.
    segs = [(1200, EASY)] + alternate((18, 6.5), (75, 2.2), 6) + [(300, EASY)]
    bumps = [(1200.0 + i * 93, 1200.0 + i * 93 + 30, 6.0) for i in range(6)]
    result = classify_run(make_activity(segs, gps_altitude=True, elevation_bumps=bumps))
    counts = result.counts()
    assert counts.get("sprint") == 6 and "hill" not in counts
    assert any("GPS-like elevation" in note for note in result.notes)


# --- hills -----------------------------------------------------------------------------

def test_climbs_at_6pct_well_above_easy_are_hills_and_the_jog_down_is_recovery():
    climb: list[Segment] = [(120, 3.3, 0.06), (140, 2.7, -0.06)]
    act = make_activity([(600, EASY)] + climb + [(120, 3.3, 0.06), (600, EASY)])
    result = classify_run(act)
    kinds = list(result.efforts["kind"])
    assert kinds == ["steady", "hill", "recovery", "hill", "steady"]
    hills = result.efforts[result.efforts["kind"] == "hill"]
    assert abs(seconds(hills["start"].iloc[0]) - 600) <= 5
    assert abs(hills["duration_s"].iloc[0] - 120) <= 10
    assert (hills["grade_pct"] > 4).all()
    assert result.primary == EffortKind.HILL


def test_a_steep_hilly_easy_run_is_steady_and_says_how_much_it_climbed():
    # Easy effort on steep ground: runners slow to about easy / (1 + 4.5 grade) uphill.
    segs: list[Segment] = [(300, EASY)]
    for grade in (0.10, 0.15, 0.12, 0.20, 0.10):
        segs += [(150, 1.05 * EASY / (1 + 4.5 * grade), grade), (240, EASY)]
    segs.append((300, EASY))
    result = classify_run(make_activity(segs))
    assert result.primary == EffortKind.STEADY
    assert "hill" not in result.counts()
    climbed = result.efforts["elevation_gain_m"].sum()
    assert climbed > 80
    assert result.headline() == f"steady, hilly: {climbed:.0f} m up"


def test_one_hard_climb_is_not_a_hill_session():
    result = classify_run(make_activity([(900, EASY), (120, 3.3, 0.06), (900, EASY)]))
    assert result.primary == EffortKind.STEADY and "hill" not in result.counts()


def test_tempo_laps_over_a_hill_are_not_hill_repeats():
    # Up and back down the same road four times at tempo: no recovery, no repeats.
    segs: list[Segment] = [(600, EASY)]
    for _ in range(4):
        segs += [(120, 3.6, 0.06), (100, 4.3, -0.06)]
    segs.append((600, EASY))
    result = classify_run(make_activity(segs))
    assert "hill" not in result.counts()


def test_an_easy_rolling_run_stays_steady():
    segs: list[Segment] = []
    for _ in range(8):
        # Easy effort over the terrain: slower up, a little faster down.
        segs += [(100, EASY * float(gap_factor(0.04)) ** -0.7, 0.04),
                 (80, EASY * 1.08, -0.04), (120, EASY)]
    result = classify_run(make_activity(segs))
    assert list(result.efforts["kind"]) == ["steady"]
    assert result.primary == EffortKind.STEADY


# --- intervals -------------------------------------------------------------------------

def test_six_times_2_min_fast_with_1_min_jogs_gives_6_intervals_and_5_recoveries():
    result = classify_run(make_activity(interval_session()))
    counts = result.counts()
    assert counts.get("interval") == 6 and counts.get("recovery") == 5
    assert result.primary == EffortKind.INTERVAL
    reps = result.efforts[result.efforts["kind"] == "interval"]
    assert ((reps["duration_s"] - 120).abs() <= 6).all()
    assert "6 x 2:00" in reps["why"].iloc[0] and "jogs" in reps["why"].iloc[0]


def test_a_gps_dip_inside_a_rep_does_not_cut_it_in_two():
    # 25 s of slow GPS speed in the middle of each rep while the legs keep their cadence.
    segs: list[Segment] = [(600, EASY)]
    dips = []
    t = 600
    for i in range(6):
        segs += [(60, 4.3), (25, 2.5), (60, 4.3)]
        dips.append((float(t + 60), float(t + 85), 145.0 + 9.0 * 4.3))
        t += 145
        if i < 5:
            segs.append((60, 2.3))
            t += 60
    segs.append((600, EASY))
    result = classify_run(make_activity(segs, cadence_override=dips))
    assert result.counts().get("interval") == 6
    reps = result.efforts[result.efforts["kind"] == "interval"]
    assert ((reps["duration_s"] - 145).abs() <= 8).all()


def test_reps_with_standing_rests_are_judged_against_the_athletes_easy_pace():
    # 4 x 5 min with standing rests: the file has no easy running of its own.
    act = make_activity(alternate((300, 4.8), (240, 0.0), 4))
    athlete = AthleteProfile(easy_speed_mps=3.2, threshold_speed_mps=4.4, top_speed_mps=8.0)
    result = classify_run(act, athlete)
    assert result.counts().get("interval") == 4
    assert result.primary == EffortKind.INTERVAL


def test_a_25_min_tempo_stays_steady_and_says_it_was_tempo():
    athlete = AthleteProfile(easy_speed_mps=EASY, threshold_speed_mps=3.95, top_speed_mps=7.5)
    result = classify_run(make_activity([(600, EASY), (1500, 3.7), (600, EASY)]), athlete)
    assert set(result.efforts["kind"]) == {"steady"}
    assert result.primary == EffortKind.STEADY
    tempo = result.efforts[result.efforts["why"].str.startswith("tempo:")]
    assert len(tempo) == 1 and abs(tempo["duration_s"].iloc[0] - 1500) <= 10
    assert "94 % of your threshold pace" in tempo["why"].iloc[0]
    assert result.headline().startswith("steady, tempo 25:0")
    assert list(hard_steady(result.efforts)) == list(result.efforts["why"].str.startswith("tempo"))
    # At or above the threshold pace it is threshold running (a race, a time trial).
    faster = classify_run(make_activity([(600, EASY), (1200, 4.1), (600, EASY)]), athlete)
    assert faster.headline().startswith("steady, threshold 20:0")


def test_strides_in_an_easy_run_are_shown_as_strides():
    # Six 18-s pickups at 1.7 x easy, far below a 8.5 m/s top speed: strides, not sprints.
    segs = [(1500, EASY)] + alternate((18, 5.2), (70, 2.2), 6) + [(300, EASY)]
    athlete = AthleteProfile(easy_speed_mps=EASY, threshold_speed_mps=3.9, top_speed_mps=8.5)
    result = classify_run(make_activity(segs), athlete)
    assert result.counts().get("sprint") == 6
    assert all(" stride " in why for why in
               result.efforts.loc[result.efforts["kind"] == "sprint", "why"])
    assert result.headline() == "steady + 6 strides"


def test_a_lone_brisk_stretch_is_not_an_interval():
    result = classify_run(make_activity([(900, EASY), (240, 3.9), (900, EASY)]))
    assert result.primary == EffortKind.STEADY
    assert "interval" not in set(result.efforts["kind"])


def test_smart_recording_and_1hz_give_the_same_answer():
    segs = interval_session(reps=5, rep_s=90, rest_s=60)
    one_hz = classify_run(make_activity(segs)).efforts
    smart = classify_run(make_activity(segs, smart=True)).efforts
    assert list(one_hz["kind"]) == list(smart["kind"])
    reps_1 = one_hz[one_hz["kind"] == "interval"]
    reps_s = smart[smart["kind"] == "interval"]
    starts = [seconds(x) for x in reps_1["start"]]
    starts_s = [seconds(x) for x in reps_s["start"]]
    assert np.allclose(starts, starts_s, atol=8)


def test_reps_separated_by_watch_stops_are_found_with_their_lengths():
    segs: list[Segment] = [(600, EASY), (120, 0.0)]
    stops = [(601.0, 719.0)]
    t = 720
    for _ in range(5):
        segs += [(90, 4.5), (60, 0.0)]
        stops.append((t + 91.0, t + 149.0))
        t += 150
    segs.append((600, EASY))
    result = classify_run(make_activity(segs, stops=stops))
    reps = result.efforts[result.efforts["kind"] == "interval"]
    assert len(reps) == 5
    assert ((reps["duration_s"] - 90).abs() <= 3).all()
    recoveries = result.efforts[result.efforts["kind"] == "recovery"]
    assert all("standing or watch stopped" in w for w in recoveries["why"])


def test_reps_on_an_indoor_track_without_distance_come_from_the_cadence():
    segs: list[Segment] = [(600, EASY)]
    frozen = []
    t = 600
    for i in range(5):
        segs.append((75, 5.3))
        frozen.append((float(t), float(t + 75)))
        t += 75
        if i < 4:
            segs.append((60, 0.0))
            t += 60
    segs.append((300, EASY))
    result = classify_run(make_activity(segs, frozen=frozen))
    assert result.counts().get("interval") == 5
    assert any("cadence" in note for note in result.notes)
    reps = result.efforts[result.efforts["kind"] == "interval"]
    assert (reps["distance_m"] > 150).all()  # distance added up from cadence speed


def test_a_ladder_keeps_its_short_reps_as_intervals():
    segs: list[Segment] = [(900, EASY)]
    for i, metres in enumerate([300, 200, 150, 100, 100, 150, 200, 300]):
        segs.append((metres / 6.0, 6.0))
        if i < 7:
            segs.append((60, 0.0))
    segs.append((600, EASY))
    result = classify_run(make_activity(segs))
    assert result.counts().get("interval") == 8
    assert "sprint" not in result.counts()


def test_strides_after_the_reps_are_sprints_not_reps():
    segs = interval_session(reps=4)[:-1] + [(90, 2.3)]
    for i in range(4):
        segs.append((20, 6.3))
        if i < 3:
            segs.append((40, 1.3))
    segs.append((300, EASY))
    counts = classify_run(make_activity(segs)).counts()
    assert counts.get("interval") == 4 and counts.get("sprint") == 4


# --- laps, structure, output -----------------------------------------------------------

def test_manual_laps_are_a_hint_for_edges_and_auto_laps_are_ignored():
    segs = interval_session(reps=3, rep_s=120, rest_s=90)
    rep_starts = [600, 810, 1020]
    manual = [(float(s - 2), float(s + 118), "manual") for s in rep_starts]
    with_laps = classify_run(make_activity(segs, laps=manual)).efforts
    reps = with_laps[with_laps["kind"] == "interval"]
    assert [seconds(x) for x in reps["start"]] == [s - 2 for s in rep_starts]
    assert list(reps["duration_s"]) == [120.0, 120.0, 120.0]
    auto = [(float(i * 333), float((i + 1) * 333), "distance") for i in range(6)]
    plain = classify_run(make_activity(segs)).efforts
    with_auto = classify_run(make_activity(segs, laps=auto)).efforts
    assert list(plain["start"]) == list(with_auto["start"])


def test_efforts_cover_the_run_without_gaps_and_carry_every_column():
    act = make_activity(interval_session(reps=3), stops=[(700.0, 720.0)])
    efforts = classify_run(act).efforts
    assert list(efforts.columns) == list(EFFORT_COLUMNS)
    assert efforts["start"].iloc[0] == act.samples["time"].iloc[0]
    assert efforts["end"].iloc[-1] == act.samples["time"].iloc[-1] + pd.Timedelta(seconds=1)
    assert (efforts["start"].iloc[1:].to_numpy() == efforts["end"].iloc[:-1].to_numpy()).all()
    assert np.allclose(efforts["duration_s"],
                       (efforts["end"] - efforts["start"]).dt.total_seconds())
    assert efforts["why"].map(len).gt(5).all()


def test_json_has_iso_utc_times_and_rounded_numbers():
    data = classify_run(make_activity(interval_session(reps=3))).to_dict()
    assert data["primary"] == "interval"
    first = data["efforts"][0]
    assert first["start"].endswith("Z") and first["end"].endswith("Z")
    assert set(first) >= {"kind", "start", "end", "duration_s", "distance_m", "speed_mps",
                          "gap_speed_mps", "grade_pct", "elevation_gain_m", "heart_rate", "why"}
    json.dumps(data)


def test_only_running_is_classified():
    result = classify_run(make_activity(interval_session(), sport=Sport.RIDE))
    assert result.primary is None and len(result.efforts) == 0


def test_primary_kind_follows_the_issue():
    assert primary_kind(["steady", "interval", "recovery", "interval"]) == "interval"
    assert primary_kind(["interval", "hill"]) == "hill"
    assert primary_kind(["sprint", "sprint", "hill"]) == "hill"
    assert primary_kind(["sprint", "recovery", "sprint"]) == "sprint"
    assert primary_kind(["sprint", "steady"]) == "steady"


def test_formatting_helpers():
    assert fmt_duration(175) == "2:55" and fmt_duration(3725) == "1:02:05"
    assert fmt_pace(1000 / 221) == "3:41/km" and fmt_pace(0.0) == "-"


def test_classify_activities_calibrates_from_all_runs_and_says_so():
    acts = [make_activity(interval_session(), seed=1), make_activity([(1800, EASY)], seed=2)]
    results = classify_activities(acts)
    assert [r.primary for r in results] == ["interval", "steady"]
    assert results[0].profile.source("easy_speed_mps") == "estimated from 2 runs"
    single = classify_run(acts[1])
    assert single.profile.source("easy_speed_mps") == "estimated from this file only"
    assert "profile estimated from this file only" in single.notes


def test_classify_cli_prints_json_and_reports_bad_files(tmp_path: Path, capsys):
    from legday.synth import generate_run, write_gpx

    run = generate_run("strides", seed=5)
    write_gpx(run, tmp_path / "strides.gpx")
    (tmp_path / "broken.tcx").write_text("<TrainingCenterDatabase><Activities><Activity")
    code = main(["classify", "--json", str(tmp_path / "strides.gpx"),
                 str(tmp_path / "broken.tcx")])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out[0]["file"] == str(tmp_path / "strides.gpx")
    assert out[0]["sport"] == "run" and out[0]["primary"] == "sprint"
    assert all({"kind", "start", "end", "duration_s", "why"} <= set(e) for e in out[0]["efforts"])
    assert out[1]["file"] == str(tmp_path / "broken.tcx")
    assert out[1]["error"].startswith("broken.tcx") and "\n" not in out[1]["error"]
    assert main(["classify", str(tmp_path / "strides.gpx")]) == 0
    table = capsys.readouterr().out
    assert "sprint" in table and "1 activities classified, 0 failures" in table


def test_classify_cli_usage_error_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["classify"])
    assert exc.value.code == 2


def test_a_fresh_synthetic_set_is_classified_well(tmp_path: Path):
    """Regression guard over every workout type, written as real FIT and GPX files.

    The targets (F1 0.90, accuracy 0.95) are measured on 80 runs by
    scripts/score_efforts.py; 26 runs are noisier, so the guard is a little lower.
    """
    from legday.evaluation import score_synthetic
    from legday.io import read_path

    truth = generate_set(tmp_path, n=26, seed=7)
    activities = [next(iter(read_path(tmp_path / entry["file"]))) for entry in truth]
    predictions = {entry["file"]: classify_run(act).to_dict()  # type: ignore[arg-type]
                   for entry, act in zip(truth, activities, strict=True)}
    score = score_synthetic(truth, predictions)
    assert score.primary_accuracy >= 0.9
    assert score.efforts.work.f1 >= 0.85


def test_every_threshold_is_documented_with_its_value():
    """docs/efforts.md gives each rule's value; it must be the one the code uses."""
    import dataclasses

    from legday.efforts import RULES

    docs = (Path(__file__).resolve().parents[1] / "docs" / "efforts.md").read_text()

    def shown(value: object) -> str:
        if isinstance(value, tuple):
            return ", ".join(shown(v) for v in value)
        return format(value, ".10g") if isinstance(value, float) else str(value)

    missing = [f"`{f.name}` = {shown(getattr(RULES, f.name))}"
               for f in dataclasses.fields(RULES)
               if f"`{f.name}` = {shown(getattr(RULES, f.name))}" not in docs]
    assert missing == []


def _rises_as_first_written(vals: list[float], rise_min: float) -> list[tuple[int, int]]:
    """The hysteresis of :func:`legday.efforts.judge._rises` as first written (its oracle)."""
    ext: list[int] = []
    direction = 0
    low = high = 0
    for j, value in enumerate(vals):
        if direction == 0:
            low = j if value < vals[low] else low
            high = j if value > vals[high] else high
            if value - vals[low] >= rise_min:
                ext, direction = [low, j], 1
            elif vals[high] - value >= rise_min:
                ext, direction = [high, j], -1
        elif (value - vals[ext[-1]]) * direction >= 0:
            ext[-1] = j
        elif abs(value - vals[ext[-1]]) >= rise_min:
            ext.append(j)
            direction = -direction
    return [(p, q) for p, q in zip(ext, ext[1:], strict=False) if vals[q] > vals[p]]


def _climbs_stretch_by_stretch(run: RunArrays) -> list[tuple[int, int]]:
    """The climbs as first written, each stretch cut on its own (the oracle of
    :func:`climb_spans`, which finds the turning points of the whole run at once)."""
    rise_min = climb_rise_m(run)
    out: list[tuple[int, int]] = []
    for start in np.unique(run.first):
        a, b = int(start), int(run.last[start]) + 1
        z = run.elev[a:b]
        ok = np.flatnonzero(np.isfinite(z))
        if len(ok) < 2:
            continue
        turns = np.flatnonzero(turning_points(z[ok]))
        for p, q in _rises_as_first_written(z[ok][turns].tolist(), rise_min):
            i0, i1 = turns[p], turns[q]
            seg = z[ok[i0]:ok[i1] + 1]
            low, high = float(seg[0]), float(seg[-1])
            margin = min(0.1 * (high - low), rise_min / 4)
            begin = ok[i0] + int(np.flatnonzero(seg <= low + margin)[-1])
            end = ok[i0] + int(np.flatnonzero(seg >= high - margin)[0])
            if end > begin:
                out.append((a + begin, a + end + 1))
    return out


def test_climbs_of_the_whole_run_are_those_of_each_stretch_on_its_own():
    climb: list[Segment] = [(120, 3.3, 0.06), (140, 2.7, -0.06)]
    act = make_activity([(300, EASY)] + climb * 4 + [(300, EASY)], gps_altitude=True,
                        stops=[(500.0, 530.0), (900.0, 960.0), (1400.0, 1401.5)])
    run = RunArrays.of(prepare_arrays(act), EASY, RULES)
    assert len(np.unique(run.first)) >= 3
    rng = np.random.default_rng(5)
    for holes in (0, 20, 400):
        run.elev[rng.integers(0, len(run.elev), holes)] = np.nan
        for rise_min in (2.0, 4.0):
            run.elevation_noise_m = rise_min / RULES.climb_noise_x
            expected = _climbs_stretch_by_stretch(run)
            assert climb_spans(run) == expected
            assert expected or rise_min > 2.0


def test_rises_and_gains_from_turning_points_are_as_first_written():
    rng = np.random.default_rng(3)
    for _ in range(300):
        # Rounded, so that the series has flat steps too.
        z = np.round(np.cumsum(rng.normal(0, 1.5, int(rng.integers(2, 80)))), 1)
        turns = z[turning_points(z)].tolist()
        # Every sample through the hysteresis gives what the turning points alone give.
        assert climb_through_turns(turns) == climb_through_turns(z.tolist()) == elevation_gain_m(z)
        for rise_min in (1.0, 3.0):
            assert _rises(turns, rise_min) == _rises_as_first_written(turns, rise_min)


def test_the_efforts_frame_is_the_same_from_the_plain_constructor(monkeypatch):
    act = make_activity(interval_session(reps=3), stops=[(700.0, 720.0)])
    from_blocks = classify_run(act).efforts
    monkeypatch.setattr(describe, "_FROM_BLOCKS", None)
    plain = classify_run(act).efforts
    pd.testing.assert_frame_equal(from_blocks, plain, check_exact=True)
    assert list(plain.dtypes) == list(from_blocks.dtypes)


def test_the_median_by_one_sort_is_numpys():
    rng = np.random.default_rng(8)
    for n in range(1, 40):
        values = np.round(rng.normal(3.0, 1.0, n), 1)  # ties too
        assert median_of(values) == float(np.median(values))
        assert median_of(np.round(values)) == float(np.median(np.round(values)))
    assert np.isnan(median_of(np.array([1.0, np.nan, 2.0])))


def test_the_runs_easy_level_is_clipped_as_numpy_clips():
    import dataclasses

    from legday.calibration import run_stats
    from legday.efforts import run_easy_level

    stats = run_stats(prepare_arrays(make_activity([(900, EASY)])))
    for own in (2.0, 2.9, 3.3, 4.0, np.nan):
        for athlete in (2.5, 3.0, np.nan, np.inf):
            for cap in (1.15, 0.9):
                got = run_easy_level(dataclasses.replace(stats, easy_speed_mps=own),
                                     AthleteProfile(easy_speed_mps=athlete),
                                     RULES.replace(easy_cap_x=cap))
                expected = (athlete if not np.isfinite(own)
                            else float(np.clip(own, athlete, cap * athlete)))
                assert got == expected or (np.isnan(got) and np.isnan(expected))
