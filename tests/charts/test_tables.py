"""Tables for people: a run's laps, and the routes run again (same route, same pace)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from legday.charts.activity import LAP_TABLE_COLUMNS, laps_table
from legday.charts.season import ROUTE_TABLE_COLUMNS, route_table
from legday.units import Units


def _laps() -> pd.DataFrame:
    start = pd.Timestamp("2026-08-04 17:12:00", tz="UTC")
    return pd.DataFrame({
        "start": [start, start + pd.Timedelta(seconds=300)],
        "end": [start + pd.Timedelta(seconds=300), start + pd.Timedelta(seconds=420)],
        "elapsed_s": [300.0, 125.0], "timer_s": [300.0, np.nan],
        "distance_m": [1000.0, 400.0], "trigger": ["distance", None],
        "intensity": ["active", "rest"]})


def test_laps_are_numbered_in_local_time_with_pace_in_the_chosen_unit():
    table = laps_table(_laps(), Units("km"), utc_offset_s=3600)
    assert tuple(table.columns) == LAP_TABLE_COLUMNS
    assert list(table["lap"]) == [1, 2]
    assert list(table["start"]) == ["18:12:00", "18:17:00"]
    assert list(table["time"]) == ["5:00", "2:05"]  # no timer time: the elapsed time
    assert list(table["pace"]) == ["5:00/km", "5:12/km"]
    assert list(table["trigger"]) == ["distance", ""]  # unknown: an empty cell
    assert list(table["intensity"]) == ["active", "rest"]  # a planned workout's steps
    miles = laps_table(_laps(), Units("mi"))
    assert miles["distance"].iloc[0] == "0.62 mi"
    assert miles["pace"].iloc[0] == "8:03/mi"
    assert miles["start"].iloc[0] == "17:12:00"


def test_the_same_intensity_on_every_lap_says_nothing_and_is_left_out():
    laps = pd.concat([_laps()] * 3, ignore_index=True).assign(intensity="active")
    assert (laps_table(laps)["intensity"] == "").all()
    auto = _laps().assign(intensity=["interval", "rest"], trigger=["distance", "manual"])
    assert list(laps_table(auto)["intensity"]) == ["", "rest"]


def test_no_laps_give_an_empty_table_with_the_columns():
    empty = laps_table(_laps().iloc[:0])
    assert empty.empty
    assert tuple(empty.columns) == LAP_TABLE_COLUMNS


def _runs() -> pd.DataFrame:
    dates = pd.to_datetime(["2026-08-06", "2026-08-13", "2026-08-20", "2026-08-21",
                            "2026-08-22", "2026-08-27"])
    return pd.DataFrame({
        "start_utc": dates.tz_localize("UTC"), "date": dates,
        "week": ["2026-W32", "2026-W33", "2026-W34", "2026-W34", "2026-W34", "2026-W35"],
        "primary": ["steady", "steady", "steady", "hill", "steady", "interval"],
        "distance_m": [9300.0, 9350.0, 9320.0, 8000.0, 5000.0, 9000.0],
        "speed_mps": [3.10, 3.11, 2.90, 2.80, 3.00, 3.30],
        "route_id": [1, 1, 1, 2, None, 2]}).astype({"route_id": object})


def test_routes_run_again_are_counted_with_the_runs_at_their_median_pace():
    table = route_table(_runs(), Units("km"), pace_share=0.02)
    assert tuple(table.columns) == ROUTE_TABLE_COLUMNS
    assert list(table["route"]) == ["route 1", "route 2"]  # numbered by first run
    loop = table.iloc[0]
    assert (loop["runs"], loop["steady runs"], loop["weeks"]) == (3, 2 + 1, 3)
    assert (loop["first"], loop["last"]) == ("2026-08-06", "2026-08-20")
    assert loop["distance"] == "9.32 km"
    assert loop["median pace"] == "5:23/km"  # 3.10 m/s
    assert loop["runs at that pace"] == 2  # 2.90 m/s is 7 % slower
    other = table.iloc[1]
    assert (other["runs"], other["steady runs"], other["runs at that pace"]) == (2, 0, 0)


def test_routes_run_once_or_without_gps_are_left_out():
    assert route_table(_runs(), min_runs=4).empty
    no_gps = _runs().assign(route_id=None)
    empty = route_table(no_gps)
    assert empty.empty
    assert tuple(empty.columns) == ROUTE_TABLE_COLUMNS
