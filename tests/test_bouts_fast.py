"""The shortcuts of :mod:`legday.efforts.bouts` give what the plain numpy calls give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from legday.calibration import AthleteProfile
from legday.cleaning import prepare_arrays
from legday.efforts.bouts import RunArrays, _lap_columns, _sum_of_few, slice_sums
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
        assert _sum_of_few(values.tolist()) == np.add.reduce(values)


def test_lap_columns_are_the_frames_columns():
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
