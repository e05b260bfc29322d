"""In Chromium: the plan a runner wrote in the description, set beside what was found, on the
Activity page of the owner and of a coach's share link."""

from __future__ import annotations

from pathlib import Path

import pytest

from legday.store import create_share, import_paths, list_activities, open_store
from tests.browser.conftest import DB_URLS, screenshot, wait_idle
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

SEASON = ROOT / "data" / "samples" / "season"
RUNS = {"Track": ("2026-08-18-track-intervals.fit", "6 x 800m / 90s"),
        "Hills": ("2026-08-11-hill-repeats.fit", "hill reps x12")}


def _export(directory: Path) -> Path:
    export = directory / "export_3"
    (export / "activities").mkdir(parents=True)
    lines = ["Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
             "Elapsed Time,Distance,Filename"]
    for number, (name, (file, description)) in enumerate(RUNS.items(), 1):
        (export / "activities" / file).write_bytes((SEASON / file).read_bytes())
        lines.append(f'{number},"Aug 1, 2026, 5:12:00 PM",{name},Run,{description},3600,10,'
                     f"activities/{file}")
    (export / "activities.csv").write_text("\n".join(lines) + "\n")
    return export


def _plan_text(page) -> str:
    page.wait_for_selector("text=Plan beside detection", timeout=90_000)
    wait_idle(page)
    return str(page.inner_text("[data-testid='stMain']"))


def test_the_plan_beside_the_detection_for_the_athlete_and_the_coach(
        app_url: str, browser_page, tmp_path: Path):
    store = open_store(DB_URLS[app_url])
    me = store.athlete("local")
    assert import_paths(me, [_export(tmp_path)]).imported == 2
    listing = list_activities(me)
    ids = dict(zip(listing["name"], listing["activity_id"], strict=True))
    link = create_share(me, days=7, label="Coach Kim")
    store.close()
    page = browser_page

    page.goto(f"{app_url}/activity?activity={ids['Track']}")
    text = _plan_text(page)
    assert "Read from the activity's description: “6 x 800m / 90s”" in text
    assert "Planned 6 x 800 m / 90 s; found 6 reps of " in text
    screenshot(page, "activity-plan")

    page.goto(f"{app_url}/activity?activity={ids['Hills']}")
    text = _plan_text(page)
    assert "Planned 12 hill reps, found " in text
    screenshot(page, "activity-plan-disagrees")

    page.goto(f"{app_url}/activity?activity={ids['Track']}&share={link.token}")
    text = _plan_text(page)
    assert "Read-only view shared by Coach Kim" in text
    assert "Planned 6 x 800 m / 90 s; found 6 reps of " in text
    screenshot(page, "shared-activity-plan")
