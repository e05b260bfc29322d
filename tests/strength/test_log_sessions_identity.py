"""sessions() (one vectorised groupby) gives the frame of the per-session reference.

Sums may differ in their last bits from pandas' own (numpy adds long arrays pairwise,
bincount one after the other), so numbers are compared to a relative 1e-12.

The reference below is the former implementation, kept here only as the oracle: it built
each session's row with a dozen pandas operations (1.3 s on a 392-session log).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from legday.io import read_path
from legday.model import Activity
from legday.strength.catalogue import load_catalogue
from legday.strength.log import (
    _COMPOUND,
    SESSION_COLUMNS,
    _annotated,
    _series,
    _working,
    annotate,
    concat_entries,
    entries_from_activities,
    make_entries,
    read_legday_csv,
    session_kind,
    sessions,
)

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _reference_row(key: str, rows: pd.DataFrame) -> dict[str, Any]:
    work = _working(rows)
    session_rows = rows[rows["exercise"].isna()]
    timed = session_rows if len(session_rows) else rows[rows["exercise"].notna()]
    region = work["set_region"]
    lower = float(work.loc[region == "lower", "sets"].sum())
    upper = float(work.loc[region == "upper", "sets"].sum())
    core = float(work.loc[region == "core", "sets"].sum())
    lower_rows = work[region == "lower"]
    tonnage = (lower_rows["sets"] * lower_rows["reps"] * lower_rows["weight_kg"]).fillna(0.0)
    pattern = work["pattern"]
    known_rpe = rows.loc[~rows["is_warmup"].astype(bool), "rpe"].dropna()
    return {
        "session": key, "date": rows["date"].iloc[0], "start_utc": rows["start_utc"].min(),
        "duration_min": float(timed["duration_min"].sum(min_count=1)),
        "rpe": float(known_rpe.max()) if len(known_rpe) else math.nan,
        "n_entries": int(rows["exercise"].notna().sum()), "n_sets": float(work["sets"].sum()),
        "kind": session_kind(lower, upper, core), "lower_sets": lower, "upper_sets": upper,
        "core_sets": core, "lower_tonnage_kg": float(tonnage.sum()),
        "has_single_leg": bool(work["single_leg"].any()),
        "has_compound_lower": bool(((region == "lower")
                                    & pattern.isin(list(_COMPOUND))).any()),
        "has_isolation_lower": bool(((region == "lower") & (pattern == "isolation")).any()),
        "unmapped": int((rows["exercise"].notna() & rows["matched"].isna()).sum()),
        "source": rows["source"].iloc[0],
    }


def reference_sessions(entries: pd.DataFrame) -> pd.DataFrame:
    ann = _annotated(entries)
    rows = [_reference_row(str(key), group)
            for key, group in ann.groupby("session", sort=False)]
    frame = pd.DataFrame({column: _series([r[column] for r in rows], dtype)
                          for column, dtype in SESSION_COLUMNS.items()})
    return frame.sort_values(["date", "start_utc", "session"], ignore_index=True)


def _same(entries: pd.DataFrame) -> pd.DataFrame:
    got = sessions(entries)
    pd.testing.assert_frame_equal(got, reference_sessions(entries), check_exact=False,
                                  rtol=1e-12, atol=1e-12)
    assert {c: str(t) for c, t in got.dtypes.items()} == SESSION_COLUMNS
    return got


def _sample_entries() -> pd.DataFrame:
    log = read_legday_csv(SAMPLES / "strength_log.csv")
    fit = [a for a in read_path(SAMPLES / "season" / "2026-09-09-strength.fit")
           if isinstance(a, Activity)]
    return concat_entries([log.entries, entries_from_activities(fit)])


def _generated(n_sessions: int = 400, seed: int = 11) -> pd.DataFrame:
    """A varied log: every region, warm-ups, unmapped names, blanks, whole-session rows,
    several sources, UTC times on some entries and sessions listed out of date order."""
    rng = np.random.default_rng(seed)
    names = [e.name for e in load_catalogue().exercises]
    names += ["Zorb juggling", "Sled push (heavy)", "bench PRESS"]
    records: list[dict[str, Any]] = []
    days = pd.Timestamp("2022-01-03") + pd.to_timedelta(rng.permutation(n_sessions) * 3, "D")
    for i, day in enumerate(days):
        source = ["legday_csv", "fit", "strong", "hevy", "strava"][i % 5]
        session = f"{day.date().isoformat()}#{source}:{i}"
        timed = rng.random() < 0.5
        start = day + pd.Timedelta(hours=int(rng.integers(5, 21)))
        for j in range(int(rng.integers(1, 12))):
            whole = rng.random() < 0.08
            blank = rng.random(6) < 0.15
            records.append({
                "date": day, "session": session,
                "start_utc": (start + pd.Timedelta(minutes=5 * j)).tz_localize("UTC")
                if timed and rng.random() < 0.8 else None,
                "exercise": None if whole else str(rng.choice(names)),
                "sets": math.nan if blank[0] else float(rng.integers(1, 6)),
                "reps": math.nan if blank[1] else float(rng.integers(1, 15)),
                "weight_kg": math.nan if blank[2] else round(float(rng.uniform(0, 180)), 2),
                "rpe": math.nan if blank[3] else float(rng.integers(1, 11)),
                "duration_min": math.nan if blank[4] else round(float(rng.uniform(1, 60)), 3),
                "notes": "[warm-up]" if blank[5] else None,
                "is_warmup": bool(blank[5]), "source": source,
            })
    records.append({"date": days[0], "session": None, "exercise": "Back squat", "sets": 3.0})
    order = rng.permutation(len(records))
    return make_entries([records[k] for k in order])


def test_sample_season_sessions_are_identical() -> None:
    entries = _sample_entries()
    assert set(entries["source"]) == {"legday_csv", "fit"}
    got = _same(entries)
    assert len(got) == entries["session"].nunique()
    _same(annotate(entries))  # annotated input is used as it is


def test_generated_400_session_log_is_identical() -> None:
    entries = _generated()
    got = _same(entries)
    assert len(got) == 400
    assert set(got["kind"]) == {"lower", "upper", "core", "full_body", "unknown"}
    assert got["duration_min"].isna().any() and got["start_utc"].isna().any()
    assert got["has_compound_lower"].any() and got["has_isolation_lower"].any()
    assert got["unmapped"].gt(0).any() and got["has_single_leg"].any()


@pytest.mark.parametrize("rows", [[], [{"date": pd.Timestamp("2024-01-01"), "session": None,
                                         "exercise": "Back squat", "sets": 3.0}]])
def test_without_sessions_is_identical(rows: list[dict[str, Any]]) -> None:
    got = _same(make_entries(rows))
    assert got.empty
