"""legday.io.tcx: every TCX file of the corpus, checked against ElementTree, plus focused cases."""

from __future__ import annotations

import gzip
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from legday.errors import CorruptFile, LegdayError, NotAnActivity, UnsupportedFormat
from legday.io.tcx import read_tcx
from legday.model import LAP_COLUMNS, SAMPLE_COLUMNS, Activity, Device, Sport, content_id
from tests.conftest import manifest_rows, require_realdata

ROWS = manifest_rows("tcx")


def _payload(path: str) -> bytes:
    data = (require_realdata() / path).read_bytes()
    return gzip.decompress(data) if path.lower().endswith(".gz") else data


def _read(path: str) -> list[Activity]:
    return read_tcx(_payload(path), name=path.rsplit("/", 1)[-1])


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _when(text: str | None) -> datetime | None:
    """A trackpoint time as the schema writes it; None for anything else."""
    try:
        value = datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _has_data(point: ET.Element) -> bool:
    for elem in point.iter():
        if _local(elem.tag) in ("Time", "SensorState", "Trackpoint"):
            continue
        try:
            float(elem.text or "")
        except ValueError:
            continue
        return True
    return False


def _expected(activity: ET.Element) -> dict[str, object]:
    """Points, laps and start of one <Activity>, counted directly with ElementTree."""
    stamps: dict[datetime, bool] = {}
    for point in activity.iter():
        if _local(point.tag) != "Trackpoint":
            continue
        when = _when(next((c.text for c in point if _local(c.tag) == "Time"), None))
        if when is not None:
            stamps[when] = stamps.get(when, False) or _has_data(point)
    ordered = sorted(stamps)
    while ordered and not stamps[ordered[-1]]:
        ordered.pop()  # trailing points with only a time carry nothing
    started = _when(next(c.text for c in activity if _local(c.tag) == "Id"))
    assert started is not None
    return {
        "points": len(ordered),
        "laps": sum(1 for c in activity if _local(c.tag) == "Lap"),
        "start": pd.Timestamp(started),
        "sport": activity.get("Sport"),
    }


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["path"].rsplit("/", 1)[-1] for r in ROWS])
def test_corpus_tcx(row: dict[str, str]) -> None:
    payload = _payload(row["path"])
    name = row["path"].rsplit("/", 1)[-1]
    try:
        activities = read_tcx(payload, name=name)
    except LegdayError as exc:
        assert str(exc).startswith(f"{name}: ") and "\n" not in str(exc)
        assert "courses only" in row["notes"].lower(), f"unexpected refusal: {exc}"
        assert isinstance(exc, NotAnActivity)
        return
    assert "courses only" not in row["notes"].lower()
    malformed = "parse error" in row["notes"].lower()
    root = ET.fromstring(payload.lstrip()) if not malformed else None
    if root is None:
        assert all(a.partial for a in activities)
        return
    elements = [e for e in root.iter() if _local(e.tag) == "Activity"]
    assert len(activities) == len(elements)
    for index, (activity, element) in enumerate(zip(activities, elements, strict=True)):
        expected = _expected(element)
        assert activity.id == content_id(payload, index)
        assert (activity.source, activity.format, activity.partial) == (name, "tcx", False)
        assert list(activity.samples.columns) == list(SAMPLE_COLUMNS)
        assert list(activity.laps.columns) == list(LAP_COLUMNS)
        assert activity.points == expected["points"]
        assert len(activity.laps) == expected["laps"]
        assert activity.start_utc == expected["start"]
        assert activity.sport_original == expected["sport"]
        assert activity.samples["time"].is_monotonic_increasing
        assert activity.samples["time"].is_unique
    # The manifest (made independently) agrees on the whole file.
    assert sum(a.points for a in activities) <= int(row["points"])
    # The manifest writes whole seconds.
    start = activities[0].start_utc
    assert start is not None
    assert abs((start - pd.Timestamp(row["start_utc"])).total_seconds()) < 1
    total = sum(a.distance_m or 0.0 for a in activities)
    assert total == pytest.approx(float(row["distance_m"]), rel=0.01, abs=1.0)
    assert len(activities[0].laps) + sum(len(a.laps) for a in activities[1:]) == int(row["laps"])
    if row["has_hr"] == "yes":
        assert any(a.has_hr for a in activities)
    assert any(a.has_position for a in activities) == (row["has_position"] == "yes")


