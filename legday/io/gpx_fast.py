"""The GPX reader's fast path: track segments of plain points read by compiled patterns.

Nearly every GPX file repeats one small shape of track point thousands of times::

    <trkpt lat="..." lon="..."><ele>..</ele><time>..</time>
      <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>..</gpxtpx:hr>...
    </trkpt>

:func:`fold_segments` finds every ``<trkseg>`` made only of such points, reads their
values with compiled patterns and folds the segment into one empty placeholder element
keeping its line breaks, so the expat pass of :mod:`legday.io.gpx` still walks the
whole document (names, types, damage, line numbers) but takes the segment's points from
the placeholder. Each segment is matched with a pattern made for the shape of its first
point; plain points of other shapes are read one by one. A point that is not plain
(attributes on children, comments, entities, CDATA, empty children, deeper nesting,
non-ASCII text, prefixes not declared on the root) leaves its whole segment to expat,
so the values are the same either way:
``tests/io/test_gpx_fast.py`` compares both paths on the corpus and on damaged copies.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress

import numpy as np

#: Attribute naming the folded segment a placeholder stands for.
MARKER = "legday-folded-segment"

_WS = rb"[ \t\r\n]*"
_NAME = rb"[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?"
# Text expat would hand over unchanged: printable ASCII, tabs and line feeds, no markup.
_TEXT = rb"[^<>&\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]*"
_NUMBER = rb"-?[0-9]+(?:\.[0-9]+)?"


def _leaf(group: str) -> bytes:
    name = group.encode()
    return _WS + rb"<(?P<" + name + rb">" + _NAME + rb")>" + _TEXT + rb"</(?P=" + name + rb")>"


_POINT = (
    rb"<trkpt[ \t\r\n]+(?:lat=\"(" + _NUMBER + rb")\"[ \t\r\n]+lon=\"(" + _NUMBER + rb")\""
    rb"|lon=\"(" + _NUMBER + rb")\"[ \t\r\n]+lat=\"(" + _NUMBER + rb")\")" + _WS
    + rb"(?:/>|>"
    rb"((?:" + _leaf("a") + rb")*)"
    rb"(?:" + _WS + rb"<extensions>("
    rb"(?:" + _leaf("b") + rb"|" + _WS + rb"<(?P<c>" + _NAME + rb")>(?:" + _leaf("d") + rb")*"
    + _WS + rb"</(?P=c)>)*"
    rb")" + _WS + rb"</extensions>((?:" + _leaf("e") + rb")*))?" + _WS + rb"</trkpt>)"
)
_LEAVES = re.compile(rb"<(" + _NAME + rb")>(" + _TEXT + rb")</")
_PREFIXES = re.compile(rb"<(?:/?)([A-Za-z_][\w.-]*):")
_ROOT_START = re.compile(
    rb"<(?![?!/])[A-Za-z_][\w.:-]*((?:[ \t\r\n]+[A-Za-z_][\w.:-]*[ \t\r\n]*=[ \t\r\n]*"
    rb"(?:\"[^\"<]*\"|'[^'<]*'))*)[ \t\r\n]*/?>")
_DECLARED_PREFIX = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)[ \t\r\n]*=")
_PROLOGUE = re.compile(rb"(?:<\?xml[^>]*\?>)?[ \t\r\n]*")
_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_ASCII_ENCODINGS = frozenset({b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1"})
# Markup whose content expat does not read as elements: a segment inside it stays as it is.
_HIDDEN = re.compile(rb"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:\]\]>|\Z)|<\?.*?(?:\?>|\Z)", re.S)

#: Children of a GPX point that are not sensor values, whatever the version.
GPX_POINT_TAGS = frozenset(
    "ele time magvar geoidheight name cmt desc src link url urlname sym type fix sat "
    "hdop vdop pdop ageofdgpsdata dgpsid course speed extensions".split()
)
#: Extension element local names (lower case) and the sample column they fill.
EXTENSION_COLUMNS: dict[str, str] = {
    "hr": "heart_rate",
    "heartrate": "heart_rate",
    "heart_rate": "heart_rate",
    "bpm": "heart_rate",
    "cad": "cadence_spm",
    "cadence": "cadence_spm",
    "runcadence": "cadence_spm",
    "rpm": "cadence_spm",
    "atemp": "temperature_c",
    "wtemp": "temperature_c",
    "temp": "temperature_c",
    "temperature": "temperature_c",
    "power": "power_w",
    "watts": "power_w",
    "speed": "speed_mps",
}
#: The sensor columns of a point row, after latitude, longitude and elevation.
SENSOR_COLUMNS = ("speed_mps", "heart_rate", "cadence_spm", "power_w", "temperature_c")
_SENSOR_INDEX = {column: 3 + i for i, column in enumerate(SENSOR_COLUMNS)}

_ELE, _TIME, _SPEED, _IGNORED = -1, -2, -3, -4
#: Element names and point shapes remembered at most.
_CACHED = 1024
#: New point shapes one document may compile a pattern for.
_NEW_SHAPES = 16


def extension_column(local: str) -> str | None:
    """The sample column an extension element fills, by its local name (any case)."""
    return EXTENSION_COLUMNS.get(local) or EXTENSION_COLUMNS.get(local.lower())


def _local(name: bytes) -> str:
    return name[name.rfind(b":") + 1 :].decode("ascii")


class _Slots(dict[bytes, int]):
    """Where an element's text goes, by its raw name: a row index or one of the codes."""

    def __init__(self, *, in_extension: bool) -> None:
        super().__init__()
        self.in_extension = in_extension

    def __missing__(self, name: bytes) -> int:
        local = _local(name)
        if not self.in_extension and local in ("ele", "time", "speed"):
            slot = {"ele": _ELE, "time": _TIME, "speed": _SPEED}[local]
        elif not self.in_extension and local in GPX_POINT_TAGS:
            slot = _IGNORED
        else:
            column = extension_column(local)
            slot = _IGNORED if column is None else _SENSOR_INDEX[column]
        if len(self) >= _CACHED:
            self.clear()  # names come from the files: a hostile one could hold millions
        self[name] = slot
        return slot


