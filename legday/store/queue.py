"""Hosted import jobs on procrastinate, a task queue kept in the PostgreSQL legday uses.

The app defers one task per import job (:func:`defer_import`); ``python -m legday
worker`` (:func:`run_worker`) runs them, on as many machines as wanted. A worker
killed mid-job stops sending heartbeats; every worker looks for such stalled
jobs and retries them, and the retried job skips the files its first attempt
stored (each file is stored whole in one transaction, with its content hash),
so nothing is stored twice or half. procrastinate's own tables are created in
the database's current schema on first use.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import procrastinate
from procrastinate.schema import SchemaManager
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from legday.store.jobs import run_job
from legday.store.pipeline import Decoder
from legday.store.repo import Store

log = logging.getLogger(__name__)

TASK = "legday.import"
QUEUE = "imports"
#: Seconds between a worker's heartbeats, and without one after which its jobs are retried.
HEARTBEAT_S = 10.0
STALLED_AFTER_S = 30.0


def conninfo(url: str) -> str:
    """A libpq URI (what psycopg takes) for a SQLAlchemy PostgreSQL URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_queue_schema(engine: Engine) -> None:
    """Create procrastinate's tables and functions unless they exist (once, under a lock)."""
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('legday procrastinate'))"))
        if conn.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is not None:
            return
        raw: Any = conn.connection.driver_connection
        raw.execute(SchemaManager.get_schema())


def queue_app(url: str, **pool: Any) -> procrastinate.App:
    """The procrastinate app of one database, with the import task."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=conninfo(url), min_size=1, max_size=pool.get("max_size", 4)))
    app.task(name=TASK, queue=QUEUE, pass_context=False)(_import_task)
    return app


_apps: dict[str, procrastinate.App] = {}
_apps_lock = threading.Lock()


def defer_import(store: Store, job_id: int) -> int:
    """Queue the import job for a worker; returns procrastinate's job id."""
    url = store.engine.url.render_as_string(hide_password=False)
    with _apps_lock:
        if url not in _apps:
            ensure_queue_schema(store.engine)
            _apps[url] = queue_app(url, max_size=2).open()
        app = _apps[url]
    return int(app.configure_task(name=TASK).defer(job_id=job_id))


def close_queue_apps() -> None:
    """Close the connection pools :func:`defer_import` opened (tests, shutdown)."""
    with _apps_lock:
        for app in _apps.values():
            app.close()
        _apps.clear()


# --- the worker ----------------------------------------------------------------------------------

#: Set by run_worker: the store and decoder its tasks use.
_worker: dict[str, Any] = {}


def _import_task(job_id: int) -> None:
    status = run_job(_worker["store"], job_id, _worker["decoder"])
    if status is not None:
        log.info("import job %s: %s, %s stored, %s duplicates, %s refused", job_id,
                 status.status, status.stored, status.duplicates, status.refused)


async def _retry_stalled(app: procrastinate.App, stalled_after_s: float) -> None:
    """Retry the jobs of workers that stopped sending heartbeats (killed, lost)."""
    while True:
        await asyncio.sleep(stalled_after_s / 3)
        try:
            for job in await app.job_manager.get_stalled_jobs(
                    queue=QUEUE, seconds_since_heartbeat=stalled_after_s):
                log.warning("import task %s lost its worker: retrying it", job.id)
                await app.job_manager.retry_job(job)
        except Exception:  # the check runs again; the worker goes on meanwhile
            log.exception("looking for stalled import jobs failed")


def run_worker(url: str, *, concurrency: int = 1, heartbeat_s: float = HEARTBEAT_S,
               stalled_after_s: float = STALLED_AFTER_S, workers: int | None = None) -> None:
    """Run import jobs until stopped (SIGINT / SIGTERM stop it after the current job)."""
    store = Store(url)
    ensure_queue_schema(store.engine)
    _worker.update(store=store, decoder=Decoder(workers))
    app = queue_app(url)

    async def main() -> None:
        async with app.open_async():
            retry = asyncio.create_task(_retry_stalled(app, stalled_after_s))
            try:
                await app.run_worker_async(
                    queues=[QUEUE], concurrency=concurrency, name="legday-import",
                    delete_jobs="successful",
                    update_heartbeat_interval=heartbeat_s,
                    stalled_worker_timeout=stalled_after_s)
            finally:
                retry.cancel()

    try:
        asyncio.run(main())
    finally:
        _worker["decoder"].close()
        store.close()


__all__ = ["TASK", "close_queue_apps", "conninfo", "defer_import", "ensure_queue_schema",
           "queue_app", "run_worker"]
