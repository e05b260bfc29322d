"""Workout builders: each turns an athlete into a plan of segments with known truth.

A plan is a list of :class:`Segment` (what the athlete tries to do, and the
truth kind of that stretch) plus the :class:`RouteSpec` it is run on. The
simulator turns it into a trajectory. Adjacent segments of the same kind form
one truth effort, so a tempo run (warm-up, threshold, cool-down) is one steady
effort and a recovery made of a walk and a stand is one recovery.

Conventions used by every builder:

- warm-ups, cool-downs and continuous runs are ``steady``, whatever the pace;
- a work rep is ``hill`` (run up a climb), ``sprint`` (near-maximal, short,
  flat) or ``interval`` (hard, on the flat, or a fartlek surge);
- what lies between two reps is ``recovery``; the last rep is followed directly
  by the cool-down (``steady``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

import numpy as np

from legday.schema import EFFORT_KINDS, WORK_KIND_ORDER
from legday.synth.athlete import Athlete, terrain_factor

Kind = Literal["steady", "hill", "sprint", "interval", "recovery"]
Gait = Literal["run", "walk", "stand"]
Terrain = Literal["flat", "rolling", "hilly"]
SubSport = Literal["generic", "treadmill", "trail"]
KINDS: tuple[str, ...] = EFFORT_KINDS
WORK_KINDS: tuple[str, ...] = WORK_KIND_ORDER
T = TypeVar("T")


@dataclass(frozen=True)
class Segment:
    """One instruction to the simulated athlete.

    Exactly one of ``duration_s``, ``distance_m`` and ``until_p`` ends it.

    Attributes
    ----------
    kind
        Truth kind of the stretch.
    speed
        Target speed on the flat at the start of the segment. [m/s]
    duration_s
        Ends after this long. [s]
    distance_m
        Ends after this distance. [m]
    until_p
        Ends when the position along the route reaches this value. [m]
    direction
        +1 forward along the route, -1 back, 0 keep the current direction.
    gait
        ``run``, ``walk`` or ``stand``.
    speed_end
        Target flat speed at the end (a linear ramp), or None. [m/s]
    sprint
        Accelerate maximally and lose speed after about 6 s like a sprinter.
    fade
        Fraction of speed lost by the end of the segment. [1]
    lap
        Intensity of the device lap when the watch runs a structured workout
        (``warmup``, ``active``, ``rest``, ``cooldown``), or None.
    watch_stop
        The athlete may stop the watch during this (standing/walking) segment.
    hint_m
        Expected distance when the segment ends at a position. [m]
    """

    kind: Kind
    speed: float
    duration_s: float | None = None
    distance_m: float | None = None
    until_p: float | None = None
    direction: int = 0
    gait: Gait = "run"
    speed_end: float | None = None
    sprint: bool = False
    fade: float = 0.0
    lap: str | None = None
    watch_stop: bool = False
    hint_m: float = 0.0

    def expected_distance(self) -> float:
        """Distance the athlete should cover, for sizing routes. [m]"""
        if self.distance_m is not None:
            return self.distance_m
        if self.duration_s is not None:
            end = self.speed_end if self.speed_end is not None else self.speed
            return 0.5 * (self.speed + end) * self.duration_s
        return self.hint_m

    def expected_duration(self) -> float:
        """Time the athlete should take. [s]"""
        if self.duration_s is not None:
            return self.duration_s
        return self.expected_distance() / max(self.speed, 0.5)


@dataclass(frozen=True)
class RouteSpec:
    """What kind of route a workout needs.

    Attributes
    ----------
    kind
        ``loop``, ``out_and_back``, ``track`` (400 m oval), ``hill`` (an
        approach, then a climb; out and back) or ``treadmill`` (no position).
    terrain
        ``flat``, ``rolling`` or ``hilly`` (elevation of the roads).
    approach_m
        Hill routes: distance from the start to the foot of the climb. [m]
    hill_length_m
        Hill routes: length of the climb. [m]
    hill_grade
        Hill routes: mean grade of the climb. [1]
    """

    kind: Literal["loop", "out_and_back", "track", "hill", "treadmill"]
    terrain: Terrain = "flat"
    approach_m: float = 0.0
    hill_length_m: float = 0.0
    hill_grade: float = 0.0


@dataclass(frozen=True)
class WorkoutPlan:
    """A workout ready to simulate."""

    workout: str
    description: str
    segments: tuple[Segment, ...]
    route: RouteSpec
    sub_sport: SubSport = "generic"
    structured: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    def expected_distance(self) -> float:
        """Planned distance of the whole workout. [m]"""
        return float(sum(s.expected_distance() for s in self.segments))


class Builder(Protocol):
    """Signature of a workout builder."""

    def __call__(self, a: Athlete, rng: np.random.Generator, /, *,
                 treadmill: bool = False) -> WorkoutPlan: ...


def _minutes(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(60.0 * rng.uniform(lo, hi))


def _pick(rng: np.random.Generator, options: tuple[T, ...]) -> T:
    return options[int(rng.integers(len(options)))]


def _road(rng: np.random.Generator, treadmill: bool,
          terrains: tuple[Terrain, ...] = ("flat",)) -> RouteSpec:
    if treadmill:
        return RouteSpec("treadmill")
    return RouteSpec(_pick(rng, ("loop", "out_and_back")), _pick(rng, terrains))


def _sub_sport(rng: np.random.Generator, treadmill: bool, trail_share: float = 0.0) -> SubSport:
    if treadmill:
        return "treadmill"
    return "trail" if rng.random() < trail_share else "generic"


def _steady(a: Athlete, rng: np.random.Generator, minutes: tuple[float, float], *,
            pace: str = "easy", lap: str | None = "active", fade: float = 0.0) -> Segment:
    return Segment("steady", a.speed(pace) * rng.uniform(0.96, 1.04),
                   duration_s=_minutes(rng, *minutes), lap=lap, fade=fade)


def _min(seg: Segment) -> str:
    """Planned duration in whole minutes, for descriptions."""
    return f"{seg.expected_duration() / 60:.0f} min"


def _with_stops(seg: Segment, rng: np.random.Generator, n_stops: int) -> list[Segment]:
    """Split a steady run by short stops (traffic lights, a drink)."""
    if n_stops == 0 or seg.duration_s is None:
        return [seg]
    cuts = np.sort(rng.uniform(0.15, 0.85, size=n_stops)) * seg.duration_s
    bounds = np.concatenate([[0.0], cuts, [seg.duration_s]])
    out: list[Segment] = []
    for i in range(len(bounds) - 1):
        out.append(Segment(seg.kind, seg.speed, duration_s=float(bounds[i + 1] - bounds[i]),
                           lap=seg.lap, fade=seg.fade))
        if i < n_stops:
            out.append(Segment(seg.kind, 0.0, duration_s=float(rng.uniform(8.0, 45.0)),
                               gait="stand", lap=seg.lap))
    return out


def _interleave(work: list[Segment], recoveries: list[list[Segment]]) -> list[Segment]:
    out: list[Segment] = []
    for i, rep in enumerate(work):
        out.append(rep)
        if i < len(work) - 1:
            out.extend(recoveries[i])
    return out


def _stops(rng: np.random.Generator, treadmill: bool, most: int = 2) -> int:
    return 0 if treadmill else int(rng.integers(0, most + 1))


# --- continuous runs (truth: one steady effort) ------------------------------------------

def easy_run(a: Athlete, rng: np.random.Generator, *, treadmill: bool = False) -> WorkoutPlan:
    """Easy run of 30–60 min on flat roads, sometimes with a short stop."""
    seg = _steady(a, rng, (30, 60))
    segs = _with_stops(seg, rng, _stops(rng, treadmill))
    return WorkoutPlan("easy", f"easy run {_min(seg)}", tuple(segs),
                       _road(rng, treadmill), _sub_sport(rng, treadmill))


def rolling_run(a: Athlete, rng: np.random.Generator, *, treadmill: bool = False) -> WorkoutPlan:
    """Easy run of 35–70 min over rolling or hilly ground: climbs at easy effort."""
    if treadmill:
        raise ValueError("rolling runs are not run on a treadmill")
    seg = _steady(a, rng, (35, 70))
    segs = _with_stops(seg, rng, _stops(rng, treadmill, 1))
    route = _road(rng, False, ("rolling", "hilly"))
    return WorkoutPlan("rolling", f"easy hilly run {_min(seg)}", tuple(segs),
                       route, _sub_sport(rng, False, 0.3))


def long_run(a: Athlete, rng: np.random.Generator, *, treadmill: bool = False) -> WorkoutPlan:
    """Long run of 75–120 min at easy pace, fading a little."""
    if treadmill:
        raise ValueError("long runs are not simulated on a treadmill")
    seg = _steady(a, rng, (75, 120), pace="long", fade=float(rng.uniform(0.02, 0.06)))
    segs = _with_stops(seg, rng, _stops(rng, treadmill))
    return WorkoutPlan("long", f"long run {_min(seg)}", tuple(segs),
                       _road(rng, False, ("flat", "rolling")))


def tempo_run(a: Athlete, rng: np.random.Generator, *, treadmill: bool = False) -> WorkoutPlan:
    """Warm-up, 20–30 min at threshold, cool-down: all steady."""
    wu = _steady(a, rng, (10, 20), lap="warmup")
    main = Segment("steady", a.speed("threshold") * rng.uniform(0.97, 1.02),
                   duration_s=_minutes(rng, 20, 30), lap="active",
                   fade=float(rng.uniform(-0.02, 0.02)))
    cd = _steady(a, rng, (8, 15), lap="cooldown")
    return WorkoutPlan("tempo", f"tempo run {_min(main)} at threshold",
                       (wu, main, cd), _road(rng, treadmill, ("flat", "rolling")),
                       _sub_sport(rng, treadmill), structured=True)


def progression_run(a: Athlete, rng: np.random.Generator, *,
                    treadmill: bool = False) -> WorkoutPlan:
    """40–70 min speeding up from easy to near threshold: steady."""
    start = a.speed("easy") * rng.uniform(0.92, 1.0)
    end = a.speed("threshold") * rng.uniform(0.92, 1.0)
    total = _minutes(rng, 40, 70)
    n = int(rng.integers(1, 5))
    if n == 1:
        segs = [Segment("steady", start, duration_s=total, speed_end=end, lap="active")]
    else:
        speeds = np.linspace(start, end, n)
        segs = [Segment("steady", float(v), duration_s=total / n, lap="active") for v in speeds]
    return WorkoutPlan("progression", f"progression run {total / 60:.0f} min",
                       tuple(segs), _road(rng, treadmill, ("flat", "rolling")),
                       _sub_sport(rng, treadmill))


# --- hills ---------------------------------------------------------------------------------

def _hill_plan(a: Athlete, rng: np.random.Generator, *, grade: float, rep_s: float, n: int,
               pace: str, kind: Kind, sprint: bool, walk_down: bool, workout: str,
               description: str) -> WorkoutPlan:
    easy = a.speed("easy")
    approach = round(easy * _minutes(rng, 10, 18), -1)
    v_up = a.speed(pace) * terrain_factor(grade, a.hill_response)
    rep_m = round(rep_s * v_up, -1) if rep_s > 20 else round(rep_s * v_up)
    segs: list[Segment] = [Segment("steady", easy * rng.uniform(0.95, 1.03), until_p=approach,
                                   direction=1, lap="warmup", hint_m=approach)]
    work = [Segment(kind, a.speed(pace) * rng.uniform(0.98, 1.02), distance_m=rep_m, direction=1,
                    sprint=sprint, lap="active", fade=0.0 if sprint else 0.02)
            for _ in range(n)]
    recs: list[list[Segment]] = []
    for _ in range(n - 1):
        if walk_down:
            rec = [Segment("recovery", a.walk_speed * rng.uniform(0.9, 1.1), until_p=approach,
                           direction=-1, gait="walk", lap="rest", watch_stop=True, hint_m=rep_m)]
            rest = float(rng.uniform(-20.0, 50.0))
            if rest > 5.0:
                rec.append(Segment("recovery", 0.0, duration_s=rest, gait="stand", lap="rest",
                                   watch_stop=True))
        else:
            rec = [Segment("recovery", a.speed("jog") * rng.uniform(0.8, 1.0), until_p=approach,
                           direction=-1, lap="rest", hint_m=rep_m)]
            rest = float(rng.uniform(-30.0, 25.0))
            if rest > 5.0:
                rec.append(Segment("recovery", 0.0, duration_s=rest, gait="stand", lap="rest"))
        recs.append(rec)
    segs += _interleave(work, recs)
    segs.append(Segment("steady", easy * rng.uniform(0.92, 1.0), until_p=0.0, direction=-1,
                        lap="cooldown", hint_m=approach + rep_m))
    route = RouteSpec("hill", _pick(rng, ("flat", "rolling")), approach_m=approach,
                      hill_length_m=rep_m * 1.15 + 60.0, hill_grade=grade)
    return WorkoutPlan(workout, description, tuple(segs), route, _sub_sport(rng, False, 0.25),
                       structured=True,
                       extra={"grade": round(grade, 3), "rep_m": rep_m, "reps": n})


def hill_repeats(a: Athlete, rng: np.random.Generator, *, treadmill: bool = False) -> WorkoutPlan:
    """4–12 climbs of 30 s–3 min on a 4–10 % hill, jogging down: hill / recovery."""
    if treadmill:
        raise ValueError("hill repeats are simulated outdoors")
    grade = float(rng.uniform(0.04, 0.10))
    if grade > 0.07:
        rep_s = float(rng.uniform(30.0, 75.0))
    else:
        rep_s = float(rng.uniform(45.0, 180.0))
    n = int(rng.integers(6, 13)) if rep_s < 90 else int(rng.integers(4, 8))
    pace = "5k" if rep_s < 100 else "10k"
    return _hill_plan(a, rng, grade=grade, rep_s=rep_s, n=n, pace=pace, kind="hill",
                      sprint=False, walk_down=False, workout="hill_repeats",
                      description=f"{n}x{rep_s:.0f} s uphill at {100 * grade:.0f} %")


def hill_sprints(a: Athlete, rng: np.random.Generator, *, treadmill: bool = False) -> WorkoutPlan:
    """6–10 near-maximal 8–15 s sprints up an 8–12 % hill, walking down: hill."""
    if treadmill:
        raise ValueError("hill sprints are simulated outdoors")
    grade = float(rng.uniform(0.08, 0.12))
    rep_s = float(rng.uniform(8.0, 15.0))
    n = int(rng.integers(6, 11))
    return _hill_plan(a, rng, grade=grade, rep_s=rep_s, n=n, pace="sprint", kind="hill",
                      sprint=True, walk_down=True, workout="hill_sprints",
                      description=f"{n}x{rep_s:.0f} s uphill sprints at {100 * grade:.0f} %")


# --- sprints -------------------------------------------------------------------------------

def strides(a: Athlete, rng: np.random.Generator, *, treadmill: bool = False) -> WorkoutPlan:
    """Easy run, then 4–8 strides of 15–25 s near top speed with a walk/jog back: sprint."""
    if treadmill:
        raise ValueError("strides are simulated outdoors")
    base = _steady(a, rng, (25, 45))
    segs: list[Segment] = _with_stops(base, rng, int(rng.integers(0, 2)))
    n = int(rng.integers(4, 9))
    work = [Segment("sprint", a.top_speed * rng.uniform(0.84, 0.92),
                    duration_s=float(rng.uniform(15.0, 25.0)), direction=1, sprint=True)
            for _ in range(n)]
    walk = rng.random() < 0.5
    recs = []
    for _ in range(n - 1):
        dur = float(rng.uniform(40.0, 90.0))
        if walk:
            recs.append([Segment("recovery", a.walk_speed, duration_s=dur, direction=-1,
                                 gait="walk")])
        else:
            recs.append([Segment("recovery", a.speed("jog") * 0.8, duration_s=dur, direction=-1)])
    segs += _interleave(work, recs)
    segs.append(Segment("steady", a.speed("easy") * rng.uniform(0.95, 1.03),
                        duration_s=_minutes(rng, 2, 8), direction=1))
    return WorkoutPlan("strides", f"easy run + {n} strides", tuple(segs),
                       _road(rng, False), extra={"reps": n})


def flying_sprints(a: Athlete, rng: np.random.Generator, *,
                   treadmill: bool = False) -> WorkoutPlan:
    """Warm-up, 4–8 sprints of 40–150 m with long walk/stand rests, cool-down: sprint."""
    if treadmill:
        raise ValueError("sprints are simulated outdoors")
    n = int(rng.integers(4, 9))
    dist = float(rng.choice([40.0, 60.0, 80.0, 100.0, 120.0, 150.0]))
    segs: list[Segment] = [_steady(a, rng, (12, 20), lap="warmup")]
    work = [Segment("sprint", a.top_speed * rng.uniform(0.95, 1.0), distance_m=dist, direction=1,
                    sprint=True, lap="active") for _ in range(n)]
    recs = []
    for _ in range(n - 1):
        walk_back = dist / a.walk_speed * rng.uniform(0.9, 1.3)
        recs.append([
            Segment("recovery", a.walk_speed, duration_s=walk_back, direction=-1, gait="walk",
                    lap="rest", watch_stop=True),
            Segment("recovery", 0.0, duration_s=float(rng.uniform(60.0, 200.0)), gait="stand",
                    lap="rest", watch_stop=True),
        ])
    segs += _interleave(work, recs)
    segs.append(Segment("steady", a.speed("easy") * rng.uniform(0.9, 1.0),
                        duration_s=_minutes(rng, 6, 12), direction=1, lap="cooldown"))
    route = RouteSpec("track") if rng.random() < 0.5 else RouteSpec("out_and_back", "flat")
    return WorkoutPlan("flying_sprints", f"{n}x{dist:.0f} m sprints", tuple(segs), route,
                       structured=True, extra={"reps": n, "rep_m": dist})


# --- intervals -----------------------------------------------------------------------------

_TRACK_SESSIONS: tuple[tuple[str, tuple[float, ...], tuple[str, ...]], ...] = (
    ("6x800 m", (800.0,) * 6, ("3k",)),
    ("5x1000 m", (1000.0,) * 5, ("5k",)),
    ("10x400 m", (400.0,) * 10, ("mile",)),
    ("3 km + 2 km + 1 km", (3000.0, 2000.0, 1000.0), ("10k", "5k", "3k")),
    ("8x600 m", (600.0,) * 8, ("3k",)),
    ("12x200 m", (200.0,) * 12, ("800",)),
    ("400-800-1200-800-400 m", (400.0, 800.0, 1200.0, 800.0, 400.0),
     ("mile", "3k", "5k", "3k", "mile")),
)


def track_intervals(a: Athlete, rng: np.random.Generator, *,
                    treadmill: bool = False) -> WorkoutPlan:
    """Reps by distance on a track with jogged or standing rests: interval / recovery."""
    if treadmill:
        raise ValueError("track sessions are simulated outdoors")
    name, dists, paces = _TRACK_SESSIONS[int(rng.integers(len(_TRACK_SESSIONS)))]
    rest_style = str(rng.choice(["jog", "stand", "walk"]))
    long_reps = max(dists) >= 2000
    segs: list[Segment] = [_steady(a, rng, (12, 20), lap="warmup")]
    trend = rng.uniform(-0.01, 0.02)
    work = []
    for i, d in enumerate(dists):
        pace = paces[i % len(paces)]
        v = a.speed(pace) * (1 + trend * i / max(len(dists) - 1, 1))
        work.append(Segment("interval", v * rng.normal(1.0, a.consistency), distance_m=d,
                            lap="active", fade=float(rng.uniform(0.0, 0.03))))
    recs = []
    for _ in range(len(dists) - 1):
        if long_reps:
            recs.append([Segment("recovery", a.speed("jog"),
                                 duration_s=float(rng.uniform(150, 210)), lap="rest")])
        elif rest_style == "jog":
            jog = 200.0 if dists[0] <= 400 else float(rng.choice([200.0, 400.0]))
            recs.append([Segment("recovery", a.speed("jog") * rng.uniform(0.85, 1.0),
                                 distance_m=jog, lap="rest")])
        elif rest_style == "stand":
            recs.append([Segment("recovery", 0.0, duration_s=float(rng.uniform(60.0, 120.0)),
                                 gait="stand", lap="rest", watch_stop=True)])
        else:
            recs.append([Segment("recovery", a.walk_speed * 0.9,
                                 duration_s=float(rng.uniform(60.0, 100.0)), gait="walk",
                                 lap="rest", watch_stop=True)])
    segs += _interleave(work, recs)
    segs.append(_steady(a, rng, (8, 15), lap="cooldown"))
    rest = "3 min jog" if long_reps else {"jog": "jog", "stand": "standing rest",
                                         "walk": "walk"}[rest_style]
    return WorkoutPlan("track_intervals", f"{name} / {rest}", tuple(segs), RouteSpec("track"),
                       structured=True, extra={"reps": len(dists), "session": name})


def cruise_intervals(a: Athlete, rng: np.random.Generator, *,
                     treadmill: bool = False) -> WorkoutPlan:
    """4–8 reps of 3–6 min at threshold with 1–1.5 min jogs: interval / recovery."""
    n = int(rng.integers(4, 9))
    rep_s = float(rng.choice([180.0, 240.0, 300.0, 360.0]))
    segs: list[Segment] = [_steady(a, rng, (10, 15), lap="warmup")]
    work = [Segment("interval", a.speed("threshold") * rng.uniform(1.0, 1.04), duration_s=rep_s,
                    lap="active") for _ in range(n)]
    rec_s = float(rng.uniform(60.0, 90.0))
    recs = [[Segment("recovery", a.speed("jog") * rng.uniform(0.85, 1.0), duration_s=rec_s,
                     lap="rest")] for _ in range(n - 1)]
    segs += _interleave(work, recs)
    segs.append(_steady(a, rng, (8, 15), lap="cooldown"))
    return WorkoutPlan("cruise_intervals", f"{n}x{rep_s / 60:.0f} min at threshold / "
                       f"{rec_s:.0f} s jog", tuple(segs),
                       _road(rng, treadmill, ("flat", "rolling")),
                       _sub_sport(rng, treadmill), structured=True, extra={"reps": n})


def minute_intervals(a: Athlete, rng: np.random.Generator, *,
                     treadmill: bool = False) -> WorkoutPlan:
    """8–12 x 1 min hard / 1 min easy: interval / recovery."""
    n = int(rng.integers(8, 13))
    pace = str(rng.choice(["5k", "3k"]))
    segs: list[Segment] = [_steady(a, rng, (10, 15), lap="warmup")]
    work = [Segment("interval", a.speed(pace) * rng.normal(1.0, a.consistency), duration_s=60.0,
                    lap="active") for _ in range(n)]
    recs = [[Segment("recovery", a.speed("jog") * rng.uniform(0.8, 1.0), duration_s=60.0,
                     lap="rest")] for _ in range(n - 1)]
    segs += _interleave(work, recs)
    segs.append(_steady(a, rng, (8, 15), lap="cooldown"))
    return WorkoutPlan("minute_intervals", f"{n}x1 min hard / 1 min easy", tuple(segs),
                       _road(rng, treadmill), _sub_sport(rng, treadmill),
                       structured=True, extra={"reps": n})


def fartlek(a: Athlete, rng: np.random.Generator, *, treadmill: bool = False) -> WorkoutPlan:
    """Easy running with 6–12 surges of 30 s–3 min: interval / recovery."""
    if treadmill:
        raise ValueError("fartlek is simulated outdoors")
    n = int(rng.integers(6, 13))
    segs: list[Segment] = [_steady(a, rng, (10, 15))]
    work = []
    for _ in range(n):
        pace = str(rng.choice(["10k", "5k", "3k"]))
        work.append(Segment("interval", a.speed(pace) * rng.uniform(0.96, 1.04),
                            duration_s=float(rng.uniform(30.0, 180.0))))
    recs = [[Segment("recovery", a.speed("easy") * rng.uniform(0.8, 0.95),
                     duration_s=float(rng.uniform(60.0, 150.0)))] for _ in range(n - 1)]
    segs += _interleave(work, recs)
    segs.append(_steady(a, rng, (8, 15)))
    return WorkoutPlan("fartlek", f"fartlek, {n} surges", tuple(segs),
                       _road(rng, False, ("flat", "rolling")), extra={"reps": n})


#: Workout name -> builder. Every builder takes ``(athlete, rng, *, treadmill=False)``.
WORKOUTS: dict[str, Builder] = {
    "easy": easy_run,
    "rolling": rolling_run,
    "long": long_run,
    "tempo": tempo_run,
    "progression": progression_run,
    "hill_repeats": hill_repeats,
    "hill_sprints": hill_sprints,
    "strides": strides,
    "flying_sprints": flying_sprints,
    "track_intervals": track_intervals,
    "cruise_intervals": cruise_intervals,
    "minute_intervals": minute_intervals,
    "fartlek": fartlek,
}

#: Workouts that may be run on a treadmill (no GPS, footpod distance).
TREADMILL_WORKOUTS: frozenset[str] = frozenset(
    {"easy", "tempo", "progression", "cruise_intervals", "minute_intervals"})


def primary_kind(kinds: list[str]) -> str:
    """Primary kind of a run from its effort kinds.

    ``interval`` if at least two interval efforts, else ``hill`` if any hill
    effort, else ``sprint`` if at least two sprint efforts, else ``steady``.
    """
    if kinds.count("interval") >= 2:
        return "interval"
    if "hill" in kinds:
        return "hill"
    if kinds.count("sprint") >= 2:
        return "sprint"
    return "steady"
