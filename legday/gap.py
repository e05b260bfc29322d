"""Grade-adjusted speed from Minetti's energy cost of running on a grade.

Minetti et al. (2002, J Appl Physiol 93:1039) measured the energy cost of
running on a treadmill between -45 % and +45 % and fitted

    C(i) = 155.4 i^5 - 30.4 i^4 - 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6   [J/kg/m]

where ``i`` is the grade as rise over run. Running at speed ``v`` on grade ``i``
costs as much per second as running at ``v * C(i) / C(0)`` on the flat; that is
the grade-adjusted speed (GAP).

Downhill cap
------------
The polynomial has its minimum near -20 %, where it claims running costs half
of running on the flat. Real runners brake on descents and cannot cash in that
discount (and GPS/barometric noise easily produces a few percent of fake
descent), so a descent may lower the effort by at most :data:`DOWNHILL_FLOOR`
(10 %): the factor never goes below 0.9. Uphill the polynomial is used as is.
Grades are clamped to +/- :data:`MAX_GRADE` (30 %) before use; anything
steeper over a 60 m window is an elevation error on a run.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Cost of running on the flat (Minetti et al. 2002). [J/kg/m]
FLAT_COST_J_PER_KG_M = 3.6

#: Largest grade believed on a run; steeper values are clamped. [1]
MAX_GRADE = 0.30

#: Smallest GAP factor downhill: a descent lowers the effort by at most 10 %. [1]
DOWNHILL_FLOOR = 0.90


def minetti_cost(grade: float | FloatArray) -> FloatArray:
    """Energy cost of running on a grade (Minetti et al. 2002).

    Parameters
    ----------
    grade
        Rise over run, e.g. 0.06 for a 6 % climb; clamped to +/- 0.45, the
        range of the measurements. [1]

    Returns
    -------
    numpy.ndarray
        Cost per kilogram and metre travelled. [J/kg/m]
    """
    g = np.clip(np.asarray(grade, dtype=float), -0.45, 0.45)
    # Horner's form of the polynomial above.
    return np.asarray(((((155.4 * g - 30.4) * g - 43.3) * g + 46.3) * g + 19.5) * g
                      + FLAT_COST_J_PER_KG_M, dtype=float)


def gap_factor(grade: float | FloatArray) -> FloatArray:
    """Multiplier from speed on a grade to the flat speed of the same effort.

    Parameters
    ----------
    grade
        Rise over run; NaN counts as flat. Clamped to +/- :data:`MAX_GRADE`. [1]

    Returns
    -------
    numpy.ndarray
        ``C(grade) / C(0)``, but at least :data:`DOWNHILL_FLOOR`. [1]
    """
    g = np.nan_to_num(np.asarray(grade, dtype=float), nan=0.0)
    g = np.clip(g, -MAX_GRADE, MAX_GRADE)
    return np.maximum(minetti_cost(g) / FLAT_COST_J_PER_KG_M, DOWNHILL_FLOOR)


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
