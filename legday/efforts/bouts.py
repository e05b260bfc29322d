"""From a prepared run to bouts: stretches of effort above the run's easy level.

A bout is a candidate for work; :mod:`legday.efforts.judge` decides what each
one is. Everything per sample is vectorised with numpy; the Python loops run
over bouts (a few dozen per run) and over the few seconds around a bout's
edges, never over a run's samples.

A run's bouts are found and measured in well under a millisecond, so the cost
here is the number of numpy calls rather than their size: what several bouts
need is computed once per run (stretch bounds, counts of usable samples,
compacted columns) and read with index arithmetic, and a numpy call on ten
values loses to plain Python. Each mean over a span is still numpy's own sum
of exactly the samples it summed before (a cumulative sum would round
differently; :func:`slice_sums` gets the same bits for many spans at once), so
every number is the same as when each bout was summed alone.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.api.extensions import ExtensionArray

from legday.cleaning import (
    Columns,
    column,
    frame_stretches,
    held_arrays,
    numpy_sum,
    sorted_median,
    speed_source_is,
    turning_points,
)
from legday.efforts.kinds import EffortKind
from legday.efforts.rules import EffortRules
from legday.model import time_ns

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: A lap's start or end that is missing (NaT), as :func:`legday.model.time_ns` gives it.
_NAT_NS = int(np.iinfo(np.int64).min)


@dataclass
class Bout:
    """A span ``[a, b)`` of samples with what the rules measure on it."""

    a: int
    b: int
    kind: EffortKind | None = None
    why: str = ""
    peak_mps: float = 0.0
    distance_m: float = 0.0
    effort_mps: float = 0.0
    speed_mps: float = 0.0
    grade_pct: float = 0.0
    gain_m: float = 0.0  # rise from start to end
    contrast: float = np.inf
    cadence_rise_spm: float = np.inf
    moving_s: int = 0
    duration_s: float = 0.0
    heart_rate: float = np.nan


@dataclass
class RunArrays:
    """Arrays of one prepared run, shared by the rules.

    ``x`` is the effort signal: the grade-adjusted speed smoothed over
    ``rules.smooth_s``. ``elev`` is the smoothed elevation, ``elev_fine`` the
    elevation lightly averaged (5 s), for measuring short climbs.
    """

    t: FloatArray
    stretch: IntArray
    x: FloatArray
    speed: FloatArray
    gap: FloatArray
    dist: FloatArray
    elev: FloatArray
    elev_fine: FloatArray
    hr: FloatArray
    cadence: FloatArray
    moving: BoolArray
    lat: FloatArray
    lon: FloatArray
    on_cadence: BoolArray
    first: IntArray
    last: IntArray
    easy: float
    rules: EffortRules
    lap_times: FloatArray
    t0: pd.Timestamp
    noisy_elevation: bool = False
    elevation_noise_m: float = 0.0
    gps_speed: bool = True

    @classmethod
    def of(cls, frame: Columns, easy: float, rules: EffortRules,
           laps: pd.DataFrame | None = None) -> RunArrays:
        stretch = column(frame, "stretch", np.int64)
        t_s = column(frame, "t_s")
        raw_gap = column(frame, "gap_speed_mps")
        # A finite sum: every value is finite (an overflow counts as not).
        gap_finite = math.isfinite(np.add.reduce(raw_gap))
        gap = raw_gap.copy() if gap_finite else np.nan_to_num(raw_gap)
        if "start_ns" in frame.attrs:
            t0 = pd.Timestamp(int(frame.attrs["start_ns"]), tz="UTC")
        else:
            first_ns = int(time_ns(pd.DatetimeIndex(frame["time"][:1]))[0])
            t0 = pd.Timestamp(first_ns - int(round(t_s[0] * 1e9)), tz="UTC")
        lat = column(frame, "lat")
        stretches = frame_stretches(frame)
        first, last = stretches.first, stretches.last
        # No value was replaced: run_stats smoothed the same column.
        x = stretches.window_mean(raw_gap if gap_finite else gap, rules.smooth_s // 2)
        if not math.isfinite(np.add.reduce(x)):
            x = np.nan_to_num(x)
        noise = float(frame.attrs.get("elevation_noise_m", 0.0))
        if not math.isfinite(noise):
            noise = float(np.nan_to_num(noise))
        return cls(
            t=t_s, stretch=stretch, x=x,
            speed=column(frame, "speed_mps"), gap=gap, dist=column(frame, "distance_m"),
            elev=column(frame, "elevation_m"),
            elev_fine=stretches.window_mean(column(frame, "elevation_fine_m"), 2),
            hr=column(frame, "heart_rate"), cadence=column(frame, "cadence_spm"),
            moving=column(frame, "moving", bool), lat=lat, lon=column(frame, "lon"),
            on_cadence=speed_source_is(frame, "cadence"),
            first=first, last=last, easy=easy, rules=rules,
            lap_times=lap_boundaries(laps, t0, rules), t0=t0,
            noisy_elevation=bool(frame.attrs.get("elevation_noisy", False)),
            elevation_noise_m=noise,
            gps_speed=bool(len(lat) > 0
                           and (len(lat) - np.count_nonzero(np.isnan(lat))) / len(lat) > 0.5))

    @cached_property
    def elevation(self) -> Elevation:
        """The run's elevation where it has one, with its turning points: what climbs and
        the efforts' gains are cut from."""
        at = np.isfinite(self.elev).nonzero()[0]
        values = self.elev[at]
        turning = turning_points(values)
        return Elevation(at, values, turning, turning.nonzero()[0])

    @cached_property
    def stretch_start(self) -> BoolArray:
        """Whether each sample is the first of its stretch."""
        out = np.empty(len(self.stretch), dtype=bool)
        out[:1] = True
        np.not_equal(self.stretch[1:], self.stretch[:-1], out=out[1:])
        return out

    @cached_property
    def moving_before(self) -> IntArray:
        """How many samples before each index (0 to n) are moving."""
        return _counts(self.moving)

    @cached_property
    def x_moving(self) -> FloatArray:
        """``x`` at the moving samples: ``x[a:b][moving[a:b]]`` is a slice of it."""
        return self.x[self.moving]

    @cached_property
    def speed_moving(self) -> FloatArray:
        """``speed`` at the moving samples, as :attr:`x_moving`."""
        return self.speed[self.moving]

    @cached_property
    def hr_before(self) -> IntArray:
        """How many samples before each index (0 to n) have a heart rate."""
        return _counts(np.isfinite(self.hr))

    @cached_property
    def elev_fine_before(self) -> IntArray:
        """How many samples before each index (0 to n) have a fine elevation."""
        return _counts(np.isfinite(self.elev_fine))

    def end_time(self, b: int) -> float:
        """Wall-clock end of a bout ending before sample ``b``. [s]"""
        return float(self.t[b - 1] + 1.0)

    def gap_s(self, first: Bout, second: Bout) -> float:
        """Time from the end of ``first`` to the start of ``second``. [s]"""
        return float(self.t[second.a]) - self.end_time(first.b)


