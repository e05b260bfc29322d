"""Efforts as a runner reads them: the contiguous efforts of a run and a ``why`` for each."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from legday.cleaning import elevation_gain_m
from legday.efforts.bouts import Bout, RunArrays
from legday.efforts.kinds import EffortKind
from legday.efforts.tempo import hard_steady_why, tempo_or_threshold
from legday.units import Units, fmt_duration

FloatArray = npt.NDArray[np.float64]

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
    if b <= a or run.moving[a:b].sum() < 0.5 * span_s:
        return "rest"
    speed = float(np.median(run.speed[a:b][run.moving[a:b]]))
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
        rest = f" with {fmt_duration(float(np.median(gaps)))} {word}s"
    alike = durs.max() <= 1.25 * durs.min()
    head = (f"{len(reps)} x {fmt_duration(float(np.median(durs)))}" if alike
            else f"{len(reps)} reps of {fmt_duration(durs.min())}-{fmt_duration(durs.max())}")
    summary = f"{head} at {fmt_pace(float(np.median(speeds)))}{rest}"
    for i, b in enumerate(reps, start=1):
        b.why = (f"rep {i} of {len(reps)}: {fmt_duration(b.duration_s)} at "
                 f"{fmt_pace(b.speed_mps)} ({summary})")


def _segment_stats(run: RunArrays, a: npt.NDArray[np.int64],
                   b: npt.NDArray[np.int64]) -> dict[str, FloatArray]:
    """Summary of every span ``[a[i], b[i])`` at once (moving samples only for the means);
    NaN (zero for time and distance) for an empty span."""
    sums = run.prefix
    ok = b > a
    a = np.where(ok, a, 0)
    b = np.where(ok, b, 1)
    nan = np.full(len(a), np.nan)

    def span(name: str) -> FloatArray:
        return np.asarray(sums[name][b] - sums[name][a])

    with np.errstate(invalid="ignore", divide="ignore"):
        n_moving = span("moving")
        any_moving = n_moving > 0
        speed = np.where(any_moving, span("speed_moving") / n_moving, span("speed") / (b - a))
        gap = np.where(any_moving, span("gap_moving") / n_moving, span("gap") / (b - a))
        n_hr = span("hr_n")
        hr = np.where(n_hr > 0, span("hr") / n_hr, np.nan)
        # Where the speed came from the cadence the distance did not move: add it up.
        dist = run.dist[b - 1] - run.dist[a] + span("speed_cadence")
        # The first and last elevation within each span.
        first_elev = run.next_elevation[a]
        last_elev = run.prev_elevation[b - 1]
        has_two = (first_elev < b - 1) & (last_elev > a) & (first_elev < last_elev)
        rise = run.elev[np.clip(last_elev, 0, None)] - run.elev[np.clip(first_elev, 0,
                                                                        len(run.elev) - 1)]
        grade = np.where(has_two & (dist > 10), 100.0 * rise / dist, np.nan)
    gain = np.array([elevation_gain_m(run.elev[lo:hi]) if two else np.nan
                     for lo, hi, two in zip(a.tolist(), b.tolist(), has_two.tolist(),
                                            strict=True)])
    return {
        "moving_s": np.where(ok, n_moving, 0.0),
        "distance_m": np.where(ok, dist, 0.0),
        "speed_mps": np.where(ok, speed, nan),
        "gap_speed_mps": np.where(ok, gap, nan),
        "grade_pct": np.where(ok, grade, nan),
        "elevation_gain_m": np.where(ok, gain, nan),
        "heart_rate": np.where(ok, hr, nan),
    }


def assemble(run: RunArrays, work: list[Bout]) -> pd.DataFrame:
    """Cut the run into contiguous efforts: work bouts and what lies between them.

    Between two work efforts lies a recovery when it holds at most
    ``recovery_max_s`` of running, else steady running; before the first and
    after the last, steady running.
    """
    n = len(run.t)
    pieces: list[tuple[EffortKind, int, int, Bout | None]] = []
    cursor = 0
    for i, bout in enumerate(work):
        paused = i > 0 and run.t[bout.a] > run.end_time(cursor) + 0.5
        if bout.a > cursor or paused:
            between = EffortKind.STEADY
            if i > 0:
                moving = float(run.moving[cursor:bout.a].sum())
                between = (EffortKind.RECOVERY if moving <= run.rules.recovery_max_s
                           else EffortKind.STEADY)
            pieces.append((between, cursor, bout.a, None))
        pieces.append((bout.kind or EffortKind.STEADY, bout.a, bout.b, bout))
        cursor = bout.b
    if cursor < n:
        pieces.append((EffortKind.STEADY, cursor, n, None))
    # Work ends one second after its last sample; a pause after it belongs to what follows.
    bounds = [float(run.t[a]) if (piece is not None or j == 0)
              else run.end_time(pieces[j - 1][2])
              for j, (_, a, _, piece) in enumerate(pieces)]
    bounds.append(run.end_time(n))
    spans = np.diff(np.asarray(bounds))
    data: dict[str, Any] = _segment_stats(
        run, np.array([a for _, a, _, _ in pieces], dtype=np.int64),
        np.array([b for _, _, b, _ in pieces], dtype=np.int64))
    whys = []
    for j, (kind, a, b, piece) in enumerate(pieces):
        if piece is not None:
            whys.append(piece.why)
        elif kind == EffortKind.RECOVERY:
            word = _recovery_word(run, a, b, float(spans[j]))
            how = {"rest": "standing or watch stopped", "walk": "walking",
                   "jog": f"jogging at {fmt_pace(float(data['speed_mps'][j]))}"}[word]
            whys.append(f"{fmt_duration(float(spans[j]))} between work bouts, {how}")
        else:
            whys.append(f"{fmt_duration(float(data['moving_s'][j]))} of running at "
                        f"{fmt_pace(float(data['speed_mps'][j]))} without a repeated structure")
    ns = run.t0.value + np.round(np.asarray(bounds) * 1e9).astype(np.int64)
    edges = pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")
    data["duration_s"] = spans
    data["kind"] = np.asarray([kind for kind, _, _, _ in pieces], dtype=object)
    data["why"] = np.asarray(whys, dtype=object)
    data["start"] = edges[:-1]
    data["end"] = edges[1:]
    return pd.DataFrame({c: data[c] for c in EFFORT_COLUMNS})


def empty_efforts() -> pd.DataFrame:
    """An efforts frame without rows."""
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("kind", "why") else float)
                         for c in EFFORT_COLUMNS})
