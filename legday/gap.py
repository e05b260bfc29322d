"""Grade-adjusted speed: the flat speed that costs the same effort as running on a grade.

Uphill, the cost grows linearly with the grade as in the ACSM running equation
(American College of Sports Medicine, *Guidelines for Exercise Testing and
Prescription*): ``VO2 = 0.2 v + 0.9 v i + 3.5`` [ml/kg/min, v in m/min], so
running at speed ``v`` up grade ``i`` costs as much as running at
``v * (1 + 4.5 i)`` on the flat.

Why not Minetti et al. (2002)? Their treadmill energy cost
``C(i) = 155.4 i^5 - 30.4 i^4 - 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6`` rises much
faster on steep grades (x 1.66 at 10 %, x 2.5 at 20 %) than what runners do
at the same effort outdoors: the median speed of two athletes' easy running,
binned by grade, falls as ``1 / (1 + k i)`` with k between 4.2 and 5.3 from 3
to 23 % (100 runs on steep ground, docs/efforts.md), which is the ACSM slope;
with Minetti every steep climb of an easy run looked like a hard effort.

Downhill a descent lowers the effort by the same slope, but by at most
:data:`DOWNHILL_FLOOR` (10 %): runners brake on descents and cannot cash in a
larger discount, and a few percent of fake descent from elevation noise would
otherwise turn easy running into "recoveries". Grades are clamped to +/-
:data:`MAX_GRADE` (30 %); anything steeper over a 60 m window is an elevation
error on a run.
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Extra cost per unit of grade uphill (ACSM running equation: 0.9 / 0.2). [1]
UPHILL_COST_PER_GRADE = 4.5

#: Largest grade believed on a run; steeper values are clamped. [1]
MAX_GRADE = 0.30

#: Smallest GAP factor downhill: a descent lowers the effort by at most 10 %. [1]
DOWNHILL_FLOOR = 0.90


def gap_factor(grade: float | FloatArray) -> FloatArray:
    """Multiplier from speed on a grade to the flat speed of the same effort.

    Parameters
    ----------
    grade
        Rise over run; NaN counts as flat. Clamped to +/- :data:`MAX_GRADE`. [1]

    Returns
    -------
    numpy.ndarray
        ``1 + 4.5 grade``, but at least :data:`DOWNHILL_FLOOR`. [1]
    """
    g = np.asarray(grade, dtype=float)
    if g.ndim == 0:
        # One grade (a bout's): plain floats cost a fraction of numpy's calls.
        x = float(g)
        x = 0.0 if math.isnan(x) else min(max(x, -MAX_GRADE), MAX_GRADE)
        return cast(FloatArray, np.float64(max(1.0 + UPHILL_COST_PER_GRADE * x, DOWNHILL_FLOOR)))
    # Clamping first keeps NaN (np.clip's wrapper and np.nan_to_num cost more than the rest).
    g = np.minimum(np.maximum(g, -MAX_GRADE), MAX_GRADE)
    g[np.isnan(g)] = 0.0
    return clamped_gap_factor(g)


def clamped_gap_factor(grade: FloatArray) -> FloatArray:
    """:func:`gap_factor` of grades already within +/- :data:`MAX_GRADE` and without NaN
    (clamping them again would change nothing). [1]"""
    return np.maximum(1.0 + UPHILL_COST_PER_GRADE * grade, DOWNHILL_FLOOR)


def grade_adjusted_speed(speed_mps: FloatArray, grade: FloatArray) -> FloatArray:
    """Grade-adjusted speed: the flat speed that costs the same. [m/s]

    Parameters
    ----------
    speed_mps
        Speed along the ground. [m/s]
    grade
        Rise over run at the same samples. [1]
    """
    return np.asarray(speed_mps, dtype=float) * gap_factor(grade)
