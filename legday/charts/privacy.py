"""The privacy map of the Sharing page: privacy zones as circles, recent run starts as dots.

Pure functions: zones and activities in, a Plotly figure out. Colours from
:mod:`legday.palette` only (black for zones, grey for starts: neither is an
effort kind's colour).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from legday.charts.base import message_figure
from legday.model import Activity
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


def privacy_map(zones: Sequence[PrivacyZone], starts: pd.DataFrame, *,
                title: str = "Privacy zones and where your runs start") -> go.Figure:
    """Zones (filled circles, hidden from every shared view) and run starts on one map.

    With neither, a figure that says there is nothing to show yet.
    """
    if not zones and starts.empty:
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
    if not starts.empty:
        fig.add_trace(go.Scattermap(
            lat=starts["lat"], lon=starts["lon"], mode="markers", name="run start",
            marker={"size": 9, "color": OKABE_ITO["grey"]}, hovertext=starts["label"],
            hoverinfo="text"))
    lats = [z.lat for z in zones] + starts["lat"].tolist()
    lons = [z.lon for z in zones] + starts["lon"].tolist()
    span = max(max(lats) - min(lats), max(lons) - min(lons),
               *(np.degrees(z.radius_m / EARTH_RADIUS_M) * 2 for z in zones), 1e-2)
    zoom = float(np.clip(np.log2(360.0 / span) - 1.0, 2, 16))
    fig.update_layout(
        title=title, map={"style": "open-street-map", "zoom": zoom,
                          "center": {"lat": float(np.mean(lats)), "lon": float(np.mean(lons))}},
        margin={"l": 0, "r": 0, "t": 40, "b": 0}, legend={"title": "on the map"})
    return fig
