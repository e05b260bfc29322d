"""One synthetic run: plan, simulate, record, and keep the truth beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from legday.synth.athlete import Athlete, random_athlete
from legday.synth.device import DeviceProfile, random_device, record
from legday.synth.route import PLACES, Place, build_route
from legday.synth.simulate import simulate
from legday.synth.workouts import TREADMILL_WORKOUTS, WORKOUTS, WorkoutPlan, primary_kind


def iso_z(ts: pd.Timestamp) -> str:
    """ISO-8601 UTC with a ``Z`` suffix, to the millisecond when not whole seconds."""
    ts = ts.tz_convert("UTC") if ts.tzinfo else ts.tz_localize("UTC")
    if ts.microsecond == 0 and ts.nanosecond == 0:
        return ts.tz_localize(None).isoformat(timespec="seconds") + "Z"
    return ts.tz_localize(None).isoformat(timespec="milliseconds") + "Z"


@dataclass(frozen=True)
class Effort:
    """A true effort: ``kind`` from ``start`` (inclusive) to ``end`` (exclusive).

    ``also`` lists kinds the effort is too, as the real labels write ``hill|sprint``:
    a sprint up a hill is a hill effort and a sprint.
    """

    kind: str
    start: pd.Timestamp
    end: pd.Timestamp
    also: tuple[str, ...] = ()

    @property
    def duration_s(self) -> float:
        """Length of the effort. [s]"""
        return float((self.end - self.start).total_seconds())

    def to_dict(self) -> dict[str, Any]:
        """``{"kind", "start", "end"}`` with ISO-8601 UTC times, and ``also`` when set."""
        out: dict[str, Any] = {"kind": self.kind, "start": iso_z(self.start),
                               "end": iso_z(self.end)}
        if self.also:
            out["also"] = list(self.also)
        return out


@dataclass(frozen=True)
class SyntheticRun:
    """A simulated run as a watch recorded it, with its truth.

    Attributes
    ----------
    workout, description
        Workout name (a key of :data:`WORKOUTS`) and a human description.
    seed
        Seed it was generated from.
    athlete, device, plan, place
        What was simulated.
    start_utc
        Time of the first record.
    utc_offset_s
        Local time minus UTC at the start. [s]
    sub_sport
        ``generic``, ``treadmill`` or ``trail``.
    samples
        Recorded samples (:data:`legday.model.SAMPLE_COLUMNS`; cadence in
        steps/min).
    events
        Timer events (``time``, ``event`` start/stop, ``trigger`` manual/auto).
    laps
        Device laps (:data:`legday.model.LAP_COLUMNS`): auto-laps or workout
        steps; never the truth.
    efforts
        True efforts, contiguous from the first to the last record.
    primary
        True primary kind (see :func:`primary_kind`).
    truth_track
        The true 1 Hz trajectory: ``time``, ``lat``, ``lon``, ``elevation_m``,
        ``distance_m``, ``speed_mps``, ``grade``, ``heart_rate``,
        ``cadence_spm``, ``kind``, ``segment``, ``timer_on``,
        ``gps_error_east_m``, ``gps_error_north_m``, ``recorded``.
    """

    workout: str
    description: str
    seed: int
    athlete: Athlete
    device: DeviceProfile
    plan: WorkoutPlan
    place: Place
    start_utc: pd.Timestamp
    utc_offset_s: int
    sub_sport: str
    samples: pd.DataFrame
    events: pd.DataFrame
    laps: pd.DataFrame
    efforts: tuple[Effort, ...]
    primary: str
    truth_track: pd.DataFrame

    @property
    def end_utc(self) -> pd.Timestamp:
        """Time of the last record."""
        return pd.Timestamp(self.samples["time"].iloc[-1])

    @property
    def has_position(self) -> bool:
        """Positions were recorded (not a treadmill run)."""
        return bool(self.samples["lat"].notna().any())

    @property
    def name(self) -> str:
        """Activity name as a watch app would give it."""
        if self.device.treadmill:
            return "Treadmill Run"
        hour = (self.start_utc + pd.Timedelta(seconds=self.utc_offset_s)).hour
        part = "Morning" if hour < 12 else ("Afternoon" if hour < 17 else "Evening")
        return f"{part} Run"

    def truth(self, file: str) -> dict[str, Any]:
        """The run's entry in ``truth.json``."""
        return {
            "file": file,
            "workout": self.workout,
            "primary": self.primary,
            "primary_also": self.primary_also,
            "efforts": [e.to_dict() for e in self.efforts],
            "description": self.description,
            "format": file.rsplit(".", 1)[-1].lower(),
            "device": self.device_summary(),
        }

    @property
    def primary_also(self) -> list[str]:
        """Other primaries that are right too: ``sprint`` when every effort of the primary
        kind is a sprint up a hill."""
        alike = [set(e.also) for e in self.efforts if e.kind == self.primary]
        return sorted(set.intersection(*alike)) if alike else []

    def device_summary(self) -> dict[str, object]:
        """The device settings that shaped this file (laps as actually recorded)."""
        out = self.device.summary()
        if self.device.rep_laps and not self.plan.structured:
            auto = self.device.auto_lap_m
            out["laps"] = f"auto {auto:.0f} m" if auto else "none"
        return out