@dataclass(frozen=True)
class Elevation:
    """A run's elevation as one series (:attr:`RunArrays.elevation`)."""

    #: Sample of each value.
    at: npt.NDArray[np.int64]
    #: The elevations. [m]
    values: npt.NDArray[np.float64]
    #: Which values turn (:func:`turning_points`), and their positions.
    turning: npt.NDArray[np.bool_]
    turns: npt.NDArray[np.int64]


def lap_boundaries(laps: pd.DataFrame | None, t0: pd.Timestamp,
                   rules: EffortRules) -> FloatArray:
    """Lap boundaries worth snapping to, in seconds since ``t0``.

    Laps ended by the athlete or a workout step count; auto-laps (about 1 km
    or 1 mile by distance) and the session end do not.
    """
    if laps is None or len(laps) == 0:
        return np.zeros(0)
    # A run has a few dozen laps at most: plain Python beats numpy calls on them.
    columns = _lap_columns(laps)
    triggers = [str(x).lower() for x in np.asarray(columns["trigger"]).tolist()]
    keep = [trigger != "session_end" for trigger in triggers]
    if "distance" in triggers:
        dists = np.asarray(columns["distance_m"], dtype=float).tolist()
        for i, (trigger, dist) in enumerate(zip(triggers, dists, strict=True)):
            if trigger == "distance" and any(abs(dist - metres) <= 0.02 * metres
                                             for metres in rules.auto_lap_m):
                keep[i] = False
    if not any(keep):
        return np.zeros(0)
    starts = time_ns(pd.DatetimeIndex(columns["start"])).tolist()
    ends = time_ns(pd.DatetimeIndex(columns["end"])).tolist()
    # A kept lap's start and end count, and so does the start of the lap after it.
    ns = [start for i, start in enumerate(starts) if keep[i] or (i and keep[i - 1])]
    ns += [end for i, end in enumerate(ends) if keep[i]]
    origin = t0.value
    return np.array(sorted({(v - origin) / 1e9 for v in ns if v != _NAT_NS}), dtype=float)


#: A column of a frame as pandas stores it.
_Column = npt.NDArray[Any] | ExtensionArray

#: The columns of the laps frame that :func:`lap_boundaries` reads.
_LAP_COLUMNS = ("trigger", "distance_m", "start", "end")


def _lap_columns(laps: pd.DataFrame) -> dict[str, _Column]:
    """The columns :func:`lap_boundaries` reads, as arrays (a Series per column costs
    more than the rest of the function)."""
    held = held_arrays(laps)
    if held is None:
        return {name: laps[name].array for name in _LAP_COLUMNS}
    return {name: held[name] for name in _LAP_COLUMNS}


def _hysteresis(x: FloatArray, first: BoolArray, hi: float, lo: float) -> BoolArray:
    """On above ``hi``, off below ``lo``, state kept in between; reset at each ``first``."""
    on = x >= hi
    off = x < lo
    decided = on | off | first
    # Each sample takes the state of the last decided sample at or before it.
    last_decided = np.arange(len(x))
    last_decided *= decided
    np.maximum.accumulate(last_decided, out=last_decided)
    # Above hi is never below lo when hi >= lo (the shipped rules).
    state = on if hi >= lo else on & ~off
    return np.asarray(state[last_decided])


def array_mean(values: npt.NDArray[np.float64] | BoolArray) -> float:
    """``np.mean`` of a non-empty 1-D array without its dispatch: the same sum and division."""
    return float(np.add.reduce(values) / len(values))


def best_mean(values: FloatArray, window: int) -> float:
    """Best mean over ``window`` consecutive samples (or all of them when fewer)."""
    if len(values) == 0:
        return 0.0
    w = min(window, len(values))
    cs = values.cumsum()
    best = float(cs[w - 1])  # the first window
    if len(values) > w:
        later = float(np.maximum.reduce(cs[w:] - cs[:-w]))
        if later > best or math.isnan(later):  # np.max: NaN wins
            best = later
    return best / w


