"""Importing files into the store: streaming, parallel, idempotent, duplicate-aware.

Rules (docs/storage.md):

- a file stored before (the same bytes: SHA-256, table ``imported_files``) is
  skipped before it is decoded;
- the same activity again (same :func:`legday.model.content_id`) adds nothing;
- the same session from two sources (a Garmin FIT and its Strava copy) is one
  activity: same sport family, start within :data:`DUPLICATE_START_S` and
  distance within :data:`DUPLICATE_DISTANCE_SHARE` (start alone when either
  has no distance). The copy is reported as a duplicate; when the stored one
  has no samples (a Strava row without a file) the recording replaces it;
- files are found one at a time (:mod:`legday.store.pipeline`: an export is
  never held in memory whole), read and classified in worker processes, and
  stored by this process alone as they come, each file's activities with their
  efforts, strength entries and the file's hash in one transaction, so a killed
  import leaves every committed file whole and nothing half-stored.

Strength CSV logs (Strong, Hevy, legday's own) are given as ``.csv`` files: any
``.csv`` path that is not a Strava ``activities.csv`` is read as a strength log.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legday.calibration import PROFILE_FIELDS, AthleteProfile, estimate_profile, with_overrides
from legday.efforts import classify_activities
from legday.errors import LegdayError
from legday.io import ReadFailure, ReadResult
from legday.model import RUNNING_SPORTS, Activity, Sport
from legday.store.jobmodels import ImportedFile
from legday.store.models import ActivityRow, EffortRow
from legday.store.pipeline import (
    Calibrated,
    Decoder,
    ExportDone,
    FileUnit,
    Item,
    PreparedActivity,
    PreparedFile,
    Refusal,
    Source,
    StrengthLog,
    is_strength_log_name,
    iter_items,
    prepare_activity,
    refusal_of,
)
from legday.store.repo import (
    AthleteContext,
    Context,
    base_profile,
    delete_children,
    effort_rows,
    get_settings,
    insert_new_strength,
    insert_strength,
    json_safe,
    load_activities,
    load_summaries,
    put_settings,
    strength_rows,
    writable,
)
from legday.strength.log import file_rows, read_strength_csv
from legday.summary import SUMMARY_KEY, summarize, summary_of, to_json

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


#: The import's timings [s] (see ImportReport.timings).
TIMING_KEYS = ("read_s", "classify_s", "encode_s", "walk_s", "store_s", "calibrate_s",
               "wall_s")


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    activity_ids: list[int] = field(default_factory=list)
    strength_entries: int = 0
    #: Files recognised by their content hash and not decoded again.
    files_skipped: int = 0
    #: Where the time went [s]: read, classify and encode are summed over the worker
    #: processes; walk (finding and hashing files) and store are this process's; wall is
    #: the whole import.
    timings: dict[str, float] = field(default_factory=lambda: dict.fromkeys(TIMING_KEYS, 0.0))
    #: Samples decoded (the classifier's input).
    samples: int = 0
    #: The calibration on the stored history that followed (None when not run).
    calibration: CalibrationReport | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``import --json`` object."""
        return {"imported": self.imported, "duplicates": self.duplicates,
                "errors": list(self.errors), "strength_entries": self.strength_entries,
                "activity_ids": list(self.activity_ids)}


def same_file_ids(session: Session, athlete_id: int, digest: str) -> list[int] | None:
    """The activities a file with this content hash gave when it was stored, if it was."""
    ids = session.scalar(select(ImportedFile.activity_ids).where(
        ImportedFile.athlete_id == athlete_id, ImportedFile.sha256 == digest))
    return None if ids is None else [int(i) for i in ids]


