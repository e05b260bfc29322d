"""Imbalance: which muscles, fibre types and regions the season covers, and which it leaves
out."""

from __future__ import annotations

import streamlit as st

from legday.charts import season as charts
from legday.strength.muscles import MUSCLE_GROUPS, REGION_OF_MUSCLE
from legday.strength.running_share import MODEL_NOTE
from legday.ui.state import current
from legday.ui.widgets import banners, findings_by_week, season_or_stop

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

st.subheader("Muscle-group coverage: lifting")
st.caption("Direct strength sets per muscle group per ISO week (a primary muscle counts a set "
           "whole, a secondary one half). This is what was logged.")
st.plotly_chart(charts.muscle_coverage(weeks, MUSCLE_GROUPS), key="lifting_coverage")

st.subheader("Running — a model, not a measurement")
st.caption(MODEL_NOTE)
st.plotly_chart(charts.muscle_coverage(weeks, MUSCLE_GROUPS, running=True),
                key="running_coverage")

st.subheader("Fibre types and intensity")
st.plotly_chart(charts.fibre_share(weeks), key="fibre_share")
st.caption("Type I: steady and recovery running; type II: hills, sprints, intervals (the "
           f"fibre split is the same model as above). Weeks under "
           f"{settings.min_type2_share:.0%} type II are flagged.")
st.plotly_chart(charts.hard_easy(weeks, settings.max_hard_share), key="hard_easy")
st.caption(f"Hard: type-II efforts, tempo and races. Weeks above "
           f"{settings.max_hard_share:.0%} hard are flagged: keep the easy days easy.")

st.subheader("Upper / lower / core")
st.plotly_chart(charts.region_balance(weeks, REGION_OF_MUSCLE), key="region_balance")

st.subheader("Recent findings")
labels = [str(w) for w in weeks.index]
choices = sorted({min(n, len(labels)) for n in (4, 8, len(labels))})
count = int(st.radio("Weeks", choices, index=0, horizontal=True,
                     format_func=lambda n: "whole season" if n == len(labels)
                     else f"last {n}", key="imbalance_weeks"))
findings_by_week(season.findings, RECENT_CODES, weeks=labels[-count:],
                 empty=f"Nothing out of balance in the last {count} weeks.")
