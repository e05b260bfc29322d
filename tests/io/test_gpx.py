"""legday.io.gpx: every GPX file of the corpus, checked against gpxpy, plus focused cases."""

from __future__ import annotations

import gzip
import math
import re
from typing import Any

import gpxpy
import gpxpy.geo
import numpy as np
import pandas as pd
import pytest

from legday.errors import CorruptFile, LegdayError, NotAnActivity, UnsupportedFormat
from legday.io.gpx import read_gpx
from legday.model import SAMPLE_COLUMNS, Activity, Device, Sport, content_id
from tests.conftest import manifest_rows, require_realdata

ROWS = manifest_rows("gpx")


def _payload(path: str) -> bytes:
    data = (require_realdata() / path).read_bytes()
    return gzip.decompress(data) if path.lower().endswith(".gz") else data


def _read(path: str) -> Activity:
    activities = read_gpx(_payload(path), name=path.rsplit("/", 1)[-1])
    assert len(activities) == 1
    return activities[0]


def _refused(row: dict[str, str]) -> bool:
    """Files that hold no recording: no points, a route, no times, placeholder times."""
    notes = row["notes"].lower()
    return (row["points"] == "0" or "no timestamps" in notes or "route only" in notes
            or "year 1901" in notes  # every time is GPSBabel's 32-bit placeholder
            or row["path"].endswith("Route-only.gpx"))  # times at one planned speed


def _gpxpy_expectations(text: str) -> dict[str, Any]:
    """What legday should find, computed with gpxpy the way the module documents it."""
    gpx = gpxpy.parse(text)
    flat: list[tuple[Any, int]] = []
    number = 0
    for track in gpx.tracks:
        for segment in track.segments:
            flat += [(p, number) for p in segment.points]
            number += 1
    timed = [i for i, (p, _) in enumerate(flat) if p.time is not None]
    kept = flat[timed[0]: timed[-1] + 1]
    times = [p.time for p, _ in kept if p.time is not None]
    interior_untimed = sum(1 for p, _ in kept if p.time is None)
    by_segment: dict[int, list[Any]] = {}
    for p, s in kept:
        by_segment.setdefault(s, []).append(p)
    distance = sum(gpxpy.geo.length_2d(points) for points in by_segment.values())
    earliest = min(times)
    first = [p for p, _ in kept if p.time == earliest][-1]  # later records win a tie
    return {
        "points": len(set(times)) + interior_untimed,
        "start": pd.Timestamp(earliest).tz_convert("UTC"),
        "distance": distance,
        "first": (first.latitude, first.longitude),
    }


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["path"].rsplit("/", 1)[-1] for r in ROWS])
def test_corpus_gpx(row: dict[str, str]) -> None:
    payload = _payload(row["path"])
    name = row["path"].rsplit("/", 1)[-1]
    try:
        activities = read_gpx(payload, name=name)
    except LegdayError as exc:
        assert str(exc).startswith(f"{name}: ") and "\n" not in str(exc)
        assert not re.search(r"[A-Z][a-z]+(Error|Exception)", str(exc)), str(exc)
        assert _refused(row), f"unexpected refusal: {exc}"
        assert isinstance(exc, NotAnActivity)
        return
    assert not _refused(row), "a file without a recording must be refused"
    assert len(activities) == 1
    activity = activities[0]
    assert activity.id == content_id(payload, 0)
    assert (activity.source, activity.format) == (name, "gpx")
    assert list(activity.samples.columns) == list(SAMPLE_COLUMNS)
    assert activity.samples["time"].is_monotonic_increasing and activity.samples["time"].is_unique
    assert activity.laps.empty
    assert activity.start_utc == activity.samples["time"].iloc[0]
    assert activity.device == Device(None, row["device"] or None)
    if row["gpxpy"].startswith("error"):
        # gpxpy refuses these; the lenient reader must still get every point.
        counted = re.search(r"regex count (\d+)", row["notes"])
        assert counted is not None
        regex_count = int(counted.group(1))
        assert activity.points == regex_count
        assert activity.fixes and not activity.partial
        return
    assert not activity.partial
    expected = _gpxpy_expectations(payload.lstrip(b"\xef\xbb\xbf").decode("utf-8"))
    assert activity.points == expected["points"]
    assert activity.start_utc == expected["start"]
    assert activity.distance_m == pytest.approx(expected["distance"], rel=0.01)
    first = activity.samples.iloc[0]
    assert (first["lat"], first["lon"]) == expected["first"]
    assert activity.elapsed_s == pytest.approx(
        (activity.samples["time"].iloc[-1] - expected["start"]).total_seconds())