def find_duplicate(session: Session, athlete_id: int,
                   activity: PreparedActivity) -> ActivityRow | None:
    """The stored activity ``activity`` repeats (same file, or same session), if any."""
    same_file = session.scalar(select(ActivityRow).where(
        ActivityRow.athlete_id == athlete_id, ActivityRow.content_id == activity.content_id))
    if same_file is not None:
        return same_file
    start = activity.start_utc
    if start is None:
        return None
    window = timedelta(seconds=DUPLICATE_START_S)
    candidates = session.scalars(select(ActivityRow).where(
        ActivityRow.athlete_id == athlete_id, ActivityRow.start_utc >= start - window,
        ActivityRow.start_utc <= start + window))
    for row in candidates:
        stored = None if row.start_utc is None else pd.Timestamp(row.start_utc)
        if same_session(activity.sport, pd.Timestamp(start), activity.distance_m, row.sport,
                        stored, row.distance_m):
            return row
    return None


#: Effort rows are inserted with the table's plain INSERT (one executemany): the ORM's bulk
#: insert spends more on bookkeeping than the database on the rows.
_EFFORT_INSERT = insert(cast(Table, EffortRow.__table__))


def store_activity(session: Session, athlete_id: int, activity: PreparedActivity,
                   replace: ActivityRow | None = None) -> tuple[int, int]:
    """Insert (or, with ``replace``, overwrite in place) one activity with its efforts
    and strength entries; returns the activity id and the number of strength entries
    added. The caller owns the transaction."""
    if replace is None:
        row = ActivityRow(athlete_id=athlete_id, imported_utc=pd.Timestamp.now("UTC")
                          .to_pydatetime(), **activity.fields)
        session.add(row)
        session.flush()
    else:
        row = replace
        for name, value in activity.fields.items():
            setattr(row, name, value)
        delete_children(session, athlete_id, [row.id])
        session.flush()
    if activity.efforts:
        session.execute(_EFFORT_INSERT, [{**values, "athlete_id": athlete_id,
                                             "activity_id": row.id}
                                            for values in activity.efforts])
    added = 0
    if activity.entries is not None:
        added = insert_strength(session, athlete_id,
                                strength_rows(athlete_id, activity.entries, row.id))
    return row.id, added


def _replaces(existing: ActivityRow, activity: PreparedActivity) -> bool:
    # A Strava row without a file gives way to the recording of the same session.
    return existing.points == 0 and activity.points > 0


