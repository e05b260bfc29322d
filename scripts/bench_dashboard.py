"""Benchmark: the dashboard on a library of 1000 activities (issue 7's performance targets).

Usage: python scripts/bench_dashboard.py [--cache DIR] [--n 1000] [--postgres URL]
                                         [--reimport] [--no-app] [--profile FILE]

Builds once, and keeps under ``--cache`` (default /tmp/legday-bench), a library of
one simulated athlete over about four years: ``--n`` runs in one place (varied
workouts and start times; FIT from a smart-recording watch, the Sunday runs GPX
from a phone) and a strength log in legday's CSV format (two sessions a week),
imported into a SQLite store (and with ``--postgres`` into a fresh schema of that
server). Then, each in a fresh process:

- the first season view: ``open_store`` + ``load_library`` (what the Overview
  needs), target < 2 s;
- the app (Streamlit's AppTest on app.py, ``LEGDAY_SAMPLE=0``): the first run,
  then each page that exists and a filter change (the Overview's week), target
  < 0.5 s each.

Prints a table with each time against its target. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from data.samples.make_season import ATHLETE, PHONE, PLACE, WATCH  # noqa: E402
from legday.csv_export import csv_text  # noqa: E402
from legday.strength.log import LEGDAY_COLUMNS  # noqa: E402
from legday.synth import generate_run, write_fit, write_gpx  # noqa: E402

DEFAULT_CACHE = Path("/tmp/legday-bench")
LIBRARY_TARGET_S = 2.0
PAGE_TARGET_S = 0.5
PAGES = ("overview", "activity", "overload", "imbalance", "upload", "strength", "settings",
         "sharing")
ATHLETE_NAME = "local"

FIRST_MONDAY = dt.date(2022, 1, 3)
QUALITY = ("strides", "hill_repeats", "track_intervals", "cruise_intervals", "minute_intervals",
           "fartlek", "hill_sprints", "tempo", "progression", "flying_sprints")
#: The Thursday loop repeats (same plan and route), as a real runner's does.
LOOP_SEEDS = {"plan_seed": 4242, "route_seed": 4243}
LEGS = (("Back squat", 3, 6, 80.0), ("Romanian deadlift", 3, 8, 70.0),
        ("Bulgarian split squat", 3, 8, 16.0), ("Standing calf raise", 3, 15, 40.0))
UPPER = (("Bench press", 3, 8, 60.0), ("Pull-ups", 3, 6, 0.0), ("Overhead press", 3, 8, 35.0),
         ("Plank", 3, 1, 0.0))


@dataclass(frozen=True)
class PlannedRun:
    index: int
    day: dt.date
    hour: int
    workout: str
    gpx: bool
    same_loop: bool


def plan_season(n: int, seed: int = 7) -> list[PlannedRun]:
    """``n`` runs, four to six a week from :data:`FIRST_MONDAY`."""
    rng = np.random.default_rng(seed)
    runs: list[PlannedRun] = []
    week = 0
    while len(runs) < n:
        monday = FIRST_MONDAY + dt.timedelta(weeks=week)
        slots = [(1, QUALITY[week % len(QUALITY)], False, False), (3, "easy", False, True),
                 (5, "long", False, False), (6, "rolling" if week % 2 else "easy", True, False)]
        extra = int(rng.choice([0, 1, 1, 2]))
        slots += [(0, "easy", False, False), (4, "progression", False, False)][:extra]
        for day, workout, gpx, loop in sorted(slots):
            if len(runs) == n:
                break
            runs.append(PlannedRun(len(runs), monday + dt.timedelta(days=day),
                                   int(rng.choice([6, 7, 12, 17, 18])), workout, gpx, loop))
        week += 1
    return runs


def write_run(args: tuple[PlannedRun, str]) -> str:
    run, folder = args
    local = dt.datetime(run.day.year, run.day.month, run.day.day, run.hour, run.index % 60,
                        tzinfo=ZoneInfo(PLACE.tz))
    seeds = LOOP_SEEDS if run.same_loop else {}
    synthetic = generate_run(run.workout, seed=10_000 + run.index, athlete=ATHLETE,
                             device=PHONE if run.gpx else WATCH, place=PLACE,
                             start_utc=pd.Timestamp(local), **seeds)
    path = Path(folder) / f"{run.index:04d}-{run.day.isoformat()}-{run.workout}"
    if run.gpx:
        write_gpx(synthetic, path.with_suffix(".gpx"))
        return path.with_suffix(".gpx").name
    write_fit(synthetic, path.with_suffix(".fit"))
    return path.with_suffix(".fit").name


def write_strength_log(path: Path, first: dt.date, last: dt.date) -> int:
    """Two sessions a week (legs on Monday, upper body on Friday) in legday's CSV format."""
    rows: list[list[object]] = []
    monday = first
    while monday <= last:
        for day, exercises in ((0, LEGS), (4, UPPER)):
            date = (monday + dt.timedelta(days=day)).isoformat()
            rows += [[date, name, sets, reps, f"{weight:g}", 7, "", ""]
                     for name, sets, reps, weight in exercises]
        monday += dt.timedelta(weeks=1)
    path.write_text(csv_text(LEGDAY_COLUMNS, rows), encoding="utf-8", newline="")
    return len(rows)


