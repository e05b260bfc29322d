"""The Activity page's "Correct this run": the athlete overrules the classifier.

Anyone looking sees what the athlete corrected (a coach too, through a share
link); only the athlete, on their own library, gets the controls: the run's
kind, an effort's kind, merging an effort with the next, splitting one at a
time within the run, undo and back to the classifier's. Each change is stored
(:mod:`legday.store.corrections`) and the season is analysed again with it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from legday.charts.corrections import effort_strip
from legday.corrections import (
    CorrectedRun,
    Correction,
    clock_text,
    effort_target,
    origin_of,
    parse_clock,
    with_flags,
)
from legday.schema import EFFORT_KINDS, PRIMARY_KINDS
from legday.store import Store, StoreError
from legday.store.corrections import add_correction, clear_corrections, undo_correction
from legday.ui.state import Access, forget_caches, library, own_context

_SAVED = "_corrections_saved"
_PICKED = "_corrections_picked"


def picked_seconds(event: Any) -> float | None:
    """The time a click on the effort strip picked (seconds from the start), if any. [s]"""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    if not points:
        return None
    point = points[0]
    custom = point.get("customdata")
    if isinstance(custom, list | tuple):
        custom = custom[0] if custom else None
    if isinstance(custom, int | float):
        return float(custom)
    x = point.get("x")
    return float(x) * 60.0 if isinstance(x, int | float) else None


def corrected_note(run: CorrectedRun) -> str | None:
    """What the athlete changed, in one Markdown line (None when nothing)."""
    if not run.corrected:
        return None
    parts = []
    if run.primary != run.classifier_primary:
        parts.append(f"run kind **{run.primary}** (the classifier said "
                     f"{run.classifier_primary})")
    changed = int(run.efforts["corrected"].sum()) if "corrected" in run.efforts else 0
    if changed:
        parts.append(f"{changed} effort{'s' if changed != 1 else ''} corrected (their `why` "
                     "ends with “corrected by the athlete”)")
    return "**Corrected by the athlete**" + (": " + "; ".join(parts) if parts else "")


def with_corrected_primary(access: Access, listing: pd.DataFrame) -> pd.DataFrame:
    """The activity listing with each corrected run's kind as the athlete set it."""
    lib = library(access)
    corrected = {int(a.extra["activity_id"]): str(r.primary)
                 for a, r in zip(lib.activities, lib.runs, strict=False)
                 if r.corrected and r.primary is not None}
    if not corrected or listing.empty:
        return listing
    ids = listing["activity_id"].astype(int)
    return listing.assign(primary=ids.map(corrected).where(ids.isin(list(corrected)),
                                                           listing["primary"]))


def _effort_label(efforts: pd.DataFrame, origin: pd.Timestamp, i: int) -> str:
    start, end = effort_target(efforts.iloc[i], origin)
    mark = " ✎" if bool(efforts["corrected"].iloc[i]) else ""
    return f"{i + 1} · {efforts['kind'].iloc[i]} · {clock_text(start)}–{clock_text(end)}{mark}"


def _save(store: Store, access: Access, correction: Correction) -> None:
    try:
        add_correction(own_context(store, access), correction)
    except (StoreError, ValueError) as err:
        st.error(f"Not saved: {err}")
        return
    st.session_state[_SAVED] = f"Saved: {correction.describe()}."
    forget_caches()
    st.rerun()