class Writer:
    """The one writer of an import: stores each file's activities in one transaction
    (with the file's content hash), so a killed import leaves whole files or nothing."""

    def __init__(self, ctx: Context, progress: Progress | None) -> None:
        self.ctx = writable(ctx, "importing files")
        self.progress = progress
        self.report = ImportReport()
        #: Per Strava export, the activities it gave (their UTC offsets are filled together).
        self.exports: dict[str, list[int]] = {}

    def emit(self, event: ImportEvent) -> None:
        if self.progress is not None:
            self.progress(event)

    def refuse(self, refusal: Refusal) -> None:
        self.report.errors.append({"file": refusal.label,
                                   "error": refusal.message.splitlines()[0]})
        self.emit(ImportEvent(refusal.label, "error", None, refusal.message))

    def known_file(self, unit: FileUnit) -> bool:
        """Skip a file stored before (same bytes): True when it was, and reported so."""
        if unit.digest is None:
            return False
        with self.ctx.store.sessions() as session:
            ids = same_file_ids(session, self.ctx.athlete_id, unit.digest)
        if ids is None:
            return False
        self.report.files_skipped += 1
        self.report.duplicates += len(ids)
        if unit.export is not None:
            self.exports.setdefault(unit.export, []).extend(ids)
        self.emit(ImportEvent(unit.label, "duplicate", ids[0] if ids else None,
                              "the same file is stored already"))
        return True

    def store(self, unit: FileUnit | None, prepared: PreparedFile) -> None:
        """Store what one file gave, then report it."""
        started = time.perf_counter()
        try:
            events, ids, added = self._store(unit, prepared)
        except IntegrityError:
            # Another import stored the same file or activity in the meantime: its commit
            # was whole, so on a second look they are duplicates.
            events, ids, added = self._store(unit, prepared, second_look=True)
        timings = self.report.timings
        timings["store_s"] += time.perf_counter() - started
        timings["read_s"] += prepared.read_s
        timings["classify_s"] += prepared.classify_s
        timings["encode_s"] += prepared.encode_s
        self.report.samples += prepared.samples
        self.report.strength_entries += added
        if unit is not None and unit.export is not None:
            self.exports.setdefault(unit.export, []).extend(ids)
        for refusal in prepared.refusals:
            self.refuse(refusal)
        for event in events:
            if event.status == "imported":
                self.report.imported += 1
                assert event.activity_id is not None
                self.report.activity_ids.append(event.activity_id)
            else:
                self.report.duplicates += 1
            self.emit(event)

    def _store(self, unit: FileUnit | None, prepared: PreparedFile, *,
               second_look: bool = False) -> tuple[list[ImportEvent], list[int], int]:
        athlete_id = self.ctx.athlete_id
        events: list[ImportEvent] = []
        ids: list[int] = []
        added = 0
        with self.ctx.store.sessions.begin() as session:
            for activity in prepared.activities:
                existing = find_duplicate(session, athlete_id, activity)
                if existing is None:
                    activity_id, more = store_activity(session, athlete_id, activity)
                    events.append(ImportEvent(activity.label, "imported", activity_id))
                else:
                    activity_id, more = existing.id, 0
                    if _replaces(existing, activity):
                        _, more = store_activity(session, athlete_id, activity, existing)
                    events.append(ImportEvent(
                        activity.label, "duplicate", existing.id,
                        f"same session as stored activity {existing.id}"))
                ids.append(activity_id)
                added += more
            if unit is not None and unit.digest is not None and ids and not (
                    second_look and same_file_ids(session, athlete_id, unit.digest) is not None):
                session.add(ImportedFile(athlete_id=athlete_id, sha256=unit.digest,
                                         name=unit.label, activity_ids=ids,
                                         imported_utc=self.ctx.store.now()))
        return events, ids, added

    def strength_log(self, log: StrengthLog) -> None:
        try:
            event = _strength_csv(self.ctx, log.path, log.shown, self.report)
        except LegdayError as err:
            self.report.errors.append({"file": log.shown, "error": str(err)})
            event = ImportEvent(log.shown, "error", None, str(err))
        self.emit(event)

    def export_done(self, done: ExportDone) -> None:
        fill_export_offsets(self.ctx, self.exports.pop(done.export, []))


def fill_export_offsets(ctx: AthleteContext, activity_ids: list[int]) -> int:
    """Give the activities of one Strava export without a UTC offset the offset of the
    export's activity nearest in time (as legday.io.strava does when it reads a whole
    export); returns how many were given one."""
    if not activity_ids:
        return 0
    with ctx.store.sessions.begin() as session:
        rows = list(session.scalars(select(ActivityRow).where(
            ActivityRow.athlete_id == ctx.athlete_id, ActivityRow.id.in_(activity_ids))))
        known = [(r.start_utc, r.utc_offset_s) for r in rows
                 if r.utc_offset_s is not None and r.start_utc is not None]
        filled = 0
        for row in rows:
            if known and row.utc_offset_s is None and row.start_utc is not None:
                start = row.start_utc
                row.utc_offset_s = min(known, key=lambda k: abs((k[0] - start)
                                                                .total_seconds()))[1]
                filled += 1
    return filled


def _strength_csv(ctx: Context, source: Path | bytes, shown: str,
                  report: ImportReport) -> ImportEvent:
    result = read_strength_csv(source, name=Path(shown).name)
    rows = strength_rows(ctx.athlete_id, result.entries)
    with ctx.store.sessions.begin() as session:
        added = insert_new_strength(session, ctx.athlete_id, rows)
    report.strength_entries += sum(added)
    for problem in getattr(result, "problems", []) or []:
        report.errors.append({"file": shown, "error": str(problem)})
    # Counted in the file's rows (a lifting app's workout rows are added by the reader).
    new_rows = int(file_rows(result.entries)[np.asarray(added, dtype=bool)].sum()) if added else 0
    return ImportEvent(shown, "imported" if any(added) else "duplicate", None,
                       f"{new_rows} of {result.rows} rows added")


