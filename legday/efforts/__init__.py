"""Effort classification: every run cut into steady, hill, sprint, interval and recovery.

The definitions, thresholds and the reasons for them are in ``docs/efforts.md``;
the thresholds themselves in :mod:`legday.efforts.rules`. In short:

1. The run is prepared on a 1-s grid within moving stretches
   (:func:`legday.cleaning.prepare_arrays`); the effort signal is the
   grade-adjusted speed (:mod:`legday.gap`), smoothed.
2. The run's *easy level* is its own, kept between the athlete's easy speed
   and a little above it (:func:`run_easy_level`); work must also be near the
   athlete's threshold speed: hard means hard for this athlete.
3. **Bouts** are stretches of effort above the easy level
   (:mod:`legday.efforts.bouts`); **climbs** are cut from the elevation.
4. Each is judged (:mod:`legday.efforts.judge`): short fast bouts are
   sprints (by speed, never heart rate); climbs run hard again and again on
   the same hill, with recoveries between, are hills; bouts well above their
   surroundings that repeat are interval reps. Everything else is steady,
   and the easy parts between work are recoveries.
5. Hard steady running (tempo, threshold) has one rule, :mod:`legday.efforts.tempo`,
   which the classifier, the Activity page and the weekly numbers share.

Modules: :mod:`~legday.efforts.rules` (thresholds), :mod:`~legday.efforts.kinds`,
:mod:`~legday.efforts.bouts` (signal to bouts), :mod:`~legday.efforts.judge`
(the rules), :mod:`~legday.efforts.describe` (the efforts frame and its
sentences) and :mod:`~legday.efforts.tempo` (hard steady running).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from legday.calibration import (
    FROM_THIS_FILE,
    AthleteProfile,
    RunStats,
    estimate_profile,
    run_stats,
)
from legday.cleaning import Columns, apply_cadence_model, prepare_arrays, speed_source_is
from legday.efforts.bouts import RunArrays, find_bouts, lap_boundaries, measure_all, surroundings
from legday.efforts.describe import (
    EFFORT_COLUMNS,
    assemble,
    describe_work,
    empty_efforts,
    fmt_pace,
)
from legday.efforts.judge import classify_bouts
from legday.efforts.kinds import WORK_KINDS, EffortKind, primary_kind
from legday.efforts.rules import RULES, EffortRules
from legday.efforts.tempo import (
    TEMPO,
    THRESHOLD,
    hard_steady,
    hard_steady_why,
    is_hard_steady,
    with_hard_steady,
)
from legday.model import Activity, iso_utc
from legday.terrain import TerrainStats, terrain_stats
from legday.units import fmt_duration

__all__ = [
    "EFFORT_COLUMNS",
    "RULES",
    "WORK_KINDS",
    "EffortKind",
    "EffortRules",
    "RunClassification",
    "classify_activities",
    "classify_calibrated",
    "classify_prepared",
    "classify_run",
    "empty_efforts",
    "fmt_duration",
    "fmt_pace",
    "hard_steady",
    "hard_steady_why",
    "headline",
    "is_hard_steady",
    "lap_boundaries",
    "primary_kind",
    "run_easy_level",
    "with_hard_steady",
]

#: A steady run climbing at least this much per kilometre is called hilly. [m/km]
HILLY_M_PER_KM = 10.0


@dataclass
class RunClassification:
    """The efforts of one run and what they add up to.

    Attributes
    ----------
    efforts
        One row per effort (:data:`EFFORT_COLUMNS`): ``kind``, ``start`` and
        ``end`` (UTC), ``duration_s`` [s], ``moving_s`` [s], ``distance_m`` [m],
        ``speed_mps`` and ``gap_speed_mps`` (means over moving time) [m/s],
        ``grade_pct`` (rise over distance) [%], ``elevation_gain_m`` [m],
        ``heart_rate`` (mean) [1/min] and ``why``.
    primary
        The activity's primary kind, or None for sports that are not running.
    profile
        The athlete profile the rules used.
    notes
        Sentences about how the run was read (calibration, speed source...).
    stats
        The run's calibration stats, computed with the default stride model as
        :func:`legday.summary.summarize` computes them (None for other sports).
    terrain
        The run's descent and climbing (:mod:`legday.terrain`), when
        :func:`classify_activities` computed them (None otherwise).
    """

    efforts: pd.DataFrame
    primary: EffortKind | None
    profile: AthleteProfile
    notes: list[str] = field(default_factory=list)
    stats: RunStats | None = None
    terrain: TerrainStats | None = None

    def counts(self) -> dict[str, int]:
        """Number of efforts of each kind."""
        return {str(k): int(v) for k, v in self.efforts["kind"].value_counts().items()}

    def read_efforts(self) -> pd.DataFrame:
        """The efforts with every hard steady stretch named tempo or threshold against
        this profile (:func:`with_hard_steady`). The stored efforts keep what the
        classifier cut, so a later profile reads them afresh."""
        return with_hard_steady(self.efforts, self.profile)

    def headline(self) -> str:
        """One line for people (:func:`headline`)."""
        return headline(self.primary, self.read_efforts())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``primary``, ``headline``, ``efforts`` (ISO times) and ``notes``."""
        rows = []
        for rec in self.read_efforts().to_dict("records"):
            row: dict[str, Any] = {"kind": str(rec["kind"]), "start": iso_utc(rec["start"]),
                                   "end": iso_utc(rec["end"])}
            for key in EFFORT_COLUMNS[3:-1]:
                value = rec[key]
                row[key] = None if value is None or not np.isfinite(value) else round(
                    float(value), 2 if key.endswith("mps") else 1)
            row["why"] = rec["why"]
            rows.append(row)
        return {"primary": None if self.primary is None else str(self.primary),
                "headline": self.headline(), "efforts": rows, "notes": list(self.notes)}


