"""Importing files into the store: idempotent, duplicate-aware, one transaction per activity.

Rules (docs/storage.md):

- the same file again (same :func:`legday.model.content_id`) adds nothing;
- the same session from two sources (a Garmin FIT and its Strava copy) is one
  activity: same sport family, start within :data:`DUPLICATE_START_S` and
  distance within :data:`DUPLICATE_DISTANCE_SHARE` (start alone when either
  has no distance). The copy is reported as a duplicate; when the stored one
  has no samples (a Strava row without a file) the recording replaces it;
- each activity is classified first (outside the transaction), then stored
  with its efforts and strength entries in its own transaction, so a killed
  import leaves every committed activity whole and nothing half-stored.

Strength CSV logs (Strong, Hevy, legday's own) are given as ``.csv`` files: any
``.csv`` path that is not a Strava ``activities.csv`` is read as a strength log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legday.calibration import AthleteProfile
from legday.efforts import classify_activities, empty_efforts
from legday.errors import LegdayError
from legday.io import ReadFailure, ReadResult, read_paths, read_upload
from legday.model import Activity, Sport
from legday.store.frames import encode_frame
from legday.store.models import ActivityRow, EffortRow
from legday.store.repo import (
    Context,
    activity_distance_m,
    base_profile,
    delete_children,
    effort_rows,
    insert_strength,
    json_safe,
    load_activities,
    put_settings,
    strength_rows,
    writable,
)
from legday.strength.log import entries_from_activity, read_strength_csv
from legday.summary import SUMMARY_KEY, summarize, to_json

#: Two recordings starting this close are the same session (with the distance rule). [s]
DUPLICATE_START_S = 60.0
#: Largest relative distance difference between two copies of one session.
DUPLICATE_DISTANCE_SHARE = 0.02

_FAMILIES = {Sport.RUN: "run", Sport.TRAIL_RUN: "run", Sport.TREADMILL_RUN: "run",
             Sport.WALK: "walk", Sport.HIKE: "walk"}


def sport_family(sport: Sport | str) -> str:
    """Sports that one session may be filed under by different services."""
    sport = Sport(sport)
    return _FAMILIES.get(sport, sport.value)


def same_session(a_sport: Sport | str, a_start: pd.Timestamp | None, a_dist: float | None,
                 b_sport: Sport | str, b_start: pd.Timestamp | None,
                 b_dist: float | None) -> bool:
    """The duplicate rule (module docstring)."""
    if a_start is None or b_start is None or sport_family(a_sport) != sport_family(b_sport):
        return False
    if abs((a_start - b_start).total_seconds()) > DUPLICATE_START_S:
        return False
    if not a_dist or not b_dist:
        return True
    return abs(a_dist - b_dist) <= DUPLICATE_DISTANCE_SHARE * max(a_dist, b_dist)


@dataclass(frozen=True)
class ImportEvent:
    """Progress of one activity or file: status is imported, duplicate or error."""

    label: str
    status: str
    activity_id: int | None = None
    message: str | None = None


Progress = Callable[[ImportEvent], None]


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    activity_ids: list[int] = field(default_factory=list)
    strength_entries: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The ``import --json`` object."""
        return {"imported": self.imported, "duplicates": self.duplicates,
                "errors": list(self.errors), "strength_entries": self.strength_entries,
                "activity_ids": list(self.activity_ids)}


def entries_of(activity: Activity) -> pd.DataFrame | None:
    """Strength entries read from an activity (sets, or a Strava strength row)."""
    if activity.sport is not Sport.STRENGTH:
        return None
    entries = entries_from_activity(activity)
    return entries if len(entries) else None


def classify(activity: Activity, profile: AthleteProfile | None) -> tuple[pd.DataFrame,
                                                                           str | None]:
    """Efforts and primary kind of one activity (none for sports that are not running)."""
    if not activity.is_running or len(activity.samples) < 2:
        return empty_efforts(), None
    result = classify_activities([activity], profile)[0]
    return result.efforts, None if result.primary is None else str(result.primary)


def activity_fields(activity: Activity, primary: str | None) -> dict[str, Any]:
    """Column values of an :class:`ActivityRow` for ``activity``; ``extra`` gets its
    :mod:`legday.summary` (so opening the season decodes no samples)."""
    return dict(
        content_id=activity.id, source=activity.source, member=activity.member,
        format=activity.format, sport=activity.sport.value,
        sport_original=activity.sport_original, sub_sport_original=activity.sub_sport_original,
        name=activity.name, device_manufacturer=activity.device.manufacturer,
        device_product=activity.device.product,
        start_utc=start_of(activity),
        utc_offset_s=activity.utc_offset_s, elapsed_s=activity.duration_s,
        moving_s=activity.moving_s, distance_m=activity_distance_m(activity),
        points=activity.points, has_hr=activity.has_hr, has_position=activity.has_position,
        partial=activity.partial, primary_kind=primary, fixes=list(activity.fixes),
        extra=json_safe({**activity.extra, SUMMARY_KEY: to_json(summarize(activity))}),
        samples=encode_frame(activity.samples),
        laps=encode_frame(activity.laps), timer_events=encode_frame(activity.timer_events),
        sets=encode_frame(activity.sets))


