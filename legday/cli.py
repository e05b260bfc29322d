"""The ``python -m legday`` command line: thin front end over the package.

Exit codes: 0 when every input was read, 1 when any input failed, 2 for usage
errors (argparse's own convention).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from legday.efforts import RunClassification, classify_activities, fmt_duration, fmt_pace
from legday.errors import LegdayError
from legday.io import ReadFailure, read_paths
from legday.model import Activity
from legday.plan import plan_json, plan_rows

Command = Callable[[argparse.Namespace, TextIO], int]


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


def _classify_object(result: Activity | ReadFailure,
                     classification: RunClassification | None) -> dict[str, Any]:
    """The classify command's JSON object for one input."""
    if isinstance(result, ReadFailure):
        return result.summary() | {"error": result.message.splitlines()[0]}
    out: dict[str, Any] = {"file": result.source}
    if result.member:
        out["member"] = result.member
    out["sport"] = result.sport.value
    assert classification is not None
    out.update(classification.to_dict())
    out["plan"] = plan_json(result, classification)
    return out


def _classify_table(result: Activity | ReadFailure, classification: RunClassification | None,
                    out: TextIO) -> None:
    if isinstance(result, ReadFailure):
        label = f"{result.file}!{result.member}" if result.member else result.file
        out.write(f"{label}: ERROR {result.message}\n\n")
        return
    assert classification is not None
    what = classification.headline() if classification.primary else "not classified"
    out.write(f"{result.label}  ({result.sport.value}, {what})\n")
    for note in classification.notes:
        out.write(f"  note: {note}\n")
    efforts = classification.read_efforts()
    if len(efforts):
        rows = [["kind", "start (UTC)", "duration", "km", "pace", "GAP", "grade", "hr", "why"]]
        for rec in efforts.to_dict("records"):
            rows.append([
                str(rec["kind"]), rec["start"].strftime("%H:%M:%S"),
                fmt_duration(rec["duration_s"]), f"{rec['distance_m'] / 1000:.2f}",
                fmt_pace(rec["speed_mps"]), fmt_pace(rec["gap_speed_mps"]),
                "-" if pd.isna(rec["grade_pct"]) else f"{rec['grade_pct']:.1f}%",
                "-" if pd.isna(rec["heart_rate"]) else f"{rec['heart_rate']:.0f}",
                str(rec["why"])])
        buffer = io.StringIO()
        _table(rows, buffer)
        out.write("".join("  " + line + "\n" for line in buffer.getvalue().splitlines()))
    out.write("\n")


def cmd_classify(args: argparse.Namespace, out: TextIO) -> int:
    results = list(read_paths(args.paths))
    failed = any(isinstance(r, ReadFailure) for r in results)
    activities = [r for r in results if isinstance(r, Activity)]
    # One athlete's files calibrate each other; a single file calibrates itself.
    by_id = {id(a): c for a, c in zip(activities, classify_activities(activities),
                                        strict=True)}
    pairs = [(r, by_id.get(id(r))) for r in results]
    if args.json:
        payload = [_classify_object(r, c) for r, c in pairs]
        json.dump(payload, out, indent=1 if args.pretty else None)
        out.write("\n")
    else:
        for r, c in pairs:
            _classify_table(r, c, out)
        n_ok = len(activities)
        out.write(f"{n_ok} activities classified, {len(results) - n_ok} failures\n")
    return 1 if failed else 0


def _other_km(week: dict[str, Any]) -> str:
    metres = week.get("other_distance_m") or 0
    if metres:
        return f"{metres / 1000:.1f} km"
    seconds = week.get("other_s") or 0
    return f"{seconds / 60:.0f} min" if seconds else "-"


def _weekly_text(payload: dict[str, Any], out: TextIO) -> None:
    from legday.checkins import AFTER_WORDS

    rows = [["week", "run km", "type-II %", "tempo min", "steep down m", "other", "lifts",
             "load AU", "leg day"]]
    for week in payload["weeks"]:
        share = week["type2_share"]
        rows.append([week["week"], f"{week['run_distance_m'] / 1000:.1f}",
                     "-" if share is None else f"{100 * share:.0f}",
                     f"{(week.get('tempo_s') or 0) / 60:.0f}",
                     f"{week.get('steep_descent_m') or 0:.0f}", _other_km(week),
                     str(week["strength_sessions"]), f"{week['load'] or 0:.0f}",
                     week["leg_day"]])
    _table(rows, out)
    for week in payload["weeks"]:
        for finding in week["findings"]:
            if finding["code"] != "leg_day":
                out.write(f"{week['week']}  {finding['severity']:<7}  {finding['code']}: "
                          f"{finding['message']}\n")
    for note in payload.get("standing", []):
        out.write(f"standing  {note['severity']:<7}  {note['code']} ({note['weeks']} weeks, "
                  f"{note['first']} to {note['last']}): {note['message']} {note['action']}\n")
    for month in payload.get("climbing", []):
        share = month["climb_gap_share"]
        gain = month["cadence_gain_spm"]
        runs = f"{month['runs']} run" + ("" if month["runs"] == 1 else "s")
        out.write(f"climbing  {month['month']}  {runs}: "
                  f"{'-' if share is None else f'{100 * share:.0f} %'} of flat grade-adjusted "
                  f"speed on 4-8 % climbs, cadence "
                  f"{'-' if gain is None else f'{gain:+.0f}'} steps/min against the flat\n")
    for morning in payload["checkins"]:
        if morning["evidence"]:
            out.write(f"{morning['week']}  morning  {morning['evidence']}\n")
    for row in payload["legs_after"]:
        out.write(f"legs the morning after: {AFTER_WORDS[row['after']]}: "
                  f"{row['heavy'] + row['sore']} of {row['mornings']} heavy or sore\n")
    for problem in payload["problems"]:
        out.write(f"{problem['file']}:{problem['line']}: skipped: {problem['reason']}\n")
    for error in payload["errors"]:
        out.write(f"ERROR {error['file']}: {error['error']}\n")


