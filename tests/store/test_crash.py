"""A killed import (SIGKILL mid-activity) leaves every committed activity whole, nothing else."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from legday.store import Store, list_activities, load_activities, load_efforts, open_store
from tests.conftest import ROOT
from tests.store.conftest import Database
from tests.store.helpers import write_season

COMMITTED_BEFORE_KILL = 3

# Runs in the child: stalls inside the transaction of activity K+1, after its rows are
# written but before the commit, and says so; the parent kills it right there.
CHILD = textwrap.dedent("""
    import sys, time
    from legday.store import import_paths, open_store
    from legday.store import importer

    url, stall_at, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    original = importer.store_activity
    calls = []

    def slow_store(*args, **kwargs):
        stored = original(*args, **kwargs)
        calls.append(stored)
        if len(calls) == stall_at:
            print("inflight", len(calls), flush=True)
            time.sleep(120)
        return stored

    importer.store_activity = slow_store
    store = open_store(url)
    me = store.athlete()
    import_paths(me, paths, progress=lambda e: print("committed", e.status, flush=True))
    print("finished", flush=True)
""")


def test_kill_9_mid_import_keeps_committed_activities_whole(database: Database,
                                                            tmp_path: Path):
    paths = write_season(tmp_path, 6)
    open_store(database.url).close()  # migrate first, so the child only imports
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, database.url, str(COMMITTED_BEFORE_KILL + 1),
         *map(str, paths)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    seen = []
    assert child.stdout is not None
    for line in child.stdout:
        seen.append(line.split()[0])
        if line.startswith("inflight"):
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, (seen, child.stderr and child.stderr.read())
    assert seen.count("committed") == COMMITTED_BEFORE_KILL

    store = Store(database.url, migrate=False)
    try:
        me = store.athlete()
        stored = list_activities(me)
        assert len(stored) == COMMITTED_BEFORE_KILL
        activities = load_activities(me)
        efforts = load_efforts(me)
        for activity, points in zip(activities, stored["points"], strict=True):
            assert len(activity.samples) == points > 0
            assert activity.samples["time"].is_monotonic_increasing
            mine = efforts[efforts["activity_id"] == activity.extra["activity_id"]]
            assert len(mine) > 0
        assert set(efforts["activity_id"]) == set(stored["activity_id"])
        # The killed activity was never committed: importing everything again adds the rest.
        from legday.store import import_paths

        report = import_paths(me, paths)
        assert (report.imported, report.duplicates) == (6 - COMMITTED_BEFORE_KILL,
                                                        COMMITTED_BEFORE_KILL)
    finally:
        store.close()