def find_duplicate(session: Session, athlete_id: int, activity: Activity) -> ActivityRow | None:
    """The stored activity ``activity`` repeats (same file, or same session), if any."""
    same_file = session.scalar(select(ActivityRow).where(
        ActivityRow.athlete_id == athlete_id, ActivityRow.content_id == activity.id))
    if same_file is not None:
        return same_file
    start = start_of(activity)
    if start is None:
        return None
    start_ts = pd.Timestamp(start)
    window = timedelta(seconds=DUPLICATE_START_S)
    candidates = session.scalars(select(ActivityRow).where(
        ActivityRow.athlete_id == athlete_id, ActivityRow.start_utc >= start - window,
        ActivityRow.start_utc <= start + window))
    dist = activity_distance_m(activity)
    for row in candidates:
        stored = None if row.start_utc is None else pd.Timestamp(row.start_utc)
        if same_session(activity.sport, start_ts, dist, row.sport, stored, row.distance_m):
            return row
    return None


def start_of(activity: Activity) -> datetime | None:
    """Start time: the file's, else the first sample's."""
    start = activity.start_utc
    if start is None and len(activity.samples):
        start = activity.samples["time"].iloc[0]
    return None if start is None else pd.Timestamp(start).to_pydatetime()


def store_activity(session: Session, athlete_id: int, activity: Activity,
                   efforts: pd.DataFrame, primary: str | None,
                   replace: ActivityRow | None = None) -> tuple[int, int]:
    """Insert (or, with ``replace``, overwrite in place) one activity with its efforts
    and strength entries; returns the activity id and the number of strength entries
    added. The caller owns the transaction."""
    fields = activity_fields(activity, primary)
    if replace is None:
        row = ActivityRow(athlete_id=athlete_id, imported_utc=pd.Timestamp.now("UTC")
                          .to_pydatetime(), **fields)
        session.add(row)
        session.flush()
    else:
        row = replace
        for name, value in fields.items():
            setattr(row, name, value)
        delete_children(session, athlete_id, [row.id])
        session.flush()
    session.add_all(effort_rows(athlete_id, row.id, efforts))
    entries = entries_of(activity)
    added = 0
    if entries is not None:
        added = insert_strength(session, athlete_id, strength_rows(athlete_id, entries, row.id))
    return row.id, added


def _replaces(existing: ActivityRow, activity: Activity) -> bool:
    # A Strava row without a file gives way to the recording of the same session.
    return existing.points == 0 and activity.points > 0


def _duplicate(report: ImportReport, activity: Activity, existing_id: int | None,
               why: str) -> ImportEvent:
    report.duplicates += 1
    return ImportEvent(activity.label, "duplicate", existing_id, why)


def _import_one(ctx: Context, activity: Activity, profile: AthleteProfile | None,
                report: ImportReport) -> ImportEvent:
    # A cheap look first: a duplicate is not worth classifying.
    with ctx.store.sessions() as session:
        existing = find_duplicate(session, ctx.athlete_id, activity)
        if existing is not None and not _replaces(existing, activity):
            return _duplicate(report, activity, existing.id,
                              f"same session as stored activity {existing.id}")
    efforts, primary = classify(activity, profile)
    try:
        with ctx.store.sessions.begin() as session:
            existing = find_duplicate(session, ctx.athlete_id, activity)
            if existing is None:
                activity_id, added = store_activity(session, ctx.athlete_id, activity, efforts,
                                                    primary)
                report.imported += 1
                report.strength_entries += added
                report.activity_ids.append(activity_id)
                return ImportEvent(activity.label, "imported", activity_id)
            if _replaces(existing, activity):
                _, added = store_activity(session, ctx.athlete_id, activity, efforts, primary,
                                          existing)
                report.strength_entries += added
            return _duplicate(report, activity, existing.id,
                              f"same session as stored activity {existing.id}")
    except IntegrityError:
        # Another import stored the same file in the meantime.
        return _duplicate(report, activity, None, "stored concurrently")


