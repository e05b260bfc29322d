"""The real Strava export in Chromium: the leg-day verdict, the standing note and its link,
Overload's folded findings, the downhill and climbing trends, and the coach's view of them.

Screenshots: artifacts/screenshots/weekly-*.png.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import DB_URLS, screenshot, wait_idle
from tests.conftest import require_realdata

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def real_export(app_url: str) -> str:
    """The dashboard's owner has imported the real Strava export; returns a coach's token."""
    from legday.store import create_share, import_paths, open_store
    from legday.ui.state import LOCAL_ATHLETE

    export = require_realdata() / "bulk" / "stravaexport__slalom007"
    store = open_store(DB_URLS[app_url])
    owner = store.athlete(LOCAL_ATHLETE)
    assert import_paths(owner, [export]).imported > 200
    token = create_share(owner, days=2, label="Coach Kim").token
    store.close()
    return token


def _open(page: Any, url: str, text: str) -> str:
    """Go to ``url``, wait until ``text`` is drawn (the season is analysed first) and the
    page is idle; the main area's text."""
    page.goto(url)
    page.get_by_text(text).first.wait_for(timeout=180_000)
    wait_idle(page)
    return str(page.inner_text("[data-testid='stMain']"))


def test_the_verdict_the_standing_note_and_the_trends_on_the_real_export(
        app_url: str, browser_page: Any, real_export: str):
    page = browser_page
    main = _open(page, app_url, "Standing note")
    # No lower-body session in the export: running alone is at most partly a leg day.
    assert "Yes — it counted as leg day" not in main
    # Two Strava "Workout" rows are its only lifting, if they count as strength at all.
    assert "Standing note" in main
    assert re.search(r"strength sessions in 68 of 68 weeks|No strength session logged in any "
                     r"of the 68 weeks", main)
    link = page.locator("[data-testid='stMain'] [data-testid='stPageLink']")
    assert "Strength log" in str(link.inner_text())
    assert "low strength frequency" not in main
    screenshot(page, "weekly-overview-real-export")

    main = _open(page, f"{app_url}/overload", "Climbing strength trend")
    assert main.count("described, not predictions") == 1
    assert "earlier weeks" in main
    for title in ("Downhill running per week", "Climbing against the flat, per month"):
        assert title in main, title
    assert "A proxy for hill strength" in main
    screenshot(page, "weekly-overload-real-export")

    main = _open(page, f"{app_url}/overload?share={real_export}", "Climbing strength trend")
    assert "Read-only view shared by" in main and "Standing note" in main
    assert page.locator("[data-testid='stMain'] [data-testid='stPageLink']").count() == 0
    assert "Downhill running per week" in main
    screenshot(page, "weekly-coach-overload-real-export")