def import_items(ctx: Context, items: Iterable[Item], progress: Progress | None = None, *,
                 decoder: Decoder | None = None, calibrate: bool = True,
                 on_calibration: CalibrationProgress | None = None) -> ImportReport:
    """Store what :func:`legday.store.pipeline.iter_items` finds, as it is found.

    Files already stored (same bytes) are skipped before decoding; the others are
    decoded and classified by ``decoder`` (a process pool) a few at a time, and
    stored in the order found by this process alone, one transaction per file.
    Then (with ``calibrate``) the athlete's runs are classified again with the
    profile calibrated on their whole stored history (:func:`calibrate_stored`).
    """
    started = time.perf_counter()
    writer = Writer(ctx, progress)
    own = decoder is None
    decoder = decoder or Decoder()
    profile = base_profile(writer.ctx)
    pending: deque[tuple[Item, Future[PreparedFile] | None]] = deque()
    try:
        for item in _timed(items, writer.report.timings):
            task = None
            if isinstance(item, FileUnit) and not writer.known_file(item):
                task = decoder.submit(item, profile)
            elif isinstance(item, FileUnit):
                continue
            pending.append((item, task))
            while pending and (len(pending) > decoder.window or _ready(pending[0][1])):
                _finish(writer, decoder, profile, *pending.popleft())
        while pending:
            _finish(writer, decoder, profile, *pending.popleft())
        if calibrate:
            _calibrate_after(writer, on_calibration, decoder)
    finally:
        for _item, task in pending:
            if task is not None:
                task.cancel()
        if own:
            decoder.close()
    writer.report.timings["wall_s"] = time.perf_counter() - started
    return writer.report


def _calibrate_after(writer: Writer, on_calibration: CalibrationProgress | None,
                     decoder: Decoder | None = None) -> None:
    started = time.perf_counter()
    writer.report.calibration = calibrate_stored(writer.ctx, on_calibration, decoder=decoder)
    writer.report.timings["calibrate_s"] += time.perf_counter() - started


def _timed(items: Iterable[Item], timings: dict[str, float]) -> Iterator[Item]:
    """``items``, adding the time spent finding them (walking, unzipping, hashing) to
    ``timings["walk_s"]``."""
    found = iter(items)
    while True:
        started = time.perf_counter()
        item = next(found, None)
        timings["walk_s"] += time.perf_counter() - started
        if item is None:
            return
        yield item


def _ready(task: Future[PreparedFile] | None) -> bool:
    return task is None or task.done()


def _finish(writer: Writer, decoder: Decoder, profile: AthleteProfile | None, item: Item,
            task: Future[PreparedFile] | None) -> None:
    if isinstance(item, FileUnit):
        assert task is not None
        writer.store(item, decoder.result(item, task, profile))
    elif isinstance(item, Refusal):
        writer.refuse(item)
    elif isinstance(item, StrengthLog):
        writer.strength_log(item)
    else:
        writer.export_done(item)


def import_results(ctx: Context, results: Iterable[ReadResult | tuple[Path | bytes, str]],
                   progress: Progress | None = None, *, calibrate: bool = True,
                   on_calibration: CalibrationProgress | None = None) -> ImportReport:
    """Store activities already read (and strength CSVs given as ``(path or bytes, name)``),
    classifying them in this process, then calibrate on the stored history as
    :func:`import_items` does."""
    writer = Writer(ctx, progress)
    profile = base_profile(writer.ctx)
    for result in results:
        if isinstance(result, tuple):
            try:
                event = _strength_csv(writer.ctx, result[0], result[1], writer.report)
            except LegdayError as err:
                writer.report.errors.append({"file": result[1], "error": str(err)})
                event = ImportEvent(result[1], "error", None, str(err))
            writer.emit(event)
        elif isinstance(result, ReadFailure):
            writer.refuse(refusal_of(result))
        else:
            prepared = PreparedFile()
            prepare_activity(result, profile, prepared)
            writer.store(None, prepared)
    if calibrate:
        _calibrate_after(writer, on_calibration)
    return writer.report


def is_strength_csv(path: Path) -> bool:
    return path.is_file() and is_strength_log_name(path.name)


