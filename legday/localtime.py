"""Local wall-clock time: the one rule every table, chart and page counts days and weeks by.

An activity's local time is its UTC time plus the file's own offset (``utc_offset_s``,
from FIT's local timestamp or the export): that is where the athlete was. A file
without one is converted in the settings' time zone (IANA name); without that, UTC.
Local times are naive (no zone): they are only ever shown or grouped by day.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def _utc(start_utc: Any) -> pd.Timestamp:
    ts = pd.Timestamp(start_utc)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _has_offset(utc_offset_s: Any) -> bool:
    return utc_offset_s is not None and not pd.isna(utc_offset_s)


def local_start(start_utc: Any, utc_offset_s: Any, timezone: str | None) -> pd.Timestamp:
    """Naive local time of one UTC instant: plus the file's offset, else in ``timezone``."""
    ts = _utc(start_utc)
    if _has_offset(utc_offset_s):
        return (ts + pd.Timedelta(seconds=int(utc_offset_s))).tz_localize(None)
    return ts.tz_convert(timezone or "UTC").tz_localize(None)


def utc_offset_s(start_utc: Any, utc_offset_s: Any, timezone: str | None) -> int:
    """The local offset at a start: the file's own, else the time zone's on that day. [s]"""
    if _has_offset(utc_offset_s):
        return int(utc_offset_s)
    ts = _utc(start_utc)
    return int((local_start(ts, None, timezone) - ts.tz_localize(None)).total_seconds())


def local_times(times: pd.Series, utc_offset_s: Any, timezone: str | None = None) -> pd.Series:
    """Naive local times of one activity's UTC times (one offset for all of them)."""
    if _has_offset(utc_offset_s):
        shifted = times.dt.tz_convert("UTC") + pd.Timedelta(seconds=int(utc_offset_s))
        return shifted.dt.tz_localize(None)
    return times.dt.tz_convert(timezone or "UTC").dt.tz_localize(None)


def local_starts(start_utc: pd.Series, utc_offsets_s: pd.Series,
                 timezone: str | None) -> pd.Series:
    """Naive local starts of many activities, each with its own offset (NaN: ``timezone``)."""
    utc = pd.to_datetime(start_utc, utc=True)
    offsets = pd.to_numeric(utc_offsets_s, errors="coerce")
    by_offset = utc.dt.tz_localize(None) + pd.to_timedelta(offsets.fillna(0), unit="s")
    by_zone = utc.dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
    return by_offset.where(offsets.notna(), by_zone)


# --- the time zone the watch files say ----------------------------------------------------------

def _zone_table() -> list[tuple[str, float, float]]:
    """Canonical IANA zones with their main city's position (``zone1970.tab``). [deg]"""
    import importlib.resources
    from pathlib import Path

    text = ""
    try:
        text = (importlib.resources.files("tzdata.zoneinfo") / "zone1970.tab").read_text(
            encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        system = Path("/usr/share/zoneinfo/zone1970.tab")
        text = system.read_text(encoding="utf-8") if system.is_file() else ""
    zones = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 3:
            lat, lon = _iso6709(parts[1])
            zones.append((parts[2], lat, lon))
    return zones


def _iso6709(text: str) -> tuple[float, float]:
    """``+DDMM+DDDMM`` or ``+DDMMSS+DDDMMSS`` as degrees."""
    split = max(text.rfind("+"), text.rfind("-"))
    values = []
    for part, degree_digits in ((text[:split], 2), (text[split:], 3)):
        sign = -1.0 if part[0] == "-" else 1.0
        digits = part[1:]
        degrees = float(digits[:degree_digits])
        minutes = float(digits[degree_digits:degree_digits + 2] or 0)
        seconds = float(digits[degree_digits + 2:] or 0)
        values.append(sign * (degrees + minutes / 60 + seconds / 3600))
    return values[0], values[1]


def watch_timezone(start_utc: pd.Series, utc_offsets_s: pd.Series,
                   lat: float | None = None, lon: float | None = None,
                   ) -> tuple[str, int, int] | None:
    """The time zone the watch files say: the IANA zone whose offset on each start day equals
    the most files' own offsets (summer and winter time included), as ``(zone, files it fits,
    files with an offset)``; None when no file has an offset.

    Zones that fit as many files (Berlin, Paris, Rome, ...) are told apart by the runs'
    position (``lat``/``lon``, e.g. their median start): the zone whose main city is nearest.
    """
    frame = pd.DataFrame({"start": pd.to_datetime(start_utc, utc=True),
                          "offset": pd.to_numeric(utc_offsets_s, errors="coerce")}).dropna()
    if frame.empty:
        return None
    # One row per (hour, offset): a big library costs no more than a season.
    frame = (frame.assign(start=frame["start"].dt.floor("h"), offset=frame["offset"].round())
             .groupby(["start", "offset"]).size().rename("files").reset_index())
    best: tuple[int, float, str] | None = None
    per_offset = frame.groupby("offset")["files"].sum()
    modal = float(per_offset.index[int(per_offset.to_numpy().argmax())])
    common = pd.Timestamp(frame.loc[frame["offset"] == modal, "start"].iloc[0])
    for zone, zone_lat, zone_lon in _zone_table():
        if not _offset_is(zone, common, modal):
            continue  # wrong for a start with the most common offset: cannot fit most files
        local = frame["start"].dt.tz_convert(zone)
        offsets = (local.dt.tz_localize(None) - frame["start"].dt.tz_localize(None))
        fits = int(frame["files"][offsets.dt.total_seconds() == frame["offset"]].sum())
        distance = (0.0 if lat is None or lon is None
                    else (zone_lat - lat) ** 2 + ((zone_lon - lon) * _cos_deg(lat)) ** 2)
        if fits and (best is None or (fits, -distance) > (best[0], -best[1])):
            best = (fits, distance, zone)
    if best is None:
        return None
    return best[2], best[0], int(frame["files"].sum())


def _offset_is(zone: str, start: pd.Timestamp, offset_s: float) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        shift = start.to_pydatetime().astimezone(ZoneInfo(zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return shift is not None and shift.total_seconds() == offset_s


def _cos_deg(lat: float) -> float:
    import math

    return math.cos(math.radians(lat))