def _strength_csv(ctx: Context, source: Path | bytes, shown: str,
                  report: ImportReport) -> ImportEvent:
    result = read_strength_csv(source, name=Path(shown).name)
    rows = strength_rows(ctx.athlete_id, result.entries)
    with ctx.store.sessions.begin() as session:
        added = insert_strength(session, ctx.athlete_id, rows)
    report.strength_entries += added
    for problem in getattr(result, "problems", []) or []:
        report.errors.append({"file": shown, "error": str(problem)})
    return ImportEvent(shown, "imported" if added else "duplicate", None,
                       f"{added} strength entries added")


def is_strength_csv(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() == ".csv" and path.name != "activities.csv"


def import_results(ctx: Context, results: Iterable[ReadResult | tuple[Path | bytes, str]],
                   progress: Progress | None = None) -> ImportReport:
    """Store activities already read (and strength CSVs given as ``(path or bytes, name)``)."""
    ctx = writable(ctx, "importing files")
    profile = base_profile(ctx)
    report = ImportReport()
    for result in results:
        if isinstance(result, tuple):
            try:
                event = _strength_csv(ctx, result[0], result[1], report)
            except LegdayError as err:
                report.errors.append({"file": result[1], "error": str(err)})
                event = ImportEvent(result[1], "error", None, str(err))
        elif isinstance(result, ReadFailure):
            label = f"{result.file}!{result.member}" if result.member else result.file
            report.errors.append({"file": label, "error": result.message.splitlines()[0]})
            event = ImportEvent(label, "error", None, result.message)
        else:
            event = _import_one(ctx, result, profile, report)
        if progress is not None:
            progress(event)
    return report


def _path_results(paths: Sequence[str | Path],
                  ) -> Iterator[ReadResult | tuple[Path | bytes, str]]:
    for path in paths:
        path = Path(path)
        if is_strength_csv(path):
            yield path, str(path)
        else:
            yield from read_paths([path])


def import_paths(ctx: Context, paths: Sequence[str | Path],
                 progress: Progress | None = None) -> ImportReport:
    """Store the activities in files, folders, zips and Strava exports, and strength CSVs."""
    return import_results(ctx, _path_results(paths), progress)


def import_upload(ctx: Context, name: str, data: bytes,
                  progress: Progress | None = None) -> ImportReport:
    """Store an uploaded file's activities (a zip or Strava export zip, or one file)."""
    if name.lower().endswith(".csv") and Path(name).name != "activities.csv":
        return import_results(ctx, [(data, name)], progress)
    return import_results(ctx, read_upload(data, name=name), progress)


@dataclass(frozen=True)
class ReclassifyReport:
    activities: int
    efforts_before: int
    efforts_after: int
    primary_changed: int


def reclassify(ctx: Context, profile_overrides: dict[str, float | None] | None = None,
               ) -> ReclassifyReport:
    """Re-derive every run's efforts from the stored samples (no re-upload).

    ``profile_overrides`` (e.g. ``{"threshold_speed_mps": 4.2}``; None removes
    one) are saved in the settings first. All runs are calibrated together, as
    one athlete's season, and replaced in one transaction.
    """
    ctx = writable(ctx, "re-classifying activities")
    if profile_overrides:
        put_settings(ctx, {"profile": profile_overrides})
    runs = [a for a in load_activities(ctx) if a.is_running and len(a.samples) >= 2]
    results = classify_activities(runs, base_profile(ctx)) if runs else []
    ids = [int(a.extra["activity_id"]) for a in runs]
    before = after = changed = 0
    with ctx.store.sessions.begin() as session:
        rows = {r.id: r for r in session.scalars(select(ActivityRow).where(
            ActivityRow.athlete_id == ctx.athlete_id, ActivityRow.id.in_(ids)))}
        before = len(list(session.scalars(select(EffortRow.id).where(
            EffortRow.athlete_id == ctx.athlete_id, EffortRow.activity_id.in_(ids)))))
        session.execute(delete(EffortRow).where(EffortRow.athlete_id == ctx.athlete_id,
                                                EffortRow.activity_id.in_(ids)))
        for i, (activity_id, result) in enumerate(zip(ids, results, strict=True)):
            primary = None if result.primary is None else str(result.primary)
            changed += rows[activity_id].primary_kind != primary
            rows[activity_id].primary_kind = primary
            # Summaries follow the code that makes them (and fill those stored before them).
            rows[activity_id].extra = json_safe({**(rows[activity_id].extra or {}),
                                                 SUMMARY_KEY: to_json(summarize(runs[i]))})
            session.add_all(effort_rows(ctx.athlete_id, activity_id, result.efforts))
            after += len(result.efforts)
    return ReclassifyReport(len(runs), before, after, changed)


__all__ = ["ImportEvent", "ImportReport", "ReclassifyReport", "import_paths", "import_results",
           "import_upload", "reclassify", "same_session", "sport_family"]
