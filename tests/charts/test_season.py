"""Season charts on a small weekly table whose numbers are known."""

from __future__ import annotations

import pandas as pd
import pytest

from legday.charts import season as charts
from legday.palette import EFFORT_COLOURS, VERDICT_COLOURS
from legday.units import METRES_PER_MILE, Units

GROUPS = ("glutes", "hip_abductors", "pectorals", "abdominals")


@pytest.fixture()
def weeks() -> pd.DataFrame:
    # Durations in seconds, distances in metres, as the weekly table has them.
    table = pd.DataFrame({
        "steady_s": [12000.0, 9000.0, 14400.0], "recovery_s": [600.0, 0.0, 720.0],
        "hill_s": [0.0, 720.0, 0.0], "interval_s": [1080.0, 0.0, 1440.0],
        "sprint_s": [120.0, 0.0, 0.0], "steady_distance_m": [40000.0, 30000.0, 48000.0],
        "recovery_distance_m": [1000.0, 0.0, 1200.0], "hill_distance_m": [0.0, 2000.0, 0.0],
        "interval_distance_m": [5000.0, 0.0, 6400.0], "sprint_distance_m": [300.0, 0.0, 0.0],
        "run_s": [13800.0, 9720.0, 16560.0], "hard_s": [1200.0, 720.0, 4800.0],
        "easy_s": [12600.0, 9000.0, 11760.0], "hard_share": [0.087, 0.074, 0.29],
        "strength_sessions": [2, 0, 1], "strength_lower": [1, 0, 0], "strength_upper": [1, 0, 1],
        "hill_climb_m": [0.0, 140.0, 0.0], "sprint_count": [6, 0, 0],
        "interval_work_s": [1080.0, 0.0, 1440.0], "lower_tonnage_kg": [3000.0, 0.0, 0.0],
        "load_runs": [900.0, 600.0, 1300.0], "load_strength": [300.0, 0.0, 150.0],
        "load_other": [0.0, 0.0, 0.0], "atl": [170.0, 90.0, 210.0],
        "ctl": [120.0, 118.0, 130.0], "ramp_pct": [None, -50.0, 131.7],
        "monotony": [1.2, 0.9, 1.6], "strain": [1440.0, 540.0, 2320.0],
        "sets_glutes": [6.0, 0.0, 0.0], "sets_hip_abductors": [2.0, 0.0, 0.0],
        "sets_pectorals": [3.0, 0.0, 6.0], "sets_abdominals": [3.0, 0.0, 3.0],
        "run_glutes_s": [9000.0, 7200.0, 12000.0], "run_hip_abductors_s": [0.0, 0.0, 0.0],
        "run_pectorals_s": [0.0, 0.0, 0.0], "run_abdominals_s": [0.0, 0.0, 0.0],
        "leg_day": ["yes", "partly", "no"],
        "leg_day_reasons": [["lower-body session"], ["hills only"], ["steady only"]],
    }, index=pd.Index(["2026-W32", "2026-W33", "2026-W34"], name="week"))
    return table


def test_the_weekly_mix_stacks_every_kind_in_its_colour_and_overlays_lifting(weeks):
    fig = charts.weekly_mix(weeks)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name for b in bars] == ["steady", "recovery", "hill", "interval", "sprint"]
    assert all(b.marker.color == EFFORT_COLOURS[b.name] for b in bars)
    lifts = {t.name: list(t.y) for t in fig.data if t.type == "scatter"}
    assert lifts["lower-body lifting"][0] == 1 and pd.isna(lifts["lower-body lifting"][1])
    assert fig.layout.yaxis.title.text == "running (min)"


def test_the_leg_day_strip_has_one_tile_per_week_in_the_verdicts_colour(weeks):
    fig = charts.leg_day_strip(weeks)
    tiles = {t.name: list(t.x) for t in fig.data}
    assert tiles == {"yes": ["2026-W32"], "partly": ["2026-W33"], "no": ["2026-W34"]}
    assert all(t.marker.color == VERDICT_COLOURS[t.name] for t in fig.data)
    assert "hills only" in fig.data[1].hovertext[0]


def test_distance_follows_the_unit(weeks):
    fig = charts.distance_chart(weeks, Units("mi"))
    steady = next(t for t in fig.data if t.name == "steady")
    assert steady.y[0] == pytest.approx(40_000 / METRES_PER_MILE)
    assert fig.layout.yaxis.title.text == "distance (mi)"


