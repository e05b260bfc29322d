"""The privacy map of the Sharing page: privacy zones as circles, the places runs start from
as dots sized by how many, and a click-anywhere grid to place a new zone.

Pure functions: zones and activities in, a Plotly figure out. Colours from
:mod:`legday.palette` only (black for zones, grey for starts, reddish purple for a new
zone: none is an effort kind's colour).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from legday.charts.base import message_figure
from legday.model import Activity, haversine_m
from legday.palette import OKABE_ITO
from legday.schema import EARTH_RADIUS_M, PrivacyZone

CIRCLE_POINTS = 64
START_COLUMNS = ["lat", "lon", "label"]


def run_starts(activities: Sequence[Activity], limit: int = 30) -> pd.DataFrame:
    """First position of the latest ``limit`` runs that have positions (lat, lon, label).

    From the samples when loaded, else from ``extra["summary"]["route"]`` (the stored
    summary a library of activities without samples carries).
    """
    rows = []
    for activity in reversed(list(activities)):
        if not activity.is_running:
            continue
        start = _start(activity)
        if start is None:
            continue
        lat, lon = start
        when = "" if activity.start_utc is None else f"{activity.start_utc:%Y-%m-%d}"
        rows.append([float(lat), float(lon), f"{when} {activity.name or ''}".strip()])
        if len(rows) >= limit:
            break
    return pd.DataFrame(rows, columns=START_COLUMNS)


def _start(activity: Activity) -> tuple[float, float] | None:
    """The first position: from the samples, else from the stored summary's route."""
    positioned = activity.samples[["lat", "lon"]].dropna()
    if not positioned.empty:
        return float(positioned.iloc[0]["lat"]), float(positioned.iloc[0]["lon"])
    summary = activity.extra.get("summary")
    route = summary.get("route") if isinstance(summary, dict) else None
    if isinstance(route, dict) and route.get("lat") and route.get("lon"):
        return float(route["lat"][0]), float(route["lon"][0])
    return None


def circle(lat: float, lon: float, radius_m: float, n: int = CIRCLE_POINTS,
           ) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes of a closed circle of ``radius_m`` around a point. [deg]"""
    angle = np.linspace(0.0, 2 * np.pi, n + 1)
    dlat = np.degrees(radius_m / EARTH_RADIUS_M) * np.cos(angle)
    dlon = np.degrees(radius_m / EARTH_RADIUS_M) * np.sin(angle) / max(
        np.cos(np.radians(lat)), 1e-6)
    return lat + dlat, lon + dlon


#: Starts this close to a place's busiest start belong to it. [m]
CLUSTER_M = 150.0
#: The click-anywhere grid: its half-width around the map's centre and its spacing. [m]
PICK_HALF_WIDTH_M = 2500.0
PICK_STEP_M = 60.0
#: Radius a new zone is drawn with until the athlete sets one. [m]
NEW_ZONE_M = 300.0
CLUSTER_COLUMNS = ["lat", "lon", "runs", "label"]
TRACE_PICK = "click to place a zone"
TRACE_CLUSTER = "run starts"


def start_clusters(starts: pd.DataFrame, radius_m: float = CLUSTER_M) -> pd.DataFrame:
    """Run starts grouped into places (lat, lon: their mean; runs; label), the place most runs
    start from first: again and again, the start with the most others within ``radius_m``
    and those others make a place."""
    if starts.empty:
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    lat = starts["lat"].to_numpy(dtype=float)
    lon = starts["lon"].to_numpy(dtype=float)
    near = haversine_m(lat[:, None], lon[:, None], lat[None, :], lon[None, :]) <= radius_m
    left = np.ones(len(lat), dtype=bool)
    rows = []
    while left.any():
        counts = (near & left[None, :]).sum(axis=1) * left
        seed = int(np.argmax(counts))
        members = near[seed] & left
        left &= ~members
        runs = int(members.sum())
        rows.append([float(lat[members].mean()), float(lon[members].mean()), runs,
                     "1 run starts here: click to hide this place" if runs == 1
                     else f"{runs} runs start here: click to hide this place"])
    return pd.DataFrame(rows, columns=CLUSTER_COLUMNS)


def pick_grid(lat: float, lon: float, half_width_m: float = PICK_HALF_WIDTH_M,
              step_m: float = PICK_STEP_M) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes of a square grid around a point: invisible markers that make
    a click anywhere on the map a selected point. [deg]"""
    offsets = np.arange(-half_width_m, half_width_m + step_m / 2, step_m)
    dlat = np.degrees(offsets / EARTH_RADIUS_M)
    dlon = dlat / max(np.cos(np.radians(lat)), 1e-6)
    grid_lat, grid_lon = np.meshgrid(lat + dlat, lon + dlon, indexing="ij")
    return grid_lat.ravel(), grid_lon.ravel()


