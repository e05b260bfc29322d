"""A real browser against a real `streamlit run app.py`.

Debian's Chromium drives the app through Playwright for Python (no browser
download: the set-up installs the `chromium` package when it is missing).
Screenshots go to ``artifacts/screenshots/`` for people to look at.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI, ROOT

ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


#: Database URL of each running app, so tests can prepare data (e.g. share links) in it.
DB_URLS: dict[str, str] = {}


def _unavailable(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _install_chromium() -> None:
    apt = shutil.which("apt-get")
    if apt is None:
        return
    command = [apt, "install", "-y", "-q", "chromium"]
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if sudo is None:
            return
        command = [sudo, "-n", *command]
    subprocess.run(command, check=False, capture_output=True, timeout=900,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        # Each pytest-xdist worker gets here: one installs while the others wait (two
        # apt-gets at once fail on dpkg's lock, as the first CI run on a new machine did).
        with open(Path(tempfile.gettempdir()) / "legday-chromium-install.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            path = shutil.which("chromium")
            if path is None:
                _install_chromium()
                path = shutil.which("chromium")
    if path is None:
        _unavailable("Debian's chromium is not installed and could not be installed")
    assert path is not None
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy within {timeout_s:.0f} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port with its own empty database."""
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("legday-browser")
    db_url = f"sqlite:///{data_dir / 'legday.db'}"
    # No tile server here: Plotly binds map clicks only once a map's style has loaded.
    env = {**os.environ, "LEGDAY_DATABASE_URL": db_url,
           "LEGDAY_CACHE_DIR": str(data_dir / "cache"), "LEGDAY_MAP_STYLE": "white-bg"}
    log = (data_dir / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    DB_URLS[url] = db_url
    try:
        _wait_healthy(url, process, timeout_s=60)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser_page(chromium_path: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(60_000)
        yield page
        context.close()
        browser.close()


def wait_idle(page: object, timeout_ms: int = 90_000) -> None:
    """Wait until Streamlit has finished the script run and drawn what it sent.

    The status widget says "Running…" while the script runs; element skeletons
    stand in for elements not drawn yet, and elements of the run before stay on
    the page, marked stale, until the new run replaces them; Plotly charts draw last.
    """
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout_ms)
    # A page has run once something is drawn in the main area (a title, a message).
    page.wait_for_selector("[data-testid='stMain'] [data-testid='stHeading'], "
                           "[data-testid='stMain'] [data-testid='stAlert']", timeout=timeout_ms)
    idle = ("() => { const w = document.querySelector(\"[data-testid='stStatusWidget']\");"
            " const running = w && w.innerText.includes('Running');"
            " const skeletons = document.querySelectorAll(\"[data-testid='stSkeleton']\");"
            " const stale = document.querySelectorAll(\"[data-stale='true']\");"
            " return !running && skeletons.length === 0 && stale.length === 0; }")
    for _ in range(2):  # a rerun can start right after the first idle moment
        page.wait_for_function(idle, timeout=timeout_ms)
        page.wait_for_timeout(700)
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stPlotlyChart']\")]"
        ".every(c => c.querySelector('.main-svg'))", timeout=timeout_ms)


def screenshot(page: object, name: str) -> Path:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # Streamlit scrolls inside its main area, so a "full page" is one window high: make the
    # window as tall as the content for the picture.
    viewport = page.viewport_size or {"width": 1400, "height": 1000}
    height = int(page.evaluate(
        "() => Math.max(...[...document.querySelectorAll(\"[data-testid='stMain'], "
        "[data-testid='stAppViewContainer'], [data-testid='stSidebarContent']\")]"
        ".map(e => e.scrollHeight), window.innerHeight)"))
    page.set_viewport_size({"width": viewport["width"], "height": min(height, 12_000)})
    page.wait_for_timeout(500)  # charts redraw for the new size
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path