def test_fibre_share_adds_up_to_100_in_running_weeks(weeks):
    fig = charts.fibre_share(weeks)
    type1, type2 = fig.data
    assert type2.y[0] == pytest.approx(20 / 230 * 100)
    assert [a + b for a, b in zip(type1.y, type2.y, strict=True)] == pytest.approx([100] * 3)


def test_muscle_maps_keep_lifting_and_the_running_model_apart(weeks):
    lifting = charts.muscle_coverage(weeks, GROUPS)
    running = charts.muscle_coverage(weeks, GROUPS, running=True)
    first_week = [row[0] for row in lifting.data[0].z]  # rows are groups, columns weeks
    assert first_week == [6.0, 2.0, 3.0, 3.0]
    assert [row[0] for row in running.data[0].z] == [150.0, 0.0, 0.0, 0.0]
    assert "model" in running.layout.title.text
    # Sets spread over muscles are no set count: said so wherever they are shown.
    assert "Muscle-weighted sets" in lifting.layout.title.text
    assert lifting.data[0].colorbar.title.text == "muscle-weighted sets"


def _with_region_sets(weeks: pd.DataFrame) -> pd.DataFrame:
    return weeks.assign(lower_sets=[7.0, 0.0, 0.0], upper_sets=[2.0, 0.0, 4.0],
                        core_sets=[2.0, 0.0, 1.0])


def test_region_balance_shows_the_weeks_set_counts_not_muscle_weighted_sums(weeks):
    fig = charts.region_balance(_with_region_sets(weeks))
    by_region = {t.name: list(t.y) for t in fig.data}
    assert by_region == {"lower body": [7.0, 0.0, 0.0], "upper body": [2.0, 0.0, 4.0],
                         "core": [2.0, 0.0, 1.0]}
    assert fig.layout.yaxis.title.text == "working sets"


def test_without_lifting_the_lifting_charts_say_so_instead_of_an_empty_map(weeks):
    no_lifting = _with_region_sets(weeks).assign(
        strength_sessions=0, lower_sets=0.0, upper_sets=0.0, core_sets=0.0,
        **{f"sets_{g}": 0.0 for g in GROUPS})
    for fig in (charts.muscle_coverage(no_lifting, GROUPS), charts.region_balance(no_lifting)):
        assert not fig.data
        assert "No lifting logged yet" in fig.layout.annotations[0].text
    # The running model has nothing to do with lifting: still drawn.
    assert charts.muscle_coverage(no_lifting, GROUPS, running=True).data


def test_sparse_lifting_starts_the_lifting_charts_a_week_before_the_first_lift():
    labels = [f"2026-W{n:02d}" for n in range(10, 30)]
    sessions = [0] * 16 + [1, 0, 2, 1]  # lifting only from W26
    season = pd.DataFrame({
        "strength_sessions": sessions, "lower_sets": [6.0 * n for n in sessions],
        "upper_sets": 0.0, "core_sets": 0.0, "sets_glutes": [6.0 * n for n in sessions],
        "run_glutes_s": 600.0}, index=pd.Index(labels, name="week"))
    for fig in (charts.region_balance(season), charts.muscle_coverage(season, ["glutes"])):
        assert list(fig.data[0].x) == labels[15:]  # W25, then the lifting weeks
    assert list(charts.muscle_coverage(season, ["glutes"], running=True).data[0].x) == labels


def test_progression_axes_start_at_zero_and_say_when_nothing_was_lifted(weeks):
    lifted = charts.progression(weeks)
    assert not [a for a in lifted.layout.annotations if "No lifting" in a.text]
    no_lifting = charts.progression(weeks.assign(lower_tonnage_kg=0.0, strength_sessions=0))
    axes = [no_lifting.layout[name] for name in no_lifting.layout if name.startswith("yaxis")]
    assert len(axes) == 4 and all(axis.rangemode == "tozero" for axis in axes)
    (note,) = [a for a in no_lifting.layout.annotations if "No lifting" in a.text]
    assert (note.xref, note.yref) == ("x4", "y4")  # in the tonnage panel
    assert no_lifting.layout.yaxis4.showticklabels is False


@pytest.mark.parametrize("chart", [charts.weekly_mix, charts.leg_day_strip, charts.progression,
                                   charts.load_chart, charts.monotony_strain,
                                   charts.distance_chart, charts.fibre_share, charts.hard_easy])
def test_every_chart_has_a_title_and_explains_an_empty_season(chart, weeks):
    assert chart(weeks).layout.title.text
    empty = chart(weeks.iloc[0:0])
    assert "No weeks" in empty.layout.annotations[0].text


