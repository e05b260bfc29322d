"""Effort classification: every run cut into steady, hill, sprint, interval and recovery.

The definitions, thresholds and the reasons for them are in ``docs/efforts.md``;
this module is their code. In short:

1. The run is prepared on a 1-s grid within moving stretches
   (:func:`legday.cleaning.prepare_arrays`); the effort signal is the
   grade-adjusted speed (GAP), smoothed over 9 s.
2. The run's *easy level* comes from its own running
   (:func:`legday.calibration.easy_level_mps`), else the athlete's easy speed.
3. **Bouts** are stretches of effort above the easy level (hysteresis: enter at
   1.12 x, leave below 1.04 x). A watch stop ends a bout; short breaks (a GPS
   dip, a traffic light) do not. Parts of a bout below the work level are
   trimmed (a warm-up drifting into the first rep), and edges are moved to where
   the effort crosses halfway between the bout and its surroundings; manual
   and workout laps nearby are used as a hint for the edges.
4. Each bout is judged, first rule that fits:

   - **hill**: a climb (>= 3 % and 2.5 m up) at a GAP effort of 1.3 x easy
     (1.25 x for the same hill repeated), sustained (30 s or 100 m) or an
     uphill sprint, and harder than the run's ordinary climbing;
   - **sprint**: at most 30 s and near-maximal (best 5 s >= 80 % of top speed)
     or a stride (at most 25 s at >= 1.5 x easy speed); in a set with longer
     reps at about its speed, a short bout is a rep instead (a ladder's 100 m);
   - **interval rep**: 20 s to 10 min at >= 1.12 x easy and >= 1.3 x its
     running surroundings (a watch stop is a rest), with the legs showing it
     (cadence up) when the speed comes from GPS. Reps count only when repeated:
     in a set of two or more.

5. The easy parts between two work efforts are **recovery**; everything else
   is **steady**. The activity's primary kind follows the issue's rule
   (:func:`primary_kind`).

Everything per sample is vectorised with numpy; the Python loops run over
bouts (a few dozen per run), never over samples.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from legday.calibration import (
    FROM_THIS_FILE,
    AthleteProfile,
    RunStats,
    estimate_profile,
    run_stats,
)
from legday.cleaning import (
    NOISY_GRADE_DEADBAND,
    Columns,
    apply_cadence_model,
    column,
    elevation_gain_m,
    prepare_arrays,
    stretch_bounds,
    time_ns,
    window_mean,
)
from legday.model import Activity, iso_utc

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class EffortKind(StrEnum):
    """The kinds of effort a run is cut into."""

    STEADY = "steady"
    HILL = "hill"
    SPRINT = "sprint"
    INTERVAL = "interval"
    RECOVERY = "recovery"


WORK_KINDS = frozenset({EffortKind.HILL, EffortKind.SPRINT, EffortKind.INTERVAL})

# --- the kinds' thresholds (docs/efforts.md says why) ----------------------------------

#: Work: grade-adjusted effort at least this multiple of the run's easy level. [1]
REP_X_EASY = 1.12
#: Interval rep: at least this multiple of the running around it. [1]
REP_CONTRAST = 1.3
#: Interval rep: at least this long (moving)... [s]
REP_MIN_S = 20
#: ... at most this long (moving)... [s]
REP_LONG_S = 600
#: ... or this long for long repeats (3 km + 2 km + 1 km) beside two ordinary reps. [s]
REP_MAX_S = 1200
#: Reps are one set when at most this far apart (or 1.5 times the shorter rep). [s]
REP_GAP_S = 300.0
#: A lone rep counts beside a set when at least this share of the set's effort (and
#: half of it of the set's rep length). [1]
LONE_REP_SHARE = 0.9
#: Sprint: at most this long (moving)... [s]
SPRINT_MAX_S = 30
#: ... with the best 5 s at least this share of top speed... [1]
SPRINT_X_TOP = 0.8
#: ... or a stride: at most this long (moving) at this multiple of easy speed. [s], [1]
STRIDE_MAX_S = 25
STRIDE_X_EASY = 1.5
#: In a set with longer reps, a short bout at most this much faster than their mean
#: speed is a rep too (a ladder's 100 m), not a sprint... [1]
SAME_SET_X = 1.15
#: ... when at least this share of the shortest of them. [1]
LADDER_SHARE = 0.3
#: A break longer than this between bouts starts a new set. [s]
SET_GAP_S = 180.0
#: Hill: mean grade at least this... [%]
HILL_GRADE_PCT = 3.0
#: ... gaining at least this. [m]
HILL_GAIN_M = 2.0
#: Hill: grade-adjusted effort at least this multiple of easy... [1]
HILL_X_EASY = 1.3
#: ... or this multiple for the same climb repeated (hill repeats). [1]
HILL_REPEAT_X_EASY = 1.25
#: Climbs starting within this of each other's elevation are the same hill. [m]
SAME_HILL_M = 5.0
#: Hill: at least this long or this far, unless it is an uphill sprint... [s], [m]
HILL_MIN_S = 20
HILL_MIN_M = 100.0
#: ... and with GPS-like elevation at least this long and that far. [s]
HILL_MIN_NOISY_S = 30
#: ... whose mean speed on the clock is at least this multiple of easy. [1]
HILL_BURST_X_EASY = 1.5
#: A lone hill must beat the run's other climbing by this factor (with 2 min of it). [1], [s]
HILL_X_CLIMBING = 1.2
CLIMBING_MIN_S = 120
#: Candidate hills split by an effort gap this large: only the harder group counts. [1]
HILL_GROUP_X = 1.25
#: A stretch between work efforts with more moving time than this is steady running. [s]
RECOVERY_MAX_S = 600.0
#: With GPS speed, non-hill work must raise the cadence by this much over its
#: surroundings (GPS noise makes fake surges; the legs do not). [steps/min]
CADENCE_RISE_SPM = 2.0

# --- finding bouts (signal processing) -------------------------------------------------

#: A bout starts when the effort reaches this multiple of the easy level... [1]
ENTER_X_EASY = 1.12
#: ... and ends when it falls below this multiple. [1]
LEAVE_X_EASY = 1.04
#: Effort signal smoothing (centred). [s]
SMOOTH_S = 9
#: Bouts shorter than this are noise. [s]
MIN_BOUT_S = 5
#: Breaks shorter than this never separate two bouts... [s]
BRIDGE_S = 8.0
#: ... nor breaks shorter than this share of the shorter bout. [1]
BRIDGE_SHARE = 0.1
#: Two bouts of about the same effort (within this share) separated by a dip whose
#: mean effort stays above this share of theirs are one. [1]
DIP_SHARE = 0.85
#: Within a stretch, breaks shorter than this share of the run's typical recovery
#: (and of the shorter bout) do not separate bouts. [1]
TYPICAL_GAP_SHARE = 0.35
#: Level changes inside a bout: both sides at least this long... [s]
SPLIT_MIN_S = 10
#: ... and their levels this much apart (relative). [1]
SPLIT_STEP = 0.12
#: Edges are searched this far around a bout. [s]
EDGE_SEARCH_S = 20
#: A bout's climb is measured this far beyond its edges. [s]
CLIMB_MARGIN_S = 3
#: Around a bout, this much time is its surroundings... [s]
SURROUND_S = 90.0
#: ... but less running than this between a bout and a watch stop is none. [s]
EDGE_RUN_S = 15
#: Slower than this is walking or standing. [m/s]
RUNNING_MPS = 1.8
#: Lap boundaries within this share of a bout's length of its edge are snapped to... [1]
LAP_SNAP_SHARE = 0.3
#: ... but never farther than this, and always this near. [s]
LAP_SNAP_MAX_S = 10.0
LAP_SNAP_MIN_S = 3.0
#: Laps of about these distances triggered by distance are auto-laps, not efforts. [m]
AUTO_LAP_M = (1000.0, 1609.344)

EFFORT_COLUMNS: tuple[str, ...] = (
    "kind", "start", "end", "duration_s", "moving_s", "distance_m", "speed_mps",
    "gap_speed_mps", "grade_pct", "elevation_gain_m", "heart_rate", "why",
)


@dataclass
class RunClassification:
    """The efforts of one run and what they add up to.

    Attributes
    ----------
    efforts
        One row per effort (:data:`EFFORT_COLUMNS`): ``kind``, ``start`` and
        ``end`` (UTC), ``duration_s`` [s], ``moving_s`` [s], ``distance_m`` [m],
        ``speed_mps`` and ``gap_speed_mps`` (means over moving time) [m/s],
        ``grade_pct`` (rise over distance) [%], ``elevation_gain_m`` [m],
        ``heart_rate`` (mean) [1/min] and ``why``.
    primary
        The activity's primary kind, or None for sports that are not running.
    profile
        The athlete profile the rules used.
    notes
        Sentences about how the run was read (calibration, speed source...).
    """

    efforts: pd.DataFrame
    primary: EffortKind | None
    profile: AthleteProfile
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Number of efforts of each kind."""
        return {str(k): int(v) for k, v in self.efforts["kind"].value_counts().items()}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``primary``, ``efforts`` (ISO times) and ``notes``."""
        rows = []
        for rec in self.efforts.to_dict("records"):
            row: dict[str, Any] = {"kind": str(rec["kind"]), "start": iso_utc(rec["start"]),
                                   "end": iso_utc(rec["end"])}
            for key in EFFORT_COLUMNS[3:-1]:
                value = rec[key]
                row[key] = None if value is None or not np.isfinite(value) else round(
                    float(value), 2 if key.endswith("mps") else 1)
            row["why"] = rec["why"]
            rows.append(row)
        return {"primary": None if self.primary is None else str(self.primary),
                "efforts": rows, "notes": list(self.notes)}


def primary_kind(kinds: Iterable[str]) -> EffortKind:
    """Primary kind: interval with >= 2 interval efforts, else hill with >= 1 hill effort,
    else sprint with >= 2 sprint efforts, else steady."""
    ks = [str(k) for k in kinds]
    if ks.count(EffortKind.INTERVAL) >= 2:
        return EffortKind.INTERVAL
    if EffortKind.HILL in ks:
        return EffortKind.HILL
    if ks.count(EffortKind.SPRINT) >= 2:
        return EffortKind.SPRINT
    return EffortKind.STEADY


# --- formatting ---------------------------------------------------------------------------

def fmt_duration(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for people."""
    s = int(round(seconds))
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def fmt_pace(speed_mps: float) -> str:
    """Pace ``m:ss/km`` for a speed. [m/s]"""
    if not np.isfinite(speed_mps) or speed_mps <= 0.3:
        return "-"
    return fmt_duration(1000.0 / speed_mps) + "/km"


