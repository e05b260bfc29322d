"""The plan in the name: the grammar on written sessions, FIT workouts and laps, and the plan
set beside what the classifier found (which the plan never changes)."""

from __future__ import annotations

import csv
import dataclasses
import re

import pandas as pd
import pytest

from legday.efforts import classify_activities, classify_run
from legday.io import read_path
from legday.io.fit import read_workout
from legday.model import Activity, Workout, WorkoutStep
from legday.plan import (
    Plan,
    compare,
    parse,
    plan_for,
    plan_from_laps,
    plan_from_workout_steps,
    plan_json,
)
from tests.conftest import ROOT, require_realdata

SEASON = ROOT / "data" / "samples" / "season"


@pytest.mark.parametrize(("text", "described", "reps", "kinds"), [
    ("6x800m / 90s", "6 x 800 m / 90 s", 6, {"interval"}),
    ("6 X 800M R90S", "6 x 800 m / 90 s", 6, {"interval"}),
    ("6 x 800m 90s rest", "6 x 800 m / 90 s", 6, {"interval"}),
    ("10x400 r200", "10 x 400 m / 200 m", 10, {"interval"}),
    ("hill reps x4", "4 hill reps", 4, {"hill"}),
    ("3*(4*400m)", "3 x (4 x 400 m)", 12, {"interval"}),
    ("4x(3x400 m)", "4 x (3 x 400 m)", 12, {"interval"}),
    ("2x6x200 m / 100 m jog", "2 x (6 x 200 m / 100 m)", 12, {"interval"}),
    ("5 × 1 km @ 3:45/km / 2:00", "5 x 1 km / 2 min", 5, {"interval"}),
    ("8x2 min tempo / 1 min walk", "8 x 2 min tempo / 1 min", 8, {"interval"}),
    ("10x200 m uphill sprints", "10 x 200 m hill", 10, {"hill"}),
    ("8 x 100 m", "8 x 100 m", 8, {"sprint"}),
    ("(4x800 + 1x600 + 3x400 m) / 1 min",
     "4 x 800 m / 1 min + 600 m / 1 min + 3 x 400 m / 1 min", 8, {"interval"}),
    ("ladder 300-200-150-100-100-150-200-300 m / 1 min",
     "ladder 300-200-150-100-100-150-200-300 m / 1 min", 8, {"interval"}),
    ("5x400 m / 1 min; 10 min rest; 4x300 m / 90 s",
     "5 x 400 m / 1 min + 10 min rest + 4 x 300 m / 90 s", 9, {"interval"}),
    ("warm-up + 4x100 m + 9x600 m", "warm-up + 4 x 100 m + 9 x 600 m", 13,
     {"sprint", "interval"}),
    ("3 sets x 3x300 m / jog between sets", "3 x (3 x 300 m)", 9, {"interval"}),
    ("jog then 11 strides", "11 strides", 11, {"sprint"}),
    ("2 sets of ~4 short hill reps", "8 hill reps", 8, {"hill"}),
    ("6-8 strides / ~1.5 min jog", "6 x strides / 90 s", 6, {"sprint"}),
    ("hill reps x4 up Malaghan St (~55 m climbs)", "4 hill reps", 4, {"hill"}),
])
def test_written_sessions_become_counted_plans(text: str, described: str, reps: int,
                                               kinds: set[str]) -> None:
    plan = parse(text)
    assert plan is not None and plan.counted
    assert plan.describe() == described
    assert len(plan.reps()) == reps
    assert {str(r.kind) for r in plan.reps()} == kinds


@pytest.mark.parametrize(("text", "described", "rep_kinds"), [
    ("easy + strides", "easy + strides", {"sprint"}),
    ("Dombfutások + 4k fokozó", "hill reps + 4 km progression", {"hill"}),  # Hungarian
    ("esti sprintek", "sprints", {"sprint"}),
    ("Syma résztáv", "intervals", {"interval"}),
    ("Lockerer Lauf + Steigerungen", "easy + strides", {"sprint"}),  # German
    ("5K tempo for breakfast", "5 km tempo", set()),
    ("1 laza kör", "easy", set()),
    ("Long run 30 km", "30 km long", set()),
])
def test_kind_words_in_several_languages(text: str, described: str,
                                         rep_kinds: set[str]) -> None:
    plan = parse(text)
    assert plan is not None and plan.describe() == described
    assert {str(r.kind) for r in plan.reps()} == rep_kinds


@pytest.mark.parametrize("text", [
    "Morning Run", "Evening run", "Afternoon Ride", "Warm up", "Cool down", "Pre-race",
    "Fishing trip Run", "Why did the coffee file a police report? It got mugged.",
    "I put my phone in airplane mode, but it's not flying!", "Szentivánéji száguldás 2025 relay",
    "V", "", "   ", None,
])
def test_free_text_plans_nothing(text: str | None) -> None:
    assert parse(text) is None


