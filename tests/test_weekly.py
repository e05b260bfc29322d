"""The run, strength and weekly tables: ISO weeks in local time, sums, shares and load.

:func:`season` builds the tables from a compact description of runs and lifts
(no classifier involved), so the findings tests can decide answers by the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest

from legday.calibration import AthleteProfile, with_overrides
from legday.efforts import (
    RULES,
    EffortKind,
    RunClassification,
    empty_efforts,
    primary_kind,
    with_hard_steady,
)
from legday.load import session_load
from legday.model import Activity, Sport
from legday.schema import EFFORT_KINDS, OTHER_COLUMNS, AnalysisSettings, HeartRates
from legday.strength.muscles import MUSCLE_GROUPS
from legday.weekly import (
    other_table,
    run_tables,
    strength_table,
    week_label,
    week_monday,
    weekly_table,
)

SETTINGS = AnalysisSettings()
LOWER_MUSCLES = {"quadriceps": 6.0, "glutes": 6.0, "hamstrings": 3.0, "hip_abductors": 2.0,
                 "hip_adductors": 2.0, "external_rotators": 2.0, "gastrocnemius": 3.0,
                 "soleus": 3.0, "hip_flexors": 1.0, "abdominals": 2.0, "obliques": 2.0,
                 "lower_back": 2.0}
UPPER_MUSCLES = {"pectorals": 6.0, "triceps": 4.0, "deltoids": 4.0, "lats": 6.0,
                 "rhomboids": 3.0, "biceps": 3.0, "trapezius": 2.0}


@dataclass
class Run:
    """A run: minutes of each kind (sprints and reps split into equal efforts)."""

    date: str
    steady: float = 0.0
    hill: float = 0.0
    sprint: float = 0.0
    interval: float = 0.0
    recovery: float = 0.0
    tempo: float = 0.0  # steady but hard
    stride: float = 0.0  # sprint efforts the classifier calls strides
    strides: int = 1
    sprints: int = 1
    reps: int = 1
    hills: int = 1
    speed_mps: float = 3.0
    route: int | None = None
    climb_m: float = 0.0
    descent_m: float = 0.0
    steep_descent_m: float = 0.0
    climb_gap_mps: float = float("nan")  # on 4-8 % climbs (legday.terrain)
    flat_gap_mps: float = float("nan")
    climb_cadence_spm: float = float("nan")
    flat_cadence_spm: float = float("nan")


@dataclass
class Lift:
    """A strength session."""

    date: str
    kind: str = "lower"
    lower_sets: float = 12.0
    single_leg: bool = True
    muscles: dict[str, float] = field(default_factory=lambda: dict(LOWER_MUSCLES))
    duration_min: float = 30.0
    rpe: float = float("nan")
    tonnage_kg: float = 2000.0


def run_frames(runs: Sequence[Run], settings: AnalysisSettings = SETTINGS,
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    run_rows: list[dict[str, Any]] = []
    effort_rows: list[dict[str, Any]] = []
    for i, r in enumerate(runs):
        date = pd.Timestamp(r.date)
        label = week_label(date)
        pieces = [("steady", r.steady, 1, False), ("steady", r.tempo, 1, True),
                  ("recovery", r.recovery, 1, False), ("hill", r.hill, r.hills, True),
                  ("sprint", r.sprint, r.sprints, True), ("sprint", r.stride, r.strides, True),
                  ("interval", r.interval, r.reps, True)]
        kinds = []
        for (kind, minutes, n, hard), piece in zip(pieces, range(len(pieces)), strict=True):
            if minutes <= 0:
                continue
            for _ in range(n):
                seconds = minutes * 60 / n
                kinds.append(kind)
                effort_rows.append({
                    "activity_id": f"run{i}", "date": date, "week": label, "kind": kind,
                    "duration_s": seconds, "moving_s": seconds,
                    "distance_m": seconds * r.speed_mps,
                    "elevation_gain_m": r.climb_m / n if kind == "hill" else 0.0,
                    "gap_speed_mps": r.speed_mps, "heart_rate": np.nan, "is_hard": hard,
                    "is_stride": piece == 5, "is_tempo": piece == 1})
        minutes = r.steady + r.tempo + r.recovery + r.hill + r.sprint + r.stride + r.interval
        primary = str(primary_kind(kinds))
        load = session_load(minutes * 60, primary, settings.load)
        run_rows.append({
            "activity_id": f"run{i}", "file": f"run{i}.fit", "start_utc": date, "local_start": date,
            "date": date, "week": label, "sport": "run", "primary": primary,
            "moving_s": minutes * 60, "distance_m": minutes * 60 * r.speed_mps,
            "speed_mps": r.speed_mps, "elevation_gain_m": r.climb_m, "has_hr": False,
            "load_au": load.load_au, "load_method": load.method, "trimp": np.nan,
            "route_id": r.route, "tempo_s": r.tempo * 60, "descent_m": r.descent_m,
            "steep_descent_m": r.steep_descent_m, "steep_descent_s": r.steep_descent_m / 0.5,
            "climb_s": 300.0, "flat_s": 1200.0,
            "climb_cadence_spm": r.climb_cadence_spm, "flat_cadence_spm": r.flat_cadence_spm,
            "climb_gap_mps": r.climb_gap_mps, "flat_gap_mps": r.flat_gap_mps})
    return pd.DataFrame(run_rows), pd.DataFrame(effort_rows)


def lift_frames(lifts: Sequence[Lift], settings: AnalysisSettings = SETTINGS,
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    sessions = pd.DataFrame([{
        "session": f"lift{i}", "date": pd.Timestamp(x.date), "start_utc": pd.NaT,
        "duration_min": x.duration_min, "rpe": x.rpe, "n_entries": 4,
        "n_sets": sum(x.muscles.values()) / 2, "kind": x.kind, "lower_sets": x.lower_sets,
        "upper_sets": 0.0, "core_sets": 0.0,
        "lower_tonnage_kg": x.tonnage_kg if x.lower_sets else 0.0,
        "has_single_leg": x.single_leg, "has_compound_lower": x.lower_sets > 0,
        "has_isolation_lower": False, "unmapped": 0, "source": "legday_csv"}
        for i, x in enumerate(lifts)], columns=[
        "session", "date", "start_utc", "duration_min", "rpe", "n_entries", "n_sets", "kind",
        "lower_sets", "upper_sets", "core_sets", "lower_tonnage_kg", "has_single_leg",
        "has_compound_lower", "has_isolation_lower", "unmapped", "source"])
    muscle_sets = pd.DataFrame([{"session": f"lift{i}", "muscle": m, "sets": n}
                                for i, x in enumerate(lifts) for m, n in x.muscles.items()],
                               columns=["session", "muscle", "sets"])
    return strength_table(sessions, settings), muscle_sets


def season(runs: Sequence[Run], lifts: Sequence[Lift] = (),
           settings: AnalysisSettings = SETTINGS,
           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The weekly table, the run table and the strength table of a described season."""
    run_table, efforts = run_frames(runs, settings)
    strength, muscle_sets = lift_frames(lifts, settings)
    others = pd.DataFrame(columns=list(OTHER_COLUMNS))
    if run_table.empty:
        run_table = pd.DataFrame(columns=["date", "week", "distance_m", "load_au"])
        efforts = pd.DataFrame(columns=["week", "kind", "moving_s", "distance_m", "duration_s",
                                        "elevation_gain_m", "is_hard", "is_stride", "is_tempo"])
    weeks = weekly_table(run_table, efforts, strength, others, settings,
                         muscle_sets=muscle_sets, muscle_groups=MUSCLE_GROUPS)
    return weeks, run_table, strength


