"""Read Garmin Training Center (TCX) files: one Activity per ``<Activity>`` element.

Single-sport files hold one ``<Activity>``; multisport files (``MultiSportSession``)
hold one per leg and give one :class:`~legday.model.Activity` each. Laps become
``Activity.laps``; a new ``<Track>`` inside a lap means the timer was paused and
becomes a stop/start pair in ``Activity.timer_events``. Values are matched on
local element names, so files that drop or rename namespaces read the same.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from legday.errors import CorruptFile, EmptyActivity, NotAnActivity
from legday.io.sport import normalise_sport
from legday.io.xmltools import (
    NAT,
    NS,
    check_root,
    extension_values,
    local,
    parse_number,
    parse_xml,
    strides_to_steps,
    times_ns,
    to_datetimes,
    utc_offset_s,
    xml_bytes,
)
from legday.model import (
    EVENT_COLUMNS,
    LAP_COLUMNS,
    RUNNING_SPORTS,
    Activity,
    Device,
    content_id,
    empty_frame,
    make_frame,
    make_samples,
    time_ns,
)

#: Trackpoint extension (``TPX``) local names, lower case, and the column they fill.
_EXTENSION_COLUMNS: dict[str, str] = {
    "speed": "speed_mps",
    "runcadence": "run_cadence",
    "watts": "power_w",
    "power": "power_w",
}
_INTENSITIES = {"active": "active", "resting": "rest"}
_TRIGGERS = {"location": "position", "heartrate": "heart_rate"}
_ROOTS = {"trainingcenterdatabase", "activities", "activity", "multisportsession"}

# A track break across a lap boundary is only a pause when the gap is longer than
# ordinary recording (smart recording writes a point every few seconds).
_MIN_PAUSE_S = 10.0

# Garmin product families whose TCX <Creator><Name> omits the brand.
_GARMIN_FAMILIES = (
    "forerunner", "edge", "fenix", "fēnix", "vívoactive", "vivoactive", "vívosmart",
    "vivosmart", "dakota", "etrex", "oregon", "approach", "venu", "instinct", "enduro",
    "epix", "descent", "marq", "quatix", "tactix", "swim",
)
_BRANDS = {"garmin": "Garmin", "polar": "Polar", "suunto": "Suunto", "wahoo": "Wahoo",
           "coros": "COROS", "tomtom": "TomTom", "sigma": "Sigma", "bryton": "Bryton"}
# Serial numbers and firmware versions some devices append to their name.
_NAME_NOISE = re.compile(r"\s*\(Unit ID [^)]*\)|\s+Software Version\s+\S+", re.IGNORECASE)


def read_tcx(payload: bytes, *, name: str) -> list[Activity]:
    """Read a TCX file: one activity per ``<Activity>`` element, multisport included.

    Parameters
    ----------
    payload
        The file's bytes, already decompressed.
    name
        The file name, used in error messages and as ``Activity.source``.

    Returns
    -------
    list of Activity
        Format ``"tcx"``; samples with distance [m], speed [m/s], heart rate
        [1/min], cadence (running: steps [1/min], cycling: [rpm]) and power [W];
        laps with their timer time [s] and distance [m]; timer pauses.

    Raises
    ------
    NotAnActivity
        A course or workout file, or one without activities.
    CorruptFile
        Damaged XML from which nothing could be salvaged.
    UnsupportedFormat
        XML that is not TCX.
    EmptyActivity
        Activities without a single lap or sample.
    """
    return _read_tcx(payload, name)


def _read_tcx(payload: bytes, name: str) -> list[Activity]:
    data = xml_bytes(payload)
    check_root(data, name, _ROOTS, "TCX")
    xml = parse_xml(data)
    if xml.root is None:
        raise CorruptFile(name, f"the TCX file is damaged: {xml.problem}")
    fixes, partial = xml.fixes, xml.partial
    if local(xml.root.tag) != "TrainingCenterDatabase":
        fixes.append("the file lacks its TrainingCenterDatabase header: read the activities in it")
        partial = True
    elements = [e for e in xml.root.iter() if local(e.tag) == "Activity"]
    if not elements:
        if partial:
            raise CorruptFile(name, "the TCX file is damaged before its first activity")
        raise _no_activity(xml.root, name)
    activities = []
    for index, element in enumerate(elements):
        activity = _activity(element, index=index, payload=payload, name=name,
                             fixes=list(fixes), partial=partial)
        if activity is not None:
            activities.append(activity)
    if not activities:
        raise EmptyActivity(name)
    return activities


def _no_activity(root: ET.Element, name: str) -> NotAnActivity:
    tags = {local(e.tag) for e in root.iter()}
    if "Course" in tags:
        return NotAnActivity(name, "this is a planned course, not a recording")
    if "Workout" in tags:
        return NotAnActivity(name, "this is a planned workout, not a recording")
    return NotAnActivity(name, "the file holds no activities")


@dataclass
class _Trackpoints:
    """Raw trackpoints of one activity in document order, one list per column."""

    time: list[str | None] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    elevation: list[float] = field(default_factory=list)
    distance: list[float] = field(default_factory=list)
    heart_rate: list[float] = field(default_factory=list)
    cadence: list[float] = field(default_factory=list)
    run_cadence: list[float] = field(default_factory=list)
    speed: list[float] = field(default_factory=list)
    power: list[float] = field(default_factory=list)
    track: list[int] = field(default_factory=list)

    def add(self, point: ET.Element, track: int) -> None:
        time: str | None = None
        lat = lon = elevation = distance = heart_rate = cadence = math.nan
        extensions: dict[str, float] = {}
        for child in point:
            tag = local(child.tag)
            if tag == "Time":
                time = (child.text or "").strip() or None
            elif tag == "Position":
                for part in child:
                    part_tag = local(part.tag)
                    if part_tag == "LatitudeDegrees":
                        lat = parse_number(part.text)
                    elif part_tag == "LongitudeDegrees":
                        lon = parse_number(part.text)
            elif tag == "AltitudeMeters":
                elevation = parse_number(child.text)
            elif tag == "DistanceMeters":
                distance = parse_number(child.text)
            elif tag == "HeartRateBpm":
                heart_rate = parse_number(next((v.text for v in child if local(v.tag) == "Value"),
                                          child.text))
            elif tag == "Cadence":
                cadence = parse_number(child.text)
            elif tag == "Extensions":
                extensions = extension_values([child], _EXTENSION_COLUMNS)
        self.time.append(time)
        self.lat.append(lat)
        self.lon.append(lon)
        self.elevation.append(elevation)
        self.distance.append(distance)
        self.heart_rate.append(heart_rate)
        self.cadence.append(cadence)
        self.run_cadence.append(extensions.get("run_cadence", math.nan))
        self.speed.append(extensions.get("speed_mps", math.nan))
        self.power.append(extensions.get("power_w", math.nan))
        self.track.append(track)


@dataclass
class _Laps:
    """Raw laps of one activity, and which lap each track belongs to."""

    start: list[str | None] = field(default_factory=list)
    timer_s: list[float] = field(default_factory=list)
    distance_m: list[float] = field(default_factory=list)
    trigger: list[str | None] = field(default_factory=list)
    intensity: list[str | None] = field(default_factory=list)
    track_lap: list[int] = field(default_factory=list)


def _read_laps(element: ET.Element) -> tuple[_Trackpoints, _Laps, ET.Element | None]:
    points, laps = _Trackpoints(), _Laps()
    creator: ET.Element | None = None
    for child in element:
        tag = local(child.tag)
        if tag == "Creator":
            creator = child
        if tag != "Lap":
            continue
        lap = len(laps.start)
        laps.start.append(child.get("StartTime"))
        timer = distance = math.nan
        trigger = intensity = None
        for part in child:
            part_tag = local(part.tag)
            if part_tag == "TotalTimeSeconds":
                timer = parse_number(part.text)
            elif part_tag == "DistanceMeters":
                distance = parse_number(part.text)
            elif part_tag == "TriggerMethod":
                trigger = _word(part.text, _TRIGGERS)
            elif part_tag == "Intensity":
                intensity = _word(part.text, _INTENSITIES)
            elif part_tag == "Track":
                track = len(laps.track_lap)
                laps.track_lap.append(lap)
                for point in part:
                    if local(point.tag) == "Trackpoint":
                        points.add(point, track)
        laps.timer_s.append(timer)
        laps.distance_m.append(distance)
        laps.trigger.append(trigger)
        laps.intensity.append(intensity)
    return points, laps, creator


def _word(text: str | None, names: dict[str, str]) -> str | None:
    word = (text or "").strip().lower()
    return names.get(word, word) or None


def _device(creator: ET.Element | None) -> Device:
    """The recording device from ``<Creator><Name>``; Garmin's families get their brand."""
    if creator is None:
        return Device()
    text = next(((c.text or "").strip() for c in creator if local(c.tag) == "Name"), "")
    product = _NAME_NOISE.sub("", text).strip()
    if not product:
        return Device()
    first, _, rest = product.partition(" ")
    brand = _BRANDS.get(first.lower())
    if brand is not None and rest:
        return Device(manufacturer=brand, product=rest)
    if product.lower().startswith(_GARMIN_FAMILIES):
        return Device(manufacturer="Garmin", product=product)
    return Device(product=product)


