"""The canonical activity model every reader returns (documented in docs/model.md).

Readers build plain column arrays and call :func:`make_samples`, which fixes the
column set, dtypes and units and repairs messy ordering deterministically,
returning the list of fixes it made so the caller can record them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from legday.errors import MissingColumn


class Sport(StrEnum):
    """legday's small sport vocabulary; the original names are kept beside it."""

    RUN = "run"
    TRAIL_RUN = "trail_run"
    TREADMILL_RUN = "treadmill_run"
    WALK = "walk"
    HIKE = "hike"
    RIDE = "ride"
    SWIM = "swim"
    STRENGTH = "strength"
    OTHER = "other"


RUNNING_SPORTS = frozenset({Sport.RUN, Sport.TRAIL_RUN, Sport.TREADMILL_RUN})

#: Canonical sample columns and their dtypes; units are in the names.
SAMPLE_COLUMNS: dict[str, str] = {
    "time": "datetime64[ns, UTC]",
    "lat": "float64",  # degrees WGS84
    "lon": "float64",  # degrees WGS84
    "elevation_m": "float64",
    "distance_m": "float64",  # cumulative from the start
    "speed_mps": "float64",
    "heart_rate": "float64",  # beats per minute
    "cadence_spm": "float64",  # steps per minute when running (FIT strides doubled)
    "power_w": "float64",
    "temperature_c": "float64",
}

LAP_COLUMNS: dict[str, str] = {
    "start": "datetime64[ns, UTC]",
    "end": "datetime64[ns, UTC]",
    "elapsed_s": "float64",
    "timer_s": "float64",
    "distance_m": "float64",
    "trigger": "object",  # manual, distance, time, position, session_end, ...
    "intensity": "object",  # active, rest, warmup, cooldown, recovery, interval or None
}

EVENT_COLUMNS: dict[str, str] = {
    "time": "datetime64[ns, UTC]",
    "event": "object",  # "start" or "stop" (timer)
}

SET_COLUMNS: dict[str, str] = {
    "start": "datetime64[ns, UTC]",
    "duration_s": "float64",
    "set_type": "object",  # active or rest
    "category": "object",  # e.g. squat, deadlift (Garmin exercise category)
    "exercise": "object",  # exercise name when recorded, else None
    "reps": "float64",
    "weight_kg": "float64",
}


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    """An empty frame with the given columns and dtypes."""
    return make_frame(columns, {})


def _column(dtype: str, values: Any, n: int) -> pd.Series:
    if values is None:
        if dtype == "float64":
            return pd.Series(np.full(n, np.nan))
        if dtype.startswith("datetime64"):
            return pd.Series(pd.NaT, index=range(n), dtype=dtype)
        return pd.Series([None] * n, dtype="object")
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime(pd.Series(values), utc=True), dtype=dtype)
    if dtype == "float64":
        return pd.to_numeric(pd.Series(values), errors="coerce").astype("float64")
    return pd.Series(values, dtype="object")


def make_frame(columns: dict[str, str], data: dict[str, Any]) -> pd.DataFrame:
    """Build a frame with exactly ``columns`` (absent ones filled with NaN/None)."""
    lengths = {len(v) for v in data.values() if v is not None}
    if len(lengths) > 1:
        raise ValueError(f"columns of unequal length: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    return pd.DataFrame({name: _column(dtype, data.get(name), n)
                         for name, dtype in columns.items()})


def haversine_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray,
                lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance between coordinate arrays. [m]"""
    r = 6_371_008.8
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2 - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def cumulative_distance_m(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Cumulative 2D distance along a track; gaps in position add nothing. [m]"""
    n = len(lat)
    if n == 0:
        return np.zeros(0)
    valid = ~(np.isnan(lat) | np.isnan(lon))
    steps = np.zeros(n)
    idx = np.flatnonzero(valid)
    if len(idx) > 1:
        steps[idx[1:]] = haversine_m(lat[idx[:-1]], lon[idx[:-1]], lat[idx[1:]], lon[idx[1:]])
    out = np.cumsum(steps)
    out[: idx[0] if len(idx) else n] = np.nan if len(idx) == 0 else 0.0
    return out


