"""The import pipeline's first half: find the files, hash them, decode and classify them.

:func:`iter_items` walks what the user gave (files, folders, zips, Strava and
Garmin exports, uploads spooled to disk) the way :mod:`legday.io.archive` does,
but lazily and without decoding: it yields one :class:`FileUnit` per activity
file (its raw bytes and their SHA-256), so the writer can skip a file it
stored before without decoding it. :func:`prepare` is what a worker process
does with a unit: read it with :mod:`legday.io`, classify it with
:mod:`legday.efforts` and encode the row the writer will store, timing each
step. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import multiprocessing
import os
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import pandas as pd

from legday.calibration import AthleteProfile, RunStats
from legday.csv_export import reader_csv
from legday.efforts import classify_activities, classify_calibrated, empty_efforts
from legday.errors import LegdayError, LimitExceeded, UnsupportedFormat
from legday.io import DEFAULT_LIMITS, Limits, ReadFailure, ReadResult, read_payload
from legday.io.archive import Entry, Visitor, base_name, is_junk, walk_folder, walk_zip
from legday.io.detect import sniff
from legday.io.strava import CSV_NAME, find_export_roots, iter_export, read_activities_csv
from legday.model import Activity, Sport
from legday.store.frames import encode_frame
from legday.store.repo import (
    AthleteContext,
    Store,
    activity_distance_m,
    effort_values,
    json_safe,
    load_activities,
)
from legday.strength.log import entries_from_activity
from legday.summary import SUMMARY_KEY, stored_summary, summarize, to_json
from legday.terrain import TerrainStats

log = logging.getLogger(__name__)
T = TypeVar("T")


# --- what the walk yields --------------------------------------------------------------------

@dataclass(frozen=True)
class ExportRow:
    """A Strava ``activities.csv`` row, as a one-row CSV the reader reads like the whole one."""

    csv_bytes: bytes
    csv_shown: str
    csv_member: str | None
    filename: str | None  # the export's path of the file the row names, None without one


@dataclass(frozen=True)
class FileUnit:
    """One activity file (or a Strava row without a file) to decode: the work of one task."""

    shown: str
    member: str | None
    data: bytes  # raw bytes as found (gzipped or not); empty for a row without a file
    digest: str | None  # SHA-256 of ``data``, None for a row without a file
    row: ExportRow | None = None
    export: str | None = None  # the Strava export it belongs to (offsets are shared there)

    @property
    def label(self) -> str:
        return f"{self.shown}!{self.member}" if self.member else self.shown


@dataclass(frozen=True)
class StrengthLog:
    """A strength CSV given at the top level (read by the writer itself: it is small)."""

    path: Path
    shown: str


@dataclass(frozen=True)
class Refusal:
    """Something that gave no activity, with its one-line reason."""

    label: str
    message: str


@dataclass(frozen=True)
class ExportDone:
    """Every unit of one Strava export has been yielded."""

    export: str


Item = FileUnit | StrengthLog | Refusal | ExportDone


@dataclass(frozen=True)
class Source:
    """A file or folder on disk, reported as ``shown`` (an upload's name, or the path)."""

    path: Path
    shown: str


def file_digest(data: bytes) -> str:
    """The content hash a file is recognised by before decoding."""
    return hashlib.sha256(data).hexdigest()


def is_strength_log_name(name: str) -> bool:
    """Any ``.csv`` but a Strava ``activities.csv`` is read as a strength log."""
    return name.lower().endswith(".csv") and Path(name).name != CSV_NAME


def refusal_of(failure: ReadFailure) -> Refusal:
    label = f"{failure.file}!{failure.member}" if failure.member else failure.file
    return Refusal(label, failure.message)


# --- estimates for progress bars (tables of contents only, nothing is read) --------------------

_ACTIVITY_NAMES = (".fit", ".gpx", ".tcx", ".gz")


def estimate_items(data: BinaryIO, name: str) -> int:
    """Activities the walk will yield for one file or upload, counted before anything is
    decoded: a zip's table of contents (a Strava export inside: one per ``activities.csv`` row,
    with or without a file, and one per unnamed file of its ``activities/``), else 1."""
    if is_strength_log_name(name):
        return 1
    data.seek(0)
    try:
        with zipfile.ZipFile(data) as archive:
            paths = [i.filename for i in archive.infolist()
                     if not i.is_dir() and not is_junk(i.filename)]
            total, consumed = 0, set[str]()
            for root in find_export_roots(paths):
                named = _export_filenames(archive.read(root + CSV_NAME))
                if named is None:
                    continue
                consumed.update(p for p in paths if p.startswith(root))
                total += len(named) + sum(
                    p.startswith(root + "activities/") and p[len(root):] not in named
                    for p in paths)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError,
            NotImplementedError, RuntimeError):
        return 1
    finally:
        data.seek(0)
    total += sum(p.lower().endswith(_ACTIVITY_NAMES) for p in paths if p not in consumed)
    return max(1, total)


