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
