import numpy as np
import pandas as pd
import pytest

from legday.errors import MissingColumn
from legday.model import (
    LAP_COLUMNS,
    SAMPLE_COLUMNS,
    Activity,
    Sport,
    cumulative_distance_m,
    empty_frame,
    haversine_m,
    make_samples,
    validate_samples,
)


def _times(*seconds: int) -> list[str]:
    base = pd.Timestamp("2025-03-01T08:00:00Z")
    return [(base + pd.Timedelta(seconds=s)).isoformat() for s in seconds]


def test_make_samples_has_every_column_with_its_dtype():
    df, fixes = make_samples({"time": _times(0, 1, 2), "heart_rate": [120, 121, 122]})
    assert list(df.columns) == list(SAMPLE_COLUMNS)
    assert {c: str(t) for c, t in df.dtypes.items()} == SAMPLE_COLUMNS
    assert df["lat"].isna().all() and df["heart_rate"].tolist() == [120, 121, 122]
    assert fixes == []


def test_out_of_order_and_repeated_timestamps_are_repaired_deterministically():
    df, fixes = make_samples({
        "time": _times(0, 2, 1, 2, 3),
        "heart_rate": [100, 102, 101, np.nan, 103],
        "speed_mps": [1.0, np.nan, 1.1, 1.2, 1.3],
    })
    assert df["time"].is_monotonic_increasing and df["time"].is_unique
    assert len(df) == 4
    # The later record at t=2 wins, but keeps the heart rate only the earlier one had.
    row = df.iloc[2]
    assert row["speed_mps"] == 1.2 and row["heart_rate"] == 102
    assert any("out of time order" in f for f in fixes)
    assert any("repeated timestamps" in f for f in fixes)


def test_zero_only_heart_rate_is_absent_and_trailing_empty_records_dropped():
    df, fixes = make_samples({"time": _times(0, 1, 2, 3), "heart_rate": [0, 0, 0, 0],
                              "speed_mps": [2.0, 2.1, np.nan, np.nan]})
    assert df["heart_rate"].isna().all()
    assert len(df) == 2
    assert any("zero throughout" in f for f in fixes)
    assert any("trailing" in f for f in fixes)


def test_distance_is_computed_from_positions_when_missing():
    # 0.001 degree of latitude is about 111.2 m.
    df, fixes = make_samples({"time": _times(0, 10, 20), "lat": [45.0, 45.001, 45.002],
                              "lon": [7.0, 7.0, 7.0]})
    assert df["distance_m"].iloc[-1] == pytest.approx(222.4, abs=0.5)
    assert "distance computed from positions" in fixes


def test_null_island_positions_are_removed():
    df, fixes = make_samples({"time": _times(0, 1), "lat": [0.0, 45.0], "lon": [0.0, 7.0]})
    assert np.isnan(df["lat"].iloc[0]) and df["lat"].iloc[1] == 45.0
    assert any("0°,0°" in f for f in fixes)


def test_haversine_and_cumulative_distance_skip_gaps():
    assert haversine_m(np.array([0.0]), np.array([0.0]), np.array([0.0]),
                       np.array([1.0]))[0] == pytest.approx(111_195, rel=1e-3)
    lat = np.array([np.nan, 45.0, np.nan, 45.001])
    lon = np.array([np.nan, 7.0, np.nan, 7.0])
    out = cumulative_distance_m(lat, lon)
    assert out[0] == 0.0 and out[1] == 0.0
    assert out[-1] == pytest.approx(111.2, abs=0.2)


def test_validate_samples_names_the_missing_column():
    with pytest.raises(MissingColumn, match="cadence_spm"):
        validate_samples(empty_frame(SAMPLE_COLUMNS).drop(columns=["cadence_spm"]))


def test_activity_summary_reports_the_cli_fields():
    samples, _ = make_samples({"time": _times(0, 60), "heart_rate": [140, 150],
                               "distance_m": [0, 250], "elevation_m": [10, 12]})
    act = Activity(id="x", source="run.fit", format="fit", sport=Sport.RUN, samples=samples,
                   start_utc=samples["time"].iloc[0], laps=empty_frame(LAP_COLUMNS))
    s = act.summary()
    assert s["start"] == "2025-03-01T08:00:00Z"
    assert s["duration_s"] == 60.0 and s["distance_m"] == 250.0 and s["points"] == 2
    assert s["has_hr"] and s["has_elevation"] and s["laps"] == 0 and not s["partial"]


def test_altitude_spikes_are_removed_but_real_climbs_kept():
    climb = [100.0 + 3 * i for i in range(20)]  # 3 m per sample: steep but real
    climb[8] = 900.0  # a glitch
    climb[15] = -9999.0  # a sentinel value
    df, fixes = make_samples({"time": _times(*range(20)), "elevation_m": climb})
    assert np.isnan(df["elevation_m"].iloc[8]) and np.isnan(df["elevation_m"].iloc[15])
    assert df["elevation_m"].notna().sum() == 18
    assert df["elevation_m"].iloc[19] == 157.0
    assert "removed 1 altitude spikes" in fixes
    assert any(f.startswith("removed 1 impossible altitudes") for f in fixes)
