"""``python -m legday corrections``: show, add and undo the athlete's corrections.

``show`` prints the stored runs as the library analyses them, corrections
applied, each run and effort with its ``corrected`` mark (``--json``);
``add`` stores one correction (times as seconds or ``m:ss`` from the run's
start); ``undo`` removes an activity's newest one.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from legday.corrections import Correction, clock_text, corrected_runs, parse_clock
from legday.library import load_library
from legday.model import iso_utc
from legday.store import open_store
from legday.store.cli import common_options, print_result, refusals_to_stderr
from legday.store.corrections import add_correction, undo_correction


def _seconds(text: str) -> float:
    value = parse_clock(text)
    if value is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time (seconds or m:ss)")
    return value


def show_payload(url: str | None, athlete: str, activity_ids: list[int] | None,
                 ) -> dict[str, Any]:
    """``{"runs": [...]}``: the chosen runs (default: every corrected one) as analysed,
    each :meth:`legday.corrections.CorrectedRun.to_dict` with its id, name and start."""
    store = open_store(url)
    try:
        library = load_library(store.athlete(athlete))
    finally:
        store.close()
    runs = []
    for activity, run in zip(library.activities, library.runs, strict=True):
        activity_id = int(activity.extra["activity_id"])
        wanted = run.corrected if activity_ids is None else activity_id in activity_ids
        if not wanted or run.primary is None:
            continue
        runs.append({"activity_id": activity_id, "name": activity.name or activity.label,
                     "start": None if activity.start_utc is None else iso_utc(
                         activity.start_utc), **run.to_dict()})
    return {"runs": runs, "corrected": corrected_runs(library.activities, library.runs)}


@refusals_to_stderr
def cmd_corrections(args: argparse.Namespace, out: TextIO) -> int:
    if args.corrections_command == "show":
        payload: Any = show_payload(args.db, args.athlete, args.activity or None)
        lines = [f"{r['activity_id']:>6}  {r['primary']:<9}"
                 + (f" (classifier: {r['classifier_primary']})"
                    if r["primary"] != r["classifier_primary"] else "")
                 + f"  {sum(e['corrected'] for e in r['efforts'])} effort(s) corrected  "
                 + f"{r['name']}" for r in payload["runs"]]
        text = "\n".join(lines) + "\n" if lines else "no corrected runs\n"
    else:
        store = open_store(args.db)
        try:
            ctx = store.athlete(args.athlete)
            if args.corrections_command == "undo":
                undone = undo_correction(ctx, args.activity_id)
                payload = None if undone is None else undone.to_dict()
                text = ("nothing to undo\n" if undone is None
                        else f"undone: {undone.describe()}\n")
            else:
                try:
                    wanted = _correction(args)
                except (ValueError, argparse.ArgumentTypeError) as err:
                    sys.stderr.write(f"python -m legday corrections add: {err}\n")
                    return 2
                correction = add_correction(ctx, wanted)
                payload = correction.to_dict()
                text = f"saved: {correction.describe()}\n"
        finally:
            store.close()
    return print_result(args, out, payload, text)


def _correction(args: argparse.Namespace) -> Correction:
    span = (args.start, args.end)
    if args.run_kind:
        return Correction(args.activity_id, "run_kind", kind=args.run_kind)
    if None in span:
        raise argparse.ArgumentTypeError("--from and --to give the stretch of the run")
    if args.split is not None:
        return Correction(args.activity_id, "split", *span, at_s=args.split)
    if args.merge:
        return Correction(args.activity_id, "merge", *span, kind=args.kind)
    return Correction(args.activity_id, "effort_kind", *span, kind=args.kind)


def register_corrections(subparsers: Any) -> None:
    """Add ``corrections show|add|undo`` to legday's command line."""
    parser = subparsers.add_parser("corrections", help="the athlete's corrections of the "
                                                       "classifier: show, add, undo")
    sub = parser.add_subparsers(dest="corrections_command", required=True)
    show = sub.add_parser("show", help="runs with corrections applied, marked (default: "
                                       "every corrected run)")
    show.add_argument("activity", nargs="*", type=int, metavar="ACTIVITY_ID")
    common_options(show)
    add = sub.add_parser("add", help="store a correction of one run")
    add.add_argument("activity_id", type=int, metavar="ACTIVITY_ID")
    what = add.add_mutually_exclusive_group(required=True)
    what.add_argument("--run-kind", choices=("steady", "hill", "sprint", "interval"))
    what.add_argument("--kind", help="the kind of the efforts from --from to --to")
    what.add_argument("--merge", action="store_true", help="merge the efforts from --from "
                                                           "to --to")
    what.add_argument("--split", type=_seconds, metavar="AT", help="split the effort from "
                                                                  "--from to --to at AT")
    add.add_argument("--from", dest="start", type=_seconds, metavar="TIME",
                     help=f"seconds or m:ss from the run's start (e.g. {clock_text(750)})")
    add.add_argument("--to", dest="end", type=_seconds, metavar="TIME")
    common_options(add)
    undo = sub.add_parser("undo", help="remove a run's newest correction")
    undo.add_argument("activity_id", type=int, metavar="ACTIVITY_ID")
    common_options(undo)
    parser.set_defaults(func=cmd_corrections)
