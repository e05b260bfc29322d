"""Folders, zips (nested as in a Garmin Connect export) and Strava bulk exports.

Folders and zips are both seen as a *tree*: a list of entries with a relative
path and a way to read their bytes. One walker handles both, so a Strava
export behaves the same whether it was unpacked or not.
"""

from __future__ import annotations

import functools
import io
import lzma
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from legday.errors import CorruptFile, LegdayError, LimitExceeded, NotAnActivity, UnsupportedFormat
from legday.io import Limits, ReadFailure, ReadResult, read_payload
from legday.io.detect import sniff

# Files of the operating system or of other apps that ride along in archives.
_JUNK_PARTS = ("__MACOSX", ".DS_Store", "Thumbs.db")
_ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".gz", ".zip")


@dataclass
class Entry:
    """One file in a folder or an archive."""

    path: str  # POSIX path relative to the tree's root
    size: int  # uncompressed size as announced [bytes]
    read: Callable[[int], bytes]  # read at most n bytes (the rest is not needed)
    shown: str  # the `file` to report
    member: str | None  # the archive member to report, None for plain files


@dataclass
class _Budget:
    """Counts what one archive has cost so far, across nesting levels."""

    limits: Limits
    members: int = 0
    bytes_read: int = 0

    def take(self, shown: str, size: int) -> None:
        self.members += 1
        self.bytes_read += size
        if self.members > self.limits.max_members:
            raise LimitExceeded(_base(shown),
                                f"more than {self.limits.max_members} files in the archive")
        if self.bytes_read > self.limits.max_archive_bytes:
            raise LimitExceeded(
                shown,
                f"archive expands to more than {self.limits.max_archive_bytes // 1024**2} MB")


def _base(path: str) -> str:
    """The last part of a file, member or nested-member path, for messages."""
    return path.replace("!", "/").rstrip("/").rsplit("/", 1)[-1]


def _is_junk(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(p in _JUNK_PARTS or p.startswith("._") for p in parts)


def _looks_like_activity(path: str) -> bool:
    return path.lower().endswith(_ACTIVITY_SUFFIXES)


def iter_folder(folder: Path, *, shown: str, limits: Limits) -> Iterator[ReadResult]:
    """Everything readable below ``folder`` (recursively), in path order."""
    entries: list[Entry] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        entries.append(Entry(
            path=rel, size=path.stat().st_size,
            read=functools.partial(_read_file, path),
            shown=str(Path(shown) / rel), member=None))
    # A folder itself has no size limits; each archive found in it gets its own budget.
    unlimited = _Budget(Limits(max_file_bytes=limits.max_file_bytes,
                               max_archive_bytes=2**62, max_members=2**62,
                               max_depth=limits.max_depth))
    yield from _walk(entries, shown=shown, limits=limits, budget=unlimited, depth=0,
                     in_archive=False)


def _read_file(path: Path, n: int) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(n)
    except OSError as exc:
        raise UnsupportedFormat(path.name, f"cannot open ({exc.strerror})") from exc


def iter_archive(path: Path, *, shown: str, limits: Limits) -> Iterator[ReadResult]:
    """Everything readable in a zip file on disk."""
    with path.open("rb") as handle:
        yield from iter_zip_bytes(handle, shown=shown, limits=limits)


def iter_zip_bytes(handle: BinaryIO, *, shown: str, limits: Limits,
                   budget: _Budget | None = None, depth: int = 1,
                   prefix: str = "") -> Iterator[ReadResult]:
    """Everything readable in an open zip, nested zips included up to ``limits.max_depth``."""
    budget = budget or _Budget(limits)
    if depth > limits.max_depth:
        yield ReadFailure(shown, prefix.rstrip("!") or None,
                          LimitExceeded(_base(shown),
                                        f"archives nested deeper than {limits.max_depth}"))
        return
    try:
        archive = zipfile.ZipFile(handle)
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except ZIP_ERRORS:
        yield ReadFailure(shown, prefix.rstrip("!") or None,
                          CorruptFile(_base(prefix.rstrip("!") or shown),
                                      "the zip archive is damaged"))
        return
    if budget.members + len(infos) > limits.max_members:
        # Counted before reading: 20,000 empty members must not give 20,000 refusals.
        yield ReadFailure(shown, prefix.rstrip("!") or None, LimitExceeded(
            _base(prefix.rstrip("!") or shown),
            f"more than {limits.max_members} files in the archive"))
        return
    with archive:
        entries = [
            Entry(path=info.filename, size=info.file_size,
                  read=functools.partial(_read_member, archive, info),
                  shown=shown, member=prefix + info.filename)
            for info in sorted(infos, key=lambda i: i.filename)
        ]
        yield from _walk(entries, shown=shown, limits=limits, budget=budget, depth=depth,
                         in_archive=True)


#: What reading a damaged or unusual zip raises: BadZipFile (bad CRC, bad header),
#: NotImplementedError (a newer zip version or compression), RuntimeError (encrypted),
#: zlib/lzma/bz2 errors, EOFError and OSError (cut short), ValueError (bad sizes).
ZIP_ERRORS = (zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error, lzma.LZMAError,
              EOFError, OSError, ValueError)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, n: int) -> bytes:
    try:
        with archive.open(info) as member:
            # Read one byte more than allowed so a lying size header is caught.
            return member.read(n)
    except NotImplementedError as exc:
        raise CorruptFile(_base(info.filename), "stored with a zip version or compression "
                          "legday cannot open; re-create the zip with plain settings") from exc
    except RuntimeError as exc:
        raise CorruptFile(_base(info.filename), "is encrypted in the zip") from exc
    except ZIP_ERRORS as exc:
        raise CorruptFile(_base(info.filename), "cannot be extracted from the archive") from exc


