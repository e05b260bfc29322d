"""The shortcuts of preparing a run give what the general way gives: the stretches a
prepared run carries, the sample columns read without a Series each, the turning points."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from legday.calibration import AthleteProfile, run_stats
from legday.cleaning import (
    Prepared,
    _mark_stops,
    apply_cadence_model,
    frame_stretches,
    prepare_arrays,
    stretch_bounds,
    turning_points,
    window_mean,
)
from legday.efforts.bouts import RunArrays
from legday.efforts.rules import RULES
from legday.io import read_path
from legday.model import EVENT_COLUMNS, Activity, make_frame
from tests.conftest import require_realdata
from tests.test_classify_real import CASES, EXPORT
from tests.test_efforts import EASY, T0, interval_session, make_activity


def _paused(act: Activity, pauses: list[tuple[float, float]]) -> Activity:
    """``act`` with watch stops over ``pauses`` while the samples go on (recorded paused)."""
    end = (act.samples["time"].iloc[-1] - T0).total_seconds()
    events = [(0.0, "start")]
    for a, b in pauses:
        events += [(a, "stop"), (b, "start")]
    events.append((end, "stop"))
    timer = make_frame(EVENT_COLUMNS, {"time": [T0 + pd.Timedelta(seconds=s) for s, _ in events],
                                       "event": [e for _, e in events]})
    return dataclasses.replace(act, timer_events=timer)


def _synthetic() -> list[Activity]:
    session = interval_session()
    return [
        make_activity([(900, EASY)]),  # one stretch
        make_activity(session, stops=[(700.0, 760.0), (1000.0, 1003.0)]),  # 1 Hz, stops
        make_activity(session, stops=[(700.0, 760.0)], smart=True),  # smart recording
        make_activity(session, every_s=4),
        make_activity(session, frozen=[(300.0, 500.0)]),  # runs on cadence there
        _paused(make_activity(session), [(300.0, 400.0), (800.0, 802.0)]),
        _paused(make_activity(session, smart=True), [(300.0, 400.0)]),
        make_activity([(3, EASY)]),
    ]


def _real() -> list[Activity]:
    root = require_realdata() / EXPORT
    acts = [next(iter(read_path(root / f"{file_id}.fit.gz"))) for file_id in sorted(CASES)]
    return [act for act in acts if isinstance(act, Activity)]


def _check_carried_stretches(act: Activity) -> None:
    prepared = prepare_arrays(act, AthleteProfile().cadence_model)
    stretch = prepared["stretch"]
    carried = frame_stretches(prepared)
    assert carried is prepared.known_stretches[1]
    first, last = stretch_bounds(stretch)
    assert np.array_equal(carried.first, first) and np.array_equal(carried.last, last)
    assert np.array_equal(carried.starts, np.flatnonzero(first == np.arange(len(first))))
    frame = prepared.to_frame()
    from_column = frame_stretches(frame)
    for half in (2, 4, 5, 15):
        for name in ("gap_speed_mps", "elevation_fine_m", "cadence_spm"):
            expected = window_mean(prepared[name], stretch, half)
            assert np.array_equal(carried.window_mean(prepared[name], half), expected,
                                  equal_nan=True)
            assert np.array_equal(from_column.window_mean(frame[name].to_numpy(), half),
                                  expected, equal_nan=True)
    # The later steps read the same from the prepared arrays as from the DataFrame.
    assert repr(run_stats(prepared)) == repr(run_stats(frame))
    model = AthleteProfile(cadence_model=dataclasses.replace(
        AthleteProfile().cadence_model, speed_ref_mps=3.4)).cadence_model
    refilled = apply_cadence_model(prepared, model)
    assert isinstance(refilled, Prepared) and frame_stretches(refilled) is carried
    fast = RunArrays.of(refilled, 2.8, RULES, act.laps)
    slow = RunArrays.of(apply_cadence_model(frame, model), 2.8, RULES, act.laps)
    for name in ("x", "elev_fine", "first", "last", "speed", "moving"):
        assert np.array_equal(getattr(fast, name), getattr(slow, name), equal_nan=True), name


def test_prepared_runs_carry_the_stretches_of_their_stretch_column():
    for act in _synthetic():
        _check_carried_stretches(act)


@pytest.mark.corpus
def test_real_prepared_runs_carry_the_stretches_of_their_stretch_column():
    for act in _real():
        _check_carried_stretches(act)


def test_a_replaced_stretch_column_is_read_again():
    prepared = prepare_arrays(make_activity([(600, EASY)], stops=[(300.0, 360.0)]))
    changed = Prepared(dict(prepared), dict(prepared.attrs), frame_stretches(prepared))
    changed["stretch"] = np.zeros(len(prepared), dtype=np.int64)  # one stretch now
    assert np.array_equal(frame_stretches(changed).last, np.full(len(prepared), len(prepared) - 1))
    assert frame_stretches(Prepared(dict(prepared), {})).first.tolist() == (
        frame_stretches(prepared).first.tolist())


def test_window_means_kept_for_a_column_are_its_means_and_new_arrays():
    prepared = prepare_arrays(make_activity(interval_session(), stops=[(700.0, 760.0)]))
    stretches = frame_stretches(prepared)
    gap, elev = prepared["gap_speed_mps"], prepared["elevation_fine_m"]
    expected = window_mean(gap, prepared["stretch"], 4)
    first = stretches.window_mean(gap, 4)
    first[:] = -1.0  # the caller's own array
    again = stretches.window_mean(gap, 4)
    assert np.array_equal(again, expected) and again is not first
    changed = gap * 2.0  # another column: its own mean
    assert np.array_equal(stretches.window_mean(changed, 4),
                          window_mean(changed, prepared["stretch"], 4))
    # The elevation's prefix sums from preparing the run give the same means.
    assert np.array_equal(stretches.window_mean(elev, 2),
                          window_mean(elev, prepared["stretch"], 2), equal_nan=True)


def _same_prepared(a: Prepared, b: Prepared) -> None:
    assert a.keys() == b.keys() and repr(a.attrs) == repr(b.attrs)
    for name in a:
        if name == "speed_source":
            assert a[name].tolist() == b[name].tolist()
        else:
            assert np.array_equal(a[name], b[name], equal_nan=a[name].dtype.kind == "f"), name


def _nullable_heart_rate(act: Activity) -> Activity:
    """``act`` with its heart rate as pandas' nullable integers, a few of them missing."""
    samples = act.samples.copy()
    samples["heart_rate"] = samples["heart_rate"].round().astype("Int64")
    samples.loc[samples.index[:5], "heart_rate"] = pd.NA
    return dataclasses.replace(act, samples=samples)


