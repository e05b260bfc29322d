"""Charts of the next-morning check-ins: which kinds of day leave this athlete's legs tired.

Pure functions: the tables of :mod:`legday.checkins` in, Plotly figures out.
Colours come from :mod:`legday.palette`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from legday.charts.base import message_figure
from legday.checkins import AFTER_WORDS, LEG_FEELS
from legday.palette import OKABE_ITO

#: How the legs felt -> colour: calm to warm, no red/green pair.
LEG_FEEL_COLOURS: dict[str, str] = {
    "fresh": OKABE_ITO["sky_blue"],
    "normal": OKABE_ITO["grey"],
    "heavy": OKABE_ITO["orange"],
    "sore": OKABE_ITO["vermillion"],
}

NO_MORNINGS = "No check-ins yet: say how your legs feel on the mornings after training."


def _label(kind: str, mornings: int) -> str:
    word = "morning" if mornings == 1 else "mornings"
    return f"{AFTER_WORDS.get(kind, kind)}<br>({mornings} {word})"


def legs_after_chart(table: pd.DataFrame, *,
                     title: str = "How the legs felt the morning after") -> go.Figure:
    """Stacked bars, one per kind of day before (:func:`legday.checkins.legs_after`): the
    share of its mornings that were fresh, normal, heavy and sore, the count in each part."""
    if table.empty:
        return message_figure(title, NO_MORNINGS)
    labels = [_label(str(kind), int(n)) for kind, n in table["mornings"].items()]
    fig = go.Figure()
    for feel in LEG_FEELS:
        counts = table[feel].astype(int)
        shares = counts / table["mornings"] * 100
        fig.add_trace(go.Bar(
            y=labels, x=shares, name=feel, orientation="h", marker_color=LEG_FEEL_COLOURS[feel],
            text=[str(n) if n else "" for n in counts], textposition="inside",
            customdata=counts,
            hovertemplate=f"%{{y}}<br>{feel}: %{{customdata}} (%{{x:.0f}} %)<extra></extra>"))
    fig.update_layout(barmode="stack", title=title,
                      legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
                      margin={"l": 10, "r": 10})
    fig.update_xaxes(title_text="share of those mornings (%)", range=[0, 100])
    fig.update_yaxes(title_text="the day before", autorange="reversed", automargin=True)
    return fig
