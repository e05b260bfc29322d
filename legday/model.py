"""The canonical activity model every reader returns (documented in docs/model.md).

Readers build plain column arrays and call :func:`make_samples`, which fixes the
column set, dtypes and units and repairs messy ordering deterministically,
returning the list of fixes it made so the caller can record them.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from legday.errors import MissingColumn
from legday.schema import EARTH_RADIUS_M


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


def _column(dtype: str, values: Any, n: int) -> Any:
    """One column's values as ``dtype``: an array, or an object Series on a 0..n-1 index."""
    if dtype.startswith("datetime64"):
        if values is None:
            values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        if isinstance(values, np.ndarray) and values.dtype == np.dtype("datetime64[ns]"):
            return pd.array(values, dtype=_UTC_NS)
        return pd.Series(pd.to_datetime(pd.Series(values), utc=True), dtype=dtype).array
    if dtype == "float64":
        if values is None:
            return np.full(n, np.nan)
        if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
            return values.astype(np.float64)
        if isinstance(values, list) and all(type(v) in _PLAIN_NUMBERS for v in values):
            return np.array(values, dtype=np.float64)
        return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy("float64")
    objects = np.empty(n, dtype=object)
    if values is not None:
        objects[:] = list(values)
    # A Series keeps the object dtype that a plain array would lose to string inference.
    return pd.Series(objects, dtype="object")


_UTC_NS = pd.DatetimeTZDtype("ns", "UTC")
_PLAIN_NUMBERS = frozenset({float, int, type(None)})


def make_frame(columns: dict[str, str], data: dict[str, Any]) -> pd.DataFrame:
    """Build a frame with exactly ``columns`` (absent ones filled with NaN/None)."""
    n, arrays = _columns(columns, data)
    if n == 0:
        return _empty(tuple(columns.items())).copy()
    return pd.DataFrame(arrays, index=pd.RangeIndex(n))


