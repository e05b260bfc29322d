"""The kinds of effort a run is cut into, and the activity's primary kind."""

from __future__ import annotations

from collections.abc import Iterable

from legday.schema import WORK_KINDS, EffortKind

__all__ = ["WORK_KINDS", "EffortKind", "primary_kind"]


def primary_kind(kinds: Iterable[str]) -> EffortKind:
    """Primary kind: interval with >= 2 interval efforts, else hill with >= 1 hill effort,
    else sprint with >= 2 sprint efforts, else steady."""
    ks = [str(k) for k in kinds]
    if ks.count(EffortKind.INTERVAL) >= 2:
        return EffortKind.INTERVAL
    if EffortKind.HILL in ks:
        return EffortKind.HILL
    if ks.count(EffortKind.SPRINT) >= 2:
        return EffortKind.SPRINT
    return EffortKind.STEADY
