"""Upload: drop watch exports and strength logs into the library, then browse what is stored.

Dropped files are handed to an import job (legday.store.jobs) and the page returns at once;
the progress panel follows the job across reruns and page switches, and the job carries on
when the tab is closed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import PurePath
from typing import Any

import pandas as pd
import streamlit as st

from legday.charts.privacy import run_starts
from legday.io import DEFAULT_LIMITS
from legday.library import library_cache_dir, open_library
from legday.localtime import local_starts, watch_timezone
from legday.store import get_settings, list_activities, put_settings
from legday.store.corrections import load_corrections
from legday.store.jobs import (
    JobStatus,
    job_status,
    recent_jobs,
    results_listing,
    results_sentence,
    resume_jobs,
    start_import,
    upload_results,
)
from legday.store.repo import load_summaries
from legday.ui.corrections import with_corrected_primary
from legday.ui.state import current, forget_caches, own_context, resolve_access, set_current
from legday.ui.widgets import banners, empty_state
from legday.units import fmt_duration

log = logging.getLogger(__name__)
#: The uploader's own limit (server.maxUploadSize in .streamlit/config.toml). [MB]
UPLOAD_LIMIT_MB = int(st.get_option("server.maxUploadSize"))

#: Files handed to a job in this browser session: (name, sha256) -> job id.
DONE_KEY = "upload_done"
#: Jobs whose stored activities the views were refreshed for.
SEEN_KEY = "upload_jobs_seen"
#: True while this session's import is the library's first (its time zone is then adopted).
FIRST_KEY = "upload_first_library"
#: The sentence saying which time zone the first import adopted.
ZONE_KEY = "upload_zone_adopted"
ANY_KIND = "any"
LIMITS_HELP = (f"Up to {UPLOAD_LIMIT_MB / 1024:g} GB per dropped file (a whole export zip "
               f"fits); inside it, each activity file up to "
               f"{DEFAULT_LIMITS.max_file_bytes // 1024**2} MB unpacked, and a zip up to "
               f"{DEFAULT_LIMITS.max_archive_bytes // 1024**3} GB unpacked and "
               f"{DEFAULT_LIMITS.max_members:,} files. Larger files are refused with the reason.")
KINDS = [ANY_KIND, "interval", "hill", "sprint", "steady", "none"]

store, access = current()
st.title("Upload")
banners(access)
if access.mode == "share":
    st.info("A shared view is read-only: nothing can be uploaded here.", icon=":material/link:")
    st.stop()
own = own_context(store, access)
resume_jobs(store)  # an upload interrupted by a restart of the app carries on


def _guarded(what: str, section: Callable[[], None]) -> None:
    """Show a part of the page; a failure is logged with its traceback and shown to the user
    as one line (st.stop and st.rerun pass through: they are no Exception)."""
    try:
        section()
    except Exception as err:
        log.exception("upload page: %s failed", what.lower())
        st.error(f"{what} could not be shown ({type(err).__name__}); the server log has the "
                 "details.", icon=":material/error:")


def _hand_off(files: list[tuple[tuple[str, str], Any]]) -> int | None:
    """Start a job for the files; None (and a one-line reason shown) when it cannot start."""
    try:
        return start_import(own, [(key[0], upload) for key, upload in files])
    except Exception as err:  # the traceback goes to the log, the user gets one line
        log.exception("could not start an import job")
        st.error(f"The files could not be handed to an import: {type(err).__name__}. "
                 "Try again; the server log has the details.", icon=":material/error:")
        return None


def _time_left(status: JobStatus) -> str:
    seconds = status.seconds_left(store.now())
    if status.status == "queued":
        return "waiting to start"
    return "estimating…" if seconds is None else f"about {fmt_duration(seconds)} left"


def _show_job(status: JobStatus) -> None:
    if status.status == "failed":
        st.error(f"Import {status.id} stopped: {status.error}", icon=":material/error:")
    label = (f"Import {status.id}: {status.progress_label}"
             + ("" if status.is_over or status.calibration else f" — {_time_left(status)}"))
    st.progress(status.fraction, text=label)
    done, dupes, refused = st.columns(3)
    done.metric("Activities stored", status.stored)
    dupes.metric("Already stored", status.duplicates)
    refused.metric("Refused", status.refused)
    if status.refusals:
        with st.expander(f"Refused ({len(status.refusals)}), with reasons"):
            for row in status.refusals:
                st.markdown(f"- **{PurePath(str(row['item'])).name}**: {row['reason']}")


def _refresh_after(jobs: list[JobStatus]) -> bool:
    """True when one of this session's jobs has just ended, so the page reruns to show its
    results; when it stored something, the views rebuild first (and the sample season gives
    way to the athlete's own library)."""
    seen: set[int] = st.session_state.setdefault(SEEN_KEY, set())
    mine = set(st.session_state.get(DONE_KEY, {}).values())
    ended = [j for j in jobs if j.is_over and j.id not in seen and j.id in mine]
    seen.update(j.id for j in ended)
    if not ended:
        return False
    if not any(j.stored for j in ended):
        return True
    if st.session_state.pop(FIRST_KEY, False):
        _adopt_watch_zone()
    forget_caches()
    set_current(store, resolve_access(store))
    with st.spinner("Analysing your season…"):
        open_library(own, library_cache_dir())
    return True


def _adopt_watch_zone() -> None:
    """After the first import: the time zone the watch files say replaces the default UTC."""
    if get_settings(own).get("timezone", "UTC") != "UTC":
        return
    listed = list_activities(own)
    starts = run_starts(load_summaries(own), limit=200)
    watch = watch_timezone(listed["start_utc"], listed["utc_offset_s"],
                           float(starts["lat"].median()) if len(starts) else None,
                           float(starts["lon"].median()) if len(starts) else None)
    if watch is None or watch[0] == "UTC":
        return
    zone, fits, dated = watch
    put_settings(own, {"timezone": zone})
    st.session_state[ZONE_KEY] = (f"Time zone set to **{zone}**, as your watch files say "
                                  f"({fits} of {dated} activities); change it on the Settings "
                                  "page.")


def _my_jobs() -> list[JobStatus]:
    """This session's jobs, and any other import of the athlete still running."""
    mine = set(st.session_state.get(DONE_KEY, {}).values())
    found = {j.id: j for j in recent_jobs(own) if not j.is_over or j.id in mine}
    for job_id in mine - set(found):
        status = job_status(own, job_id)
        if status is not None:
            found[job_id] = status
    return [found[i] for i in sorted(found)]


@st.fragment(run_every=1.0)
def progress_panel() -> None:
    _guarded("The import progress", _progress)


def _progress() -> None:
    resume_jobs(store)
    jobs = _my_jobs()
    if not jobs:
        return
    running = [j for j in jobs if not j.is_over]
    st.subheader("Imports" if running else "Last imports")
    for status in jobs:
        if not status.is_over or status.id in set(st.session_state.get(DONE_KEY, {}).values()):
            _show_job(status)
    if running:
        st.caption("Imports carry on in the background: switch pages or close the tab, and "
                   "come back here to see how far they got.")
    if _refresh_after(jobs):
        st.rerun()


def _results_section(keys: list[tuple[str, str]], handed: dict[tuple[str, str], int]) -> None:
    """The dropped files' result rows, with a summary line and a way to forget them."""
    table = upload_results(own, keys, handed)
    if len(table):
        message = results_sentence(table)
        (st.warning if (table["status"] == "refused").any() else st.success)(message)
        st.dataframe(
            results_listing(own, table, access.analysis_settings.timezone), key="results",
            hide_index=True, width="stretch",
            column_config={
                "date": st.column_config.DatetimeColumn("start (local)",
                                                        format="YYYY-MM-DD HH:mm"),
                "reason": st.column_config.TextColumn("reason", width="large"),
            })
        st.caption("**duplicate**: the same file, or the same session from another source "
                   "(same sport, start within 60 s, distance within 2 %), is already stored "
                   "and was skipped. **refused**: could not be read, with the reason. "
                   "**partial**: stored, but only part of the file could be read.")
    if st.button("Forget these results", key="forget_results",
                 help="Lets the same files be uploaded again (they will show as duplicates)."):
        handed.clear()
        st.rerun()


if access.is_sample:
    st.markdown("Uploading starts **your own library**. Your files are stored for you, never "
                "mixed into the sample season; as soon as your library holds an activity, every "
                "page shows your training instead of the sample.")
st.write("Drop FIT, GPX or TCX files (also gzipped), zips, a whole Strava or Garmin bulk "
         "export, or a strength log (legday, Strong or Hevy CSV). Many at once is fine: they "
         "are imported in the background.")
uploads = st.file_uploader("Files to add", accept_multiple_files=True, key="uploads",
                           type=["fit", "gpx", "tcx", "gz", "zip", "csv"], help=LIMITS_HELP)
st.caption(LIMITS_HELP)

handed: dict[tuple[str, str], int] = st.session_state.setdefault(DONE_KEY, {})
keys: list[tuple[str, str]] = []
if uploads:
    fresh = []
    for upload in uploads:
        key = (upload.name, hashlib.sha256(upload.getbuffer()).hexdigest())
        keys.append(key)
        if key not in handed:
            fresh.append((key, upload))
    if fresh:
        if access.is_sample or list_activities(own).empty:
            st.session_state[FIRST_KEY] = True
        with st.spinner(f"Handing {len(fresh)} file(s) to an import (counting the activities "
                        "in them)…"):
            job_id = _hand_off(fresh)
        if job_id is not None:
            handed.update({key: job_id for key, _upload in fresh})

progress_panel()
zone_adopted = st.session_state.pop(ZONE_KEY, None)
if zone_adopted:
    st.info(zone_adopted, icon=":material/schedule:")

if not uploads:
    st.info("No files yet. Drop some above: each activity is read, classified and stored, "
            "and the same file or session is never stored twice.")
else:
    _guarded("The results", lambda: _results_section(keys, handed))


# --- the library -----------------------------------------------------------------------------

def library_section() -> None:
    """The stored activities, with date, sport and kind filters."""
    st.header("Library" if not access.is_sample else "Library (the sample season)")
    everything = list_activities(access.ctx)
    if everything.empty:
        empty_state("Your library is empty. Upload files above and they are listed here.")
        st.stop()

    units = access.units
    timezone = access.analysis_settings.timezone
    starts = local_starts(everything["start_utc"], everything["utc_offset_s"], timezone).dropna()
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

    chosen = list_activities(access.ctx, sport=sports or None)
    corrected = {c.activity_id for c in load_corrections(access.ctx)}
    if corrected:  # the kind the athlete set, as the Activity page and the analysis use it
        chosen = with_corrected_primary(access, chosen)
    if kind == "none":
        chosen = chosen[chosen["primary"].isna()]
    elif kind != ANY_KIND:
        chosen = chosen[chosen["primary"] == kind]
    local = local_starts(chosen["start_utc"], chosen["utc_offset_s"], timezone)
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
        "corrected": chosen["activity_id"].astype(int).isin(corrected),
        f"distance ({units.distance})": distance.map(units.distance_from_m).round(2),
        "duration": pd.to_numeric(chosen["elapsed_s"], errors="coerce").map(fmt_duration),
        "heart rate": chosen["has_hr"].fillna(False).astype(bool),
        "partial": chosen["partial"].fillna(False).astype(bool),
        "file": [PurePath(str(m)).name if m else PurePath(str(s)).name
                 for s, m in zip(chosen["source"], chosen["member"], strict=True)],
    })
    st.caption(f"{len(listing)} of {len(everything)} stored activities; times are local "
               f"(the watch's offset, else {timezone}).")
    st.dataframe(
        listing.iloc[::-1], key="library", hide_index=True, width="stretch",
        column_config={
            "start (local)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            "corrected": st.column_config.CheckboxColumn(
                help="Corrected by the athlete on the Activity page: the kind shown is theirs."),
        })


_guarded("The library", library_section)
