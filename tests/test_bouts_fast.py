"""The shortcuts of :mod:`legday.efforts.bouts` give what the plain numpy calls give."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math

import numpy as np
import pandas as pd
import pytest

from legday.calibration import AthleteProfile
from legday.cleaning import numpy_sum, prepare_arrays
from legday.efforts.bouts import (
    Bout,
    RunArrays,
    _hysteresis,
    _lap_columns,
    _LevelSplitter,
    _refine_edges,
    _span_means,
    _trim_levels,
    _work_spans,
    find_bouts,
    measure,
    measure_all,
    slice_sums,
)
from legday.efforts.rules import RULES
from legday.io import read_path
from legday.model import Activity
from tests.conftest import require_realdata


def _spans(rng: np.random.Generator, n: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Random spans of ``range(n)``, empty and whole ones among them, overlapping."""
    lo = rng.integers(0, n + 1, count)
    hi = np.minimum(lo + rng.integers(0, 2 * n, count) // rng.integers(1, 50, count), n)
    lo[:2], hi[:2] = (0, n), (n, n)
    return lo, hi


def _check_slice_sums(values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    sums = slice_sums(values, lo, hi)
    for i, j, total in zip(lo.tolist(), hi.tolist(), sums.tolist(), strict=True):
        if j > i:  # an empty slice's sum is never asked for
            assert total == np.add.reduce(values[i:j]), (i, j)


def test_slice_sums_are_each_slice_summed_alone_to_the_last_bit():
    rng = np.random.default_rng(12)
    for n in (1, 7, 8, 9, 127, 128, 129, 1000, 5000):
        for values in (rng.standard_normal(n) * 1e3, np.cumsum(rng.random(n)) * 1e-2 + 3.0):
            _check_slice_sums(values, *_spans(rng, n, 60))
    assert len(slice_sums(np.ones(3), np.zeros(0, np.int64), np.zeros(0, np.int64))) == 0


def test_slice_sums_of_a_real_run_are_each_slice_summed_alone():
    path = require_realdata() / "bulk" / "stravaexport__slalom007" / "activities"
    act = next(iter(read_path(path / "16061863371.fit.gz")))
    assert isinstance(act, Activity)
    run = RunArrays.of(prepare_arrays(act, AthleteProfile().cadence_model), 2.8, RULES, act.laps)
    rng = np.random.default_rng(3)
    for values in (run.x, run.speed, run.x_moving, run.cadence[np.isfinite(run.cadence)]):
        _check_slice_sums(values, *_spans(rng, len(values), 200))


@pytest.mark.parametrize("count", range(1, 8))
def test_a_few_values_add_up_as_numpy_adds_them(count: int):
    rng = np.random.default_rng(count)
    for _ in range(200):
        values = rng.standard_normal(count) * 10.0 ** rng.integers(-3, 4, count)
        assert numpy_sum(values.tolist()) == np.add.reduce(values)


@pytest.mark.parametrize("private_iterator", [True, False])
def test_lap_columns_are_the_frames_columns(private_iterator: bool,
                                            monkeypatch: pytest.MonkeyPatch):
    if not private_iterator:  # a pandas without it
        monkeypatch.delattr(pd.DataFrame, "_iter_column_arrays")
    laps = pd.DataFrame({
        "start": pd.to_datetime(["2025-05-01T07:00:00Z", "2025-05-01T07:05:00Z"]),
        "end": pd.to_datetime(["2025-05-01T07:05:00Z", "2025-05-01T07:09:00Z"]),
        "elapsed_s": [300.0, 240.0], "distance_m": [1000.0, 830.0],
        "trigger": ["distance", "manual"], "intensity": [None, "active"],
    })
    columns = _lap_columns(laps)
    assert sorted(columns) == ["distance_m", "end", "start", "trigger"]
    for name, values in columns.items():
        assert list(values) == laps[name].tolist()


def _real_run(file_id: str) -> RunArrays:
    path = require_realdata() / "bulk" / "stravaexport__slalom007" / "activities"
    act = next(iter(read_path(path / f"{file_id}.fit.gz")))
    assert isinstance(act, Activity)
    frame = prepare_arrays(act, AthleteProfile().cadence_model)
    return RunArrays.of(frame, 0.75 * float(np.nanmedian(frame["gap_speed_mps"])), RULES, act.laps)


#: Interval sessions, sprints, hill sprints and an easy run of the export.
_REAL_RUNS = ("13920452748", "14028015329", "16470990800", "14304844410", "16061863371",
              "14204490666")


def _work_spans_of(run: RunArrays) -> list[tuple[int, int]]:
    first = run.stretch_start
    work = _hysteresis(run.x, first, RULES.enter_x_easy * run.easy, RULES.leave_x_easy * run.easy)
    starts, ends = _work_spans(work, first)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


@pytest.mark.parametrize("file_id", _REAL_RUNS)
def test_trimming_finds_the_parts_the_level_search_finds(file_id: str):
    run = _real_run(file_id)
    spans = _work_spans_of(run)
    # Every span alone, and the spans joined in twos and threes (longer bouts, inner dips).
    spans += [(a, b) for (a, _), (_, b) in zip(spans, spans[2:], strict=False)
              if run.stretch[a] == run.stretch[b - 1]]
    enter = RULES.enter_x_easy * run.easy
    mean = _span_means(run.x)
    levels = _LevelSplitter(run)
    for span in spans:
        first = levels.outer_part(*span, lambda a, b: mean(a, b) >= enter)
        last = levels.outer_part(*span, lambda a, b: mean(a, b) >= enter, from_end=True)
        expected = [] if first is None or last is None else [(first[0], last[1])]
        assert _trim_levels(run, [span], mean) == expected, span


def _refined_by_numpy(run: RunArrays, a: int, b: int) -> tuple[int, int]:
    """The edges of :func:`_refine_edges`, found with numpy calls only."""
    x, search = run.x, RULES.edge_search_s
    k = min(int(0.75 * (b - a)), b - a - 1)
    level = float(np.partition(x[a:b], k)[k])
    lo_a, hi_b = max(a - search, int(run.first[a])), min(b + search, int(run.last[b - 1]) + 1)
    new_a, new_b = a, b
    if lo_a < a:
        above = x[lo_a:b] >= 0.5 * (level + float(x[lo_a:a].min()))
        if above.any():
            new_a = lo_a + int(above.argmax())
    if b < hi_b:
        above = x[new_a:hi_b][::-1] >= 0.5 * (level + float(x[b:hi_b].min()))
        if above.any():
            new_b = hi_b - int(above.argmax())
    return new_a, new_b


@pytest.mark.parametrize("file_id", _REAL_RUNS)
def test_refined_edges_are_those_numpy_finds(file_id: str):
    run = _real_run(file_id)
    rng = np.random.default_rng(int(file_id) % 1000)
    spans = _work_spans_of(run)
    # Shifted edges too: crossings inside the bout and in the surroundings.
    spans += [(max(a + int(rng.integers(-15, 15)), int(run.first[a])), b) for a, b in spans]
    for a, b in spans:
        if b - a < 2:
            continue
        bout = Bout(a, b)
        _refine_edges(run, bout)
        assert (bout.a, bout.b) == _refined_by_numpy(run, a, b), (a, b)


def _same(first: object, second: object) -> bool:
    """Equal to the last bit (NaN equal to NaN, 0.0 not to -0.0), of the same type."""
    if type(first) is not type(second):
        return False
    if isinstance(first, float) and isinstance(second, float):
        return (math.isnan(first) and math.isnan(second)) or (
            first == second and math.copysign(1, first) == math.copysign(1, second))
    return first == second


@pytest.mark.parametrize("file_id", _REAL_RUNS)
def test_measuring_all_bouts_at_once_measures_each_as_measure_does(file_id: str):
    run = _real_run(file_id)
    rng = np.random.default_rng(int(file_id) % 997)
    n = len(run.x)
    found = find_bouts(run)
    assert found
    # Bouts as found; spans of every length (under the peak's 5 s too) and anywhere:
    # standing, across stretches, at the run's ends.
    groups = [found]
    for lengths in ((1, 2, 4, 5, 7, 30, 400), (5, 6, 12, 60, 900)):
        starts = rng.integers(0, n - 1, 40).tolist() + [0, n - 5]
        groups.append([Bout(a, min(n, a + int(rng.choice(lengths)))) for a in starts])
    # Gaps in the heart rate and the fine elevation, no heart rate at all.
    gaps = rng.random(n) < 0.1
    runs = [run, dataclasses.replace(run, hr=np.where(gaps, np.nan, run.hr),
                                     elev_fine=np.where(gaps, np.nan, run.elev_fine)),
            dataclasses.replace(run, hr=np.full(n, np.nan))]
    for measured, bouts in itertools.product(runs, groups):
        one_by_one = copy.deepcopy(bouts)
        for bout in one_by_one:
            measure(measured, bout)
        at_once = copy.deepcopy(bouts)
        measure_all(measured, at_once)
        for alone, together in zip(one_by_one, at_once, strict=True):
            for name in (f.name for f in dataclasses.fields(Bout)):
                assert _same(getattr(alone, name), getattr(together, name)), (
                    name, alone, together)
