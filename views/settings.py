"""Settings: units, time zone, the athlete's values (estimates beside overrides), the
thresholds of the findings and the privacy trim. Saved to the viewer's own library."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

import streamlit as st

from legday.calibration import AthleteProfile
from legday.charts.privacy import run_starts
from legday.library import season_profile, view_key
from legday.localtime import watch_timezone
from legday.model import Activity
from legday.store import (
    AthleteContext,
    StoreError,
    get_settings,
    list_activities,
    put_settings,
    reclassify,
)
from legday.store.privacy import TRIM_SPREAD
from legday.store.repo import current_thresholds
from legday.ui.settings_form import (
    PROFILE_VALUES,
    parse_profile,
    stored_thresholds,
    threshold_fields,
)
from legday.ui.state import current, forget_caches, library, own_context
from legday.units import Units

_SAVED = "_settings_saved"
_RECLASSIFIED = "_settings_reclassified"


@st.cache_resource(show_spinner="Estimating your values…", max_entries=4)
def _estimate(_activities: list[Activity], key: str) -> AthleteProfile:
    # The season's estimate without the athlete's own values, to show beside them.
    return season_profile(_activities, {})


@st.cache_data(show_spinner=False, max_entries=4)
def _watch_zone(key: str, _ctx: AthleteContext, _activities: list[Activity],
                ) -> tuple[str, int, int] | None:
    # The zone the files' own offsets fit best, told apart by where the runs start.
    listed = list_activities(_ctx)
    starts = run_starts(_activities, limit=200)
    lat = float(starts["lat"].median()) if len(starts) else None
    lon = float(starts["lon"].median()) if len(starts) else None
    return watch_timezone(listed["start_utc"], listed["utc_offset_s"], lat, lon)


store, access = current()
if access.mode == "share":  # not in a shared view's navigation; refused here too
    st.error("Settings are not part of a shared view.")
    st.stop()
own = own_context(store, access)
saved = get_settings(own)
units = Units.of(saved.get("units"))
overrides: dict[str, float] = dict(saved.get("profile") or {})
has_runs = not list_activities(own, sport="run").empty

st.title("Settings")
if access.is_sample:
    st.info("**These settings apply to your own library**, not to the sample season on "
            "screen: the estimates below stay at their defaults until you upload runs.",
            icon=":material/science:")
    estimate = AthleteProfile()
else:
    lib = library(access)
    estimate = _estimate(lib.activities, view_key(access.ctx))

if st.session_state.pop(_SAVED, False):
    st.success("Settings saved.")
report = st.session_state.pop(_RECLASSIFIED, None)
if report is not None:
    st.success(f"Re-classified {report.activities} runs: {report.efforts_before} efforts "
               f"before, {report.efforts_after} now; the main kind changed for "
               f"{report.primary_changed} runs.")

zones = sorted(available_timezones())
watch = None if access.is_sample else _watch_zone(view_key(own), own, lib.activities)
thresholds_saved: dict[str, Any] = current_thresholds(saved.get("thresholds") or {})
fields = threshold_fields(units)
with st.form("settings"):
    st.subheader("Units and time zone")
    unit_choice = st.radio("Distances and paces", ["km", "mi"], horizontal=True,
                           index=0 if units.distance == "km" else 1, key="settings_units",
                           format_func=lambda u: "kilometres, min/km" if u == "km"
                           else "miles, min/mi")
    stored_zone = str(saved.get("timezone") or "UTC")
    # UTC is only the default: until the athlete picks a zone, offer the one the watch says.
    offered = watch[0] if watch is not None and stored_zone == "UTC" else stored_zone
    timezone = st.selectbox("Time zone", zones, key="settings_timezone",
                            index=zones.index(offered if offered in zones else "UTC"),
                            help="Used for files that do not say their own UTC offset "
                                 "(weeks and days are counted in local time).")
    if watch is not None:
        zone, fits, dated = watch
        st.caption(f"Your watch files say **{zone}**: its local time is the files' own for "
                   f"{fits} of {dated} activities."
                   + (" Save the settings to use it (until then: UTC)."
                      if stored_zone == "UTC" and zone != "UTC" else ""))

    st.subheader("Your values")
    st.caption(f"Every effort is judged relative to these. Leave a field empty to use the "
               f"estimate; paces as m:ss per {units.distance}, heart rates in bpm. "
               f"Estimates come from {estimate.n_runs} runs.")
    entered: dict[str, Any] = {}
    for name, label, is_speed in PROFILE_VALUES:
        left, right = st.columns([3, 2])
        value = float(getattr(estimate, name))
        shown = units.fmt_pace(value) if is_speed else f"{value:.0f} bpm"
        # Watches are not worn at rest during a run: the lowest running HR only bounds it.
        caveat = (" (an upper bound: the lowest heart rate seen while running; set yours)"
                  if name == "rest_hr" and "estimated" in estimate.source(name) else "")
        left.markdown(f"**{label}**: estimated {shown}{caveat}  \n"
                      f"<small>{estimate.source(name)}</small>", unsafe_allow_html=True)
        if is_speed:
            saved_speed = overrides.get(name)
            entered[name] = right.text_input(f"{label} override ({units.pace_label})",
                                             "" if saved_speed is None else
                                             units.fmt_pace(saved_speed, per_unit=False),
                                             key=f"profile_{name}_{units.distance}",
                                             placeholder="m:ss")
        else:
            saved_hr = overrides.get(name)
            entered[name] = right.text_input(f"{label} override (bpm)",
                                             "" if saved_hr is None else f"{saved_hr:.0f}",
                                             key=f"profile_{name}", placeholder="bpm")

    st.subheader("Thresholds of the findings")
    st.caption("Each rule is described in docs/weekly.md (and under the ? of each field); "
               "change a value to make a finding more or less strict. Shares are fractions "
               "(0.25 = 25 %).")
    threshold_values: dict[str, float] = {}
    changed = sum(f.name in thresholds_saved for f in fields)
    with st.expander(f"{changed} of {len(fields)} changed from the defaults",
                     expanded=changed > 0):
        columns = st.columns(2)
    for i, field in enumerate(fields):
        shown = (field.shown(thresholds_saved[field.name]) if field.name in thresholds_saved
                 else field.default)
        threshold_values[field.name] = columns[i % 2].number_input(
            field.label, min_value=0 if field.is_int else 0.0,
            value=int(shown) if field.is_int else float(shown),
            step=1 if field.is_int else (0.01 if field.default < 1 else 0.5),
            format="%d" if field.is_int else "%.2f",
            key=f"threshold_{field.name}_{units.distance}", help=field.help or None)

    st.subheader("Privacy")
    trim = st.number_input("Hidden at each end of a track in shared views, on average (m)",
                           0.0, 5000.0, float(saved["privacy_trim_m"]), step=50.0,
                           key="settings_trim",
                           help=f"Each run hides its own length, between {TRIM_SPREAD[0]:g} "
                                f"and {TRIM_SPREAD[1]:g} times this (drawn from a secret of "
                                "yours), so many runs together do not point at their start.")
    submitted = st.form_submit_button("Save settings", type="primary")

if submitted:
    try:
        # Old names of renamed thresholds are cleared: today's name holds the value.
        renamed = {old: None for old in saved.get("thresholds") or {}
                   if old not in thresholds_saved}
        put_settings(own, {"units": unit_choice, "timezone": timezone,
                           "profile": parse_profile(entered, units),
                           "thresholds": {**renamed,
                                          **stored_thresholds(fields, threshold_values)},
                           "privacy_trim_m": trim})
    except (ValueError, StoreError) as err:
        st.error(f"Not saved: {err}")
    else:
        forget_caches()
        st.session_state[_SAVED] = True
        st.rerun()

if has_runs:
    st.subheader("Re-classify")
    st.write("Your values decide which stretches count as hills, sprints and intervals. "
             "After changing them, re-classify your stored runs so the efforts follow.")
    if st.button("Re-classify my runs now", key="settings_reclassify"):
        with st.spinner("Re-classifying every run…"):
            st.session_state[_RECLASSIFIED] = reclassify(own)
        forget_caches()
        st.rerun()
