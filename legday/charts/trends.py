"""Trend charts of what the ground asked of the legs: descending per week, climbing per month.

:func:`downhill_trend` reads the weekly table (``descent_m``, ``steep_descent_m``);
:func:`climbing_trend` the monthly climbing table (``legday.weekly.climbing_table``).
Both return a figure with a title and labelled axes, or one that says why there is none.
Elevation stays in metres whatever the distance unit: it is how maps and watches give it.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from legday.charts.base import message_figure
from legday.charts.season import RECENT_WEEKS, frame_weeks
from legday.palette import OKABE_ITO

NO_DESCENT = "No descent recorded yet: runs with elevation show it here."
NO_CLIMBING = ("Not enough running on 4-8 % climbs and on the flat in the same runs yet "
               "(a minute of each in a run).")

#: What the climbing trend is a proxy for, in one sentence (shown beside the chart).
CLIMBING_PROXY = ("A proxy for hill strength, not a measurement: a stronger climber holds more "
                  "of their flat grade-adjusted speed on 4-8 % climbs, or the same speed with "
                  "a quicker step; weather, the hills chosen and fatigue move it too.")


def _numbers(frame: pd.DataFrame, name: str, missing: float = 0.0) -> pd.Series:
    """A column as numbers, ``missing`` where absent or empty."""
    if name not in frame.columns:
        return pd.Series(missing, index=frame.index, dtype=float)
    return pd.to_numeric(frame[name], errors="coerce").fillna(missing)


def downhill_trend(weeks: pd.DataFrame, *, title: str = "Downhill running per week",
                   selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """Metres descended at running speed per week, the steep part (> 8 %) apart, with the
    steep part's 4-week mean."""
    descent, steep = _numbers(weeks, "descent_m"), _numbers(weeks, "steep_descent_m")
    if weeks.empty or not (descent.sum() > 0):
        return message_figure(title, NO_DESCENT)
    x = [str(w) for w in weeks.index]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=steep, name="steep descent (> 8 %)",
                         marker_color=OKABE_ITO["vermillion"],
                         hovertemplate="%{x}: %{y:.0f} m on steep descents<extra></extra>"))
    fig.add_trace(go.Bar(x=x, y=(descent - steep).clip(lower=0.0),
                         name="other descent at running speed",
                         marker_color=OKABE_ITO["sky_blue"],
                         hovertemplate="%{x}: %{y:.0f} m more downhill<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=steep.rolling(4, min_periods=1).mean(),
                             name="steep descent, 4-week mean", mode="lines",
                             line={"color": "#000000", "dash": "dot"}))
    fig.update_layout(barmode="stack", title=title, legend={"orientation": "h", "y": -0.2},
                      hovermode="x unified")
    fig.update_xaxes(title_text="week")
    fig.update_yaxes(title_text="elevation lost running (m)", rangemode="tozero")
    return frame_weeks(fig, weeks, selected=selected, last=last)


def climbing_trend(climbing: pd.DataFrame, *,
                   title: str = "Climbing against the flat, per month") -> go.Figure:
    """Per month: grade-adjusted speed on 4-8 % climbs as a share of flat speed (line), and
    the cadence difference climb minus flat (bars)."""
    if climbing.empty:
        return message_figure(title, NO_CLIMBING)
    x = [str(m) for m in climbing.index]
    runs = _numbers(climbing, "runs").astype(int)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    # A month without cadence on record has no bar, not a zero one.
    fig.add_trace(go.Bar(x=x, y=_numbers(climbing, "cadence_gain_spm", float("nan")),
                         name="cadence on climbs minus flat (steps/min)",
                         marker_color=OKABE_ITO["sky_blue"], customdata=runs,
                         hovertemplate="%{y:+.0f} steps/min (%{customdata} runs)<extra></extra>"),
                  secondary_y=True)
    fig.add_trace(go.Scatter(x=x, y=100.0 * _numbers(climbing, "climb_gap_share", float("nan")),
                             name="climbing speed, % of flat (grade-adjusted)",
                             mode="lines+markers", line={"color": OKABE_ITO["vermillion"]},
                             customdata=runs,
                             hovertemplate="%{y:.0f} % of flat (%{customdata} runs)"
                                           "<extra></extra>"),
                  secondary_y=False)
    fig.update_layout(title=title, legend={"orientation": "h", "y": -0.2}, hovermode="x unified")
    fig.update_xaxes(title_text="month", type="category")
    fig.update_yaxes(title_text="% of flat grade-adjusted speed", tickformat=".0f",
                     secondary_y=False)
    fig.update_yaxes(title_text="steps/min vs flat", secondary_y=True, showgrid=False,
                     zeroline=True, tickformat="+.0f", tickmode="auto", nticks=5)
    return fig
