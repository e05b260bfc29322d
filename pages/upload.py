"""Upload: drop watch exports and strength logs into the library, then browse what is stored."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import PurePath
from typing import Any

import pandas as pd
import streamlit as st

from legday.errors import LegdayError
from legday.library import library_cache_dir, open_library
from legday.store import ImportEvent, StoreError, import_upload, list_activities
from legday.ui.state import current, forget_caches, own_context, resolve_access, set_current
from legday.ui.widgets import banners, empty_state
from legday.units import fmt_duration

#: ImportEvent.status -> what the table says.
STATUS_WORDS = {"imported": "read", "duplicate": "duplicate", "error": "refused"}
RESULT_COLUMNS = ["file", "item", "kind", "status", "reason", "activity_id"]
#: Files already stored in this browser session: (name, sha256) -> their result rows.
DONE_KEY = "upload_done"
ANY_KIND = "any"
KINDS = [ANY_KIND, "interval", "hill", "sprint", "steady", "none"]

store, access = current()
st.title("Upload")
banners(access)
if access.mode == "share":
    st.info("A shared view is read-only: nothing can be uploaded here.", icon=":material/link:")
    st.stop()


def _is_strength_log(name: str) -> bool:
    return name.lower().endswith(".csv") and PurePath(name).name != "activities.csv"


def _one_line(text: str | None) -> str:
    return "; ".join(line.strip() for line in (text or "").splitlines() if line.strip())


def _import(name: str, data: bytes, on_event: Callable[[ImportEvent], None],
            ) -> list[dict[str, Any]]:
    """Store one uploaded file; one result row per activity, file or refused CSV row."""
    kind = "strength log" if _is_strength_log(name) else "activity"
    rows: list[dict[str, Any]] = []

    def record(event: ImportEvent) -> None:
        status = STATUS_WORDS.get(event.status, event.status)
        reason = _one_line(event.message)
        if status == "duplicate":
            reason = ("every entry is already stored" if kind == "strength log"
                      else f"already in the library: {reason}")
        rows.append({"file": name, "item": event.label, "kind": kind, "status": status,
                     "reason": reason or None, "activity_id": event.activity_id})
        on_event(event)

    try:
        report = import_upload(own_context(store, access), name, data, progress=record)
    except (LegdayError, StoreError) as err:
        return [{"file": name, "item": name, "kind": kind, "status": "refused",
                 "reason": _one_line(str(err)), "activity_id": None}]
    # Errors that are not events of their own: the bad rows of a strength log.
    told = {(r["item"], r["reason"]) for r in rows if r["status"] == "refused"}
    for error in report.errors:
        reason = _one_line(error.get("error"))
        if not any(item == error.get("file") and (told_reason or "").startswith(reason)
                   for item, told_reason in told):
            rows.append({"file": name, "item": error.get("file", name), "kind": kind,
                         "status": "refused", "reason": reason, "activity_id": None})
    return rows


def _mark_partial(rows: list[dict[str, Any]]) -> None:
    """Stored activities the reader could only partly read say so."""
    ids = {r["activity_id"] for r in rows if r["status"] == "read" and r["activity_id"]}
    if not ids:
        return
    stored = list_activities(own_context(store, access))
    partial = set(stored.loc[stored["partial"].fillna(False).astype(bool), "activity_id"])
    for row in rows:
        if row["status"] == "read" and row["activity_id"] in partial:
            row["status"] = "partial"
            row["reason"] = row["reason"] or "read in part (see the activity's fixes)"


if access.is_sample:
    st.markdown("Uploading starts **your own library**. Your files are stored for you, never "
                "mixed into the sample season; as soon as your library holds an activity, every "
                "page shows your training instead of the sample.")
st.write("Drop FIT, GPX or TCX files (also gzipped), zips, a whole Strava or Garmin bulk "
         "export, or a strength log (legday, Strong or Hevy CSV). Many at once is fine.")
uploads = st.file_uploader("Files to add", accept_multiple_files=True, key="uploads",
                           type=["fit", "gpx", "tcx", "gz", "zip", "csv"])

done: dict[tuple[str, str], list[dict[str, Any]]] = st.session_state.setdefault(DONE_KEY, {})
if not uploads:
    st.info("No files yet. Drop some above: each activity is read, classified and stored, "
            "and the same file or session is never stored twice.")
else:
    files = [(u.name, u.getvalue()) for u in uploads]
    keyed = [((name, hashlib.sha256(data).hexdigest()), data) for name, data in files]
    new = [(key, data) for key, data in keyed if key not in done]
    if new:
        with st.status(f"Reading {len(new)} file(s)…", expanded=True) as status:
            bar = st.progress(0.0)
            counter = {"n": 0}

            def _progress(event: ImportEvent) -> None:
                counter["n"] += 1
                status.update(label=f"Reading… {counter['n']} item(s) so far, "
                                    f"latest {PurePath(event.label).name} "
                                    f"({STATUS_WORDS.get(event.status, event.status)})")

            fresh: list[dict[str, Any]] = []
            for i, ((name, digest), data) in enumerate(new, start=1):
                bar.progress((i - 1) / len(new), text=f"{name} ({i}/{len(new)})")
                rows = _import(name, data, _progress)
                fresh.extend(rows)
                done[(name, digest)] = rows
            bar.progress(1.0, text="Done")
            _mark_partial(fresh)
            status.update(label=f"Read {len(new)} file(s)", state="complete", expanded=False)
        if any(r["status"] in ("read", "partial") for r in fresh):
            # The library changed, and after a first upload so did whose it is (the sample
            # season gives way): resolve the viewer again even where app.py does not rerun.
            forget_caches()
            set_current(store, resolve_access(store))
            with st.spinner("Analysing your season…"):
                open_library(own_context(store, access), library_cache_dir())
            st.rerun()

    table = pd.DataFrame([row for key, _ in keyed for row in done[key]], columns=RESULT_COLUMNS)
    activities = table[table["kind"] == "activity"]
    counts = activities["status"].value_counts()
    logs = table[(table["kind"] == "strength log") & (table["status"] == "read")]
    message = (f"{int(counts.get('read', 0) + counts.get('partial', 0))} imported "
               f"({int(counts.get('partial', 0))} partial), "
               f"{int(counts.get('duplicate', 0))} duplicates skipped, "
               f"{int((table['status'] == 'refused').sum())} refused"
               + (f", {len(logs)} strength log(s) loaded" if len(logs) else "") + ".")
    (st.warning if (table["status"] == "refused").any() else st.success)(message)
    st.dataframe(
        table, key="results", hide_index=True, width="stretch",
        column_config={
            "item": st.column_config.TextColumn("activity or member"),
            "reason": st.column_config.TextColumn("reason", width="large"),
            "activity_id": st.column_config.NumberColumn("stored as", format="%d"),
        })
    st.caption("**duplicate**: the same file, or the same session from another source (same "
               "sport, start within 60 s, distance within 2 %), is already stored and was "
               "skipped. **refused**: could not be read, with the reason. **partial**: stored, "
               "but only part of the file could be read.")
    if st.button("Forget these results", key="forget_results",
                 help="Lets the same files be uploaded again (they will show as duplicates)."):
        done.clear()
        st.rerun()


# --- the library -----------------------------------------------------------------------------

def _local_starts(frame: pd.DataFrame, timezone: str) -> pd.Series:
    """Local wall-clock starts: the activity's own offset, else the settings' time zone."""
    utc = pd.to_datetime(frame["start_utc"], utc=True)
    offsets = pd.to_numeric(frame["utc_offset_s"], errors="coerce")
    by_offset = utc.dt.tz_localize(None) + pd.to_timedelta(offsets.fillna(0), unit="s")
    by_zone = utc.dt.tz_convert(timezone).dt.tz_localize(None)
    return by_offset.where(offsets.notna(), by_zone)


st.header("Library" if not access.is_sample else "Library (the sample season)")
everything = list_activities(access.ctx)
if everything.empty:
    empty_state("Your library is empty. Upload files above and they are listed here.")
    st.stop()

units = access.units
timezone = access.analysis_settings.timezone
starts = _local_starts(everything, timezone).dropna()
first = starts.min().date() if len(starts) else date.today()
last = starts.max().date() if len(starts) else date.today()
left, middle, right = st.columns(3)
# The key follows the library's span, so a new upload outside it widens the range shown.
picked = left.date_input("Dates", value=(first, last), key=f"library_dates_{first}_{last}")
sports = middle.multiselect("Sport", sorted(everything["sport"].dropna().unique()),
                            key="library_sports", placeholder="all sports")
kind = right.selectbox("Primary effort kind", KINDS, key="library_kind",
                       help="The run's main effort kind; 'none' for activities that are not "
                            "classified (not running, or too short).")

chosen = list_activities(access.ctx, sport=sports or None,
                         primary=None if kind in (ANY_KIND, "none") else kind)
if kind == "none":
    chosen = chosen[chosen["primary"].isna()]
local = _local_starts(chosen, timezone)
dates = list(picked) if isinstance(picked, tuple | list) else [picked]
if dates:
    since = pd.Timestamp(dates[0])
    until = pd.Timestamp(dates[-1]) + timedelta(days=1)
    keep = (local >= since) & (local < until)
    chosen, local = chosen[keep], local[keep]

if chosen.empty:
    empty_state("No stored activity matches these filters. Widen the dates or clear the sport "
                "and kind filters.")
    st.stop()

distance = pd.to_numeric(chosen["distance_m"], errors="coerce")
listing = pd.DataFrame({
    "start (local)": local,
    "sport": chosen["sport"],
    "name": chosen["name"].fillna(""),
    "primary kind": chosen["primary"].fillna("—"),
    f"distance ({units.distance})": distance.map(units.distance_from_m).round(2),
    "duration": pd.to_numeric(chosen["elapsed_s"], errors="coerce").map(fmt_duration),
    "heart rate": chosen["has_hr"].fillna(False).astype(bool),
    "partial": chosen["partial"].fillna(False).astype(bool),
    "file": [PurePath(str(s)).name + (f" › {m}" if m else "")
             for s, m in zip(chosen["source"], chosen["member"], strict=True)],
})
st.caption(f"{len(listing)} of {len(everything)} stored activities; times are local "
           f"(the watch's offset, else {timezone}).")
st.dataframe(
    listing.iloc[::-1], key="library", hide_index=True, width="stretch",
    column_config={
        "start (local)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
    })
