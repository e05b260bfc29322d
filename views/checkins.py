"""Legs today: one tap for how the legs feel this morning, the mornings after each kind of
day, the history, and a CSV import. A coach sees the chart and history only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from legday.charts.checkins import legs_after_chart
from legday.checkins import (
    AFTER_WORDS,
    CHECKIN_MUSCLES,
    LEG_FEELS,
    SORENESS_MAX,
    SORENESS_MIN,
    CheckIn,
    CheckInImport,
    day_sessions,
    frame_checkins,
    legs_after,
    read_checkins_csv,
    write_checkins_csv,
)
from legday.errors import LegdayError
from legday.store import StoreError, delete_checkin, load_checkins, put_checkin, put_checkins
from legday.ui.state import current, forget_caches, library, own_context
from legday.ui.widgets import banners, empty_state, literal, rows_not_loaded

FLASH = "legs_flash"
VERSION = "legs_form_version"
FEEL_ICONS = {"fresh": ":material/sentiment_very_satisfied:",
              "normal": ":material/sentiment_neutral:",
              "heavy": ":material/sentiment_dissatisfied:", "sore": ":material/personal_injury:"}
NOT_GIVEN = "not given"

store, access = current()
lib = library(access)
season = lib.season
linked = season.checkins
shared = access.mode == "share"
st.title("Legs the morning after" if shared else "Legs today")
banners(access)
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH), icon=":material/check:")


def _saved(message: str) -> None:
    """After a write: say what happened on the next run, which rebuilds from the store."""
    st.session_state[FLASH] = message
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
    forget_caches()
    st.rerun()


def _day_words(day: dt.date) -> str:
    return f"{day:%A} {day:%d %b}"


# --- the one-tap check-in --------------------------------------------------------------------

if not access.read_only:
    ctx = own_context(store, access)
    today = dt.datetime.now(ZoneInfo(str(access.settings.get("timezone") or "UTC"))).date()
    with st.expander("Not this morning?"):
        morning = st.date_input("Morning of", value=today, max_value=today, key="legs_date")
    day = morning if isinstance(morning, dt.date) else today
    before = day - dt.timedelta(days=1)
    yesterday = day_sessions(season.runs, season.strength, access.units).get(before, [])
    st.subheader("How do your legs feel this morning?" if day == today
                 else f"How did your legs feel on {_day_words(day)}?")
    st.caption(f"The day before ({_day_words(before)}): "
               + literal("; ".join(w for _, w in yesterday) or AFTER_WORDS["rest"]))
    stored = {c.date: c for c in load_checkins(ctx, since=day, until=day + dt.timedelta(1))}
    given = stored.get(day)
    for column, feel in zip(st.columns(len(LEG_FEELS)), LEG_FEELS, strict=True):
        chosen = given is not None and given.legs == feel
        if column.button(feel.capitalize(), icon=FEEL_ICONS[feel], key=f"legs_{feel}",
                         width="stretch", type="primary" if chosen else "secondary"):
            # One tap keeps the details already given for that morning.
            kept = given or CheckIn(day, feel)
            put_checkin(ctx, CheckIn(day, feel, kept.soreness, kept.muscles, kept.note))
            _saved(f"Saved: {feel} legs on {_day_words(day)}.")
    if given is None:
        st.caption("One tap saves it. Soreness, muscles and a note can follow.")
    else:
        version = st.session_state.get(VERSION, 0)
        with st.form(f"legs_details_{day}_{version}", border=True):
            soreness = st.select_slider(
                "Soreness (optional)", [NOT_GIVEN, *range(SORENESS_MIN, SORENESS_MAX + 1)],
                value=given.soreness if given.soreness is not None else NOT_GIVEN,
                key=f"legs_soreness_{version}", help="1 barely, 10 the worst")
            muscles = st.multiselect("Which muscles (optional)", CHECKIN_MUSCLES,
                                     default=list(given.muscles),
                                     key=f"legs_muscles_{version}")
            note = st.text_input("Note (optional)", value=given.note or "", max_chars=500,
                                 key=f"legs_note_{version}")
            if st.form_submit_button("Save details", width="stretch"):
                put_checkin(ctx, CheckIn(day, given.legs,
                                         None if soreness == NOT_GIVEN else int(soreness),
                                         tuple(muscles), note or None))
                _saved(f"Saved the details of {_day_words(day)}.")
        if st.button("Forget this morning", key="legs_forget", type="tertiary"):
            delete_checkin(ctx, day)
            _saved(f"Forgot the check-in of {_day_words(day)}.")

# --- what the mornings say -------------------------------------------------------------------

st.subheader("Which days leave the legs tired")
if linked.empty:
    empty_state("No check-ins yet." + ("" if access.read_only else
                                       " Tap how your legs feel above, or import a CSV below."))
else:
    st.plotly_chart(legs_after_chart(legs_after(linked)), key="legs_after")
    st.caption("Each morning judges the day before it: heavy or sore legs after hill reps "
               "mean the legs were loaded; fresh legs after a long run mean it was aerobic. "
               "A day with a run and a leg session counts for both. The weekly verdict lists "
               "these mornings beside the efforts.")
    st.subheader("Mornings")
    latest = linked.iloc[::-1]
    st.dataframe(pd.DataFrame({
        "morning": latest["date"].dt.date, "legs": latest["legs"],
        "soreness": [f"{n:.0f}/10" if pd.notna(n) else "" for n in latest["soreness"]],
        "muscles": [", ".join(m) for m in latest["muscles"]],
        "the day before": latest["after_words"], "note": latest["note"].fillna("")}),
        key="mornings", hide_index=True, width="stretch")
    st.download_button("Download the check-ins (CSV)",
                       write_checkins_csv(frame_checkins(linked)),
                       file_name="checkins.csv", mime="text/csv", key="legs_export")

if access.read_only:
    if access.is_sample:
        st.info("These are the sample runner's mornings (simulated, like the season). Once "
                "your own library has activities, this page asks every morning how your legs "
                "feel.", icon=":material/science:")
    st.stop()

# --- import ---------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _read_csv(name: str, data: bytes) -> CheckInImport:
    # Cached on the file's bytes: a rerun does not parse the same file again.
    return read_checkins_csv(data, name=name)


st.subheader("Import check-ins")
upload = st.file_uploader("CSV with date, legs, soreness, note (and muscles)", type=["csv"],
                          key="legs_csv",
                          help="date as 2026-09-02; legs fresh, normal, heavy or sore; "
                               "soreness 1-10 or empty; muscles separated by ;")
if upload is not None:
    try:
        read = _read_csv(upload.name, upload.getvalue())
    except LegdayError as err:
        st.error(f"{literal(upload.name)} cannot be read: {literal(err)}")
    else:
        st.write(f"**{literal(upload.name)}**: {len(read.checkins)} check-ins read, "
                 f"{len(read.problems)} row(s) with problems.")
        rows_not_loaded(read.problems, key="legs_problems")
        if read.checkins and st.button(f"Load {len(read.checkins)} check-ins",
                                       key="legs_load", type="primary"):
            try:
                done = put_checkins(own_context(store, access), read.checkins, source="csv")
            except StoreError as err:
                st.error(f"Not loaded: {err}")
            else:
                _saved(f"Loaded {upload.name}: {done.added} new, {done.replaced} replaced, "
                       f"{done.unchanged} already stored.")
