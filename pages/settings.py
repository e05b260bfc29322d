"""Settings: units, time zone, the athlete's values (estimates beside overrides), the
thresholds of the findings and the privacy trim. Saved to the viewer's own library."""

from __future__ import annotations

import dataclasses
import inspect
import re
from typing import Any
from zoneinfo import available_timezones

import streamlit as st

from legday.calibration import AthleteProfile
from legday.findings import AnalysisSettings
from legday.library import season_profile
from legday.model import Activity
from legday.store import StoreError, get_settings, list_activities, put_settings, reclassify
from legday.ui.state import current, forget_caches, library, own_context
from legday.units import Units, fmt_duration

#: Athlete values: field, label, and whether it is a speed (entered as a pace).
PROFILE_VALUES: tuple[tuple[str, str, bool], ...] = (
    ("top_speed_mps", "Top speed (best ~10 s)", True),
    ("easy_speed_mps", "Easy pace", True),
    ("threshold_speed_mps", "Threshold pace (about an hour)", True),
    ("max_hr", "Max heart rate", False),
    ("rest_hr", "Resting heart rate", False),
)
_SAVED = "_settings_saved"
_RECLASSIFIED = "_settings_reclassified"


def threshold_fields() -> list[tuple[str, float | int, str]]:
    """The numeric thresholds of :class:`AnalysisSettings`: name, default, documentation."""
    defaults = AnalysisSettings()
    docs = _attribute_docs(inspect.getdoc(AnalysisSettings) or "")
    out = []
    for field in dataclasses.fields(AnalysisSettings):
        value = getattr(defaults, field.name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out.append((field.name, value, docs.get(field.name, "")))
    return out


def _attribute_docs(doc: str) -> dict[str, str]:
    """``name -> text`` from the numpydoc Attributes section (a line may name several)."""
    section = doc.split("Attributes\n----------\n", 1)[-1]
    out: dict[str, str] = {}
    names: list[str] = []
    for line in section.splitlines():
        if line and not line.startswith(" "):
            names = [n.strip() for n in line.split(",")]
        elif names and line.strip():
            for name in names:
                out[name] = (out.get(name, "") + " " + line.strip()).strip()
    return out


def _unit(doc: str) -> str:
    """``"min, "`` from a documentation ending in ``[min]``; nothing for shares or when a
    line documents several values."""
    units = re.findall(r"\[([^\]]+)\]", doc)
    return f"{units[0]}, " if len(units) == 1 and units[0] != "1" else ""


def parse_pace(text: str, units: Units) -> float | None:
    """``m:ss`` per km or mile as a speed [m/s]; None for an empty field."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2}):([0-5]\d)", text)
    if match is None:
        raise ValueError(f"{text!r} is not a pace like 4:30")
    seconds = int(match[1]) * 60 + int(match[2])
    if seconds <= 0:
        raise ValueError("a pace must be longer than 0:00")
    return units.metres_per_unit / seconds


def parse_bpm(text: str) -> float | None:
    """A heart rate in beats per minute; None for an empty field."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{2,3}", text) or not 30 <= int(text) <= 250:
        raise ValueError(f"{text!r} is not a heart rate between 30 and 250 bpm")
    return float(text)


def pace_text(speed_mps: float | None, units: Units) -> str:
    if speed_mps is None:
        return ""
    return fmt_duration(units.pace_s(speed_mps))


@st.cache_resource(show_spinner="Estimating your values…", max_entries=4)
def _estimate(_activities: list[Activity], key: tuple[Any, ...]) -> AthleteProfile:
    # The season's estimate without the athlete's own values, to show beside them.
    return season_profile(_activities, {})


store, access = current()
if access.mode == "share":  # not in a shared view's navigation; refused here too
    st.error("Settings are not part of a shared view.")
    st.stop()
own = own_context(store, access)
saved = get_settings(own)
units = Units("mi" if saved.get("units") == "mi" else "km")
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
    estimate = _estimate(lib.activities, (own.athlete_id, len(lib.activities),
                                          len(lib.efforts)))

if st.session_state.pop(_SAVED, False):
    st.success("Settings saved.")
report = st.session_state.pop(_RECLASSIFIED, None)
if report is not None:
    st.success(f"Re-classified {report.activities} runs: {report.efforts_before} efforts "
               f"before, {report.efforts_after} now; the main kind changed for "
               f"{report.primary_changed} runs.")

zones = sorted(available_timezones())
thresholds_saved: dict[str, float] = dict(saved.get("thresholds") or {})
with st.form("settings"):
    st.subheader("Units and time zone")
    unit_choice = st.radio("Distances and paces", ["km", "mi"], horizontal=True,
                           index=0 if units.distance == "km" else 1, key="settings_units",
                           format_func=lambda u: "kilometres, min/km" if u == "km"
                           else "miles, min/mi")
    timezone = st.selectbox("Time zone", zones, key="settings_timezone",
                            index=zones.index(str(saved.get("timezone") or "UTC"))
                            if saved.get("timezone") in zones else zones.index("UTC"),
                            help="Used for files that do not say their own UTC offset "
                                 "(weeks and days are counted in local time).")

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
            entered[name] = right.text_input(f"{label} override ({units.pace_label})",
                                             pace_text(overrides.get(name), units),
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
    threshold_values: dict[str, float | int] = {}
    changed = sum(name in thresholds_saved for name, _d, _doc in threshold_fields())
    with st.expander(f"{changed} of {len(threshold_fields())} changed from the defaults",
                     expanded=changed > 0):
        columns = st.columns(2)
    for i, (name, default, doc) in enumerate(threshold_fields()):
        current_value = thresholds_saved.get(name, default)
        is_int = isinstance(default, int)
        threshold_values[name] = columns[i % 2].number_input(
            f"{name.replace('_', ' ')} ({_unit(doc)}default {default})",
            min_value=0 if is_int else 0.0,
            value=int(current_value) if is_int else float(current_value),
            step=1 if is_int else (0.01 if default < 1 else 0.5),
            format="%d" if is_int else "%.2f", key=f"threshold_{name}", help=doc or None)

    st.subheader("Privacy")
    trim = st.number_input("Hidden at each end of a track in shared views (m)", 0.0, 5000.0,
                           float(saved["privacy_trim_m"]), step=50.0, key="settings_trim")
    submitted = st.form_submit_button("Save settings", type="primary")

if submitted:
    try:
        profile: dict[str, float | None] = {}
        for name, _label, is_speed in PROFILE_VALUES:
            raw = entered[name]
            profile[name] = (parse_pace(raw, units) if is_speed else parse_bpm(raw))
        defaults = {name: default for name, default, _doc in threshold_fields()}
        thresholds = {name: (None if value == defaults[name] else value)
                      for name, value in threshold_values.items()}
        put_settings(own, {"units": unit_choice, "timezone": timezone, "profile": profile,
                           "thresholds": thresholds, "privacy_trim_m": trim})
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