def _export_filenames(payload: bytes) -> list[str] | None:
    """The ``Filename`` of every row of a Strava ``activities.csv`` ("" for a row without a
    file); None when it is some other CSV."""
    if read_activities_csv(payload) is None:
        return None
    reader = csv.reader(io.StringIO(payload.decode("utf-8-sig", errors="replace")))
    header = next(reader, [])
    at = {column.strip(): i for i, column in enumerate(header)}.get("Filename")
    return [raw[at].strip() if at is not None and at < len(raw) else ""
            for raw in reader if any(cell.strip() for cell in raw)]


def estimate_paths(paths: list[str]) -> int:
    """Activity files in files, folders and zips on disk (for a progress bar's total)."""
    total = 0
    for raw in paths:
        path = Path(raw)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if file.suffix.lower() == ".zip":
                try:
                    with file.open("rb") as handle:
                        total += estimate_items(handle, file.name)
                except OSError:
                    total += 1
            elif file.name.lower().endswith(_ACTIVITY_NAMES) or not path.is_dir():
                total += 1
    return max(total, 1)


# --- walking sources (mirrors legday.io.archive and legday.io.strava, without decoding) ------

def iter_items(sources: list[Source], *, limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    """Everything to import in ``sources``, in the order legday.io reads it, one file at a time
    (a zip is read member by member from disk; nothing is decoded)."""
    for source in sources:
        try:
            yield from _source_items(source, limits)
        except Exception as exc:  # a bug or an archive quirk must not stop the other sources
            log.exception("walking %s failed", source.shown)
            yield Refusal(source.shown, f"{Path(source.shown).name}: cannot be read further "
                                        f"(unexpected problem: {type(exc).__name__})")


def _source_items(source: Source, limits: Limits) -> Iterator[Item]:
    path, shown = source.path, source.shown
    if path.is_dir():
        yield from walk_folder(path, shown=shown, limits=limits, visitor=_units(limits))
        return
    if is_strength_log_name(shown) and path.is_file():
        yield StrengthLog(path, shown)
        return
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        yield Refusal(shown, str(UnsupportedFormat(path.name, f"cannot open ({exc.strerror})")))
        return
    if size > max(limits.max_file_bytes, limits.max_archive_bytes):
        yield Refusal(shown, str(LimitExceeded(Path(shown).name, "too large to read safely")))
        return
    if sniff(head, shown) == "zip":
        with path.open("rb") as handle:
            yield from walk_zip(handle, shown=shown, limits=limits, visitor=_units(limits))
        return
    yield _unit(shown, None, path.read_bytes())


def _unit(shown: str, member: str | None, data: bytes, row: ExportRow | None = None,
          export: str | None = None) -> FileUnit:
    return FileUnit(shown, member, data, file_digest(data), row, export)


def _units(limits: Limits) -> Visitor[Item]:
    """The walk's visitor for an import: a file's bytes become a unit for a worker to read,
    a Strava export a unit per row (legday.io.archive walks exactly as legday.io reads)."""
    return Visitor(
        file=lambda entry, data: iter([_unit(entry.shown, entry.member, data)]),
        refusal=lambda file, member, error: Refusal(_label(file, member), str(error)),
        export=lambda root, by_path, consumed: _export_items(root, by_path, consumed, limits),
        found=lambda item: not isinstance(item, ExportDone))


def _label(shown: str, member: str | None) -> str:
    return f"{shown}!{member}" if member else shown


def _export_items(root: str, by_path: dict[str, Entry], consumed: set[str],
                  limits: Limits) -> Iterator[Item]:
    """A Strava export row by row: each row's file with a one-row copy of the CSV."""
    csv_entry = by_path[root + CSV_NAME]
    payload = csv_entry.read(limits.max_file_bytes + 1)
    if read_activities_csv(payload) is None:
        return  # some other activities.csv: the normal walk reads around it
    consumed.update(p for p in by_path if p.startswith(root))
    export = _label(csv_entry.shown, csv_entry.member)
    reader = csv.reader(io.StringIO(payload.decode("utf-8-sig", errors="replace")))
    header = next(reader)
    filename_at = {name.strip(): i for i, name in enumerate(header)}.get("Filename")
    named: set[str] = set()
    for raw in reader:
        if not any(cell.strip() for cell in raw):
            continue
        filename = (raw[filename_at].strip()
                    if filename_at is not None and filename_at < len(raw) else "")
        entry = by_path.get(root + filename) if filename else None
        row = ExportRow(reader_csv(header, [raw]), csv_entry.shown, csv_entry.member,
                        filename if entry is not None else None)
        if entry is None:
            yield FileUnit(csv_entry.shown, csv_entry.member, b"", None, row, export)
            continue
        named.add(entry.path)
        yield _export_unit(entry, limits, row, export)
    for path in sorted(by_path):
        if path.startswith(root + "activities/") and path not in named:
            yield _export_unit(by_path[path], limits, None, export)
    yield ExportDone(export)


def _export_unit(entry: Entry, limits: Limits, row: ExportRow | None,
                 export: str) -> FileUnit | Refusal:
    try:
        data = entry.read(limits.max_file_bytes + 1)
    except LegdayError as err:  # e.g. a member needing a newer zip version: that one is refused
        return Refusal(_label(entry.shown, entry.member), str(err))
    return _unit(entry.shown, entry.member, data, row, export)


# --- what a worker does with a unit -------------------------------------------------------------

@dataclass
class PreparedActivity:
    """One activity ready to store: the row's values, its efforts and strength entries."""

    label: str
    content_id: str
    sport: str
    start_utc: datetime | None
    distance_m: float | None
    points: int
    utc_offset_s: float | None
    fields: dict[str, Any]
    efforts: list[dict[str, Any]]  # legday.store.repo.effort_values
    entries: pd.DataFrame | None


@dataclass
class PreparedFile:
    """What one unit gave: activities to store, refusals, and where the time went."""

    activities: list[PreparedActivity] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    read_s: float = 0.0
    classify_s: float = 0.0
    encode_s: float = 0.0
    samples: int = 0


def read_unit(unit: FileUnit, limits: Limits = DEFAULT_LIMITS) -> list[ReadResult]:
    """Decode one unit with legday.io (a Strava row through the export reader)."""
    if unit.row is None:
        return list(read_payload(unit.data, shown=unit.shown, member=unit.member,
                                 limits=limits))
    row = unit.row
    entries = {CSV_NAME: Entry(CSV_NAME, len(row.csv_bytes), _bytes_reader(row.csv_bytes),
                               row.csv_shown, row.csv_member)}
    if row.filename is not None:
        entries[row.filename] = Entry(row.filename, len(unit.data), _bytes_reader(unit.data),
                                      unit.shown, unit.member)
    return list(iter_export("", entries, set(), limits=limits))


def _bytes_reader(data: bytes) -> Any:
    return lambda n: data[:n]


def classify(activity: Activity, profile: AthleteProfile | None,
             ) -> tuple[pd.DataFrame, str | None, RunStats | None, TerrainStats | None]:
    """Efforts, primary kind, calibration stats and terrain of one activity (none for
    sports that are not running)."""
    if not activity.is_running or len(activity.samples) < 2:
        return empty_efforts(), None, None, None
    result = classify_activities([activity], profile)[0]
    return (result.efforts, None if result.primary is None else str(result.primary),
            result.stats, result.terrain)


def entries_of(activity: Activity) -> pd.DataFrame | None:
    """Strength entries read from an activity (sets, or a Strava strength row)."""
    if activity.sport is not Sport.STRENGTH:
        return None
    entries = entries_from_activity(activity)
    return entries if len(entries) else None


def start_of(activity: Activity) -> datetime | None:
    """Start time: the file's, else the first sample's."""
    start = activity.start_utc
    if start is None and len(activity.samples):
        start = activity.samples["time"].iloc[0]
    return None if start is None else pd.Timestamp(start).to_pydatetime()


def activity_fields(activity: Activity, primary: str | None, stats: RunStats | None = None,
                    terrain: TerrainStats | None = None) -> dict[str, Any]:
    """Column values of an ``ActivityRow`` for ``activity``; ``extra`` gets its
    :mod:`legday.summary` (so opening the season decodes no samples; ``stats`` are
    the run's calibration stats when the classification computed them)."""
    return dict(
        content_id=activity.id, source=activity.source, member=activity.member,
        format=activity.format, sport=activity.sport.value,
        sport_original=activity.sport_original, sub_sport_original=activity.sub_sport_original,
        name=activity.name, description=activity.description,
        workout=None if activity.workout is None else json_safe(activity.workout.to_dict()),
        device_manufacturer=activity.device.manufacturer,
        device_product=activity.device.product,
        start_utc=start_of(activity),
        utc_offset_s=activity.utc_offset_s, elapsed_s=activity.duration_s,
        moving_s=activity.moving_s, distance_m=activity_distance_m(activity),
        points=activity.points, has_hr=activity.has_hr, has_position=activity.has_position,
        partial=activity.partial, primary_kind=primary, fixes=list(activity.fixes),
        extra=json_safe({**activity.extra,
                         SUMMARY_KEY: to_json(summarize(activity, stats=stats,
                                                        terrain=terrain))}),
        samples=encode_frame(activity.samples),
        laps=encode_frame(activity.laps), timer_events=encode_frame(activity.timer_events),
        sets=encode_frame(activity.sets))


def prepare_activity(activity: Activity, profile: AthleteProfile | None,
                     out: PreparedFile) -> None:
    """Classify and encode one activity read already, adding it (and the time) to ``out``."""
    t0 = time.perf_counter()
    efforts, primary, stats, terrain = classify(activity, profile)
    t1 = time.perf_counter()
    fields = activity_fields(activity, primary, stats, terrain)
    out.activities.append(PreparedActivity(
        activity.label, activity.id, activity.sport.value, fields["start_utc"],
        fields["distance_m"], activity.points, activity.utc_offset_s, fields,
        effort_values(efforts), entries_of(activity)))
    out.classify_s += t1 - t0
    out.encode_s += time.perf_counter() - t1
    out.samples += len(activity.samples)


def prepare(unit: FileUnit, profile: AthleteProfile | None) -> PreparedFile:
    """Read, classify and encode one unit (runs in a worker process)."""
    out = PreparedFile()
    t0 = time.perf_counter()
    results = read_unit(unit)
    out.read_s = time.perf_counter() - t0
    for result in results:
        if isinstance(result, ReadFailure):
            out.refusals.append(refusal_of(result))
        else:
            prepare_activity(result, profile, out)
    return out


@dataclass(frozen=True)
class Calibrated:
    """One stored run classified again with the profile calibrated on the athlete's history."""

    activity_id: int
    efforts: list[dict[str, Any]]
    primary: str | None
    #: The run's summary (legday.summary JSON) when none was stored, else None.
    summary: dict[str, Any] | None = None


def classify_with(activities: list[Activity], profile: AthleteProfile) -> list[Calibrated]:
    """Classify stored runs with an already calibrated profile (runs in a worker process)."""
    out = []
    for activity in activities:
        result = classify_calibrated(activity, profile)
        # A summary depends on the samples, not the profile: only one stored before
        # summaries existed is made here.
        summary = None
        if stored_summary(activity) is None:
            summary = to_json(summarize(activity, stats=result.stats, terrain=result.terrain))
        out.append(Calibrated(int(activity.extra["activity_id"]), effort_values(result.efforts),
                              None if result.primary is None else str(result.primary),
                              summary))
    return out


@dataclass(frozen=True)
class StoredRuns:
    """Where a worker process loads the runs it calibrates: the store's URL (password
    included: it stays on this machine, between this process and its workers) and the
    athlete. Loading there leaves this process only the writing, and sends ids instead of
    pickled samples to the pool."""

    url: str
    athlete_id: int

    @classmethod
    def of(cls, ctx: AthleteContext) -> StoredRuns | None:
        """Where ``ctx``'s runs are, for another process: None for an in-memory SQLite
        database, which only this process sees."""
        url = ctx.store.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return None
        return cls(url.render_as_string(hide_password=False), ctx.athlete_id)


#: Per worker process: the store each URL was opened as (pid in the key: a forked worker
#: must not use its parent's connections).
_STORES: dict[tuple[int, str], Store] = {}


def _worker_store(url: str) -> Store:
    key = (os.getpid(), url)
    if key not in _STORES:
        _STORES[key] = Store(url, migrate=False)
    return _STORES[key]


def classify_stored(where: StoredRuns | AthleteContext, activity_ids: list[int],
                    profile: AthleteProfile) -> list[Calibrated]:
    """Load stored runs by id and classify them with a calibrated profile (in a worker
    process, which opens the store once; in this one given a context)."""
    ctx = where if isinstance(where, AthleteContext) else AthleteContext(
        _worker_store(where.url), where.athlete_id, "")
    return classify_with(load_activities(ctx, activity_ids), profile)


# --- the worker processes ---------------------------------------------------------------------

#: Worker processes for decoding (default: one per core).
ENV_WORKERS = "LEGDAY_IMPORT_WORKERS"
#: Units in flight per worker: enough to keep every worker busy while the writer stores.
UNITS_PER_WORKER = 3


def default_workers() -> int:
    explicit = os.environ.get(ENV_WORKERS, "").strip()
    return max(1, int(explicit)) if explicit.isdigit() else max(1, os.cpu_count() or 1)


def _watch_parent(parent_pid: int) -> None:
    # A worker whose importer was killed (kill -9) must not linger as an orphan.
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="legday-parent-watch").start()