def find_bouts(run: RunArrays) -> list[Bout]:
    """Stretches of effort above the easy level, with their edges refined.

    Hysteresis (on at ``enter_x_easy``, off below ``leave_x_easy`` x easy); a
    watch stop ends a bout; short breaks, dips that stay near the bouts' level,
    GPS dips (the cadence stays up) and breaks much shorter than the run's
    typical recovery join bouts; parts below the work level are cut off; edges
    move to where the effort crosses halfway to the surroundings and onto
    manual laps nearby.
    """
    rules = run.rules
    first = run.stretch_start
    work = _hysteresis(run.x, first, rules.enter_x_easy * run.easy,
                       rules.leave_x_easy * run.easy)
    starts, ends = _work_spans(work, first)
    if not len(starts):
        return []
    mean = _span_means(run.x)
    merged = _join_efforts(run, starts, ends, mean)
    pieces = _trim_levels(run, merged, mean)
    joined = _merge_short_breaks(run, pieces)
    bouts = [Bout(a, b) for a, b in joined if b - a >= rules.min_bout_s]
    for bout in bouts:
        _refine_edges(run, bout)
    _snap_to_laps(run, bouts)
    # Refined edges may cross: a bout starts no earlier than the previous one ends.
    for prev, bout in zip(bouts, bouts[1:], strict=False):
        bout.a = max(bout.a, prev.b)
    bouts = [b for b in bouts if b.b - b.a >= rules.min_bout_s]
    # With their final edges, bouts split by a short break (a traffic light) are one.
    out: list[Bout] = []
    for bout in bouts:
        if out and run.gap_s(out[-1], bout) <= max(
                rules.bridge_s, rules.bridge_share * min(out[-1].b - out[-1].a, bout.b - bout.a)):
            out[-1].b = bout.b
            continue
        out.append(bout)
    return out


def _work_spans(work: BoolArray, first: BoolArray) -> tuple[IntArray, IntArray]:
    """Starts and ends ``[start, end)`` of the runs of ``work``, cut where a stretch starts."""
    n = len(work)
    edge = np.empty(n + 1, dtype=bool)
    edge[0] = edge[n] = True
    np.not_equal(work[1:], work[:-1], out=edge[1:n])
    edge[1:n] |= first[1:]
    bounds = edge.nonzero()[0]
    starts = bounds[:-1]
    inside = work[starts]
    return starts[inside], bounds[1:][inside]


def slice_sums(values: FloatArray, lo: IntArray, hi: IntArray) -> FloatArray:
    """``np.add.reduce(values[lo[i]:hi[i]])`` for every i, to the last bit, in a few numpy calls.

    numpy adds up a slice pairwise; ``np.add.reduceat`` adds the pairwise sum of
    the rest of a segment to its first value. Each slice is laid out after a
    -0.0 (``-0.0 + s`` is ``s``), so that its segment's sum is the slice's.
    A call costs about as much as summing five slices one by one.
    """
    if not len(lo):
        return np.zeros(0)
    index, starts = _lay_out(lo, hi)
    return _laid_out_sums(values[index], starts)


def _lay_out(lo: IntArray, hi: IntArray) -> tuple[IntArray, IntArray]:
    """The index laying out the slices ``[lo[i], hi[i])`` end to end, each after a lead
    (index 0), and where each slice's lead is. For :func:`slice_sums`."""
    count = hi - lo
    count += 1
    offsets = np.zeros(len(lo) + 1, dtype=np.int64)
    count.cumsum(out=offsets[1:])
    starts = offsets[:-1]
    shift = lo - starts
    shift -= 1
    index = shift.repeat(count)
    index += np.arange(offsets[-1])
    index[starts] = 0
    return index, starts


def _laid_out_sums(laid_out: FloatArray, starts: IntArray) -> FloatArray:
    """The sums of the slices laid out by :func:`_lay_out` (``laid_out`` is changed)."""
    laid_out[starts] = -0.0
    return np.asarray(np.add.reduceat(laid_out, starts))


def _span_means(x: FloatArray) -> Callable[[int, int], float]:
    """:func:`array_mean` of ``x[a:b]`` for spans ``(a, b)``, each summed once.

    Merging asks for the same span's level again (the bout before the next
    break, then the bout to trim), so the sums are kept.
    """
    sums: dict[tuple[int, int], float] = {}

    def mean(a: int, b: int) -> float:
        total = sums.get((a, b))
        if total is None:
            total = sums[a, b] = float(np.add.reduce(x[a:b]))
        return total / (b - a)
    return mean


def _join_efforts(run: RunArrays, starts: IntArray, ends: IntArray,
                  mean: Callable[[int, int], float]) -> list[tuple[int, int]]:
    """The spans of work joined across every break that is not a recovery (:func:`_one_effort`)."""
    t = run.t
    # The break before each span but the first: its length and whether a watch stop is in it.
    gaps = (t[starts[1:]] - (t[ends[:-1] - 1] + 1.0)).tolist()
    same_stretch = (run.stretch[ends[:-1] - 1] == run.stretch[starts[1:]]).tolist()
    a_list, b_list = starts.tolist(), ends.tolist()
    merged: list[tuple[int, int]] = []
    pa, pb = a_list[0], b_list[0]
    for a, b, gap, same in zip(a_list[1:], b_list[1:], gaps, same_stretch, strict=True):
        if _one_effort(run, pa, pb, a, b, gap, same, mean):
            pb = b
        else:
            merged.append((pa, pb))
            pa, pb = a, b
    merged.append((pa, pb))
    return merged


