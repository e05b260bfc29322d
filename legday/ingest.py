"""Reading uploads for the dashboard: results as one table row per activity."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from legday.io import ReadFailure, ReadResult, read_upload

RESULT_COLUMNS = ["file", "member", "sport", "start", "duration_s", "distance_m", "points",
                  "has_hr", "laps", "sets", "status", "errors"]


def read_uploads(files: Iterable[tuple[str, bytes]]) -> list[ReadResult]:
    """Read uploaded files (name, bytes); zips and Strava exports are opened."""
    results: list[ReadResult] = []
    for name, data in files:
        results.extend(read_upload(data, name=name))
    return results


def results_table(results: Iterable[ReadResult]) -> pd.DataFrame:
    """One row per activity or failure: sport, start, duration, distance, points, errors."""
    rows = []
    for result in results:
        if isinstance(result, ReadFailure):
            rows.append({"file": result.file, "member": result.member, "status": "refused",
                         "errors": result.message})
            continue
        summary = result.summary()
        summary["start"] = result.start_utc
        summary["status"] = "partial" if result.partial else "read"
        summary["errors"] = "; ".join(result.fixes)
        rows.append({k: summary.get(k) for k in RESULT_COLUMNS})
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)