def cmd_weekly(args: argparse.Namespace, out: TextIO) -> int:
    # Imported here so ingest and classify do not pay for the strength catalogue.
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from legday.checkins import read_checkins_csv
    from legday.schema import AnalysisSettings
    from legday.season import analyse
    from legday.strength.log import concat_entries, read_strength_csv, unmapped

    settings = AnalysisSettings()
    if args.tz:
        try:
            ZoneInfo(args.tz)
        except (ZoneInfoNotFoundError, ValueError):
            sys.stderr.write(f"python -m legday weekly: unknown time zone {args.tz!r}\n")
            return 2
        settings = AnalysisSettings(timezone=args.tz)
    results = list(read_paths(args.paths))
    activities = [r for r in results if isinstance(r, Activity)]
    errors: list[dict[str, Any]] = [
        {"file": f"{r.file}!{r.member}" if r.member else r.file, "error": r.message}
        for r in results if isinstance(r, ReadFailure)]
    problems: list[dict[str, Any]] = []
    logs = []
    for path in args.strength or []:
        try:
            imported = read_strength_csv(path)
        except (LegdayError, OSError) as err:
            errors.append({"file": path, "error": str(err)})
            continue
        logs.append(imported.entries)
        problems += [{"file": path, "line": p.line, "reason": p.reason}
                     for p in imported.problems]
    entries = concat_entries(logs) if logs else None
    checkins = []
    for path in args.checkins or []:
        try:
            read = read_checkins_csv(path)
        except (LegdayError, OSError) as err:
            errors.append({"file": path, "error": str(err)})
            continue
        checkins += read.checkins
        problems += [{"file": path, "line": p.line, "reason": p.reason} for p in read.problems]
    season = analyse(activities, entries, settings, checkins=checkins)
    payload = season.to_dict()
    payload["plans"] = plan_rows(season.runs, activities, lambda a: season.efforts[
        season.efforts["activity_id"] == a.id])
    payload["problems"] = problems
    payload["unmapped"] = unmapped(season.entries).to_dict("records")
    payload["errors"] = errors
    if args.json:
        json.dump(payload, out, indent=1 if args.pretty else None)
        out.write("\n")
    else:
        _weekly_text(payload, out)
    return 1 if errors else 0


#: Commands that need no store: their start-up skips SQLAlchemy and alembic (~0.4 s).
_STORELESS_COMMANDS = ("ingest", "classify", "weekly")


def _store_command(command: Command) -> Command:
    """A store command: a refusal of the store is one line on stderr and exit code 1."""
    def run(args: argparse.Namespace, out: TextIO) -> int:
        from legday.store.cli import refusals_to_stderr

        return refusals_to_stderr(command)(args, out)
    return run


def _write_analysis(args: argparse.Namespace, out: TextIO, kind: str) -> int:
    """``report`` (kind "html") and ``export`` (kind "csv"): analyse the stored season, write."""
    from legday.library import library_cache_dir, open_library
    from legday.report import html_report, weekly_csv
    from legday.store import open_store

    store = open_store(args.db)
    try:
        # The athlete's time zone and thresholds, as the dashboard shows them.
        library = open_library(store.athlete(args.athlete), library_cache_dir())
    finally:
        store.close()
    target = getattr(args, kind)
    weeks = len(library.season.weeks)
    if args.weeks is not None:
        weeks = min(args.weeks, weeks)
    if kind == "html":
        text = html_report(library, athlete=args.athlete, weeks=args.weeks)
        payload: dict[str, Any] = {"html": target, "weeks": weeks,
                                   "bytes": len(text.encode("utf-8"))}
        line = f"wrote {target}: {weeks} weeks, {payload['bytes'] / 1e6:.1f} MB, opens offline"
    else:
        text = weekly_csv(library.season, args.weeks)
        payload = {"csv": target, "weeks": weeks}
        line = f"wrote {target}: {weeks} weeks"
    Path(target).write_text(text, encoding="utf-8", newline="")
    if args.json:
        json.dump(payload, out)
        out.write("\n")
    else:
        out.write(line + "\n")
    return 0