@dataclass
class _Tracks:
    """First and last time of each track that has timed points, in document order."""

    lap: np.ndarray
    first: np.ndarray
    last: np.ndarray


def _track_spans(t: np.ndarray, track: np.ndarray, track_lap: list[int]) -> _Tracks:
    timed = t != NAT
    tt, tr = t[timed], track[timed]
    if len(tt) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _Tracks(empty, empty, empty)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(tr) != 0) + 1))
    laps = np.asarray(track_lap, dtype=np.int64)[tr[starts]]
    return _Tracks(laps, np.minimum.reduceat(tt, starts), np.maximum.reduceat(tt, starts))


def _pauses(t: np.ndarray, tracks: _Tracks) -> list[tuple[int, int]]:
    """Timer pauses as (stop, start) times in ns, one per track break that is a pause.

    Garmin starts a new ``<Track>`` within a lap when the timer restarts, so such
    a break is always a pause. Every lap also starts a new track, so a break at
    a lap boundary is a pause only when the gap is much longer than the usual
    time between points.
    """
    unique = np.unique(t[t != NAT])
    typical = float(np.median(np.diff(unique))) / NS if len(unique) > 1 else 0.0
    threshold = max(_MIN_PAUSE_S, 3 * typical) * NS
    pauses = []
    for k in range(len(tracks.first) - 1):
        stop, start = int(tracks.last[k]), int(tracks.first[k + 1])
        gap = start - stop
        if gap < 0:
            continue
        if tracks.lap[k] == tracks.lap[k + 1] or gap > threshold:
            pauses.append((stop, start))
    return pauses


