"""Local time: the file's offset first, then the settings' time zone, then UTC."""

from __future__ import annotations

import numpy as np
import pandas as pd

from legday.localtime import local_start, local_starts, local_times, utc_offset_s, watch_timezone


def test_local_start_uses_the_files_offset_then_the_settings_zone():
    late = pd.Timestamp("2025-03-16T23:30:00Z")
    assert local_start(late, 3600, "UTC") == pd.Timestamp("2025-03-17 00:30")
    assert local_start(late, None, "Europe/Berlin") == pd.Timestamp("2025-03-17 00:30")
    assert local_start(late, np.nan, "America/New_York") == pd.Timestamp("2025-03-16 19:30")
    assert local_start(late, None, None) == pd.Timestamp("2025-03-16 23:30")
    assert local_start(pd.Timestamp("2025-03-16 23:30"), None, "UTC") == pd.Timestamp(
        "2025-03-16 23:30")  # a naive start is UTC


def test_the_offset_of_a_start_follows_daylight_saving_time():
    assert utc_offset_s(pd.Timestamp("2026-07-01T10:00:00Z"), None, "Europe/Berlin") == 7200
    assert utc_offset_s(pd.Timestamp("2026-12-01T10:00:00Z"), None, "Europe/Berlin") == 3600
    assert utc_offset_s(pd.Timestamp("2026-12-01T10:00:00Z"), -18000.0, "Europe/Berlin") == -18000


def test_local_times_of_one_activity():
    t = pd.Series(pd.to_datetime(["2026-07-01T22:30:00Z", "2026-12-01T22:30:00Z"]))
    assert local_times(t, 3600).dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2026-07-01 23:30", "2026-12-01 23:30"]
    assert local_times(t, None, "Europe/Berlin").dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2026-07-02 00:30", "2026-12-01 23:30"]
    assert local_times(t, None).dt.hour.tolist() == [22, 22]


def test_local_starts_of_many_activities_each_with_its_own_offset():
    starts = pd.Series(pd.to_datetime(["2026-07-01T22:30:00Z", "2026-07-01T22:30:00Z"],
                                      utc=True))
    offsets = pd.Series([-3600.0, np.nan])
    local = local_starts(starts, offsets, "Europe/Berlin")
    assert local.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2026-07-01 21:30",
                                                            "2026-07-02 00:30"]
    # Every row agrees with the one-start rule.
    assert [local_start(s, o, "Europe/Berlin") for s, o in zip(starts, offsets, strict=True)
            ] == local.tolist()


def _offsets(starts: pd.Series, zone: str) -> pd.Series:
    return starts.dt.tz_convert(zone).map(lambda t: t.utcoffset().total_seconds())


def test_the_watch_zone_fits_most_files_summer_and_winter_and_the_runs_position():
    starts = pd.Series(pd.date_range("2024-01-01T07:00Z", periods=300, freq="D"))
    offsets = _offsets(starts, "Europe/Zurich")
    offsets.iloc[:10] = -18_000.0  # a trip abroad
    offsets.iloc[10:20] = None  # files without a local time
    assert watch_timezone(starts, offsets, 47.4, 8.5) == ("Europe/Zurich", 280, 290)
    # Same offsets all year, told apart by where the runs are.
    assert watch_timezone(starts, offsets, 52.5, 13.4)[0] == "Europe/Berlin"
    denver = _offsets(starts, "America/Denver")
    assert watch_timezone(starts, denver, 39.7, -105.0)[0] == "America/Denver"
    # Arizona keeps winter time all summer: not Denver.
    phoenix = _offsets(starts, "America/Phoenix")
    assert watch_timezone(starts, phoenix, 39.7, -105.0)[0] != "America/Denver"


def test_no_local_time_in_any_file_says_no_zone():
    starts = pd.Series(pd.date_range("2024-01-01T07:00Z", periods=5, freq="D"))
    assert watch_timezone(starts, pd.Series([None] * 5, dtype=float)) is None