@_store_command
def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    return _write_analysis(args, out, "html")


@_store_command
def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    return _write_analysis(args, out, "csv")


@_store_command
def cmd_checkins(args: argparse.Namespace, out: TextIO) -> int:
    """``checkins import FILE``: store next-morning check-ins from a CSV (one per date: a
    date stored already takes the file's answer)."""
    from legday.checkins import read_checkins_csv
    from legday.store import open_store, put_checkins

    read = read_checkins_csv(args.file)
    store = open_store(args.db)
    try:
        ctx = store.athlete(args.athlete)
        stored = put_checkins(ctx, read.checkins, source="csv")
        if stored.added or stored.replaced:
            _analyse_now(ctx)
    finally:
        store.close()
    problems = [{"line": p.line, "reason": p.reason} for p in read.problems]
    if args.json:
        json.dump({"file": args.file, "read": len(read.checkins), "added": stored.added,
                   "replaced": stored.replaced, "unchanged": stored.unchanged,
                   "problems": problems}, out)
        out.write("\n")
    else:
        for problem in problems:
            out.write(f"{args.file}:{problem['line']}: skipped: {problem['reason']}\n")
        out.write(f"{len(read.checkins)} check-ins read: {stored.added} new, "
                  f"{stored.replaced} replaced, {stored.unchanged} already stored; "
                  f"{len(problems)} rows skipped\n")
    return 1 if problems else 0


def _analyse_now(ctx: Any) -> None:
    """After an import: the season analysed and kept on disk for the dashboard's first view."""
    from legday.library import library_cache_dir, open_library

    open_library(ctx, library_cache_dir())


def build_parser(*, with_store: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m legday",
                                     description="Does my running count as leg day?")
    sub = parser.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="read activity files, folders and archives")
    ingest.add_argument("paths", nargs="+", metavar="PATH",
                        help="FIT/GPX/TCX files (also .gz), folders, zips, Strava exports")
    ingest.add_argument("--json", action="store_true", help="print one JSON array")
    ingest.add_argument("--pretty", action="store_true", help="indent the JSON")
    ingest.set_defaults(func=cmd_ingest)
    classify = sub.add_parser("classify", help="split runs into steady, hill, sprint and "
                                               "interval efforts")
    classify.add_argument("paths", nargs="+", metavar="PATH",
                          help="FIT/GPX/TCX files (also .gz), folders, zips, Strava exports")
    classify.add_argument("--json", action="store_true", help="print one JSON array")
    classify.add_argument("--pretty", action="store_true", help="indent the JSON")
    classify.set_defaults(func=cmd_classify)
    weekly = sub.add_parser("weekly", help="weekly load, leg-day verdict and findings")
    weekly.add_argument("paths", nargs="+", metavar="PATH",
                        help="FIT/GPX/TCX files (also .gz), folders, zips, Strava exports")
    weekly.add_argument("--strength", action="append", metavar="FILE",
                        help="a strength log (legday CSV, Strong or Hevy export); repeat "
                             "for several")
    weekly.add_argument("--checkins", action="append", metavar="FILE",
                        help="next-morning check-ins (CSV: date, legs, soreness, note); "
                             "repeat for several")
    weekly.add_argument("--tz", metavar="ZONE",
                        help="IANA time zone for files without a local offset (default UTC)")
    weekly.add_argument("--json", action="store_true", help="print one JSON object")
    weekly.add_argument("--pretty", action="store_true", help="indent the JSON")
    weekly.set_defaults(func=cmd_weekly)
    if not with_store:
        return parser
    # The store's commands (import, share, report, export) need SQLAlchemy: imported here only.
    from legday.store.cli import common_options, register

    register(sub, after_import=_analyse_now)
    from legday.corrections_cli import register_corrections

    register_corrections(sub)
    for command, kind, about, func in (
            ("report", "html", "a self-contained HTML report for a coach", cmd_report),
            ("export", "csv", "the weekly analysis as CSV", cmd_export)):
        parser_ = sub.add_parser(command, help=about)
        parser_.add_argument(f"--{kind}", required=True, metavar=f"OUT.{kind}",
                             help="file to write")
        parser_.add_argument("--weeks", type=int, default=None, metavar="N",
                             help="only the last N weeks (default: all)")
        common_options(parser_)
        parser_.set_defaults(func=func)
    checkins = sub.add_parser("checkins", help="next-morning check-ins: how the legs feel")
    checkins_sub = checkins.add_subparsers(dest="checkins_command", required=True)
    checkins_import = checkins_sub.add_parser(
        "import", help="store check-ins from a CSV (date, legs, soreness, note, muscles)")
    checkins_import.add_argument("file", metavar="FILE", help="the CSV file")
    common_options(checkins_import)
    checkins_import.set_defaults(func=cmd_checkins)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    with_store = not (argv and argv[0] in _STORELESS_COMMANDS)
    args = build_parser(with_store=with_store).parse_args(argv)
    code: int = args.func(args, out or sys.stdout)
    return code
