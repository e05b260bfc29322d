"""Frames to compact bytes and back, with the model's exact columns and dtypes."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq

from legday.model import LAP_COLUMNS, SAMPLE_COLUMNS, SET_COLUMNS, empty_frame, make_frame
from legday.store.frames import _from_arrow, _through_pandas, decode_frame, encode_frame


def test_samples_round_trip_with_gaps():
    n = 500
    samples = make_frame(SAMPLE_COLUMNS, {
        "time": pd.date_range("2025-01-01T07:00:00Z", periods=n, freq="1s"),
        "lat": np.where(np.arange(n) % 50 == 0, np.nan, 47 + np.arange(n) * 1e-5),
        "lon": np.full(n, 8.0), "heart_rate": np.linspace(120, 170, n)})
    blob = encode_frame(samples)
    assert blob is not None and len(blob) < samples.memory_usage().sum() / 2
    pd.testing.assert_frame_equal(decode_frame(blob, SAMPLE_COLUMNS), samples)


def test_text_columns_keep_none():
    laps = make_frame(LAP_COLUMNS, {
        "start": pd.to_datetime(["2025-01-01T07:00:00Z", "2025-01-01T07:05:00Z"]),
        "trigger": ["manual", None], "intensity": [None, "active"],
        "distance_m": [1000.0, np.nan]})
    back = decode_frame(encode_frame(laps), LAP_COLUMNS)
    pd.testing.assert_frame_equal(back, laps)
    assert back["trigger"].tolist() == ["manual", None]


def test_empty_frames_store_nothing():
    assert encode_frame(empty_frame(SET_COLUMNS)) is None
    pd.testing.assert_frame_equal(decode_frame(None, SET_COLUMNS), empty_frame(SET_COLUMNS))


def test_parquet_blobs_are_still_read():
    sets = make_frame(SET_COLUMNS, {
        "start": pd.to_datetime(["2025-01-01T07:00:00Z"]), "set_type": ["active"],
        "category": ["squat"], "reps": [5.0], "weight_kg": [100.0]})
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(sets), buffer, compression="zstd")
    pd.testing.assert_frame_equal(decode_frame(buffer.getvalue(), SET_COLUMNS), sets)


def _feather_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    feather.write_feather(frame.reset_index(drop=True), buffer, compression="zstd")
    return buffer.getvalue()


def test_blobs_are_the_bytes_write_feather_writes():
    # Past one record batch (64k rows) too, and with a text column holding only None.
    n = 70_000
    samples = make_frame(SAMPLE_COLUMNS, {
        "time": pd.date_range("2025-01-01T07:00:00Z", periods=n, freq="1s"),
        "heart_rate": np.where(np.arange(n) % 7 == 0, np.nan, 150.0)})
    laps = make_frame(LAP_COLUMNS, {
        "start": pd.to_datetime(["2025-01-01T07:00:00Z", "2025-01-01T07:05:00Z"]),
        "trigger": ["manual", None]})
    for frame in (samples, laps):
        assert encode_frame(frame) == _feather_bytes(frame)


def test_blobs_read_straight_from_arrow_as_through_pandas():
    laps = make_frame(LAP_COLUMNS, {
        "start": pd.to_datetime(["2025-01-01T07:00:00Z", None]),
        "end": pd.to_datetime(["2025-01-01T07:05:00Z", "2025-01-01T07:09:00Z"]),
        "trigger": ["manual", None], "elapsed_s": [300.0, np.nan]})
    blob = encode_frame(laps)
    assert blob is not None
    table = feather.read_table(io.BytesIO(blob))
    direct = _from_arrow(table, LAP_COLUMNS)
    assert direct is not None
    pd.testing.assert_frame_equal(direct, _through_pandas(table, LAP_COLUMNS))
    assert direct["trigger"].tolist() == ["manual", None]
    assert direct["intensity"].tolist() == [None, None]


def test_blobs_of_other_types_or_columns_take_the_general_path():
    # Integers where the model has floats, a column missing: converted and filled as before.
    odd = pd.DataFrame({"time": pd.to_datetime(["2025-01-01T07:00:00Z"] * 2),
                        "heart_rate": np.array([140, 150], dtype=np.int64)})
    blob = _feather_bytes(odd)
    assert _from_arrow(feather.read_table(io.BytesIO(blob)), SAMPLE_COLUMNS) is None
    back = decode_frame(blob, SAMPLE_COLUMNS)
    assert list(back.columns) == list(SAMPLE_COLUMNS)
    assert back["heart_rate"].tolist() == [140.0, 150.0]
    assert back["lat"].isna().all() and str(back["lat"].dtype) == "float64"
