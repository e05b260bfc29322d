"""The plan an activity carries is stored: the Strava description and the FIT workout come
back from the store as they were read, for the owner and for a coach's share link."""

from __future__ import annotations

import shutil
from pathlib import Path

from legday.model import Workout, WorkoutStep
from legday.plan import plan_for
from legday.store import Store, create_share, import_paths, load_activity
from legday.store.repo import load_summaries
from tests.conftest import require_realdata
from tests.io.helpers import gpx_text

WORKOUT_RUN = "12594994234.fit.gz"


def _export(tmp_path: Path) -> Path:
    export = tmp_path / "export_9"
    (export / "activities").mkdir(parents=True)
    source = require_realdata() / "bulk" / "stravaexport__slalom007" / "activities" / WORKOUT_RUN
    shutil.copy(source, export / "activities" / WORKOUT_RUN)
    (export / "activities" / "2.gpx").write_text(gpx_text(start="2025-03-01T08:00:00Z"))
    (export / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
        "Elapsed Time,Distance,Filename\n"
        '1,"Aug 29, 2024, 4:00:00 PM",Felmérő,Run,,600,2.0,activities/' + WORKOUT_RUN + "\n"
        '2,"Mar 1, 2025, 8:00:00 AM",Track,Run,6x800m / 90s,30,0.3,activities/2.gpx\n')
    return export


def test_description_and_workout_are_stored(store: Store, tmp_path: Path) -> None:
    me = store.athlete()
    report = import_paths(me, [_export(tmp_path)])
    assert report.imported == 2, report
    stored = {a.name: a for a in (load_activity(me, i) for i in report.activity_ids)}
    track, assessment = stored["Track"], stored["Felmérő"]
    assert track.description == "6x800m / 90s" and track.workout is None
    assert assessment.description is None
    assert assessment.workout == Workout("Felmérő futás", (
        WorkoutStep(0, "time", duration_s=120.0, intensity="warmup"),
        WorkoutStep(1, "time", duration_s=300.0, intensity="active"),
        WorkoutStep(2, "time", duration_s=120.0, intensity="cooldown")))
    plans = {a.name: plan_for(a) for a in load_summaries(me)}
    assert {name: p.describe() if p else None for name, p in plans.items()} == {
        "Track": "6 x 800 m / 90 s", "Felmérő": "2 min warm-up + 5 min + 2 min cool-down"}

    link = create_share(me, label="coach")
    coach = store.share(link.token)
    shared = {a.name: a for a in load_summaries(coach)}
    assert shared["Track"].description == "6x800m / 90s"
    assert shared["Felmérő"].workout == assessment.workout
