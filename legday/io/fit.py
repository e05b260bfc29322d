"""Read FIT activity files (Garmin, COROS, Suunto, Wahoo, Polar, Zwift, ...) into activities.

fitparse does the decoding. This module adds what real watch exports need on top:
chained files, damaged and truncated files (the readable part is kept and the
activity is marked partial), malformed field definitions, multisport files (one
activity per session) and the unit conversions of legday's canonical model.

Decoding runs with a data processor that leaves values as the profile decodes them
(times stay integer seconds), so reading costs less than a plain ``fitparse`` pass.
Separate ``hr`` messages (heart rate stored by chest straps during pool swims) are
not merged into the samples: only ``record`` messages become samples.
"""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from fitparse import records as fit_records
from fitparse.base import FitFile
from fitparse.profile import FIELD_TYPE_TIMESTAMP, MESSAGE_TYPES
from fitparse.records import (
    BASE_TYPE_BYTE,
    BASE_TYPES,
    DefinitionMessage,
    DevField,
    DevFieldDefinition,
    FieldDefinition,
)
from fitparse.utils import FitEOFError, FitParseError

from legday.errors import CorruptFile, EmptyActivity, LegdayError, NotAnActivity
from legday.io.sport import normalise_sport
from legday.model import (
    EVENT_COLUMNS,
    LAP_COLUMNS,
    SET_COLUMNS,
    Activity,
    Device,
    Sport,
    content_id,
    make_frame,
    make_samples,
)

__all__ = ["read_fit"]

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_S = 631_065_600
#: FIT times below this are seconds since the device was switched on, not clock times.
_RELATIVE_TIME_LIMIT = 0x10000000
_SEMICIRCLE_DEG = 180.0 / 2**31

_FILE_ID, _SPORT, _SESSION, _LAP, _RECORD, _EVENT, _ACTIVITY = 0, 12, 18, 19, 20, 21, 34
_LENGTH, _SET = 101, 225
_SUMMARY_MESSAGES = frozenset({_FILE_ID, _SPORT, _SESSION, _LAP, _EVENT, _ACTIVITY, _LENGTH, _SET})
#: Key under which a summary message remembers how many records came before it.
_RECORDS_BEFORE = "_records_before"

#: The ``record`` fields legday keeps, keyed by the profile's field objects so that
#: developer fields that happen to share a name (an app's "heart_rate") never match.
_RECORD_FIELD_NAMES = (
    "timestamp", "position_lat", "position_long", "altitude", "enhanced_altitude", "speed",
    "enhanced_speed", "distance", "heart_rate", "cadence", "fractional_cadence", "power",
    "temperature",
)
_RECORD_FIELDS: dict[Any, str] = {
    f: f.name for f in MESSAGE_TYPES[_RECORD].fields.values() if f.name in _RECORD_FIELD_NAMES
}

#: Garmin exercise categories (FIT profile ``exercise_category``), for raw numbers.
EXERCISE_CATEGORIES: dict[int, str] = {
    0: "bench_press", 1: "calf_raise", 2: "cardio", 3: "carry", 4: "chop", 5: "core",
    6: "crunch", 7: "curl", 8: "deadlift", 9: "flye", 10: "hip_raise", 11: "hip_stability",
    12: "hip_swing", 13: "hyperextension", 14: "lateral_raise", 15: "leg_curl", 16: "leg_raise",
    17: "lunge", 18: "olympic_lift", 19: "plank", 20: "plyo", 21: "pull_up", 22: "push_up",
    23: "row", 24: "shoulder_press", 25: "shoulder_stability", 26: "shrug", 27: "sit_up",
    28: "squat", 29: "total_body", 30: "triceps_extension", 31: "warm_up", 32: "run",
    33: "bike", 34: "cardio_sensors", 35: "move", 36: "pose", 37: "banded_exercises",
    38: "battle_rope", 39: "elliptical", 40: "floor_climb", 41: "indoor_bike",
    42: "indoor_row", 43: "ladder", 44: "sandbag", 45: "sled", 46: "sledge_hammer",
    47: "stair_stepper", 49: "suspension", 50: "tire", 52: "run_indoor", 53: "bike_outdoor",
    65534: "unknown",
}

#: Lap intensity by raw value; fitparse 1.2.0 names only 0-3.
_INTENSITIES: dict[int, str] = {
    0: "active", 1: "rest", 2: "warmup", 3: "cooldown", 4: "recovery", 5: "interval",
}
_INTENSITY_NAMES = frozenset(_INTENSITIES.values())

_TIMER_STOPS = frozenset({"stop", "stop_all", "stop_disable", "stop_disable_all"})
_SET_TYPES: dict[Any, str] = {"active": "active", "rest": "rest", 1: "active", 0: "rest"}
_STEP_CADENCE_SPORTS = frozenset(
    {Sport.RUN, Sport.TRAIL_RUN, Sport.TREADMILL_RUN, Sport.WALK, Sport.HIKE}
)

