"""Activity: one run — the track by effort kind, the pace/GAP/elevation/HR profile with the
efforts shaded, the efforts with their `why`, and the watch's laps."""

from __future__ import annotations

import math
from pathlib import PurePath
from typing import Any

import pandas as pd
import streamlit as st

from legday.charts.activity import (
    activity_profile,
    default_profile_axis,
    effort_map,
    efforts_table,
    laps_table,
    run_intensity,
)
from legday.cleaning import prepare_run
from legday.efforts import EFFORT_COLUMNS, hard_steady, headline, with_hard_steady
from legday.library import view_key
from legday.localtime import utc_offset_s
from legday.model import RUNNING_SPORTS, Activity, Sport
from legday.store import Context, list_activities, load_activity
from legday.store.privacy import TRIM_SPREAD
from legday.ui.corrections import correction_section, with_corrected_primary
from legday.ui.plan import plan_beside_detection
from legday.ui.state import current, library
from legday.ui.widgets import banners, empty_state, intensity_cards, literal
from legday.units import fmt_duration

QUERY_KEY = "activity"


@st.cache_resource(show_spinner="Loading the run…", max_entries=16)
def _prepared(_ctx: Context, key: str, activity_id: int) -> tuple[Activity, pd.DataFrame]:
    """The stored activity (trimmed in a shared view) and its 1-s prepared samples.

    Keyed on the view (:func:`legday.library.view_key`: database, athlete, share link and
    data version), so a shared view never gets the owner's untrimmed samples from the
    cache, and a new privacy zone hides its points at once.
    """
    activity = load_activity(_ctx, activity_id)
    return activity, prepare_run(activity)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


store, access = current()
st.title("Activity")
banners(access)
ctx = access.ctx
units = access.units
timezone = access.analysis_settings.timezone
listing = list_activities(ctx)
if listing.empty:
    empty_state("No activities yet. Upload watch files on the **Upload** page, then pick a run "
                "here to see its efforts on the map and the profile.")
    st.stop()

listing = with_corrected_primary(access, listing)
listing = listing.sort_values(["start_utc", "activity_id"], ascending=False)
labels: dict[int, str] = {}
for rec in listing.to_dict("records"):
    offset = utc_offset_s(rec["start_utc"], rec["utc_offset_s"], timezone)
    day = (pd.Timestamp(rec["start_utc"]).tz_convert("UTC") + pd.Timedelta(seconds=offset))
    name = _text(rec["name"]) or PurePath(str(rec["source"])).name + (
        f"!{rec['member']}" if _text(rec["member"]) else "")
    kind = _text(rec["primary"]) or str(rec["sport"]).replace("_", " ")
    distance = rec["distance_m"]
    size = (units.fmt_distance(float(distance))
            if distance is not None and math.isfinite(float(distance)) else "-")
    labels[int(rec["activity_id"])] = f"{day:%Y-%m-%d} · {name} · {kind} · {size}"
ids = list(labels)

wanted = st.query_params.get(QUERY_KEY)
index = 0
if wanted is not None:
    if str(wanted).isdigit() and int(wanted) in labels:
        index = ids.index(int(wanted))
    else:
        st.warning(f"Activity {literal(wanted)} is not in this library; showing the newest "
                   "instead.")
chosen = int(st.selectbox("Activity (newest first)", ids, index=index,
                          format_func=lambda i: labels[int(i)], key="activity_pick"))
if st.query_params.get(QUERY_KEY) != str(chosen):
    st.query_params[QUERY_KEY] = str(chosen)

row = listing[listing["activity_id"] == chosen].iloc[0]
sport = Sport(str(row["sport"]))
st.subheader(literal(labels[chosen]))

moving_s = row["moving_s"] if pd.notna(row["moving_s"]) else row["elapsed_s"]
cards = st.columns(4)
cards[0].metric(f"distance ({units.distance})",
                f"{units.distance_from_m(float(row['distance_m'])):.2f}"
                if pd.notna(row["distance_m"]) else "-")
cards[1].metric("moving time", fmt_duration(float(moving_s)) if pd.notna(moving_s) else "-")
cards[2].metric(f"pace ({units.pace_label})",
                units.fmt_pace(float(row["distance_m"]) / float(moving_s), per_unit=False)
                if pd.notna(row["distance_m"]) and pd.notna(moving_s) and moving_s > 0 else "-")
cards[3].metric("primary kind", _text(row["primary"]) or sport.value.replace("_", " "))

