"""Read Garmin Training Center (TCX) files: one Activity per ``<Activity>`` element.

Single-sport files hold one ``<Activity>``; multisport files (``MultiSportSession``)
hold one per leg and give one :class:`~legday.model.Activity` each. Laps become
``Activity.laps``; a new ``<Track>`` inside a lap means the timer was paused and
becomes a stop/start pair in ``Activity.timer_events``. Values are matched on
local element names, so files that drop or rename namespaces read the same.

One expat pass reads the document without building a tree. Trackpoints laid out as
the schema orders them are read by one compiled pattern and the rest of the document
(laps, tracks, activities) by expat callbacks; any other trackpoint, or damage, sends
the whole document through the callbacks. Both give the values an ElementTree walk
gives (text before an element's first child; a repeated element's last value).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from legday.errors import CorruptFile, EmptyActivity, NotAnActivity
from legday.io.sport import normalise_sport
from legday.io.xmltools import (
    NAT,
    NS,
    LocalNames,
    XmlPass,
    check_root,
    expat_parser,
    parse_in_chunks,
    parse_number,
    scan_declaring_prefixes,
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
    scan, fixes = scan_declaring_prefixes(data, _scan)
    if scan.root is None:
        raise CorruptFile(name, f"the TCX file is damaged: {scan.problem()}")
    fixes += scan.fixes()
    partial = scan.partial
    if scan.root != "TrainingCenterDatabase":
        fixes.append("the file lacks its TrainingCenterDatabase header: read the activities in it")
        partial = True
    if not scan.activities:
        if partial:
            raise CorruptFile(name, "the TCX file is damaged before its first activity")
        raise _no_activity(scan, name)
    activities = []
    for index, raw in enumerate(scan.activities):
        activity = _activity(raw, index=index, payload=payload, name=name,
                             fixes=list(fixes), partial=partial)
        if activity is not None:
            activities.append(activity)
    if not activities:
        raise EmptyActivity(name)
    return activities


def _no_activity(scan: _Scan, name: str) -> NotAnActivity:
    if "Course" in scan.plans:
        return NotAnActivity(name, "this is a planned course, not a recording")
    if "Workout" in scan.plans:
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

    def add_schema(self, track: int, values: tuple[bytes | None, ...]) -> None:
        """A trackpoint read by _SCHEMA_TRACKPOINT: its groups, in the pattern's order."""
        time, lat, lon, elevation, distance, heart_rate, cadence, _prefix, speed, run_cadence, \
            watts = values
        text = None if time is None else time.decode("utf-8", "replace").strip()
        self.time.append(text or None)
        self.lat.append(parse_number(lat))
        self.lon.append(parse_number(lon))
        self.elevation.append(parse_number(elevation))
        self.distance.append(parse_number(distance))
        self.heart_rate.append(parse_number(heart_rate))
        self.cadence.append(parse_number(cadence))
        self.run_cadence.append(parse_number(run_cadence))
        self.speed.append(parse_number(speed))
        self.power.append(parse_number(watts))
        self.track.append(track)

    def add(self, point: _Point) -> None:
        time, numbers, extensions = point.values()
        self.time.append(time)
        self.lat.append(numbers["LatitudeDegrees"])
        self.lon.append(numbers["LongitudeDegrees"])
        self.elevation.append(numbers["AltitudeMeters"])
        self.distance.append(numbers["DistanceMeters"])
        self.heart_rate.append(numbers["HeartRateBpm"])
        self.cadence.append(numbers["Cadence"])
        self.run_cadence.append(extensions.get("run_cadence", math.nan))
        self.speed.append(extensions.get("speed_mps", math.nan))
        self.power.append(extensions.get("power_w", math.nan))
        self.track.append(point.track)


@dataclass
class _Laps:
    """Raw laps of one activity, and which lap each track belongs to."""

    start: list[str | None] = field(default_factory=list)
    timer_s: list[float] = field(default_factory=list)
    distance_m: list[float] = field(default_factory=list)
    trigger: list[str | None] = field(default_factory=list)
    intensity: list[str | None] = field(default_factory=list)
    track_lap: list[int] = field(default_factory=list)


@dataclass
class _RawActivity:
    """What the scan read of one ``<Activity>`` element."""

    sport: str | None
    points: _Trackpoints = field(default_factory=lambda: _Trackpoints())
    laps: _Laps = field(default_factory=lambda: _Laps())
    id_text: str | None = None
    creator: str | None = None  # the last <Creator>'s <Name>; "" when it has none


