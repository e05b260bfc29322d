"""The streaming import: the walk finds what legday.io reads, files are committed as they are
read, stored files are skipped before decoding, and a crashing reader refuses one file only."""

from __future__ import annotations

import csv
import gzip
import os
import shutil
from pathlib import Path

import pytest

from legday.io import ReadFailure, read_paths
from legday.model import Activity
from legday.store import Store, import_paths, list_activities, load_efforts, pipeline
from legday.store.importer import import_items
from legday.store.pipeline import Decoder, FileUnit, Refusal, Source, StrengthLog, iter_items
from tests.conftest import REALDATA, require_realdata
from tests.io.helpers import gpx_text, zip_bytes
from tests.store.helpers import write_run, write_season

STRAVA = "bulk/stravaexport__slalom007"
BULK_ZIPS = sorted(p.name for p in (REALDATA / "bulk").glob("*.zip")) or ["<missing corpus>"]


def _key(result: Activity | ReadFailure | Refusal) -> tuple[object, ...]:
    if isinstance(result, Refusal):
        return ("refused", result.label, result.message)
    if isinstance(result, ReadFailure):
        label = f"{result.file}!{result.member}" if result.member else result.file
        return ("refused", label, result.message)
    return ("activity", result.source, result.member, result.id, result.sport.value,
            result.name, result.start_utc, result.points, result.partial)


def _walked(paths: list[Path]) -> list[tuple[object, ...]]:
    out = []
    for item in iter_items([Source(p, str(p)) for p in paths]):
        if isinstance(item, FileUnit):
            out.extend(_key(r) for r in pipeline.read_unit(item))
        elif isinstance(item, Refusal):
            out.append(_key(item))
        elif isinstance(item, StrengthLog):
            out.append(("strength", item.shown))
    return out


def _read(paths: list[Path]) -> list[tuple[object, ...]]:
    return [_key(r) for r in read_paths(paths)]


@pytest.mark.corpus
@pytest.mark.parametrize("name", BULK_ZIPS)
def test_the_walk_finds_what_legday_io_reads_in_every_corpus_zip(name: str):
    path = require_realdata() / "bulk" / name
    expected = _read([path])
    assert expected
    assert _walked([path]) == expected