#: What a runner calls each FIT file type that is not an activity recording.
_FILE_KINDS: dict[str, str] = {
    "device": "a device description file",
    "settings": "a settings file",
    "sport": "a sport settings file",
    "workout": "a workout plan",
    "course": "a course (a planned route)",
    "schedules": "a training schedule",
    "weight": "a weight-scale measurement",
    "totals": "a lifetime totals file",
    "goals": "a goals file",
    "blood_pressure": "a blood-pressure measurement",
    "monitoring_a": "daily activity tracking (monitoring) data",
    "monitoring_b": "daily activity tracking (monitoring) data",
    "monitoring_daily": "daily activity tracking (monitoring) data",
    "activity_summary": "an activity summary without the recording",
    "segment": "a segment",
    "segment_list": "a segment list",
    "exd_configuration": "a data-screen configuration",
}

# fitparse keeps developer-field definitions in a module-level dict; reads are
# serialised and each gets a fresh dict so one file's definitions never leak into another.
_FITPARSE_LOCK = threading.Lock()


# ---------------------------------------------------------------------------
# fitparse, made lenient


class _RawProcessor:
    """A fitparse data processor that keeps profile-decoded values (times as integers)."""

    def run_type_processor(self, field_data: Any) -> None:
        return None

    def run_field_processor(self, field_data: Any) -> None:
        return None

    def run_unit_processor(self, field_data: Any) -> None:
        return None

    def run_message_processor(self, data_message: Any) -> None:
        return None


_DEVELOPER_MESSAGES = (206, 207)  # field_description, developer_data_id
_SCALAR, _ARRAY, _BYTES = 0, 1, 2


class _Value:
    """One decoded field: a light stand-in for fitparse's ``FieldData``."""

    __slots__ = ("field", "value", "raw_value", "parent_field")

    def __init__(self, fit_field: Any, value: Any, raw_value: Any, parent_field: Any) -> None:
        self.field = fit_field
        self.value = value
        self.raw_value = raw_value
        self.parent_field = parent_field


class _Data:
    """One decoded data message: a light stand-in for fitparse's ``DataMessage``."""

    __slots__ = ("def_mesg", "fields")
    type = "data"

    def __init__(self, def_mesg: Any, fields: list[_Value]) -> None:
        self.def_mesg = def_mesg
        self.fields = fields

    @property
    def mesg_num(self) -> int:
        return int(self.def_mesg.mesg_num)

    @property
    def mesg_type(self) -> Any:
        return self.def_mesg.mesg_type

    @property
    def name(self) -> str:
        return str(self.def_mesg.name)


@dataclass(frozen=True)
class _Plan:
    """How to unpack the data messages of one definition with a single ``struct`` call."""

    unpack: Any
    size: int  # [bytes]
    slots: tuple[tuple[int, int, Any, int], ...]  # (first item, items, parse, kind)
    defs: tuple[Any, ...]
    timestamp: tuple[bool, ...]  # native field 253: feeds compressed timestamps


def _plan(definition: Any) -> _Plan:
    fmt, slots, start, timestamp = [], [], 0, []
    defs = tuple(definition.field_defs) + tuple(definition.dev_field_defs)
    for field_def in defs:
        base_type = field_def.base_type
        count = field_def.size // base_type.size
        fmt.append(f"{count}{base_type.fmt}")
        items = 1 if base_type.fmt == "s" else count
        if base_type.name == "byte":
            kind = _BYTES
        elif items > 1:
            kind = _ARRAY
        else:
            kind = _SCALAR
        slots.append((start, items, base_type.parse, kind))
        start += items
        timestamp.append(field_def.def_num == FIELD_TYPE_TIMESTAMP.def_num
                         and not isinstance(field_def, DevFieldDefinition))
    layout = struct.Struct(definition.endian + "".join(fmt))
    return _Plan(layout.unpack, layout.size, tuple(slots), defs, tuple(timestamp))