def test_load_and_hard_easy_charts_carry_their_series(weeks):
    load = charts.load_chart(weeks)
    names = [t.name for t in load.data]
    assert {"running", "strength", "acute (7-day average per day)"} <= set(names)
    hard = charts.hard_easy(weeks, 0.25)
    guide = next(t for t in hard.data if t.name == "25% guide")
    assert list(guide.y) == [25.0, 25.0]


def test_strength_markers_of_one_week_stand_side_by_side_in_plain_words(weeks):
    # W32 has a lower-body and an upper-body session: one count each, the same height.
    weeks = weeks.assign(strength_full_body=[0, 1, 0])
    fig = charts.weekly_mix(weeks)
    markers = [t for t in fig.data if t.type == "scatter"]
    assert {t.name for t in markers} == {"lower-body lifting", "upper-body lifting",
                                         "full-body lifting"}
    assert fig.layout.scattermode == "group"  # same week, same count: beside, not on top
    assert len({t.offsetgroup for t in markers}) == len(markers)
    lower = next(t for t in markers if t.name == "lower-body lifting")
    assert lower.marker.size > max(t.marker.size for t in markers if t is not lower)


def _season(n: int) -> pd.DataFrame:
    """``n`` weeks from 2025-W01 on, each a copy of the fixture's first week."""
    labels = [f"{monday:%G-W%V}" for monday in pd.date_range("2024-12-30", periods=n,
                                                              freq="7D")]
    return pd.DataFrame({"steady_s": [3600.0] * n, "run_s": [3600.0] * n,
                         "strength_lower": [1] * n, "strength_sessions": [1] * n,
                         "leg_day": ["yes"] * n, "leg_day_reasons": [["lower"]] * n},
                        index=pd.Index(labels, name="week"))


@pytest.mark.parametrize("chart", [charts.weekly_mix, charts.leg_day_strip, charts.progression,
                                   charts.load_chart, charts.monotony_strain,
                                   charts.distance_chart, charts.fibre_share, charts.hard_easy,
                                   charts.region_balance,
                                   lambda w, **kw: charts.muscle_coverage(w, GROUPS, **kw),
                                   lambda w, **kw: charts.muscle_coverage(w, GROUPS, running=True,
                                                                          **kw)])
def test_a_long_season_opens_on_its_latest_16_weeks_with_month_ticks(chart):
    season = _season(40)
    fig = chart(season)
    assert list(fig.layout.xaxis.range) == [40 - 16 - 0.5, 40 - 0.5]
    texts = list(fig.layout.xaxis.ticktext)
    assert texts[:3] == ["Jan<br>2025", "Feb", "Mar"]
    assert len(texts) == 10  # January to October
    assert list(fig.layout.xaxis.tickvals)[1] == "2025-W06"  # Monday 3 February


def test_a_short_season_labels_every_week_with_its_monday():
    fig = charts.weekly_mix(_season(6))
    assert fig.layout.xaxis.range is None
    assert list(fig.layout.xaxis.ticktext)[:2] == ["W01<br>30 Dec", "W02<br>6 Jan"]


def test_the_selected_week_is_outlined_and_brought_into_view():
    season = _season(40)
    fig = charts.leg_day_strip(season, selected="2025-W10")
    assert list(fig.layout.xaxis.range) == [11 - 16 + 0.5, 11 + 0.5]  # W10 near the right
    outlines = [s for s in fig.layout.shapes if s.layer == "above"]
    assert [(s.x0, s.x1) for s in outlines] == [(8.5, 9.5)]
    recent = charts.progression(season, selected="2025-W40")
    assert list(recent.layout.xaxis.range) == [23.5, 39.5]
    panels = {s.xref for s in recent.layout.shapes}
    assert panels == {"x", "x2", "x3", "x4"}  # the week outlined in every panel
    whole = charts.weekly_mix(season, last=None)
    assert whole.layout.xaxis.range is None


def test_an_empty_progression_panel_starts_at_zero_not_below(weeks):
    fig = charts.progression(weeks.assign(lower_tonnage_kg=0.0))
    assert {fig.layout[f"yaxis{n}"].rangemode for n in ("", "2", "3", "4")} == {"tozero"}


@pytest.mark.parametrize("chart", [charts.load_chart, charts.monotony_strain, charts.hard_easy])
def test_a_right_hand_axis_gets_its_own_round_ticks(chart, weeks):
    # plotly.js would otherwise sync an overlaying axis to the left one: 27.8, 55.5, 83.3...
    assert chart(weeks).layout.yaxis2.tickmode == "auto"
