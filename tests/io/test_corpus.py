"""Every file of ../shared/realdata through the public entry point, in place.

Each file yields activities or legday's own errors (nothing else may escape),
non-activities and broken files get the right kind of error, and readable
files agree with the corpus manifest (made with fitparse, gpxpy and
ElementTree) on start time, point count and distance.
"""

from __future__ import annotations

import csv
import math
import re

import pandas as pd
import pytest

from legday.errors import CorruptFile, EmptyActivity, LegdayError, NotAnActivity
from legday.io import ReadFailure, read_path
from legday.model import Activity
from tests.conftest import REALDATA, require_realdata


def _rows() -> list[dict[str, str]]:
    manifest = REALDATA / "MANIFEST.csv"
    if not manifest.is_file():
        return [{"path": "<missing corpus>", "format": "missing"}]
    rows = list(csv.DictReader(manifest.open(encoding="utf-8")))
    return [r for r in rows if r["format"] in ("fit", "gpx", "tcx", "zip")]


ROWS = _rows()

# Files whose manifest row looks readable but which hold nothing legday can use.
EXPECTED_ERRORS: dict[str, type[LegdayError]] = {
    "fitparse__DeveloperData.fit": EmptyActivity,  # 3 records, none with a timestamp
}

NOT_ACTIVITY_HINTS = ("not an activity", "route only", "no track or route points",
                      "courses only", "no timestamps", "timestamps in year 1901")


def expected_outcome(row: dict[str, str]) -> str:
    """'refused' (NotAnActivity), 'broken' (partial or CorruptFile/EmptyActivity), 'read', 'zip'."""
    notes = row.get("notes", "").lower()
    if row["format"] == "zip":
        return "zip"  # per-member outcomes are checked in test_archive.py
    if any(h in notes for h in NOT_ACTIVITY_HINTS) or row["path"].endswith("Route-only.gpx"):
        return "refused"
    if row["format"] == "fit" and row.get("fitparse") not in ("", "ok"):
        return "broken"
    if row["format"] == "gpx" and row.get("gpxpy", "").startswith("error"):
        return "broken"
    if "malformed" in row["path"] or "parse error" in notes:
        return "broken"
    return "read"


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["path"].split("/")[-1] for r in ROWS])
def test_corpus_file(row: dict[str, str]) -> None:
    root = require_realdata()
    results = list(read_path(root / row["path"]))
    assert results, "every input yields at least one activity or failure"
    for result in results:
        assert isinstance(result, Activity | ReadFailure)
        if isinstance(result, ReadFailure):
            assert isinstance(result.error, LegdayError)
            message = result.message
            assert "\n" not in message
            assert message.split(":")[0] in row["path"] + (result.member or "")
            assert "Error" not in message and "Traceback" not in message
    acts = [r for r in results if isinstance(r, Activity)]
    fails = [r for r in results if isinstance(r, ReadFailure)]
    outcome = expected_outcome(row)
    expected_error = EXPECTED_ERRORS.get(row["path"].rsplit("/", 1)[-1])
    if expected_error is not None:
        assert not acts and all(isinstance(f.error, expected_error) for f in fails)
        return
    if outcome == "refused":
        assert not acts and all(isinstance(f.error, NotAnActivity) for f in fails)
        return
    if outcome == "broken":
        assert all(a.partial for a in acts) or (acts and not fails), \
            "a damaged file is read partially or refused"
        assert all(isinstance(f.error, CorruptFile | EmptyActivity) for f in fails)
        return
    if outcome == "zip":
        return
    assert not fails, [f.message for f in fails]
    assert not any(a.partial for a in acts)
    _agrees_with_manifest(row, acts)


def _agrees_with_manifest(row: dict[str, str], acts: list[Activity]) -> None:
    # Merged duplicate timestamps and dropped empty records are accounted for in `fixes`.
    repaired = sum(int(m) for a in acts for f in a.fixes
                   for m in re.findall(r"(?:merged|dropped) (\d+)", f))
    points = sum(a.points for a in acts) + repaired
    # The manifest counts untimed points too; legday estimates times between timed
    # neighbours and drops the untimed ones at either end, so the counts differ there.
    untimed = "without time" in row["notes"] or "only Time" in row["notes"]
    if row["points"] and not untimed:
        expected = int(row["points"])
        assert points == pytest.approx(expected, rel=0.01, abs=3), (points, expected)
    if row["start_utc"] and row["format"] != "gpx" or (row["format"] == "gpx"
                                                        and "without time" not in row["notes"]):
        clock_jumped = any("more than a day away" in f for a in acts for f in a.fixes)
        if row["start_utc"] and not clock_jumped:  # else the larger part's start (test_fit)
            first = min(a.start_utc for a in acts if a.start_utc is not None)
            assert abs((first - pd.Timestamp(row["start_utc"])).total_seconds()) <= 1
    if row["distance_m"] and float(row["distance_m"]) > 50 and not untimed:
        expected_m = float(row["distance_m"])
        got = sum(_distance_m(a) for a in acts)
        assert got == pytest.approx(expected_m, rel=0.02, abs=20)
    assert all(a.samples["time"].is_monotonic_increasing for a in acts)
    assert all(a.samples["time"].is_unique for a in acts)
    zero_hr = any("zero throughout" in f for a in acts for f in a.fixes)
    if row["has_hr"] == "yes" and not zero_hr:
        assert any(a.has_hr for a in acts)
    if row["has_position"] == "no":
        assert not any(a.has_position for a in acts)


def _distance_m(activity: Activity) -> float:
    if activity.distance_m is not None and not math.isnan(activity.distance_m):
        return activity.distance_m
    recorded = activity.samples["distance_m"].max()
    return 0.0 if pd.isna(recorded) else float(recorded)
