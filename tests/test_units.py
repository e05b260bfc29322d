"""Display units: km or miles, paces, local times."""

from __future__ import annotations

import math

import pandas as pd

from legday.palette import EFFORT_COLOURS, VERDICT_COLOURS, effort_colour
from legday.units import METRES_PER_MILE, Units, fmt_duration, to_local


def test_paces_and_distances_follow_the_chosen_unit():
    km, mi = Units("km"), Units("mi")
    assert km.fmt_pace(1000 / 275) == "4:35/km"
    assert mi.fmt_pace(METRES_PER_MILE / 442) == "7:22/mi"
    assert km.fmt_distance(12_345) == "12.35 km"
    assert mi.fmt_distance(METRES_PER_MILE * 3) == "3.00 mi"
    assert km.fmt_pace(0.0) == "-" and math.isnan(km.pace_s(0.1))
    assert mi.pace_label == "min/mi"


def test_durations_read_like_a_watch():
    assert fmt_duration(59.6) == "1:00"
    assert fmt_duration(3725) == "1:02:05"
    assert fmt_duration(float("nan")) == "-"


def test_local_time_prefers_the_activitys_offset_then_the_settings_zone():
    t = pd.Series(pd.to_datetime(["2026-07-01T22:30:00Z", "2026-12-01T22:30:00Z"]))
    assert to_local(t, 3600).dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2026-07-01 23:30", "2026-12-01 23:30"]
    assert to_local(t, None, "Europe/Berlin").dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2026-07-02 00:30", "2026-12-01 23:30"]
    assert to_local(t, None).dt.hour.tolist() == [22, 22]


def test_every_kind_and_verdict_has_its_own_colour():
    assert len(set(EFFORT_COLOURS.values())) == len(EFFORT_COLOURS) == 5
    assert len(set(VERDICT_COLOURS.values())) == 3
    assert effort_colour("walk") == "#999999"
