"""Read GPX 1.0 and 1.1 recordings into one :class:`~legday.model.Activity`.

A GPX file is one activity: every track and segment is joined in time order,
and the time between two segments is recorded as a timer pause. One streaming
expat pass reads the points (the document is never held as a tree); a file cut
short or damaged gives what precedes the damage, and undeclared XML prefixes are
declared and the file read again.

Sensor values come from whichever extension the device or app wrote (Garmin
TrackPointExtension v1/v2, Cluetrust ``gpxdata``, plain ``<power>``,
``<heartrate>``, ...): they are matched on the element's local name, ignoring
namespace and case.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from legday.errors import CorruptFile, EmptyActivity, NotAnActivity
from legday.io.gpx_fast import (
    GPX_POINT_TAGS,
    MARKER,
    SENSOR_COLUMNS,
    FoldedSegment,
    extension_column,
    fold_segments,
)
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
    RUNNING_SPORTS,
    Activity,
    Device,
    Sport,
    content_id,
    empty_frame,
    haversine_m,
    make_frame,
    make_samples,
    time_ns,
)

_NO_TIMES = "this is a planned route without times, not a recording"
_POINT_VALUES = frozenset({"ele", "time", "speed"})


@dataclass
class _Points:
    """Raw GPX points in document order: one row of numbers each, times apart."""

    rows: list[tuple[float, ...]] = field(default_factory=list)  # lat, lon, ele, sensors
    blocks: list[np.ndarray] = field(default_factory=list)  # rows before ``rows``, as tables
    time: list[str | None] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)

    def add(self, lat: float, lon: float, elevation: float | None, time: str | None,
            segment: int, speed: float | None, extensions: dict[str, float]) -> None:
        if speed is not None and not math.isnan(speed):
            extensions = {**extensions, "speed_mps": speed}
        get = extensions.get
        nan = math.nan
        self.rows.append((lat, lon, nan if elevation is None else elevation,
                          get("speed_mps", nan), get("heart_rate", nan), get("cadence_spm", nan),
                          get("power_w", nan), get("temperature_c", nan)))
        self.time.append(time)
        self.segment.append(segment)

    def add_folded(self, folded: FoldedSegment, segment: int) -> None:
        self.blocks += [self._rows_table(), folded.table]
        self.rows = []
        self.time += folded.times
        self.segment += [segment] * len(folded.table)

    def _rows_table(self) -> np.ndarray:
        return np.array(self.rows, dtype=np.float64).reshape(len(self.rows), 3 + len(
            SENSOR_COLUMNS))

    @functools.cached_property
    def _table(self) -> np.ndarray:
        if not self.blocks:
            return self._rows_table()
        return np.concatenate([*self.blocks, self._rows_table()])

    @property
    def lat(self) -> np.ndarray:
        return self._table[:, 0]

    @property
    def lon(self) -> np.ndarray:
        return self._table[:, 1]

    @property
    def elevation(self) -> np.ndarray:
        return self._table[:, 2]

    @property
    def sensors(self) -> dict[str, np.ndarray]:
        return {column: self._table[:, 3 + i] for i, column in enumerate(SENSOR_COLUMNS)}


@dataclass
class _Meta:
    """File-level facts of a GPX file."""

    creator: str | None = None
    name: str | None = None
    types: list[str] = field(default_factory=list)  # <trk>/<rte> <type>, then keywords


def read_gpx(payload: bytes, *, name: str) -> list[Activity]:
    """Read a GPX 1.0 or 1.1 file as one activity.

    All tracks and segments are joined in time order; the gap between two
    segments becomes a timer stop at the last point of one and a start at the
    first point of the next, and does not count towards moving time or
    distance. Points without a time between timed points get one interpolated
    along the distance; points before the first or after the last timed point
    are dropped. A route with timed points is read when there is no track.

    Parameters
    ----------
    payload
        The file's bytes, already decompressed.
    name
        The file name, used in error messages and as ``Activity.source``.

    Returns
    -------
    list of Activity
        Exactly one activity: format ``"gpx"``, times in UTC, elapsed and
        moving time [s], distance [m] from the positions, no laps.

    Raises
    ------
    NotAnActivity
        A route or track without times, or a file without track points.
    CorruptFile
        Damaged XML from which no track could be salvaged.
    UnsupportedFormat
        XML that is not GPX.
    EmptyActivity
        No usable sample remains.
    """
    return [_read_gpx(payload, name)]


def _read_gpx(payload: bytes, name: str) -> Activity:
    data = xml_bytes(payload)
    check_root(data, name, {"gpx"}, "GPX")
    scan, fixes = scan_declaring_prefixes(data, _scan)
    if scan.root is None:
        raise CorruptFile(name, f"the GPX file is damaged: {scan.problem()}")
    fixes += scan.fixes()
    partial = scan.partial
    try:
        points, meta = scan.result(name)
        missing = int(np.count_nonzero(np.isnan(points.lat) | np.isnan(points.lon)))
        if missing:
            fixes.append(f"{missing} track points had no position; kept their other values")
        return _assemble(points, meta, payload=payload, name=name, fixes=fixes, partial=partial)
    except NotAnActivity as exc:
        if not partial:
            raise
        # What survived of a damaged file says nothing about what the file was.
        raise CorruptFile(name, "the GPX file is damaged before its first usable "
                          "track point") from exc




@dataclass
class _Open:
    """A point being read: its values so far."""

    lat: float
    lon: float
    into: _Points
    segment: int
    elevation: float | None = None
    time: str | None = None
    speed: float | None = None
    sensors: dict[str, float] = field(default_factory=dict)


@dataclass
class _Scan(XmlPass):
    """One streaming pass over a GPX document with expat: its points and file facts.

    Nothing is kept of the document but the values legday reads, so memory follows
    the points, not the document's size.
    """

    creator: str | None = None
    track: _Points = field(default_factory=_Points)
    route: _Points = field(default_factory=_Points)
    route_points: int = 0
    route_timed: bool = False
    track_types: list[str] = field(default_factory=list)
    route_types: list[str] = field(default_factory=list)
    track_names: list[str] = field(default_factory=list)
    texts: dict[tuple[str, str], str] = field(default_factory=dict)  # (parent, tag) -> text
    has_metadata: bool = False

    def result(self, name: str) -> tuple[_Points, _Meta]:
        points = self.track
        if not points.time and self.route_timed:
            points = self.route
        if not points.time:
            raise NotAnActivity(name, _NO_TIMES if self.route_points
                                else "the file has no track points")
        holder = "metadata" if self.has_metadata else (self.root or "gpx")
        keywords = self.texts.get((holder, "keywords"), "")
        types = self.track_types + self.route_types
        types += [k.strip() for k in keywords.split(",") if k.strip()]
        names = self.track_names
        meta = _Meta(creator=self.creator, types=types,
                     name=names[0] if names else self.texts.get((holder, "name")))
        return points, meta


class _Reader:
    """expat callbacks: a path of local names, and the point being read."""

    def __init__(self, scan: _Scan, parser: Any, folded: list[FoldedSegment]) -> None:
        self.scan = scan
        self.folded = folded
        self.parser = parser
        self.path: list[str] = []
        self.point: _Open | None = None
        self.point_depth = 0
        self.extension_depth = 0  # depth where an extension zone inside a point starts
        self.text: list[str] | None = None  # collects the text of the element being read
        self.first_text: dict[int, str] = {}  # (depth) -> text of trk/rte name and type
        self.segment = -1
        self.locals = LocalNames()

    def collect(self) -> None:
        """Keep the text of the element just opened (expat appends to the list itself)."""
        self.text = []
        self.parser.CharacterDataHandler = self.text.append

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = self.locals[name]
        path = self.path
        depth = len(path)
        path.append(tag)
        if self.text is not None:
            self.text = self.parser.CharacterDataHandler = None
        if self.point is not None:  # most elements lie inside a point: decide them first
            if attrs and MARKER in attrs:
                raise _FoldedInPoint
            if not self.extension_depth and depth == self.point_depth + 1 and (
                    tag == "extensions" or tag not in GPX_POINT_TAGS):
                self.extension_depth = depth  # GPX 1.0 allows sensors straight in the point
            if self.extension_depth or tag in _POINT_VALUES:
                text: list[str] = []
                self.text = text
                self.parser.CharacterDataHandler = text.append
            return
        scan = self.scan
        if depth == 0:
            scan.root = tag
            scan.creator = attrs.get("creator") or None
            return
        if depth == 1:
            if tag in ("trk", "rte"):
                if tag == "rte":
                    self.segment += 1
                self.first_text = {}
            elif tag == "metadata":
                scan.has_metadata = True
            elif tag in ("name", "keywords"):
                self.collect()
            return
        parent = path[depth - 1]
        if depth == 2 and parent == "metadata" and tag in ("name", "keywords"):
            self.collect()
        elif depth == 2 and parent in ("trk", "rte") and tag in ("name", "type"):
            self.collect()
        elif depth == 2 and parent == "trk" and tag == "trkseg":
            self.segment += 1
            if attrs and MARKER in attrs:
                scan.track.add_folded(self.folded[int(attrs[MARKER])], self.segment)
        elif (tag == "trkpt" and depth == 3 and path[1:3] == ["trk", "trkseg"]) or (
                tag == "rtept" and depth == 2 and parent == "rte"):
            into = scan.track if tag == "trkpt" else scan.route
            self.point = _Open(parse_number(attrs.get("lat")), parse_number(attrs.get("lon")),
                               into, self.segment)
            self.point_depth = depth

    def end(self, name: str) -> None:
        path = self.path
        tag = path.pop()
        depth = len(path)
        text = self.text
        if text is not None:
            self.text = self.parser.CharacterDataHandler = None
        point = self.point
        scan = self.scan
        if point is not None:
            if depth == self.point_depth:
                self.finish_point()
                return
            if depth == self.extension_depth:
                self.extension_depth = 0
            if text is None:
                return
            value = "".join(text)
            if self.extension_depth or depth == self.point_depth + 1 and tag not in (
                    _POINT_VALUES):
                column = extension_column(tag)
                number = parse_number(value)
                if column is not None and column not in point.sensors and not math.isnan(number):
                    point.sensors[column] = number
            elif tag == "ele" and point.elevation is None:
                point.elevation = parse_number(value)
            elif tag == "time" and point.time is None:
                point.time = value.strip() or None
                if point.into is scan.route and point.time is not None:
                    scan.route_timed = True
            elif tag == "speed" and point.speed is None:
                point.speed = parse_number(value)
            return
        if depth == 0:
            scan.closed = True
            return
        if text is not None:
            value = "".join(text).strip()
            parent = path[-1]
            if depth == 2 and parent in ("trk", "rte"):
                self.first_text.setdefault(0 if tag == "name" else 1, value)
            elif (parent, tag) not in scan.texts:
                scan.texts[(parent, tag)] = value
            return
        if depth == 1 and tag in ("trk", "rte"):
            kind = self.first_text.get(1)
            if kind:
                (scan.track_types if tag == "trk" else scan.route_types).append(kind)
            label = self.first_text.get(0)
            if tag == "trk" and label:
                scan.track_names.append(label)

    def finish_point(self) -> None:
        point = self.point
        assert point is not None
        self.point = None
        self.extension_depth = 0
        if point.into is self.scan.route:
            self.scan.route_points += 1
        point.into.add(point.lat, point.lon, point.elevation, point.time, point.segment,
                       point.speed, point.sensors)


class _FoldedInPoint(Exception):
    """A folded segment turned up inside a point, whose values its elements could set."""


def _scan(data: bytes, *, fold: bool = True) -> _Scan:
    """The points and file facts of a GPX document, plain track segments read by patterns.

    ``fold=False`` reads every point with expat (what the fast path is compared with).
    """
    folded = fold_segments(data) if fold else None
    if folded is not None:
        try:
            return _expat_scan(*folded)
        except _FoldedInPoint:
            pass
    return _expat_scan(data, [])


def _expat_scan(data: bytes, folded: list[FoldedSegment]) -> _Scan:
    scan = _Scan()
    parser = expat_parser()
    reader = _Reader(scan, parser, folded)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    scan.error = parse_in_chunks(parser, data)
    if scan.error is not None and reader.point is not None:
        reader.finish_point()  # a point cut short is read as far as it goes
    return scan


def _valid_positions(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions with impossible ones and 0°,0° replaced by NaN."""
    bad = (np.abs(lat) > 90) | (np.abs(lon) > 180) | ((lat == 0) & (lon == 0))
    return np.where(bad, np.nan, lat), np.where(bad, np.nan, lon)


