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

from legday.cleaning import Columns, column, stretch_bounds

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


def _descent_m(elevation_m: np.ndarray, hysteresis_m: float) -> float:
    """Elevation lost, counting a fall once it is ``hysteresis_m`` below the last high."""
    e = elevation_m[np.isfinite(elevation_m)]
    if len(e) < 2:
        return 0.0
    # The same hysteresis as the climb counts, on the elevation turned upside down.
    from legday.cleaning import elevation_gain_m

    return elevation_gain_m(-e, hysteresis_m)


def _median(values: np.ndarray, where: np.ndarray) -> float:
    picked = values[where & np.isfinite(values)]
    return float(np.median(picked)) if len(picked) else float("nan")


def terrain_stats(frame: Columns) -> TerrainStats:
    """Descending and climbing of a prepared run (:func:`legday.cleaning.prepare_arrays`)."""
    nan = float("nan")
    if len(frame) < 2:
        return TerrainStats(0.0, 0.0, 0.0, 0.0, 0.0, nan, nan, nan, nan)
    elev = column(frame, "elevation_m")
    grade = column(frame, "grade_pct")
    speed = column(frame, "speed_mps")
    gap = column(frame, "gap_speed_mps")
    cadence = column(frame, "cadence_spm")
    stretch = column(frame, "stretch", np.int64)
    running = column(frame, "moving", bool) & (speed >= RUNNING_MPS)
    # Descent within each stretch of running: across a stop the runner may have walked.
    first, last = stretch_bounds(stretch)
    breaks = np.flatnonzero(np.diff(running.astype(np.int8)) != 0) + 1
    descent = 0.0
    for a, b in zip(np.r_[0, breaks], np.r_[breaks, len(elev)], strict=True):
        if running[a]:
            for start in np.unique(first[a:b]):
                lo, hi = max(int(start), int(a)), min(int(last[start]) + 1, int(b))
                descent += _descent_m(elev[lo:hi], DESCENT_HYSTERESIS_M)
    drop = np.zeros(len(elev))
    same = stretch[1:] == stretch[:-1]
    drop[1:] = np.where(same, np.nan_to_num(elev[:-1] - elev[1:]), 0.0)
    steep = running & (grade <= -STEEP_DESCENT_PCT)
    steep_m = float(np.sum(np.clip(drop[steep], 0.0, None)))
    climb = running & (grade >= CLIMB_GRADE_PCT[0]) & (grade <= CLIMB_GRADE_PCT[1])
    flat = running & (np.abs(grade) <= FLAT_GRADE_PCT)
    climb_s, flat_s = float(climb.sum()), float(flat.sum())
    enough = climb_s >= MIN_STRETCH_S and flat_s >= MIN_STRETCH_S
    return TerrainStats(
        descent_m=float(descent),
        # Per-second drops carry some noise; they never add up to more than the descent.
        steep_descent_m=min(steep_m, float(descent)),
        steep_descent_s=float(steep.sum()),
        climb_s=climb_s, flat_s=flat_s,
        climb_cadence_spm=_median(cadence, climb) if enough else nan,
        flat_cadence_spm=_median(cadence, flat) if enough else nan,
        climb_gap_mps=_median(gap, climb) if enough else nan,
        flat_gap_mps=_median(gap, flat) if enough else nan)
