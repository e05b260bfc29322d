"""Preparing a run's signal for effort classification.

:func:`prepare_run` turns an :class:`~legday.model.Activity` into a frame on a
regular 1-second grid *within moving stretches*, so that smart recording (a
point every 1-10 s) and 1 Hz files give the same answer:

1. **Moving stretches.** A timer stop (manual or auto-pause) ends a stretch, and
   so does a gap of more than :data:`MAX_GAP_S` between samples (auto-pause in
   files without timer events, lost recording). Nothing is interpolated across
   a pause; samples recorded while the timer was stopped are dropped.
2. **Grid.** Inside a stretch every column is interpolated linearly onto whole
   seconds from the stretch's first sample.
3. **Speed from distance.** Cumulative distance (device or positions) is made
   non-decreasing, then differenced over a centred 5-s window
   (:data:`SPEED_WINDOW_S`) and passed through a 5-s running median: GPS jitter
   and single-sample jumps cancel, while a 10-s stride still reaches most of its
   speed. A 40 m sprint (6 s) keeps its peak within a few percent.
4. **Speed from cadence** where distance does not move but the cadence says
   running (indoor track without GPS or footpod, lost GPS): see
   :func:`cadence_speed_mps`; ``speed_source`` says which was used.
5. **Elevation.** FIT readers already prefer barometric ``enhanced_altitude``.
   The elevation is averaged over a +/- :data:`ELEVATION_WINDOW_M` / 2 distance
   window (and at least 9 s), which removes GPS-elevation wander and
   barometer steps; grade is the smoothed rise over a
   :data:`GRADE_WINDOW_M` distance window, clamped to +/- 30 %.
   Elevation gain uses a hysteresis of :data:`GAIN_HYSTERESIS_M` as Runalyze
   does: a climb counts once it exceeds the threshold from the last low.
6. **Grade-adjusted speed** from the ACSM running equation's cost of a grade
   (:mod:`legday.gap`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from legday.gap import MAX_GRADE, grade_adjusted_speed
from legday.model import Activity, time_ns
from legday.schema import RUNNING_CADENCE_SPM

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: A gap between samples longer than this ends a moving stretch. [s]
MAX_GAP_S = 15.0
#: Largest believable distance step in one second (faster is a GPS jump). [m]
MAX_STEP_M = 11.0
#: Centred window of the speed-from-distance difference. [s]
SPEED_WINDOW_S = 5
#: Distance window of the elevation smoothing. [m]
ELEVATION_WINDOW_M = 40.0
#: Distance window of the grade. [m]
GRADE_WINDOW_M = 60.0
#: Elevation rougher than this is GPS-like and smoothed harder. [m]
NOISY_ELEVATION_M = 0.4
#: Distance window of the elevation smoothing for GPS-like elevation. [m]
NOISY_ELEVATION_WINDOW_M = 200.0
#: Distance window of the grade for GPS-like elevation. [m]
NOISY_GRADE_WINDOW_M = 150.0
#: Grades within this of flat count as flat for GPS-like elevation. [1]
NOISY_GRADE_DEADBAND = 0.02
#: Hysteresis of the elevation gain. [m]
GAIN_HYSTERESIS_M = 3.0
#: Below this speed (and without a running cadence) the athlete is standing. [m/s]
STANDSTILL_MPS = 0.5

#: Columns of the frame returned by :func:`prepare_run`.
PREPARED_COLUMNS: tuple[str, ...] = (
    "time", "t_s", "stretch", "distance_m", "speed_mps", "speed_source", "elevation_m",
    "grade_pct", "gap_speed_mps", "heart_rate", "cadence_spm", "power_w", "lat", "lon",
    "moving", "distance_speed_mps", "elevation_fine_m",
)


@dataclass(frozen=True)
class CadenceModel:
    """Speed from cadence: ``speed = speed_ref * (cadence / cadence_ref) ** exponent``.

    Running faster lengthens the step more than it quickens it, so speed grows
    much faster than cadence; an exponent near 3.5 fits recreational runners
    from easy running to sprinting.

    Attributes
    ----------
    cadence_ref_spm
        Cadence at the reference speed (the athlete's easy running). [steps/min]
    speed_ref_mps
        Reference speed. [m/s]
    exponent
        Elasticity of speed to cadence. [1]
    """

    cadence_ref_spm: float = 165.0
    speed_ref_mps: float = 2.9
    exponent: float = 3.5

    def speed_mps(self, cadence_spm: FloatArray) -> FloatArray:
        """Estimated running speed; NaN below a running cadence. [m/s]"""
        cad = np.asarray(cadence_spm, dtype=float)
        out = self.speed_ref_mps * (np.maximum(cad, 1.0) / self.cadence_ref_spm) ** self.exponent
        return np.where(cad >= RUNNING_CADENCE_SPM, out, np.nan)


def frame_columns(frame: pd.DataFrame, names: tuple[str, ...]) -> dict[str, FloatArray]:
    """Float columns of ``frame`` as numpy arrays (public pandas access only: a private
    column accessor saved about 0.1 ms a run, 1 % of classifying it)."""
    return {name: frame[name].to_numpy(dtype=float) for name in names}


def stretch_ids(samples: pd.DataFrame, timer_events: pd.DataFrame,
                max_gap_s: float = MAX_GAP_S) -> IntArray:
    """Moving stretch of every sample; -1 for samples recorded while paused.

    Parameters
    ----------
    samples
        Canonical samples (``time`` strictly increasing).
    timer_events
        ``time`` and ``event`` (``start``/``stop``).
    max_gap_s
        A longer gap between two samples starts a new stretch. [s]

    Returns
    -------
    numpy.ndarray
        Stretch number per sample, counting from 0.
    """
    n = len(samples)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    return _stretch_ids(time_ns(samples["time"]), timer_events, max_gap_s)


def _stretch_ids(t_ns: npt.NDArray[np.int64], timer_events: pd.DataFrame,
                 max_gap_s: float) -> IntArray:
    n = len(t_ns)
    t = t_ns.astype(np.float64) / 1e9
    new = np.zeros(n, dtype=bool)
    new[1:] = np.diff(t) > max_gap_s
    paused = np.zeros(n, dtype=bool)
    if len(timer_events):
        ev_ns = time_ns(timer_events["time"])
        order = np.argsort(ev_ns, kind="stable")
        et = ev_ns[order].astype(np.float64) / 1e9
        is_stop = np.asarray(timer_events["event"].to_numpy(dtype=object) == "stop")[order]
        stops = et[is_stop]
        # A stop at or after a sample and before the next one ends the stretch there.
        n_stops_before = np.searchsorted(stops, t, side="left")
        new[1:] |= np.diff(n_stops_before) > 0
        # Samples strictly after a stop and before the next start were recorded while paused.
        last = np.searchsorted(et, t, side="right") - 1
        after_stop = (last >= 0) & is_stop[np.maximum(last, 0)] & (et[np.maximum(last, 0)] < t)
        paused = after_stop
    ids = np.cumsum(new).astype(np.int64)
    ids[paused] = -1
    return ids


def stretch_bounds(stretch: IntArray) -> tuple[IntArray, IntArray]:
    """First and last index of each sample's stretch (stretches are contiguous runs)."""
    n = len(stretch)
    if n and stretch[0] == stretch[-1] and (stretch == stretch[0]).all():
        return np.zeros(n, dtype=np.int64), np.full(n, n - 1, dtype=np.int64)  # one stretch
    change = np.ones(n, dtype=bool)
    change[1:] = stretch[1:] != stretch[:-1]
    starts = np.flatnonzero(change).astype(np.int64)
    ends = np.append(starts[1:], n) - 1
    which = np.cumsum(change) - 1
    return starts[which], ends[which]


def _span_nanmean(values: FloatArray, lo: IntArray, hi: IntArray) -> FloatArray:
    """Mean of the non-NaN ``values[lo[i]:hi[i] + 1]`` for every i (NaN when none), by cumsums."""
    ok = ~np.isnan(values)
    if ok.all():
        cs = np.concatenate(([0.0], np.cumsum(values)))
        return np.asarray((cs[hi + 1] - cs[lo]) / (hi + 1 - lo))
    cs = np.concatenate(([0.0], np.cumsum(np.where(ok, values, 0.0))))
    cn = np.concatenate(([0], np.cumsum(ok)))
    count = cn[hi + 1] - cn[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, (cs[hi + 1] - cs[lo]) / np.maximum(count, 1), np.nan)


def window_mean(values: FloatArray, stretch: IntArray, half: int) -> FloatArray:
    """Centred running mean over ``2 * half + 1`` samples, not crossing stretches.

    NaNs are ignored; a window without values gives NaN.
    """
    v = np.asarray(values, dtype=float)
    n = len(v)
    if n == 0:
        return v.copy()
    first, last = stretch_bounds(stretch)
    idx = np.arange(n)
    lo = np.maximum(idx - half, first)
    hi = np.minimum(idx + half, last)
    return _span_nanmean(v, lo, hi)


def window_median(values: FloatArray, stretch: IntArray, half: int) -> FloatArray:
    """Centred running median over ``2 * half + 1`` samples, not crossing stretches."""
    v = np.asarray(values, dtype=float)
    n = len(v)
    if n == 0 or half == 0:
        return v.copy()
    first, last = stretch_bounds(stretch)
    idx = np.arange(n)
    offsets = np.arange(-half, half + 1)
    out = np.empty(n)
    inner = (idx - half >= first) & (idx + half <= last)
    rows = idx[inner]
    if len(rows) and half == 2 and not np.isnan(v).any():
        out[inner] = _median5(v)[rows - 2]
    elif len(rows):
        win = v[rows[:, None] + offsets[None, :]]
        out[inner] = (np.partition(win, half, axis=1)[:, half] if not np.isnan(win).any()
                      else np.nanmedian(win, 1))
    edge = idx[~inner]
    if len(edge):
        pos = edge[:, None] + offsets[None, :]
        inside = (pos >= first[edge][:, None]) & (pos <= last[edge][:, None])
        win = np.sort(np.where(inside, v[np.clip(pos, 0, n - 1)], np.nan), axis=1)
        k = np.maximum((~np.isnan(win)).sum(axis=1), 1)
        lo = np.take_along_axis(win, ((k - 1) // 2)[:, None], axis=1)[:, 0]
        hi = np.take_along_axis(win, (k // 2)[:, None], axis=1)[:, 0]
        out[edge] = 0.5 * (lo + hi)
    return out


def _median5(v: FloatArray) -> FloatArray:
    """Median of every 5 consecutive values (``len(v) - 4`` of them), NaN-free input.

    Of two sorted pairs, the larger minimum and the smaller maximum are the middle
    two of the four; the median of five is the median of those two and the fifth.
    """
    a, b, c, d, e = v[:-4], v[1:-3], v[2:-2], v[3:-1], v[4:]
    lo = np.maximum(np.minimum(a, b), np.minimum(c, d))
    hi = np.minimum(np.maximum(a, b), np.maximum(c, d))
    return np.maximum(np.minimum(lo, hi), np.minimum(np.maximum(lo, hi), e))


def _grid(t_s: FloatArray, stretch: IntArray) -> tuple[FloatArray, IntArray]:
    """Whole seconds from each stretch's first sample to its last."""
    keep = stretch >= 0
    t = t_s[keep]
    s = stretch[keep]
    if len(t) == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    change = np.ones(len(s), dtype=bool)
    change[1:] = s[1:] != s[:-1]
    starts = np.flatnonzero(change)
    ends = np.append(starts[1:], len(t)) - 1
    t0 = t[starts]
    lengths = np.floor(t[ends] - t0 + 1e-6).astype(np.int64) + 1
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    grid_t = np.repeat(t0, lengths) + offsets
    grid_s = np.repeat(s[starts], lengths)
    return grid_t.astype(float), grid_s.astype(np.int64)


def _interp(grid_t: FloatArray, t: FloatArray, values: FloatArray,
            max_hole_s: float = MAX_GAP_S) -> FloatArray:
    """Linear interpolation through valid samples; NaN far from any valid sample."""
    ok = ~np.isnan(values)
    if not ok.any():
        return np.full(len(grid_t), np.nan)
    if ok.all():
        # Stretches never span a longer gap, so no grid point is far from a sample.
        return np.interp(grid_t, t, values)
    tv = t[ok]
    vv = values[ok]
    out = np.interp(grid_t, tv, vv)
    j = np.searchsorted(tv, grid_t, side="right")
    prev_gap = grid_t - tv[np.maximum(j - 1, 0)]
    next_gap = tv[np.minimum(j, len(tv) - 1)] - grid_t
    prev_gap = np.where(j > 0, prev_gap, np.inf)
    next_gap = np.where(j < len(tv), next_gap, np.inf)
    far = (prev_gap > max_hole_s) | (next_gap > max_hole_s) | ((prev_gap > 0) & (next_gap < 0))
    return np.where(far, np.nan, out)


def speed_from_distance(distance_m: FloatArray, stretch: IntArray,
                        window_s: int = SPEED_WINDOW_S) -> FloatArray:
    """Speed on a 1-s grid from cumulative distance: centred difference, then median. [m/s]

    Parameters
    ----------
    distance_m
        Cumulative, non-decreasing distance on the 1-s grid. [m]
    stretch
        Stretch per sample; windows never cross stretches.
    window_s
        Length of the centred difference (odd). [s]
    """
    d = np.asarray(distance_m, dtype=float)
    n = len(d)
    if n == 0:
        return d.copy()
    first, last = stretch_bounds(stretch)
    # Steps faster than any runner (a GPS jump, distance caught up after a pause)
    # are replaced by the local median step before differencing.
    step = np.concatenate(([0.0], np.diff(d)))
    step[first == np.arange(n)] = 0.0
    step = np.nan_to_num(step, nan=0.0)
    bad = np.flatnonzero(step > MAX_STEP_M)
    if len(bad):
        # The median of the good steps within 5 s of each bad one (within its stretch).
        offsets = np.arange(-5, 6)
        pos = bad[:, None] + offsets[None, :]
        inside = (pos >= first[bad][:, None]) & (pos <= last[bad][:, None])
        good = np.where(step > MAX_STEP_M, np.nan, step)
        win = np.where(inside, good[np.clip(pos, 0, n - 1)], np.nan)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a window of bad steps only
            typical = np.nanmedian(win, axis=1)
        step[bad] = np.minimum(np.nan_to_num(typical, nan=0.0), MAX_STEP_M)
        d = np.cumsum(step)
    half = window_s // 2
    idx = np.arange(n)
    lo = np.maximum(idx - half, first)
    hi = np.minimum(idx + half, last)
    span = (hi - lo).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        v = np.where(span > 0, (d[hi] - d[lo]) / np.maximum(span, 1.0), 0.0)
    v = np.nan_to_num(v, nan=0.0)
    return window_median(v, stretch, half)


def smooth_elevation(elevation_m: FloatArray, distance_m: FloatArray, stretch: IntArray,
                     window_m: float = ELEVATION_WINDOW_M, min_half_s: int = 4,
                     max_half_s: int = 30) -> FloatArray:
    """Average elevation over a distance window, between ``min_half_s`` and ``max_half_s``. [m]

    Distance must be non-decreasing along the grid. The window spans
    ``window_m`` of distance but at least ``2 * min_half_s + 1`` and at most
    ``2 * max_half_s + 1`` samples, so standing still does not average a whole
    indoor session into one value. Windows never cross stretches: after a
    watch stop the runner may be somewhere else (walked back down a hill).
    """
    e = np.asarray(elevation_m, dtype=float)
    d = np.asarray(distance_m, dtype=float)
    n = len(e)
    if n == 0 or np.isnan(e).all():
        return np.full(n, np.nan)
    idx = np.arange(n)
    lo = np.maximum(np.searchsorted(d, d - window_m / 2, side="left"), idx - max_half_s)
    hi = np.minimum(np.searchsorted(d, d + window_m / 2, side="right") - 1, idx + max_half_s)
    first, last = stretch_bounds(stretch)
    lo = np.clip(np.minimum(lo, idx - min_half_s), first, last)
    hi = np.clip(np.maximum(hi, idx + min_half_s), first, last)
    return _span_nanmean(e, lo, hi)


def grade_from_elevation(elevation_m: FloatArray, distance_m: FloatArray, stretch: IntArray,
                         window_m: float = GRADE_WINDOW_M) -> FloatArray:
    """Grade over a centred distance window within a stretch, clamped to +/- 30 %. [1]

    NaN elevation and windows shorter than a third of ``window_m`` give 0.
    """
    e = np.asarray(elevation_m, dtype=float)
    d = np.asarray(distance_m, dtype=float)
    n = len(e)
    if n == 0:
        return np.zeros(0)
    first, last = stretch_bounds(stretch)
    lo = np.clip(np.searchsorted(d, d - window_m / 2, side="left"), first, last)
    hi = np.clip(np.searchsorted(d, d + window_m / 2, side="right") - 1, first, last)
    run = d[hi] - d[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        g = np.where(run >= window_m / 3, (e[hi] - e[lo]) / run, 0.0)
    return np.clip(np.nan_to_num(g, nan=0.0), -MAX_GRADE, MAX_GRADE)


def elevation_gain_m(elevation_m: FloatArray, hysteresis_m: float = GAIN_HYSTERESIS_M) -> float:
    """Total climb with a hysteresis threshold (as Runalyze does). [m]

    A rise counts only once the elevation has climbed ``hysteresis_m`` above
    the last low point; small wiggles count nothing.
    """
    e = np.asarray(elevation_m, dtype=float)
    e = e[~np.isnan(e)]
    if len(e) < 2:
        return 0.0
    # Reduce to turning points first, so the sequential part runs over few values.
    return climb_through_turns(e[turning_points(e)].tolist(), hysteresis_m)


def turning_points(z: FloatArray) -> BoolArray:
    """Where a series turns (mask): its ends, and where the slope changes sign to one that
    is not flat."""
    slope = np.diff(z)
    sign = np.sign(slope)
    keep = np.ones(len(z), dtype=bool)
    keep[1:-1] = (sign[1:] != sign[:-1]) & (slope[1:] != 0)
    return keep


def climb_through_turns(points: list[float], hysteresis_m: float = GAIN_HYSTERESIS_M) -> float:
    """:func:`elevation_gain_m` of a series given by its turning points. [m]"""
    gain = 0.0
    low = high = points[0]
    rising = False
    for z in points[1:]:
        if rising:
            if z > high:
                high = z
            elif high - z >= hysteresis_m:
                gain += high - low
                rising = False
                low = z
        else:
            if z < low:
                low = z
            elif z - low >= hysteresis_m:
                rising = True
                high = z
    if rising:
        gain += high - low
    return float(gain)


class Prepared(dict[str, Any]):
    """The prepared columns as numpy arrays (what :func:`prepare_run` puts in a frame).

    ``attrs`` holds ``start_ns`` (the UTC time at ``t_s`` 0, nanoseconds since the
    epoch), ``elevation_noise_m`` and ``elevation_noisy``. The ``time`` column is
    built when first asked for. The classifier works on this directly; a
    DataFrame costs more to build than classifying a run does.
    """

    attrs: dict[str, Any]

    def __init__(self, data: dict[str, Any], attrs: dict[str, Any]) -> None:
        super().__init__(data)
        self.attrs = attrs

    def __missing__(self, key: str) -> Any:
        if key != "time" or "t_s" not in self:
            raise KeyError(key)
        ns = self.attrs["start_ns"] + np.round(self["t_s"] * 1e9).astype(np.int64)
        self["time"] = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")
        return self["time"]

    def __len__(self) -> int:
        return len(self["t_s"]) if "t_s" in self else 0

    def to_frame(self) -> pd.DataFrame:
        """The same columns as a DataFrame (with the same ``attrs``)."""
        frame = pd.DataFrame({c: self[c] for c in PREPARED_COLUMNS})
        frame.attrs.update(self.attrs)
        return frame


Columns = pd.DataFrame | Prepared


def column(data: Columns, name: str, dtype: Any = float) -> npt.NDArray[Any]:
    """One prepared column as a numpy array, from a frame or a :class:`Prepared`."""
    values = data[name]
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=dtype)
    return np.asarray(values, dtype=dtype)


def prepare_run(activity: Activity, cadence_model: CadenceModel | None = None,
                max_gap_s: float = MAX_GAP_S) -> pd.DataFrame:
    """The run on a 1-s grid within moving stretches, ready for classification.

    Parameters
    ----------
    activity
        The activity as read.
    cadence_model
        Speed-from-cadence model for stretches where distance does not move
        while the cadence says running; the default fits a typical runner.
    max_gap_s
        A longer gap between samples ends a moving stretch. [s]

    Returns
    -------
    pandas.DataFrame
        One row per second of recording with :data:`PREPARED_COLUMNS`:
        ``time`` (UTC), ``t_s`` (since the first sample) [s], ``stretch``,
        ``distance_m`` [m], ``speed_mps`` (smoothed) [m/s], ``speed_source``
        (``distance``, ``cadence`` or ``none``), ``elevation_m`` (smoothed) [m],
        ``grade_pct`` [%], ``gap_speed_mps`` [m/s], ``heart_rate`` [1/min],
        ``cadence_spm`` [steps/min], ``power_w`` [W], ``lat``, ``lon`` [deg],
        ``moving`` (not standing still), ``distance_speed_mps`` (speed from
        distance alone) [m/s], ``elevation_fine_m`` (interpolated, unsmoothed)
        [m]. ``attrs`` says whether the elevation looked GPS-like.
    """
    return prepare_arrays(activity, cadence_model, max_gap_s).to_frame()


def prepare_arrays(activity: Activity, cadence_model: CadenceModel | None = None,
                   max_gap_s: float = MAX_GAP_S) -> Prepared:
    """:func:`prepare_run` without building the DataFrame: the columns as arrays."""
    model = cadence_model or CadenceModel()
    samples = activity.samples
    if len(samples) == 0:
        empty: dict[str, Any] = {c: np.zeros(0) for c in PREPARED_COLUMNS}
        empty["time"] = pd.DatetimeIndex([], tz="UTC")
        empty["speed_source"] = pd.Categorical.from_codes(np.zeros(0, dtype=np.int8),
                                                          dtype=_SOURCE_DTYPE)
        empty["stretch"] = np.zeros(0, dtype=np.int64)
        empty["moving"] = np.zeros(0, dtype=bool)
        return Prepared(empty, {"elevation_noise_m": float("nan"), "elevation_noisy": False})
    t_ns = time_ns(samples["time"])
    t0_ns = int(t_ns[0])
    t = (t_ns - t0_ns).astype(np.float64) / 1e9
    stretch = _stretch_ids(t_ns, activity.timer_events, max_gap_s)
    grid_t, grid_s = _grid(t, stretch)
    keep = stretch >= 0
    tk = t[keep]

    stored = frame_columns(samples, _SAMPLE_COLUMNS)

    def col(name: str) -> FloatArray:
        return stored[name][keep]

    dist = col("distance_m")
    if np.isnan(dist).all():
        dist = np.zeros(len(tk))
    dist = np.fmax.accumulate(np.where(np.isnan(dist), -np.inf, dist))
    dist = np.where(np.isinf(dist), 0.0, dist)
    d = np.interp(grid_t, tk, dist) if len(tk) else np.zeros(0)
    v_dist = speed_from_distance(d, grid_s)

    cad = _interp(grid_t, tk, col("cadence_spm"))
    elev = _interp(grid_t, tk, col("elevation_m"))
    noise_m = elevation_noise_m(elev, grid_s)
    noisy = bool(np.isfinite(noise_m) and noise_m > NOISY_ELEVATION_M)
    elev_s = smooth_elevation(elev, d, grid_s)
    if noisy:
        elev_g = smooth_elevation(elev, d, grid_s, NOISY_ELEVATION_WINDOW_M, max_half_s=90)
        grade = grade_from_elevation(elev_g, d, grid_s, NOISY_GRADE_WINDOW_M)
        # Grades within the noise of GPS elevation are read as flat.
        grade = np.sign(grade) * np.maximum(np.abs(grade) - NOISY_GRADE_DEADBAND, 0.0)
    else:
        grade = grade_from_elevation(elev_s, d, grid_s)
    if np.isnan(elev_s).all():
        grade = np.zeros(len(d))

    speed, source, gap, moving = _fill_from_cadence(v_dist, cad, grid_s, grade, d, model)
    return Prepared({
        "t_s": grid_t,
        "stretch": grid_s,
        "distance_m": d,
        "speed_mps": speed,
        "speed_source": source,
        "elevation_m": elev_s,
        "elevation_fine_m": elev,
        "grade_pct": 100.0 * grade,
        "gap_speed_mps": gap,
        "heart_rate": _interp(grid_t, tk, col("heart_rate")),
        "cadence_spm": cad,
        "power_w": _interp(grid_t, tk, col("power_w")),
        "lat": _interp(grid_t, tk, col("lat")),
        "lon": _interp(grid_t, tk, col("lon")),
        "moving": moving,
        "distance_speed_mps": v_dist,
    }, {"start_ns": t0_ns, "elevation_noise_m": float(noise_m), "elevation_noisy": noisy})


#: The sample columns preparing a run reads (besides ``time``).
_SAMPLE_COLUMNS = ("distance_m", "cadence_spm", "elevation_m", "heart_rate", "power_w", "lat",
                   "lon")
SPEED_SOURCES = ("distance", "cadence", "none")


def speed_source_is(frame: Columns, source: str) -> BoolArray:
    """Where the speed came from ``source`` (``distance``, ``cadence`` or ``none``)."""
    values = frame["speed_source"]
    codes = values.cat.codes if isinstance(values, pd.Series) else values.codes
    return np.asarray(codes) == SPEED_SOURCES.index(source)
_SOURCE_DTYPE = pd.CategoricalDtype(list(SPEED_SOURCES))


def _fill_from_cadence(v_dist: FloatArray, cadence_spm: FloatArray, stretch: IntArray,
                       grade: FloatArray, distance_m: FloatArray, model: CadenceModel,
                       ) -> tuple[FloatArray, pd.Categorical, FloatArray, BoolArray]:
    """Speed with frozen-distance running filled from cadence; source, GAP and moving."""
    cad_s = window_mean(cadence_spm, stretch, 2)
    v_cad = model.speed_mps(cad_s)
    frozen = (window_mean(v_dist, stretch, 5) < STANDSTILL_MPS) & ~np.isnan(v_cad)
    speed = np.nan_to_num(np.where(frozen, v_cad, v_dist), nan=0.0)
    codes = np.where(frozen, 1, np.where(np.isnan(distance_m), 2, 0)).astype(np.int8)
    source = pd.Categorical.from_codes(codes, dtype=_SOURCE_DTYPE)
    gap = grade_adjusted_speed(speed, grade)
    moving = (speed >= STANDSTILL_MPS) | (np.nan_to_num(cad_s) >= RUNNING_CADENCE_SPM)
    return speed, source, gap, np.asarray(moving, dtype=bool)


def apply_cadence_model(frame: Columns, model: CadenceModel) -> Columns:
    """Refill frozen-distance running from another cadence model (e.g. the athlete's).

    Where the distance does not move for 11 s around a sample while the
    cadence says running (an indoor track without GPS or footpod, lost GPS),
    the speed comes from ``model`` and ``speed_source`` is ``cadence``.

    Parameters
    ----------
    frame
        From :func:`prepare_run` (or :func:`prepare_arrays`).
    model
        The athlete's speed-from-cadence model.

    Returns
    -------
    pandas.DataFrame or Prepared
        A new object of the same type (a cheap copy when nothing runs on
        cadence); the input is not changed.
    """
    runs_on_cadence = len(frame) > 0 and bool(speed_source_is(frame, "cadence").any())
    if isinstance(frame, pd.DataFrame):
        out: Columns = frame.copy(deep=runs_on_cadence)
    else:
        out = Prepared(dict(frame), dict(frame.attrs))
    if not runs_on_cadence:
        return out
    speed, source, gap, moving = _fill_from_cadence(
        column(frame, "distance_speed_mps"), column(frame, "cadence_spm"),
        column(frame, "stretch", np.int64), column(frame, "grade_pct") / 100.0,
        column(frame, "distance_m"), model)
    out["speed_mps"] = speed
    out["speed_source"] = source
    out["gap_speed_mps"] = gap
    out["moving"] = moving
    return out


def elevation_noise_m(elevation_m: FloatArray, stretch: IntArray) -> float:
    """Short-term roughness of the elevation: robust spread around a 31-s mean. [m]

    Barometric altitude is smooth (about 0.1-0.3 m); GPS altitude wanders by
    metres within half a minute. NaN without elevation.
    """
    e = np.asarray(elevation_m, dtype=float)
    ok = np.isfinite(e)
    if ok.sum() < 60:
        return float("nan")
    resid = (e - window_mean(e, stretch, 15))[ok]
    return float(1.4826 * np.median(np.abs(resid - np.median(resid))))