def _main_is_script() -> bool:
    """True when ``__main__`` is a script file (Streamlit's page, ``python file.py``): a
    spawned or fork-server worker would run it again on start."""
    main = sys.modules.get("__main__")
    spec_name = getattr(getattr(main, "__spec__", None), "name", None)
    return spec_name is None and getattr(main, "__file__", None) is not None


def can_pool(start_method: str | None = None) -> bool:
    """A pool can start here: forked (this process runs one thread), or from a fork server
    when ``__main__`` is safe to import again (``python -m ...``)."""
    if start_method == "fork" or (start_method is None and threading.active_count() == 1):
        return True
    return not _main_is_script()


def make_pool(workers: int, start_method: str | None = None) -> ProcessPoolExecutor:
    """A process pool for :func:`prepare`. Forked when this process runs one thread (fast:
    nothing to import again); from a fork server otherwise (a queue worker), since forking a
    threaded process is unsafe."""
    if start_method is None and sys.platform == "linux":
        start_method = "fork" if threading.active_count() == 1 else "forkserver"
    if start_method != "forkserver":
        context = multiprocessing.get_context(start_method)
        parent = os.getpid()
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["legday.store.pipeline"])
        parent = 0  # the fork server's pid, known to the worker as its parent
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                               initargs=(parent,))