# --- bouts --------------------------------------------------------------------------------

@dataclass
class _Bout:
    """A stretch of effort above the easy level: sample range ``[a, b)``."""

    a: int
    b: int
    kind: EffortKind | None = None
    why: str = ""
    peak_mps: float = 0.0
    peak_effort_mps: float = 0.0
    distance_m: float = 0.0
    effort_mps: float = 0.0
    speed_mps: float = 0.0
    grade_pct: float = 0.0
    gain_m: float = 0.0  # rise from start to end
    contrast: float = np.inf
    cadence_rise_spm: float = np.inf
    moving_s: int = 0
    duration_s: float = 0.0


def _runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """``[start, end)`` of each run of True."""
    padded = np.concatenate(([0], mask.astype(np.int8), [0]))
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _hysteresis(x: FloatArray, first: npt.NDArray[np.bool_], hi: float, lo: float,
                ) -> npt.NDArray[np.bool_]:
    """On above ``hi``, off below ``lo``, state kept in between; reset at each ``first``."""
    state = np.full(len(x), np.nan)
    state[x >= hi] = 1.0
    state[x < lo] = 0.0
    state[first & np.isnan(state)] = 0.0
    return np.asarray(pd.Series(state).ffill().to_numpy() == 1.0)


def _best_mean(values: FloatArray, window: int) -> float:
    if len(values) == 0:
        return 0.0
    w = min(window, len(values))
    cs = np.concatenate(([0.0], np.cumsum(values)))
    return float(np.max(cs[w:] - cs[:-w]) / w)


