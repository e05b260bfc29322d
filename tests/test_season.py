"""End to end: synthetic runs and a strength log through ``analyse`` and ``weekly``,
and the real Strava export."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import legday.cli
from legday.cli import main
from legday.io import ReadFailure, read_paths
from legday.load import session_load
from legday.model import Activity, Sport
from legday.schema import LoadSettings
from legday.season import analyse, json_value
from legday.synth import Athlete, DeviceProfile, generate_run, write_fit, write_gpx
from legday.synth.route import PLACES
from legday.synth.writers import write_strength_fit
from tests.conftest import require_realdata

PLACE = next(p for p in PLACES if p.name.startswith("Phoenix Park"))  # UTC+0 in March
ATHLETE = Athlete(easy_speed=1000 / 330, threshold_speed=1000 / 262, top_speed=7.6,
                  rest_hr=48.0, max_hr=188.0, consistency=0.015)
WATCH = DeviceProfile(manufacturer="garmin", product="Forerunner 255", smart_recording=True,
                      auto_pause=False, manual_stops=False, rep_laps=True, auto_lap_m=1000.0,
                      gps_noise_m=3.0, gps_noise_tau_s=60.0, start_glitch_m=20.0)
LOOP = {"plan_seed": 4242, "route_seed": 4243}

#: (local start, workout, same Thursday loop, GPX): three weeks from Monday 10 March 2025.
RUNS = [("2025-03-11 18:00", "track_intervals", False, False),
        ("2025-03-13 07:00", "easy", True, False),
        ("2025-03-15 09:00", "easy", False, True),
        ("2025-03-18 18:00", "hill_repeats", False, False),
        ("2025-03-20 07:00", "easy", True, False),
        ("2025-03-27 07:00", "easy", True, False),
        ("2025-03-29 09:00", "easy", False, True)]
LEGS = [("Back squat", 3, 6, 80), ("Romanian deadlift", 3, 8, 70),
        ("Bulgarian split squat", 3, 8, 16), ("Standing calf raise", 3, 15, 40),
        ("Clamshell", 2, 15, 0), ("Copenhagen plank", 2, 6, 0)]
UPPER = [("Bench press", 3, 8, 60), ("Pull-ups", 3, 6, 0), ("Plank", 3, 1, 0)]
#: Lower body on the interval day (good), the day before the hills (not), upper on Fridays.
LIFTS = [("2025-03-11", LEGS), ("2025-03-14", UPPER), ("2025-03-17", LEGS)]


def write_log(path: Path) -> Path:
    lines = ["date,exercise,sets,reps,weight_kg,rpe,duration_min,notes"]
    for date, moves in LIFTS:
        lines += [f"{date},{name},{sets},{reps},{kg},7,," for name, sets, reps, kg in moves]
    lines.append("2025-03-14,Dumbbell curl,3,12,heavy,7,,")  # a bad row: line 17
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_watch_lift(path: Path) -> Path:
    """A Garmin strength FIT: lunges, squats and hip work on Friday 21 March, 18:00 UTC."""
    t = pd.Timestamp("2025-03-21T18:00:00Z")
    rows = []
    for category, reps, kg in [("squat", 8, 60.0), ("squat", 8, 60.0), ("lunge", 10, 14.0),
                               ("lunge", 10, 14.0), ("hip_raise", 12, 40.0)]:
        rows.append({"start": t, "duration_s": 40.0, "set_type": "active",
                     "category": category, "reps": reps, "weight_kg": kg})
        rows.append({"start": t + pd.Timedelta(seconds=40), "duration_s": 90.0,
                     "set_type": "rest", "category": None, "reps": np.nan, "weight_kg": np.nan})
        t += pd.Timedelta(seconds=130)
    return write_strength_fit(pd.DataFrame(rows), path)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("season")
    for i, (local, workout, loop, gpx) in enumerate(RUNS):
        start = pd.Timestamp(local, tz=PLACE.tz)
        run = generate_run(workout, seed=500 + i, athlete=ATHLETE, device=WATCH, place=PLACE,
                           start_utc=start, **(LOOP if loop else {}))
        stem = folder / f"{local[:10]}-{workout}"
        (write_gpx if gpx else write_fit)(run, stem.with_suffix(".gpx" if gpx else ".fit"))
    write_watch_lift(folder / "2025-03-21-strength.fit")
    return folder, write_log(tmp_path_factory.mktemp("logs") / "lifts.csv")


def run_cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(["weekly", *argv], out=out), out.getvalue()


@pytest.fixture(scope="module")
def weekly_json(synthetic: tuple[Path, Path]) -> dict:
    folder, log = synthetic
    code, text = run_cli("--json", "--strength", str(log), str(folder))
    assert code == 0
    return json.loads(text)


def week(payload: dict, label: str) -> dict:
    return next(w for w in payload["weeks"] if w["week"] == label)


def codes(payload: dict, label: str) -> list[str]:
    return [f["code"] for f in week(payload, label)["findings"]]


def test_weekly_json_has_every_week_and_the_documented_keys(weekly_json: dict):
    assert [w["week"] for w in weekly_json["weeks"]] == ["2025-W11", "2025-W12", "2025-W13"]
    first = weekly_json["weeks"][0]
    for key in ("week_start", "run_count", "run_distance_m", "type2_share", "hill_climb_m",
                "load", "atl", "ctl", "acute_chronic", "ramp_pct", "monotony", "strain",
                "easy_s", "hard_s", "sets_hip_abductors", "run_quadriceps_s", "leg_day",
                "leg_day_reasons", "findings"):
        assert key in first, key
    assert first["acute_chronic"] is None and first["ramp_pct"] is None  # no history yet
    assert [w["run_count"] for w in weekly_json["weeks"]] == [3, 2, 2]


def test_intervals_with_legs_the_same_day_are_leg_day_and_hard_days_stay_hard(weekly_json: dict):
    w11 = week(weekly_json, "2025-W11")
    assert w11["leg_day"] == "yes"
    assert w11["interval_rep_count"] >= 4 and w11["strength_lower"] == 1
    assert "hard_days_not_hard" not in codes(weekly_json, "2025-W11")


def test_legs_the_day_before_hills_and_the_watch_strength_file(weekly_json: dict):
    w12 = week(weekly_json, "2025-W12")
    assert w12["hill_s"] > 0
    assert "hard_days_not_hard" in codes(weekly_json, "2025-W12")
    message = next(f["message"] for f in w12["findings"] if f["code"] == "hard_days_not_hard")
    assert "Mon 17 Mar" in message and "Tue 18 Mar" in message
    assert w12["strength_sessions"] == 2  # the CSV's Monday and the watch's Friday


def test_the_thursday_loop_three_weeks_running_is_maintenance_only(weekly_json: dict):
    assert "maintenance_only" in codes(weekly_json, "2025-W13")
    assert "maintenance_only" not in codes(weekly_json, "2025-W12")
    w13 = week(weekly_json, "2025-W13")
    assert w13["leg_day"] == "no" and w13["strength_sessions"] == 0
    assert "low_strength_frequency" in codes(weekly_json, "2025-W13")


def test_bad_log_rows_are_problems_and_the_rest_is_read(weekly_json: dict):
    assert [(p["line"], Path(p["file"]).name) for p in weekly_json["problems"]] == [
        (17, "lifts.csv")]
    assert weekly_json["errors"] == []
    assert week(weekly_json, "2025-W11")["strength_sessions"] == 2


def test_weekly_km_adds_up_to_the_runs_read(synthetic: tuple[Path, Path], weekly_json: dict):
    runs = [a for a in read_paths([str(synthetic[0])])
            if isinstance(a, Activity) and a.is_running]
    total_m = sum(float(a.distance_m or a.samples["distance_m"].max()) for a in runs)
    assert sum(w["run_distance_m"] for w in weekly_json["weeks"]) == pytest.approx(total_m,
                                                                                   abs=2.0)


def test_text_output_is_a_table_with_findings(synthetic: tuple[Path, Path]):
    folder, log = synthetic
    code, text = run_cli("--strength", str(log), str(folder))
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split() == ["week", "run", "km", "type-II", "%", "tempo", "min", "steep",
                                "down", "m", "other", "lifts", "load", "AU", "leg", "day"]
    assert any(line.startswith("2025-W12") and "hard_days_not_hard" in line for line in lines)
    assert any("lifts.csv:17: skipped" in line for line in lines)


def test_unreadable_inputs_give_exit_one_and_a_bad_zone_exit_two(tmp_path: Path,
                                                                  synthetic: tuple[Path, Path]):
    broken = tmp_path / "broken.fit"
    broken.write_bytes(b"\x0e\x10garbage")
    missing_log = tmp_path / "nope.csv"
    code, text = run_cli("--json", "--strength", str(missing_log), str(broken),
                         str(synthetic[0]))
    assert code == 1
    payload = json.loads(text)
    assert {Path(e["file"]).name for e in payload["errors"]} == {"broken.fit", "nope.csv"}
    assert len(payload["weeks"]) == 3
    assert run_cli("--tz", "Mars/Olympus", str(synthetic[0]))[0] == 2


def test_analyse_output_is_strict_json_and_the_timezone_setting_is_used():
    late = Activity(id="a", source="a.csv", format="strava_csv", sport=Sport.RUN,
                    start_utc=pd.Timestamp("2025-03-16T23:30:00Z"), moving_s=1800.0,
                    elapsed_s=1800.0, distance_m=5000.0)
    payload = analyse([late]).to_dict()
    json.dumps(payload, allow_nan=False)
    assert [w["week"] for w in payload["weeks"]] == ["2025-W11"]
    from legday.schema import AnalysisSettings

    berlin = analyse([late], settings=AnalysisSettings(timezone="Europe/Berlin")).to_dict()
    assert [w["week"] for w in berlin["weeks"]] == ["2025-W12"]
    assert berlin["weeks"][0]["run_distance_m"] == 5000


def test_json_values_are_rounded_by_unit_and_nan_is_null():
    assert json_value("run_distance_m", 12345.6) == 12346
    assert json_value("hard_s", 61.4) == 61
    assert json_value("load", 612.7) == 613
    assert json_value("type2_share", 0.123456) == 0.123
    assert json_value("ramp_pct", float("nan")) is None
    assert json_value("run_count", np.int64(3)) == 3


# --- the real Strava export --------------------------------------------------------------

@pytest.fixture(scope="module")
def real_results() -> list:
    export = require_realdata() / "bulk" / "stravaexport__slalom007"
    return list(read_paths([str(export)]))


@pytest.mark.corpus
def test_weekly_on_the_real_strava_export(real_results: list, monkeypatch: pytest.MonkeyPatch):
    # The same read_paths call the command makes, done once for this module.
    monkeypatch.setattr(legday.cli, "read_paths", lambda paths: iter(real_results))
    code, text = run_cli("--json", "slalom007")
    payload = json.loads(text)
    assert code == (1 if any(isinstance(r, ReadFailure) for r in real_results) else 0)
    weeks = payload["weeks"]
    starts = pd.to_datetime([w["week_start"] for w in weeks])
    assert len(weeks) > 20 and (np.diff(starts.to_numpy()) == np.timedelta64(7, "D")).all()
    runs = [r for r in real_results if isinstance(r, Activity) and r.is_running]
    assert sum(w["run_count"] for w in weeks) == len(runs)
    run_m = sum(float(r.distance_m if r.distance_m is not None
                      else r.samples["distance_m"].max()) for r in runs)
    assert sum(w["run_distance_m"] for w in weeks) == pytest.approx(run_m, rel=1e-3)
    with_runs = [w for w in weeks if w["run_count"]]
    loads = [w["load"] / (w["run_s"] / 60) for w in with_runs if w["run_s"] > 1800]
    assert 2.0 <= float(np.median(loads)) <= 8.0  # AU per running minute: RPE-like
    assert {w["leg_day"] for w in weeks} <= {"yes", "partly", "no"}
    assert all(0 <= w["type2_share"] <= 1 and 0 <= w["hard_share"] <= 1 for w in weeks)
    # Its two "Workout" rows are squash: other sports, never strength or neglected muscles.
    assert sum(w["strength_sessions"] for w in weeks) == 0
    assert not [f for w in weeks for f in w["findings"] if f["code"] == "neglected_muscles"]
    others = [r for r in real_results if isinstance(r, Activity) and not r.is_running]
    assert sum(w["other_count"] for w in weeks) == len(others) == 12 + 9 + 2


@pytest.mark.corpus
def test_real_easy_runs_by_heart_rate_land_near_their_fallback_load(real_results: list):
    season = analyse([r for r in real_results if isinstance(r, Activity)])
    runs = season.runs
    profile_easy = (runs["speed_mps"].median())
    easy = runs[(runs["primary"] == "steady") & (runs["load_method"] == "trimp")
                & runs["speed_mps"].between(0.9 * profile_easy, 1.1 * profile_easy)]
    assert len(easy) >= 20
    fallback = [session_load(s, "steady", LoadSettings()).load_au for s in easy["moving_s"]]
    ratio = easy["load_au"].to_numpy() / np.asarray(fallback)
    assert 0.7 <= float(np.median(ratio)) <= 1.3, float(np.median(ratio))


def test_weekly_json_has_the_standing_notes_and_the_climbing_months(weekly_json: dict):
    assert isinstance(weekly_json["standing"], list)
    for note in weekly_json["standing"]:
        assert set(note) == {"code", "severity", "message", "action", "page", "weeks",
                             "first", "last"}
        folded = [f for w in weekly_json["weeks"] for f in w["findings"]
                  if f["code"] == note["code"]]
        assert folded == []
    from legday.schema import CLIMBING_COLUMNS

    for month in weekly_json["climbing"]:
        assert set(month) == {"month", *CLIMBING_COLUMNS}
    first = weekly_json["weeks"][0]
    for key in ("stride_count", "tempo_s", "descent_m", "steep_descent_m", "other_distance_m",
                "other_ride_distance_m"):
        assert key in first, key
