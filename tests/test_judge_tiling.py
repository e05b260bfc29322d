"""Work efforts never share a sample: a bout inside a longer one kept before it is dropped."""

from __future__ import annotations

from legday.efforts.bouts import Bout
from legday.efforts.judge import _without_overlaps
from legday.efforts.kinds import EffortKind


def test_a_long_effort_holding_several_short_ones_keeps_them_out_even_after_a_dropped_one():
    steady = Bout(264, 1068, kind=EffortKind.STEADY)
    inside = [Bout(324, 344, kind=EffortKind.HILL), Bout(545, 594, kind=EffortKind.HILL)]
    across = Bout(1000, 1124, kind=EffortKind.INTERVAL)
    after = Bout(1177, 1201, kind=EffortKind.HILL)
    kept = _without_overlaps([steady, *inside, across, after])
    assert [(bt.a, bt.b) for bt in kept] == [(264, 1068), (1068, 1124), (1177, 1201)]
    assert kept == [steady, across, after]
