"""The run's efforts on one line of time: where the athlete picks a split point.

Pure: the run's efforts and the instant its times count from in, a Plotly figure
out. A point every few seconds, coloured by the effort it falls in, so a click
anywhere on the line picks a time (``x`` is minutes from the start).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from legday.charts.base import message_figure
from legday.palette import EFFORT_ORDER, effort_colour

#: Seconds between the points of the strip: a click lands this close to where it aims.
STRIP_STEP_S = 5.0


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else \
        f"{s // 60}:{s % 60:02d}"


def effort_strip(efforts: pd.DataFrame, origin: pd.Timestamp, *,
                 step_s: float = STRIP_STEP_S,
                 title: str = "Click the line to pick a split point") -> go.Figure:
    """The efforts as one line of time from ``origin`` (minutes), coloured by kind; each
    point's ``customdata`` is its time in seconds from the start. [min]"""
    if efforts.empty:
        return message_figure(title, "No efforts to pick from")
    zero = np.datetime64(origin.value, "ns")
    starts = (efforts["start"].to_numpy(dtype="datetime64[ns]") - zero) / np.timedelta64(1, "s")
    ends = (efforts["end"].to_numpy(dtype="datetime64[ns]") - zero) / np.timedelta64(1, "s")
    times = np.arange(float(starts.min()), float(ends.max()) + step_s / 2, step_s)
    which = np.clip(np.searchsorted(starts, times, side="right") - 1, 0, len(efforts) - 1)
    kinds = efforts["kind"].astype(str).to_numpy()[which]
    fig = go.Figure()
    for kind in EFFORT_ORDER:
        mask = kinds == kind
        if not mask.any():
            continue
        fig.add_trace(go.Scatter(
            x=times[mask] / 60.0, y=np.zeros(int(mask.sum())), mode="markers", name=kind,
            marker={"color": effort_colour(kind), "size": 9, "symbol": "square"},
            customdata=times[mask], text=[_clock(t) for t in times[mask]],
            hovertemplate=f"%{{text}} · {kind}<extra></extra>"))
    fig.update_layout(title=title, height=170, margin={"l": 10, "r": 10, "t": 40, "b": 40},
                      hovermode="closest", clickmode="event+select",
                      legend={"orientation": "h", "y": -0.6})
    fig.update_xaxes(title_text="minutes from the start")
    fig.update_yaxes(visible=False, fixedrange=True)
    return fig
