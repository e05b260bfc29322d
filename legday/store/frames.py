"""Frames as compact bytes: one zstd-compressed Arrow IPC (Feather v2) blob per frame.

Arrow IPC rather than Parquet: on the Strava export's samples it is 15 % smaller
and decodes about twice as fast (scripts/bench_store.py loads whole seasons).
Blobs written as Parquet are still read, told apart by their magic bytes.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq

from legday.model import empty_frame

PARQUET_MAGIC = b"PAR1"

#: Rows per record batch: feather.write_feather's default chunk size.
FEATHER_CHUNK_ROWS = 64 * 1024
#: Feather v2's IPC options (zstd at Arrow's default level), without threads.
_WRITE_OPTIONS = pa.ipc.IpcWriteOptions(compression="zstd", allow_64bit=True,
                                        unify_dictionaries=True, use_threads=False)
_UTC_NS = pd.DatetimeTZDtype("ns", "UTC")
#: The Arrow type each model dtype is stored as (what encode_frame writes).
_STORED_AS: dict[str, tuple[pa.DataType, ...]] = {
    "float64": (pa.float64(),),
    "datetime64[ns, UTC]": (pa.timestamp("ns", tz="UTC"),),
    "object": (pa.string(), pa.large_string(), pa.null()),
}


def encode_frame(frame: pd.DataFrame) -> bytes | None:
    """Compressed bytes of ``frame`` (None for an empty frame: nothing to store)."""
    if frame.empty:
        return None
    # The bytes feather.write_feather(frame, compression="zstd") writes, made on one thread:
    # an import worker has one core, and threads for a few thousand rows cost more than
    # they gain (a third of the time).
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=None, nthreads=1)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=_WRITE_OPTIONS) as writer:
        writer.write_table(table, max_chunksize=FEATHER_CHUNK_ROWS)
    return bytes(sink.getvalue())


def decode_frame(blob: bytes | None, columns: dict[str, str]) -> pd.DataFrame:
    """The frame stored by :func:`encode_frame`, with exactly ``columns`` and their dtypes."""
    if not blob:
        return empty_frame(columns)
    source = io.BytesIO(blob)
    table = (pq.read_table(source) if blob[:4] == PARQUET_MAGIC
             else feather.read_table(source, use_threads=False))
    direct = _from_arrow(table, columns)
    return direct if direct is not None else _through_pandas(table, columns)


def _from_arrow(table: pa.Table, columns: dict[str, str]) -> pd.DataFrame | None:
    """The frame built straight from the Arrow columns when each is stored as its model
    dtype (every blob encode_frame writes), else None. About 10x faster than going
    through ``Table.to_pandas``, which builds a frame only to convert every column again."""
    if table.num_rows == 0 or any(
            name not in table.column_names or table.schema.field(name).type
            not in _STORED_AS.get(dtype, ()) for name, dtype in columns.items()):
        return None
    n = table.num_rows
    out: dict[str, Any] = {}
    for name, dtype in columns.items():
        column = table.column(name)
        if dtype == "float64":
            out[name] = column.to_numpy()  # nulls (stored NaN) come back as NaN
        elif dtype == "object":
            objects = np.empty(n, dtype=object)
            objects[:] = column.to_pylist()  # str or None, as the model keeps text
            # A Series keeps the object dtype a plain array would lose to string inference.
            out[name] = pd.Series(objects, dtype="object", index=pd.RangeIndex(n))
        else:
            out[name] = pd.array(column.to_numpy(), dtype=_UTC_NS)
    return pd.DataFrame(out, index=pd.RangeIndex(n))


def _through_pandas(table: pa.Table, columns: dict[str, str]) -> pd.DataFrame:
    """The general path: any stored column types, missing columns filled."""
    frame = table.to_pandas()
    out = {}
    dtype: Any
    for name, dtype in columns.items():
        if name not in frame.columns:
            out[name] = empty_frame({name: dtype})[name].reindex(range(len(frame)))
        elif dtype == "object":
            # Arrow strings come back as pandas' str dtype: the model keeps objects (None).
            col = frame[name].astype(object)
            out[name] = col.where(col.notna(), None)
        elif str(frame[name].dtype) != dtype:
            out[name] = frame[name].astype(dtype)
        else:
            out[name] = frame[name]
    return pd.DataFrame(out)
