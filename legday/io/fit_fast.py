"""FIT messages without fitparse's per-message objects: a byte walk and numpy.

One Python loop reads each message header and notes where the data messages of
every definition lie; nothing is decoded there. Then the ``record`` messages of
each definition are gathered into one ``(messages, bytes)`` array and read
through a numpy structured dtype, a column at a time. The few summary messages
(sessions, laps, events, sets...) are decoded one by one with ``struct``.

Values are those of :mod:`legday.io.fit_fitparse` (fitparse's profile gives the
names, scales and offsets; ``tests/io/test_fit_fast.py`` compares the two on
every corpus file). Whatever this walker does not model exactly raises
:class:`Unsupported` so that the caller decodes the file with fitparse instead:
compressed-timestamp headers, a data message of an undefined type, record fields
that are arrays or accumulate across messages, a message running past its file's
data, a damaged chained header.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from fitparse.profile import MESSAGE_TYPES
from fitparse.records import BASE_TYPE_BYTE, BASE_TYPES

from legday.io.fit_layout import (
    DEVELOPER_DATA_ID,
    FIELD_DESCRIPTION,
    RECORD,
    RECORD_FIELD_NAMES,
    RECORDS_BEFORE,
    SUMMARY_FIELDS,
    Layout,
    Messages,
    empty_summary,
    is_header,
)

__all__ = ["Unsupported", "read_messages"]


class Unsupported(Exception):
    """The file needs something this walker does not model: decode it with fitparse."""


#: numpy type and invalid value of each numeric FIT base type (by identifier).
_NUMERIC: dict[int, tuple[str, float]] = {
    0x00: ("u1", 0xFF), 0x01: ("i1", 0x7F), 0x02: ("u1", 0xFF), 0x83: ("i2", 0x7FFF),
    0x84: ("u2", 0xFFFF), 0x85: ("i4", 0x7FFFFFFF), 0x86: ("u4", 0xFFFFFFFF),
    0x88: ("f4", np.nan), 0x89: ("f8", np.nan), 0x0A: ("u1", 0), 0x8B: ("u2", 0),
    0x8C: ("u4", 0), 0x8E: ("i8", 0x7FFFFFFFFFFFFFFF), 0x8F: ("u8", 0xFFFFFFFFFFFFFFFF),
    0x90: ("u8", 0),
}
_RECORD_TYPE = MESSAGE_TYPES[RECORD]
_WANTED = {f: f.name for f in _RECORD_TYPE.fields.values() if f.name in RECORD_FIELD_NAMES}
_SCALAR, _ARRAY, _BYTES = 0, 1, 2
_UNDEFINED = -1  # local message type without a definition
_SLOW = -2  # local message type whose messages are decoded during the walk


@dataclass
class _FieldDef:
    field: Any  # the profile's Field, or None when unknown or malformed
    def_num: int
    base: Any  # fitparse BaseType
    size: int  # [bytes]
    offset: int  # from the start of the message's data [bytes]
    is_dev: bool = False


class _Format:
    """The layout a definition message gives its data messages.

    Formats without developer fields depend only on the definition's bytes, so they
    are shared by every definition (in any file) with the same bytes.
    """

    def __init__(self, mesg_num: int, endian: str, fields: list[_FieldDef],
                 malformed: int) -> None:
        self.mesg_num = mesg_num
        self.mesg_type = MESSAGE_TYPES.get(mesg_num)
        self.endian = endian
        self.fields = fields  # native fields first, then developer fields
        self.native = [f for f in fields if not f.is_dev]
        self.size = sum(f.size for f in fields)  # data bytes per message
        self.malformed = malformed  # fields whose size does not fit their type
        self._unpack: Callable[[bytes, int], tuple[Any, ...]] | None = None
        self._slots: tuple[tuple[int, int, Any, int], ...] = ()
        self._readers: dict[str, Callable[[np.ndarray], np.ndarray]] | None = None
        self._summary: list[tuple[int, Any]] | None = None

    def raw_values(self, payload: bytes, position: int) -> _RawValues:
        """The fields of the data message at ``position``, parsed as they are asked for."""
        if self._unpack is None:
            fmt, slots, start = [], [], 0
            for fd in self.fields:
                count = fd.size // fd.base.size
                fmt.append(f"{count}{fd.base.fmt}")
                items = 1 if fd.base.fmt == "s" else count
                kind = _BYTES if fd.base.name == "byte" else _ARRAY if items > 1 else _SCALAR
                slots.append((start, items, fd.base.parse, kind))
                start += items
            self._slots = tuple(slots)
            self._unpack = struct.Struct(self.endian + "".join(fmt)).unpack_from
        return _RawValues(self._unpack(payload, position + 1), self._slots)

    @property
    def readers(self) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
        if self._readers is None:
            self._readers = _column_readers(self)
        return self._readers

    @property
    def summary_fields(self) -> list[tuple[int, Any]]:
        """(index, field) of the native fields that can give a value legday reads."""
        if self._summary is None:
            wanted = SUMMARY_FIELDS[self.mesg_num]
            self._summary = [(i, fd.field) for i, fd in enumerate(self.native)
                             if fd.field is not None and _names(self.mesg_type, fd.field) & wanted]
        return self._summary


class _RawValues:
    """One message's field values as fitparse's base types parse them (invalid: None)."""

    __slots__ = ("_raw", "_slots", "_parsed")

    def __init__(self, raw: tuple[Any, ...], slots: tuple[tuple[int, int, Any, int], ...]):
        self._raw = raw
        self._slots = slots
        self._parsed: dict[int, Any] = {}

    def __getitem__(self, index: int) -> Any:
        if index in self._parsed:
            return self._parsed[index]
        start, items, parse, kind = self._slots[index]
        raw = self._raw
        if kind == _SCALAR:
            value = parse(raw[start])
        elif kind == _ARRAY:
            value = tuple(parse(v) for v in raw[start : start + items])
        else:
            value = parse(raw[start : start + items])
        self._parsed[index] = value
        return value


def _names(mesg_type: Any, fit_field: Any) -> set[str]:
    """Every name under which a field can store a value: its own, its subfields', its
    components' (and theirs)."""
    names = {fit_field.name, *(sub.name for sub in fit_field.subfields or ())}
    for owner in (fit_field, *(fit_field.subfields or ())):
        for component in owner.components or ():
            target = mesg_type.fields[component.def_num]
            names |= {target.name, *(sub.name for sub in target.subfields or ())}
    return names


