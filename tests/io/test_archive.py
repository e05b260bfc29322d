import gzip
from pathlib import Path

import pytest

from legday.errors import CorruptFile, LimitExceeded, NotAnActivity, UnsupportedFormat
from legday.io import Limits, ReadFailure, read_bytes, read_path, read_upload
from legday.model import Activity, Sport
from tests.conftest import require_realdata
from tests.io.helpers import gpx_text, zip_bytes

GPX = gpx_text().encode()


def _split(results):
    results = list(results)
    acts = [r for r in results if isinstance(r, Activity)]
    fails = [r for r in results if isinstance(r, ReadFailure)]
    return acts, fails


def test_format_is_detected_from_content_not_extension(tmp_path: Path):
    odd = tmp_path / "export.dat"
    odd.write_bytes(gzip.compress(GPX))
    acts, fails = _split(read_path(odd))
    assert not fails and len(acts) == 1
    assert acts[0].format == "gpx" and acts[0].points == 30 and acts[0].sport is Sport.RUN


def test_nested_zips_are_opened_and_members_named(tmp_path: Path):
    inner = zip_bytes({"run.gpx": GPX, "__MACOSX/._run.gpx": b"\x00\x05\x16\x07junk"})
    outer = tmp_path / "export.zip"
    outer.write_bytes(zip_bytes({"DI_CONNECT/Part1.zip": inner, "notes.txt": b"hello"}))
    acts, fails = _split(read_path(outer))
    assert not fails
    assert [a.member for a in acts] == ["DI_CONNECT/Part1.zip!run.gpx"]
    assert acts[0].source == str(outer)


def test_nesting_deeper_than_the_limit_is_refused(tmp_path: Path):
    data = zip_bytes({"run.gpx": GPX})
    for level in range(4):
        data = zip_bytes({f"level{level}.zip": data})
    path = tmp_path / "deep.zip"
    path.write_bytes(data)
    acts, fails = _split(read_path(path, limits=Limits(max_depth=3)))
    assert not acts
    assert isinstance(fails[0].error, LimitExceeded) and "nested deeper than 3" in fails[0].message


def test_member_count_and_total_size_limits(tmp_path: Path):
    many = tmp_path / "many.zip"
    many.write_bytes(zip_bytes({f"run{i}.gpx": GPX for i in range(5)}))
    acts, fails = _split(read_path(many, limits=Limits(max_members=3)))
    # Refused whole before any member is read: one refusal, not one per member.
    assert not acts and len(fails) == 1 and isinstance(fails[0].error, LimitExceeded)
    assert "more than 3 files" in fails[0].message
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(zip_bytes({"a.gpx": GPX + b" " * 3_000_000}))
    acts, fails = _split(read_path(bomb, limits=Limits(max_archive_bytes=1_000_000)))
    assert not acts and isinstance(fails[0].error, LimitExceeded)


def test_per_file_size_limit():
    with pytest.raises(LimitExceeded, match="big.gpx: larger than"):
        read_bytes(GPX + b" " * (2 * 1024**2), name="big.gpx",
                   limits=Limits(max_file_bytes=1024**2))


def test_empty_unknown_and_damaged_inputs_give_clear_errors(tmp_path: Path):
    with pytest.raises(CorruptFile, match="^empty.fit: the file is empty$"):
        read_bytes(b"", name="empty.fit")
    with pytest.raises(UnsupportedFormat, match="^notes.txt: not a FIT"):
        read_bytes(b"just some words", name="notes.txt")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    _, fails = _split(read_path(broken))
    assert len(fails) == 1 and isinstance(fails[0].error, CorruptFile)
    empty = tmp_path / "docs.zip"
    empty.write_bytes(zip_bytes({"folder/fichier.doc": b""}))
    _, fails = _split(read_path(empty))
    assert len(fails) == 1 and isinstance(fails[0].error, NotAnActivity)
    assert "no FIT, GPX or TCX" in fails[0].message


def test_a_bad_file_does_not_stop_a_folder(tmp_path: Path):
    (tmp_path / "a.gpx").write_bytes(GPX)
    (tmp_path / "b.gpx").write_bytes(b"<gpx><trk><trkseg><trkpt lat=")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.gpx.gz").write_bytes(gzip.compress(GPX))
    acts, fails = _split(read_path(tmp_path))
    assert sorted(Path(a.source).name for a in acts) == ["a.gpx", "c.gpx.gz"]
    assert [Path(f.file).name for f in fails] == ["b.gpx"]
    assert fails[0].message.startswith("b.gpx: ")


def test_uploaded_zip_bytes_are_opened():
    acts, fails = _split(read_upload(zip_bytes({"x/run.gpx": GPX}), name="upload.zip"))
    assert not fails and acts[0].member == "x/run.gpx" and acts[0].source == "upload.zip"


@pytest.mark.corpus
@pytest.mark.parametrize("name,n_acts,n_fails", [
    ("fittrackee__gpx_test.zip", 3, 0),
    ("fittrackee__gpx_test_folder.zip", 3, 0),
    ("fittrackee__gpx_test_incorrect.zip", 1, 1),
    ("fittrackee__gpx_test_no_gpx.zip", 0, 1),
    ("fittrackee__gpx_multiple_extensions.zip", 1, 0),
    ("goldencheetah__HRM-unbucle-resync.zip", 2, 0),  # a FIT and its TCX twin
    ("goldencheetah__Move_2019_03_17_10_24_32_Running.fit.zip", 1, 0),
    ("goldencheetah__GarminFR955v18.zip", 1, 0),
])
def test_corpus_zips(name: str, n_acts: int, n_fails: int):
    path = require_realdata() / "bulk" / name
    acts, fails = _split(read_path(path))
    assert (len(acts), len(fails)) == (n_acts, n_fails), [f.message for f in fails]
    assert all(a.points > 0 for a in acts)
    assert not any("__MACOSX" in (a.member or "") for a in acts)
