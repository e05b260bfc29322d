"""Signal preparation: stretches, grid, speed, elevation, grade and GAP."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from legday.cleaning import (
    PREPARED_COLUMNS,
    CadenceModel,
    _far_any,
    _far_sorted,
    _grid,
    _Resampler,
    apply_cadence_model,
    elevation_gain_m,
    elevation_noise_m,
    grade_from_elevation,
    prepare_arrays,
    prepare_run,
    smooth_elevation,
    speed_from_distance,
    stretch_ids,
    window_mean,
    window_median,
)
from legday.gap import DOWNHILL_FLOOR, MAX_GRADE, gap_factor, grade_adjusted_speed
from legday.model import EVENT_COLUMNS, make_frame, make_samples
from tests.test_efforts import EASY, T0, make_activity


def _samples(seconds: list[float]) -> pd.DataFrame:
    df, _ = make_samples({"time": [T0 + pd.Timedelta(seconds=s) for s in seconds],
                          "distance_m": [3.0 * s for s in seconds]})
    return df


def _events(pairs: list[tuple[float, str]]) -> pd.DataFrame:
    return make_frame(EVENT_COLUMNS, {"time": [T0 + pd.Timedelta(seconds=s) for s, _ in pairs],
                                      "event": [e for _, e in pairs]})


# --- moving stretches and the grid ------------------------------------------------------

def test_timer_stops_and_long_gaps_split_stretches_and_paused_samples_are_dropped():
    samples = _samples([0, 1, 2, 3, 10, 11, 40, 41, 42])
    events = _events([(0, "start"), (3, "stop"), (10, "start")])
    ids = stretch_ids(samples, events)
    # 3 is the stop sample (kept in the first stretch); 10 starts the next; the 29-s gap
    # before 40 starts a third.
    assert list(ids) == [0, 0, 0, 0, 1, 1, 2, 2, 2]
    samples = _samples([0, 1, 2, 5, 8, 9])
    events = _events([(0, "start"), (2, "stop"), (8, "start")])
    assert list(stretch_ids(samples, events)) == [0, 0, 0, -1, 1, 1]


def test_prepare_run_puts_samples_on_a_1s_grid_within_stretches():
    act = make_activity([(100, EASY), (100, EASY)], stops=[(99.0, 150.0)], smart=True)
    frame = prepare_run(act)
    assert list(frame.columns) == list(PREPARED_COLUMNS)
    assert frame["stretch"].nunique() == 2
    steps = np.diff(frame["t_s"].to_numpy())
    inside = np.diff(frame["stretch"].to_numpy()) == 0
    assert np.allclose(steps[inside], 1.0)
    assert steps[~inside][0] > 40
    assert str(frame["time"].dt.tz) == "UTC"
    arrays = prepare_arrays(act)
    assert np.allclose(arrays["speed_mps"], frame["speed_mps"])


def test_smart_recording_and_1hz_give_the_same_speeds():
    segs = [(300, EASY), (120, 4.5), (300, EASY)]
    one_hz = prepare_run(make_activity(segs))
    smart = prepare_run(make_activity(segs, smart=True))
    merged = one_hz.merge(smart, on="t_s", suffixes=("", "_smart"))
    steady = (merged["t_s"] % 420 > 30) & (merged["t_s"] % 420 < 270)
    err = (merged["speed_mps"] - merged["speed_mps_smart"])[steady].abs()
    assert len(merged) > 0.95 * len(one_hz)
    assert err.median() < 0.1


# --- speed -----------------------------------------------------------------------------

def test_a_40m_sprint_keeps_its_speed_and_gps_noise_does_not_make_surges():
    speed = np.r_[np.full(60, 3.0), np.full(6, 7.0), np.full(60, 3.0)]
    d = np.cumsum(speed)
    v = speed_from_distance(d, np.zeros(len(d), dtype=np.int64))
    assert v.max() >= 0.85 * 7.0
    rng = np.random.default_rng(1)
    noisy = np.cumsum(np.full(600, 3.0)) + rng.normal(0, 1.5, 600)  # metres of jitter
    v = speed_from_distance(np.maximum.accumulate(noisy), np.zeros(600, dtype=np.int64))
    assert np.percentile(v, 99) < 3.0 * 1.5


def test_gps_jumps_are_not_speed():
    d = np.cumsum(np.full(120, 3.0))
    d[60:] += 250.0  # the position jumped 250 m in one second
    v = speed_from_distance(d, np.zeros(120, dtype=np.int64))
    assert v.max() < 4.0


def test_windows_never_cross_stretches():
    values = np.r_[np.ones(10), np.full(10, 5.0)]
    stretch = np.r_[np.zeros(10, dtype=np.int64), np.ones(10, dtype=np.int64)]
    assert np.allclose(window_mean(values, stretch, 3)[:10], 1.0)
    assert np.allclose(window_median(values, stretch, 2)[10:], 5.0)


# --- elevation, grade, GAP -------------------------------------------------------------

def test_grade_of_a_ramp_and_clamping_of_absurd_grades():
    d = np.arange(0.0, 600.0, 3.0)
    stretch = np.zeros(len(d), dtype=np.int64)
    e = 100 + 0.06 * d
    g = grade_from_elevation(smooth_elevation(e, d, stretch), d, stretch)
    assert np.allclose(g[30:-30], 0.06, atol=0.002)
    cliff = np.where(d > 300, 200.0, 100.0)
    assert grade_from_elevation(cliff, d, stretch).max() == pytest.approx(MAX_GRADE)


def test_elevation_gain_uses_a_hysteresis():
    wiggle = 100 + np.tile([0.0, 1.0], 50)
    assert elevation_gain_m(wiggle) == 0.0
    climb = np.r_[np.linspace(100, 110, 50), np.linspace(110, 105, 20), np.linspace(105, 112, 30)]
    assert elevation_gain_m(climb) == pytest.approx(17.0, abs=0.5)


def test_gps_like_elevation_is_recognised_by_its_roughness():
    rng = np.random.default_rng(3)
    stretch = np.zeros(1200, dtype=np.int64)
    baro = np.round((100 + np.linspace(0, 5, 1200)) / 0.2) * 0.2
    gps = 100 + np.cumsum(rng.normal(0, 0.8, 1200)) * 0.3
    assert elevation_noise_m(baro, stretch) < 0.3 < elevation_noise_m(gps, stretch)


def test_gap_follows_the_acsm_slope_uphill_with_the_downhill_cap():
    # ACSM: VO2 = 0.2 v + 0.9 v i + 3.5, so 3 m/s up 10 % costs what 3 * (1 + 0.45) does flat.
    assert float(gap_factor(0.0)) == pytest.approx(1.0)
    assert float(gap_factor(0.1)) == pytest.approx(1.45)
    assert grade_adjusted_speed(np.array([3.0]), np.array([0.1]))[0] == pytest.approx(4.35)
    assert float(gap_factor(0.5)) == pytest.approx(1.0 + 4.5 * MAX_GRADE)
    assert float(gap_factor(-0.01)) == pytest.approx(0.955)
    assert float(gap_factor(-0.2)) == pytest.approx(DOWNHILL_FLOOR)
    assert float(gap_factor(np.nan)) == 1.0


# --- cadence fallback ------------------------------------------------------------------

def test_frozen_distance_with_a_running_cadence_takes_the_speed_from_cadence():
    act = make_activity([(300, EASY), (90, 5.0), (300, EASY)], frozen=[(300.0, 390.0)])
    frame = prepare_run(act)
    reps = frame[(frame["t_s"] >= 310) & (frame["t_s"] < 380)]
    assert (reps["speed_source"] == "cadence").all()
    assert reps["speed_mps"].median() > EASY * 1.2
    fast = CadenceModel(cadence_ref_spm=170.0, speed_ref_mps=3.0, exponent=6.0)
    refilled = apply_cadence_model(frame, fast)
    assert refilled is not frame and frame["speed_mps"].equals(prepare_run(act)["speed_mps"])
    assert not refilled["speed_mps"].equals(frame["speed_mps"])


def test_cadence_model_is_monotone_and_silent_when_walking():
    model = CadenceModel()
    v = model.speed_mps(np.array([120.0, 160.0, 180.0, 200.0]))
    assert np.isnan(v[0]) and v[1] < v[2] < v[3]


# --- fast paths against the general ones -----------------------------------------------

def test_resampling_on_the_samples_own_times_matches_the_general_interpolation():
    # Missing runs at the ends, in the middle, longer than the largest hole, and gaps
    # between valid samples longer than it: the neighbour-only path must agree exactly.
    rng = np.random.default_rng(7)
    for trial in range(800):
        n = int(rng.integers(2, 80))
        one_hz = trial % 2 == 1  # a 1-s recording in stretches: its own grid
        steps = rng.choice([1.0, 1.0, 1.0, 16.0, 40.0] if one_hz
                           else [1.0, 1.0, 1.0, 2.0, 0.5, 15.0, 16.0, 40.0], size=n - 1)
        t = np.concatenate(([0.0], np.cumsum(steps))) + rng.choice([0.0, 1e4 + 0.3])
        grid_t, _, stretches = _grid(t, np.concatenate(([0], np.cumsum(steps > 15.0))))
        assert not one_hz or np.array_equal(grid_t, t)
        nan = rng.random(n) < rng.random()
        nan[: int(rng.integers(0, 3))] = True
        if nan.all() or not nan.any():
            continue
        values = np.where(nan, np.nan, rng.normal(size=n) * 10)
        general = _Resampler(t, t)
        general._strict = False  # the path through every valid sample
        for few in (0, _Resampler.FEW_MISSING):  # numpy's walk of the runs, then Python's
            own = _Resampler(t, t, stretches=stretches if one_hz else None)
            own.FEW_MISSING = few
            for scale in (1.0, 2.0):  # the second column reuses the holes of the first
                fast = own.own(values * scale, nan.copy())
                slow = general.own(values * scale, nan.copy())
                assert np.array_equal(fast, slow, equal_nan=True)
                # No valid sample is lost: at its own time the grid holds it.
                assert np.array_equal(fast[~nan], values[~nan] * scale)


def test_far_grid_points_are_found_alike_and_never_at_a_valid_samples_own_time():
    rng = np.random.default_rng(11)
    for _ in range(400):
        tv = np.cumsum(rng.choice([1.0, 3.0, 16.0, 40.0], size=int(rng.integers(1, 30))))
        # A grid around the valid samples that hits some of their own times.
        grid_t = np.unique(np.concatenate((
            np.arange(tv[0] - 5.0, tv[-1] + 5.0, float(rng.choice([0.5, 1.0, 2.0]))),
            rng.choice(tv, size=min(3, len(tv))))))
        far = _far_sorted(grid_t, tv, 15.0)
        assert np.array_equal(np.sort(far), np.flatnonzero(_far_any(grid_t, tv, 15.0)))
        assert not np.isin(grid_t[far], tv).any()


def test_a_heart_rate_with_a_dropout_keeps_its_last_beat_and_the_one_before_a_long_gap():
    act = make_activity([(600, EASY)])
    hr = act.samples["heart_rate"].to_numpy(dtype=float).copy()
    hr[100:140] = np.nan  # a 40-s dropout of the strap
    hr[[-2, -1]] = [151.0, 152.0]
    act.samples["heart_rate"] = hr
    prepared = prepare_arrays(act)["heart_rate"]
    assert prepared[99] == hr[99]  # before the dropout: as recorded
    assert np.isnan(prepared[110:130]).all()  # not bridged across it
    assert prepared[140] == hr[140]
    assert prepared[-1] == 152.0
