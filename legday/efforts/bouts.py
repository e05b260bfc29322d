"""From a prepared run to bouts: stretches of effort above the run's easy level.

A bout is a candidate for work; :mod:`legday.efforts.judge` decides what each
one is. Everything per sample is vectorised with numpy; the Python loops run
over bouts (a few dozen per run), never over samples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from legday.cleaning import (
    Columns,
    column,
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
    _prefix: dict[str, FloatArray] = field(default_factory=dict)
    _index: dict[str, IntArray] = field(default_factory=dict)

    @classmethod
    def of(cls, frame: Columns, easy: float, rules: EffortRules,
           laps: pd.DataFrame | None = None) -> RunArrays:
        stretch = column(frame, "stretch", np.int64)
        t_s = column(frame, "t_s")
        gap = np.nan_to_num(column(frame, "gap_speed_mps"))
        if "start_ns" in frame.attrs:
            t0 = pd.Timestamp(int(frame.attrs["start_ns"]), tz="UTC")
        else:
            first_ns = int(time_ns(pd.DatetimeIndex(frame["time"][:1]))[0])
            t0 = pd.Timestamp(first_ns - int(round(t_s[0] * 1e9)), tz="UTC")
        lat = column(frame, "lat")
        first, last = stretch_bounds(stretch)
        return cls(
            t=t_s, stretch=stretch,
            x=np.nan_to_num(window_mean(gap, stretch, rules.smooth_s // 2)),
            speed=column(frame, "speed_mps"), gap=gap, dist=column(frame, "distance_m"),
            elev=column(frame, "elevation_m"),
            elev_fine=window_mean(column(frame, "elevation_fine_m"), stretch, 2),
            hr=column(frame, "heart_rate"), cadence=column(frame, "cadence_spm"),
            moving=column(frame, "moving", bool), lat=lat, lon=column(frame, "lon"),
            on_cadence=speed_source_is(frame, "cadence"),
            first=first, last=last, easy=easy, rules=rules,
            lap_times=lap_boundaries(laps, t0, rules), t0=t0,
            noisy_elevation=bool(frame.attrs.get("elevation_noisy", False)),
            elevation_noise_m=float(np.nan_to_num(frame.attrs.get("elevation_noise_m", 0.0))),
            gps_speed=bool(len(lat) > 0 and array_mean(~np.isnan(lat)) > 0.5))

    @property
    def prefix(self) -> dict[str, FloatArray]:
        """Prefix sums for O(1) segment means (computed once)."""
        if not self._prefix:
            def cum(values: FloatArray) -> FloatArray:
                return np.concatenate(([0.0], np.cumsum(values)))
            mv = self.moving.astype(float)
            hr_ok = np.isfinite(self.hr)
            self._prefix.update({
                "moving": cum(mv), "speed": cum(self.speed), "gap": cum(self.gap),
                "speed_moving": cum(self.speed * mv), "gap_moving": cum(self.gap * mv),
                "hr": cum(np.where(hr_ok, self.hr, 0.0)), "hr_n": cum(hr_ok.astype(float)),
                "speed_cadence": cum(np.where(self.on_cadence, self.speed, 0.0)),
            })
        return self._prefix

    @property
    def next_elevation(self) -> IntArray:
        """Index of the first sample at or after each one with an elevation (n when none)."""
        if "next_elev" not in self._index:
            n = len(self.elev)
            idx = np.where(np.isfinite(self.elev), np.arange(n), n)
            self._index["next_elev"] = np.minimum.accumulate(idx[::-1])[::-1]
        return self._index["next_elev"]

    @property
    def prev_elevation(self) -> IntArray:
        """Index of the last sample at or before each one with an elevation (-1 when none)."""
        if "prev_elev" not in self._index:
            idx = np.where(np.isfinite(self.elev), np.arange(len(self.elev)), -1)
            self._index["prev_elev"] = np.maximum.accumulate(idx)
        return self._index["prev_elev"]

    def end_time(self, b: int) -> float:
        """Wall-clock end of a bout ending before sample ``b``. [s]"""
        return float(self.t[b - 1] + 1.0)

    def gap_s(self, first: Bout, second: Bout) -> float:
        """Time from the end of ``first`` to the start of ``second``. [s]"""
        return float(self.t[second.a]) - self.end_time(first.b)


def lap_boundaries(laps: pd.DataFrame | None, t0: pd.Timestamp,
                   rules: EffortRules) -> FloatArray:
    """Lap boundaries worth snapping to, in seconds since ``t0``.

    Laps ended by the athlete or a workout step count; auto-laps (about 1 km
    or 1 mile by distance) and the session end do not.
    """
    if laps is None or len(laps) == 0:
        return np.zeros(0)
    trigger = np.array([str(x).lower() for x in laps["trigger"]])
    dist = laps["distance_m"].to_numpy(dtype=float)
    auto = np.zeros(len(laps), dtype=bool)
    for metres in rules.auto_lap_m:
        auto |= np.abs(dist - metres) <= 0.02 * metres
    keep = ~((trigger == "distance") & auto) & (trigger != "session_end")
    start_ns = time_ns(laps["start"])
    end_ns = time_ns(laps["end"])
    after_kept = np.concatenate(([False], keep[:-1]))
    sec = np.concatenate((start_ns[keep | after_kept], end_ns[keep]))
    sec = (sec[sec > np.iinfo(np.int64).min] - t0.value) / 1e9
    return np.unique(sec.astype(float))


def runs_of(mask: BoolArray) -> list[tuple[int, int]]:
    """``[start, end)`` of each run of True."""
    padded = np.concatenate(([0], mask.astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _hysteresis(x: FloatArray, first: BoolArray, hi: float, lo: float) -> BoolArray:
    """On above ``hi``, off below ``lo``, state kept in between; reset at each ``first``."""
    state = np.full(len(x), np.nan)
    state[x >= hi] = 1.0
    state[x < lo] = 0.0
    state[first & np.isnan(state)] = 0.0
    filled = np.where(np.isnan(state), 0, np.arange(len(x)))
    np.maximum.accumulate(filled, out=filled)
    return np.asarray(state[filled] == 1.0)


def array_mean(values: npt.NDArray[np.float64] | BoolArray) -> float:
    """``np.mean`` of a non-empty 1-D array without its dispatch: the same sum and division."""
    return float(values.sum() / len(values))


def best_mean(values: FloatArray, window: int) -> float:
    """Best mean over ``window`` consecutive samples (or all of them when fewer)."""
    if len(values) == 0:
        return 0.0
    w = min(window, len(values))
    cs = np.concatenate(([0.0], np.cumsum(values)))
    return float(np.max(cs[w:] - cs[:-w]) / w)


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
    n = len(run.x)
    first = np.ones(n, dtype=bool)
    first[1:] = run.stretch[1:] != run.stretch[:-1]
    work = _hysteresis(run.x, first, rules.enter_x_easy * run.easy,
                       rules.leave_x_easy * run.easy)
    spans: list[tuple[int, int]] = []
    for a, b in runs_of(work):
        cuts = [a] + [int(i) for i in np.flatnonzero(first[a + 1:b]) + a + 1] + [b]
        spans.extend(zip(cuts[:-1], cuts[1:], strict=True))
    if not spans:
        return []
    merged = [list(spans[0])]
    for a, b in spans[1:]:
        pa, pb = merged[-1]
        if _one_effort(run, pa, pb, a, b):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    pieces = [piece for a, b in merged for piece in _trim_levels(run, a, b)]
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


def _one_effort(run: RunArrays, pa: int, pb: int, a: int, b: int) -> bool:
    """Whether the break between bouts ``[pa, pb)`` and ``[a, b)`` is not a recovery."""
    rules = run.rules
    gap = float(run.t[a]) - run.end_time(pb)
    shorter = min(pb - pa, b - a)
    if gap <= max(rules.bridge_s, rules.bridge_share * shorter):
        return True
    if run.stretch[pb - 1] != run.stretch[a]:
        return False
    la, lb = array_mean(run.x[pa:pb]), array_mean(run.x[a:b])
    # A dip that stays near the bouts' level is not a recovery.
    if (min(la, lb) >= rules.dip_share * max(la, lb)
            and array_mean(run.x[pb:a]) >= rules.dip_share * min(la, lb)):
        return True
    # Nor is a GPS dip: the speed drops, the legs keep the bouts' cadence.
    if gap <= 0.5 * shorter:
        cad_work = run.cadence[np.r_[pa:pb, a:b]]
        cad_gap = run.cadence[pb:a]
        if (np.isfinite(cad_gap).all() and (cad_gap > 0).all()
                and np.isfinite(cad_work).sum() >= 0.5 * len(cad_work)):
            return bool(np.min(cad_gap) >= np.nanmedian(cad_work) - rules.dip_cadence_spm)
    return False


def _split_levels(x: FloatArray, a: int, b: int, rules: EffortRules,
                  depth: int = 0) -> list[tuple[int, int]]:
    """Binary segmentation of ``x[a:b]`` into stretches of different level.

    The split point minimises the squared error of two constant levels
    (cumulative sums, no loop over samples); it is kept when both sides last
    ``split_min_s`` and their levels differ by ``split_step``.
    """
    n = b - a
    if n < 2 * rules.split_min_s or depth >= 6:
        return [(a, b)]
    seg = x[a:b]
    cs = np.cumsum(seg)
    cs2 = np.cumsum(seg * seg)
    k = np.arange(rules.split_min_s, n - rules.split_min_s + 1)
    left_sum, left_sq = cs[k - 1], cs2[k - 1]
    right_sum, right_sq = cs[-1] - left_sum, cs2[-1] - left_sq
    sse = (left_sq - left_sum**2 / k) + (right_sq - right_sum**2 / (n - k))
    j = int(np.argmin(sse))
    cut = int(k[j])
    m_left = float(left_sum[j] / cut)
    m_right = float(right_sum[j] / (n - cut))
    if abs(m_left - m_right) < rules.split_step * max(min(m_left, m_right), 1e-6):
        return [(a, b)]
    return (_split_levels(x, a, a + cut, rules, depth + 1)
            + _split_levels(x, a + cut, b, rules, depth + 1))


def _trim_levels(run: RunArrays, a: int, b: int) -> list[tuple[int, int]]:
    """Cut the ends of a bout whose level is below the work threshold: a warm-up that
    drifted into the first rep, a cool-down after the last. A low stretch inside
    stays: the bout was joined across it on purpose (a GPS dip, a short slowdown)."""
    enter = run.rules.enter_x_easy * run.easy
    pieces = [(array_mean(run.x[pa:pb]) >= enter, pa, pb)
              for pa, pb in _split_levels(run.x, a, b, run.rules)]
    high = [i for i, (ok, _, _) in enumerate(pieces) if ok]
    if not high:
        return []
    return [(pieces[high[0]][1], pieces[high[-1]][2])]


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
    typical = float(np.median(gaps))
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


def _snap_to_laps(run: RunArrays, bout: Bout) -> None:
    """Move bout edges onto nearby manual or workout lap boundaries (a hint only)."""
    laps = run.lap_times
    if len(laps) == 0:
        return
    rules = run.rules
    dur = run.end_time(bout.b) - float(run.t[bout.a])
    tol = min(max(rules.lap_snap_min_s, rules.lap_snap_share * dur), rules.lap_snap_max_s)
    s = run.stretch
    lo = int(np.searchsorted(s, s[bout.a], side="left"))
    hi = int(np.searchsorted(s, s[bout.b - 1], side="right"))
    t_start = float(run.t[bout.a])
    j = int(np.argmin(np.abs(laps - t_start)))
    if abs(laps[j] - t_start) <= tol:
        bout.a = int(np.clip(np.searchsorted(run.t, laps[j] - 0.5), lo, bout.b - 1))
    t_end = run.end_time(bout.b)
    j = int(np.argmin(np.abs(laps - t_end)))
    if abs(laps[j] - t_end) <= tol:
        bout.b = int(np.clip(np.searchsorted(run.t, laps[j] - 0.5), bout.a + 1, hi))


def _refine_edges(run: RunArrays, bout: Bout) -> None:
    """Move the edges to where the effort crosses halfway to the surroundings.

    The bout's level is its upper quartile, so that a sprint's edges sit at
    half its speed rather than at half of its mean with the slow-down. The
    first and last crossings count, wherever they are inside the bout: a
    warm-up that the hysteresis let into the bout is cut off here.
    """
    a, b = bout.a, bout.b
    search = run.rules.edge_search_s
    seg = run.x[a:b]
    k = min(int(0.75 * len(seg)), len(seg) - 1)
    level = float(np.partition(seg, k)[k])
    lo_a = max(a - search, int(run.first[a]))
    hi_b = min(b + search, int(run.last[b - 1]) + 1)
    before = run.x[lo_a:a]
    after = run.x[b:hi_b]
    if len(before):
        above = np.flatnonzero(run.x[lo_a:b] >= 0.5 * (level + float(np.min(before))))
        if len(above):
            bout.a = lo_a + int(above[0])
    if len(after):
        above = np.flatnonzero(run.x[bout.a:hi_b] >= 0.5 * (level + float(np.min(after))))
        if len(above):
            bout.b = bout.a + int(above[-1]) + 1


#: The climb of a short bout is measured this far beyond its edges. [s]
_CLIMB_MARGIN_S = 3


def measure(run: RunArrays, bout: Bout) -> None:
    """Fill in what the rules look at: time, distance, speeds, effort, peak, climb."""
    a, b = bout.a, bout.b
    mv = run.moving[a:b]
    bout.moving_s = int(mv.sum()) if mv.any() else b - a
    bout.duration_s = run.end_time(b) - float(run.t[a])
    use = mv if mv.any() else np.ones(b - a, dtype=bool)
    bout.effort_mps = array_mean(run.x[a:b][use])
    bout.speed_mps = array_mean(run.speed[a:b][use])
    bout.peak_mps = best_mean(run.speed[a:b], 5)
    bout.distance_m = float(run.dist[b - 1] - run.dist[a])
    hr = run.hr[a:b]
    hr_ok = np.isfinite(hr)
    bout.heart_rate = array_mean(hr[hr_ok]) if hr_ok.any() else np.nan
    # Edges sit where the effort crossed halfway: a short uphill sprint would lose half
    # its rise, so the climb is measured a few seconds beyond them.
    lo = max(a - _CLIMB_MARGIN_S, int(run.first[a]))
    hi = min(b + _CLIMB_MARGIN_S, int(run.last[b - 1]) + 1)
    e = run.elev_fine[lo:hi]
    ok = np.flatnonzero(np.isfinite(e))
    dist = float(run.dist[hi - 1] - run.dist[lo])
    if len(ok) >= 4 and dist > 10:
        ends = max(1, min(3, len(ok) // 4))
        bout.gain_m = float(e[ok[-ends:]].sum() / ends - e[ok[:ends]].sum() / ends)
        bout.grade_pct = 100.0 * bout.gain_m / dist
    else:
        bout.gain_m = bout.grade_pct = 0.0


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
    rules = run.rules
    n = len(run.x)
    in_bout = np.zeros(n, dtype=bool)
    for bout in bouts:
        in_bout[bout.a:bout.b] = True
    cad = run.cadence
    for bout in bouts:
        efforts: list[float] = []
        cadences: list[float] = []
        sides: list[tuple[int, int]] = []
        end = int(run.last[bout.b - 1]) + 1
        if bout.a > 0:
            lo = int(np.searchsorted(run.t, run.t[bout.a] - rules.surround_s))
            sides.append((max(lo, int(run.first[bout.a])), bout.a))
        if bout.b < n:
            hi = int(np.searchsorted(run.t, run.end_time(bout.b) + rules.surround_s))
            sides.append((bout.b, min(hi, end)))
        for lo, hi in sides:
            sel = slice(lo, hi)
            free = ~in_bout[sel] & run.moving[sel]
            reaches_stop = (lo == run.first[bout.a] and lo > 0) or (hi == end and hi < n)
            if free.sum() < rules.edge_run_s and (reaches_stop or hi - lo < rules.edge_run_s):
                continue
            if free.sum() < 5:
                # Only other bouts around: they are the surroundings.
                free = np.ones(hi - lo, dtype=bool)
            efforts.append(array_mean(run.x[sel][free]))
            c = cad[sel][free]
            c = c[np.isfinite(c) & (c > 0)]
            if len(c) >= rules.edge_run_s:
                cadences.append(array_mean(c))
        rest = float(np.mean(efforts)) if efforts else 0.0
        bout.contrast = bout.effort_mps / rest if rest > 0 else np.inf
        lag = rules.cadence_lag_s
        c_in = [c[np.isfinite(c) & (c > 0)] for c in
                (cad[bout.a:bout.b], cad[min(bout.a + lag, end):min(bout.b + lag, end)])]
        # The cadence check guards against GPS noise; without GPS it has nothing to guard.
        if run.gps_speed and cadences and len(c_in[0]) >= 0.5 * (bout.b - bout.a):
            level = max(array_mean(c) for c in c_in if len(c))
            bout.cadence_rise_spm = level - float(np.mean(cadences))
        else:
            bout.cadence_rise_spm = np.inf