@dataclass
class _Definition:
    """One definition message and the data messages that use it."""

    format: _Format
    positions: list[int] = field(default_factory=list)  # header offsets of its data messages


@dataclass
class _Walk:
    """State of one pass: definitions in order, developer fields, counts."""

    payload: bytes
    definitions: list[_Definition] = field(default_factory=list)
    developer_fields: dict[Any, dict[Any, Any]] = field(default_factory=dict)
    skipped: int = 0
    error: str | None = None


#: Formats by definition bytes; cleared when it grows past a bound (garbage makes many).
_FORMATS: dict[bytes, _Format] = {}
_FORMATS_BOUND = 4096


def read_messages(layout: Layout) -> Messages:
    """Decode the records and summary messages of ``layout``.

    Raises
    ------
    Unsupported
        When the file needs decoding that only fitparse does exactly.
    """
    walk = _Walk(layout.payload)
    _walk_files(walk, layout.parse_end)
    out = Messages(summary=empty_summary(), skipped=walk.skipped)
    if walk.error is not None:
        out.error, out.error_at = "eof", len(layout.payload)
    records = [d for d in walk.definitions if d.format.mesg_num == RECORD and d.positions]
    record_positions = np.sort(np.concatenate(
        [np.asarray(d.positions, dtype=np.int64) for d in records])) if records else \
        np.zeros(0, dtype=np.int64)
    out.n_records = len(record_positions)
    out.record_columns = _record_columns(walk.payload, records, record_positions)
    summaries = []
    for definition in walk.definitions:
        if definition.format.mesg_num in out.summary:
            for position in definition.positions:
                summaries.append((position, definition.format))
        out.n_messages += len(definition.positions)
    summaries.sort(key=lambda item: item[0])
    before = np.searchsorted(record_positions, [p for p, _ in summaries])
    for (position, fmt), n_before in zip(summaries, before.tolist(), strict=True):
        values = _message_values(fmt, fmt.raw_values(walk.payload, position))
        values[RECORDS_BEFORE] = n_before
        out.summary[fmt.mesg_num].append(values)
    out.n_messages += out.n_records
    return out


