"""The GPX fast path (segments folded by patterns) gives what the plain expat pass gives.

Compared on every corpus GPX file, on seeded damaged copies of them, and on shapes made
here that the fast path must leave to expat; gpxpy itself is the reference of
tests/io/test_gpx_stream.py, which reads through the fast path.
"""

from __future__ import annotations

import functools
import gzip
import random
from pathlib import Path

import numpy as np
import pytest

from legday.errors import LegdayError
from legday.io import gpx, gpx_fast
from legday.io.gpx import _scan
from legday.io.gpx_fast import fold_segments
from legday.io.xmltools import UNBOUND_PREFIX, declare_missing_prefixes, xml_bytes
from scripts.fuzz_read import damage
from tests.conftest import manifest_rows, require_realdata
from tests.io.helpers import gpx_text

ROWS = manifest_rows("gpx")


def _corpus(row: dict[str, str]) -> bytes:
    data = (require_realdata() / row["path"]).read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _facts(scan: gpx._Scan) -> dict[str, object]:
    """Everything a scan found, comparable with ==."""
    facts: dict[str, object] = {
        "root": scan.root, "closed": scan.closed, "creator": scan.creator,
        "error": None if scan.error is None else (scan.error.code, scan.error.lineno),
        "route_points": scan.route_points, "route_timed": scan.route_timed,
        "types": (scan.track_types, scan.route_types), "names": scan.track_names,
        "texts": scan.texts, "has_metadata": scan.has_metadata,
    }
    for label, points in (("track", scan.track), ("route", scan.route)):
        facts[label] = (points.time, points.segment)
        # Bytes compare NaN with NaN and -0.0 apart from 0.0: the values must be the same.
        facts[label + " values"] = points._table.tobytes()
    return facts


def _same_scans(data: bytes) -> None:
    assert _facts(_scan(data)) == _facts(_scan(data, fold=False))


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["path"].split("/")[-1] for r in ROWS])
def test_fast_path_gives_the_expat_values(row: dict[str, str]) -> None:
    _same_scans(xml_bytes(_corpus(row)))


@pytest.mark.corpus
def test_fast_path_reads_most_corpus_points() -> None:
    folded = total = 0
    for row in ROWS:
        data = xml_bytes(_corpus(row))
        plain = _scan(data, fold=False)
        if plain.error is not None and plain.error.code == UNBOUND_PREFIX:
            data, _ = declare_missing_prefixes(data)  # as the reader does
            plain = _scan(data, fold=False)
        total += len(plain.track.time)
        found = fold_segments(data)
        folded += sum(len(s.times) for s in found[1]) if found is not None else 0
    assert total > 40_000
    assert folded > 0.95 * total


def _outcome(data: bytes, name: str) -> object:
    try:
        (activity,) = gpx.read_gpx(data, name=name)
    except LegdayError as exc:
        return type(exc).__name__, str(exc)
    return (activity.samples.to_dict("list"), activity.timer_events.to_dict("list"),
            activity.fixes, activity.partial, activity.sport, activity.name,
            activity.distance_m, activity.moving_s)


