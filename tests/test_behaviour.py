"""Behaviour stays as it was: the sample season's weekly JSON and the real export's efforts.

``tests/data/behaviour.json.gz`` was written by ``scripts/behaviour_snapshot.py``
with the code before the issue-14 restructuring (weekly table in km and
minutes). The weekly table is SI now (metres, seconds): each old ``*_km``
column is compared with its ``*_distance_m`` column / 1000 and each old
``*_min`` column with its ``*_s`` column / 60, within the two roundings of
the JSON (the reference's and today's); every other value, every verdict
reason and every finding sentence (default units: km) must be equal.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from legday.efforts import classify_activities
from legday.io import read_paths
from legday.model import Activity
from legday.season import analyse
from legday.strength.log import read_strength_csv
from tests.conftest import require_realdata

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
EXPORT = Path("bulk") / "stravaexport__slalom007" / "activities"


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    with gzip.open(ROOT / "tests" / "data" / "behaviour.json.gz", "rt", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _decimals(value: float) -> int:
    """Decimals a rounded JSON number was written with."""
    text = repr(float(value))
    return 0 if isinstance(value, int) else len(text.split(".")[1].rstrip("0") or "")


#: Weekly columns added since the reference was written (issue 15: sets by region, the
#: one count of docs/strength.md), so not in it.
ADDED_COLUMNS = frozenset({"upper_sets", "core_sets"})


def si_column(old: str) -> tuple[str, float]:
    """The SI column that replaced a km or minutes column, and its factor to the old unit."""
    if old.endswith("_km"):
        return old.removesuffix("_km") + "_distance_m", 1 / 1000
    if old.endswith("_min"):
        return old.removesuffix("_min") + "_s", 1 / 60
    return old, 1.0


def _close(new: float, factor: float, old: float, old_digits: int, new_digits: int) -> bool:
    allowed = 0.5 * 10.0 ** -old_digits + 0.5 * 10.0 ** -new_digits * factor + 1e-9
    return abs(new * factor - old) <= allowed


def test_sample_season_weekly_json_is_unchanged(reference: dict[str, Any]):
    activities = [a for a in read_paths([SAMPLES / "season"]) if isinstance(a, Activity)]
    entries = read_strength_csv(SAMPLES / "strength_log.csv").entries
    now = analyse(activities, entries).to_dict()["weeks"]
    before = reference["season"]["weeks"]
    assert [w["week"] for w in now] == [w["week"] for w in before]
    for old_week, new_week in zip(before, now, strict=True):
        assert new_week["findings"] == old_week["findings"], old_week["week"]
        assert new_week["leg_day_reasons"] == old_week["leg_day_reasons"], old_week["week"]
        added = (ADDED_COLUMNS & new_week.keys()) - old_week.keys()
        assert len(new_week) - len(added) == len(old_week)
        for column, old in old_week.items():
            name, factor = (column, 1.0) if column in new_week else si_column(column)
            assert name in new_week, f"{column} -> {name} missing"
            new = new_week[name]
            if isinstance(old, float | int) and not isinstance(old, bool) and factor != 1.0:
                assert isinstance(new, float | int), (name, new)
                assert _close(new, factor, old, _decimals(old), _decimals(new)), (
                    old_week["week"], column, old, name, new)
            else:
                assert new == old, (old_week["week"], column)


@pytest.mark.corpus
def test_real_export_efforts_are_unchanged(reference: dict[str, Any]):
    paths = sorted((require_realdata() / EXPORT).glob("*.fit.gz"))
    activities = [a for a in read_paths(paths) if isinstance(a, Activity)]
    now = {Path(a.source).name: c.to_dict()
           for a, c in zip(activities, classify_activities(activities), strict=True)}
    before = reference["efforts"]
    assert sorted(now) == sorted(before)
    for name, old in before.items():
        new = now[name]
        assert new["primary"] == old["primary"], name
        assert len(new["efforts"]) == len(old["efforts"]), name
        for old_effort, new_effort in zip(old["efforts"], new["efforts"], strict=True):
            for key, value in old_effort.items():
                # Numbers within one unit of their JSON rounding (0.01 m/s, else 0.1).
                if isinstance(value, float) and new_effort[key] is not None:
                    step = 0.01 if key.endswith("mps") else 0.1
                    assert abs(new_effort[key] - value) <= step + 1e-9, (name, key)
                else:
                    assert new_effort[key] == value, (name, key)