@dataclass
class _Point:
    """A trackpoint being read: the text of each value element, evaluated when it closes.

    A repeated element's last occurrence wins, as in the tree the old reader built;
    extension values are kept in document order so the first number per column wins.
    """

    track: int
    texts: dict[str, list[str]] = field(default_factory=dict)
    heart_rate_value: list[str] | None = None  # the first <Value> of the last <HeartRateBpm>
    extensions: list[tuple[str, list[str]]] | None = None

    def values(self) -> tuple[str | None, dict[str, float], dict[str, float]]:
        texts = self.texts
        parts = texts.get("Time")
        time = "".join(parts).strip() or None if parts is not None else None
        heart = self.heart_rate_value
        if heart is not None:
            texts = {**texts, "HeartRateBpm": heart}
        numbers = {tag: _number_of(texts.get(tag)) for tag in _POINT_NUMBERS}
        extensions: dict[str, float] = {}
        for column, text in self.extensions or ():
            value = parse_number("".join(text))
            if column not in extensions and not math.isnan(value):
                extensions[column] = value
        return time, numbers, extensions


_POINT_NUMBERS = ("LatitudeDegrees", "LongitudeDegrees", "AltitudeMeters", "DistanceMeters",
                  "Cadence", "HeartRateBpm")


def _number_of(parts: list[str] | None) -> float:
    if parts is None:
        return math.nan
    try:
        return float(parts[0] if len(parts) == 1 else "".join(parts))
    except ValueError:
        return math.nan


_PLAN_TAGS = frozenset({"Course", "Workout"})
_LAP_VALUES = frozenset({"TotalTimeSeconds", "DistanceMeters", "TriggerMethod", "Intensity"})
_POINT_VALUES = frozenset({"Time", "AltitudeMeters", "DistanceMeters", "HeartRateBpm",
                           "Cadence"})
_FAR = 1 << 30  # a depth no element reaches


@dataclass
class _Scan(XmlPass):
    """One streaming pass over a TCX document: the activities' raw values."""

    activities: list[_RawActivity] = field(default_factory=list)
    plans: set[str] = field(default_factory=set)  # Course / Workout elements seen


