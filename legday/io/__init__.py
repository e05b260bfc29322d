"""Reading activity files: one reader per format, one canonical model.

Entry points:

- :func:`read_bytes` reads one payload (FIT, GPX, TCX, gzip, zip) and raises
  a :class:`~legday.errors.LegdayError` when nothing usable is in it;
- :func:`read_path` and :func:`read_paths` take files, folders (recursively),
  zips and Strava bulk exports and *yield* activities and :class:`ReadFailure`
  records, never stopping at a bad file.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from legday.errors import CorruptFile, LegdayError, LimitExceeded, UnsupportedFormat
from legday.io.detect import sniff
from legday.model import Activity

__all__ = [
    "Limits",
    "ReadFailure",
    "ReadResult",
    "read_bytes",
    "read_path",
    "read_paths",
]


@dataclass(frozen=True)
class Limits:
    """Safety limits for one upload or command.

    Attributes
    ----------
    max_file_bytes
        Largest single activity file, after decompression. [bytes]
    max_archive_bytes
        Largest total uncompressed size of all members of one archive. [bytes]
    max_members
        Most members (files) in one archive, nested ones included; an archive that
        lists more is refused whole before anything in it is read.
    max_depth
        Deepest nesting of archives inside archives (a zip in a zip is depth 2).
    max_sessions
        Most sessions (activities) in one FIT file; multisport files have a handful.
    max_activities
        Most activities read in one upload or command; the rest is refused.
    """

    max_file_bytes: int = 64 * 1024**2
    max_archive_bytes: int = 2 * 1024**3
    max_members: int = 10_000
    max_depth: int = 3
    max_sessions: int = 100
    max_activities: int = 20_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class ReadFailure:
    """A file (or archive member) that gave no activity, with the reason."""

    file: str
    member: str | None
    error: LegdayError

    @property
    def message(self) -> str:
        return str(self.error)

    def summary(self) -> dict[str, object]:
        out: dict[str, object] = {"file": self.file}
        if self.member:
            out["member"] = self.member
        out["error"] = self.message
        out["error_kind"] = type(self.error).__name__
        return out


ReadResult = Activity | ReadFailure

Reader = Callable[[bytes], list[Activity]]


def _reader(fmt: str, limits: Limits) -> Callable[..., list[Activity]]:
    # Imported lazily so that a missing optional parser only breaks its own format.
    if fmt == "fit":
        from legday.io.fit import read_fit

        return functools.partial(read_fit, max_sessions=limits.max_sessions)
    if fmt == "gpx":
        from legday.io.gpx import read_gpx

        return read_gpx
    if fmt == "tcx":
        from legday.io.tcx import read_tcx

        return read_tcx
    raise KeyError(fmt)


def gunzip(payload: bytes, *, name: str, limit: int) -> bytes:
    """Decompress a gzip payload, refusing to inflate beyond ``limit`` bytes."""
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decomp.decompress(payload, limit + 1)
    except zlib.error as exc:
        raise CorruptFile(name, "the gzip compression is damaged") from exc
    if len(out) > limit:
        raise LimitExceeded(name, f"expands to more than {limit // 1024**2} MB")
    if not decomp.eof and not out:
        raise CorruptFile(name, "the gzip file ends early")
    return out


def read_bytes(payload: bytes, *, name: str, limits: Limits = DEFAULT_LIMITS) -> list[Activity]:
    """Read one activity file (FIT, GPX or TCX, optionally gzipped).

    The format comes from the content (FIT header, XML root element), the name
    is only a fallback. Archives are not accepted here: use :func:`read_path`.

    Raises
    ------
    LegdayError
        UnsupportedFormat, CorruptFile, NotAnActivity, EmptyActivity or
        LimitExceeded, each with a one-line message starting with ``name``.
    """
    if len(payload) > limits.max_file_bytes:
        raise LimitExceeded(name, f"larger than {limits.max_file_bytes // 1024**2} MB")
    if not payload:
        raise CorruptFile(name, "the file is empty")
    fmt = sniff(payload[:4096], name)
    if fmt == "gzip":
        payload = gunzip(payload, name=name, limit=limits.max_file_bytes)
        if not payload:
            raise CorruptFile(name, "the file is empty once decompressed")
        fmt = sniff(payload[:4096], name.removesuffix(".gz").removesuffix(".GZ"))
    if fmt in ("fit", "gpx", "tcx"):
        return _reader(fmt, limits)(payload, name=name)
    if fmt == "zip":
        raise UnsupportedFormat(name, "is an archive; open it as a folder or upload it whole")
    raise UnsupportedFormat(name)


def read_path(path: str | Path, *, limits: Limits = DEFAULT_LIMITS,
              label: str | None = None) -> Iterator[ReadResult]:
    """Yield the activities and failures found in a file, folder, zip or export."""
    from legday.io.archive import iter_archive, iter_folder

    path = Path(path)
    shown = label if label is not None else str(path)
    if path.is_dir():
        yield from iter_folder(path, shown=shown, limits=limits)
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        error = UnsupportedFormat(path.name, f"cannot open ({exc.strerror})")
        yield ReadFailure(shown, None, error)
        return
    if size > max(limits.max_file_bytes, limits.max_archive_bytes):
        yield ReadFailure(shown, None, LimitExceeded(path.name, "too large to read safely"))
        return
    with path.open("rb") as handle:
        head = handle.read(4096)
    if sniff(head, path.name) == "zip":
        yield from iter_archive(path, shown=shown, limits=limits)
        return
    yield from read_payload(path.read_bytes(), shown=shown, member=None, limits=limits)


def read_payload(payload: bytes, *, shown: str, member: str | None,
                 limits: Limits = DEFAULT_LIMITS) -> Iterator[ReadResult]:
    """Read one non-archive payload, yielding its activities or one failure."""
    name = member.rsplit("/", 1)[-1] if member else Path(shown).name
    try:
        activities = read_bytes(payload, name=name, limits=limits)
    except LegdayError as err:
        yield ReadFailure(shown, member, err)
        return
    for activity in activities:
        yield dataclasses.replace(activity, source=shown, member=member)


def read_paths(paths: Iterable[str | Path], *,
               limits: Limits = DEFAULT_LIMITS) -> Iterator[ReadResult]:
    """:func:`read_path` over several inputs, in order, at most ``limits.max_activities``."""
    results = (result for path in paths for result in read_path(path, limits=limits))
    yield from bounded(results, limits=limits, shown="these files")


def bounded(results: Iterable[ReadResult], *, limits: Limits,
            shown: str) -> Iterator[ReadResult]:
    """``results`` until ``limits.max_activities`` activities, then one refusal, and stop."""
    read = 0
    for result in results:
        if isinstance(result, Activity):
            read += 1
            if read > limits.max_activities:
                yield ReadFailure(shown, None, LimitExceeded(
                    Path(shown).name, f"more than {limits.max_activities} activities in one "
                    "upload; the rest was not read"))
                return
        yield result


def read_upload(data: bytes, *, name: str,
                limits: Limits = DEFAULT_LIMITS) -> Iterator[ReadResult]:
    """Like :func:`read_path` for an uploaded file's bytes (zip or single file)."""
    from legday.io.archive import iter_zip_bytes

    if sniff(data[:4096], name) == "zip":
        if len(data) > limits.max_archive_bytes:
            yield ReadFailure(name, None, LimitExceeded(Path(name).name,
                                                        "archive too large to read safely"))
            return
        yield from bounded(iter_zip_bytes(io.BytesIO(data), shown=name, limits=limits),
                           limits=limits, shown=name)
        return
    yield from read_payload(data, shown=name, member=None, limits=limits)

