"""Folders, zips (nested as in a Garmin Connect export) and Strava bulk exports.

Folders and zips are both seen as a *tree*: a list of entries with a relative
path and a way to read their bytes. One walker handles both, so a Strava
export behaves the same whether it was unpacked or not. What the walk makes of
each file is a :class:`Visitor`'s: reading decodes it (:func:`iter_folder`,
:func:`iter_zip_bytes`), the import pipeline hands its bytes to a worker.
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
from typing import BinaryIO, Generic, TypeVar

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
class Budget:
    """Counts what one archive has cost so far, across nesting levels."""

    limits: Limits
    members: int = 0
    bytes_read: int = 0

    def take(self, shown: str, size: int) -> None:
        self.members += 1
        self.bytes_read += size
        if self.members > self.limits.max_members:
            raise LimitExceeded(base_name(shown),
                                f"more than {self.limits.max_members} files in the archive")
        if self.bytes_read > self.limits.max_archive_bytes:
            raise LimitExceeded(
                shown,
                f"archive expands to more than {self.limits.max_archive_bytes // 1024**2} MB")


def base_name(path: str) -> str:
    """The last part of a file, member or nested-member path, for messages."""
    return path.replace("!", "/").rstrip("/").rsplit("/", 1)[-1]


def is_junk(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(p in _JUNK_PARTS or p.startswith("._") for p in parts)


def _looks_like_activity(path: str) -> bool:
    return path.lower().endswith(_ACTIVITY_SUFFIXES)


T = TypeVar("T")


@dataclass(frozen=True)
class Visitor(Generic[T]):
    """What a walk makes of what it finds in a tree.

    Attributes
    ----------
    file
        An activity file (or a file named like one): its entry and its bytes.
    refusal
        A file, member or archive that cannot be read: ``(file, member, error)``.
    export
        A Strava export found at a root of the tree: ``(root, entries by path,
        consumed)``; it adds the paths it handled to ``consumed``.
    found
        Whether an item counts as something found (an archive without any says so).
    """

    file: Callable[[Entry, bytes], Iterator[T]]
    refusal: Callable[[str, str | None, LegdayError], T]
    export: Callable[[str, dict[str, Entry], set[str]], Iterator[T]]
    found: Callable[[T], bool] = lambda item: True


def reading(limits: Limits) -> Visitor[ReadResult]:
    """The visitor that decodes every file (what ``legday ingest`` and the CLI do)."""
    from legday.io.strava import iter_export

    return Visitor(
        file=lambda entry, data: read_payload(data, shown=entry.shown, member=entry.member,
                                              limits=limits),
        refusal=lambda file, member, error: ReadFailure(file, member, error),
        export=lambda root, by_path, consumed: iter_export(root, by_path, consumed,
                                                           limits=limits))


def iter_folder(folder: Path, *, shown: str, limits: Limits) -> Iterator[ReadResult]:
    """Everything readable below ``folder`` (recursively), in path order."""
    yield from walk_folder(folder, shown=shown, limits=limits, visitor=reading(limits))


def walk_folder(folder: Path, *, shown: str, limits: Limits,
                visitor: Visitor[T]) -> Iterator[T]:
    """What ``visitor`` makes of everything below ``folder`` (recursively), in path order."""
    entries: list[Entry] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        entries.append(Entry(
            path=rel, size=path.stat().st_size,
            read=functools.partial(_read_file, path),
            shown=str(Path(shown) / rel), member=None))
    # A folder itself has no size limits; each archive found in it gets its own budget.
    unlimited = Budget(Limits(max_file_bytes=limits.max_file_bytes,
                              max_archive_bytes=2**62, max_members=2**62,
                              max_depth=limits.max_depth))
    yield from _walk(entries, shown=shown, limits=limits, budget=unlimited, depth=0,
                     in_archive=False, visitor=visitor)


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


def iter_zip_bytes(handle: BinaryIO, *, shown: str, limits: Limits) -> Iterator[ReadResult]:
    """Everything readable in an open zip, nested zips included up to ``limits.max_depth``."""
    yield from walk_zip(handle, shown=shown, limits=limits, visitor=reading(limits))


def walk_zip(handle: BinaryIO, *, shown: str, limits: Limits, visitor: Visitor[T],
             budget: Budget | None = None, depth: int = 1, prefix: str = "") -> Iterator[T]:
    """What ``visitor`` makes of everything in an open zip, nested zips included up to
    ``limits.max_depth``; the whole archive shares one :class:`Budget`."""
    budget = budget or Budget(limits)
    member = prefix.rstrip("!") or None
    name = base_name(member or shown)
    if depth > limits.max_depth:
        yield visitor.refusal(shown, member, LimitExceeded(
            base_name(shown), f"archives nested deeper than {limits.max_depth}"))
        return
    try:
        archive = zipfile.ZipFile(handle)
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except NotImplementedError:  # a zip format feature Python's zipfile does not have
        yield visitor.refusal(shown, member, UnsupportedFormat(
            name, "needs a newer zip version than legday opens"))
        return
    except ZIP_ERRORS:
        yield visitor.refusal(shown, member, CorruptFile(name, "the zip archive is damaged"))
        return
    if budget.members + len(infos) > limits.max_members:
        # Counted before reading: 20,000 empty members must not give 20,000 refusals.
        yield visitor.refusal(shown, member, LimitExceeded(
            name, f"more than {limits.max_members} files in the archive"))
        return
    with archive:
        entries = [
            Entry(path=info.filename, size=info.file_size,
                  read=functools.partial(_read_member, archive, info),
                  shown=shown, member=prefix + info.filename)
            for info in sorted(infos, key=lambda i: i.filename)
        ]
        yield from _walk(entries, shown=shown, limits=limits, budget=budget, depth=depth,
                         in_archive=True, visitor=visitor)


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
        raise CorruptFile(base_name(info.filename), "stored with a zip version or compression "
                          "legday cannot open; re-create the zip with plain settings") from exc
    except RuntimeError as exc:
        raise CorruptFile(base_name(info.filename), "is encrypted in the zip") from exc
    except ZIP_ERRORS as exc:
        raise CorruptFile(base_name(info.filename), "cannot be extracted from the archive") from exc


def _walk(entries: list[Entry], *, shown: str, limits: Limits, budget: Budget,
          depth: int, in_archive: bool, visitor: Visitor[T]) -> Iterator[T]:
    from legday.io.strava import find_export_roots

    found = 0  # activities and refusals of activity files: none means "nothing here"
    entries = [e for e in entries if not is_junk(e.path)]
    by_path = {e.path: e for e in entries}
    consumed: set[str] = set()
    for root in find_export_roots(list(by_path)):
        for item in visitor.export(root, by_path, consumed):
            found += visitor.found(item)
            yield item
    for entry in entries:
        if entry.path in consumed:
            continue
        try:
            for item in _visit_entry(entry, limits=limits, budget=budget, depth=depth,
                                     visitor=visitor):
                found += visitor.found(item)
                yield item
        except LimitExceeded as err:
            yield visitor.refusal(entry.shown, entry.member, err)
            if in_archive:
                return
        except LegdayError as err:  # a damaged member must not stop the others
            found += 1
            yield visitor.refusal(entry.shown, entry.member, err)
    if found == 0 and depth <= 1:
        yield visitor.refusal(shown, None, NotAnActivity(
            base_name(shown), "no FIT, GPX or TCX activity files found in it"))


def _visit_entry(entry: Entry, *, limits: Limits, budget: Budget, depth: int,
                 visitor: Visitor[T]) -> Iterator[T]:
    head = entry.read(4096)
    fmt = sniff(head, entry.path)
    if fmt is None or fmt == "csv":
        if _looks_like_activity(entry.path):
            # Named like an activity but not one: report it rather than skip it silently.
            yield from visitor.file(entry, entry.read(limits.max_file_bytes + 1))
        return
    if fmt == "zip":
        if not entry.path.lower().endswith(".zip"):
            return  # zip-based documents (.kmz, .docx, ...) are not activity archives
        if entry.member is None:  # a zip lying in a folder starts its own budget
            budget, depth = Budget(limits), 0
        budget.take(base_name(entry.member or entry.shown), entry.size)
        if entry.size > limits.max_archive_bytes:
            raise LimitExceeded(base_name(entry.member or entry.shown),
                                "nested archive too large to read safely")
        data = entry.read(limits.max_archive_bytes + 1)
        prefix = (entry.member + "!") if entry.member is not None else ""
        yield from walk_zip(io.BytesIO(data), shown=entry.shown, limits=limits,
                            visitor=visitor, budget=budget, depth=depth + 1, prefix=prefix)
        return
    budget.take(base_name(entry.member or entry.shown), entry.size)
    yield from visitor.file(entry, entry.read(limits.max_file_bytes + 1))
