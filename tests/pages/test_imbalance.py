"""Imbalance page: muscle coverage (lifting apart from running's model), fibre share,
hard/easy, regions and the recent findings on the sample season; an empty library."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from legday.store import get_settings, import_paths, open_store, put_settings
from legday.strength.muscles import MUSCLE_GROUPS
from legday.strength.running_share import MODEL_NOTE
from legday.ui.state import LOCAL_ATHLETE, SAMPLES
from legday.ui.widgets import finding_title
from legday.weekly import week_label
from tests.pages.conftest import chart_titles, figures, values

PAGE = "views/imbalance.py"
LIFTING = "Muscle-weighted sets per muscle group (lifting)"
RUNNING = "Muscle groups worked by running — running (modelled, not measured)"
CHARTS = [LIFTING, RUNNING, "Type I vs type II running", "Easy vs hard running",
          "Upper / lower / core strength sets"]


def _finding_weeks(at, code: str) -> set[str]:
    words = finding_title(code)
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
    assert lifting["data"][0]["colorbar"]["title"]["text"] == "muscle-weighted sets"
    assert running["data"][0]["colorbar"]["title"]["text"] == "min"
    # Lifting: no hip abductor work in the hotel-gym weeks; running's model never shows
    # lifting sets, so the two maps differ.
    assert values(lifting["data"][0]["z"]).sum() != values(running["data"][0]["z"]).sum()
    hard_easy = figures(at)[3]
    assert [t["name"] for t in hard_easy["data"]][-1] == "25% guide"


def test_recent_findings_cover_the_last_weeks_and_the_whole_season_on_demand(make_app,
                                                                             sample_db):
    at = make_app(sample_db, page=PAGE)
    assert _finding_weeks(at, "too_much_hard") == set()  # W44 is 23 % hard, under 25 %
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
    assert "2026-W33" in _finding_weeks(at, "low_type2_share")  # older than the last 4 weeks


def test_the_hard_share_guide_follows_the_athletes_threshold(make_app, own_db):
    store = open_store(own_db)
    ctx = store.athlete(LOCAL_ATHLETE)
    before = get_settings(ctx)["thresholds"]
    put_settings(ctx, {"thresholds": {**before, "max_hard_share": 0.2}})
    try:
        at = make_app(own_db, page=PAGE)
        assert not at.exception
        assert [t["name"] for t in figures(at)[3]["data"]][-1] == "20% guide"
        assert _finding_weeks(at, "too_much_hard") == {"2026-W44"}  # 23 % hard
    finally:
        put_settings(ctx, {"thresholds": before})
        store.close()


def test_an_empty_library_says_what_to_do(make_app, empty_db):
    at = make_app(empty_db, page=PAGE, sample=False)
    assert not at.exception
    assert any("No activities yet" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def _runs_db(folder: Path, log: str | None = None) -> str:
    """The local athlete's sample-season runs (not its strength file), and a log if given."""
    url = f"sqlite:///{folder / 'legday.db'}"
    inputs = [p for p in sorted((SAMPLES / "season").iterdir()) if "strength" not in p.name]
    if log is not None:
        (folder / "lifting.csv").write_text(log)
        inputs.append(folder / "lifting.csv")
    store = open_store(url)
    try:
        import_paths(store.athlete(LOCAL_ATHLETE), inputs)
    finally:
        store.close()
    return url


@pytest.fixture(scope="module")
def runs_only_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _runs_db(tmp_path_factory.mktemp("runs"))


def test_without_lifting_an_empty_state_links_to_the_strength_log(make_app, runs_only_db):
    at = make_app(runs_only_db, page=PAGE, sample=False)
    assert not at.exception
    assert any("No lifting logged yet" in i.value for i in at.info)
    (link,) = at.get("page_link")
    assert link.proto.label == "Log lifting on the Strength log"
    assert link.proto.page.endswith("strength")
    # No dark, empty heat map and no empty region chart; running's model is still shown.
    assert chart_titles(at) == [RUNNING, "Type I vs type II running", "Easy vs hard running"]


LATE_LIFTING = ("date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\n"
                "2026-11-03,Back squat,3,5,90,8,,\n2026-11-03,Plank,2,1,0,6,,\n")


def test_sparse_lifting_starts_the_lifting_charts_a_week_before_the_first_lift(make_app,
                                                                                tmp_path):
    at = make_app(_runs_db(tmp_path, LATE_LIFTING), page=PAGE, sample=False)
    assert not at.exception
    by_title = dict(zip(chart_titles(at), figures(at), strict=True))
    first_lift = week_label(pd.Timestamp("2026-11-03"))
    lifting_weeks = list(by_title[LIFTING]["data"][0]["x"])
    assert lifting_weeks[:2] == ["2026-W44", first_lift] == ["2026-W44", "2026-W45"]
    region = by_title["Upper / lower / core strength sets"]["data"]
    assert list(region[0]["x"]) == lifting_weeks
    assert values(region[0]["y"]).tolist()[:2] == [0.0, 3.0]
    assert len(by_title[RUNNING]["data"][0]["x"]) > len(lifting_weeks)  # the whole season


@pytest.mark.parametrize("week", ["2026-W37", "2026-W41", "2026-W45"])
def test_one_count_of_lower_body_sets_on_overview_strength_log_and_imbalance(make_app,
                                                                            sample_db, week):
    # Overview: the verdict quotes the week's lower-body sets.
    overview = make_app(sample_db, page="views/overview.py")
    overview.selectbox(key="overview_week").set_value(week).run()
    quoted = {int(n) for c in overview.caption
              for n in re.findall(r"(\d+) lower-body sets", c.value)}
    # Strength log: the sessions of that ISO week, summed.
    log = make_app(sample_db, page="views/strength.py")
    table = log.dataframe[0].value
    of_week = table[[week_label(pd.Timestamp(d)) == week for d in table["date"]]]
    logged = float(of_week["lower-body sets"].sum())
    # Imbalance: the lower-body bar of that week.
    imbalance = make_app(sample_db, page=PAGE)
    by_title = dict(zip(chart_titles(imbalance), figures(imbalance), strict=True))
    lower = by_title["Upper / lower / core strength sets"]["data"][0]
    charted = dict(zip(lower["x"], values(lower["y"]), strict=True))[week]
    assert quoted == {logged} == {charted}
    assert logged > 0


#: A lift months before the sample's runs: a season long enough for the range control.
EARLY_LIFTING = ("date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\n"
                 "2026-02-03,Back squat,3,5,80,8,,\n" + LATE_LIFTING.split("\n", 1)[1])


def test_every_weekly_chart_follows_one_range_control_with_round_week_ticks(make_app,
                                                                           tmp_path):
    at = make_app(_runs_db(tmp_path, EARLY_LIFTING), page=PAGE, sample=False)
    assert not at.exception
    assert chart_titles(at) == CHARTS
    weeks = at.select_slider[0]
    assert weeks.label == "Weeks in the charts"
    first, last = weeks.value
    shown = weeks.options[weeks.options.index(first):weeks.options.index(last) + 1]
    assert len(shown) == 16 < len(weeks.options)
    for fig in figures(at):
        xs = [str(x) for x in fig["data"][0]["x"]]
        assert set(xs) <= set(shown)  # lifting charts start at the first lift, if later
        assert fig["layout"]["xaxis"]["ticktext"]  # week or month ticks, not every label
        assert len(fig["layout"]["xaxis"]["ticktext"]) <= len(xs)
    weeks.set_value((weeks.options[0], last)).run()
    assert not at.exception
    assert len(figures(at)[1]["data"][0]["x"]) == len(at.select_slider[0].options)