# --- time -----------------------------------------------------------------------------------

@pytest.mark.parametrize("date, label", [
    ("2024-12-30", "2025-W01"),  # Monday of ISO week 1 lies in the old year
    ("2025-01-05", "2025-W01"),
    ("2026-01-01", "2026-W01"),
    ("2027-01-01", "2026-W53"),  # a Friday: the last ISO week of 2026
    ("2027-01-04", "2027-W01"),
])
def test_iso_week_labels_across_year_boundaries(date: str, label: str):
    assert week_label(pd.Timestamp(date)) == label


def test_week_monday_is_the_start_of_the_iso_week():
    assert week_monday(pd.Timestamp("2027-01-01 18:00")) == pd.Timestamp("2026-12-28")


def summary_run(start: str, offset: int | None, km: float = 10.0) -> Activity:
    return Activity(id=start, source=f"{start}.csv", format="strava_csv", sport=Sport.RUN,
                    start_utc=pd.Timestamp(start), utc_offset_s=offset, elapsed_s=3000.0,
                    moving_s=3000.0, distance_m=km * 1000)


def steady_result() -> RunClassification:
    return RunClassification(empty_efforts(), EffortKind.STEADY, AthleteProfile())


def test_a_late_evening_utc_run_moves_to_the_next_local_day_and_iso_week():
    acts = [summary_run("2025-03-16T23:30:00Z", 3600), summary_run("2025-03-16T23:30:00Z", None)]
    runs, efforts = run_tables(acts, [steady_result(), steady_result()], SETTINGS)
    assert runs["week"].tolist() == ["2025-W12", "2025-W11"]
    assert runs["date"].tolist() == [pd.Timestamp("2025-03-17"), pd.Timestamp("2025-03-16")]
    # A run without samples is one steady effort over its summary time and distance.
    assert efforts["kind"].tolist() == ["steady", "steady"]
    assert efforts["moving_s"].tolist() == [3000.0, 3000.0]
    berlin = AnalysisSettings(timezone="Europe/Berlin")
    runs_berlin, _ = run_tables(acts[1:], [steady_result()], berlin)
    assert runs_berlin["week"].tolist() == ["2025-W12"]