def _init_worker(parent_pid: int) -> None:
    _watch_parent(parent_pid or os.getppid())


class Decoder:
    """Runs :func:`prepare` on units: in a process pool, or here with one worker (or where no
    pool can start: a threaded process whose ``__main__`` is a script, such as the app).

    A pool whose worker died (a reader crashing the interpreter) is replaced, and the
    unit tried once more before it is refused.
    """

    def __init__(self, workers: int | None = None, *, start_method: str | None = None) -> None:
        self.workers = workers or default_workers()
        self.start_method = start_method
        self._pool: ProcessPoolExecutor | None = None

    @property
    def window(self) -> int:
        """Units in flight at most."""
        return UNITS_PER_WORKER * self.workers

    @property
    def pools(self) -> bool:
        """True when tasks run on a process pool (else here, one after the other)."""
        return self.workers > 1 and (self._pool is not None or can_pool(self.start_method))

    def _submit(self, task: Callable[..., T], *args: Any) -> Future[T]:
        """``task(*args)`` on the pool, or here when there is none (one worker, or a start
        method that cannot pool); a pool whose worker died is replaced once."""
        if not self.pools:
            return _run_here(task, *args)
        if self._pool is None:
            self._pool = make_pool(self.workers, self.start_method)
        try:
            return self._pool.submit(task, *args)
        except BrokenProcessPool:
            self._pool = make_pool(self.workers, self.start_method)
            return self._pool.submit(task, *args)

    def submit(self, unit: FileUnit, profile: AthleteProfile | None) -> Future[PreparedFile]:
        return self._submit(prepare, unit, profile)

    def submit_calibration(self, ctx: AthleteContext, activity_ids: list[int],
                           profile: AthleteProfile) -> Future[list[Calibrated]]:
        """:func:`classify_stored` on the pool, the worker loading the runs itself; here
        when there is no pool or the store is in this process's memory."""
        where = StoredRuns.of(ctx) if self.pools else None
        if where is None:
            return _run_here(classify_stored, ctx, activity_ids, profile)
        return self._submit(classify_stored, where, activity_ids, profile)

    def calibrated(self, ctx: AthleteContext, activity_ids: list[int], profile: AthleteProfile,
                   task: Future[list[Calibrated]]) -> list[Calibrated]:
        """The task's result; a pool whose worker died is replaced and the runs classified
        here instead."""
        try:
            return task.result()
        except BrokenProcessPool:
            self._pool = None
            return classify_stored(ctx, activity_ids, profile)

    def result(self, unit: FileUnit, task: Future[PreparedFile],
               profile: AthleteProfile | None) -> PreparedFile:
        """The unit's prepared file; a crash or a bug refuses the unit with a one-line reason
        (the traceback goes to the log)."""
        try:
            return task.result()
        except BrokenProcessPool:
            try:
                return self.submit(unit, profile).result()
            except BrokenProcessPool:
                log.error("a worker process died while reading %s", unit.label)
                return _crashed(unit, "the reader crashed on it")
        except Exception as exc:
            log.exception("importing %s failed", unit.label)
            return _crashed(unit, f"unexpected problem while importing it "
                                  f"({type(exc).__name__})")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _run_here(task: Callable[..., T], *args: Any) -> Future[T]:
    """``task(*args)`` run now in this process, as a finished future."""
    done: Future[T] = Future()
    try:
        done.set_result(task(*args))
    except Exception as exc:
        done.set_exception(exc)
    return done


def _crashed(unit: FileUnit, why: str) -> PreparedFile:
    name = base_name(unit.member or unit.shown)
    return PreparedFile(refusals=[Refusal(unit.label, f"{name}: {why}")])


__all__ = ["Calibrated", "Decoder", "ExportDone", "ExportRow", "FileUnit", "Item",
           "PreparedActivity", "PreparedFile", "Refusal", "Source", "StoredRuns", "StrengthLog",
           "activity_fields", "classify", "classify_stored", "classify_with", "entries_of",
           "file_digest", "iter_items", "make_pool", "prepare", "prepare_activity", "read_unit",
           "start_of"]