def make_samples(data: dict[str, Any]) -> tuple[pd.DataFrame, list[str]]:
    """Build the canonical samples frame and repair messy recordings.

    Repairs are deterministic: rows without a time are dropped, rows are sorted
    by time (stable), repeated timestamps keep the last record merged over the
    earlier ones, zero-only heart rate becomes NaN, and ``distance_m`` is
    computed from positions when the device did not record it.

    Returns
    -------
    samples, fixes
        The canonical frame and one short sentence per repair made.
    """
    fixes: list[str] = []
    df = make_frame(SAMPLE_COLUMNS, data)
    n0 = len(df)
    if n0 == 0:
        return df, fixes
    df = df[df["time"].notna()]
    if len(df) < n0:
        fixes.append(f"dropped {n0 - len(df)} samples without a timestamp")
    t_ns = time_ns(df["time"])
    if len(t_ns) > 1 and (np.diff(t_ns) < 0).any():
        back = int((np.diff(t_ns) < 0).sum())
        df = df.sort_values("time", kind="stable")
        fixes.append(f"sorted {back} samples recorded out of time order")
    if df["time"].duplicated().any():
        n1 = len(df)
        # Later records win, but a field they lack is taken from the earlier ones.
        df = df.groupby("time", sort=True, as_index=False).last()
        fixes.append(f"merged {n1 - len(df)} samples with repeated timestamps")
    hr = df["heart_rate"]
    if hr.notna().any() and (hr.fillna(0) == 0).all():
        df = df.assign(heart_rate=np.nan)
        fixes.append("heart rate was zero throughout (no sensor): treated as absent")
    elif (hr == 0).any():
        df = df.assign(heart_rate=hr.where(hr != 0))
    content = [c for c in SAMPLE_COLUMNS if c != "time"]
    trailing_empty = df[content].isna().all(axis=1).to_numpy()
    if len(trailing_empty) and trailing_empty[-1]:
        last_data = np.flatnonzero(~trailing_empty)
        keep = int(last_data[-1]) + 1 if len(last_data) else 0
        fixes.append(f"dropped {len(df) - keep} empty trailing samples")
        df = df.iloc[:keep]
    for col in ("lat", "lon"):
        bad = df[col].abs() > (90 if col == "lat" else 180)
        if bad.any():
            df.loc[bad, ["lat", "lon"]] = np.nan
            fixes.append(f"removed {int(bad.sum())} impossible positions")
    null_island = (df["lat"] == 0) & (df["lon"] == 0)
    if null_island.any():
        df.loc[null_island, ["lat", "lon"]] = np.nan
        fixes.append(f"removed {int(null_island.sum())} positions at 0°,0°")
    lo, hi = ALTITUDE_RANGE_M
    impossible = (df["elevation_m"] < lo) | (df["elevation_m"] > hi)
    if impossible.any():
        df.loc[impossible, "elevation_m"] = np.nan
        fixes.append(f"removed {int(impossible.sum())} impossible altitudes "
                     f"(below {lo:.0f} m or above {hi:.0f} m)")
    spikes = altitude_spikes(df["elevation_m"])
    if spikes.any():
        df.loc[spikes, "elevation_m"] = np.nan
        fixes.append(f"removed {int(spikes.sum())} altitude spikes")
    if df["distance_m"].isna().all() and df["lat"].notna().sum() > 1:
        df = df.assign(distance_m=cumulative_distance_m(df["lat"].to_numpy(),
                                                        df["lon"].to_numpy()))
        fixes.append("distance computed from positions")
    df = df.reset_index(drop=True)
    return df, fixes


def time_ns(times: pd.Series) -> np.ndarray:
    """Nanoseconds since the epoch of a tz-aware time column, as int64."""
    return times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[ns]").view("int64")


#: Lowest and highest altitudes a recording can plausibly have. [m]
ALTITUDE_RANGE_M = (-450.0, 9000.0)
#: How far a sample may stand from the median of its neighbours before it is a spike. [m]
ALTITUDE_SPIKE_M = 25.0


def altitude_spikes(elevation_m: pd.Series) -> pd.Series:
    """Samples whose altitude jumps away from its neighbours and back.

    A sample more than :data:`ALTITUDE_SPIKE_M` from the median of the seven
    samples around it is a spike: a real climb or descent moves the median
    with it, a glitch does not.
    """
    median = elevation_m.rolling(7, center=True, min_periods=3).median()
    return ((elevation_m - median).abs() > ALTITUDE_SPIKE_M).fillna(False).astype(bool)


