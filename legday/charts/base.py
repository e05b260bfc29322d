"""What every chart module shares: a figure that says in words why there is no chart."""

from __future__ import annotations

import plotly.graph_objects as go


def message_figure(title: str, message: str) -> go.Figure:
    """An empty figure with ``title`` and ``message`` in its middle, axes hidden."""
    fig = go.Figure()
    fig.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False},
                      annotations=[{"text": message, "showarrow": False, "font": {"size": 14},
                                    "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}])
    return fig