# --------------------------------------------------------------------------------------
# Focused cases on small files written here
# --------------------------------------------------------------------------------------

GPX11 = ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="{creator}" '
         'xmlns="http://www.topografix.com/GPX/1/1" {ns}>{body}</gpx>')
TPX1 = 'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'
TPX2 = 'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2"'


def _point(i: int, *, time: bool = True, ext: str = "", ele: bool = True, lat0: float = 47.5,
           start: str = "2025-03-01T08:00:00Z") -> str:
    stamp = (pd.Timestamp(start) + pd.Timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f'<trkpt lat="{lat0 + i * 0.0001:.6f}" lon="19.0">'
            + (f"<ele>{100 + i}</ele>" if ele else "")
            + (f"<time>{stamp}</time>" if time else "")
            + (f"<extensions>{ext}</extensions>" if ext else "") + "</trkpt>")


def _gpx(segments: list[list[str]], *, sport: str = "running", ns: str = TPX1,
         creator: str = "legday tests", extra: str = "") -> bytes:
    body = "".join(f"<trkseg>{''.join(points)}</trkseg>" for points in segments)
    kind = f"<type>{sport}</type>" if sport else ""
    return GPX11.format(creator=creator, ns=ns, body=f"{extra}<trk>{kind}{body}</trk>").encode()


def _read_bytes(payload: bytes, name: str = "test.gpx") -> Activity:
    (activity,) = read_gpx(payload, name=name)
    return activity


def test_trackpoint_extension_v1_hr_cadence_temperature() -> None:
    ext = ("<gpxtpx:TrackPointExtension><gpxtpx:atemp>21.5</gpxtpx:atemp>"
           "<gpxtpx:hr>{hr}</gpxtpx:hr><gpxtpx:cad>{cad}</gpxtpx:cad>"
           "</gpxtpx:TrackPointExtension>")
    points = [_point(i, ext=ext.format(hr=140 + i, cad=85 + i % 3)) for i in range(20)]
    activity = _read_bytes(_gpx([points]))
    s = activity.samples
    assert s["heart_rate"].tolist() == [140.0 + i for i in range(20)]
    # Garmin writes strides per minute for running; legday stores steps per minute.
    assert s["cadence_spm"].tolist() == [2.0 * (85 + i % 3) for i in range(20)]
    assert (s["temperature_c"] == 21.5).all()
    assert activity.sport is Sport.RUN and activity.sport_original == "running"
    assert any("strides" in f for f in activity.fixes)


def test_trackpoint_extension_v2_speed_and_steps_cadence_left_alone() -> None:
    ext = ("<gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr><gpxtpx:cad>172</gpxtpx:cad>"
           "<gpxtpx:speed>3.25</gpxtpx:speed><gpxtpx:course>12</gpxtpx:course>"
           "</gpxtpx:TrackPointExtension>")
    activity = _read_bytes(_gpx([[_point(i, ext=ext) for i in range(10)]], ns=TPX2))
    s = activity.samples
    assert (s["heart_rate"] == 150).all()
    assert (s["cadence_spm"] == 172).all()  # already steps per minute: not doubled
    assert (s["speed_mps"] == 3.25).all()
    assert not any("strides" in f for f in activity.fixes)


def test_walk_run_cadence_already_in_steps_is_not_doubled() -> None:
    # Mostly walking at 115 steps/min, running at 170: the median alone would say strides.
    cadences = [115] * 12 + [170] * 8
    ext = "<gpxtpx:TrackPointExtension><gpxtpx:cad>{}</gpxtpx:cad></gpxtpx:TrackPointExtension>"
    points = [_point(i, ext=ext.format(c)) for i, c in enumerate(cadences)]
    activity = _read_bytes(_gpx([points]))
    assert activity.samples["cadence_spm"].tolist() == [float(c) for c in cadences]