def _start_time(place: Place, rng: np.random.Generator) -> tuple[pd.Timestamp, int]:
    day = dt.date(2023, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3 * 365)))
    hour = int(rng.choice([6, 6, 7, 7, 8, 9, 12, 17, 18, 18, 19, 20]))
    local = dt.datetime(day.year, day.month, day.day, hour, int(rng.integers(0, 60)),
                        int(rng.integers(0, 60)), tzinfo=ZoneInfo(place.tz))
    offset = local.utcoffset()
    assert offset is not None
    return pd.Timestamp(local).tz_convert("UTC").as_unit("ns"), int(offset.total_seconds())


def _utc_offset_s(place: Place, start_utc: pd.Timestamp) -> int:
    offset = start_utc.to_pydatetime().astimezone(ZoneInfo(place.tz)).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


def truth_efforts(plan: WorkoutPlan, bounds: tuple[tuple[int, int], ...], n: int,
                  start_utc: pd.Timestamp) -> tuple[Effort, ...]:
    """Merge the plan's segments into contiguous efforts covering samples ``0..n-1``."""
    spans: list[list[Any]] = []
    for seg, (a, b) in zip(plan.segments, bounds, strict=True):
        if b <= a:
            continue
        # A sprint up a hill is both, as the real labels write it (``hill|sprint``).
        also = ("sprint",) if seg.kind == "hill" and seg.sprint else ()
        if spans and spans[-1][0] == seg.kind and spans[-1][3] == also:
            spans[-1][2] = b
        else:
            spans.append([seg.kind, a, b, also])
    spans[-1][2] = n - 1
    return tuple(Effort(str(k), start_utc + pd.Timedelta(seconds=int(a)),
                        start_utc + pd.Timedelta(seconds=int(b)), also)
                 for k, a, b, also in spans)


def generate_run(workout: str, *, seed: int, athlete: Athlete | None = None,
                 device: DeviceProfile | None = None, place: Place | None = None,
                 start_utc: pd.Timestamp | None = None, plan_seed: int | None = None,
                 route_seed: int | None = None) -> SyntheticRun:
    """Simulate one run of ``workout``.

    Parameters
    ----------
    workout
        A key of :data:`WORKOUTS`.
    seed
        Seed; the same seed (and athlete/device) gives the same run.
    athlete
        The runner; drawn at random when None.
    device
        The watch; drawn at random when None (treadmill for some workouts in
        :data:`TREADMILL_WORKOUTS`).
    place, start_utc
        Where and when; drawn at random when None (a season of one athlete
        passes both). The local offset comes from the place's time zone.
    plan_seed, route_seed
        Seeds of the workout plan and of the route when they should repeat
        across runs (the same course at the same pace week after week).

    Raises
    ------
    ValueError
        Unknown workout, or a treadmill device for an outdoor-only workout.
    """
    if workout not in WORKOUTS:
        raise ValueError(f"unknown workout {workout!r}; expected one of {sorted(WORKOUTS)}")
    # Separate streams: passing an athlete or device leaves the rest of the run unchanged.
    r_ath, r_dev, r_plan, r_place, r_sim, r_rec = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6))
    athlete = athlete if athlete is not None else random_athlete(r_ath)
    if device is None:
        indoor = workout in TREADMILL_WORKOUTS and r_dev.random() < 0.15
        device = random_device(r_dev, treadmill=indoor)
    if device.treadmill and workout not in TREADMILL_WORKOUTS:
        raise ValueError(f"{workout} is not simulated on a treadmill")
    if plan_seed is not None:
        r_plan = np.random.default_rng(plan_seed)
    plan = WORKOUTS[workout](athlete, r_plan, treadmill=device.treadmill)
    drawn_place = PLACES[int(r_place.integers(len(PLACES)))]
    drawn_start, _ = _start_time(drawn_place, r_place)
    place = place if place is not None else drawn_place
    start_utc = (drawn_start if start_utc is None
                 else pd.Timestamp(start_utc).tz_convert("UTC").as_unit("ns"))
    offset = _utc_offset_s(place, start_utc)
    r_route = r_place if route_seed is None else np.random.default_rng(route_seed)
    route = build_route(plan.route, place, r_route, distance_m=plan.expected_distance())
    traj = simulate(plan, route, athlete, r_sim, treadmill=device.treadmill)
    rec = record(traj, plan, route, device, r_rec, start_utc)
    efforts = truth_efforts(plan, traj.bounds, len(traj), start_utc)
    primary = primary_kind([e.kind for e in efforts])
    kinds = np.asarray([s.kind for s in plan.segments], dtype=object)[traj.segment]
    lat, lon = (route.to_latlon(traj.east, traj.north) if route.has_position
                else (traj.east, traj.north))
    recorded = np.zeros(len(traj), dtype=bool)
    recorded[rec.record_index] = True
    track = pd.DataFrame({
        "time": (start_utc + pd.to_timedelta(traj.t_s, unit="s")).as_unit("ns"),
        "lat": lat,
        "lon": lon,
        "elevation_m": traj.elevation,
        "distance_m": traj.distance_m,
        "speed_mps": traj.speed,
        "grade": traj.grade,
        "heart_rate": traj.heart_rate,
        "cadence_spm": traj.cadence_spm,
        "kind": kinds,
        "segment": traj.segment,
        "timer_on": rec.timer_on,
        "gps_error_east_m": rec.gps_error[:, 0],
        "gps_error_north_m": rec.gps_error[:, 1],
        "recorded": recorded,
    })
    return SyntheticRun(workout, plan.description, seed, athlete, device, plan, place, start_utc,
                        offset, plan.sub_sport, rec.samples, rec.events, rec.laps, efforts,
                        primary, track)
