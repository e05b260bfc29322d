"""Imports as jobs: uploads are kept in the database and imported in the background.

:func:`start_import` stores the uploaded bytes (in chunks, table
``import_job_chunks``, so a worker on another machine can read them), creates
an ``import_jobs`` row and hands its id to a runner, then returns at once:

- **local** (SQLite, ``make run``): :class:`LocalRunner` starts a runner process
  beside the app (:func:`serve_local_jobs`) that runs the jobs one at a time on
  a process pool and exits when idle; a job left running by a stopped app is
  taken up again when the Upload page next opens;
- **queue** (PostgreSQL): a procrastinate task (:mod:`legday.store.queue`),
  run by ``python -m legday worker`` processes on any machine.

Either way :func:`run_job` does the work: the job's files go through the
streaming importer, stored files are skipped by content hash (so a retried or
re-dropped job resumes where it stopped), and progress (items done, stored,
duplicates, refused with reasons, per-file result rows) is written as it goes
for :func:`job_status`. The bytes are deleted when the job is over.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePath
from typing import Any, BinaryIO

import pandas as pd
from sqlalchemy import delete, select, update

from legday.io.archive import base_name
from legday.localtime import local_starts
from legday.store.importer import (
    TIMING_KEYS,
    CalibrationProgress,
    ImportEvent,
    ImportReport,
    calibrate_stored,
    import_items,
)
from legday.store.jobmodels import ImportJob, ImportJobChunk, ImportJobFile
from legday.store.models import ActivityRow, Athlete
from legday.store.pipeline import (
    Decoder,
    Source,
    estimate_items,
    is_strength_log_name,
    iter_items,
)
from legday.store.repo import AthleteContext, Store, list_activities, writable

log = logging.getLogger(__name__)

#: Bytes per stored chunk of an upload.
CHUNK_BYTES = 4 * 1024**2
#: A running local job whose heartbeat is older than this was left by a stopped app. [s]
ABANDONED_AFTER_S = 60.0
#: Least time between two progress writes of a running job. [s]
PROGRESS_EVERY_S = 0.5
#: ``local`` or ``queue``: overrides the choice made from the database (SQLite: local).
ENV_RUNNER = "LEGDAY_JOBS"
#: ImportEvent.status -> the word the result rows use.
STATUS_WORDS = {"imported": "read", "duplicate": "duplicate", "error": "refused"}
#: Keys of a job's timings holding the calibration step's progress (runs done, to do).
CALIBRATION_DONE, CALIBRATION_TOTAL = "calibration_done", "calibration_total"
RESULT_COLUMNS = ["file", "item", "kind", "status", "reason", "activity_id"]


@dataclass(frozen=True)
class JobFile:
    name: str
    status: str  # queued or done
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class JobStatus:
    """What the progress panel shows of one job."""

    id: int
    status: str  # queued, running, done or failed
    items_total: int
    items_done: int
    stored: int
    duplicates: int
    refused: int
    error: str | None
    created_utc: datetime
    started_utc: datetime | None
    finished_utc: datetime | None
    attempts: int
    files: list[JobFile] = field(default_factory=list)
    timings: dict[str, Any] = field(default_factory=dict)

    @property
    def calibration(self) -> tuple[int, int] | None:
        """``(runs done, runs to do)`` of the calibration on the athlete's stored history,
        once that step has started."""
        total = self.timings.get(CALIBRATION_TOTAL)
        if total is None:
            return None
        return int(self.timings.get(CALIBRATION_DONE, 0)), int(total)

    @property
    def progress_label(self) -> str:
        """What the job is doing, in words: ``12 of 40 activities`` while importing,
        ``calibrating on your history: 30 of 120 runs`` after."""
        step = self.calibration
        if step is not None and not self.is_over:
            return f"calibrating on your history: {step[0]} of {step[1]} runs"
        return f"{self.items_done} of {self.items_total} activities"

    @property
    def fraction(self) -> float:
        """How far the step shown (:attr:`progress_label`) is, 0 to 1."""
        step = self.calibration
        if step is not None and not self.is_over:
            return step[0] / step[1] if step[1] else 1.0
        return min(self.items_done / max(self.items_total, 1), 1.0)

    @property
    def is_over(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def rows(self) -> list[dict[str, Any]]:
        """Every file's result rows, file by file."""
        return [row for f in self.files for row in f.rows]

    @property
    def refusals(self) -> list[dict[str, Any]]:
        return [row for row in self.rows if row["status"] == "refused"]

    def seconds_left(self, now: datetime) -> float | None:
        """Time left at the pace so far; None before there is a pace. [s]"""
        if self.is_over:
            return 0.0
        if self.started_utc is None or self.items_done == 0:
            return None
        elapsed = (now - self.started_utc).total_seconds()
        left = max(self.items_total - self.items_done, 0)
        return elapsed / self.items_done * left


