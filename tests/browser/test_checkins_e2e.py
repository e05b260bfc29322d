"""Legs today on a phone: at 390 px wide the four answers are big enough to tap and nothing
scrolls sideways; one tap stores this morning's check-in, and the chart shows the mornings
after each kind of day. Screenshots: artifacts/screenshots/legs-today-phone*.png."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import DB_URLS, screenshot, wait_idle
from tests.store.helpers import write_run

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
#: Smallest comfortable touch target (Apple's and Google's guidelines). [CSS px]
TOUCH_PX = 40


@pytest.fixture(scope="module")
def athlete_with_mornings(app_url: str, tmp_path_factory: pytest.TempPathFactory) -> dt.date:
    """The local athlete ran intervals yesterday and has answered some mornings before."""
    from legday.checkins import CheckIn
    from legday.store import import_paths, open_store, put_checkins

    today = dt.datetime.now(dt.UTC).date()
    files = tmp_path_factory.mktemp("legs-files")
    days = {1: "track_intervals", 3: "easy", 5: "track_intervals", 8: "easy"}
    runs = [write_run(files, workout, seed=ago, start=f"{today - dt.timedelta(ago)}T07:00:00Z")
            for ago, workout in days.items()]
    store = open_store(DB_URLS[app_url])
    me = store.athlete("local")
    assert import_paths(me, runs).imported == 4
    put_checkins(me, [CheckIn(today - dt.timedelta(4), "sore", 7, ("quads", "calves")),
                      CheckIn(today - dt.timedelta(2), "fresh"),
                      CheckIn(today - dt.timedelta(7), "normal")])
    store.close()
    return today


def _text(page: Any) -> str:
    return str(page.inner_text("[data-testid='stMain']"))


def test_one_tap_at_phone_width(app_url: str, browser_page: Any, athlete_with_mornings):
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{app_url}/checkins")
    wait_idle(page)
    text = _text(page)
    assert "How do your legs feel this morning?" in text, text[:800]
    assert "The day before" in text and "interval run" in text, text[:800]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px"
    for label in ("Fresh", "Normal", "Heavy", "Sore"):
        box = page.locator("[data-testid='stMain'] button").filter(has_text=label).first
        size = box.bounding_box()
        assert size is not None and size["height"] >= TOUCH_PX and size["width"] >= 150, size
        assert size["x"] >= 0 and size["x"] + size["width"] <= PHONE["width"]
    screenshot(page, "legs-today-phone")

    page.locator("[data-testid='stMain'] button").filter(has_text="Heavy").first.click()
    page.wait_for_selector("text=/Saved: heavy legs on/", timeout=60_000)
    wait_idle(page)
    text = _text(page)
    assert "Soreness (optional)" in text and "Save details" in text
    assert "How the legs felt the morning after" in page.inner_text("body")
    # This morning joined the history, judged against yesterday's intervals.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "legs-today-phone-saved")

    from legday.store import load_checkins, open_store

    store = open_store(DB_URLS[app_url])
    stored = load_checkins(store.athlete("local"))
    store.close()
    assert [(c.date, c.legs) for c in stored][-1] == (athlete_with_mornings, "heavy")
    page.set_viewport_size({"width": 1400, "height": 1000})


def test_a_coach_on_a_phone_sees_the_sample_runners_mornings(app_url: str, browser_page: Any):
    from legday.checkins import read_checkins_csv
    from legday.store import create_share, import_paths, open_store, put_checkins
    from legday.ui.state import SAMPLE_ATHLETE, SAMPLES

    store = open_store(DB_URLS[app_url])
    sample = store.athlete(SAMPLE_ATHLETE)
    import_paths(sample, [SAMPLES / "season", SAMPLES / "strength_log.csv"])
    mornings = read_checkins_csv(SAMPLES / "checkins.csv").checkins
    put_checkins(sample, mornings, source="csv")
    token = create_share(sample, days=1, label="Coach Kim").token
    store.close()
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{app_url}/checkins?share={token}")
    wait_idle(page)
    text = _text(page)
    assert "Legs the morning after" in text and "Read-only view shared by" in text, text[:800]
    assert "How do your legs feel" not in text
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    assert page.locator("[data-testid='stPlotlyChart']").count() == 1
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "legs-sample-coach-phone")
    page.set_viewport_size({"width": 1400, "height": 1000})
