"""FIT messages through fitparse: the reader legday used before its own walker.

It is the fallback for the files :mod:`legday.io.fit_fast` refuses and the oracle the
tests compare the fast walker with. fitparse 1.2.0 stops at the first malformed field
definition and keeps developer-field descriptions in a module-level registry, so this
reader overrides a few of its private methods (hence the pinned version): malformed
definitions are read as opaque bytes and counted, chained files and unclosed headers are
followed to ``Layout.parse_end``, and every read gets a fresh registry.
"""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
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

from legday.io.fit_layout import (
    RECORD,
    RECORD_FIELD_NAMES,
    RECORDS_BEFORE,
    Layout,
    Messages,
    as_float,
    empty_summary,
)

__all__ = ["read_messages"]

#: The ``record`` fields legday keeps, keyed by the profile's field objects so that
#: developer fields that happen to share a name (an app's "heart_rate") never match.
_RECORD_FIELDS: dict[Any, str] = {
    f: f.name for f in MESSAGE_TYPES[RECORD].fields.values() if f.name in RECORD_FIELD_NAMES
}

# fitparse keeps developer-field definitions in a module-level dict; reads are
# serialised and each gets a fresh dict so one file's definitions never leak into another.
_FITPARSE_LOCK = threading.Lock()



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


def read_messages(layout: Layout) -> Messages:
    """Decode every message with fitparse, keeping what comes before a decoding error."""
    out = Messages(summary=empty_summary())
    rows: dict[str, list[int]] = {name: [] for name in RECORD_FIELD_NAMES}
    values: dict[str, list[Any]] = {name: [] for name in RECORD_FIELD_NAMES}
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
                if num == RECORD:
                    # The hot loop: only list appends per wanted field.
                    for data in message.fields:
                        key = wanted.get(data.field)
                        if key is not None:
                            rows[key].append(n)
                            values[key].append(data.value)
                    n += 1
                elif num in summary:
                    values_of = _message_values(message)
                    values_of[RECORDS_BEFORE] = n
                    summary[num].append(values_of)
                out.n_messages += 1
        except Exception as exc:  # any decoder failure ends the readable part
            out.error = "eof" if isinstance(exc, FitEOFError) else "garbled"
            out.error_at = fit.position if fit is not None else 0
        finally:
            fit_records.DEV_TYPES = saved_dev_types
            if fit is not None:
                out.skipped = fit.skipped
                fit.close()
    out.n_records = n
    out.n_messages += n
    out.record_columns = _record_columns(n, rows, values)
    return out


def _floats(values: list[Any]) -> np.ndarray:
    """Values as float64; None and text become NaN, an array its first number."""
    try:
        floats = np.asarray(values, dtype="float64")
        if floats.ndim == 1:
            return floats
    except (TypeError, ValueError):
        pass
    return np.array([as_float(v) for v in values], dtype="float64")


def _record_columns(n: int, rows: dict[str, list[int]],
                    values: dict[str, list[Any]]) -> dict[str, np.ndarray]:
    columns: dict[str, np.ndarray] = {}
    for key, at in rows.items():
        column = np.full(n, np.nan)
        if at:
            column[np.asarray(at, dtype=np.int64)] = _floats(values[key])
        columns[key] = column
    return columns
