"""Charts of one run on real files of the Strava export: a treadmill-like indoor track session
with the watch stopped in every rest, an outdoor interval session, a 5K race, a
half-marathon relay leg and an easy run, read with the athlete's profile from the whole export.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from legday.calibration import AthleteProfile, with_overrides
from legday.charts.activity import (
    activity_profile,
    default_profile_axis,
    effort_index,
    efforts_table,
    laps_table,
    run_intensity,
)
from legday.cleaning import prepare_run
from legday.efforts import classify_run, hard_steady, headline, with_hard_steady
from legday.io import read_path
from legday.library import season_profile
from legday.model import Activity
from legday.units import Units
from tests.conftest import require_realdata

pytestmark = pytest.mark.corpus

EXPORT = Path("bulk") / "stravaexport__slalom007" / "activities"
INDOOR = "13920452748"  # 5x400 m / 1 min; 4x300 m / 90 s, the watch stopped in the rests
TEMPO_REPS = "16532545796"  # 5x6 min tempo / 2 min
RACE_5K = "13312542661"
RELAY = "13480902521"  # half-marathon relay leg, hard all the way
EASY = "14204490666"


def _activity(file_id: str) -> Activity:
    (activity,) = [a for a in read_path(require_realdata() / EXPORT / f"{file_id}.fit.gz")
                   if isinstance(a, Activity)]
    return activity


@pytest.fixture(scope="module")
def profile() -> AthleteProfile:
    root = require_realdata() / EXPORT
    runs = [a for path in sorted(root.glob("*.fit.gz")) for a in read_path(path)
            if isinstance(a, Activity) and a.is_running]
    return season_profile(runs, {})


def _run(file_id: str, profile: AthleteProfile) -> tuple[Activity, pd.DataFrame, pd.DataFrame]:
    activity = _activity(file_id)
    return activity, prepare_run(activity), classify_run(activity, profile).efforts


def _pace_s(text: str) -> float:
    minutes, seconds = re.fullmatch(r"(\d+):(\d\d)/km", text).groups()  # type: ignore[union-attr]
    return 60.0 * int(minutes) + int(seconds)


@pytest.mark.parametrize("file_id", [INDOOR, TEMPO_REPS])
def test_a_workout_is_drawn_on_elapsed_time_with_every_rest_its_real_length(file_id, profile):
    _, prepared, efforts = _run(file_id, profile)
    assert default_profile_axis(efforts) == "time"
    fig = activity_profile(prepared, efforts, x="time")
    assert fig.layout.xaxis3.title.text.startswith("elapsed time")
    which = effort_index(prepared, efforts)
    bands = iter(fig.layout.shapes)
    standing_rests = 0
    for i, effort in enumerate(efforts.itertuples(index=False)):
        if effort.kind not in ("hill", "interval", "sprint", "recovery") or not (which == i).any():
            continue
        band = next(bands)
        if effort.kind == "recovery" and effort.duration_s >= 60:
            # On the clock a rest keeps its length (moving time squashes a standing one).
            assert (band.x1 - band.x0) * 60 == pytest.approx(effort.duration_s, abs=3.0)
            standing_rests += effort.moving_s < 0.5 * effort.duration_s
    assert standing_rests >= 4


def test_an_easy_run_is_drawn_on_distance(profile):
    _, _, efforts = _run(EASY, profile)
    assert default_profile_axis(efforts) == "distance"


@pytest.mark.parametrize("file_id", [INDOOR, EASY, RACE_5K])
def test_the_pace_axis_spans_the_running_with_round_ticks_and_lines_break_at_stops(
        file_id, profile):
    _, prepared, efforts = _run(file_id, profile)
    fig = activity_profile(prepared, efforts, x="time")
    slow, fast = fig.layout.yaxis.range
    assert slow > fast  # faster is higher up
    running = prepared["speed_mps"][prepared["moving"] & (prepared["speed_mps"] >= 1.8)]
    median_pace = 1000.0 / float(running.median())
    assert fast < median_pace < slow
    assert slow - fast <= 7 * 60  # never 5:00-26:00 for a stop or a walk
    assert slow < 1000.0 / 1.8 + 60  # no slower than a walk
    ticks = np.asarray(fig.layout.yaxis.tickvals, dtype=float)
    steps = set(np.diff(ticks).round(6))
    assert len(steps) == 1 and steps.pop() in (5, 10, 15, 20, 30, 60, 120)
    assert all(re.fullmatch(r"\d+:\d\d", t) for t in fig.layout.yaxis.ticktext)
    pace = next(t for t in fig.data if t.name.startswith("pace, ") and "average" in t.name)
    y = np.asarray(pace.y, dtype=float)
    stopped = ~prepared["moving"].to_numpy()
    restart = prepared["stretch"].diff().fillna(0).to_numpy() != 0
    assert np.isnan(y[stopped | restart]).all()
    assert np.isfinite(y).mean() > 0.5


def test_the_indoor_sessions_efforts_table_pace_is_its_distance_over_its_moving_time(profile):
    _, _, efforts = _run(INDOOR, profile)
    table = efforts_table(efforts, Units("km"))
    assert not table.isin(["None", "nan", "NaN"]).any().any()
    paced = table["pace"] != ""
    assert (table["kind"][paced] == "interval").sum() == 9
    for row, effort in zip(table[paced].itertuples(), efforts[paced].itertuples(), strict=True):
        km = effort.distance_m / 1000.0
        assert _pace_s(row.pace) * km == pytest.approx(effort.moving_s, abs=0.5 * km + 0.5)
    # A rest spent standing has no pace, and its missing numbers are empty cells.
    standing = efforts["moving_s"] < 10
    assert standing.sum() >= 4
    assert (table["pace"][standing] == "").all()
    assert (table["grade-adjusted pace"][standing] == "").all()
    no_heart = efforts["heart_rate"].isna()
    assert no_heart.any() and (table["HR"][no_heart] == "").all()


def test_auto_laps_stamped_interval_show_no_intensity():
    laps = _activity(INDOOR).laps
    assert set(laps["intensity"]) == {"interval"}
    table = laps_table(laps)
    assert (table["intensity"] == "").all()
    assert set(table["trigger"]) == {"distance", "manual", "session end"}


def test_a_race_and_a_relay_leg_read_as_threshold_and_tempo_an_easy_run_as_easy(profile):
    lines = {}
    for file_id in (RACE_5K, RELAY, EASY):
        _, _, efforts = _run(file_id, profile)
        read = with_hard_steady(efforts, profile)
        lines[file_id] = (headline("steady", read), run_intensity(read, profile),
                          int(hard_steady(read).sum()))
    race, relay, easy = lines[RACE_5K], lines[RELAY], lines[EASY]
    assert race[0].startswith("steady, threshold 20:")
    assert relay[0] == "steady, tempo 1:43:58"
    assert easy[0] == "steady" and easy[2] == 0
    assert relay[2] == 1 and race[2] == 1
    assert race[1].threshold_share >= 1.0
    assert 0.88 <= relay[1].threshold_share < 1.0
    assert easy[1].threshold_share < 0.85
    assert race[1].max_hr_share > relay[1].max_hr_share > easy[1].max_hr_share
    assert race[1].heart_rate == pytest.approx(185, abs=2)


def test_a_long_run_is_smoothed_over_longer_than_a_short_one(profile):
    lengths = {}
    for file_id in (RELAY, RACE_5K):
        _, prepared, efforts = _run(file_id, profile)
        fig = activity_profile(prepared, efforts)
        pace = next(t for t in fig.data if t.name.startswith("pace, ") and "average" in t.name)
        lengths[file_id] = int(re.search(r"(\d+)-s average", pace.name).group(1))  # type: ignore[union-attr]
    assert lengths[RACE_5K] == 15
    assert 30 <= lengths[RELAY] <= 60


def test_an_easy_run_stays_easy_when_the_threshold_is_estimated_too_low(profile):
    _, _, efforts = _run(EASY, profile)
    own = float(efforts["gap_speed_mps"].iloc[0])
    # A thin history: the threshold only just above this easy run, which is its easy pace.
    thin = with_overrides(profile, easy_speed_mps=own, threshold_speed_mps=own / 0.9)
    assert (efforts["gap_speed_mps"] / thin.threshold_speed_mps >= 0.88).all()
    assert not hard_steady(with_hard_steady(efforts, thin)).any()
    # The same run is tempo for an athlete whose easy pace is well slower.
    slow_easy = with_overrides(thin, easy_speed_mps=own / 1.2)
    assert hard_steady(with_hard_steady(efforts, slow_easy)).all()
