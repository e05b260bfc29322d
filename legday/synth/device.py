"""What the watch makes of the true trajectory: noise, pauses, sampling, laps.

Everything here is applied *after* the truth is fixed, so the truth never
depends on device effects.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from legday.model import EVENT_COLUMNS, LAP_COLUMNS, SAMPLE_COLUMNS, make_frame
from legday.synth.athlete import FloatArray
from legday.synth.route import Route
from legday.synth.simulate import IntArray, Trajectory
from legday.synth.workouts import WorkoutPlan

#: (manufacturer name, FIT manufacturer id, FIT product id, product name)
DEVICES: tuple[tuple[str, int, int, str], ...] = (
    ("garmin", 1, 3992, "Forerunner 255"),
    ("garmin", 1, 4315, "Forerunner 965"),
    ("garmin", 1, 3906, "fenix 7"),
    ("garmin", 1, 3076, "Forerunner 245"),
    ("coros", 294, 845, "PACE 3"),
    ("suunto", 23, 40, "Suunto Race"),
    ("polar", 123, 237, "Pacer Pro"),
)


@dataclass(frozen=True)
class DeviceProfile:
    """How the watch records.

    Attributes
    ----------
    manufacturer, product
        Names written to the file; ids come from :data:`DEVICES`.
    gps
        Positions are recorded (False on a treadmill).
    distance_source
        ``gps`` (from the noisy positions) or ``accelerometer`` (footpod or
        wrist: true distance times ``distance_scale`` with a slow wobble).
    distance_scale
        Calibration error of the accelerometer distance. [1]
    elevation_source
        ``barometric`` (smooth, offset and slow drift, 0.2 m steps), ``gps``
        (wanders by 5–15 m) or ``none``.
    smart_recording
        Irregular 1–10 s sampling, denser when speed, heading or HR change;
        otherwise every second.
    auto_pause
        No records while stopped for more than 2 s; timer stop/start events
        with the ``auto`` trigger.
    manual_stops
        The athlete stops the watch in some standing/walking recoveries.
    rep_laps
        The watch runs the structured workout: one lap per step (a hint, not
        the truth: laps start 0–2 s late). Otherwise auto-laps.
    auto_lap_m
        Auto-lap distance, or None for a single lap. [m]
    gps_noise_m
        Standard deviation of the position error per axis. [m]
    gps_noise_tau_s
        Correlation time of the position error. [s]
    start_glitch_m
        Position error at the start, decaying over 8–25 s. [m]
    glitches
        Number of short, smooth position excursions of 10–30 m mid-run.
    heart_rate
        A heart-rate sensor is recorded.
    treadmill
        Indoor run: no GPS, accelerometer distance.
    fit_fields
        ``enhanced`` (enhanced_speed/enhanced_altitude), ``legacy``
        (speed/altitude) or ``both``.
    """

    manufacturer: str = "garmin"
    product: str = "Forerunner 255"
    gps: bool = True
    distance_source: Literal["gps", "accelerometer"] = "gps"
    distance_scale: float = 1.0
    elevation_source: Literal["barometric", "gps", "none"] = "barometric"
    smart_recording: bool = False
    auto_pause: bool = False
    manual_stops: bool = False
    rep_laps: bool = False
    auto_lap_m: float | None = 1000.0
    gps_noise_m: float = 4.0
    gps_noise_tau_s: float = 60.0
    start_glitch_m: float = 0.0
    glitches: int = 0
    heart_rate: bool = True
    treadmill: bool = False
    fit_fields: Literal["enhanced", "legacy", "both"] = "both"

    @property
    def ids(self) -> tuple[int, int]:
        """FIT manufacturer and product ids."""
        for name, man, prod, product in DEVICES:
            if name == self.manufacturer and product == self.product:
                return man, prod
        return 255, 0

    def summary(self) -> dict[str, object]:
        """Short description for truth files."""
        return {
            "device": f"{self.manufacturer} {self.product}",
            "gps": self.gps,
            "distance": self.distance_source,
            "elevation": self.elevation_source,
            "recording": "smart" if self.smart_recording else "1s",
            "auto_pause": self.auto_pause,
            "manual_stops": self.manual_stops,
            "laps": "reps" if self.rep_laps else (f"auto {self.auto_lap_m:.0f} m"
                                                  if self.auto_lap_m else "none"),
            "gps_noise_m": round(self.gps_noise_m, 1),
            "gps_noise_tau_s": round(self.gps_noise_tau_s),
            "heart_rate": self.heart_rate,
            "treadmill": self.treadmill,
        }


def random_device(rng: np.random.Generator, *, treadmill: bool = False) -> DeviceProfile:
    """Draw a watch and its settings."""
    name, _, _, product = DEVICES[int(rng.integers(len(DEVICES)))]
    fields: Literal["enhanced", "legacy", "both"] = ("enhanced", "legacy", "both")[
        int(rng.integers(3))]
    if treadmill:
        return DeviceProfile(
            manufacturer=name, product=product, gps=False, distance_source="accelerometer",
            distance_scale=float(rng.uniform(0.95, 1.05)), elevation_source="none",
            smart_recording=bool(rng.random() < 0.5), auto_pause=False, manual_stops=False,
            rep_laps=bool(rng.random() < 0.3),
            auto_lap_m=1000.0 if rng.random() < 0.7 else None, gps_noise_m=0.0,
            heart_rate=bool(rng.random() < 0.92), treadmill=True, fit_fields=fields)
    return DeviceProfile(
        manufacturer=name, product=product, gps=True,
        distance_source="gps" if rng.random() < 0.8 else "accelerometer",
        distance_scale=float(rng.uniform(0.96, 1.04)),
        elevation_source="barometric" if rng.random() < 0.65 else "gps",
        smart_recording=bool(rng.random() < 0.4),
        auto_pause=bool(rng.random() < 0.35),
        manual_stops=bool(rng.random() < 0.3),
        rep_laps=bool(rng.random() < 0.4),
        auto_lap_m=1000.0 if rng.random() < 0.85 else None,
        gps_noise_m=float(rng.uniform(2.0, 8.0)),
        gps_noise_tau_s=float(rng.uniform(20.0, 120.0)),
        start_glitch_m=float(rng.uniform(15.0, 60.0)) if rng.random() < 0.5 else 0.0,
        glitches=int(rng.choice([0, 0, 0, 1, 2])),
        heart_rate=bool(rng.random() < 0.92),
        fit_fields=fields,
    )


@dataclass(frozen=True)
class Recording:
    """The watch's view of a run.

    Attributes
    ----------
    samples
        Recorded samples in :data:`legday.model.SAMPLE_COLUMNS` (cadence in
        steps/min; FIT and GPX files hold strides/min, half of it).
    events
        Timer events: ``time``, ``event`` (start/stop), ``trigger``
        (manual/auto), first start and last stop included.
    laps
        Laps in :data:`legday.model.LAP_COLUMNS`.
    timer_on
        Per true 1 Hz sample: the timer was running.
    gps_error
        Per true 1 Hz sample: east and north position error (N x 2). [m]
    record_index
        Indices of the recorded samples in the true 1 Hz grid.
    """

    samples: pd.DataFrame
    events: pd.DataFrame
    laps: pd.DataFrame
    timer_on: np.ndarray
    gps_error: FloatArray
    record_index: IntArray


def _ar1(n: int, sigma: float, tau_s: float, rng: np.random.Generator,
         smooth_s: float = 0.0) -> FloatArray:
    """AR(1) noise with std ``sigma`` and correlation time ``tau_s``, optionally low-passed."""
    phi = math.exp(-1.0 / max(tau_s, 1e-6))
    innov = (rng.normal(0.0, sigma * math.sqrt(1 - phi * phi), size=n)).tolist()
    out = np.empty(n)
    x = float(rng.normal(0.0, sigma))
    if smooth_s > 0:
        psi = math.exp(-1.0 / smooth_s)
        y = x
        for i in range(n):
            x = phi * x + innov[i]
            y = psi * y + (1 - psi) * x
            out[i] = y
    else:
        for i in range(n):
            x = phi * x + innov[i]
            out[i] = x
    return out


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` of each run of True values."""
    padded = np.concatenate([[False], flags.astype(bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _timer(traj: Trajectory, plan: WorkoutPlan, device: DeviceProfile,
           rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Timer-running mask and, where stopped, whether it was manual (1) or auto (2)."""
    n = len(traj)
    reason = np.zeros(n, dtype=np.int8)
    if device.manual_stops:
        eligible = np.zeros(n, dtype=bool)
        for seg, (a, b) in zip(plan.segments, traj.bounds, strict=True):
            if seg.watch_stop:
                eligible[a:b] = True
        for a, b in _runs(eligible):
            stop = a + int(rng.integers(1, 5))
            restart = b - int(rng.integers(0, 3))
            if restart - stop >= 5 and rng.random() < 0.85:
                reason[stop:restart] = 1
    if device.auto_pause:
        still = traj.speed < 0.5
        for a, b in _runs(still):
            if b - a >= 3:
                sel = slice(a + 2, b)
                reason[sel] = np.where(reason[sel] == 0, 2, reason[sel])
    reason[0] = reason[-1] = 0
    return reason == 0, reason


def _events(t: FloatArray, timer_on: np.ndarray, reason: np.ndarray,
            ) -> list[tuple[float, str, str]]:
    out = [(float(t[0]), "start", "manual")]
    change = np.flatnonzero(np.diff(timer_on.astype(np.int8))) + 1
    for k in change.tolist():
        if not timer_on[k]:
            out.append((float(t[k]), "stop", "manual" if reason[k] == 1 else "auto"))
        else:
            out.append((float(t[k]), "start", "manual" if reason[k - 1] == 1 else "auto"))
    out.append((float(t[-1]), "stop", "manual"))
    return out


def _gps_error(n: int, device: DeviceProfile, rng: np.random.Generator) -> FloatArray:
    """Slowly drifting position error: low-passed AR(1) plus start and mid-run glitches. [m]"""
    err = np.zeros((n, 2))
    if not device.gps:
        return err
    for axis in range(2):
        err[:, axis] = _ar1(n, device.gps_noise_m, device.gps_noise_tau_s, rng, smooth_s=4.0)
    t = np.arange(n, dtype=float)
    if device.start_glitch_m > 0:
        angle = rng.uniform(0, 2 * np.pi)
        decay = np.exp(-t / rng.uniform(8.0, 25.0))
        err[:, 0] += device.start_glitch_m * math.cos(angle) * decay
        err[:, 1] += device.start_glitch_m * math.sin(angle) * decay
    for _ in range(device.glitches):
        at = rng.uniform(0.1, 0.9) * n
        width = rng.uniform(8.0, 25.0)
        bump = np.where(np.abs(t - at) < width, 0.5 * (1 + np.cos(np.pi * (t - at) / width)), 0.0)
        angle = rng.uniform(0, 2 * np.pi)
        amp = rng.uniform(10.0, 30.0)
        err[:, 0] += amp * math.cos(angle) * bump
        err[:, 1] += amp * math.sin(angle) * bump
    return err


def _ema_speed(step: FloatArray, timer_on: np.ndarray, tau_s: float = 3.0) -> FloatArray:
    """Device speed: exponentially smoothed distance per second, reset after pauses. [m/s]"""
    alpha = 1 - math.exp(-1.0 / tau_s)
    out = np.zeros(len(step))
    v = 0.0
    on = timer_on.tolist()
    for i, s in enumerate(step.tolist()):
        if i and not on[i - 1]:
            v = 0.0
        v += alpha * (s - v)
        out[i] = v
    return out


def _elevation(traj: Trajectory, device: DeviceProfile, rng: np.random.Generator) -> FloatArray:
    n = len(traj)
    z = traj.elevation
    if device.elevation_source == "none" or not device.gps:
        return np.full(n, np.nan)
    if device.elevation_source == "barometric":
        drift = _ar1(n, rng.uniform(0.5, 2.5), 900.0, rng, smooth_s=60.0)
        out = z + rng.uniform(-15.0, 15.0) + drift
    else:
        wander = _ar1(n, rng.uniform(2.5, 7.0), rng.uniform(60.0, 240.0), rng, smooth_s=5.0)
        out = z + rng.uniform(-10.0, 10.0) + wander
    return np.round(out / 0.2) * 0.2


#: Longest gaps a smart-recording watch leaves on a steady stretch. [s]
_SMART_GAPS = (3, 4, 4, 5, 5, 6, 7, 8, 10)


def _smart_indices(timer_on: np.ndarray, speed: FloatArray, east: FloatArray, north: FloatArray,
                   hr: FloatArray, rng: np.random.Generator) -> IntArray:
    """Garmin-like smart recording: a point when something changed, else every 3–10 s."""
    heading = np.degrees(np.arctan2(np.gradient(north), np.gradient(east)))
    keep: list[int] = []
    for a, b in _runs(timer_on):
        last = a
        keep.append(a)
        gap_max = int(rng.choice(_SMART_GAPS))
        for k in range(a + 1, b):
            gap = k - last
            dv = abs(speed[k] - speed[last])
            turn = abs((heading[k] - heading[last] + 180.0) % 360.0 - 180.0)
            changed = dv >= 0.3 or (speed[k] > 1.5 and turn >= 20.0) or abs(hr[k] - hr[last]) >= 5
            if k == b - 1 or gap >= gap_max or (changed and gap >= 1 and rng.random() < 0.8):
                keep.append(k)
                last = k
                gap_max = int(rng.choice(_SMART_GAPS))
    return np.asarray(keep, dtype=np.int64)


def _lap_bounds(traj: Trajectory, plan: WorkoutPlan, device: DeviceProfile,
                dist: FloatArray, timer_on: np.ndarray, rng: np.random.Generator,
                ) -> list[tuple[int, str, str]]:
    """Lap starts: (index into the 1 Hz grid, how that lap ends, its intensity)."""
    n = len(traj)
    starts: list[tuple[int, str, str]] = []
    if device.rep_laps and plan.structured:
        prev: tuple[str | None, str] | None = None
        for seg, (a, b) in zip(plan.segments, traj.bounds, strict=True):
            key = (seg.lap, seg.kind)
            if b <= a or key == prev:
                continue
            k = min(a + int(rng.integers(0, 3)), n - 1)
            # A step that begins while the timer is stopped began just before the stop.
            while k > 0 and not timer_on[k]:
                k -= 1
            trig = "distance" if seg.distance_m is not None else (
                "time" if seg.duration_s is not None else "manual")
            if not starts or k > starts[-1][0]:
                starts.append((k, trig, seg.lap or "active"))
            prev = key
        if starts:
            starts[0] = (0, starts[0][1], starts[0][2])
    elif device.auto_lap_m:
        marks = np.arange(device.auto_lap_m, dist[-1], device.auto_lap_m)
        idx = np.searchsorted(dist, marks)
        starts = [(0, "distance", "active")]
        starts += [(int(k), "distance", "active") for k in idx if 0 < k < n - 1]
    if not starts:
        starts = [(0, "session_end", "active")]
    return starts


def record(traj: Trajectory, plan: WorkoutPlan, route: Route, device: DeviceProfile,
           rng: np.random.Generator, start_utc: pd.Timestamp) -> Recording:
    """Apply the device to the true trajectory.

    Parameters
    ----------
    traj
        True 1 Hz trajectory.
    plan
        The workout (for watch stops and workout laps).
    route
        The route (for converting positions to latitude/longitude).
    device
        Watch settings.
    rng
        Random generator.
    start_utc
        Time of the first sample.
    """
    n = len(traj)
    t = traj.t_s
    timer_on, reason = _timer(traj, plan, device, rng)
    err = _gps_error(n, device, rng)
    has_pos = device.gps and route.has_position
    east = traj.east + err[:, 0]
    north = traj.north + err[:, 1]
    both_on = np.concatenate([[False], timer_on[1:] & timer_on[:-1]])
    if device.distance_source == "gps" and has_pos:
        step = np.concatenate([[0.0], np.hypot(np.diff(east), np.diff(north))])
    else:
        wobble = 1 + _ar1(n, 0.015, 120.0, rng)
        step = np.concatenate([[0.0], np.diff(traj.distance_m)]) * device.distance_scale * wobble
    step = np.where(both_on, step, 0.0)
    dist = np.cumsum(step)
    dev_speed = _ema_speed(step, timer_on)
    elev = _elevation(traj, device, rng)

    if device.smart_recording:
        idx = _smart_indices(timer_on, dev_speed, east, north, traj.heart_rate, rng)
    else:
        idx = np.flatnonzero(timer_on).astype(np.int64)

    times = start_utc + pd.to_timedelta(t[idx], unit="s")
    if has_pos:
        lat, lon = route.to_latlon(east[idx], north[idx])
    else:
        lat = lon = np.full(len(idx), np.nan)
    strides = np.round(traj.cadence_spm[idx] / 2.0)
    samples = make_frame(SAMPLE_COLUMNS, {
        "time": times,
        "lat": lat,
        "lon": lon,
        "elevation_m": elev[idx],
        "distance_m": np.round(dist[idx], 2),
        "speed_mps": np.round(dev_speed[idx], 3),
        "heart_rate": np.round(traj.heart_rate[idx]) if device.heart_rate else None,
        "cadence_spm": 2.0 * strides,
    })

    ev = _events(t, timer_on, reason)
    events = make_frame(EVENT_COLUMNS, {
        "time": start_utc + pd.to_timedelta([e[0] for e in ev], unit="s"),
        "event": [e[1] for e in ev],
    })
    events["trigger"] = [e[2] for e in ev]

    starts = _lap_bounds(traj, plan, device, dist, timer_on, rng)
    rows = []
    for j, (k0, _trigger, intensity) in enumerate(starts):
        k1 = starts[j + 1][0] if j + 1 < len(starts) else n - 1
        trig = starts[j][1] if j + 1 < len(starts) else "session_end"
        rows.append((t[k0], t[k1], float(timer_on[k0:k1].sum()), dist[k1] - dist[k0], trig,
                     intensity))
    laps = make_frame(LAP_COLUMNS, {
        "start": start_utc + pd.to_timedelta([r[0] for r in rows], unit="s"),
        "end": start_utc + pd.to_timedelta([r[1] for r in rows], unit="s"),
        "elapsed_s": [r[1] - r[0] for r in rows],
        "timer_s": [r[2] for r in rows],
        "distance_m": [r[3] for r in rows],
        "trigger": [r[4] for r in rows],
        "intensity": [r[5] for r in rows],
    })
    return Recording(samples, events, laps, timer_on, err, idx)
