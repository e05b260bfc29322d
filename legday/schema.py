"""legday's vocabulary: the names, units and settings every other module shares.

Nothing here computes anything; every module may import it, and it imports no
other legday module (the import-linter contract in ``pyproject.toml`` keeps it at
the bottom). Analytic tables are SI: metres, seconds, metres per second;
kilometres, miles, minutes and paces exist only where a number is shown
(:mod:`legday.units`, :mod:`legday.charts`, :mod:`legday.ui`, :mod:`legday.report`).

- the effort kinds (:class:`EffortKind`) and strength session kinds;
- physical and physiological constants used in more than one place;
- the columns of the run, effort, other-sport, strength and weekly tables,
  each with its unit (``docs/weekly.md`` is checked against them);
- :class:`AnalysisSettings` and :class:`LoadSettings`, every threshold of the
  weekly analysis with its unit (``metadata["unit"]``) and meaning
  (``metadata["help"]``), from which the Settings page builds its form;
- :class:`HeartRates`, the athlete's heart rates as the load uses them;
- :class:`PrivacyZone`, a circle hidden from shared views.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Literal

# --- kinds ----------------------------------------------------------------------------------


class EffortKind(StrEnum):
    """The kinds of effort a run is cut into (stored as these strings)."""

    STEADY = "steady"
    HILL = "hill"
    SPRINT = "sprint"
    INTERVAL = "interval"
    RECOVERY = "recovery"


#: Kinds that recruit type-II fibres: the work of a run.
WORK_KINDS: Final = frozenset({EffortKind.HILL, EffortKind.SPRINT, EffortKind.INTERVAL})
#: Every effort kind, in stacking order (steady at the bottom of a chart).
EFFORT_KINDS: Final[tuple[str, ...]] = tuple(str(k) for k in EffortKind)
#: The work kinds, in :data:`EFFORT_KINDS` order.
WORK_KIND_ORDER: Final[tuple[str, ...]] = tuple(k for k in EFFORT_KINDS if k in WORK_KINDS)
#: The work kinds, sorted.
TYPE2_KINDS: Final[tuple[str, ...]] = tuple(sorted(str(k) for k in WORK_KINDS))
#: A run's primary kind is one of these (recovery never is).
PRIMARY_KINDS: Final[tuple[str, ...]] = ("steady", "hill", "sprint", "interval")
#: Sports other than running and lifting, as the weekly table splits them (any other
#: non-running, non-strength sport counts as ``other``).
OTHER_SPORTS: Final[tuple[str, ...]] = ("ride", "swim", "walk", "hike", "other")
#: Run primary kinds that make a hard day.
HARD_RUN_KINDS: Final[tuple[str, ...]] = ("interval", "hill", "sprint")
#: A steady run with at least this much tempo or threshold running is a hard day too. [s]
TEMPO_RUN_S: Final = 600.0
#: Strength session kinds.
STRENGTH_KINDS: Final[tuple[str, ...]] = ("lower", "upper", "core", "full_body", "unknown")
#: Strength session kinds that are leg sessions whatever their set count.
LEG_SESSION_KINDS: Final[tuple[str, ...]] = ("lower",)

#: Finding severities, least to most pressing.
Severity = Literal["good", "info", "warning"]
SEVERITIES: Final[tuple[str, ...]] = ("good", "info", "warning")

#: How distances and paces are shown.
DistanceUnit = Literal["km", "mi"]
DISTANCE_UNITS: Final[tuple[str, ...]] = ("km", "mi")

# --- constants ------------------------------------------------------------------------------

#: Mean Earth radius (IUGG). [m]
EARTH_RADIUS_M: Final = 6_371_008.8
#: Cadence from which a step counts as running rather than walking. [steps/min]
RUNNING_CADENCE_SPM: Final = 135.0
#: A 10-s burst counts towards top speed only at this cadence or above (a GPS jump at a
#: jog's cadence does not): a stricter gate than :data:`RUNNING_CADENCE_SPM`. [steps/min]
TOP_SPEED_CADENCE_SPM: Final = 150.0
#: A mile. [m]
METRES_PER_MILE: Final = 1609.344
#: A minute. [s]
MINUTE_S: Final = 60.0
#: Maximum heart rate when no run shows the athlete's own. [1/min]
DEFAULT_MAX_HR_BPM: Final = 190.0
#: Resting heart rate unless the athlete sets theirs: a watch sees runs, not the
#: resting heart, so the lowest heart rate of the runs is no resting rate. [1/min]
DEFAULT_REST_HR_BPM: Final = 60.0
#: Route matching: starts within this of each other (ends: plus the difference in distance). [m]
ROUTE_ENDPOINT_TOLERANCE_M: Final = 200.0
#: Route matching: path points on average within this of each other. [m]
ROUTE_PATH_TOLERANCE_M: Final = 100.0
#: Route matching: distances within this share of each other. [1]
ROUTE_DISTANCE_TOLERANCE: Final = 0.05

# --- tables: column -> unit ------------------------------------------------------------------

#: One row per run (``legday.weekly.run_tables``).
RUN_COLUMNS: Final[Mapping[str, str]] = {
    "activity_id": "", "file": "", "start_utc": "UTC", "local_start": "local time",
    "date": "local date", "week": "ISO week", "sport": "", "primary": "effort kind",
    "moving_s": "s", "distance_m": "m", "speed_mps": "m/s", "elevation_gain_m": "m",
    "has_hr": "", "load_au": "AU", "load_method": "", "trimp": "TRIMP", "route_id": "",
    "tempo_s": "s", "descent_m": "m", "steep_descent_m": "m", "steep_descent_s": "s",
    "climb_s": "s",
    "flat_s": "s", "climb_cadence_spm": "steps/min", "flat_cadence_spm": "steps/min",
    "climb_gap_mps": "m/s", "flat_gap_mps": "m/s"}
#: One row per effort of every run.
EFFORT_TABLE_COLUMNS: Final[Mapping[str, str]] = {
    "activity_id": "", "date": "local date", "week": "ISO week", "kind": "effort kind",
    "duration_s": "s", "moving_s": "s", "distance_m": "m", "elevation_gain_m": "m",
    "gap_speed_mps": "m/s", "heart_rate": "1/min", "is_hard": "", "is_stride": "",
    "is_tempo": ""}
#: One row per ride, swim, walk or other non-running, non-strength session.
OTHER_COLUMNS: Final[Mapping[str, str]] = {
    "activity_id": "", "date": "local date", "week": "ISO week", "sport": "",
    "moving_s": "s", "distance_m": "m", "load_au": "AU", "load_method": ""}

#: The strength entries frame (logs, FIT sets, Strava rows) as read and stored: column ->
#: dtype. A log's own unit is kept for ``duration_min``, as the logs and legday's CSV write it.
ENTRY_COLUMNS: Final[Mapping[str, str]] = {
    "date": "datetime64[ns]",  # local calendar date at midnight, naive
    "start_utc": "datetime64[ns, UTC]",  # NaT when the source gives no UTC time
    "session": "object",  # key grouping the entries of one session
    "exercise": "object",  # as written; None for a whole-session row
    "sets": "float64",
    "reps": "float64",  # per set
    "weight_kg": "float64",  # per rep; bodyweight 0 or NaN
    "rpe": "float64",  # 1-10
    "duration_min": "float64",  # of the entry; for a whole-session row the session
    "notes": "object",
    "is_warmup": "bool",  # warm-up sets: kept, but not counted as working sets
    "source": "object",  # legday_csv, strong, hevy, fit or strava
    "line": "float64",  # 1-based line in the source CSV; NaN otherwise
}

#: The weekly table, one row per ISO week; ``{kind}`` is each of :data:`EFFORT_KINDS`,
#: ``{strength_kind}`` each of :data:`STRENGTH_KINDS`, ``{muscle}`` each muscle group,
#: ``{sport}`` each of :data:`OTHER_SPORTS`.
WEEKLY_COLUMNS: Final[Mapping[str, str]] = {
    "week_start": "date", "run_count": "runs", "run_distance_m": "m",
    "{kind}_s": "s", "{kind}_distance_m": "m", "run_s": "s", "type2_s": "s",
    "type2_share": "1", "hill_climb_m": "m", "hill_rep_count": "efforts",
    "sprint_count": "efforts", "stride_count": "efforts",
    "interval_work_s": "s", "interval_rep_count": "reps", "tempo_s": "s", "hard_s": "s",
    "easy_s": "s", "hard_share": "1", "descent_m": "m", "steep_descent_m": "m",
    "steep_descent_s": "s", "strength_sessions": "sessions",
    "strength_{strength_kind}": "sessions", "strength_s": "s", "lower_sets": "sets",
    "upper_sets": "sets", "core_sets": "sets", "leg_sessions": "sessions",
    "single_leg_sessions": "sessions", "lower_tonnage_kg": "kg", "sets_{muscle}": "sets",
    "run_{muscle}_s": "s", "other_count": "sessions", "other_s": "s", "other_distance_m": "m",
    "other_{sport}_s": "s", "other_{sport}_distance_m": "m", "load": "AU",
    "load_runs": "AU", "load_strength": "AU", "load_other": "AU", "atl": "AU/day",
    "ctl": "AU/day", "acute_chronic": "1", "ramp_pct": "%", "ramp_3w_pct": "%",
    "monotony": "1", "strain": "AU", "leg_day": "", "leg_day_reasons": "", "findings": ""}

#: The climbing trend, one row per calendar month (``legday.weekly.climbing_table``): the
#: runs with enough moderate climbing and flat running (``legday.terrain``), their medians.
CLIMBING_COLUMNS: Final[Mapping[str, str]] = {
    "month_start": "date", "runs": "runs", "climb_s": "s", "flat_s": "s",
    "climb_cadence_spm": "steps/min", "flat_cadence_spm": "steps/min",
    "cadence_gain_spm": "steps/min", "climb_gap_mps": "m/s", "flat_gap_mps": "m/s",
    "climb_gap_share": "1"}

# --- the athlete's heart rates --------------------------------------------------------------


@dataclass(frozen=True)
class HeartRates:
    """The athlete's heart rates as the load uses them (TRIMP's heart-rate reserve).

    Attributes
    ----------
    max_bpm
        Maximum heart rate: the athlete's own when set, else the profile's
        estimate (highest 10-s mean seen in the runs). [1/min]
    rest_bpm
        Resting heart rate: the athlete's own when set, else
        :data:`DEFAULT_REST_HR_BPM`. [1/min]
    """

    max_bpm: float = DEFAULT_MAX_HR_BPM
    rest_bpm: float = DEFAULT_REST_HR_BPM


# --- settings -------------------------------------------------------------------------------

def _setting(default: Any, unit: str, help: str, *, shown_as: str = "") -> Any:
    """A settings field: its default, its unit, one sentence for people and, for a
    distance people think of in km or miles, ``shown_as="distance"``."""
    return field(default=default, metadata={"unit": unit, "help": help, "shown_as": shown_as})


def _default_rpe() -> dict[str, float]:
    # Typical session RPE (CR-10) of each kind when nothing better is known.
    return {
        # runs, by the run's primary effort kind
        "steady": 3.0, "recovery": 2.0, "hill": 7.0, "interval": 7.0, "sprint": 6.0,
        # strength sessions, by the session's kind
        "lower": 6.0, "upper": 5.0, "core": 4.0, "full_body": 6.0, "unknown": 5.0,
        # other sports
        "walk": 2.0, "hike": 3.0, "ride": 4.0, "swim": 4.0, "other": 3.0,
    }


@dataclass(frozen=True)
class LoadSettings:
    """How sessions are put on one load scale (AU = session-RPE units).

    The athlete's heart rates are not settings of the load: they come with the
    athlete (:class:`HeartRates`).
    """

    trimp_to_au: float = _setting(
        2.5, "AU/TRIMP", "AU per Banister TRIMP point: an easy hour at HRr 0.6 (73 TRIMP) "
        "lands at 182 AU, next to RPE 3 x 60 min = 180 AU")
    trimp_sex: Literal["male", "female"] = _setting(
        "male", "", "which published TRIMP constants: male (0.64, 1.92) or female (0.86, 1.67)")
    min_hr_coverage: float = _setting(
        0.5, "1", "share of the session's time that needs heart rate for TRIMP")
    max_sample_gap_s: float = _setting(
        30.0, "s", "a gap between heart-rate samples longer than this is a pause")
    typical_rpe: Mapping[str, float] = field(
        default_factory=_default_rpe,
        metadata={"unit": "CR-10", "help": "fallback RPE by run primary kind, strength "
                                           "session kind or sport"})
    atl_days: float = _setting(7.0, "d", "time constant of the acute load (EWMA)")
    ctl_days: float = _setting(42.0, "d", "time constant of the chronic load (EWMA)")
    min_history_days: int = _setting(
        28, "d", "the acute:chronic ratio is left empty until this much history")


def _ramp_min_change() -> dict[str, float]:
    return {"run_distance_m": 5000.0, "type2_s": 300.0, "hill_s": 300.0,
            "interval_work_s": 300.0, "sprint_count": 6.0}


#: Groups named first by ``neglected_muscles``: the hip stabilisers, then core and upper body.
PRIORITY_MUSCLES: Final[tuple[str, ...]] = (
    "hip_abductors", "hip_adductors", "external_rotators", "abdominals", "obliques",
    "lower_back", "biceps", "triceps", "pectorals", "deltoids", "trapezius", "rhomboids", "lats")


@dataclass(frozen=True)
class AnalysisSettings:
    """Every threshold of the weekly analysis, with its default and unit (in SI).

    Each field's ``metadata`` has its ``unit`` and a ``help`` sentence;
    ``docs/weekly.md`` lists every rule and every default (checked by a test).
    """

    timezone: str = _setting(
        "UTC", "", "IANA zone for activities whose file gives no local offset")
    distance_unit: DistanceUnit = _setting(
        "km", "", "how findings write distances and paces: km or mi")
    load: LoadSettings = field(default_factory=LoadSettings,
                               metadata={"unit": "", "help": "how sessions get a load"})
    s_per_set: float = _setting(
        150.0, "s", "strength session length when the log gives none: sets x this")
    min_session_s: float = _setting(900.0, "s", "shortest estimated strength session")
    leg_session_lower_sets: float = _setting(
        6.0, "sets", "a strength session with at least this many lower-body sets is a "
        "leg session (kind lower always is)")
    leg_day_hill_s: float = _setting(
        300.0, "s", "hill efforts that, with enough reps, are a real leg dose (partly leg day)")
    leg_day_hill_reps: int = _setting(
        4, "efforts", "... and at least this many hill efforts")
    leg_day_sprint_count: int = _setting(
        6, "sprints", "sprints near top speed that are a real leg dose (strides apart)")
    leg_day_stride_count: int = _setting(
        16, "strides", "strides in a week that add up to a real leg dose (a handful after an "
        "easy run is not one)")
    leg_day_interval_s: float = _setting(
        600.0, "s", "interval reps that, with enough reps, are a real leg dose")
    leg_day_interval_reps: int = _setting(
        4, "reps", "... and at least this many reps")
    leg_day_type2_s: float = _setting(
        900.0, "s", "... or this much type-II running of any kind together")
    leg_day_steep_descent_m: float = _setting(
        150.0, "m", "elevation lost on steep descents (> 8 %) at running speed that is a real "
        "eccentric leg dose")
    standing_min_weeks: int = _setting(
        4, "weeks", "a finding that fires in at least this many weeks...")
    standing_share: float = _setting(
        0.75, "1", "... and in at least this share of the season's weeks becomes one standing "
        "note instead of a line every week")
    maintenance_weeks: int = _setting(
        3, "weeks", "maintenance_only: the same route at the same pace in this many "
        "consecutive weeks")
    route_endpoint_m: float = _setting(
        ROUTE_ENDPOINT_TOLERANCE_M, "m", "same route: starts and ends within this")
    route_path_m: float = _setting(
        ROUTE_PATH_TOLERANCE_M, "m", "same route: path points on average within this")
    route_distance_share: float = _setting(
        ROUTE_DISTANCE_TOLERANCE, "1", "same route: distances within this share")
    route_pace_share: float = _setting(0.02, "1", "same pace: within this share")
    ramp_share: float = _setting(
        0.30, "1", "ramp_spike: this week above the highest of the up to 3 previous weeks by "
        "more than this share")
    ramp_min_load_au: float = _setting(
        100.0, "AU", "... for load, only when that highest week is at least this")
    ramp_min_change: Mapping[str, float] = field(
        default_factory=_ramp_min_change,
        metadata={"unit": "column's unit", "help": "... for a kind's volume, only when it grew "
                  "by at least this much and the kind was done in each previous week"})
    flat_weeks: int = _setting(
        4, "weeks", "flat_progression: hills, sprints or intervals in each of this many weeks")
    flat_share: float = _setting(0.10, "1", "... all within this share of their maximum")
    neglect_weeks: int = _setting(
        2, "weeks", "neglected_muscles: over this many weeks in which there was lifting")
    neglect_min_sets: float = _setting(
        1.0, "sets", "... a group with fewer muscle-weighted sets than this")
    priority_muscles: tuple[str, ...] = _setting(
        PRIORITY_MUSCLES, "", "groups named first, making the finding a warning")
    min_strength_sessions: int = _setting(
        2, "sessions", "low_strength_frequency below this many sessions a week")
    min_type2_share: float = _setting(
        0.05, "1", "low_type2_share below this share of the running time")
    max_hard_share: float = _setting(
        0.25, "1", "too_much_hard above this share of the running time")
    min_run_s: float = _setting(
        1800.0, "s", "shares are judged only in weeks with at least this much running")
    mileage_weeks: int = _setting(
        4, "weeks", "mileage findings compare with the mean of up to this many previous weeks")
    mileage_min_weeks: int = _setting(2, "weeks", "... and at least this many")
    high_mileage_x: float = _setting(
        1.3, "1", "high_mileage_cut_lifting above this multiple of that mean, in a week "
        "with a leg session")
    light_week_x: float = _setting(
        0.75, "1", "light_week_ramp_lifting below this multiple of that mean")
    min_mileage_m: float = _setting(
        10_000.0, "m", "mileage findings only when that mean is at least this",
        shown_as="distance")


#: Threshold names of earlier releases, as stored in settings: old name -> (name, factor).
RENAMED_THRESHOLDS: Final[Mapping[str, tuple[str, float]]] = {
    "minutes_per_set": ("s_per_set", MINUTE_S),
    "min_session_min": ("min_session_s", MINUTE_S),
    "leg_day_hill_min": ("leg_day_hill_s", MINUTE_S),
    "leg_day_interval_min": ("leg_day_interval_s", MINUTE_S),
    "leg_day_type2_min": ("leg_day_type2_s", MINUTE_S),
    "min_run_min": ("min_run_s", MINUTE_S),
    "min_mileage_km": ("min_mileage_m", 1000.0),
}
#: Threshold names of earlier releases that no longer set anything: hard steady running
#: has one rule, legday.efforts.tempo, with the effort rules' thresholds.
RETIRED_THRESHOLDS: Final[frozenset[str]] = frozenset({"hard_x_threshold", "hard_hr_share"})


# --- privacy --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrivacyZone:
    """A circle never shown in a shared view."""

    lat: float  # [deg]
    lon: float  # [deg]
    radius_m: float  # [m]
    name: str | None = None
    id: int | None = None
