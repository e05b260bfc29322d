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

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from legday.gap import MAX_GRADE, clamped_gap_factor, grade_adjusted_speed
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
    return _stretches_and_pauses(time_ns(samples["time"]), timer_events, max_gap_s)[0]


#: Stretch ids, whether a sample was recorded paused, and (if none was) the first
#: sample of each stretch.
_StretchIds = tuple[IntArray, bool, IntArray | None]


def _unpaused(new: BoolArray) -> _StretchIds:
    """The stretches of samples none of which was recorded paused, from where a new
    stretch starts (``new[0]`` is False)."""
    new[0] = True
    starts = new.nonzero()[0]
    new[0] = False
    return new.cumsum(dtype=np.int64), False, starts


def held_arrays(frame: pd.DataFrame) -> dict[str, Any] | None:
    """The columns of ``frame`` by name, as the arrays pandas holds them; None for a
    pandas without its private iterator over them, or for repeated column names.

    A Series per column (what ``frame[name]`` builds) costs about 10 microseconds.
    """
    iterate = getattr(frame, "_iter_column_arrays", None)  # private: absent, the public way
    if iterate is None:
        return None
    names = frame.columns.tolist()
    held = dict(zip(names, iterate(), strict=True))
    return held if len(held) == len(names) else None


def _stretches_and_pauses(t_ns: npt.NDArray[np.int64], timer_events: pd.DataFrame,
                          max_gap_s: float) -> _StretchIds:
    """:func:`stretch_ids` of the sample times, whether a sample was recorded paused,
    and the first sample of each stretch when none was."""
    n = len(t_ns)
    t = t_ns / 1e9  # the same float division after the same conversion as astype
    step = t[1:] - t[:-1]
    new = np.zeros(n, dtype=bool)
    np.greater(step, max_gap_s, out=new[1:])
    if not len(timer_events):
        return _unpaused(new)
    # A run has a few dozen events at most: plain lists cost less than numpy calls.
    held = held_arrays(timer_events)
    events: Any = timer_events if held is None else held
    ev_ns = time_ns(events["time"]).tolist()
    kinds = events["event"].tolist()
    order = sorted(range(len(ev_ns)), key=ev_ns.__getitem__)  # stable, as argsort
    et = [ev_ns[i] / 1e9 for i in order]
    is_stop = [isinstance(kinds[i], str) and kinds[i] == "stop" for i in order]
    if bool((step >= 0).all()):
        return _mark_stops(t, et, is_stop, new)
    et_arr, stop_arr = np.array(et, dtype=np.float64), np.array(is_stop, dtype=bool)
    stops = et_arr[stop_arr]
    # A stop at or after a sample and before the next one ends the stretch there.
    n_stops_before = np.searchsorted(stops, t, side="left")
    new[1:] |= np.diff(n_stops_before) > 0
    # Samples strictly after a stop and before the next start were recorded while paused.
    last = np.searchsorted(et_arr, t, side="right") - 1
    paused = (last >= 0) & stop_arr[np.maximum(last, 0)] & (et_arr[np.maximum(last, 0)] < t)
    ids = new.cumsum(dtype=np.int64)
    ids[paused] = -1
    return ids, bool(paused.any()), None


def _mark_stops(t: FloatArray, et: list[float], is_stop: list[bool],
                new: BoolArray) -> _StretchIds:
    """Stretch ids from ``new`` with the sample after each stop starting a stretch, and
    the samples recorded while paused at -1; whether there were any.

    ``t`` is non-decreasing and ``et`` sorted: each stop is looked up among the samples
    (a few binary searches) instead of every sample among the events.
    """
    n = len(t)
    stop_at = [i for i, stop in enumerate(is_stop) if stop]
    if not stop_at:
        return _unpaused(new)
    # A stop at or after a sample and before the next one ends the stretch there; the
    # samples strictly after a stop and before the next event were recorded while paused.
    # One search for both: no float lies between a time and the next one up, so the
    # samples at or before a stop are those before that next float.
    next_event = [et[i + 1] if i + 1 < len(et) else math.inf for i in stop_at]
    found = np.searchsorted(t, [math.nextafter(et[i], math.inf) for i in stop_at] + next_event,
                            side="left").tolist()
    after, until = found[:len(stop_at)], found[len(stop_at):]
    for a in after:
        if 0 < a < n:
            new[a] = True
    ids, _, starts = _unpaused(new)
    paused = False
    for a, b in zip(after, until, strict=True):
        if a < b:
            ids[a:b] = -1
            paused = True
    return ids, paused, None if paused else starts


def stretch_bounds(stretch: IntArray) -> tuple[IntArray, IntArray]:
    """First and last index of each sample's stretch (stretches are contiguous runs)."""
    n = len(stretch)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    change = np.ones(n, dtype=bool)
    np.not_equal(stretch[1:], stretch[:-1], out=change[1:])
    starts = np.flatnonzero(change).astype(np.int64)
    if len(starts) == 1:
        return np.zeros(n, dtype=np.int64), np.full(n, n - 1, dtype=np.int64)  # one stretch
    ends = np.append(starts[1:], n)
    lengths = ends - starts
    return np.repeat(starts, lengths), np.repeat(ends - 1, lengths)