# --------------------------------------------------------------------------------------
# Focused cases on corpus files
# --------------------------------------------------------------------------------------


@pytest.mark.corpus
def test_multisport_gives_one_activity_per_leg() -> None:
    payload = _payload("tcx/goldencheetah__activity_165850259_multi-session.tcx")
    activities = read_tcx(payload, name="multi.tcx")
    assert [a.sport for a in activities] == [Sport.RUN, Sport.RIDE, Sport.RUN, Sport.RIDE]
    assert [a.start_utc for a in activities] == [
        pd.Timestamp(t) for t in ("2011-11-29T12:12:00Z", "2011-12-01T12:59:37Z",
                                  "2011-12-04T15:26:28Z", "2011-12-07T12:14:19Z")]
    assert [a.id for a in activities] == [content_id(payload, i) for i in range(4)]
    assert activities[0].device == Device("Garmin", "Forerunner305")  # serial number dropped
    legs = _read("tcx/runalyze__Multisport.tcx")
    assert [a.sport for a in legs] == [Sport.RIDE, Sport.RUN, Sport.RIDE]
    assert [len(a.laps) for a in legs] == [1, 12, 1]
    assert legs[1].distance_m == pytest.approx(11458.0, abs=1)
    assert legs[0].samples["time"].iloc[-1] < legs[1].samples["time"].iloc[0]


@pytest.mark.corpus
def test_run_cadence_is_doubled_to_steps() -> None:
    (activity,) = _read("tcx/runpandas__run_garmin.tcx")
    text = _payload("tcx/runpandas__run_garmin.tcx").decode()
    strides = [float(v) for v in re.findall(r"<ns3:RunCadence>(\d+)</ns3:RunCadence>", text)]
    assert activity.samples["cadence_spm"].tolist() == [2 * v for v in strides]
    assert any("strides" in f for f in activity.fixes)


@pytest.mark.corpus
def test_run_cadence_already_in_steps_is_kept() -> None:
    # The footpod wrote steps per minute: 118 walking, 176 running. Doubling would give 350.
    (activity,) = _read("tcx/runalyze__Treadmill-doubled-cadence.tcx")
    cadence = activity.samples["cadence_spm"]
    assert cadence.max() == 180 and (cadence == 118).sum() == 83
    assert not any("strides" in f for f in activity.fixes)
    assert not activity.has_position and activity.distance_m == 498


@pytest.mark.corpus
def test_resting_laps() -> None:
    (activity,) = _read("tcx/trackeR__2013-06-14-095723.TCX.gz")
    laps = activity.laps
    assert laps["intensity"].tolist() == ["rest"] * 3  # the 310XT writes Resting for all laps
    assert laps["trigger"].tolist() == ["distance", "distance", "manual"]
    text = _payload("tcx/trackeR__2013-06-14-095723.TCX.gz").decode()
    totals = [float(v) for v in re.findall(r"<TotalTimeSeconds>([\d.]+)<", text)]
    assert laps["timer_s"].tolist() == totals
    assert (laps["end"] - laps["start"]).dt.total_seconds().tolist() == pytest.approx(totals)
    assert laps["start"].iloc[0] == pd.Timestamp("2013-06-14T08:57:23Z")
    assert activity.moving_s == pytest.approx(sum(totals))
    swim = _read("tcx/runalyze__Swim-without-time_by-Timekiller.tcx")[0]
    assert len(swim.laps) == 30 and set(swim.laps["intensity"]) == {"rest"}
    # Every trackpoint holds only a time: no samples, but the laps keep the session.
    assert swim.points == 0 and swim.elapsed_s == pytest.approx(2163.9, abs=0.1)


@pytest.mark.corpus
def test_track_breaks_within_a_lap_are_pauses() -> None:
    (activity,) = _read("tcx/sportstracker__Forerunner305-Running-NoHeartrate-1Lap.tcx")
    events = activity.timer_events
    assert events["event"].tolist() == ["stop", "start"] * 3
    assert events["time"].iloc[:2].tolist() == [pd.Timestamp("2007-08-07T02:55:14Z"),
                                                pd.Timestamp("2007-08-07T02:55:15Z")]
    assert events["time"].iloc[4:].tolist() == [pd.Timestamp("2007-08-07T03:15:38Z"),
                                                pd.Timestamp("2007-08-07T03:15:55Z")]
    assert activity.moving_s == pytest.approx(2325.02)
    assert activity.elapsed_s == pytest.approx(2345.0)
    # Lap boundaries a second apart are not pauses.
    (garmin,) = _read("tcx/pytrainer__sample.tcx")
    assert garmin.timer_events.empty and len(garmin.laps) == 11