def _interpolate_times(t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, int]:
    """Give untimed points between timed ones a time along the distance covered.

    Points without a position are placed evenly by their index instead.
    """
    timed = np.flatnonzero(t != NAT)
    inner = np.flatnonzero(t == NAT)
    inner = inner[(inner > timed[0]) & (inner < timed[-1])]
    if len(inner) == 0:
        return t, 0
    at = np.searchsorted(timed, inner)
    before, after = timed[at - 1], timed[at]
    along = _cumulative(lat, lon, np.zeros(len(lat), dtype=np.int64))
    span = along[after] - along[before]
    with np.errstate(invalid="ignore", divide="ignore"):
        by_distance = (along[inner] - along[before]) / span
    by_index = (inner - before) / (after - before)
    usable = np.isfinite(by_distance) & (span > 0)
    fraction = np.where(usable, np.clip(by_distance, 0.0, 1.0), by_index)
    out = t.copy()
    out[inner] = t[before] + np.round(fraction * (t[after] - t[before])).astype(np.int64)
    return out, len(inner)


def _cumulative(lat: np.ndarray, lon: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Cumulative 2D distance; the jump from one segment to the next adds nothing. [m]"""
    n = len(lat)
    valid = np.flatnonzero(~(np.isnan(lat) | np.isnan(lon)))
    steps = np.zeros(n)
    if len(valid) > 1:
        a, b = valid[:-1], valid[1:]
        step = haversine_m(lat[a], lon[a], lat[b], lon[b])
        step[segment[a] != segment[b]] = 0.0
        steps[b] = step
    out = np.cumsum(steps)
    out[: valid[0] if len(valid) else n] = np.nan
    return out


@dataclass
class _Order:
    """Row order that puts segments, then points within them, in time order."""

    rows: np.ndarray
    breaks: list[tuple[int, int]]  # (stop, start) times in ns between consecutive segments
    back_steps: int
    segments_moved: int


def _order_segments(t: np.ndarray, segment: np.ndarray) -> _Order:
    bounds = np.flatnonzero(np.diff(segment) != 0) + 1
    starts_at = np.concatenate(([0], bounds))
    first = np.minimum.reduceat(t, starts_at)
    last = np.maximum.reduceat(t, starts_at)
    seg_order = np.argsort(first, kind="stable")
    rank = np.empty(len(seg_order), dtype=np.int64)
    rank[seg_order] = np.arange(len(seg_order))
    block = np.repeat(np.arange(len(starts_at)), np.diff(np.append(starts_at, len(t))))
    rows = np.argsort(t, kind="stable")
    rows = rows[np.argsort(rank[block[rows]], kind="stable")]
    breaks = []
    for a, b in zip(seg_order[:-1], seg_order[1:], strict=True):
        if first[b] >= last[a]:  # overlapping segments are not a pause
            breaks.append((int(last[a]), int(first[b])))
    same = segment[1:] == segment[:-1]
    back = int(((np.diff(t) < 0) & same).sum())
    moved = int((seg_order != np.arange(len(seg_order))).sum())
    return _Order(rows, breaks, back, moved)


def _planned_pace(t: np.ndarray, distance: np.ndarray) -> bool:
    """Whether the times are a route planner's: one constant speed along the track.

    Route planners (GPSies, for one) export routes as tracks whose times assume
    a fixed speed, so every point lies within rounding of distance / speed.
    A real recording drifts from its average pace by far more than rounding.
    """
    known = np.isfinite(distance)
    if known.sum() < 8:
        return False
    seconds = (t[known] - t[known][0]) / NS
    metres = distance[known] - distance[known][0]
    if seconds[-1] < 60 or metres[-1] < 100:
        return False
    speed = metres[-1] / seconds[-1]
    drift = np.abs(seconds - metres / speed)
    # Only one-second rounding is allowed: a steady runner still drifts by more.
    return bool(drift.max() <= 1.5)


def _sport(types: list[str]) -> tuple[Sport, str | None]:
    """legday's sport from the first <type> (or keyword) that names one."""
    for original in types:
        sport = normalise_sport(original)
        if sport is not Sport.OTHER:
            return sport, original
    return Sport.OTHER, types[0] if types else None


def _speed_in_kmh(samples: pd.DataFrame) -> bool:
    """Whether the recorded speed is 3.6 times the speed along the positions.

    Some apps (a-rival SpoQ, for one) write km/h where GPX means m/s.
    """
    speed = samples["speed_mps"].to_numpy()[1:]
    if np.isnan(speed).all():
        return False
    seconds = np.diff(time_ns(samples["time"])) / NS
    with np.errstate(invalid="ignore", divide="ignore"):
        moved = np.diff(samples["distance_m"].to_numpy()) / seconds
    usable = np.isfinite(moved) & np.isfinite(speed) & (moved > 0.5) & (speed > 0.5)
    if usable.sum() < 5:
        return False
    ratio = float(np.median(speed[usable] / moved[usable]))
    return 3.0 < ratio < 4.3


def _assemble(points: _Points, meta: _Meta, *, payload: bytes, name: str, fixes: list[str],
              partial: bool) -> Activity:
    t, placeholders, impossible = times_ns(points.time)
    if impossible:
        fixes.append(f"ignored {impossible} impossible times (a time-zone offset beyond "
                     "14 hours)")
    if not (t != NAT).any():
        if placeholders:
            raise NotAnActivity(name, "the track's times are placeholders from before 1980, "
                                "so it cannot be read as a recording")
        raise NotAnActivity(name, _NO_TIMES)
    if placeholders:
        fixes.append(f"ignored {placeholders} placeholder times from before 1980")
    lat = np.asarray(points.lat, dtype=float)
    lon = np.asarray(points.lon, dtype=float)
    ok_lat, ok_lon = _valid_positions(lat, lon)
    t, interpolated = _interpolate_times(t, ok_lat, ok_lon)
    if interpolated:
        fixes.append(f"estimated the time of {interpolated} track points without one "
                     "from the distance between their timed neighbours")
    timed = np.flatnonzero(t != NAT)
    keep = slice(int(timed[0]), int(timed[-1]) + 1)
    dropped = len(t) - (keep.stop - keep.start)
    if dropped:
        fixes.append(f"dropped {dropped} track points before the first or after the last time")
    t = t[keep]
    segment = np.asarray(points.segment, dtype=np.int64)[keep]
    order = _order_segments(t, segment)
    if order.back_steps:
        fixes.append(f"sorted {order.back_steps} samples recorded out of time order")
    if order.segments_moved:
        fixes.append(f"put {order.segments_moved} track segments back in time order")
    rows = order.rows
    sport, sport_original = _sport(meta.types)
    sensors = {c: np.asarray(v, dtype=float)[keep][rows] for c, v in points.sensors.items()}
    if sport in RUNNING_SPORTS:
        sensors["cadence_spm"], doubled = strides_to_steps(sensors["cadence_spm"])
        if doubled:
            fixes.append("running cadence was in strides per minute: doubled to steps")
    distance = _cumulative(ok_lat[keep][rows], ok_lon[keep][rows], segment[rows])
    has_sensors = any(np.isfinite(v).any() for v in sensors.values())
    if not has_sensors and _planned_pace(t[rows], distance):
        raise NotAnActivity(name, "its times follow one constant speed, as route planners write "
                            "them: a planned route, not a recording")
    if np.isfinite(distance).sum() > 1:
        fixes.append("distance computed from positions")
    samples, sample_fixes = make_samples({
        "time": to_datetimes(t[rows]),
        "lat": lat[keep][rows],
        "lon": lon[keep][rows],
        "elevation_m": np.asarray(points.elevation, dtype=float)[keep][rows],
        "distance_m": distance,
        **sensors,
    })
    fixes += sample_fixes
    if samples.empty:
        raise EmptyActivity(name)
    if _speed_in_kmh(samples):
        samples["speed_mps"] = samples["speed_mps"] / 3.6
        fixes.append("speed was recorded in km/h: converted to m/s")
    events = empty_frame(EVENT_COLUMNS)
    if order.breaks:
        stamps = [s for pair in order.breaks for s in pair]
        events = make_frame(EVENT_COLUMNS, {"time": to_datetimes(np.asarray(stamps)),
                                            "event": ["stop", "start"] * len(order.breaks)})
    times = samples["time"]
    elapsed = float((times.iloc[-1] - times.iloc[0]).total_seconds())
    paused = sum(b - a for a, b in order.breaks) / NS
    travelled = samples["distance_m"].dropna()
    first_time = next((v for v in points.time if v is not None), None)
    return Activity(
        id=content_id(payload, 0),
        source=name,
        format="gpx",
        sport=sport,
        name=meta.name,
        sport_original=sport_original,
        device=Device(manufacturer=None, product=meta.creator),
        start_utc=times.iloc[0],
        utc_offset_s=utc_offset_s(first_time),
        elapsed_s=elapsed,
        moving_s=max(elapsed - paused, 0.0),
        distance_m=float(travelled.iloc[-1]) if len(travelled) else None,
        samples=samples,
        timer_events=events,
        partial=partial,
        fixes=fixes,
    )