class _Reader:
    """expat callbacks for start tags; end tags are only appended to a list by expat.

    A TCX file has a dozen elements per trackpoint, so the end tags are applied in a
    batch at the next start tag instead of costing a Python call each. Text goes to
    the list of the value element opened last (with the whitespace that follows it).
    """

    def __init__(self, scan: _Scan, parser: Any,
                 trackpoints: list[tuple[bytes, ...]] | None) -> None:
        self.scan = scan
        self.parser = parser
        # Values of the emptied trackpoints, in document order (see _schema_trackpoints).
        self.trackpoints = iter(trackpoints) if trackpoints is not None else None
        self.ends: list[str] = []
        self.applied = 0  # how many of ``ends`` are applied to ``path``
        self.path: list[str] = []
        self.locals = LocalNames()
        self.activity: _RawActivity | None = None
        self.activity_depth = _FAR
        self.lap_texts: dict[str, list[str]] = {}
        self.creator_name: list[str] | None = None
        self.id_text: list[str] | None = None
        self.track = -1
        self.point: _Point | None = None
        self.point_depth = _FAR
        self.extension_depth = _FAR
        self.text: list[str] | None = None  # where element text goes now
        self.text_depth = _FAR

    def start(self, name: str, attrs: dict[str, str]) -> None:
        ended = len(self.ends)
        if ended != self.applied:
            path = self.path
            depth = len(path) - ended + self.applied
            if depth > self.point_depth and not depth <= self.extension_depth < len(path):
                del path[depth:]  # value elements inside a trackpoint closed: nothing to do
                self.applied = ended
            else:
                self.apply_ends()
        tag = self.locals[name]
        path = self.path
        depth = len(path)
        path.append(tag)
        parser = self.parser
        point = self.point
        if point is not None:  # most elements lie inside a trackpoint: decide them first
            if depth > self.extension_depth:
                column = _EXTENSION_COLUMNS.get(tag.lower())
                if column is not None:
                    text: list[str] = []
                    assert point.extensions is not None
                    point.extensions.append((column, text))
                    self.keep(text, depth)
                    return
            elif depth == self.point_depth + 1:
                if tag in _POINT_VALUES:
                    text = []
                    point.texts[tag] = text
                    self.keep(text, depth)
                    if tag == "HeartRateBpm":
                        point.heart_rate_value = None
                    return
                if tag == "Extensions":
                    self.extension_depth = depth
                    point.extensions = []
            elif depth == self.point_depth + 2:
                parent = path[-2]
                if (parent == "Position" and tag in ("LatitudeDegrees", "LongitudeDegrees")) or (
                        parent == "HeartRateBpm" and tag == "Value"
                        and point.heart_rate_value is None):
                    text = []
                    if tag == "Value":
                        point.heart_rate_value = text
                    else:
                        point.texts[tag] = text
                    self.keep(text, depth)
                    return
            parser.CharacterDataHandler = None
            return
        parser.CharacterDataHandler = None
        self.start_outside_point(tag, attrs, depth)

    def start_outside_point(self, tag: str, attrs: dict[str, str], depth: int) -> None:
        activity = self.activity
        if activity is None:
            if tag == "Activity":
                self.activity = _RawActivity(sport=attrs.get("Sport"))
                self.activity_depth = depth
                self.track = -1
                self.id_text = None
            elif tag in _PLAN_TAGS:
                self.scan.plans.add(tag)
            elif depth == 0:
                self.scan.root = tag
            return
        relative = depth - self.activity_depth
        path = self.path
        text: list[str] = []
        if relative == 1:
            if tag == "Lap":
                laps = activity.laps
                laps.start.append(attrs.get("StartTime"))
                self.lap_texts = {}
            elif tag == "Creator":
                activity.creator = ""
                self.creator_name = None
            elif tag == "Id" and self.id_text is None:
                self.id_text = text
                self.keep(text, depth)
        elif relative == 2 and path[-2] == "Lap":
            if tag == "Track":
                self.track = len(activity.laps.track_lap)
                activity.laps.track_lap.append(len(activity.laps.start) - 1)
            elif tag in _LAP_VALUES:
                self.lap_texts[tag] = text
                self.keep(text, depth)
        elif relative == 2 and path[-2] == "Creator" and tag == "Name":
            if self.creator_name is None:
                self.creator_name = text
                self.keep(text, depth)
        elif relative == 3 and tag == "Trackpoint" and path[-2] == "Track" and path[-3] == "Lap":
            if self.trackpoints is not None:  # an emptied trackpoint: its values are read
                activity.points.add_schema(self.track, next(self.trackpoints))
                return
            self.point = _Point(self.track)
            self.point_depth = depth

    def apply_ends(self) -> None:
        """Close, in order, the elements whose end tags expat has listed since last time."""
        path = self.path
        for _ in range(len(self.ends) - self.applied):
            tag = path.pop()
            depth = len(path)
            if depth == self.point_depth:
                self.finish_point()
            elif depth == self.extension_depth:
                self.extension_depth = _FAR
            elif self.point is None:
                if depth == self.activity_depth + 1 and tag == "Lap":
                    self.finish_lap()
                elif depth == self.activity_depth:
                    self.finish_activity()
                elif depth == 0:
                    self.scan.closed = True
        if len(self.ends) > 4096:
            self.ends.clear()
        self.applied = len(self.ends)

    def finish_point(self) -> None:
        point, activity = self.point, self.activity
        assert point is not None and activity is not None
        self.point = None
        self.point_depth = self.extension_depth = _FAR
        activity.points.add(point)

    def finish_lap(self) -> None:
        """A lap's values, once it closes: each element's last occurrence wins."""
        activity = self.activity
        assert activity is not None
        texts, self.lap_texts = self.lap_texts, {}
        laps = activity.laps
        text = {tag: "".join(parts) for tag, parts in texts.items()}
        laps.timer_s.append(parse_number(text.get("TotalTimeSeconds")))
        laps.distance_m.append(parse_number(text.get("DistanceMeters")))
        laps.trigger.append(_word(text["TriggerMethod"], _TRIGGERS)
                            if "TriggerMethod" in text else None)
        laps.intensity.append(_word(text["Intensity"], _INTENSITIES)
                              if "Intensity" in text else None)

    def finish_activity(self) -> None:
        activity = self.activity
        assert activity is not None
        laps = activity.laps
        while len(laps.timer_s) < len(laps.start):
            self.finish_lap()
        if self.creator_name is not None:
            activity.creator = "".join(self.creator_name).strip()
        if self.id_text is not None:
            activity.id_text = "".join(self.id_text).strip() or None
        self.scan.activities.append(activity)
        self.activity = None
        self.activity_depth = _FAR

    def keep(self, text: list[str], depth: int) -> None:
        """Collect the text of the element opened at ``depth`` into ``text``."""
        self.parser.CharacterDataHandler = text.append
        self.text, self.text_depth = text, depth

    def finish(self) -> None:
        """At the end of the document, or at a parse error: close what is still open."""
        self.apply_ends()
        if self.text is not None and len(self.path) > self.text_depth:
            # Text of an element cut short never reaches a tree: drop it, as the tree did.
            self.text.clear()
        if self.point is not None:
            self.finish_point()
        if self.activity is not None:
            self.finish_activity()


def _value(name: bytes, prefix: bytes = b"") -> bytes:
    return b"(?:<" + prefix + name + rb">(" + _TEXT + rb")</" + prefix + name + rb">\s*+)?"