_DIRECT = _Slots(in_extension=False)
_EXTENSION = _Slots(in_extension=True)


@dataclass
class FoldedSegment:
    """The points of one folded ``<trkseg>``: rows as :class:`legday.io.gpx` keeps them."""

    table: np.ndarray  # latitude, longitude, elevation, then SENSOR_COLUMNS; a row a point
    times: list[str | None]


def _number(text: bytes) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _numbers(texts: Sequence[bytes]) -> np.ndarray:
    try:
        return np.fromiter(map(float, texts), dtype=np.float64, count=len(texts))
    except ValueError:
        return np.array([_number(t) for t in texts], dtype=np.float64)


def _time(text: bytes) -> str | None:
    return text.strip().decode("ascii") or None


_SPACE_OR_EMPTY = re.compile(rb"[ \t\n]|\x00\x00")


def _times(texts: Sequence[bytes]) -> list[str | None]:
    """:func:`_time` of each text; in one piece when none is blank or padded (nearly always)."""
    joined = b"\x00".join(texts)  # no text holds a NUL
    if texts and texts[0] and texts[-1] and _SPACE_OR_EMPTY.search(joined) is None:
        return list(joined.decode("ascii").split("\x00"))
    return [_time(t) for t in texts]


def _point(groups: tuple[bytes, ...]) -> tuple[tuple[float, ...], str | None]:
    """One point's row (latitude, longitude, elevation, sensors) and time text."""
    lat, lon, lon_first, lat_second, head, _, extension, _, _, _, tail, _ = groups[:12]
    nan = math.nan
    row = [float(lat or lat_second), float(lon or lon_first), nan, nan, nan, nan, nan, nan]
    elevation = time = speed = None
    filled = 0  # bit i: row[i] already holds a sensor value (the first one counts)
    for part, slots in ((head, _DIRECT), (extension, _EXTENSION), (tail, _DIRECT)):
        if not part:
            continue
        for name, text in _LEAVES.findall(part):
            slot = slots[name]
            if slot >= 0:
                if not filled >> slot & 1:
                    value = _number(text)
                    if value == value:
                        row[slot] = value
                        filled |= 1 << slot
            elif slot == _ELE:
                if elevation is None:
                    elevation = row[2] = _number(text)
            elif slot == _TIME:
                if time is None:
                    time = _time(text)
            elif slot == _SPEED and speed is None:
                speed = _number(text)
    if speed is not None and speed == speed:
        row[3] = speed  # <speed> in the point itself wins over an extension's
    return tuple(row), time


@dataclass
class _Shape:
    """A pattern for the points of one shape, and where each of their texts goes.

    The pattern's groups: the first and second coordinate and each leaf's text in
    document order for a point of this shape, a plain point of another shape whole and
    then the generic pattern's groups, then one stray character (anything else).
    """

    pattern: re.Pattern[bytes]
    lat_first: bool
    leaf_slots: list[int]
    prefixes: set[bytes]


