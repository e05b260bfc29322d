"""Strength log: sessions and their kind, entries edited in a table, CSV import and export."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pandas as pd
import streamlit as st

from legday.errors import LegdayError
from legday.library import view_key
from legday.store import (
    Context,
    StoreError,
    add_strength_entries,
    new_strength_entries,
    replace_strength_session,
    strength_entries,
)
from legday.strength.catalogue import load_catalogue
from legday.strength.log import (
    EDITOR_VALUES,
    LEGDAY_COLUMNS,
    WARMUP_TAG,
    StrengthImport,
    annotate,
    blank_text,
    entries_from_editor,
    file_rows,
    make_entries,
    read_strength_csv,
    sessions,
    unmapped,
    write_legday_csv,
)
from legday.ui.state import current, forget_caches, own_context
from legday.ui.widgets import banners, empty_state, literal, rows_not_loaded

NEW = "new"
#: Sessions read from a recording stay as the watch wrote them (delete the activity instead).
RECORDED = ("fit", "strava")
KIND_WORDS = {"lower": "lower body", "upper": "upper body", "core": "core",
              "full_body": "full body", "unknown": "unknown (no mapped exercise)"}
FLASH = "strength_flash"
VERSION = "strength_editor_version"
EXTRA_NAMES = "strength_extra_names"
#: What loading each file did, by a digest of its bytes: the result replaces the load button.
LOADED = "strength_loaded_files"
#: The editor's name for a row without an exercise (an empty cell would read "None").
WHOLE_SESSION = "(whole session)"
WHOLE_NUMBER, NUMBER = r"^\s*\d*\s*$", r"^\s*(\d+(\.\d*)?|\.\d+)?\s*$"
RPE = r"^\s*((10|[1-9])(\.\d*)?)?\s*$"

store, access = current()
st.title("Strength log")
banners(access)
catalogue = load_catalogue()


@st.cache_data(show_spinner=False, max_entries=8)
def _log(_ctx: Context, key: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, str]:
    """The stored entries, their sessions, unmapped names and the CSV export.

    Cached per view (:func:`legday.library.view_key`): a rerun (picking a session,
    typing in the editor) does not read and summarise the whole log again.
    """
    stored = strength_entries(_ctx)
    if not len(stored):
        return stored, pd.DataFrame(), pd.DataFrame(), ""
    return stored, sessions(stored), unmapped(stored), _csv(stored)


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    write_legday_csv(frame, buffer)
    return buffer.getvalue()


entries, summary, missing, export = _log(access.ctx, view_key(access.ctx))
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))


@st.cache_data(show_spinner=False, max_entries=32)
def _read_csv(name: str, data: bytes) -> StrengthImport:
    # Cached on the file's bytes: a rerun does not parse the same log again.
    return read_strength_csv(data, name=name)


def _done(message: str) -> None:
    """After a write: say what happened on the next run, which rebuilds from the store."""
    st.session_state[FLASH] = message
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1
    forget_caches()
    _log.clear()
    st.rerun()


#: The entries' numbers, shown as text (blank when missing), right-aligned and in words.
NUMBER_TEXT = {c: st.column_config.TextColumn(label, alignment="right")
               for c, label in (("sets", "sets"), ("reps", "reps"), ("weight_kg", "weight (kg)"),
                                ("rpe", "RPE"), ("duration_min", "minutes"))}

# --- sessions ------------------------------------------------------------------------------

if summary.empty:
    empty_state("No strength sessions yet. "
                + ("" if access.read_only else "Add one below, or import a log from Strong, "
                   "Hevy or legday's own CSV."))
else:
    st.subheader("Sessions")
    shown = summary.iloc[::-1]
    st.dataframe(
        pd.DataFrame({
            "date": shown["date"].dt.date, "kind": shown["kind"].map(KIND_WORDS),
            "working sets": shown["n_sets"], "lower-body sets": shown["lower_sets"],
            "upper-body sets": shown["upper_sets"], "core sets": shown["core_sets"],
            "minutes": blank_text(shown["duration_min"].round(0)),
            "RPE": blank_text(shown["rpe"]),
            "lower tonnage (kg)": blank_text(shown["lower_tonnage_kg"].round(0)),
            "unmapped": shown["unmapped"], "source": shown["source"],
        }),
        key="sessions", hide_index=True, width="stretch",
        column_config={c: st.column_config.TextColumn(alignment="right")
                       for c in ("minutes", "RPE", "lower tonnage (kg)")})
    st.caption("Each working set counts once, towards the region of its exercise's main "
               "mover (a thruster is a lower-body set): the same lower-body sets as the "
               "Overview and Imbalance. Warm-ups are listed but not counted. Kind: full body "
               "when lower and upper body each have at least a quarter of the mapped working "
               "sets, otherwise the region with most sets.")
    if not missing.empty:
        names = ", ".join(f"{literal(r.exercise)} ({r.count})" for r in missing.itertuples())
        st.warning(f"Not in the exercise catalogue (kept, counted as sets but towards no "
                   f"muscle): {names}.", icon=":material/help:")

if len(entries):
    st.download_button("Download the log (legday CSV)", export,
                       file_name="strength_log.csv", mime="text/csv", key="export",
                       help="Columns " + ", ".join(LEGDAY_COLUMNS) + "; reads back unchanged.")

if access.read_only:
    if len(entries):
        st.subheader("Entries")
        ann = annotate(entries, catalogue)
        matched_names = ann["matched"].where(ann["exercise"].isna() | ann["matched"].notna(),
                                             "unmapped")
        st.dataframe(
            pd.DataFrame({"date": ann["date"].dt.date,
                          **{c: blank_text(ann[c]) for c in ("exercise", *EDITOR_VALUES)},
                          "matched": blank_text(matched_names),
                          "notes": blank_text(ann["notes"])}
                         )[["date", "exercise", "matched", *EDITOR_VALUES, "notes"]],
            key="entries", hide_index=True, width="stretch",
            column_config=NUMBER_TEXT)
    if access.is_sample:
        st.info("This is the sample season's log, shown read-only. Your own log starts with "
                "your first upload on the **Upload** page; then you can add, edit and import "
                "sessions here.", icon=":material/science:")
    st.stop()


# --- edit or add a session -----------------------------------------------------------------

ctx = own_context(store, access)
st.subheader("Add or edit a session")
keys = [str(k) for k in summary["session"].iloc[::-1]] if not summary.empty else []
labels = {NEW: "+ New session"}
for row in summary.itertuples():
    labels[str(row.session)] = (f"{row.date:%Y-%m-%d} · {KIND_WORDS[str(row.kind)]} · "
                                f"{row.n_sets:g} sets · {row.source}")
picked = str(st.selectbox("Session", [NEW, *keys], format_func=labels.__getitem__,
                          key="strength_session"))

own = (entries[entries["session"] == picked] if picked != NEW else entries.iloc[0:0]
       ).reset_index(drop=True)
recorded = bool(len(own)) and str(own["source"].iloc[0]) in RECORDED
extra: list[str] = st.session_state.setdefault(EXTRA_NAMES, [])
known = {e.name for e in catalogue.exercises}
options = sorted(known) + sorted({str(n) for n in entries["exercise"].dropna()} - known
                                 | set(extra) - known)
matched = annotate(own, catalogue)["matched"] if len(own) else pd.Series(dtype="object")
table = pd.DataFrame({
    "row": range(len(own)),
    "date": own["date"].dt.date,
    "exercise": own["exercise"].fillna(WHOLE_SESSION),
    "matched": blank_text(matched.where(own["exercise"].isna() | matched.notna(), "unmapped")),
    # Text, not number, columns: an empty number cell would read "None" in the editor.
    **{c: blank_text(own[c]) for c in (*EDITOR_VALUES, "notes")},
})
version = st.session_state.get(VERSION, 0)
edited = st.data_editor(
    table, key=f"strength_editor_{picked}_{version}", hide_index=True, width="stretch",
    num_rows="fixed" if recorded else "dynamic", disabled=True if recorded else ["matched"],
    column_order=["date", "exercise", "matched", "sets", "reps", "weight_kg", "rpe",
                  "duration_min", "notes"],
    column_config={
        "date": st.column_config.DateColumn("date", required=True, default=date.today()),
        "exercise": st.column_config.SelectboxColumn(
            "exercise", options=[WHOLE_SESSION, *options], width="medium",
            help="From the catalogue; add a name that is not there with the field below. "
                 "(whole session) for a row that is the whole session: then give its minutes."),
        "matched": st.column_config.TextColumn(
            "catalogue match", help="What the catalogue matched the name to, or unmapped."),
        "sets": st.column_config.TextColumn("sets", validate=WHOLE_NUMBER, alignment="right"),
        "reps": st.column_config.TextColumn("reps", validate=WHOLE_NUMBER, alignment="right"),
        "weight_kg": st.column_config.TextColumn("weight (kg)", validate=NUMBER, alignment="right"),
        "rpe": st.column_config.TextColumn("RPE", validate=RPE, help="1 to 10", alignment="right"),
        "duration_min": st.column_config.TextColumn("minutes", validate=NUMBER, alignment="right"),
        "notes": st.column_config.TextColumn(
            "notes", help=f"Start with {WARMUP_TAG} for a warm-up set."),
    })
if recorded:
    st.caption("Recorded by the watch: shown as read. To change it, delete the activity.")
else:
    name_col, add_col = st.columns([3, 1], vertical_alignment="bottom")
    new_name = name_col.text_input("Exercise not in the catalogue", key="strength_new_name",
                                   placeholder="e.g. Sled push (heavy)")
    if add_col.button("Add to the exercise list", key="strength_add_name") and new_name.strip():
        extra.append(new_name.strip())
        st.rerun()
    st.caption("A new session is stored under its date; adding to a date that already has "
               "a session from this editor or a legday CSV joins that session.")


if not recorded:
    save_col, delete_col = st.columns(2)
    if save_col.button("Save session", type="primary", key="strength_save"):
        result = entries_from_editor(
            edited.assign(exercise=edited["exercise"].replace(WHOLE_SESSION, None)), own,
            None if picked == NEW else picked)
        if isinstance(result, str):
            st.error(result)
        elif picked == NEW and result.empty:
            st.error("Nothing to save: add at least one row.")
        else:
            try:
                if picked == NEW:
                    count = add_strength_entries(ctx, result)
                else:
                    count = replace_strength_session(ctx, picked, result)
            except (StoreError, LegdayError) as err:
                st.error(f"Not saved: {err}")
            else:
                _done(f"Saved: {count} entries stored.")
    if picked != NEW and delete_col.button("Delete this session", key="strength_delete"):
        replace_strength_session(ctx, picked, make_entries([]))
        _done("Session deleted.")


# --- import and export ---------------------------------------------------------------------

st.subheader("Import a log")
upload = st.file_uploader("legday, Strong or Hevy CSV", type=["csv"], key="strength_csv")
if upload is not None:
    try:
        read = _read_csv(upload.name, upload.getvalue())
    except LegdayError as err:
        st.error(f"{literal(upload.name)} cannot be read: {literal(err)}")
    else:
        n_sessions = read.entries["session"].nunique()
        st.write(f"**{literal(upload.name)}** ({read.format} format): {read.rows} rows read "
                 f"({n_sessions} session{'s' if n_sessions != 1 else ''}), "
                 f"{len(read.problems)} row(s) with problems.")
        rows_not_loaded(read.problems, key="problems")
        loaded: dict[str, str] = st.session_state.setdefault(LOADED, {})
        digest = hashlib.sha256(upload.getvalue()).hexdigest()
        if digest in loaded:
            st.info(loaded[digest], icon=":material/check:")
        elif read.rows and st.button(f"Load {read.rows} rows", key="strength_load",
                                     type="primary"):
            added = int(file_rows(new_strength_entries(ctx, read.entries)).sum())
            loaded[digest] = (f"Loaded {upload.name}: {added} rows added, "
                              f"{read.rows - added} already stored.")
            _done(loaded[digest])
