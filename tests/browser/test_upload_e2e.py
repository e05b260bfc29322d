"""End to end in Chromium: upload real files and see them read."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, wait_idle
from tests.conftest import require_realdata

pytestmark = pytest.mark.browser


def test_uploading_a_gpx_and_a_fit_shows_one_row_each(app_url: str, browser_page):
    realdata = require_realdata()
    page = browser_page
    files = [realdata / "gpx" / "sportslib__1681613317.gpx",
             realdata / "fit" / "activitylog2__310xt-run.fit"]
    files = [f for f in files if f.is_file()] or pytest.fail("sample files missing")
    page.goto(f"{app_url}/upload")
    wait_idle(page)
    page.set_input_files("[data-testid='stFileUploaderDropzoneInput']", [str(f) for f in files])
    wait_idle(page)
    page.wait_for_selector("text=activities read", timeout=60_000)
    body = page.inner_text("body")
    assert "2 activities read" in body or "activities read, 0 refused" in body
    screenshot(page, "upload")
