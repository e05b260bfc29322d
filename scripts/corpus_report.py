"""Count how the real-file corpus reads: fully, partially, refused (by reason).

    .venv/bin/python scripts/corpus_report.py [--details]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from legday.io import ReadFailure, read_path  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--details", action="store_true", help="list every partial/refused file")
    args = parser.parse_args()
    rows = list(csv.DictReader((REALDATA / "MANIFEST.csv").open(encoding="utf-8")))
    outcome: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    activities = 0
    for row in rows:
        if row["format"] not in ("fit", "gpx", "tcx", "zip"):
            continue
        results = list(read_path(REALDATA / row["path"]))
        acts = [r for r in results if not isinstance(r, ReadFailure)]
        fails = [r for r in results if isinstance(r, ReadFailure)]
        activities += len(acts)
        if acts and not fails and not any(a.partial for a in acts):
            outcome["read fully"] += 1
            continue
        if acts and not any(a.partial for a in acts):
            outcome["archive with some members refused"] += 1
            if args.details:
                print(f"members  {row['path']}: " + "; ".join(f.message for f in fails))
            continue
        if acts:
            outcome["read partially"] += 1
            if args.details:
                notes = "; ".join(f for a in acts for f in a.fixes if a.partial)[:150]
                print(f"partial  {row['path']}: {notes}")
            continue
        outcome["refused"] += 1
        for fail in fails:
            reasons[type(fail.error).__name__] += 1
            if args.details:
                print(f"refused  {fail.message}")
    print(f"files: {sum(outcome.values())}  activities: {activities}")
    for key, value in outcome.most_common():
        print(f"  {key}: {value}")
    for key, value in reasons.most_common():
        print(f"    refused, {key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
