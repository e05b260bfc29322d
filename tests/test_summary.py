"""Activity summaries: the same TRIMP, stats and route as the samples, through JSON exactly."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from legday.calibration import run_stats
from legday.cleaning import prepare_arrays
from legday.efforts import classify_activities
from legday.load import session_load, trimp_from_samples
from legday.model import SAMPLE_COLUMNS, Activity, Sport, make_frame
from legday.routes import route_signature
from legday.schema import HeartRates, LoadSettings
from legday.summary import (
    SUMMARY_KEY,
    SUMMARY_VERSION,
    from_json,
    heart_rate_time,
    stored_summary,
    summarize,
    summary_of,
    to_json,
)
from legday.synth import generate_run
from legday.synth.device import random_device
from legday.terrain import terrain_stats


def synthetic_activity(workout: str = "cruise_intervals", seed: int = 3) -> Activity:
    device = replace(random_device(np.random.default_rng(seed)), heart_rate=True,
                     smart_recording=True, auto_pause=True)
    run = generate_run(workout, seed=seed, device=device)
    return Activity(id=f"synthetic-{seed}", source=f"{workout}.fit", format="fit",
                    sport=Sport.RUN, start_utc=run.start_utc, samples=run.samples)


@pytest.fixture(scope="module")
def activity() -> Activity:
    return synthetic_activity()


@pytest.mark.parametrize(("rest_hr", "max_hr", "sex"), [(60.0, 190.0, "male"),
                                                         (45.0, 178.0, "female")])
def test_trimp_from_the_histogram_is_the_trimp_from_the_samples(activity: Activity,
                                                                rest_hr: float, max_hr: float,
                                                                sex: str):
    hr = heart_rate_time(activity.samples)
    trimp, covered_s = trimp_from_samples(activity.samples, rest_hr, max_hr, sex)
    assert trimp > 10
    assert hr.trimp(rest_hr, max_hr, sex) == pytest.approx(trimp, rel=1e-12)
    assert hr.covered_s == pytest.approx(covered_s, rel=1e-12)
    assert len(hr.bpm) < len(activity.samples) / 2  # a histogram, not the samples again


def test_a_pause_longer_than_the_gap_rule_adds_no_heart_rate_time():
    t = pd.Timestamp("2025-01-01T08:00:00Z") + pd.to_timedelta([0, 5, 10, 70, 75], unit="s")
    samples = make_frame(SAMPLE_COLUMNS, {"time": t, "heart_rate": [150.0, 150, 160, 170, 170]})
    hr = heart_rate_time(samples, max_gap_s=30.0)
    assert hr.bpm.tolist() == [150.0, 170.0]  # the 160 before the pause counts nothing
    assert hr.seconds.tolist() == [10.0, 5.0]
    assert heart_rate_time(samples, max_gap_s=90.0).seconds.tolist() == [10.0, 60.0, 5.0]


def test_session_load_by_summary_equals_session_load_by_samples(activity: Activity):
    settings = LoadSettings()
    time = activity.samples["time"]
    seconds = (time.iloc[-1] - time.iloc[0]).total_seconds()
    heart_rates = HeartRates(max_bpm=188.0)
    by_samples = session_load(seconds, "interval", settings, samples=activity.samples,
                              heart_rates=heart_rates)
    by_summary = session_load(seconds, "interval", settings, heart_rates=heart_rates,
                              heart_rate=heart_rate_time(activity.samples))
    assert by_samples.method == by_summary.method == "trimp"
    assert by_summary.load_au == pytest.approx(by_samples.load_au, rel=1e-12)


def test_summary_holds_the_runs_stats_and_route(activity: Activity):
    summary = summarize(activity)
    assert summary.has_hr
    assert summary.stats == run_stats(prepare_arrays(activity))
    expected = route_signature(activity.samples)
    assert summary.route is not None and expected is not None
    assert np.array_equal(summary.route.lat_deg, expected.lat_deg)
    assert summary.route.distance_m == expected.distance_m
    assert summary.terrain is not None
    assert summary.terrain.to_dict() == terrain_stats(prepare_arrays(activity)).to_dict()


def test_classification_hands_the_summary_the_same_stats_and_terrain(activity: Activity):
    (result,) = classify_activities([activity])
    assert result.stats == run_stats(prepare_arrays(activity))
    assert result.terrain is not None
    assert result.terrain.to_dict() == terrain_stats(prepare_arrays(activity)).to_dict()
    shared = summarize(activity, stats=result.stats, terrain=result.terrain)
    assert to_json(shared) == to_json(summarize(activity))


def test_json_round_trip_is_exact_and_has_no_nan(activity: Activity):
    summary = summarize(activity)
    stats = summary.stats
    assert stats is not None
    summary = replace(summary, stats=replace(stats, best_20min_mps=float("nan")))
    text = json.dumps(to_json(summary), allow_nan=False)  # PostgreSQL's JSON has no NaN
    back = from_json(json.loads(text))
    assert back is not None and back.stats is not None and back.route is not None
    assert math.isnan(back.stats.best_20min_mps)
    assert replace(back.stats, best_20min_mps=0.0) == replace(summary.stats,  # type: ignore[arg-type]
                                                              best_20min_mps=0.0)
    assert np.array_equal(back.route.lon_deg, summary.route.lon_deg)  # type: ignore[union-attr]
    assert np.array_equal(back.heart_rate.seconds, summary.heart_rate.seconds)
    assert back.has_hr == summary.has_hr
    assert back.terrain is not None and summary.terrain is not None
    assert back.terrain.to_dict() == summary.terrain.to_dict()


def test_no_samples_no_heart_rate_no_stats_no_route():
    row = Activity(id="strava-1", source="activities.csv", format="strava_csv", sport=Sport.RUN,
                   start_utc=pd.Timestamp("2025-01-01T08:00:00Z"), moving_s=1800.0)
    summary = from_json(json.loads(json.dumps(to_json(summarize(row)))))
    assert summary is not None
    assert (summary.has_hr, summary.stats, summary.route) == (False, None, None)
    assert summary.heart_rate.covered_s == 0.0


@pytest.mark.parametrize("stored", [None, {"version": SUMMARY_VERSION - 1}, {"version": 1},
                                    "text"])
def test_missing_old_or_broken_summaries_are_not_used(stored: object):
    assert from_json(stored) is None


def test_summary_of_uses_the_stored_summary_unless_the_samples_say_otherwise(activity: Activity):
    light = replace(activity, samples=make_frame(SAMPLE_COLUMNS, {}),
                    extra={SUMMARY_KEY: to_json(summarize(activity, max_gap_s=10.0))})
    assert stored_summary(light) is not None
    # Without samples the stored summary is all there is, whatever the gap rule.
    assert summary_of(light, max_gap_s=30.0).heart_rate.max_gap_s == 10.0
    whole = replace(light, samples=activity.samples)
    assert summary_of(whole, max_gap_s=30.0).heart_rate.max_gap_s == 30.0
    assert summary_of(whole, max_gap_s=10.0).heart_rate.max_gap_s == 10.0
