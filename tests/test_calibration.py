"""The athlete profile: estimates from runs, notes on their source, overrides."""

from __future__ import annotations

import numpy as np
import pytest

from legday.calibration import (
    DEFAULT,
    FROM_THIS_FILE,
    SET_BY_YOU,
    TOP_FLOOR_X_EASY,
    AthleteProfile,
    easy_level_mps,
    estimate_profile,
    run_stats,
    with_overrides,
)
from legday.cleaning import prepare_run
from tests.test_efforts import EASY, interval_session, make_activity


def test_defaults_say_they_are_defaults():
    profile = AthleteProfile()
    assert all(profile.source(name) == DEFAULT for name in
               ("top_speed_mps", "easy_speed_mps", "threshold_speed_mps", "max_hr", "rest_hr"))


def test_a_single_file_estimates_from_itself_and_says_so():
    stats = run_stats(prepare_run(make_activity([(1800, EASY)])))
    profile = estimate_profile([stats])
    assert profile.easy_speed_mps == pytest.approx(EASY, rel=0.03)
    assert profile.source("easy_speed_mps") == FROM_THIS_FILE
    # An easy run says little about top speed: it is floored relative to easy pace.
    assert profile.top_speed_mps == pytest.approx(TOP_FLOOR_X_EASY * profile.easy_speed_mps,
                                                  rel=0.02)
    assert profile.threshold_speed_mps >= 1.15 * profile.easy_speed_mps - 1e-9
    assert 90 < profile.max_hr < 160


def test_history_calibrates_top_speed_from_the_best_bursts():
    runs = [make_activity([(600, EASY), (20, speed), (600, EASY)], seed=i)
            for i, speed in enumerate([7.0, 8.0, 8.4, 8.2, 6.0])]
    profile = estimate_profile([prepare_run(r) for r in runs])
    assert profile.source("top_speed_mps") == "estimated from 5 runs"
    assert 7.6 < profile.top_speed_mps < 8.4  # median of the three best, not the maximum


def test_overrides_are_kept_and_marked_set_by_you():
    profile = with_overrides(AthleteProfile(), top_speed_mps=9.1, max_hr=None)
    assert profile.top_speed_mps == 9.1 and profile.source("top_speed_mps") == SET_BY_YOU
    assert profile.source("max_hr") == DEFAULT
    estimated = estimate_profile([prepare_run(make_activity([(1800, EASY)]))], base=profile)
    assert estimated.top_speed_mps == 9.1 and estimated.source("top_speed_mps") == SET_BY_YOU
    assert estimated.source("easy_speed_mps") == FROM_THIS_FILE
    with pytest.raises(ValueError, match="positive"):
        with_overrides(profile, easy_speed_mps=-1.0)
    with pytest.raises(ValueError, match="unknown"):
        with_overrides(profile, vo2max=60.0)


def test_easy_level_is_the_slow_peak_not_the_reps():
    rng = np.random.default_rng(0)
    easy = rng.normal(3.0, 0.08, 1500)
    reps = rng.normal(4.4, 0.1, 1100)
    gap = np.r_[easy, reps]
    stretch = np.zeros(len(gap), dtype=np.int64)
    running = np.ones(len(gap), dtype=bool)
    assert easy_level_mps(gap, stretch, running) == pytest.approx(3.0, abs=0.1)
    # Reps filling most of the session: the slower running is still the easy part.
    mostly_reps = np.r_[rng.normal(2.8, 0.2, 800), rng.normal(4.3, 0.1, 1700)]
    level = easy_level_mps(mostly_reps, np.zeros(2500, dtype=np.int64), np.ones(2500, bool))
    assert level < 3.6
    assert np.isnan(easy_level_mps(gap[:60], stretch[:60], running[:60]))


def test_the_stride_model_is_fitted_where_speed_and_cadence_both_exist():
    stats = run_stats(prepare_run(make_activity(interval_session())))
    assert len(stats.cadence_spm) >= 2 and sum(stats.counts) > 300
    profile = estimate_profile([stats])
    assert profile.source("cadence_model") == FROM_THIS_FILE
    model = profile.cadence_model
    assert model.speed_mps(np.array([model.cadence_ref_spm]))[0] == pytest.approx(
        profile.easy_speed_mps)
    assert 2.0 <= model.exponent <= 7.0


