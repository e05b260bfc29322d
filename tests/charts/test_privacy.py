"""The privacy map: zone circles of the right size, run starts, and an explained empty map."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from legday.charts.privacy import circle, privacy_map, run_starts
from legday.io import read_path
from legday.model import Activity, haversine_m
from legday.palette import OKABE_ITO
from legday.store.privacy import PrivacyZone

SEASON = Path(__file__).resolve().parents[2] / "data" / "samples" / "season"


def _runs() -> list[Activity]:
    files = sorted(SEASON.iterdir())[:4]
    return [a for f in files for a in read_path(f) if isinstance(a, Activity)]


def test_a_circle_is_closed_and_lies_at_its_radius():
    lat, lon = circle(52.5, 13.4, 300.0)
    assert lat[0] == lat[-1] and lon[0] == lon[-1]
    distances = haversine_m(lat, lon, np.full(len(lat), 52.5), np.full(len(lat), 13.4))
    assert np.allclose(distances, 300.0, rtol=0.01)


def test_run_starts_are_the_first_positions_of_the_latest_runs():
    runs = _runs()
    starts = run_starts(runs, limit=2)
    assert list(starts.columns) == ["lat", "lon", "label"]
    assert len(starts) == 2
    latest = [a for a in runs if a.is_running][-1]
    first = latest.samples[["lat", "lon"]].dropna().iloc[0]
    assert starts.iloc[0]["lat"] == first["lat"] and starts.iloc[0]["lon"] == first["lon"]


def test_without_samples_the_stored_route_gives_the_start():
    (run,) = [a for a in _runs() if a.is_running][-1:]
    first = run.samples[["lat", "lon"]].dropna().iloc[0]
    bare = dataclasses.replace(run, samples=run.samples.iloc[0:0], extra={
        "summary": {"route": {"lat": [float(first["lat"])], "lon": [float(first["lon"])]}}})
    treadmill = dataclasses.replace(run, samples=run.samples.iloc[0:0], extra={})
    starts = run_starts([treadmill, bare])
    assert starts[["lat", "lon"]].values.tolist() == [[first["lat"], first["lon"]]]


def test_the_map_shows_zones_and_starts_with_a_title_and_legend():
    zones = [PrivacyZone(52.5, 13.4, 250.0, "home", 1), PrivacyZone(52.51, 13.41, 100.0)]
    starts = pd.DataFrame({"lat": [52.52], "lon": [13.42], "label": ["2026-11-01 run"]})
    fig = privacy_map(zones, starts)
    assert fig.layout.title.text == "Privacy zones and where your runs start"
    names = [t.name for t in fig.data]
    assert names == ["privacy zone", "privacy zone", "run start"]
    assert [t.showlegend for t in fig.data[:2]] == [True, False]
    assert fig.data[0].line.color == OKABE_ITO["black"]
    assert fig.data[2].marker.color == OKABE_ITO["grey"]
    assert "home: 250 m" in fig.data[0].hovertext


def test_nothing_to_show_says_so():
    fig = privacy_map([], pd.DataFrame(columns=["lat", "lon", "label"]))
    assert not fig.data
    assert "No privacy zones" in fig.layout.annotations[0].text