def headline(primary: EffortKind | str | None, efforts: pd.DataFrame) -> str:
    """The run in a few words, as a runner would put it.

    ``interval (6 intervals, 1 sprint)``, ``hill (6 hills) + 4 strides``,
    ``steady + 6 strides`` (strides in an easy run, however the primary kind
    counts them), ``steady, tempo 25:01``, ``steady, hilly: 420 m up`` (a steady
    run climbing :data:`HILLY_M_PER_KM` or more: climbing at easy effort is not a
    hill workout, but its metres are leg work the weekly numbers count).
    """
    if primary is None:
        return "not running"
    if not len(efforts):
        return str(primary)
    kinds = efforts["kind"].astype(str).to_numpy()
    whys = efforts["why"].astype(str).to_numpy().astype(str)
    is_stride = (kinds == EffortKind.SPRINT) & (np.char.find(whys, " stride ") >= 0)
    n_strides = int(is_stride.sum())
    counts = {k: int(((kinds == k) & ~is_stride).sum()) for k in ("interval", "hill", "sprint")}
    text = str(primary)
    if text == EffortKind.SPRINT and counts["sprint"] < 2:
        text = str(EffortKind.STEADY)  # strides do not make a sprint session of an easy run
    if text == EffortKind.STEADY:
        for label in (THRESHOLD, TEMPO):
            hard = np.char.startswith(whys, label + ":")
            if hard.any():
                text += f", {label} {fmt_duration(float(efforts['duration_s'][hard].sum()))}"
                break
        climb = float(np.nansum(efforts["elevation_gain_m"]))
        km = float(np.nansum(efforts["distance_m"])) / 1000.0
        if km > 0 and climb >= HILLY_M_PER_KM * km:
            text += f", hilly: {climb:.0f} m up"
    work = [f"{n} {k}{'s' if n != 1 else ''}" for k, n in counts.items() if n]
    if work:
        text += f" ({', '.join(work)})"
    if n_strides:
        text += f" + {n_strides} stride{'s' if n_strides != 1 else ''}"
    return text


def run_easy_level(stats: RunStats, profile: AthleteProfile,
                   rules: EffortRules = RULES) -> float:
    """The easy level a run is judged against. [m/s]

    The run's own easy level (its commonest effort among its slower half of
    running), kept between the athlete's easy speed and ``easy_cap_x`` times
    it: an interval session made of reps and standing rests has no easy
    running of its own, and a session of walked recoveries has a slow one.
    With under 5 minutes of running, the athlete's easy speed.
    """
    athlete = profile.easy_speed_mps
    if not math.isfinite(stats.easy_speed_mps) or stats.running_s < 300:
        return athlete
    return float(np.clip(stats.easy_speed_mps, athlete, rules.easy_cap_x * athlete))


def classify_prepared(frame: Columns, profile: AthleteProfile,
                      stats: RunStats | None = None, laps: pd.DataFrame | None = None,
                      rules: EffortRules = RULES) -> tuple[pd.DataFrame, list[str]]:
    """Cut a prepared run into efforts.

    Parameters
    ----------
    frame
        From :func:`legday.cleaning.prepare_run` or ``prepare_arrays`` (with the
        profile's cadence model applied).
    profile
        The athlete.
    stats
        The run's :class:`RunStats`, when already computed.
    laps
        The activity's laps: manual and workout-step boundaries are used as a
        hint for effort edges; auto-laps are ignored.
    rules
        The thresholds (:data:`RULES` unless checking others).

    Returns
    -------
    efforts, notes
        Efforts covering the run (:data:`EFFORT_COLUMNS`) and notes.
    """
    efforts, notes, _ = _cut(frame, profile, stats, laps, rules)
    return efforts, notes


