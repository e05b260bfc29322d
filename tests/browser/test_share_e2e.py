"""A coach in Chromium: opens a share link, clicks every page and widget, reloads, goes back,
opens a link in a new tab, and adds a note; never sees the owner's pages or data.

The shared athlete is not the one who owns the dashboard, so landing in the owner's
view would show another athlete's runs. Screenshots: artifacts/screenshots/coach-*.png.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import DB_URLS, screenshot, wait_idle
from tests.store.helpers import write_run

pytestmark = pytest.mark.browser

SHARED_PAGES = ["Overview", "Activity", "Overload", "Imbalance", "Legs today"]
OWNER_PAGES = ["Upload", "Strength log", "Settings", "Sharing"]
OWNER_RUN = "owner-private-long"
#: A coach note Markdown would turn into a heading, an image fetched from elsewhere and a link.
HOSTILE_NOTE = ("# Heading ![pixel](https://tracker.example/pixel.png) "
                "[click](https://tracker.example/) **bold**")


@pytest.fixture(scope="module")
def share_link(app_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The dashboard's owner has a run of their own; Ann shares hers with Coach Kim."""
    from legday.checkins import CheckIn
    from legday.store import add_coach_note, create_share, import_paths, open_store, put_checkins

    files = tmp_path_factory.mktemp("coach-files")
    store = open_store(DB_URLS[app_url])
    owner = store.athlete("local")
    import_paths(owner, [write_run(files, "long", seed=7, name=f"{OWNER_RUN}.fit",
                                   start="2025-03-04T07:00:00Z")])
    ann = store.athlete("ann")
    runs = [write_run(files, workout, seed=i + 1, fmt=fmt, name=f"ann-{workout}.{fmt}",
                      start=f"2025-03-{3 + 4 * i:02d}T07:00:00Z")
            for i, (workout, fmt) in enumerate([("track_intervals", "fit"), ("easy", "gpx"),
                                                ("hill_repeats", "fit")])]
    assert import_paths(ann, runs).imported == 3
    link = create_share(ann, days=2, label="Coach Kim", allow_notes=True)
    # Heavy legs the morning after her intervals, fresh after her easy run.
    put_checkins(ann, [CheckIn(dt.date(2025, 3, 4), "heavy", 5, ("calves",)),
                       CheckIn(dt.date(2025, 3, 8), "fresh")])
    # On the week of Ann's last run (2025-03-11), where the Overview opens.
    add_coach_note(store.share(link.token), dt.date(2025, 3, 10), HOSTILE_NOTE)
    store.close()
    return link.token


@pytest.fixture(scope="module")
def fetched(browser_page: Any) -> Iterator[list[str]]:
    """Every URL the coach's browser asks for."""
    urls: list[str] = []
    browser_page.on("request", lambda request: urls.append(request.url))
    yield urls


