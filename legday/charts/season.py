"""Charts of a season: the weekly table in, Plotly figures out.

Every function takes the weekly table of :func:`legday.season.analyse` (one
row per ISO week, columns documented in ``docs/weekly.md``) and returns a
figure with a title and labelled axes; a table without weeks gives a figure
that says so. Colours come from :mod:`legday.palette` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from legday.charts.base import message_figure
from legday.palette import (
    EFFORT_COLOURS,
    EFFORT_ORDER,
    OKABE_ITO,
    REGION_COLOURS,
    STRENGTH_COLOURS,
    TYPE_II_KINDS,
    VERDICT_COLOURS,
)
from legday.routes import same_pace
from legday.schema import MINUTE_S
from legday.units import Units

MODEL_LABEL = "running (modelled, not measured)"


NO_WEEKS = "No weeks to show yet: add activities first."
NO_LIFTING = "No lifting logged yet: log it on the Strength log page."


def _col(weeks: pd.DataFrame, name: str) -> pd.Series:
    if name in weeks.columns:
        return pd.to_numeric(weeks[name], errors="coerce").fillna(0.0)
    return pd.Series(0.0, index=weeks.index)


def _minutes(weeks: pd.DataFrame, name: str) -> pd.Series:
    """A weekly duration column (seconds) in minutes, as the charts show durations."""
    return _col(weeks, name) / MINUTE_S


def _x(weeks: pd.DataFrame) -> list[str]:
    return [str(w) for w in weeks.index]


#: Weekly charts open on this many latest weeks; the rest is a pan or a zoom-out away.
RECENT_WEEKS = 16
#: Up to this many weeks every week is labelled; beyond, the first week of each month.
LABEL_EVERY_WEEK = 20
#: How a strength session kind reads in a legend.
STRENGTH_WORDS = {"lower": "lower-body", "upper": "upper-body", "core": "core",
                  "full_body": "full-body", "unknown": "unsorted"}


def _monday(week: str) -> date | None:
    try:
        return datetime.strptime(f"{week}-1", "%G-W%V-%u").date()
    except ValueError:
        return None


def week_ticks(weeks: Sequence[str]) -> tuple[list[str], list[str]]:
    """Tick positions and texts for ISO weeks: each week as ``W32`` over its Monday's date
    when there are few, else the first week of each month (by its Thursday, as ISO weeks
    go) as the month, with the year at January and at the first tick."""
    mondays = [_monday(w) for w in weeks]
    if len(weeks) <= LABEL_EVERY_WEEK:
        return list(weeks), [f"{w[-3:]}<br>{m:%-d %b}" if m is not None else w
                             for w, m in zip(weeks, mondays, strict=True)]
    vals: list[str] = []
    texts: list[str] = []
    previous: date | None = None
    for week, monday in zip(weeks, mondays, strict=True):
        if monday is None:
            continue
        thursday = monday + timedelta(days=3)  # an ISO week is in its Thursday's month
        if previous is None or thursday.month != previous.month:
            vals.append(week)
            texts.append(f"{thursday:%b}<br>{thursday:%Y}" if not texts or thursday.month == 1
                         else f"{thursday:%b}")
        previous = thursday
    return vals, texts


def _has_subplots(fig: go.Figure) -> bool:
    try:
        fig.get_subplot(1, 1)
    except Exception:  # plotly raises a plain Exception for a figure without a grid
        return False
    return True


def frame_weeks(fig: go.Figure, weeks: pd.DataFrame, *, selected: str | None = None,
                last: int | None = RECENT_WEEKS) -> go.Figure:
    """Put a weekly chart's weeks on a readable axis: round week or month ticks, the
    ``last`` weeks in view (ending at ``selected`` when that is older; None: all), and the
    ``selected`` week outlined. Returns ``fig``."""
    x = _x(weeks)
    vals, texts = week_ticks(x)
    if "xaxis2" in fig.layout.to_plotly_json() and len(x) <= LABEL_EVERY_WEEK:
        vals, texts = vals[::2], texts[::2]  # panels side by side: half the width per label
    fig.update_xaxes(categoryorder="array", categoryarray=x, tickmode="array", tickvals=vals,
                     ticktext=texts, tickangle=0)
    index = {w: i for i, w in enumerate(x)}
    end = len(x) - 1
    if selected in index and last is not None and index[selected] < end - last + 1:
        end = min(index[selected] + 2, len(x) - 1)
    if last is not None and len(x) > last:
        fig.update_xaxes(range=[end - last + 0.5, end + 0.5])
    if selected in index:
        i = index[selected]
        # A shade behind the bars and an outline over them, so even a tile strip shows it.
        shade = {"fillcolor": "#000000", "opacity": 0.08, "line_width": 0, "layer": "below"}
        outline = {"fillcolor": "rgba(0,0,0,0)", "line": {"color": "#000000", "width": 2},
                   "layer": "above"}
        for spec in (shade, outline):
            if _has_subplots(fig):  # the week in every panel
                fig.add_vrect(x0=i - 0.5, x1=i + 0.5, row="all", col="all", **spec)
            else:
                fig.add_vrect(x0=i - 0.5, x1=i + 0.5, **spec)
    return fig


def weekly_mix(weeks: pd.DataFrame, *, title: str = "Running by effort kind, with strength",
               selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """Stacked weekly running minutes by effort kind; strength sessions overlaid, each kind
    of session beside the others in its week (never one marker on top of another), the
    lower-body sessions that decide leg day first."""
    if weeks.empty:
        return message_figure(title, NO_WEEKS)
    x = _x(weeks)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for kind in EFFORT_ORDER:
        fig.add_trace(go.Bar(x=x, y=_minutes(weeks, f"{kind}_s"), name=kind,
                             marker_color=EFFORT_COLOURS[kind],
                             hovertemplate=f"{kind}: %{{y:.0f}} min<extra>%{{x}}</extra>"),
                      secondary_y=False)
    for kind, colour in STRENGTH_COLOURS.items():
        counts = _col(weeks, f"strength_{kind}")
        if counts.sum() == 0:
            continue
        words = STRENGTH_WORDS.get(kind, kind.replace("_", " "))
        fig.add_trace(go.Scatter(
            x=x, y=counts.where(counts > 0), mode="markers", name=f"{words} lifting",
            marker={"color": colour, "size": 15 if kind == "lower" else 12,
                    "symbol": "diamond", "line": {"width": 1, "color": "#000000"}},
            # Each kind its own slot in the week, so a marker never hides another.
            offsetgroup=kind, alignmentgroup="strength",
            hovertemplate=f"{words} sessions: %{{y:.0f}}<extra>%{{x}}</extra>"),
            secondary_y=True)
    top = max(float(_col(weeks, "strength_sessions").max()), 3.0)
    fig.update_layout(barmode="stack", title=title,
                      legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
                      hovermode="x unified", scattermode="group", scattergap=0.5)
    fig.update_xaxes(title_text="week")
    fig.update_yaxes(title_text="running (min)", secondary_y=False)
    fig.update_yaxes(title_text="strength sessions", range=[0, top + 0.5], dtick=1,
                     showgrid=False, secondary_y=True)
    return frame_weeks(fig, weeks, selected=selected, last=last)


def leg_day_strip(weeks: pd.DataFrame, *, title: str = "Did it count as leg day?",
                  selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """One coloured tile per week: yes, partly or no, the reasons on hover."""
    if weeks.empty or "leg_day" not in weeks.columns:
        return message_figure(title, NO_WEEKS)
    x = _x(weeks)
    verdicts = weeks["leg_day"].astype(str)
    reasons = weeks.get("leg_day_reasons", pd.Series([[]] * len(weeks), index=weeks.index))
    hover = ["<br>".join(r) if isinstance(r, list | tuple) else str(r) for r in reasons]
    fig = go.Figure()
    for verdict, colour in VERDICT_COLOURS.items():
        mask = (verdicts == verdict).to_numpy()
        if not mask.any():
            continue
        fig.add_trace(go.Bar(
            x=[xi for xi, m in zip(x, mask, strict=True) if m], y=[1] * int(mask.sum()),
            name=verdict, marker_color=colour, text=[verdict] * int(mask.sum()),
            textposition="inside", hovertext=[h for h, m in zip(hover, mask, strict=True) if m],
            hovertemplate="%{x}: " + verdict + "<br>%{hovertext}<extra></extra>"))
    fig.update_layout(title=title, height=200, barmode="overlay", bargap=0.05,
                      legend={"orientation": "h", "y": -0.7}, margin={"t": 40, "b": 10})
    fig.update_xaxes(title_text="week")
    fig.update_yaxes(visible=False, range=[0, 1])
    return frame_weeks(fig, weeks, selected=selected, last=last)


def progression(weeks: pd.DataFrame, *, title: str = "Progression of the type-II work",
                selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """Hill climbing, sprint count, interval work time and lower-body tonnage by week."""
    if weeks.empty:
        return message_figure(title, NO_WEEKS)
    panels = [("hill_climb_m", "hill climbing (m)", EFFORT_COLOURS["hill"], 1.0),
              ("sprint_count", "sprints (count)", EFFORT_COLOURS["sprint"], 1.0),
              ("interval_work_s", "interval work (min)", EFFORT_COLOURS["interval"], MINUTE_S),
              ("lower_tonnage_kg", "lower-body tonnage (kg)", STRENGTH_COLOURS["lower"], 1.0)]
    fig = make_subplots(rows=2, cols=2, shared_xaxes=True, vertical_spacing=0.14,
                        subplot_titles=[p[1] for p in panels])
    x = _x(weeks)
    for i, (column, label, colour, per_unit) in enumerate(panels):
        row, col = divmod(i, 2)
        values = _col(weeks, column) / per_unit
        fig.add_trace(go.Bar(x=x, y=values, name=label, marker_color=colour,
                             showlegend=False), row=row + 1, col=col + 1)
        trend = values.rolling(4, min_periods=2).mean()
        fig.add_trace(go.Scatter(x=x, y=trend, name=f"{label}, 4-week mean", mode="lines",
                                 line={"color": "#000000", "dash": "dot"}, showlegend=i == 0),
                      row=row + 1, col=col + 1)
        # Counts and kilograms are never negative: an empty panel is 0 up, not -1 to 1.
        fig.update_yaxes(title_text=label.split(" (")[-1].rstrip(")"), rangemode="tozero",
                         row=row + 1, col=col + 1)
    if not (_col(weeks, "strength_sessions") > 0).any():
        # No tonnage because nothing was lifted, not because lifting stalled at 0 kg.
        fig.update_yaxes(showticklabels=False, showgrid=False, row=2, col=2)
        fig.add_annotation(text=NO_LIFTING, showarrow=False, row=2, col=2, x=x[len(x) // 2],
                           y=0.5, font={"color": OKABE_ITO["grey"]})
    for col in (1, 2):
        fig.update_xaxes(title_text="week", row=2, col=col)
    fig.update_layout(title=title, height=600, legend={"orientation": "h", "y": -0.25})
    return frame_weeks(fig, weeks, selected=selected, last=last)


def load_chart(weeks: pd.DataFrame, *, title: str = "Training load (session-RPE units)",
               selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """Weekly load by source, with the acute (7-day) and chronic (42-day) averages."""
    if weeks.empty:
        return message_figure(title, NO_WEEKS)
    x = _x(weeks)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    sources = [("load_runs", "running", EFFORT_COLOURS["steady"]),
               ("load_strength", "strength", STRENGTH_COLOURS["lower"]),
               ("load_other", "other sports", OKABE_ITO["grey"])]
    for column, name, colour in sources:
        fig.add_trace(go.Bar(x=x, y=_col(weeks, column), name=name, marker_color=colour),
                      secondary_y=False)
    for column, name, dash in (("atl", "acute (7-day average per day)", "solid"),
                               ("ctl", "chronic (42-day average per day)", "dash")):
        if column in weeks.columns:
            fig.add_trace(go.Scatter(x=x, y=_col(weeks, column), name=name, mode="lines+markers",
                                     line={"color": "#000000", "dash": dash}), secondary_y=True)
    ramp = _col(weeks, "ramp_pct")
    fig.add_trace(go.Scatter(x=x, y=[None] * len(x), name="ramp % on hover", mode="markers",
                             marker={"opacity": 0}, showlegend=False,
                             customdata=ramp, hovertemplate="ramp %{customdata:+.0f} %"))
    fig.update_layout(barmode="stack", title=title, legend={"orientation": "h", "y": -0.2},
                      hovermode="x unified")
    fig.update_xaxes(title_text="week")
    fig.update_yaxes(title_text="weekly load (AU)", rangemode="tozero", secondary_y=False)
    fig.update_yaxes(title_text="daily load, averaged (AU)", rangemode="tozero",
                     secondary_y=True, showgrid=False, tickmode="auto")
    return frame_weeks(fig, weeks, selected=selected, last=last)


def monotony_strain(weeks: pd.DataFrame, *, title: str = "Monotony and strain (Foster)",
                    selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """Foster's strain (bars) and monotony (line) by week, described, not judged."""
    if weeks.empty:
        return message_figure(title, NO_WEEKS)
    x = _x(weeks)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=x, y=_col(weeks, "strain"), name="strain (load x monotony)",
                         marker_color=OKABE_ITO["sky_blue"]), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=_col(weeks, "monotony"), name="monotony (mean / SD)",
                             mode="lines+markers", line={"color": OKABE_ITO["vermillion"]}),
                  secondary_y=True)
    fig.update_layout(title=title, legend={"orientation": "h", "y": -0.2}, hovermode="x unified")
    fig.update_xaxes(title_text="week")
    fig.update_yaxes(title_text="strain (AU)", rangemode="tozero", secondary_y=False)
    fig.update_yaxes(title_text="monotony", rangemode="tozero", secondary_y=True, showgrid=False,
                     tickmode="auto")
    return frame_weeks(fig, weeks, selected=selected, last=last)


