"""From a prepared run to bouts: stretches of effort above the run's easy level.

A bout is a candidate for work; :mod:`legday.efforts.judge` decides what each
one is. Everything per sample is vectorised with numpy; the Python loops run
over bouts (a few dozen per run), never over samples.

A run's bouts are found and measured in about a millisecond, so the cost here
is the number of numpy calls rather than their size: what several bouts need
is computed once per run (stretch bounds, counts of usable samples, compacted
columns) and read with index arithmetic. Each mean over a span is still
numpy's own sum of exactly the samples it summed before (a cumulative sum
would round differently), so every number is the same as when each bout was
summed alone.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd

from legday.cleaning import (
    Columns,
    column,
    sorted_median,
    speed_source_is,
    stretch_bounds,
    window_mean,
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
        gap = _finite(column(frame, "gap_speed_mps"))
        if "start_ns" in frame.attrs:
            t0 = pd.Timestamp(int(frame.attrs["start_ns"]), tz="UTC")
        else:
            first_ns = int(time_ns(pd.DatetimeIndex(frame["time"][:1]))[0])
            t0 = pd.Timestamp(first_ns - int(round(t_s[0] * 1e9)), tz="UTC")
        lat = column(frame, "lat")
        first, last = stretch_bounds(stretch)
        x = window_mean(gap, stretch, rules.smooth_s // 2, bounds=(first, last))
        if not math.isfinite(np.add.reduce(x)):  # see _finite
            x = np.nan_to_num(x)
        noise = float(frame.attrs.get("elevation_noise_m", 0.0))
        if not math.isfinite(noise):
            noise = float(np.nan_to_num(noise))
        return cls(
            t=t_s, stretch=stretch, x=x,
            speed=column(frame, "speed_mps"), gap=gap, dist=column(frame, "distance_m"),
            elev=column(frame, "elevation_m"),
            elev_fine=window_mean(column(frame, "elevation_fine_m"), stretch, 2,
                                  bounds=(first, last)),
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
    def stretch_start(self) -> BoolArray:
        """Whether each sample is the first of its stretch."""
        out = np.ones(len(self.stretch), dtype=bool)
        np.not_equal(self.stretch[1:], self.stretch[:-1], out=out[1:])
        return out

    @cached_property
    def moving_before(self) -> IntArray:
        """How many samples before each index (0 to n) are moving."""
        return _counts(self.moving)

    @cached_property
    def hr_before(self) -> IntArray:
        """How many samples before each index (0 to n) have a heart rate."""
        return _counts(np.isfinite(self.hr))

    @cached_property
    def elev_fine_before(self) -> IntArray:
        """How many samples before each index (0 to n) have a fine elevation."""
        return _counts(np.isfinite(self.elev_fine))

    @cached_property
    def lap_list(self) -> list[float]:
        """``lap_times`` as Python floats, for bisecting."""
        return list(self.lap_times.tolist())

    def end_time(self, b: int) -> float:
        """Wall-clock end of a bout ending before sample ``b``. [s]"""
        return float(self.t[b - 1] + 1.0)

    def gap_s(self, first: Bout, second: Bout) -> float:
        """Time from the end of ``first`` to the start of ``second``. [s]"""
        return float(self.t[second.a]) - self.end_time(first.b)


def _finite(values: FloatArray) -> FloatArray:
    """``np.nan_to_num`` of a float array (a new array), quicker when all values are finite."""
    # The sum is finite only when every value is (or it overflows: nan_to_num then).
    if math.isfinite(np.add.reduce(values)):
        return values.copy()
    return np.nan_to_num(values)


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
    triggers = [str(x).lower() for x in columns["trigger"].tolist()]
    keep = [trigger != "session_end" for trigger in triggers]
    if "distance" in triggers:
        dists = columns["distance_m"].to_numpy(dtype=float).tolist()
        for i, (trigger, dist) in enumerate(zip(triggers, dists, strict=True)):
            if trigger == "distance" and any(abs(dist - metres) <= 0.02 * metres
                                             for metres in rules.auto_lap_m):
                keep[i] = False
    if not any(keep):
        return np.zeros(0)
    starts = time_ns(columns["start"]).tolist()
    ends = time_ns(columns["end"]).tolist()
    # A kept lap's start and end count, and so does the start of the lap after it.
    ns = [start for i, start in enumerate(starts) if keep[i] or (i and keep[i - 1])]
    ns += [end for i, end in enumerate(ends) if keep[i]]
    origin = t0.value
    return np.array(sorted({(v - origin) / 1e9 for v in ns if v != _NAT_NS}), dtype=float)


#: The columns of the laps frame that :func:`lap_boundaries` reads.
_LAP_COLUMNS = ("trigger", "distance_m", "start", "end")


def _lap_columns(laps: pd.DataFrame) -> dict[str, pd.Series]:
    """The columns :func:`lap_boundaries` reads.

    Taken in order rather than by name: looking a name up first builds the
    frame's column index (a laps frame is new for each activity), which costs
    more than the few columns it would save.
    """
    out: dict[str, pd.Series] = {}
    for name, values in laps.items():
        if name in _LAP_COLUMNS:
            out[str(name)] = values
            if len(out) == len(_LAP_COLUMNS):
                break
    return out


def _hysteresis(x: FloatArray, first: BoolArray, hi: float, lo: float) -> BoolArray:
    """On above ``hi``, off below ``lo``, state kept in between; reset at each ``first``."""
    on = x >= hi
    off = x < lo
    decided = on | off | first
    # Each sample takes the state of the last decided sample at or before it.
    last_decided = np.where(decided, np.arange(len(x)), 0)
    np.maximum.accumulate(last_decided, out=last_decided)
    # Above hi is never below lo when hi >= lo (the shipped rules).
    state = on if hi >= lo else on & ~off
    return np.asarray(state[last_decided])


def array_mean(values: npt.NDArray[np.float64] | BoolArray) -> float:
    """``np.mean`` of a non-empty 1-D array without its dispatch: the same sum and division."""
    return float(values.sum() / len(values))


def best_mean(values: FloatArray, window: int) -> float:
    """Best mean over ``window`` consecutive samples (or all of them when fewer)."""
    if len(values) == 0:
        return 0.0
    w = min(window, len(values))
    cs = values.cumsum()
    best = float(cs[w - 1])  # the first window
    if len(values) > w:
        later = float((cs[w:] - cs[:-w]).max())
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
    spans = _work_spans(work, first)
    if not spans:
        return []
    mean = _span_means(run.x)
    merged = [list(spans[0])]
    for a, b in spans[1:]:
        pa, pb = merged[-1]
        if _one_effort(run, pa, pb, a, b, mean):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    levels = _LevelSplitter(run)
    pieces = [piece for a, b in merged for piece in _trim_levels(run, a, b, levels, mean)]
    merged = _merge_short_breaks(run, [list(p) for p in pieces])
    bouts = [Bout(a, b) for a, b in merged if b - a >= rules.min_bout_s]
    for bout in bouts:
        _refine_edges(run, bout)
        _snap_to_laps(run, bout)
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


def _work_spans(work: BoolArray, first: BoolArray) -> list[tuple[int, int]]:
    """``[start, end)`` of each run of ``work``, cut where a stretch starts."""
    n = len(work)
    edge = np.ones(n + 1, dtype=bool)
    edge[1:n] = (work[1:] != work[:-1]) | first[1:]
    bounds = np.flatnonzero(edge)
    starts, ends = bounds[:-1], bounds[1:]
    inside = work[starts]
    return list(zip(starts[inside].tolist(), ends[inside].tolist(), strict=True))


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


def _one_effort(run: RunArrays, pa: int, pb: int, a: int, b: int,
                mean: Callable[[int, int], float]) -> bool:
    """Whether the break between bouts ``[pa, pb)`` and ``[a, b)`` is not a recovery."""
    rules = run.rules
    gap = float(run.t[a]) - run.end_time(pb)
    shorter = min(pb - pa, b - a)
    if gap <= max(rules.bridge_s, rules.bridge_share * shorter):
        return True
    if run.stretch[pb - 1] != run.stretch[a]:
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
        # Index i holds the sums left of a cut at k = m + i (split_min_s is at least 1).
        left_sum, left_sq = cs[m - 1:n - m], cs2[m - 1:n - m]
        k = self.k[m:n - m + 1]
        n_minus_k = self.k[n - m:m - 1:-1]
        sse = ((left_sq - left_sum**2 / k)
               + ((cs2[n - 1] - left_sq) - (cs[n - 1] - left_sum)**2 / n_minus_k))
        j = int(sse.argmin())
        cut = m + j
        m_left = float(left_sum[j]) / cut
        m_right = float(cs[n - 1] - left_sum[j]) / (n - cut)
        if abs(m_left - m_right) < self.rules.split_step * max(min(m_left, m_right), 1e-6):
            cut = 0
        self.cuts[a, b] = cut
        return cut, sums


def _trim_levels(run: RunArrays, a: int, b: int, levels: _LevelSplitter,
                 mean: Callable[[int, int], float]) -> list[tuple[int, int]]:
    """Cut the ends of a bout whose level is below the work threshold: a warm-up that
    drifted into the first rep, a cool-down after the last. A low stretch inside
    stays: the bout was joined across it on purpose (a GPS dip, a short slowdown)."""
    enter = run.rules.enter_x_easy * run.easy

    def high(pa: int, pb: int) -> bool:
        return mean(pa, pb) >= enter
    first = levels.outer_part(a, b, high)
    if first is None:
        return []
    last = levels.outer_part(a, b, high, from_end=True)
    assert last is not None  # the first high part is one
    return [(first[0], last[1])]


def _merge_short_breaks(run: RunArrays, spans: list[list[int]]) -> list[list[int]]:
    """Join bouts whose break is much shorter than the run's typical recovery.

    A 15-s slowdown in the middle of an 800 m rep is not a recovery when the
    run's recoveries last two minutes; a watch stop always is one.
    """
    rules = run.rules
    if len(spans) < 3:
        return spans
    long_enough = [(a, b) for a, b in spans if b - a >= rules.rep_min_s]
    gaps = [float(run.t[a2]) - run.end_time(b1)
            for (_, b1), (a2, _) in zip(long_enough, long_enough[1:], strict=False)]
    if len(gaps) < 2:
        return spans
    typical = sorted_median(sorted(gaps))
    out = [list(spans[0])]
    for a, b in spans[1:]:
        pa, pb = out[-1]
        gap = float(run.t[a]) - run.end_time(pb)
        if (run.stretch[pb - 1] == run.stretch[a]
                and gap <= rules.typical_gap_share * min(typical, min(pb - pa, b - a))):
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


def _snap_to_laps(run: RunArrays, bout: Bout) -> None:
    """Move bout edges onto nearby manual or workout lap boundaries (a hint only)."""
    if len(run.lap_times) == 0:
        return
    laps = run.lap_list
    rules = run.rules
    t_start = float(run.t[bout.a])
    dur = run.end_time(bout.b) - t_start
    tol = min(max(rules.lap_snap_min_s, rules.lap_snap_share * dur), rules.lap_snap_max_s)
    # The bout's stretch: stretches are contiguous and in order.
    lo = int(run.first[bout.a])
    hi = int(run.last[bout.b - 1]) + 1
    j = _nearest(laps, t_start)
    if abs(laps[j] - t_start) <= tol:
        bout.a = min(max(int(run.t.searchsorted(laps[j] - 0.5)), lo), bout.b - 1)
    t_end = run.end_time(bout.b)
    j = _nearest(laps, t_end)
    if abs(laps[j] - t_end) <= tol:
        bout.b = min(max(int(run.t.searchsorted(laps[j] - 0.5)), bout.a + 1), hi)


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
    if lo_a < a:
        above = x[lo_a:b] >= 0.5 * (level + float(x[lo_a:a].min()))
        i = int(above.argmax())  # the first crossing, if any
        if above[i]:
            bout.a = lo_a + i
    if b < hi_b:
        above = x[bout.a:hi_b][::-1] >= 0.5 * (level + float(x[b:hi_b].min()))
        i = int(above.argmax())  # the last crossing, counted from the end
        if above[i]:
            bout.b = hi_b - i


#: The climb of a short bout is measured this far beyond its edges. [s]
_CLIMB_MARGIN_S = 3


def measure(run: RunArrays, bout: Bout) -> None:
    """Fill in what the rules look at: time, distance, speeds, effort, peak, climb."""
    a, b = bout.a, bout.b
    n = b - a
    n_moving = int(run.moving_before[b] - run.moving_before[a])
    bout.moving_s = n_moving or n
    bout.duration_s = run.end_time(b) - float(run.t[a])
    # Moving samples only, unless the whole bout stands still.
    if n_moving in (0, n):
        bout.effort_mps = array_mean(run.x[a:b])
        bout.speed_mps = array_mean(run.speed[a:b])
    else:
        mv = run.moving[a:b]
        bout.effort_mps = array_mean(run.x[a:b][mv])
        bout.speed_mps = array_mean(run.speed[a:b][mv])
    bout.peak_mps = best_mean(run.speed[a:b], 5)
    bout.distance_m = float(run.dist[b - 1]) - float(run.dist[a])
    n_hr = int(run.hr_before[b] - run.hr_before[a])
    hr = run.hr[a:b]
    bout.heart_rate = (array_mean(hr if n_hr == n else hr[np.isfinite(hr)]) if n_hr else np.nan)
    # Edges sit where the effort crossed halfway: a short uphill sprint would lose half
    # its rise, so the climb is measured a few seconds beyond them.
    lo = max(a - _CLIMB_MARGIN_S, int(run.first[a]))
    hi = min(b + _CLIMB_MARGIN_S, int(run.last[b - 1]) + 1)
    dist = float(run.dist[hi - 1]) - float(run.dist[lo])
    n_ok = int(run.elev_fine_before[hi] - run.elev_fine_before[lo])
    if n_ok >= 4 and dist > 10:
        e = run.elev_fine[lo:hi]
        if n_ok < hi - lo:
            e = e[np.isfinite(e)]
        ends = max(1, min(3, n_ok // 4))
        bout.gain_m = (float(np.add.reduce(e[-ends:])) / ends
                       - float(np.add.reduce(e[:ends])) / ends)
        bout.grade_pct = 100.0 * bout.gain_m / dist
    else:
        bout.gain_m = bout.grade_pct = 0.0


class _Surroundings:
    """Per-run counts and compacted columns for :func:`surroundings`.

    ``free`` samples are moving and in no bout; a usable cadence is finite and
    above 0. Prefix counts turn "how many such samples between i and j" into a
    subtraction, and those samples' values laid end to end give a span's as
    one slice: the same values in the same order as masking the span, so the
    same sum.
    """

    def __init__(self, run: RunArrays, bouts: list[Bout]) -> None:
        in_bout = np.zeros(len(run.x), dtype=bool)
        for bout in bouts:
            in_bout[bout.a:bout.b] = True
        free = run.moving & ~in_bout
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
    np.cumsum(mask, out=out[1:])
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
    n_free = around.n_free
    for bout in bouts:
        efforts: list[float] = []
        cadences: list[FloatArray] = []  # of the sides with enough cadence, averaged when needed
        sides: list[tuple[int, int]] = []
        start = int(run.first[bout.a])
        end = int(run.last[bout.b - 1]) + 1
        if bout.a > 0:
            lo = int(run.t.searchsorted(run.t[bout.a] - rules.surround_s))
            sides.append((max(lo, start), bout.a))
        if bout.b < n:
            hi = int(run.t.searchsorted(run.end_time(bout.b) + rules.surround_s))
            sides.append((bout.b, min(hi, end)))
        for lo, hi in sides:
            free = int(n_free[hi] - n_free[lo])
            reaches_stop = (lo == start and lo > 0) or (hi == end and hi < n)
            if free < rules.edge_run_s and (reaches_stop or hi - lo < rules.edge_run_s):
                continue
            if free < 5:
                # Only other bouts around: they are the surroundings.
                efforts.append(array_mean(run.x[lo:hi]))
                cad = around.cad[around.n_cad[lo]:around.n_cad[hi]]
            else:
                efforts.append(array_mean(around.x_free[n_free[lo]:n_free[hi]]))
                cad = around.free_cad[around.n_free_cad[lo]:around.n_free_cad[hi]]
            if len(cad) >= rules.edge_run_s:
                cadences.append(cad)
        rest = _mean_of(efforts) if efforts else 0.0
        bout.contrast = bout.effort_mps / rest if rest > 0 else np.inf
        bout.cadence_rise_spm = np.inf
        # The cadence check guards against GPS noise; without GPS it has nothing to guard.
        if not (run.gps_speed and cadences):
            continue
        n_cad = around.n_cad
        if n_cad[bout.b] - n_cad[bout.a] < 0.5 * (bout.b - bout.a):
            continue
        lag = rules.cadence_lag_s
        c_in = [around.cad[n_cad[i]:n_cad[j]] for i, j in
                ((bout.a, bout.b), (min(bout.a + lag, end), min(bout.b + lag, end)))]
        level = max(array_mean(c) for c in c_in if len(c))
        bout.cadence_rise_spm = level - _mean_of([array_mean(c) for c in cadences])


def _mean_of(values: list[float]) -> float:
    """``np.mean`` of one or two floats (the sides of a bout): the same sum and division."""
    return values[0] if len(values) == 1 else (values[0] + values[1]) / 2