def _strava_rows() -> list[dict[str, str]]:
    path = require_realdata() / "bulk" / "stravaexport__slalom007" / "activities.csv"
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_real_strava_names_parse_only_where_a_plan_is_written() -> None:
    rows = _strava_rows()
    parsed = {r["Activity Name"]: parse(r["Activity Name"]) for r in rows}
    plans = {name: plan.describe() for name, plan in parsed.items() if plan is not None}
    assert len(rows) == 242
    assert plans == {
        "Dombfutások + 4k fokozó": "hill reps + 4 km progression",
        "5K tempo for breakfast": "5 km tempo",
        "1 laza kör": "easy",
        "Sunday regen": "easy",
        "Syma résztáv": "intervals",
        "esti sprintek": "sprints",
    }


def _label_counts(counts: str) -> list[tuple[str, str, int]]:
    out = []
    for item in counts.split(";"):
        match = re.fullmatch(r"(\w+)(>=|=)(\d+)", item.strip())
        assert match is not None, item
        out.append((match[1], match[2], int(match[3])))
    return out


@pytest.mark.parametrize(("labels", "parsed_at_least", "counted"),
                         [("strava-workouts-dev.csv", 57, 26), ("athlete2-dev.csv", 99, 31)])
def test_labelled_sessions_parse_to_the_labelled_structure(labels: str, parsed_at_least: int,
                                                           counted: int) -> None:
    """The label notes are sessions written by hand ("5x400 m / 1 min; 4x300 m / 90 s");
    where a label counts the efforts, the parsed plan must have exactly those reps."""
    with (require_realdata() / "labels" / labels).open() as handle:
        rows = list(csv.DictReader(handle))
    plans = [(row, parse(row["note"], "description")) for row in rows]
    assert sum(plan is not None for _, plan in plans) >= parsed_at_least
    checked = 0
    for row, plan in plans:
        if plan is None or not row["counts"]:
            continue
        assert plan.counted, row["note"]
        reps: dict[str, int] = {}
        for rep in plan.reps():
            reps[str(rep.kind)] = reps.get(str(rep.kind), 0) + 1
        for kind, op, number in _label_counts(row["counts"]):
            got = reps.get(kind, 0)
            assert got == number if op == "=" else got >= number, (row["note"], kind, got)
        checked += 1
    assert checked == counted


def _efforts(*reps: tuple[str, float, float], why: str = "fast") -> pd.DataFrame:
    rows = []
    for kind, distance, duration in reps:
        rows.append({"kind": kind, "distance_m": distance, "duration_s": duration, "why": why})
    return pd.DataFrame(rows, columns=["kind", "distance_m", "duration_s", "why"])


def test_a_plan_that_matches_says_what_was_found() -> None:
    plan = parse("6x800m / 90s")
    assert plan is not None
    found = _efforts(("steady", 2000, 600), *[("interval", d, 160) for d in
                                               (790, 801, 812, 799, 805, 795)])
    result = compare(plan, found)
    assert result.agrees and result.planned_reps == 6 and result.found_reps == 6
    assert result.sentences == ("planned 6 x 800 m / 90 s; found 6 reps of 790-812 m.",)


def test_a_missing_rep_is_a_disagreement() -> None:
    plan = parse("6x800m / 90s")
    assert plan is not None
    result = compare(plan, _efforts(*[("interval", 800, 160)] * 5))
    assert not result.agrees
    assert result.sentences == (
        "planned 6 x 800 m / 90 s, found 5: 5 intervals of 800 m.",)


def test_reps_of_the_wrong_size_are_named() -> None:
    plan = parse("4x400m")
    assert plan is not None
    result = compare(plan, _efforts(("interval", 405, 80), ("interval", 398, 80),
                                    ("interval", 250, 50), ("interval", 402, 80)))
    assert not result.agrees
    assert result.sentences[1] == ("the sizes disagree with the plan: interval 3 measures "
                                   "250 m for 400 m.")


def test_hill_reps_found_on_the_flat_are_called_out() -> None:
    plan = parse("hill reps x4")
    assert plan is not None
    result = compare(plan, _efforts(*[("interval", 200, 50)] * 4))
    assert not result.agrees
    assert any("no effort was read as a climb" in s for s in result.sentences)


def test_warm_up_strides_are_set_aside_from_planned_sprints() -> None:
    plan = parse("3x100 m in spikes")
    assert plan is not None
    found = pd.concat([_efforts(*[("sprint", 90, 15)] * 4, why="a stride in a warm-up"),
                       _efforts(*[("sprint", 100, 12)] * 3)], ignore_index=True)
    found["why"] = ["sprint: a stride in the warm-up"] * 4 + ["sprint: all out"] * 3
    result = compare(plan, found)
    assert result.agrees and result.found_reps == 3
    assert result.sentences[-1].startswith("also found 4 strides that the plan does not name")


def test_an_easy_plan_with_efforts_found_disagrees() -> None:
    plan = parse("easy")
    assert plan is not None
    assert compare(plan, _efforts(("steady", 8000, 2400))).agrees
    surged = compare(plan, _efforts(("steady", 8000, 2400), ("sprint", 80, 12)))
    assert not surged.agrees and "found 1 sprint" in surged.sentences[0]