if sport not in RUNNING_SPORTS:
    where = (" Its sets count on the **Strength log** and **Imbalance** pages."
             if sport == Sport.STRENGTH
             else " It counts towards the load on the **Overload** page.")
    st.info(f"This is a {sport.value.replace('_', ' ')} session, not a run: only runs are split "
            f"into efforts, so it is not classified.{where}", icon=":material/info:")
    st.stop()

activity, prepared = _prepared(ctx, view_key(ctx), chosen)
lib = library(access)
efforts = lib.efforts[lib.efforts["activity_id"] == chosen][list(EFFORT_COLUMNS)]
efforts = with_hard_steady(efforts.sort_values("start").reset_index(drop=True), lib.profile)
intensity_cards(run_intensity(efforts, lib.profile), lib.profile, units)
offset_s = utc_offset_s(row["start_utc"], activity.utc_offset_s, timezone)

if access.mode == "share":
    trim = float(access.settings.get("privacy_trim_m") or 0)
    st.caption(f"Shared view: the first and last {trim * TRIM_SPREAD[0]:.0f}-"
               f"{trim * TRIM_SPREAD[1]:.0f} m of the track (a different length for every run), "
               "and any privacy zone, are not shown; the charts and numbers below start and end "
               "there too.")

if prepared.empty and access.mode == "share" and row["points"]:
    st.info("All of this run lies in its hidden start and end or in a privacy zone (a track "
            "session close to home, say): there is no track or profile to show here.",
            icon=":material/visibility_off:")
elif prepared.empty:
    st.info("This run has no recorded samples (a summary row only, e.g. from a Strava CSV): "
            "there is no track or profile to draw, and it counts as steady running.",
            icon=":material/inbox:")
else:
    st.plotly_chart(effort_map(prepared, efforts, title="Route by effort kind"),
                    key="effort_map")
    axes = {"distance": "distance", "time": "elapsed time"}
    if st.session_state.get("profile_x_of") != chosen:  # each run opens on its own default
        st.session_state["profile_x"] = default_profile_axis(efforts)
        st.session_state["profile_x_of"] = chosen
    axis = st.radio("Profile against", list(axes), horizontal=True, format_func=axes.get,
                    key="profile_x",
                    help="Workouts open on elapsed time: rests and stops keep their length.")
    st.plotly_chart(activity_profile(prepared, efforts, units, x=str(axis),
                                     title="Pace, grade-adjusted pace, elevation and heart rate"),
                    key="activity_profile")

st.subheader("Efforts")
if len(efforts):
    st.markdown(f"**{units.localise_paces(headline(_text(row['primary']) or 'steady', efforts))}**")
if efforts.empty and not row["points"]:
    st.caption("No recording, so nothing to split into efforts (re-classifying cannot change "
               "that): only the summary's distance and time count.")
elif efforts.empty:
    how = "" if access.read_only else " Re-classifying on the **Settings** page splits it again."
    st.info(f"No efforts are stored for this run.{how}", icon=":material/inbox:")
else:
    st.caption("Each effort with the reason it got its kind (`why`); steady running is the "
               "background, hills, intervals, sprints and recoveries are shaded above.")
    st.dataframe(efforts_table(efforts, units, offset_s), hide_index=True, key="efforts_table",
                 column_config={"why": st.column_config.TextColumn("why", width="large")})
    hard = hard_steady(efforts)
    work = efforts[efforts["kind"].astype(str).isin(["hill", "sprint", "interval"]) | hard]
    if len(work):
        # A hard steady stretch's why already starts with tempo or threshold.
        lines = [units.localise_paces(why) if is_hard else f"{kind}: {units.localise_paces(why)}"
                 for kind, why, is_hard in zip(work["kind"], work["why"], hard[work.index],
                                               strict=True)]
        st.markdown("**The work in this run**\n\n" + "\n".join(f"- {line}" for line in lines))
    else:
        st.markdown(f"**No work efforts:** {units.localise_paces(efforts['why'].iloc[0])}")

correction_section(store, access, chosen)

plan_beside_detection(activity, efforts)

if len(activity.laps):
    st.subheader("Laps")
    st.caption("As recorded by the watch (manual, distance or workout-step laps).")
    laps = laps_table(activity.laps, units, offset_s)
    quiet = [c for c in ("trigger", "intensity") if (laps[c] == "").all()]
    st.dataframe(laps, hide_index=True, key="laps_table",
                 column_config=dict.fromkeys(quiet))  # an empty column says nothing