# ---------------------------------------------------------------------------
# The walk


def _walk_files(walk: _Walk, parse_end: int) -> None:
    """Walk every chained FIT file up to ``parse_end``, as fitparse reads them."""
    payload = walk.payload
    size = len(payload)
    position = 0
    while True:
        header_size = payload[position]
        if header_size == 13 or not is_header(payload, position):
            raise Unsupported("damaged chained header")
        data_start = position + header_size
        data_end = data_start + int.from_bytes(payload[position + 4 : position + 8], "little")
        if data_start > size:
            walk.error = "eof"
            return
        position = _walk_messages(walk, data_start, data_end)
        if walk.error is not None:
            return
        if position + 2 > size:  # the checksum is missing
            walk.error = "eof"
            return
        position += 2
        if position >= parse_end:
            return
        if position + 12 > size:
            walk.error = "eof"
            return


def _ignore(position: int) -> None:
    return None


def _walk_messages(walk: _Walk, start: int, end: int) -> int:
    """Note the data messages between ``start`` and ``end``; the offset after the last one."""
    payload = walk.payload
    size = len(payload)
    stop = min(end, size)
    # By header byte: how far a data message of a defined type reaches (0: not one), and
    # where its offset goes. Developer-data messages stay at 0: they are read on the spot.
    jump = [0] * 256
    note: list[Callable[[int], None]] = [_ignore] * 256
    current: list[_Definition | None] = [None] * 16
    position = start
    while position < stop:
        header = payload[position]
        step = jump[header]
        if step:  # the hot path: a data message with a normal header
            note[header](position)
            position += step
            continue
        if header & 0x80:
            raise Unsupported("compressed timestamp header")
        if header & 0x40:
            parsed = _parse_definition(walk, position, header)
            if parsed is None:
                walk.error = "eof"
                return position
            definition, position = parsed
            local = header & 0x0F
            walk.definitions.append(definition)
            current[local] = definition
            fmt = definition.format
            slow = fmt.mesg_num in (FIELD_DESCRIPTION, DEVELOPER_DATA_ID)
            for data_header in (local, local | 0x10, local | 0x20, local | 0x30):
                jump[data_header] = 0 if slow else fmt.size + 1
                note[data_header] = definition.positions.append
            continue
        slow_definition = current[header & 0x0F]
        if slow_definition is None:
            raise Unsupported("data message of an undefined local type")
        fmt = slow_definition.format
        if position + 1 + fmt.size > size:
            walk.error = "eof"
            return position
        slow_definition.positions.append(position)
        _register_developer_data(walk, fmt, position)
        position += 1 + fmt.size
    if position > size:  # the file ends inside the last data message
        _drop_last_message(walk)
        walk.error = "eof"
    elif position < end:  # the file ends before its data does
        walk.error = "eof"
    elif position > end:
        raise Unsupported("a message runs past the end of its file's data")
    return position


def _drop_last_message(walk: _Walk) -> None:
    owner = max((d for d in walk.definitions if d.positions), key=lambda d: d.positions[-1])
    owner.positions.pop()


def _parse_definition(walk: _Walk, position: int,
                      header: int) -> tuple[_Definition, int] | None:
    """The definition message at ``position`` and the offset after it; None when cut short."""
    payload = walk.payload
    if position + 6 > len(payload):
        return None
    count = payload[position + 5]
    end = position + 6 + 3 * count
    has_dev = bool(header & 0x20)
    if has_dev:
        if end + 1 > len(payload):
            return None
        end += 1 + 3 * payload[end]
    if end > len(payload):
        return None
    if not has_dev:
        key = payload[position + 1 : end]
        fmt = _FORMATS.get(key)
        if fmt is None:
            if len(_FORMATS) >= _FORMATS_BOUND:
                _FORMATS.clear()
            fmt = _FORMATS[key] = _new_format(walk, position, count, has_dev)
        walk.skipped += fmt.malformed
        return _Definition(fmt), end
    fmt = _new_format(walk, position, count, has_dev)
    walk.skipped += fmt.malformed
    return _Definition(fmt), end