def _one_effort(run: RunArrays, pa: int, pb: int, a: int, b: int, gap: float,
                same_stretch: bool, mean: Callable[[int, int], float]) -> bool:
    """Whether the break of ``gap`` seconds between bouts ``[pa, pb)`` and ``[a, b)``
    (in the same stretch or not) is not a recovery."""
    rules = run.rules
    shorter = min(pb - pa, b - a)
    if gap <= max(rules.bridge_s, rules.bridge_share * shorter):
        return True
    if not same_stretch:
        return False
    la, lb = mean(pa, pb), mean(a, b)
    # A dip that stays near the bouts' level is not a recovery.
    if (min(la, lb) >= rules.dip_share * max(la, lb)
            and mean(pb, a) >= rules.dip_share * min(la, lb)):
        return True
    # Nor is a GPS dip: the speed drops, the legs keep the bouts' cadence.
    if gap <= 0.5 * shorter:
        cad_work = np.concatenate((run.cadence[pa:pb], run.cadence[a:b]))
        cad_gap = run.cadence[pb:a]
        if (np.isfinite(cad_gap).all() and (cad_gap > 0).all()
                and np.count_nonzero(np.isfinite(cad_work)) >= 0.5 * len(cad_work)):
            return bool(cad_gap.min() >= _nanmedian(cad_work) - rules.dip_cadence_spm)
    return False


def _nanmedian(values: FloatArray) -> float:
    """``np.nanmedian`` of an array with a value: the middle one or the mean of the middle two."""
    ordered = values[~np.isnan(values)]
    ordered.sort()
    return sorted_median(ordered)


class _LevelSplitter:
    """Binary segmentation of the effort into parts of different level.

    The split point minimises the squared error of two constant levels, from
    running sums of the effort and its square; it is kept when both sides last
    ``split_min_s`` and their levels differ by ``split_step``, down to 6 levels
    of splitting. The running sums start at each part's first sample (as
    ``np.cumsum`` of the part does), so a left part reuses its parent's.

    Trimming needs only the first and the last part above the work level, so
    the parts are searched from either end and the ones between never split.
    """

    def __init__(self, run: RunArrays) -> None:
        self.rules = run.rules
        self.x = run.x
        self.x_sq = run.x * run.x
        self.k = np.arange(len(run.x) + 1, dtype=float)
        self.cuts: dict[tuple[int, int], int] = {}  # where each part splits (0: it does not)

    def outer_part(self, a: int, b: int, keep: Callable[[int, int], bool],
                   from_end: bool = False) -> tuple[int, int] | None:
        """The first part of ``[a, b)`` (the last one, ``from_end``) that ``keep`` accepts."""
        return self._search(a, b, 0, None, keep, from_end)

    def _search(self, a: int, b: int, depth: int, sums: tuple[FloatArray, FloatArray] | None,
                keep: Callable[[int, int], bool], from_end: bool) -> tuple[int, int] | None:
        cut, sums = self._cut(a, b, depth, sums)
        if not cut:
            return (a, b) if keep(a, b) else None
        left = (a, a + cut, None if sums is None else (sums[0][:cut], sums[1][:cut]))
        right = (a + cut, b, None)
        for lo, hi, part_sums in ((right, left) if from_end else (left, right)):
            found = self._search(lo, hi, depth + 1, part_sums, keep, from_end)
            if found:
                return found
        return None

    def _cut(self, a: int, b: int, depth: int, sums: tuple[FloatArray, FloatArray] | None,
             ) -> tuple[int, tuple[FloatArray, FloatArray] | None]:
        """Where ``[a, b)`` splits (0: it does not), with its running sums when computed."""
        n = b - a
        m = self.rules.split_min_s
        if n < 2 * m or depth >= 6:
            return 0, None
        if (a, b) in self.cuts:
            return self.cuts[a, b], sums
        if sums is None:
            sums = self.x[a:b].cumsum(), self.x_sq[a:b].cumsum()
        cs, cs2 = sums
        # Index i holds the sums left of a cut at k = m + i (split_min_s is at least 1);
        # sse = (left_sq - left_sum**2 / k) + ((total_sq - left_sq) - right_sum**2 / (n - k)),
        # computed in place.
        left_sum, left_sq = cs[m - 1:n - m], cs2[m - 1:n - m]
        right = cs[n - 1] - left_sum
        right *= right
        right /= self.k[n - m:m - 1:-1]
        sse = left_sum * left_sum
        sse /= self.k[m:n - m + 1]
        np.subtract(left_sq, sse, out=sse)
        right_sq = cs2[n - 1] - left_sq
        right_sq -= right
        sse += right_sq
        j = int(sse.argmin())
        cut = m + j
        m_left = float(left_sum[j]) / cut
        m_right = float(cs[n - 1] - left_sum[j]) / (n - cut)
        if abs(m_left - m_right) < self.rules.split_step * max(min(m_left, m_right), 1e-6):
            cut = 0
        self.cuts[a, b] = cut
        return cut, sums


