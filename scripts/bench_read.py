"""Benchmark: legday's readers against the baselines they replaced, measured in one run.

Prints ratios, so the figures mean the same on any machine:

- FIT: records/s of ``legday.io.read_bytes`` on the Strava export against plain fitparse
  (``FitFile(...).get_messages()`` with ``get_values()`` on each record), CPU time of
  this process, both on the same decompressed bytes. fitparse is timed on every
  ``--sample``-th file (the rate is what is compared).
- ingest: the whole ``python -m legday ingest --json`` process on the export (start-up,
  gunzip and JSON included, wall time) against the time plain fitparse needs to read
  the export's records at the rate measured above.
- GPX: points/s of legday against ``gpxpy.parse`` on the corpus GPX files.
- TCX: samples/s of legday against the TCX reader it replaced (loaded from git history),
  and against a bare ElementTree pull parse and tree walk (what that reader did before
  assembling), which is faster than the whole reader was.

Not a test: it prints figures.

    .venv/bin/python scripts/bench_read.py [--sample N] [--repeat R]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import subprocess
import sys
import time
import types
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from legday.errors import LegdayError  # noqa: E402
from legday.io import read_bytes  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata"
EXPORT = REALDATA / "bulk" / "stravaexport__slalom007"


def _decompressed(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def corpus(fmt: str) -> list[tuple[str, bytes]]:
    rows = csv.DictReader((REALDATA / "MANIFEST.csv").open(encoding="utf-8"))
    return [(row["path"], _decompressed(REALDATA / row["path"])) for row in rows
            if row["format"] == fmt]


def cpu_seconds(work: Callable[[], int], repeat: int) -> tuple[float, int]:
    """The best CPU time of ``repeat`` runs of ``work``, and what it counted."""
    best, count = float("inf"), 0
    for _ in range(repeat):
        start = time.process_time()
        count = work()
        best = min(best, time.process_time() - start)
    return best, count


def legday_points(payloads: list[tuple[str, bytes]],
                  read: Callable[..., list[Any]] = read_bytes) -> int:
    """Samples ``read`` gives from the payloads (refused files give none)."""
    points = 0
    for name, payload in payloads:
        try:
            points += sum(a.points for a in read(payload, name=Path(name).name))
        except LegdayError:
            pass
    return points


def fitparse_records(payloads: list[tuple[str, bytes]]) -> int:
    import fitparse

    records = 0
    for _, payload in payloads:
        for message in fitparse.FitFile(payload, check_crc=False).get_messages():
            if message.name == "record":
                message.get_values()
                records += 1
    return records


def gpxpy_points(payloads: list[tuple[str, bytes]]) -> int:
    import gpxpy

    points = 0
    for _, payload in payloads:
        try:
            gpx = gpxpy.parse(payload.decode("utf-8-sig", errors="replace"))
        except Exception:  # noqa: BLE001 - gpxpy raises anything on a damaged file
            continue
        points += sum(len(s.points) for t in gpx.tracks for s in t.segments)
    return points


#: The commit whose TCX reader (a pull parse into a tree, then a walk) is the TCX baseline.
TCX_BASELINE_COMMIT = "3c90c26"


def previous_tcx_reader() -> Callable[..., list[Any]] | None:
    """``read_tcx`` as it was at :data:`TCX_BASELINE_COMMIT`, loaded from git; None without git.

    Its helpers come from the same commit; the model (frames, sample repairs) is today's, so
    the baseline is, if anything, faster than the reader was.
    """
    modules = {}
    for name in ("xmltools", "tcx"):
        done = subprocess.run(["git", "show", f"{TCX_BASELINE_COMMIT}:legday/io/{name}.py"],
                              cwd=ROOT, capture_output=True, check=False)
        if done.returncode != 0:
            return None
        source = done.stdout.decode().replace("from legday.io.xmltools import",
                                              "from legday_baseline_xmltools import")
        module = types.ModuleType(f"legday_baseline_{name}")
        sys.modules[module.__name__] = module
        exec(compile(source, f"<{TCX_BASELINE_COMMIT}:{name}.py>", "exec"), module.__dict__)
        modules[name] = module
    return modules["tcx"].read_tcx  # type: ignore[no-any-return]


def elementtree_trackpoints(payloads: list[tuple[str, bytes]]) -> int:
    """What the replaced TCX reader did before assembly: a pull parse, then a tree walk."""
    points = 0
    for _, payload in payloads:
        parser: ET.XMLPullParser = ET.XMLPullParser(events=("start", "end"))
        try:
            parser.feed(payload)
            parser.close()
        except ET.ParseError:
            continue
        root = None
        for _event, elem in parser.read_events():
            root = root if root is not None else elem
        if root is None:
            continue
        for point in root.iter():
            if isinstance(point.tag, str) and point.tag.endswith("Trackpoint"):
                points += 1
                for child in point.iter():
                    _ = child.tag, child.text
    return points


def ratio_line(label: str, unit: str, base: tuple[float, int], ours: tuple[float, int],
               base_name: str, *, same_files: bool = False) -> float:
    """Print both rates and their ratio.

    With ``same_files`` both ran on the same files and the rate is counted in the
    baseline's units (points in the files) for both: legday's own count is smaller, as it
    merges repeated times and drops untimed points.
    """
    base_rate = base[1] / base[0]
    our_rate = (base[1] if same_files else ours[1]) / ours[0]
    print(f"{label}: {base_name} {base_rate:,.0f} {unit}/s ({base[1]:,} in {base[0]:.2f} s), "
          f"legday {our_rate:,.0f} {unit}/s ({ours[1]:,} samples in {ours[0]:.2f} s), "
          f"ratio {our_rate / base_rate:.1f}x")
    return our_rate / base_rate


def bench_ingest(fitparse_rate: float, export_records: int) -> None:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "legday", "ingest", "--json", str(EXPORT)],
                          cwd=ROOT, capture_output=True, check=False)
    wall = time.perf_counter() - start
    baseline = export_records / fitparse_rate
    print(f"ingest --json on the export: {wall:.2f} s wall (exit {done.returncode}, "
          f"{len(done.stdout):,} bytes of JSON); plain fitparse needs {baseline:.1f} s for "
          f"its {export_records:,} records: ratio {baseline / wall:.1f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=8,
                        help="time fitparse on every N-th export file (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="best of R runs (default 3)")
    args = parser.parse_args()
    export = [(str(p), _decompressed(p)) for p in sorted((EXPORT / "activities").glob("*.fit.gz"))]
    sample = export[:: args.sample]
    base = cpu_seconds(lambda: fitparse_records(sample), 1)
    ours = cpu_seconds(lambda: legday_points(export), args.repeat)
    print(f"FIT: the Strava export, {len(export)} files; fitparse timed on {len(sample)}")
    ratio_line("FIT", "records", base, ours, "fitparse")
    bench_ingest(base[1] / base[0], ours[1])
    gpx = corpus("gpx")
    ratio_line("GPX", "points", cpu_seconds(lambda: gpxpy_points(gpx), args.repeat),
               cpu_seconds(lambda: legday_points(gpx), args.repeat), "gpxpy", same_files=True)
    tcx = corpus("tcx")
    ours = cpu_seconds(lambda: legday_points(tcx), args.repeat)
    previous = previous_tcx_reader()
    if previous is not None:
        ratio_line("TCX", "points", cpu_seconds(lambda: legday_points(tcx, previous),
                                                args.repeat),
                   ours, f"the TCX reader of {TCX_BASELINE_COMMIT}")
    ratio_line("TCX", "points", cpu_seconds(lambda: elementtree_trackpoints(tcx), args.repeat),
               ours, "an ElementTree pull parse and walk (no assembly)", same_files=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