@pytest.mark.corpus
def test_without_pandas_private_iterator_the_run_is_prepared_the_same(
        monkeypatch: pytest.MonkeyPatch):
    acts = _real() + _synthetic()
    acts.append(_nullable_heart_rate(acts[-2]))  # a column that is no float array
    fast = [prepare_arrays(act) for act in acts]
    monkeypatch.delattr(pd.DataFrame, "_iter_column_arrays")  # a pandas without it
    for act, expected in zip(acts, fast, strict=True):
        _same_prepared(prepare_arrays(act), expected)


def _plain_turning_points(z: np.ndarray) -> np.ndarray:
    slope = np.diff(z)
    sign = np.sign(slope)
    keep = np.ones(len(z), dtype=bool)
    keep[1:-1] = (sign[1:] != sign[:-1]) & (slope[1:] != 0)
    return keep


def test_turning_points_are_those_of_the_plain_formula():
    rng = np.random.default_rng(5)
    for n in range(40):
        for _ in range(50):
            z = np.round(rng.normal(size=n) * rng.choice([0.1, 1.0, 5.0]), 1)  # flats too
            if n and rng.random() < 0.3:
                z[rng.integers(0, n, 2)] = rng.choice([np.nan, np.inf, -np.inf])
            with np.errstate(invalid="ignore"):  # inf - inf, in both
                assert np.array_equal(turning_points(z), _plain_turning_points(z)), z
    for act in _synthetic():
        elev = prepare_arrays(act)["elevation_m"]
        assert np.array_equal(turning_points(elev), _plain_turning_points(elev))


def _plain_mark_stops(t: np.ndarray, et: list[float], is_stop: list[bool],
                      new: np.ndarray) -> np.ndarray:
    """The stretch ids of :func:`_mark_stops` from two binary searches."""
    n = len(t)
    stop_at = [i for i, stop in enumerate(is_stop) if stop]
    after = np.searchsorted(t, [et[i] for i in stop_at], side="right").tolist()
    for a in after:
        if 0 < a < n:
            new[a] = True
    next_event = [et[i + 1] if i + 1 < len(et) else np.inf for i in stop_at]
    until = np.searchsorted(t, next_event, side="left").tolist()
    ids = new.cumsum()
    for a, b in zip(after, until, strict=True):
        ids[a:b] = -1
    return ids


def test_stops_found_in_one_search_are_those_of_two():
    rng = np.random.default_rng(9)
    for _ in range(500):
        n = int(rng.integers(1, 60))
        t = 1.7e9 + np.cumsum(rng.choice([0.0, 0.1, 1.0, 1.0, 3.0, 20.0], size=n))
        count = int(rng.integers(1, 8))
        # Events at sample times (the boundary cases), between them and outside.
        et = np.sort(np.concatenate((rng.choice(t, count // 2 + 1),
                                     rng.uniform(t[0] - 5, t[-1] + 5, count)))).tolist()
        is_stop = (rng.random(len(et)) < 0.5).tolist()
        is_stop[0] = True
        new = np.zeros(n, dtype=bool)
        new[1:] = np.diff(t) > 15.0
        ids, _, _ = _mark_stops(t, et, is_stop, new.copy())
        assert np.array_equal(ids, _plain_mark_stops(t, et, is_stop, new.copy()))
