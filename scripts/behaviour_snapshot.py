"""Write the behaviour reference that tests/test_behaviour.py compares against.

Two outputs, written with the code of the commit that adds the reference (so the
reference is what legday did before the issue-14 restructuring):

- ``season``: the weekly JSON of the sample season (``python -m legday weekly
  --json data/samples/season data/samples/strength_log.csv``, default settings,
  kilometres);
- ``efforts``: the efforts of every activity of the real Strava export
  (../shared/realdata, read in place), classified together as ``python -m legday
  classify --json`` does, one list per file name.

Run it again only when a behaviour change is intended, and say so in the commit.

    .venv/bin/python scripts/behaviour_snapshot.py tests/data/behaviour.json.gz
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from legday.efforts import classify_activities  # noqa: E402
from legday.io import read_paths  # noqa: E402
from legday.model import Activity  # noqa: E402
from legday.season import analyse  # noqa: E402
from legday.strength.log import read_strength_csv  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
EXPORT = ROOT.parent / "shared" / "realdata" / "bulk" / "stravaexport__slalom007" / "activities"


def sample_season_json() -> dict[str, Any]:
    """The ``weekly --json`` payload's weeks for the sample season."""
    activities = [a for a in read_paths([SAMPLES / "season"]) if isinstance(a, Activity)]
    entries = read_strength_csv(SAMPLES / "strength_log.csv").entries
    return analyse(activities, entries).to_dict()


def export_efforts() -> dict[str, Any]:
    """Each real export file's classification (``classify --json`` objects, no notes)."""
    paths = sorted(EXPORT.glob("*.fit.gz"))
    activities = [a for a in read_paths(paths) if isinstance(a, Activity)]
    out: dict[str, Any] = {}
    for activity, result in zip(activities, classify_activities(activities), strict=True):
        payload = result.to_dict()
        out[Path(activity.source).name] = {"primary": payload["primary"],
                                           "efforts": payload["efforts"]}
    return out


def main(target: str) -> int:
    payload = {"season": sample_season_json(), "efforts": export_efforts()}
    with gzip.open(target, "wt", encoding="utf-8") as handle:
        json.dump(payload, handle, sort_keys=True, separators=(",", ":"))
    print(f"wrote {target}: {len(payload['season']['weeks'])} weeks, "
          f"{len(payload['efforts'])} export activities")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else
                          str(ROOT / "tests" / "data" / "behaviour.json.gz")))
