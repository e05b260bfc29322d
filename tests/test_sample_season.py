"""The embedded sample season shows what the dashboard is for: every finding at least once."""

from __future__ import annotations

from pathlib import Path

import pytest

from legday.io import read_paths
from legday.model import Activity
from legday.season import Season, analyse
from legday.strength.log import read_strength_csv

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
FINDING_CODES = {"leg_day", "maintenance_only", "ramp_spike", "flat_progression",
                 "neglected_muscles", "low_strength_frequency", "no_single_leg_work",
                 "low_type2_share", "hard_days_not_hard",
                 "high_mileage_cut_lifting", "light_week_ramp_lifting"}


@pytest.fixture(scope="module")
def season() -> Season:
    activities = [a for a in read_paths([SAMPLES / "season"]) if isinstance(a, Activity)]
    log = read_strength_csv(SAMPLES / "strength_log.csv")
    assert log.problems == []
    return analyse(activities, log.entries)


def test_the_sample_season_is_14_weeks_of_runs_and_lifting(season: Season):
    assert list(season.weeks.index[[0, -1]]) == ["2026-W32", "2026-W45"]
    assert len(season.weeks) == 14
    assert (season.weeks["run_count"] > 0).all()
    assert set(season.runs["primary"]) == {"steady", "hill", "sprint", "interval"}
    assert {"fit", "gpx"} <= {Path(f).suffix.lstrip(".") for f in season.runs["file"]}


def test_every_finding_and_verdict_appears_at_least_once(season: Season):
    assert {f.code for f in season.findings} == FINDING_CODES
    assert set(season.weeks["leg_day"]) == {"yes", "partly", "no"}


def test_the_designed_weeks_say_what_they_were_built_to_say(season: Season):
    codes = {week: {f.code for f in findings}
             for week, findings in season.weeks["findings"].items()}
    assert "hard_days_not_hard" in codes["2026-W33"]
    assert "light_week_ramp_lifting" in codes["2026-W35"]
    assert {"ramp_spike", "high_mileage_cut_lifting"} <= codes["2026-W39"]
    assert season.weeks.loc["2026-W42", "leg_day"] == "no"
    # The sharpening week: from the files alone its warm-ups and cool-downs are easy running
    # (one tempo rule, docs/efforts.md), 23 % hard, under the 25 % guide; the stored season's
    # profile reads it harder (tests/pages/test_imbalance.py).
    assert 0.2 < season.weeks.loc["2026-W44", "hard_share"] < 0.25
    assert "too_much_hard" not in codes["2026-W44"]
    unmapped = season.entries[season.entries["matched"].isna() & season.entries["exercise"]
                              .notna()]
    assert set(unmapped["exercise"]) == {"Mobility flow"}
