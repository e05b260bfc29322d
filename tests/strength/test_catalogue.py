"""The exercise catalogue: coverage of muscles and Garmin categories, tolerant matching."""

from __future__ import annotations

import pytest
from fitparse.profile import FIELD_TYPES

from legday.errors import DataError
from legday.io.fit import EXERCISE_CATEGORIES
from legday.strength.catalogue import (
    PATTERNS,
    REGIONS,
    Exercise,
    load_catalogue,
    name_tokens,
    read_catalogue,
)
from legday.strength.muscles import MUSCLE_GROUPS

HEADER = ("name,aliases,pattern,region,single_leg,primary_muscles,secondary_muscles,"
          "garmin_categories\n")


def _garmin_categories() -> set[str]:
    """Every exercise_category in fitparse's FIT profile and in legday's FIT reader."""
    names = set(FIELD_TYPES["exercise_category"].values.values())
    names |= set(EXERCISE_CATEGORIES.values())
    return names - {"unknown"}


def test_catalogue_has_at_least_80_valid_exercises():
    cat = load_catalogue()
    assert len(cat) >= 80
    assert len({ex.name for ex in cat.exercises}) == len(cat)
    for ex in cat.exercises:
        assert isinstance(ex, Exercise)
        assert ex.pattern in PATTERNS and ex.region in REGIONS
        assert ex.primary_muscles and set(ex.primary_muscles + ex.secondary_muscles) <= set(
            MUSCLE_GROUPS)


def test_every_muscle_group_is_primary_somewhere():
    primaries = {m for ex in load_catalogue().exercises for m in ex.primary_muscles}
    assert set(MUSCLE_GROUPS) - primaries == set()


def test_every_pattern_is_used():
    assert {ex.pattern for ex in load_catalogue().exercises} == PATTERNS


@pytest.mark.parametrize("category", sorted(_garmin_categories()))
def test_every_garmin_category_maps_to_an_exercise(category):
    cat = load_catalogue()
    assert category in cat.garmin_categories
    found = cat.for_garmin(category)
    assert found is not None and category in found.garmin_categories


def test_fitparse_profile_lists_the_core_categories():
    # Guards the test above: the profile really is the enum of 30+ categories.
    assert {"squat", "lunge", "hip_stability", "run"} <= _garmin_categories()
    assert len(_garmin_categories()) >= 33


def test_unknown_garmin_category_maps_to_nothing():
    cat = load_catalogue()
    assert cat.for_garmin("unknown") is None
    assert cat.for_garmin("") is None
    assert cat.for_garmin("juggling") is None


@pytest.mark.parametrize(("category", "exercise_name", "expected"), [
    ("pull_up", "13", "Lat pulldown"),  # FIT enum 13 = lat_pulldown
    ("total_body", "0", "Burpee"),
    ("triceps_extension", "0", "Dip"),  # bench_dip
    ("lunge", "7", "Bulgarian split squat"),  # barbell_bulgarian_split_squat
    ("calf_raise", "6", "Seated calf raise"),
    ("squat", "0", "Leg press"),
    ("squat", None, "Back squat"),
    ("squat", "9999", "Back squat"),  # not in the enum: the category's default
    ("plyo", "33", "Box jump"),  # beyond fitparse's enum: the category's default
    ("Sit Up", None, "Sit-up"),
])
def test_for_garmin_uses_the_fit_exercise_name(category, exercise_name, expected):
    found = load_catalogue().for_garmin(category, exercise_name)
    assert found is not None and found.name == expected


@pytest.mark.parametrize(("written", "expected"), [
    ("Bulgarian split squat", "Bulgarian split squat"),
    ("DB Romanian Deadlift", "Romanian deadlift"),
    ("Barbell Back Squat", "Back squat"),
    ("pull ups", "Pull-up"),
    ("Pull-Ups", "Pull-up"),
    ("pullups", "Pull-up"),
    ("Bench Press (Barbell)", "Bench press"),
    ("Squat (Barbell)", "Back squat"),
    ("Lat Pulldown (Cable)", "Lat pulldown"),
    ("Romanian Deadlift (Dumbbell)", "Romanian deadlift"),
    ("SL RDL", "Single-leg Romanian deadlift"),
    ("1-arm DB row", "One-arm dumbbell row"),
    ("Farmer's walk", "Farmer's carry"),
    ("Seated Cable Row - V Grip (Cable)", "Seated cable row"),
    ("Triceps Pushdown (Cable - Straight Bar)", "Triceps extension"),
    ("Deadlift (Trap bar)", "Trap bar deadlift"),
    ("Leg press calf raise", "Standing calf raise"),
    ("Standing Calf Raise (Smith)", "Standing calf raise"),
    ("dumbbell flyes", "Chest fly"),
    ("CLAMSHELLS", "Clamshell"),
    ("Seated calf raise", "Seated calf raise"),
])
def test_match_is_tolerant_of_case_punctuation_plurals_and_equipment(written, expected):
    found = load_catalogue().match(written)
    assert found is not None and found.name == expected


@pytest.mark.parametrize(("typo", "expected"), [
    ("Bulgarain split sqaut", "Bulgarian split squat"),
    ("Romanain deadlift", "Romanian deadlift"),
    ("Deadlfit", "Deadlift"),
    ("sqauts", "Back squat"),
    ("Hip thurst", "Hip thrust"),
])
def test_match_corrects_small_typos(typo, expected):
    found = load_catalogue().match(typo)
    assert found is not None and found.name == expected


@pytest.mark.parametrize("nonsense", [
    "asdf", "Zumba party", "Leg day", "Netflix", "Coffee", "xyz press", "Dumbbell", "squash",
    "Zorb Ball Juggling", "Mobility flow", "",
])
def test_nonsense_stays_unmatched(nonsense):
    assert load_catalogue().match(nonsense) is None


def test_seated_and_standing_calf_raises_differ_in_muscles():
    cat = load_catalogue()
    assert cat.get("Seated calf raise").primary_muscles == ("soleus",)
    assert "gastrocnemius" in cat.get("Standing calf raise").primary_muscles


def test_name_tokens_expand_abbreviations_and_singularise():
    assert name_tokens("DB RDLs") == ("dumbbell", "romanian", "deadlift")
    assert name_tokens("Clean & Jerk") == ("clean", "jerk")
    assert name_tokens("Lunges with twist") == ("lunge", "twist")


def test_catalogue_rows_are_validated_with_their_line():
    good = "Squat,,squat,lower,false,quadriceps,,squat\n"
    assert len(read_catalogue(HEADER + good)) == 1
    with pytest.raises(DataError, match="line 3: Bad: unknown muscle groups"):
        read_catalogue(HEADER + good + "Bad,,squat,lower,false,calves,,\n")
    with pytest.raises(DataError, match="pattern 'jump'"):
        read_catalogue(HEADER + "Hop,,jump,lower,false,soleus,,\n")
    with pytest.raises(DataError, match="missing columns"):
        read_catalogue("name,pattern\nSquat,squat\n")


def test_load_catalogue_is_cached():
    assert load_catalogue() is load_catalogue()
