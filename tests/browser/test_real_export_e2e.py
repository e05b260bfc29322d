"""The athlete's and the coach's main paths in Chromium on the real Strava export.

The athlete drops the export (zipped) on Upload and follows its progress, opens the Overview,
a workout's Activity page, logs lifting on the Strength log, checks the Settings, places a
privacy zone by clicking the map and creates a share link on Sharing; the coach opens that
link in a fresh browser, clicks every page and widget and never sees the owner's pages.
Screenshots: artifacts/screenshots/real-*.png.
"""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import DB_URLS, screenshot, wait_idle
from tests.browser.test_share_e2e import (
    PATHS,
    SHARED_PAGES,
    _coach_sees_only_the_share,
    _each_widget,
)
from tests.conftest import require_realdata

pytestmark = pytest.mark.browser

EXPORT = "bulk/stravaexport__slalom007"
#: Activities in the export: 237 rows with a file and 5 without.
ACTIVITIES = 242
OWNER_PAGES = ["Overview", "Legs today", "Activity", "Overload", "Imbalance", "Upload",
               "Strength log", "Settings", "Sharing"]
LOG = ("date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\n"
       "2025-09-16,Back squat,3,5,90,8,,\n2025-09-16,Romanian deadlift,3,8,60,7,,\n"
       "2025-09-16,Walking lunge,2,10,20,7,,\n")


def _main(page: Any) -> str:
    return str(page.inner_text("[data-testid='stMain']"))


def _no_error(page: Any) -> None:
    body = str(page.inner_text("body"))
    assert "Traceback" not in body and "could not be shown" not in body, body[:1500]


def _zipped_export(tmp_path: Path) -> Path:
    source = require_realdata() / EXPORT
    target = tmp_path / "export_slalom007.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(source.rglob("*")):
            if path.is_file():
                archive.write(path, f"export_slalom007/{path.relative_to(source).as_posix()}")
    return target


def _sidebar_links(page: Any) -> list[str]:
    return [str(t).split("\n")[-1].strip() for t in page.locator(
        "[data-testid='stSidebarNav'] a, [data-testid='stSidebar'] [data-testid='stPageLink']"
    ).all_inner_texts()]


def _goto(page: Any, url: str, title: str) -> None:
    page.goto(url)
    page.locator("[data-testid='stMain'] h1").filter(has_text=title).wait_for(timeout=180_000)
    wait_idle(page, timeout_ms=180_000)
    _no_error(page)


def _workout(app_url: str) -> int:
    """The newest interval or hill session of the athlete."""
    from legday.store import list_activities, open_store

    store = open_store(DB_URLS[app_url])
    try:
        runs = list_activities(store.athlete("local"))
    finally:
        store.close()
    work = runs[runs["primary"].isin(["interval", "hill"])].sort_values("start_utc")
    assert len(work), runs["primary"].value_counts()
    return int(work["activity_id"].iloc[-1])


