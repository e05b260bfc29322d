"""The muscle groups legday counts, and which part of the body each belongs to.

Names are snake_case versions of the groups in issue 5. ``external_rotators``
are the hip's deep external rotators (piriformis and friends), so they are
lower body; shoulder external-rotation work counts towards ``deltoids``.
"""

from __future__ import annotations

LOWER_MUSCLES: frozenset[str] = frozenset({
    "glutes", "quadriceps", "hamstrings", "hip_abductors", "hip_adductors", "hip_flexors",
    "external_rotators", "gastrocnemius", "soleus",
})
CORE_MUSCLES: frozenset[str] = frozenset({"abdominals", "obliques", "lower_back"})
UPPER_MUSCLES: frozenset[str] = frozenset({
    "biceps", "triceps", "pectorals", "deltoids", "trapezius", "rhomboids", "lats",
})

#: Every muscle group, in display order: core, lower body, upper body.
MUSCLE_GROUPS: tuple[str, ...] = (
    "abdominals", "obliques", "lower_back",
    "glutes", "quadriceps", "hamstrings", "hip_abductors", "hip_adductors", "hip_flexors",
    "external_rotators", "gastrocnemius", "soleus",
    "biceps", "triceps", "pectorals", "deltoids", "trapezius", "rhomboids", "lats",
)

#: "lower", "upper" or "core" for every muscle group.
REGION_OF_MUSCLE: dict[str, str] = {
    m: "lower" if m in LOWER_MUSCLES else "core" if m in CORE_MUSCLES else "upper"
    for m in MUSCLE_GROUPS
}

#: Groups running trains little, so a runner's strength work should cover them:
#: the hip abductors, adductors and external rotators (they steady the pelvis and
#: knee in single-leg stance but are barely loaded in the sagittal plane), plus
#: every core and upper-body group.
RUNNER_PRIORITY_MUSCLES: frozenset[str] = (
    frozenset({"hip_abductors", "hip_adductors", "external_rotators"})
    | CORE_MUSCLES | UPPER_MUSCLES
)