def test_max_hr_counts_the_windows_after_a_heart_rate_dropout() -> None:
    from legday.calibration import _heart_rates

    hr = np.full(900, 150.0)
    hr[300:360] = np.nan  # the strap lost contact for a minute
    hr[600:610] = 172.0  # the hardest 10 s come after it
    max_hr, low_hr = _heart_rates(hr)
    assert max_hr == 172.0
    assert low_hr == 150.0


def test_plain_sum_of_a_few_values_adds_as_numpy_does() -> None:
    # The stride model's fit sums a few bins in Python and must match numpy to the bit.
    from legday.cleaning import numpy_sum

    rng = np.random.default_rng(5)
    for _ in range(2000):
        values = (rng.normal(0, 1, int(rng.integers(1, 12))) * 10.0 ** rng.integers(-3, 6)).tolist()
        assert numpy_sum(values) == float(np.add.reduce(np.array(values)))


def test_whole_numbers_counted_sort_and_percentile_as_numpy_does() -> None:
    # Cadences and heart rates are counted instead of sorted: the same values, the same
    # percentiles; other values take the sort or the partition.
    from legday.calibration import _percentile, _sorted

    rng = np.random.default_rng(12)
    for i in range(600):
        n = int(rng.integers(1, 3000))
        values = rng.integers(1 if i % 3 else 90, 200, n).astype(float)
        if i % 4 == 1:
            values = values + rng.choice([0.0, 0.5], n)  # half steps
        elif i % 4 == 2:
            values[int(rng.integers(n))] = 5000.0  # too wide a span to count
        elif i % 4 == 3:
            values = values - 1.0  # zeros
        assert np.array_equal(_sorted(values), np.sort(values))
        for q in (5, 25, 50, 100):
            assert _percentile(values, q) == float(np.percentile(values, q))


def test_floats_presorted_by_their_range_sort_as_numpy_does() -> None:
    from legday.calibration import _sorted_floats

    rng = np.random.default_rng(13)
    cases = [np.zeros(0), np.array([2.5]), np.full(50, 3.0), np.array([1e308, -1e308]),
             np.array([0.0, -0.0, 1.0, -1.0])]
    for _ in range(300):
        n = int(rng.integers(2, 4000))
        speeds = rng.normal(rng.uniform(1, 6), rng.uniform(1e-9, 2), n)
        cases.append(np.round(speeds, int(rng.integers(0, 12))))
    for values in cases:
        assert np.array_equal(_sorted_floats(values), np.sort(values))


def test_whole_heart_rates_give_the_prefix_sum_maximum_and_numpy_percentile() -> None:
    from legday.calibration import _heart_rates

    rng = np.random.default_rng(14)
    for i in range(300):
        hr = np.round(rng.normal(150, 15, int(rng.integers(60, 5000))))
        if i % 3 == 1:
            hr += 0.5  # not whole: the prefix sums
        cs = np.concatenate(([0.0], np.cumsum(hr)))
        assert _heart_rates(hr) == (float(np.max(cs[10:] - cs[:-10])) / 10,
                                    float(np.percentile(hr, 5)))


def test_best_10s_checks_the_fastest_window_first_with_the_same_result() -> None:
    from legday.calibration import _best_10s_mps

    rng = np.random.default_rng(15)
    for i in range(400):
        n = int(rng.integers(10, 400))
        speed = rng.uniform(2, 6, n)
        speed[rng.random(n) < 0.02] = np.nan
        speed[rng.random(n) < 0.02] = 15.0  # GPS jumps
        ok = rng.random(n) < (1.0 if i % 2 else 0.97)
        cadence = None if i % 3 == 0 else rng.choice([120.0, 160.0, 180.0, np.nan], n)
        sums = np.lib.stride_tricks.sliding_window_view(np.nan_to_num(speed), 10).sum(1)
        good = np.lib.stride_tricks.sliding_window_view(ok, 10).all(1)
        if cadence is not None:
            good &= np.lib.stride_tricks.sliding_window_view(cadence >= 150, 10).sum(1) >= 5
        expected = sums[good].max() / 10 if good.any() else np.nan
        assert _best_10s_mps(speed, ok, cadence) == pytest.approx(expected, rel=1e-12, nan_ok=True)
