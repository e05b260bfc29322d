"""Weekly CSV export and the self-contained HTML report, from a stored sample season."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from legday.cli import main
from legday.library import Library, load_library
from legday.report import html_report, weekly_csv
from legday.store import import_paths, open_store

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Library]:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'legday.db'}"
    store = open_store(url)
    ctx = store.athlete()
    report = import_paths(ctx, [SAMPLES / "season", SAMPLES / "strength_log.csv"])
    assert report.imported == 58 and not report.errors
    library = load_library(ctx)
    store.close()
    return url, library


def test_the_stored_season_gives_the_same_weeks_as_the_files(stored):
    _, library = stored
    weeks = library.season.weeks
    assert list(weeks.index[[0, -1]]) == ["2026-W32", "2026-W45"]
    assert weeks.loc["2026-W42", "leg_day"] == "no"
    assert "hard_days_not_hard" in {f.code for f in weeks.loc["2026-W33", "findings"]}


def test_the_csv_has_a_row_per_week_with_its_numbers_and_findings(stored):
    _, library = stored
    rows = list(csv.DictReader(io.StringIO(weekly_csv(library.season))))
    assert [r["week"] for r in rows] == list(library.season.weeks.index)
    w39 = next(r for r in rows if r["week"] == "2026-W39")
    assert float(w39["run_distance_m"]) == pytest.approx(
        library.season.weeks.loc["2026-W39", "run_distance_m"], abs=0.5)
    assert "ramp_spike" in w39["findings"] and w39["leg_day"] in {"yes", "partly", "no"}
    assert len(list(csv.DictReader(io.StringIO(weekly_csv(library.season, 4))))) == 4


def test_the_html_report_is_self_contained_and_says_what_the_weeks_say(stored):
    _, library = stored
    text = html_report(library, athlete="Sam", weeks=6)
    assert not re.search(r"<script[^>]+src=\"https?:", text)  # opens offline
    assert text.count("Plotly.newPlot") >= 8
    assert "2026-W40 to 2026-W45 (6 weeks)" in text
    assert "neglected_muscles" in text and "2026-W39" not in text.split("Week by week")[1]
    assert "model, not a measurement" in text


def test_report_and_export_commands_write_their_files(stored, tmp_path: Path):
    url, _ = stored
    out = io.StringIO()
    html = tmp_path / "r.html"
    assert main(["report", "--db", url, "--html", str(html), "--weeks", "4", "--json"], out) == 0
    assert json.loads(out.getvalue())["weeks"] == 4 and html.stat().st_size > 1_000_000
    out = io.StringIO()
    table = tmp_path / "w.csv"
    assert main(["export", "--db", url, "--csv", str(table), "--json"], out) == 0
    assert json.loads(out.getvalue()) == {"csv": str(table), "weeks": 14}
    assert table.read_text(encoding="utf-8").startswith("week,week_start,")


def test_the_report_uses_the_athletes_own_thresholds(tmp_path: Path):
    from legday.store import put_settings

    url = f"sqlite:///{tmp_path / 'legday.db'}"
    store = open_store(url)
    me = store.athlete()
    import_paths(me, [SAMPLES / "season", SAMPLES / "strength_log.csv"])
    put_settings(me, {"thresholds": {"max_hard_share": 0.2}})
    store.close()
    table = tmp_path / "w.csv"
    assert main(["export", "--db", url, "--csv", str(table)], io.StringIO()) == 0
    w44 = next(r for r in csv.DictReader(io.StringIO(table.read_text(encoding="utf-8")))
               if r["week"] == "2026-W44")
    # 23 % hard: under the default 25 %, over the athlete's own 20 %.
    assert "too_much_hard" in w44["findings"]


def test_the_report_has_the_downhill_and_climbing_trends_and_the_standing_notes(
        tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'legday.db'}"
    store = open_store(url)
    ctx = store.athlete()
    import_paths(ctx, [SAMPLES / "season"])  # no strength log: one watch strength file
    library = load_library(ctx)
    store.close()
    text = html_report(library, athlete="Sam")
    assert "Downhill running per week" in text and "Climbing against the flat" in text
    assert "A proxy for hill strength" in text
    standing = text.split("<h2>Standing notes</h2>")[1].split("</ul>")[0]
    assert "Fewer than 2 strength sessions in 14 of 14 weeks" in standing
    assert "Log every session: Strength log" in standing
    assert "low_strength_frequency" not in text.split("Week by week")[1]
    assert "steep descent<b>" in text


def test_the_report_sets_each_plan_beside_what_was_found(tmp_path: Path):
    export = tmp_path / "export_5"
    (export / "activities").mkdir(parents=True)
    for name in ("2026-08-18-track-intervals.fit", "2026-08-11-hill-repeats.fit"):
        (export / "activities" / name).write_bytes((SAMPLES / "season" / name).read_bytes())
    (export / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
        "Elapsed Time,Distance,Filename\n"
        '1,"Aug 18, 2026, 5:12:00 PM",Track,Run,6 x 800m / 90s,3600,10,'
        "activities/2026-08-18-track-intervals.fit\n"
        '2,"Aug 11, 2026, 5:12:00 PM",Hills,Run,hill reps x12,3600,10,'
        "activities/2026-08-11-hill-repeats.fit\n")
    store = open_store(f"sqlite:///{tmp_path / 'legday.db'}")
    ctx = store.athlete()
    assert import_paths(ctx, [export]).imported == 2
    library = load_library(ctx)
    store.close()
    plans = html_report(library, athlete="Sam").split("Plan beside detection</h2>")[1]
    plans = plans.split("<h2>")[0]
    track = re.search(r"<li class='(\w+)'><b>2026-W34 · Track</b>: ([^<]*)</li>", plans)
    assert track is not None and track[1] == "good"
    assert track[2].startswith("planned 6 x 800 m / 90 s; found 6 reps of ")
    hills = re.search(r"<li class='(\w+)'><b>2026-W33 · Hills</b>: ([^<]*)</li>", plans)
    assert hills is not None and hills[1] == "warning"
    assert hills[2].startswith("planned 12 hill reps, found ")


@pytest.fixture(scope="module")
def long_season(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The sample season with a lift months earlier: longer than the dashboard's 16 weeks."""
    folder = tmp_path_factory.mktemp("long")
    early = folder / "early.csv"
    early.write_text("date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\n"
                     "2026-02-03,Back squat,3,5,80,8,,\n")
    store = open_store(f"sqlite:///{folder / 'legday.db'}")
    ctx = store.athlete()
    import_paths(ctx, [SAMPLES / "season", SAMPLES / "strength_log.csv", early])
    library = load_library(ctx)
    store.close()
    return library


def _weekly_axes(figure) -> list:
    return [axis for name, axis in figure.layout.to_plotly_json().items()
            if name.startswith("xaxis") and axis.get("categoryarray") is not None]


@pytest.mark.parametrize("weeks", [None, 20])
def test_the_report_charts_show_every_week_asked_for(long_season, weeks):
    from legday.report import last_weeks, report_figures
    from legday.units import Units

    season = long_season.season
    table = last_weeks(season, weeks)
    assert len(table) == (weeks or len(season.weeks)) and len(table) > 16
    framed = whole = 0
    for figure in report_figures(season, table, Units("km")):
        for axis in _weekly_axes(figure):
            framed += 1
            assert axis.get("range") is None  # not the dashboard's latest 16 weeks
            shown = list(axis["categoryarray"])
            # Lifting charts start a week before the first lift in the table; others at its start.
            assert shown == list(table.index)[-len(shown):]
            whole += shown == list(table.index)
    assert framed >= 9  # every weekly chart, the progression's panels too
    assert whole >= 7
    text = html_report(long_season, athlete="Sam", weeks=weeks)
    assert f"({len(table)} weeks)" in text