def test_run_tables_skip_other_sports_and_load_summary_runs_by_the_fallback():
    ride = Activity(id="r", source="r.fit", format="fit", sport=Sport.RIDE,
                    start_utc=pd.Timestamp("2025-03-12T07:00:00Z"), moving_s=3600.0)
    acts = [summary_run("2025-03-11T07:00:00Z", 0), ride]
    results = [steady_result(), RunClassification(empty_efforts(), None, AthleteProfile())]
    runs, _ = run_tables(acts, results, SETTINGS)
    assert len(runs) == 1
    assert runs["load_method"].iloc[0] == "fallback"
    assert runs["load_au"].iloc[0] == pytest.approx(3 * 50)  # steady RPE 3 x 50 min
    assert runs["speed_mps"].iloc[0] == pytest.approx(10_000 / 3000)
    others = other_table(acts, HeartRates(), SETTINGS)
    assert others["sport"].tolist() == ["ride"]
    assert others["load_au"].iloc[0] == pytest.approx(4 * 60)  # ride RPE 4 x 60 min


# --- the weekly table ----------------------------------------------------------------------

def test_weeks_are_contiguous_with_empty_weeks_zero():
    weeks, runs, _ = season([Run("2025-03-11", steady=50), Run("2025-03-27", steady=40)])
    assert weeks.index.tolist() == ["2025-W11", "2025-W12", "2025-W13"]
    assert weeks["week_start"].tolist() == ["2025-03-10", "2025-03-17", "2025-03-24"]
    assert weeks.loc["2025-W12", ["run_count", "run_distance_m", "run_s", "load"]].tolist() == [
        0, 0, 0, 0]
    assert weeks["run_distance_m"].sum() == pytest.approx(runs["distance_m"].sum())


