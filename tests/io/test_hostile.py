"""Hostile inputs, made inside the tests: each is refused with a reason or read within bounds.

From a hostile-input run (issue 13): entity bombs and external entities, gzip and zip
bombs, a zip of 20,000 empty members, zip slip, deep nesting, FIT headers that lie, a
300,000-point GPX, a FIT file with thousands of sessions, a zip member needing a newer
zip version, one damaged byte, impossible time-zone offsets.
"""

from __future__ import annotations

import gzip
import io
import struct
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from legday.errors import CorruptFile, LegdayError, LimitExceeded
from legday.io import Limits, ReadFailure, read_bytes, read_path, read_upload
from legday.io.fit import read_fit
from legday.model import Activity
from tests.io.helpers import gpx_text, run_fit, zip_bytes

GPX = gpx_text().encode()


def _split(results: object) -> tuple[list[Activity], list[ReadFailure]]:
    items = list(results)  # type: ignore[call-overload]
    return ([r for r in items if isinstance(r, Activity)],
            [r for r in items if isinstance(r, ReadFailure)])


# ---------------------------------------------------------------------------
# XML


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa">""" + b"".join(
    b'<!ENTITY %c "%s">' % (98 + i, (b"&%c;" % (97 + i)) * 10) for i in range(9)) + b"""]>
<gpx version="1.1" creator="x"><trk><name>&j;</name><trkseg>
<trkpt lat="47.5" lon="19.0"><time>2025-03-01T08:00:00Z</time></trkpt>
<trkpt lat="47.5001" lon="19.0"><time>2025-03-01T08:00:01Z</time></trkpt>
</trkseg></trk></gpx>"""


@pytest.mark.parametrize("fmt", ["gpx", "tcx"])
def test_entity_expansion_is_refused(fmt: str) -> None:
    payload = BILLION_LAUGHS
    if fmt == "tcx":
        payload = payload.replace(b"<gpx", b"<TrainingCenterDatabase").replace(
            b"</gpx>", b"</TrainingCenterDatabase>")
    # expat stops a billion (10^10-byte) expansion as an amplification attack.
    with pytest.raises(CorruptFile, match=rf"^bomb\.{fmt}: the {fmt.upper()} file is damaged"):
        read_bytes(payload, name=f"bomb.{fmt}")


def test_external_entities_are_not_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    payload = GPX.replace(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                          b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY x SYSTEM "'
                          + secret.as_uri().encode() + b'">]>')
    payload = payload.replace(b"<trk>", b"<trk><name>&x;</name>")
    try:
        activities = read_bytes(payload, name="xxe.gpx")
    except LegdayError as err:
        assert "TOP-SECRET" not in str(err)
        return
    assert all("TOP-SECRET" not in (a.name or "") for a in activities)


# ---------------------------------------------------------------------------
# Compression and archives


def test_gzip_bomb_is_refused_at_the_limit() -> None:
    bomb = gzip.compress(b"\0" * (4 * 1024**2))
    with pytest.raises(LimitExceeded, match=r"^bomb\.fit\.gz: expands to more than 1 MB$"):
        read_bytes(bomb, name="bomb.fit.gz", limits=Limits(max_file_bytes=1024**2))


def test_zip_bomb_is_refused_at_the_archive_limit() -> None:
    bomb = zip_bytes({f"run{i}.gpx": GPX + b" " * 2_000_000 for i in range(3)})
    acts, fails = _split(read_upload(bomb, name="bomb.zip",
                                     limits=Limits(max_archive_bytes=3_000_000)))
    assert len(fails) == 1 and isinstance(fails[0].error, LimitExceeded)
    assert "archive expands to more than" in fails[0].message
    assert len(acts) <= 1


def test_twenty_thousand_empty_members_give_one_refusal() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for i in range(20_000):
            archive.writestr(f"e{i}.fit", b"")
    acts, fails = _split(read_upload(buffer.getvalue(), name="many.zip"))
    assert not acts and len(fails) == 1
    assert isinstance(fails[0].error, LimitExceeded)
    assert fails[0].message == f"many.zip: more than {Limits().max_members} files in the archive"