def _trim_levels(run: RunArrays, spans: list[tuple[int, int]],
                 mean: Callable[[int, int], float]) -> list[tuple[int, int]]:
    """Cut the ends of each bout whose level is below the work threshold: a warm-up that
    drifted into the first rep, a cool-down after the last. A low stretch inside
    stays: the bout was joined across it on purpose (a GPS dip, a short slowdown)."""
    enter = run.rules.enter_x_easy * run.easy
    # A mean of values that all clear this is above ``enter``, however it is summed: a
    # float sum of n values of one sign errs by less than n x 2.2e-16 of it.
    surely_high = enter * (1 + 1e-9) if enter > 0 else np.inf
    lowest = _span_minima(run.x, spans).tolist()
    levels = _LevelSplitter(run)
    x, k, m = run.x, levels.k, run.rules.split_min_s

    def high(pa: int, pb: int) -> bool:
        return mean(pa, pb) >= enter
    out: list[tuple[int, int]] = []
    for (a, b), low in zip(spans, lowest, strict=True):
        if low >= surely_high:
            out.append((a, b))  # every part is high
            continue
        start = end = None
        n = b - a
        # The first part starts the bout and lasts split_min_s at least: when every such
        # start of the bout is high, so is the first part (and the same for the last).
        if n >= 2 * m and low >= 0:
            if (x[a:b].cumsum()[m - 1:] / k[m:n + 1]).min() >= surely_high:
                start = a
                if (x[a:b][::-1].cumsum()[m - 1:] / k[m:n + 1]).min() >= surely_high:
                    end = b
        if start is None:
            first = levels.outer_part(a, b, high)
            if first is None:
                continue
            start = first[0]
        if end is None:
            last = levels.outer_part(a, b, high, from_end=True)
            assert last is not None  # the first high part is one
            end = last[1]
        out.append((start, end))
    return out


def _span_minima(values: FloatArray, spans: list[tuple[int, int]]) -> FloatArray:
    """Smallest of ``values[a:b]`` for each of the ordered, disjoint, non-empty ``spans``."""
    at = np.array(spans, dtype=np.intp).ravel()
    if at[-1] == len(values):
        at = at[:-1]  # the last span runs to the end
    # Each span's start and end open a segment: the ones from a start are the spans.
    return np.minimum.reduceat(values, at)[::2]


def _merge_short_breaks(run: RunArrays, spans: list[tuple[int, int]]) -> list[list[int]]:
    """Join bouts whose break is much shorter than the run's typical recovery.

    A 15-s slowdown in the middle of an 800 m rep is not a recovery when the
    run's recoveries last two minutes; a watch stop always is one.
    """
    rules = run.rules
    if len(spans) < 3:
        return [list(span) for span in spans]
    at = np.array(spans, dtype=np.intp)
    t = run.t
    t_start = t[at[:, 0]].tolist()
    t_end = (t[at[:, 1] - 1] + 1.0).tolist()
    long_enough = [i for i, (a, b) in enumerate(spans) if b - a >= rules.rep_min_s]
    gaps = [t_start[j] - t_end[i] for i, j in zip(long_enough, long_enough[1:], strict=False)]
    if len(gaps) < 2:
        return [list(span) for span in spans]
    typical = sorted_median(sorted(gaps))
    same_stretch = (run.stretch[at[:-1, 1] - 1] == run.stretch[at[1:, 0]]).tolist()
    out = [list(spans[0])]
    for i, (a, b) in enumerate(spans[1:]):
        pa, pb = out[-1]
        # The bout before this one ends where the previous span does.
        if (same_stretch[i]
                and t_start[i + 1] - t_end[i] <= rules.typical_gap_share * min(
                    typical, min(pb - pa, b - a))):
            out[-1][1] = b
        else:
            out.append([a, b])
    return out


def _nearest(values: list[float], target: float) -> int:
    """Index of the sorted ``values`` nearest ``target``; the first of ties, as ``np.argmin``."""
    i = bisect_left(values, target)
    if i == len(values) or (i > 0 and abs(values[i - 1] - target) <= abs(values[i] - target)):
        i -= 1
    while i > 0 and abs(values[i - 1] - target) == abs(values[i] - target):
        i -= 1
    return i


def _bout_stretches(run: RunArrays, bouts: list[Bout],
                    ) -> tuple[IntArray, IntArray, list[int], list[int]]:
    """Each bout's first and last sample, and the first sample of its stretch and the one
    after that stretch (stretches are contiguous and in order)."""
    starts = np.array([bout.a for bout in bouts])
    ends = np.array([bout.b for bout in bouts])
    ends -= 1
    return starts, ends, run.first[starts].tolist(), (run.last[ends] + 1).tolist()


def _snap_to_laps(run: RunArrays, bouts: list[Bout]) -> None:
    """Move bout edges onto nearby manual or workout lap boundaries (a hint only)."""
    if not bouts or len(run.lap_times) == 0:
        return
    laps = run.lap_times.tolist()
    rules = run.rules
    t = run.t
    starts, ends, stretch_lo, stretch_hi = _bout_stretches(run, bouts)
    t_starts = t[starts].tolist()
    t_ends = (t[ends] + 1.0).tolist()
    # The sample each lap boundary falls on (the first at or after it, within half a second).
    lap_at = t.searchsorted(run.lap_times - 0.5).tolist()
    for bout, lo, hi, t_start, t_end in zip(bouts, stretch_lo, stretch_hi, t_starts, t_ends,
                                             strict=True):
        dur = t_end - t_start
        tol = min(max(rules.lap_snap_min_s, rules.lap_snap_share * dur), rules.lap_snap_max_s)
        j = _nearest(laps, t_start)
        if abs(laps[j] - t_start) <= tol:
            bout.a = min(max(lap_at[j], lo), bout.b - 1)
        j = _nearest(laps, t_end)
        if abs(laps[j] - t_end) <= tol:
            bout.b = min(max(lap_at[j], bout.a + 1), hi)


