"""Imbalance: which muscles, fibre types and regions the season covers, and which it leaves
out."""

from __future__ import annotations

import streamlit as st

from legday.charts import season as charts
from legday.strength.muscles import MUSCLE_GROUPS
from legday.strength.running_share import MODEL_NOTE
from legday.ui.state import current
from legday.ui.widgets import (
    banners,
    empty_state,
    findings_by_week,
    season_or_stop,
    week_range,
)

RECENT_CODES = ("neglected_muscles", "no_single_leg_work", "low_strength_frequency",
                "low_type2_share", "too_much_hard")

_, access = current()
st.title("Imbalance: what is being left out?")
banners(access)
season = season_or_stop(
    access, "No activities yet. Upload watch files on the **Upload** page and log your "
            "lifting on the **Strength log** page to see which muscles get work.")
weeks = season.weeks
settings = season.settings
# One range for every weekly chart of the page, as on the Overview.
shown = week_range(weeks, selected=str(weeks.index[-1]), key="imbalance_chart_weeks")

st.subheader("Muscle-group coverage: lifting")
lifted = not charts.lifting_weeks(weeks).empty
if lifted:
    st.caption("Muscle-weighted sets per muscle group per ISO week: each set counts 1 for every "
               "primary muscle of its exercise and 0.5 for every secondary one, so one set of "
               "back squats is 4 muscle-weighted sets (2 primary, 4 secondary muscles). "
               "This is what was logged, from the week before the first lift.")
    st.plotly_chart(charts.muscle_coverage(shown, MUSCLE_GROUPS, last=None), key="lifting_coverage")
else:
    shared = access.mode == "share"  # a coach's view has no Strength log page
    empty_state("No lifting logged yet, so there is no muscle coverage from strength work. "
                + ("The athlete's running is below." if shared else
                   "Log a session, or import a Strong, Hevy or legday CSV, on the Strength log."))
    if not shared:
        st.page_link("views/strength.py", label="Log lifting on the Strength log",
                     icon=":material/fitness_center:")

st.subheader("Running — a model, not a measurement")
st.caption(MODEL_NOTE)
st.plotly_chart(charts.muscle_coverage(shown, MUSCLE_GROUPS, running=True, last=None),
                key="running_coverage")

st.subheader("Fibre types and intensity")
st.plotly_chart(charts.fibre_share(shown, last=None), key="fibre_share")
st.caption("Type I: steady and recovery running; type II: hills, sprints, intervals (the "
           f"fibre split is the same model as above). Weeks under "
           f"{settings.min_type2_share:.0%} type II are flagged.")
st.plotly_chart(charts.hard_easy(shown, settings.max_hard_share, last=None), key="hard_easy")
st.caption(f"Hard: type-II efforts, tempo and races. Weeks above "
           f"{settings.max_hard_share:.0%} hard are flagged: keep the easy days easy.")

if lifted:
    st.subheader("Upper / lower / core")
    st.caption("Working sets per ISO week, each set counted once towards the region of its "
               "exercise's main mover: the same lower-body sets as the Overview and the "
               "Strength log.")
    st.plotly_chart(charts.region_balance(shown, last=None), key="region_balance")

st.subheader("Recent findings")
labels = [str(w) for w in weeks.index]
choices = sorted({min(n, len(labels)) for n in (4, 8, len(labels))})
count = int(st.radio("Weeks", choices, index=0, horizontal=True,
                     format_func=lambda n: "whole season" if n == len(labels)
                     else f"last {n}", key="imbalance_weeks"))
findings_by_week(season.findings, RECENT_CODES, weeks=labels[-count:],
                 empty=f"Nothing out of balance in the last {count} weeks.")