@dataclass
class _Run:
    """Arrays of one prepared run, shared by the rules."""

    t: FloatArray
    stretch: IntArray
    x: FloatArray
    speed: FloatArray
    gap: FloatArray
    grade_pct: FloatArray
    dist: FloatArray
    elev: FloatArray
    hr: FloatArray
    cadence: FloatArray
    moving: npt.NDArray[np.bool_]
    easy: float
    lap_times: FloatArray = field(default_factory=lambda: np.zeros(0))
    elev_fine: FloatArray = field(default_factory=lambda: np.zeros(0))
    first: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    last: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    noisy_elevation: bool = False
    gps_speed: bool = True
    t0: pd.Timestamp = field(default_factory=lambda: pd.Timestamp(0, tz="UTC"))
    on_cadence: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    _prefix: dict[str, FloatArray] = field(default_factory=dict)

    @classmethod
    def of(cls, frame: Columns, easy: float, laps: pd.DataFrame | None = None) -> _Run:
        stretch = column(frame, "stretch", np.int64)
        t_s = column(frame, "t_s")
        gap = np.nan_to_num(column(frame, "gap_speed_mps"))
        x = window_mean(gap, stretch, SMOOTH_S // 2)
        first_ns = int(time_ns(pd.DatetimeIndex(frame["time"][:1]))[0])
        t0 = pd.Timestamp(first_ns - int(round(t_s[0] * 1e9)), tz="UTC")
        lat = column(frame, "lat")
        return cls(t_s, stretch, np.nan_to_num(x), column(frame, "speed_mps"), gap,
                   np.nan_to_num(column(frame, "grade_pct")), column(frame, "distance_m"),
                   column(frame, "elevation_m"), column(frame, "heart_rate"),
                   column(frame, "cadence_spm"), column(frame, "moving", bool), easy,
                   lap_boundaries(laps, t0),
                   window_mean(column(frame, "elevation_fine_m"), stretch, 2),
                   *stretch_bounds(stretch), bool(frame.attrs.get("elevation_noisy", False)),
                   bool(np.mean(~np.isnan(lat)) > 0.5), t0,
                   np.asarray(frame["speed_source"]) == "cadence")

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

    def end_time(self, b: int) -> float:
        """Wall-clock end of a bout ending before sample ``b``. [s]"""
        return float(self.t[b - 1] + 1.0)


def lap_boundaries(laps: pd.DataFrame | None, t0: pd.Timestamp) -> FloatArray:
    """Lap boundaries worth snapping to, in seconds since ``t0``.

    Laps ended by the athlete or a workout step count; auto-laps (about 1 km
    or 1 mile by distance) and the session end do not.
    """
    if laps is None or len(laps) == 0:
        return np.zeros(0)
    trigger = np.array([str(x).lower() for x in laps["trigger"]])
    dist = laps["distance_m"].to_numpy(dtype=float)
    auto = np.zeros(len(laps), dtype=bool)
    for metres in AUTO_LAP_M:
        auto |= np.abs(dist - metres) <= 0.02 * metres
    keep = ~((trigger == "distance") & auto) & (trigger != "session_end")
    start_ns = time_ns(laps["start"])
    end_ns = time_ns(laps["end"])
    t0_ns = t0.value
    after_kept = np.concatenate(([False], keep[:-1]))
    sec = np.concatenate((start_ns[keep | after_kept], end_ns[keep]))
    sec = (sec[sec > np.iinfo(np.int64).min] - t0_ns) / 1e9
    return np.unique(sec.astype(float))


def _find_bouts(run: _Run) -> list[_Bout]:
    n = len(run.x)
    first = np.ones(n, dtype=bool)
    first[1:] = run.stretch[1:] != run.stretch[:-1]
    work = _hysteresis(run.x, first, ENTER_X_EASY * run.easy, LEAVE_X_EASY * run.easy)
    # A watch stop ends a bout: cut runs of work at stretch starts.
    spans: list[tuple[int, int]] = []
    for a, b in _runs(work):
        cuts = [a] + [int(i) for i in np.flatnonzero(first[a + 1:b]) + a + 1] + [b]
        spans.extend(zip(cuts[:-1], cuts[1:], strict=True))
    if not spans:
        return []
    # Bridge short breaks (GPS dips, traffic lights) between bouts.
    merged = [list(spans[0])]
    for a, b in spans[1:]:
        pa, pb = merged[-1]
        gap = run.t[a] - run.end_time(pb)
        shorter = min(pb - pa, b - a)
        same_stretch = run.stretch[pb - 1] == run.stretch[a]
        # A dip that stays near the bouts' level is not a recovery.
        la, lb = float(run.x[pa:pb].mean()), float(run.x[a:b].mean())
        dip = (same_stretch and min(la, lb) >= DIP_SHARE * max(la, lb)
               and float(run.x[pb:a].mean()) >= DIP_SHARE * min(la, lb))
        if gap <= max(BRIDGE_S, BRIDGE_SHARE * shorter) or dip:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    pieces = [piece for a, b in merged for piece in _trim_levels(run, a, b)]
    merged = _merge_short_breaks(run, [list(p) for p in pieces])
    bouts = [_Bout(a, b) for a, b in merged if b - a >= MIN_BOUT_S]
    for bout in bouts:
        _refine_edges(run, bout, n)
        _snap_to_laps(run, bout)
    # Refined edges may cross: a bout starts no earlier than the previous one ends.
    for prev, bout in zip(bouts, bouts[1:], strict=False):
        bout.a = max(bout.a, prev.b)
    bouts = [b for b in bouts if b.b - b.a >= MIN_BOUT_S]
    # With their final edges, bouts split by a short break (a traffic light) are one.
    out: list[_Bout] = []
    for bout in bouts:
        if out:
            prev = out[-1]
            gap = run.t[bout.a] - run.end_time(prev.b)
            if gap <= max(BRIDGE_S, BRIDGE_SHARE * min(prev.b - prev.a, bout.b - bout.a)):
                prev.b = bout.b
                continue
        out.append(bout)
    return out


def _split_levels(x: FloatArray, a: int, b: int, depth: int = 0) -> list[tuple[int, int]]:
    """Binary segmentation of ``x[a:b]`` into stretches of different level.

    The split point minimises the squared error of two constant levels
    (cumulative sums, no loop over samples); it is kept when both sides last
    :data:`SPLIT_MIN_S` and their levels differ by :data:`SPLIT_STEP`.
    """
    n = b - a
    if n < 2 * SPLIT_MIN_S or depth >= 6:
        return [(a, b)]
    seg = x[a:b]
    cs = np.cumsum(seg)
    cs2 = np.cumsum(seg * seg)
    k = np.arange(SPLIT_MIN_S, n - SPLIT_MIN_S + 1)
    left_sum, left_sq = cs[k - 1], cs2[k - 1]
    right_sum, right_sq = cs[-1] - left_sum, cs2[-1] - left_sq
    sse = (left_sq - left_sum**2 / k) + (right_sq - right_sum**2 / (n - k))
    j = int(np.argmin(sse))
    cut = int(k[j])
    m_left = float(left_sum[j] / cut)
    m_right = float(right_sum[j] / (n - cut))
    if abs(m_left - m_right) < SPLIT_STEP * max(min(m_left, m_right), 1e-6):
        return [(a, b)]
    return (_split_levels(x, a, a + cut, depth + 1)
            + _split_levels(x, a + cut, b, depth + 1))


def _trim_levels(run: _Run, a: int, b: int) -> list[tuple[int, int]]:
    """Cut the parts of a bout whose level is below the work threshold (a warm-up
    that drifted into the first rep, a cool-down after the last)."""
    enter = ENTER_X_EASY * run.easy
    keep = [(pa, pb) for pa, pb in _split_levels(run.x, a, b)
            if float(run.x[pa:pb].mean()) >= enter]
    out: list[tuple[int, int]] = []
    for pa, pb in keep:
        if out and out[-1][1] == pa:
            out[-1] = (out[-1][0], pb)
        else:
            out.append((pa, pb))
    return out


def _merge_short_breaks(run: _Run, spans: list[list[int]]) -> list[list[int]]:
    """Join bouts whose break is much shorter than the run's typical recovery.

    A 15-s slowdown in the middle of an 800 m rep is not a recovery when the
    run's recoveries last two minutes; a watch stop always is one.
    """
    if len(spans) < 3:
        return spans
    long_enough = [(a, b) for a, b in spans if b - a >= REP_MIN_S]
    gaps = [run.t[a2] - run.end_time(b1)
            for (_, b1), (a2, _) in zip(long_enough, long_enough[1:], strict=False)]
    if len(gaps) < 2:
        return spans
    typical = float(np.median(gaps))
    out = [list(spans[0])]
    for a, b in spans[1:]:
        pa, pb = out[-1]
        gap = run.t[a] - run.end_time(pb)
        shorter = min(pb - pa, b - a)
        if (run.stretch[pb - 1] == run.stretch[a]
                and gap <= TYPICAL_GAP_SHARE * min(typical, shorter)):
            out[-1][1] = b
        else:
            out.append([a, b])
    return out


def _snap_to_laps(run: _Run, bout: _Bout) -> None:
    """Move bout edges onto nearby manual or workout lap boundaries (a hint only)."""
    laps = run.lap_times
    if len(laps) == 0:
        return
    dur = run.end_time(bout.b) - run.t[bout.a]
    tol = min(max(LAP_SNAP_MIN_S, LAP_SNAP_SHARE * dur), LAP_SNAP_MAX_S)
    s = run.stretch
    lo = int(np.searchsorted(s, s[bout.a], side="left"))
    hi = int(np.searchsorted(s, s[bout.b - 1], side="right"))
    t_start = run.t[bout.a]
    j = int(np.argmin(np.abs(laps - t_start)))
    if abs(laps[j] - t_start) <= tol:
        a = int(np.clip(np.searchsorted(run.t, laps[j] - 0.5), lo, bout.b - 1))
        bout.a = a
    t_end = run.end_time(bout.b)
    j = int(np.argmin(np.abs(laps - t_end)))
    if abs(laps[j] - t_end) <= tol:
        b = int(np.clip(np.searchsorted(run.t, laps[j] - 0.5), bout.a + 1, hi))
        bout.b = b


def _refine_edges(run: _Run, bout: _Bout, n: int) -> None:
    """Move the edges to where the effort crosses halfway to the surroundings.

    The bout's level is its upper quartile, so that a sprint's edges sit at
    half its speed rather than at half of its mean with the slow-down.
    """
    a, b = bout.a, bout.b
    seg = run.x[a:b]
    k = min(int(0.75 * len(seg)), len(seg) - 1)
    level = float(np.partition(seg, k)[k])
    lo_a = max(a - EDGE_SEARCH_S, int(run.first[a]))
    hi_b = min(b + EDGE_SEARCH_S, int(run.last[b - 1]) + 1)
    before = run.x[lo_a:a]
    after = run.x[b:hi_b]
    # The first and last crossings count, wherever they are inside the bout: a
    # warm-up that the hysteresis let into the bout is cut off here.
    if len(before):
        mid = 0.5 * (level + float(np.min(before)))
        above = np.flatnonzero(run.x[lo_a:b] >= mid)
        if len(above):
            bout.a = lo_a + int(above[0])
    if len(after):
        mid = 0.5 * (level + float(np.min(after)))
        above = np.flatnonzero(run.x[bout.a:hi_b] >= mid)
        if len(above):
            bout.b = bout.a + int(above[-1]) + 1


def _measure(run: _Run, bout: _Bout) -> None:
    a, b = bout.a, bout.b
    mv = run.moving[a:b]
    bout.moving_s = int(mv.sum()) if mv.any() else b - a
    bout.duration_s = run.end_time(b) - float(run.t[a])
    use = mv if mv.any() else np.ones(b - a, dtype=bool)
    bout.effort_mps = float(run.x[a:b][use].mean())
    bout.speed_mps = float(run.speed[a:b][use].mean())
    bout.peak_mps = _best_mean(run.speed[a:b], 5)
    bout.peak_effort_mps = _best_mean(run.gap[a:b], 5)
    bout.distance_m = float(run.dist[b - 1] - run.dist[a])
    # The climb is measured a few seconds beyond the bout's edges: edges sit where the
    # effort crossed halfway, and a short uphill sprint would lose half its rise.
    lo = max(a - CLIMB_MARGIN_S, int(run.first[a]))
    hi = min(b + CLIMB_MARGIN_S, int(run.last[b - 1]) + 1)
    e = run.elev_fine[lo:hi]
    ok = np.flatnonzero(np.isfinite(e))
    dist = float(run.dist[hi - 1] - run.dist[lo])
    if len(ok) >= 4 and dist > 10:
        ends = max(1, min(3, len(ok) // 4))
        rise = float(np.mean(e[ok[-ends:]]) - np.mean(e[ok[:ends]]))
        bout.grade_pct = 100.0 * rise / dist
        bout.gain_m = rise
    else:
        bout.grade_pct = 0.0
        bout.gain_m = 0.0


def _surroundings(run: _Run, bouts: list[_Bout]) -> None:
    """Contrast of each bout with the effort and cadence just before and after it.

    Other bouts are left out of the surroundings. A side that reaches a watch
    stop within :data:`EDGE_RUN_S` of running (starting the watch, jogging a
    few steps and stopping it) counts as a rest; the contrast is then judged
    against the running side, if any.
    """
    n = len(run.x)
    in_bout = np.zeros(n, dtype=bool)
    for bout in bouts:
        in_bout[bout.a:bout.b] = True
    cad = run.cadence
    for bout in bouts:
        efforts: list[float] = []
        cadences: list[float] = []
        sides: list[tuple[int, int]] = []
        if bout.a > 0:
            lo = int(np.searchsorted(run.t, run.t[bout.a] - SURROUND_S))
            sides.append((max(lo, int(run.first[bout.a])), bout.a))
        if bout.b < n:
            hi = int(np.searchsorted(run.t, run.end_time(bout.b) + SURROUND_S))
            sides.append((bout.b, min(hi, int(run.last[bout.b - 1]) + 1)))
        for lo, hi in sides:
            sel = slice(lo, hi)
            free = ~in_bout[sel] & run.moving[sel]
            reaches_stop = (lo == run.first[bout.a] and lo > 0) or (
                hi == run.last[bout.b - 1] + 1 and hi < n)
            if free.sum() < EDGE_RUN_S and (reaches_stop or hi - lo < EDGE_RUN_S):
                continue
            if free.sum() < 5:
                # Only other bouts around: they are the surroundings.
                free = np.ones(hi - lo, dtype=bool)
            efforts.append(float(np.mean(run.x[sel][free])))
            c = cad[sel][free]
            c = c[np.isfinite(c) & (c > 0)]
            if len(c) >= EDGE_RUN_S:
                cadences.append(float(np.mean(c)))
        rest = float(np.mean(efforts)) if efforts else 0.0
        bout.contrast = bout.effort_mps / rest if rest > 0 else np.inf
        c_in = cad[bout.a:bout.b]
        c_in = c_in[np.isfinite(c_in) & (c_in > 0)]
        # The cadence check guards against GPS noise; without GPS it has nothing to guard.
        if run.gps_speed and cadences and len(c_in) >= 0.5 * (bout.b - bout.a):
            bout.cadence_rise_spm = float(np.mean(c_in)) - float(np.mean(cadences))
        else:
            bout.cadence_rise_spm = np.inf


def _repeated_climbs(run: _Run, hills: list[_Bout]) -> set[int]:
    """Ids of climbs run again on the same hill within a few minutes (hill repeats).

    Two climbs are the same hill when they start within :data:`SAME_HILL_M` of
    elevation of each other and gain about as much (within a factor 1.5).
    """
    out: set[int] = set()
    ordered = sorted(hills, key=lambda b: b.a)
    starts = [float(np.nanmean(run.elev_fine[b.a:b.a + 3])) for b in ordered]
    for i, first in enumerate(ordered[:-1]):
        second = ordered[i + 1]
        gap = run.t[second.a] - run.end_time(first.b)
        same = (abs(starts[i] - starts[i + 1]) <= SAME_HILL_M
                and max(first.gain_m, second.gain_m) <= 1.5 * min(first.gain_m, second.gain_m))
        if gap <= REP_GAP_S and same:
            out.update({id(first), id(second)})
    return out


def _climbing_level(run: _Run, hills: list[_Bout]) -> float:
    """Typical effort on the run's climbing outside hill candidates (0 if under 2 min). [m/s]

    On an easy hilly run every climb looks hard by Minetti's cost (runners
    push a little uphill); a hill effort has to stand out from the run's
    ordinary climbing too.
    """
    other = run.moving & (run.grade_pct >= HILL_GRADE_PCT) & (run.speed >= RUNNING_MPS)
    for bout in hills:
        other[max(bout.a - 30, 0):bout.b + 30] = False
    if other.sum() < CLIMBING_MIN_S:
        return 0.0
    return float(np.median(run.x[other]))


def _is_rep(bout: _Bout, easy: float) -> bool:
    return (bout.effort_mps >= REP_X_EASY * easy and bout.contrast >= REP_CONTRAST
            and bout.cadence_rise_spm >= CADENCE_RISE_SPM)


def _judge(run: _Run, bouts: list[_Bout], profile: AthleteProfile) -> None:
    easy = run.easy
    top = profile.top_speed_mps
    # Hills first: uphill sprints are hills.
    # GPS altitude wanders: its climbs must be steeper by the same dead band as the GAP.
    min_grade = HILL_GRADE_PCT + (100 * NOISY_GRADE_DEADBAND if run.noisy_elevation else 0.0)
    climbs = {id(b) for b in bouts if b.grade_pct >= min_grade and b.gain_m >= HILL_GAIN_M}
    hills = []
    for bout in bouts:
        if id(bout) not in climbs:
            continue
        sustained = bout.moving_s >= HILL_MIN_S or bout.distance_m >= HILL_MIN_M
        if run.noisy_elevation:
            # GPS altitude wanders by metres within half a minute: only long climbs count.
            sustained = bout.moving_s >= HILL_MIN_NOISY_S and bout.distance_m >= HILL_MIN_M
        # An uphill sprint: near top speed grade-adjusted, and fast even on the clock.
        burst = (bout.peak_effort_mps >= SPRINT_X_TOP * top
                 and bout.speed_mps >= HILL_BURST_X_EASY * easy)
        if bout.effort_mps >= HILL_REPEAT_X_EASY * easy and (sustained or burst):
            hills.append(bout)
    # Hill repeats after a hilly warm-up: only the clearly harder group are efforts.
    if len(hills) >= 2:
        hills.sort(key=lambda b: b.effort_mps)
        ratios = [b.effort_mps / a.effort_mps for a, b in zip(hills, hills[1:], strict=False)]
        j = int(np.argmax(ratios))
        if ratios[j] >= HILL_GROUP_X:
            hills = hills[j + 1:]
    repeated = _repeated_climbs(run, hills)
    level = _climbing_level(run, hills)
    for bout in hills:
        # The same climb run again and again is a hill session; a lone hard climb must
        # stand out from the run's other climbing too.
        alone = bout.effort_mps >= max(HILL_X_EASY * easy, HILL_X_CLIMBING * level)
        if id(bout) in repeated or alone:
            bout.kind = EffortKind.HILL
    # A climb not hard enough for a hill is steady running, not an interval rep.
    open_bouts = [bt for bt in bouts if bt.kind is None and id(bt) not in climbs]
    reps = [bt for bt in open_bouts if REP_MIN_S <= bt.moving_s <= REP_MAX_S
            and _is_rep(bt, easy)]
    # Reps beyond 10 min are long repeats only beside at least two ordinary reps.
    if sum(bt.moving_s <= REP_LONG_S for bt in reps) < 2:
        reps = [bt for bt in reps if bt.moving_s <= REP_LONG_S]
    for group in _sets(run, [bt for bt in open_bouts if bt.effort_mps >= REP_X_EASY * easy]):
        for bout in group:
            if bout.moving_s > SPRINT_MAX_S or bout.cadence_rise_spm < CADENCE_RISE_SPM:
                continue
            longer = [bt for bt in group if bt.moving_s > SPRINT_MAX_S]
            # Beside somewhat longer reps at about its speed, a short bout is a rep (a
            # ladder's 100 m); strides after 2-min reps are not.
            if (longer and bout.speed_mps <= SAME_SET_X * float(np.mean(
                    [bt.speed_mps for bt in longer]))
                    and bout.moving_s >= LADDER_SHARE * min(bt.moving_s for bt in longer)):
                if _is_rep(bout, easy) and bout not in reps:
                    reps.append(bout)
                continue
            near_max = bout.peak_mps >= SPRINT_X_TOP * top
            stride = bout.moving_s <= STRIDE_MAX_S and bout.speed_mps >= STRIDE_X_EASY * easy
            if near_max or stride:
                bout.kind = EffortKind.SPRINT
                if bout in reps:
                    reps.remove(bout)
    for bout in _repeated(run, reps):
        bout.kind = EffortKind.INTERVAL


def _repeated(run: _Run, reps: list[_Bout]) -> list[_Bout]:
    """The reps that are repeated: in a set of two or more, or as hard as such a set.

    Consecutive reps belong to one set when the break between them is at most
    :data:`REP_GAP_S` (or 1.5 times the shorter rep, for long repeats). A lone
    bout in a run without any such set is not an interval (a brisk stretch of
    a warm-up, a surge in a hill session).
    """
    reps = sorted(reps, key=lambda b: b.a)
    groups: list[list[_Bout]] = []
    for bout in reps:
        if groups:
            prev = groups[-1][-1]
            gap = run.t[bout.a] - run.end_time(prev.b)
            if gap <= max(REP_GAP_S, 1.5 * min(prev.moving_s, bout.moving_s)):
                groups[-1].append(bout)
                continue
        groups.append([bout])
    in_sets = [b for g in groups if len(g) >= 2 for b in g]
    if not in_sets:
        return []
    level = float(np.median([b.effort_mps for b in in_sets]))
    typical = float(np.median([b.moving_s for b in in_sets]))
    return [b for g in groups for b in g
            if len(g) >= 2 or (b.effort_mps >= LONE_REP_SHARE * level
                               and b.moving_s >= LONE_REP_SHARE / 2 * typical)]


def _sets(run: _Run, bouts: list[_Bout]) -> list[list[_Bout]]:
    """Group bouts into sets: a break longer than :data:`SET_GAP_S` starts a new set."""
    groups: list[list[_Bout]] = []
    for bout in sorted(bouts, key=lambda b: b.a):
        if groups and run.t[bout.a] - run.end_time(groups[-1][-1].b) <= SET_GAP_S:
            groups[-1].append(bout)
        else:
            groups.append([bout])
    return groups


def _why(run: _Run, bout: _Bout, profile: AthleteProfile) -> str:
    """One sentence a runner understands, for a sprint or a hill."""
    dur = fmt_duration(bout.duration_s)
    share = 100.0 * bout.peak_mps / profile.top_speed_mps
    if bout.kind == EffortKind.SPRINT:
        if bout.peak_mps >= SPRINT_X_TOP * profile.top_speed_mps:
            return f"{bout.duration_s:.0f} s at {share:.0f} % of your top speed"
        return (f"{bout.duration_s:.0f} s stride at {fmt_pace(bout.speed_mps)}, "
                f"{100 * bout.speed_mps / run.easy:.0f} % of your easy pace")
    if bout.kind == EffortKind.HILL:
        return (f"{dur} up {bout.grade_pct:.0f} % at {fmt_pace(bout.effort_mps)} "
                f"grade-adjusted, {100 * bout.effort_mps / run.easy:.0f} % of your easy effort")
    return f"{dur} at {fmt_pace(bout.speed_mps)}"


def _recovery_word(run: _Run, a: int, b: int, span_s: float) -> str:
    """``jog``, ``walk`` or ``rest`` for the stretch between two reps."""
    if b <= a or run.moving[a:b].sum() < 0.5 * span_s:
        return "rest"
    speed = float(np.median(run.speed[a:b][run.moving[a:b]]))
    return "walk" if speed < RUNNING_MPS else "jog"


def _set_why(run: _Run, bouts: list[_Bout]) -> None:
    """Describe interval reps as a set: ``6 x 2:55 at 3:41/km with 1:00 jogs``."""
    reps = [b for b in bouts if b.kind == EffortKind.INTERVAL]
    if not reps:
        return
    durs = np.array([b.duration_s for b in reps], dtype=float)
    pairs = list(zip(reps, reps[1:], strict=False))
    gaps = [run.t[nxt.a] - run.end_time(cur.b) for cur, nxt in pairs]
    speeds = np.array([b.speed_mps for b in reps])
    rest = ""
    if gaps:
        k = int(np.argsort(gaps)[len(gaps) // 2])
        word = _recovery_word(run, pairs[k][0].b, pairs[k][1].a, gaps[k])
        rest = f" with {fmt_duration(float(np.median(gaps)))} {word}s"
    alike = durs.max() <= 1.25 * durs.min()
    head = (f"{len(reps)} x {fmt_duration(float(np.median(durs)))}" if alike
            else f"{len(reps)} reps of {fmt_duration(durs.min())}-{fmt_duration(durs.max())}")
    summary = f"{head} at {fmt_pace(float(np.median(speeds)))}{rest}"
    for i, b in enumerate(reps, start=1):
        b.why = (f"rep {i} of {len(reps)}: {fmt_duration(b.duration_s)} at "
                 f"{fmt_pace(b.speed_mps)} ({summary})")


# --- assembling efforts -------------------------------------------------------------------

def _segment_stats(run: _Run, a: int, b: int) -> dict[str, float]:
    """Summary of samples ``[a, b)`` (moving samples only for the means)."""
    nan = float("nan")
    if b <= a:
        return {"moving_s": 0.0, "distance_m": 0.0, "speed_mps": nan, "gap_speed_mps": nan,
                "grade_pct": nan, "elevation_gain_m": nan, "heart_rate": nan}
    sums = run.prefix
    n_moving = float(sums["moving"][b] - sums["moving"][a])
    if n_moving > 0:
        speed = float(sums["speed_moving"][b] - sums["speed_moving"][a]) / n_moving
        gap = float(sums["gap_moving"][b] - sums["gap_moving"][a]) / n_moving
    else:
        speed = float(sums["speed"][b] - sums["speed"][a]) / (b - a)
        gap = float(sums["gap"][b] - sums["gap"][a]) / (b - a)
    n_hr = float(sums["hr_n"][b] - sums["hr_n"][a])
    hr = float(sums["hr"][b] - sums["hr"][a]) / n_hr if n_hr else nan
    # Where the speed came from the cadence the distance did not move: add it up.
    dist = float(run.dist[b - 1] - run.dist[a]) + float(
        sums["speed_cadence"][b] - sums["speed_cadence"][a])
    elev = run.elev[a:b]
    ok = np.flatnonzero(np.isfinite(elev))
    grade = 100.0 * float(elev[ok[-1]] - elev[ok[0]]) / dist if len(ok) >= 2 and dist > 10 \
        else nan
    return {
        "moving_s": n_moving,
        "distance_m": dist,
        "speed_mps": speed,
        "gap_speed_mps": gap,
        "grade_pct": grade,
        "elevation_gain_m": elevation_gain_m(elev) if len(ok) >= 2 else nan,
        "heart_rate": hr,
    }


def _assemble(run: _Run, bouts: list[_Bout], profile: AthleteProfile) -> pd.DataFrame:
    """Cut the run into contiguous efforts: work bouts and what lies between them."""
    n = len(run.t)
    work = [b for b in bouts if b.kind is not None]
    pieces: list[tuple[EffortKind, int, int, _Bout | None]] = []
    cursor = 0
    for i, bout in enumerate(work):
        paused = i > 0 and run.t[bout.a] > run.end_time(cursor) + 0.5
        if bout.a > cursor or paused:
            between = EffortKind.STEADY
            if i > 0:
                moving = float(run.moving[cursor:bout.a].sum())
                between = EffortKind.RECOVERY if moving <= RECOVERY_MAX_S else EffortKind.STEADY
            pieces.append((between, cursor, bout.a, None))
        pieces.append((bout.kind or EffortKind.STEADY, bout.a, bout.b, bout))
        cursor = bout.b
    if cursor < n:
        pieces.append((EffortKind.STEADY, cursor, n, None))
    # Work ends one second after its last sample; a pause after it belongs to what follows.
    bounds = [run.t[a] if (piece is not None or j == 0) else run.end_time(pieces[j - 1][2])
              for j, (_, a, _, piece) in enumerate(pieces)]
    bounds.append(run.end_time(n))
    rows: dict[str, list[Any]] = {c: [] for c in EFFORT_COLUMNS}
    for j, (kind, a, b, piece) in enumerate(pieces):
        start_s, end_s = bounds[j], bounds[j + 1]
        span = end_s - start_s
        stats = _segment_stats(run, a, b)
        if piece is not None:
            why = piece.why or _why(run, piece, profile)
        elif kind == EffortKind.RECOVERY:
            word = _recovery_word(run, a, b, span)
            how = {"rest": "standing or watch stopped", "walk": "walking",
                   "jog": f"jogging at {fmt_pace(stats['speed_mps'])}"}[word]
            why = f"{fmt_duration(span)} between work bouts, {how}"
        else:
            why = (f"{fmt_duration(stats['moving_s'])} of running at "
                   f"{fmt_pace(stats['speed_mps'])} without a repeated structure")
        rows["kind"].append(kind)
        rows["duration_s"].append(span)
        rows["why"].append(why)
        for key, value in stats.items():
            rows[key].append(value)
    ns = run.t0.value + np.round(np.asarray(bounds) * 1e9).astype(np.int64)
    edges = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")
    data: dict[str, Any] = {key: np.asarray(values, dtype=float) for key, values in rows.items()
                            if key not in ("kind", "why", "start", "end")}
    data["kind"] = np.asarray(rows["kind"], dtype=object)
    data["why"] = np.asarray(rows["why"], dtype=object)
    data["start"] = edges[:-1]
    data["end"] = edges[1:]
    return pd.DataFrame({c: data[c] for c in EFFORT_COLUMNS})


# --- public API ---------------------------------------------------------------------------

def empty_efforts() -> pd.DataFrame:
    """An efforts frame without rows."""
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("kind", "why") else float)
                         for c in EFFORT_COLUMNS})


def classify_prepared(frame: Columns, profile: AthleteProfile,
                      stats: RunStats | None = None, laps: pd.DataFrame | None = None,
                      ) -> tuple[pd.DataFrame, list[str]]:
    """Cut a prepared run into efforts.

    Parameters
    ----------
    frame
        From :func:`legday.cleaning.prepare_run` or ``prepare_arrays`` (with the profile's cadence
        model applied).
    profile
        The athlete.
    stats
        The run's :class:`RunStats`, when already computed.
    laps
        The activity's laps: manual and workout-step boundaries are used as a
        hint for effort edges; auto-laps are ignored.

    Returns
    -------
    efforts, notes
        Efforts covering the run (:data:`EFFORT_COLUMNS`) and notes.
    """
    notes: list[str] = []
    if len(frame) < 2:
        return empty_efforts(), ["too few samples to classify"]
    stats = stats or run_stats(frame)
    easy = profile.easy_speed_mps
    if np.isfinite(stats.easy_speed_mps) and stats.running_s >= 300:
        easy = stats.easy_speed_mps
        notes.append(f"easy level of this run {fmt_pace(easy)}")
    else:
        notes.append(f"easy level {fmt_pace(easy)} from your profile")
    on_cadence = np.asarray(frame["speed_source"]) == "cadence"
    if on_cadence.any():
        share = float(on_cadence.mean())
        notes.append(f"{100 * share:.0f} % of the run without distance: speed from cadence")
    run = _Run.of(frame, easy, laps)
    bouts = _find_bouts(run)
    for bout in bouts:
        _measure(run, bout)
    _surroundings(run, bouts)
    _judge(run, bouts, profile)
    _set_why(run, bouts)
    return _assemble(run, bouts, profile), notes


def classify_run(activity: Activity, profile: AthleteProfile | None = None,
                 ) -> RunClassification:
    """Classify one activity.

    Parameters
    ----------
    activity
        Any activity; only running sports are classified (others get
        ``primary`` None and no efforts).
    profile
        The athlete; when None it is estimated from this file alone (and the
        notes say so).
    """
    if not activity.is_running:
        return RunClassification(empty_efforts(), None, profile or AthleteProfile(),
                                 [f"{activity.sport.value} is not running: not classified"])
    frame: Columns = prepare_arrays(activity, (profile or AthleteProfile()).cadence_model)
    stats = run_stats(frame)
    notes: list[str] = []
    if profile is None:
        profile = estimate_profile([stats])
        notes.append("profile " + FROM_THIS_FILE)
        frame = apply_cadence_model(frame, profile.cadence_model)
    efforts, more = classify_prepared(frame, profile, stats, laps=activity.laps)
    primary = primary_kind(efforts["kind"]) if len(efforts) else EffortKind.STEADY
    return RunClassification(efforts, primary, profile, notes + more)


def classify_activities(activities: Sequence[Activity],
                        profile: AthleteProfile | None = None) -> list[RunClassification]:
    """Classify several activities of one athlete, calibrating from all of them first.

    Parameters
    ----------
    activities
        The athlete's activities (non-running ones are passed through with
        ``primary`` None).
    profile
        Base profile (values set by the athlete are kept); estimated values
        come from the running activities given.
    """
    frames: dict[int, Columns] = {}
    stats: dict[int, RunStats] = {}
    for i, act in enumerate(activities):
        if act.is_running:
            frames[i] = prepare_arrays(act, (profile or AthleteProfile()).cadence_model)
            stats[i] = run_stats(frames[i])
    estimated = estimate_profile(list(stats.values()), base=profile) if stats else (
        profile or AthleteProfile())
    out = []
    for i, act in enumerate(activities):
        if i not in frames:
            out.append(classify_run(act, estimated))
            continue
        frame = apply_cadence_model(frames[i], estimated.cadence_model)
        efforts, notes = classify_prepared(frame, estimated, stats[i], laps=act.laps)
        primary = primary_kind(efforts["kind"]) if len(efforts) else EffortKind.STEADY
        head = [f"profile {estimated.source('easy_speed_mps')}"]
        out.append(RunClassification(efforts, primary, estimated, head + notes))
    return out
