"""Overview page on a long real season: the charts open on the latest 16 weeks with a range
control, the chosen week outlined; the cards say what their change is against; findings
are headed in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest

from legday.store import import_paths, open_store
from legday.ui.state import LOCAL_ATHLETE
from legday.ui.widgets import FINDING_TITLES
from tests.pages.conftest import figures

#: Every 6th run of the real export: about 40 runs over its 68 weeks.
EVERY = 6


@pytest.fixture(scope="module")
def long_season(tmp_path_factory: pytest.TempPathFactory, realdata: Path) -> str:
    files = sorted((realdata / "bulk" / "stravaexport__slalom007" / "activities")
                   .glob("*.fit.gz"))[::EVERY]
    url = f"sqlite:///{tmp_path_factory.mktemp('long') / 'legday.db'}"
    store = open_store(url)
    report = import_paths(store.athlete(LOCAL_ATHLETE), files)
    store.close()
    assert report.imported == len(files) >= 35
    return url


def _chart_weeks(at) -> list[list[str]]:
    """The weeks each chart draws, in page order."""
    return [sorted({str(x) for trace in fig["data"] for x in (trace.get("x") or [])
                    if x is not None}) for fig in figures(at)]


def _outlined(fig: dict) -> list[tuple[float, float]]:
    return [(s["x0"], s["x1"]) for s in fig["layout"].get("shapes", [])
            if s.get("layer") == "above"]


def test_the_charts_open_on_the_latest_16_weeks_with_the_week_outlined(make_app, long_season):
    at = make_app(long_season, sample=False)
    assert not at.exception
    options = list(at.selectbox(key="overview_week").options)  # latest first
    assert len(options) > 40
    week = at.selectbox(key="overview_week").value
    assert week == options[0]
    (slider,) = at.select_slider
    assert slider.value == (options[15], options[0])
    for drawn, fig in zip(_chart_weeks(at), figures(at), strict=True):
        assert drawn[-1] == options[0] and drawn[0] == options[15]
        assert len(drawn) == 16
        assert _outlined(fig) == [(14.5, 15.5)]  # the latest week, at the right
        texts = fig["layout"]["xaxis"]["ticktext"]
        assert len(texts) == 16 and all(t.startswith("W") and "<br>" in t for t in texts)


def test_an_older_week_brings_the_charts_to_it_and_the_range_widens_on_request(
        make_app, long_season):
    at = make_app(long_season, sample=False)
    options = list(at.selectbox(key="overview_week").options)
    older = options[30]
    at.selectbox(key="overview_week").set_value(older).run()
    assert not at.exception
    (slider,) = at.select_slider
    assert slider.value == (options[30 + 13], options[30 - 2])  # a little after it in view
    strip = figures(at)[0]
    drawn = _chart_weeks(at)[0]
    assert older in drawn
    assert _outlined(strip) == [(drawn.index(older) - 0.5, drawn.index(older) + 0.5)]
    slider.set_value((options[-1], options[0])).run()
    assert not at.exception
    whole = _chart_weeks(at)[0]
    assert len(whole) == len(options)
    ticks = figures(at)[0]["layout"]["xaxis"]["ticktext"]
    assert 12 <= len(ticks) <= 20 and not any(t.startswith("W") for t in ticks)  # months


def test_cards_say_their_change_is_against_the_4_week_average_and_findings_are_plain(
        make_app, long_season):
    at = make_app(long_season, sample=False)
    assert not at.exception
    changes = [m for m in at.metric if m.proto.delta]
    assert len(changes) == 4
    assert all(m.proto.delta_description == "vs 4-week average" for m in changes)
    headings = [m.value for m in at.markdown if " — " in m.value]
    assert headings
    codes = set(FINDING_TITLES)
    for heading in headings:
        title = heading.split("**")[1]
        assert title in FINDING_TITLES.values(), heading
        assert "_" not in title and title not in codes
