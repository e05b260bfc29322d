"""Overview: the season at a glance — effort mix, leg-day verdicts, this week's findings."""

from datetime import date

import streamlit as st

from legday.charts import season as charts
from legday.schema import MINUTE_S
from legday.store import add_coach_note
from legday.ui.notes import standing_notes
from legday.ui.state import current, forget_caches, library
from legday.ui.widgets import (
    VERDICT_WORDS,
    banners,
    coach_notes,
    empty_state,
    findings_list,
    week_picker,
    week_range,
)

store, access = current()
st.title("Does my running count as leg day?")
banners(access)
lib = library(access)
weeks = lib.season.weeks
if weeks.empty:
    empty_state("No activities yet. Upload watch files on the **Upload** page to see your "
                "season here.")
    st.stop()

week = week_picker(weeks, key="overview_week")
row = weeks.loc[week]
previous = weeks.loc[:week].iloc[-5:-1]
units = access.units

st.subheader(f"{week} (week of {row['week_start']}): {VERDICT_WORDS[str(row['leg_day'])]}")
st.caption("; ".join(row["leg_day_reasons"]))


def _delta(column: str, scale: float = 1.0, digits: int = 1) -> float | None:
    if previous.empty:
        return None
    return round(float(row[column] - previous[column].mean()) * scale, digits)


#: Every card's change is against the 4 weeks before, and says so.
VS = "vs 4-week average"


cards = st.columns(4)
cards[0].metric(f"running ({units.distance})",
                f"{units.distance_from_m(float(row['run_distance_m'])):.1f}",
                _delta("run_distance_m", 1 / units.metres_per_unit), delta_description=VS)
cards[1].metric("type-II running (min)", f"{row['type2_s'] / MINUTE_S:.0f}",
                _delta("type2_s", 1 / MINUTE_S, 0), delta_description=VS,
                help="hills, sprints and intervals")
cards[2].metric("strength sessions", f"{row['strength_sessions']:.0f}",
                _delta("strength_sessions"), delta_description=VS)
cards[3].metric("load (AU)", f"{row['load']:.0f}", _delta("load", digits=0),
                delta_description=VS, help="session-RPE units. Described, not a prediction.",
                delta_color="off")

shown = week_range(weeks, selected=week, key="overview_weeks")
st.plotly_chart(charts.leg_day_strip(shown, selected=week, last=None), key="leg_day_strip")
st.plotly_chart(charts.weekly_mix(shown, selected=week, last=None), key="weekly_mix")

standing_notes(lib.season.standing, access)
st.subheader("This week's findings")
findings_list(row["findings"])

if access.can_add_notes:
    with st.form("coach_note", clear_on_submit=True):
        text = st.text_area(f"Coach note for {week}", max_chars=2000)
        if st.form_submit_button("Add note") and text.strip():
            add_coach_note(access.ctx, date.fromisoformat(str(row["week_start"])), text.strip())
            forget_caches()
            st.rerun()
notes = lib.notes
if not notes.empty:
    own = notes[notes["week_start"].astype(str) == str(row["week_start"])]
    if not own.empty:
        st.subheader("Coach notes")
        coach_notes(own)