def _walk(entries: list[Entry], *, shown: str, limits: Limits, budget: _Budget,
          depth: int, in_archive: bool) -> Iterator[ReadResult]:
    from legday.io.strava import find_export_roots, iter_export

    found = 0  # activities and refusals of activity files: none means "nothing here"
    entries = [e for e in entries if not _is_junk(e.path)]
    by_path = {e.path: e for e in entries}
    consumed: set[str] = set()
    for root in find_export_roots(list(by_path)):
        for result in iter_export(root, by_path, consumed, limits=limits):
            found += 1
            yield result
    for entry in entries:
        if entry.path in consumed:
            continue
        try:
            results = list(_read_entry(entry, limits=limits, budget=budget, depth=depth))
        except LimitExceeded as err:
            yield ReadFailure(entry.shown, entry.member, err)
            if in_archive:
                return
            continue
        except LegdayError as err:  # a damaged member must not stop the others
            found += 1
            yield ReadFailure(entry.shown, entry.member, err)
            continue
        found += len(results)
        yield from results
    if found == 0 and depth <= 1:
        yield ReadFailure(shown, None, NotAnActivity(
            _base(shown), "no FIT, GPX or TCX activity files found in it"))


def _read_entry(entry: Entry, *, limits: Limits, budget: _Budget,
                depth: int) -> Iterator[ReadResult]:
    head = entry.read(4096)
    fmt = sniff(head, entry.path)
    if fmt is None or fmt == "csv":
        if _looks_like_activity(entry.path):
            # Named like an activity but not one: report it rather than skip it silently.
            yield from read_payload(entry.read(limits.max_file_bytes + 1), shown=entry.shown,
                                    member=entry.member, limits=limits)
        return
    if fmt == "zip":
        if not entry.path.lower().endswith(".zip"):
            return  # zip-based documents (.kmz, .docx, ...) are not activity archives
        if entry.member is None:  # a zip lying in a folder starts its own budget
            budget, depth = _Budget(limits), 0
        budget.take(_base(entry.member or entry.shown), entry.size)
        if entry.size > limits.max_archive_bytes:
            raise LimitExceeded(_base(entry.member or entry.shown),
                                "nested archive too large to read safely")
        data = entry.read(limits.max_archive_bytes + 1)
        prefix = (entry.member + "!") if entry.member is not None else ""
        yield from iter_zip_bytes(io.BytesIO(data), shown=entry.shown, limits=limits,
                                  budget=budget, depth=depth + 1, prefix=prefix)
        return
    budget.take(_base(entry.member or entry.shown), entry.size)
    data = entry.read(limits.max_file_bytes + 1)
    yield from read_payload(data, shown=entry.shown, member=entry.member, limits=limits)
