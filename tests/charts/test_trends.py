"""Downhill and climbing trend charts on small tables whose numbers are known."""

from __future__ import annotations

import pandas as pd
import pytest

from legday.charts import trends


def test_downhill_trend_stacks_steep_and_other_descent_per_week():
    weeks = pd.DataFrame({"descent_m": [400.0, 0.0, 250.0], "steep_descent_m": [120.0, 0.0, 0.0]},
                         index=pd.Index(["2025-W10", "2025-W11", "2025-W12"], name="week"))
    fig = trends.downhill_trend(weeks)
    steep, other, mean = fig.data
    assert list(steep.x) == ["2025-W10", "2025-W11", "2025-W12"]
    assert list(steep.y) == [120.0, 0.0, 0.0]
    assert list(other.y) == [280.0, 0.0, 250.0]
    assert list(mean.y) == pytest.approx([120.0, 60.0, 40.0])
    assert fig.layout.yaxis.title.text == "elevation lost running (m)"


def test_downhill_trend_without_descent_says_so():
    weeks = pd.DataFrame({"descent_m": [0.0]}, index=pd.Index(["2025-W10"], name="week"))
    fig = trends.downhill_trend(weeks)
    assert not fig.data and fig.layout.annotations[0].text == trends.NO_DESCENT
    assert trends.downhill_trend(pd.DataFrame()).layout.annotations[0].text == trends.NO_DESCENT


def test_climbing_trend_shows_the_share_of_flat_speed_and_the_cadence_gain():
    climbing = pd.DataFrame({"runs": [2, 1], "climb_gap_share": [0.93, 0.968],
                             "cadence_gain_spm": [6.0, 8.0]},
                            index=pd.Index(["2025-03", "2025-04"], name="month"))
    fig = trends.climbing_trend(climbing)
    bars, line = fig.data
    assert list(line.x) == ["2025-03", "2025-04"]
    assert list(line.y) == pytest.approx([93.0, 96.8])
    assert list(bars.y) == [6.0, 8.0]
    assert list(line.customdata) == [2, 1]
    assert trends.climbing_trend(climbing.iloc[:0]).layout.annotations[0].text == (
        trends.NO_CLIMBING)


def test_a_month_without_cadence_has_no_bar_rather_than_a_zero():
    climbing = pd.DataFrame({"runs": [1], "climb_gap_share": [0.9],
                             "cadence_gain_spm": [float("nan")]},
                            index=pd.Index(["2025-03"], name="month"))
    bars, _ = trends.climbing_trend(climbing).data
    assert pd.isna(bars.y[0])
