"""Imbalance page: muscle coverage (lifting apart from running's model), fibre share,
hard/easy, regions and the recent findings on the sample season; an empty library."""

from __future__ import annotations

from legday.store import get_settings, open_store, put_settings
from legday.strength.muscles import MUSCLE_GROUPS
from legday.strength.running_share import MODEL_NOTE
from legday.ui.state import LOCAL_ATHLETE
from tests.pages.conftest import chart_titles, figures, values

PAGE = "views/imbalance.py"
LIFTING = "Direct strength sets per muscle group"
RUNNING = "Muscle groups worked by running — running (modelled, not measured)"
CHARTS = [LIFTING, RUNNING, "Type I vs type II running", "Easy vs hard running",
          "Upper / lower / core strength sets"]


def _finding_weeks(at, code: str) -> set[str]:
    words = code.replace("_", " ")
    return {m.value.split("**")[1] for m in at.markdown if f"· {words} —" in m.value}


def test_the_sample_season_shows_every_chart_with_running_kept_apart(make_app, sample_db):
    at = make_app(sample_db, page=PAGE)
    assert not at.exception
    assert chart_titles(at) == CHARTS
    heads = [s.value for s in at.subheader]
    assert "Running — a model, not a measurement" in heads
    assert any(c.value == MODEL_NOTE for c in at.caption)
    lifting, running = figures(at)[:2]
    labels = [g.replace("_", " ") for g in MUSCLE_GROUPS]
    assert list(lifting["data"][0]["y"]) == labels == list(running["data"][0]["y"])
    assert lifting["data"][0]["colorbar"]["title"]["text"] == "sets"
    assert running["data"][0]["colorbar"]["title"]["text"] == "min"
    # Lifting: no hip abductor work in the hotel-gym weeks; running's model never shows
    # lifting sets, so the two maps differ.
    assert values(lifting["data"][0]["z"]).sum() != values(running["data"][0]["z"]).sum()
    hard_easy = figures(at)[3]
    assert [t["name"] for t in hard_easy["data"]][-1] == "25% guide"


def test_recent_findings_cover_the_last_weeks_and_the_whole_season_on_demand(make_app,
                                                                             sample_db):
    at = make_app(sample_db, page=PAGE)
    assert _finding_weeks(at, "too_much_hard") == {"2026-W44"}
    assert _finding_weeks(at, "neglected_muscles") == {"2026-W42", "2026-W43"}
    assert "2026-W43" in _finding_weeks(at, "no_single_leg_work")
    assert "2026-W43" in _finding_weeks(at, "low_strength_frequency")
    assert "2026-W45" in _finding_weeks(at, "low_type2_share")
    shown = {m.value.split("**")[1] for m in at.markdown
             if m.value.startswith((":material/warning:", ":material/lightbulb:"))}
    assert shown <= {"2026-W42", "2026-W43", "2026-W44", "2026-W45"}
    assert at.radio(key="imbalance_weeks").options == ["last 4", "last 8", "whole season"]
    at.radio(key="imbalance_weeks").set_value(14).run()  # the sample season has 14 weeks
    assert not at.exception
    assert _finding_weeks(at, "neglected_muscles") == {"2026-W41", "2026-W42", "2026-W43"}
    assert "2026-W32" in _finding_weeks(at, "low_type2_share")


def test_the_hard_share_guide_follows_the_athletes_threshold(make_app, own_db):
    store = open_store(own_db)
    ctx = store.athlete(LOCAL_ATHLETE)
    before = get_settings(ctx)["thresholds"]
    put_settings(ctx, {"thresholds": {**before, "max_hard_share": 0.5}})
    try:
        at = make_app(own_db, page=PAGE)
        assert not at.exception
        assert [t["name"] for t in figures(at)[3]["data"]][-1] == "50% guide"
        assert _finding_weeks(at, "too_much_hard") == set()  # W44 is 43 % hard
    finally:
        put_settings(ctx, {"thresholds": before})
        store.close()


def test_an_empty_library_says_what_to_do(make_app, empty_db):
    at = make_app(empty_db, page=PAGE, sample=False)
    assert not at.exception
    assert any("No activities yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")
