"""Charts of one run, on a sample-season run classified for real."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from legday.charts import activity_profile, effort_index, effort_map, efforts_table
from legday.cleaning import prepare_run
from legday.efforts import classify_run
from legday.io import read_path
from legday.model import Activity
from legday.palette import EFFORT_COLOURS
from legday.units import Units

SEASON = Path(__file__).resolve().parents[2] / "data" / "samples" / "season"


def _run(name: str) -> tuple[Activity, pd.DataFrame, pd.DataFrame]:
    (activity,) = [a for a in read_path(SEASON / name) if isinstance(a, Activity)]
    return activity, prepare_run(activity), classify_run(activity).efforts


@pytest.fixture(scope="module")
def intervals() -> tuple[Activity, pd.DataFrame, pd.DataFrame]:
    return _run("2026-08-18-track-intervals.fit")


def test_every_sample_falls_in_the_effort_covering_its_time(intervals):
    _, prepared, efforts = intervals
    which = effort_index(prepared, efforts)
    assert (which >= 0).all()
    for i, effort in enumerate(efforts.itertuples(index=False)):
        times = prepared["time"][which == i]
        assert times.min() >= effort.start
        assert times.max() <= effort.end


def test_the_map_draws_each_effort_in_its_kinds_colour(intervals):
    _, prepared, efforts = intervals
    fig = effort_map(prepared, efforts)
    assert len(fig.data) == len(efforts)
    for trace, kind in zip(fig.data, efforts["kind"], strict=True):
        assert trace.line.color == EFFORT_COLOURS[str(kind)]
    legend = [t.name for t in fig.data if t.showlegend]
    assert sorted(legend) == sorted(set(efforts["kind"].astype(str)))
    assert fig.layout.title.text


def test_an_indoor_run_gets_a_sentence_instead_of_a_map():
    t = pd.date_range("2026-01-01T07:00Z", periods=600, freq="1s")
    prepared = pd.DataFrame({"time": t, "lat": np.nan, "lon": np.nan, "stretch": 0})
    fig = effort_map(prepared, pd.DataFrame(columns=["kind", "start", "why"]))
    assert "No GPS" in fig.layout.annotations[0].text


def test_the_profile_shades_every_work_and_recovery_effort(intervals):
    _, prepared, efforts = intervals
    fig = activity_profile(prepared, efforts, Units("mi"))
    shaded = efforts["kind"].isin(["interval", "recovery", "hill", "sprint"]).sum()
    assert len(fig.layout.shapes) == shaded
    assert fig.layout.xaxis3.title.text == "distance (mi)"
    pace_axis = fig.layout.yaxis.range
    assert pace_axis[0] > pace_axis[1]  # faster pace is higher up
    names = {re.sub(r"\d+-s", "N-s", t.name) for t in fig.data}
    assert names >= {"pace, N-s average", "pace, every second",
                     "grade-adjusted pace, N-s average", "elevation", "heart rate", "interval"}


def test_pace_and_grade_adjusted_pace_differ_in_colour_and_dash_and_raw_pace_is_faint(
        intervals):
    _, prepared, efforts = intervals
    fig = activity_profile(prepared, efforts)
    lines = {re.sub(r"\d+-s", "N-s", t.name): t for t in fig.data if t.name}
    pace = lines["pace, N-s average"]
    gap = lines["grade-adjusted pace, N-s average"]
    raw = lines["pace, every second"]
    assert pace.line.color != gap.line.color
    assert (pace.line.dash or "solid") != (gap.line.dash or "solid")
    assert raw.opacity < 0.5 and raw.line.width < pace.line.width
    assert all(t.showlegend is not False for t in (pace, gap, raw))


def test_the_efforts_table_shows_local_times_and_chosen_units(intervals):
    activity, _, efforts = intervals
    table = efforts_table(efforts, Units("km"), activity.utc_offset_s)
    assert len(table) == len(efforts)
    assert table["start"].iloc[0] == "18:12:00"  # local (Dublin, UTC+1); 17:12 in UTC
    paced = table["pace"] != ""
    assert paced.sum() >= len(table) - (efforts["kind"] == "recovery").sum()
    assert table["pace"][paced].str.endswith("/km").all()
    assert (table["why"] == efforts["why"]).all()