class Stretches:
    """First and last index of each sample's stretch, and the centred windows within them.

    Every smoothing step of a run uses the same bounds and windows: they are computed
    once per grid (a numpy call on a run's 2,600 samples costs a few microseconds), and
    a :class:`Prepared` run carries them to the later steps (:func:`frame_stretches`).
    """

    def __init__(self, first: IntArray, last: IntArray, starts: IntArray | None = None,
                 idx: IntArray | None = None) -> None:
        self.first = first
        self.last = last
        self.idx = np.arange(len(first)) if idx is None else idx
        self._starts = starts
        self._windows: dict[int, tuple[IntArray, IntArray]] = {}
        self._edges: dict[int, tuple[IntArray, IntArray, IntArray]] = {}
        self._to_end: IntArray | None = None
        #: Columns and their prefix sums, and the last mean of each half with its column
        #: (see :meth:`window_mean`).
        self._sums: list[tuple[FloatArray, _Sums]] = []
        self._means: dict[int, tuple[FloatArray, FloatArray]] = {}

    @classmethod
    def of(cls, stretch: IntArray) -> Stretches:
        """The stretches of a stretch column."""
        return cls(*stretch_bounds(stretch))

    @property
    def starts(self) -> IntArray:
        """Index of the first sample of every stretch."""
        if self._starts is None:
            self._starts = np.flatnonzero(self.first == self.idx)
        return self._starts

    def window_mean(self, values: FloatArray, half: int) -> FloatArray:
        """:func:`window_mean` of ``values`` over these stretches (a new array).

        The columns of a prepared run are replaced, never changed in place: the last
        mean of each half is kept with the column it smooths (``run_stats`` and
        ``RunArrays.of`` both smooth the GAP), and so are the prefix sums preparing the
        run made (:meth:`keep_sums`).
        """
        v = np.asarray(values, dtype=float)
        known = self._means.get(half)
        if known is not None and known[0] is v:
            return known[1].copy()
        if len(v) == 0:
            return v.copy()
        sums = next((kept for column, kept in self._sums if column is v), None)
        out = self.mean(_prefix_sums(v) if sums is None else sums, half)
        # A write into the column would leave the kept mean stale: make it fail instead.
        v.flags.writeable = False
        self._means[half] = (v, out)
        return out.copy()

    def keep_sums(self, values: FloatArray, sums: _Sums) -> None:
        """Keep the :func:`_prefix_sums` of a column for :meth:`window_mean`."""
        values.flags.writeable = False  # as in window_mean: no stale sums
        self._sums.append((values, sums))

    def window(self, half: int) -> tuple[IntArray, IntArray]:
        """First and last index of the centred ``2 * half + 1`` window cut to the stretch."""
        bounds = self._windows.get(half)
        if bounds is None:
            bounds = (np.maximum(self.idx - half, self.first),
                      np.minimum(self.idx + half, self.last))
            self._windows[half] = bounds
        return bounds

    def edges(self, half: int) -> tuple[IntArray, IntArray, IntArray]:
        """Samples whose centred ``2 * half + 1`` window a stretch's end cuts short, and
        the first and last index of their windows.

        The other windows are consecutive, so their values come from slices: a slice
        costs a fraction of a gather, and the edges are a few samples per stretch.
        """
        edges = self._edges.get(half)
        if edges is None:
            idx, first, last = self.idx, self.first, self.last
            if self._to_end is None:
                self._to_end = np.minimum(idx - first, last - idx)
            edge = (self._to_end < half).nonzero()[0]
            edges = (edge, np.maximum(edge - half, first[edge]),
                     np.minimum(edge + half, last[edge]))
            self._edges[half] = edges
        return edges

    def mean(self, sums: _Sums, half: int) -> FloatArray:
        """Centred running mean over ``2 * half + 1`` samples within the stretch (NaN ignored;
        NaN for a window without values), from the :func:`_prefix_sums` of the values."""
        cs, cn = sums
        n = len(self.idx)
        if cn is not None:
            return _span_mean(sums, *self.window(half))
        width = 2 * half + 1
        out = np.empty(n)
        if n >= width:
            inner = out[half:n - half]
            np.subtract(cs[width:], cs[:n + 1 - width], out=inner)
            inner /= width
        edge, lo, hi = self.edges(half)
        if len(edge):
            out[edge] = (cs[hi + 1] - cs[lo]) / (hi + 1 - lo)
        return out

    def rate(self, d: FloatArray, half: int) -> FloatArray:
        """``(d[hi] - d[lo]) / max(hi - lo, 1)`` over each centred window (``half`` > 0)."""
        n = len(d)
        out = np.empty(n)
        if n > 2 * half:
            inner = out[half:n - half]
            np.subtract(d[2 * half:], d[:n - 2 * half], out=inner)
            inner /= 2 * half
        edge, lo, hi = self.edges(half)
        if len(edge):
            out[edge] = (d[hi] - d[lo]) / np.maximum(hi - lo, 1)
        return out


#: Prefix sums of a column and of its count of values (``None`` when it has no NaN).
_Sums = tuple[FloatArray, IntArray | None]


def _prefix_sums(values: FloatArray) -> _Sums:
    """Prefix sums (from 0) of the non-NaN ``values`` and, if some are NaN, of their count."""
    cs = np.empty(len(values) + 1)
    cs[0] = 0.0
    values.cumsum(out=cs[1:])
    # A NaN makes every later sum NaN: a last sum that is no NaN clears the column.
    if not np.isnan(cs[-1]):
        return cs, None
    nan = np.isnan(values)
    if not nan.any():
        return cs, None
    ok = ~nan
    return (np.concatenate(([0.0], np.cumsum(np.where(ok, values, 0.0)))),
            np.concatenate(([0], np.cumsum(ok))))


def _span_mean(sums: _Sums, lo: IntArray, hi: IntArray) -> FloatArray:
    """Mean of the non-NaN ``values[lo[i]:hi[i] + 1]`` for every i (NaN when none)."""
    cs, cn = sums
    end = hi + 1
    if cn is None:
        return np.asarray((cs[end] - cs[lo]) / (end - lo))
    count = cn[end] - cn[lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, (cs[end] - cs[lo]) / np.maximum(count, 1), np.nan)


def window_mean(values: FloatArray, stretch: IntArray, half: int) -> FloatArray:
    """Centred running mean over ``2 * half + 1`` samples, not crossing stretches.

    NaNs are ignored; a window without values gives NaN.
    """
    v = np.asarray(values, dtype=float)
    if len(v) == 0:
        return v.copy()
    return Stretches.of(stretch).mean(_prefix_sums(v), half)


