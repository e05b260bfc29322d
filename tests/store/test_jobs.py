"""Import jobs: uploads kept in the database, imported in the background with progress per file,
resumed after an interruption, and on PostgreSQL run by procrastinate workers, one of which is
killed mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from legday.store import Store, list_activities, load_efforts, open_store
from legday.store.jobmodels import ImportedFile, ImportJob, ImportJobChunk
from legday.store.jobs import (
    ABANDONED_AFTER_S,
    abandoned_jobs,
    create_job,
    job_status,
    results_sentence,
    run_job,
    start_import,
    upload_results,
    wait_for,
)
from legday.store.pipeline import Decoder
from tests.conftest import ROOT
from tests.io.helpers import gpx_text, zip_bytes
from tests.store.conftest import Database
from tests.store.helpers import write_season


def _count(store: Store, model: type) -> int:
    with store.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _season_zip(tmp_path: Path, n: int, fmt: str = "gpx") -> bytes:
    return zip_bytes({p.name: p.read_bytes() for p in write_season(tmp_path, n, fmt=fmt)})


def test_a_job_imports_its_files_with_results_per_file_and_drops_the_bytes(store: Store,
                                                                           tmp_path: Path):
    me = store.athlete()
    uploads = [("season.zip", _season_zip(tmp_path, 3)),
               ("broken.fit", b"no activity here" * 10),
               ("run.gpx", gpx_text(start="2025-05-01T08:00:00Z").encode())]
    job_id = create_job(me, uploads, "local")
    queued = job_status(me, job_id)
    assert queued is not None and queued.status == "queued"
    assert queued.items_total == 5  # three zip members and two files
    assert _count(store, ImportJobChunk) == 3
    status = run_job(store, job_id, Decoder(workers=1))
    assert status is not None and status.status == "done"
    assert (status.items_done, status.stored, status.duplicates, status.refused) == (5, 4, 0, 1)
    assert [f.name for f in status.files] == ["season.zip", "broken.fit", "run.gpx"]
    assert [len(f.rows) for f in status.files] == [3, 1, 1]
    (refused,) = status.refusals
    assert refused["file"] == "broken.fit" and refused["reason"].startswith("broken.fit: ")
    assert "Traceback" not in refused["reason"] and "\n" not in refused["reason"]
    assert status.seconds_left(store.now()) == 0.0
    assert len(list_activities(me)) == 4
    assert _count(store, ImportJobChunk) == 0  # the uploaded bytes are gone
    assert run_job(store, job_id) is None  # a finished job is not run again


def test_dropped_files_are_matched_with_their_jobs_results(store: Store, tmp_path: Path):
    me = store.athlete()
    run = gpx_text(start="2025-05-01T08:00:00Z").encode()
    uploads = [("season.zip", _season_zip(tmp_path, 2)), ("broken.fit", b"nothing" * 10),
               ("run.gpx", run)]
    job_id = create_job(me, uploads, "local")
    run_job(store, job_id, Decoder(workers=1))
    keys = [("run.gpx", "a"), ("broken.fit", "b"), ("season.zip", "c"), ("late.gpx", "d")]
    handed = {key: job_id for key in keys[:3]}  # late.gpx was not handed to a job yet
    table = upload_results(me, keys, handed)
    assert table["file"].tolist() == ["run.gpx", "broken.fit", "season.zip", "season.zip"]
    assert table["status"].tolist() == ["read", "refused", "read", "read"]
    assert results_sentence(table) == "3 imported (0 partial), 0 duplicates skipped, 1 refused."
    again = create_job(me, [("run.gpx", run)], "local")
    run_job(store, again, Decoder(workers=1))
    assert results_sentence(upload_results(me, keys[:1], {keys[0]: again})) == (
        "0 imported (0 partial), 1 duplicates skipped, 0 refused.")


def test_another_athlete_cannot_see_a_job(store: Store, tmp_path: Path):
    job_id = create_job(store.athlete(), [("run.gpx", gpx_text().encode())], "local")
    assert job_status(store.athlete("someone else"), job_id) is None


def test_an_interrupted_job_is_found_and_resumed_without_storing_twice(store: Store,
                                                                        tmp_path: Path):
    me = store.athlete()
    season = write_season(tmp_path, 4)
    from legday.store import import_paths

    import_paths(me, season[:2], decoder=Decoder(workers=1))  # what the first attempt stored
    job_id = create_job(me, [(p.name, p.read_bytes()) for p in season], "local")
    with store.sessions.begin() as session:  # the app stopped while it ran
        session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
            status="running", attempts=1,
            heartbeat_utc=store.now() - timedelta(seconds=ABANDONED_AFTER_S + 1)))
    assert abandoned_jobs(store, "local") == [job_id]
    status = run_job(store, job_id, Decoder(workers=1))
    assert status is not None and status.status == "done" and status.attempts == 2
    assert (status.stored, status.duplicates) == (2, 2)
    assert len(list_activities(me)) == 4
    assert abandoned_jobs(store, "local") == []


def test_a_local_job_runs_beside_the_caller(database: Database, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LEGDAY_JOBS", "local")
    store = open_store(database.url)
    try:
        me = store.athlete()
        job_id = start_import(me, [("season.zip", _season_zip(tmp_path, 4))])
        status = wait_for(me, job_id, timeout_s=120)
        assert status.status == "done" and status.stored == 4
        assert len(list_activities(me)) == 4
    finally:
        store.close()


# --- procrastinate workers on PostgreSQL -------------------------------------------------------

def _worker(url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LEGDAY_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "legday", "worker", "--processes", "2", "--heartbeat-s",
             "0.5", "--stalled-after-s", "3"], cwd=ROOT, env=env, stdout=out, stderr=out,
            start_new_session=True)  # its own process group: ended with its children


def _stop(worker: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)


@pytest.mark.parametrize("database", ["postgres"], indirect=True)
def test_a_worker_killed_mid_job_is_retried_by_another_nothing_twice_nothing_half(
        database: Database, tmp_path: Path):
    from legday.store.queue import close_queue_apps

    n = 30
    store = open_store(database.url)
    me = store.athlete()
    log = tmp_path / "workers.log"
    first = _worker(database.url, log)
    second = None
    try:
        job_id = start_import(me, [("season.zip", _season_zip(tmp_path, n, fmt="fit"))])
        deadline = time.monotonic() + 120
        while len(list_activities(me)) < 3:  # the first worker is storing the season
            assert time.monotonic() < deadline and first.poll() is None, log.read_text()
            time.sleep(0.05)
        second = _worker(database.url, log)
        _stop(first, signal.SIGKILL)
        killed_at = len(list_activities(me))
        assert killed_at < n, "the job ended before the worker could be killed"
        status = wait_for(me, job_id, timeout_s=240)
    finally:
        _stop(first, signal.SIGKILL)
        if second is not None:
            _stop(second)
        close_queue_apps()
    try:
        assert status.status == "done", log.read_text()
        assert status.attempts == 2  # retried once, by the second worker
        stored = list_activities(me)
        assert len(stored) == n == stored["content_id"].nunique()
        assert status.stored + status.duplicates == n and status.duplicates >= killed_at
        efforts = load_efforts(me)
        assert set(efforts["activity_id"]) == set(stored["activity_id"])  # none half-stored
        with store.sessions() as session:
            files = session.scalars(select(ImportedFile.activity_ids)).all()
        assert sorted(i for ids in files for i in ids) == sorted(stored["activity_id"])
        assert _count(store, ImportJobChunk) == 0
    finally:
        store.close()
