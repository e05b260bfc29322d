"""Efforts as a runner reads them: the contiguous efforts of a run and a ``why`` for each."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from legday.cleaning import elevation_gain_m
from legday.efforts.bouts import Bout, RunArrays
from legday.efforts.kinds import EffortKind

EFFORT_COLUMNS: tuple[str, ...] = (
    "kind", "start", "end", "duration_s", "moving_s", "distance_m", "speed_mps",
    "gap_speed_mps", "grade_pct", "elevation_gain_m", "heart_rate", "why",
)


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


def describe_work(run: RunArrays, work: list[Bout], top_speed_mps: float) -> None:
    """Set the ``why`` of every work effort: sprints and hills alone, reps as a set."""
    for bout in work:
        if bout.kind == EffortKind.SPRINT:
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


def _segment_stats(run: RunArrays, a: int, b: int) -> dict[str, float]:
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
    grade = (100.0 * float(elev[ok[-1]] - elev[ok[0]]) / dist
             if len(ok) >= 2 and dist > 10 else nan)
    return {
        "moving_s": n_moving,
        "distance_m": dist,
        "speed_mps": speed,
        "gap_speed_mps": gap,
        "grade_pct": grade,
        "elevation_gain_m": elevation_gain_m(elev) if len(ok) >= 2 else nan,
        "heart_rate": hr,
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
    rows: dict[str, list[Any]] = {c: [] for c in EFFORT_COLUMNS}
    for j, (kind, a, b, piece) in enumerate(pieces):
        span = bounds[j + 1] - bounds[j]
        stats = _segment_stats(run, a, b)
        if piece is not None:
            why = piece.why
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


def empty_efforts() -> pd.DataFrame:
    """An efforts frame without rows."""
    return pd.DataFrame({c: pd.Series(dtype=object if c in ("kind", "why") else float)
                         for c in EFFORT_COLUMNS})