def _columns(columns: dict[str, str], data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    lengths = {len(v) for v in data.values() if v is not None}
    if len(lengths) > 1:
        raise ValueError(f"columns of unequal length: {sorted(lengths)}")
    n = lengths.pop() if lengths else 0
    return n, {name: _column(dtype, data.get(name), n) for name, dtype in columns.items()}


@functools.cache
def _empty(columns: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    return pd.DataFrame({name: _column(dtype, None, 0) for name, dtype in columns},
                        index=pd.RangeIndex(0))


def haversine_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray,
                lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance between coordinate arrays. [m]"""
    r = EARTH_RADIUS_M
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
    n0, arrays = _columns(SAMPLE_COLUMNS, data)
    if n0 == 0:
        return make_frame(SAMPLE_COLUMNS, {}), fixes
    # The repairs run on plain arrays; the frame is built once at the end.
    t = arrays.pop("time").asi8.copy()
    c = {name: np.array(values, dtype=np.float64) for name, values in arrays.items()}
    timed = t != _NAT
    if not timed.all():
        t, c = t[timed], {k: v[timed] for k, v in c.items()}
        fixes.append(f"dropped {n0 - len(t)} samples without a timestamp")
    jumps = _time_jumps(t)
    if jumps.any():
        t, c = t[~jumps], {k: v[~jumps] for k, v in c.items()}
        fixes.append(f"dropped {int(jumps.sum())} samples whose time jumps away from the "
                     "samples around them and back (a damaged timestamp)")
    steps = np.diff(t)
    if len(t) > 1 and (steps < 0).any():
        order = np.argsort(t, kind="stable")
        t, c = t[order], {k: v[order] for k, v in c.items()}
        fixes.append(f"sorted {int((steps < 0).sum())} samples recorded out of time order")
        steps = np.diff(t)
    run = _largest_run(t)
    if not run.all():
        t, c = t[run], {k: v[run] for k, v in c.items()}
        fixes.append(f"dropped {int((~run).sum())} samples more than a day away from the "
                     "rest (damaged timestamps)")
        steps = np.diff(t)
    if len(t) > 1 and (steps == 0).any():
        n1 = len(t)
        t, c = _merge_repeated(t, c)
        fixes.append(f"merged {n1 - len(t)} samples with repeated timestamps")
    hr = c["heart_rate"]
    if (~np.isnan(hr)).any() and (np.nan_to_num(hr) == 0).all():
        c["heart_rate"] = np.full(len(hr), np.nan)
        fixes.append("heart rate was zero throughout (no sensor): treated as absent")
    else:
        hr[hr == 0] = np.nan
    has_data = np.zeros(len(t), dtype=bool)
    for values in c.values():
        has_data |= ~np.isnan(values)
    if len(t) and not has_data[-1]:
        with_data = np.flatnonzero(has_data)
        keep = int(with_data[-1]) + 1 if len(with_data) else 0
        fixes.append(f"dropped {len(t) - keep} empty trailing samples")
        t, c = t[:keep], {k: v[:keep] for k, v in c.items()}
    lat, lon = c["lat"], c["lon"]
    for values, limit in ((lat, 90), (lon, 180)):
        bad = np.abs(values) > limit
        if bad.any():
            lat[bad] = lon[bad] = np.nan
            fixes.append(f"removed {int(bad.sum())} impossible positions")
    null_island = (lat == 0) & (lon == 0)
    if null_island.any():
        lat[null_island] = lon[null_island] = np.nan
        fixes.append(f"removed {int(null_island.sum())} positions at 0°,0°")
    elevation = c["elevation_m"]
    lo, hi = ALTITUDE_RANGE_M
    impossible = (elevation < lo) | (elevation > hi)
    if impossible.any():
        elevation[impossible] = np.nan
        fixes.append(f"removed {int(impossible.sum())} impossible altitudes "
                     f"(below {lo:.0f} m or above {hi:.0f} m)")
    if _may_spike(elevation):
        spikes = altitude_spikes(pd.Series(elevation)).to_numpy()
        if spikes.any():
            elevation[spikes] = np.nan
            fixes.append(f"removed {int(spikes.sum())} altitude spikes")
    if np.isnan(c["distance_m"]).all() and (~np.isnan(lat)).sum() > 1:
        c["distance_m"] = cumulative_distance_m(lat, lon)
        fixes.append("distance computed from positions")
    columns: dict[str, Any] = {"time": pd.array(t.view("datetime64[ns]"), dtype=_UTC_NS)}
    columns.update(c)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(t))), fixes


_NAT = np.iinfo(np.int64).min
#: A sample further than this from both neighbours, which agree with each other, has a
#: damaged time: kept, it would stretch its activity. [s]
TIME_JUMP_S = 600.0


def _time_jumps(t: np.ndarray) -> np.ndarray:
    """Samples (in recording order) whose time leaves its neighbours' and comes back.

    The neighbours must lie close to each other, so a real pause (a gap that stays)
    is never taken for one; the first and last samples have one neighbour and stay.
    """
    jump = np.zeros(len(t), dtype=bool)
    if len(t) < 3:
        return jump
    limit = int(TIME_JUMP_S * 1e9)
    before, here, after = t[:-2], t[1:-1], t[2:]
    neighbours_agree = np.abs(after - before) <= limit
    jump[1:-1] = neighbours_agree & (np.abs(here - before) > limit) & (
        np.abs(here - after) > limit)
    return jump


#: No gap inside one activity is this long: samples beyond it are damaged. [s]
MAX_GAP_S = 86_400.0


def _largest_run(t: np.ndarray) -> np.ndarray:
    """Which samples (sorted by time) belong to the largest run without a day-long gap."""
    keep = np.ones(len(t), dtype=bool)
    cuts = np.flatnonzero(np.diff(t) > int(MAX_GAP_S * 1e9)) + 1
    if len(cuts):
        bounds = np.concatenate(([0], cuts, [len(t)]))
        largest = int(np.argmax(np.diff(bounds)))
        keep[:] = False
        keep[bounds[largest] : bounds[largest + 1]] = True
    return keep


def _merge_repeated(t: np.ndarray, c: dict[str, np.ndarray]) -> tuple[np.ndarray,
                                                                      dict[str, np.ndarray]]:
    """One row per time (``t`` sorted): each column's last non-missing value in the group."""
    starts = np.concatenate(([0], np.flatnonzero(np.diff(t)) + 1))
    rows = np.arange(len(t))
    merged = {}
    for name, values in c.items():
        last = np.maximum.reduceat(np.where(np.isnan(values), -1, rows), starts)
        merged[name] = np.where(last >= 0, values[np.maximum(last, 0)], np.nan)
    return t[starts], merged


def _may_spike(elevation: np.ndarray) -> bool:
    """Whether any sample stands more than the spike limit from a neighbour in its window.

    A sample and the median of its window both lie between the window's lowest and
    highest values, so no spike is possible where that range is within the limit.
    """
    half = 3
    if np.isnan(elevation).all():
        return False
    padded = np.concatenate((np.full(half, np.nan), elevation, np.full(half, np.nan)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    highest = np.where(np.isnan(windows), -np.inf, windows).max(axis=1)
    lowest = np.where(np.isnan(windows), np.inf, windows).min(axis=1)
    return bool((highest - lowest > ALTITUDE_SPIKE_M).any())


def time_ns(times: pd.Series | pd.DatetimeIndex) -> npt.NDArray[np.int64]:
    """Nanoseconds since the epoch of a UTC time column or index (NaT as int64 min)."""
    arr: Any = times.array if isinstance(times, pd.Series) else times
    if not isinstance(arr, pd.arrays.DatetimeArray | pd.DatetimeIndex):
        arr = pd.DatetimeIndex(arr)
    # asi8 counts from the epoch in UTC whatever the zone; only the unit may differ.
    if arr.unit != "ns":
        arr = arr.as_unit("ns")
    return np.asarray(arr.asi8, dtype=np.int64)


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


@dataclass(frozen=True)
class WorkoutStep:
    """One step of a structured workout (a FIT ``workout_step`` message).

    ``duration_type`` is the FIT name (time, distance, open, repeat_until_steps_cmplt...);
    a repeat step goes back to step ``repeat_from`` and runs it ``repeat_count`` times.
    """

    index: int
    duration_type: str | None = None
    duration_s: float | None = None
    distance_m: float | None = None
    repeat_from: int | None = None
    repeat_count: int | None = None
    intensity: str | None = None  # active, rest, warmup, cooldown, recovery, interval
    name: str | None = None


@dataclass(frozen=True)
class Workout:
    """The structured workout a watch followed during the activity (its plan)."""

    name: str | None
    steps: tuple[WorkoutStep, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "steps": [dict(vars(step)) for step in self.steps]}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Workout | None:
        if not isinstance(data, dict):
            return None
        fields = set(WorkoutStep.__dataclass_fields__)
        steps = tuple(WorkoutStep(**{k: v for k, v in step.items() if k in fields})
                      for step in data.get("steps") or () if isinstance(step, dict))
        return cls(data.get("name"), steps)


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
    #: The runner's own words about the session (Strava's Activity Description).
    description: str | None = None
    #: The structured workout the watch followed (FIT ``workout``/``workout_step``).
    workout: Workout | None = None

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
            "description": self.description,
            "workout": None if self.workout is None else self.workout.to_dict(),
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
