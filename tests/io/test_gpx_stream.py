"""The streaming GPX pass against gpxpy (the parser it replaced), point by point.

For every corpus GPX file gpxpy parses, the track points the expat pass keeps have
gpxpy's positions, elevations and times, in the same order and segments.
"""

from __future__ import annotations

import gzip

import gpxpy
import numpy as np
import pandas as pd
import pytest

from legday.io.gpx import _scan
from legday.io.xmltools import xml_bytes
from tests.conftest import manifest_rows, require_realdata

ROWS = [r for r in manifest_rows("gpx") if not r.get("gpxpy", "").startswith("error")]


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["path"].split("/")[-1] for r in ROWS])
def test_points_match_gpxpy(row: dict[str, str]) -> None:
    data = (require_realdata() / row["path"]).read_bytes()
    data = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    expected = gpxpy.parse(data.decode("utf-8-sig"))
    points = [(p, number) for number, s in enumerate(
        s for t in expected.tracks for s in t.segments) for p in s.points]
    scan = _scan(xml_bytes(data))
    assert scan.error is None
    got = scan.track
    assert len(got.time) == len(points)
    if not points:
        return
    assert np.array_equal(got.lat, [p.latitude for p, _ in points])
    assert np.array_equal(got.lon, [p.longitude for p, _ in points])
    elevation = np.array([np.nan if p.elevation is None else p.elevation for p, _ in points])
    assert np.array_equal(got.elevation, elevation, equal_nan=True)
    times = [p.time for p, _ in points]
    # gpxpy keeps microseconds (datetime); ISO 8601 allows more digits.
    ours = pd.to_datetime(pd.Series(got.time), utc=True, format="ISO8601").dt.floor("us")
    theirs = pd.to_datetime(pd.Series(times), utc=True)
    assert (ours.isna() == theirs.isna()).all() and (ours.dropna() == theirs.dropna()).all()
    # Segment numbers differ by an offset at most (routes and empty segments count too).
    assert np.array_equal(np.diff(got.segment) != 0,
                          np.diff([number for _, number in points]) != 0)
