"""The efforts frame as the classifier builds it: from pandas blocks, summed per span."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from legday.cleaning import prepare_arrays
from legday.efforts import classify_run, describe
from legday.efforts.describe import _span_sums
from legday.io import read_path
from legday.model import Activity
from tests.conftest import require_realdata
from tests.test_efforts import interval_session, make_activity

EXPORT = Path("bulk") / "stravaexport__slalom007" / "activities"

#: Indoor reps with the watch stopped in every recovery (efforts without samples), an
#: outdoor track session, uphill sprints and an easy run.
REAL_RUNS = ("13920452748", "14028015329", "14304844410", "14204490666")


def _span_sums_one_by_one(values: np.ndarray, edges: list[int]) -> np.ndarray:
    return np.array([[row[i:j].sum() for i, j in zip(edges, edges[1:], strict=False)]
                     for row in values])


@pytest.mark.corpus
@pytest.mark.parametrize("file_id", REAL_RUNS)
@pytest.mark.parametrize("missing", ["_FROM_BLOCKS", "_UNCHECKED_TIMES"])
def test_the_efforts_frame_from_blocks_is_the_plain_constructors_on_real_runs(
        file_id: str, missing: str, monkeypatch: pytest.MonkeyPatch):
    activity = next(iter(read_path(require_realdata() / EXPORT / f"{file_id}.fit.gz")))
    assert isinstance(activity, Activity)
    from_blocks = classify_run(activity).efforts
    # What a pandas without the block constructor or the unchecked times builds.
    monkeypatch.setattr(describe, missing, None)
    plain = classify_run(activity).efforts
    pd.testing.assert_frame_equal(from_blocks, plain, check_exact=True)
    assert str(from_blocks["start"].dtype) == "datetime64[ns, UTC]"


def test_spans_that_tile_are_summed_each_on_its_own():
    rng = np.random.default_rng(4)
    values = np.array((rng.normal(3.0, 1.0, 500), rng.uniform(100, 180, 500)))
    edges = [0, 7, 7, 130, 131, 400, 500]  # an empty span too
    sums = _span_sums(values, np.array(edges), np.array([1]))
    np.testing.assert_allclose(sums, _span_sums_one_by_one(values, edges), rtol=1e-12)
    assert (sums[:, 1] == 0.0).all()
    np.testing.assert_array_equal(_span_sums(values[1], np.array(edges), np.array([1])),
                                  sums[1])


def test_renaming_one_efforts_frames_labels_in_place_leaves_the_next_frames_alone():
    act = make_activity(interval_session(reps=3))
    first = classify_run(act).efforts
    first.columns.name = "renamed"
    assert classify_run(act).efforts.columns.name is None


@pytest.mark.corpus
def test_the_sums_per_effort_of_a_real_run_are_its_sums_span_by_span():
    activity = next(iter(read_path(require_realdata() / EXPORT / f"{REAL_RUNS[1]}.fit.gz")))
    assert isinstance(activity, Activity)
    frame = prepare_arrays(activity)
    moving = frame["moving"].astype(bool)
    values = np.array((frame["speed_mps"] * moving, np.nan_to_num(frame["heart_rate"])))
    n = values.shape[1]
    edges = sorted({0, n, *np.random.default_rng(1).integers(1, n, 30).tolist()})
    np.testing.assert_allclose(_span_sums(values, np.array(edges)),
                               _span_sums_one_by_one(values, edges), rtol=1e-12)
