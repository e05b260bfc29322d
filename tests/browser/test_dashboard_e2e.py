"""End to end in Chromium: upload real files, see their efforts, visit every page, share it.

Screenshots of every page land in artifacts/screenshots/ for people to look at.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, wait_idle
from tests.conftest import require_realdata

pytestmark = pytest.mark.browser

PAGES = ["overview", "checkins", "activity", "overload", "imbalance", "upload", "strength",
         "settings", "sharing"]
SHARED_PAGES = ["overview", "activity", "overload", "imbalance", "checkins"]
#: What every efforts table row says: "<duration> ... at <pace>/km" or "<n> x ...".
WHY = re.compile(r"\d+:\d\d (of running )?at \d+:\d\d/km|\d+ x \d+:\d\d|% of your")


def _text(page) -> str:
    return str(page.inner_text("[data-testid='stMain']"))


def test_upload_see_efforts_visit_every_page_and_share(app_url: str, browser_page):
    realdata = require_realdata()
    page = browser_page
    files = [realdata / "gpx" / "sportslib__1681613317.gpx",
             realdata / "fit" / "activitylog2__310xt-run.fit"]
    assert all(f.is_file() for f in files)

    page.goto(f"{app_url}/upload")
    wait_idle(page)
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", [str(f) for f in files])
    # The files go to a background import job; its progress panel follows it to the end.
    page.wait_for_selector("text=/Import \\d+: \\d+ \\/ 2 files/", timeout=60_000)
    page.wait_for_selector("text=/2 imported/", timeout=120_000)
    wait_idle(page)
    body = _text(page)
    assert "Import 1: 2 / 2 files" in body and "Activities stored" in body, body[:2000]
    screenshot(page, "upload-progress")
    screenshot(page, "upload")

    for name in PAGES:
        page.goto(f"{app_url}/{'' if name == 'overview' else name}")
        wait_idle(page)
        page.wait_for_timeout(800)
        text = _text(page)
        assert "Traceback" not in text and "Error" not in text.split("\n")[0], (name, text[:500])
        if name == "activity":
            # The efforts come last on the page: wait for them, not just for an idle moment.
            page.wait_for_selector("text=/The work in this run|No work efforts/", timeout=90_000)
            text = _text(page)
            assert WHY.search(text), text[-2000:]
        screenshot(page, name)

    from legday.store import create_share, open_store

    store = open_store(_db_url(app_url))
    link = create_share(store.athlete("local"), days=7, label="Coach Kim", allow_notes=True)
    store.close()
    for name in SHARED_PAGES:
        page.goto(f"{app_url}/{'' if name == 'overview' else name}?share={link.token}")
        wait_idle(page)
        page.wait_for_timeout(800)
        text = _text(page)
        assert "Read-only view shared with Coach Kim" in text, text[:500]
        assert page.locator("[data-testid='stFileUploader']").count() == 0
        nav = str(page.inner_text("[data-testid='stSidebar']"))
        assert "Overview" in nav and "Imbalance" in nav
        assert "Upload" not in nav and "Settings" not in nav and "Sharing" not in nav
        screenshot(page, f"shared-{name}")

    page.goto(f"{app_url}/?share=not-a-real-token-not-a-real-token-not-a-real")
    wait_idle(page)
    assert "cannot be opened" in page.inner_text("body")
    assert page.locator("[data-testid='stPlotlyChart']").count() == 0
    screenshot(page, "shared-bad-link")


def _db_url(app_url: str) -> str:
    from tests.browser.conftest import DB_URLS

    return DB_URLS[app_url]
