"""Shared test fixtures: where the real-file corpus lives, and CI's rule for it."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_realdata() -> Path:
    """The corpus directory; in CI its absence is a failure, locally a skip."""
    if not (REALDATA / "MANIFEST.csv").is_file():
        message = f"real-file corpus not found at {REALDATA}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return REALDATA


def manifest_rows(*formats: str) -> list[dict[str, str]]:
    """MANIFEST.csv rows of the given formats; one placeholder row when the corpus is absent.

    The placeholder keeps parametrised tests collectable: their first call to
    :func:`require_realdata` then fails in CI or skips locally.
    """
    manifest = REALDATA / "MANIFEST.csv"
    if not manifest.is_file():
        return [{"path": "<missing corpus>", "format": formats[0], "notes": "", "gpxpy": "",
                 "fitparse": ""}]
    with manifest.open(encoding="utf-8") as fh:
        return [row for row in csv.DictReader(fh) if row["format"] in formats]


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Analysed-season copies written by imports and the app stay out of ~/.cache.
    os.environ.setdefault("LEGDAY_CACHE_DIR", str(tmp_path_factory.mktemp("legday-cache")))


@pytest.fixture(scope="session")
def realdata() -> Path:
    return require_realdata()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A run that executed nothing must never look green.
    if session.testscollected == 0 and exitstatus == 0:
        session.exitstatus = 5