# --- creating and reading jobs ------------------------------------------------------------------

def runner_kind(store: Store) -> str:
    """``queue`` for PostgreSQL (procrastinate workers), ``local`` for SQLite."""
    explicit = os.environ.get(ENV_RUNNER, "").strip().lower()
    if explicit in ("local", "queue"):
        return explicit
    return "queue" if store.engine.dialect.name == "postgresql" else "local"


def create_job(ctx: AthleteContext, uploads: Sequence[tuple[str, bytes | BinaryIO]],
               runner: str) -> int:
    """Store the uploads and a queued job for them (one transaction); returns its id."""
    ctx = writable(ctx, "importing files")
    now = ctx.store.now()
    with ctx.store.sessions.begin() as session:
        job = ImportJob(athlete_id=ctx.athlete_id, status="queued", runner=runner,
                        created_utc=now, attempts=0, items_total=0, items_done=0, stored=0,
                        duplicates=0, refused=0, timings={})
        session.add(job)
        session.flush()
        total = 0
        for position, (name, upload) in enumerate(uploads):
            stream = io.BytesIO(upload) if isinstance(upload, bytes) else upload
            total += estimate_items(stream, name)
            file = ImportJobFile(job_id=job.id, position=position, name=name, sha256="",
                                 size_bytes=0, status="queued", rows=[])
            session.add(file)
            session.flush()
            digest = hashlib.sha256()
            size = 0
            for seq, chunk in enumerate(iter(functools.partial(stream.read, CHUNK_BYTES), b"")):
                digest.update(chunk)
                size += len(chunk)
                session.add(ImportJobChunk(file_id=file.id, seq=seq, data=chunk))
                session.flush()  # one chunk in memory at a time
            file.sha256, file.size_bytes = digest.hexdigest(), size
        job.items_total = total
        return job.id


def start_import(ctx: AthleteContext, uploads: Sequence[tuple[str, bytes | BinaryIO]]) -> int:
    """Hand uploads to a background import; returns the job id at once."""
    kind = runner_kind(ctx.store)
    job_id = create_job(ctx, uploads, kind)
    if kind == "queue":
        from legday.store.queue import defer_import

        defer_import(ctx.store, job_id)
    else:
        local_runner(ctx.store).submit(job_id)
    return job_id


def _status(job: ImportJob, files: Sequence[ImportJobFile]) -> JobStatus:
    return JobStatus(job.id, job.status, max(job.items_total, job.items_done), job.items_done,
                     job.stored, job.duplicates, job.refused, job.error, job.created_utc,
                     job.started_utc, job.finished_utc, job.attempts,
                     [JobFile(f.name, f.status, list(f.rows or [])) for f in files],
                     dict(job.timings or {}))


def job_status(ctx: AthleteContext, job_id: int) -> JobStatus | None:
    """One of the athlete's jobs (None when it is not theirs or does not exist)."""
    with ctx.store.sessions() as session:
        job = session.scalar(select(ImportJob).where(ImportJob.id == job_id,
                                                     ImportJob.athlete_id == ctx.athlete_id))
        if job is None:
            return None
        files = session.scalars(select(ImportJobFile).where(ImportJobFile.job_id == job_id)
                                .order_by(ImportJobFile.position)).all()
        return _status(job, files)


