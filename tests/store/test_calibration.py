"""After an import the stored runs are classified with the profile calibrated on the whole
stored history, as classifying the files together does (legday.store.importer)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from legday.calibration import AthleteProfile
from legday.efforts import classify_activities
from legday.io import read_paths
from legday.model import Activity
from legday.store import Store, import_paths, load_activities, load_efforts, open_store
from legday.store.importer import (
    CALIBRATION_KEY,
    calibrate_stored,
    history_profile,
    import_results,
    profile_fingerprint,
)
from legday.store.jobs import create_job, job_status, run_job
from legday.store.models import ActivityRow
from legday.store.pipeline import Decoder, StoredRuns, classify_stored
from legday.store.repo import AthleteContext, load_summaries
from tests.conftest import ROOT, require_realdata
from tests.store.conftest import Database
from tests.store.helpers import write_run

STRAVA = "bulk/stravaexport__slalom007"
WORKOUTS = ["easy", "track_intervals", "hill_repeats", "easy", "tempo", "strides", "long",
            "flying_sprints"]


def write_mixed_season(directory: Path, n: int = len(WORKOUTS)) -> list[Path]:
    """Runs of several kinds on different days (each file alone calibrates differently)."""
    return [write_run(directory, WORKOUTS[i % len(WORKOUTS)], seed=i + 1, fmt="fit",
                      start=f"2025-04-{i + 1:02d}T07:00:00Z") for i in range(n)]


def stored_kinds(me: AthleteContext) -> dict[str, Counter[str]]:
    """Per stored run (by content id): how many efforts of each kind are stored."""
    efforts = load_efforts(me)
    with me.store.sessions() as session:
        content = dict(session.execute(select(ActivityRow.id, ActivityRow.content_id)
                                       .where(ActivityRow.athlete_id == me.athlete_id)).all())
    out: dict[str, Counter[str]] = {cid: Counter() for cid in content.values()}
    for activity_id, kind in zip(efforts["activity_id"], efforts["kind"], strict=True):
        out[content[int(activity_id)]][str(kind)] += 1
    return out


def together_kinds(activities: list[Activity]) -> dict[str, Counter[str]]:
    """Per run: the effort kinds of classifying all of them together."""
    return {a.id: Counter(str(k) for k in result.efforts["kind"])
            for a, result in zip(activities, classify_activities(activities), strict=True)}


def fingerprints(me: AthleteContext) -> list[str | None]:
    with me.store.sessions() as session:
        extras = session.scalars(select(ActivityRow.extra).where(
            ActivityRow.athlete_id == me.athlete_id).order_by(ActivityRow.id)).all()
    return [(extra or {}).get(CALIBRATION_KEY) for extra in extras]


def test_import_stores_the_classification_of_the_files_together(store: Store, tmp_path: Path):
    paths = write_mixed_season(tmp_path)
    me = store.athlete()
    report = import_paths(me, paths)
    assert report.imported == len(paths)
    assert report.calibration is not None
    assert report.calibration.reclassified == report.calibration.runs == len(paths)
    files = [r for r in read_paths(paths) if isinstance(r, Activity)]
    assert stored_kinds(me) == together_kinds(files)
    # Each file alone would have been classified otherwise: the calibration changed something.
    alone = {a.id: Counter(str(k) for k in classify_activities([a])[0].efforts["kind"])
             for a in files}
    assert alone != together_kinds(files)
    current = profile_fingerprint(history_profile(load_summaries(me), {}))
    assert fingerprints(me) == [current] * len(paths)


def test_nothing_is_classified_again_when_the_profile_did_not_change(store: Store,
                                                                     tmp_path: Path):
    me = store.athlete()
    import_paths(me, write_mixed_season(tmp_path))
    again = calibrate_stored(me)
    assert (again.runs, again.reclassified) == (len(WORKOUTS), 0)
    # A changed setting changes the profile: every run is classified again.
    from legday.store import put_settings

    put_settings(me, {"profile": {"threshold_speed_mps": 4.6}})
    changed = calibrate_stored(me)
    assert changed.reclassified == len(WORKOUTS)
    assert changed.fingerprint != again.fingerprint


def test_a_later_import_classifies_the_history_again_with_the_new_profile(store: Store,
                                                                          tmp_path: Path):
    me = store.athlete()
    first, later = write_mixed_season(tmp_path)[:4], write_mixed_season(tmp_path)[4:]
    import_paths(me, first)
    report = import_paths(me, later)
    assert report.calibration is not None
    # The new runs always; the earlier ones too when their profile changed.
    assert report.calibration.reclassified >= len(later)
    files = [r for r in read_paths(first + later) if isinstance(r, Activity)]
    assert stored_kinds(me) == together_kinds(files)


def test_results_imported_in_process_are_calibrated_too(store: Store, tmp_path: Path):
    me = store.athlete()
    paths = write_mixed_season(tmp_path, 5)
    files = [r for r in read_paths(paths) if isinstance(r, Activity)]
    report = import_results(me, files)
    assert report.calibration is not None and report.calibration.reclassified == 5
    assert stored_kinds(me) == together_kinds(files)


def test_a_job_calibrates_once_after_its_files_and_shows_the_step(store: Store,
                                                                 tmp_path: Path):
    me = store.athlete()
    paths = write_mixed_season(tmp_path, 6)
    seen: list[str] = []
    from legday.store import jobs

    original = jobs._Tracker.write

    def watching(self: jobs._Tracker, **more: object) -> None:
        original(self, **more)
        status = job_status(me, self.job_id)
        assert status is not None
        seen.append(status.progress_label)

    job_id = create_job(me, [(p.name, p.read_bytes()) for p in paths], "local")
    jobs._Tracker.write = watching  # type: ignore[method-assign]
    try:
        status = run_job(store, job_id, Decoder(1))
    finally:
        jobs._Tracker.write = original  # type: ignore[method-assign]
    assert status is not None and status.status == "done"
    assert "calibrating on your history: 0 of 6 runs" in seen
    assert "calibrating on your history: 6 of 6 runs" in seen
    assert status.calibration == (6, 6)
    assert status.progress_label == "6 of 6 activities"
    files = [r for r in read_paths(paths) if isinstance(r, Activity)]
    assert stored_kinds(me) == together_kinds(files)


# Runs in the child: calibrates two runs per transaction and stalls inside the second
# transaction, after its efforts were deleted, before the commit.
KILLED_CALIBRATION = textwrap.dedent("""
    import sys, time
    from legday.store import import_paths, open_store
    from legday.store import importer

    url, paths = sys.argv[1], sys.argv[2:]
    importer.CALIBRATE_CHUNK = 2
    original = importer._reclassify_chunk
    chunks = []

    def stalling(ctx, results, fingerprint):
        chunks.append(len(results))
        if len(chunks) == 2:
            def stall(*args, **kwargs):
                print("inflight", flush=True)
                time.sleep(120)
            importer.json_safe = stall
        original(ctx, results, fingerprint)
        print("committed", flush=True)

    importer._reclassify_chunk = stalling
    store = open_store(url)
    import_paths(store.athlete(), paths)
    print("finished", flush=True)
