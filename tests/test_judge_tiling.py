"""Work efforts never share a sample: a bout inside a longer one kept before it is dropped,
and a bout cut short is measured on what is left of it."""

from __future__ import annotations

from legday.cleaning import prepare_arrays
from legday.efforts.bouts import Bout, RunArrays, measure
from legday.efforts.judge import _without_overlaps
from legday.efforts.kinds import EffortKind
from legday.efforts.rules import RULES
from tests.test_efforts import EASY, make_activity


def _run() -> RunArrays:
    act = make_activity([(1300, EASY)])
    return RunArrays.of(prepare_arrays(act), EASY, RULES)


def _measured(run: RunArrays, a: int, b: int, kind: EffortKind) -> Bout:
    bout = Bout(a, b, kind=kind)
    measure(run, bout)
    return bout


def test_a_long_effort_holding_several_short_ones_keeps_them_out_even_after_a_dropped_one():
    run = _run()
    steady = _measured(run, 264, 1068, EffortKind.STEADY)
    inside = [_measured(run, 324, 344, EffortKind.HILL),
              _measured(run, 545, 594, EffortKind.HILL)]
    across = _measured(run, 1000, 1124, EffortKind.INTERVAL)
    after = _measured(run, 1177, 1201, EffortKind.HILL)
    kept = _without_overlaps(run, [steady, *inside, across, after])
    assert [(bt.a, bt.b) for bt in kept] == [(264, 1068), (1068, 1124), (1177, 1201)]
    assert kept == [steady, across, after]
    # The interval cut to its last 56 s is described by them, not by its first 124 s.
    assert across.moving_s == 56
    assert steady.moving_s == 1068 - 264
