"""The athlete's stored library as the weekly analysis and the dashboard see it.

Reads through the store's data API only (an athlete or a share context), so a
shared view gets trimmed samples and no private data, and never re-derives
efforts: the stored ones are used as they are (re-classification is an
explicit step, :func:`legday.store.reclassify`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from legday.calibration import AthleteProfile, estimate_profile, run_stats, with_overrides
from legday.cleaning import prepare_arrays
from legday.efforts import EFFORT_COLUMNS, EffortKind, RunClassification
from legday.findings import AnalysisSettings
from legday.model import Activity
from legday.season import Season, analyse_classified
from legday.store.repo import Context, get_settings, load_season


@dataclass
class Library:
    """What the dashboard shows: the season analysis plus the stored pieces it came from."""

    season: Season
    activities: list[Activity]
    efforts: pd.DataFrame  # activity_id plus EFFORT_COLUMNS
    profile: AthleteProfile
    notes: pd.DataFrame


def season_profile(activities: Sequence[Activity], overrides: dict[str, float]) -> AthleteProfile:
    """The athlete's profile from their stored runs, with the values they set kept."""
    base = with_overrides(AthleteProfile(), **overrides) if overrides else None
    stats = [run_stats(prepare_arrays(a)) for a in activities
             if a.is_running and len(a.samples) >= 2]
    if not stats:
        return base or AthleteProfile()
    return estimate_profile(stats, base=base)


def stored_classifications(activities: Sequence[Activity], efforts: pd.DataFrame,
                           profile: AthleteProfile) -> list[RunClassification]:
    """The stored efforts of each activity as a :class:`RunClassification`."""
    by_activity: dict[Any, pd.DataFrame] = dict(tuple(efforts.groupby("activity_id", sort=False)))
    out = []
    for activity in activities:
        own = by_activity.get(activity.extra.get("activity_id"))
        frame = (own[list(EFFORT_COLUMNS)].reset_index(drop=True) if own is not None
                 else pd.DataFrame(columns=list(EFFORT_COLUMNS)))
        primary = activity.extra.get("primary")
        kind = EffortKind(primary) if isinstance(primary, str) and primary else None
        out.append(RunClassification(frame, kind, profile))
    return out


def load_library(ctx: Context, settings: AnalysisSettings | None = None,
                 since: datetime | None = None, until: datetime | None = None) -> Library:
    """The stored season of ``ctx`` analysed week by week."""
    stored = load_season(ctx, since=since, until=until)
    overrides = dict(get_settings(ctx).get("profile") or {})
    profile = season_profile(stored.activities, overrides)
    classifications = stored_classifications(stored.activities, stored.efforts, profile)
    season = analyse_classified(stored.activities, classifications, stored.strength, settings)
    return Library(season, stored.activities, stored.efforts, profile, stored.notes)
