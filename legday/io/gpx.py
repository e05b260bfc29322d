"""Read GPX 1.0 and 1.1 recordings into one :class:`~legday.model.Activity`.

A GPX file is one activity: every track and segment is joined in time order,
and the time between two segments is recorded as a timer pause. gpxpy does the
parsing; when it refuses a file (an undeclared XML prefix, track points without
a position, a file cut short) a lenient ElementTree reader salvages what it can.

Sensor values come from whichever extension the device or app wrote (Garmin
TrackPointExtension v1/v2, Cluetrust ``gpxdata``, plain ``<power>``,
``<heartrate>``, ...): they are matched on the element's local name, ignoring
namespace and case.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import gpxpy
import gpxpy.gpx
import numpy as np
import pandas as pd

from legday.errors import CorruptFile, EmptyActivity, LegdayError, NotAnActivity
from legday.io.sport import normalise_sport
from legday.io.xmltools import (
    ENCODING,
    NAT,
    NS,
    UTF16_BOMS,
    check_root,
    declare_missing_prefixes,
    extension_values,
    local,
    parse_number,
    parse_xml,
    prefix_fix,
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

#: Extension element local names (lower case) and the sample column they fill.
_EXTENSION_COLUMNS: dict[str, str] = {
    "hr": "heart_rate",
    "heartrate": "heart_rate",
    "heart_rate": "heart_rate",
    "bpm": "heart_rate",
    "cad": "cadence_spm",
    "cadence": "cadence_spm",
    "runcadence": "cadence_spm",
    "rpm": "cadence_spm",
    "atemp": "temperature_c",
    "wtemp": "temperature_c",
    "temp": "temperature_c",
    "temperature": "temperature_c",
    "power": "power_w",
    "watts": "power_w",
    "speed": "speed_mps",
}
_SENSOR_COLUMNS = ("speed_mps", "heart_rate", "cadence_spm", "power_w", "temperature_c")

# Children of a GPX point that are not sensor values, whatever the version.
_GPX_POINT_TAGS = frozenset(
    "ele time magvar geoidheight name cmt desc src link url urlname sym type fix sat "
    "hdop vdop pdop ageofdgpsdata dgpsid course speed extensions".split()
)

_NO_TIMES = "this is a planned route without times, not a recording"


@dataclass
class _Points:
    """Raw GPX points in document order, one list per column."""

    lat: list[float] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    elevation: list[float] = field(default_factory=list)
    time: list[Any] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)
    sensors: dict[str, list[float]] = field(
        default_factory=lambda: {c: [] for c in _SENSOR_COLUMNS}
    )

    def add(self, lat: float | None, lon: float | None, elevation: float | None, time: Any,
            segment: int, speed: float | None, extensions: dict[str, float]) -> None:
        self.lat.append(math.nan if lat is None else lat)
        self.lon.append(math.nan if lon is None else lon)
        self.elevation.append(math.nan if elevation is None else elevation)
        self.time.append(time)
        self.segment.append(segment)
        if speed is not None and not math.isnan(speed):
            extensions = {**extensions, "speed_mps": speed}
        for column, values in self.sensors.items():
            values.append(extensions.get(column, math.nan))


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
    try:
        return [_read_gpx(payload, name)]
    except LegdayError:
        raise
    except Exception as exc:
        raise CorruptFile(name, "the GPX file is damaged or laid out in an unreadable way") from exc


def _read_gpx(payload: bytes, name: str) -> Activity:
    data = xml_bytes(payload)
    check_root(data, name, {"gpx"}, "GPX")
    fixes: list[str] = []
    text = _decode(data)
    gpx = _try_gpxpy(text)
    repaired = data
    if gpx is None:
        repaired, declared = declare_missing_prefixes(data)
        if declared:
            fixes.append(prefix_fix(declared))
            text = _decode(repaired)
            gpx = _try_gpxpy(text)
    partial = False
    if gpx is not None:
        points, meta = _from_gpxpy(gpx, text, name)
    else:
        xml = parse_xml(repaired)
        if xml.root is None:
            raise CorruptFile(name, f"the GPX file is damaged: {xml.problem}")
        fixes += xml.fixes
        partial = xml.partial
        try:
            points, meta = _from_tree(xml.root, name)
            missing = sum(1 for lat, lon in zip(points.lat, points.lon, strict=True)
                          if math.isnan(lat) or math.isnan(lon))
            if missing:
                fixes.append(f"{missing} track points had no position; kept their other values")
            return _assemble(points, meta, payload=payload, name=name, fixes=fixes,
                             partial=partial)
        except NotAnActivity as exc:
            if not partial:
                raise
            # What survived of a damaged file says nothing about what the file was.
            raise CorruptFile(name, "the GPX file is damaged before its first usable "
                              "track point") from exc
    return _assemble(points, meta, payload=payload, name=name, fixes=fixes, partial=partial)


def _decode(data: bytes) -> str:
    """The document as text, in its declared encoding when it is not UTF-8."""
    if data.startswith(UTF16_BOMS):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        match = ENCODING.search(data[:200])
        try:
            return data.decode(match.group(1).decode("ascii") if match else "latin-1", "replace")
        except LookupError:
            return data.decode("latin-1")


def _try_gpxpy(text: str, version: str | None = None) -> gpxpy.gpx.GPX | None:
    try:
        return gpxpy.parse(text, version=version)
    except Exception:  # gpxpy raises its own and the XML library's exceptions
        return None


def _gpxpy_points(gpx: gpxpy.gpx.GPX) -> tuple[list[Any], list[int], int]:
    """Track points in document order with segment numbers, else timed route points.

    Returns the points, their segment numbers and the number of route points.
    """
    points: list[Any] = []
    segments: list[int] = []
    number = 0
    for track in gpx.tracks:
        for segment in track.segments:
            points.extend(segment.points)
            segments.extend([number] * len(segment.points))
            number += 1
    route_points = sum(len(route.points) for route in gpx.routes)
    if not points and any(p.time is not None for r in gpx.routes for p in r.points):
        for route in gpx.routes:
            points.extend(route.points)
            segments.extend([number] * len(route.points))
            number += 1
    return points, segments, route_points


def _other_version_points(text: str, gpx: gpxpy.gpx.GPX, count: int) -> list[Any] | None:
    """The same points parsed under the other GPX version, when that reads more.

    gpxpy reads only ``<extensions>`` in GPX 1.1 and only ``<speed>`` in GPX 1.0,
    but exporters write either into both versions.
    """
    if (gpx.version or "1.0") == "1.0":
        if "extensions>" not in text:
            return None
        other = _try_gpxpy(text, "1.1")
    else:
        if "</speed>" not in text:
            return None
        other = _try_gpxpy(text, "1.0")
    if other is None:
        return None
    points = _gpxpy_points(other)[0]
    return points if len(points) == count else None


def _from_gpxpy(gpx: gpxpy.gpx.GPX, text: str, name: str) -> tuple[_Points, _Meta]:
    found, segments, route_points = _gpxpy_points(gpx)
    if not found:
        raise NotAnActivity(name, _NO_TIMES if route_points else "the file has no track points")
    alternates = _other_version_points(text, gpx, len(found))
    points = _Points()
    for i, (p, segment) in enumerate(zip(found, segments, strict=True)):
        # Route points have no speed attribute in gpxpy.
        speed, extensions = getattr(p, "speed", None), p.extensions
        if alternates is not None:
            speed = speed if speed is not None else getattr(alternates[i], "speed", None)
            extensions = extensions or alternates[i].extensions
        values = extension_values(extensions, _EXTENSION_COLUMNS) if extensions else {}
        points.add(p.latitude, p.longitude, p.elevation, p.time, segment, speed, values)
    types = [t for t in [*(k.type for k in gpx.tracks), *(r.type for r in gpx.routes)] if t]
    if gpx.keywords:
        types += [k.strip() for k in gpx.keywords.split(",") if k.strip()]
    names = [t.name for t in gpx.tracks if t.name] + [gpx.name or ""]
    meta = _Meta(creator=gpx.creator or None, name=next((n for n in names if n), None),
                 types=types)
    return points, meta


def _children(elem: ET.Element, tag: str) -> list[ET.Element]:
    return [child for child in elem if local(child.tag) == tag]


def _text(elem: ET.Element, tag: str) -> str | None:
    for child in elem:
        if local(child.tag) == tag:
            text = (child.text or "").strip()
            return text or None
    return None


def _from_tree(root: ET.Element, name: str) -> tuple[_Points, _Meta]:
    """Read points from an ElementTree of a GPX file gpxpy refused, leniently."""
    containers: list[list[ET.Element]] = []
    for track in _children(root, "trk"):
        containers += [_children(seg, "trkpt") for seg in _children(track, "trkseg")]
    route_points = sum(len(_children(r, "rtept")) for r in _children(root, "rte"))
    if not any(containers):
        routes = [_children(r, "rtept") for r in _children(root, "rte")]
        if any(_text(p, "time") for route in routes for p in route):
            containers = routes
    if not any(containers):
        raise NotAnActivity(name, _NO_TIMES if route_points else "the file has no track points")
    points = _Points()
    for number, container in enumerate(containers):
        for point in container:
            _add_tree_point(points, point, number)
    metadata = _children(root, "metadata")
    meta_name = _text(metadata[0], "name") if metadata else _text(root, "name")
    keywords = (_text(metadata[0], "keywords") if metadata else _text(root, "keywords")) or ""
    types = [t for trk in _children(root, "trk") + _children(root, "rte")
             if (t := _text(trk, "type"))]
    types += [k.strip() for k in keywords.split(",") if k.strip()]
    names = [n for trk in _children(root, "trk") if (n := _text(trk, "name"))]
    meta = _Meta(creator=root.get("creator") or None,
                 name=names[0] if names else meta_name, types=types)
    return points, meta


def _add_tree_point(points: _Points, point: ET.Element, segment: int) -> None:
    elevation = speed = None
    time: str | None = None
    extensions: list[ET.Element] = []
    for child in point:
        tag = local(child.tag)
        if tag == "ele":
            elevation = parse_number(child.text)
        elif tag == "time":
            time = (child.text or "").strip() or None
        elif tag == "speed":
            speed = parse_number(child.text)
        elif tag == "extensions" or tag not in _GPX_POINT_TAGS:
            # GPX 1.0 allows extension elements straight inside the point.
            extensions.append(child)
    values = extension_values(extensions, _EXTENSION_COLUMNS) if extensions else {}
    points.add(parse_number(point.get("lat")), parse_number(point.get("lon")), elevation, time,
               segment, speed, values)


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
    t, placeholders = times_ns(points.time)
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
