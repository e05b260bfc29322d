"""The privacy map: zone circles of the right size, run starts, and an explained empty map."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from legday.charts.privacy import (
    NEW_ZONE_M,
    TRACE_CLUSTER,
    TRACE_PICK,
    circle,
    picked_place,
    privacy_map,
    run_starts,
    start_clusters,
)
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
    assert names == ["privacy zone", "privacy zone", TRACE_PICK, TRACE_CLUSTER]
    assert [t.showlegend for t in fig.data[:2]] == [True, False]
    assert fig.data[0].line.color == OKABE_ITO["black"]
    assert fig.data[3].marker.color == OKABE_ITO["grey"]
    assert "home: 250 m" in fig.data[0].hovertext
    assert list(fig.data[3].hovertext) == ["1 run starts here: click to hide this place"]


def _starts(places: dict[tuple[float, float], int], seed: int = 1) -> pd.DataFrame:
    """``n`` starts scattered by GPS (about 20 m) around each place."""
    rng = np.random.default_rng(seed)
    rows = [(lat + rng.normal(0, 0.0002), lon + rng.normal(0, 0.0003))
            for (lat, lon), n in places.items() for _ in range(n)]
    return pd.DataFrame({"lat": [r[0] for r in rows], "lon": [r[1] for r in rows],
                         "label": ["run"] * len(rows)})


def test_the_map_opens_on_the_place_most_runs_start_from_at_a_zoom_showing_a_zone():
    home, club, race = (47.4712, 19.0743), (47.5, 19.03), (48.2, 16.37)
    starts = _starts({club: 4, home: 25, race: 1})
    places = start_clusters(starts)
    assert list(places["runs"]) == [25, 4, 1]
    assert haversine_m(np.array([places["lat"][0]]), np.array([places["lon"][0]]),
                       np.array([home[0]]), np.array([home[1]]))[0] < 15
    fig = privacy_map([], starts)
    centre = fig.layout.map.center
    assert abs(centre.lat - places["lat"][0]) < 1e-9 and abs(centre.lon - places["lon"][0]) < 1e-9
    # At that zoom a 300 m zone is about 70 px across on a 700 px map: visible, with streets.
    metres_per_px = 2 * np.pi * 6_371_008.8 * np.cos(np.radians(home[0])) / (
        256 * 2 ** fig.layout.map.zoom)
    assert 50 < 2 * NEW_ZONE_M / metres_per_px < 100
    # The invisible grid around it makes a click anywhere within 2.5 km a place.
    grid = next(t for t in fig.data if t.name == TRACE_PICK)
    reach = haversine_m(np.array(grid.lat), np.array(grid.lon),
                        np.full(len(grid.lat), centre.lat), np.full(len(grid.lat), centre.lon))
    assert reach.max() > 2500 and grid.marker.opacity < 0.05


def test_a_clicked_place_is_drawn_as_the_new_zone_and_the_map_opens_on_it():
    starts = _starts({(47.4712, 19.0743): 5})
    event = {"selection": {"points": [{"curve_number": 1, "point_index": 7,
                                       "lat": 47.48, "lon": 19.09}]}}
    assert picked_place(event) == (47.48, 19.09)
    assert picked_place({"selection": {"points": []}}) is None and picked_place(None) is None
    fig = privacy_map([], starts, pending=(47.48, 19.09, 300.0))
    new = fig.data[-1]
    assert new.name == "new zone (not added yet)"
    ring = haversine_m(np.array(new.lat), np.array(new.lon), np.full(len(new.lat), 47.48),
                       np.full(len(new.lat), 19.09))
    assert np.allclose(ring, 300.0, rtol=0.01)
    assert (fig.layout.map.center.lat, fig.layout.map.center.lon) == (47.48, 19.09)


def test_nothing_to_show_says_so():
    fig = privacy_map([], pd.DataFrame(columns=["lat", "lon", "label"]))
    assert not fig.data
    assert "No privacy zones" in fig.layout.annotations[0].text