def _coach_sees_only_the_share(page: Any, token: str) -> str:
    """Checks what is on screen now; returns the main area's text."""
    assert f"share={token}" in page.url, page.url
    main = str(page.inner_text("[data-testid='stMain']"))
    sidebar = str(page.inner_text("[data-testid='stSidebar']"))
    assert "Read-only view shared with Coach Kim" in main, main[:500]
    links = [str(t).split("\n")[-1].strip() for t in  # after the icon's name
             page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']").all_inner_texts()]
    assert links == SHARED_PAGES, links
    assert not [name for name in OWNER_PAGES if name in sidebar]
    assert page.locator("[data-testid='stSidebarNav']").count() == 0
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    body = str(page.inner_text("body"))
    assert OWNER_RUN not in body and "sample season" not in body.lower()
    assert "Traceback" not in body
    return main


#: The title each shared page starts with.
TITLES = {"Overview": "Does my running count as leg day?", "Activity": "Activity",
          "Overload": "Overload", "Imbalance": "Imbalance", "Legs today": "Legs the morning after"}
#: The address of each shared page (after the host).
PATHS = {"Overview": "", "Activity": "activity", "Overload": "overload",
         "Imbalance": "imbalance", "Legs today": "checkins"}


def _goto_by_sidebar(page: Any, name: str) -> None:
    page.locator("[data-testid='stSidebar'] [data-testid='stPageLink']").filter(
        has_text=name).first.click()
    path = PATHS[name]
    page.wait_for_url(re.compile(rf"/{path}\?share="))
    page.locator("[data-testid='stMain'] h1").filter(has_text=TITLES[name]).wait_for()
    wait_idle(page)


def _each_widget(page: Any, token: str) -> int:
    """Pick every option of every radio and the last option of every select box on the
    page, checking the view after each; returns how many choices were made."""
    made = 0
    for i in range(page.locator("[data-testid='stMain'] [data-testid='stRadio']").count()):
        options = page.locator("[data-testid='stMain'] [data-testid='stRadio']").nth(i).locator(
            "[role='radiogroup'] label")
        for j in range(options.count()):
            options.nth(j).click()
            wait_idle(page)
            _coach_sees_only_the_share(page, token)
            made += 1
    for i in range(page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").count()):
        box = page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").nth(i)
        options = page.locator("[role='listbox'] [role='option']")
        for _attempt in range(3):  # a click that lands while the page redraws opens nothing
            box.click()
            try:
                options.last.wait_for(timeout=10_000)
                break
            except PlaywrightTimeout:
                page.keyboard.press("Escape")
        options.last.click()
        wait_idle(page)
        _coach_sees_only_the_share(page, token)
        made += 1
    return made


def test_a_coach_clicks_everything_and_stays_in_the_shared_view(app_url: str, browser_page,
                                                                  share_link: str, fetched):
    page = browser_page
    token = share_link
    page.goto(f"{app_url}/?share={token}")
    wait_idle(page)
    main = _coach_sees_only_the_share(page, token)
    # The note shows as typed: no heading, image or link made of it, nothing fetched for it.
    assert HOSTILE_NOTE in main
    assert page.locator("img[src*='tracker.example'], a[href*='tracker.example']").count() == 0
    screenshot(page, "coach-opens-the-link")

    choices = {}
    for name in [*SHARED_PAGES[1:], SHARED_PAGES[0]]:
        _goto_by_sidebar(page, name)
        shown = _coach_sees_only_the_share(page, token)
        if name == "Legs today":  # Ann's mornings, read-only: no tap to give one
            assert "How the legs felt the morning after" in page.inner_text("body")
            assert page.locator("[data-testid='stMain'] button:has-text('Heavy')").count() == 0
            assert "Not this morning?" not in shown
        choices[name] = _each_widget(page, token)
        screenshot(page, f"coach-{PATHS[name] or 'overview'}")
    # Week pickers, the run and its profile axis, the weeks of the findings.
    assert choices == {"Activity": 3, "Overload": 1, "Imbalance": 1, "Legs today": 0,
                       "Overview": 1}

    # A note the coach adds is plain text too.
    page.locator("[data-testid='stMain'] textarea").fill("## Also ![x](https://tracker.example/x)")
    page.get_by_role("button", name="Add note").click()
    # wait_idle can return before the rerun has drawn the note (Streamlit's status widget).
    page.wait_for_selector("[data-testid='stMain'] >> text=tracker.example", timeout=60_000)
    wait_idle(page)
    main = _coach_sees_only_the_share(page, token)
    assert "## Also ![x](https://tracker.example/x)" in main
    screenshot(page, "coach-adds-a-note")

    page.reload()
    wait_idle(page)
    _coach_sees_only_the_share(page, token)
    page.go_back()
    wait_idle(page)
    _coach_sees_only_the_share(page, token)

    # A sidebar link opened in a new tab (a new session) is the shared view too.
    href = page.locator("[data-testid='stSidebar'] [data-testid='stPageLink'] a").nth(1)
    target = str(href.get_attribute("href"))
    assert re.search(rf"activity\?share={re.escape(token)}$", target), target
    tab = page.context.new_page()
    tab.goto(target if target.startswith("http") else f"{app_url}/{target.lstrip('/')}")
    wait_idle(tab)
    _coach_sees_only_the_share(tab, token)
    screenshot(tab, "coach-new-tab")
    tab.close()
    assert not [url for url in fetched if "tracker.example" in url]

