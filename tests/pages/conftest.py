"""AppTest helpers: the whole app (app.py and st.navigation) on a database of the test's own.

``make_app(url, page=None, sample=True, query=None)`` returns a ready AppTest
on ``app.py``, switched to ``page`` (e.g. ``"views/activity.py"``) after the
first run. ``sample_db`` is a SQLite file holding the sample season (imported
once per test module), ``empty_db`` one without any data.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from legday.store import open_store
from legday.ui.state import ENV_SAMPLE, LOCAL_ATHLETE, SAMPLE_ATHLETE, SAMPLES
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
TIMEOUT_S = 120


def _env(url: str, sample: bool) -> None:
    os.environ["LEGDAY_DATABASE_URL"] = url
    os.environ[ENV_SAMPLE] = "1" if sample else "0"
    # The season's disk copy goes beside the test database, not into ~/.cache.
    os.environ["LEGDAY_CACHE_DIR"] = str(Path(url.removeprefix("sqlite:///")).parent / "cache")


@pytest.fixture(scope="session", autouse=True)
def _listening_on_localhost() -> None:
    # As `make run` serves it: without sign-in, the owner's view is refused beyond localhost.
    from streamlit import config

    config.set_option("server.address", "localhost")


@pytest.fixture()
def make_app() -> Iterator[Callable[..., AppTest]]:
    saved = {k: os.environ.get(k) for k in ("LEGDAY_DATABASE_URL", ENV_SAMPLE, "LEGDAY_CACHE_DIR")}

    def build(url: str, page: str | None = None, *, sample: bool = True,
              query: dict[str, str] | None = None) -> AppTest:
        _env(url, sample)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if page is not None and not at.exception:
            at.switch_page(page).run()
        return at

    yield build
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _season_db(tmp_path_factory: pytest.TempPathFactory, athlete: str) -> str:
    """A SQLite file where ``athlete`` owns the sample season's files."""
    from legday.store import import_paths

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'legday.db'}"
    store = open_store(url)
    report = import_paths(store.athlete(athlete),
                          [SAMPLES / "season", SAMPLES / "strength_log.csv"])
    assert report.imported == 58
    store.close()
    return url


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database where the local athlete has no data, so the app shows the sample season
    (imported here once, as the app would on its first start)."""
    return _season_db(tmp_path_factory, SAMPLE_ATHLETE)


@pytest.fixture(scope="module")
def own_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database where the local athlete owns the sample season's files (writable views)."""
    return _season_db(tmp_path_factory, LOCAL_ATHLETE)


@pytest.fixture()
def empty_db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'legday.db'}"


def figures(at: AppTest) -> list[dict[str, Any]]:
    """The Plotly figures an AppTest run shows, as dicts (``data``, ``layout``), in page order."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_titles(at: AppTest) -> list[str]:
    """The titles of the charts on the page, in page order."""
    return [str((fig["layout"].get("title") or {}).get("text", "")) for fig in figures(at)]


def values(data: Any) -> np.ndarray:
    """A figure array as numbers: plain JSON lists (None as NaN) or Plotly's base64 typed
    arrays (``{"dtype": "f8", "bdata": ...}``)."""
    if isinstance(data, dict) and "bdata" in data:
        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
        shape = data.get("shape")
        if shape:
            array = array.reshape([int(n) for n in str(shape).split(",")])
        return array.astype(float)
    return np.array([np.nan if v is None else v for v in (data or [])], dtype=float)


@pytest.fixture()
def own_copy(own_db: str, tmp_path: Path) -> str:
    """A private copy of ``own_db`` for a test that writes (settings, links, zones)."""
    import shutil

    target = tmp_path / "own.db"
    shutil.copy(own_db.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"