def _refine_edges(run: RunArrays, bout: Bout) -> None:
    """Move the edges to where the effort crosses halfway to the surroundings.

    The bout's level is its upper quartile, so that a sprint's edges sit at
    half its speed rather than at half of its mean with the slow-down. The
    first and last crossings count, wherever they are inside the bout: a
    warm-up that the hysteresis let into the bout is cut off here.
    """
    a, b = bout.a, bout.b
    x = run.x
    search = run.rules.edge_search_s
    k = min(int(0.75 * (b - a)), b - a - 1)
    ordered = x[a:b].copy()
    ordered.partition(k)
    level = float(ordered[k])
    lo_a = max(a - search, int(run.first[a]))
    hi_b = min(b + search, int(run.last[b - 1]) + 1)
    # The surroundings are a few samples: Python reads them quicker than numpy calls would.
    if lo_a < a:
        before = x[lo_a:a].tolist()
        threshold = 0.5 * (level + min(before))
        i = next((i for i, v in enumerate(before) if v >= threshold), None)
        if i is not None:
            bout.a = lo_a + i
        elif not x[a] >= threshold:
            above = x[a:b] >= threshold
            i = int(above.argmax())  # the first crossing, if any
            if above[i]:
                bout.a = a + i
    if b < hi_b:
        after = x[b:hi_b].tolist()
        threshold = 0.5 * (level + min(after))
        i = next((i for i in range(len(after) - 1, -1, -1) if after[i] >= threshold), None)
        if i is not None:
            bout.b = b + i + 1
        elif not x[b - 1] >= threshold:
            above = x[bout.a:b][::-1] >= threshold
            i = int(above.argmax())  # the last crossing, counted from the end
            if above[i]:
                bout.b = b - i


#: The climb of a short bout is measured this far beyond its edges. [s]
_CLIMB_MARGIN_S = 3

#: A bout's peak is its best mean speed over this many seconds. [s]
_PEAK_S = 5


def measure(run: RunArrays, bout: Bout) -> None:
    """Fill in what the rules look at: time, distance, speeds, effort, peak, climb."""
    a, b = bout.a, bout.b
    n = b - a
    moving_before = run.moving_before
    m_a, m_b = int(moving_before[a]), int(moving_before[b])
    n_moving = m_b - m_a
    bout.moving_s = n_moving or n
    bout.duration_s = run.end_time(b) - float(run.t[a])
    # Moving samples only, unless the whole bout stands still.
    speed = run.speed[a:b]
    if n_moving in (0, n):
        bout.effort_mps = array_mean(run.x[a:b])
        bout.speed_mps = array_mean(speed)
    else:
        bout.effort_mps = array_mean(run.x_moving[m_a:m_b])
        bout.speed_mps = array_mean(run.speed_moving[m_a:m_b])
    bout.peak_mps = best_mean(speed, _PEAK_S)
    bout.distance_m = float(run.dist[b - 1]) - float(run.dist[a])
    n_hr = int(run.hr_before[b] - run.hr_before[a])
    hr = run.hr[a:b]
    bout.heart_rate = (array_mean(hr if n_hr == n else hr[np.isfinite(hr)]) if n_hr else np.nan)
    _climb(run, bout)


def _climb(run: RunArrays, bout: Bout) -> None:
    """The rise and grade of a bout.

    Edges sit where the effort crossed halfway: a short uphill sprint would lose
    half its rise, so the climb is measured a few seconds beyond them.
    """
    a, b = bout.a, bout.b
    lo = max(a - _CLIMB_MARGIN_S, int(run.first[a]))
    hi = min(b + _CLIMB_MARGIN_S, int(run.last[b - 1]) + 1)
    dist = float(run.dist[hi - 1]) - float(run.dist[lo])
    n_ok = int(run.elev_fine_before[hi] - run.elev_fine_before[lo])
    k = _climb_ends(n_ok, dist)
    head: list[float] = []
    tail: list[float] = []
    if k:
        e = run.elev_fine
        if n_ok < hi - lo:
            e, lo, hi = e[lo:hi][np.isfinite(e[lo:hi])], 0, n_ok
        head, tail = e[lo:lo + k].tolist(), e[hi - k:hi].tolist()
    _set_climb(bout, dist, head, tail)