def correction_section(store: Store, access: Access, activity_id: int) -> None:
    """The marks of the athlete's corrections, and for the athlete the controls to make them."""
    lib = library(access)
    run = lib.run_of(activity_id)
    activity = next((a for a in lib.activities
                     if a.extra.get("activity_id") == activity_id), None)
    if run is None or activity is None or run.primary is None:
        return
    note = corrected_note(run)
    if note:
        st.info(note, icon=":material/edit_note:")
        st.caption("Corrections: " + "; ".join(c.describe() for c in run.applied))
    if run.unmatched:
        st.warning(f"{len(run.unmatched)} correction(s) no longer find their stretch of this "
                   "run and are not applied: " + "; ".join(c.describe() for c in run.unmatched))
    if access.read_only:
        return
    saved = st.session_state.pop(_SAVED, None)
    if saved:
        st.success(saved, icon=":material/check:")
    efforts = with_flags(run.efforts)
    origin = origin_of(activity.start_utc, efforts)
    st.subheader("Correct this run")
    st.caption("The classifier will be wrong sometimes. Your corrections are kept by time "
               "within the run, so they stay after a re-classification, count in every "
               "weekly number, and show as corrected (to a coach too).")
    # A new key after every change: the widgets start again from the run as it is now.
    key = f"_{activity_id}_{len(run.applied) + len(run.unmatched)}"
    left, right = st.columns(2)
    with left:
        kinds = list(PRIMARY_KINDS)
        current = str(run.primary)
        run_kind = st.selectbox("Run kind", kinds, index=kinds.index(current)
                                if current in kinds else 0, key="correct_run_kind" + key)
        if st.button("Set the run kind", key=f"correct_run_kind_save_{activity_id}"):
            _save(store, access, Correction(activity_id, "run_kind", kind=str(run_kind)))
    if origin is None or efforts.empty:
        st.caption("No efforts are stored for this run: only its kind can be set.")
        _undo(store, access, activity_id, run)
        return
    indices = list(range(len(efforts)))
    strip_key = "correct_strip" + key
    event = st.plotly_chart(effort_strip(efforts, origin), key=strip_key, on_select="rerun",
                            selection_mode="points")
    picked = picked_seconds(event)
    if picked is not None and st.session_state.get(_PICKED) != (strip_key, picked):
        # A new click: its effort is picked and the split time set to it, once (the boxes
        # stay the athlete's to change after).
        st.session_state[_PICKED] = (strip_key, picked)
        starts = np.array([effort_target(efforts.iloc[i], origin)[0] for i in indices])
        holder = int(np.clip(np.searchsorted(starts, picked, side="right") - 1, 0,
                             len(indices) - 1))
        st.session_state["correct_effort" + key] = holder
        st.session_state[f"correct_split_at{key}_{holder}"] = clock_text(picked)
    with right:
        pick = int(st.selectbox("Effort", indices, key="correct_effort" + key,
                                format_func=lambda i: _effort_label(efforts, origin, int(i))))
        effort_kinds = list(EFFORT_KINDS)
        now = str(efforts["kind"].iloc[pick])
        new_kind = st.selectbox("Its kind", effort_kinds, index=effort_kinds.index(now)
                                if now in effort_kinds else 0,
                                key=f"correct_effort_kind{key}_{pick}")
        if st.button("Set the effort kind", key=f"correct_effort_save_{activity_id}"):
            start, end = effort_target(efforts.iloc[pick], origin)
            _save(store, access, Correction(activity_id, "effort_kind", start, end,
                                            kind=str(new_kind)))
    merge_col, split_col = st.columns(2)
    with merge_col:
        if len(efforts) >= 2:
            first = int(st.selectbox(
                "Merge an effort with the next", indices[:-1], key="correct_merge" + key,
                format_func=lambda i: f"{_effort_label(efforts, origin, int(i))} + "
                                      f"{efforts['kind'].iloc[int(i) + 1]}"))
            merged_kind = st.selectbox("As", ["(the longer one's kind)", *EFFORT_KINDS],
                                       key="correct_merge_kind" + key)
            if st.button("Merge", key=f"correct_merge_save_{activity_id}"):
                start, _ = effort_target(efforts.iloc[first], origin)
                _, end = effort_target(efforts.iloc[first + 1], origin)
                kind = None if str(merged_kind).startswith("(") else str(merged_kind)
                _save(store, access, Correction(activity_id, "merge", start, end, kind=kind))
    with split_col:
        start, end = effort_target(efforts.iloc[pick], origin)
        split_key = f"correct_split_at{key}_{pick}"
        if split_key not in st.session_state:
            st.session_state[split_key] = clock_text((start + end) / 2)
        text = st.text_input(f"Split effort {pick + 1} at (m:ss from the start, between "
                             f"{clock_text(start)} and {clock_text(end)}; or click the line "
                             "above)", key=split_key)
        if st.button("Split", key=f"correct_split_save_{activity_id}"):
            at = parse_clock(text)
            if at is None or not start < at < end:
                st.error(f"Give a time between {clock_text(start)} and {clock_text(end)}, "
                         "like 12:30.")
            else:
                _save(store, access, Correction(activity_id, "split", start, end, at_s=at))
    _undo(store, access, activity_id, run)


def _undo(store: Store, access: Access, activity_id: int, run: CorrectedRun) -> None:
    own = run.applied + run.unmatched
    undo, reset = st.columns(2)
    if undo.button("Undo the last correction", key=f"correct_undo_{activity_id}",
                   disabled=not own):
        undone = undo_correction(own_context(store, access), activity_id)
        if undone is not None:
            st.session_state[_SAVED] = f"Undone: {undone.describe()}."
        forget_caches()
        st.rerun()
    if reset.button("Back to the classifier's", key=f"correct_reset_{activity_id}",
                    disabled=not own):
        cleared = clear_corrections(own_context(store, access), activity_id)
        st.session_state[_SAVED] = f"{cleared} correction(s) removed: as the classifier found it."
        forget_caches()
        st.rerun()


__all__ = ["corrected_note", "correction_section", "parse_clock", "picked_seconds",
           "with_corrected_primary"]
