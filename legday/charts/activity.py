"""Charts of one run: the track coloured by effort, and the effort profile.

Pure functions: prepared samples (:func:`legday.cleaning.prepare_run`) and the
run's efforts in, a Plotly figure out. Nothing here reads files or Streamlit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from legday.charts.base import message_figure
from legday.palette import EFFORT_ORDER, effort_colour
from legday.units import Units, fmt_duration

#: Efforts shaded on the profile; steady is the background, not a band.
SHADED_KINDS = ("hill", "interval", "sprint", "recovery")


def effort_index(prepared: pd.DataFrame, efforts: pd.DataFrame) -> np.ndarray:
    """For every prepared row, the index of the effort it falls in (-1 when none)."""
    index = np.full(len(prepared), -1, dtype=np.int64)
    if len(prepared) == 0 or len(efforts) == 0:
        return index
    times = prepared["time"].to_numpy(dtype="datetime64[ns]")
    starts = efforts["start"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(
        dtype="datetime64[ns]")
    position = np.searchsorted(starts, times, side="right") - 1
    index[position >= 0] = position[position >= 0]
    return index


def effort_map(prepared: pd.DataFrame, efforts: pd.DataFrame, *, title: str = "Route by effort"
               ) -> go.Figure:
    """The track on a map, one colour per effort kind.

    Each effort is its own line so kinds never blend; the legend has one entry
    per kind. A run without positions (treadmill, indoor track) gets a figure
    that says so instead of an empty map.
    """
    has_position = len(prepared) > 0 and prepared["lat"].notna().any()
    if not has_position:
        return message_figure(title, "No GPS positions in this run (indoor or treadmill).")
    which = effort_index(prepared, efforts)
    fig = go.Figure()
    shown: set[str] = set()
    for i, effort in enumerate(efforts.itertuples(index=False)):
        rows = prepared.loc[which == i]
        if rows["lat"].notna().sum() < 2:
            continue
        # Break the line at watch stops so a pause is not drawn as a straight jump.
        lat = rows["lat"].where(rows["stretch"].diff().fillna(0) == 0)
        kind = str(effort.kind)
        fig.add_trace(go.Scattermap(
            lat=lat, lon=rows["lon"], mode="lines", line={"width": 4, "color": effort_colour(kind)},
            name=kind, legendgroup=kind, showlegend=kind not in shown,
            hovertext=f"{kind}: {effort.why}", hoverinfo="text"))
        shown.add(kind)
    lat_all = prepared["lat"].dropna()
    lon_all = prepared["lon"].dropna()
    span = max(float(lat_all.max() - lat_all.min()), float(lon_all.max() - lon_all.min()), 1e-3)
    zoom = float(np.clip(np.log2(360.0 / span) - 1.0, 3, 17))
    fig.update_layout(
        title=title, map={"style": "open-street-map", "zoom": zoom,
                          "center": {"lat": float(lat_all.mean()), "lon": float(lon_all.mean())}},
        margin={"l": 0, "r": 0, "t": 40, "b": 0}, legend={"title": "effort"})
    return fig


def _pace_axis(units: Units, pace_s: pd.Series) -> dict[str, object]:
    finite = pace_s[np.isfinite(pace_s)]
    if finite.empty:
        return {}
    low, high = float(finite.quantile(0.01)), float(finite.quantile(0.99))
    step = 30.0 if high - low < 240 else 60.0
    ticks = np.arange(np.floor(low / step) * step, high + step, step)
    return {"tickvals": ticks, "ticktext": [fmt_duration(t) for t in ticks],
            "range": [high + step / 2, low - step / 2]}


def activity_profile(prepared: pd.DataFrame, efforts: pd.DataFrame, units: Units | None = None,
                     *, x: str = "distance", title: str = "Pace, elevation and heart rate"
                     ) -> go.Figure:
    """Pace and grade-adjusted pace, elevation and heart rate, efforts shaded.

    Parameters
    ----------
    prepared
        The run on its 1-s grid (:func:`legday.cleaning.prepare_run`).
    efforts
        The run's efforts (:data:`legday.efforts.EFFORT_COLUMNS`).
    units
        Distance and pace units; km by default.
    x
        ``distance`` (in the chosen unit) or ``time`` (moving minutes).
    """
    units = units or Units()
    if len(prepared) == 0:
        return message_figure(title, "This activity has no samples to chart.")
    if x == "distance":
        xs = prepared["distance_m"] / units.metres_per_unit
        x_title = f"distance ({units.distance})"
    else:
        xs = pd.Series(np.arange(len(prepared)) / 60.0, index=prepared.index)
        x_title = "moving time (min)"
    pace = prepared["speed_mps"].map(units.pace_s)
    gap = prepared["gap_speed_mps"].map(units.pace_s)
    has_elevation = prepared["elevation_m"].notna().any()
    has_hr = prepared["heart_rate"].notna().any()
    rows = 1 + int(has_elevation) + int(has_hr)
    titles = [f"pace ({units.pace_label})"] + (["elevation (m)"] if has_elevation else []) + (
        ["heart rate (bpm)"] if has_hr else [])
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        row_heights=[0.5] + [0.5 / max(rows - 1, 1)] * (rows - 1),
                        subplot_titles=titles)
    fig.add_trace(go.Scatter(x=xs, y=pace, name="pace", mode="lines",
                             line={"color": "#555555", "width": 1}), row=1, col=1)
    fig.add_trace(go.Scatter(x=xs, y=gap, name="grade-adjusted pace", mode="lines",
                             line={"color": "#000000", "width": 1.5}), row=1, col=1)
    fig.update_yaxes(title_text=units.pace_label, row=1, col=1, **_pace_axis(units, pace))
    row = 2
    if has_elevation:
        fig.add_trace(go.Scatter(x=xs, y=prepared["elevation_m"], name="elevation",
                                 mode="lines", fill="tozeroy", line={"color": "#999999"}),
                      row=row, col=1)
        low = float(prepared["elevation_m"].min())
        high = float(prepared["elevation_m"].max())
        fig.update_yaxes(title_text="m", range=[low - 5, high + 5], row=row, col=1)
        row += 1
    if has_hr:
        fig.add_trace(go.Scatter(x=xs, y=prepared["heart_rate"], name="heart rate",
                                 mode="lines", line={"color": "#CC79A7", "width": 1}),
                      row=row, col=1)
        fig.update_yaxes(title_text="bpm", row=row, col=1)
    which = effort_index(prepared, efforts)
    legend_done: set[str] = set()
    for i, effort in enumerate(efforts.itertuples(index=False)):
        kind = str(effort.kind)
        if kind not in SHADED_KINDS:
            continue
        inside = np.flatnonzero(which == i)
        if inside.size == 0:
            continue
        x0, x1 = float(xs.iloc[inside[0]]), float(xs.iloc[inside[-1]])
        # One band over all rows (the x axes are shared), not one shape per row.
        fig.add_shape(type="rect", xref="x", yref="paper", x0=x0, x1=x1, y0=0, y1=1,
                      fillcolor=effort_colour(kind), opacity=0.25, line_width=0, layer="below")
        if kind not in legend_done:
            # vrects have no legend entry: a dummy marker gives each shaded kind one.
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=kind,
                                     marker={"color": effort_colour(kind), "size": 12,
                                             "symbol": "square"}), row=1, col=1)
            legend_done.add(kind)
    fig.update_xaxes(title_text=x_title, row=rows, col=1)
    fig.update_layout(title=title, height=220 + 180 * rows, hovermode="x unified",
                      legend={"orientation": "h", "y": -0.15})
    return fig


def efforts_table(efforts: pd.DataFrame, units: Units | None = None,
                  utc_offset_s: int | None = None) -> pd.DataFrame:
    """The efforts as a table for people: local start, duration, distance, paces, why."""
    units = units or Units()
    if len(efforts) == 0:
        return pd.DataFrame(columns=["kind", "start", "duration", "distance", "pace",
                                     "grade-adjusted pace", "grade %", "climb m", "HR", "why"])
    offset = pd.Timedelta(seconds=utc_offset_s or 0)
    start = (efforts["start"].dt.tz_convert("UTC") + offset).dt.strftime("%H:%M:%S")
    return pd.DataFrame({
        "kind": efforts["kind"].astype(str),
        "start": start,
        "duration": efforts["duration_s"].map(fmt_duration),
        "distance": efforts["distance_m"].map(lambda m: units.fmt_distance(m)),
        "pace": efforts["speed_mps"].map(units.fmt_pace),
        "grade-adjusted pace": efforts["gap_speed_mps"].map(units.fmt_pace),
        "grade %": efforts["grade_pct"].round(1),
        "climb m": efforts["elevation_gain_m"].round(0),
        "HR": efforts["heart_rate"].round(0),
        "why": efforts["why"].map(lambda why: units.localise_paces(str(why))),
    })


LAP_TABLE_COLUMNS = ("lap", "start", "time", "distance", "pace", "trigger", "intensity")


def laps_table(laps: pd.DataFrame, units: Units | None = None,
               utc_offset_s: int | None = None) -> pd.DataFrame:
    """The watch's laps as a table for people: number, local start, timer time, distance,
    pace, what ended the lap (``trigger``) and its intensity."""
    units = units or Units()
    if len(laps) == 0:
        return pd.DataFrame(columns=list(LAP_TABLE_COLUMNS))
    offset = pd.Timedelta(seconds=utc_offset_s or 0)
    seconds = laps["timer_s"].where(laps["timer_s"].notna(), laps["elapsed_s"]).astype(float)
    distance = laps["distance_m"].astype(float)
    speed = (distance / seconds.where(seconds > 0)).astype(float)
    return pd.DataFrame({
        "lap": np.arange(1, len(laps) + 1),
        "start": (laps["start"].dt.tz_convert("UTC") + offset).dt.strftime("%H:%M:%S"),
        "time": seconds.map(fmt_duration),
        "distance": distance.map(lambda m: units.fmt_distance(m)),
        "pace": speed.map(units.fmt_pace),
        "trigger": laps["trigger"].fillna("-").astype(str),
        "intensity": laps["intensity"].fillna("-").astype(str),
    }).reset_index(drop=True)


__all__ = ["EFFORT_ORDER", "activity_profile", "effort_index", "effort_map", "efforts_table",
           "laps_table"]