def _new_format(walk: _Walk, position: int, count: int, has_dev: bool) -> _Format:
    payload = walk.payload
    endian = ">" if payload[position + 2] else "<"
    (mesg_num,) = struct.unpack_from(endian + "H", payload, position + 3)
    mesg_type = MESSAGE_TYPES.get(mesg_num)
    at = position + 6
    fields: list[_FieldDef] = []
    offset = malformed = 0
    for i in range(count):
        def_num, size, base_num = payload[at + 3 * i : at + 3 * i + 3]
        if size == 0:
            continue  # occupies no bytes: nothing to read
        fit_field = mesg_type.fields.get(def_num) if mesg_type else None
        base = BASE_TYPES.get(base_num, BASE_TYPE_BYTE)
        if size % base.size:
            malformed += 1
            fit_field, base = None, BASE_TYPE_BYTE
        fields.append(_FieldDef(fit_field, def_num, base, size, offset))
        offset += size
    if has_dev:
        at += 3 * count
        for i in range(payload[at]):
            def_num, size, dev_index = payload[at + 1 + 3 * i : at + 4 + 3 * i]
            if size == 0:
                continue
            base = _developer_type(walk, dev_index, def_num, size)
            fields.append(_FieldDef(None, def_num, base, size, offset, is_dev=True))
            offset += size
    return _Format(mesg_num, endian, fields, malformed)


def _developer_type(walk: _Walk, dev_index: int, def_num: int, size: int) -> Any:
    base = walk.developer_fields.get(dev_index, {}).get(def_num)
    if base is not None and size % base.size == 0:
        return base
    walk.skipped += 1
    return BASE_TYPE_BYTE


def _register_developer_data(walk: _Walk, fmt: _Format, position: int) -> None:
    """Keep developer-field descriptions, as fitparse's registry does."""
    values = fmt.raw_values(walk.payload, position)
    raw: dict[int, Any] = {}
    for index, fd in enumerate(fmt.native):
        if fd.field is not None and fd.def_num not in raw:  # fitparse: first by name wins
            raw[fd.def_num] = values[index]
    registry = walk.developer_fields
    if fmt.mesg_num == DEVELOPER_DATA_ID:
        registry[raw.get(3)] = {}
        return
    dev_index, def_num, base_id = raw.get(0), raw.get(1), raw.get(2)
    if dev_index not in registry or dev_index is None or base_id not in BASE_TYPES:
        walk.skipped += 1
        return
    registry[dev_index][def_num] = BASE_TYPES[base_id]


# ---------------------------------------------------------------------------
# Records, a column at a time


def _record_columns(payload: bytes, records: list[_Definition],
                    order: np.ndarray) -> dict[str, np.ndarray]:
    n = len(order)
    columns = {name: np.full(n, np.nan) for name in RECORD_FIELD_NAMES}
    if n == 0:
        return columns
    data = np.frombuffer(payload, dtype=np.uint8)
    for definition in records:
        positions = np.asarray(definition.positions, dtype=np.int64)
        rows = np.searchsorted(order, positions)
        block = data[positions[:, None] + np.arange(1, definition.format.size + 1)]
        for name, read in definition.format.readers.items():
            columns[name][rows] = read(block)
    return columns


def _column_readers(fmt: _Format) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    """For each wanted column, how to read it from a block of messages: the last writer wins.

    fitparse lists a field's components before the field itself; legday keeps the last
    value a record gives each column.
    """
    readers: dict[str, Callable[[np.ndarray], np.ndarray]] = {}
    for fd in fmt.native:
        fit_field = fd.field
        if fit_field is None:
            continue
        if fit_field.subfields:
            raise Unsupported("record field with subfields")
        for component in fit_field.components or ():
            target = fmt.mesg_type.fields[component.def_num]
            if target.subfields:
                raise Unsupported("record component with subfields")
            name = _WANTED.get(target)
            if name is None:
                continue
            if component.accumulate:
                raise Unsupported("accumulated record component")
            readers[name] = _component_reader(fmt.endian, fd, component, target)
        name = _WANTED.get(fit_field)
        if name is not None:
            readers[name] = _field_reader(fmt.endian, fd)
    return readers