def test_ride_cadence_is_not_doubled() -> None:
    ext = "<gpxtpx:TrackPointExtension><gpxtpx:cad>80</gpxtpx:cad></gpxtpx:TrackPointExtension>"
    activity = _read_bytes(_gpx([[_point(i, ext=ext) for i in range(10)]], sport="cycling"))
    assert activity.sport is Sport.RIDE
    assert (activity.samples["cadence_spm"] == 80).all()


def test_power_and_other_extension_spellings() -> None:
    ns = ('xmlns:gpxdata="http://www.cluetrust.com/XML/GPXDATA/1/0" '
          'xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"')
    ext = ("<power>{p}</power><gpxdata:hr>131</gpxdata:hr><gpxdata:cadence>90</gpxdata:cadence>"
           "<ns3:TrackPointExtension><ns3:Temperature>7</ns3:Temperature>"
           "</ns3:TrackPointExtension>")
    points = [_point(i, ext=ext.format(p=200 + 10 * i)) for i in range(6)]
    s = _read_bytes(_gpx([points], sport="", ns=ns)).samples
    assert s["power_w"].tolist() == [200.0, 210.0, 220.0, 230.0, 240.0, 250.0]
    assert (s["heart_rate"] == 131).all() and (s["cadence_spm"] == 90).all()
    assert (s["temperature_c"] == 7).all()


def test_gpx_without_elevation() -> None:
    activity = _read_bytes(_gpx([[_point(i, ele=False) for i in range(5)]]))
    assert activity.samples["elevation_m"].isna().all() and not activity.has_elevation
    assert activity.samples["lat"].notna().all()


def test_segments_become_timer_pauses() -> None:
    first = [_point(i) for i in range(5)]
    # The second segment starts 60 s after the first ends, 1 km further north.
    second = [_point(i, lat0=47.51, start="2025-03-01T08:01:04Z") for i in range(5)]
    activity = _read_bytes(_gpx([second, first]))  # out of order on purpose
    events = activity.timer_events
    assert events["event"].tolist() == ["stop", "start"]
    assert events["time"].tolist() == [pd.Timestamp("2025-03-01T08:00:04Z"),
                                       pd.Timestamp("2025-03-01T08:01:04Z")]
    assert activity.elapsed_s == 68.0 and activity.moving_s == 8.0
    # Eight steps of 0.0001° latitude (11.1 m); the jump between segments is not covered.
    assert activity.distance_m == pytest.approx(8 * 11.119, rel=1e-3)
    assert activity.samples["time"].is_monotonic_increasing
    assert any("segments back in time order" in f for f in activity.fixes)


def test_untimed_points_are_interpolated_along_distance_and_edges_dropped() -> None:
    points = [_point(0, time=False), _point(1), _point(2, time=False), _point(3, time=False),
              _point(4, time=False), _point(5), _point(6, time=False)]
    activity = _read_bytes(_gpx([points]))
    s = activity.samples
    # Equal spacing: the three untimed points get 1.25 s, 2.5 s and 3.75 s after 08:00:01.
    offsets = (s["time"] - pd.Timestamp("2025-03-01T08:00:01Z")).dt.total_seconds().tolist()
    assert offsets == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert s["elevation_m"].tolist() == [101.0, 102.0, 103.0, 104.0, 105.0]
    assert any("estimated the time of 3 track points" in f for f in activity.fixes)
    assert any("dropped 2 track points" in f for f in activity.fixes)


def test_uneven_spacing_interpolates_by_distance() -> None:
    lat = [47.5, 47.5001, 47.5004, 47.5005]  # untimed points at 1/5 and 4/5 of the way
    points = "".join(f'<trkpt lat="{a}" lon="19.0">' + (f"<time>2025-03-01T08:00:{t:02d}Z</time>"
                     if t is not None else "") + "</trkpt>"
                     for a, t in zip(lat, [0, None, None, 10], strict=True))
    activity = _read_bytes(_gpx([[points]]))
    assert activity.start_utc is not None
    offsets = (activity.samples["time"] - activity.start_utc).dt.total_seconds().tolist()
    assert offsets == pytest.approx([0.0, 2.0, 8.0, 10.0], abs=0.01)


