"""The athlete corrects a run in Chromium (splits the warm-up, calls a rep a hill), then their
coach opens the shared Activity page: the marks are there, the controls are not.

Screenshots: artifacts/screenshots/corrections-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from legday.corrections import parse_clock
from tests.browser.conftest import DB_URLS, screenshot, wait_idle
from tests.store.helpers import write_run

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def intervals(app_url: str, tmp_path_factory: pytest.TempPathFactory) -> int:
    """The athlete's library: one track session (five reps). Its activity id."""
    from legday.store import import_paths, open_store

    files = tmp_path_factory.mktemp("correction-files")
    store = open_store(DB_URLS[app_url])
    try:
        report = import_paths(store.athlete("local"), [
            write_run(files, "track_intervals", seed=3, name="track-session.fit",
                      start="2025-03-04T07:00:00Z")])
    finally:
        store.close()
    (activity_id,) = report.activity_ids
    return int(activity_id)


def _stored(app_url: str) -> tuple[list[str], int]:
    from legday.library import load_library
    from legday.store import open_store
    from legday.store.corrections import load_corrections

    store = open_store(DB_URLS[app_url])
    try:
        me = store.athlete("local")
        library = load_library(me)
        return [c.action for c in load_corrections(me)], int(library.efforts["corrected"].sum())
    finally:
        store.close()


def _split_at(app_url: str) -> float | None:
    from legday.store import open_store
    from legday.store.corrections import load_corrections

    store = open_store(DB_URLS[app_url])
    try:
        return next(c.at_s for c in load_corrections(store.athlete("local"))
                    if c.action == "split")
    finally:
        store.close()


def _pick(page: Any, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def test_the_athlete_corrects_and_the_coach_sees_it(app_url: str, browser_page: Any,
                                                    intervals: int):
    page = browser_page
    page.goto(f"{app_url}/activity?activity={intervals}")
    # wait_idle can return before the page has drawn (Streamlit's status widget).
    page.wait_for_selector("[data-testid='stMain'] >> text=Correct this run", timeout=120_000)
    wait_idle(page)
    main = str(page.inner_text("[data-testid='stMain']"))
    assert "Correct this run" in main and "Corrected by the athlete" not in main
    # A click on the strip, a tenth of the way in (in the 19:40 warm-up), picks the split
    # point; then the first rep becomes a hill.
    strip = page.locator("[data-testid='stPlotlyChart']").filter(
        has_text="Click the line to pick a split point")
    strip.scroll_into_view_if_needed()
    area = strip.locator(".nsewdrag").first.bounding_box()
    assert area is not None
    before = page.get_by_label(re.compile("^Split effort")).input_value()
    target = (area["x"] + 0.1 * area["width"], area["y"] + area["height"] / 2)
    page.mouse.move(*target)
    page.wait_for_timeout(400)  # Plotly picks the point under the pointer on hover first
    page.mouse.click(*target)
    wait_idle(page)
    picked = page.get_by_label(re.compile("^Split effort")).input_value()
    at_s = parse_clock(picked)
    assert picked != before and at_s is not None and 60 < at_s < 19 * 60 + 40, picked
    screenshot(page, "corrections-pick-on-the-line")
    page.get_by_role("button", name="Split", exact=True).click()
    wait_idle(page)
    assert _stored(app_url) == (["split"], 2)
    assert _split_at(app_url) == at_s
    page.get_by_role("combobox", name="Effort", exact=True).click()
    page.get_by_role("option").filter(has_text="interval").first.click()
    wait_idle(page)
    _pick(page, "Its kind", "hill")
    page.get_by_role("button", name="Set the effort kind").click()
    wait_idle(page)
    assert _stored(app_url) == (["split", "effort_kind"], 3)
    main = str(page.inner_text("[data-testid='stMain']"))
    assert "Corrected by the athlete" in main and "Saved: effort" in main
    screenshot(page, "corrections-athlete")

    from legday.store import create_share, open_store

    store = open_store(DB_URLS[app_url])
    try:
        token = create_share(store.athlete("local"), days=2, label="Coach Kim").token
    finally:
        store.close()
    coach = page.context.new_page()
    coach.goto(f"{app_url}/activity?share={token}&activity={intervals}")
    wait_idle(coach)
    coach.get_by_text("Corrected by the athlete:").wait_for(timeout=60_000)
    # The efforts table is drawn after the note above it: wait for its row too.
    coach.wait_for_function(
        "t => document.querySelector(\"[data-testid='stMain']\")?.innerText.includes(t)",
        arg="corrected by the athlete (was interval)", timeout=60_000)
    main = str(coach.inner_text("[data-testid='stMain']"))
    assert "Read-only view shared with Coach Kim" in main
    assert "Corrected by the athlete" in main, main[-1500:]
    assert "corrected by the athlete (was interval)" in main, main[-1500:]
    assert "Correct this run" not in main
    assert coach.get_by_role("button", name="Split").count() == 0
    screenshot(coach, "corrections-coach")
    coach.close()