_TAG = re.compile(rb"<[^<>]*>")
_SHAPES: dict[tuple[bytes, ...], _Shape] = {}


def _shape(point: bytes, budget: list[int]) -> _Shape | None:
    """The shape of ``point``, a point the generic pattern matched.

    None when the shape is new and ``budget`` (new shapes this document may still
    compile, counted down) is spent: a file of many short odd segments stays with expat.
    """
    tags = _TAG.findall(point)
    lat_first = tags[0].find(b"lat=") < tags[0].find(b"lon=")
    empty = tags[0].endswith(b"/>")
    key = (b"lat" if lat_first else b"lon", b"/>" if empty else b">", *tags[1:])
    known = _SHAPES.get(key)
    if known is not None or budget[0] <= 0:
        return known
    budget[0] -= 1
    first, second = (b"lat", b"lon") if lat_first else (b"lon", b"lat")
    parts = [_WS, rb"(?:<trkpt[ \t\r\n]+%s=\"(%s)\"[ \t\r\n]+%s=\"(%s)\"" % (
        first, _NUMBER, second, _NUMBER) + _WS + (b"/>" if empty else b">")]
    slots: list[int] = []
    depth, in_extension, previous = 1, False, tags[0]
    for tag in tags[1:]:
        closing = tag.startswith(b"</")
        if closing and previous == b"<" + tag[2:]:
            parts.append(b"(" + _TEXT + b")")
            slots.append((_EXTENSION if in_extension else _DIRECT)[tag[2:-1]])
        else:
            parts.append(_WS)
        parts.append(re.escape(tag))
        if closing:
            depth -= 1
            in_extension = in_extension and not (depth == 1 and tag == b"</extensions>")
        else:
            in_extension = in_extension or (depth == 1 and tag == b"<extensions>")
            depth += 1
        previous = tag
    parts.append(rb")|" + _WS + rb"(" + _POINT + rb")|([\s\S])")
    shape = _Shape(re.compile(b"".join(parts)), lat_first, slots,
                   set(_PREFIXES.findall(point)))
    if len(_SHAPES) >= _CACHED:
        _SHAPES.clear()
    _SHAPES[key] = shape
    return shape


def _shape_table(columns: list[tuple[bytes, ...]], shape: _Shape
                 ) -> tuple[np.ndarray, list[str | None]]:
    """The rows and times of points of ``shape``, from the pattern's groups as columns."""
    count = len(columns[0])
    table = np.full((count, 3 + len(SENSOR_COLUMNS)), np.nan)
    lat, lon = (columns[0], columns[1]) if shape.lat_first else (columns[1], columns[0])
    table[:, 0] = _numbers(lat)
    table[:, 1] = _numbers(lon)
    times: list[str | None] | None = None
    elevation = speed = None
    for slot, texts in zip(shape.leaf_slots, columns[2:], strict=False):
        if slot >= 0:
            held = table[:, slot]
            table[:, slot] = np.where(np.isnan(held), _numbers(texts), held)
        elif slot == _ELE and elevation is None:
            elevation = table[:, 2] = _numbers(texts)
        elif slot == _TIME:
            more = _times(texts)
            times = more if times is None else [
                a if a is not None else b for a, b in zip(times, more, strict=True)]
        elif slot == _SPEED and speed is None:
            speed = _numbers(texts)
    if speed is not None:
        table[:, 3] = np.where(np.isnan(speed), table[:, 3], speed)
    return table, times if times is not None else [None] * count


def _fold_shape(content: bytes, start: int, end: int, shape: _Shape, prefixes: set[bytes]
                ) -> FoldedSegment | None:
    """The points of ``content[start:end]``, all plain and most of ``shape``; None otherwise."""
    found = shape.pattern.findall(content, start, end)
    columns = list(zip(*found, strict=True))
    if not found or any(columns[-1]):
        return None
    if all(columns[0]):
        return FoldedSegment(*_shape_table(columns, shape))
    # Points of other shapes, one by one: a few in a segment, where a sensor missed a beat.
    generic = 3 + len(shape.leaf_slots)
    is_other = [not first for first in columns[0]]
    others = list(compress(found, is_other))
    used = {p for g in others for p in _PREFIXES.findall(g[generic - 1])}
    if not used <= prefixes:
        return None  # expat refuses it as it stands; the prefix repair reads it again
    other = np.array(is_other)
    table = np.empty((len(found), 3 + len(SENSOR_COLUMNS)))
    times = np.empty(len(found), dtype=object)
    if not other.all():  # a window of a long segment may hold none of the shape
        of_shape = [not o for o in is_other]
        table[~other], times[~other] = _shape_table(
            [tuple(compress(column, of_shape)) for column in columns[:generic - 1]], shape)
    read = [_point(g[generic:]) for g in others]
    table[other] = [row for row, _ in read]
    times[other] = [time for _, time in read]
    return FoldedSegment(table, times.tolist())