def _cut(frame: Columns, profile: AthleteProfile, stats: RunStats | None,
         laps: pd.DataFrame | None, rules: EffortRules,
         ) -> tuple[pd.DataFrame, list[str], EffortKind]:
    """:func:`classify_prepared`, and the run's primary kind (told from its work: what
    lies between is steady or recovery, which the primary kind does not count)."""
    if len(frame) < 2:
        return empty_efforts(), ["too few samples to classify"], EffortKind.STEADY
    stats = stats or run_stats(frame)
    easy = run_easy_level(stats, profile, rules)
    notes = [f"easy level of this run {fmt_pace(easy)}"]
    on_cadence = speed_source_is(frame, "cadence")
    if on_cadence.any():
        share = float(on_cadence.mean())
        notes.append(f"{100 * share:.0f} % of the run without distance: speed from cadence")
    if frame.attrs.get("elevation_noisy", False):
        notes.append("GPS-like elevation: only climbs of "
                     f"{rules.gps_climb_min_m:.0f} m or more count")
    run = RunArrays.of(frame, easy, rules, laps)
    bouts = find_bouts(run)
    measure_all(run, bouts)
    surroundings(run, bouts)
    work = classify_bouts(run, bouts, profile.top_speed_mps, profile.threshold_speed_mps)
    describe_work(run, work, profile.top_speed_mps, profile.threshold_speed_mps)
    return assemble(run, work), notes, primary_kind(str(bt.kind) for bt in work)


def _classification(activity: Activity, frame: Columns, profile: AthleteProfile,
                    stats: RunStats, notes: list[str], rules: EffortRules,
                    ) -> RunClassification:
    efforts, more, primary = _cut(frame, profile, stats, activity.laps, rules)
    return RunClassification(efforts, primary, profile, notes + more, stats)


def classify_run(activity: Activity, profile: AthleteProfile | None = None,
                 rules: EffortRules = RULES) -> RunClassification:
    """Classify one activity.

    Parameters
    ----------
    activity
        Any activity; only running sports are classified (others get
        ``primary`` None and no efforts).
    profile
        The athlete; when None it is estimated from this file alone (and the
        notes say so).
    rules
        The thresholds.
    """
    if not activity.is_running:
        return RunClassification(empty_efforts(), None, profile or AthleteProfile(),
                                 [f"{activity.sport.value} is not running: not classified"])
    frame: Columns = prepare_arrays(activity, None if profile is None else profile.cadence_model)
    stats = run_stats(frame)
    notes: list[str] = []
    if profile is None:
        profile = estimate_profile([stats])
        notes.append("profile " + FROM_THIS_FILE)
        frame = apply_cadence_model(frame, profile.cadence_model)
    return _classification(activity, frame, profile, stats, notes, rules)


def classify_activities(activities: Sequence[Activity], profile: AthleteProfile | None = None,
                        rules: EffortRules = RULES) -> list[RunClassification]:
    """Classify several activities of one athlete, calibrating from all of them first.

    Parameters
    ----------
    activities
        The athlete's activities (non-running ones are passed through with
        ``primary`` None).
    profile
        Base profile (values set by the athlete are kept); estimated values
        come from the running activities given.
    rules
        The thresholds.
    """
    frames: dict[int, Columns] = {}
    stats: dict[int, RunStats] = {}
    for i, act in enumerate(activities):
        if act.is_running:
            # The default stride model, as stored summaries are computed: the stats are
            # what the athlete's stride model is estimated from.
            frames[i] = prepare_arrays(act)
            stats[i] = run_stats(frames[i])
    estimated = estimate_profile(list(stats.values()), base=profile) if stats else (
        profile or AthleteProfile())
    return [classify_calibrated(act, estimated, rules, frames.get(i), stats.get(i))
            for i, act in enumerate(activities)]


def classify_calibrated(activity: Activity, estimated: AthleteProfile, rules: EffortRules = RULES,
                        frame: Columns | None = None, stats: RunStats | None = None,
                        ) -> RunClassification:
    """Classify one activity with a profile already calibrated on the athlete's runs
    (:func:`classify_activities` does this for each of its activities; ``frame`` and
    ``stats`` are its default-stride-model preparation, made here when not given)."""
    if not activity.is_running:
        return classify_run(activity, estimated, rules)
    if frame is None:
        frame = prepare_arrays(activity)
    if stats is None:
        stats = run_stats(frame)
    calibrated = apply_cadence_model(frame, estimated.cadence_model)
    head = [f"profile {estimated.source('easy_speed_mps')}"]
    result = _classification(activity, calibrated, estimated, stats, head, rules)
    result.terrain = terrain_stats(frame)
    return result