_TPX = rb"(?P=p)"
#: Element text without markup, entities or characters XML forbids.
_TEXT = rb"[^<&\x00-\x08\x0b\x0c\x0e-\x1f]*+"
#: The attributes Garmin writes on <HeartRateBpm> and <TPX>, in well-formed syntax.
_ATTRIBUTES = rb"""(?:\s++(?:xsi:type|xmlns(?::\w++)?|CadenceSensor)\s*+=\s*+"[^"<]*+")*+\s*+"""
#: A trackpoint laid out as the TCX schema orders it, each element at most once and only
#: the extension elements prefixed: then its values are plain to read, and one compiled
#: pattern reads them all in C. Anything else goes through the expat callbacks.
_SCHEMA_TRACKPOINT = re.compile(
    rb"<Trackpoint>\s*+" + _value(b"Time")
    + rb"(?:<Position>\s*+<LatitudeDegrees>(" + _TEXT + rb")</LatitudeDegrees>\s*+"
    + rb"<LongitudeDegrees>(" + _TEXT + rb")</LongitudeDegrees>\s*+</Position>\s*+)?"
    + _value(b"AltitudeMeters") + _value(b"DistanceMeters")
    + rb"(?:<HeartRateBpm" + _ATTRIBUTES + rb">\s*+<Value>(" + _TEXT
    + rb")</Value>\s*+</HeartRateBpm>\s*+)?"
    + _value(b"Cadence") + rb"(?:<SensorState>" + _TEXT + rb"</SensorState>\s*+)?"
    + rb"(?:<Extensions>\s*+<(?P<p>\w+:|)TPX" + _ATTRIBUTES + rb">\s*+"
    + _value(b"Speed", _TPX) + _value(b"RunCadence", _TPX) + _value(b"Watts", _TPX)
    + rb"</(?P=p)TPX>\s*+</Extensions>\s*+)?</Trackpoint>")



def _schema_trackpoints(data: bytes) -> tuple[bytes, list[tuple[bytes, ...]]] | None:
    """The document with its trackpoints emptied, and their values, when every one of
    them follows the schema's layout; else None.

    The pattern only matches well-formed trackpoints (plain tags, text without markup,
    attributes in proper syntax), and the emptied document is parsed by expat
    afterwards, so together the document is checked as a parser would. As many
    matches as start tags, and the word nowhere else, means every trackpoint matched.
    """
    count = data.count(b"<Trackpoint>")
    if count == 0 or data.count(b"Trackpoint") != 2 * count or b"<![CDATA[" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    values: list[tuple[bytes, ...]] = []
    pieces: list[bytes] = []
    done = 0
    for found in _SCHEMA_TRACKPOINT.finditer(data):
        values.append(found.groups())
        pieces += (data[done : found.start()], b"<Trackpoint/>")
        done = found.end()
    if len(values) != count or not _prefixes_declared(data, {v[7] for v in values}):
        return None
    pieces.append(data[done:])
    return b"".join(pieces), values


def _prefixes_declared(data: bytes, prefixes: set[bytes]) -> bool:
    """Whether the prefixes the emptied trackpoints used are declared (expat would refuse)."""
    if b"xsi:type" in data:
        prefixes = prefixes | {b"xsi:"}
    return all(b"xmlns:" + p[:-1] + b"=" in data for p in prefixes if p)


def _scan(data: bytes) -> _Scan:
    skeleton = _schema_trackpoints(data)
    if skeleton is not None:
        scan = _scan_all(skeleton[0], skeleton[1])
        if scan.error is None:
            return scan
    # Anything unusual, or damage: every element through the callbacks.
    return _scan_all(data, None)


def _scan_all(data: bytes, trackpoints: list[tuple[bytes, ...]] | None) -> _Scan:
    scan = _Scan()
    parser = expat_parser()
    reader = _Reader(scan, parser, trackpoints)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.ends.append
    scan.error = parse_in_chunks(parser, data)
    reader.finish()
    return scan


def _word(text: str | None, names: dict[str, str]) -> str | None:
    word = (text or "").strip().lower()
    return names.get(word, word) or None


def _device(creator: str | None) -> Device:
    """The recording device from ``<Creator><Name>``; Garmin's families get their brand."""
    if creator is None:
        return Device()
    product = _NAME_NOISE.sub("", creator).strip()
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
    start = times_ns(list(laps.start)).ns
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


def _activity(raw: _RawActivity, *, index: int, payload: bytes, name: str, fixes: list[str],
              partial: bool) -> Activity | None:
    points, laps = raw.points, raw.laps
    if not points.time and not laps.start:
        return None
    sport_original = raw.sport
    sport = normalise_sport(sport_original)
    t, placeholders, impossible = times_ns(points.time)
    if impossible:
        fixes.append(f"ignored {impossible} impossible times (a time-zone offset beyond "
                     "14 hours)")
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
    started = times_ns([raw.id_text]).ns
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
        device=_device(raw.creator),
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