def build_files(cache: Path, n: int) -> tuple[Path, Path]:
    """The season's files under ``cache`` (generated once, two processes at a time)."""
    folder = cache / f"season-{n}"
    done = folder / "done.json"
    strength = folder / "strength_log.csv"
    if done.exists():
        return folder / "runs", strength
    runs_dir = folder / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    plan = plan_season(n)
    todo = [(r, str(runs_dir)) for r in plan
            if not any(runs_dir.glob(f"{r.index:04d}-*"))]
    t0 = time.perf_counter()
    with Pool(os.cpu_count() or 2) as pool:
        for i, _name in enumerate(pool.imap_unordered(write_run, todo, chunksize=4), 1):
            if i % 100 == 0:
                print(f"  generated {i}/{len(todo)} runs ({time.perf_counter() - t0:.0f} s)",
                      flush=True)
    write_strength_log(strength, FIRST_MONDAY, plan[-1].day)
    done.write_text(json.dumps({"runs": n, "first": plan[0].day.isoformat(),
                                "last": plan[-1].day.isoformat()}) + "\n")
    return runs_dir, strength


def import_library(url: str, runs: Path, strength: Path) -> dict[str, Any]:
    from legday.store import import_paths, open_store

    store = open_store(url)
    t0 = time.perf_counter()
    report = import_paths(store.athlete(ATHLETE_NAME), [runs, strength])
    elapsed = time.perf_counter() - t0
    store.close()
    return {"imported": report.imported, "errors": len(report.errors),
            "strength_entries": report.strength_entries, "import_s": elapsed}


# --- measured in a fresh process --------------------------------------------------------------

def child_library(url: str, profile: str | None) -> dict[str, Any]:
    t0 = time.perf_counter()
    from legday.findings import AnalysisSettings
    from legday.library import load_library
    from legday.store import get_settings, open_store
    t_import = time.perf_counter() - t0
    profiler = None
    if profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    t1 = time.perf_counter()
    store = open_store(url)
    ctx = store.athlete(ATHLETE_NAME)
    t_open = time.perf_counter() - t1
    t2 = time.perf_counter()
    settings = get_settings(ctx)
    lib = load_library(ctx, AnalysisSettings(timezone=settings["timezone"]))
    t_library = time.perf_counter() - t2
    if profiler is not None and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    return {"import_s": t_import, "open_s": t_open, "library_s": t_library,
            "activities": len(lib.activities), "weeks": len(lib.season.weeks),
            "runs": len(lib.season.runs)}


def _week_options(at: Any) -> list[str]:
    for box in at.selectbox:
        if box.key == "overview_week":
            return [str(o) for o in box.options]
    return []