def test_track_without_times_route_and_empty_files_are_not_activities() -> None:
    with pytest.raises(NotAnActivity, match="planned route without times"):
        read_gpx(_gpx([[_point(i, time=False) for i in range(5)]]), name="r.gpx")
    route = GPX11.format(creator="x", ns="", body='<rte><rtept lat="1" lon="2"/></rte>').encode()
    with pytest.raises(NotAnActivity, match="planned route"):
        read_gpx(route, name="r.gpx")
    with pytest.raises(NotAnActivity, match="no track points"):
        read_gpx(GPX11.format(creator="x", ns="", body="<metadata/>").encode(), name="e.gpx")


def test_route_with_times_is_read() -> None:
    rte = "".join(f'<rtept lat="{47.5 + i * 0.001}" lon="19"><time>2025-03-01T08:0{i}:00Z'
                  "</time></rtept>" for i in range(4))
    activity = _read_bytes(GPX11.format(creator="x", ns="", body=f"<rte>{rte}</rte>").encode())
    assert activity.points == 4 and activity.elapsed_s == 180.0


def test_bom_and_leading_whitespace() -> None:
    activity = _read_bytes(b"\xef\xbb\xbf \r\n\t" + _gpx([[_point(i) for i in range(3)]]))
    assert activity.points == 3


