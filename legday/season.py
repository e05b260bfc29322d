"""Glue: activities and strength entries in, the weekly analysis out.

:func:`analyse` classifies the runs, builds the run, effort, strength and
weekly tables, judges every week (leg day and findings) and returns a
:class:`Season`; :meth:`Season.to_dict` is the ``weekly`` command's JSON.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from legday.calibration import AthleteProfile
from legday.checkins import (
    CheckIn,
    checkin_frame,
    legs_after,
    link_checkins,
    linked_records,
    week_evidence,
)
from legday.efforts import RunClassification, classify_activities
from legday.findings import Finding, StandingNote, fold_standing, weekly_findings
from legday.model import Activity
from legday.schema import AnalysisSettings
from legday.strength import log as strength_log
from legday.strength.muscles import MUSCLE_GROUPS
from legday.strength.running_share import running_muscle_seconds
from legday.units import Units
from legday.weekly import (
    athlete_heart_rates,
    climbing_table,
    other_table,
    run_tables,
    strength_table,
    weekly_table,
)

#: Decimals kept in the JSON per column suffix (others: 2).
_DIGITS = (("_m", 0), ("_s", 0), ("_kg", 0), ("_share", 3), ("_pct", 1), ("_spm", 1),
           ("_mps", 2),
           ("load", 0), ("load_runs", 0), ("load_strength", 0), ("load_other", 0),
           ("strain", 0), ("atl", 1), ("ctl", 1))


@dataclass
class Season:
    """Everything the weekly analysis produced.

    Attributes
    ----------
    weeks
        The weekly table (:func:`legday.weekly.weekly_table`) plus ``leg_day``,
        ``leg_day_reasons`` and ``findings`` (list of :class:`Finding`).
    runs, efforts, strength, others
        The per-session tables the weeks were built from.
    entries
        The annotated strength entries (logs and strength activities).
    findings
        Every finding, in week order, but those folded into ``standing``.
    standing
        Findings that fired in most weeks, each said once
        (:func:`legday.findings.fold_standing`).
    climbing
        Climbing against the flat per month (:func:`legday.weekly.climbing_table`).
    settings
        The thresholds used.
    checkins
        The next-morning check-ins linked to the day before
        (:func:`legday.checkins.link_checkins`); their sentences are in the weeks'
        ``leg_day_reasons`` after the efforts' (:func:`with_checkin_evidence`).
    """

    weeks: pd.DataFrame
    runs: pd.DataFrame
    efforts: pd.DataFrame
    strength: pd.DataFrame
    others: pd.DataFrame
    entries: pd.DataFrame = field(default_factory=pd.DataFrame)
    findings: list[Finding] = field(default_factory=list)
    settings: AnalysisSettings = field(default_factory=AnalysisSettings)
    standing: list[StandingNote] = field(default_factory=list)
    climbing: pd.DataFrame = field(default_factory=pd.DataFrame)
    checkins: pd.DataFrame = field(default_factory=lambda: checkin_frame(()))

    def to_dict(self) -> dict[str, Any]:
        """``{"weeks": [{"week": ..., metrics..., "leg_day", "leg_day_reasons",
        "findings": [{"code", "severity", "message"}]}], "standing": [{"code", "severity",
        "message", "action", "page", "weeks", "first", "last"}], "climbing": [{"month",
        ...}], "checkins": [...], "legs_after": [...]}``; NaN becomes null.

        ``checkins`` are the next-morning check-ins, each with the day it judges, that
        day's ``week`` and its ``evidence`` sentence (null when it is none; the sentences
        end that week's ``leg_day_reasons``) (:func:`legday.checkins.linked_records`);
        ``legs_after`` has one object per kind of day before
        (:func:`legday.checkins.legs_after`).
        """
        out = []
        for label, row in self.weeks.iterrows():
            item: dict[str, Any] = {"week": str(label)}
            for column, value in row.items():
                if column == "findings":
                    item[column] = [f.to_dict() for f in value]
                elif column == "leg_day_reasons":
                    item[column] = list(value)
                else:
                    item[str(column)] = json_value(str(column), value)
            out.append(item)
        climbing = [{"month": str(month), **{str(c): json_value(str(c), v)
                                             for c, v in row.items()}}
                    for month, row in self.climbing.iterrows()]
        linked = self.checkins
        mornings = linked_records(linked) if "week" in linked.columns else []
        return {"weeks": out, "standing": [note.to_dict() for note in self.standing],
                "climbing": climbing, "checkins": mornings,
                "legs_after": legs_after_records(linked)}


def legs_after_records(linked: pd.DataFrame) -> list[dict[str, Any]]:
    """:func:`legday.checkins.legs_after` as JSON objects (``after`` first)."""
    if "after" not in linked.columns:
        return []
    records = legs_after(linked).reset_index().to_dict("records")
    return [{str(c): json_value(str(c), v) for c, v in rec.items()} for rec in records]


def with_checkin_evidence(weeks: pd.DataFrame, linked: pd.DataFrame) -> pd.DataFrame:
    """The weeks with each one's check-in sentences appended to its ``leg_day_reasons``
    (after the verdict: the mornings are evidence beside the efforts, not a rule)."""
    evidence = week_evidence(linked)
    if not evidence or weeks.empty:
        return weeks
    reasons = [list(r) + evidence.get(str(label), [])
               for label, r in zip(weeks.index, weeks["leg_day_reasons"], strict=True)]
    return weeks.assign(leg_day_reasons=pd.Series(reasons, index=weeks.index, dtype=object))


def json_value(column: str, value: Any) -> Any:
    """A table value for JSON: rounded by unit, NaN and infinities as null."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return None
        digits = next((d for suffix, d in _DIGITS if column.endswith(suffix)), 2)
        rounded = round(float(value), digits)
        return int(rounded) if digits == 0 else rounded
    return value


