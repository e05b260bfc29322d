"""The FIT reader against every FIT file of ../shared/realdata, plus focused cases.

Every FIT row of MANIFEST.csv is read in place (``.fit.gz`` gunzipped in memory):
it must give activities or one of legday's errors. Files fitparse reads fully must
agree with the manifest (points, start, distance, duration, laps, sets, device,
sport); smaller ones are also compared with a plain fitparse pass (timestamps,
start, session distance, first position in degrees).
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import io
import random
import re
import zipfile
from typing import Any

import fitparse
import numpy as np
import pandas as pd
import pytest
from fitparse import records as fit_records

from legday.errors import CorruptFile, EmptyActivity, LegdayError, NotAnActivity
from legday.io.fit import read_fit
from legday.model import Activity, Sport, content_id
from tests.conftest import manifest_rows, require_realdata

SEMICIRCLE_DEG = 180 / 2**31

#: Files fitparse 1.2.0 cannot read to the end, and what legday makes of them.
BROKEN: dict[str, type[LegdayError] | str] = {
    "fitparse__activity-activity-filecrc.fit": "partial",  # checksum; same activity twice
    "fitparse__activity-filecrc.fit": "partial",  # checksum
    "fitparse__activity-settings-corruptheader.fit": "partial",  # junk after the activity
    "fitparse__activity-settings-nodata.fit": "partial",  # chained file cut short
    "fitparse__activity-unexpected-eof.fit": "partial",  # truncated
    "fitparse__coros-pace-2-cycling-misaligned-fields.fit": "partial",  # bad field sizes
    "fitparse__nick.fit": "partial",  # last message cut
    "fitparse__strava-android-app-201.10-b1218918.fit": "partial",  # bytes lost mid-file
    "gpsbabel__lezyne_super_gps-garmin_fit-sample-bad-endian.fit": "partial",  # dev fields
    "sportslib__empty-activities.fit": "partial",  # header says "no data", data follows
    "sportslib__empty-sessions.fit": EmptyActivity,  # 0 bytes
}
#: Files fitparse reads but that hold no usable activity.
REFUSED: dict[str, type[LegdayError]] = {
    "fitparse__DeveloperData.fit": EmptyActivity,  # 3 records, none with a time
}
#: Fully readable files are also compared with plain fitparse when at most this big.
FITPARSE_COMPARE_MAX_BYTES = 100_000

_LOST = re.compile(r"(?:merged|dropped) (\d+) (?:empty trailing )?samples")
_TRAILING = re.compile(r"dropped (\d+) empty trailing samples")
_FROM_LENGTHS = re.compile(r"(\d+) pool-length samples")




FIT_ROWS = manifest_rows("fit")


def _name(row: dict[str, str]) -> str:
    return row["path"].split("/")[-1]


def _payload(relpath: str) -> bytes:
    data = (require_realdata() / relpath).read_bytes()
    return gzip.decompress(data) if relpath.endswith(".gz") else data


@functools.lru_cache(maxsize=16)
def _read(relpath: str) -> list[Activity]:
    return read_fit(_payload(relpath), name=relpath.split("/")[-1])


def _number(row: dict[str, str], column: str) -> float | None:
    return float(row[column]) if row.get(column) else None


def _fixes_count(activities: list[Activity], pattern: re.Pattern[str]) -> int:
    return sum(int(n) for a in activities for fix in a.fixes for n in pattern.findall(fix))


def _collapse(names: list[str]) -> list[str]:
    # The manifest lists consecutive equal session sports once.
    return [n for i, n in enumerate(names) if i == 0 or n != names[i - 1]]


def _plain_fitparse(payload: bytes) -> dict[str, Any]:
    """What a plain fitparse pass (default settings) sees in a file."""
    times: list[dt.datetime | int] = []
    positions: list[tuple[dt.datetime, float, float]] = []
    starts: list[dt.datetime] = []
    distances: list[float] = []
    for message in fitparse.FitFile(io.BytesIO(payload)).get_messages(["record", "session"]):
        values = message.get_values()
        if message.name == "record":
            ts = values.get("timestamp")
            if ts is not None:  # a datetime, or seconds since power-on on old devices
                times.append(ts)
                lat, lon = values.get("position_lat"), values.get("position_long")
                if isinstance(ts, dt.datetime) and lat is not None and lon is not None and (
                        (lat, lon) != (0, 0)):
                    positions.append((ts, lat * SEMICIRCLE_DEG, lon * SEMICIRCLE_DEG))
        else:
            if isinstance(values.get("start_time"), dt.datetime):
                starts.append(values["start_time"])
            if values.get("total_distance") is not None:
                distances.append(values["total_distance"])
    return {"times": times, "positions": positions, "starts": starts, "distances": distances}


def _utc(value: dt.datetime) -> pd.Timestamp:
    return pd.Timestamp(value).tz_localize("UTC")


# ---------------------------------------------------------------------------
# Every FIT file of the corpus


@pytest.mark.corpus
@pytest.mark.parametrize("row", FIT_ROWS, ids=[_name(r) for r in FIT_ROWS])
def test_corpus_fit_file(row: dict[str, str]) -> None:
    payload = _payload(row["path"])
    name = _name(row)
    try:
        activities = read_fit(payload, name=name)
    except LegdayError as err:
        _check_refusal(row, name, err)
        return
    expected = BROKEN.get(name) or REFUSED.get(name)
    assert "not an activity" not in row["notes"], "non-activity files must be refused"
    assert expected in (None, "partial"), f"expected {expected}"
    assert activities
    partial = {a.partial for a in activities}
    assert partial == {expected == "partial"}
    _check_model(activities, payload, name)
    if expected == "partial":
        # The readable part is at least what fitparse (or lenient fitdecode) got out of it.
        points = sum(a.points for a in activities) + _fixes_count(activities, _LOST)
        assert points >= int(float(row["points"] or 0)) - 1
        assert any(word in fix for fix in activities[0].fixes
                   for word in ("was kept", "skipped", "read anyway", "ignored"))
        return
    _check_manifest(row, activities)
    if len(payload) <= FITPARSE_COMPARE_MAX_BYTES and not _clock_jumped(activities):
        _check_plain_fitparse(payload, activities)


def _check_refusal(row: dict[str, str], name: str, err: LegdayError) -> None:
    message = str(err)
    assert message.startswith(f"{name}: ") and "\n" not in message
    assert not re.search(r"Fit\w*Error|Traceback|fitparse", message[len(name):]), message
    if "not an activity" in row["notes"]:
        assert isinstance(err, NotAnActivity), message
        assert "not an activity recording" in message
        return
    expected = BROKEN.get(name) or REFUSED.get(name)
    assert isinstance(expected, type) and isinstance(err, expected), message
    assert isinstance(err, CorruptFile | EmptyActivity)


def _check_model(activities: list[Activity], payload: bytes, name: str) -> None:
    for index, activity in enumerate(activities):
        assert activity.format == "fit" and activity.source == name
        assert activity.id == content_id(payload, index)
        samples = activity.samples
        assert samples["time"].is_monotonic_increasing and samples["time"].is_unique
        assert samples["lat"].dropna().between(-90, 90).all()
        assert samples["lon"].dropna().between(-180, 180).all()
        if len(samples) and activity.start_utc is not None:
            # Sessions own the samples from their start to the next session's start.
            assert samples["time"].iloc[-1] >= activity.start_utc - pd.Timedelta(hours=1)
    starts = [a.start_utc for a in activities if a.start_utc is not None]
    assert starts == sorted(starts)


def _check_manifest(row: dict[str, str], activities: list[Activity]) -> None:
    points = sum(a.points for a in activities)
    assert points + _fixes_count(activities, _LOST) == int(float(row["points"]))
    start = min((a.start_utc for a in activities if a.start_utc is not None), default=None)
    if _clock_jumped(activities):
        # The recording's clock jumped by days: the larger part is the activity, and its
        # start is the first kept sample, not the session's (manifest) start.
        assert start == activities[0].samples["time"].iloc[0]
        assert (activities[0].samples["time"].diff().max() < pd.Timedelta(days=1))
        return
    if row["start_utc"]:
        assert start == pd.Timestamp(row["start_utc"])
    else:
        assert start is None
    distance = _number(row, "distance_m")
    if distance is not None:
        total = sum(a.distance_m or 0.0 for a in activities)
        assert total == pytest.approx(distance, rel=0.01, abs=0.5)
    duration = _number(row, "duration_s")
    if duration is not None:
        elapsed = sum(a.elapsed_s or 0.0 for a in activities)
        assert elapsed == pytest.approx(duration, rel=0.01, abs=1.0)
    assert sum(len(a.laps) for a in activities) == int(float(row["laps"] or 0))
    assert sum(len(a.sets) for a in activities) == int(float(row["strength_sets"] or 0))
    has_position = any(a.has_position for a in activities)
    assert has_position == (row["has_position"] == "yes")
    if "heart_rate all zero" in row["notes"]:
        assert not any(a.has_hr for a in activities)
    else:
        assert any(a.has_hr for a in activities) == (row["has_hr"] == "yes")
    assert str(activities[0].device) == (row["device"] or "unknown")
    if row["sport"]:
        sports = _collapse([a.sport_original or "" for a in activities])
        assert "+".join(sports) == row["sport"]


def _clock_jumped(activities: list[Activity]) -> bool:
    return any("more than a day away" in fix for a in activities for fix in a.fixes)


def _check_plain_fitparse(payload: bytes, activities: list[Activity]) -> None:
    plain = _plain_fitparse(payload)
    times = plain["times"]
    points = sum(a.points for a in activities)
    trailing = _fixes_count(activities, _TRAILING)
    from_lengths = _fixes_count(activities, _FROM_LENGTHS)
    # Repeated timestamps are merged into one sample; nothing else is lost.
    assert points + trailing - from_lengths == len(set(times))
    if len(set(times)) == len(times):
        assert not any("merged" in f for a in activities for f in a.fixes)
    if plain["starts"]:
        assert activities[0].start_utc == _utc(min(plain["starts"]))
    elif all(isinstance(t, dt.datetime) for t in times):
        assert activities[0].start_utc == _utc(min(times))
    else:
        assert activities[0].start_utc is None  # only times since the device was switched on
    if plain["distances"]:
        total = sum(a.distance_m or 0.0 for a in activities)
        assert total == pytest.approx(sum(plain["distances"]), rel=0.01, abs=0.5)
    if plain["positions"]:
        samples = pd.concat([a.samples for a in activities], ignore_index=True)
        lats = np.array([p[1] for p in plain["positions"]])
        lons = np.array([p[2] for p in plain["positions"]])
        assert samples["lat"].dropna().between(lats.min() - 1e-9, lats.max() + 1e-9).all()
        assert samples["lon"].dropna().between(lons.min() - 1e-9, lons.max() + 1e-9).all()
        first_time, first_lat, first_lon = plain["positions"][0]
        if times.count(first_time) == 1:
            at = samples[samples["time"] == _utc(first_time)]
            assert at["lat"].iloc[0] == pytest.approx(first_lat, abs=1e-9)
            assert at["lon"].iloc[0] == pytest.approx(first_lon, abs=1e-9)


@pytest.mark.corpus
def test_manifest_expectations_match_the_corpus() -> None:
    require_realdata()
    names = {_name(r) for r in FIT_ROWS}
    broken = {_name(r) for r in FIT_ROWS if r["fitparse"] != "ok"}
    assert broken == set(BROKEN)
    assert set(REFUSED) <= names
    assert sum("not an activity" in r["notes"] for r in FIT_ROWS) == 8
    assert len(FIT_ROWS) == 405


# ---------------------------------------------------------------------------
# Units and fields


@pytest.mark.corpus
def test_running_cadence_is_doubled_and_fractional_cadence_added() -> None:
    # fitparse: 14:34:13 cadence 78 + fractional 0.5, 14:34:14 cadence 90 + 0.0 (strides/min).
    run = _read("fit/fitparse__garmin-fenix-5-run.fit")[0]
    assert run.sport is Sport.RUN
    by_time = run.samples.set_index("time")["cadence_spm"]
    assert by_time[pd.Timestamp("2017-06-11T14:34:13Z")] == 157.0
    assert by_time[pd.Timestamp("2017-06-11T14:34:14Z")] == 180.0
    assert run.samples["cadence_spm"].max() > 150


@pytest.mark.corpus
def test_cycling_cadence_stays_in_rpm() -> None:
    payload = _payload("fit/runalyze__with-power.fit")
    ride = read_fit(payload, name="with-power.fit")[0]
    assert ride.sport is Sport.RIDE
    plain = {}
    for message in fitparse.FitFile(io.BytesIO(payload)).get_messages("record"):
        values = message.get_values()
        if values.get("cadence") is not None and isinstance(values.get("timestamp"), dt.datetime):
            plain[_utc(values["timestamp"])] = values["cadence"] + (
                values.get("fractional_cadence") or 0)
    samples = ride.samples.set_index("time")
    common = [t for t in list(plain)[:500] if t in samples.index]
    assert len(common) > 100
    assert [samples.at[t, "cadence_spm"] for t in common] == [plain[t] for t in common]
    assert samples["power_w"].max() > 100


@pytest.mark.corpus
def test_semicircles_become_degrees() -> None:
    activity = _read("fit/fitparse__Activity.fit")[0]
    first = activity.samples.iloc[0]
    # Raw position of the first record: 495280430, -872696681 semicircles.
    assert first["lat"] == pytest.approx(495280430 * 180 / 2**31, abs=1e-12)
    assert first["lon"] == pytest.approx(-872696681 * 180 / 2**31, abs=1e-12)
    assert first["lat"] == pytest.approx(41.51393, abs=1e-5)
    assert first["lon"] == pytest.approx(-73.14859, abs=1e-5)
    assert first["elevation_m"] == pytest.approx(278.2)
    assert activity.utc_offset_s == -4 * 3600


@pytest.mark.corpus
def test_enhanced_fields_and_metadata() -> None:
    activity = _read("fit/runalyze__garmin-runPower.fit")[0]
    assert activity.sport is Sport.RUN and activity.sport_original == "running"
    assert activity.sub_sport_original == "generic"
    assert str(activity.device) == "garmin fr935"
    assert activity.start_utc == pd.Timestamp("2017-12-09T08:19:03Z")
    assert activity.utc_offset_s == 3600
    assert activity.elapsed_s == pytest.approx(8534.7, abs=0.1)
    assert activity.moving_s is not None and activity.moving_s < activity.elapsed_s
    assert activity.samples["distance_m"].iloc[-1] == pytest.approx(25601.8, abs=0.1)
    assert activity.samples["speed_mps"].between(0, 10).all()
    assert activity.samples["temperature_c"].notna().all()
    events = activity.timer_events
    assert list(events["event"].iloc[:4]) == ["start", "stop", "start", "stop"]


# ---------------------------------------------------------------------------
# Laps, sessions, sets


@pytest.mark.corpus
def test_laps_with_interval_intensity_from_fr955_zip() -> None:
    with zipfile.ZipFile(require_realdata() / "bulk/goldencheetah__GarminFR955v18.zip") as zf:
        payload = zf.read("14211916346_ACTIVITY.fit")
    (activity,) = read_fit(payload, name="14211916346_ACTIVITY.fit")
    laps = activity.laps
    assert len(laps) == 5
    assert list(laps["intensity"]) == ["interval"] * 5  # raw 5 in fitparse 1.2.0
    assert list(laps["trigger"]) == ["manual"] * 4 + ["session_end"]
    assert laps["distance_m"].sum() == pytest.approx(activity.distance_m, rel=0.001)
    # The watch stamps every lap with the activity start: ends come from the elapsed time.
    assert (laps["end"] >= laps["start"]).all()
    assert laps["start"].iloc[1] == pd.Timestamp("2024-03-02T07:52:35Z")
    assert laps["end"].iloc[0] == pd.Timestamp("2024-03-02T07:52:34.980Z")


@pytest.mark.corpus
def test_lap_intensity_names() -> None:
    activities = _read("fit/goldencheetah__14582164182.fit.gz")
    assert sorted(activities[0].laps["intensity"]) == ["rest", "warmup"]


@pytest.mark.corpus
def test_triathlon_gives_one_activity_per_session() -> None:
    activities = _read("fit/runalyze__multisport-triathlon-fenix3.fit")
    assert [a.sport for a in activities] == [
        Sport.SWIM, Sport.OTHER, Sport.RIDE, Sport.OTHER, Sport.RUN]
    assert [a.sport_original for a in activities] == [
        "swimming", "transition", "cycling", "transition", "running"]
    assert len({a.id for a in activities}) == 5
    for this, following in zip(activities, activities[1:], strict=False):
        assert this.start_utc is not None and following.start_utc is not None
        assert this.samples["time"].max() < following.start_utc
        assert this.laps["start"].max() < following.start_utc
    assert sum(a.points for a in activities) == 1581
    assert sum(len(a.laps) for a in activities) == 37
    assert activities[2].distance_m == pytest.approx(40260.6, abs=0.1)


@pytest.mark.corpus
def test_chained_files() -> None:
    # Five chained FIT files, one swim session.
    (swim,) = _read("fit/fitparse__event_timestamp.fit")
    assert swim.sport is Sport.SWIM and len(swim.laps) == 99 and not swim.partial
    # Four chained files, five sessions.
    assert len(_read("fit/fitparse__sample_mulitple_header.fit")) == 5


@pytest.mark.corpus
def test_same_session_twice_is_read_once() -> None:
    (activity,) = _read("fit/fitparse__activity-activity-filecrc.fit")
    assert activity.points == 14 and len(activity.laps) == 1
    assert activity.partial  # the second copy fails its checksum
    assert any("twice" in f for f in activity.fixes)


@pytest.mark.corpus
@pytest.mark.parametrize(("path", "sets", "active"), [
    ("fit/fitanalyzer__20474406937_ACTIVITY.fit", 76, None),
    ("fit/fitanalyzer__20555050352_ACTIVITY.fit", 41, None),
    ("fit/fitanalyzer__20744294788_ACTIVITY.fit", 83, None),
    ("fit/fitanalyzer__20748058539_ACTIVITY.fit", 27, None),
    ("fit/fitparserjs__failed.fit", 1, 1),
])
def test_strength_sets(path: str, sets: int, active: int | None) -> None:
    activities = _read(path)
    frames = pd.concat([a.sets for a in activities], ignore_index=True)
    assert len(frames) == sets
    assert set(frames["set_type"]) <= {"active", "rest"}
    assert frames["start"].notna().all() and (frames["duration_s"] > 0).all()
    if active is not None:
        assert (frames["set_type"] == "active").sum() == active
    for activity in activities:
        if len(activity.sets):
            assert activity.sport is Sport.STRENGTH or activity.sport_original == "training"


@pytest.mark.corpus
def test_strength_set_fields() -> None:
    (activity,) = _read("fit/fitanalyzer__20474406937_ACTIVITY.fit")
    sets = activity.sets
    assert activity.sport is Sport.STRENGTH
    first, third = sets.iloc[0], sets.iloc[2]
    assert first["category"] == "unknown" and first["reps"] == 1  # category 65534
    assert third["category"] == "sit_up" and third["reps"] == 10  # categories (27, 28, 30)
    assert third["start"] == pd.Timestamp("2025-09-23T10:10:01Z")
    assert third["duration_s"] == pytest.approx(42.221)
    assert pd.isna(sets.iloc[1]["category"]) and sets.iloc[1]["set_type"] == "rest"
    assert activity.summary()["sets"] == int((sets["set_type"] == "active").sum()) > 10


@pytest.mark.corpus
def test_strength_sets_follow_their_session() -> None:
    activities = _read("fit/fitanalyzer__20555050352_ACTIVITY.fit")
    assert [a.sport for a in activities] == [Sport.STRENGTH, Sport.RUN, Sport.STRENGTH]
    assert [len(a.sets) for a in activities] == [8, 0, 33]


# ---------------------------------------------------------------------------
# Unusual but valid recordings


@pytest.mark.corpus
def test_pool_swim_without_record_times() -> None:
    (swim,) = _read("fit/runalyze__swim-25m-lane.fit")
    assert swim.sport is Sport.SWIM and not swim.has_position
    assert swim.points == 78
    assert swim.samples["distance_m"].iloc[:3].tolist() == [25.0, 50.0, 75.0]
    # The first length starts 05:34:45 and lasts 15.25 s.
    assert swim.samples["time"].iloc[0] == pd.Timestamp("2015-06-17T05:35:00.250Z")


@pytest.mark.corpus
def test_treadmill_run_without_positions() -> None:
    (run,) = _read("fit/sportslib__6860622783.fit")
    assert run.sport is Sport.TREADMILL_RUN and not run.has_position
    assert run.samples["distance_m"].max() == pytest.approx(10630.4, abs=1)
    assert run.samples["cadence_spm"].median() > 140


@pytest.mark.corpus
def test_device_relative_times() -> None:
    (run,) = _read("fit/fitparse__antfs-dump.63.fit")
    assert run.start_utc is None and run.points == 686 and run.has_hr
    assert run.duration_s == pytest.approx(3426.9, abs=0.1)
    assert any("date of this activity is unknown" in f for f in run.fixes)


@pytest.mark.corpus
def test_activity_without_session_uses_records() -> None:
    (activity,) = _read("fit/muktihari__activity_truncated.fit")
    assert activity.points == 14 and activity.sport is Sport.OTHER
    assert activity.start_utc == pd.Timestamp("2012-04-09T21:22:26Z")
    assert activity.elapsed_s == pytest.approx(13.0)


# ---------------------------------------------------------------------------
# Damaged files


@pytest.mark.corpus
def test_truncated_file_is_partial() -> None:
    (activity,) = _read("fit/fitparse__activity-unexpected-eof.fit")
    assert activity.partial and activity.points == 14
    assert "file ends early after 768 bytes; the readable part was kept" in activity.fixes


@pytest.mark.corpus
def test_misaligned_fields_are_skipped_not_fatal() -> None:
    # fitparse stops after ~1800 of ~11300 messages here.
    (ride,) = _read("fit/fitparse__coros-pace-2-cycling-misaligned-fields.fit")
    assert ride.partial and ride.points == 11272
    assert ride.distance_m == pytest.approx(32145.8, abs=0.1)
    assert any("malformed field definitions" in f for f in ride.fixes)


@pytest.mark.corpus
def test_unclosed_recording_is_salvaged() -> None:
    (activity,) = _read("fit/sportslib__empty-activities.fit")
    assert activity.partial and activity.points > 2000 and activity.has_position
    assert any("not closed properly" in f for f in activity.fixes)


@pytest.mark.corpus
def test_garbled_middle_keeps_the_part_before() -> None:
    (run,) = _read("fit/fitparse__strava-android-app-201.10-b1218918.fit")
    assert run.partial and run.points > 200
    assert run.samples["time"].max() < pd.Timestamp("2021-09-28", tz="UTC")
    assert any("damaged after 7472" in f for f in run.fixes)


@pytest.mark.corpus
def test_cut_files_are_partial_or_corrupt() -> None:
    payload = _payload("fit/runalyze__Standard.fit")
    full = read_fit(payload, name="Standard.fit")[0]
    half = read_fit(payload[: len(payload) // 2], name="Standard.fit")[0]
    assert half.partial and 0 < half.points < full.points
    assert half.fixes[0] == (f"file ends early after {len(payload) // 2} bytes; "
                             "the readable part was kept")
    assert half.samples.iloc[:10].equals(full.samples.iloc[:10])
    with pytest.raises(CorruptFile, match="^Standard.fit: "):
        read_fit(payload[:40], name="Standard.fit")


@pytest.mark.corpus
def test_bad_checksum_is_partial() -> None:
    payload = bytearray(_payload("fit/runalyze__Standard.fit"))
    payload[-1] ^= 0xFF
    (activity,) = read_fit(bytes(payload), name="Standard.fit")
    assert activity.partial and activity.points == 872
    assert any("checksum" in f for f in activity.fixes)


@pytest.mark.corpus
def test_damaged_bytes_never_leak_other_errors() -> None:
    payload = _payload("fit/fitparse__Activity.fit")
    rng = random.Random(20240611)
    outcomes = {"read": 0, "refused": 0}
    for _ in range(300):
        damaged = bytearray(payload)
        for _ in range(rng.randint(1, 6)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            read_fit(bytes(damaged), name="fuzz.fit")
            outcomes["read"] += 1
        except LegdayError as err:
            assert str(err).startswith("fuzz.fit: ") and "\n" not in str(err)
            outcomes["refused"] += 1
    assert outcomes["read"] > 0


@pytest.mark.corpus
def test_developer_field_registry_is_left_alone() -> None:
    before = dict(fit_records.DEV_TYPES)
    _read.cache_clear()
    _read("fit/fitparse__developer-types-sample.fit")
    assert fit_records.DEV_TYPES == before


@pytest.mark.corpus
def test_non_activity_files_are_refused() -> None:
    with pytest.raises(NotAnActivity, match=r"this is a workout plan, not an activity"):
        read_fit(_payload("fit/fitparse__WorkoutRepeatSteps.fit"), name="w.fit")
    with pytest.raises(NotAnActivity, match=r"course"):
        read_fit(_payload("fit/fittrackee__example.fit"), name="c.fit")
    with pytest.raises(NotAnActivity, match=r"monitoring"):
        read_fit(_payload("fit/fitparse__MonitoringFile.fit"), name="m.fit")


def test_empty_payload() -> None:
    with pytest.raises(EmptyActivity, match=r"^x\.fit: the file is empty \(0 bytes\)$"):
        read_fit(b"", name="x.fit")


def test_not_a_fit_file() -> None:
    with pytest.raises(CorruptFile, match=r"^x\.fit: .*header is damaged"):
        read_fit(b"<gpx></gpx>" * 10, name="x.fit")


def test_header_only_is_empty() -> None:
    # A 12-byte header that promises no data, followed by its (zero) checksum.
    header = bytes([12, 0x10, 0x64, 0x00, 0, 0, 0, 0]) + b".FIT" + b"\x00\x00"
    with pytest.raises(EmptyActivity, match=r"^x\.fit: "):
        read_fit(header, name="x.fit")