def validate_samples(df: pd.DataFrame) -> None:
    """Raise :class:`MissingColumn` unless ``df`` has every canonical column."""
    for name in SAMPLE_COLUMNS:
        if name not in df.columns:
            raise MissingColumn(name)


def content_id(payload: bytes, *parts: object) -> str:
    """Stable activity id: a hash of the file's bytes (plus e.g. a session index)."""
    h = hashlib.sha256(payload)
    for part in parts:
        h.update(b"\0" + str(part).encode())
    return h.hexdigest()[:20]


@dataclass(frozen=True)
class Device:
    manufacturer: str | None = None
    product: str | None = None

    def __str__(self) -> str:
        return " ".join(p for p in (self.manufacturer, self.product) if p) or "unknown"


@dataclass
class Activity:
    """One activity: file-level facts plus its samples, laps, pauses and sets.

    Times are UTC; ``utc_offset_s`` is the local offset when the file or the
    export says it (local time = UTC + offset).
    """

    id: str
    source: str
    format: str  # fit, gpx, tcx or strava_csv
    sport: Sport
    member: str | None = None
    name: str | None = None
    sport_original: str | None = None
    sub_sport_original: str | None = None
    device: Device = field(default_factory=Device)
    start_utc: pd.Timestamp | None = None
    utc_offset_s: int | None = None
    elapsed_s: float | None = None
    moving_s: float | None = None
    distance_m: float | None = None
    samples: pd.DataFrame = field(default_factory=lambda: empty_frame(SAMPLE_COLUMNS))
    laps: pd.DataFrame = field(default_factory=lambda: empty_frame(LAP_COLUMNS))
    timer_events: pd.DataFrame = field(default_factory=lambda: empty_frame(EVENT_COLUMNS))
    sets: pd.DataFrame = field(default_factory=lambda: empty_frame(SET_COLUMNS))
    partial: bool = False
    fixes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_running(self) -> bool:
        return self.sport in RUNNING_SPORTS

    @property
    def points(self) -> int:
        return len(self.samples)

    @property
    def has_hr(self) -> bool:
        return bool(self.samples["heart_rate"].notna().any())

    @property
    def has_elevation(self) -> bool:
        return bool(self.samples["elevation_m"].notna().any())

    @property
    def has_position(self) -> bool:
        return bool(self.samples["lat"].notna().any())

    @property
    def duration_s(self) -> float | None:
        """Elapsed time, from the file's summary or else from the samples. [s]"""
        if self.elapsed_s is not None:
            return self.elapsed_s
        if len(self.samples) > 1:
            t = self.samples["time"]
            return float((t.iloc[-1] - t.iloc[0]).total_seconds())
        return None

    @property
    def label(self) -> str:
        """The path a runner recognises: the file, plus the archive member."""
        return f"{self.source}!{self.member}" if self.member else self.source

    def summary(self) -> dict[str, Any]:
        """The ingest CLI's JSON object for this activity."""
        dist = self.distance_m
        if dist is None and self.samples["distance_m"].notna().any():
            dist = float(self.samples["distance_m"].max())
        return {
            "file": self.source,
            "member": self.member,
            "id": self.id,
            "sport": self.sport.value,
            "sport_original": self.sport_original,
            "name": self.name,
            "device": str(self.device),
            "start": iso_utc(self.start_utc),
            "utc_offset_s": self.utc_offset_s,
            "duration_s": _round(self.duration_s),
            "moving_s": _round(self.moving_s),
            "distance_m": _round(dist),
            "points": self.points,
            "has_hr": self.has_hr,
            "has_elevation": self.has_elevation,
            "has_position": self.has_position,
            "laps": len(self.laps),
            "sets": int((self.sets["set_type"] == "active").sum()) if len(self.sets) else 0,
            "partial": self.partial,
            "fixes": list(self.fixes),
        }


def iso_utc(ts: pd.Timestamp | None) -> str | None:
    """ISO 8601 UTC with a ``Z``, whole seconds unless the time has a fraction."""
    if ts is None or pd.isna(ts):
        return None
    return ts.tz_convert("UTC").isoformat().replace("+00:00", "Z")


def _round(value: float | None) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 1)