def import_paths(ctx: Context, paths: Sequence[str | Path], progress: Progress | None = None,
                 *, decoder: Decoder | None = None,
                 on_calibration: CalibrationProgress | None = None) -> ImportReport:
    """Store the activities in files, folders, zips and Strava exports, and strength CSVs."""
    sources = [Source(Path(p), str(p)) for p in paths]
    return import_items(ctx, iter_items(sources), progress, decoder=decoder,
                        on_calibration=on_calibration)


def import_upload(ctx: Context, name: str, data: bytes,
                  progress: Progress | None = None) -> ImportReport:
    """Store an uploaded file's activities (a zip or Strava export zip, or one file)."""
    with tempfile.TemporaryDirectory(prefix="legday-upload-") as spool:
        path = Path(spool) / "upload"
        path.write_bytes(data)
        return import_items(ctx, iter_items([Source(path, name)]), progress)


# --- calibrating stored classifications on the athlete's history ----------------------------

#: Key in a run's stored ``extra``: the fingerprint of the profile its efforts were
#: classified with (absent: classified from its own file at import).
CALIBRATION_KEY = "calibration"
#: Runs re-classified per transaction (each run's efforts are replaced whole).
CALIBRATE_CHUNK = 25
#: Runs per pool task (loaded and classified by one worker): a few, so every worker keeps
#: busy to the last run.
CALIBRATE_TASK = 5

#: ``(runs done, runs to do)`` while calibrating on the stored history.
CalibrationProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class CalibrationReport:
    #: Running activities with samples stored.
    runs: int
    #: Runs classified again (their profile fingerprint was not the current one).
    reclassified: int
    #: Fingerprint of the profile calibrated on the stored history.
    fingerprint: str


def history_profile(activities: Sequence[Activity],
                    overrides: Mapping[str, float | None]) -> AthleteProfile:
    """The athlete's profile from their runs' summaries (stored, else made from their
    samples), with the values they set kept: the profile the season is analysed with and
    stored classifications are calibrated on."""
    known = {k: v for k, v in overrides.items() if k in PROFILE_FIELDS}
    base = with_overrides(AthleteProfile(), **known) if known else None
    summaries = (summary_of(a) for a in activities if a.is_running)
    stats = [s.stats for s in summaries if s.stats is not None]
    if not stats:
        return base or AthleteProfile()
    return estimate_profile(stats, base=base)


def profile_fingerprint(profile: AthleteProfile) -> str:
    """What of a profile changes a classification, rounded to what matters (1 mm/s,
    0.1 beats per minute, the stride model to 3 decimals): equal fingerprints classify
    alike. The number of runs and the source notes are left out."""
    values = profile.to_dict()
    values.pop("sources", None)
    values.pop("n_runs", None)
    text = json.dumps(values, sort_keys=True, default=lambda v: round(float(v), 3))
    rounded = json.loads(text, parse_float=lambda v: round(float(v), 3))
    return hashlib.sha256(json.dumps(rounded, sort_keys=True).encode()).hexdigest()[:16]