def _laps_frame(laps: _Laps, tracks: _Tracks) -> tuple[pd.DataFrame, np.ndarray]:
    """The laps frame, and each lap's start and end in ns (``NAT`` when unknown)."""
    n = len(laps.start)
    start, _ = times_ns(list(laps.start))
    timer = np.asarray(laps.timer_s, dtype=float)
    first = np.full(n, NAT, dtype=np.int64)
    last = np.full(n, NAT, dtype=np.int64)
    for lap in range(n):
        mine = tracks.lap == lap
        if mine.any():
            first[lap] = tracks.first[mine].min()
            last[lap] = tracks.last[mine].max()
    start = np.where(start == NAT, first, start)
    end = np.where(np.isfinite(timer) & (start != NAT),
                   start + np.round(np.nan_to_num(timer) * NS).astype(np.int64), last)
    end = np.where(start == NAT, NAT, end)
    known = (start != NAT) & (end != NAT)
    elapsed = np.where(known, (end - start) / NS, np.nan)
    frame = make_frame(LAP_COLUMNS, {
        "start": to_datetimes(start),
        "end": to_datetimes(end),
        "elapsed_s": elapsed,
        "timer_s": timer,
        "distance_m": np.asarray(laps.distance_m, dtype=float),
        "trigger": laps.trigger,
        "intensity": laps.intensity,
    })
    return frame, np.stack([start, end]) if n else np.zeros((2, 0), dtype=np.int64)


