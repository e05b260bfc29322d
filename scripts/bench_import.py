"""Benchmark: legday's import of the Strava export against plain fitparse reading it; a season.

In one run, on this machine:

1. plain fitparse reads every FIT file of the export (gunzipped, every message) - the baseline;
2. ``import_paths`` imports the export into a fresh SQLite file (read + classify + store,
   both cores, then the runs classified again calibrated on the stored history): wall
   time, the ratio to (1), and where the time went;
3. the same export again (every file skipped by its content hash);
4. a synthetic season of ``--season`` activities (built once with legday.synth and kept
   under ``--cache``) imported in a child process: wall time and peak RSS of that process
   and its workers together.

Not a test: it prints figures.

    .venv/bin/python scripts/bench_import.py [--export PATH] [--season N] [--cache DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fitparse
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from legday.store import open_store  # noqa: E402
from legday.store.importer import ImportReport, import_paths  # noqa: E402
from legday.store.pipeline import default_workers  # noqa: E402

EXPORT = ROOT.parent / "shared" / "realdata" / "bulk" / "stravaexport__slalom007"
DEFAULT_CACHE = Path("/tmp/legday-bench")
IMPORT_TARGET_RATIO = 24.0
REIMPORT_TARGET_S = 2.0
SEASON_TARGET_S = 60.0
SEASON_TARGET_RSS_MB = 1536
MB = 1024**2


def fitparse_read(export: Path) -> tuple[float, int, int]:
    """Seconds plain fitparse takes to read every FIT file of the export; files, records."""
    files = sorted((export / "activities").glob("*.fit*"))
    started = time.perf_counter()
    records = 0
    for path in files:
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        for message in fitparse.FitFile(data).get_messages():
            records += message.name == "record"
    return time.perf_counter() - started, len(files), records


def timed_import(url: str, paths: list[Path]) -> tuple[ImportReport, float]:
    store = open_store(url)
    try:
        me = store.athlete("bench")
        started = time.perf_counter()
        report = import_paths(me, paths)
        return report, time.perf_counter() - started
    finally:
        store.close()


def split(t: dict[str, float], samples: int) -> str:
    """Where an import's time went (worker seconds summed over the pool)."""
    cpu = t["read_s"] + t["classify_s"] + t["encode_s"]
    rate = samples / t["classify_s"] if t["classify_s"] else 0.0
    busy = cpu / (default_workers() * t["wall_s"]) if t["wall_s"] else 0.0
    return (f"worker CPU {cpu:.1f} s = read {t['read_s']:.1f} s + classify "
            f"{t['classify_s']:.1f} s ({rate / 1e3:.0f}k samples/s) + summary/encode "
            f"{t['encode_s']:.1f} s, the {default_workers()} workers busy {busy:.0%} of the "
            f"time; this process: walk + hash {t['walk_s']:.1f} s, store {t['store_s']:.1f} s, "
            f"calibrating on the stored history {t.get('calibrate_s', 0.0):.1f} s")


def season_child(url: str, folder: str) -> None:
    """Runs in the child: import the season, print the report as JSON."""
    report, seconds = timed_import(url, [Path(folder)])
    print(json.dumps({"seconds": seconds, "imported": report.imported,
                      "errors": len(report.errors), "timings": report.timings,
                      "samples": report.samples}))


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and its descendants now."""
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total


def measure_season(n: int, cache: Path, tmp: Path) -> None:
    from scripts.bench_dashboard import build_files

    started = time.perf_counter()
    runs, strength = build_files(cache, n)
    print(f"season: {n} activities under {runs.parent} "
          f"(ready in {time.perf_counter() - started:.0f} s)")
    url = f"sqlite:///{tmp / 'season.db'}"
    open_store(url).close()  # migrated before the clock starts
    child = subprocess.Popen([sys.executable, __file__, "--child-season", url, str(runs)],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    watched = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        try:
            peak = max(peak, tree_rss(watched))
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    out, _ = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"season import failed (exit {child.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    print(f"season import: {result['imported']} stored, {result['errors']} refused in "
          f"{result['seconds']:.1f} s (target < {SEASON_TARGET_S:.0f} s); peak RSS of the "
          f"import and its workers {peak / MB:.0f} MB (target < {SEASON_TARGET_RSS_MB} MB)")
    print(f"  where the time went: {split(result['timings'], result['samples'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=Path, default=EXPORT)
    parser.add_argument("--season", type=int, default=2000, metavar="N",
                        help="activities in the synthetic season (0 skips it)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--child-season", nargs=2, metavar=("URL", "FOLDER"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_season:
        season_child(*args.child_season)
        return
    base_s, files, records = fitparse_read(args.export)
    print(f"plain fitparse reads the export: {files} FIT files, {records} records in "
          f"{base_s:.1f} s ({records / base_s / 1e3:.1f}k records/s)")
    with tempfile.TemporaryDirectory(prefix="legday-bench-import-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'export.db'}"
        open_store(url).close()
        report, seconds = timed_import(url, [args.export])
        print(f"legday import of the export: {report.imported} stored, {len(report.errors)} "
              f"refused in {seconds:.1f} s: {base_s / seconds:.1f}x plain fitparse reading "
              f"(target >= {IMPORT_TARGET_RATIO:.0f}x)")
        print(f"  where the time went: {split(report.timings, report.samples)}")
        again, again_s = timed_import(url, [args.export])
        print(f"re-import of the export: {again.files_skipped} files skipped by content hash, "
              f"{again.imported} stored, in {again_s:.2f} s (target < {REIMPORT_TARGET_S:.0f} s)")
        if args.season:
            measure_season(args.season, args.cache, Path(tmp))


if __name__ == "__main__":
    main()
