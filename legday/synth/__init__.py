"""Synthetic runs with known truth: the proving ground for the effort classifier.

Each run is simulated from a workout plan (what the athlete meant to do, with
the truth kind of every stretch), run on a route in a real place by a random
athlete, then recorded by a simulated watch; only then are device effects
applied, so the truth never depends on them.

Public API
----------
``generate_run(workout, *, seed, athlete=None, device=None) -> SyntheticRun``
    One run. ``SyntheticRun`` holds ``samples`` (the recorded points, in
    :data:`legday.model.SAMPLE_COLUMNS`; cadence in steps/min), ``events``
    (timer start/stop with manual/auto trigger), ``laps`` (device laps: a hint,
    never the truth), ``efforts`` (true :class:`Effort` s, contiguous from the
    first to the last record), ``primary``, ``truth_track`` (the true 1 Hz
    trajectory with GPS errors) and metadata (athlete, device, plan, place,
    ``start_utc``, ``utc_offset_s``, ``sub_sport``).
``WORKOUTS``
    Workout name -> builder ``(athlete, rng, *, treadmill=False) -> WorkoutPlan``:
    easy, rolling, long, tempo, progression (steady); hill_repeats,
    hill_sprints (hill / recovery); strides, flying_sprints (sprint /
    recovery); track_intervals, cruise_intervals, minute_intervals, fartlek
    (interval / recovery).
``generate_set(out_dir, n=60, seed=1) -> list[dict]``
    Writes ``n`` files (FIT:GPX about 2:1, every workout) and ``truth.json``.
``write_fit(run, path)``, ``write_gpx(run, path)``, ``write_strength_fit(sets, path)``
    The writers (fit-tool is imported only inside the FIT writers).
``Athlete``, ``random_athlete``, ``DeviceProfile``, ``random_device``
    Who runs and what records; pass your own to :func:`generate_run`.

Truth
-----
Kinds are ``steady``, ``hill``, ``sprint``, ``interval`` and ``recovery``.
Warm-ups, cool-downs, tempo and progression runs are steady; so are climbs
taken at easy effort. ``primary`` is ``interval`` with at least two interval
efforts, else ``hill`` with at least one hill effort, else ``sprint`` with at
least two sprint efforts, else ``steady``. Efforts run from start (inclusive)
to end (exclusive) and cover the whole recording, watch stops included (a
stop falls inside a recovery or a steady effort).

``truth.json`` is a list of ``{"file", "workout", "primary", "efforts":
[{"kind", "start", "end"}], "description", "format", "device"}`` with
ISO-8601 UTC times ending in ``Z``.
"""

from __future__ import annotations

from legday.synth.athlete import Athlete, random_athlete
from legday.synth.dataset import generate_set
from legday.synth.device import DeviceProfile, random_device
from legday.synth.run import Effort, SyntheticRun, generate_run
from legday.synth.workouts import (
    KINDS,
    TREADMILL_WORKOUTS,
    WORK_KINDS,
    WORKOUTS,
    WorkoutPlan,
    primary_kind,
)
from legday.synth.writers import write_fit, write_gpx, write_strength_fit

__all__ = [
    "KINDS",
    "TREADMILL_WORKOUTS",
    "WORKOUTS",
    "WORK_KINDS",
    "Athlete",
    "DeviceProfile",
    "Effort",
    "SyntheticRun",
    "WorkoutPlan",
    "generate_run",
    "generate_set",
    "primary_kind",
    "random_athlete",
    "random_device",
    "write_fit",
    "write_gpx",
    "write_strength_fit",
]