""")


def test_kill_9_during_calibration_leaves_every_run_whole(database: Database,
                                                          tmp_path: Path):
    paths = write_mixed_season(tmp_path, 6)
    open_store(database.url).close()
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_CALIBRATION, database.url, *map(str, paths)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LEGDAY_IMPORT_WORKERS": "1"})
    seen = []
    assert child.stdout is not None
    for line in child.stdout:
        seen.append(line.strip())
        if line.startswith("inflight"):
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, (seen, child.stderr and child.stderr.read())
    assert seen == ["committed", "inflight"]

    store = Store(database.url, migrate=False)
    try:
        me = store.athlete()
        # Two runs calibrated, four still as each file alone gave them: none half-done.
        marks = fingerprints(me)
        assert len(marks) == 6 and marks[:2] == [marks[0]] * 2 and marks[0] is not None
        assert marks[2:] == [None] * 4
        efforts = load_efforts(me)
        assert set(efforts["activity_id"]) == {int(a.extra["activity_id"])
                                               for a in load_activities(me)}
        finish = calibrate_stored(me)
        assert finish.reclassified == 4
        files = [r for r in read_paths(paths) if isinstance(r, Activity)]
        assert stored_kinds(me) == together_kinds(files)
    finally:
        store.close()


@pytest.mark.corpus
def test_real_export_stores_the_classification_of_its_runs_together(tmp_path: Path):
    export = require_realdata() / STRAVA
    store = open_store(f"sqlite:///{tmp_path / 'legday.db'}")
    try:
        me = store.athlete()
        report = import_paths(me, [export])
        assert report.calibration is not None and report.calibration.runs > 100
        files = [r for r in read_paths([export]) if isinstance(r, Activity)]
        stored = stored_kinds(me)
        together = together_kinds(files)
        runs = [a.id for a in files if a.is_running and len(a.samples) >= 2]
        assert len(runs) == report.calibration.runs
        assert {cid: stored[cid] for cid in runs} == {cid: together[cid] for cid in runs}
    finally:
        store.close()


def test_pool_workers_load_the_runs_they_calibrate_from_the_store(store: Store,
                                                                   tmp_path: Path):
    me = store.athlete()
    import_paths(me, write_mixed_season(tmp_path, 4), decoder=Decoder(1))
    with store.sessions() as session:
        ids = list(session.scalars(select(ActivityRow.id).where(
            ActivityRow.athlete_id == me.athlete_id).order_by(ActivityRow.id)))
    profile = history_profile(load_summaries(me), {})
    here = classify_stored(me, ids, profile)
    where = StoredRuns.of(me)
    assert where is not None and where.athlete_id == me.athlete_id
    decoder = Decoder(2, start_method="fork")
    try:
        assert decoder.pools
        there = decoder.calibrated(me, ids, profile, decoder.submit_calibration(me, ids, profile))
    finally:
        decoder.close()
    assert there == here
    assert [r.activity_id for r in here] == ids and all(r.summary is None for r in here)


def test_a_store_only_this_process_sees_is_loaded_here():
    memory = open_store("sqlite://")
    try:
        me = memory.athlete()
        assert StoredRuns.of(me) is None
        assert Decoder(2).submit_calibration(me, [], AthleteProfile()).result() == []
    finally:
        memory.close()
    secret = Store.__new__(Store)
    secret.engine = create_engine("postgresql+psycopg://legday:s3cret@db.internal/legday")
    where = StoredRuns.of(AthleteContext(secret, 7, "x"))
    assert where == StoredRuns("postgresql+psycopg://legday:s3cret@db.internal/legday", 7)
