"""What the ground asked of the legs in one run: descending, and climbing against the flat.

Grade-adjusted pace hides downhill running, yet descents load the legs
eccentrically (the soreness after a mountain run); and climbing at the same
effort faster, or with a quicker cadence, than before is a sign of hill strength.
:func:`terrain_stats` measures both on a prepared run
(:func:`legday.cleaning.prepare_arrays`); the weekly analysis adds them up.

- **Descent at running speed**: the elevation lost while running (at least
  :data:`RUNNING_MPS`), counted with a hysteresis of :data:`DESCENT_HYSTERESIS_M`
  so that elevation noise adds nothing; **steep descent**: the part of it on
  grades steeper than :data:`STEEP_DESCENT_PCT`, with the running time spent there.
- **Climbing against the flat**: median cadence and grade-adjusted speed of the
  running on moderate climbs (:data:`CLIMB_GRADE_PCT`) and on the flat (within
  :data:`FLAT_GRADE_PCT` of level), with the time on each; NaN when there is too
  little of either (:data:`MIN_STRETCH_S`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from legday.cleaning import (
    BoolArray,
    Columns,
    FloatArray,
    IntArray,
    climb_through_turns,
    column,
    turning_points,
)

#: Slower than this is walking or standing, not running downhill. [m/s]
RUNNING_MPS = 1.8
#: A descent counts once it is this far below the last high (elevation noise does not). [m]
DESCENT_HYSTERESIS_M = 3.0
#: Descents steeper than this load the legs eccentrically. [%]
STEEP_DESCENT_PCT = 8.0
#: Moderate climbs, where runners keep running: hill strength shows there. [%]
CLIMB_GRADE_PCT = (4.0, 8.0)
#: Flat running for the comparison. [%]
FLAT_GRADE_PCT = 1.0
#: Less running than this on climbs or on the flat says nothing. [s]
MIN_STRETCH_S = 60
#: What ``np.nan_to_num`` makes of an infinite drop.
_MAX_FLOAT = float(np.finfo(float).max)


@dataclass(frozen=True)
class TerrainStats:
    """One run's descending and climbing (NaN where the run says nothing).

    Attributes
    ----------
    descent_m
        Elevation lost while running. [m]
    steep_descent_m, steep_descent_s
        Of it, on grades steeper than :data:`STEEP_DESCENT_PCT`, and the running
        time there. [m], [s]
    climb_s, flat_s
        Running time on moderate climbs and on the flat. [s]
    climb_cadence_spm, flat_cadence_spm
        Median cadence there. [steps/min]
    climb_gap_mps, flat_gap_mps
        Median grade-adjusted speed there. [m/s]
    """

    descent_m: float
    steep_descent_m: float
    steep_descent_s: float
    climb_s: float
    flat_s: float
    climb_cadence_spm: float
    flat_cadence_spm: float
    climb_gap_mps: float
    flat_gap_mps: float

    def to_dict(self) -> dict[str, float | None]:
        """JSON-ready (NaN as None)."""
        return {k: (None if not np.isfinite(v) else round(float(v), 3))
                for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TerrainStats:
        """The inverse of :meth:`to_dict`."""
        return cls(**{k: float("nan") if data.get(k) is None else float(data[k])
                      for k in cls.__dataclass_fields__})


def _all_finite(values: FloatArray) -> bool:
    """Whether no value is NaN or infinite."""
    return bool(np.count_nonzero(np.isfinite(values)) == len(values))


def _running_descent_m(elevation_m: FloatArray, stretch: IntArray, running: BoolArray,
                       hysteresis_m: float) -> float:
    """Elevation lost within each piece of running (within one stretch: across a stop the
    runner may have walked), each counted with :func:`legday.cleaning.elevation_gain_m`
    on the elevation turned upside down and its NaNs left out, added up in order."""
    # A piece starts where running starts or, while running, where a stretch starts.
    starts = running.copy()
    starts[1:] &= ~running[:-1] | (stretch[1:] != stretch[:-1])
    if _all_finite(elevation_m):
        at = np.flatnonzero(running)
        new_piece = starts[at]
    else:
        at = np.flatnonzero(running & np.isfinite(elevation_m))
        piece = np.add.accumulate(starts, dtype=np.intp)[at]
        new_piece = np.ones(len(at), dtype=bool)
        new_piece[1:] = piece[1:] != piece[:-1]
    if len(at) < 2:
        return 0.0
    e = -elevation_m[at]
    # Turning points of each piece, as elevation_gain_m reduces it: the whole series'
    # turning points, and the ends of every piece.
    keep = turning_points(e)
    keep |= new_piece
    keep[:-1] |= new_piece[1:]
    points = e[keep].tolist()
    bounds = np.flatnonzero(new_piece[keep]).tolist() + [len(points)]
    descent = 0.0
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        if hi - lo >= 2:
            descent += climb_through_turns(points[lo:hi], hysteresis_m)
    return descent


def _median(values: FloatArray, where: BoolArray) -> float:
    """``np.median`` of the finite ``values`` where ``where`` is set (NaN when none), by a
    partition alone."""
    picked = values[where & np.isfinite(values)]
    n = len(picked)
    if n == 0:
        return float("nan")
    half = n // 2
    if n % 2:
        return float(np.partition(picked, half)[half])
    pair = np.partition(picked, (half - 1, half))
    return (float(pair[half - 1]) + float(pair[half])) / 2


def terrain_stats(frame: Columns) -> TerrainStats:
    """Descending and climbing of a prepared run (:func:`legday.cleaning.prepare_arrays`)."""
    nan = float("nan")
    if len(frame) < 2:
        return TerrainStats(0.0, 0.0, 0.0, 0.0, 0.0, nan, nan, nan, nan)
    elev = column(frame, "elevation_m")
    grade = column(frame, "grade_pct")
    stretch = column(frame, "stretch", np.int64)
    running = column(frame, "moving", bool) & (column(frame, "speed_mps") >= RUNNING_MPS)
    descent = _running_descent_m(elev, stretch, running, DESCENT_HYSTERESIS_M)
    steep = running & (grade <= -STEEP_DESCENT_PCT)
    # The drop into each steep sample from the one before it in the same stretch (none
    # into the first sample: it drops from itself, so the sum adds the same terms). As
    # nan_to_num and clipping at 0: NaNs and rises add 0, an infinite drop the largest float.
    at = np.flatnonzero(steep)
    before = np.maximum(at - 1, 0)
    drop = elev[before] - elev[at]
    drop = np.where((stretch[before] == stretch[at]) & (drop > 0), np.minimum(drop, _MAX_FLOAT),
                    0.0)
    steep_m = float(np.add.reduce(drop))
    climb = running & (grade >= CLIMB_GRADE_PCT[0]) & (grade <= CLIMB_GRADE_PCT[1])
    flat = running & (np.abs(grade) <= FLAT_GRADE_PCT)
    climb_s, flat_s = float(np.count_nonzero(climb)), float(np.count_nonzero(flat))
    enough = climb_s >= MIN_STRETCH_S and flat_s >= MIN_STRETCH_S
    if enough:
        cadence = column(frame, "cadence_spm")
        gap = column(frame, "gap_speed_mps")
    return TerrainStats(
        descent_m=float(descent),
        # Per-second drops carry some noise; they never add up to more than the descent.
        steep_descent_m=min(steep_m, float(descent)),
        steep_descent_s=float(np.count_nonzero(steep)),
        climb_s=climb_s, flat_s=flat_s,
        climb_cadence_spm=_median(cadence, climb) if enough else nan,
        flat_cadence_spm=_median(cadence, flat) if enough else nan,
        climb_gap_mps=_median(gap, climb) if enough else nan,
        flat_gap_mps=_median(gap, flat) if enough else nan)
