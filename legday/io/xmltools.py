"""XML helpers shared by the GPX and TCX readers.

One streaming expat pass per document (:class:`XmlPass` says how far it got),
declaring prefixes exporters forget, and timestamp parsing that treats pre-1980
placeholders and impossible time-zone offsets as missing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, TypeVar
from xml.parsers import expat

import numpy as np
import pandas as pd

from legday.errors import CorruptFile, UnsupportedFormat
from legday.io.detect import xml_root
from legday.model import time_ns

NAT = np.iinfo(np.int64).min  # what NaT becomes in an int64 nanosecond array
NS = 1_000_000_000

_LEADING_JUNK = b"\xef\xbb\xbf \t\r\n\x00"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_PREFIX_USE = re.compile(
    rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=\s*[\"']"
)
_PREFIX_DECLARATION = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
_ROOT_TAG = re.compile(rb"<(?![?!/])[A-Za-z_][\w.:-]*")
UNBOUND_PREFIX = expat.errors.codes[expat.errors.XML_ERROR_UNBOUND_PREFIX]
_UTC_OFFSET = re.compile(r"([+-])(\d\d):?(\d\d)\s*$")

# Real namespaces for prefixes exporters are known to forget to declare; any other
# undeclared prefix gets a made-up one, since values are matched on local names.
_KNOWN_NAMESPACES: dict[bytes, bytes] = {
    b"xsi": b"http://www.w3.org/2001/XMLSchema-instance",
    b"gpxtpx": b"http://www.garmin.com/xmlschemas/TrackPointExtension/v1",
    b"gpxx": b"http://www.garmin.com/xmlschemas/GpxExtensions/v3",
    b"gpxdata": b"http://www.cluetrust.com/XML/GPXDATA/1/0",
    b"ns3": b"http://www.garmin.com/xmlschemas/ActivityExtension/v2",
}

# No satellite recording predates the GPS epoch: earlier times are placeholders such
# as GPSBabel's 1901-12-13T20:45:52 (the smallest 32-bit Unix time).
_EARLIEST = pd.Timestamp("1980-01-06", tz="UTC")
# Later datetimes do not fit pandas' nanosecond timestamps.
_LATEST = pd.Timestamp("2261-12-31", tz="UTC")


def parse_number(text: str | bytes | None) -> float:
    """A float from element text; NaN when absent or not a number."""
    if text is None:
        return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


def xml_bytes(payload: bytes) -> bytes:
    """The payload without a UTF-8 byte-order mark or whitespace before the first tag."""
    if payload.startswith(UTF16_BOMS):
        return payload  # the XML parser reads UTF-16 byte-order marks itself
    return payload.lstrip(_LEADING_JUNK)


def check_root(data: bytes, name: str, allowed: set[str], what: str) -> None:
    """Refuse payloads that are empty, not XML, or XML of another kind."""
    if not data:
        raise CorruptFile(name, "the file is empty")
    if not data.startswith(b"<") and not data.startswith(UTF16_BOMS):
        raise CorruptFile(name, f"not a readable {what} file: it does not start with XML")
    root = xml_root(data[:65536])
    if root is not None and root.lower() not in allowed:
        raise UnsupportedFormat(name, f"not a {what} file: its XML holds <{root}>")
    declared = _DECLARED_ENCODING.match(data)
    if declared is not None and not _expat_reads(declared.group(1)):
        encoding = declared.group(1).decode("ascii", "replace")
        raise CorruptFile(name, f"the file declares a text encoding legday cannot read "
                          f"({encoding!r})")


_DECLARED_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")


def _expat_reads(encoding: bytes) -> bool:
    """Whether expat can read a document declared in ``encoding``.

    expat asks Python's codecs for encodings it lacks and raises LookupError (unknown) or
    ValueError (multi-byte) when they do not fit, before any XML error could be reported.
    """
    parser = expat.ParserCreate()
    try:
        parser.Parse(b'<?xml version="1.0" encoding="' + encoding + b'"?><a/>', True)
    except (LookupError, ValueError):
        return False
    except expat.ExpatError:
        return True  # the encoding was accepted; whatever else is wrong shows later
    return True


def declare_missing_prefixes(data: bytes) -> tuple[bytes, list[str]]:
    """Declare XML prefixes a file uses without declaring them, on its root element."""
    used = {a or b for a, b in _PREFIX_USE.findall(data)}
    missing = sorted(used - set(_PREFIX_DECLARATION.findall(data)) - {b"xml", b"xmlns"})
    match = _ROOT_TAG.search(data)
    if not missing or match is None:
        return data, []
    declarations = b"".join(
        b' xmlns:%s="%s"' % (p, _KNOWN_NAMESPACES.get(p, b"urn:legday:undeclared:" + p))
        for p in missing
    )
    repaired = data[: match.end()] + declarations + data[match.end() :]
    return repaired, [p.decode("ascii") for p in missing]


def prefix_fix(prefixes: list[str]) -> str:
    plural = "es" if len(prefixes) > 1 else ""
    return f"declared the XML prefix{plural} {', '.join(prefixes)} the file uses but never declares"


#: expat joins an element's namespace and local name with this.
NAMESPACE_SEPARATOR = "}"
class LocalNames(dict[str, str]):
    """Local names of expat's ``namespace}name`` element names, each worked out once."""

    def __missing__(self, name: str) -> str:
        local = self[name] = name[name.rfind(NAMESPACE_SEPARATOR) + 1 :]
        return local