_ANY_POINT = re.compile(_WS + rb"(?:" + _POINT + rb")|([\s\S])")


def _fold(content: bytes, prefixes: set[bytes], budget: list[int]) -> FoldedSegment | None:
    """The points of a segment's content if every one is plain, prefixes declared."""
    content = content.rstrip(b" \t\r\n")
    first = _ANY_POINT.match(content)
    if first is None or first.group(13):
        return None
    shape = _shape(first.group(0).lstrip(b" \t\r\n"), budget)
    if shape is None or not shape.prefixes <= prefixes:
        return None  # expat refuses it as it stands; the prefix repair reads it again
    parts = []
    for start, end in _windows(content):
        part = _fold_shape(content, start, end, shape, prefixes)
        if part is None:
            return None
        parts.append(part)
    if len(parts) == 1:
        return parts[0]
    return FoldedSegment(np.concatenate([p.table for p in parts]),
                         [time for p in parts for time in p.times])


#: Bytes of a segment matched at a time: the matches of a long one would take more memory
#: than the document.
WINDOW_BYTES = 1 << 22


def _windows(content: bytes) -> list[tuple[int, int]]:
    """``content`` cut into spans of about :data:`WINDOW_BYTES`, each ending after a point.

    A cut lies before a ``<trkpt`` (no text of a plain point holds a ``<``) less the
    whitespace before it; should ``content`` hold anything else, its window says so.
    """
    spans = []
    start = 0
    while len(content) - start > WINDOW_BYTES:
        after = content.find(b"<trkpt", start) + 1  # a window holds at least one point
        if after == 0:
            break
        cut = content.rfind(b"<trkpt", after, start + WINDOW_BYTES)
        if cut < 0:
            cut = content.find(b"<trkpt", max(after, start + WINDOW_BYTES))
            if cut < 0:
                break
        end = cut
        while content[end - 1 : end] in (b" ", b"\t", b"\r", b"\n"):
            end -= 1
        spans.append((start, end))
        start = end
    spans.append((start, len(content)))
    return spans


def _line_breaks(span: bytes) -> bytes:
    """As many line feeds as expat counts lines in ``span``."""
    if b"\r" in span:
        span = span.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return b"\n" * span.count(b"\n")


def _root_prefixes(data: bytes) -> set[bytes] | None:
    """Prefixes the root element declares; None where the root is not plainly found."""
    prologue = _PROLOGUE.match(data)
    start = prologue.end() if prologue is not None else 0
    root = _ROOT_START.match(data, start)
    if root is None:
        return None
    return set(_DECLARED_PREFIX.findall(root.group(1)))


def fold_segments(data: bytes) -> tuple[bytes, list[FoldedSegment]] | None:
    """The document with its plain track segments folded, and their points.

    None when no segment could be folded, or the document is not plain enough to fold
    any safely (another encoding, a document type declaration, a root not found).
    """
    if b"<trkseg>" not in data or MARKER.encode() in data or b"<!DOCTYPE" in data:
        return None
    declared = _DECLARED_ENCODING.match(data)
    if declared is not None and declared.group(1).lower() not in _ASCII_ENCODINGS:
        return None
    if any(b"<trkseg>" in hidden for hidden in _HIDDEN.findall(data)):
        return None
    prefixes = _root_prefixes(data)
    if prefixes is None:
        return None
    pieces: list[bytes] = []
    segments: list[FoldedSegment] = []
    budget = [_NEW_SHAPES]
    done = search = 0
    while (start := data.find(b"<trkseg>", search)) >= 0:
        end = data.find(b"</trkseg>", start)
        if end < 0:
            break
        search = start + len(b"<trkseg>")
        folded = _fold(data[search:end], prefixes, budget)
        if folded is None:
            continue
        stop = end + len(b"</trkseg>")
        pieces += [data[done:start], b'<trkseg %s="%d"' % (MARKER.encode(), len(segments)),
                   _line_breaks(data[start:stop]), b"/>"]
        segments.append(folded)
        done = search = stop
    if not segments:
        return None
    pieces.append(data[done:])
    return b"".join(pieces), segments
