"""Muscle groups and regions."""

from __future__ import annotations

from legday.strength.muscles import (
    CORE_MUSCLES,
    LOWER_MUSCLES,
    MUSCLE_GROUPS,
    REGION_OF_MUSCLE,
    RUNNER_PRIORITY_MUSCLES,
    UPPER_MUSCLES,
)


def test_nineteen_groups_split_into_three_regions():
    assert len(MUSCLE_GROUPS) == len(set(MUSCLE_GROUPS)) == 19
    assert LOWER_MUSCLES | UPPER_MUSCLES | CORE_MUSCLES == set(MUSCLE_GROUPS)
    assert not (LOWER_MUSCLES & UPPER_MUSCLES or LOWER_MUSCLES & CORE_MUSCLES)
    assert {REGION_OF_MUSCLE[m] for m in LOWER_MUSCLES} == {"lower"}
    assert {REGION_OF_MUSCLE[m] for m in CORE_MUSCLES} == {"core"}
    assert {REGION_OF_MUSCLE[m] for m in UPPER_MUSCLES} == {"upper"}


def test_runner_priority_groups():
    assert {"hip_abductors", "hip_adductors", "external_rotators"} <= RUNNER_PRIORITY_MUSCLES
    assert CORE_MUSCLES | UPPER_MUSCLES <= RUNNER_PRIORITY_MUSCLES
    assert not {"quadriceps", "gastrocnemius", "soleus", "glutes"} & RUNNER_PRIORITY_MUSCLES
