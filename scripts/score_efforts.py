"""Score the effort classifier on a synthetic set and on the labelled real runs.

Usage:
    python scripts/score_efforts.py [--synthetic DIR | --generate N --seed S]
                                    [--labels CSV --export DIR] [--history] [--misses]

Synthetic: a set written by ``legday.synth.generate_set`` (``truth.json`` beside
the files); every file is a different simulated athlete, so each is calibrated
from itself unless ``--as-set`` asks to calibrate from the whole set as the CLI
does. Prints activity accuracy of ``primary`` and effort precision, recall and
F1 per kind and over the work kinds (hill, sprint, interval), with the targets.

Real: the label CSV (``../shared/realdata/labels/strava-workouts-dev.csv`` by
default) against the Strava export's ``activities/<file>.fit.gz``. Each labelled
run is calibrated from itself, or with ``--history`` from all of the export's
runs. Prints balanced primary accuracy, required-kind recall, count accuracy,
rep-time accuracy and the share of easy runs called anything but steady.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from legday.efforts import RunClassification, classify_activities, classify_run  # noqa: E402
from legday.evaluation import (  # noqa: E402
    KINDS,
    WORK_KINDS,
    load_labels,
    score_labels,
    score_synthetic,
)
from legday.io import read_path  # noqa: E402
from legday.model import Activity  # noqa: E402
from legday.synth import generate_set  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
LABELS = REALDATA / "labels" / "strava-workouts-dev.csv"
EXPORT = REALDATA / "bulk" / "stravaexport__slalom007"

SYNTHETIC_TARGETS = {"effort F1 (work kinds)": 0.90, "activity accuracy": 0.95}
REAL_TARGETS = {"balanced_primary_accuracy": (0.95, ">="), "required_recall": (0.95, ">="),
                "count_accuracy": (0.85, ">="), "rep_time_accuracy": (0.90, ">="),
                "easy_fp_share": (0.05, "<=")}


def _read_one(path: Path) -> Activity:
    for result in read_path(path):
        if isinstance(result, Activity):
            return result
        raise SystemExit(f"cannot read {path}: {result.message}")
    raise SystemExit(f"no activity in {path}")


def _verdict(value: float | None, target: float, op: str) -> str:
    if value is None:
        return "n/a"
    ok = value >= target if op == ">=" else value <= target
    return "ok" if ok else "MISSED"


def score_synthetic_dir(folder: Path, *, as_set: bool) -> dict[str, Any]:
    """Classify a synthetic set and score it against its ``truth.json``."""
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    activities = [_read_one(folder / entry["file"]) for entry in truth]
    t0 = time.perf_counter()
    results: list[RunClassification]
    if as_set:
        results = classify_activities(activities)
    else:
        results = [classify_run(act) for act in activities]
    elapsed = time.perf_counter() - t0
    predictions = {entry["file"]: res.to_dict() for entry, res in
                   zip(truth, results, strict=True)}
    score = score_synthetic(truth, predictions)
    return {"score": score, "elapsed_s": elapsed, "n": len(truth)}


def print_synthetic(result: dict[str, Any], folder: Path) -> bool:
    score = result["score"]
    work = score.efforts.work
    print(f"synthetic set {folder} ({result['n']} runs, classified in "
          f"{result['elapsed_s']:.1f} s)")
    print(f"  activity accuracy {score.primary_accuracy:.3f} "
          f"(balanced {score.balanced_primary_accuracy:.3f})   target >= "
          f"{SYNTHETIC_TARGETS['activity accuracy']:.2f}  "
          f"{_verdict(score.primary_accuracy, SYNTHETIC_TARGETS['activity accuracy'], '>=')}")
    print(f"  effort F1 (work kinds) {work.f1:.3f}  P {work.precision:.3f}  "
          f"R {work.recall:.3f}   target >= {SYNTHETIC_TARGETS['effort F1 (work kinds)']:.2f}  "
          f"{_verdict(work.f1, SYNTHETIC_TARGETS['effort F1 (work kinds)'], '>=')}")
    print("  per kind:            P      R      F1     tp   fp   fn")
    for kind in KINDS:
        prf = score.efforts.per_kind[kind]
        mark = "*" if kind in WORK_KINDS else " "
        print(f"   {mark}{kind:<16} {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f} "
              f"{prf.tp:5d} {prf.fp:4d} {prf.fn:4d}")
    print("  primary confusion (true -> predicted):")
    for true, row in sorted(score.primary_confusion.items()):
        print(f"    {true:<9} " + ", ".join(f"{k} {v}" for k, v in sorted(row.items())))
    print("  per workout (runs, primary accuracy, work F1):")
    for workout, row in score.by_workout.items():
        print(f"    {workout:<18} {row['runs']:3.0f}  {row['primary_accuracy']:.2f}  "
              f"{row['work_f1']:.2f}")
    return bool(score.primary_accuracy >= SYNTHETIC_TARGETS["activity accuracy"]
                and work.f1 >= SYNTHETIC_TARGETS["effort F1 (work kinds)"])


def score_real(labels_csv: Path, export: Path, *, history: bool) -> dict[str, Any]:
    """Classify the labelled runs of the Strava export and score them."""
    labels = load_labels(labels_csv)
    folder = export / "activities"
    t0 = time.perf_counter()
    predictions: dict[str, dict[str, Any]] = {}
    if history:
        paths = sorted(folder.glob("*.fit*"))
        activities = [a for p in paths for a in read_path(p) if isinstance(a, Activity)]
        results = classify_activities(activities)
        by_stem = {Path(a.source).name.split(".")[0]: r for a, r in
                   zip(activities, results, strict=True)}
        for row in labels:
            if row.file in by_stem:
                predictions[row.file] = by_stem[row.file].to_dict()
    else:
        for row in labels:
            path = folder / f"{row.file}.fit.gz"
            if path.exists():
                predictions[row.file] = classify_run(_read_one(path)).to_dict()
    elapsed = time.perf_counter() - t0
    return {"score": score_labels(labels, predictions), "elapsed_s": elapsed}


def print_real(result: dict[str, Any], labels_csv: Path, *, history: bool,
               misses: bool) -> bool:
    score = result["score"]
    mode = "calibrated from the whole export" if history else "each run calibrated from itself"
    print(f"real labels {labels_csv.name} ({score.n_rows} rows, {mode}, "
          f"{result['elapsed_s']:.1f} s)")
    values = score.to_dict()
    all_ok = True
    for key, (target, op) in REAL_TARGETS.items():
        value = values[key]
        verdict = _verdict(value, target, op)
        all_ok &= verdict != "MISSED"
        shown = "n/a" if value is None else f"{value:.3f}"
        print(f"  {key:<27} {shown:>6}   target {op} {target:.2f}  {verdict}")
    print("  per class: " + ", ".join(f"{k} {v['right']}/{v['rows']}"
                                      for k, v in score.per_class.items()))
    if score.missing:
        print(f"  missing files: {', '.join(score.missing)}")
    if misses:
        for row in score.details:
            if row["misses"]:
                print(f"  {row['file']} ({row['note']}): predicted {row['predicted']}")
                for miss in row["misses"]:
                    print(f"      - {miss}")
    return all_ok


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", type=Path, help="existing synthetic set (truth.json)")
    parser.add_argument("--generate", type=int, default=80,
                        help="runs to generate when --synthetic is not given (default 80)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the generated set")
    parser.add_argument("--as-set", action="store_true",
                        help="calibrate the synthetic runs together, as the CLI does")
    parser.add_argument("--no-synthetic", action="store_true", help="skip the synthetic set")
    parser.add_argument("--labels", type=Path, default=LABELS, help="label CSV")
    parser.add_argument("--export", type=Path, default=EXPORT, help="Strava export folder")
    parser.add_argument("--no-real", action="store_true", help="skip the real labels")
    parser.add_argument("--history", action="store_true",
                        help="calibrate the real runs from the whole export")
    parser.add_argument("--misses", action="store_true", help="list per-row misses")
    args = parser.parse_args(argv)

    ok = True
    if not args.no_synthetic:
        if args.synthetic:
            folder = args.synthetic
            ok &= print_synthetic(score_synthetic_dir(folder, as_set=args.as_set), folder)
        else:
            with tempfile.TemporaryDirectory(prefix="legday-synth-") as tmp:
                folder = Path(tmp)
                print(f"generating {args.generate} synthetic runs (seed {args.seed}) ...")
                generate_set(folder, n=args.generate, seed=args.seed)
                ok &= print_synthetic(score_synthetic_dir(folder, as_set=args.as_set), folder)
        print()
    if not args.no_real:
        if not args.labels.is_file() or not (args.export / "activities").is_dir():
            print(f"real labels or export not found ({args.labels}, {args.export}); skipped")
        else:
            result = score_real(args.labels, args.export, history=args.history)
            ok &= print_real(result, args.labels, history=args.history, misses=args.misses)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
