"""Turn a workout plan into a true 1 Hz trajectory: speed, position, heart rate, cadence."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from legday.synth.athlete import FLAT_COST, Athlete, FloatArray, minetti_cost, terrain_factor
from legday.synth.route import Route
from legday.synth.workouts import WORK_KINDS, WorkoutPlan

IntArray = npt.NDArray[np.int64]

#: Gait codes used in :attr:`Trajectory.gait`.
STAND, WALK, RUN = 0, 1, 2
_GAIT_CODE = {"stand": STAND, "walk": WALK, "run": RUN}


@dataclass(frozen=True)
class Trajectory:
    """What really happened, one sample per second from the start.

    Attributes
    ----------
    t_s
        Seconds since the start. [s]
    p
        Position along the route (not wrapped). [m]
    distance_m
        True distance travelled. [m]
    speed
        True speed. [m/s]
    grade
        Grade in the direction of travel. [1]
    gait
        :data:`STAND`, :data:`WALK` or :data:`RUN` as planned for the segment.
    segment
        Index of the plan segment each sample belongs to.
    bounds
        Sample range ``[start, end)`` of every plan segment.
    east, north, elevation
        True position and elevation. [m]
    heart_rate
        True heart rate. [1/min]
    cadence_spm
        Cadence. [steps/min]
    """

    t_s: FloatArray
    p: FloatArray
    distance_m: FloatArray
    speed: FloatArray
    grade: FloatArray
    gait: IntArray
    segment: IntArray
    bounds: tuple[tuple[int, int], ...]
    east: FloatArray
    north: FloatArray
    elevation: FloatArray
    heart_rate: FloatArray
    cadence_spm: FloatArray

    def __len__(self) -> int:
        return len(self.t_s)


def simulate(plan: WorkoutPlan, route: Route, athlete: Athlete, rng: np.random.Generator, *,
             treadmill: bool = False) -> Trajectory:
    """Simulate the athlete running ``plan`` on ``route``.

    Speed follows the segment target through a first-order response (a sprint
    start reaches top speed in 4–5 s; a treadmill belt ramps at 0.6 m/s²),
    modified by grade (Minetti cost), rep-to-rep variation, slow wander and fade.

    Parameters
    ----------
    plan
        The workout.
    route
        Where it is run.
    athlete
        Who runs it.
    rng
        Random generator.
    treadmill
        Belt-limited accelerations and no terrain.
    """
    grade_up = route.grade
    n_grid = len(grade_up)
    length = route.length_m
    a_max = 0.6 if treadmill else 4.5
    ps: list[float] = []
    vs: list[float] = []
    ds: list[float] = []
    gs: list[float] = []
    gaits: list[int] = []
    segs: list[int] = []
    bounds: list[tuple[int, int]] = []
    p = v = d = 0.0
    direction = 1
    # Two speed wanders: a quick one (stride to stride, ~30 s) and a slow one
    # (terrain feel, traffic, mood, ~5 min) that makes kilometre splits differ.
    wander = 0.0
    phi = math.exp(-1.0 / 30.0)
    drift = float(rng.normal(0.0, 0.03))
    psi = math.exp(-1.0 / 300.0)
    k = 0

    def grade_at(pos: float) -> float:
        q = pos % length if route.closed else min(max(pos, 0.0), length)
        return float(grade_up[min(int(q), n_grid - 1)])

    for i, seg in enumerate(plan.segments):
        if seg.direction:
            direction = seg.direction
        start = k
        exp_dur = max(seg.expected_duration(), 1.0)
        exp_dist = max(seg.expected_distance(), 1.0)
        spread = athlete.consistency if seg.kind in WORK_KINDS else 0.01
        rep = float(rng.normal(1.0, spread))
        sigma = 0.03 if seg.gait == "walk" else 0.012
        slow = 0.4 if seg.kind in WORK_KINDS else 1.0
        gait = _GAIT_CODE[seg.gait]
        seg_d = 0.0
        elapsed = 0
        while True:
            if seg.duration_s is not None and elapsed >= seg.duration_s - 0.5:
                break
            if seg.distance_m is not None and seg_d >= seg.distance_m:
                break
            if seg.until_p is not None and direction * (p - seg.until_p) >= 0:
                break
            if elapsed > 3 * exp_dur + 600:
                break
            if seg.distance_m is not None:
                frac = min(seg_d / exp_dist, 1.0)
            else:
                frac = min(elapsed / exp_dur, 1.0)
            g = 0.0 if treadmill else direction * grade_at(p)
            if gait == STAND:
                target = 0.0
            elif gait == WALK:
                target = seg.speed * rep * (1 + wander) * min(terrain_factor(g, 0.5), 1.05)
            else:
                base = seg.speed
                if seg.speed_end is not None:
                    base += (seg.speed_end - seg.speed) * frac
                tf = terrain_factor(g, athlete.hill_response)
                warm_in = 1 - 0.04 * math.exp(-k / 180.0)
                target = (base * rep * (1 + wander + slow * drift) * (1 - seg.fade * frac) * tf
                          * warm_in)
                if seg.sprint:
                    # Speed endurance: a maximal effort fades after ~6 s.
                    cap = athlete.top_speed * tf * (1 - 0.008 * max(0.0, elapsed - 6.0))
                    target = min(target, cap)
            if target > v:
                tau = athlete.sprint_tau_s if (seg.sprint or target - v > 2.0) else 2.5
            else:
                tau = 1.5 if target < 0.5 else 2.5
            nv = target + (v - target) * math.exp(-1.0 / tau)
            nv = min(max(nv, v - a_max, 0.0), v + a_max)
            ps.append(p)
            vs.append(v)
            ds.append(d)
            gs.append(g)
            gaits.append(gait)
            segs.append(i)
            step = 0.5 * (v + nv)
            p += direction * step
            if not route.closed and not treadmill:
                if p > length:
                    p, direction = 2 * length - p, -1
                elif p < 0:
                    p, direction = -p, 1
            d += step
            seg_d += step
            v = nv
            elapsed += 1
            k += 1
            wander = phi * wander + math.sqrt(1 - phi * phi) * sigma * float(rng.normal())
            drift = psi * drift + math.sqrt(1 - psi * psi) * 0.03 * float(rng.normal())
        bounds.append((start, k))
    ps.append(p)
    vs.append(v)
    ds.append(d)
    gs.append(gs[-1] if gs else 0.0)
    gaits.append(gaits[-1] if gaits else RUN)
    segs.append(len(plan.segments) - 1)

    p_arr = np.asarray(ps)
    speed = np.asarray(vs)
    grade = np.asarray(gs)
    gait_arr = np.asarray(gaits, dtype=np.int64)
    t = np.arange(len(p_arr), dtype=float)
    if route.has_position:
        east, north, elev = route.locate(p_arr)
    else:
        east = north = np.full(len(p_arr), np.nan)
        elev = np.full(len(p_arr), float(route.z[0]))
    hr = _heart_rate(t, speed, grade, gait_arr, athlete, rng)
    cadence = _cadence(speed, gait_arr, athlete, rng)
    return Trajectory(t, p_arr, np.asarray(ds), speed, grade, gait_arr,
                      np.asarray(segs, dtype=np.int64), tuple(bounds), east, north, elev, hr,
                      cadence)


def _heart_rate(t: FloatArray, speed: FloatArray, grade: FloatArray, gait: IntArray,
                athlete: Athlete, rng: np.random.Generator) -> FloatArray:
    """Heart rate: a lagged (first-order, tau 20–40 s) response to metabolic load, with drift."""
    load = speed * minetti_cost(grade) / (athlete.threshold_speed * FLAT_COST)
    load = np.where(gait == WALK, 0.25 * speed / 1.4, load)
    load = np.clip(load, 0.0, 1.6)
    span = athlete.threshold_hr - athlete.rest_hr
    steady = athlete.rest_hr + span * load**0.9
    over = load > 1.0
    steady[over] = athlete.threshold_hr + (athlete.max_hr - athlete.threshold_hr) * np.minimum(
        (load[over] - 1.0) / 0.3, 1.0)
    # Heart rate stays raised through rests inside a session.
    steady = np.maximum(steady, athlete.rest_hr + 0.3 * span)
    steady += athlete.hr_drift_bpm_h * t / 3600.0 * np.minimum(load, 1.0)
    up = 1 - math.exp(-1.0 / athlete.hr_tau_s)
    down = 1 - math.exp(-1.0 / (1.4 * athlete.hr_tau_s))
    noise = rng.normal(0.0, 1.0, size=len(t))
    out = np.empty(len(t))
    hr = athlete.rest_hr + 25.0
    e = 0.0
    phi = math.exp(-1.0 / 8.0)
    for i, ss in enumerate(steady.tolist()):
        hr += (ss - hr) * (up if ss > hr else down)
        e = phi * e + 0.5 * noise[i]
        out[i] = hr + e
    return np.minimum(out, athlete.max_hr + 2.0)


def _cadence(speed: FloatArray, gait: IntArray, athlete: Athlete,
             rng: np.random.Generator) -> FloatArray:
    """Cadence from speed and gait. [steps/min]"""
    run = np.clip(athlete.cadence_base_spm + athlete.cadence_slope * speed, 150.0, 232.0)
    walk = athlete.walk_cadence_spm * (0.85 + 0.15 * np.clip(speed / athlete.walk_speed, 0, 1.3))
    cad = np.where((gait == WALK) | (speed < 1.9), walk, run)
    cad = cad + rng.normal(0.0, 1.5, size=len(speed))
    return np.where(speed < 0.3, 0.0, cad)
