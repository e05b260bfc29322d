"""The FIT walker against the fitparse path, on every FIT file of ../shared/realdata.

Both decoders feed the same assembly, so an activity read through one must equal the
one read through the other: every sample value, lap, timer event and set, the file
facts, the fixes and the refusals. The files the walker refuses are listed, so a
change in what it covers shows up here.
"""

from __future__ import annotations

import gzip
import math
import random
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from legday.errors import LegdayError
from legday.io import fit_fast
from legday.io.fit import read_fit
from legday.io.fit_layout import fit_crc, numpy_crc
from legday.model import Activity
from tests.conftest import REALDATA, manifest_rows, require_realdata

#: Corpus files the walker hands to fitparse, and why.
REFUSED_BY_WALKER = {
    "fitparse__antfs-dump.63.fit": "compressed timestamp header",
    "fitparse__compressed-speed-distance.fit": "compressed timestamp header",
    "fitparse__null_compressed_speed_dist.fit": "record field that is not one number",
    "fitparse__strava-android-app-201.10-b1218918.fit": "data message of an undefined local type",
    "goldencheetah__FR55-CoreTemp-Walk.fit": "record field that is not one number",
    "gpsbabel__lezyne_super_gps-garmin_fit-sample-bad-endian.fit": "compressed timestamp header",
    "runalyze__FR70-intervals.fit": "compressed timestamp header",
    "runalyze__Zwift-bad-training-effect.fit": "record field that is not one number",
    "runalyze__hr-only-zeros.fit": "record field that is not one number",
    "sportslib__empty-activities.fit": "record field that is not one number",
    "sportstracker__Zwift-Cycling_Indoor-Assioma_Uno.fit": "record field that is not one number",
}


def _payloads() -> list[tuple[str, str]]:
    """(id, locator) of every FIT payload: corpus files and FIT members of corpus zips."""
    out = [(r["path"].split("/")[-1], r["path"]) for r in manifest_rows("fit")]
    if (REALDATA / "MANIFEST.csv").is_file():
        for row in manifest_rows("zip"):
            with zipfile.ZipFile(REALDATA / row["path"]) as archive:
                out += [(f"{Path(row['path']).name}!{i.filename}", f"{row['path']}!{i.filename}")
                        for i in archive.infolist() if i.filename.lower().endswith(".fit")]
    return out


PAYLOADS = _payloads()


def _load(locator: str) -> bytes:
    root = require_realdata()
    path, _, member = locator.partition("!")
    if member:
        with zipfile.ZipFile(root / path) as archive:
            return archive.read(member)
    data = (root / path).read_bytes()
    return gzip.decompress(data) if path.endswith(".gz") else data


def _read(payload: bytes, name: str, decoder: str) -> list[Activity] | LegdayError:
    try:
        return read_fit(payload, name=name, decoder=decoder)  # type: ignore[arg-type]
    except LegdayError as err:
        return err


def assert_same_activities(fast: list[Activity], slow: list[Activity]) -> None:
    assert len(fast) == len(slow)
    for a, b in zip(fast, slow, strict=True):
        for name in Activity.__dataclass_fields__:
            x, y = getattr(a, name), getattr(b, name)
            if isinstance(x, pd.DataFrame):
                pd.testing.assert_frame_equal(x, y, check_exact=True, obj=name)
            elif isinstance(x, float) and isinstance(y, float) and math.isnan(x):
                assert math.isnan(y), name
            else:
                assert x == y, (name, x, y)


@pytest.mark.corpus
@pytest.mark.parametrize("locator", [loc for _, loc in PAYLOADS], ids=[i for i, _ in PAYLOADS])
def test_walker_reads_what_fitparse_reads(locator: str) -> None:
    payload = _load(locator)
    name = locator.replace("!", "/").split("/")[-1]
    try:
        fast = _read(payload, name, "fast")
    except fit_fast.Unsupported as refusal:
        assert REFUSED_BY_WALKER.get(name) == str(refusal)
        return
    assert name not in REFUSED_BY_WALKER
    slow = _read(payload, name, "fitparse")
    if isinstance(slow, LegdayError):
        assert type(fast) is type(slow) and str(fast) == str(slow)
        return
    assert isinstance(fast, list), fast
    assert_same_activities(fast, slow)


@pytest.mark.corpus
def test_walker_reads_damaged_copies_as_fitparse_does() -> None:
    """Byte flips and cuts: structure breaks in many ways, and the two must still agree."""
    rng = random.Random(1203)
    compared = 0
    for locator in ("fit/fitparse__Activity.fit", "fit/runalyze__Standard.fit",
                    "fit/fitparse__developer-types-sample.fit"):
        payload = _load(locator)
        for _ in range(25):
            damaged = bytearray(payload)
            if rng.random() < 0.3:
                damaged = damaged[: rng.randrange(12, len(damaged))]
            else:
                for _ in range(rng.randint(1, 3)):
                    damaged[rng.randrange(12, len(damaged))] = rng.randrange(256)
            try:
                fast = _read(bytes(damaged), "d.fit", "fast")
            except fit_fast.Unsupported:
                continue
            slow = _read(bytes(damaged), "d.fit", "fitparse")
            if isinstance(slow, LegdayError) or isinstance(fast, LegdayError):
                assert type(fast) is type(slow) and str(fast) == str(slow)
            else:
                assert_same_activities(fast, slow)
            compared += 1
    assert compared > 40


def test_checksums_agree_with_the_sdk_algorithm() -> None:
    def sdk_crc(data: bytes) -> int:  # the FIT SDK's nibble-table CRC
        table = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
                 0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)
        crc = 0
        for byte in data:
            for nibble in (byte & 0xF, byte >> 4):
                tmp = table[crc & 0xF]
                crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ table[nibble]
        return crc

    rng = random.Random(7)
    for size in [*range(0, 20), 255, 256, 257, 4099]:
        data = bytes(rng.randrange(256) for _ in range(size))
        assert numpy_crc(data) == fit_crc(data) == sdk_crc(data), size
    assert fit_crc(b"123456789") == 0xBB3D