class _LenientFitFile(FitFile):
    """fitparse's reader, but it skips malformed field definitions instead of stopping.

    A field whose size does not fit its type, or a developer field whose description
    is missing, is read as opaque bytes and ignored; ``skipped`` counts them.
    Messages are not kept in memory: they are consumed once by the caller.
    """

    _complete: bool
    _bytes_left: int

    def __init__(self, payload: bytes, parse_end: int) -> None:
        self.skipped = 0
        self._plans: dict[int, tuple[Any, _Plan]] = {}
        super().__init__(payload, check_crc=False, data_processor=_RawProcessor())
        # Stop where the last complete FIT file ends, so trailing junk is never parsed.
        self._filesize = parse_end

    @property
    def position(self) -> int:
        """Bytes consumed so far. [bytes]"""
        return int(self._file.tell()) if self._file else int(self._filesize)

    def _parse_message(self) -> Any:
        while self._bytes_left <= 0:
            if not self._complete:
                self._read_and_assert_crc()
            if self._file.tell() >= self._filesize:
                self._complete = True
                self.close()
                return None
            self._parse_file_header()  # chained FIT file
        header = self._parse_message_header()
        if header.is_definition:
            return self._parse_definition_message(header)
        message = self._parse_data_message(header)
        if message.mesg_type is not None and message.mesg_num in _DEVELOPER_MESSAGES:
            self._register_developer_data(message)
        return message

    def _register_developer_data(self, message: Any) -> None:
        try:
            if message.mesg_num == 207:
                fit_records.add_dev_data_id(message)
            else:
                fit_records.add_dev_field_description(message)
        except (LookupError, TypeError, ValueError):
            self.skipped += 1

    def _parse_definition_message(self, header: Any) -> Any:
        endian = ">" if self._read_struct("xB") else "<"
        global_mesg_num, num_fields = self._read_struct("HB", endian=endian)
        mesg_type = MESSAGE_TYPES.get(global_mesg_num)
        field_defs = []
        for _ in range(num_fields):
            def_num, size, base_type_num = self._read_struct("3B", endian=endian)
            if size == 0:
                continue  # occupies no bytes: nothing to read
            fit_field = mesg_type.fields.get(def_num) if mesg_type else None
            base_type = BASE_TYPES.get(base_type_num, BASE_TYPE_BYTE)
            if size % base_type.size:
                self.skipped += 1
                fit_field, base_type = None, BASE_TYPE_BYTE
            if fit_field and fit_field.components:
                for component in fit_field.components:
                    if component.accumulate:
                        accumulators = self._accumulators.setdefault(global_mesg_num, {})
                        accumulators[component.def_num] = 0
            field_defs.append(
                FieldDefinition(field=fit_field, def_num=def_num, base_type=base_type, size=size)
            )
        dev_field_defs = []
        if header.is_developer_data:
            for _ in range(self._read_struct("B", endian=endian)):
                def_num, size, dev_index = self._read_struct("3B", endian=endian)
                if size == 0:
                    continue
                dev_field = self._dev_field(dev_index, def_num, size)
                dev_field_defs.append(
                    DevFieldDefinition(
                        field=dev_field, dev_data_index=dev_index, def_num=def_num, size=size
                    )
                )
        definition = DefinitionMessage(
            header=header, endian=endian, mesg_type=mesg_type, mesg_num=global_mesg_num,
            field_defs=field_defs, dev_field_defs=dev_field_defs,
        )
        self._local_mesgs[header.local_mesg_num] = definition
        self._plans[header.local_mesg_num] = (definition, _plan(definition))
        return definition

    def _parse_data_message(self, header: Any) -> Any:
        # fitparse's decoding, with one struct call per message and light field objects;
        # data processors are skipped (legday's is a no-op).
        definition = self._local_mesgs.get(header.local_mesg_num)
        if definition is None:
            raise FitParseError(
                f"Got data message with invalid local message type {header.local_mesg_num}")
        entry = self._plans.get(header.local_mesg_num)
        if entry is None or entry[0] is not definition or (
                definition.mesg_num in _DEVELOPER_MESSAGES):
            return super()._parse_data_message(header)
        plan = entry[1]
        raw = plan.unpack(self._read(plan.size)) if plan.size else ()
        raw_values: list[Any] = []
        for start, items, parse, kind in plan.slots:
            if kind == _SCALAR:
                raw_values.append(parse(raw[start]))
            elif kind == _ARRAY:
                raw_values.append(tuple(parse(v) for v in raw[start : start + items]))
            else:
                raw_values.append(parse(raw[start : start + items]))
        fields: list[_Value] = []
        for field_def, raw_value, is_timestamp in zip(plan.defs, raw_values, plan.timestamp,
                                                      strict=True):
            fit_field, parent = field_def.field, None
            if fit_field is None:
                value = raw_value
            else:
                if fit_field.subfields:
                    fit_field, parent = self._resolve_subfield(fit_field, definition, raw_values)
                if fit_field.components:
                    self._components(fit_field, definition, raw_value, raw_values, fields)
                value = self._apply_scale_offset(fit_field, fit_field.render(raw_value))
            if is_timestamp and raw_value is not None:
                self._compressed_ts_accumulator = raw_value
            fields.append(_Value(fit_field, value, raw_value, parent))
        if header.time_offset is not None:
            stamp = self._compressed_ts_accumulator = self._apply_compressed_accumulation(
                header.time_offset, self._compressed_ts_accumulator, 5)
            fields.append(_Value(FIELD_TYPE_TIMESTAMP, FIELD_TYPE_TIMESTAMP.render(stamp), stamp,
                                 None))
        return _Data(definition, fields)

    def _components(self, fit_field: Any, definition: Any, raw_value: Any,
                    raw_values: list[Any], fields: list[_Value]) -> None:
        for component in fit_field.components:
            try:
                component_raw = component.render(raw_value)
            except ValueError:
                continue
            if component.accumulate and component_raw is not None:
                accumulator = self._accumulators[definition.mesg_num]
                component_raw = self._apply_compressed_accumulation(
                    component_raw, accumulator[component.def_num], component.bits)
                accumulator[component.def_num] = component_raw
            component_raw = self._apply_scale_offset(component, component_raw)
            target = definition.mesg_type.fields[component.def_num]
            target, parent = self._resolve_subfield(target, definition, raw_values)
            fields.append(_Value(target, target.render(component_raw), component_raw, parent))

    def _dev_field(self, dev_index: int, def_num: int, size: int) -> Any:
        try:
            dev_field = fit_records.get_dev_type(dev_index, def_num)
            if size % dev_field.type.size == 0:
                return dev_field
        except (LookupError, ValueError):
            pass
        self.skipped += 1
        return DevField(
            dev_data_index=dev_index, def_num=def_num, type=BASE_TYPE_BYTE,
            name=f"unknown_dev_{dev_index}_{def_num}", units=None, native_field_num=None,
        )