def test_kind_seconds_type2_share_and_hard_share():
    weeks, _, _ = season([
        Run("2025-03-11", steady=30, interval=16, recovery=8, reps=4),
        Run("2025-03-13", steady=40, sprint=2, sprints=6),
        Run("2025-03-15", steady=20, hill=6, hills=6, climb_m=90, tempo=20),
    ])
    w = weeks.loc["2025-W11"]
    assert w["run_count"] == 3
    assert w["run_s"] == pytest.approx(142 * 60)
    assert [w[f"{k}_s"] for k in ("steady", "interval", "recovery", "sprint", "hill")] == \
        pytest.approx([110 * 60, 16 * 60, 8 * 60, 2 * 60, 6 * 60])
    assert w["steady_distance_m"] == pytest.approx(110 * 60 * 3)
    assert w["type2_s"] == pytest.approx(24 * 60)
    assert w["type2_share"] == pytest.approx(24 / 142)
    assert (w["sprint_count"], w["interval_rep_count"]) == (6, 4)
    assert w["interval_work_s"] == pytest.approx(16 * 60)
    assert w["hill_climb_m"] == pytest.approx(90)
    assert w["hard_s"] == pytest.approx(44 * 60)  # type II + 20 min of tempo
    assert w["easy_s"] == pytest.approx(98 * 60)
    assert w["hard_share"] == pytest.approx(44 / 142)


def test_strength_columns_sets_per_muscle_and_estimated_duration():
    lifts = [Lift("2025-03-11"), Lift("2025-03-14", kind="upper", lower_sets=0,
                                      single_leg=False, muscles=dict(UPPER_MUSCLES),
                                      duration_min=float("nan"))]
    weeks, _, strength = season([Run("2025-03-12", steady=40)], lifts)
    w = weeks.loc["2025-W11"]
    assert (w["strength_sessions"], w["strength_lower"], w["strength_upper"]) == (2, 1, 1)
    assert w["leg_sessions"] == 1 and w["single_leg_sessions"] == 1
    assert w["lower_sets"] == 12 and w["lower_tonnage_kg"] == 2000
    assert w["sets_quadriceps"] == 6 and w["sets_pectorals"] == 6 and w["sets_biceps"] == 3
    # The upper session logged no duration: 14 sets x 2.5 min = 35 min.
    assert strength["duration_estimated"].tolist() == [False, True]
    assert w["strength_s"] == pytest.approx((30 + 35) * 60)
    assert w["load_strength"] == pytest.approx(6 * 30 + 5 * 35)  # lower RPE 6, upper 5
    assert all(f"sets_{g}" in weeks.columns and f"run_{g}_s" in weeks.columns
               for g in MUSCLE_GROUPS)


def test_rpe_when_logged_beats_the_typical_rpe():
    _, _, strength = season([], [Lift("2025-03-11", rpe=8.0, duration_min=20.0)])
    assert strength["load_au"].tolist() == [160.0]
    assert strength["load_method"].tolist() == ["srpe"]


def test_weekly_load_adds_runs_and_lifts_and_ramps():
    runs = [Run(f"2025-03-{d:02d}", steady=50) for d in (11, 13, 15, 18, 20, 22)]
    runs += [Run("2025-03-24", steady=100)]
    weeks, _, _ = season(runs, [Lift("2025-03-12")])
    assert weeks["load"].tolist() == pytest.approx([450 + 180, 450, 300])
    assert weeks["load_runs"].tolist() == pytest.approx([450, 450, 300])
    assert weeks["load_strength"].tolist() == pytest.approx([180, 0, 0])
    assert weeks["ramp_pct"].tolist()[1:] == pytest.approx([(450 / 630 - 1) * 100,
                                                            (300 / 450 - 1) * 100])
    assert weeks["monotony"].notna().all() and (weeks["strain"] > 0).all()
    assert weeks["acute_chronic"].isna().all()  # three weeks: too little history


def test_a_kind_column_for_every_effort_kind():
    weeks, _, _ = season([Run("2025-03-11", steady=30)])
    assert all(f"{k}_s" in weeks.columns and f"{k}_distance_m" in weeks.columns
               for k in EFFORT_KINDS)


