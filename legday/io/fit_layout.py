"""What both FIT decoders share: the file layout, the checksum and what a pass collects.

legday decodes FIT messages in two ways (see docs/model.md): :mod:`legday.io.fit_fast`
walks the bytes itself and decodes records with numpy, and :mod:`legday.io.fit_fitparse`
runs fitparse, for the files the fast walker refuses and as the oracle in tests. Both
start from the :class:`Layout` found here and fill the same :class:`Messages`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from legday.errors import CorruptFile

_fastcrc_arc: Callable[[bytes], int] | None
try:  # a compiled CRC (fastcrc on PyPI); the numpy tree below is the fallback
    from fastcrc import crc16 as _fastcrc16

    _fastcrc_arc = _fastcrc16.arc
except ImportError:
    _fastcrc_arc = None

FILE_ID, SPORT, SESSION, LAP, RECORD, EVENT, ACTIVITY = 0, 12, 18, 19, 20, 21, 34
LENGTH, SET = 101, 225
WORKOUT, WORKOUT_STEP = 26, 27
FIELD_DESCRIPTION, DEVELOPER_DATA_ID = 206, 207
#: The fields legday reads from each summary message (``legday.io.fit`` uses no others).
SUMMARY_FIELDS: dict[int, frozenset[str]] = {
    FILE_ID: frozenset({"type", "manufacturer", "product", "garmin_product", "product_name"}),
    SPORT: frozenset({"sport", "sub_sport"}),
    SESSION: frozenset({"start_time", "timestamp", "total_elapsed_time", "total_timer_time",
                        "total_distance", "sport", "sub_sport"}),
    LAP: frozenset({"start_time", "timestamp", "total_elapsed_time", "total_timer_time",
                    "total_distance", "lap_trigger", "intensity"}),
    EVENT: frozenset({"timestamp", "event", "event_type"}),
    ACTIVITY: frozenset({"timestamp", "local_timestamp"}),
    LENGTH: frozenset({"start_time", "total_elapsed_time"}),
    SET: frozenset({"start_time", "timestamp", "duration", "set_type", "category",
                    "category_subtype", "repetitions", "weight"}),
    # A structured workout the watch followed: its name and steps (legday.plan reads them).
    WORKOUT: frozenset({"wkt_name"}),
    WORKOUT_STEP: frozenset({"message_index", "wkt_step_name", "duration_type",
                             "duration_time", "duration_distance", "duration_step",
                             "repeat_steps", "intensity"}),
}
SUMMARY_MESSAGES = frozenset(SUMMARY_FIELDS)
#: Key under which a summary message remembers how many records came before it.
RECORDS_BEFORE = "_records_before"

#: The ``record`` fields legday keeps (the profile's names).
RECORD_FIELD_NAMES = (
    "timestamp", "position_lat", "position_long", "altitude", "enhanced_altitude", "speed",
    "enhanced_speed", "distance", "heart_rate", "cadence", "fractional_cadence", "power",
    "temperature",
)

ErrorKind = Literal["eof", "garbled"]


@dataclass
class Messages:
    """What one pass over the FIT messages collected.

    ``record_columns`` holds one float array per name of :data:`RECORD_FIELD_NAMES`
    (NaN where a record lacks the field or its value is not a number); ``summary``
    maps each of :data:`SUMMARY_MESSAGES` to its messages' values by field name.
    """

    n_records: int = 0
    record_columns: dict[str, np.ndarray] = field(default_factory=dict)
    summary: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    n_messages: int = 0
    skipped: int = 0
    error: ErrorKind | None = None  # why decoding stopped early: the file ended, or garbage
    error_at: int = 0  # byte offset where decoding stopped [bytes]


def empty_summary() -> dict[int, list[dict[str, Any]]]:
    return {num: [] for num in SUMMARY_MESSAGES}


def as_float(value: Any) -> float:
    """A decoded value as a float: the first number of an array, NaN for text or nothing."""
    if isinstance(value, tuple | list):
        value = next((v for v in value if v is not None), None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return float("nan")


# ---------------------------------------------------------------------------
# File layout: headers, chained files, truncation, checksums


def _crc_table() -> np.ndarray:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return np.array(table, dtype=np.uint16)


_CRC_TABLE = _crc_table()


@functools.cache
def _crc_shift(level: int) -> np.ndarray:
    """The checksum state after 2**level zero bytes, for every starting state."""
    if level == 0:
        states = np.arange(65536, dtype=np.uint16)
        return (states >> 8) ^ _CRC_TABLE[states & 0xFF]
    half = _crc_shift(level - 1)
    return half[half]


@functools.cache
def _crc_pairs() -> np.ndarray:
    """The checksum of every two-byte sequence, by its big-endian value."""
    pairs = np.arange(65536, dtype=np.uint16)
    return _crc_shift(0)[_CRC_TABLE[pairs >> 8]] ^ _CRC_TABLE[pairs & 0xFF]


def numpy_crc(data: bytes | memoryview) -> int:
    """The FIT checksum (CRC-16/ARC, initial value 0) of ``data``, without fastcrc.

    The checksum is linear, so it is computed as a tree in numpy: the checksum of
    every two-byte pair, then neighbouring blocks combined level by level
    (``crc(a + b) = shift(crc(a), len(b)) ^ crc(b)``). Leading zero bytes leave it
    unchanged, which pads the data to a power of two.
    """
    if len(data) % 2:
        data = b"\0" + bytes(data)
    count = len(data) // 2
    if count == 0:
        return 0
    levels = (count - 1).bit_length()
    values = np.zeros(1 << levels, dtype=np.uint16)
    values[(1 << levels) - count:] = _crc_pairs()[np.frombuffer(data, dtype=">u2")]
    for level in range(1, levels + 1):
        values = _crc_shift(level)[values[0::2]] ^ values[1::2]
    return int(values[0])


def fit_crc(data: bytes | memoryview) -> int:
    """The FIT checksum (CRC-16/ARC, initial value 0) of ``data``."""
    if _fastcrc_arc is None:
        return numpy_crc(data)
    return int(_fastcrc_arc(bytes(data)))


def is_header(payload: bytes, offset: int) -> bool:
    return (len(payload) - offset >= 12 and payload[offset] >= 12
            and payload[offset + 8 : offset + 12] == b".FIT")


@dataclass
class Layout:
    """Where the FIT files in a payload end and what is wrong with them."""

    payload: bytes  # with a repaired header when the recording was not closed
    parse_end: int  # stop parsing here [bytes]
    files: int = 0
    trailing: int = 0  # unreadable bytes after the last FIT file [bytes]
    unclosed: bool = False  # a header said "no data" although data followed
    expected_size: int | None = None  # what the header promised, when the file is shorter
    bad_crc: int = 0  # FIT files whose checksum does not match

    @property
    def damaged(self) -> bool:
        return bool(self.trailing or self.unclosed or self.expected_size or self.bad_crc)


def scan_layout(payload: bytes, name: str) -> Layout:
    size = len(payload)
    if not is_header(payload, 0):
        raise CorruptFile(name, "this is not a readable FIT file: its header is damaged")
    layout = Layout(payload=payload, parse_end=size)
    offset = 0
    while offset < size:
        if not is_header(payload, offset):
            layout.trailing, layout.parse_end = size - offset, offset
            break
        header_size = payload[offset]
        data_size = int.from_bytes(payload[offset + 4 : offset + 8], "little")
        data_start = offset + header_size
        if data_size == 0 and size - data_start > 2 and not is_header(payload, data_start + 2):
            # A recording that was never closed: the header still says "no data".
            data_size = size - data_start - 2
            payload = (payload[: offset + 4] + data_size.to_bytes(4, "little")
                       + payload[offset + 8 :])
            layout.payload, layout.unclosed = payload, True
        end = data_start + data_size + 2
        layout.files += 1
        if end > size:
            layout.expected_size = end
            break
        crc_read = int.from_bytes(payload[end - 2 : end], "little")
        if crc_read and fit_crc(memoryview(payload)[offset : end - 2]) != crc_read:
            layout.bad_crc += 1
        offset = end
    return layout