def recent_jobs(ctx: AthleteContext, limit: int = 5) -> list[JobStatus]:
    """The athlete's latest jobs, newest first (running ones whatever their age)."""
    with ctx.store.sessions() as session:
        ids = list(session.scalars(select(ImportJob.id).where(
            ImportJob.athlete_id == ctx.athlete_id).order_by(ImportJob.id.desc())
            .limit(limit)))
    found = [job_status(ctx, i) for i in ids]
    return [s for s in found if s is not None]


# --- running a job --------------------------------------------------------------------------------

def upload_results(ctx: AthleteContext, keys: Sequence[tuple[str, str]],
                   handed: Mapping[tuple[str, str], int]) -> pd.DataFrame:
    """The result rows (:data:`RESULT_COLUMNS`) of dropped files, file by file.

    ``keys`` are the dropped files as ``(name, sha256)``; ``handed`` says which job each
    was handed to. A file not handed yet, or whose job is gone, has no rows.
    """
    rows: list[dict[str, Any]] = []
    statuses: dict[int, JobStatus | None] = {}
    for name, digest in keys:
        job_id = handed.get((name, digest))
        if job_id is None:
            continue
        if job_id not in statuses:
            statuses[job_id] = job_status(ctx, job_id)
        status = statuses[job_id]
        for file in status.files if status is not None else []:
            if file.name == name:
                rows.extend(file.rows)
                break
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


#: What the Upload page lists of each result row.
LISTING_COLUMNS = ["date", "name", "sport", "status", "reason", "file"]


