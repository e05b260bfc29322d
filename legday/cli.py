"""The ``python -m legday`` command line: thin front end over the package.

Exit codes: 0 when every input was read, 1 when any input failed, 2 for usage
errors (argparse's own convention).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from legday.io import ReadFailure, read_paths
from legday.model import Activity


def _fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _fmt_km(metres: float | None) -> str:
    return "-" if metres is None else f"{metres / 1000:.2f}"


def _table(rows: list[list[str]], out: TextIO) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out.write("\n")


def _ingest_rows(results: list[Activity | ReadFailure]) -> list[list[str]]:
    rows = [["file", "sport", "start (UTC)", "duration", "km", "points", "hr", "elev", "laps",
             "sets", "note"]]
    for r in results:
        if isinstance(r, ReadFailure):
            label = f"{r.file}!{r.member}" if r.member else r.file
            rows.append([label, "-", "-", "-", "-", "-", "-", "-", "-", "-",
                         f"ERROR {r.message}"])
            continue
        s = r.summary()
        rows.append([r.label, s["sport"], (s["start"] or "-")[:19].replace("T", " "),
                     _fmt_duration(s["duration_s"]), _fmt_km(s["distance_m"]), str(s["points"]),
                     "yes" if s["has_hr"] else "no", "yes" if s["has_elevation"] else "no",
                     str(s["laps"]), str(s["sets"]),
                     "partial: " + "; ".join(r.fixes) if r.partial else ""])
    return rows


def cmd_ingest(args: argparse.Namespace, out: TextIO) -> int:
    results = list(read_paths(args.paths))
    failed = any(isinstance(r, ReadFailure) for r in results)
    if args.json:
        payload: list[dict[str, Any]] = [r.summary() for r in results]
        json.dump(payload, out, indent=1 if args.pretty else None)
        out.write("\n")
    else:
        if results:
            _table(_ingest_rows(results), out)
        n_ok = sum(isinstance(r, Activity) for r in results)
        out.write(f"\n{n_ok} activities read, {len(results) - n_ok} failures\n")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m legday",
                                     description="Does my running count as leg day?")
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="read activity files, folders and archives")
    ingest.add_argument("paths", nargs="+", metavar="PATH",
                        help="FIT/GPX/TCX files (also .gz), folders, zips, Strava exports")
    ingest.add_argument("--json", action="store_true", help="print one JSON array")
    ingest.add_argument("--pretty", action="store_true", help="indent the JSON")
    ingest.set_defaults(func=cmd_ingest)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.func(args, out or sys.stdout)
    return code
