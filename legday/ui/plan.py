"""The plan beside detection on the Activity page: what the runner planned, what was found."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from legday.model import Activity
from legday.plan import compare, plan_for
from legday.ui.widgets import literal

_SOURCES = {"name": "the activity's name", "description": "the activity's description",
            "workout": "the structured workout on the watch", "laps": "the watch's lap "
            "intensities (work and rest laps)"}


def plan_beside_detection(activity: Activity, efforts: pd.DataFrame) -> None:
    """The run's plan (name, description, FIT workout or laps) beside its efforts, with
    where they disagree; nothing when the run carries no plan."""
    plan = plan_for(activity)
    if plan is None:
        return
    comparison = compare(plan, efforts)
    st.subheader("Plan beside detection")
    st.caption(f"Read from {_SOURCES[plan.source]}: “{literal(plan.text)}”. The plan never "
               "changes the classification; where the two disagree, both are shown.")
    lines = "\n".join(f"- {literal(s[:1].upper() + s[1:])}" for s in comparison.sentences)
    if comparison.agrees:
        st.success(lines, icon=":material/task_alt:")
    else:
        st.warning(lines, icon=":material/compare_arrows:")
