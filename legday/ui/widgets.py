"""Small pieces of layout every page uses: banners, findings, empty states, week picking."""

from __future__ import annotations

import math
import re
import string
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from legday.calibration import AthleteProfile
from legday.charts.activity import RunIntensity
from legday.charts.season import RECENT_WEEKS
from legday.efforts.rules import RULES
from legday.findings import Finding
from legday.schema import MINUTE_S, SEVERITIES
from legday.season import Season
from legday.store import ShareContext
from legday.strength.log import RowProblem
from legday.ui.state import Access, library
from legday.units import Units

SEVERITY_ICONS = {"good": ":material/check_circle:", "info": ":material/lightbulb:",
                  "warning": ":material/warning:"}
VERDICT_WORDS = {"yes": "Yes — it counted as leg day", "partly": "Partly",
                 "no": "No — not a leg day"}
#: Each finding's code in plain words, as a heading for people.
FINDING_TITLES = {
    "leg_day": "leg day",
    "ramp_spike": "sudden jump",
    "flat_progression": "no progression",
    "maintenance_only": "maintenance only",
    "neglected_muscles": "muscles left out",
    "low_strength_frequency": "few strength sessions",
    "no_single_leg_work": "no single-leg work",
    "low_type2_share": "few hard efforts",
    "too_much_hard": "a lot of hard running",
    "hard_days_not_hard": "hard days not hard",
    "high_mileage_cut_lifting": "more running, less lifting",
    "light_week_ramp_lifting": "light week, lifting stepped up",
}
_PUNCTUATION = re.compile(f"([{re.escape(string.punctuation)}])")


def literal(text: object) -> str:
    """``text`` to put inside Markdown so it shows as typed, on one line: every ASCII
    punctuation mark backslash-escaped (CommonMark allows that for all of them), so no
    link, image, heading, emphasis, HTML, LaTeX or Streamlit directive comes of it."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))


def rows_not_loaded(problems: Sequence[RowProblem], key: str) -> None:
    """The rows of an uploaded CSV that will not be loaded, with the line and the reason."""
    if not problems:
        return
    st.warning("These rows are not loaded; the others are.", icon=":material/warning:")
    st.dataframe(pd.DataFrame({"line": [p.line for p in problems],
                               "problem": [p.reason for p in problems]}),
                 key=key, hide_index=True, width="stretch")


def coach_notes(notes: pd.DataFrame) -> None:
    """Notes as plain text, never Markdown: a note is someone else's words."""
    for note in notes.itertuples():
        with st.container(border=True):
            st.text(str(note.text))
            st.caption(f"— {literal(note.author or 'coach')}")


def shared_with(access: Access) -> str:
    """``Read-only view shared with Coach Kim``: the share link's label names who it was
    made for (the athlete's name is not the link's to give), escaped for Markdown."""
    label = access.ctx.label if isinstance(access.ctx, ShareContext) else None
    if label and label.strip():
        return f"Read-only view shared with {literal(label)}"
    return "Read-only shared view"


def banners(access: Access) -> None:
    """Say whose data this is when it is not simply the viewer's own."""
    if access.is_sample:
        st.info("**You are looking at a sample season** (a simulated runner, 14 weeks). "
                "Load your own on the **Upload** page: drop FIT, GPX or TCX files, or a whole "
                "Strava or Garmin export. The sample disappears as soon as your library has "
                "activities.", icon=":material/science:")
    elif access.mode == "share":
        notes = " You can add coach notes to each week." if access.can_add_notes else ""
        st.info(f"**{shared_with(access)}.** The start and end "
                f"of every track are hidden for privacy.{notes}", icon=":material/link:")


def finding_title(code: str) -> str:
    """A finding's heading in plain words (its code with spaces when it has none)."""
    return FINDING_TITLES.get(code, code.replace("_", " "))