def test_the_athlete_and_the_coach_on_the_real_export(app_url: str, browser_page,
                                                      tmp_path: Path):
    page = browser_page
    export = _zipped_export(tmp_path)

    # First render: the sidebar lists the pages by title, never file names (views/*.py).
    page.goto(f"{app_url}/upload", wait_until="commit")
    seen: set[str] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and "Sharing" not in seen:
        seen.update(_sidebar_links(page))
        page.wait_for_timeout(100)
    assert seen == set(OWNER_PAGES), seen
    wait_idle(page)

    # Upload: the bar counts n of N activities from its first appearance.
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", str(export))
    texts: list[str] = []
    deadline = time.monotonic() + 900
    bar = page.locator("[data-testid='stProgress']")
    while time.monotonic() < deadline:
        if bar.count():
            text = str(bar.first.inner_text())
            if not texts or texts[-1] != text:
                texts.append(text)
            if len(texts) == 3:
                screenshot(page, "real-upload-progress")
            if f"{ACTIVITIES} of {ACTIVITIES} activities" in text:
                break
        page.wait_for_timeout(250)
    # After the files, the job re-classifies the runs on the whole history.
    assert texts and all(re.search(rf"\d+ of {ACTIVITIES} activities|calibrating on your "
                                   r"history: \d+ of \d+ runs", t) for t in texts), texts
    assert re.search(rf"Import 1: 0 of {ACTIVITIES} activities|Import 1: \d+ of", texts[0])
    page.wait_for_selector(f"text=/{ACTIVITIES} imported/", timeout=600_000)
    page.wait_for_selector("text=/Time zone set to/", timeout=120_000)
    wait_idle(page, timeout_ms=180_000)
    main = _main(page)
    assert "Time zone set to Europe/Budapest, as your watch files say" in main, main[:3000]
    # Results by date, name and sport: no archive paths, no row ids.
    results = page.locator("[data-testid='stDataFrame']").first
    assert results.is_visible()
    assert "export_slalom007/" not in main and "!" not in main.split("Library")[0]
    screenshot(page, "real-upload-done")

    _goto(page, app_url, "Does my running count as leg day?")
    screenshot(page, "real-overview")

    workout = _workout(app_url)
    _goto(page, f"{app_url}/activity?activity={workout}", "Activity")
    page.wait_for_selector("text=/The work in this run/", timeout=120_000)
    wait_idle(page)
    screenshot(page, "real-activity-workout")

    # Strength log: a Strong/legday CSV of one lower-body session.
    log = tmp_path / "lifting.csv"
    log.write_text(LOG, encoding="utf-8")
    _goto(page, f"{app_url}/strength", "Strength log")
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", str(log))
    page.get_by_role("button", name=re.compile(r"^Load \d+ rows")).click()
    page.wait_for_selector("text=/Loaded lifting.csv/", timeout=60_000)
    wait_idle(page)
    _no_error(page)
    assert "Loaded lifting.csv: 3 rows added" in _main(page)
    screenshot(page, "real-strength-log")

    _goto(page, f"{app_url}/settings", "Settings")
    page.wait_for_selector("text=/Your watch files say/", timeout=180_000)
    page.wait_for_selector("text=/Save settings/", timeout=60_000)
    wait_idle(page)
    main = _main(page)
    assert ("Your watch files say Europe/Budapest: its local time is the files' own for 241 of "
            "242 activities." in main), main[:2000]
    assert "Save the settings to use it" not in main  # the first import saved it
    shown = page.evaluate("() => [...document.querySelectorAll(\"[data-testid='stSelectbox']\")]"
                          ".map(b => b.innerText + ' ' + [...b.querySelectorAll('input')]"
                          ".map(i => i.value).join(' '))")
    assert any("Europe/Budapest" in box for box in shown), shown
    screenshot(page, "real-settings")

    # Sharing: a privacy zone by a click on the map (it opens on the most frequent start).
    _goto(page, f"{app_url}/sharing", "Sharing")
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # the map draws its markers
    frame = chart.bounding_box()
    assert frame is not None
    page.mouse.move(frame["x"] + frame["width"] / 2, frame["y"] + 40 + (frame["height"] - 40) / 2)
    page.wait_for_timeout(300)
    page.mouse.click(frame["x"] + frame["width"] / 2, frame["y"] + 40 + (frame["height"] - 40) / 2)
    page.wait_for_selector("text=/New zone centred where you clicked/", timeout=60_000)
    wait_idle(page)
    page.get_by_label("Name").fill("home")
    page.get_by_role("button", name="Add zone").click()
    page.wait_for_selector("text=/Privacy zone home added/", timeout=60_000)
    wait_idle(page)
    assert re.search(r"home\*?\*?: 300 m around 4\d\.\d{5}, 1\d\.\d{5}", _main(page))
    screenshot(page, "real-sharing-zone")

    page.get_by_label("Label (who it is for)").fill("Coach Kim")
    page.get_by_role("button", name="Create link").click()
    page.wait_for_selector("text=/Link created/", timeout=60_000)
    wait_idle(page)
    code = page.locator("[data-testid='stCode']").first.inner_text().strip()
    # The address the athlete is on (a free port), not a fixed localhost:8501.
    assert code.startswith(f"{app_url}/?share="), (code, app_url)
    token = code.split("?share=")[1]
    screenshot(page, "real-sharing-link")
    page.reload()  # a new session: the link is not stored, so it cannot be shown again
    wait_idle(page)

    # The coach, in a browser of their own.
    coach = page.context.browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        view = coach.new_page()
        view.set_default_timeout(60_000)
        view.goto(code)
        wait_idle(view, timeout_ms=180_000)
        _coach_sees_only_the_share(view, token)
        screenshot(view, "real-coach-overview")
        for name in [*SHARED_PAGES[1:], SHARED_PAGES[0]]:
            view.locator("[data-testid='stSidebar'] [data-testid='stPageLink']").filter(
                has_text=name).first.click()
            view.wait_for_url(re.compile(rf"/{PATHS[name]}\?share="))
            wait_idle(view, timeout_ms=180_000)
            _coach_sees_only_the_share(view, token)
            # The morning-after page is read-only for a coach: a chart and a table, no widget.
            assert _each_widget(view, token) >= (0 if name == "Legs today" else 1)
            screenshot(view, f"real-coach-{name.lower()}")
    finally:
        coach.close()
