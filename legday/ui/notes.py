"""Findings without the nagging: standing notes said once, recent weeks first, history folded."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from legday.findings import Finding, StandingNote
from legday.ui.state import Access
from legday.ui.widgets import SEVERITY_ICONS, findings_by_week

#: The dashboard page each standing note's ``page`` names.
PAGES = {"strength": ("views/strength.py", "Strength log", ":material/fitness_center:")}
#: Findings of this many weeks, up to the picked one, are shown; the rest are folded.
RECENT_WEEKS = 4


def standing_notes(notes: Sequence[StandingNote], access: Access) -> None:
    """Each standing note once, with its call to action; a link to the page where the
    action is done, for the athlete (a shared view cannot log anything)."""
    for note in notes:
        icon = SEVERITY_ICONS.get(note.severity, "•")
        with st.container(border=True):
            st.markdown(f"{icon} **Standing note** ({note.weeks} weeks, {note.first} to "
                        f"{note.last}) — {note.message}")
            page = PAGES.get(note.page)
            if page is not None and access.mode != "share" and not access.is_sample:
                path, label, page_icon = page
                st.page_link(path, label=note.action, icon=page_icon)
            elif note.action:
                st.caption(note.action)


def recent_weeks(weeks: pd.DataFrame, week: str, n: int = RECENT_WEEKS) -> list[str]:
    """The ``n`` weeks up to and including ``week``."""
    labels = [str(w) for w in weeks.index]
    end = labels.index(week) + 1 if week in labels else len(labels)
    return labels[max(0, end - n):end]


def findings_recent_first(findings: Sequence[Finding], codes: Sequence[str],
                          weeks: pd.DataFrame, week: str, *, empty: str) -> None:
    """The findings with one of ``codes`` of the :data:`RECENT_WEEKS` weeks up to ``week``;
    those of the other weeks in an expander ("earlier weeks")."""
    recent = recent_weeks(weeks, week)
    others = [str(w) for w in weeks.index if str(w) not in recent]
    folded = [f for f in findings if f.code in codes and f.week in others]
    if not folded:
        findings_by_week(findings, codes, weeks=recent, empty=empty)
        return
    findings_by_week(findings, codes, weeks=recent,
                     empty=f"Nothing in {recent[0]} to {recent[-1]}." if recent else empty)
    later = any(f.week > recent[-1] for f in folded) if recent else False
    with st.expander(f"{'other' if later else 'earlier'} weeks ({len(folded)})"):
        findings_by_week(findings, codes, weeks=others)
