"""Regression tests on labelled runs of the real Strava export (read in place).

Each run is classified from itself, as ``python -m legday classify FILE`` does,
and must satisfy every rule of its row in ``labels/strava-workouts-dev.csv``:
primary, required kinds, counts and noted rep times. Every run of the export and of
athlete 2, alone and as a history, is cut into efforts that tile it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from legday.cleaning import apply_cadence_model, prepare_arrays
from legday.cli import main
from legday.efforts import RunClassification, classify_activities, classify_run
from legday.evaluation import LabelRow, load_labels, score_labels
from legday.io import read_path, read_paths
from legday.model import Activity
from tests.conftest import require_realdata

pytestmark = pytest.mark.corpus

EXPORT = Path("bulk") / "stravaexport__slalom007" / "activities"

#: A handful of different sessions: indoor track with the watch stopped in every
#: recovery, an outdoor track session with rep times, 150 m sprints, 200 m uphill
#: sprints after a hilly warm-up, three sets with 15-s strides, a 5K race, an easy run.
CASES = {
    "13920452748": "5x400 m / 1 min; 4x300 m / 90 s (indoor, no distance in the reps)",
    "14028015329": "5x400 m / 1 min; 8-10 min rest; 4x300 m / 90 s",
    "16470990800": "4x150 m sprint / 250 m walk",
    "14304844410": "10x200 m uphill sprints",
    "16061863371": "7x2 min / 1 min; 7x30 s / 1 min; 7x15 s / 30 s",
    "13312542661": "5K race",
    "14204490666": "easy run",
}


@pytest.fixture(scope="module")
def labels() -> dict[str, LabelRow]:
    root = require_realdata()
    return {row.file: row for row in load_labels(root / "labels" / "strava-workouts-dev.csv")}


def _activity(file_id: str) -> Activity:
    path = require_realdata() / EXPORT / f"{file_id}.fit.gz"
    result = next(iter(read_path(path)))
    assert isinstance(result, Activity), result
    return result


@pytest.mark.parametrize("file_id", sorted(CASES), ids=lambda f: f"{f}-{CASES[f][:20]}")
def test_labelled_run_meets_its_row(file_id: str, labels: dict[str, LabelRow]):
    row = labels[file_id]
    prediction = classify_run(_activity(file_id)).to_dict()
    score = score_labels([row], {file_id: prediction})
    assert score.details[0]["misses"] == [], score.details[0]


def test_indoor_reps_keep_the_lengths_the_athlete_noted():
    result = classify_run(_activity("13920452748"))
    reps = result.efforts[result.efforts["kind"] == "interval"]
    assert len(reps) == 9
    noted = [72, 78, 76, 75, 74, 52, 52, 51, 52]
    assert all(abs(d - t) <= max(0.12 * t, 2.5) for d, t in zip(reps["duration_s"], noted,
                                                              strict=True))
    assert any("cadence" in note for note in result.notes)


def test_cli_classifies_real_files_and_reports_a_missing_one(tmp_path: Path, capsys):
    path = require_realdata() / EXPORT / "16470990800.fit.gz"
    code = main(["classify", "--json", str(path), str(tmp_path / "nope.fit")])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out[0]["file"] == str(path) and out[0]["primary"] == "sprint"
    assert sum(e["kind"] == "sprint" for e in out[0]["efforts"]) >= 4
    assert out[1]["file"] == str(tmp_path / "nope.fit") and "error" in out[1]


ATHLETES = {"export": EXPORT, "athlete2": Path("athlete2")}


@pytest.fixture(scope="module", params=sorted(ATHLETES))
def athlete_runs(request: pytest.FixtureRequest) -> list[Activity]:
    """Every run of an athlete's folder, in time order."""
    found = read_paths([require_realdata() / ATHLETES[request.param]])
    runs = [r for r in found if isinstance(r, Activity) and r.is_running]
    return sorted(runs, key=lambda a: (str(a.start_utc), len(a.samples)))


def _tiling_faults(activity: Activity, result: RunClassification) -> list[str]:
    """How the efforts of a run fail to tile it: out of order, with a gap or overlap
    between neighbours, moving longer than they last, or a moving sample counted twice
    (or never)."""
    efforts = result.efforts
    start = efforts["start"].to_numpy()
    end = efforts["end"].to_numpy()
    moving_s = efforts["moving_s"].to_numpy(dtype=float)
    duration_s = efforts["duration_s"].to_numpy(dtype=float)
    frame = apply_cadence_model(prepare_arrays(activity), result.profile.cadence_model)
    faults = []
    if (end < start).any():
        faults.append("an effort ends before it starts")
    if (start[1:] != end[:-1]).any():
        faults.append("an effort does not start where the one before ended")
    if (moving_s > duration_s).any():
        faults.append(f"moving longer than the effort lasts at rows "
                      f"{np.flatnonzero(moving_s > duration_s).tolist()}")
    if moving_s.sum() != frame["moving"].sum():
        faults.append(f"{moving_s.sum():.0f} s moving in the efforts, "
                      f"{frame['moving'].sum()} moving samples in the run")
    return faults


def test_the_efforts_of_every_real_run_tile_it_alone_and_in_its_history(
        athlete_runs: list[Activity]):
    alone = [classify_run(act) for act in athlete_runs]
    history = classify_activities(athlete_runs)
    faults = {f"{how} {i} {Path(act.source).name}": found
              for how, results in (("alone", alone), ("history", history))
              for i, (act, result) in enumerate(zip(athlete_runs, results, strict=True))
              if (found := _tiling_faults(act, result))}
    assert faults == {}