#: Bytes handed to expat at a time: documents are read as a stream, never as a tree.
CHUNK_BYTES = 1 << 20


@dataclass
class XmlPass:
    """How far one streaming pass over an XML document got."""

    root: str | None = None  # the root element's local name
    closed: bool = False  # the root element's end tag was read
    error: expat.ExpatError | None = None

    @property
    def partial(self) -> bool:
        return self.error is not None and not self.closed

    def problem(self) -> str:
        line = self.error.lineno if self.error is not None else 0
        return f"it is not readable XML (damaged at line {line})"

    def fixes(self) -> list[str]:
        if self.error is None:
            return []
        line = self.error.lineno
        if self.closed:
            return [f"ignored damaged content after the end of the document (line {line})"]
        return [f"the file is damaged or cut short at line {line}: read what came before"]


def expat_parser() -> Any:
    """An expat parser with namespaces resolved and text handed over in one piece."""
    parser = expat.ParserCreate(namespace_separator=NAMESPACE_SEPARATOR)
    parser.buffer_text = True
    return parser


def parse_in_chunks(parser: Any, data: bytes) -> expat.ExpatError | None:
    """Feed ``data`` to ``parser``; the error that stopped it, if any."""
    try:
        for start in range(0, len(data), CHUNK_BYTES):
            parser.Parse(data[start : start + CHUNK_BYTES], False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        return exc
    return None


PassT = TypeVar("PassT", bound=XmlPass)


def scan_declaring_prefixes(data: bytes, scan: Callable[[bytes], PassT]) -> tuple[PassT, list[str]]:
    """``scan(data)``, again with undeclared prefixes declared when that stopped it."""
    result = scan(data)
    if result.error is not None and result.error.code == UNBOUND_PREFIX:
        repaired, declared = declare_missing_prefixes(data)
        if declared:
            return scan(repaired), [prefix_fix(declared)]
    return result, []


class Times(NamedTuple):
    """Parsed times: nanoseconds since the epoch (``NAT`` where unusable) and what was off."""

    ns: np.ndarray
    placeholders: int  # readable times before 1980: device defaults, not recording times
    impossible: int  # times with a time-zone offset no place on Earth has


def times_ns(values: list[Any]) -> Times:
    """Nanoseconds since the epoch for ISO 8601 strings; ``NAT`` if unreadable.

    Times without a zone are taken as UTC. Times before the GPS epoch (1980)
    are placeholders, not recording times, and become ``NAT`` too; so do times
    whose offset lies beyond ±14 hours (a damaged ``+99:00`` would move a point by
    days and stretch its activity).
    """
    if not values:
        return Times(np.zeros(0, dtype=np.int64), 0, 0)
    impossible = 0
    ns = _plain_utc_ns(values)
    if ns is None:
        values, impossible = _without_impossible_offsets(values)
        series = pd.Series(values, dtype=object)
        parsed = pd.to_datetime(series, utc=True, errors="coerce", format="ISO8601")
        ns = time_ns(parsed.astype("datetime64[ns, UTC]"))
    plausible = (ns >= _EARLIEST_NS) & (ns < _LATEST_NS)
    placeholders = int(((ns != NAT) & ~plausible).sum())
    return Times(np.where(plausible, ns, NAT), placeholders, impossible)


_EARLIEST_NS = _EARLIEST.value
_LATEST_NS = _LATEST.value
_PLAIN_UTC = re.compile(r"(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z\n)*")


def _plain_utc_ns(values: list[Any]) -> np.ndarray | None:
    """``YYYY-MM-DDTHH:MM:SS[.fff]Z`` times (nearly every file) parsed by numpy in C."""
    try:
        joined = "\n".join(values)  # refuses anything but strings (a missing time: None)
    except TypeError:
        return None
    if _PLAIN_UTC.fullmatch(joined + "\n") is None:
        return None
    try:
        parsed = np.array([v[:-1] for v in values], dtype="datetime64[ns]")
    except ValueError:  # out of numpy's range
        return None
    return parsed.view(np.int64)


def _without_impossible_offsets(values: list[Any]) -> tuple[list[Any], int]:
    out, impossible = [], 0
    for value in values:
        if isinstance(value, str):
            match = _UTC_OFFSET.search(value)
            if match is not None and (int(match.group(2)) * 60 + int(match.group(3)) > 14 * 60
                                      or int(match.group(3)) >= 60):
                value, impossible = None, impossible + 1
        out.append(value)
    return out, impossible


def to_datetimes(ns: np.ndarray) -> pd.DatetimeIndex:
    """UTC datetimes from int64 nanoseconds (``NAT`` becomes NaT)."""
    return pd.DatetimeIndex(np.asarray(ns, dtype=np.int64).view("datetime64[ns]"), tz="UTC")


def utc_offset_s(value: Any) -> int | None:
    """The local UTC offset a timestamp states explicitly, if it is not zero. [s]"""
    if isinstance(value, datetime):
        delta = value.utcoffset()
        seconds = int(delta.total_seconds()) if delta is not None else 0
    elif isinstance(value, str):
        match = _UTC_OFFSET.search(value)
        if match is None:
            return None
        sign = -1 if match.group(1) == "-" else 1
        seconds = sign * (int(match.group(2)) * 3600 + int(match.group(3)) * 60)
    else:
        return None
    return seconds or None


def strides_to_steps(cadence: np.ndarray) -> tuple[np.ndarray, bool]:
    """Double a running cadence recorded in strides per minute (one foot). [1/min]

    Garmin's GPX and TCX exports (and Polar's and Suunto's TCX) count one foot;
    legday counts both, as FIT does after doubling. The 90th percentile of the
    non-zero values decides: strides stay below 120 even when sprinting, while
    steps exceed 120 as soon as the runner runs. A median test would wrongly
    double a walk-and-run recording already in steps, such as
    runalyze's Treadmill-doubled-cadence.tcx (118 walking, 176 running).

    Returns
    -------
    cadence, doubled
        The cadence in steps per minute, and whether it was doubled.
    """
    moving = cadence[np.isfinite(cadence) & (cadence > 0)]
    if len(moving) and np.percentile(moving, 90) < 120:
        return cadence * 2.0, True
    return cadence, False
