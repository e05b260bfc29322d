"""Frames to compact bytes and back, with the model's exact columns and dtypes."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from legday.model import LAP_COLUMNS, SAMPLE_COLUMNS, SET_COLUMNS, empty_frame, make_frame
from legday.store.frames import decode_frame, encode_frame


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
