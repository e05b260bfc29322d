"""Charts of one run: the track coloured by effort, and the effort profile.

Pure functions: prepared samples (:func:`legday.cleaning.prepare_run`) and the
run's efforts in, a Plotly figure out. Nothing here reads files or Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from legday.calibration import AthleteProfile
from legday.charts.base import duration_ticks, message_figure, nice_step
from legday.efforts import hard_steady
from legday.efforts.rules import RULES
from legday.palette import EFFORT_ORDER, OKABE_ITO, effort_colour
from legday.schema import MINUTE_S
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


#: The smoothed pace and grade-adjusted pace average at least this many seconds... [s]
SMOOTH_MIN_S = 15
#: ... and up to this many on a long run, where a 15-s average still looks like noise. [s]
SMOOTH_MAX_S = 60
#: The window is the run's recorded time over this (a 1:40 run: 40 s). [1]
SMOOTH_PER_RUN = 150
#: Kinds after which the profile is drawn against elapsed time by default: reps and the
#: standing or walking recoveries between them keep their real length on a clock.
WORKOUT_KINDS = ("interval", "recovery")
#: Kinds whose mean pace the pace axis always shows.
WORK_KINDS = ("interval", "hill", "sprint")
PACE_COLOUR = OKABE_ITO["blue"]
GAP_COLOUR = OKABE_ITO["black"]


def default_profile_axis(efforts: pd.DataFrame) -> str:
    """``time`` for a workout (reps with recoveries between them), else ``distance``.

    Moving time drops the standing recoveries of a track session and an indoor
    watch's distance squashes them; elapsed time keeps every rep and rest its length.
    """
    if len(efforts) and efforts["kind"].astype(str).isin(WORKOUT_KINDS).any():
        return "time"
    return "distance"


def smoothing_s(samples: int) -> int:
    """The pace lines' averaging window for a run of ``samples`` seconds: 15 s for a run of
    up to 37 minutes, longer for longer runs, at most a minute. [s]"""
    return int(np.clip(samples // SMOOTH_PER_RUN, SMOOTH_MIN_S, SMOOTH_MAX_S))


def _smoothed(values: pd.Series, stretch: pd.Series, window: int) -> pd.Series:
    """A centred rolling mean over ``window`` samples, never across a watch stop."""
    return values.groupby(stretch, sort=False).transform(
        lambda part: part.rolling(window, center=True, min_periods=window // 3).mean())


def _pace(speed_mps: pd.Series, units: Units) -> pd.Series:
    """Pace in seconds per unit where running (NaN when standing or walking). [s]"""
    running = speed_mps.where(speed_mps >= RULES.running_mps)
    return units.metres_per_unit / running


def _utc(moment: object) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)  # type: ignore[arg-type]
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _minutes_since(t0: pd.Timestamp, moment: object) -> float:
    return float((_utc(moment) - t0).total_seconds()) / MINUTE_S


def pace_axis(pace_s: pd.Series, fastest_work_s: float = np.inf) -> dict[str, object]:
    """A pace axis for people: the running range only (the 2nd to the 98th percentile of
    ``pace_s``, widened to the fastest work effort's mean pace ``fastest_work_s`` so every
    rep fits, while a stop, a walk or a GPS jump does not stretch it), faster at the top,
    round ``m:ss`` ticks."""
    finite = pace_s[np.isfinite(pace_s)]
    if finite.empty:
        return {}
    low, high = float(finite.quantile(0.02)), float(finite.quantile(0.98))
    low = min(low, fastest_work_s)
    pad = max(0.08 * (high - low), 5.0)
    low, high = low - pad, high + pad
    ticks = duration_ticks(low, high, max_ticks=8)
    return {"tickvals": ticks, "ticktext": [fmt_duration(t) for t in ticks],
            "range": [high, low]}


def activity_profile(prepared: pd.DataFrame, efforts: pd.DataFrame, units: Units | None = None,
                     *, x: str = "distance", title: str = "Pace, elevation and heart rate"
                     ) -> go.Figure:
    """Pace and grade-adjusted pace, elevation and heart rate, efforts shaded.

    The pace lines are smoothed (:func:`smoothing_s`), the raw pace fainter
    behind them; every line breaks where the runner stood, walked or stopped the
    watch, and the pace axis spans the running only.

    Parameters
    ----------
    prepared
        The run on its 1-s grid (:func:`legday.cleaning.prepare_run`).
    efforts
        The run's efforts (:data:`legday.efforts.EFFORT_COLUMNS`).
    units
        Distance and pace units; km by default.
    x
        ``distance`` (in the chosen unit) or ``time`` (elapsed minutes since the start,
        watch stops included: see :func:`default_profile_axis`).
    """
    units = units or Units()
    if len(prepared) == 0:
        return message_figure(title, "This activity has no samples to chart.")
    if x == "distance":
        xs = prepared["distance_m"] / units.metres_per_unit
        x_title = f"distance ({units.distance})"
    else:
        xs = prepared["t_s"].astype(float) / MINUTE_S
        x_title = "elapsed time (min, watch stops included)"
    stretch = prepared["stretch"]
    # A NaN where a new stretch begins breaks every line across a watch stop.
    restart = (stretch.diff().fillna(0) != 0).to_numpy()
    stopped = ~prepared["moving"].astype(bool).to_numpy() | restart
    window = smoothing_s(len(prepared))
    raw = _pace(prepared["speed_mps"].astype(float), units).mask(stopped)
    pace = _pace(_smoothed(prepared["speed_mps"].astype(float), stretch, window), units
                 ).mask(stopped)
    gap = _pace(_smoothed(prepared["gap_speed_mps"].astype(float), stretch, window), units
                ).mask(stopped)
    has_elevation = prepared["elevation_m"].notna().any()
    has_hr = prepared["heart_rate"].notna().any()
    rows = 1 + int(has_elevation) + int(has_hr)
    titles = [f"pace ({units.pace_label})"] + (["elevation (m)"] if has_elevation else []) + (
        ["heart rate (bpm)"] if has_hr else [])
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        row_heights=[0.5] + [0.5 / max(rows - 1, 1)] * (rows - 1),
                        subplot_titles=titles)
    hover = "%{customdata}"
    fig.add_trace(go.Scatter(x=xs, y=raw, name="pace, every second", mode="lines",
                             line={"color": PACE_COLOUR, "width": 1}, opacity=0.3,
                             hoverinfo="skip"), row=1, col=1)
    fig.add_trace(go.Scatter(x=xs, y=pace, name=f"pace, {window}-s average", mode="lines",
                             line={"color": PACE_COLOUR, "width": 2},
                             customdata=[fmt_duration(v) for v in pace],
                             hovertemplate=f"pace {hover}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=xs, y=gap, name=f"grade-adjusted pace, {window}-s average",
                             mode="lines", line={"color": GAP_COLOUR, "width": 1.5,
                                                 "dash": "dash"},
                             customdata=[fmt_duration(v) for v in gap],
                             hovertemplate=f"grade-adjusted {hover}<extra></extra>"),
                  row=1, col=1)
    work = efforts["kind"].astype(str).isin(WORK_KINDS)
    fastest = float(units.metres_per_unit / efforts["speed_mps"][work].astype(float).max()
                    ) if work.any() else np.inf
    fig.update_yaxes(title_text=units.pace_label, row=1, col=1,
                     **pace_axis(pace, fastest if np.isfinite(fastest) else np.inf))
    row = 2
    if has_elevation:
        elevation = prepared["elevation_m"].astype(float)
        fig.add_trace(go.Scatter(x=xs, y=elevation.mask(restart), name="elevation",
                                 mode="lines", fill="tozeroy", line={"color": "#999999"},
                                 hovertemplate="%{y:.0f} m<extra></extra>"),
                      row=row, col=1)
        low, high = float(elevation.min()), float(elevation.max())
        step = nice_step(max(high - low, 10.0), 4)
        fig.update_yaxes(title_text="m", range=[np.floor(low / step) * step - step / 2,
                                                 np.ceil(high / step) * step + step / 2],
                         dtick=step, row=row, col=1)
        row += 1
    if has_hr:
        fig.add_trace(go.Scatter(x=xs, y=prepared["heart_rate"].astype(float).mask(stopped),
                                 name="heart rate", mode="lines",
                                 line={"color": "#CC79A7", "width": 1},
                                 hovertemplate="%{y:.0f} bpm<extra></extra>"),
                      row=row, col=1)
        fig.update_yaxes(title_text="bpm", row=row, col=1)
    which = effort_index(prepared, efforts)
    t0 = _utc(prepared["time"].iloc[0]) - pd.Timedelta(seconds=float(prepared["t_s"].iloc[0]))
    legend_done: set[str] = set()
    for i, effort in enumerate(efforts.itertuples(index=False)):
        kind = str(effort.kind)
        if kind not in SHADED_KINDS:
            continue
        inside = np.flatnonzero(which == i)
        if inside.size == 0:
            continue
        if x == "distance":
            x0, x1 = float(xs.iloc[inside[0]]), float(xs.iloc[inside[-1]])
        else:  # the effort's own start and end: a rest with the watch stopped has no samples
            x0, x1 = (_minutes_since(t0, effort.start), _minutes_since(t0, effort.end))
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


@dataclass(frozen=True)
class RunIntensity:
    """How hard a run was for this athlete, over its moving time.

    Attributes
    ----------
    threshold_share
        Grade-adjusted speed over the athlete's threshold speed (1.0 = threshold pace). [1]
    heart_rate
        Mean heart rate (NaN without one). [1/min]
    max_hr_share
        That over the athlete's maximal heart rate. [1]
    tempo_s
        Moving time of its hard steady running, tempo and threshold
        (:mod:`legday.efforts.tempo`, as the weekly ``tempo_s`` counts it). [s]
    """

    threshold_share: float
    heart_rate: float
    max_hr_share: float
    tempo_s: float


def run_intensity(efforts: pd.DataFrame, profile: AthleteProfile) -> RunIntensity | None:
    """The run's grade-adjusted pace against the athlete's threshold and its mean heart
    rate against their maximum, weighted by moving time (None without moving time), and
    its tempo time (``efforts`` read by :func:`legday.efforts.with_hard_steady`)."""
    moving = efforts["moving_s"].astype(float).fillna(0.0).to_numpy()
    if not len(efforts) or moving.sum() <= 0:
        return None
    gap = efforts["gap_speed_mps"].astype(float).to_numpy()
    has_gap = np.isfinite(gap) & (moving > 0)
    if not has_gap.any():
        return None
    speed = float(np.average(gap[has_gap], weights=moving[has_gap]))
    hr = efforts["heart_rate"].astype(float).to_numpy()
    has_hr = np.isfinite(hr) & (moving > 0)
    heart = float(np.average(hr[has_hr], weights=moving[has_hr])) if has_hr.any() else np.nan
    tempo_s = float(moving[hard_steady(efforts)].sum())
    return RunIntensity(speed / profile.threshold_speed_mps, heart, heart / profile.max_hr,
                        tempo_s)


EFFORT_TABLE_COLUMNS = ("kind", "start", "time", "moving", "distance", "pace",
                        "grade-adjusted pace", "grade %", "climb m", "HR", "why")
#: Below this much moving time or distance an effort has no pace worth showing. [s], [m]
PACE_MIN_S, PACE_MIN_M = 10.0, 10.0


def _blank(values: pd.Series, fmt: str) -> pd.Series:
    """Numbers as text, a missing one as an empty cell (never ``None`` or ``nan``)."""
    return values.map(lambda v: "" if v is None or not np.isfinite(v) else format(v, fmt))


def efforts_table(efforts: pd.DataFrame, units: Units | None = None,
                  utc_offset_s: int | None = None) -> pd.DataFrame:
    """The efforts as a table for people: local start, elapsed and moving time, distance,
    paces, grade, climb, heart rate and why.

    The pace is the distance over the moving time, so pace, distance and time agree (a
    mean of the per-second speeds does not, on an indoor track or across a stop); the
    grade-adjusted pace scales it by the effort's mean grade adjustment. An effort spent
    standing has no pace: its cells are empty, as is every missing number.
    """
    units = units or Units()
    if len(efforts) == 0:
        return pd.DataFrame(columns=list(EFFORT_TABLE_COLUMNS))
    offset = pd.Timedelta(seconds=utc_offset_s or 0)
    start = (efforts["start"].dt.tz_convert("UTC") + offset).dt.strftime("%H:%M:%S")
    moving = efforts["moving_s"].astype(float)
    distance = efforts["distance_m"].astype(float)
    paced = (moving >= PACE_MIN_S) & (distance >= PACE_MIN_M)
    speed = (distance / moving).where(paced)
    adjustment = (efforts["gap_speed_mps"].astype(float) / efforts["speed_mps"].astype(float))
    gap_speed = speed * adjustment.where(np.isfinite(adjustment) & (adjustment > 0))

    def pace(values: pd.Series) -> pd.Series:
        return values.map(lambda v: units.fmt_pace(v) if np.isfinite(v) else "")

    return pd.DataFrame({
        "kind": efforts["kind"].astype(str),
        "start": start,
        "time": efforts["duration_s"].map(lambda v: fmt_duration(v) if np.isfinite(v) else ""),
        "moving": moving.map(lambda v: fmt_duration(v) if np.isfinite(v) else ""),
        "distance": distance.map(lambda m: units.fmt_distance(m) if np.isfinite(m) else ""),
        "pace": pace(speed),
        "grade-adjusted pace": pace(gap_speed),
        "grade %": _blank(efforts["grade_pct"].astype(float), ".1f"),
        "climb m": _blank(efforts["elevation_gain_m"].astype(float), ".0f"),
        "HR": _blank(efforts["heart_rate"].astype(float), ".0f"),
        "why": efforts["why"].map(lambda why: units.localise_paces(str(why))),
    }).reset_index(drop=True)


LAP_TABLE_COLUMNS = ("lap", "start", "time", "distance", "pace", "trigger", "intensity")
#: What ended a lap without the athlete or a workout step: the watch's auto-lap.
AUTO_LAP_TRIGGERS = ("distance", "time", "position_start", "position_lap",
                     "position_waypoint", "position_marked", "session_end")


def laps_table(laps: pd.DataFrame, units: Units | None = None,
               utc_offset_s: int | None = None) -> pd.DataFrame:
    """The watch's laps as a table for people: number, local start, timer time, distance,
    pace, what ended the lap (``trigger``) and its intensity.

    The intensity is shown only where it says something: when the laps differ in it
    (warm-up, active, rest of a planned workout). Many watches stamp every auto-lap
    ``interval`` or ``active``, which would call an easy run's kilometres intervals.
    """
    units = units or Units()
    if len(laps) == 0:
        return pd.DataFrame(columns=list(LAP_TABLE_COLUMNS))
    offset = pd.Timedelta(seconds=utc_offset_s or 0)
    seconds = laps["timer_s"].where(laps["timer_s"].notna(), laps["elapsed_s"]).astype(float)
    distance = laps["distance_m"].astype(float)
    speed = (distance / seconds.where(seconds > 0)).astype(float)
    intensity = laps["intensity"].astype(object).where(laps["intensity"].notna(), None)
    trigger = laps["trigger"].astype(object).where(laps["trigger"].notna(), None)
    says_something = intensity.dropna().nunique() > 1
    auto_interval = (intensity == "interval") & trigger.isin(AUTO_LAP_TRIGGERS)
    shown = intensity.where(says_something & ~auto_interval, None)
    return pd.DataFrame({
        "lap": np.arange(1, len(laps) + 1),
        "start": (laps["start"].dt.tz_convert("UTC") + offset).dt.strftime("%H:%M:%S"),
        "time": seconds.map(lambda v: fmt_duration(v) if np.isfinite(v) else ""),
        "distance": distance.map(lambda m: units.fmt_distance(m) if np.isfinite(m) else ""),
        "pace": speed.map(lambda v: units.fmt_pace(v) if np.isfinite(v) else ""),
        "trigger": trigger.map(lambda t: "" if t is None else str(t).replace("_", " ")),
        "intensity": shown.map(lambda i: "" if i is None else str(i).replace("_", " ")),
    }).reset_index(drop=True)


__all__ = ["EFFORT_ORDER", "EFFORT_TABLE_COLUMNS", "RunIntensity", "activity_profile",
           "default_profile_axis", "effort_index", "effort_map", "efforts_table", "laps_table",
           "pace_axis", "run_intensity"]
