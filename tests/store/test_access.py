"""Athlete isolation for every read and write function, and read-only share contexts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from legday.store import (
    AthleteContext,
    NotFound,
    NotShared,
    ReadOnlyError,
    ShareContext,
    Store,
    add_coach_note,
    add_privacy_zone,
    add_strength_entries,
    coach_notes,
    create_share,
    delete_activity,
    delete_privacy_zone,
    get_settings,
    has_activities,
    import_paths,
    import_upload,
    list_activities,
    list_shares,
    load_activities,
    load_activity,
    load_efforts,
    load_period,
    privacy_zones,
    put_settings,
    reclassify,
    replace_strength_session,
    revoke_share,
    strength_entries,
)
from tests.store.helpers import write_run


def entries(session: str, day: str, *rows: tuple[str, float, float, float]) -> pd.DataFrame:
    """A strength entries frame: (exercise, sets, reps, weight_kg) per row."""
    return pd.DataFrame({
        "date": pd.to_datetime([day] * len(rows)), "start_utc": pd.NaT, "session": session,
        "exercise": [r[0] for r in rows], "sets": [r[1] for r in rows],
        "reps": [r[2] for r in rows], "weight_kg": [r[3] for r in rows], "rpe": 8.0,
        "duration_min": None, "notes": None, "source": "legday_csv",
        "line": list(range(2, 2 + len(rows)))})


def populate(ctx: AthleteContext, tmp_path: Path, seed: int) -> dict[str, Any]:
    """One of everything for ``ctx``; returns the ids."""
    path = write_run(tmp_path, "strides", seed=seed, name=f"{ctx.name}.fit")
    (activity_id,) = import_paths(ctx, [path]).activity_ids
    add_strength_entries(ctx, entries(f"{ctx.name}-s1", "2025-03-03",
                                      ("back squat", 5, 5, 80.0 + seed)))
    zone = add_privacy_zone(ctx, 47.0 + seed, 8.0, 300, name="home")
    link = create_share(ctx, label=f"coach of {ctx.name}", allow_notes=True)
    put_settings(ctx, {"privacy_trim_m": 100.0 * seed})
    add_coach_note(ctx, date(2025, 3, 3), f"note by {ctx.name}")
    return {"activity": activity_id, "zone": zone.id, "share": link.id, "token": link.token,
            "path": path}


@pytest.fixture
def two(store: Store, tmp_path: Path) -> tuple[AthleteContext, dict[str, Any],
                                                AthleteContext, dict[str, Any]]:
    a, b = store.athlete("ann@example.org"), store.athlete("bob@example.org")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    return a, populate(a, tmp_path / "a", 1), b, populate(b, tmp_path / "b", 2)


def test_reads_return_only_own_rows(two):
    a, ida, b, idb = two
    for ctx, mine, other in ((a, ida, idb), (b, idb, ida)):
        assert list_activities(ctx)["activity_id"].tolist() == [mine["activity"]]
        assert [x.extra["activity_id"] for x in load_activities(ctx)] == [mine["activity"]]
        assert load_activities(ctx, [other["activity"]]) == []
        with pytest.raises(NotFound):
            load_activity(ctx, other["activity"])
        assert set(load_efforts(ctx)["activity_id"]) == {mine["activity"]}
        assert load_efforts(ctx, [other["activity"]]).empty
        assert strength_entries(ctx)["session"].tolist() == [f"{ctx.name}-s1"]
        assert [z.id for z in privacy_zones(ctx)] == [mine["zone"]]
        assert [s.id for s in list_shares(ctx)] == [mine["share"]]
        assert coach_notes(ctx)["text"].tolist() == [f"note by {ctx.name}"]
        season = load_period(ctx)
        assert [x.extra["activity_id"] for x in season.activities] == [mine["activity"]]
        assert set(season.efforts["activity_id"]) == {mine["activity"]}
        assert season.strength["session"].tolist() == [f"{ctx.name}-s1"]
    assert get_settings(a)["privacy_trim_m"] == 100.0
    assert get_settings(b)["privacy_trim_m"] == 200.0


def test_an_athlete_without_rows_has_no_activities_whoever_else_has(two, store: Store):
    a, _, b, _ = two
    assert has_activities(a) and has_activities(b)
    newcomer = store.athlete("newcomer@example.org")
    assert not has_activities(newcomer)
    assert list_activities(newcomer).empty


def test_writes_cannot_reach_another_athletes_rows(two, store: Store):
    a, ida, b, idb = two
    with pytest.raises(NotFound):
        delete_activity(a, idb["activity"])
    with pytest.raises(NotFound):
        delete_privacy_zone(a, idb["zone"])
    with pytest.raises(NotFound):
        revoke_share(a, idb["share"])
    with pytest.raises(NotFound):
        revoke_share(a, idb["token"])
    replace_strength_session(a, "bob@example.org-s1", entries("x", "2025-03-04",
                                                               ("deadlift", 3, 5, 100.0)))
    reclassify(a, {"top_speed_mps": 20.0})
    put_settings(a, {"privacy_trim_m": 0.0})
    # The same file in A's store again is A's duplicate, never B's.
    assert import_paths(a, [ida["path"]]).duplicates == 1
    assert import_paths(a, [idb["path"]]).imported == 1
    before_b = load_efforts(b)
    assert list_activities(b)["activity_id"].tolist() == [idb["activity"]]
    assert strength_entries(b)["session"].tolist() == ["bob@example.org-s1"]
    assert [z.id for z in privacy_zones(b)] == [idb["zone"]]
    assert {k: get_settings(b)[k] for k in ("privacy_trim_m", "profile")} == {
        "privacy_trim_m": 200.0, "profile": {}}
    assert store.share(idb["token"]).athlete_id == b.athlete_id
    pd.testing.assert_frame_equal(load_efforts(b), before_b)
    # A's own writes did happen.
    assert set(strength_entries(a)["session"]) == {"ann@example.org-s1",
                                                    "bob@example.org-s1"}
    delete_activity(a, ida["activity"])
    assert len(list_activities(a)) == 1 and len(list_activities(b)) == 1


def test_a_share_link_shows_only_its_athlete(two, store: Store):
    a, ida, b, idb = two
    coach = store.share(ida["token"])
    assert list_activities(coach)["activity_id"].tolist() == [ida["activity"]]
    # A coach sees the file's name, not the athlete's folders.
    assert list_activities(coach)["source"].tolist() == [ida["path"].name]
    assert load_activity(coach, ida["activity"]).source == ida["path"].name
    with pytest.raises(NotFound):
        load_activity(coach, idb["activity"])
    assert set(load_efforts(coach)["activity_id"]) == {ida["activity"]}
    assert strength_entries(coach)["session"].tolist() == ["ann@example.org-s1"]


WRITES: dict[str, Callable[[ShareContext, dict[str, Any]], object]] = {
    "import_paths": lambda c, i: import_paths(c, [i["path"]]),
    "import_upload": lambda c, i: import_upload(c, "x.fit", i["path"].read_bytes()),
    "delete_activity": lambda c, i: delete_activity(c, i["activity"]),
    "put_settings": lambda c, i: put_settings(c, {"privacy_trim_m": 0.0}),
    "create_share": lambda c, i: create_share(c),
    "revoke_share": lambda c, i: revoke_share(c, i["share"]),
    "add_privacy_zone": lambda c, i: add_privacy_zone(c, 1.0, 1.0, 100.0),
    "delete_privacy_zone": lambda c, i: delete_privacy_zone(c, i["zone"]),
    "add_strength_entries": lambda c, i: add_strength_entries(
        c, entries("new", "2025-03-05", ("lunge", 3, 10, 20.0))),
    "replace_strength_session": lambda c, i: replace_strength_session(
        c, "ann@example.org-s1", entries("x", "2025-03-05", ("lunge", 1, 1, 1.0))),
    "reclassify": lambda c, i: reclassify(c, {"top_speed_mps": 20.0}),
}


def _snapshot(ctx: AthleteContext) -> list[object]:
    return [list_activities(ctx), load_efforts(ctx), strength_entries(ctx), get_settings(ctx),
            [s.revoked_utc for s in list_shares(ctx)], privacy_zones(ctx), coach_notes(ctx)]


def test_every_write_through_a_share_link_is_refused(two, store: Store):
    a, ida, _b, _idb = two
    coach = store.share(ida["token"])
    before = _snapshot(a)
    for name, write in WRITES.items():
        with pytest.raises(ReadOnlyError, match="read-only"):
            write(coach, ida)
        for x, y in zip(before, _snapshot(a), strict=True):
            if isinstance(x, pd.DataFrame):
                pd.testing.assert_frame_equal(x, y, obj=name)
            else:
                assert x == y, name


def test_coach_notes_only_when_the_link_allows_them(store: Store, tmp_path: Path):
    me = store.athlete()
    silent = store.share(create_share(me, label="read only").token)
    talker = store.share(create_share(me, label="Coach Kim", allow_notes=True).token)
    with pytest.raises(ReadOnlyError):
        add_coach_note(silent, date(2025, 3, 5), "hello")
    add_coach_note(talker, date(2025, 3, 5), "more hills next week")
    notes = coach_notes(me)
    assert notes[["week_start", "author", "text"]].values.tolist() == [
        [date(2025, 3, 3), "Coach Kim", "more hills next week"]]
    assert coach_notes(silent).empty and len(coach_notes(talker)) == 1


def test_private_data_is_not_shown_through_a_link(store: Store):
    me = store.athlete()
    add_privacy_zone(me, 47.0, 8.0, 400)
    coach = store.share(create_share(me).token)
    with pytest.raises(NotShared):
        privacy_zones(coach)
    with pytest.raises(NotShared):
        list_shares(coach)


def test_display_settings_are_checked_and_kept(store: Store):
    from legday.store import data_version, get_settings, put_settings
    from legday.store.errors import StoreError

    me = store.athlete("settings")
    before = data_version(me)
    saved = put_settings(me, {"units": "mi", "timezone": "Europe/Dublin",
                              "thresholds": {"max_hard_share": 0.3, "flat_weeks": 5}})
    assert saved["units"] == "mi" and saved["timezone"] == "Europe/Dublin"
    assert saved["thresholds"] == {"max_hard_share": 0.3, "flat_weeks": 5}
    assert data_version(me) != before
    assert put_settings(me, {"thresholds": {"flat_weeks": None}})["thresholds"] == {
        "max_hard_share": 0.3}
    for bad in ({"units": "furlongs"}, {"timezone": "Mars/Olympus"},
                {"thresholds": {"no_such_threshold": 1}}, {"thresholds": {"ramp_share": -1}}):
        with pytest.raises(StoreError):
            put_settings(me, bad)
    assert get_settings(me)["units"] == "mi"
