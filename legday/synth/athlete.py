"""Simulated athletes: paces, heart-rate response and gait.

Every speed is on flat ground; :func:`terrain_factor` turns it into the speed an
athlete holds on a grade at the same effort, using Minetti's cost of running.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Energy cost of running on the flat (Minetti et al. 2002). [J/kg/m]
FLAT_COST = 3.6

#: Flat-ground pace names understood by :meth:`Athlete.speed`.
PACES = ("jog", "easy", "long", "marathon", "threshold", "10k", "5k", "3k", "mile", "800",
         "stride", "sprint")


def minetti_cost(grade: float | FloatArray) -> FloatArray:
    """Energy cost of running on a grade (Minetti et al. 2002, J Appl Physiol 93).

    Parameters
    ----------
    grade
        Rise over run, e.g. 0.06 for a 6 % climb. [1]

    Returns
    -------
    numpy.ndarray
        Cost per kilogram and metre travelled. [J/kg/m]
    """
    g = np.clip(np.asarray(grade, dtype=float), -0.45, 0.45)
    return np.asarray(155.4 * g**5 - 30.4 * g**4 - 43.3 * g**3 + 46.3 * g**2 + 19.5 * g + 3.6,
                      dtype=float)


def terrain_factor(grade: float, response: float) -> float:
    """Speed multiplier for running on ``grade`` at the effort of a flat pace.

    An athlete who kept metabolic power constant would slow by ``C(0)/C(g)``;
    real runners give only part of that up (``response`` < 1) and brake on
    descents, so the gain downhill is capped at 12 %.

    Parameters
    ----------
    grade
        Rise over run in the direction of travel. [1]
    response
        Exponent applied to the cost ratio: 0 ignores the terrain, 1 keeps
        metabolic power constant. [1]

    Returns
    -------
    float
        Multiplier for the flat speed. [1]
    """
    ratio = FLAT_COST / float(minetti_cost(grade))
    return float(min(ratio**response, 1.12))


@dataclass(frozen=True)
class Athlete:
    """One simulated runner.

    Attributes
    ----------
    easy_speed
        Easy-run speed on the flat. [m/s]
    threshold_speed
        Lactate-threshold (about one-hour race) speed. [m/s]
    top_speed
        Maximal sprint speed. [m/s]
    walk_speed
        Normal walking speed. [m/s]
    rest_hr, threshold_hr, max_hr
        Resting, threshold and maximal heart rate. [1/min]
    hr_tau_s
        Time constant of the heart-rate response to a change of effort. [s]
    hr_drift_bpm_h
        Cardiac drift at a steady effort. [1/min per h]
    cadence_base_spm, cadence_slope
        Running cadence is ``base + slope * speed``. [steps/min], [steps/min per m/s]
    walk_cadence_spm
        Walking cadence. [steps/min]
    sprint_tau_s
        Time constant of a maximal acceleration (about a third of the time
        to reach top speed). [s]
    hill_response
        How much of the Minetti slow-down on climbs the athlete accepts. [1]
    consistency
        Standard deviation of rep-to-rep speed, as a fraction. [1]
    """

    easy_speed: float
    threshold_speed: float
    top_speed: float
    walk_speed: float = 1.4
    rest_hr: float = 52.0
    threshold_hr: float = 168.0
    max_hr: float = 186.0
    hr_tau_s: float = 30.0
    hr_drift_bpm_h: float = 5.0
    cadence_base_spm: float = 146.0
    cadence_slope: float = 9.5
    walk_cadence_spm: float = 112.0
    sprint_tau_s: float = 1.15
    hill_response: float = 0.7
    consistency: float = 0.02

    def speed(self, pace: str) -> float:
        """Flat-ground speed of a named pace (see :data:`PACES`). [m/s]"""
        thr = self.threshold_speed
        ceiling = 0.9 * self.top_speed
        table = {
            "jog": 0.82 * self.easy_speed,
            "easy": self.easy_speed,
            "long": 0.96 * self.easy_speed,
            "marathon": 0.92 * thr,
            "threshold": thr,
            "10k": 1.04 * thr,
            "5k": 1.09 * thr,
            "3k": 1.14 * thr,
            "mile": 1.19 * thr,
            "800": 1.27 * thr,
            "stride": 0.88 * self.top_speed,
            "sprint": 0.97 * self.top_speed,
        }
        if pace not in table:
            raise ValueError(f"unknown pace {pace!r}; expected one of {PACES}")
        value = table[pace]
        return value if pace in ("stride", "sprint") else min(value, ceiling)


def random_athlete(rng: np.random.Generator) -> Athlete:
    """Draw a plausible recreational-to-club runner.

    Easy pace is 4:30–6:30 /km, threshold 15–30 % faster, top speed
    6.5–9 m/s (loosely tied to threshold speed).
    """
    easy = 1000.0 / rng.uniform(270.0, 390.0)
    thr = easy * rng.uniform(1.15, 1.30)
    # Faster runners tend to sprint faster, but loosely.
    fitness = (thr - 2.9) / 2.0
    top = 6.5 + 2.5 * float(np.clip(0.6 * fitness + 0.4 * rng.uniform(), 0.0, 1.0))
    max_hr = rng.uniform(172.0, 198.0)
    return Athlete(
        easy_speed=easy,
        threshold_speed=thr,
        top_speed=top,
        walk_speed=rng.uniform(1.25, 1.6),
        rest_hr=rng.uniform(42.0, 62.0),
        threshold_hr=max_hr * rng.uniform(0.86, 0.92),
        max_hr=max_hr,
        hr_tau_s=rng.uniform(20.0, 40.0),
        hr_drift_bpm_h=rng.uniform(2.0, 10.0),
        cadence_base_spm=rng.uniform(138.0, 155.0),
        cadence_slope=rng.uniform(8.0, 11.0),
        walk_cadence_spm=rng.uniform(100.0, 122.0),
        sprint_tau_s=rng.uniform(0.9, 1.4),
        hill_response=rng.uniform(0.55, 0.85),
        consistency=rng.uniform(0.01, 0.03),
    )
