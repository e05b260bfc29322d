"""Generate the sample season's next-morning check-ins (``data/samples/checkins.csv``).

Run from the project root after ``make_season.py``:

    .venv/bin/python data/samples/make_checkins.py

The simulated runner answers "how do your legs feel?" on about three mornings in
four. Their answer is drawn (seeded, so the file is the same every time) from how
the day before loaded the legs: after hill, sprint or interval runs and leg
sessions mostly heavy or sore, after easy runs and upper-body lifting mostly fresh
or normal, after rest days mostly fresh, with the odd surprise either way.
Nothing comes from a real person.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from legday.checkins import (  # noqa: E402
    LEG_FEELS,
    LEG_WORK_KINDS,
    CheckIn,
    day_sessions,
    write_checkins_csv,
)
from legday.io import read_paths  # noqa: E402
from legday.model import Activity  # noqa: E402
from legday.season import analyse  # noqa: E402
from legday.strength.log import read_strength_csv  # noqa: E402

HERE = Path(__file__).resolve().parent
#: Chance of fresh, normal, heavy, sore the morning after each kind of day.
CHANCES = {"leg_work": (0.05, 0.2, 0.45, 0.3), "steady": (0.4, 0.45, 0.15, 0.0),
           "other_lifting": (0.4, 0.5, 0.1, 0.0), "rest": (0.7, 0.3, 0.0, 0.0)}
ANSWERED = 0.75
MUSCLES = {"hill": ("quads", "calves"), "sprint": ("hamstrings", "calves"),
           "interval": ("calves", "quads"), "leg_session": ("glutes", "hamstrings", "quads"),
           "steady": ("calves",), "other_lifting": (), "rest": ()}


def main() -> None:
    activities = [a for a in read_paths([HERE / "season"]) if isinstance(a, Activity)]
    season = analyse(activities, read_strength_csv(HERE / "strength_log.csv").entries)
    sessions = day_sessions(season.runs, season.strength)
    first, last = min(sessions), max(sessions)
    rng = np.random.default_rng(16)
    checkins = []
    day = first
    while day < last:
        morning = day + dt.timedelta(days=1)
        kinds = [kind for kind, _ in sessions.get(day, [])] or ["rest"]
        answered = rng.random() < ANSWERED
        if any(k in LEG_WORK_KINDS for k in kinds):
            chances = CHANCES["leg_work"]
        else:
            chances = CHANCES["steady" if "steady" in kinds else kinds[0]]
        legs = str(rng.choice(LEG_FEELS, p=chances))
        if answered:
            soreness = int(rng.integers(3, 8)) if legs in ("heavy", "sore") else None
            muscles = tuple(m for k in kinds for m in MUSCLES[k])[:2] if soreness else ()
            checkins.append(CheckIn(morning, legs, soreness, muscles))
        day = morning
    (HERE / "checkins.csv").write_text(write_checkins_csv(checkins), encoding="utf-8")
    print(f"wrote {len(checkins)} check-ins, {first + dt.timedelta(1)} to {last}")


if __name__ == "__main__":
    main()
