"""Overview page: the season at a glance, on the sample season and on an empty library."""

from __future__ import annotations

import re

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


#: A note (and a link label) that Markdown would turn into a heading, an image the
#: browser fetches, a link, HTML, emphasis, LaTeX and a coloured directive.
HOSTILE = ("# Heading\n![pixel](https://tracker.example/pixel.png) [click](https://tracker.example)"
           " <img src='https://tracker.example/x.png'> **bold** $x^2$ :red[red]")
#: Elements whose text Streamlit renders as Markdown.
MARKDOWN_ELEMENTS = ("markdown", "caption", "info", "warning", "error", "success", "title",
                     "header", "subheader")


def _rendered_as_markdown(at) -> list[str]:
    return [str(e.value) for kind in MARKDOWN_ELEMENTS for e in getattr(at, kind)]


def test_a_coach_note_shows_as_plain_text_to_coach_and_athlete(make_app, sample_db):
    store = open_store(sample_db)
    link = create_share(store.athlete(SAMPLE_ATHLETE), days=5, label=HOSTILE, allow_notes=True)
    store.close()
    coach = make_app(sample_db, query={"share": link.token})
    assert not coach.exception
    week = coach.selectbox(key="overview_week").value
    coach.text_area[0].input(HOSTILE)
    coach.button[0].click().run()
    athlete = make_app(sample_db)
    athlete.selectbox(key="overview_week").set_value(week).run()
    for at in (coach, athlete):
        assert not at.exception
        assert HOSTILE.strip() in [t.value for t in at.text]  # shown as typed
        unescaped = [re.sub(r"\\.", "", body) for body in _rendered_as_markdown(at)]
        assert not [body for body in unescaped
                    if any(raw in body for raw in ("tracker.example", "![", "](", "<img", "#"))]
    shown = " ".join(_rendered_as_markdown(coach))
    assert "Read-only view shared with" in shown and "\\!\\[pixel\\]" in shown  # label escaped


def test_lifting_missing_almost_every_week_is_one_note_with_a_link_to_the_strength_log(
        make_app, tmp_path_factory):
    from legday.store import import_paths, open_store
    from legday.ui.state import LOCAL_ATHLETE, SAMPLES

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'legday.db'}"
    store = open_store(url)
    import_paths(store.athlete(LOCAL_ATHLETE), [SAMPLES / "season"])
    store.close()
    at = make_app(url, sample=False)
    assert not at.exception
    notes = [m.value for m in at.markdown if "Standing note" in m.value]
    assert len(notes) == 1 and "strength sessions in 14 of 14 weeks" in notes[0]
    assert [link.proto.label for link in at.get("page_link")] == [
        "Log every session: Strength log (a session not logged does not count)."]
    assert not [m.value for m in at.markdown if "few strength sessions" in m.value]