def window_median(values: FloatArray, stretch: IntArray, half: int) -> FloatArray:
    """Centred running median over ``2 * half + 1`` samples, not crossing stretches."""
    v = np.asarray(values, dtype=float)
    if len(v) == 0 or half == 0:
        return v.copy()
    return _window_median(v, Stretches.of(stretch), half)


def _window_median(v: FloatArray, st: Stretches, half: int,
                   nan_free: bool | None = None) -> FloatArray:
    n = len(v)
    if n == 0 or half == 0:
        return v.copy()
    if nan_free is None:
        nan_free = not np.isnan(v).any()
    out = np.empty(n)
    if half == 2 and nan_free and n >= 5:
        # Every window not cut by a stretch end is one of the consecutive fives; the
        # others (the edges) are overwritten below.
        _median5(v, out[2:-2])
    else:
        idx, first, last = st.idx, st.first, st.last
        inner = (idx - half >= first) & (idx + half <= last)
        rows = idx[inner]
        if len(rows):
            win = v[rows[:, None] + np.arange(-half, half + 1)[None, :]]
            out[inner] = (np.partition(win, half, axis=1)[:, half] if not np.isnan(win).any()
                          else np.nanmedian(win, 1))
    edge, *lo_hi = st.edges(half)
    if len(edge) and nan_free:
        start, end = lo_hi
        size = end - start + 1
        offsets = np.arange(2 * half + 1)
        pos = np.minimum(start[:, None] + offsets[None, :], n - 1)
        # +inf pads sort last, so the first ``size`` of a row are the window's own values.
        win = np.sort(np.where(offsets[None, :] < size[:, None], v[pos], np.inf), axis=1)
        rows = np.arange(len(edge))
        out[edge] = 0.5 * (win[rows, (size - 1) // 2] + win[rows, size // 2])
    elif len(edge):
        first, last = st.first, st.last
        pos = edge[:, None] + np.arange(-half, half + 1)[None, :]
        inside = (pos >= first[edge][:, None]) & (pos <= last[edge][:, None])
        win = np.sort(np.where(inside, v[np.clip(pos, 0, n - 1)], np.nan), axis=1)
        k = np.maximum((~np.isnan(win)).sum(axis=1), 1)
        lo_mid = np.take_along_axis(win, ((k - 1) // 2)[:, None], axis=1)[:, 0]
        hi_mid = np.take_along_axis(win, (k // 2)[:, None], axis=1)[:, 0]
        out[edge] = 0.5 * (lo_mid + hi_mid)
    return out


def _median5(v: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """Median of every 5 consecutive values (``len(v) - 4`` of them), NaN-free input.

    Of two sorted pairs, the larger minimum and the smaller maximum are the middle
    two of the four; the median of five is the median of those two and the fifth.
    """
    # Window i pairs (v[i], v[i+1]) and (v[i+2], v[i+3]): every pair is sorted once.
    pair_min = np.minimum(v[:-1], v[1:])
    pair_max = np.maximum(v[:-1], v[1:])
    lo = np.maximum(pair_min[:-3], pair_min[2:-1])
    hi = np.minimum(pair_max[:-3], pair_max[2:-1])
    return np.maximum(np.minimum(lo, hi), np.minimum(np.maximum(lo, hi), v[4:]), out=out)


def _grid(t: FloatArray, s: IntArray,
          starts: IntArray | None = None) -> tuple[FloatArray, IntArray, Stretches]:
    """Whole seconds from each stretch's first sample to its last, and the grid's stretches.

    ``t`` and ``s`` are the times and stretches of the samples kept (none paused);
    ``starts`` may give the first sample of each stretch.
    """
    if len(t) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0), empty, Stretches(empty, empty, empty)
    if starts is None:
        change = np.ones(len(s), dtype=bool)
        change[1:] = s[1:] != s[:-1]
        starts = change.nonzero()[0]
    ends = np.concatenate((starts[1:], [len(t)])) - 1
    t0 = t[starts]
    lengths = np.floor(t[ends] - t0 + 1e-6).astype(np.int64) + 1
    if (lengths < 1).any():
        # Times out of order (samples not from make_samples): a stretch may have no
        # grid point at all, and the bounds come from the stretch column as before.
        offsets = np.arange(lengths.sum()) - (lengths.cumsum() - lengths).repeat(lengths)
        grid_s = s[starts].repeat(lengths).astype(np.int64)
        return t0.repeat(lengths) + offsets, grid_s, Stretches.of(grid_s)
    if len(starts) == 1:
        # One stretch: the grid runs from its start; every window is cut at the ends only.
        n = int(lengths[0])
        grid_t = t0[0] + np.arange(n)
        zero = np.zeros(1, dtype=np.int64)
        return (grid_t, np.full(n, s[0], dtype=np.int64),
                Stretches(np.zeros(n, dtype=np.int64), np.full(n, n - 1, dtype=np.int64), zero))
    sizes = ends - starts + 1
    if (lengths == sizes).all():
        # As many grid points as samples in every stretch (a 1-s recording): the grid's
        # stretches are the samples'.
        first = starts.repeat(sizes)
        idx = np.arange(len(t))
        grid_t = t0.repeat(sizes) + (idx - first)
        return (grid_t, s.astype(np.int64, copy=False),
                Stretches(first, ends.repeat(sizes), starts, idx))
    grid_starts = lengths.cumsum() - lengths
    first = grid_starts.repeat(lengths)
    grid_t = t0.repeat(lengths) + (np.arange(len(first)) - first)
    grid_s = s[starts].repeat(lengths)
    last = (grid_starts + lengths - 1).repeat(lengths)
    return grid_t, grid_s.astype(np.int64), Stretches(first, last, grid_starts)


class _Resampler:
    """Linear interpolation of sample columns onto the grid, NaN far from any valid sample
    (a grid point at a valid sample's own time keeps it).

    All columns share the sample times, so what depends on them alone is found once:
    whether the grid is the samples' own times (a 1-s recording: each column is its
    own interpolation) and, per pattern of missing values, which grid points are far
    (latitude and longitude miss together).
    """

    def __init__(self, grid_t: FloatArray, t: FloatArray, max_hole_s: float = MAX_GAP_S,
                 stretches: Stretches | None = None) -> None:
        """``stretches`` may pass the grid's."""
        self.grid_t = grid_t
        self.t = t
        self.max_hole_s = max_hole_s
        self.stretches = stretches
        self.same = len(grid_t) == len(t) and bool((grid_t == t).all())
        self._sorted: bool | None = None
        self._missing: IntArray | None = None
        self._holes: tuple[FloatArray, IntArray] = (t, np.zeros(0, dtype=np.int64))
        self._strict: bool | None = None
        self._own_missing: IntArray | None = None
        self._own_holes: tuple[IntArray, IntArray] = (self._holes[1], self._holes[1])

    def own(self, values: FloatArray, nan: BoolArray | None) -> FloatArray:
        """``values`` on the grid, given where they are NaN (``None`` where none is):
        ``values`` are the caller's to keep or to overwrite (no copy is made)."""
        if nan is None:
            # Stretches never span a longer gap, so no grid point is far from a sample;
            # at a sample's own time the interpolation returns the sample.
            return values if self.same else np.interp(self.grid_t, self.t, values)
        missing = nan.nonzero()[0]
        if len(missing) == len(values):
            return np.full(len(self.grid_t), np.nan)
        if self.same and self._strictly_increasing():
            near, far = self._own_grid_holes(missing)
            # Each missing sample lies between the same two valid ones among its
            # neighbours as among all valid samples: the same interpolation.
            values[missing] = np.interp(self.t[missing], self.t[near], values[near])
            values[far] = np.nan
            return values
        ok = ~nan
        tv, far = self._far(missing, ok)
        if self.same:
            # At a valid sample's own time the interpolation returns the sample: only the
            # missing ones need it.
            out = values
            out[missing] = np.interp(self.grid_t[missing], tv, values[ok])
        else:
            out = np.interp(self.grid_t, tv, values[ok])
        out[far] = np.nan
        return out

    def _strictly_increasing(self) -> bool:
        if self._strict is None:
            t = self.t
            if self.same and self.stretches is not None:
                # On the grid's own times a stretch's samples are 1 s apart: only the
                # steps from one stretch to the next can be long, or not forward.
                after = self.stretches.starts[1:]
                step = t[after] - t[after - 1]
            else:
                step = t[1:] - t[:-1]
            self._strict = bool((step > 0).all())
        return self._strict

    #: Up to this many missing values are walked in Python (numpy calls cost more).
    FEW_MISSING = 32

    def _few_holes(self, missing: list[int]) -> tuple[IntArray, IntArray]:
        """:meth:`_own_grid_holes` of a few missing samples, one run of them at a time."""
        t, n, max_hole_s = self.t, len(self.t), self.max_hole_s
        runs: list[tuple[int, int]] = []  # the valid samples before and after each run
        start = previous = missing[0]
        for i in missing[1:]:
            if i != previous + 1:
                runs.append((start - 1, previous + 1))
                start = i
            previous = i
        runs.append((start - 1, previous + 1))
        near: list[int] = []
        far: list[int] = []
        for before, after in runs:
            if before < 0:
                far.extend(range(after))  # before the first valid sample
            elif not near or near[-1] != before:
                near.append(before)
            if after >= n:
                continue
            near.append(after)
            if before >= 0:
                t_before, t_after = float(t[before]), float(t[after])
                if t_after - t_before > max_hole_s:
                    far.extend(i for i in range(before + 1, after)
                               if float(t[i]) - t_before > max_hole_s
                               or t_after - float(t[i]) > max_hole_s)
        last_before, last_after = runs[-1]
        if last_after >= n:
            far.extend(range(last_before + 1, n))  # after the last valid sample
        return np.array(near, dtype=np.int64), np.array(far, dtype=np.int64)

    def _own_grid_holes(self, missing: IntArray) -> tuple[IntArray, IntArray]:
        """On the samples' own (strictly increasing) times: the valid samples next to the
        missing ones (sorted), and the samples :func:`_far_sorted` finds far from valid ones.

        Only the missing samples and their neighbours are looked at, instead of every
        valid sample: a column misses a few values, or lat and lon miss the same ones.
        """
        last = self._own_missing
        if last is not None and len(last) == len(missing) and (last == missing).all():
            return self._own_holes
        if len(missing) <= self.FEW_MISSING:
            holes = self._few_holes(missing.tolist())
            self._own_missing, self._own_holes = missing, holes
            return holes
        t, n, max_hole_s = self.t, len(self.t), self.max_hole_s
        run_start = np.ones(len(missing), dtype=bool)
        np.not_equal(missing[1:], missing[:-1] + 1, out=run_start[1:])
        run_end = np.ones(len(missing), dtype=bool)
        run_end[:-1] = run_start[1:]
        before = missing[run_start] - 1  # the valid sample before each run (-1: none)
        after = missing[run_end] + 1  # and after it (n: none)
        no_first, no_last = bool(before[0] < 0), bool(after[-1] >= n)
        runs = slice(int(no_first), len(before) - int(no_last))
        lo, hi = before[runs], after[runs]  # runs between two valid samples
        near = np.empty(2 * len(before), dtype=np.int64)
        near[0::2] = before
        near[1::2] = after
        near = near[int(no_first):len(near) - int(no_last)]
        # One valid sample between two runs is next to both.
        near = near[np.concatenate(([True], near[1:] != near[:-1]))]
        far: list[IntArray] = []
        if no_first:
            far.append(np.arange(after[0]))  # before the first valid sample
        if no_last:
            far.append(np.arange(before[-1] + 1, n))  # after the last valid sample
        big = (t[hi] - t[lo] > max_hole_s).nonzero()[0]
        if len(big):
            gap_start, gap_end = lo[big], hi[big]
            count = gap_end - gap_start - 1  # the missing samples between
            total = int(count.sum())
            pos = (np.repeat(gap_start + 1 - (np.cumsum(count) - count), count)
                   + np.arange(total))
            x = t[pos]
            far.append(pos[(x - np.repeat(t[gap_start], count) > max_hole_s)
                           | (np.repeat(t[gap_end], count) - x > max_hole_s)])
        holes = near, (np.concatenate(far) if far else np.zeros(0, dtype=np.int64))
        self._own_missing, self._own_holes = missing, holes
        return holes

    def _far(self, missing: IntArray, ok: BoolArray) -> tuple[FloatArray, IntArray]:
        """Times of the valid samples, and the grid points far from them."""
        last = self._missing
        if last is not None and len(last) == len(missing) and (last == missing).all():
            return self._holes
        if self._sorted is None:
            grid_t, t = self.grid_t, self.t
            self._sorted = bool((grid_t[1:] >= grid_t[:-1]).all() and (t[1:] >= t[:-1]).all())
        tv = self.t[ok]
        far = (_far_sorted(self.grid_t, tv, self.max_hole_s) if self._sorted
               else np.flatnonzero(_far_any(self.grid_t, tv, self.max_hole_s)))
        self._missing, self._holes = missing, (tv, far)
        return tv, far


def _far_any(grid_t: FloatArray, tv: FloatArray, max_hole_s: float) -> BoolArray:
    """Grid points more than ``max_hole_s`` from the previous or the next valid sample
    (or without one: after the last valid sample, there is no next); a grid point at a
    valid sample's own time is that sample, never far."""
    j = np.searchsorted(tv, grid_t, side="right")
    prev_gap = grid_t - tv[np.maximum(j - 1, 0)]
    next_gap = tv[np.minimum(j, len(tv) - 1)] - grid_t
    prev_gap = np.where(j > 0, prev_gap, np.inf)
    next_gap = np.where(j < len(tv), next_gap, np.inf)
    return np.asarray(((prev_gap > max_hole_s) | (next_gap > max_hole_s)
                       | ((prev_gap > 0) & (next_gap < 0))) & (prev_gap != 0))


def _far_sorted(grid_t: FloatArray, tv: FloatArray, max_hole_s: float) -> IntArray:
    """Where :func:`_far_any` is true, for a sorted grid and sorted valid times.

    A grid point between two valid samples closer than ``max_hole_s`` is close to
    both (the rounded differences grow with the distance), so only the points before
    the first valid sample, after the last one, and inside longer gaps need a look.
    """
    n = len(grid_t)
    parts = [np.arange(np.searchsorted(grid_t, tv[0], side="left")),
             np.arange(np.searchsorted(grid_t, tv[-1], side="right"), n)]
    big = (tv[1:] - tv[:-1] > max_hole_s).nonzero()[0]
    if len(big):
        gap_start, gap_end = tv[big], tv[big + 1]
        begin = np.searchsorted(grid_t, gap_start, side="right")
        count = np.searchsorted(grid_t, gap_end, side="left") - begin
        total = int(count.sum())
        if total:
            pos = np.repeat(begin - (np.cumsum(count) - count), count) + np.arange(total)
            x = grid_t[pos]
            parts.append(pos[(x - np.repeat(gap_start, count) > max_hole_s)
                             | (np.repeat(gap_end, count) - x > max_hole_s)])
    return np.concatenate(parts)


class _ShiftedSearch:
    """``np.searchsorted(d, d + offset)`` for a distance column ``d``.

    When ``d`` is non-decreasing, so are the keys, and a stable argsort of keys and
    ``d`` side by side merges two sorted runs in linear time: the rank of a key less
    the keys before it is the count of ``d`` before it. On a run's 2,600 samples this
    takes about 60 % of the binary searches' time.
    """

    #: Shorter columns are searched: the sort's setup would cost more.
    MIN_MERGE = 64

    def __init__(self, d: FloatArray, is_sorted: bool | None = None,
                 idx: IntArray | None = None) -> None:
        """``idx`` may pass ``np.arange(len(d))``."""
        n = len(d)
        self.d = d
        if is_sorted is None:
            is_sorted = n >= self.MIN_MERGE and bool((d[1:] >= d[:-1]).all())
        #: ``d`` is non-decreasing (then so are the searches' results, and
        #: ``left(-x) <= i < right(x)`` for every sample i and x >= 0).
        self.sorted = bool(is_sorted)
        self.merge = self.sorted and n >= self.MIN_MERGE
        if not self.merge:
            idx = np.zeros(0, dtype=np.int64)
        elif idx is None:
            idx = np.arange(n)
        self._idx = idx

    def left(self, offset: float) -> IntArray:
        """``np.searchsorted(d, d + offset, side="left")``."""
        keys = self.d + offset
        if not self.merge:
            return np.searchsorted(self.d, keys, side="left")
        n = len(self.d)
        # Keys first: a stable sort puts a key before the distances equal to it and
        # keeps the keys in order, so key i is the i-th from the front.
        order = np.concatenate((keys, self.d)).argsort(kind="stable")
        return (order < n).nonzero()[0] - self._idx

    def right(self, offset: float) -> IntArray:
        """``np.searchsorted(d, d + offset, side="right")``."""
        keys = self.d + offset
        if not self.merge:
            return np.searchsorted(self.d, keys, side="right")
        n = len(self.d)
        # Distances first: a stable sort puts the distances equal to a key before it.
        order = np.concatenate((self.d, keys)).argsort(kind="stable")
        return (order >= n).nonzero()[0] - self._idx


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
    if len(d) == 0:
        return d.copy()
    return _speed_from_distance(d, Stretches.of(stretch), window_s)


def _speed_from_distance(d: FloatArray, st: Stretches, window_s: int = SPEED_WINDOW_S, *,
                         tidy: bool = False) -> FloatArray:
    """:func:`speed_from_distance` over precomputed stretches; ``tidy`` says ``d`` is
    non-decreasing, finite and not negative (then so are its steps and rates)."""
    n = len(d)
    if n == 0:
        return d.copy()
    first, last = st.first, st.last
    # Steps faster than any runner (a GPS jump, distance caught up after a pause)
    # are replaced by the local median step before differencing.
    step = np.empty(n)
    step[0] = 0.0
    np.subtract(d[1:], d[:-1], out=step[1:])
    step[st.starts] = 0.0
    if not tidy and not np.isfinite(step).all():
        step = np.nan_to_num(step, nan=0.0)
    bad = (step > MAX_STEP_M).nonzero()[0]
    if len(bad):
        # The median of the good steps within 5 s of each bad one (within its stretch).
        offsets = np.arange(-5, 6)
        pos = bad[:, None] + offsets[None, :]
        inside = (pos >= first[bad][:, None]) & (pos <= last[bad][:, None])
        good = np.where(step > MAX_STEP_M, np.nan, step)
        win = np.where(inside, good[np.minimum(np.maximum(pos, 0), n - 1)], np.nan)
        median = _row_nanmedian(win)
        # Tidy steps lie in [0, MAX_STEP_M]: only a window without a good one is NaN.
        median = (np.where(np.isnan(median), 0.0, median) if tidy
                  else np.nan_to_num(median, nan=0.0))
        step[bad] = np.minimum(median, MAX_STEP_M)
        d = step.cumsum()
    half = window_s // 2
    # A one-sample stretch has no span: its difference 0 over 1 is the 0 it must give.
    v = st.rate(d, half) if half else np.zeros(n)
    if not tidy and not np.isfinite(v).all():
        lo, hi = st.window(half)
        span = (hi - lo).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            v = np.where(span > 0, (d[hi] - d[lo]) / np.maximum(span, 1.0), 0.0)
        v = np.nan_to_num(v, nan=0.0)
    return _window_median(v, st, half, nan_free=True)


def _row_nanmedian(win: FloatArray) -> FloatArray:
    """``np.nanmedian(win, axis=1)`` (NaN for a row of NaN only, without a warning).

    The same arithmetic as numpy's sort-based median of short rows: the middle two
    of the sorted values (the middle one twice), summed onto 0.0 and halved. Its
    generic masked-array path costs more than a run's whole speed.
    """
    ordered = np.sort(win, axis=1)  # NaN last
    count = win.shape[1] - np.isnan(win).sum(axis=1)
    high = count // 2
    low = np.where(count % 2 == 1, high, high - 1)  # -1 (a NaN) for a row without values
    rows = np.arange(len(win))
    return (ordered[rows, low] + (0.0 + ordered[rows, high])) / 2.0


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
    if len(e) == 0:
        return np.full(0, np.nan)
    return _smooth_elevation(_prefix_sums(e), _ShiftedSearch(d), Stretches.of(stretch),
                             window_m, min_half_s, max_half_s)


def _smooth_elevation(sums: _Sums, search: _ShiftedSearch, st: Stretches,
                      window_m: float = ELEVATION_WINDOW_M, min_half_s: int = 4,
                      max_half_s: int = 30) -> FloatArray:
    """:func:`smooth_elevation` from the elevation's prefix sums and the distance's search."""
    n = len(st.idx)
    cn = sums[1]
    if n == 0 or (cn is not None and cn[-1] == 0):
        return np.full(n, np.nan)  # no elevation at all
    idx, first, last = st.idx, st.first, st.last
    lo = np.minimum(np.maximum(search.left(-window_m / 2), idx - max_half_s), idx - min_half_s)
    hi = np.maximum(np.minimum(search.right(window_m / 2) - 1, idx + max_half_s),
                    idx + min_half_s)
    # Clipped to the stretch; lo <= idx <= hi, so only one side can cut each.
    return _span_mean(sums, np.maximum(lo, first), np.minimum(hi, last))


def grade_from_elevation(elevation_m: FloatArray, distance_m: FloatArray, stretch: IntArray,
                         window_m: float = GRADE_WINDOW_M) -> FloatArray:
    """Grade over a centred distance window within a stretch, clamped to +/- 30 %. [1]

    NaN elevation and windows shorter than a third of ``window_m`` give 0.
    """
    e = np.asarray(elevation_m, dtype=float)
    d = np.asarray(distance_m, dtype=float)
    if len(e) == 0:
        return np.zeros(0)
    return _grade_from_elevation(e, _ShiftedSearch(d), Stretches.of(stretch), window_m)


def _grade_from_elevation(e: FloatArray, search: _ShiftedSearch, st: Stretches,
                          window_m: float = GRADE_WINDOW_M, *, finite: bool = False,
                          ) -> FloatArray:
    """:func:`grade_from_elevation` with the distance's search and the stretches;
    ``finite`` says ``e`` has no NaN nor infinity (then no grade is NaN)."""
    n = len(e)
    if n == 0:
        return np.zeros(0)
    first, last, d = st.first, st.last, search.d
    lo = np.maximum(search.left(-window_m / 2), first)
    hi = np.minimum(search.right(window_m / 2) - 1, last)
    if not search.sorted:
        lo = np.minimum(lo, last)
        hi = np.maximum(hi, first)
    run = d[hi] - d[lo]
    grade = np.zeros(n)
    # Dividing only where the window is long enough raises no warning elsewhere.
    np.divide(e[hi] - e[lo], run, out=grade, where=run >= window_m / 3)
    if not finite:
        grade[np.isnan(grade)] = 0.0
    # Clipping without NaN left: +/- inf (a huge rise) becomes the largest grade.
    np.maximum(grade, -MAX_GRADE, out=grade)
    return np.minimum(grade, MAX_GRADE, out=grade)


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


def numpy_sum(values: list[float]) -> float:
    """``np.add.reduce`` of non-empty ``values``: one by one under 8 of them, as numpy adds."""
    if len(values) >= 8:
        return float(np.add.reduce(np.array(values)))
    total = values[0]
    for value in values[1:]:
        total += value
    return total


def sorted_median(ordered: Sequence[float] | FloatArray) -> float:
    """``np.median`` of non-empty, sorted, finite values: the middle one, or the mean of
    the middle two (the same addition and division), without numpy's dispatch."""
    n = len(ordered)
    mid = n // 2
    if n % 2:
        return float(ordered[mid])
    return (float(ordered[mid - 1]) + float(ordered[mid])) / 2


def turning_points(z: FloatArray) -> BoolArray:
    """Where a series turns (mask): its ends, and where the slope changes sign to one that
    is not flat."""
    keep = np.ones(len(z), dtype=bool)
    if len(z) < 3:
        return keep
    sign = np.sign(z[1:] - z[:-1])
    # In place on the inner samples: each pass over a run's samples costs a call.
    inner = keep[1:-1]
    np.not_equal(sign[1:], sign[:-1], out=inner)
    inner &= sign[1:] != 0  # NaN slopes compare unequal to 0 either way
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

    def __init__(self, data: dict[str, Any], attrs: dict[str, Any],
                 stretches: Stretches | None = None) -> None:
        """``stretches`` may pass the stretches of ``data["stretch"]``."""
        super().__init__(data)
        self.attrs = attrs
        #: The stretch column these stretches belong to, and the stretches.
        self.known_stretches = (data.get("stretch"), stretches)

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


def frame_stretches(frame: Columns) -> Stretches:
    """The stretches of a prepared run: those preparing it found, or from its column."""
    if isinstance(frame, Prepared):
        stretch, known = frame.known_stretches
        # Only while the column is the one they were found for.
        if known is not None and stretch is frame.get("stretch"):
            return known
    return Stretches.of(column(frame, "stretch", np.int64))


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
    held = held_arrays(samples)
    t_ns = time_ns(samples["time"] if held is None else held["time"])
    t0_ns = int(t_ns[0])
    t = (t_ns - t0_ns) / 1e9
    stretch, paused, starts = _stretches_and_pauses(t_ns, activity.timer_events, max_gap_s)
    keep = stretch >= 0
    kept_all = not paused
    tk = t if kept_all else t[keep]
    grid_t, grid_s, st = _grid(tk, stretch if kept_all else stretch[keep], starts)
    resample = _Resampler(grid_t, tk, stretches=st)

    block, row_of = _sample_block(samples, held)
    if not kept_all:
        block = block[:, keep]
    nan = np.isnan(block)
    has_nan = cast(list[bool], nan.any(axis=1).tolist())

    def col(name: str) -> FloatArray:
        """The column on the grid (the block's rows are new arrays, used once each)."""
        i = row_of[name]
        return resample.own(block[i], nan[i] if has_nan[i] else None)

    dist, d_sorted = _cumulative_distance(block[row_of["distance_m"]])
    if not len(tk):
        d = np.zeros(0)
    elif resample.same:
        d = dist
    else:
        d = np.interp(grid_t, tk, dist)
        d_sorted = None  # the interpolation may round a step down
    search = _ShiftedSearch(d, d_sorted, st.idx)
    v_dist = _speed_from_distance(d, st, tidy=d_sorted is True)

    cad = col("cadence_spm")
    elev = col("elevation_m")
    elev_sums = _prefix_sums(elev)
    st.keep_sums(elev, elev_sums)  # the column elevation_fine_m, smoothed later
    noise_m = _elevation_noise_m(elev, st, elev_sums)
    noisy = bool(np.isfinite(noise_m) and noise_m > NOISY_ELEVATION_M)
    elev_s = _smooth_elevation(elev_sums, search, st)
    # A finite last sum: every elevation is finite, and the means of finite sums are no
    # NaN. Only missing elevation can leave none at all: then the run is flat.
    finite_elevation = elev_sums[1] is None and bool(np.isfinite(elev_sums[0][-1]))
    if not finite_elevation and np.isnan(elev_s).all():
        grade = np.zeros(len(d))
    elif noisy:
        elev_g = _smooth_elevation(elev_sums, search, st, NOISY_ELEVATION_WINDOW_M,
                                   max_half_s=90)
        grade = _grade_from_elevation(elev_g, search, st, NOISY_GRADE_WINDOW_M,
                                      finite=finite_elevation)
        # Grades within the noise of GPS elevation are read as flat.
        grade = np.sign(grade) * np.maximum(np.abs(grade) - NOISY_GRADE_DEADBAND, 0.0)
    else:
        grade = _grade_from_elevation(elev_s, search, st, finite=finite_elevation)

    speed, source, gap, moving = _fill_from_cadence(v_dist, cad, st, grade, d, model,
                                                    prepared=True)
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
        "heart_rate": col("heart_rate"),
        "cadence_spm": cad,
        "power_w": col("power_w"),
        "lat": col("lat"),
        "lon": col("lon"),
        "moving": moving,
        "distance_speed_mps": v_dist,
    }, {"start_ns": t0_ns, "elevation_noise_m": float(noise_m), "elevation_noisy": noisy}, st)


def _sample_block(samples: pd.DataFrame, held: dict[str, Any] | None = None,
                  ) -> tuple[FloatArray, dict[str, int]]:
    """A new 2-D array whose rows hold the sample columns preparing a run reads, and the
    row of each (the whole frame in one ``to_numpy``: a Series per column costs more).

    ``held`` may pass the frame's :func:`held_arrays`: float columns are copied from them.
    """
    if held is not None:
        rows_of = [held.get(name) for name in _SAMPLE_COLUMNS]
        if all(isinstance(row, np.ndarray) and row.dtype == np.float64 for row in rows_of):
            return np.array(rows_of), _SAMPLE_ROWS
    try:
        rows = samples.to_numpy(dtype=float, copy=True).T
    except (TypeError, ValueError):
        rows = None
    if rows is not None:
        where = {name: samples.columns.get_loc(name) for name in _SAMPLE_COLUMNS}
        if all(isinstance(i, int) for i in where.values()):
            return rows, cast(dict[str, int], where)
    return (np.array([samples[name].to_numpy(dtype=float) for name in _SAMPLE_COLUMNS]),
            _SAMPLE_ROWS)


def _cumulative_distance(dist: FloatArray) -> tuple[FloatArray, bool | None]:
    """Recorded distance made non-decreasing (0 before the first value); whether it is sorted.

    Most devices record it so already: then it is returned as it is (not copied).
    """
    n = len(dist)
    if (n and dist[-1] < np.inf and (dist[1:] >= dist[:-1]).all()
            and not np.signbit(dist).any()):
        # Non-decreasing, no NaN, finite and no -0.0: the running maximum changes nothing.
        return dist, True
    if np.isnan(dist).all():
        dist = np.zeros(n)
    dist = np.fmax.accumulate(np.where(np.isnan(dist), -np.inf, dist))
    return np.where(np.isinf(dist), 0.0, dist), None


#: The sample columns preparing a run reads (besides ``time``).
_SAMPLE_COLUMNS = ("distance_m", "cadence_spm", "elevation_m", "heart_rate", "power_w", "lat",
                   "lon")
#: The row of each sample column in a block built from them in that order.
_SAMPLE_ROWS = {name: i for i, name in enumerate(_SAMPLE_COLUMNS)}
SPEED_SOURCES = ("distance", "cadence", "none")


def speed_source_is(frame: Columns, source: str) -> BoolArray:
    """Where the speed came from ``source`` (``distance``, ``cadence`` or ``none``)."""
    values = frame["speed_source"]
    codes = values.cat.codes if isinstance(values, pd.Series) else values.codes
    return np.asarray(codes) == SPEED_SOURCES.index(source)
_SOURCE_DTYPE = pd.CategoricalDtype(list(SPEED_SOURCES))


def _fill_from_cadence(v_dist: FloatArray, cadence_spm: FloatArray, st: Stretches,
                       grade: FloatArray, distance_m: FloatArray, model: CadenceModel, *,
                       prepared: bool = False,
                       ) -> tuple[FloatArray, pd.Categorical, FloatArray, BoolArray]:
    """Speed with frozen-distance running filled from cadence; source, GAP and moving.

    ``prepared`` says the columns come straight from preparing the run: the distance
    has no NaN and the grade is clamped without NaN.
    """
    cad_s = _window_mean(cadence_spm, st, 2)
    running = cad_s >= RUNNING_CADENCE_SPM
    # The model gives NaN below a running cadence: only standing samples at a running
    # cadence can be frozen, and the model (a power per sample) runs on those alone.
    candidates = ((_window_mean(v_dist, st, 5) < STANDSTILL_MPS) & running).nonzero()[0]
    speed = v_dist.copy()
    codes = np.zeros(len(speed), dtype=np.int8)
    if not prepared:
        no_distance = np.isnan(distance_m)
        if no_distance.any():
            codes[no_distance] = 2
    if len(candidates):
        v_cad = model.speed_mps(cad_s[candidates])
        has_speed = ~np.isnan(v_cad)
        frozen_at = candidates[has_speed]
        speed[frozen_at] = v_cad[has_speed]
        codes[frozen_at] = 1
    if not np.isfinite(speed).all():
        speed = np.nan_to_num(speed, nan=0.0)
    source = pd.Categorical.from_codes(codes, dtype=_SOURCE_DTYPE, validate=False)
    gap = speed * clamped_gap_factor(grade) if prepared else grade_adjusted_speed(speed, grade)
    # A NaN cadence compares False, as the 0 it would count as.
    moving = (speed >= STANDSTILL_MPS) | running
    return speed, source, gap, moving


def _window_mean(values: FloatArray, st: Stretches, half: int) -> FloatArray:
    """:func:`window_mean` over precomputed stretches."""
    if len(values) == 0:
        return np.asarray(values, dtype=float).copy()
    return st.mean(_prefix_sums(values), half)


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
        out.known_stretches = frame.known_stretches
    if not runs_on_cadence:
        return out
    speed, source, gap, moving = _fill_from_cadence(
        column(frame, "distance_speed_mps"), column(frame, "cadence_spm"),
        frame_stretches(frame), column(frame, "grade_pct") / 100.0,
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
    if len(e) < 60:
        return float("nan")
    return _elevation_noise_m(e, Stretches.of(stretch), _prefix_sums(e))


def _elevation_noise_m(e: FloatArray, st: Stretches, sums: _Sums) -> float:
    """:func:`elevation_noise_m` over precomputed stretches and prefix sums of ``e``."""
    if sums[1] is None and np.isfinite(sums[0][-1]):
        # No NaN, and an infinity stays in every later sum: the values are all finite.
        if len(e) < 60:
            return float("nan")
        resid = st.mean(sums, 15)
        np.subtract(e, resid, out=resid)
    else:
        ok = np.isfinite(e)
        if np.count_nonzero(ok) < 60:
            return float("nan")
        resid = (e - st.mean(sums, 15))[ok]
    # The residuals are a temporary: the deviations overwrite them (in any order).
    np.subtract(resid, _median(resid), out=resid)
    return float(1.4826 * _median(np.abs(resid, out=resid)))


def _median(values: FloatArray) -> np.float64:
    """``np.median`` of a 1-d array (same arithmetic), without its generic wrapper.

    Partitions ``values`` in place (a temporary's order does not matter).
    """
    n = len(values)
    half = n // 2
    # The largest value goes last too, as np.median checks it for NaN.
    values.partition([half - 1, half, n - 1] if n % 2 == 0 else [half, n - 1])
    part = values
    if np.isnan(part[-1]):
        return np.float64(np.nan)
    # np.median sums the middle values onto a 0.0 (so -0.0 comes out as 0.0).
    if n % 2:
        return np.float64(part[half] + 0.0)
    return np.float64((part[half - 1] + (0.0 + part[half])) / 2.0)