@pytest.mark.corpus
def test_power_without_namespace_and_bike_cadence() -> None:
    (activity,) = _read("tcx/runalyze__watt-extension-without-namespace.tcx")
    text = _payload("tcx/runalyze__watt-extension-without-namespace.tcx").decode()
    watts = [float(v) for v in re.findall(r"<Watts>(\d+)</Watts>", text)]
    assert activity.samples["power_w"].max() == max(watts) > 0
    assert activity.sport is Sport.RIDE
    assert activity.samples["cadence_spm"].max() == max(
        float(v) for v in re.findall(r"<Cadence>(\d+)</Cadence>", text)[1:])  # not doubled


@pytest.mark.corpus
def test_damaged_and_unusual_layouts() -> None:
    (malformed,) = _read("tcx/runpandas__malformed.tcx")
    assert malformed.partial and len(malformed.laps) == 3 and malformed.points == 383
    assert any("xsi" in f for f in malformed.fixes)
    (spaced,) = _read("tcx/sportslib__6281425038.tcx")  # whitespace before <?xml
    assert spaced.points == 1545 and spaced.device == Device("Polar", "V800")
    with pytest.raises(NotAnActivity, match="course"):
        _read("tcx/runalyze__Route-only.tcx")
    whole = _payload("tcx/runalyze__Runtastic.tcx")
    (half,) = read_tcx(whole[: len(whole) // 2], name="half.tcx")
    assert half.partial and 0 < half.points < 22


@pytest.mark.corpus
def test_odometer_offset_and_missing_distances() -> None:
    (activity,) = _read("tcx/runalyze__missing-distances.tcx")
    distance = activity.samples["distance_m"]
    assert distance.dropna().iloc[0] == 0.0  # the file's first distance is 42013.9 m
    assert distance.max() == pytest.approx(42292.94140625 - 42013.8984375)
    assert distance.dropna().is_monotonic_increasing
    assert activity.distance_m == pytest.approx(299.03)


@pytest.mark.corpus
def test_start_comes_from_the_id_even_when_points_disagree() -> None:
    # Dakota.tcx: <Id> and the lap start say 07:21:53, the trackpoints start at 13:29:31.
    (activity,) = _read("tcx/runalyze__Dakota.tcx")
    assert activity.start_utc == pd.Timestamp("2012-08-19T07:21:53Z")
    assert activity.samples["time"].iloc[0] == pd.Timestamp("2012-08-19T13:29:31Z")
    assert activity.elapsed_s == 1371.0 and activity.points == 131


def test_unreadable_and_placeholder_times_are_dropped() -> None:
    laps = _lap(0, [[0, 1, 2]])
    laps = laps.replace("2025-03-01T08:00:01Z", "Nov 9 2011, 10:09:03", 1)
    laps = laps.replace("2025-03-01T08:00:02Z", "1901-12-13T20:45:52Z", 1)
    (activity,) = read_tcx(TCX.format(body=_activity(laps)).encode(), name="t.tcx")
    assert activity.points == 1
    assert any("placeholder" in f for f in activity.fixes)
    assert any("dropped 2 samples without a timestamp" in f for f in activity.fixes)


# --------------------------------------------------------------------------------------
# Small files written here
# --------------------------------------------------------------------------------------

TCX = ('<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase '
       'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
       'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
       "<Activities>{body}</Activities></TrainingCenterDatabase>")


def _trackpoint(second: int, *, cadence: int = 88, hr: int = 150) -> str:
    stamp = (pd.Timestamp("2025-03-01T08:00:00Z") + pd.Timedelta(seconds=second))
    return (f"<Trackpoint><Time>{stamp:%Y-%m-%dT%H:%M:%SZ}</Time><Position>"
            f"<LatitudeDegrees>{47.5 + second * 1e-4:.6f}</LatitudeDegrees>"
            "<LongitudeDegrees>19</LongitudeDegrees></Position>"
            f"<DistanceMeters>{second * 11.1:.1f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm><Extensions><ns3:TPX>"
            f"<ns3:Speed>3.1</ns3:Speed><ns3:RunCadence>{cadence}</ns3:RunCadence>"
            "</ns3:TPX></Extensions></Trackpoint>")


def _lap(start: int, seconds: list[list[int]], *, intensity: str = "Active",
         trigger: str = "Manual") -> str:
    stamp = pd.Timestamp("2025-03-01T08:00:00Z") + pd.Timedelta(seconds=start)
    tracks = "".join(f"<Track>{''.join(_trackpoint(s) for s in track)}</Track>"
                     for track in seconds)
    return (f'<Lap StartTime="{stamp:%Y-%m-%dT%H:%M:%SZ}"><TotalTimeSeconds>{len(sum(seconds, []))}'
            f"</TotalTimeSeconds><DistanceMeters>100</DistanceMeters>"
            f"<Intensity>{intensity}</Intensity><TriggerMethod>{trigger}</TriggerMethod>"
            f"{tracks}</Lap>")


def _activity(laps: str, sport: str = "Running") -> str:
    return (f'<Activity Sport="{sport}"><Id>2025-03-01T08:00:00Z</Id>{laps}'
            "<Creator><Name>Forerunner 945</Name></Creator></Activity>")


def test_small_file_laps_pauses_and_values() -> None:
    laps = (_lap(0, [[0, 1, 2], [30, 31]], trigger="Distance")
            + _lap(32, [[32, 33, 34]], intensity="Resting", trigger="HeartRate"))
    (activity,) = read_tcx(TCX.format(body=_activity(laps)).encode(), name="t.tcx")
    s = activity.samples
    assert s["cadence_spm"].tolist() == [176.0] * 8
    assert (s["heart_rate"] == 150).all() and (s["speed_mps"] == 3.1).all()
    assert s["distance_m"].iloc[-1] == pytest.approx(34 * 11.1)
    assert activity.timer_events["time"].tolist() == [pd.Timestamp("2025-03-01T08:00:02Z"),
                                                      pd.Timestamp("2025-03-01T08:00:30Z")]
    assert activity.laps["intensity"].tolist() == ["active", "rest"]
    assert activity.laps["trigger"].tolist() == ["distance", "heart_rate"]
    assert activity.laps["timer_s"].tolist() == [5.0, 3.0]
    assert activity.moving_s == 8.0 and activity.elapsed_s == 34.0
    assert activity.distance_m == 200.0
    assert activity.device == Device("Garmin", "Forerunner 945")


def test_workout_only_and_broken_files() -> None:
    workout = TCX.replace("<Activities>{body}</Activities>",
                          "<Workouts><Workout><Name>x</Name></Workout></Workouts>").encode()
    with pytest.raises(NotAnActivity, match="workout"):
        read_tcx(workout, name="w.tcx")
    for bad in (b"", b"not xml at all", b"<TrainingCenterDatabase><Activities><Activ"):
        with pytest.raises(CorruptFile):
            read_tcx(bad, name="bad.tcx")
    with pytest.raises(UnsupportedFormat):
        read_tcx(b"<?xml version='1.0'?><gpx version='1.1'/>", name="g.tcx")


def test_truncation_anywhere_raises_only_legday_errors() -> None:
    whole = TCX.format(body=_activity(_lap(0, [[0, 1, 2, 3], [9, 10]]))).encode()
    read = 0
    for end in range(0, len(whole), 53):
        try:
            activities = read_tcx(whole[:end], name="cut.tcx")
        except LegdayError:
            continue
        read += 1
        assert activities[0].partial
        hr = activities[0].samples["heart_rate"].dropna()
        assert (hr == 150).all()  # the last point may be cut before its heart rate
    assert read > 5


def test_leading_whitespace_and_time_only_points() -> None:
    tail = "<Trackpoint><Time>2025-03-01T08:00:09Z</Time></Trackpoint>"
    laps = _lap(0, [[0, 1]]).replace("</Track>", tail + "</Track>")
    (activity,) = read_tcx(b"\n\n   " + TCX.format(body=_activity(laps)).encode(), name="t.tcx")
    assert activity.points == 2  # the trailing time-only point carries nothing
    np.testing.assert_array_equal(activity.samples["heart_rate"], [150.0, 150.0])
