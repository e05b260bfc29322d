"""Running's share of the strength picture: which muscles and fibre types each effort works.

This is a model drawn from the literature, not a measurement of the runner: show
:data:`MODEL_NOTE` wherever its numbers appear. docs/strength.md gives the table
with its sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from legday.errors import DataError, MissingColumn
from legday.strength.muscles import MUSCLE_GROUPS

MODEL_NOTE = (
    "A model, not a measurement: muscle groups and fibre types per effort kind come from "
    "published studies of running (fibre recruitment rising with intensity, the size "
    "principle, EMG of uphill running and sprinting), not from your own muscles."
)

#: Weight of a second of work for a secondary muscle (a primary muscle counts it whole).
SECONDARY_WEIGHT = 0.5
#: Recovery jogs count as steady running at this weight: slower, with shorter ground forces.
RECOVERY_WEIGHT = 0.5


@dataclass(frozen=True)
class EffortShare:
    """What one kind of running effort works, according to the model."""

    kind: str
    fibre_type: str  # "type I", "type II" or "mixed"
    primary_muscles: tuple[str, ...]
    secondary_muscles: tuple[str, ...]
    rationale: str


_STEADY_PRIMARY = ("quadriceps", "hamstrings", "gastrocnemius", "soleus", "glutes")

#: Effort kind -> the muscles and fibre types it works (a model; see :data:`MODEL_NOTE`).
RUNNING_SHARE: dict[str, EffortShare] = {
    "steady": EffortShare(
        "steady", "type I", _STEADY_PRIMARY, ("hip_flexors", "abdominals"),
        "Easy, aerobic running recruits the small, fatigue-resistant motor units first "
        "(size principle): endurance of the calves, quads, hamstrings and glutes."),
    "hill": EffortShare(
        "hill", "type II", ("glutes", "gastrocnemius", "soleus", "quadriceps"),
        ("hamstrings", "hip_flexors"),
        "Uphill running needs more hip and knee extension and push-off power per step: "
        "glutes, calves and quads work harder and faster fibres are recruited."),
    "sprint": EffortShare(
        "sprint", "type II", ("hamstrings", "hip_flexors", "glutes"),
        ("quadriceps", "gastrocnemius", "hip_adductors"),
        "Near-maximal speed is limited by the hamstrings and hip flexors swinging the leg "
        "and the glutes extending the hip; all motor units, including type II, fire."),
    "interval": EffortShare(
        "interval", "mixed", _STEADY_PRIMARY, ("hip_flexors",),
        "Repeated hard efforts above threshold recruit type I and, as they fatigue, type II "
        "fibres in the same running muscles."),
    "recovery": EffortShare(
        "recovery", "type I", _STEADY_PRIMARY, ("hip_flexors", "abdominals"),
        f"Jogs between hard efforts work like steady running, counted at "
        f"{RECOVERY_WEIGHT:g} weight."),
}

_KIND_WEIGHT = {"recovery": RECOVERY_WEIGHT}


def running_muscle_seconds(efforts: pd.DataFrame) -> dict[str, float]:
    """Time of running work per muscle group from a run's efforts (a model). [s]

    Each effort's time (``moving_s``, else ``duration_s``) count whole for
    the primary muscles of its kind and :data:`SECONDARY_WEIGHT` for the
    secondary ones; recovery efforts count at :data:`RECOVERY_WEIGHT`.

    Parameters
    ----------
    efforts
        The ``efforts`` frame of a ``RunClassification``: ``kind`` and
        ``duration_s`` [s], optionally ``moving_s`` [s].

    Returns
    -------
    dict
        Every group in ``MUSCLE_GROUPS`` -> weighted time [s]; 0 for groups
        running does not work.

    Raises
    ------
    MissingColumn
        When ``kind`` or ``duration_s`` is absent.
    DataError
        For an effort kind the model does not know.
    """
    for column in ("kind", "duration_s"):
        if column not in efforts.columns:
            raise MissingColumn(column, "efforts")
    totals = dict.fromkeys(MUSCLE_GROUPS, 0.0)
    seconds = efforts["duration_s"].astype("float64")
    if "moving_s" in efforts.columns:
        seconds = efforts["moving_s"].astype("float64").fillna(seconds)
    for kind, secs in zip(efforts["kind"].astype(str), seconds.fillna(0.0), strict=True):
        share = RUNNING_SHARE.get(kind)
        if share is None:
            raise DataError(f"efforts: unknown effort kind {kind!r}")
        work = secs * _KIND_WEIGHT.get(kind, 1.0)
        for muscle in share.primary_muscles:
            totals[muscle] += work
        for muscle in share.secondary_muscles:
            totals[muscle] += work * SECONDARY_WEIGHT
    return totals


def running_share_table() -> pd.DataFrame:
    """:data:`RUNNING_SHARE` as a frame for display (kind, fibre type, muscles, rationale)."""
    return pd.DataFrame([{
        "kind": s.kind, "fibre_type": s.fibre_type,
        "primary_muscles": ", ".join(s.primary_muscles),
        "secondary_muscles": ", ".join(s.secondary_muscles), "rationale": s.rationale,
    } for s in RUNNING_SHARE.values()])