def zoom_for(radius_m: float, lat: float) -> float:
    """A map zoom at which a circle of ``radius_m`` is well visible (about a tenth of a
    700-pixel-wide map across) with its surroundings."""
    metres_per_pixel = 2 * radius_m / 70.0
    zoom = np.log2(EARTH_RADIUS_M * 2 * np.pi * np.cos(np.radians(lat)) / (256 * metres_per_pixel))
    return float(np.clip(zoom, 3, 16))


def privacy_map(zones: Sequence[PrivacyZone], starts: pd.DataFrame, *,
                pending: tuple[float, float, float] | None = None,
                style: str = "open-street-map",
                title: str = "Privacy zones and where your runs start") -> go.Figure:
    """Zones (filled circles, hidden from every shared view), the places runs start from
    (sized by how many), and a zone about to be added (``pending``: lat, lon, radius),
    on a map that opens on the pending zone, else the place most runs start from, else the
    zones, at a zoom where a zone is visible. An invisible grid of points around the centre
    (trace :data:`TRACE_PICK`) lets a click anywhere select a place.

    With neither zones nor starts, a figure that says there is nothing to show yet.
    """
    if not zones and starts.empty and pending is None:
        return message_figure(title, "No privacy zones and no runs with GPS yet.")
    fig = go.Figure()
    zone_colour = OKABE_ITO["black"]
    for i, zone in enumerate(zones):
        lat, lon = circle(zone.lat, zone.lon, zone.radius_m)
        name = zone.name or f"zone {i + 1}"
        fig.add_trace(go.Scattermap(
            lat=lat, lon=lon, mode="lines", fill="toself", line={"width": 2, "color": zone_colour},
            fillcolor="rgba(0,0,0,0.15)", name="privacy zone", legendgroup="zones",
            showlegend=i == 0, hoverinfo="text",
            hovertext=f"{name}: {zone.radius_m:.0f} m around {zone.lat:.5f}, {zone.lon:.5f}"))
    places = start_clusters(starts)
    if pending is not None:
        centre_lat, centre_lon, radius = pending
    elif len(places):
        centre_lat, centre_lon = float(places["lat"].iloc[0]), float(places["lon"].iloc[0])
        radius = NEW_ZONE_M
    else:
        centre_lat, centre_lon = zones[0].lat, zones[0].lon
        radius = zones[0].radius_m
    grid_lat, grid_lon = pick_grid(centre_lat, centre_lon)
    fig.add_trace(go.Scattermap(
        lat=grid_lat, lon=grid_lon, mode="markers", name=TRACE_PICK, showlegend=False,
        marker={"size": 14, "opacity": 0.01, "color": OKABE_ITO["grey"]},
        hovertemplate="click to put a zone here<extra></extra>"))
    if len(places):
        fig.add_trace(go.Scattermap(
            lat=places["lat"], lon=places["lon"], mode="markers", name=TRACE_CLUSTER,
            marker={"size": 8 + 4 * np.sqrt(places["runs"].to_numpy(dtype=float)),
                    "color": OKABE_ITO["grey"], "opacity": 0.8},
            hovertext=places["label"], hoverinfo="text"))
    if pending is not None:
        lat, lon = circle(*pending)
        fig.add_trace(go.Scattermap(
            lat=lat, lon=lon, mode="lines", name="new zone (not added yet)",
            line={"width": 3, "color": OKABE_ITO["reddish_purple"]}, hoverinfo="skip"))
    fig.update_layout(
        title=title, height=520,
        map={"style": style, "zoom": zoom_for(radius, centre_lat),
             "center": {"lat": centre_lat, "lon": centre_lon}},
        margin={"l": 0, "r": 0, "t": 40, "b": 0}, legend={"title": "on the map"})
    return fig


def picked_place(event: object) -> tuple[float, float] | None:
    """The place a map click selected (lat, lon), from ``st.plotly_chart``'s selection
    event (a dict-like with ``selection.points``); None without one."""
    selection = event.get("selection") if isinstance(event, dict) else getattr(
        event, "selection", None)
    points = (selection.get("points") if isinstance(selection, dict)
              else getattr(selection, "points", None)) or []
    for point in points:
        lat, lon = point.get("lat"), point.get("lon")
        if lat is not None and lon is not None:
            return float(lat), float(lon)
    return None
