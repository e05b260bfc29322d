"""Running's share of muscle work: the model table and time per muscle group."""

from __future__ import annotations

import pandas as pd
import pytest

from legday.efforts import EffortKind
from legday.errors import DataError, MissingColumn
from legday.strength.muscles import MUSCLE_GROUPS
from legday.strength.running_share import (
    MODEL_NOTE,
    RECOVERY_WEIGHT,
    RUNNING_SHARE,
    SECONDARY_WEIGHT,
    running_muscle_seconds,
    running_share_table,
)


def test_every_effort_kind_has_a_row_of_known_muscles():
    assert set(RUNNING_SHARE) == {k.value for k in EffortKind}
    for kind, share in RUNNING_SHARE.items():
        assert share.kind == kind
        assert share.fibre_type in ("type I", "type II", "mixed")
        assert set(share.primary_muscles + share.secondary_muscles) <= set(MUSCLE_GROUPS)
        assert share.rationale


def test_table_follows_the_issue():
    assert RUNNING_SHARE["steady"].fibre_type == "type I"
    assert {"quadriceps", "hamstrings", "gastrocnemius", "soleus", "glutes"} <= set(
        RUNNING_SHARE["steady"].primary_muscles)
    assert RUNNING_SHARE["hill"].fibre_type == "type II"
    assert {"glutes", "gastrocnemius", "quadriceps"} <= set(RUNNING_SHARE["hill"].primary_muscles)
    assert RUNNING_SHARE["sprint"].fibre_type == "type II"
    assert {"hamstrings", "hip_flexors", "glutes"} <= set(RUNNING_SHARE["sprint"].primary_muscles)
    assert RUNNING_SHARE["interval"].fibre_type == "mixed"


def test_model_is_labelled_as_a_model():
    assert MODEL_NOTE.startswith("A model, not a measurement")
    table = running_share_table()
    assert table["kind"].tolist() == list(RUNNING_SHARE)


def test_seconds_weight_primary_secondary_and_recovery():
    efforts = pd.DataFrame({"kind": ["steady", "sprint", "recovery"],
                            "duration_s": [1200.0, 60.0, 240.0],
                            "moving_s": [1140.0, float("nan"), 240.0]})
    seconds = running_muscle_seconds(efforts)
    assert list(seconds) == list(MUSCLE_GROUPS)
    steady, sprint, recovery = 1140.0, 60.0, 240.0 * RECOVERY_WEIGHT
    # quads: primary in steady and recovery, secondary in sprint
    assert seconds["quadriceps"] == pytest.approx(steady + recovery + sprint * SECONDARY_WEIGHT)
    # hip flexors: secondary in steady and recovery, primary in sprint
    assert seconds["hip_flexors"] == pytest.approx((steady + recovery) * SECONDARY_WEIGHT + sprint)
    assert seconds["hip_adductors"] == pytest.approx(sprint * SECONDARY_WEIGHT)
    for untouched in ("biceps", "lats", "external_rotators", "hip_abductors", "obliques"):
        assert seconds[untouched] == 0.0


def test_seconds_of_no_efforts_are_zero_and_bad_input_raises():
    empty = pd.DataFrame({"kind": pd.Series([], dtype=object), "duration_s": []})
    assert set(running_muscle_seconds(empty).values()) == {0.0}
    with pytest.raises(MissingColumn, match="duration_s"):
        running_muscle_seconds(pd.DataFrame({"kind": ["steady"]}))
    with pytest.raises(DataError, match="'tempo'"):
        running_muscle_seconds(pd.DataFrame({"kind": ["tempo"], "duration_s": [60.0]}))