def season_entries(activities: Sequence[Activity],
                   entries: pd.DataFrame | None = None) -> pd.DataFrame:
    """Strength entries from the logs plus those of strength activities (FIT sets,
    Strava "Weight Training" rows), annotated with the exercise catalogue."""
    frames = [entries] if entries is not None else []
    frames.append(strength_log.entries_from_activities(activities))
    return strength_log.annotate(strength_log.concat_entries(frames))


def analyse(activities: Sequence[Activity], entries: pd.DataFrame | None = None,
            settings: AnalysisSettings | None = None,
            checkins: Sequence[CheckIn] = ()) -> Season:
    """The weekly analysis of one athlete's season.

    Parameters
    ----------
    activities
        Every activity read (runs are classified together, calibrating from
        each other; strength activities add their sets or sessions).
    entries
        Strength log entries (``legday.strength.log.ENTRY_COLUMNS``), e.g.
        from ``read_strength_csv``; None when there is no log.
    settings
        Thresholds; defaults when None.
    checkins
        Next-morning check-ins (:class:`legday.checkins.CheckIn`).
    """
    classifications = classify_activities(list(activities))
    return analyse_classified(activities, classifications,
                              season_entries(activities, entries), settings,
                              checkins=checkins)


def analyse_classified(activities: Sequence[Activity],
                       classifications: Sequence[RunClassification],
                       entries: pd.DataFrame, settings: AnalysisSettings | None = None,
                       profile: AthleteProfile | None = None,
                       checkins: Sequence[CheckIn] = ()) -> Season:
    """:func:`analyse` for runs classified already (e.g. efforts kept in the store).

    ``entries`` are all the strength entries, those of strength activities
    included (:func:`season_entries` adds them for files just read). ``profile``
    is the athlete's (heart rates for the load of other sports); by default the
    runs' profile, else the defaults. ``checkins`` are the next-morning check-ins.
    """
    settings = settings or AnalysisSettings()
    runs, efforts = run_tables(activities, classifications, settings)
    if profile is None:
        profile = next((c.profile for a, c in zip(activities, classifications, strict=True)
                        if a.is_running), AthleteProfile())
    others = other_table(activities, athlete_heart_rates(profile), settings)
    annotated = strength_log.annotate(entries) if "matched" not in entries.columns else entries
    strength = strength_table(strength_log.sessions(annotated), settings)
    muscle_sets = strength_log.sets_per_muscle(annotated)
    weeks = weekly_table(runs, efforts, strength, others, settings,
                         muscle_sets=muscle_sets, muscle_groups=MUSCLE_GROUPS,
                         running_seconds=running_muscle_seconds)
    verdicts, every_finding = weekly_findings(weeks, runs, strength, settings)
    findings, standing = fold_standing(weeks, every_finding, settings)
    weeks = weeks.assign(leg_day=verdicts["leg_day"], leg_day_reasons=verdicts["leg_day_reasons"])
    by_week: list[list[Finding]] = [[f for f in findings if f.week == label]
                                    for label in weeks.index]
    weeks["findings"] = pd.Series(by_week, index=weeks.index, dtype=object)
    linked = link_checkins(checkin_frame(checkins), runs, strength,
                           Units(settings.distance_unit))
    weeks = with_checkin_evidence(weeks, linked)
    return Season(weeks, runs, efforts, strength, others, annotated, findings, settings,
                  standing, climbing_table(runs), linked)