def test_damaged_files() -> None:
    whole = _gpx([[_point(i) for i in range(40)]])
    cut = whole[: whole.index(b"<trkpt", len(whole) // 2) + 20]
    activity = _read_bytes(cut)
    assert activity.partial and 15 < activity.points < 40
    assert any("cut short" in f for f in activity.fixes)
    for bad in (b"", b"garbage", b"<gpx version='1.1'><trk><trkseg><trkpt lat='1' lon="):
        with pytest.raises(CorruptFile):
            read_gpx(bad, name="bad.gpx")
    with pytest.raises(UnsupportedFormat, match="<kml>"):
        read_gpx(b"<?xml version='1.0'?><kml><Document/></kml>", name="k.gpx")


def test_truncation_anywhere_raises_only_legday_errors() -> None:
    whole = _gpx([[_point(i, ext="<power>100</power>") for i in range(30)]])
    for end in range(0, len(whole), 97):
        try:
            activities = read_gpx(whole[:end], name="cut.gpx")
        except LegdayError:
            continue
        assert activities[0].partial or end >= len(whole) - 10


def test_placeholder_times_are_refused() -> None:
    points = [_point(i, start="1901-12-13T20:45:52Z") for i in range(5)]
    with pytest.raises(NotAnActivity, match="placeholders"):
        read_gpx(_gpx([points]), name="old.gpx")


def test_constant_planned_speed_is_a_route() -> None:
    # A route planner's export: a point every 111 m (0.001°), 40 s apart, at 10 km/h.
    points = [f'<trkpt lat="{47.5 + i * 0.001:.3f}" lon="19.0"><time>'
              f"{pd.Timestamp('2010-01-01') + pd.Timedelta(seconds=40 * i):%Y-%m-%dT%H:%M:%SZ}"
              "</time></trkpt>" for i in range(12)]
    with pytest.raises(NotAnActivity, match="constant speed"):
        read_gpx(_gpx([points]), name="planned.gpx")


# --------------------------------------------------------------------------------------
# Focused cases on corpus files
# --------------------------------------------------------------------------------------


@pytest.mark.corpus
def test_corpus_extensions_match_file_values() -> None:
    activity = _read("gpx/runalyze__garmin-ns3-extension.gpx")
    text = _payload("gpx/runalyze__garmin-ns3-extension.gpx").decode()
    hr = [float(v) for v in re.findall(r"<ns3:hr>(\d+)</ns3:hr>", text)]
    cad = [float(v) for v in re.findall(r"<ns3:cad>(\d+)</ns3:cad>", text)]
    temp = [float(v) for v in re.findall(r"<ns3:atemp>([\d.]+)</ns3:atemp>", text)]
    assert activity.samples["heart_rate"].tolist() == hr
    assert activity.samples["cadence_spm"].tolist() == [2 * c for c in cad]
    assert activity.samples["temperature_c"].tolist() == temp
    assert activity.sport is Sport.RUN


@pytest.mark.corpus
def test_corpus_gpx10_speed_and_extensions_in_gpx10() -> None:
    speed = _read("gpx/gpxpy__track_with_speed.gpx").samples["speed_mps"].tolist()
    text = _payload("gpx/gpxpy__track_with_speed.gpx").decode()
    assert speed == [float(v) for v in re.findall(r"<speed>([\d.]+)</speed>", text)]
    # Declared GPX 1.0 but written with GPX 1.1 extensions: the values are still read.
    hr = _read("gpx/runalyze__hr-not-always-there.gpx").samples["heart_rate"]
    assert hr.notna().sum() == 46 and hr.max() > 100


@pytest.mark.corpus
def test_corpus_speed_in_kmh_is_converted() -> None:
    activity = _read("gpx/runalyze__SpoQ.gpx")
    text = _payload("gpx/runalyze__SpoQ.gpx").decode()
    kmh = [float(v) for v in re.findall(r"<speed>([\d.]+)</speed>", text)]
    assert activity.samples["speed_mps"].tolist() == pytest.approx([v / 3.6 for v in kmh])
    assert any("km/h" in f for f in activity.fixes)


@pytest.mark.corpus
def test_corpus_break_between_segments() -> None:
    activity = _read("gpx/runalyze__break-between-trkseg.gpx")
    events = activity.timer_events
    assert events["event"].tolist() == ["stop", "start"] * 2
    assert events["time"].iloc[0] == pd.Timestamp("2010-04-02T12:10:05.758Z")
    assert events["time"].iloc[3] == pd.Timestamp("2010-04-02T13:13:10.834Z")
    paused = (events["time"].iloc[1] - events["time"].iloc[0]).total_seconds() + (
        events["time"].iloc[3] - events["time"].iloc[2]).total_seconds()
    assert activity.moving_s == pytest.approx(activity.elapsed_s - paused)
    assert activity.utc_offset_s == 7200  # the file writes +02:00


@pytest.mark.corpus
def test_corpus_salvaged_files() -> None:
    activity = _read("gpx/sportslib__6048438275.gpx")
    assert any("gpxdata" in f for f in activity.fixes)
    assert activity.sport is Sport.RUN and activity.sport_original == "9"
    assert activity.samples["cadence_spm"].iloc[0] == 2 * 76
    assert activity.samples["temperature_c"].iloc[0] == 27
    standard = _read("gpx/runalyze__standard.gpx")
    assert math.isnan(standard.samples["lat"].iloc[0])
    assert standard.samples["lat"].iloc[1] == 50.7748849411
    assert standard.start_utc == pd.Timestamp("2013-02-04T20:38:00Z")


@pytest.mark.corpus
@pytest.mark.parametrize("path", ["gpx/workoutizer__garmin_example.gpx",
                                  "gpx/gpxpy__cerknicko-jezero.gpx",
                                  "gpx/runalyze__hr-not-always-there.gpx"])
def test_corpus_lenient_reader_matches_gpxpy(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _read(path)

    def refuse(*args: object, **kwargs: object) -> None:
        raise gpxpy.gpx.GPXException("refused for the test")

    # legday.io.gpx looks gpxpy.parse up at call time, so this makes it refuse every file.
    monkeypatch.setattr(gpxpy, "parse", refuse)
    fallback = _read(path)
    pd.testing.assert_frame_equal(fallback.samples, expected.samples)
    pd.testing.assert_frame_equal(fallback.timer_events, expected.timer_events)
    assert (fallback.sport, fallback.name, fallback.device) == (
        expected.sport, expected.name, expected.device)


@pytest.mark.corpus
def test_corpus_without_elevation_and_devices() -> None:
    activity = _read("gpx/activitylog2__ecc-no-alt.gpx")
    assert activity.samples["elevation_m"].isna().all()
    assert activity.samples["lat"].notna().all()
    assert activity.device == Device(manufacturer=None, product="Garmin Connect")
    samples = _read("gpx/activitylog2__ecc.gpx").samples
    assert samples["elevation_m"].notna().all()
    np.testing.assert_array_equal(samples["distance_m"], activity.samples["distance_m"])
