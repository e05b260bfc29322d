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
from legday.efforts.judge import median_of
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


def _recovery_word(run: RunArrays, a: int, b: int, span_s: float) -> str:
    """``jog``, ``walk`` or ``rest`` for the stretch between two reps."""
    moving_before = run.moving_before
    moving_s = float(moving_before[b] - moving_before[a]) if b > a else 0.0
    if b <= a or moving_s < 0.5 * span_s:
        return "rest"
    speed = median_of(run.speed_moving[moving_before[a]:moving_before[b]])
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


def _span_sums(values: FloatArray, edges: IntArray, empty: IntArray | None = None,
               ) -> FloatArray:
    """The sum of each row of ``values`` (or of ``values`` itself) over every span
    ``[edges[i], edges[i + 1])``, one row each: the spans tile the row (``edges`` go from 0
    to its length, ascending, as the efforts of a run do) and ``empty`` lists those
    without a sample (None: none), which sum to zero.

    Each span is summed on its own by one ``np.add.reduceat``."""
    sums = np.add.reduceat(values, edges[:-1], axis=-1)
    if empty is not None:
        sums[..., empty] = 0.0  # reduceat gives an empty span its first sample
    return np.asarray(sums)


def _segment_stats(run: RunArrays, edges: IntArray, empty: IntArray | None,
                   out: FloatArray) -> None:
    """Summary of every span ``[edges[i], edges[i + 1])`` of a run the spans tile (moving
    samples only for the means), into the rows of ``out``: ``moving_s``, ``distance_m``,
    ``speed_mps``, ``gap_speed_mps``, ``grade_pct``, ``elevation_gain_m`` and
    ``heart_rate`` of the efforts frame; NaN (zero for time and distance) for the spans
    ``empty`` lists as without a sample (None: none)."""
    n_spans = len(edges) - 1
    a, b = edges[:-1], edges[1:]
    # Only the sums that count are taken: heart rate where there is one, the distance
    # the cadence gave where it gave any. Counts come from the run's prefix counts.
    moving = run.moving
    hr_before = run.hr_before
    with_hr = bool(hr_before[-1])
    on_cadence = bool(run.on_cadence.any())
    values = np.empty((2 + with_hr + on_cadence, len(moving)))
    np.multiply(run.speed, moving, out=values[0])
    np.multiply(run.gap, moving, out=values[1])
    if with_hr:
        values[2] = (run.hr if hr_before[-1] == len(run.hr)
                     else np.where(np.isfinite(run.hr), run.hr, 0.0))
    if on_cadence:
        values[-1] = np.where(run.on_cadence, run.speed, 0.0)
    sums = _span_sums(values, edges, empty)
    moving_before = run.moving_before[edges]
    n_moving = np.subtract(moving_before[1:], moving_before[:-1], out=out[1])
    # Where the speed came from the cadence the distance did not move: add it up.
    dist = np.subtract(run.dist[b - 1], run.dist[a], out=out[2])
    if on_cadence:
        dist += sums[-1]
    # A span without moving samples is measured on all of them.
    any_moving = n_moving > 0
    if any_moving.all():
        np.divide(sums[:2], n_moving, out=out[3:5])
    else:
        with np.errstate(invalid="ignore"):  # an empty span: NaN
            np.divide(_span_sums(run.speed, edges, empty), b - a, out=out[3])
            np.divide(_span_sums(run.gap, edges, empty), b - a, out=out[4])
        np.divide(sums[:2], n_moving, out=out[3:5], where=any_moving)
    # The elevation of each span from its first to its last sample with one, and its gain
    # from the turning points of the whole run's elevation (a span's inner turning points
    # are the run's: the same neighbours).
    elevation = run.elevation
    has_elev, elev = elevation.at, elevation.values
    at = has_elev.searchsorted(edges).tolist()
    grade = [np.nan] * n_spans
    gain = [np.nan] * n_spans
    with_two = [i for i in range(n_spans) if at[i + 1] - at[i] >= 2]
    if with_two:
        m = len(with_two)
        firsts = [at[i] for i in with_two]
        lasts = [at[i + 1] - 1 for i in with_two]
        low_high = elev[firsts + lasts].tolist()
        turns = elevation.turns
        turn_values = elev[turns].tolist()
        inner = turns.searchsorted([p + 1 for p in firsts] + lasts).tolist()
        distance = dist.tolist()
        for k, i in enumerate(with_two):
            low, high = low_high[k], low_high[m + k]
            if distance[i] > 10:
                grade[i] = 100.0 * (high - low) / distance[i]
            gain[i] = climb_through_turns([low, *turn_values[inner[k]:inner[m + k]], high])
    out[5] = grade
    out[6] = gain
    hr = out[7]
    hr.fill(np.nan)
    if with_hr:
        hr_at = hr_before[edges]
        n_hr = hr_at[1:] - hr_at[:-1]
        np.divide(sums[2], n_hr, out=hr, where=n_hr > 0)
    if empty is not None:
        out[1:3, empty] = 0.0
        out[3:, empty] = np.nan


_RECOVERY_HOW = {"rest": "standing or watch stopped", "walk": "walking"}


