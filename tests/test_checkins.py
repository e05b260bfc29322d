"""Next-morning check-ins: the CSV, the check-in itself, the day before, the summaries and
the sentences the weekly verdict shows (on the sample season's real runs and lifting)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from legday.checkins import (
    AFTER_KINDS,
    CheckIn,
    CheckInImportError,
    checkin_frame,
    frame_checkins,
    legs_after,
    link_checkins,
    read_checkins_csv,
    week_evidence,
    write_checkins_csv,
)
from legday.io import read_paths
from legday.model import Activity
from legday.season import Season, analyse
from legday.strength.log import read_strength_csv
from legday.units import Units
from tests.conftest import ROOT

SAMPLES = ROOT / "data" / "samples"

GOOD_CSV = b"""date,legs,soreness,note,muscles
2026-08-12,heavy,6,stairs hurt,quads;calves
2026-08-07,Fresh,,,
2026-08-19,sore,7,,hamstrings | glutes
"""


@pytest.fixture(scope="module")
def sample_runs() -> tuple[list[Activity], pd.DataFrame]:
    activities = [a for a in read_paths([SAMPLES / "season"]) if isinstance(a, Activity)]
    return activities, read_strength_csv(SAMPLES / "strength_log.csv").entries


@pytest.fixture(scope="module")
def season(sample_runs) -> Season:
    """The sample season with mornings after its hill run (Tue 11 Aug), its track
    intervals and leg session (Tue 18 Aug), an easy run (Thu 6 Aug), a rest day (Wed 5
    Aug) and a leg session alone (Wed 9 Sep)."""
    activities, entries = sample_runs
    mornings = [CheckIn(dt.date(2026, 8, 12), "heavy", 6, ("quads", "calves")),
                CheckIn(dt.date(2026, 8, 19), "sore", 7),
                CheckIn(dt.date(2026, 8, 7), "fresh"),
                CheckIn(dt.date(2026, 8, 6), "normal"),
                CheckIn(dt.date(2026, 9, 10), "fresh", note="felt springy")]
    return analyse(activities, entries, checkins=mornings)


def test_a_csv_reads_every_column_in_any_case_and_order():
    read = read_checkins_csv(GOOD_CSV, name="legs.csv")
    assert read.problems == []
    by_date = {c.date: c for c in read.checkins}
    assert by_date[dt.date(2026, 8, 12)] == CheckIn(dt.date(2026, 8, 12), "heavy", 6,
                                                    ("quads", "calves"), "stairs hurt")
    assert by_date[dt.date(2026, 8, 7)] == CheckIn(dt.date(2026, 8, 7), "fresh")
    # Muscles come back in the vocabulary's order, whatever order they were written in.
    assert by_date[dt.date(2026, 8, 19)].muscles == ("hamstrings", "glutes")
    reordered = b"note;soreness;legs;date\n;3;normal;2026-01-05\n"
    assert read_checkins_csv(reordered).checkins == [CheckIn(dt.date(2026, 1, 5), "normal", 3)]


def test_bad_rows_are_problems_with_their_line_and_the_rest_loads():
    text = (b"date,legs,soreness,note\n"
            b"2026-09-01,heavy,4,ok\n"
            b"2026-13-01,heavy,,\n"
            b"2026-09-02,tired,,\n"
            b"2026-09-03,sore,11,\n"
            b"2026-09-04,sore,2.5,\n"
            b"2026-09-05,,,\n"
            b"\n"
            b"2026-09-01,fresh,,again\n"
            b"2026-09-06,normal,,\n")
    read = read_checkins_csv(text)
    assert [c.date.day for c in read.checkins] == [1, 6]
    assert read.checkins[0].note == "ok"  # the first row of a date given twice is kept
    problems = {p.line: p.reason for p in read.problems}
    assert set(problems) == {3, 4, 5, 6, 7, 9}
    assert "not a date like 2026-09-02" in problems[3]
    assert "'tired' is none of fresh, normal, heavy, sore" in problems[4]
    assert "whole number from 1 to 10" in problems[5] and "whole number" in problems[6]
    assert "no legs value" in problems[7]
    assert "already on line 2" in problems[9]
    with_muscle = read_checkins_csv(b"date,legs,muscles\n2026-09-01,sore,elbows\n")
    assert "muscle 'elbows' is none of quads" in str(with_muscle.problems[0])


@pytest.mark.parametrize(("payload", "words"), [
    (b"", "the file is empty"),
    (b"day,feeling\n2026-01-01,fresh\n", "no date or legs column"),
    (b"date,soreness\n2026-01-01,3\n", "no legs column"),
    (b"\xff\xfe\x00d\x00a", "not a text CSV file"),
])
def test_a_file_that_is_no_checkin_csv_is_refused_with_its_name(payload: bytes, words: str):
    with pytest.raises(CheckInImportError, match=words) as caught:
        read_checkins_csv(payload, name="morning.csv")
    assert str(caught.value).startswith("morning.csv: ")


def test_the_csv_legday_writes_reads_back_unchanged():
    checkins = read_checkins_csv(GOOD_CSV).checkins
    again = read_checkins_csv(write_checkins_csv(checkins).encode())
    assert again.problems == [] and again.checkins == sorted(checkins, key=lambda c: c.date)
    assert frame_checkins(checkin_frame(checkins)) == again.checkins


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"legs": "wobbly"}, "none of fresh"),
    ({"soreness": 0}, "from 1 to 10"),
    ({"soreness": 3.5}, "whole number"),
    ({"muscles": ("wings",)}, "muscle 'wings'"),
    ({"note": "x" * 501}, "longer than 500"),
])
def test_a_check_in_refuses_what_it_cannot_mean(kwargs: dict, words: str):
    values = {"date": dt.date(2026, 1, 1), "legs": "fresh", **kwargs}
    with pytest.raises(ValueError, match=words):
        CheckIn(**values)


def test_each_morning_is_linked_to_the_runs_and_lifting_of_the_day_before(season: Season):
    linked = season.checkins.set_index(season.checkins["date"].dt.date)
    assert linked.loc[dt.date(2026, 8, 12), "after"] == ("hill",)
    assert linked.loc[dt.date(2026, 8, 12), "after_date"] == dt.date(2026, 8, 11)
    assert linked.loc[dt.date(2026, 8, 12), "week"] == "2026-W33"
    assert linked.loc[dt.date(2026, 8, 19), "after"] == ("interval", "leg_session")
    assert linked.loc[dt.date(2026, 8, 19), "after_words"].startswith("interval run (1")
    assert "leg session (21 lower-body sets)" in linked.loc[dt.date(2026, 8, 19), "after_words"]
    assert linked.loc[dt.date(2026, 8, 7), "after"] == ("steady",)
    assert linked.loc[dt.date(2026, 8, 6), "after"] == ("rest",)
    assert linked.loc[dt.date(2026, 9, 10), "after"] == ("leg_session",)


def test_the_day_before_uses_the_athletes_distance_unit(sample_runs):
    activities, entries = sample_runs
    season = analyse(activities, entries, checkins=[CheckIn(dt.date(2026, 8, 12), "heavy")])
    km = season.checkins["after_words"].iloc[0]
    miles = link_checkins(checkin_frame([CheckIn(dt.date(2026, 8, 12), "heavy")]),
                          season.runs, season.strength, Units("mi"))["after_words"].iloc[0]
    metres = float(season.runs.loc[season.runs["primary"] == "hill", "distance_m"].iloc[0])
    assert km == f"hill run ({metres / 1000:.1f} km)"
    assert miles == f"hill run ({metres / 1609.344:.1f} mi)"


def test_legs_after_counts_each_kind_of_day_before(season: Season):
    table = legs_after(season.checkins)
    assert list(table.index) == [k for k in AFTER_KINDS
                                 if k in ("hill", "interval", "steady", "leg_session", "rest")]
    assert table.loc["hill", "heavy"] == 1 and table.loc["hill", "tired_share"] == 1.0
    # Two leg sessions: sore after the one with intervals, fresh after the one alone.
    assert table.loc["leg_session", "mornings"] == 2
    assert table.loc["leg_session", "tired_share"] == 0.5
    assert table.loc["leg_session", "mean_soreness"] == 7.0
    assert table.loc["steady", "fresh"] == 1 and table.loc["steady", "tired_share"] == 0.0
    assert pd.isna(table.loc["rest", "mean_soreness"])
    assert legs_after(season.checkins.iloc[0:0]).empty


def test_the_verdict_shows_the_mornings_beside_the_efforts_without_changing(sample_runs,
                                                                           season: Season):
    activities, entries = sample_runs
    without = analyse(activities, entries)
    assert list(season.weeks["leg_day"]) == list(without.weeks["leg_day"])
    w33 = season.weeks.loc["2026-W33", "leg_day_reasons"]
    assert w33[:-1] == without.weeks.loc["2026-W33", "leg_day_reasons"]
    assert w33[-1] == "Tuesday's hill run: heavy legs on Wednesday (soreness 6/10: quads, calves)"
    assert season.weeks.loc["2026-W34", "leg_day_reasons"][-1] == (
        "Tuesday's interval run and leg session: sore legs on Wednesday (soreness 7/10)")
    assert season.weeks.loc["2026-W37", "leg_day_reasons"][-1] == (
        "Wednesday's leg session: fresh legs on Thursday")
    # Fresh legs after an easy run and a normal morning after a rest day say nothing new.
    assert season.weeks.loc["2026-W32", "leg_day_reasons"] == \
        without.weeks.loc["2026-W32", "leg_day_reasons"]
    assert set(week_evidence(season.checkins)) == {"2026-W33", "2026-W34", "2026-W37"}


def test_heavy_legs_after_an_easy_day_are_evidence_too(season: Season):
    morning = checkin_frame([CheckIn(dt.date(2026, 8, 7), "heavy", 4)])
    linked = link_checkins(morning, season.runs, season.strength)
    assert week_evidence(linked) == {
        "2026-W32": ["Thursday's steady run: heavy legs on Friday (soreness 4/10)"]}


def test_the_weekly_json_lists_the_mornings_with_their_week_and_the_summary(season: Season):
    payload = json.loads(json.dumps(season.to_dict(), allow_nan=False))
    mornings = payload["checkins"]
    assert [m["date"] for m in mornings] == ["2026-08-06", "2026-08-07", "2026-08-12",
                                             "2026-08-19", "2026-09-10"]
    assert mornings[2] == {
        "date": "2026-08-12", "legs": "heavy", "soreness": 6, "muscles": ["quads", "calves"],
        "note": None, "after_date": "2026-08-11", "week": "2026-W33", "after": ["hill"],
        "after_words": mornings[2]["after_words"],
        "evidence": "Tuesday's hill run: heavy legs on Wednesday (soreness 6/10: quads, calves)"}
    assert [m["evidence"] is None for m in mornings] == [True, True, False, False, False]
    w33 = next(w for w in payload["weeks"] if w["week"] == "2026-W33")
    assert w33["leg_day_reasons"][-1] == mornings[2]["evidence"]
    hill = next(r for r in payload["legs_after"] if r["after"] == "hill")
    assert hill == {"after": "hill", "fresh": 0, "normal": 0, "heavy": 1, "sore": 0,
                    "mornings": 1, "tired_share": 1.0, "mean_soreness": 6.0}


def test_the_weekly_command_reads_check_ins_beside_the_files(tmp_path):
    import io

    from legday.cli import main

    legs = tmp_path / "legs.csv"
    legs.write_bytes(GOOD_CSV + b"2026-08-20,meh,,,\n")
    argv = ["weekly", str(SAMPLES / "season"), "--strength", str(SAMPLES / "strength_log.csv"),
            "--checkins", str(legs)]
    out = io.StringIO()
    assert main([*argv, "--json"], out) == 0
    payload = json.loads(out.getvalue())
    w33 = next(w for w in payload["weeks"] if w["week"] == "2026-W33")
    sentence = "Tuesday's hill run: heavy legs on Wednesday (soreness 6/10: quads, calves)"
    assert w33["leg_day_reasons"][-1] == sentence
    assert [(m["date"], m["week"], m["evidence"]) for m in payload["checkins"]
            if m["week"] == "2026-W33"] == [("2026-08-12", "2026-W33", sentence)]
    assert {"file": str(legs), "line": 5,
            "reason": "legs 'meh' is none of fresh, normal, heavy, sore"} in payload["problems"]
    text = io.StringIO()
    assert main(argv, text) == 0
    assert f"2026-W33  morning  {sentence}\n" in text.getvalue()
    assert "legs the morning after: hill run: 1 of 1 heavy or sore\n" in text.getvalue()


def test_the_html_report_shows_the_mornings_of_its_weeks(season: Season):
    from legday.calibration import AthleteProfile
    from legday.library import Library
    from legday.report import html_report

    library = Library(season, [], pd.DataFrame(), AthleteProfile(), pd.DataFrame())
    text = html_report(library, athlete="Sam")
    section = text.split("<h2>Legs the morning after</h2>")[1].split("<h2>Week by week</h2>")[0]
    assert "How the legs felt the morning after" in section
    assert section.count("<tr><td>2026-") == 5
    assert "<td>heavy</td><td>6/10</td><td>quads, calves</td><td>hill run (" in section
    assert "Tuesday&#x27;s hill run: heavy legs on Wednesday" in text.split("Week by week")[1]
    # The last 6 weeks (from 2026-W40) hold none of the mornings.
    recent = html_report(library, athlete="Sam", weeks=6)
    assert "No next-morning check-ins in these weeks." in recent


def test_a_note_that_reads_as_a_formula_is_neutralised_in_the_csv_and_read_back_as_typed():
    typed = '=HYPERLINK("http://evil.example","legs")'
    written = write_checkins_csv([CheckIn(dt.date(2026, 3, 2), "sore", 7, ("quads",), typed)])
    assert "\n=HYPERLINK" not in written and ",=HYPERLINK" not in written
    [again] = read_checkins_csv(written.encode()).checkins
    assert again.note == typed and again.muscles == ("quads",) and again.soreness == 7
