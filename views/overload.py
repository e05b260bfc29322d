"""Overload: is the type-II work progressing, how is the load moving, what do the hills ask
of the legs, and which runs only repeat the same route at the same pace?"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from legday.charts import season as charts
from legday.charts import trends
from legday.ui.notes import RECENT_WEEKS, findings_recent_first, standing_notes
from legday.ui.state import current
from legday.ui.widgets import banners, season_or_stop, week_picker

DESCRIBED = ("Load ratios are **described, not predictions**: \"this week is 1.4 x your "
             "6-week average\" says how the load moved, not that it puts you at risk. The "
             "research behind acute:chronic danger zones does not hold up well enough for that.")


def _number(value: Any, pattern: str) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    return pattern.format(number) if math.isfinite(number) else "-"


_, access = current()
st.title("Overload: is it still building?")
banners(access)
season = season_or_stop(
    access, "No activities yet. Upload watch files on the **Upload** page to see how "
            "hills, sprints, intervals and lower-body lifting progress week by week.")
weeks = season.weeks
settings = season.settings
units = access.units

week = week_picker(weeks, key="overload_week")
row = weeks.loc[week]
st.caption(f"Findings of the {RECENT_WEEKS} weeks up to {week}; the other weeks are folded "
           "below each list.")
standing_notes(season.standing, access)

st.subheader("Progression per kind")
st.caption("Hill climbing, sprint count, interval work time and lower-body tonnage per ISO "
           "week; the dotted line is the 4-week mean. Building means these keep rising now "
           "and then, not staying flat.")
st.plotly_chart(charts.progression(weeks, selected=week), key="progression")
findings_recent_first(season.findings, ("flat_progression",), weeks, week,
                      empty="No kind stayed flat for "
                            f"{settings.flat_weeks} weeks running: the type-II work keeps "
                            "changing.")

st.subheader("Load")
st.caption(DESCRIBED)
cards = st.columns(5)
cards[0].metric("load (AU)", _number(row["load"], "{:.0f}"),
                help="session-RPE units: RPE x minutes, or TRIMP x 2.5 from heart rate")
cards[1].metric("acute : chronic", _number(row["acute_chronic"], "{:.2f}"),
                help="7-day over 42-day average daily load; empty for the first 28 days.")
cards[2].metric("ramp vs last week", _number(row["ramp_pct"], "{:+.0f} %"))
cards[3].metric("ramp vs 3-week mean", _number(row["ramp_3w_pct"], "{:+.0f} %"))
cards[4].metric("monotony", _number(row["monotony"], "{:.2f}"),
                help="Foster: mean daily load / its standard deviation over the 7 days")
st.plotly_chart(charts.load_chart(weeks, selected=week), key="load_chart")
findings_recent_first(season.findings, ("ramp_spike",), weeks, week,
                      empty="No week rose more than "
                            f"{settings.ramp_share:.0%} above the highest of the weeks before it.")
st.plotly_chart(charts.monotony_strain(weeks, selected=week), key="monotony_strain")
st.caption("Monotony is high when every day has much the same load; strain is the week's "
           "load x monotony. Both describe the week; neither is a verdict.")

st.subheader("Downhill legs")
st.caption(f"Metres descended at running speed each week, the part on grades steeper than 8 % "
           f"apart. Downhill running loads the legs eccentrically (the soreness after a "
           f"mountain run), which grade-adjusted pace hides; "
           f"{settings.leg_day_steep_descent_m:.0f} m of steep descent in a week counts as leg "
           f"stimulus in the verdict. {week}: {row['descent_m']:.0f} m down, "
           f"{row['steep_descent_m']:.0f} m of it steep.")
st.plotly_chart(trends.downhill_trend(weeks, selected=week), key="downhill_trend")

st.subheader("Climbing strength trend")
st.caption(trends.CLIMBING_PROXY)
st.plotly_chart(trends.climbing_trend(season.climbing), key="climbing_trend")

st.subheader("Same route, same pace")
st.caption(f"Runs on the same route (start, end, path and distance alike), grouped; pace "
           f"counts as the same within {settings.route_pace_share:.0%}. A steady run on the "
           f"same route at the same pace in {settings.maintenance_weeks} weeks in a row "
           "maintains: it no longer builds.")
routes = charts.route_table(season.runs, units, settings.route_pace_share)
if routes.empty:
    st.write("No route was run more than once (runs without GPS have no route).")
else:
    st.dataframe(routes, hide_index=True, key="route_table")
findings_recent_first(season.findings, ("maintenance_only",), weeks, week,
                      empty="No run repeated the same route at the same pace for "
                            f"{settings.maintenance_weeks} weeks.")