def assemble(run: RunArrays, work: list[Bout]) -> pd.DataFrame:
    """Cut the run into contiguous efforts: work bouts and what lies between them.

    Between two work efforts lies a recovery when it holds at most
    ``recovery_max_s`` of running, else steady running; before the first and
    after the last, steady running.
    """
    n = len(run.t)
    t = run.t
    # Work bouts, and what lies between (recovery or steady: told by its moving time).
    # Work ends one second after its last sample; a pause after it belongs to what follows.
    kinds: list[EffortKind | None] = []
    starts: list[int] = []
    ends: list[int] = []
    bounds: list[float] = []
    pieces: list[Bout | None] = []
    cursor = 0
    after = float(t[0])  # where what follows the last work starts
    for bout in work:
        start_s = float(t[bout.a])
        if bout.a > cursor or (cursor and start_s > after + 0.5):
            kinds.append(None if cursor else EffortKind.STEADY)
            starts.append(cursor)
            ends.append(bout.a)
            bounds.append(after)
            pieces.append(None)
        kinds.append(bout.kind or EffortKind.STEADY)
        starts.append(bout.a)
        ends.append(bout.b)
        bounds.append(start_s)
        pieces.append(bout)
        cursor = bout.b
        after = run.end_time(cursor)
    if cursor < n:
        kinds.append(EffortKind.STEADY)
        starts.append(cursor)
        ends.append(n)
        bounds.append(after)
        pieces.append(None)
    bounds.append(run.end_time(n))
    bound_s = np.array(bounds)
    # The rows of the numbers: the duration of each effort, then its summary.
    numbers = np.empty((1 + 7, len(kinds)))
    spans = np.subtract(bound_s[1:], bound_s[:-1], out=numbers[0])
    empty = [j for j, (a, b) in enumerate(zip(starts, ends, strict=True)) if b <= a]
    _segment_stats(run, np.array(starts + [n], dtype=np.int64),
                   np.array(empty) if empty else None, numbers)
    moving_s, speed, span_s = numbers[1].tolist(), numbers[3].tolist(), spans.tolist()
    texts: list[str] = []
    whys: list[str] = []
    for j, (kind, piece) in enumerate(zip(kinds, pieces, strict=True)):
        if kind is None:
            kind = (EffortKind.RECOVERY if moving_s[j] <= run.rules.recovery_max_s
                    else EffortKind.STEADY)
        texts.append(str(kind))
        if piece is not None:
            whys.append(piece.why)
        elif kind == EffortKind.RECOVERY:
            word = _recovery_word(run, starts[j], ends[j], span_s[j])
            how = _RECOVERY_HOW.get(word) or f"jogging at {fmt_pace(speed[j])}"
            whys.append(f"{fmt_duration(span_s[j])} between work bouts, {how}")
        else:
            whys.append(f"{fmt_duration(moving_s[j])} of running at "
                        f"{fmt_pace(speed[j])} without a repeated structure")
    # Nanoseconds rounded half to even (as Python and numpy round).
    times = np.rint(bound_s * 1e9).astype(np.int64) + run.t0.value
    return _efforts_frame(texts, times, numbers, whys)


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
#: pandas' private constructor taking the nanoseconds unchecked (None: pd.array is used).
_UNCHECKED_TIMES: Any = getattr(pd.arrays.DatetimeArray, "_simple_new", None)
_UTC = pd.DatetimeTZDtype("ns", "UTC")
_NUMBERS = EFFORT_COLUMNS[3:-1]
_COLUMNS = pd.Index(EFFORT_COLUMNS)
#: Where each block of the efforts frame goes: kind, start and end, the numbers, why.
_PLACES = (np.array([0]), np.array([1, 2]), np.arange(3, 3 + len(_NUMBERS)),
           np.array([len(EFFORT_COLUMNS) - 1]))


def _text(values: list[str]) -> Any:
    """A column of text as pandas makes one from a list of strings."""
    if _ARROW_TEXT:
        # Straight to arrow: pd.array would first look at every string.
        return _ARROW_STRINGS(pa.array(values, type=pa.large_string()), dtype=_TEXT)
    return pd.array(values, dtype=_TEXT)


def _efforts_frame(kinds: list[str], times: IntArray, numbers: FloatArray,
                   whys: list[str]) -> pd.DataFrame:
    """The efforts frame from its columns: the ``kind`` of each effort, the times of its
    edges (UTC nanoseconds, one more than efforts), the :data:`_NUMBERS` as rows and the
    ``why``.

    Built from its blocks where pandas offers it: the plain constructor spends more than
    the rest of the efforts frame does on working out what each column already is."""
    n = len(kinds)
    edges = np.array((times[:-1], times[1:])).view("datetime64[ns]")
    if _FROM_BLOCKS is None or not _ARROW_TEXT or _UNCHECKED_TIMES is None:
        columns = [_text(kinds), pd.array(edges[0], dtype=_UTC), pd.array(edges[1], dtype=_UTC),
                   *numbers, _text(whys)]
        return pd.DataFrame(dict(zip(EFFORT_COLUMNS, columns, strict=True)))
    # One arrow array for both texts, and the nanoseconds taken as they are (pd.array checks
    # every time and every string again).
    texts = pa.array(kinds + whys, type=pa.large_string())
    blocks = zip((_ARROW_STRINGS(texts.slice(0, n), dtype=_TEXT),
                  _UNCHECKED_TIMES(edges, dtype=_UTC), numbers,
                  _ARROW_STRINGS(texts.slice(n), dtype=_TEXT)), _PLACES, strict=True)
    # A view of the labels: a frame's columns may be renamed in place.
    return _FROM_BLOCKS(list(blocks), index=pd.RangeIndex(n), columns=_COLUMNS.view())


def empty_efforts() -> pd.DataFrame:
    """An efforts frame without rows."""
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("kind", "why") else float)
                         for c in EFFORT_COLUMNS})