def _numbers(endian: str, fd: _FieldDef, block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A numeric field's raw values and where they are invalid."""
    kind, invalid = _NUMERIC[fd.base.identifier]
    raw = np.ascontiguousarray(block[:, fd.offset : fd.offset + fd.size]).view(
        np.dtype(endian + kind)).ravel()
    bad = np.isnan(raw) if kind[0] == "f" else raw == invalid
    return raw, bad


def _scalar_numeric(fd: _FieldDef) -> None:
    if fd.base.identifier not in _NUMERIC or fd.size != fd.base.size:
        raise Unsupported("record field that is not one number")


def _field_reader(endian: str, fd: _FieldDef) -> Callable[[np.ndarray], np.ndarray]:
    _scalar_numeric(fd)
    fit_field = fd.field

    def read(block: np.ndarray) -> np.ndarray:
        raw, bad = _numbers(endian, fd, block)
        values = raw.astype(np.float64)
        bad = bad | _named(fit_field, values)  # enum names are text, not numbers
        values = _scale(fit_field, values)
        values[bad] = np.nan
        return values

    return read


def _component_reader(endian: str, fd: _FieldDef, component: Any,
                      target: Any) -> Callable[[np.ndarray], np.ndarray]:
    _scalar_numeric(fd)
    if fd.base.fmt in "fdqQ":
        raise Unsupported("record component of a float or 64-bit field")

    def read(block: np.ndarray) -> np.ndarray:
        raw, bad = _numbers(endian, fd, block)
        bits = (raw.astype(np.int64) >> component.bit_offset) & ((1 << component.bits) - 1)
        values = _scale(component, bits.astype(np.float64))
        values[bad | _named(target, values)] = np.nan
        return values

    return read


def _named(fit_field: Any, values: np.ndarray) -> np.ndarray:
    names = fit_field.type.values if hasattr(fit_field.type, "values") else None
    if not names:
        return np.zeros(len(values), dtype=bool)
    return np.isin(values, np.array(list(names), dtype=np.float64))


def _scale(fit_field: Any, values: np.ndarray) -> np.ndarray:
    if fit_field.scale:
        values = values / fit_field.scale
    if fit_field.offset:
        values = values - fit_field.offset
    return values


# ---------------------------------------------------------------------------
# Summary messages, one at a time


def _message_values(fmt: _Format, raw_values: _RawValues) -> dict[str, Any]:
    """The values legday reads from a summary message, by name, as fitparse renders them.

    A field's components come before the field; a subfield's value is also stored
    under its parent's name unless that name already has one.
    """
    values: dict[str, Any] = {}
    native = fmt.native
    for index, fit_field in fmt.summary_fields:
        raw = raw_values[index]
        parent = None
        if fit_field.subfields:
            fit_field, parent = _subfield(fit_field, native, raw_values)
        for component in fit_field.components or ():
            try:
                component_raw = component.render(raw)
            except ValueError:
                continue
            if component.accumulate and component_raw is not None:
                raise Unsupported("accumulated component in a summary message")
            component_raw = _scale_offset(component, component_raw)
            target = fmt.mesg_type.fields[component.def_num]
            target, target_parent = _subfield(target, native, raw_values)
            _put(values, target, target_parent, target.render(component_raw))
        _put(values, fit_field, parent, _scale_offset(fit_field, fit_field.render(raw)))
    return values


def _put(values: dict[str, Any], fit_field: Any, parent: Any, value: Any) -> None:
    values[fit_field.name] = value
    if parent is not None and parent.name not in values:
        values[parent.name] = value


def _subfield(fit_field: Any, native: list[_FieldDef],
              raw_values: _RawValues) -> tuple[Any, Any]:
    for sub in fit_field.subfields or ():
        for ref in sub.ref_fields:
            for index, fd in enumerate(native):
                if fd.def_num == ref.def_num and ref.raw_value == raw_values[index]:
                    return sub, fit_field
    return fit_field, None


def _scale_offset(fit_field: Any, raw: Any) -> Any:
    if isinstance(raw, tuple):
        return tuple(_scale_offset(fit_field, x) for x in raw)
    if isinstance(raw, int | float):
        if fit_field.scale:
            raw = float(raw) / fit_field.scale
        if fit_field.offset:
            raw = raw - fit_field.offset
    return raw