def _mini_export(root: Path, n_files: int) -> Path:
    """A real Strava export cut to ``n_files`` rows with files, one row without, and a file
    no row names."""
    source = require_realdata() / STRAVA
    with (source / "activities.csv").open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    at = header.index("Filename")
    with_file = [r for r in rows if r[at].endswith(".fit.gz")][:n_files + 1]
    without = [r for r in rows if not r[at].strip()][:1]
    assert with_file and without
    export = root / "export"
    (export / "activities").mkdir(parents=True)
    unnamed = with_file.pop()
    with (export / "activities.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([*with_file, *without])
    for row in [*with_file, unnamed]:
        shutil.copy(source / row[at], export / row[at])
    (export / "activities" / ".DS_Store").write_bytes(b"junk")
    return export


@pytest.mark.corpus
def test_the_walk_reads_a_strava_export_as_legday_io_does_folder_and_zip(tmp_path: Path):
    export = _mini_export(tmp_path, 3)
    members = {p.relative_to(export).as_posix(): p.read_bytes()
               for p in export.rglob("*") if p.is_file()}
    zipped = tmp_path / "export.zip"
    zipped.write_bytes(zip_bytes(members))
    for path in (export, zipped):
        expected = _read([path])
        assert [k[0] for k in expected].count("activity") == 5  # 3 named, 1 row only, 1 unnamed
        # The same activities; the reader yields rows without a local offset last.
        assert sorted(_walked([path]), key=repr) == sorted(expected, key=repr)


@pytest.mark.corpus
def test_a_progress_total_counts_a_strava_export_zip_exactly_before_decoding(tmp_path: Path):
    """An upload's bar is n of N from the start: N is what the walk yields, rows without a
    file and files no row names included, counted from the zip's table of contents."""
    source = require_realdata() / STRAVA
    for export, name in ((_mini_export(tmp_path, 3), "mini.zip"), (source, "whole.zip")):
        members = {f"slalom/{p.relative_to(export).as_posix()}": p.read_bytes()
                   for p in export.rglob("*") if p.is_file()}
        zipped = tmp_path / name
        zipped.write_bytes(zip_bytes(members))
        units = [i for i in iter_items([Source(zipped, name)]) if isinstance(i, FileUnit)]
        with zipped.open("rb") as handle:
            assert pipeline.estimate_items(handle, name) == len(units)
    assert len(units) == 242  # the whole export: 237 rows with a file, 5 without


def test_the_walk_matches_legday_io_on_nested_zips_junk_and_broken_files(tmp_path: Path):
    tree = tmp_path / "tree"
    (tree / "inner").mkdir(parents=True)
    write_run(tree / "inner", "easy", seed=1)
    (tree / "broken.fit").write_bytes(b"no activity in here" * 20)
    (tree / "notes.txt").write_text("hello")
    (tree / "map.kmz").write_bytes(zip_bytes({"doc.kml": b"<kml/>"}))
    inner = zip_bytes({"deep/run.gpx": gpx_text().encode(),
                       "__MACOSX/deep/._run.gpx": b"\0\5\26\7",
                       "deep/run2.gpx.gz": gzip.compress(gpx_text(start="2025-03-04T08:00:00Z")
                                                         .encode())})
    (tree / "bundle.zip").write_bytes(zip_bytes({"garmin/inner.zip": inner,
                                                 "garmin/empty.tcx": b""}))
    (tmp_path / "nothing.zip").write_bytes(zip_bytes({"readme.txt": b"no runs"}))
    log = tmp_path / "log.csv"
    log.write_text("date,exercise,sets,reps,weight_kg\n2025-03-01,Back squat,3,5,100\n")
    paths = [tree, tmp_path / "nothing.zip"]
    expected = _read(paths)
    assert {k[0] for k in expected} == {"activity", "refused"}
    assert _walked(paths) == expected
    assert _walked([log]) == [("strength", str(log))]


@pytest.mark.corpus
def test_a_strava_export_is_stored_with_legday_io_values_and_offsets(store: Store,
                                                                       tmp_path: Path):
    export = _mini_export(tmp_path, 3)
    me = store.athlete()
    report = import_paths(me, [export])
    assert (report.imported, report.errors) == (5, [])
    stored = list_activities(me).set_index("content_id")
    for activity in read_paths([export]):
        assert isinstance(activity, Activity)
        row = stored.loc[activity.id]
        assert (row["name"] if isinstance(row["name"], str) else None) == activity.name
        assert row["sport"] == activity.sport.value
        # The row without a file borrows the offset of the export's nearest activity.
        assert activity.utc_offset_s is not None
        assert row["utc_offset_s"] == activity.utc_offset_s


def test_activities_are_committed_as_they_are_read(store: Store, tmp_path: Path):
    paths = write_season(tmp_path, 12)
    me = store.athlete()
    decoder = Decoder(workers=2)
    walked = 0

    def counted():
        nonlocal walked
        for item in iter_items([Source(p, str(p)) for p in paths]):
            walked += 1
            yield item

    first_commit: list[tuple[int, int]] = []

    def on_event(event):
        if not first_commit:
            first_commit.append((walked, len(list_activities(me))))

    try:
        report = import_items(me, counted(), on_event, decoder=decoder)
    finally:
        decoder.close()
    assert report.imported == 12
    files_read_then, stored_then = first_commit[0]
    assert stored_then == 1  # stored (committed) when reported
    assert files_read_then <= decoder.window + 1 < len(paths)  # long before the walk ended


def test_stored_files_are_skipped_before_decoding(store: Store, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch):
    paths = write_season(tmp_path, 3)
    me = store.athlete()
    first = import_paths(me, paths, decoder=Decoder(workers=1))
    assert (first.imported, first.files_skipped) == (3, 0)
    decoded: list[str] = []
    original = pipeline.read_unit
    monkeypatch.setattr(pipeline, "read_unit",
                        lambda unit, *a: decoded.append(unit.label) or original(unit, *a))
    again = import_paths(me, [*paths, write_run(tmp_path, "tempo", seed=9)],
                         decoder=Decoder(workers=1))
    assert (again.imported, again.duplicates, again.files_skipped) == (1, 3, 3)
    assert decoded == [str(tmp_path / "tempo_9.fit")]
    # The same bytes under another name are recognised too.
    copy = tmp_path / "copy.gpx"
    copy.write_bytes(paths[0].read_bytes())
    assert import_paths(me, [copy], decoder=Decoder(workers=1)).files_skipped == 1
    assert len(decoded) == 1


def test_a_reader_that_kills_its_worker_refuses_that_file_only(store: Store, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch):
    paths = write_season(tmp_path, 3)
    boom = tmp_path / "boom.gpx"
    boom.write_text(gpx_text(start="2025-04-01T08:00:00Z"))
    original = pipeline.read_unit

    def crashing(unit, *args):
        if "boom" in unit.shown:
            os._exit(3)  # what a panicking native reader does to its process
        return original(unit, *args)

    monkeypatch.setattr(pipeline, "read_unit", crashing)  # forked workers inherit it
    me = store.athlete()
    decoder = Decoder(workers=2, start_method="fork")
    try:
        report = import_paths(me, [paths[0], boom, *paths[1:]], decoder=decoder)
    finally:
        decoder.close()
    assert report.imported == 3
    assert [e["file"] for e in report.errors] == [str(boom)]
    assert report.errors[0]["error"] == "boom.gpx: the reader crashed on it"
    stored = list_activities(me)
    assert len(stored) == 3
    assert set(load_efforts(me)["activity_id"]) == set(stored["activity_id"])


def test_two_imports_of_the_same_files_at_once_store_each_once(database, tmp_path: Path):
    from concurrent.futures import ThreadPoolExecutor

    from legday.store import open_store

    paths = write_season(tmp_path, 6)
    stores = [open_store(database.url) for _ in range(2)]
    try:
        with ThreadPoolExecutor(2) as pool:
            reports = list(pool.map(
                lambda s: import_paths(s.athlete(), paths, decoder=Decoder(workers=1)), stores))
        assert sum(r.imported for r in reports) == 6
        assert all(r.imported + r.duplicates == 6 and not r.errors for r in reports)
        assert len(list_activities(stores[0].athlete())) == 6
    finally:
        for store in stores:
            store.close()


def _patched_zip(members: dict[str, bytes], member: str, *, method: int | None = None,
                 version: int | None = None) -> bytes:
    """A stored zip whose ``member`` claims a compression ``method`` or a zip ``version``
    needed to extract it that Python's zipfile does not have (issue 13)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2025, 3, 1, 8, 0, 0)), data)
    raw = bytearray(buffer.getvalue())
    wanted = member.encode()
    # (signature, offset of the name length, offset of the name, offset of the
    # version needed, offset of the method) for local and central headers
    for signature, length_at, name_at, version_at, method_at in (
            (b"PK\x03\x04", 26, 30, 4, 8), (b"PK\x01\x02", 28, 46, 6, 10)):
        at = raw.find(signature)
        while at >= 0:
            length = int.from_bytes(raw[at + length_at:at + length_at + 2], "little")
            if raw[at + name_at:at + name_at + length] == wanted:
                if method is not None:
                    raw[at + method_at:at + method_at + 2] = method.to_bytes(2, "little")
                if version is not None:
                    raw[at + version_at:at + version_at + 2] = version.to_bytes(2, "little")
            at = raw.find(signature, at + 4)
    return bytes(raw)


def _runs(layout: str) -> dict[str, bytes]:
    runs = {"activities/a.gpx": gpx_text(start="2025-03-01T08:00:00Z").encode(),
            "activities/b.gpx": gpx_text(start="2025-03-02T08:00:00Z").encode(),
            "activities/c.gpx": gpx_text(start="2025-03-03T08:00:00Z").encode()}
    if layout == "strava export":
        header = "Activity ID,Activity Date,Activity Name,Activity Type,Filename\n"
        rows = "".join(f"{i},\"Mar {i}, 2025, 8:00:00 AM\",Run {i},Run,{name}\n"
                       for i, name in enumerate(runs, start=1))
        runs = {"activities.csv": (header + rows).encode(), **runs}
    return runs


@pytest.mark.parametrize("layout", ["zip", "strava export"])
def test_a_member_with_an_unknown_compression_is_refused_and_the_rest_stored(
        store: Store, tmp_path: Path, layout: str):
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(_patched_zip(_runs(layout), "activities/b.gpx", method=99))
    report = import_paths(store.athlete(), [bundle], decoder=Decoder(workers=1))
    assert report.imported == 2
    assert [e["file"] for e in report.errors] == [f"{bundle}!activities/b.gpx"]
    # The import says what reading the file says (the same walk).
    assert report.errors[0]["error"] == ("b.gpx: stored with a zip version or compression "
                                         "legday cannot open; re-create the zip with plain "
                                         "settings")
    (failure,) = [r for r in read_paths([bundle]) if isinstance(r, ReadFailure)]
    assert failure.message == report.errors[0]["error"]


def test_a_zip_needing_a_newer_version_is_refused_in_one_line_and_the_rest_stored(
        store: Store, tmp_path: Path):
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(_patched_zip(_runs("zip"), "activities/b.gpx", version=99))
    other = tmp_path / "other.gpx"
    other.write_text(gpx_text(start="2025-04-01T08:00:00Z"))
    report = import_paths(store.athlete(), [bundle, other], decoder=Decoder(workers=1))
    assert report.imported == 1
    assert report.errors == [{"file": str(bundle), "error": "bundle.zip: needs a newer zip "
                                                            "version than legday opens"}]