def test_rides_and_swims_are_in_the_week_and_its_load_and_the_verdict_names_them():
    from legday.findings import leg_day

    ride = Activity(id="ride", source="ride.fit", format="fit", sport=Sport.RIDE,
                    start_utc=pd.Timestamp("2025-03-12T07:00:00Z"), moving_s=3600.0 * 4,
                    distance_m=115_000.0)
    swim = Activity(id="swim", source="swim.fit", format="fit", sport=Sport.SWIM,
                    start_utc=pd.Timestamp("2025-03-13T07:00:00Z"), moving_s=2700.0)
    others = other_table([ride, swim], HeartRates(), SETTINGS)
    assert others["distance_m"].tolist() == [115_000.0, 0.0]
    runs = pd.DataFrame(columns=["date", "week", "distance_m", "load_au"])
    efforts = pd.DataFrame(columns=["week", "kind", "moving_s", "distance_m", "duration_s",
                                    "elevation_gain_m", "is_hard"])
    strength, _ = lift_frames([])
    week = weekly_table(runs, efforts, strength, others, SETTINGS).loc["2025-W11"]
    assert (week["other_count"], week["other_ride_distance_m"], week["other_swim_s"]) == (
        2, 115_000.0, 2700.0)
    assert week["load"] == week["load_other"] == pytest.approx(4 * 240 + 4 * 45)
    verdict, reasons = leg_day(week, SETTINGS)
    assert (verdict, reasons) == ("no", ["no running or lifting; 115.0 km cycling, "
                                         "45 min swimming"])


def test_strides_and_tempo_pieces_come_from_the_classifiers_sentences():
    efforts = empty_efforts()
    rows = [("steady", "tempo: 25:00 at 4:10/km, 92 % of your threshold pace grade-adjusted"),
            ("sprint", "18 s stride reaching 3:20/km, 170 % of your easy pace"),
            ("sprint", "12 s at 96 % of your top speed"), ("steady", "")]
    frame = pd.DataFrame({c: [np.nan] * len(rows) for c in efforts.columns})
    frame["kind"] = [k for k, _ in rows]
    frame["why"] = [w for _, w in rows]
    frame["duration_s"] = frame["moving_s"] = [1500.0, 18.0, 12.0, 1200.0]
    frame["distance_m"] = [6000.0, 90.0, 90.0, 3000.0]
    frame["elevation_gain_m"] = 0.0
    run = summary_run("2025-03-11T07:00:00Z", 0)
    result = RunClassification(frame, EffortKind.STEADY, AthleteProfile())
    runs, table = run_tables([run], [result], SETTINGS)
    assert table["is_stride"].tolist() == [False, True, False, False]
    assert table["is_tempo"].tolist() == [True, False, False, False]
    # The tempo piece is hard whatever its pace: the classifier judged it against threshold.
    assert table["is_hard"].tolist() == [True, True, True, False]
    assert runs["tempo_s"].tolist() == [1500.0]
    strength, _ = lift_frames([])
    week = weekly_table(runs, table, strength, pd.DataFrame(columns=list(OTHER_COLUMNS)),
                        SETTINGS).loc["2025-W11"]
    assert (week["sprint_count"], week["stride_count"]) == (1, 1)
    assert week["tempo_s"] == 1500.0 and week["hard_s"] == 1530.0


def test_downhill_columns_add_up_the_runs_terrain():
    weeks, _, _ = season([Run("2025-03-11", steady=60, descent_m=300, steep_descent_m=120),
                          Run("2025-03-13", steady=40, descent_m=100, steep_descent_m=0),
                          Run("2025-03-18", steady=40)])
    assert weeks["descent_m"].tolist() == [400.0, 0.0]
    assert weeks["steep_descent_m"].tolist() == [120.0, 0.0]
    assert weeks["steep_descent_s"].tolist() == [240.0, 0.0]


