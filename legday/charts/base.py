"""What every chart module shares: a figure that says in words why there is no chart, and
round axis ticks."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

#: Tick steps a person reads at a glance: 1, 2, 2.5 or 5 times a power of ten.
_NICE = (1.0, 2.0, 2.5, 5.0, 10.0)
#: Tick steps on a pace or duration axis: whole seconds and minutes. [s]
DURATION_STEPS = (5.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0)


def message_figure(title: str, message: str) -> go.Figure:
    """An empty figure with ``title`` and ``message`` in its middle, axes hidden."""
    fig = go.Figure()
    fig.update_layout(title=title, xaxis={"visible": False}, yaxis={"visible": False},
                      annotations=[{"text": message, "showarrow": False, "font": {"size": 14},
                                    "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5}])
    return fig


def nice_step(span: float, max_ticks: int = 6) -> float:
    """The smallest round step (1, 2, 2.5 or 5 x 10^k) giving at most ``max_ticks`` ticks
    over ``span``."""
    if not math.isfinite(span) or span <= 0:
        return 1.0
    raw = span / max(max_ticks - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in _NICE if m * power >= raw - 1e-12)


def duration_ticks(low: float, high: float, max_ticks: int = 7) -> np.ndarray:
    """Round ticks (whole seconds and minutes, :data:`DURATION_STEPS`) from ``low`` to
    ``high`` [s]."""
    span = max(high - low, 1.0)
    step = next((s for s in DURATION_STEPS if span / s <= max_ticks - 1), DURATION_STEPS[-1])
    first = math.ceil(low / step) * step
    return np.arange(first, high + 1e-9, step)
