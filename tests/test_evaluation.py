"""Scoring functions: effort matching, synthetic-set scores and the real-label scores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from legday.evaluation import (
    PRF,
    RULE_GRID,
    CountRule,
    LabelRow,
    LabelScore,
    load_labels,
    match_efforts,
    match_rep_times,
    objective,
    parse_counts,
    rule_grid,
    score_labels,
    score_synthetic,
)

T0 = pd.Timestamp("2024-05-01T06:00:00Z")


def eff(kind: str, start: float, end: float) -> dict[str, object]:
    """An effort from second offsets after T0."""
    return {"kind": kind, "start": T0 + pd.Timedelta(seconds=start),
            "end": T0 + pd.Timedelta(seconds=end)}


def reps(kind: str, n: int, work: float, rest: float = 60.0, at: float = 600.0,
         ) -> list[dict[str, object]]:
    return [eff(kind, at + i * (work + rest), at + i * (work + rest) + work) for i in range(n)]


# --- match_efforts -----------------------------------------------------------------------

def test_exact_overlap_matches() -> None:
    true = [eff("steady", 0, 600), *reps("interval", 3, 120)]
    result = match_efforts(true, true)
    assert result.work == PRF(3, 0, 0)
    assert result.work.f1 == 1.0
    assert result.per_kind["steady"] == PRF(1, 0, 0)
    assert len(result.matches) == 4


def test_a_sprint_up_a_hill_matches_a_sprint_unless_strict() -> None:
    uphill = [{**e, "also": ["sprint"]} for e in reps("hill", 4, 12)]
    called_sprints = reps("sprint", 4, 12)
    result = match_efforts(uphill, called_sprints)
    assert result.per_kind["hill"] == PRF(4, 0, 0)
    assert result.per_kind["sprint"] == PRF(0, 0, 0)
    assert result.work == PRF(4, 0, 0)
    strict = match_efforts(uphill, called_sprints, strict=True)
    assert strict.per_kind["hill"] == PRF(0, 0, 4)
    assert strict.per_kind["sprint"] == PRF(0, 4, 0)
    # A flat interval is not a sprint up a hill either way.
    assert match_efforts(uphill, reps("interval", 4, 12)).work == PRF(0, 4, 4)


def test_forty_percent_overlap_does_not_match() -> None:
    result = match_efforts([eff("interval", 0, 100)], [eff("interval", 60, 160)])
    assert result.work == PRF(0, 1, 1)
    assert result.work.precision == result.work.recall == result.work.f1 == 0.0


def test_half_of_each_is_enough() -> None:
    result = match_efforts([eff("interval", 0, 100)], [eff("interval", 50, 150)])
    assert result.work == PRF(1, 0, 0)


def test_overlap_must_be_half_of_each_duration() -> None:
    # Covers all of the true rep but is mostly something else.
    result = match_efforts([eff("interval", 100, 160)], [eff("interval", 0, 300)])
    assert result.work == PRF(0, 1, 1)


def test_matching_is_one_to_one() -> None:
    true = [eff("interval", 0, 100)]
    pred = [eff("interval", 0, 100), eff("interval", 5, 95)]
    result = match_efforts(true, pred)
    assert result.work == PRF(1, 1, 0)
    assert result.matches[0].pred_index == 0  # the larger overlap wins


def test_kind_must_agree_and_headline_is_work_kinds() -> None:
    true = [eff("steady", 0, 300), eff("hill", 300, 360), eff("recovery", 360, 450)]
    pred = [eff("steady", 0, 300), eff("sprint", 300, 360), eff("steady", 360, 450)]
    result = match_efforts(true, pred)
    assert result.per_kind["hill"] == PRF(0, 0, 1)
    assert result.per_kind["sprint"] == PRF(0, 1, 0)
    assert result.per_kind["recovery"] == PRF(0, 0, 1)
    assert result.per_kind["steady"] == PRF(1, 1, 0)
    assert result.work == PRF(0, 1, 1)
    only_hill = match_efforts(true, pred, kinds=["hill"])
    assert set(only_hill.per_kind) == {"hill"}


def test_inputs_as_strings_frames_and_naive_times() -> None:
    true = [{"kind": "sprint", "start": "2024-05-01T06:00:00Z", "end": "2024-05-01T06:00:20Z"}]
    pred = pd.DataFrame([{"kind": "sprint", "start": pd.Timestamp("2024-05-01 06:00:01"),
                          "end": pd.Timestamp("2024-05-01 06:00:19")}])
    assert match_efforts(true, pred).work == PRF(1, 0, 0)


def test_empty_cases() -> None:
    assert match_efforts([], []).work.f1 == 1.0
    nothing_found = match_efforts(reps("interval", 2, 60), [])
    assert nothing_found.work.precision == 1.0 and nothing_found.work.recall == 0.0
    assert nothing_found.work.f1 == 0.0


# --- score_synthetic ---------------------------------------------------------------------

def test_score_synthetic() -> None:
    truth = [
        {"file": "001_track.fit", "workout": "track", "primary": "interval",
         "efforts": [eff("steady", 0, 600), *reps("interval", 4, 120)]},
        {"file": "002_easy.gpx", "workout": "easy", "primary": "steady",
         "efforts": [eff("steady", 0, 3000)]},
        {"file": "003_hill.fit", "workout": "hill", "primary": "hill",
         "efforts": [eff("steady", 0, 600), *reps("hill", 3, 60)]},
    ]
    predictions = {
        "001_track.fit": {"primary": "interval", "efforts": reps("interval", 3, 120)},
        "002_easy": {"primary": "interval", "efforts": [eff("interval", 100, 200)]},
    }
    score = score_synthetic(truth, predictions)
    assert score.n_runs == 3
    assert score.missing == ("003_hill.fit",)
    assert score.primary_accuracy == pytest.approx(1 / 3)
    assert score.balanced_primary_accuracy == pytest.approx(1 / 3)
    assert score.primary_confusion == {"interval": {"interval": 1}, "steady": {"interval": 1},
                                       "hill": {"missing": 1}}
    assert score.efforts.per_kind["interval"] == PRF(3, 1, 1)
    assert score.efforts.per_kind["hill"] == PRF(0, 0, 3)
    assert score.efforts.work == PRF(3, 1, 4)
    assert score.by_workout["track"]["primary_accuracy"] == 1.0
    assert score.to_dict()["efforts"]["work"]["tp"] == 3


# --- real labels -------------------------------------------------------------------------

def test_parse_counts_and_rules() -> None:
    rules = parse_counts("interval=10;sprint>=3")
    assert rules == (CountRule("interval", "=", 10), CountRule("sprint", ">=", 3))
    ten, three = rules
    assert [ten.satisfied(n) for n in (7, 8, 10, 12, 13)] == [False, True, True, True, False]
    small = CountRule("interval", "=", 3)
    assert [small.satisfied(n) for n in (1, 2, 4, 5)] == [False, True, True, False]
    assert [three.satisfied(n) for n in (2, 3, 9)] == [False, True, True]
    assert parse_counts("") == ()
    with pytest.raises(ValueError):
        parse_counts("interval~3")


def test_rep_time_tolerance() -> None:
    # 12 % of 72 s is 8.64 s; 2.5 s applies below ~20.8 s.
    assert match_rep_times([72.0], [80.5]) == [0]
    assert match_rep_times([72.0], [80.7]) == [None]
    assert match_rep_times([12.1], [14.5]) == [0]
    assert match_rep_times([12.1], [14.7]) == [None]


def test_rep_times_one_to_one_with_maximum_matching() -> None:
    assert match_rep_times([50.0, 51.0], [50.0]) == [0, None]
    # Greedy would give 12 s to the 10 s rep and leave the 14 s rep without one.
    assert match_rep_times([10.0, 14.0], [12.0, 8.0]) == [1, 0]


def _labels() -> list[LabelRow]:
    return [
        LabelRow("1", ("interval",), ("interval",), (), parse_counts("interval=5"),
                 (72.0, 71.0, 73.0)),
        LabelRow("2", ("interval",), ("interval", "sprint"), (), parse_counts("sprint>=4")),
        LabelRow("3", ("interval",)),
        LabelRow("4", ("steady",)),
        LabelRow("5", ("steady",)),
        LabelRow("6", ("hill", "sprint", "interval"), (), ("hill", "sprint", "interval"),
                 parse_counts("hill=4")),
    ]


def test_balanced_accuracy_punishes_always_interval() -> None:
    labels = _labels()
    always = {r.file: {"primary": "interval", "efforts": []} for r in labels}
    score = score_labels(labels, always)
    assert score.primary_accuracy == pytest.approx(4 / 6)
    # Classes: interval 3/3, steady 0/2, hill (row 6, via its alternative) 1/1.
    assert score.per_class == {"hill": {"right": 1, "rows": 1},
                               "interval": {"right": 3, "rows": 3},
                               "steady": {"right": 0, "rows": 2}}
    assert score.balanced_primary_accuracy == pytest.approx((1 + 1 + 0) / 3)
    assert score.easy_fp_share == 1.0
    perfect = {"1": "interval", "2": "interval", "3": "interval", "4": "steady", "5": "steady",
               "6": "sprint"}
    score = score_labels(labels, {k: {"primary": v} for k, v in perfect.items()})
    assert score.balanced_primary_accuracy == 1.0 and score.easy_fp_share == 0.0


def test_label_scores_and_details() -> None:
    labels = _labels()
    preds = {
        1: {"primary": "interval", "efforts": reps("interval", 6, 72.0) + [eff("steady", 0, 600)]},
        "2": {"primary": "interval",
              "efforts": reps("interval", 3, 100.0) + reps("sprint", 2, 15.0, at=2000)},
        "4": {"primary": "steady", "efforts": [eff("steady", 0, 1800)]},
        "5": {"primary": "sprint", "efforts": reps("sprint", 2, 15.0)},
        "6": {"primary": "hill", "efforts": reps("hill", 4, 60.0)},
    }
    score = score_labels(labels, preds)
    assert score.missing == ("3",)
    # Required: row 1 interval yes; row 2 interval yes, sprint yes -> 3/3.
    assert score.required_recall == 1.0
    # Counts: interval=5 with 6 (ok), sprint>=4 with 2 (miss), hill=4 (ok).
    assert score.count_accuracy == pytest.approx(2 / 3)
    assert score.rep_time_accuracy == 1.0
    assert score.easy_fp_share == 0.5
    details = {d["file"]: d for d in score.details}
    assert details["2"]["misses"] == ["count sprint>=4: detected 2"]
    assert details["3"]["misses"] == ["no prediction"]
    assert details["5"]["misses"] == ["primary: predicted sprint, expected steady"]
    assert details["1"]["misses"] == []


def test_rep_time_misses_are_explained() -> None:
    row = LabelRow("9", ("sprint",), ("sprint",), (), (), (12.1, 12.4))
    score = score_labels([row], {"9": {"primary": "sprint",
                                       "efforts": [eff("sprint", 0, 12), eff("steady", 12, 99)]}})
    assert score.rep_time_accuracy == 0.5
    (miss,) = score.details[0]["misses"]
    assert miss.startswith("rep time 12.4 s")


def test_load_labels_from_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(
        "file,primary,required,optional,counts,times,note\n"
        "111,interval,interval|sprint,,interval=9;sprint>=4,72 78 76.5,\"5x400, 4x100\"\n"
        "222,hill|sprint|interval,,hill|sprint|interval,hill=4,,hills\n"
        "333,steady,,,,,easy\n", encoding="utf-8")
    rows = load_labels(path)
    assert [r.file for r in rows] == ["111", "222", "333"]
    assert rows[0].required == ("interval", "sprint")
    assert rows[0].counts == (CountRule("interval", "=", 9), CountRule("sprint", ">=", 4))
    assert rows[0].times == (72.0, 78.0, 76.5)
    assert rows[0].note == "5x400, 4x100"
    assert rows[1].primary == ("hill", "sprint", "interval")
    assert rows[2].required == () and rows[2].times == ()


def test_load_the_real_label_file(realdata: Path) -> None:
    rows = load_labels(realdata / "labels" / "strava-workouts-dev.csv")
    assert len(rows) >= 50
    by_file = {r.file: r for r in rows}
    row = by_file["13920452748"]
    assert row.primary == ("interval",)
    assert row.counts == (CountRule("interval", "=", 9),)
    assert row.times == (72, 78, 76, 75, 74, 52, 52, 51, 52)
    assert {p for r in rows for p in r.primary} <= {"steady", "hill", "sprint", "interval"}
    # Scoring the file with nothing predicted works and explains every row.
    score = score_labels(rows, {})
    assert len(score.missing) == len(rows) and len(score.details) == len(rows)
    assert score.easy_fp_share is None


def test_synthetic_truth_scored_against_itself_is_perfect() -> None:
    from legday.synth import generate_run

    truth = []
    for workout, seed in (("hill_repeats", 1), ("track_intervals", 2), ("strides", 3)):
        run = generate_run(workout, seed=seed)
        truth.append(run.truth(f"{workout}.fit"))
    preds = {t["file"]: {"primary": t["primary"], "efforts": t["efforts"]} for t in truth}
    score = score_synthetic(truth, preds)
    assert score.primary_accuracy == 1.0
    assert score.efforts.work.f1 == 1.0
    assert all(prf.f1 == 1.0 for prf in score.efforts.per_kind.values())


# --- choosing thresholds -------------------------------------------------------------------

def test_objective_averages_the_metrics_with_the_easy_share_inverted() -> None:
    score = LabelScore(n_rows=4, missing=(), balanced_primary_accuracy=0.9,
                       primary_accuracy=0.9, per_class={}, required_recall=1.0,
                       count_accuracy=0.8, rep_time_accuracy=None, easy_fp_share=0.1)
    assert objective(score) == pytest.approx((0.9 + 1.0 + 0.8 + 0.9) / 4)


def test_the_rule_grid_holds_every_combination_and_the_shipped_rules() -> None:
    from legday.efforts import RULES

    combos = rule_grid(RULE_GRID)
    assert len(combos) == 3 ** len(RULE_GRID)
    assert len({tuple(sorted(c.items())) for c in combos}) == len(combos)
    shipped = {name: getattr(RULES, name) for name in RULE_GRID}
    assert shipped in combos
    # The shipped value sits in the middle of each range, so both directions are tried.
    assert all(values[1] == shipped[name] for name, values in RULE_GRID.items())