def _activity(element: ET.Element, *, index: int, payload: bytes, name: str, fixes: list[str],
              partial: bool) -> Activity | None:
    points, laps, creator = _read_laps(element)
    if not points.time and not laps.start:
        return None
    sport_original = element.get("Sport")
    sport = normalise_sport(sport_original)
    t, placeholders = times_ns(points.time)
    if placeholders:
        fixes.append(f"ignored {placeholders} placeholder times from before 1980")
    track = np.asarray(points.track, dtype=np.int64)
    tracks = _track_spans(t, track, laps.track_lap)
    run_cadence = np.asarray(points.run_cadence, dtype=float)
    cadence = np.asarray(points.cadence, dtype=float)
    foot = np.isfinite(run_cadence)
    if foot.any() or sport in RUNNING_SPORTS:
        # RunCadence is a footpod's count in any sport; <Cadence> is one only when running.
        cadence = np.where(foot, run_cadence, cadence)
        cadence, doubled = strides_to_steps(cadence)
        if doubled:
            fixes.append("running cadence was in strides per minute: doubled to steps")
    samples, sample_fixes = make_samples({
        "time": to_datetimes(t),
        "lat": points.lat,
        "lon": points.lon,
        "elevation_m": points.elevation,
        "distance_m": points.distance,
        "speed_mps": points.speed,
        "heart_rate": points.heart_rate,
        "cadence_spm": cadence,
        "power_w": points.power,
    })
    fixes += sample_fixes
    samples, distance_fixes = _repair_distances(samples, laps.distance_m)
    fixes += distance_fixes
    lap_frame, lap_span = _laps_frame(laps, tracks)
    if samples.empty and not (lap_span != NAT).all(axis=0).any():
        return None
    pauses = _pauses(t, tracks)
    events = empty_frame(EVENT_COLUMNS)
    if pauses:
        stamps = np.asarray([s for pair in pauses for s in pair], dtype=np.int64)
        events = make_frame(EVENT_COLUMNS, {"time": to_datetimes(stamps),
                                            "event": ["stop", "start"] * len(pauses)})
    start, elapsed = _span(samples, lap_span)
    # <Id> is the moment the timer started, which the first sample may trail.
    started, _ = times_ns([_id_text(element)])
    if started[0] != NAT:
        start = to_datetimes(started)[0]
    timer = np.asarray(laps.timer_s, dtype=float)
    moving: float | None
    if len(timer) and np.isfinite(timer).all():
        moving = float(timer.sum())
    else:
        moving = elapsed - sum(b - a for a, b in pauses) / NS if elapsed is not None else None
    if moving is not None and elapsed is not None:
        moving = min(max(moving, 0.0), elapsed)
    first_time = next((v for v in points.time if v), None)
    return Activity(
        id=content_id(payload, index),
        source=name,
        format="tcx",
        sport=sport,
        sport_original=sport_original,
        device=_device(creator),
        start_utc=start,
        utc_offset_s=utc_offset_s(first_time),
        elapsed_s=elapsed,
        moving_s=moving,
        distance_m=_distance(samples["distance_m"].to_numpy(), laps.distance_m),
        samples=samples,
        laps=lap_frame,
        timer_events=events,
        partial=partial,
        fixes=fixes,
    )


def _id_text(element: ET.Element) -> str | None:
    for child in element:
        if local(child.tag) == "Id":
            return (child.text or "").strip() or None
    return None


def _span(samples: pd.DataFrame,
          lap_span: np.ndarray) -> tuple[pd.Timestamp | None, float | None]:
    """Start time and elapsed time [s]: from the samples, else from the laps."""
    times = samples["time"]
    if len(times) > 1:
        return times.iloc[0], float((times.iloc[-1] - times.iloc[0]).total_seconds())
    known = (lap_span != NAT).all(axis=0)
    if known.any():
        first, last = int(lap_span[0][known].min()), int(lap_span[1][known].max())
        return to_datetimes(np.asarray([first]))[0], (last - first) / NS
    if len(times):
        return times.iloc[0], 0.0
    return None, None


def _repair_distances(samples: pd.DataFrame,
                      laps_m: list[float]) -> tuple[pd.DataFrame, list[str]]:
    """Count distance from the file's start and fill gaps between recorded values.

    A file cut out of a longer recording (runalyze's missing-distances.tcx starts
    at 42 km for a 299 m lap) keeps the original odometer; points that have a
    position but no distance get one interpolated in time between their
    neighbours. Points with only a time (pause markers) stay empty.
    """
    fixes: list[str] = []
    distance = samples["distance_m"].to_numpy(dtype=float, copy=True)
    known = np.flatnonzero(np.isfinite(distance))
    if len(known) == 0:
        return samples, fixes
    laps = np.asarray(laps_m, dtype=float)
    offset = distance[known[0]]
    if len(laps) and np.isfinite(laps).all() and offset > max(laps.sum(), 0.0) + 1.0:
        distance -= offset
        fixes.append(f"distance started at {offset / 1000:.1f} km: counted from the file's start")
    has_position = samples["lat"].notna().to_numpy()
    gaps = np.flatnonzero(~np.isfinite(distance) & has_position)
    gaps = gaps[(gaps > known[0]) & (gaps < known[-1])]
    if len(gaps):
        t = time_ns(samples["time"]).astype(float)
        distance[gaps] = np.interp(t[gaps], t[known], distance[known])
        fixes.append(f"filled {len(gaps)} missing distances between recorded ones")
    return samples.assign(distance_m=distance), fixes


def _distance(samples_m: np.ndarray, laps_m: list[float]) -> float | None:
    """The activity's distance: the laps' total, else the last sample's. [m]"""
    laps = np.asarray(laps_m, dtype=float)
    if len(laps) and np.isfinite(laps).all():
        return float(laps.sum())
    recorded = samples_m[np.isfinite(samples_m)]
    return float(recorded.max()) if len(recorded) else None
