"""Corrections in the store (SQLite and PostgreSQL): kept, read-only through a share link,
undone, in force after re-classification, and in every weekly number of the library."""

from __future__ import annotations

from pathlib import Path

import pytest

from legday.corrections import MARK, Correction
from legday.library import load_library
from legday.store import (
    NotFound,
    ReadOnlyError,
    Store,
    create_share,
    data_version,
    delete_activity,
    import_paths,
    load_efforts,
    reclassify,
)
from legday.store.corrections import (
    add_correction,
    clear_corrections,
    load_corrections,
    undo_correction,
)
from tests.store.helpers import write_run

#: A stretch of the easy run, in seconds from its start, that the athlete calls a hill.
HILL = (600.0, 900.0)


def _easy(store: Store, tmp_path: Path) -> int:
    me = store.athlete()
    (activity_id,) = import_paths(me, [write_run(tmp_path, "easy", seed=2,
                                                 start="2025-03-04T07:00:00Z")]).activity_ids
    return int(activity_id)


def test_a_correction_round_trips_with_its_id_and_time(store: Store, tmp_path: Path, clock):
    me = store.athlete()
    activity_id = _easy(store, tmp_path)
    stored = add_correction(me, Correction(activity_id, "effort_kind", *HILL, kind="hill"))
    assert stored.correction_id is not None and stored.created_utc == clock.now
    clock.advance(minutes=1)
    add_correction(me, Correction(activity_id, "run_kind", kind="hill"))
    found = load_corrections(me)
    assert [(c.action, c.start_s, c.end_s, c.kind) for c in found] == [
        ("effort_kind", 600.0, 900.0, "hill"), ("run_kind", None, None, "hill")]
    assert found[0] == stored
    assert load_corrections(me, [activity_id + 1000]) == []


def test_undo_removes_the_newest_and_clear_removes_all(store: Store, tmp_path: Path, clock):
    me = store.athlete()
    activity_id = _easy(store, tmp_path)
    for kind in ("hill", "sprint", "interval"):
        add_correction(me, Correction(activity_id, "effort_kind", *HILL, kind=kind))
        clock.advance(seconds=5)
    undone = undo_correction(me, activity_id)
    assert undone is not None and undone.kind == "interval"
    assert [c.kind for c in load_corrections(me)] == ["hill", "sprint"]
    assert clear_corrections(me, activity_id) == 2
    assert load_corrections(me) == [] and undo_correction(me, activity_id) is None


def test_a_coach_sees_corrections_and_cannot_make_them(store: Store, tmp_path: Path):
    me = store.athlete()
    activity_id = _easy(store, tmp_path)
    add_correction(me, Correction(activity_id, "run_kind", kind="hill"))
    coach = store.share(create_share(me, days=7).token)
    assert [c.kind for c in load_corrections(coach)] == ["hill"]
    with pytest.raises(ReadOnlyError):
        add_correction(coach, Correction(activity_id, "run_kind", kind="steady"))
    with pytest.raises(ReadOnlyError):
        undo_correction(coach, activity_id)
    library = load_library(coach)
    assert library.run_of(activity_id) is not None
    assert str(library.season.runs["primary"].item()) == "hill"


def test_no_correcting_another_athletes_run(store: Store, tmp_path: Path):
    activity_id = _easy(store, tmp_path)
    other = store.athlete("someone else")
    with pytest.raises(NotFound):
        add_correction(other, Correction(activity_id, "run_kind", kind="hill"))
    assert load_corrections(other) == []


def test_deleting_the_run_deletes_its_corrections(store: Store, tmp_path: Path):
    me = store.athlete()
    activity_id = _easy(store, tmp_path)
    add_correction(me, Correction(activity_id, "run_kind", kind="hill"))
    delete_activity(me, activity_id)
    assert load_corrections(me) == []


def test_a_correction_changes_the_data_version_and_the_weekly_numbers(store: Store,
                                                                      tmp_path: Path, clock):
    me = store.athlete()
    activity_id = _easy(store, tmp_path)
    before = load_library(me)
    week = before.season.weeks.iloc[0]
    assert week["hill_s"] == 0 and before.season.runs["primary"].item() == "steady"
    version = data_version(me)
    add_correction(me, Correction(activity_id, "effort_kind", *HILL, kind="hill"))
    assert data_version(me) != version
    after = load_library(me)
    week_after = after.season.weeks.iloc[0]
    marked = after.efforts[after.efforts["corrected"]]
    assert marked["kind"].tolist() == ["hill"] and marked["why"].str.contains(MARK).all()
    assert marked["duration_s"].sum() == pytest.approx(300.0)
    hill_moving_s = float(marked["moving_s"].sum())  # the weeks count moving time
    assert 290.0 < hill_moving_s <= 300.0
    assert week_after["hill_s"] == pytest.approx(hill_moving_s)
    assert week_after["type2_s"] == pytest.approx(week["type2_s"] + hill_moving_s)
    assert week_after["run_s"] == pytest.approx(week["run_s"])
    assert week_after["hill_distance_m"] == pytest.approx(float(marked["distance_m"].sum()))
    assert after.season.runs["primary"].item() == "hill"
    # The stored efforts stay the classifier's: the library applies the correction.
    assert set(load_efforts(me)["kind"]) == set(before.efforts["kind"])
    # Undo, then another correction: the version moves on each time (no stale season).
    corrected = data_version(me)
    undo_correction(me, activity_id)
    undone = data_version(me)
    assert undone != corrected and load_library(me).season.weeks.iloc[0]["hill_s"] == 0
    clock.advance(seconds=1)
    add_correction(me, Correction(activity_id, "effort_kind", *HILL, kind="sprint"))
    assert data_version(me) not in (undone, corrected)
    assert load_library(me).season.weeks.iloc[0]["sprint_s"] == pytest.approx(hill_moving_s)


def test_corrections_stay_in_force_after_reclassification(store: Store, tmp_path: Path,
                                                          clock):
    me = store.athlete()
    (activity_id,) = import_paths(me, [write_run(tmp_path, "hill_sprints", seed=5)]).activity_ids
    library = load_library(me)
    run = library.run_of(activity_id)
    assert run is not None and str(run.primary) == "hill"
    hills = library.efforts[library.efforts["kind"] == "hill"]
    origin = library.activities[0].start_utc
    first = hills.iloc[0]
    span = ((first["start"] - origin).total_seconds(), (first["end"] - origin).total_seconds())
    add_correction(me, Correction(activity_id, "effort_kind", *span, kind="sprint"))
    clock.advance(seconds=1)
    add_correction(me, Correction(activity_id, "run_kind", kind="sprint"))

    def corrected_kinds() -> tuple[str, list[str]]:
        lib = load_library(me)
        mine = lib.efforts[lib.efforts["corrected"]]
        return str(lib.season.runs["primary"].item()), mine["kind"].tolist()

    assert corrected_kinds() == ("sprint", ["sprint"])
    # A new rule set: every hill gone from the stored efforts, the athlete's sprint stays.
    reclassify(me, {"easy_speed_mps": 7.0})
    assert (load_efforts(me)["kind"] == "hill").sum() == 0
    assert corrected_kinds() == ("sprint", ["sprint"])
    reclassify(me, {"easy_speed_mps": None})
    assert corrected_kinds() == ("sprint", ["sprint"])
    assert len(load_corrections(me)) == 2
