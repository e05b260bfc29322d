"""Upload page: drop watch exports, see one row per activity read."""

import streamlit as st

from legday.ingest import read_uploads, results_table
from legday.io import ReadResult


@st.cache_data(show_spinner=False, max_entries=256)
def _read(name: str, data: bytes) -> list[ReadResult]:
    # Cached on the file's bytes, so a rerun never parses the same file again.
    return read_uploads([(name, data)])


st.title("Does my running count as leg day?")
st.write("Drop FIT, GPX or TCX files (also gzipped), zips, or a whole Strava or Garmin export.")
uploads = st.file_uploader("Activity files", accept_multiple_files=True, key="uploads",
                           type=["fit", "gpx", "tcx", "gz", "zip"])
if not uploads:
    st.info("No files yet. Drop some above to see what legday reads from them.")
else:
    progress = st.progress(0.0, text="Reading files…")
    results: list[ReadResult] = []
    for i, upload in enumerate(uploads, start=1):
        progress.progress(i / len(uploads), text=f"Reading {upload.name} ({i}/{len(uploads)})")
        results.extend(_read(upload.name, upload.getvalue()))
    progress.empty()
    table = results_table(results)
    refused = int((table["status"] == "refused").sum())
    st.success(f"{len(table) - refused} activities read, {refused} refused.")
    st.dataframe(
        table, key="results", hide_index=True, width="stretch",
        column_config={
            "start": st.column_config.DatetimeColumn("start (UTC)"),
            "duration_s": st.column_config.NumberColumn("duration [s]", format="%d"),
            "distance_m": st.column_config.NumberColumn("distance [m]", format="%.0f"),
        })