@pytest.mark.parametrize(("file", "described", "reps"), [
    ("fitparse__WorkoutRepeatSteps.fit", "1 min warm-up + 3 x (500 m + 500 m) + cool-down", 6),
    ("fitparse__WorkoutIndividualSteps.fit", "1 min warm-up + 500 m + 500 m + cool-down", 2),
    ("fitparse__WorkoutRepeatGreaterThanStep.fit",
     "1 min warm-up + (500 m + 500 m) repeated + cool-down", 2),
])
def test_garmin_workout_files_give_their_plan(file: str, described: str, reps: int) -> None:
    payload = (require_realdata() / "fit" / file).read_bytes()
    fast = read_workout(payload, name=file, decoder="fast")
    assert fast is not None and fast == read_workout(payload, name=file, decoder="fitparse")
    plan = plan_from_workout_steps(fast.steps, fast.name)
    assert plan is not None and plan.source == "workout"
    assert plan.describe() == described and len(plan.reps()) == reps


def test_workout_steps_with_rest_steps_in_a_repeat() -> None:
    steps = (WorkoutStep(0, "time", duration_s=600, intensity="warmup"),
             WorkoutStep(1, "distance", distance_m=800, intensity="active"),
             WorkoutStep(2, "time", duration_s=90, intensity="rest"),
             WorkoutStep(3, "repeat_until_steps_cmplt", repeat_from=1, repeat_count=6),
             WorkoutStep(4, "open", intensity="cooldown"))
    plan = plan_from_workout_steps(steps, "Track 6x800")
    assert plan is not None
    assert plan.describe() == "10 min warm-up + 6 x 800 m / 90 s + cool-down"
    assert plan.text == "Track 6x800" and len(plan.reps()) == 6


def _season(*names: str) -> list[Activity]:
    return [a for name in names for a in read_path(SEASON / name) if isinstance(a, Activity)]


def test_sample_track_session_laps_agree_with_the_efforts() -> None:
    [run] = _season("2026-08-18-track-intervals.fit")
    plan = plan_for(run)
    assert plan is not None and plan.source == "laps"
    assert plan.describe() == "6 work laps of 795-813 m between rest laps"
    result = compare(plan, classify_run(run))
    assert result.agrees, result.sentences
    assert result.sentences[0].startswith("planned 6 work laps of 795-813 m between rest laps; "
                                          "found 6 reps of ")


def test_laps_that_are_all_active_plan_nothing() -> None:
    [run] = _season("2026-08-06-easy.fit")
    assert plan_from_laps(run.laps) is None
    assert plan_for(run) is None


def test_the_plan_comes_from_the_workout_then_description_then_name() -> None:
    [run] = _season("2026-08-06-easy.fit")
    named = dataclasses.replace(run, name="6x800m / 90s", description="hill reps x4")
    described = plan_for(named)
    assert described is not None and described.source == "description"
    workout = Workout("Ladder", (WorkoutStep(0, "distance", distance_m=400,
                                             intensity="active"),))
    followed = plan_for(dataclasses.replace(named, workout=workout))
    assert followed is not None and followed.source == "workout"
    assert followed.describe() == "400 m"
    only_name = plan_for(dataclasses.replace(run, name="6x800m / 90s"))
    assert only_name is not None and only_name.source == "name"


def test_classification_is_the_same_with_and_without_a_plan() -> None:
    """The score ``make score`` measures must not move: the classifier never reads a plan."""
    runs = _season("2026-08-06-easy.fit", "2026-08-11-hill-repeats.fit",
                   "2026-08-18-track-intervals.fit")
    workout = Workout("6x800", (WorkoutStep(0, "distance", distance_m=800, intensity="active"),
                                WorkoutStep(1, "repeat_until_steps_cmplt", repeat_from=0,
                                            repeat_count=6)))
    planned = [dataclasses.replace(r, name="10 x 200 m hill sprints",
                                   description="easy + strides", workout=workout) for r in runs]
    assert all(plan_for(p) is not None for p in planned)
    plain, with_plan = classify_activities(runs), classify_activities(planned)
    for a, b in zip(plain, with_plan, strict=True):
        assert a.primary == b.primary and a.notes == b.notes
        pd.testing.assert_frame_equal(a.efforts, b.efforts, check_exact=True)


def test_the_plan_json_of_a_real_strava_workout() -> None:
    path = require_realdata() / "bulk" / "stravaexport__slalom007" / "activities" / \
        "12594994234.fit.gz"
    [run] = [a for a in read_path(path) if isinstance(a, Activity)]
    assert run.workout is not None and run.workout.name == "Felmérő futás"
    result = plan_json(run, classify_run(run))
    assert result is not None
    assert result["source"] == "workout" and result["text"] == "Felmérő futás"
    assert result["plan"] == "2 min warm-up + 5 min + 2 min cool-down"
    assert result["reps"] == 1 and result["found_reps"] >= 1
    assert result["agrees"] == (result["found_reps"] == 1)


def test_plans_are_plain_data() -> None:
    plan = parse("3*(4*400m)")
    assert isinstance(plan, Plan) and plan.to_dict() == {
        "source": "name", "text": "3*(4*400m)", "plan": "3 x (4 x 400 m)", "reps": 12,
        "rep_kinds": ["interval"]}