def _climb_ends(n_ok: int, dist_m: float) -> int:
    """How many fine elevations at each end a climb is measured from (1 to 3; 0 when
    fewer than 4 are known or the bout covers 10 m or less)."""
    return min(3, n_ok // 4) if n_ok >= 4 and dist_m > 10 else 0


def _set_climb(bout: Bout, dist_m: float, head: list[float], tail: list[float]) -> None:
    """A bout's rise and grade from the mean fine elevation at its start (``head``) and
    its end (``tail``); none given: flat."""
    if not head:
        bout.gain_m = bout.grade_pct = 0.0
        return
    k = len(head)
    bout.gain_m = numpy_sum(tail) / k - numpy_sum(head) / k
    bout.grade_pct = 100.0 * bout.gain_m / dist_m


def measure_all(run: RunArrays, bouts: list[Bout]) -> None:
    """:func:`measure` of every bout: the same numbers, with numpy calls for all of them.

    Each mean is the sum of the same samples (laid out as :func:`slice_sums` lays
    them), each peak a difference of the bout's own running sums; what is read at a
    bout's edges is read for all the bouts at once and worked out in plain Python.
    """
    if not bouts:
        return
    count = len(bouts)
    a_list = [bout.a for bout in bouts]
    b_list = [bout.b for bout in bouts]
    edges = np.array(a_list + b_list)
    a, b = edges[:count], edges[count:]
    ends = b - 1
    moving_at = run.moving_before[edges].tolist()
    hr_at = run.hr_before[edges].tolist()
    t_a, t_last = run.t[a].tolist(), run.t[ends].tolist()
    first, last = run.first[a].tolist(), run.last[ends].tolist()
    # The climb (see measure): its ends and, where every fine elevation is there, its first
    # and last three samples, read beside the bout's own ends.
    climb_lo = [max(i - _CLIMB_MARGIN_S, start) for i, start in zip(a_list, first, strict=True)]
    climb_hi = [min(j + _CLIMB_MARGIN_S, end + 1) for j, end in zip(b_list, last, strict=True)]
    dist = run.dist.take(a_list + [j - 1 for j in b_list] + climb_lo
                         + [j - 1 for j in climb_hi]).tolist()
    elev = run.elev_fine
    elev_known = math.isfinite(np.add.reduce(elev))  # finite: so is every value
    if elev_known:
        elev_at = elev.take([k for i, j in zip(climb_lo, climb_hi, strict=True)
                             for k in (i, i + 1, i + 2, j - 3, j - 2, j - 1)], mode="clip").tolist()
    index, starts = _lay_out(a, b)
    effort = _laid_out_sums(run.x[index], starts).tolist()
    speed = _laid_out_sums(run.speed[index], starts).tolist()
    with_hr = int(run.hr_before[-1])
    if with_hr == len(run.hr):
        hr_sums = _laid_out_sums(run.hr[index], starts).tolist()
    elif with_hr:
        hr_sums = slice_sums(run.hr[np.isfinite(run.hr)], run.hr_before[a],
                             run.hr_before[b]).tolist()
    peak = _peaks(run.speed, a_list, b_list)
    for i, bout in enumerate(bouts):
        n = b_list[i] - a_list[i]
        n_moving = moving_at[count + i] - moving_at[i]
        bout.moving_s = n_moving or n
        bout.duration_s = (t_last[i] + 1.0) - t_a[i]
        if n_moving in (0, n):
            bout.effort_mps = effort[i] / n
            bout.speed_mps = speed[i] / n
        else:
            m_a, m_b = moving_at[i], moving_at[count + i]
            bout.effort_mps = array_mean(run.x_moving[m_a:m_b])
            bout.speed_mps = array_mean(run.speed_moving[m_a:m_b])
        bout.peak_mps = peak[i]
        bout.distance_m = dist[count + i] - dist[i]
        n_hr = hr_at[count + i] - hr_at[i]
        bout.heart_rate = hr_sums[i] / n_hr if n_hr else np.nan
        if not elev_known:
            _climb(run, bout)
            continue
        climb = dist[3 * count + i] - dist[2 * count + i]
        k = _climb_ends(climb_hi[i] - climb_lo[i], climb)
        values = elev_at[6 * i:6 * i + 6]  # the first and last three fine elevations
        _set_climb(bout, climb, values[:k], values[6 - k:] if k else [])


def _peaks(speed: FloatArray, a: list[int], b: list[int]) -> list[float]:
    """:func:`best_mean` of ``speed[a[i]:b[i]]`` over :data:`_PEAK_S` for every i."""
    w = _PEAK_S
    sizes = [j - i for i, j in zip(a, b, strict=True)]
    if min(sizes) < w:
        return [best_mean(speed[i:j], w) for i, j in zip(a, b, strict=True)]
    # Each bout's running sums (numpy's, from its first sample), end to end.
    running = np.concatenate([speed[i:j].cumsum() for i, j in zip(a, b, strict=True)])
    offsets = [0]
    for size in sizes:
        offsets.append(offsets[-1] + size)
    # Window sums; each bout's [o, o + n - w) are its own, the w after them reach into the next.
    windows = np.empty(len(running))
    np.subtract(running[w:], running[:-w], out=windows[:-w])
    bounds = [k for o, size in zip(offsets, sizes, strict=False) for k in (o, o + size - w)]
    later = np.maximum.reduceat(windows, bounds)[::2].tolist()
    first = running.take([o + w - 1 for o in offsets[:-1]]).tolist()
    # np.max: NaN wins.
    return [(window if size > w and (window > start or math.isnan(window)) else start) / w
            for start, window, size in zip(first, later, sizes, strict=True)]


class _Surroundings:
    """Per-run counts and compacted columns for :func:`surroundings`.

    ``free`` samples are moving and in no bout; a usable cadence is finite and
    above 0. Prefix counts turn "how many such samples between i and j" into a
    subtraction, and those samples' values laid end to end give a span's as
    one slice: the same values in the same order as masking the span, so the
    same sum.
    """

    def __init__(self, run: RunArrays, bouts: list[Bout]) -> None:
        free = run.moving.copy()
        for bout in bouts:
            free[bout.a:bout.b] = False
        self.n_free = _counts(free)
        self.x_free = run.x[free]
        cad = run.cadence
        if run.gps_speed:
            cad_ok = np.isfinite(cad) & (cad > 0)
            free_cad = free & cad_ok
        else:  # without GPS the cadence is never looked at
            cad_ok = free_cad = np.zeros(len(cad), dtype=bool)
        self.n_cad = _counts(cad_ok)
        self.cad = cad[cad_ok]
        self.n_free_cad = _counts(free_cad)
        self.free_cad = cad[free_cad]


def _counts(mask: BoolArray) -> IntArray:
    """How many of ``mask[:i]`` are set, for every i from 0 to n."""
    out = np.zeros(len(mask) + 1, dtype=np.int64)
    np.add.accumulate(mask, dtype=np.int64, out=out[1:])
    return out


def surroundings(run: RunArrays, bouts: list[Bout]) -> None:
    """Contrast of each bout with the effort and cadence just before and after it.

    Other bouts are left out of the surroundings. A side that reaches a watch
    stop within ``edge_run_s`` of running (starting the watch, jogging a few
    steps and stopping it) counts as a rest; the contrast is then judged
    against the running side, if any. Watches average the cadence over
    several seconds, so a short stride shows in the cadence only after it: the
    bout's cadence is the better of its own window and the window
    ``cadence_lag_s`` later.
    """
    if not bouts:
        return
    rules = run.rules
    n = len(run.x)
    around = _Surroundings(run, bouts)
    t = run.t
    a_list = [bout.a for bout in bouts]
    b_list = [bout.b for bout in bouts]
    starts, ends, stretch_lo, stretch_hi = _bout_stretches(run, bouts)
    reach_before = t.searchsorted(t[starts] - rules.surround_s).tolist()
    reach_after = t.searchsorted((t[ends] + 1.0) + rules.surround_s).tolist()
    lag = rules.cadence_lag_s
    # Each bout's sides, and where its counts are read: its own ends, the same lagged,
    # its sides' ends; read for all the bouts at once.
    all_sides: list[list[tuple[int, int]]] = []
    at: list[int] = []
    for a, b, start, end, before, after in zip(a_list, b_list, stretch_lo, stretch_hi,
                                               reach_before, reach_after, strict=True):
        sides: list[tuple[int, int]] = []
        if a > 0:
            sides.append((max(before, start), a))
        if b < n:
            sides.append((b, min(after, end)))
        all_sides.append(sides)
        at += (a, b, min(a + lag, end), min(b + lag, end))
        for side in sides:
            at += side
    index = np.array(at)
    n_free = around.n_free[index].tolist()
    n_cad = around.n_cad[index].tolist()
    n_free_cad = around.n_free_cad[index].tolist()
    # The columns averaged over, end to end: each mean is a span of it, all summed at once.
    x_at, x_free_at = 0, n
    cad_at = x_free_at + len(around.x_free)
    free_cad_at = cad_at + len(around.cad)
    spans_lo: list[int] = []
    spans_hi: list[int] = []
    # For each bout: its sides' effort spans, their cadence spans, its own cadence spans.
    plans: list[tuple[list[int], list[int], list[int]]] = []
    k = 0  # where the bout's counts are in what was read
    for a, b, start, end, sides in zip(a_list, b_list, stretch_lo, stretch_hi, all_sides,
                                       strict=True):
        efforts: list[int] = []
        cadences: list[int] = []  # of the sides with enough cadence, averaged when needed
        own: list[int] = []
        for s, (lo, hi) in zip(range(k + 4, k + 8, 2), sides, strict=False):
            free_lo, free_hi = n_free[s], n_free[s + 1]
            free = free_hi - free_lo
            reaches_stop = (lo == start and lo > 0) or (hi == end and hi < n)
            if free < rules.edge_run_s and (reaches_stop or hi - lo < rules.edge_run_s):
                continue
            efforts.append(len(spans_lo))
            if free < 5:
                # Only other bouts around: they are the surroundings.
                spans_lo.append(x_at + lo)
                spans_hi.append(x_at + hi)
                cad_lo, cad_hi = cad_at + n_cad[s], cad_at + n_cad[s + 1]
            else:
                spans_lo.append(x_free_at + free_lo)
                spans_hi.append(x_free_at + free_hi)
                cad_lo, cad_hi = free_cad_at + n_free_cad[s], free_cad_at + n_free_cad[s + 1]
            if cad_hi - cad_lo >= rules.edge_run_s:
                cadences.append(len(spans_lo))
                spans_lo.append(cad_lo)
                spans_hi.append(cad_hi)
        # The cadence check guards against GPS noise; without GPS it has nothing to guard.
        if (run.gps_speed and cadences
                and n_cad[k + 1] - n_cad[k] >= 0.5 * (b - a)):
            for i, j in ((k, k + 1), (k + 2, k + 3)):  # the bout, and lagged
                lo, hi = cad_at + n_cad[i], cad_at + n_cad[j]
                if hi > lo:
                    own.append(len(spans_lo))
                    spans_lo.append(lo)
                    spans_hi.append(hi)
        plans.append((efforts, cadences, own))
        k += 4 + 2 * len(sides)
    if spans_lo:
        columns = (run.x, around.x_free, around.cad, around.free_cad)
        sums = slice_sums(np.concatenate(columns), np.array(spans_lo), np.array(spans_hi)).tolist()
        means = [total / (hi - lo) for total, lo, hi in zip(sums, spans_lo, spans_hi, strict=True)]
    for bout, (efforts, cadences, own) in zip(bouts, plans, strict=True):
        # np.mean of the sides' means: the same sum and division.
        rest = numpy_sum([means[i] for i in efforts]) / len(efforts) if efforts else 0.0
        bout.contrast = bout.effort_mps / rest if rest > 0 else np.inf
        bout.cadence_rise_spm = np.inf
        if own:
            level = max(means[i] for i in own)
            bout.cadence_rise_spm = level - numpy_sum([means[i] for i in cadences]) / len(cadences)