def distance_chart(weeks: pd.DataFrame, units: Units | None = None, *,
                   title: str = "Weekly running distance",
                   selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """Weekly distance in the chosen unit, by effort kind."""
    units = units or Units()
    if weeks.empty:
        return message_figure(title, NO_WEEKS)
    x = _x(weeks)
    fig = go.Figure()
    for kind in EFFORT_ORDER:
        metres = _col(weeks, f"{kind}_distance_m")
        fig.add_trace(go.Bar(x=x, y=metres / units.metres_per_unit, name=kind,
                             marker_color=EFFORT_COLOURS[kind]))
    fig.update_layout(barmode="stack", title=title, legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(title_text="week")
    fig.update_yaxes(title_text=f"distance ({units.distance})")
    return frame_weeks(fig, weeks, selected=selected, last=last)


#: Weeks shown before the first lift, so a season that started lifting late is not a
#: long run of empty weeks.
WEEKS_BEFORE_FIRST_LIFT = 1


def lifting_weeks(weeks: pd.DataFrame) -> pd.DataFrame:
    """The weeks from just before the first one with a strength session to the end (none
    when nothing was lifted): the time range of the lifting charts."""
    lifted = (_col(weeks, "strength_sessions") > 0).to_numpy()
    if not lifted.any():
        return weeks.iloc[0:0]
    return weeks.iloc[max(int(np.argmax(lifted)) - WEEKS_BEFORE_FIRST_LIFT, 0):]


def muscle_coverage(weeks: pd.DataFrame, muscle_groups: Sequence[str], *,
                    running: bool = False, title: str | None = None,
                    selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """Heat map of muscle-weighted sets per muscle group per week (lifting, from just before
    the first lift), or running's modelled minutes; weeks framed as :func:`frame_weeks`."""
    column = "run_{}_s" if running else "sets_{}"
    title = title or (f"Muscle groups worked by running — {MODEL_LABEL}" if running
                      else "Muscle-weighted sets per muscle group (lifting)")
    if weeks.empty:
        return message_figure(title, NO_WEEKS)
    if not running:
        weeks = lifting_weeks(weeks)
        if weeks.empty:
            return message_figure(title, NO_LIFTING)
    per_unit = MINUTE_S if running else 1.0
    z = np.array([(_col(weeks, column.format(g)) / per_unit).to_numpy() for g in muscle_groups])
    labels = [g.replace("_", " ") for g in muscle_groups]
    unit = "min" if running else "muscle-weighted sets"
    fig = go.Figure(go.Heatmap(
        z=z, x=_x(weeks), y=labels, colorscale="Cividis", zmin=0,
        zmax=max(1.0, float(z.max()) if z.size else 1.0),
        colorbar={"title": unit},
        hovertemplate="%{y}, %{x}: %{z:.1f} " + unit + "<extra></extra>"))
    fig.update_layout(title=title, height=120 + 24 * len(labels))
    fig.update_xaxes(title_text="week")
    fig.update_yaxes(title_text="muscle group", autorange="reversed")
    return frame_weeks(fig, weeks, selected=selected, last=last)


def fibre_share(weeks: pd.DataFrame, *, title: str = "Type I vs type II running",
                selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """Share of running time that is type-II work (hills, sprints, intervals) by week."""
    if weeks.empty:
        return message_figure(title, NO_WEEKS)
    x = _x(weeks)
    run_s = _col(weeks, "run_s")
    zero = pd.Series(0.0, index=weeks.index)
    type2 = sum((_col(weeks, f"{k}_s") for k in TYPE_II_KINDS), start=zero)
    share2 = (type2 / run_s.where(run_s > 0)).fillna(0.0) * 100
    share1 = (100 - share2).where(run_s > 0, 0.0)
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=share1, name="type I (steady, recovery)",
                         marker_color=EFFORT_COLOURS["steady"]))
    fig.add_trace(go.Bar(x=x, y=share2, name="type II (hill, sprint, interval)",
                         marker_color=EFFORT_COLOURS["interval"]))
    fig.update_layout(barmode="stack", title=title, legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(title_text="week")
    fig.update_yaxes(title_text="share of running time (%)", range=[0, 100])
    return frame_weeks(fig, weeks, selected=selected, last=last)


def hard_easy(weeks: pd.DataFrame, hard_share_limit: float = 0.25, *,
              title: str = "Easy vs hard running",
              selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """Easy and hard minutes by week, with the hard share against its limit."""
    if weeks.empty:
        return message_figure(title, NO_WEEKS)
    x = _x(weeks)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=x, y=_minutes(weeks, "easy_s"), name="easy",
                         marker_color=EFFORT_COLOURS["steady"]), secondary_y=False)
    fig.add_trace(go.Bar(x=x, y=_minutes(weeks, "hard_s"), name="hard",
                         marker_color=EFFORT_COLOURS["sprint"]), secondary_y=False)
    fig.add_trace(go.Scatter(x=x, y=_col(weeks, "hard_share") * 100, name="hard share (%)",
                             mode="lines+markers", line={"color": "#000000"}), secondary_y=True)
    fig.add_trace(go.Scatter(x=[x[0], x[-1]], y=[hard_share_limit * 100] * 2, mode="lines",
                             name=f"{hard_share_limit:.0%} guide", line={"dash": "dot",
                                                                        "color": "#999999"}),
                  secondary_y=True)
    fig.update_layout(barmode="stack", title=title, legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(title_text="week")
    fig.update_yaxes(title_text="running (min)", secondary_y=False)
    fig.update_yaxes(title_text="hard share (%)", range=[0, 100], secondary_y=True,
                     showgrid=False, tickmode="auto")
    return frame_weeks(fig, weeks, selected=selected, last=last)


def region_balance(weeks: pd.DataFrame, *,
                   title: str = "Upper / lower / core strength sets",
                   selected: str | None = None, last: int | None = RECENT_WEEKS) -> go.Figure:
    """Working sets by region per week (``lower_sets``, ``upper_sets``, ``core_sets``: each
    set counted once, the count the Overview and the Strength log show), from just before
    the first lift; weeks framed as :func:`frame_weeks`."""
    if weeks.empty:
        return message_figure(title, NO_WEEKS)
    weeks = lifting_weeks(weeks)
    if weeks.empty:
        return message_figure(title, NO_LIFTING)
    x = _x(weeks)
    fig = go.Figure()
    for region, name in (("lower", "lower body"), ("upper", "upper body"), ("core", "core")):
        fig.add_trace(go.Bar(x=x, y=_col(weeks, f"{region}_sets"), name=name,
                             marker_color=REGION_COLOURS[region],
                             hovertemplate=f"{name}: %{{y:.0f}} sets<extra>%{{x}}</extra>"))
    fig.update_layout(barmode="stack", title=title, legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(title_text="week")
    fig.update_yaxes(title_text="working sets", rangemode="tozero")
    return frame_weeks(fig, weeks, selected=selected, last=last)


ROUTE_TABLE_COLUMNS = ("route", "runs", "steady runs", "weeks", "first", "last", "distance",
                       "median pace", "runs at that pace")


def route_table(runs: pd.DataFrame, units: Units | None = None, pace_share: float = 0.02,
                *, min_runs: int = 2) -> pd.DataFrame:
    """Same route, same pace: one row per route run at least ``min_runs`` times.

    ``runs`` is the season's run table (``route_id`` from :mod:`legday.routes`,
    None without positions). For each route: how many runs (and how many were
    steady), in how many ISO weeks, first and last date, the median distance
    and pace, and how many runs were within ``pace_share`` of that median
    pace. Most-run routes first; routes shown are numbered by their first run.
    """
    units = units or Units()
    if runs.empty or "route_id" not in runs.columns or runs["route_id"].isna().all():
        return pd.DataFrame(columns=list(ROUTE_TABLE_COLUMNS))
    known = runs[runs["route_id"].notna()].sort_values("start_utc")
    rows = []
    groups = [g for _, g in known.groupby("route_id", sort=False) if len(g) >= min_runs]
    for number, group in enumerate(groups, start=1):
        speed = float(group["speed_mps"].median())
        rows.append({
            "route": f"route {number}",
            "runs": len(group),
            "steady runs": int((group["primary"] == "steady").sum()),
            "weeks": int(group["week"].nunique()),
            "first": pd.Timestamp(group["date"].iloc[0]).strftime("%Y-%m-%d"),
            "last": pd.Timestamp(group["date"].iloc[-1]).strftime("%Y-%m-%d"),
            "distance": units.fmt_distance(float(group["distance_m"].median())),
            "median pace": units.fmt_pace(speed),
            "runs at that pace": int(sum(same_pace(float(v), speed, pace_share)
                                         for v in group["speed_mps"])),
        })
    table = pd.DataFrame(rows, columns=list(ROUTE_TABLE_COLUMNS))
    return table.sort_values("runs", ascending=False, kind="stable").reset_index(drop=True)
