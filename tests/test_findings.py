"""Findings on constructed seasons where the rules decide the answer."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from legday.findings import Finding, fold_standing, leg_day, leg_day_evidence, weekly_findings
from legday.io import read_paths
from legday.model import Activity
from legday.schema import AnalysisSettings
from legday.season import Season, analyse
from legday.strength.log import read_strength_csv
from tests.conftest import require_realdata
from tests.test_weekly import UPPER_MUSCLES, Lift, Run, season

SETTINGS = AnalysisSettings()
UPPER = {"kind": "upper", "lower_sets": 0.0, "single_leg": False}


def judge(runs: list[Run], lifts: list[Lift] = (),  # type: ignore[assignment]
          settings: AnalysisSettings = SETTINGS) -> tuple[pd.DataFrame, list[Finding]]:
    weeks, run_table, strength = season(runs, lifts, settings)
    verdicts, findings = weekly_findings(weeks, run_table, strength, settings)
    return weeks.join(verdicts), findings


def codes(findings: list[Finding], week: str) -> list[str]:
    return [f.code for f in findings if f.week == week]


def one(findings: list[Finding], code: str, week: str) -> Finding:
    found = [f for f in findings if f.code == code and f.week == week]
    assert len(found) == 1, [(f.code, f.week) for f in findings]
    return found[0]


def upper_lift(date: str) -> Lift:
    return Lift(date, muscles=dict(UPPER_MUSCLES), **UPPER)  # type: ignore[arg-type]


# --- leg day --------------------------------------------------------------------------------

def test_a_week_of_only_easy_runs_is_not_leg_day():
    weeks, findings = judge([Run(f"2025-03-{d}", steady=45) for d in (11, 13, 16)])
    assert weeks.loc["2025-W11", "leg_day"] == "no"
    reasons = weeks.loc["2025-W11", "leg_day_reasons"]
    assert any("steady running only (24.3 km)" in r for r in reasons)
    verdict = one(findings, "leg_day", "2025-W11")
    assert verdict.severity == "warning" and "24.3 km" in verdict.message
    assert {"low_type2_share", "low_strength_frequency"} <= set(codes(findings, "2025-W11"))


def test_intervals_and_a_lower_body_session_the_same_day_is_leg_day_with_hard_days_hard():
    runs = [Run("2025-03-11", steady=25, interval=20, recovery=10, reps=5),
            Run("2025-03-13", steady=45), Run("2025-03-15", steady=60)]
    weeks, findings = judge(runs, [Lift("2025-03-11"), Lift("2025-03-14", **UPPER)])
    assert weeks.loc["2025-W11", "leg_day"] == "yes"
    reasons = " ".join(weeks.loc["2025-W11", "leg_day_reasons"])
    assert "1 lower-body strength session (12 lower-body sets)" in reasons
    assert "20 min of interval reps" in reasons
    assert one(findings, "leg_day", "2025-W11").severity == "good"
    assert "hard_days_not_hard" not in codes(findings, "2025-W11")
    assert "low_strength_frequency" not in codes(findings, "2025-W11")


def test_lifting_the_day_after_a_hard_run_is_not_flagged():
    runs = [Run("2025-03-11", steady=20, hill=8, hills=8, climb_m=120)]
    _, findings = judge(runs, [Lift("2025-03-12")])
    assert "hard_days_not_hard" not in codes(findings, "2025-W11")


def test_a_lower_body_lift_the_day_before_intervals_makes_hard_days_not_hard():
    runs = [Run("2025-03-12", steady=25, interval=20, recovery=10, reps=5)]
    _, findings = judge(runs, [Lift("2025-03-11"), Lift("2025-03-13", **UPPER)])
    found = one(findings, "hard_days_not_hard", "2025-W11")
    assert found.severity == "warning"
    assert "Tue 11 Mar" in found.message and "interval run on Wed 12 Mar" in found.message


def test_a_lower_body_lift_the_day_before_a_tempo_run_makes_hard_days_not_hard():
    runs = [Run("2025-03-12", steady=20, tempo=25), Run("2025-03-14", steady=15, tempo=5)]
    _, findings = judge(runs, [Lift("2025-03-11"), Lift("2025-03-13")])
    found = one(findings, "hard_days_not_hard", "2025-W11")
    assert "the day before the tempo run on Wed 12 Mar" in found.message


def test_hard_days_are_judged_in_date_order_and_each_lift_is_named_once():
    # Listed out of order: the Thursday hill run after Wednesday's lift is named, the Wednesday
    # intervals (after Tuesday's lift) too, and the second hard run on Thursday is not.
    runs = [Run("2025-03-13", steady=20, hill=8, hills=8, climb_m=120),
            Run("2025-03-12", steady=25, interval=20, recovery=10, reps=5),
            Run("2025-03-13", steady=20, sprint=3, sprints=8)]
    _, findings = judge(runs, [Lift("2025-03-11"), Lift("2025-03-12")])
    found = [f.message for f in findings if f.code == "hard_days_not_hard"]
    assert len(found) == 2, found
    assert "Tue 11 Mar" in found[0] and "interval run on Wed 12 Mar" in found[0]
    assert "Wed 12 Mar" in found[1] and "hill run on Thu 13 Mar" in found[1]


def test_the_day_before_rule_crosses_the_week_boundary_and_ignores_upper_body():
    runs = [Run("2025-03-17", steady=20, sprint=3, sprints=8)]  # Monday, sprint session
    _, findings = judge(runs, [Lift("2025-03-16")])  # Sunday of the week before
    assert one(findings, "hard_days_not_hard", "2025-W12")
    _, findings = judge(runs, [Lift("2025-03-16", **UPPER)])
    assert not [f for f in findings if f.code == "hard_days_not_hard"]


def test_a_handful_of_sprints_is_no_leg_day_and_a_real_dose_of_them_is_partly():
    weeks, _ = judge([Run("2025-03-11", steady=40, sprint=1, sprints=3)])
    assert weeks.loc["2025-W11", "leg_day"] == "no"
    assert weeks.loc["2025-W11", "leg_day_reasons"][0] == "below a real leg dose: 3 sprints"
    weeks, findings = judge([Run("2025-03-11", steady=40, sprint=2, sprints=8)])
    assert weeks.loc["2025-W11", "leg_day"] == "partly"
    reasons = weeks.loc["2025-W11", "leg_day_reasons"]
    assert reasons[:2] == ["8 sprints", "no lower-body strength session: running alone is at "
                                        "most partly a leg day"]
    assert one(findings, "leg_day", "2025-W11").severity == "info"


def test_strides_are_counted_as_strides_and_a_handful_is_no_dose():
    weeks, findings = judge([Run("2025-03-11", steady=40, stride=2, strides=6)])
    week = weeks.loc["2025-W11"]
    assert (week["stride_count"], week["sprint_count"]) == (6, 0)
    assert week["leg_day"] == "no"
    assert "below a real leg dose: 6 strides" in week["leg_day_reasons"]
    assert "sprint" not in one(findings, "leg_day", "2025-W11").message
    runs = [Run(f"2025-03-{d}", steady=40, stride=2, strides=6) for d in (11, 13, 15)]
    weeks, _ = judge(runs)
    assert weeks.loc["2025-W11", "leg_day"] == "partly"
    assert weeks.loc["2025-W11", "leg_day_reasons"][0] == "18 strides"


def test_a_leg_session_is_yes_and_running_alone_never_is():
    weeks, _ = judge([Run("2025-03-11", steady=30, hill=20, hills=10, climb_m=300,
                          interval=20, reps=6, sprint=3, sprints=10)])
    assert weeks.loc["2025-W11", "leg_day"] == "partly"
    weeks, _ = judge([Run("2025-03-11", steady=40)], [Lift("2025-03-12")])
    assert weeks.loc["2025-W11", "leg_day"] == "yes"
    assert weeks.loc["2025-W11", "leg_day_reasons"][:2] == [
        "1 lower-body strength session (12 lower-body sets)",
        "steady running only (7.2 km): it maintains, it does not build"]


def test_steep_descents_are_leg_stimulus():
    weeks, _ = judge([Run("2025-03-11", steady=60, descent_m=400, steep_descent_m=200)])
    week = weeks.loc["2025-W11"]
    assert (week["descent_m"], week["steep_descent_m"]) == (400, 200)
    assert week["leg_day"] == "partly"
    assert week["leg_day_reasons"][0] == ("200 m of steep descent (> 8 %) running: eccentric "
                                          "leg work")
    weeks, _ = judge([Run("2025-03-11", steady=60, descent_m=400, steep_descent_m=60)])
    assert weeks.loc["2025-W11", "leg_day"] == "no"
    assert ("below a real leg dose: 60 m of steep descent (> 8 %) running"
            in weeks.loc["2025-W11", "leg_day_reasons"])


def test_tempo_is_hard_running_named_as_tempo_not_steady_only():
    weeks, findings = judge([Run("2025-03-11", steady=20, tempo=25),
                             Run("2025-03-13", steady=40)])
    reasons = weeks.loc["2025-W11", "leg_day_reasons"]
    assert not any("steady running only" in r for r in reasons)
    assert ("tempo 25 min: hard running, but aerobic work rather than leg strength"
            in reasons)
    assert weeks.loc["2025-W11", "tempo_s"] == 25 * 60
    assert "tempo 25 min was hard, but not leg work" in one(
        findings, "low_type2_share", "2025-W11").message


@pytest.mark.parametrize("lower_sets, verdict", [(3.0, "partly"), (8.0, "yes")])
def test_a_full_body_session_is_leg_day_only_with_enough_lower_body_sets(lower_sets: float,
                                                                        verdict: str):
    weeks, _ = judge([Run("2025-03-12", steady=40)],
                     [Lift("2025-03-11", kind="full_body", lower_sets=lower_sets)])
    assert weeks.loc["2025-W11", "leg_day"] == verdict


def test_a_real_hill_session_alone_is_partly():
    weeks, _ = judge([Run("2025-03-11", steady=30, hill=12, hills=6, climb_m=150)])
    assert weeks.loc["2025-W11", "leg_day"] == "partly"
    assert ("12 min of hill efforts (6 efforts, 150 m climbed)"
            in weeks.loc["2025-W11", "leg_day_reasons"])


def test_leg_day_thresholds_are_settings():
    row = pd.Series({"leg_sessions": 0, "lower_sets": 0, "hill_s": 720.0, "hill_climb_m": 150.0,
                     "hill_rep_count": 6, "sprint_count": 0, "stride_count": 0,
                     "interval_work_s": 0.0, "interval_rep_count": 0, "type2_s": 720.0,
                     "run_count": 1, "run_distance_m": 8000.0, "strength_sessions": 0})
    assert leg_day(row, SETTINGS)[0] == "partly"
    strict = replace(SETTINGS, leg_day_hill_s=900.0, leg_day_type2_s=1200.0)
    assert leg_day(row, strict)[0] == "no"
    assert leg_day(row, replace(SETTINGS, leg_day_hill_reps=8))[0] == "no"


def test_a_miles_user_reads_miles_and_minutes_per_mile_in_the_findings():
    runs = [Run(f"2025-03-{d:02d}", steady=40, route=1) for d in (4, 11, 18)]
    runs += [Run("2025-03-19", steady=45)]
    miles = replace(SETTINGS, distance_unit="mi")
    weeks, findings = judge(runs, settings=miles)
    text = " ".join([f.message for f in findings]
                    + [r for reasons in weeks["leg_day_reasons"] for r in reasons])
    assert " km" not in text and "/km" not in text
    same_route = next(f for f in findings if f.code == "maintenance_only")
    # 40 min at 3 m/s = 7.2 km = 4.5 mi, at 8:56/mi.
    assert "The same 4.5 mi route at the same pace (8:56/mi" in same_route.message
    assert "steady running only (4.5 mi)" in weeks["leg_day_reasons"].iloc[0][0]


# --- muscles and strength frequency ---------------------------------------------------------

def test_upper_body_only_lifting_with_steady_runs_neglects_hips_and_legs():
    runs = [Run(f"2025-03-{d}", steady=45) for d in (11, 13, 18, 20)]
    lifts = [upper_lift(d) for d in ("2025-03-12", "2025-03-14", "2025-03-19", "2025-03-21")]
    weeks, findings = judge(runs, lifts)
    assert weeks["leg_day"].tolist() == ["no", "no"]
    assert any("upper-body or core lifting only (2 sessions)" in r
               for r in weeks.loc["2025-W12", "leg_day_reasons"])
    assert "neglected_muscles" not in codes(findings, "2025-W11")  # one week is not two
    found = one(findings, "neglected_muscles", "2025-W12")
    assert found.severity == "warning"
    assert found.message.startswith("No direct work for 2 weeks on hip abductors, hip adductors, "
                                    "external rotators, abdominals, obliques, lower back")
    assert "pectorals" not in found.message and "(in 4 sessions)" in found.message


def test_full_coverage_neglects_nothing_and_no_lifting_is_a_frequency_matter():
    lifts = [Lift("2025-03-11"), upper_lift("2025-03-13"), Lift("2025-03-18"),
             upper_lift("2025-03-20")]
    _, findings = judge([Run("2025-03-12", steady=40)], lifts)
    assert not [f for f in findings if f.code == "neglected_muscles"]
    _, findings = judge([Run("2025-03-12", steady=40), Run("2025-03-19", steady=40)])
    assert not [f for f in findings if f.code == "neglected_muscles"]
    assert one(findings, "low_strength_frequency", "2025-W12").message.startswith(
        "0 strength sessions this week")


def test_one_session_is_low_frequency_two_are_enough_and_the_bar_is_a_setting():
    _, findings = judge([Run("2025-03-12", steady=40)], [Lift("2025-03-11")])
    found = one(findings, "low_strength_frequency", "2025-W11")
    assert "1 strength session this week (30 min)" in found.message
    lifts = [Lift("2025-03-11"), upper_lift("2025-03-13")]
    _, findings = judge([Run("2025-03-12", steady=40)], lifts)
    assert "low_strength_frequency" not in codes(findings, "2025-W11")
    _, findings = judge([Run("2025-03-12", steady=40)], lifts,
                        replace(SETTINGS, min_strength_sessions=3))
    assert "low_strength_frequency" in codes(findings, "2025-W11")


def test_lower_body_work_without_single_leg_moves_is_flagged():
    _, findings = judge([Run("2025-03-12", steady=40)], [Lift("2025-03-11", single_leg=False)])
    assert "12 lower-body sets but no single-leg move" in one(
        findings, "no_single_leg_work", "2025-W11").message
    _, findings = judge([Run("2025-03-12", steady=40)], [Lift("2025-03-11")])
    assert "no_single_leg_work" not in codes(findings, "2025-W11")


# --- running mix ----------------------------------------------------------------------------

def test_type2_running_too_rare_and_too_much_hard_time():
    _, findings = judge([Run("2025-03-11", steady=100, sprint=2, sprints=3),
                         Run("2025-03-13", steady=100)])
    found = one(findings, "low_type2_share", "2025-W11")
    assert "Few hard efforts: only 1 % of 202 min" in found.message
    assert "(2.0 min)" in found.message
    assert "too_much_hard" not in codes(findings, "2025-W11")
    _, findings = judge([Run("2025-03-11", steady=20, interval=24, recovery=12, reps=6),
                         Run("2025-03-13", steady=15, tempo=30)])
    found = one(findings, "too_much_hard", "2025-W11")
    assert ("53 % of running was hard (54 of 101 min: tempo 30 min, hills, sprints and "
            "intervals 24 min)") in found.message
    assert "low_type2_share" not in codes(findings, "2025-W11")


def test_shares_are_not_judged_in_weeks_with_little_running():
    _, findings = judge([Run("2025-03-11", steady=20)])
    assert "low_type2_share" not in codes(findings, "2025-W11")


# --- progression ----------------------------------------------------------------------------

def base_weeks(weeks: int = 3, per_week: float = 150.0) -> list[Run]:
    """``weeks`` weeks from Monday 10 March 2025, three equal steady runs each."""
    start = pd.Timestamp("2025-03-10")
    return [Run((start + pd.Timedelta(days=7 * w + d)).strftime("%Y-%m-%d"),
                steady=per_week / 3) for w in range(weeks) for d in (1, 3, 5)]


def test_a_fifty_percent_jump_in_load_and_distance_is_a_ramp_spike():
    runs = base_weeks(3) + [Run(d, steady=75) for d in ("2025-04-01", "2025-04-03",
                                                        "2025-04-05")]
    weeks, findings = judge(runs)
    assert weeks["load"].tolist() == pytest.approx([450, 450, 450, 675])
    spikes = [f for f in findings if f.code == "ramp_spike"]
    assert {f.week for f in spikes} == {"2025-W14"}
    messages = " ".join(f.message for f in spikes)
    assert "Load 675 AU is 50 % above your highest of the previous 3 weeks (450 AU)" in messages
    assert "1.5 x your recent top" in messages and "injur" not in messages
    assert "Running jumped to 40.5 km, 50 % above your highest of the previous 3 weeks " \
           "(27.0 km)" in messages


def test_a_twenty_percent_rise_is_no_spike():
    runs = base_weeks(3) + [Run(d, steady=60) for d in ("2025-04-01", "2025-04-03",
                                                        "2025-04-05")]
    _, findings = judge(runs)
    assert not [f for f in findings if f.code == "ramp_spike"]


def test_coming_back_from_a_cut_back_week_is_no_spike():
    runs = base_weeks(2) + [Run("2025-03-25", steady=30)] + [
        Run(d, steady=50) for d in ("2025-04-01", "2025-04-03", "2025-04-05")]
    weeks, findings = judge(runs)
    assert weeks["ramp_3w_pct"].iloc[3] > 30  # against the mean, the week looks like a jump
    assert not [f for f in findings if f.code == "ramp_spike"]


def test_a_kind_done_in_every_previous_week_can_spike_a_rotation_cannot():
    _, findings = judge(hill_weeks([6, 6, 6, 12]))
    assert [f.message for f in findings if f.code == "ramp_spike"] == [
        "Type-II running jumped to 12 min, 100 % above your highest of the previous 3 weeks "
        "(6 min).",
        "Hill efforts jumped to 12 min, 100 % above your highest of the previous 3 weeks (6 min)."]
    _, findings = judge(hill_weeks([6, 0, 6, 12]))
    assert not [f for f in findings if f.code == "ramp_spike"]


def hill_weeks(minutes: list[float]) -> list[Run]:
    start = pd.Timestamp("2025-03-11")
    return [Run((start + pd.Timedelta(days=7 * w)).strftime("%Y-%m-%d"), steady=30, hill=m,
                hills=6, climb_m=10 * m) for w, m in enumerate(minutes)]


def test_the_same_hill_session_four_weeks_running_is_flat_progression():
    _, findings = judge(hill_weeks([8, 8, 8.4, 8]))
    flat = [f for f in findings if f.code == "flat_progression"]
    assert [f.week for f in flat] == ["2025-W14"]
    assert "Hill efforts stayed at 8 min to 8 min for 4 weeks" in flat[0].message


def test_growing_hill_volume_is_not_flat():
    _, findings = judge(hill_weeks([6, 7, 8, 9]))
    assert not [f for f in findings if f.code == "flat_progression"]


def route_weeks(speeds: list[float], route: int | None = 3) -> list[Run]:
    start = pd.Timestamp("2025-03-13")
    return [Run((start + pd.Timedelta(days=7 * w)).strftime("%Y-%m-%d"), steady=45,
                speed_mps=s, route=route) for w, s in enumerate(speeds)]


def test_the_same_route_at_the_same_pace_three_weeks_running_is_maintenance_only():
    _, findings = judge(route_weeks([3.00, 3.02, 3.01]))
    found = [f for f in findings if f.code == "maintenance_only"]
    assert [f.week for f in found] == ["2025-W13"]
    assert "8.1 km route at the same pace (5:32/km, within 2 %) for 3 weeks" in found[0].message


@pytest.mark.parametrize("speeds, route", [
    ([3.0, 3.1, 3.2], 3),  # the pace moves by 3 % a week
    ([3.0, 3.0, 3.0], None),  # treadmill: no route
])
def test_varied_pace_or_no_route_is_not_maintenance_only(speeds: list[float], route: int | None):
    _, findings = judge(route_weeks(speeds, route))
    assert not [f for f in findings if f.code == "maintenance_only"]


def test_a_gap_week_breaks_the_maintenance_streak():
    runs = route_weeks([3.0, 3.0, 3.0, 3.0])
    del runs[1]
    _, findings = judge(runs)
    assert not [f for f in findings if f.code == "maintenance_only"]


def test_high_mileage_weeks_cut_lifting_and_light_weeks_ramp_it_up():
    runs = base_weeks(4, per_week=150) + [
        Run(d, steady=70) for d in ("2025-04-08", "2025-04-10", "2025-04-12")] + [
        Run("2025-04-15", steady=50)]
    lifts = [Lift("2025-04-09"), Lift("2025-04-16")]
    _, findings = judge(runs, lifts)
    found = one(findings, "high_mileage_cut_lifting", "2025-W15")
    assert "37.8 km is 40 % above your 4-week average (27.0 km)" in found.message
    assert "1 leg session, 12 sets" in found.message
    light = one(findings, "light_week_ramp_lifting", "2025-W16")
    assert "Light week: 9.0 km is 70 % below your 4-week average (29.7 km)" in light.message
    assert not [f for f in findings if f.code in ("high_mileage_cut_lifting",
                                                  "light_week_ramp_lifting")
                and f.week not in ("2025-W15", "2025-W16")]


def test_a_twenty_percent_longer_week_is_not_high_mileage_and_short_history_is_enough():
    runs = base_weeks(4, per_week=150) + [
        Run(d, steady=60) for d in ("2025-04-08", "2025-04-10", "2025-04-12")]
    _, findings = judge(runs, [Lift("2025-04-09")])
    assert not [f for f in findings if f.code == "high_mileage_cut_lifting"]
    _, findings = judge(base_weeks(2) + [Run("2025-03-25", steady=40)])
    assert "below your 2-week average (27.0 km)" in one(
        findings, "light_week_ramp_lifting", "2025-W13").message


def test_a_high_mileage_week_without_leg_lifting_has_nothing_to_cut():
    runs = base_weeks(4) + [Run(d, steady=70) for d in ("2025-04-08", "2025-04-10")]
    _, findings = judge(runs + [Run("2025-04-12", steady=70)])
    assert not [f for f in findings if f.code == "high_mileage_cut_lifting"]


def test_findings_carry_a_known_severity_and_serialise():
    _, findings = judge([Run("2025-03-11", steady=45)], [Lift("2025-03-10", single_leg=False)])
    assert findings and all(f.severity in ("good", "info", "warning") for f in findings)
    assert set(findings[0].to_dict()) == {"code", "severity", "message"}


# --- the verdict and the findings agree, on real seasons --------------------------------------

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
NUMBERED = re.compile(r"(?<![\w.])(\d+) (sprint|stride)s?\b")


def _sample_season() -> Season:
    activities = [a for a in read_paths([SAMPLES / "season"]) if isinstance(a, Activity)]
    return analyse(activities, read_strength_csv(SAMPLES / "strength_log.csv").entries)


def _real_export_season() -> Season:
    export = require_realdata() / "bulk" / "stravaexport__slalom007"
    return analyse([a for a in read_paths([export]) if isinstance(a, Activity)])


def disagreements(season: Season) -> list[str]:
    """Every week where the verdict's reasons and the week's findings (before standing notes
    fold any) say different things about the same numbers."""
    verdicts, findings = weekly_findings(season.weeks, season.runs, season.strength,
                                         season.settings)
    out = []
    for label, week in season.weeks.iterrows():
        verdict, reasons = verdicts.loc[label, "leg_day"], verdicts.loc[label, "leg_day_reasons"]
        evidence = leg_day_evidence(week, season.settings)
        week_codes = {f.code for f in findings if f.week == label}
        text = "; ".join(reasons)
        checks = {
            "yes exactly with a lower-body session": (verdict == "yes") == (
                week["leg_sessions"] > 0),
            "partly only with a dose or lower-body sets": verdict != "partly" or bool(
                evidence.doses or week["lower_sets"] > 0),
            "no 'few hard efforts' beside a real running dose": not (
                "low_type2_share" in week_codes and evidence.doses),
            "no 'steady running only' beside hard running": not (
                "steady running only" in text and week["hard_s"] > 0),
            "no 'too much hard' beside 'steady running only'": not (
                "too_much_hard" in week_codes and "steady running only" in text),
            "other sports named when there were any": (week["other_count"] == 0) or (
                "cycling" in text or "swimming" in text or "walking" in text
                or "hiking" in text or "other sport" in text),
            "never 'nothing recorded' beside a load": not (
                "recorded" in text and week["load"] > 0),
        }
        for number, word in NUMBERED.findall(text):
            column = "stride_count" if word == "stride" else "sprint_count"
            checks[f"{number} {word}s is the week's {column}"] = int(number) == week[column]
        out += [f"{label}: {name}: {text}" for name, ok in checks.items() if not ok]
    return out


def test_the_sample_season_verdicts_agree_with_the_findings():
    season = _sample_season()
    assert disagreements(season) == []
    counts = season.weeks["leg_day"].value_counts().to_dict()
    assert counts == {"yes": 11, "no": 2, "partly": 1}


@pytest.mark.corpus
def test_the_real_export_verdicts_agree_with_the_findings_and_running_is_never_yes():
    season = _real_export_season()
    assert disagreements(season) == []
    weeks = season.weeks
    # 68 weeks with no lower-body session logged: running alone is never yes.
    assert (weeks["leg_day"] == "yes").sum() == weeks["leg_sessions"].gt(0).sum() == 0
    assert (weeks["leg_day"] == "partly").sum() >= 40
    assert weeks["stride_count"].sum() > 0 and weeks["sprint_count"].sum() > 0


# --- standing notes -------------------------------------------------------------------------

def test_no_lifting_at_all_is_one_standing_note_not_a_warning_every_week():
    runs = [Run(f"2025-03-{d:02d}", steady=50) for d in (4, 6, 11, 13, 18, 20, 25, 27)]
    weeks, findings = judge(runs)
    assert len([f for f in findings if f.code == "low_strength_frequency"]) == 4
    kept, standing = fold_standing(weeks, findings, SETTINGS)
    assert not [f for f in kept if f.code == "low_strength_frequency"]
    note = next(n for n in standing if n.code == "low_strength_frequency")
    assert note.message.startswith("No strength session logged in any of the 4 weeks")
    assert note.action.startswith("Log your lifting: Strength log")
    assert (note.page, note.weeks, note.first, note.last) == (
        "strength", 4, "2025-W10", "2025-W13")
    assert note.to_dict()["action"] == note.action
    # The other findings stay in their weeks.
    assert {f.code for f in kept} >= {"leg_day", "low_type2_share"} - {
        n.code for n in standing}


def test_a_finding_in_a_few_weeks_stays_in_those_weeks():
    runs = [Run(f"2025-03-{d:02d}", steady=50) for d in (4, 6, 11, 13, 18, 20, 25, 27)]
    lifts = [Lift(f"2025-03-{d:02d}") for d in (4, 6, 11, 13, 18, 20)]
    weeks, findings = judge(runs, lifts)
    assert [f.week for f in findings if f.code == "low_strength_frequency"] == ["2025-W13"]
    kept, standing = fold_standing(weeks, findings, SETTINGS)
    assert "low_strength_frequency" not in {n.code for n in standing}
    assert [f.week for f in kept if f.code == "low_strength_frequency"] == ["2025-W13"]
    few = replace(SETTINGS, standing_min_weeks=1, standing_share=0.25)
    assert "low_strength_frequency" in {n.code for n in fold_standing(weeks, findings, few)[1]}


def test_a_tiny_hard_share_is_said_with_a_decimal_not_as_zero_beside_minutes():
    from legday.findings import _percent

    assert _percent(0.004) == "0.4 %"
    assert _percent(0.0099) == "1 %"
    assert _percent(0.0) == "0 %"
    assert _percent(0.25) == "25 %"