# ---------------------------------------------------------------------------
# File layout: headers, chained files, truncation, checksums


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC_TABLE = _crc_table()


def _fit_crc(data: bytes) -> int:
    """The FIT checksum (CRC-16/ARC) of ``data``."""
    crc = 0
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _is_header(payload: bytes, offset: int) -> bool:
    return (len(payload) - offset >= 12 and payload[offset] >= 12
            and payload[offset + 8 : offset + 12] == b".FIT")


@dataclass
class _Layout:
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


def _scan_layout(payload: bytes, name: str) -> _Layout:
    size = len(payload)
    if not _is_header(payload, 0):
        raise CorruptFile(name, "this is not a readable FIT file: its header is damaged")
    layout = _Layout(payload=payload, parse_end=size)
    offset = 0
    while offset < size:
        if not _is_header(payload, offset):
            layout.trailing, layout.parse_end = size - offset, offset
            break
        header_size = payload[offset]
        data_size = int.from_bytes(payload[offset + 4 : offset + 8], "little")
        data_start = offset + header_size
        if data_size == 0 and size - data_start > 2 and not _is_header(payload, data_start + 2):
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
        if crc_read and _fit_crc(payload[offset : end - 2]) != crc_read:
            layout.bad_crc += 1
        offset = end
    return layout


# ---------------------------------------------------------------------------
# Reading the messages


@dataclass
class _Messages:
    """What one pass over the FIT messages collected."""

    n_records: int = 0
    record_rows: dict[str, list[int]] = field(default_factory=dict)
    record_values: dict[str, list[Any]] = field(default_factory=dict)
    summary: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    n_messages: int = 0
    skipped: int = 0
    error: Exception | None = None
    error_at: int = 0


