"""Corrections applied over a classification: kinds, merges, splits, by time within the run."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from legday.corrections import (
    MARK,
    Correction,
    apply_corrections,
    correct_all,
    effort_target,
    efforts_frame,
    origin_of,
    with_flags,
)
from legday.efforts import EFFORT_COLUMNS, RunClassification, classify_run
from legday.io import read_path
from legday.model import Activity
from legday.synth import generate_run, write_fit

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def intervals(tmp_path_factory: pytest.TempPathFactory) -> tuple[Activity, RunClassification]:
    """A synthetic track session (five reps with jogs) read from its FIT file and classified."""
    path = tmp_path_factory.mktemp("corrections") / "intervals.fit"
    write_fit(generate_run("track_intervals", seed=3), path)
    activity = next(r for r in read_path(path) if isinstance(r, Activity))
    return activity, classify_run(activity)


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _span(cls: RunClassification, activity: Activity, index: int) -> tuple[float, float]:
    return effort_target(cls.efforts.iloc[index], origin_of(activity.start_utc, cls.efforts))


def test_the_run_is_what_the_classifier_found(intervals):
    activity, cls = intervals
    assert str(cls.primary) == "interval"
    kinds = list(cls.efforts["kind"].astype(str))
    assert kinds[:4] == ["steady", "interval", "recovery", "interval"]


def test_no_corrections_change_nothing(intervals):
    activity, cls = intervals
    out = apply_corrections(cls, [], activity.start_utc)
    assert not out.corrected and out.primary == cls.primary
    assert out.efforts is cls.efforts  # not even copied: a season has a thousand such runs
    assert [e["corrected"] for e in out.to_dict()["efforts"]] == [False] * len(cls.efforts)
    flagged = with_flags(out.efforts)
    assert list(flagged.columns) == [*EFFORT_COLUMNS, "corrected"]
    assert not flagged["corrected"].any()
    pd.testing.assert_frame_equal(flagged[list(EFFORT_COLUMNS)], cls.efforts)


def test_an_effort_kind_changes_that_effort_only_and_is_marked(intervals):
    activity, cls = intervals
    start, end = _span(cls, activity, 1)
    out = apply_corrections(cls, [Correction(1, "effort_kind", start, end, kind="hill",
                                             created_utc=_at(0))], activity.start_utc)
    assert out.corrected and len(out.applied) == 1 and not out.unmatched
    assert list(out.efforts["kind"])[1] == "hill"
    assert list(out.efforts["corrected"]) == [i == 1 for i in range(len(cls.efforts))]
    why = out.efforts["why"].iloc[1]
    assert why.startswith(cls.efforts["why"].iloc[1]) and why.endswith(f"{MARK} (was interval)")
    # Four reps are left: an interval session still (hill only without two intervals).
    assert str(out.primary) == "interval" == str(out.classifier_primary)


def test_the_primary_follows_the_corrected_kinds(intervals):
    activity, cls = intervals
    reps = [i for i, k in enumerate(cls.efforts["kind"]) if k == "interval"]
    fixes = [Correction(1, "effort_kind", *_span(cls, activity, i), kind="steady",
                        created_utc=_at(i)) for i in reps]
    out = apply_corrections(cls, fixes, activity.start_utc)
    assert str(out.primary) == "steady" and "interval" not in set(out.efforts["kind"])
    assert int(out.efforts["corrected"].sum()) == len(reps) == 5


def test_a_run_kind_overrides_the_primary_whatever_the_efforts(intervals):
    activity, cls = intervals
    out = apply_corrections(cls, [Correction(1, "run_kind", kind="steady")], activity.start_utc)
    assert str(out.primary) == "steady" and out.corrected
    assert not out.efforts["corrected"].any()  # the efforts themselves are as found


def test_merge_adds_up_the_parts_and_keeps_the_totals(intervals):
    activity, cls = intervals
    first, _ = _span(cls, activity, 2)
    _, last = _span(cls, activity, 3)
    out = apply_corrections(cls, [Correction(1, "merge", first, last, kind="interval")],
                            activity.start_utc)
    assert len(out.efforts) == len(cls.efforts) - 1
    merged = out.efforts.iloc[2]
    parts = cls.efforts.iloc[2:4]
    assert merged["kind"] == "interval" and merged["corrected"]
    assert merged["start"] == parts["start"].iloc[0] and merged["end"] == parts["end"].iloc[1]
    assert merged["duration_s"] == pytest.approx(parts["duration_s"].sum())
    assert merged["distance_m"] == pytest.approx(parts["distance_m"].sum())
    assert merged["speed_mps"] == pytest.approx(parts["distance_m"].sum()
                                                / parts["moving_s"].sum())
    assert parts["speed_mps"].min() < merged["speed_mps"] < parts["speed_mps"].max()
    for col in ("duration_s", "distance_m", "moving_s"):
        assert out.efforts[col].sum() == pytest.approx(cls.efforts[col].sum())


def test_split_cuts_one_effort_in_two_at_the_point_in_proportion(intervals):
    activity, cls = intervals
    start, end = _span(cls, activity, 0)  # the warm-up, 19:40 of steady running
    at = start + 600.0
    out = apply_corrections(cls, [Correction(1, "split", start, end, at_s=at)],
                            activity.start_utc)
    assert len(out.efforts) == len(cls.efforts) + 1
    a, b = out.efforts.iloc[0], out.efforts.iloc[1]
    cut = origin_of(activity.start_utc, cls.efforts) + pd.Timedelta(seconds=at)
    assert a["end"] == cut == b["start"]
    assert a["duration_s"] == pytest.approx(600.0)
    assert a["duration_s"] + b["duration_s"] == pytest.approx(cls.efforts["duration_s"].iloc[0])
    assert a["distance_m"] / b["distance_m"] == pytest.approx(600.0 / (end - start - 600.0))
    assert a["corrected"] and b["corrected"] and not out.efforts["corrected"].iloc[2:].any()
    # ... then the second part, by its own time, becomes a tempo-like hill: kinds compose.
    more = Correction(1, "effort_kind", at, end, kind="hill",
                      created_utc=datetime.now(UTC) + timedelta(seconds=1))
    out = apply_corrections(cls, [Correction(1, "split", start, end, at_s=at), more],
                            activity.start_utc)
    assert list(out.efforts["kind"])[:2] == ["steady", "hill"]


def test_corrections_apply_oldest_first_whatever_order_they_come_in(intervals):
    activity, cls = intervals
    start, end = _span(cls, activity, 1)
    older = Correction(1, "effort_kind", start, end, kind="hill", created_utc=_at(0))
    newer = Correction(1, "effort_kind", start, end, kind="sprint", created_utc=_at(1))
    for given in ([older, newer], [newer, older]):
        assert apply_corrections(cls, given, activity.start_utc).efforts["kind"].iloc[1] == \
            "sprint"


def test_a_correction_finds_its_effort_after_edges_moved_a_little(intervals):
    """A re-classification that moves an edge by a few seconds: the correction snaps to the
    new edge rather than cutting a sliver, and the effort still gets its kind."""
    activity, cls = intervals
    start, end = _span(cls, activity, 1)
    moved = cls.efforts.copy()
    shift = pd.Timedelta(seconds=4)
    moved.loc[1, "start"] += shift
    moved.loc[0, "end"] += shift
    reclassified = RunClassification(moved, cls.primary, cls.profile)
    out = apply_corrections(reclassified, [Correction(1, "effort_kind", start, end, kind="hill")],
                            activity.start_utc)
    assert len(out.efforts) == len(cls.efforts)  # no sliver cut
    assert out.efforts["kind"].iloc[1] == "hill" and out.efforts["start"].iloc[1] == \
        cls.efforts["start"].iloc[1] + shift


def test_a_stretch_the_run_no_longer_has_is_kept_unmatched(intervals):
    activity, cls = intervals
    total = float(cls.efforts["duration_s"].sum())
    lost = Correction(1, "effort_kind", total + 600, total + 900, kind="hill")
    out = apply_corrections(cls, [lost], activity.start_utc)
    assert not out.corrected and out.unmatched == [lost]
    assert out.efforts["kind"].tolist() == cls.efforts["kind"].tolist()


def test_a_non_running_activity_takes_no_corrections(intervals):
    _, cls = intervals
    ride = RunClassification(cls.efforts.iloc[:0], None, cls.profile)
    out = apply_corrections(ride, [Correction(1, "run_kind", kind="hill")])
    assert out.primary is None and not out.corrected


def test_bad_corrections_are_refused():
    with pytest.raises(ValueError, match="run is one of"):
        Correction(1, "run_kind", kind="recovery")
    with pytest.raises(ValueError, match="stretch"):
        Correction(1, "effort_kind", 10.0, 5.0, kind="hill")
    with pytest.raises(ValueError, match="inside"):
        Correction(1, "split", 10.0, 20.0, at_s=25.0)
    with pytest.raises(ValueError, match="unknown"):
        Correction(1, "delete", 1.0, 2.0)  # type: ignore[arg-type]


def test_json_marks_the_run_and_each_effort(intervals):
    activity, cls = intervals
    start, end = _span(cls, activity, 1)
    out = apply_corrections(cls, [Correction(7, "effort_kind", start, end, kind="hill")],
                            activity.start_utc)
    data = json.loads(json.dumps(out.to_dict()))
    assert data["corrected"] is True and data["classifier_primary"] == "interval"
    assert [e["corrected"] for e in data["efforts"]][:3] == [False, True, False]
    assert data["corrections"][0]["action"] == "effort_kind"


def test_a_season_frame_keeps_each_activity_and_its_flags(intervals):
    activity, cls = intervals
    start, end = _span(cls, activity, 1)
    runs = correct_all([5, 6], [activity.start_utc] * 2, [cls, cls],
                       [Correction(6, "effort_kind", start, end, kind="hill")])
    frame = efforts_frame([5, 6], runs)
    assert list(frame.columns) == ["activity_id", *EFFORT_COLUMNS, "corrected"]
    flagged = frame[frame["corrected"]]
    assert flagged["activity_id"].tolist() == [6] and flagged["kind"].tolist() == ["hill"]
    assert np.array_equal(frame.groupby("activity_id").size().to_numpy(),
                          [len(cls.efforts)] * 2)


def test_the_snapping_rules_are_documented_with_their_values():
    from legday import corrections
    from tests.conftest import ROOT

    docs = (ROOT / "docs" / "efforts.md").read_text(encoding="utf-8")
    section = docs[docs.index("## Corrections"):docs.index("## Known misses")]
    for text in (f"{corrections.SNAP_SHARE * 100:.0f} %", f"at least {corrections.SNAP_MIN_S:g} s",
                 f"at most {corrections.SNAP_MAX_S:g} s", f"within {corrections.SPLIT_SNAP_S:g} s"):
        assert text in section


def test_the_strip_puts_every_moment_of_the_run_in_its_effort_colour(intervals):
    from legday.charts.corrections import STRIP_STEP_S, effort_strip

    activity, cls = intervals
    origin = origin_of(activity.start_utc, cls.efforts)
    fig = effort_strip(cls.efforts, origin)
    total_s = float(cls.efforts["duration_s"].sum())
    seconds = np.sort(np.concatenate([np.asarray(t.customdata, float) for t in fig.data]))
    assert seconds[0] == 0.0 and total_s - STRIP_STEP_S <= seconds[-1] <= total_s
    assert np.allclose(np.diff(seconds), STRIP_STEP_S)
    start, end = _span(cls, activity, 1)  # the first rep
    rep = next(t for t in fig.data if t.name == "interval")
    inside = np.asarray(rep.customdata, float)
    assert ((inside >= start) & (inside < end)).sum() == pytest.approx((end - start) / 5, abs=1)
    assert np.allclose(np.asarray(rep.x, float), inside / 60.0)


def test_a_click_on_the_strip_is_read_as_seconds():
    from legday.ui.corrections import picked_seconds

    assert picked_seconds({"selection": {"points": [{"x": 12.5, "customdata": 750.0}]}}) == 750.0
    assert picked_seconds({"selection": {"points": [{"x": 2.0}]}}) == 120.0
    assert picked_seconds({"selection": {"points": []}}) is None
    assert picked_seconds(None) is None
