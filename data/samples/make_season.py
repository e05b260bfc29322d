"""Generate legday's embedded sample season: one runner, 14 weeks, runs and lifting.

Run from the project root (fit-tool comes with requirements-dev.txt):

    .venv/bin/python data/samples/make_season.py

It rewrites ``data/samples/season/`` (FIT files from the runner's watch, GPX
files from their phone, one Garmin strength FIT with sets) and
``data/samples/strength_log.csv`` (legday's CSV format). Everything is simulated
by ``legday.synth``, so the files are the project's own and license-clean. The
season is written so every weekly finding appears at least once: a hard-days
mistake, upper-body-only weeks, a high-mileage week, a cut-back week, the same
easy loop at the same pace every Thursday, a steady-only week.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from legday.synth import (  # noqa: E402
    Athlete,
    DeviceProfile,
    generate_run,
    write_fit,
    write_gpx,
    write_strength_fit,
)
from legday.synth.route import PLACES  # noqa: E402

OUT = Path(__file__).resolve().parent
SEASON_DIR = OUT / "season"
STRENGTH_CSV = OUT / "strength_log.csv"

FIRST_MONDAY = dt.date(2026, 8, 3)
WEEKS = 14
PLACE = next(p for p in PLACES if p.name.startswith("Phoenix Park"))
TZ = ZoneInfo(PLACE.tz)

ATHLETE = Athlete(easy_speed=1000 / 330, threshold_speed=1000 / 262, top_speed=7.6,
                  walk_speed=1.45, rest_hr=48.0, threshold_hr=168.0, max_hr=188.0,
                  hr_tau_s=28.0, hr_drift_bpm_h=4.0, cadence_base_spm=148.0,
                  cadence_slope=9.0, hill_response=0.7, consistency=0.015)
WATCH = DeviceProfile(manufacturer="garmin", product="Forerunner 255", smart_recording=True,
                      auto_pause=False, manual_stops=False, rep_laps=True, auto_lap_m=1000.0,
                      gps_noise_m=3.0, gps_noise_tau_s=60.0, start_glitch_m=20.0)
PHONE = replace(WATCH, elevation_source="gps", rep_laps=False, auto_lap_m=None,
                gps_noise_m=6.0, start_glitch_m=40.0, glitches=1)
#: The Thursday loop: the same plan and route every week (maintenance running).
THURSDAY_PLAN_SEED, THURSDAY_ROUTE_SEED = 4242, 4243


@dataclass(frozen=True)
class PlannedRun:
    day: int  # 0 = Monday
    workout: str
    hour: int = 7
    gpx: bool = False
    same_loop: bool = False


#: The quality session of each week (Tuesday), None for a cut-back week.
QUALITY = ["strides", "hill_repeats", "track_intervals", None, "cruise_intervals",
           "cruise_intervals", "cruise_intervals", "cruise_intervals", "minute_intervals",
           "progression", "tempo", "hill_sprints", "fartlek", "flying_sprints"]
#: Weeks 5-8 repeat the very same cruise session: volume that no longer progresses.
SAME_SESSION_WEEKS, SAME_SESSION_PLAN_SEED = (5, 6, 7, 8), 5150
#: Week 8 is the high-mileage week, week 4 the cut-back week, week 13 too hard (1-based).
HIGH_MILEAGE_WEEK, LIGHT_WEEK, HARD_WEEK = 8, 4, 13


def week_runs(week: int) -> list[PlannedRun]:
    quality = QUALITY[week - 1]
    runs = [PlannedRun(3, "easy", hour=7, same_loop=True)]
    if quality is not None:
        runs.append(PlannedRun(1, quality, hour=18))
    if week == LIGHT_WEEK:
        return runs + [PlannedRun(5, "easy", hour=9, gpx=True)]
    if week == HARD_WEEK:  # a sharpening week with three hard sessions out of four runs
        return runs + [PlannedRun(5, "tempo", hour=8), PlannedRun(6, "track_intervals", hour=10)]
    runs.append(PlannedRun(5, "long", hour=8))
    runs.append(PlannedRun(6, "rolling" if week % 2 else "easy", hour=10, gpx=True))
    if week == HIGH_MILEAGE_WEEK:
        runs += [PlannedRun(0, "easy", hour=7), PlannedRun(2, "long", hour=6),
                 PlannedRun(4, "rolling", hour=7, gpx=True)]
    return runs


# --- the strength log --------------------------------------------------------------------

#: (exercise, sets, reps, weight_kg, rpe); names as a runner would type them.
LEG_DAY = [("Back squat", 3, 6, 80.0, 8), ("Romanian deadlift", 3, 8, 70.0, 7),
           ("Bulgarian split squat", 3, 8, 16.0, 8), ("Leg curl", 3, 12, 35.0, 7),
           ("Standing calf raise", 3, 15, 40.0, 7), ("Banded lateral walk", 2, 15, 0.0, 6),
           ("Copenhagen plank", 2, 6, 0.0, 7), ("Clamshell", 2, 15, 0.0, 5)]
LEG_DAY_NO_SINGLE_LEG = [("Back squat", 3, 5, 85.0, 8), ("DB Romanian Deadlift", 3, 10, 24.0, 7),
                         ("Leg extension", 3, 12, 45.0, 7), ("Seated calf raise", 3, 15, 30.0, 6)]
UPPER_CORE = [("Bench press", 3, 8, 60.0, 7), ("Pull-ups", 3, 6, 0.0, 8),
              ("One-arm dumbbell row", 3, 10, 26.0, 7), ("Overhead press", 3, 8, 35.0, 7),
              ("Plank", 3, 1, 0.0, 6), ("Dead bug", 2, 12, 0.0, 5)]
#: Garmin set categories of the watch-recorded leg session (week 6).
WATCH_LEG_SETS = [("squat", 8, 70.0), ("squat", 8, 70.0), ("deadlift", 6, 90.0),
                  ("lunge", 10, 14.0), ("lunge", 10, 14.0), ("hip_raise", 12, 40.0),
                  ("calf_raise", 15, 40.0), ("hip_stability", 15, 0.0), ("plank", 1, 0.0)]


def strength_plan(week: int) -> list[tuple[int, str, list[tuple[str, int, int, float, int]]]]:
    """(day, note, exercises) of each CSV session of ``week``."""
    if week == 2:  # lower-body lifting the day before the hill session: hard days not hard
        return [(0, "legs on Monday, hills on Tuesday", LEG_DAY), (4, "", UPPER_CORE)]
    if week == LIGHT_WEEK:  # cut-back running week: ramp the lifting up
        return [(1, "", LEG_DAY), (3, "", UPPER_CORE), (5, "extra leg day", LEG_DAY)]
    if week == 6:  # the leg session is the watch's FIT file; only upper here
        return [(4, "", UPPER_CORE)]
    if week == 10:  # hotel gym: a couple of goblet-squat sets are all the legs get
        return [(2, "hotel gym", UPPER_CORE + [("Goblet squat", 2, 12, 24.0, 6)]),
                (5, "hotel gym", UPPER_CORE[:3])]
    if week in (9, 11):  # travelling with hotel gym only: upper body
        return [(2, "hotel gym", UPPER_CORE), (5, "hotel gym", UPPER_CORE[:3])]
    if week == 12:  # one session, no single-leg work
        return [(2, "short on time", LEG_DAY_NO_SINGLE_LEG)]
    if week == 14:  # includes a yoga class with no exercises logged and a made-up name
        return [(1, "", LEG_DAY), (4, "", UPPER_CORE),
                (6, "yoga class", [("", 0, 0, float("nan"), 4)]),
                (6, "", [("Mobility flow", 1, 1, 0.0, 3)])]
    # The good pattern: legs in the evening after the morning/evening quality run.
    day = 1 if QUALITY[week - 1] is not None else 2
    return [(day, "after the session" if day == 1 else "", LEG_DAY), (4, "", UPPER_CORE)]


def write_strength_log(path: Path) -> int:
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "exercise", "sets", "reps", "weight_kg", "rpe",
                         "duration_min", "notes"])
        for week in range(1, WEEKS + 1):
            monday = FIRST_MONDAY + dt.timedelta(weeks=week - 1)
            for day, note, exercises in strength_plan(week):
                date = (monday + dt.timedelta(days=day)).isoformat()
                for i, (name, sets, reps, weight, rpe) in enumerate(exercises):
                    if not name:  # a whole session without exercises: duration only
                        writer.writerow([date, "", "", "", "", rpe, 45, note])
                    else:
                        writer.writerow([date, name, sets, reps,
                                         "" if weight != weight else f"{weight:g}", rpe,
                                         "", note if i == 0 else ""])
                    rows += 1
    return rows


def watch_strength_sets(start_local: dt.datetime) -> pd.DataFrame:
    t = pd.Timestamp(start_local).tz_convert("UTC")
    rows = []
    for category, reps, weight in WATCH_LEG_SETS:
        work = 3.0 * reps + 5.0
        rows.append({"start": t, "duration_s": work, "set_type": "active",
                     "category": category, "reps": reps, "weight_kg": weight})
        t += pd.Timedelta(seconds=work)
        rows.append({"start": t, "duration_s": 120.0, "set_type": "rest", "category": None,
                     "reps": float("nan"), "weight_kg": float("nan")})
        t += pd.Timedelta(seconds=120)
    return pd.DataFrame(rows)


def main() -> int:
    if SEASON_DIR.exists():
        shutil.rmtree(SEASON_DIR)
    SEASON_DIR.mkdir(parents=True)
    n_files = 0
    for week in range(1, WEEKS + 1):
        monday = FIRST_MONDAY + dt.timedelta(weeks=week - 1)
        for i, run in enumerate(week_runs(week)):
            day = monday + dt.timedelta(days=run.day)
            local = dt.datetime(day.year, day.month, day.day, run.hour, 5 + 7 * i, tzinfo=TZ)
            seeds: dict[str, int] = {}
            if run.same_loop:
                seeds = {"plan_seed": THURSDAY_PLAN_SEED, "route_seed": THURSDAY_ROUTE_SEED}
            elif week in SAME_SESSION_WEEKS and run.day == 1:
                seeds = {"plan_seed": SAME_SESSION_PLAN_SEED}
            synthetic = generate_run(run.workout, seed=1000 * week + i, athlete=ATHLETE,
                                     device=PHONE if run.gpx else WATCH, place=PLACE,
                                     start_utc=pd.Timestamp(local), **seeds)
            stem = f"{day.isoformat()}-{run.workout.replace('_', '-')}"
            if run.gpx:
                write_gpx(synthetic, SEASON_DIR / f"{stem}.gpx")
            else:
                write_fit(synthetic, SEASON_DIR / f"{stem}.fit")
            n_files += 1
    wednesday = FIRST_MONDAY + dt.timedelta(weeks=5, days=2)
    start = dt.datetime(wednesday.year, wednesday.month, wednesday.day, 18, 30, tzinfo=TZ)
    offset = start.utcoffset()
    assert offset is not None
    write_strength_fit(watch_strength_sets(start),
                       SEASON_DIR / f"{wednesday.isoformat()}-strength.fit",
                       utc_offset_s=int(offset.total_seconds()))
    rows = write_strength_log(STRENGTH_CSV)
    size_kb = sum(p.stat().st_size for p in SEASON_DIR.iterdir()) / 1024
    print(f"wrote {n_files + 1} files ({size_kb:.0f} KiB) to {SEASON_DIR.relative_to(ROOT)} "
          f"and {rows} strength rows to {STRENGTH_CSV.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
