"""Check-ins in the store (SQLite and PostgreSQL): one per athlete and date, a second answer
replaces the first, a coach reads them and cannot write, and the season shows them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from legday.checkins import CheckIn
from legday.library import load_library
from legday.store import (
    CheckInsStored,
    NotFound,
    ReadOnlyError,
    Store,
    create_share,
    data_version,
    delete_checkin,
    import_paths,
    load_checkins,
    put_checkin,
    put_checkins,
)
from tests.store.helpers import write_run

MONDAY = dt.date(2025, 3, 3)


def test_check_ins_round_trip_with_every_field(store: Store):
    me = store.athlete()
    given = [CheckIn(MONDAY, "sore", 8, ("quads", "glutes"), "stairs: ouch, «très» dur"),
             CheckIn(MONDAY + dt.timedelta(days=1), "fresh")]
    assert put_checkins(me, given, source="csv") == CheckInsStored(2, 0, 0)
    assert load_checkins(me) == given
    assert load_checkins(me, since=MONDAY + dt.timedelta(days=1)) == given[1:]
    assert load_checkins(me, until=dt.datetime(2025, 3, 4, tzinfo=dt.UTC)) == given[:1]


def test_a_second_answer_for_a_date_replaces_the_first_and_changes_the_version(store: Store):
    me = store.athlete()
    put_checkin(me, CheckIn(MONDAY, "normal"))
    before = data_version(me)
    assert put_checkin(me, CheckIn(MONDAY, "normal")) == CheckInsStored(0, 0, 1)
    assert data_version(me) == before  # the same answer again changes nothing
    assert put_checkin(me, CheckIn(MONDAY, "heavy", 5)) == CheckInsStored(0, 1, 0)
    assert load_checkins(me) == [CheckIn(MONDAY, "heavy", 5)]
    assert data_version(me) != before  # so the season is analysed again
    later = [CheckIn(MONDAY, "sore", 6), CheckIn(MONDAY + dt.timedelta(days=2), "fresh"),
             CheckIn(MONDAY, "sore", 7)]  # the last answer for a date given twice wins
    assert put_checkins(me, later) == CheckInsStored(1, 1, 0)
    assert load_checkins(me) == [CheckIn(MONDAY, "sore", 7), later[1]]


def test_deleting_a_check_in(store: Store):
    me = store.athlete()
    put_checkin(me, CheckIn(MONDAY, "sore"))
    delete_checkin(me, MONDAY)
    assert load_checkins(me) == []
    with pytest.raises(NotFound):
        delete_checkin(me, MONDAY)


def test_athletes_never_see_each_others_check_ins(store: Store):
    ann, bob = store.athlete("ann"), store.athlete("bob")
    put_checkin(ann, CheckIn(MONDAY, "sore", 9))
    put_checkin(bob, CheckIn(MONDAY, "fresh"))
    assert load_checkins(ann) == [CheckIn(MONDAY, "sore", 9)]
    assert load_checkins(bob) == [CheckIn(MONDAY, "fresh")]
    with pytest.raises(NotFound):
        delete_checkin(store.athlete("carl"), MONDAY)
    assert len(load_checkins(ann)) == 1


def test_a_coach_reads_the_check_ins_and_cannot_write_them(store: Store):
    me = store.athlete()
    put_checkin(me, CheckIn(MONDAY, "heavy", 4, ("calves",), "hills yesterday"))
    coach = store.share(create_share(me, days=3, label="Coach").token)
    assert load_checkins(coach) == load_checkins(me)
    with pytest.raises(ReadOnlyError):
        put_checkin(coach, CheckIn(MONDAY, "fresh"))
    with pytest.raises(ReadOnlyError):
        delete_checkin(coach, MONDAY)
    assert load_checkins(me)[0].legs == "heavy"


def test_the_stored_season_shows_the_morning_after_a_stored_run(store: Store, tmp_path: Path):
    me = store.athlete()
    import_paths(me, [write_run(tmp_path, "track_intervals", seed=3,
                                start="2025-03-04T07:00:00Z")])
    put_checkin(me, CheckIn(dt.date(2025, 3, 5), "heavy", 6, ("calves",)))
    season = load_library(me).season
    reasons = season.weeks.loc["2025-W10", "leg_day_reasons"]
    assert list(season.runs["primary"]) == ["interval"]
    assert season.checkins["after"].iloc[0] == ("interval",)
    assert reasons[-1].startswith("Tuesday's interval run: heavy legs on Wednesday")
    coach = store.share(create_share(me, days=3).token)
    shared = load_library(coach).season
    assert shared.weeks.loc["2025-W10", "leg_day_reasons"] == reasons