def calibrate_stored(ctx: Context, progress: CalibrationProgress | None = None, *,
                     decoder: Decoder | None = None) -> CalibrationReport:
    """Classify the athlete's stored runs again with the profile calibrated on their whole
    stored history (:func:`history_profile`), as :func:`legday.efforts.classify_activities`
    classifies files read together.

    Runs already classified with a profile of the same fingerprint are skipped, so this
    costs little when nothing changed. The others are classified in chunks of
    :data:`CALIBRATE_CHUNK`, each chunk one transaction that replaces each run's efforts,
    primary kind and records the fingerprint: a kill leaves every run classified whole,
    with one profile or the other, and the next call finishes the rest. The runs are loaded
    and classified :data:`CALIBRATE_TASK` at a time on ``decoder``'s pool, each worker
    reading them from the store itself, while this process only stores.
    """
    ctx = writable(ctx, "calibrating classifications")
    overrides = dict(get_settings(ctx).get("profile") or {})
    profile = history_profile(load_summaries(ctx), overrides)
    fingerprint = profile_fingerprint(profile)
    with ctx.store.sessions() as session:
        rows = session.execute(select(ActivityRow.id, ActivityRow.sport, ActivityRow.extra)
                               .where(ActivityRow.athlete_id == ctx.athlete_id,
                                      ActivityRow.points >= 2)
                               .order_by(ActivityRow.id)).all()
    runs = [r for r in rows if Sport(r.sport) in RUNNING_SPORTS]
    stale = [int(r.id) for r in runs if (r.extra or {}).get(CALIBRATION_KEY) != fingerprint]
    if progress is not None:
        progress(0, len(stale))
    own = decoder is None
    decoder = decoder or Decoder()
    tasks = [stale[at:at + CALIBRATE_TASK] for at in range(0, len(stale), CALIBRATE_TASK)]
    pending: deque[tuple[list[int], Future[list[Calibrated]]]] = deque()
    ready: list[Calibrated] = []
    done = 0

    def collect() -> None:
        ids, task = pending.popleft()
        ready.extend(decoder.calibrated(ctx, ids, profile, task))

    def store_ready(final: bool = False) -> None:
        nonlocal done
        while len(ready) >= CALIBRATE_CHUNK or (final and ready):
            chunk = ready[:CALIBRATE_CHUNK]
            del ready[:CALIBRATE_CHUNK]
            _reclassify_chunk(ctx, chunk, fingerprint)
            done += len(chunk)
            if progress is not None:
                progress(done, len(stale))

    try:
        for ids in tasks:
            pending.append((ids, decoder.submit_calibration(ctx, ids, profile)))
            while len(pending) > decoder.window:
                collect()
                store_ready()
        while pending:
            collect()
            store_ready(final=not pending)
    finally:
        for _ids, task in pending:
            task.cancel()
        if own:
            decoder.close()
    return CalibrationReport(len(runs), len(stale), fingerprint)


def _reclassify_chunk(ctx: AthleteContext, results: Sequence[Calibrated],
                      fingerprint: str) -> None:
    """One transaction: each run's efforts, primary kind and fingerprint replaced (the
    frames are not read: only ``extra`` is, to be updated)."""
    by_id = {r.activity_id: r for r in results}
    ids = list(by_id)
    with ctx.store.sessions.begin() as session:
        session.execute(delete(EffortRow).where(EffortRow.athlete_id == ctx.athlete_id,
                                                EffortRow.activity_id.in_(ids)))
        changes = []
        for activity_id, stored_extra in session.execute(
                select(ActivityRow.id, ActivityRow.extra).where(
                    ActivityRow.athlete_id == ctx.athlete_id, ActivityRow.id.in_(ids))):
            result = by_id[activity_id]
            extra = {**(stored_extra or {}), CALIBRATION_KEY: fingerprint}
            if result.summary is not None:
                extra[SUMMARY_KEY] = result.summary
            changes.append({"id": activity_id, "primary_kind": result.primary,
                            "extra": json_safe(extra)})
        if changes:
            session.execute(update(ActivityRow), changes)
        efforts = [{**values, "athlete_id": ctx.athlete_id, "activity_id": activity_id}
                   for activity_id, result in by_id.items() for values in result.efforts]
        if efforts:
            session.execute(_EFFORT_INSERT, efforts)


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
                                                 SUMMARY_KEY: to_json(summarize(
                                                     runs[i], stats=result.stats,
                                                     terrain=result.terrain)),
                                                 CALIBRATION_KEY: profile_fingerprint(
                                                     result.profile)})
            session.add_all(effort_rows(ctx.athlete_id, activity_id, result.efforts))
            after += len(result.efforts)
    return ReclassifyReport(len(runs), before, after, changed)


__all__ = ["CalibrationReport", "ImportEvent", "ImportReport", "ReclassifyReport", "Writer",
           "calibrate_stored", "history_profile", "import_items", "profile_fingerprint",
           "import_paths", "import_results", "import_upload", "reclassify", "same_session",
           "sport_family"]
