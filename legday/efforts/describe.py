"""Efforts as a runner reads them: the contiguous efforts of a run and a ``why`` for each."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from legday.cleaning import climb_through_turns
from legday.efforts.bouts import Bout, RunArrays
from legday.efforts.judge import Elevation, median_of
from legday.efforts.kinds import EffortKind
from legday.efforts.tempo import hard_steady_why, tempo_or_threshold
from legday.units import Units, fmt_duration

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

EFFORT_COLUMNS: tuple[str, ...] = (
    "kind", "start", "end", "duration_s", "moving_s", "distance_m", "speed_mps",
    "gap_speed_mps", "grade_pct", "elevation_gain_m", "heart_rate", "why",
)


#: Effort sentences are stored with paces per kilometre; the dashboard shows them in
#: the athlete's unit (:meth:`legday.units.Units.localise_paces`).
_STORED = Units("km")


def fmt_pace(speed_mps: float) -> str:
    """Pace ``m:ss/km`` for a speed, as effort sentences are stored. [m/s]"""
    return _STORED.fmt_pace(speed_mps)


def describe_work(run: RunArrays, work: list[Bout], top_speed_mps: float,
                  threshold_speed_mps: float) -> None:
    """Set the ``why`` of every work effort (sprints and hills alone, reps as a set) and of
    every hard steady stretch (tempo or threshold, against the threshold pace)."""
    for bout in work:
        if bout.kind == EffortKind.STEADY:
            share = bout.effort_mps / threshold_speed_mps
            bout.why = hard_steady_why(tempo_or_threshold(share, run.rules), bout.duration_s,
                                       bout.speed_mps, share,
                                       bout.heart_rate)
        elif bout.kind == EffortKind.SPRINT:
            bout.why = _sprint_why(run, bout, top_speed_mps)
        elif bout.kind == EffortKind.HILL:
            bout.why = (f"{fmt_duration(bout.duration_s)} up {bout.grade_pct:.0f} % at "
                        f"{fmt_pace(bout.effort_mps)} grade-adjusted, "
                        f"{100 * bout.effort_mps / run.easy:.0f} % of your easy effort, "
                        f"{bout.gain_m:.0f} m up")
    _set_why(run, [b for b in work if b.kind == EffortKind.INTERVAL])


def _sprint_why(run: RunArrays, bout: Bout, top_speed_mps: float) -> str:
    if bout.peak_mps >= run.rules.sprint_x_top * top_speed_mps:
        share = 100.0 * bout.peak_mps / top_speed_mps
        return f"{bout.duration_s:.0f} s at {share:.0f} % of your top speed"
    return (f"{bout.duration_s:.0f} s stride reaching {fmt_pace(bout.peak_mps)}, "
            f"{100 * bout.peak_mps / run.easy:.0f} % of your easy pace")


def _recovery_word(run: RunArrays, a: int, b: int, span_s: float,
                   moving_s: float | None = None) -> str:
    """``jog``, ``walk`` or ``rest`` for the stretch between two reps (``moving_s``, its
    moving time, when the caller knows it)."""
    if moving_s is None:
        moving_s = float(run.moving[a:b].sum()) if b > a else 0.0
    if b <= a or moving_s < 0.5 * span_s:
        return "rest"
    speed = median_of(run.speed[a:b][run.moving[a:b]])
    return "walk" if speed < run.rules.running_mps else "jog"


def _set_why(run: RunArrays, reps: list[Bout]) -> None:
    """Describe interval reps as a set: ``6 x 2:55 at 3:41/km with 1:00 jogs``."""
    if not reps:
        return
    durs = np.array([b.duration_s for b in reps], dtype=float)
    pairs = list(zip(reps, reps[1:], strict=False))
    gaps = [run.gap_s(cur, nxt) for cur, nxt in pairs]
    speeds = np.array([b.speed_mps for b in reps])
    rest = ""
    if gaps:
        k = int(np.argsort(gaps)[len(gaps) // 2])
        word = _recovery_word(run, pairs[k][0].b, pairs[k][1].a, gaps[k])
        rest = f" with {fmt_duration(median_of(np.array(gaps)))} {word}s"
    alike = durs.max() <= 1.25 * durs.min()
    head = (f"{len(reps)} x {fmt_duration(median_of(durs))}" if alike
            else f"{len(reps)} reps of {fmt_duration(durs.min())}-{fmt_duration(durs.max())}")
    summary = f"{head} at {fmt_pace(median_of(speeds))}{rest}"
    for i, b in enumerate(reps, start=1):
        b.why = (f"rep {i} of {len(reps)}: {fmt_duration(b.duration_s)} at "
                 f"{fmt_pace(b.speed_mps)} ({summary})")


def _span_sums(values: list[FloatArray], a: IntArray, b: IntArray) -> FloatArray:
    """The sum of each of ``values`` over every span ``[a[i], b[i])``, one row each, as the
    difference of its cumulative sums (as the efforts have always been added up: the same
    to the last bit)."""
    sums = np.zeros((len(values), len(values[0]) + 1))
    for row, value in zip(sums, values, strict=True):
        np.cumsum(value, out=row[1:])
    return np.asarray(sums[:, b] - sums[:, a])


def _span_counts(where: IntArray, a: IntArray, b: IntArray) -> FloatArray:
    """How many of the samples ``where`` (sorted) lie in every span ``[a[i], b[i])``."""
    return np.asarray(np.searchsorted(where, b) - np.searchsorted(where, a), dtype=float)


def _segment_stats(run: RunArrays, a: IntArray, b: IntArray,
                   elevation: Elevation) -> FloatArray:
    """Summary of every span ``[a[i], b[i])`` at once (moving samples only for the means):
    the rows ``moving_s``, ``distance_m``, ``speed_mps``, ``gap_speed_mps``, ``grade_pct``,
    ``elevation_gain_m`` and ``heart_rate`` of the efforts frame; NaN (zero for time and
    distance) for an empty span."""
    ok = b > a
    every_span_has_samples = bool(ok.all())
    if not every_span_has_samples:
        a = np.where(ok, a, 0)
        b = np.where(ok, b, 1)
    # Only the sums that count are taken: heart rate where there is one, the distance
    # the cadence gave where it gave any.
    moving = run.moving
    hr_ok = np.isfinite(run.hr)
    with_hr = bool(hr_ok.any())
    on_cadence = bool(run.on_cadence.any())
    values = [run.speed * moving, run.gap * moving]
    if with_hr:
        values.append(np.where(hr_ok, run.hr, 0.0))
    if on_cadence:
        values.append(np.where(run.on_cadence, run.speed, 0.0))
    sums = _span_sums(values, a, b)
    speed_moving, gap_moving = sums[0], sums[1]
    n_moving = _span_counts(np.flatnonzero(moving), a, b)
    # Where the speed came from the cadence the distance did not move: add it up.
    dist = run.dist[b - 1] - run.dist[a] + (sums[-1] if on_cadence else 0.0)
    # A span without moving samples is measured on all of them.
    any_moving = n_moving > 0
    if any_moving.all():
        speed, gap = speed_moving / n_moving, gap_moving / n_moving
    else:
        speed_all, gap_all = _span_sums([run.speed, run.gap], a, b)
        with np.errstate(invalid="ignore", divide="ignore"):
            speed = np.where(any_moving, speed_moving / n_moving, speed_all / (b - a))
            gap = np.where(any_moving, gap_moving / n_moving, gap_all / (b - a))
    # The elevation of each span from its first to its last sample with one, and its gain
    # from the turning points of the whole run's elevation (a span's inner turning points
    # are the run's: the same neighbours).
    has_elev, elev = elevation.at, elevation.values
    first = np.searchsorted(has_elev, a)
    end = np.searchsorted(has_elev, b)
    has_two = (end - first >= 2).tolist()
    rise = np.full(len(a), np.nan)
    gain = [np.nan] * len(a)
    if any(has_two):
        last = np.maximum(end - 1, 0)
        low = elev[np.minimum(first, len(elev) - 1)]
        high = elev[np.minimum(last, len(elev) - 1)]
        rise = np.where(has_two, high - low, np.nan)
        turns = elevation.turns
        turn_values = elev[turns].tolist()
        inner_from = np.searchsorted(turns, first + 1).tolist()
        inner_to = np.searchsorted(turns, last).tolist()
        for i, (two, start, stop) in enumerate(zip(has_two, low.tolist(), high.tolist(),
                                                  strict=True)):
            if two:
                gain[i] = climb_through_turns(
                    [start, *turn_values[inner_from[i]:inner_to[i]], stop])
    with np.errstate(invalid="ignore", divide="ignore"):
        n_hr = _span_counts(np.flatnonzero(hr_ok), a, b) if with_hr else None
        hr = (np.where(n_hr > 0, sums[2] / n_hr, np.nan) if n_hr is not None
              else np.full(len(a), np.nan))
        grade = np.where(np.asarray(has_two) & (dist > 10), 100.0 * rise / dist, np.nan)
    if every_span_has_samples:
        return np.array([n_moving, dist, speed, gap, grade, gain, hr])
    zero_if_empty = np.where(ok, np.array([n_moving, dist]), 0.0)
    nan_if_empty = np.where(ok, np.array([speed, gap, grade, gain, hr]), np.nan)
    return np.concatenate((zero_if_empty, nan_if_empty))


def assemble(run: RunArrays, work: list[Bout], elevation: Elevation | None = None,
             ) -> pd.DataFrame:
    """Cut the run into contiguous efforts: work bouts and what lies between them.

    Between two work efforts lies a recovery when it holds at most
    ``recovery_max_s`` of running, else steady running; before the first and
    after the last, steady running. ``elevation`` is the run's (:meth:`Elevation.of`,
    made here when not given).
    """
    n = len(run.t)
    t = run.t
    # Work bouts, and what lies between (recovery or steady: told by its moving time).
    pieces: list[tuple[EffortKind | None, int, int, Bout | None]] = []
    cursor = 0
    for i, bout in enumerate(work):
        paused = i > 0 and t[bout.a] > run.end_time(cursor) + 0.5
        if bout.a > cursor or paused:
            pieces.append((None if i > 0 else EffortKind.STEADY, cursor, bout.a, None))
        pieces.append((bout.kind or EffortKind.STEADY, bout.a, bout.b, bout))
        cursor = bout.b
    if cursor < n:
        pieces.append((EffortKind.STEADY, cursor, n, None))
    # Work ends one second after its last sample; a pause after it belongs to what follows.
    bounds = [float(t[a]) if (piece is not None or j == 0)
              else run.end_time(pieces[j - 1][2])
              for j, (_, a, _, piece) in enumerate(pieces)]
    bounds.append(run.end_time(n))
    spans = [end - start for start, end in zip(bounds, bounds[1:], strict=False)]
    starts = np.array([a for _, a, _, _ in pieces], dtype=np.int64)
    ends = np.array([b for _, _, b, _ in pieces], dtype=np.int64)
    stats = _segment_stats(run, starts, ends, elevation or Elevation.of(run))
    moving_s, speed = stats[0].tolist(), stats[2].tolist()
    kinds: list[EffortKind] = []
    whys = []
    for j, (kind, a, b, piece) in enumerate(pieces):
        if kind is None:
            kind = (EffortKind.RECOVERY if moving_s[j] <= run.rules.recovery_max_s
                    else EffortKind.STEADY)
        kinds.append(kind)
        if piece is not None:
            whys.append(piece.why)
        elif kind == EffortKind.RECOVERY:
            span_s = spans[j]
            word = _recovery_word(run, a, b, span_s, moving_s[j])
            how = {"rest": "standing or watch stopped", "walk": "walking",
                   "jog": f"jogging at {fmt_pace(speed[j])}"}[word]
            whys.append(f"{fmt_duration(span_s)} between work bouts, {how}")
        else:
            whys.append(f"{fmt_duration(moving_s[j])} of running at "
                        f"{fmt_pace(speed[j])} without a repeated structure")
    # Rounded half to even, as numpy rounds.
    edges = np.array([run.t0.value + round(bound * 1e9) for bound in bounds],
                     dtype="datetime64[ns]")
    return _efforts_frame([str(kind) for kind in kinds], edges, np.vstack((spans, stats)), whys)


def _pandas_from_blocks() -> Callable[..., pd.DataFrame] | None:
    """``pandas.api.internals.create_dataframe_from_blocks`` (pandas 3 on), else None."""
    try:
        internals = importlib.import_module("pandas.api.internals")
    except ImportError:
        return None
    found: Callable[..., pd.DataFrame] | None = getattr(
        internals, "create_dataframe_from_blocks", None)
    return found


_FROM_BLOCKS = _pandas_from_blocks()
#: What pandas makes of text: ``str`` (in arrow) from pandas 3 on, else ``object``.
_TEXT: Any = pd.Series([""]).dtype
_ARROW_TEXT = getattr(_TEXT, "storage", None) == "pyarrow"
_ARROW_STRINGS: Any = pd.arrays.ArrowStringArray  # pandas-stubs miss its dtype argument
_UTC = pd.DatetimeTZDtype("ns", "UTC")
_NUMBERS = EFFORT_COLUMNS[3:-1]
_COLUMNS = pd.Index(EFFORT_COLUMNS)


def _text(values: list[str]) -> Any:
    """A column of text as pandas makes one from a list of strings."""
    if _ARROW_TEXT:
        # Straight to arrow: pd.array would first look at every string.
        return _ARROW_STRINGS(pa.array(values, type=pa.large_string()), dtype=_TEXT)
    return pd.array(values, dtype=_TEXT)


def _efforts_frame(kinds: list[str], edges: npt.NDArray[np.datetime64], numbers: FloatArray,
                   whys: list[str]) -> pd.DataFrame:
    """The efforts frame from its columns: the ``kind`` of each effort, the times of its
    edges (UTC, one more than efforts), the :data:`_NUMBERS` as rows and the ``why``.

    Built from its blocks where pandas offers it: the plain constructor spends more than
    the rest of the efforts frame does on working out what each column already is."""
    times = pd.array(edges, dtype=_UTC)
    columns: list[Any] = [_text(kinds), times[:-1], times[1:]]
    if _FROM_BLOCKS is None or not _ARROW_TEXT:
        return pd.DataFrame(dict(zip(EFFORT_COLUMNS, [*columns, *numbers, _text(whys)],
                                     strict=True)))
    blocks = [(column, np.array([i])) for i, column in enumerate(columns)]
    blocks.append((numbers, np.arange(3, 3 + len(_NUMBERS))))
    blocks.append((_text(whys), np.array([len(EFFORT_COLUMNS) - 1])))
    # A copy of the labels: a frame's columns may be renamed in place.
    return _FROM_BLOCKS(blocks, index=pd.RangeIndex(len(kinds)), columns=_COLUMNS.copy())


def empty_efforts() -> pd.DataFrame:
    """An efforts frame without rows."""
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("kind", "why") else float)
                         for c in EFFORT_COLUMNS})