def child_app(url: str) -> dict[str, Any]:
    os.environ["LEGDAY_DATABASE_URL"] = url
    os.environ["LEGDAY_SAMPLE"] = "0"
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("server.address", "localhost")  # as `make run` serves the owner's view
    timings: list[tuple[str, float, str]] = []
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    t0 = time.perf_counter()
    at.run()
    timings.append(("first run (overview)", time.perf_counter() - t0, _errors(at)))
    for page in PAGES[1:] + PAGES[:1]:
        if not (ROOT / "pages" / f"{page}.py").exists():
            continue
        t0 = time.perf_counter()
        at.switch_page(f"views/{page}.py").run()
        timings.append((f"page {page}", time.perf_counter() - t0, _errors(at)))
    options = _week_options(at)
    if len(options) > 1:
        t0 = time.perf_counter()
        at.selectbox(key="overview_week").set_value(options[len(options) // 2]).run()
        timings.append(("filter: overview week", time.perf_counter() - t0, _errors(at)))
    return {"timings": timings}


def _errors(at: Any) -> str:
    if at.exception:
        return "; ".join(str(e.value).splitlines()[0] for e in at.exception)[:80]
    return ""


def in_fresh_process(mode: str, url: str, profile: str | None = None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", mode, "--url", url]
    if profile:
        cmd += ["--profile", profile]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"{mode} measurement failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- report --------------------------------------------------------------------------------------

def row(label: str, seconds: float, target: float | None, note: str = "") -> str:
    if target is None:
        return f"  {label:<34} {seconds:8.3f} s"
    verdict = "ok" if seconds < target else "MISSED"
    return (f"  {label:<34} {seconds:8.3f} s  target {target:.1f} s  "
            f"{seconds / target:5.2f} x  {verdict}{'  ' + note if note else ''}")


def measure(label: str, url: str, runs: Path, strength: Path, fresh: bool, app: bool,
            profile: str | None) -> bool:
    print(f"\n{label}")
    if fresh:
        imported = import_library(url, runs, strength)
        print(f"  imported {imported['imported']} activities and "
              f"{imported['strength_entries']} strength entries in "
              f"{imported['import_s']:.0f} s ({imported['errors']} errors)")
    lib = in_fresh_process("library", url)
    if profile:  # a run of its own: the profiler slows what it watches
        in_fresh_process("library", url, profile)
        print(f"  cProfile of load_library written to {profile}")
    print(f"  {lib['activities']} activities, {lib['runs']} runs, {lib['weeks']} weeks")
    print(row("python imports (legday, pandas)", lib["import_s"], None))
    print(row("open_store", lib["open_s"], None))
    print(row("load_library", lib["library_s"], None))
    first_view = lib["open_s"] + lib["library_s"]
    lines = [row("first season view (open + load)", first_view, LIBRARY_TARGET_S)]
    ok = first_view < LIBRARY_TARGET_S
    if app:
        for name, seconds, error in in_fresh_process("app", url)["timings"]:
            target = None if name.startswith("first run") else PAGE_TARGET_S
            lines.append(row(f"app {name}", seconds, target, error))
            ok = ok and (target is None or seconds < target) and not error
    print("\n".join(lines))
    return ok


def _postgres_url(admin_url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    schema = f"legday_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema, f"{admin_url}?options={quote(f'-csearch_path={schema}')}"


def _drop_schema(admin_url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--n", type=int, default=1000, help="number of runs")
    parser.add_argument("--postgres", help="also measure on this server (a new schema)")
    parser.add_argument("--reimport", action="store_true",
                        help="import into a new SQLite file even when one is cached")
    parser.add_argument("--no-app", action="store_true", help="skip the AppTest timings")
    parser.add_argument("--profile", help="write a cProfile of load_library here")
    parser.add_argument("--child", choices=("library", "app"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        func = child_library if args.child == "library" else None
        result = func(args.url, args.profile) if func else child_app(args.url)
        print(json.dumps(result))
        return 0

    args.cache.mkdir(parents=True, exist_ok=True)
    runs, strength = build_files(args.cache, args.n)
    db = args.cache / f"legday-{args.n}.db"
    fresh = args.reimport or not db.exists()
    if fresh:
        for old in args.cache.glob(f"legday-{args.n}.db*"):
            old.unlink()
    ok = measure(f"SQLite ({db}{', cached' if not fresh else ''})", f"sqlite:///{db}", runs,
                 strength, fresh, not args.no_app, args.profile)
    if args.postgres:
        schema, url = _postgres_url(args.postgres)
        try:
            ok = measure(f"PostgreSQL (schema {schema})", url, runs, strength, True,
                         not args.no_app, None) and ok
        finally:
            _drop_schema(args.postgres, schema)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
