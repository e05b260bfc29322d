"""Overload page: progression, load, monotony/strain and same-route runs on the sample season,
and an empty library."""

from __future__ import annotations

import pytest

from legday.charts.season import ROUTE_TABLE_COLUMNS
from legday.charts.trends import CLIMBING_PROXY
from legday.store import import_paths, open_store
from legday.ui.state import LOCAL_ATHLETE, SAMPLES
from legday.ui.widgets import finding_title
from tests.pages.conftest import chart_titles, figures, values

PAGE = "views/overload.py"
CHARTS = ["Progression of the type-II work", "Training load (session-RPE units)",
          "Monotony and strain (Foster)", "Downhill running per week",
          "Climbing against the flat, per month"]


def _lines(at, code: str) -> list[str]:
    words = finding_title(code)
    return [m.value for m in at.markdown if f"· {words} —" in m.value]


def test_the_sample_season_shows_progression_load_and_monotony(make_app, sample_db):
    at = make_app(sample_db, page=PAGE)
    assert not at.exception
    assert "sample season" in at.info[0].value
    assert chart_titles(at) == CHARTS
    # The note is said once, on the page, not in every finding.
    assert sum("described, not predictions" in c.value for c in at.caption) == 1
    assert not [m.value for m in at.markdown if "described, not a prediction" in m.value]
    assert [m.label for m in at.metric] == ["load (AU)", "acute : chronic", "ramp vs last week",
                                            "ramp vs 3-week mean", "monotony"]
    assert [line.split("**")[1] for line in _lines(at, "flat_progression")] == ["2026-W39"]
    ramps = _lines(at, "ramp_spike")
    assert any("2026-W39" in r for r in ramps) and any("2026-W34" in r for r in ramps)


def _unfolded(at) -> list[str]:
    """The finding lines outside the "earlier weeks" expanders."""
    folded = {m.value for expander in at.expander for m in expander.markdown}
    return [m.value for m in at.main.markdown if "· " in m.value and m.value not in folded]


def test_findings_show_the_last_four_weeks_and_fold_the_earlier_ones(make_app, sample_db):
    at = make_app(sample_db, page=PAGE)
    # The latest week, 2026-W45, is picked: 2026-W42 to W45 are shown, the rest folded.
    shown = _unfolded(at)
    assert {line.split("**")[1] for line in shown} == {"2026-W45"}
    labels = [e.label for e in at.expander]
    assert labels == ["earlier weeks (1)", "earlier weeks (3)", "earlier weeks (3)"]
    folded = [m.value for m in at.expander[1].markdown]
    assert [line.split("**")[1] for line in folded] == ["2026-W39", "2026-W39", "2026-W34"]
    at.selectbox(key="overload_week").set_value("2026-W39").run()
    shown = [line for line in _unfolded(at) if "· ramp spike" in line]
    assert [line.split("**")[1] for line in shown] == ["2026-W39", "2026-W39"]
    assert "other weeks (2)" in [e.label for e in at.expander]


def test_downhill_and_climbing_trends_with_what_they_are_a_proxy_for(make_app, sample_db):
    at = make_app(sample_db, page=PAGE)
    downhill, climbing = figures(at)[3:5]
    steep, other = values(downhill["data"][0]["y"]), values(downhill["data"][1]["y"])
    assert len(steep) == 14 and (steep + other).sum() > 1000  # metres down in the season
    assert [str(m) for m in climbing["data"][1]["x"]] == ["2026-08", "2026-09", "2026-10",
                                                         "2026-11"]
    assert any(CLIMBING_PROXY in c.value for c in at.caption)
    assert any("of it steep" in c.value for c in at.caption)


@pytest.fixture(scope="module")
def runs_only_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample season's files without its strength log: one watch strength file only."""
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'legday.db'}"
    store = open_store(url)
    import_paths(store.athlete(LOCAL_ATHLETE), [SAMPLES / "season"])
    store.close()
    return url


def test_a_finding_of_almost_every_week_is_one_standing_note_with_a_link(make_app,
                                                                         runs_only_db):
    at = make_app(runs_only_db, page=PAGE, sample=False)
    assert not at.exception
    notes = [m.value for m in at.markdown if "Standing note" in m.value]
    assert len(notes) == 1
    assert "Fewer than 2 strength sessions in 14 of 14 weeks (1 session in all)" in notes[0]
    links = at.get("page_link")
    assert [link.proto.label for link in links] == [
        "Log every session: Strength log (a session not logged does not count)."]
    assert not _lines(at, "low_strength_frequency")


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


def test_a_coach_reads_the_standing_note_without_the_link_to_log(make_app, runs_only_db):
    from legday.store import create_share

    store = open_store(runs_only_db)
    token = create_share(store.athlete(LOCAL_ATHLETE), days=2, label="Coach Kim").token
    store.close()
    at = make_app(runs_only_db, page=PAGE, sample=False, query={"share": token})
    assert not at.exception
    assert any("Read-only view shared by" in i.value for i in at.info)
    assert len([m.value for m in at.markdown if "Standing note" in m.value]) == 1
    assert not [link for link in at.get("page_link") if "Strength log" in link.proto.label]
    assert any("Log every session: Strength log" in c.value for c in at.caption)
    assert "Downhill running per week" in chart_titles(at)
