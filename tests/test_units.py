"""Display units: km or miles, paces, durations, colours."""

from __future__ import annotations

import math

import pytest

from legday.palette import EFFORT_COLOURS, VERDICT_COLOURS, effort_colour
from legday.units import METRES_PER_MILE, Units, fmt_duration


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


def test_a_pace_typed_in_the_chosen_unit_is_a_speed():
    assert Units("km").speed_from_pace("5:00") == pytest.approx(1000 / 300)
    assert Units("mi").speed_from_pace("8:00") == pytest.approx(METRES_PER_MILE / 480)
    assert Units("mi").speed_from_pace(" ") is None
    with pytest.raises(ValueError, match="not a pace"):
        Units("km").speed_from_pace("5.30")
    with pytest.raises(ValueError, match="longer than 0:00"):
        Units("km").speed_from_pace("0:00")
    assert Units("mi").fmt_pace(METRES_PER_MILE / 480, per_unit=False) == "8:00"
    assert Units.of("mi") == Units("mi") and Units.of(None) == Units("km")


def test_paces_in_effort_reasons_follow_the_chosen_unit():
    why = "6 x 2:55 at 4:00/km with 1:00 jogs"
    assert Units("km").localise_paces(why) == why
    # 4:00/km is 6:26/mi; the durations are left alone.
    assert Units("mi").localise_paces(why) == "6 x 2:55 at 6:26/mi with 1:00 jogs"


def test_every_kind_and_verdict_has_its_own_colour():
    assert len(set(EFFORT_COLOURS.values())) == len(EFFORT_COLOURS) == 5
    assert len(set(VERDICT_COLOURS.values())) == 3
    assert effort_colour("walk") == "#999999"