def results_listing(ctx: AthleteContext, table: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """Result rows as the athlete knows their activities (:data:`LISTING_COLUMNS`): the local
    start, name and sport of the activity stored (or found stored already), the status, the
    reason in words, and the file's own name (no archive path, no row id), newest first;
    refusals and strength logs, which have no activity, come last."""
    if table.empty:
        return pd.DataFrame(columns=LISTING_COLUMNS)
    stored = list_activities(ctx).set_index("activity_id")
    ids = pd.to_numeric(table["activity_id"], errors="coerce")
    known = ids.isin(stored.index)
    found = stored.reindex(ids.where(known))
    local = local_starts(found["start_utc"], found["utc_offset_s"], timezone)
    names = [base_name(str(item)) for item in table["item"]]
    listing = pd.DataFrame({
        "date": local.to_numpy(),
        "name": [str(n) if isinstance(n, str) and n else (name if not k else "(no name)")
                 for n, name, k in zip(found["name"], names, known, strict=True)],
        "sport": [str(sport).replace("_", " ") if k else kind
                  for sport, kind, k in zip(found["sport"], table["kind"], known, strict=True)],
        "status": table["status"].to_numpy(),
        "reason": [_plain_reason(r) for r in table["reason"]],
        "file": names,
    })
    return listing.sort_values("date", ascending=False, na_position="last",
                               kind="stable").reset_index(drop=True)


def _plain_reason(reason: object) -> str:
    """A result's reason without the store's row ids."""
    text = "" if reason is None or reason != reason else str(reason)
    text = re.sub(r"same session as stored activity \d+",
                  "the same session from another file is stored", text)
    return text.removeprefix("already in the library: ")


def results_sentence(table: pd.DataFrame) -> str:
    """One line about result rows: ``3 imported (1 partial), 2 duplicates skipped, 1
    refused, 1 strength log(s) loaded.``"""
    activities = table[table["kind"] == "activity"]
    counts = activities["status"].value_counts()
    logs = table[(table["kind"] == "strength log") & (table["status"] == "read")]
    return (f"{int(counts.get('read', 0) + counts.get('partial', 0))} imported "
            f"({int(counts.get('partial', 0))} partial), "
            f"{int(counts.get('duplicate', 0))} duplicates skipped, "
            f"{int((table['status'] == 'refused').sum())} refused"
            + (f", {len(logs)} strength log(s) loaded" if len(logs) else "") + ".")


def _one_line(text: str | None) -> str:
    return "; ".join(line.strip() for line in (text or "").splitlines() if line.strip())


class _Tracker:
    """Turns import events into per-file result rows and writes progress now and then."""

    def __init__(self, store: Store, job_id: int) -> None:
        self.store = store
        self.job_id = job_id
        self.file: ImportJobFile | None = None
        self.rows: list[dict[str, Any]] = []
        self.counts = {"items_done": 0, "stored": 0, "duplicates": 0, "refused": 0}
        self.last_write = 0.0

    def start_file(self, file: ImportJobFile) -> None:
        self.file, self.rows = file, []

    @property
    def kind(self) -> str:
        assert self.file is not None
        return "strength log" if is_strength_log_name(self.file.name) else "activity"

    def on_event(self, event: ImportEvent) -> None:
        assert self.file is not None
        status = STATUS_WORDS.get(event.status, event.status)
        reason = _one_line(event.message)
        if status == "duplicate":
            reason = ("every entry is already stored" if self.kind == "strength log"
                      else f"already in the library: {reason}")
        self.rows.append({"file": self.file.name, "item": event.label, "kind": self.kind,
                          "status": status, "reason": reason or None,
                          "activity_id": event.activity_id})
        self.counts["items_done"] += 1
        self.counts[{"read": "stored", "duplicate": "duplicates"}.get(status, "refused")] += 1
        if time.monotonic() - self.last_write >= PROGRESS_EVERY_S:
            self.write()

    def finish_file(self, report: ImportReport) -> None:
        """The file's rows, completed with the errors that were no event (bad strength-log
        rows) and partial reads; the file is done and its bytes deleted."""
        assert self.file is not None
        told = {(r["item"], r["reason"]) for r in self.rows if r["status"] == "refused"}
        for error in report.errors:
            reason = _one_line(error.get("error"))
            if not any(item == error.get("file") and (told_reason or "").startswith(reason)
                       for item, told_reason in told):
                self.rows.append({"file": self.file.name, "item": error.get("file"),
                                  "kind": self.kind, "status": "refused", "reason": reason,
                                  "activity_id": None})
                self.counts["refused"] += 1
        self._mark_partial()
        with self.store.sessions.begin() as session:
            session.execute(update(ImportJobFile).where(ImportJobFile.id == self.file.id)
                            .values(status="done", rows=self.rows))
            session.execute(delete(ImportJobChunk).where(
                ImportJobChunk.file_id == self.file.id))
        self.write()

    def _mark_partial(self) -> None:
        ids = [r["activity_id"] for r in self.rows if r["status"] == "read"]
        if not ids:
            return
        with self.store.sessions() as session:
            partial = set(session.scalars(select(ActivityRow.id).where(
                ActivityRow.id.in_(ids), ActivityRow.partial.is_(True))))
        for row in self.rows:
            if row["status"] == "read" and row["activity_id"] in partial:
                row["status"] = "partial"
                row["reason"] = row["reason"] or "read in part (see the activity's fixes)"

    def calibration_progress(self, timings: dict[str, Any]) -> CalibrationProgress:
        """Progress of the calibration step, shown as ``calibrating on your history: n of N
        runs`` (:attr:`JobStatus.calibration`), written as the import's progress is."""
        def report(done: int, total: int) -> None:
            timings[CALIBRATION_DONE], timings[CALIBRATION_TOTAL] = done, total
            if done in (0, total) or time.monotonic() - self.last_write >= PROGRESS_EVERY_S:
                self.write(timings=dict(timings))
        return report

    def write(self, **more: Any) -> None:
        self.last_write = time.monotonic()
        with self.store.sessions.begin() as session:
            job = session.get(ImportJob, self.job_id)
            assert job is not None
            job.items_done, job.stored = self.counts["items_done"], self.counts["stored"]
            job.duplicates, job.refused = self.counts["duplicates"], self.counts["refused"]
            job.heartbeat_utc = self.store.now()
            for name, value in more.items():
                setattr(job, name, value)
            if self.file is not None and self.file.status != "done":
                session.execute(update(ImportJobFile).where(ImportJobFile.id == self.file.id)
                                .values(rows=self.rows))


def _claim(store: Store, job_id: int) -> tuple[AthleteContext, list[ImportJobFile],
                                                 dict[str, int]] | None:
    with store.sessions.begin() as session:
        job = session.get(ImportJob, job_id, with_for_update=True)
        if job is None or job.status in ("done", "failed"):
            return None
        job.status, job.attempts = "running", job.attempts + 1
        job.started_utc = job.started_utc or store.now()
        job.heartbeat_utc = store.now()
        files = list(session.scalars(select(ImportJobFile).where(ImportJobFile.job_id == job_id)
                                     .order_by(ImportJobFile.position)))
        athlete = session.get(Athlete, job.athlete_id)
        assert athlete is not None
        # A retried job carries on from the files it finished: their counts stay.
        done_rows = [r for f in files if f.status == "done" for r in (f.rows or [])]
        counts = {"items_done": len(done_rows),
                  "stored": sum(r["status"] in ("read", "partial") for r in done_rows),
                  "duplicates": sum(r["status"] == "duplicate" for r in done_rows),
                  "refused": sum(r["status"] == "refused" for r in done_rows)}
        return AthleteContext(store, athlete.id, athlete.name), files, counts


def _spool(store: Store, file_id: int, target: Path) -> None:
    """Write an upload's chunks to ``target``, one chunk in memory at a time."""
    with store.sessions() as session, target.open("wb") as out:
        seqs = list(session.scalars(select(ImportJobChunk.id).where(
            ImportJobChunk.file_id == file_id).order_by(ImportJobChunk.seq)))
        for chunk_id in seqs:
            out.write(session.scalar(select(ImportJobChunk.data).where(
                ImportJobChunk.id == chunk_id)) or b"")


def run_job(store: Store, job_id: int, decoder: Decoder | None = None) -> JobStatus | None:
    """Import a job's files (skipping those a previous attempt finished); returns its status.

    A failure is logged with its traceback and recorded as one line for the user.
    """
    claimed = _claim(store, job_id)
    if claimed is None:
        return None
    ctx, files, counts = claimed
    tracker = _Tracker(store, job_id)
    tracker.counts.update(counts)
    timings = dict.fromkeys(TIMING_KEYS, 0.0)
    try:
        with tempfile.TemporaryDirectory(prefix="legday-job-") as spool:
            for file in files:
                if file.status == "done":
                    continue
                path = Path(spool) / f"{file.position}-{PurePath(file.name).name}"
                _spool(store, file.id, path)
                tracker.start_file(file)
                report = import_items(ctx, iter_items([Source(path, file.name)]),
                                      tracker.on_event, decoder=decoder, calibrate=False)
                path.unlink()
                tracker.finish_file(report)
                for key in timings:
                    timings[key] += report.timings.get(key, 0.0)
        # After every file, so a job of many files calibrates once (a retried job too).
        started = time.perf_counter()
        calibrate_stored(ctx, tracker.calibration_progress(timings), decoder=decoder)
        timings["calibrate_s"] += time.perf_counter() - started
        tracker.write(status="done", finished_utc=store.now(), timings=timings)
    except Exception as exc:
        log.exception("import job %s failed", job_id)
        tracker.write(status="failed", finished_utc=store.now(),
                      error=f"the import stopped on an unexpected problem "
                            f"({type(exc).__name__}); the server log has the details")
        with store.sessions.begin() as session:
            ids = select(ImportJobFile.id).where(ImportJobFile.job_id == job_id)
            session.execute(delete(ImportJobChunk).where(ImportJobChunk.file_id.in_(ids)))
    return job_status(ctx, job_id)


# --- the local runner ---------------------------------------------------------------------------

#: A local runner process with nothing to do for this long exits. [s]
RUNNER_IDLE_EXIT_S = 5.0


def claim_next_local(store: Store) -> int | None:
    """Take the next local job: queued, or running without a heartbeat for
    :data:`ABANDONED_AFTER_S` (its app stopped). One conditional update, so two runners
    never take the same job."""
    for job_id in abandoned_jobs(store, "local"):
        stale = store.now() - timedelta(seconds=ABANDONED_AFTER_S)
        with store.sessions.begin() as session:
            taken = session.execute(update(ImportJob).where(
                ImportJob.id == job_id,
                (ImportJob.status == "queued") | ((ImportJob.status == "running")
                                                  & (ImportJob.heartbeat_utc < stale)))
                .values(status="running", heartbeat_utc=store.now()))
            if getattr(taken, "rowcount", 0) == 1:
                return job_id
    return None


def serve_local_jobs(url: str, idle_exit_s: float = RUNNER_IDLE_EXIT_S) -> int:
    """The local runner process: run the database's local jobs one after the other, decoding
    on a process pool, and exit once idle. Returns how many jobs it ran."""
    store = Store(url, migrate=False)
    decoder = Decoder()
    ran = 0
    idle_since = time.monotonic()
    try:
        while time.monotonic() - idle_since < idle_exit_s:
            job_id = claim_next_local(store)
            if job_id is None:
                time.sleep(0.2)
                continue
            try:
                run_job(store, job_id, decoder)
            except Exception:  # the runner outlives any one job
                log.exception("local import job %s could not run", job_id)
            ran += 1
            idle_since = time.monotonic()
    finally:
        decoder.close()
        store.close()
    return ran


class LocalRunner:
    """Starts, beside the app, the process that runs a database's local import jobs
    (``python -m legday run-jobs``), whenever jobs wait and none runs. The process is the
    only writer of the jobs, decodes on every core, carries on when the tab (or the app)
    closes, and exits when idle."""

    def __init__(self, store: Store) -> None:
        self.url = store.engine.url.render_as_string(hide_password=False)
        self.store = store
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the runner process when jobs wait and it does not run."""
        with self._lock:
            if self.is_running or not abandoned_jobs(self.store, "local"):
                return
            package_root = str(Path(__file__).resolve().parents[2])
            env = {**os.environ, "LEGDAY_DATABASE_URL": self.url,
                   "PYTHONPATH": os.pathsep.join(
                       p for p in (package_root, os.environ.get("PYTHONPATH")) if p)}
            self._process = subprocess.Popen(
                [sys.executable, "-m", "legday", "run-jobs"], cwd=package_root, env=env,
                stdin=subprocess.DEVNULL)

    def submit(self, job_id: int) -> None:
        self.start()


def abandoned_jobs(store: Store, runner: str) -> list[int]:
    """Jobs queued, or running without a heartbeat for :data:`ABANDONED_AFTER_S`."""
    stale = store.now() - timedelta(seconds=ABANDONED_AFTER_S)
    with store.sessions() as session:
        return list(session.scalars(select(ImportJob.id).where(
            ImportJob.runner == runner,
            (ImportJob.status == "queued") | ((ImportJob.status == "running")
                                              & (ImportJob.heartbeat_utc < stale)))
            .order_by(ImportJob.id)))


_RUNNERS: dict[str, LocalRunner] = {}
_RUNNERS_LOCK = threading.Lock()


def local_runner(store: Store) -> LocalRunner:
    """The one local runner of ``store``'s database in this process."""
    url = store.engine.url.render_as_string(hide_password=False)
    with _RUNNERS_LOCK:
        if url not in _RUNNERS:
            _RUNNERS[url] = LocalRunner(store)
        return _RUNNERS[url]


def resume_jobs(store: Store) -> None:
    """Carry on with local jobs waiting or left by a stopped app (a no-op when hosted)."""
    if runner_kind(store) == "local":
        local_runner(store).start()


def wait_for(ctx: AthleteContext, job_id: int, timeout_s: float = 600.0) -> JobStatus:
    """Poll until the job is over (tests, scripts)."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = job_status(ctx, job_id)
        if status is None:
            raise LookupError(f"no import job {job_id}")
        if status.is_over or time.monotonic() > deadline:
            return status
        time.sleep(0.1)


__all__ = ["JobStatus", "LocalRunner", "claim_next_local", "create_job", "job_status",
           "local_runner", "recent_jobs", "resume_jobs", "run_job", "runner_kind",
           "serve_local_jobs", "start_import", "wait_for"]