def _message_values(message: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for data in message.fields:
        fit_field = data.field
        if fit_field is None or fit_field.field_type == "devfield":
            continue
        values[fit_field.name] = data.value
        parent = data.parent_field
        if parent is not None and parent.name not in values:
            values[parent.name] = data.value
    return values


def _read_messages(layout: _Layout) -> _Messages:
    out = _Messages(summary={num: [] for num in _SUMMARY_MESSAGES})
    rows: dict[str, list[int]] = {name: [] for name in _RECORD_FIELD_NAMES}
    values: dict[str, list[Any]] = {name: [] for name in _RECORD_FIELD_NAMES}
    wanted = _RECORD_FIELDS
    summary = out.summary
    n = 0
    with _FITPARSE_LOCK:
        saved_dev_types = fit_records.DEV_TYPES
        fit_records.DEV_TYPES = {}
        fit = None
        try:
            fit = _LenientFitFile(layout.payload, layout.parse_end)
            for message in fit.get_messages():
                num = message.def_mesg.mesg_num
                if num == _RECORD:
                    # The hot loop: only list appends per wanted field.
                    for data in message.fields:
                        key = wanted.get(data.field)
                        if key is not None:
                            rows[key].append(n)
                            values[key].append(data.value)
                    n += 1
                elif num in summary:
                    values_of = _message_values(message)
                    values_of[_RECORDS_BEFORE] = n
                    summary[num].append(values_of)
                out.n_messages += 1
        except Exception as exc:  # any decoder failure ends the readable part
            out.error = exc
            out.error_at = fit.position if fit is not None else 0
        finally:
            fit_records.DEV_TYPES = saved_dev_types
            if fit is not None:
                out.skipped = fit.skipped
                fit.close()
    out.n_records = n
    out.n_messages += n
    out.record_rows, out.record_values = rows, values
    return out


def _floats(values: list[Any]) -> np.ndarray:
    """Values as float64; None, text and arrays without a number become NaN."""
    try:
        return np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        return np.array([_float(v) for v in values], dtype="float64")


def _float(value: Any) -> float:
    if isinstance(value, tuple | list):
        value = next((v for v in value if v is not None), None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return float("nan")


def _record_columns(msgs: _Messages) -> dict[str, np.ndarray]:
    n = msgs.n_records
    columns: dict[str, np.ndarray] = {}
    for key, rows in msgs.record_rows.items():
        column = np.full(n, np.nan)
        if rows:
            column[np.asarray(rows, dtype=np.int64)] = _floats(msgs.record_values[key])
        columns[key] = column
    return columns


# ---------------------------------------------------------------------------
# Times


@dataclass(frozen=True)
class _Clock:
    """Which FIT times are usable: clock times, or (for old devices) times since power-on."""

    relative: bool

    def seconds(self, raw: Any) -> float | None:
        """FIT seconds of a raw time field, or None when it is missing or of the other kind."""
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            if (raw < _RELATIVE_TIME_LIMIT) == self.relative:
                return float(raw)
        return None

    def valid(self, seconds: np.ndarray) -> np.ndarray:
        ok = ~np.isnan(seconds)
        if self.relative:
            return ok & (seconds < _RELATIVE_TIME_LIMIT)
        return ok & (seconds >= _RELATIVE_TIME_LIMIT)


def _to_datetimes(seconds: np.ndarray) -> np.ndarray:
    """FIT seconds (NaN for missing) as datetime64[ns] UTC values, NaT where missing."""
    out = np.full(len(seconds), np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = ~np.isnan(seconds)
    # Whole seconds and the fraction apart: float64 cannot hold epoch nanoseconds exactly.
    # FIT durations have millisecond resolution.
    whole = np.floor(seconds[ok])
    fraction_ms = np.round((seconds[ok] - whole) * 1000).astype(np.int64)
    unix_ns = (whole.astype(np.int64) + FIT_EPOCH_S) * 1_000_000_000 + fraction_ms * 1_000_000
    out[ok] = unix_ns.view("datetime64[ns]")
    return out


def _timestamp(seconds: float | None) -> pd.Timestamp | None:
    if seconds is None:
        return None
    return pd.Timestamp(_to_datetimes(np.array([seconds]))[0]).tz_localize("UTC")


def _time_list(values: list[float | None]) -> np.ndarray:
    return _to_datetimes(np.array([np.nan if v is None else v for v in values], dtype="float64"))


def _number(value: Any) -> float | None:
    number = _float(value)
    return None if np.isnan(number) else number


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------------------
# Sessions and their pieces


@dataclass
class _Session:
    values: dict[str, Any]
    start: float | None  # FIT seconds


def _sessions(raw: list[dict[str, Any]], clock: _Clock) -> tuple[list[_Session], int]:
    """Sessions in time order, with exact duplicates (chained copies) dropped."""
    sessions: list[_Session] = []
    seen: set[tuple[Any, ...]] = set()
    duplicates = 0
    for values in raw:
        start = clock.seconds(values.get("start_time"))
        end = clock.seconds(values.get("timestamp"))
        elapsed = _number(values.get("total_elapsed_time"))
        if start is None and end is not None and elapsed is not None:
            start = end - elapsed
        key = (start, end, elapsed, _text(values.get("sport")),
               _number(values.get("total_distance")))
        if start is not None and key in seen:
            duplicates += 1
            continue
        seen.add(key)
        sessions.append(_Session(values, start))
    # Sessions without any time sort right after the one before them.
    previous = -np.inf
    keys = []
    for session in sessions:
        previous = session.start if session.start is not None else previous
        keys.append(previous)
    order = np.argsort(np.array(keys, dtype="float64"), kind="stable")
    return [sessions[i] for i in order], duplicates


def _assign(times: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Index of the session each time belongs to: the last one starting at or before it."""
    if len(starts) <= 1:
        return np.zeros(len(times), dtype=np.int64)
    index = np.searchsorted(starts, times, side="right") - 1
    return np.clip(index, 0, len(starts) - 1)


def _starts(sessions: list[_Session]) -> np.ndarray:
    starts = np.array([-np.inf if s.start is None else s.start for s in sessions])
    return np.maximum.accumulate(starts) if len(starts) else starts


def _dedupe(items: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for item in items:
        key = tuple(_text(item.get(k)) for k in keys)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _laps(laps: list[dict[str, Any]], clock: _Clock) -> tuple[pd.DataFrame, list[float]]:
    starts: list[float | None] = []
    ends: list[float | None] = []
    intensity: list[str | None] = []
    for lap in laps:
        end = clock.seconds(lap.get("timestamp"))
        start = clock.seconds(lap.get("start_time"))
        elapsed = _number(lap.get("total_elapsed_time"))
        if start is None and end is not None and elapsed is not None:
            start = end - elapsed
        if start is not None and elapsed and (end is None or end <= start):
            # Some watches stamp every lap with the activity's start time.
            end = start + elapsed
        starts.append(start)
        ends.append(end)
        intensity.append(_intensity(lap.get("intensity")))
    frame = make_frame(LAP_COLUMNS, {
        "start": _time_list(starts),
        "end": _time_list(ends),
        "elapsed_s": [_number(lap.get("total_elapsed_time")) for lap in laps],
        "timer_s": [_number(lap.get("total_timer_time")) for lap in laps],
        "distance_m": [_number(lap.get("total_distance")) for lap in laps],
        "trigger": [_text(lap.get("lap_trigger")) for lap in laps],
        "intensity": intensity,
    })
    keys = [np.nan if start is None else start for start in starts]
    return frame, keys


def _intensity(value: Any) -> str | None:
    if isinstance(value, str):
        return value if value in _INTENSITY_NAMES else None
    if isinstance(value, int):
        return _INTENSITIES.get(value)
    return None


def _timer_events(events: list[dict[str, Any]], clock: _Clock) -> tuple[pd.DataFrame, list[float]]:
    times: list[float | None] = []
    kinds: list[str] = []
    for event in events:
        if event.get("event") != "timer":
            continue
        event_type = event.get("event_type")
        kind = "start" if event_type == "start" else "stop" if event_type in _TIMER_STOPS else None
        time = clock.seconds(event.get("timestamp"))
        if kind is None or time is None:
            continue
        times.append(time)
        kinds.append(kind)
    frame = make_frame(EVENT_COLUMNS, {"time": _time_list(times), "event": kinds})
    return frame, [float(t) for t in times if t is not None]


def _sets(sets: list[dict[str, Any]], clock: _Clock) -> tuple[pd.DataFrame, list[float]]:
    starts: list[float | None] = []
    categories: list[str | None] = []
    exercises: list[str | None] = []
    for item in sets:
        duration = _number(item.get("duration"))
        start = clock.seconds(item.get("start_time"))
        end = clock.seconds(item.get("timestamp"))
        if start is None and end is not None:
            start = end - (duration or 0.0)
        starts.append(start)
        category, exercise = _exercise(item.get("category"), item.get("category_subtype"))
        categories.append(category)
        exercises.append(exercise)
    frame = make_frame(SET_COLUMNS, {
        "start": _time_list(starts),
        "duration_s": [_number(item.get("duration")) for item in sets],
        "set_type": [_SET_TYPES.get(item.get("set_type")) for item in sets],
        "category": categories,
        "exercise": exercises,
        "reps": [_number(item.get("repetitions")) for item in sets],
        "weight_kg": [_number(item.get("weight")) for item in sets],
    })
    return frame, [np.nan if s is None else s for s in starts]


def _exercise(category: Any, subtype: Any) -> tuple[str | None, str | None]:
    """The first recorded exercise category (as a name) and its subtype (as text)."""
    categories = list(category) if isinstance(category, tuple | list) else [category]
    subtypes = list(subtype) if isinstance(subtype, tuple | list) else [subtype]
    for i, value in enumerate(categories):
        if value is None:
            continue
        name = EXERCISE_CATEGORIES.get(value, str(value)) if isinstance(value, int) else str(value)
        sub = subtypes[i] if i < len(subtypes) else None
        return name, _text(sub)
    return None, None


# ---------------------------------------------------------------------------
# Assembly


def _device(file_ids: list[dict[str, Any]]) -> Device:
    chosen = next((f for f in file_ids if f.get("type") == "activity"),
                  file_ids[0] if file_ids else {})
    product = chosen.get("garmin_product")
    if product is None:
        product = chosen.get("product")
    # A product number unknown to the profile says less than the name the device wrote.
    if not isinstance(product, str) and chosen.get("product_name") is not None:
        product = chosen.get("product_name")
    return Device(manufacturer=_text(chosen.get("manufacturer")), product=_text(product))


def _utc_offset(activity: list[dict[str, Any]]) -> int | None:
    for values in activity:
        utc, local = values.get("timestamp"), values.get("local_timestamp")
        if not (isinstance(utc, int) and isinstance(local, int)):
            continue
        if min(utc, local) >= _RELATIVE_TIME_LIMIT:
            offset = round((local - utc) / 900) * 900
            if abs(offset) <= 14 * 3600:
                return int(offset)
    return None


def _moving_s(times: pd.Series, events: pd.DataFrame) -> float | None:
    """Timer time without a session summary: from timer events, else from the samples. [s]"""
    if len(events):
        total, started = 0.0, None
        for time, kind in zip(events["time"], events["event"], strict=True):
            if kind == "start" and started is None:
                started = time
            elif kind == "stop" and started is not None:
                total += (time - started).total_seconds()
                started = None
        if started is None and total > 0:
            return total
    if len(times) < 2:
        return None
    steps = np.diff(times.to_numpy("datetime64[ns]").astype("int64")) / 1e9
    # A step longer than a minute is a pause, not movement.
    return float(steps[steps <= 60].sum())


def _not_an_activity(file_ids: list[dict[str, Any]], name: str) -> None:
    kinds = [f.get("type") for f in file_ids if f.get("type") is not None]
    if kinds and "activity" not in kinds:
        kind = kinds[0]
        what = _FILE_KINDS.get(str(kind), f"a FIT file of type {kind}")
        raise NotAnActivity(name, f"this is {what}, not an activity recording")


def _file_fixes(layout: _Layout, msgs: _Messages, size: int) -> list[str]:
    """One sentence per kind of damage, in words a runner understands."""
    fixes = []
    if layout.unclosed:
        fixes.append("the recording was not closed properly (its header says it holds no "
                     "data); the data after the header was read anyway")
    garbled = msgs.error is not None and not isinstance(msgs.error, FitEOFError)
    if garbled:
        fixes.append(f"the file is damaged after {msgs.error_at} of its {size} bytes; "
                     "the readable part was kept")
    ends_early = layout.expected_size is not None or isinstance(msgs.error, FitEOFError)
    if ends_early:
        fixes.append(f"file ends early after {size} bytes; the readable part was kept")
    if layout.bad_crc and not (garbled or ends_early):
        # A short or damaged file fails its checksum anyway: only say it when nothing else did.
        fixes.append("the file's checksum does not match its content, so some values may be "
                     "damaged; everything readable was kept")
    if layout.trailing:
        fixes.append(f"ignored {layout.trailing} unreadable bytes after the end of the recording")
    if msgs.skipped:
        fixes.append(f"skipped {msgs.skipped} malformed field definitions the device wrote")
    return fixes


def _corrupt_detail(msgs: _Messages, layout: _Layout) -> str:
    if layout.expected_size is not None or isinstance(msgs.error, FitEOFError):
        return "the file ends too early and none of its activity data could be read"
    if msgs.error is not None:
        return "the file is damaged and nothing readable was found in it"
    return "the file is damaged and holds no activity data"


@dataclass
class _Parts:
    """The file-wide pieces every session's activity is cut from."""

    columns: dict[str, np.ndarray]
    seconds: np.ndarray  # FIT seconds per record, NaN where unusable
    laps: pd.DataFrame
    lap_keys: np.ndarray
    events: pd.DataFrame
    event_keys: np.ndarray
    sets: pd.DataFrame
    set_keys: np.ndarray


def _session_samples(parts: _Parts, mask: np.ndarray, sport: Sport) -> dict[str, Any]:
    c = parts.columns
    speed = np.where(np.isnan(c["enhanced_speed"][mask]), c["speed"][mask],
                     c["enhanced_speed"][mask])
    elevation = np.where(np.isnan(c["enhanced_altitude"][mask]), c["altitude"][mask],
                         c["enhanced_altitude"][mask])
    fraction = c["fractional_cadence"][mask]
    cadence = c["cadence"][mask] + np.where(np.isnan(fraction), 0.0, fraction)
    if sport in _STEP_CADENCE_SPORTS:
        cadence = cadence * 2  # FIT counts strides (one foot); legday counts steps
    return {
        "time": _to_datetimes(parts.seconds[mask]),
        "lat": c["position_lat"][mask] * _SEMICIRCLE_DEG,
        "lon": c["position_long"][mask] * _SEMICIRCLE_DEG,
        "elevation_m": elevation,
        "distance_m": c["distance"][mask],
        "speed_mps": speed,
        "heart_rate": c["heart_rate"][mask],
        "cadence_spm": cadence,
        "power_w": c["power"][mask],
        "temperature_c": c["temperature"][mask],
    }


def _record_times(msgs: _Messages, raw: np.ndarray) -> tuple[_Clock, np.ndarray, int]:
    """The clock kind, usable FIT seconds per record, and how many came from pool lengths."""
    absolute = int((raw >= _RELATIVE_TIME_LIMIT).sum())
    relative = int((raw < _RELATIVE_TIME_LIMIT).sum())
    clock = _Clock(relative=absolute == 0 and relative > 0)
    seconds = np.where(clock.valid(raw), raw, np.nan)
    # Older swim watches write pool-length records without a time, each followed by its
    # ``length`` message: the record is the state at the end of that length.
    filled = 0
    for length in msgs.summary[_LENGTH]:
        row = length[_RECORDS_BEFORE] - 1
        start = clock.seconds(length.get("start_time"))
        elapsed = _number(length.get("total_elapsed_time"))
        if 0 <= row < len(seconds) and np.isnan(seconds[row]) and start is not None:
            seconds[row] = start + (elapsed or 0.0)
            filled += 1
    return clock, seconds, filled


def _drop_garbled_tail(msgs: _Messages, columns: dict[str, np.ndarray],
                       seconds: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Drop the last record before a decoding error when its time is implausible.

    A reader that lost its place decodes shifted bytes as one more record before it
    fails; its time is then years away from the record before it.
    """
    if msgs.error is None or isinstance(msgs.error, FitEOFError) or len(seconds) < 2:
        return columns, seconds
    valid = np.flatnonzero(~np.isnan(seconds[:-1]))
    last = seconds[-1]
    if len(valid) and not np.isnan(last) and 0 <= last - seconds[valid[-1]] <= 600:
        return columns, seconds
    return {k: v[:-1] for k, v in columns.items()}, seconds[:-1]


def _refuse_empty(msgs: _Messages, layout: _Layout, name: str) -> None:
    if layout.damaged or msgs.error is not None:
        raise CorruptFile(name, _corrupt_detail(msgs, layout))
    if msgs.n_records:
        raise EmptyActivity(name, f"none of the activity's {msgs.n_records} samples has a time")
    if msgs.n_messages <= len(msgs.summary[_FILE_ID]):
        raise EmptyActivity(name, "the file holds only its header and no recorded samples")
    raise EmptyActivity(name, "the activity has no recorded samples")


def _build(payload: bytes, name: str) -> list[Activity]:
    if len(payload) == 0:
        raise EmptyActivity(name, "the file is empty (0 bytes)")
    layout = _scan_layout(payload, name)
    msgs = _read_messages(layout)
    summary = msgs.summary
    _not_an_activity(summary[_FILE_ID], name)

    columns = _record_columns(msgs)
    clock, seconds, from_lengths = _record_times(msgs, columns.pop("timestamp"))
    columns, seconds = _drop_garbled_tail(msgs, columns, seconds)
    sessions, duplicate_sessions = _sessions(summary[_SESSION], clock)
    laps, lap_keys = _laps(_dedupe(summary[_LAP], ("start_time", "timestamp", "total_distance",
                                                   "total_elapsed_time")), clock)
    events, event_keys = _timer_events(_dedupe(summary[_EVENT], ("timestamp", "event",
                                                                 "event_type")), clock)
    sets, set_keys = _sets(_dedupe(summary[_SET], ("start_time", "timestamp", "duration",
                                                   "set_type")), clock)
    if not (np.isfinite(seconds).any() or any(s.start is not None for s in sessions)
            or len(sets)):
        _refuse_empty(msgs, layout, name)

    fixes = _file_fixes(layout, msgs, len(payload))
    if duplicate_sessions:
        fixes.append(f"the file holds {duplicate_sessions} session(s) twice; each was read once")
    if clock.relative:
        fixes.append("the device recorded time since it was switched on, not the clock time, "
                     "so the date of this activity is unknown")
    if from_lengths:
        fixes.append(f"{from_lengths} pool-length samples without a time were given the end "
                     "time of their length")
    partial = layout.damaged or msgs.error is not None or msgs.skipped > 0

    parts = _Parts(columns, seconds, laps, np.asarray(lap_keys, dtype="float64"), events,
                   np.asarray(event_keys, dtype="float64"), sets,
                   np.asarray(set_keys, dtype="float64"))
    if not sessions:
        sport_msg = summary[_SPORT][0] if summary[_SPORT] else {}
        sessions = [_Session({"sport": sport_msg.get("sport"),
                              "sub_sport": sport_msg.get("sub_sport")}, None)]
    starts = _starts(sessions)
    record_session = _assign(np.where(np.isnan(seconds), -np.inf, seconds), starts)
    common = {
        "device": _device(summary[_FILE_ID]),
        "utc_offset_s": None if clock.relative else _utc_offset(summary[_ACTIVITY]),
    }
    return [
        _activity(payload, name, index, session, parts, record_session == index, starts, clock,
                  fixes, partial, common)
        for index, session in enumerate(sessions)
    ]


def _select(frame: pd.DataFrame, keys: np.ndarray, starts: np.ndarray, index: int) -> pd.DataFrame:
    if len(frame) == 0:
        return frame
    owner = _assign(np.where(np.isnan(keys), -np.inf, keys), starts)
    return frame[owner == index].reset_index(drop=True)


def _activity(payload: bytes, name: str, index: int, session: _Session, parts: _Parts,
              mask: np.ndarray, starts: np.ndarray, clock: _Clock, file_fixes: list[str],
              partial: bool, common: dict[str, Any]) -> Activity:
    values = session.values
    sport_original = _text(values.get("sport"))
    sub_sport_original = _text(values.get("sub_sport"))
    sport = normalise_sport(sport_original, sub_sport_original)
    samples, sample_fixes = make_samples(_session_samples(parts, mask, sport))
    events = _select(parts.events, parts.event_keys, starts, index)
    elapsed = _number(values.get("total_elapsed_time"))
    moving = _number(values.get("total_timer_time"))
    distance = _number(values.get("total_distance"))
    if elapsed is None and len(samples) > 1:
        elapsed = float((samples["time"].iloc[-1] - samples["time"].iloc[0]).total_seconds())
    if moving is None and session.start is None:
        moving = _moving_s(samples["time"], events)
    if distance is None and samples["distance_m"].notna().any():
        distance = float(samples["distance_m"].max())
    start = None if clock.relative else _timestamp(session.start)
    if start is None and len(samples) and not clock.relative:
        start = samples["time"].iloc[0]
    return Activity(
        id=content_id(payload, index),
        source=name,
        format="fit",
        sport=sport,
        sport_original=sport_original,
        sub_sport_original=sub_sport_original,
        start_utc=start,
        elapsed_s=elapsed,
        moving_s=moving,
        distance_m=distance,
        samples=samples,
        laps=_select(parts.laps, parts.lap_keys, starts, index),
        timer_events=events,
        sets=_select(parts.sets, parts.set_keys, starts, index),
        partial=partial,
        fixes=[*file_fixes, *sample_fixes],
        **common,
    )


def read_fit(payload: bytes, *, name: str) -> list[Activity]:
    """Read a FIT file into one activity per session.

    Parameters
    ----------
    payload
        The raw FIT bytes (already decompressed when the file was gzipped).
    name
        The file name, used as ``Activity.source`` and at the start of every error message.

    Returns
    -------
    list of Activity
        One per session (multisport and chained files give several), in time order.
        Samples carry degrees, metres [m], [m/s], [bpm], steps per minute when running
        (FIT strides doubled; rpm otherwise), [W] and [°C]. A damaged file gives its
        readable part with ``partial=True`` and a sentence in ``fixes``.

    Raises
    ------
    NotAnActivity
        The file is a workout, course, settings, monitoring, weight... file.
    EmptyActivity
        The file is empty or the activity has no usable samples, session or sets.
    CorruptFile
        The file is damaged and nothing readable was found in it.
    """
    try:
        return _build(payload, name)
    except LegdayError:
        raise
    except Exception as exc:
        raise CorruptFile(name, "the file could not be read: its content is damaged") from exc