def test_zip_slip_names_stay_labels(tmp_path: Path) -> None:
    archive = tmp_path / "in" / "slip.zip"
    archive.parent.mkdir()
    archive.write_bytes(zip_bytes({"../../outside.gpx": GPX, "/abs/path.gpx": GPX}))
    before = sorted(p.name for p in tmp_path.rglob("*"))
    acts, fails = _split(read_path(archive))
    assert not fails and sorted(a.member or "" for a in acts) == ["../../outside.gpx",
                                                                  "/abs/path.gpx"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing was written


def test_twelve_deep_nesting_stops_at_the_limit() -> None:
    data = zip_bytes({"run.gpx": GPX})
    for level in range(12):
        data = zip_bytes({f"level{level}.zip": data})
    acts, fails = _split(read_upload(data, name="deep.zip"))
    assert not acts and len(fails) == 1
    assert isinstance(fails[0].error, LimitExceeded)
    assert f"nested deeper than {Limits().max_depth}" in fails[0].message


def _needing_newer_zip(data: bytes) -> bytes:
    """Mark every member as stored with compression method 99 (AES), which zipfile refuses."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = patched.find(signature)
        while at != -1:
            patched[at + offset : at + offset + 2] = struct.pack("<H", 99)
            at = patched.find(signature, at + 4)
    return bytes(patched)


def test_member_needing_a_newer_zip_is_refused_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "new.zip").write_bytes(_needing_newer_zip(zip_bytes({"run.gpx": GPX})))
    (tmp_path / "plain.gpx").write_bytes(GPX)
    acts, fails = _split(read_path(tmp_path))
    assert [Path(a.source).name for a in acts] == ["plain.gpx"]
    assert len(fails) == 1 and isinstance(fails[0].error, CorruptFile)
    assert fails[0].message.startswith("run.gpx: stored with a zip version or compression")


# ---------------------------------------------------------------------------
# FIT


def test_fit_with_thousands_of_sessions_is_refused_naming_the_limit() -> None:
    payload = run_fit(records=10, sessions=5_000)
    assert len(payload) < 200_000
    with pytest.raises(LimitExceeded, match=r"^s\.fit: holds 5000 sessions; legday reads at "
                                            r"most 100 from one file$"):
        read_bytes(payload, name="s.fit")


def test_activities_per_upload_are_bounded() -> None:
    upload = zip_bytes({f"run{i}.fit": run_fit(records=5, sessions=3) for i in range(4)})
    acts, fails = _split(read_upload(upload, name="u.zip", limits=Limits(max_activities=10)))
    assert len(acts) == 10 and len(fails) == 1
    assert fails[0].message == "u.zip: more than 10 activities in one upload; the rest was not read"


@pytest.mark.parametrize("data_size", [0, 12, 10**6, 2**32 - 1])
def test_fit_headers_that_lie_about_sizes(data_size: int) -> None:
    honest = run_fit(records=30)
    payload = honest[:4] + struct.pack("<I", data_size) + honest[8:]
    try:
        activities = read_fit(payload, name="lie.fit")
    except LegdayError as err:
        assert str(err).startswith("lie.fit: ")
        return
    assert all(a.partial for a in activities)
    assert sum(a.points for a in activities) <= 30


def test_fit_header_size_byte_that_lies() -> None:
    honest = run_fit(records=30)
    for size in (13, 40, 255):
        try:
            read_fit(bytes([size]) + honest[1:], name="h.fit")
        except LegdayError as err:
            assert str(err).startswith("h.fit: ")


def test_one_damaged_record_byte_keeps_the_records() -> None:
    payload = run_fit(records=30)
    first_record = payload.index(bytes([0x41, 0, 0, 20, 0]))  # the record definition
    records_start = first_record + 6 + 3 * 3  # the first record's header byte
    for at in range(records_start + 1, records_start + 10):  # a record's data bytes
        damaged = bytearray(payload)
        damaged[at] ^= 0xFF
        (activity,) = read_fit(bytes(damaged), name="d.fit")
        assert activity.partial and activity.points >= 29
        assert activity.samples["time"].max() - activity.samples["time"].min() <= pd.Timedelta(
            seconds=29)


# ---------------------------------------------------------------------------
# GPX


def test_a_300000_point_gpx_is_read() -> None:
    payload = gpx_text(300_000, step_deg=0.00001).encode()
    (activity,) = read_bytes(payload, name="long.gpx")
    assert activity.points == 300_000
    assert activity.elapsed_s == 299_999


@pytest.mark.parametrize("where", [0, 15])
def test_impossible_time_zone_offset_never_stretches(where: int) -> None:
    text = gpx_text(30)
    stamp = f"2025-03-01T08:00:{where:02d}Z"
    payload = text.replace(stamp, stamp[:-1] + "+99:00").encode()
    (activity,) = read_bytes(payload, name="tz.gpx")
    assert activity.elapsed_s is not None and activity.elapsed_s <= 29
    assert any("impossible times" in fix for fix in activity.fixes)
    assert activity.points >= 29


@pytest.mark.parametrize("encoding", ["UfF-8", "UTF-z", "shift_jis"])
def test_damaged_or_unreadable_encoding_declaration_is_refused(encoding: str) -> None:
    # Found by make fuzz (seed 1): expat raised LookupError for an unknown encoding.
    tcx = gpx_text().replace("gpx", "TrainingCenterDatabase")
    for fmt, text in (("gpx", gpx_text()), ("tcx", tcx)):
        payload = text.replace('encoding="UTF-8"', f'encoding="{encoding}"').encode()
        message = rf"^e\.{fmt}: the file declares a text encoding legday cannot read"
        with pytest.raises(CorruptFile, match=message + rf" \('{encoding}'\)$"):
            read_bytes(payload, name=f"e.{fmt}")
