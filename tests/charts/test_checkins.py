"""The morning-after chart on check-ins whose counts are known."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from legday.charts.checkins import LEG_FEEL_COLOURS, legs_after_chart
from legday.checkins import CheckIn, checkin_frame, legs_after, link_checkins

RUNS = pd.DataFrame({
    "date": pd.to_datetime(["2026-03-02", "2026-03-04", "2026-03-09", "2026-03-11"]),
    "local_start": pd.to_datetime(["2026-03-02 07:00", "2026-03-04 07:00", "2026-03-09 07:00",
                                   "2026-03-11 07:00"]),
    "primary": ["hill", "steady", "hill", "steady"],
    "distance_m": [8000.0, 12000.0, 9000.0, 10000.0]})
STRENGTH = pd.DataFrame({"date": pd.to_datetime(["2026-03-04"]), "is_leg_session": [True],
                         "lower_sets": [12.0]})
MORNINGS = [CheckIn(dt.date(2026, 3, 3), "sore", 7), CheckIn(dt.date(2026, 3, 10), "heavy"),
            CheckIn(dt.date(2026, 3, 5), "heavy"), CheckIn(dt.date(2026, 3, 12), "fresh"),
            CheckIn(dt.date(2026, 3, 7), "normal")]


def _table() -> pd.DataFrame:
    return legs_after(link_checkins(checkin_frame(MORNINGS), RUNS, STRENGTH))


def test_one_bar_per_kind_of_day_stacked_by_how_the_legs_felt():
    fig = legs_after_chart(_table())
    assert [t.name for t in fig.data] == ["fresh", "normal", "heavy", "sore"]
    assert [t.marker.color for t in fig.data] == list(LEG_FEEL_COLOURS.values())
    labels = list(fig.data[0].y)
    # Thursday 5 Mar came after a steady run and a leg session on the Wednesday: both count.
    assert labels == ["hill run<br>(2 mornings)", "steady run<br>(2 mornings)",
                      "leg session<br>(1 morning)", "no run or lifting<br>(1 morning)"]
    shares = {t.name: dict(zip(labels, t.x, strict=True)) for t in fig.data}
    assert shares["heavy"]["hill run<br>(2 mornings)"] == 50.0
    assert shares["sore"]["hill run<br>(2 mornings)"] == 50.0
    assert shares["fresh"]["steady run<br>(2 mornings)"] == 50.0
    assert shares["heavy"]["leg session<br>(1 morning)"] == 100.0
    assert shares["normal"]["no run or lifting<br>(1 morning)"] == 100.0
    for trace in fig.data:  # the bars of each kind add up to all of its mornings
        assert len(trace.x) == 4
    totals = [sum(t.x[i] for t in fig.data) for i in range(4)]
    assert totals == [100.0] * 4
    assert fig.layout.barmode == "stack"


def test_no_check_ins_is_a_figure_that_says_so():
    fig = legs_after_chart(legs_after(link_checkins(checkin_frame([]), RUNS, STRENGTH)))
    assert not fig.data
    assert "No check-ins yet" in fig.layout.annotations[0].text