@pytest.mark.corpus
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_damaged_files_read_alike(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [(Path(r["path"]).name, _corpus(r)) for r in ROWS]
    inputs = [(name, data) for name, data in inputs if 0 < len(data) <= 400_000]
    rng = random.Random(seed)
    damaged = []
    for _ in range(40):
        name, data = inputs[rng.randrange(len(inputs))]
        damaged.append((name, damage(rng, data)))
    fast = [repr(_outcome(data, name)) for name, data in damaged]
    monkeypatch.setattr(gpx, "_scan", functools.partial(_scan, fold=False))
    plain = [repr(_outcome(data, name)) for name, data in damaged]
    assert fast == plain


PLAIN = gpx_text(12).encode()


def _with_points(points: bytes, *, root_extra: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="t" '
            b'xmlns="http://www.topografix.com/GPX/1/1" ' + root_extra
            + b'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
            b"<trk><name>n</name><trkseg>\n" + points + b"\n</trkseg></trk></gpx>\n")


POINT = (b'<trkpt lat="47.5" lon="19.0"><ele>100</ele><time>2025-03-01T08:00:%02dZ</time>'
         b"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>140</gpxtpx:hr>"
         b"</gpxtpx:TrackPointExtension></extensions></trkpt>\n")


def _points(n: int, point: bytes = POINT) -> bytes:
    return b"".join(point % i if b"%" in point else point for i in range(n))


ODD_POINTS = {
    "speed wins over the extension's": b'<trkpt lon="19.0" lat="47.5"><speed>2.5</speed>'
    b"<time>2025-03-01T08:00:%02dZ</time><extensions><gpxtpx:speed>9</gpxtpx:speed>"
    b"<heartrate>x</heartrate><hr>150</hr></extensions></trkpt>",
    "sensors straight in the point": b'<trkpt lat="47.5" lon="19.0"><time>2025-03-01T08:00:%02dZ'
    b"</time><hr>150</hr><HR>151</HR><name>p</name><cadence>80</cadence></trkpt>",
    "empty and repeated values": b'<trkpt lat="47.5" lon="19.0"><ele></ele><ele>5</ele>'
    b"<time> </time><time>2025-03-01T08:00:%02dZ</time><speed>x</speed></trkpt>",
    "a comment in a point": b'<trkpt lat="47.5" lon="19.0"><!-- c --><time>2025-03-01T08:00:%02dZ'
    b"</time></trkpt>",
    "an attribute on a child": b'<trkpt lat="47.5" lon="19.0"><ele src="gps">5</ele>'
    b"<time>2025-03-01T08:00:%02dZ</time></trkpt>",
    "an entity": b'<trkpt lat="47.5" lon="19.0"><time>2025-03-01T08:00:%02dZ</time>'
    b"<extensions><hr>1&#53;0</hr></extensions></trkpt>",
    "an undeclared prefix": b'<trkpt lat="47.5" lon="19.0"><time>2025-03-01T08:00:%02dZ</time>'
    b"<extensions><gpxdata:hr>150</gpxdata:hr></extensions></trkpt>",
    "empty": b'<trkpt lat="47.5" lon="19.0"/>',
    "empty, a space before the end": b'<trkpt lon="19.0"   lat="47.5" />',
    "a nested segment": b'<trkpt lat="47.5" lon="19.0"><time>2025-03-01T08:00:%02dZ</time>'
    b'<extensions><trkseg><trkpt lat="1" lon="2"><hr>150</hr></trkpt></trkseg></extensions>'
    b"</trkpt>",
}


@pytest.mark.parametrize("point", ODD_POINTS.values(), ids=ODD_POINTS.keys())
def test_odd_points_read_alike(point: bytes) -> None:
    # Among plain points, alone, and as most of a segment.
    one = _points(1, point)
    for points in (_points(5) + one + _points(5), _points(3, point), one + _points(3)):
        data = _with_points(points)
        _same_scans(data)
        assert _outcome(data, "odd.gpx") is not None


def test_a_plain_segment_is_folded() -> None:
    folded = fold_segments(PLAIN)
    assert folded is not None and len(folded[1]) == 1 and len(folded[1][0].times) == 12
    _same_scans(PLAIN)


@pytest.mark.parametrize("damaged", [
    _with_points(_points(20)).replace(b"</trk>", b"</trkk>"),
    _with_points(_points(20)).replace(b"\n", b"\r\n").replace(b"</trk>", b"<trk"),
    _with_points(_points(20)).replace(b"\n", b"\r").replace(b"</gpx>", b"</gpx><x>"),
    _with_points(_points(20))[:-40],
    _with_points(_points(20), root_extra=b'xmlns:gpxdata="urn:x" ').replace(
        b"<gpxtpx:hr>140", b"<gpxdata:hr>1").replace(b"</gpxtpx:hr>", b"</gpxdata:hr>"),
], ids=["mismatched tag", "crlf, cut short", "cr, junk after the end", "cut", "prefix"])
def test_damage_after_a_folded_segment_is_found_on_the_same_line(damaged: bytes) -> None:
    _same_scans(damaged)


@pytest.mark.parametrize("change", [
    (b"<trk>", b"<!DOCTYPE gpx><trk>"),
    (b"<trk>", b"<!-- <trkseg></trkseg> --><trk>"),
    (b'encoding="UTF-8"', b'encoding="UTF-16"'),
    (b"<trk>", b"<trk><![CDATA[<trkseg>]]>"),
])
def test_documents_the_fast_path_leaves_alone(change: tuple[bytes, bytes]) -> None:
    data = PLAIN.replace(*change)
    assert fold_segments(data) is None
    _same_scans(data)


def test_undeclared_prefixes_are_repaired_as_before() -> None:
    data = PLAIN.replace(b'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"',
                         b"")
    assert _scan(data).error is not None
    (fast,) = gpx.read_gpx(data, name="p.gpx")
    assert any("declared the XML prefix gpxtpx" in fix for fix in fast.fixes)
    assert fast.samples["heart_rate"].notna().all()
    assert np.array_equal(fast.samples["heart_rate"], gpx.read_gpx(PLAIN, name="p.gpx")[0]
                          .samples["heart_rate"])


@pytest.mark.parametrize("window", [1, 200, 1000])
def test_long_segments_are_matched_in_windows(window: int, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    monkeypatch.setattr(gpx_fast, "WINDOW_BYTES", window)
    odd = b"".join(_points(1, p) for p in ODD_POINTS.values() if b"gpxdata" not in p
                   and b"&" not in p and b"<!--" not in p and b"src=" not in p
                   and b"<trkseg>" not in p)
    for data in (PLAIN, _with_points(_points(7) + odd + _points(9)),
                 _with_points(_points(40) + b'<trkpt lat="1" lon="2"><x a="1"/></trkpt>')):
        _same_scans(data)
    folded = fold_segments(PLAIN)
    assert folded is not None and len(folded[1][0].times) == 12


def test_many_new_shapes_in_one_document_are_left_to_expat() -> None:
    # Each segment's first point has a shape of its own: compiling a pattern for each
    # would cost more than expat's reading; past a few, the segments stay with expat.
    segments = b"".join(
        b'<trkseg><trkpt lat="47.5" lon="19.0"><time>2025-03-01T08:%02d:00Z</time>'
        b"<odd%d>1</odd%d></trkpt></trkseg>" % (i % 60, i, i) for i in range(300))
    data = (b'<?xml version="1.0"?>\n<gpx version="1.1" creator="t"><trk>' + segments
            + b"</trk></gpx>")
    folded = fold_segments(data)
    assert folded is not None and 0 < len(folded[1]) < 300
    _same_scans(data)
