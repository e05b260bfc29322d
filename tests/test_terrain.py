"""Descending and climbing of a run, on constructed runs with a known answer."""

from __future__ import annotations

import numpy as np
import pytest

from legday.cleaning import prepare_arrays
from legday.terrain import TerrainStats, terrain_stats
from tests.test_efforts import EASY, make_activity


def test_a_steep_descent_is_counted_and_a_gentle_one_is_not_steep():
    # 120 m up at 6 %, then down: 60 m at -12 % and 60 m at -4 %.
    act = make_activity([(600, EASY), (700, 2.86, 0.06), (200, 2.5, -0.12),
                         (500, 3.0, -0.04), (600, EASY)])
    stats = terrain_stats(prepare_arrays(act))
    assert stats.descent_m == pytest.approx(120, abs=8)
    assert stats.steep_descent_m == pytest.approx(60, abs=8)
    assert stats.steep_descent_s == pytest.approx(200, abs=20)


def test_walking_down_is_not_running_downhill():
    act = make_activity([(600, EASY), (400, 2.9, 0.08), (600, 1.2, -0.08), (600, EASY)])
    assert terrain_stats(prepare_arrays(act)).descent_m < 3


def test_climbing_is_compared_with_the_flat_by_cadence_and_effort():
    act = make_activity([(900, EASY), (600, 2.5, 0.06), (900, EASY)])
    stats = terrain_stats(prepare_arrays(act))
    assert stats.climb_s == pytest.approx(600, abs=40) and stats.flat_s > 1500
    # The test runner's cadence follows speed (145 + 9 v): slower uphill, fewer steps.
    assert stats.climb_cadence_spm == pytest.approx(145 + 9 * 2.5, abs=2)
    assert stats.flat_cadence_spm == pytest.approx(145 + 9 * EASY, abs=2)
    assert stats.climb_gap_mps == pytest.approx(2.5 * (1 + 4.5 * 0.06), rel=0.05)
    assert stats.flat_gap_mps == pytest.approx(EASY, rel=0.03)


def test_a_flat_run_has_no_descent_and_says_nothing_about_climbing():
    stats = terrain_stats(prepare_arrays(make_activity([(1800, EASY)])))
    assert stats.descent_m == 0 and stats.steep_descent_m == 0
    assert np.isnan(stats.climb_cadence_spm) and np.isnan(stats.climb_gap_mps)
    stored = stats.to_dict()
    assert stored["climb_gap_mps"] is None
    assert TerrainStats.from_dict(stored).to_dict() == stored
