"""Load on one scale: formulas against hand-computed values, and runs with and without HR."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from legday.load import (
    banister_trimp,
    daily_series,
    ewma_load,
    hr_reserve,
    monotony,
    ramp_pct,
    session_load,
    trimp_from_samples,
    weekly_load,
)
from legday.model import SAMPLE_COLUMNS, Activity, Sport, make_frame
from legday.schema import HeartRates, LoadSettings
from legday.synth import generate_run
from legday.synth.athlete import Athlete

SETTINGS = LoadSettings()
HR_180 = HeartRates(max_bpm=180.0)


def hr_samples(hr_bpm: list[tuple[float, float]], start: str = "2025-03-10T07:00:00Z",
               step_s: float = 1.0) -> pd.DataFrame:
    """Samples every ``step_s`` with ``(seconds, heart rate)`` pieces in order."""
    hr = np.concatenate([np.full(int(s / step_s), bpm) for s, bpm in hr_bpm])
    t = pd.Timestamp(start) + pd.to_timedelta(np.arange(len(hr)) * step_s, unit="s")
    return make_frame(SAMPLE_COLUMNS, {"time": t, "heart_rate": hr})


def test_heart_rate_reserve_and_banister_trimp_match_hand_computed_values():
    assert hr_reserve(150.0, 60.0, 190.0) == pytest.approx(90 / 130)
    assert hr_reserve(np.array([40.0, 200.0]), 60.0, 190.0).tolist() == [0.0, 1.0]
    # 60 min at HRr 0.5: 60 x 0.5 x 0.64 x e^0.96 = 50.14
    assert banister_trimp(60.0, 0.5) == pytest.approx(60 * 0.5 * 0.64 * math.exp(0.96))
    assert banister_trimp(60.0, 0.5) == pytest.approx(50.145, abs=0.01)
    # The female constants: 60 x 0.5 x 0.86 x e^0.835 = 59.46
    assert banister_trimp(60.0, 0.5, "female") == pytest.approx(59.464, abs=0.01)
    assert banister_trimp(np.array([30.0, 30.0]), np.array([0.5, 0.5])) == pytest.approx(
        banister_trimp(60.0, 0.5))


def test_trimp_from_samples_integrates_time_and_skips_pauses():
    # 30 min at HRr 0.5 (rest 60, max 180 -> HR 120), then a 10-min pause, then 30 min more.
    first = hr_samples([(1800, 120.0)])
    second = hr_samples([(1800, 120.0)], start="2025-03-10T07:40:00Z")
    trimp, covered_s = trimp_from_samples(pd.concat([first, second], ignore_index=True),
                                          60.0, 180.0)
    assert covered_s == pytest.approx(3598.0)  # 1799 one-second steps per half
    assert trimp == pytest.approx(banister_trimp(3598 / 60, 0.5))
    assert trimp_from_samples(hr_samples([(600, np.nan)]), 60.0, 180.0) == (0.0, 0.0)


def test_session_load_prefers_rpe_then_heart_rate_then_the_typical_rpe_of_the_kind():
    samples = hr_samples([(3600, 120.0)])
    by_rpe = session_load(45 * 60.0, "interval", SETTINGS, rpe=7, samples=samples,
                          heart_rates=HR_180)
    assert (by_rpe.method, by_rpe.load_au) == ("srpe", 315.0)
    by_hr = session_load(3600.0, "steady", SETTINGS, samples=samples, heart_rates=HR_180)
    assert by_hr.method == "trimp"
    assert by_hr.trimp == pytest.approx(banister_trimp(3599 / 60, 0.5) * 3600 / 3599)
    assert by_hr.load_au == pytest.approx(by_hr.trimp * 2.5)
    fallback = session_load(3600.0, "steady", SETTINGS)
    assert (fallback.method, fallback.load_au, fallback.rpe) == ("fallback", 180.0, 3.0)
    assert session_load(40 * 60.0, "lower", SETTINGS).load_au == 240.0
    assert session_load(30 * 60.0, "hill", SETTINGS).load_au == 210.0
    assert session_load(20 * 60.0, "kitesurfing", SETTINGS).load_au == 60.0  # "other": RPE 3
    custom = replace(SETTINGS, typical_rpe={"steady": 4.0, "other": 3.0})
    assert session_load(3600.0, "steady", custom).load_au == 240.0


def test_the_athletes_resting_heart_rate_feeds_trimp():
    samples = hr_samples([(3600, 120.0)])
    typical = session_load(3600.0, "steady", SETTINGS, samples=samples, heart_rates=HR_180)
    low_rest = session_load(3600.0, "steady", SETTINGS, samples=samples,
                            heart_rates=HeartRates(max_bpm=180.0, rest_bpm=40.0))
    # HRr (120 - 40) / (180 - 40) = 0.571 instead of 0.5: a higher TRIMP.
    assert low_rest.trimp == pytest.approx(banister_trimp(3599 / 60, 80 / 140) * 3600 / 3599)
    assert low_rest.trimp > typical.trimp


def test_heart_rate_on_only_a_small_part_of_the_session_falls_back():
    samples = hr_samples([(600, 140.0), (3000, np.nan)])
    load = session_load(3600.0, "steady", SETTINGS, samples=samples,
                        heart_rates=HeartRates(max_bpm=185.0))
    assert load.method == "fallback"


def _synthetic_activity(workout: str, seed: int, athlete: Athlete) -> Activity:
    run = generate_run(workout, seed=seed, athlete=athlete)
    return Activity(id=f"{workout}{seed}", source=f"{workout}{seed}.fit", format="fit",
                    sport=Sport.RUN, start_utc=run.start_utc, utc_offset_s=run.utc_offset_s,
                    samples=run.samples, timer_events=run.events, laps=run.laps)


def test_an_easy_hour_with_heart_rate_lands_near_an_easy_hour_without():
    athlete = Athlete(easy_speed=3.0, threshold_speed=3.9, top_speed=7.5)
    ratios = []
    for seed in (3, 4, 5):
        act = _synthetic_activity("easy", seed, athlete)
        seconds = float(act.duration_s or 0)
        with_hr = session_load(seconds, "steady", SETTINGS, samples=act.samples,
                               heart_rates=HeartRates(max_bpm=athlete.max_hr))
        without = session_load(seconds, "steady", SETTINGS)
        assert with_hr.method == "trimp" and without.method == "fallback"
        ratios.append(with_hr.load_au / without.load_au)
    assert all(0.7 <= r <= 1.3 for r in ratios), ratios


def test_daily_series_fills_rest_days_and_adds_up_same_day_sessions():
    dates = pd.Series(pd.to_datetime(["2025-03-10", "2025-03-10", "2025-03-12"]))
    daily = daily_series(dates, pd.Series([100.0, 50.0, 80.0]), pd.Timestamp("2025-03-10"),
                         pd.Timestamp("2025-03-16"))
    assert daily.tolist() == [150.0, 0.0, 80.0, 0.0, 0.0, 0.0, 0.0]


def test_acute_and_chronic_load_are_ewmas_with_weight_one_over_the_days():
    daily = pd.Series([70.0, 0.0], index=pd.date_range("2025-03-10", periods=2))
    atl = ewma_load(daily, 7.0)
    assert atl.tolist() == pytest.approx([10.0, 10.0 * 6 / 7])
    assert ewma_load(daily, 42.0).iloc[0] == pytest.approx(70 / 42)
    steady = pd.Series(100.0, index=pd.date_range("2025-01-06", periods=400))
    assert ewma_load(steady, 42.0).iloc[-1] == pytest.approx(100.0, rel=1e-3)


def test_monotony_and_strain_on_a_known_week():
    week = [100.0, 0.0, 100.0, 0.0, 100.0, 0.0, 0.0]
    # mean 300/7, population sd 100 x sqrt(3/7 x 4/7): ratio sqrt(3/4)
    assert monotony(week) == pytest.approx(math.sqrt(3 / 4))
    daily = pd.Series(week, index=pd.date_range("2025-03-10", periods=7))
    table = weekly_load(daily, SETTINGS)
    assert table["load"].iloc[0] == 300.0
    assert table["strain"].iloc[0] == pytest.approx(300 * math.sqrt(3 / 4))
    assert math.isnan(monotony([0.0] * 7))
    assert math.isnan(monotony([50.0] * 7))


def test_weekly_load_ramp_and_ratio_are_descriptive_and_wait_for_history():
    loads = [100.0, 100.0, 100.0, 150.0, 75.0]
    daily = pd.Series(np.repeat(np.array(loads) / 7, 7),
                      index=pd.date_range("2025-03-10", periods=35))
    table = weekly_load(daily, SETTINGS)
    assert table.index[0] == pd.Timestamp("2025-03-10")
    assert table["load"].tolist() == pytest.approx(loads)
    assert table["ramp_pct"].tolist()[1:] == pytest.approx([0.0, 0.0, 50.0, -50.0])
    assert math.isnan(table["ramp_pct"].iloc[0])
    # week 5 against the mean of weeks 2-4 (116.7)
    assert table["ramp_3w_pct"].iloc[4] == pytest.approx((75 / (350 / 3) - 1) * 100)
    assert table["acute_chronic"].iloc[:3].isna().all()  # under 28 days of history
    assert table["acute_chronic"].iloc[3] == pytest.approx(
        table["atl"].iloc[3] / table["ctl"].iloc[3])
    assert table["acute_chronic"].iloc[3] > 1.0  # the 150 AU week stands above the average


def test_ramp_pct_ignores_a_zero_base():
    assert ramp_pct(pd.Series([0.0, 50.0]), 1).isna().all()
