"""Overload page: progression, load, monotony/strain and same-route runs on the sample season,
and an empty library."""

from __future__ import annotations

from legday.charts.season import ROUTE_TABLE_COLUMNS
from legday.ui.widgets import finding_title
from tests.pages.conftest import chart_titles

PAGE = "views/overload.py"
CHARTS = ["Progression of the type-II work", "Training load (session-RPE units)",
          "Monotony and strain (Foster)"]


def _lines(at, code: str) -> list[str]:
    words = finding_title(code)
    return [m.value for m in at.markdown if f"· {words} —" in m.value]


def test_the_sample_season_shows_progression_load_and_monotony(make_app, sample_db):
    at = make_app(sample_db, page=PAGE)
    assert not at.exception
    assert "sample season" in at.info[0].value
    assert chart_titles(at) == CHARTS
    assert any("described, not predictions" in c.value for c in at.caption)
    assert [m.label for m in at.metric] == ["load (AU)", "acute : chronic", "ramp vs last week",
                                            "ramp vs 3-week mean", "monotony"]
    assert [line.split("**")[1] for line in _lines(at, "flat_progression")] == ["2026-W39"]
    ramps = _lines(at, "ramp_spike")
    assert any("2026-W39" in r and "described, not a prediction" in r for r in ramps)
    assert any("2026-W34" in r for r in ramps)


def test_same_route_same_pace_lists_the_repeated_loop_and_its_findings(make_app, sample_db):
    at = make_app(sample_db, page=PAGE)
    routes = at.dataframe[0].value
    assert list(routes.columns) == list(ROUTE_TABLE_COLUMNS)
    # The easy Thursday loop (and more) is one route run at least 9 times, mostly steady.
    top = routes.iloc[0]
    assert top["runs"] >= 9
    assert top["steady runs"] >= 9
    assert 2 <= top["runs at that pace"] <= top["runs"]
    assert (routes["runs"] >= 2).all()
    weeks = [line.split("**")[1] for line in _lines(at, "maintenance_only")]
    assert weeks == sorted(weeks, reverse=True)
    assert {"2026-W38", "2026-W45"} <= set(weeks)


def test_picking_a_week_shows_its_load_numbers(make_app, sample_db):
    at = make_app(sample_db, page=PAGE)
    at.selectbox(key="overload_week").set_value("2026-W39").run()
    assert not at.exception
    cards = {m.label: m.value for m in at.metric}
    assert cards["load (AU)"] == "2830"
    assert cards["ramp vs last week"].startswith("+")
    at.selectbox(key="overload_week").set_value("2026-W32").run()
    cards = {m.label: m.value for m in at.metric}
    assert cards["acute : chronic"] == "-"  # under 28 days of history: no ratio
    assert cards["ramp vs last week"] == "-"


def test_an_empty_library_says_what_to_do(make_app, empty_db):
    at = make_app(empty_db, page=PAGE, sample=False)
    assert not at.exception
    assert any("No activities yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")
    assert not at.dataframe