def test_the_climbing_table_is_the_median_of_each_months_runs():
    from legday.weekly import climbing_table

    runs, _ = run_frames([
        Run("2025-03-04", steady=40, climb_gap_mps=2.7, flat_gap_mps=3.0,
            climb_cadence_spm=170, flat_cadence_spm=166),
        Run("2025-03-20", steady=40, climb_gap_mps=2.9, flat_gap_mps=3.0,
            climb_cadence_spm=174, flat_cadence_spm=166),
        Run("2025-03-25", steady=40),  # too little climbing: no figures
        Run("2025-04-08", steady=40, climb_gap_mps=3.0, flat_gap_mps=3.1,
            climb_cadence_spm=176, flat_cadence_spm=168)])
    table = climbing_table(runs)
    assert list(table.index) == ["2025-03", "2025-04"]
    march = table.loc["2025-03"]
    assert march["runs"] == 2 and march["month_start"] == "2025-03-01"
    assert march["climb_gap_share"] == pytest.approx((0.9 + 2.9 / 3.0) / 2)
    assert march["cadence_gain_spm"] == pytest.approx(6.0)
    assert table.loc["2025-04", "climb_gap_share"] == pytest.approx(3.0 / 3.1)
    assert climbing_table(runs.iloc[2:3]).empty


def test_a_steady_effort_is_hard_by_the_one_tempo_rule_and_by_nothing_else():
    profile = with_overrides(AthleteProfile(), easy_speed_mps=2.7, threshold_speed_mps=3.6)
    threshold, easy = profile.threshold_speed_mps, profile.easy_speed_mps
    assert RULES.tempo_x_threshold * threshold >= RULES.work_x_easy * easy
    # (moving s, grade-adjusted speed, heart rate) of steady efforts, each in its own run.
    pieces = {"whole-run tempo": (1500.0, 0.92 * threshold, 165.0),
              "whole-run race": (1200.0, 1.02 * threshold, 185.0),
              "short and fast": (300.0, 0.97 * threshold, 170.0),
              "long, slow, high heart rate": (3600.0, 0.80 * threshold, 0.95 * profile.max_hr),
              "just under tempo pace": (1800.0, 0.87 * threshold, 160.0)}
    runs, classifications = [], []
    for day, (moving_s, gap, heart) in enumerate(pieces.values()):
        frame = empty_efforts().reindex(range(1))
        frame["kind"], frame["why"] = "steady", "steady running"
        frame["duration_s"] = frame["moving_s"] = moving_s
        frame["gap_speed_mps"] = frame["speed_mps"] = gap
        frame["distance_m"] = gap * moving_s
        frame["heart_rate"], frame["elevation_gain_m"] = heart, 0.0
        runs.append(summary_run(f"2025-03-{10 + day:02d}T07:00:00Z", 0))
        classifications.append(RunClassification(frame, EffortKind.STEADY, profile))
    run_table, table = run_tables(runs, classifications, SETTINGS)
    assert dict(zip(pieces, table["is_tempo"], strict=True)) == {
        "whole-run tempo": True, "whole-run race": True, "short and fast": False,
        "long, slow, high heart rate": False, "just under tempo pace": False}
    assert table["is_hard"].tolist() == table["is_tempo"].tolist()
    assert run_table["tempo_s"].tolist() == [1500.0, 1200.0, 0.0, 0.0, 0.0]
    # The Activity page reads the same efforts as tempo and threshold by the same rule.
    shown = [with_hard_steady(c.efforts, profile)["why"].iloc[0] for c in classifications]
    assert shown[0].startswith("tempo: 25:00") and shown[1].startswith("threshold: 20:00")
    assert shown[2:] == ["steady running"] * 3
    strength, _ = lift_frames([])
    week = weekly_table(run_table, table, strength, pd.DataFrame(columns=list(OTHER_COLUMNS)),
                        SETTINGS).loc["2025-W11"]
    assert week["tempo_s"] == week["hard_s"] == 2700.0
