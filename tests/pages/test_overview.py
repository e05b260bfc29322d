"""Overview page: the season at a glance, on the sample season and on an empty library."""

from __future__ import annotations

from legday.store import create_share, open_store
from legday.ui.state import SAMPLE_ATHLETE


def test_the_sample_season_opens_with_its_banner_cards_charts_and_findings(make_app, sample_db):
    at = make_app(sample_db)
    assert not at.exception
    assert "sample season" in at.info[0].value
    assert at.subheader[0].value.startswith("2026-W45 (week of 2026-11-02)")
    assert [m.label for m in at.metric] == ["running (km)", "type-II running (min)",
                                            "strength sessions", "load (AU)"]
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert any("maintenance only" in m.value for m in at.markdown)


def test_picking_a_week_shows_its_verdict_and_findings(make_app, sample_db):
    at = make_app(sample_db)
    at.selectbox(key="overview_week").set_value("2026-W33").run()
    assert not at.exception
    assert at.subheader[0].value.startswith("2026-W33")
    assert any("hard days not hard" in m.value for m in at.markdown)


def test_an_empty_library_says_what_to_do(make_app, empty_db):
    at = make_app(empty_db, sample=False)
    assert not at.exception
    assert any("No activities yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_a_coach_adds_a_note_through_a_link_that_allows_it(make_app, sample_db):
    store = open_store(sample_db)
    link = create_share(store.athlete(SAMPLE_ATHLETE), days=5, label="Coach Kim",
                        allow_notes=True)
    store.close()
    at = make_app(sample_db, query={"share": link.token})
    assert not at.exception
    assert "Read-only view shared by Coach Kim" in at.info[0].value
    at.text_area[0].input("Great hill session, keep the Monday legs off.")
    at.button[0].click().run()
    assert not at.exception
    assert any("Great hill session" in m.value for m in at.markdown)