def intensity_cards(intensity: RunIntensity | None, profile: AthleteProfile,
                    units: Units) -> None:
    """How hard a run was for this athlete: pace against their threshold, heart rate."""
    if intensity is None:
        return
    cards = st.columns(4)
    cards[0].metric(
        "of your threshold pace", f"{100 * intensity.threshold_share:.0f} %",
        help=f"The run's grade-adjusted pace over moving time against your threshold pace "
             f"({units.fmt_pace(profile.threshold_speed_mps)}, "
             f"{profile.source('threshold_speed_mps')}): under "
             f"{RULES.work_x_threshold:.0%} is easy running, from "
             f"{RULES.tempo_x_threshold:.0%} tempo, from {RULES.at_threshold_x:.0%} threshold "
             "or a race.")
    heart = math.isfinite(intensity.heart_rate)
    cards[1].metric("heart rate (bpm)", f"{intensity.heart_rate:.0f}" if heart else "-",
                    help="Mean over moving time.")
    cards[2].metric("of your max heart rate",
                    f"{100 * intensity.max_hr_share:.0f} %" if heart else "-",
                    help=f"Your max heart rate {profile.max_hr:.0f} "
                         f"({profile.source('max_hr')}).")
    cards[3].metric(
        "tempo (min)", f"{intensity.tempo_s / MINUTE_S:.0f}",
        help=f"Hard steady running: steady stretches of {RULES.tempo_min_s / MINUTE_S:.0f} min "
             f"or more at {RULES.tempo_x_threshold:.0%} of your threshold pace or faster "
             "(grade-adjusted), and the tempo pieces cut out of a run. The same minutes count "
             "as tempo and hard time in the weekly numbers.")


def empty_state(message: str) -> None:
    st.info(message, icon=":material/inbox:")


def findings_list(findings: Sequence[Finding], *, skip_leg_day: bool = True) -> None:
    """The findings as plain sentences, most important first."""
    order = {severity: rank for rank, severity in enumerate(reversed(SEVERITIES))}
    shown = [f for f in findings if not (skip_leg_day and f.code == "leg_day")]
    if not shown:
        st.write("Nothing to flag this week.")
        return
    for finding in sorted(shown, key=lambda f: order.get(f.severity, 9)):
        icon = SEVERITY_ICONS.get(finding.severity, "•")
        st.markdown(f"{icon} **{finding_title(finding.code)}** — {finding.message}")


def week_picker(weeks: pd.DataFrame, *, key: str, label: str = "Week") -> str:
    """Choose an ISO week (latest first)."""
    options = list(reversed([str(w) for w in weeks.index]))
    return str(st.selectbox(label, options, index=0, key=key))


def week_range(weeks: pd.DataFrame, *, selected: str, key: str,
               recent: int = RECENT_WEEKS) -> pd.DataFrame:
    """The weeks the charts show, chosen on a slider: by default the ``recent`` weeks up to
    the latest, or up to a little after ``selected`` when that is older."""
    options = [str(w) for w in weeks.index]
    if len(options) <= recent:
        return weeks
    end = len(options) - 1
    if selected in options and options.index(selected) < end - recent + 1:
        end = min(options.index(selected) + 2, end)
    start, stop = st.select_slider(
        "Weeks in the charts", options=options, value=(options[end - recent + 1], options[end]),
        key=f"{key}_{selected}", help=f"The charts open on {recent} weeks around the chosen "
                                      "one; drag either end to see more of the season.")
    return weeks.loc[str(start):str(stop)]


def findings_by_week(findings: Sequence[Finding], codes: Sequence[str], *,
                     weeks: Sequence[str] | None = None, empty: str = "Nothing to flag.") -> int:
    """The findings with one of ``codes`` (only those of ``weeks`` when given), newest week
    first, each line led by its week. Returns how many were shown."""
    shown = [f for f in findings
             if f.code in codes and (weeks is None or f.week in weeks)]
    if not shown:
        st.write(empty)
        return 0
    for finding in sorted(shown, key=lambda f: f.week, reverse=True):
        icon = SEVERITY_ICONS.get(finding.severity, "•")
        st.markdown(f"{icon} **{finding.week}** · {finding_title(finding.code)} — "
                    f"{finding.message}")
    return len(shown)


def season_or_stop(access: Access, empty_message: str) -> Season:
    """The viewer's analysed season; on an empty library, ``empty_message`` and the page stops."""
    season = library(access).season
    if season.weeks.empty:
        empty_state(empty_message)
        st.stop()
    return season
