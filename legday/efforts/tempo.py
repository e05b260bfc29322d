"""The one rule of hard steady running (tempo and threshold), wherever it is counted.

A steady stretch is hard steady when the classifier cut it out of a run as a tempo or
threshold piece, or when it is a steady effort of ``tempo_min_s`` of moving time or more
at ``tempo_x_threshold`` of the athlete's threshold speed and ``work_x_easy`` of their
easy speed (grade-adjusted). The second half catches a run hard from start to finish
(a race, a relay leg, a tempo run), which has no stretch above its own easy level to cut
out. The classifier, the Activity page and the weekly numbers all use this module.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from legday.calibration import AthleteProfile
from legday.efforts.kinds import EffortKind
from legday.efforts.rules import RULES, EffortRules
from legday.units import Units, fmt_duration

#: How a hard steady stretch begins its ``why``.
TEMPO, THRESHOLD = "tempo", "threshold"

#: Effort sentences are stored with paces per kilometre.
_STORED = Units("km")


def _named_hard(kind: npt.NDArray[np.str_], why: npt.NDArray[np.str_]) -> npt.NDArray[np.bool_]:
    return np.asarray((kind == EffortKind.STEADY) & (np.char.startswith(why, TEMPO + ":")
                                                     | np.char.startswith(why, THRESHOLD + ":")))


def hard_steady(efforts: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Which rows are hard steady running as their ``why`` says (tempo or threshold);
    :func:`with_hard_steady` names every stretch the rule makes hard first."""
    return _named_hard(efforts["kind"].astype(str).to_numpy().astype(str),
                       efforts["why"].astype(str).to_numpy().astype(str))


def is_hard_steady(kind: npt.NDArray[np.str_], why: npt.NDArray[np.str_],
                   moving_s: npt.NDArray[np.float64], gap_speed_mps: npt.NDArray[np.float64],
                   profile: AthleteProfile, rules: EffortRules = RULES,
                   ) -> npt.NDArray[np.bool_]:
    """The rule on plain arrays, one value per effort (NaN is never hard). [s], [m/s]"""
    named = _named_hard(kind, why)
    with np.errstate(invalid="ignore"):
        # Clear of easy running too: a threshold estimated too low must not make a
        # warm-up tempo.
        long_and_hard = ((kind == EffortKind.STEADY) & (moving_s >= rules.tempo_min_s)
                         & (gap_speed_mps >= rules.tempo_x_threshold
                            * profile.threshold_speed_mps)
                         & (gap_speed_mps >= rules.work_x_easy * profile.easy_speed_mps))
    return np.asarray(named | long_and_hard, dtype=bool)


def hard_steady_why(what: str, duration_s: float, speed_mps: float, share: float,
                    heart_rate: float) -> str:
    """``tempo: 25:01 at 4:20/km, 92 % of your threshold pace grade-adjusted, heart rate
    171``: the ``why`` of a hard steady stretch (``what`` is :data:`TEMPO` or
    :data:`THRESHOLD`, ``share`` its grade-adjusted speed over the threshold speed)."""
    heart = "" if not np.isfinite(heart_rate) else f", heart rate {heart_rate:.0f}"
    return (f"{what}: {fmt_duration(duration_s)} at {_STORED.fmt_pace(speed_mps)}, "
            f"{100 * share:.0f} % of your threshold pace grade-adjusted{heart}")


def tempo_or_threshold(share: float, rules: EffortRules = RULES) -> str:
    """:data:`THRESHOLD` at ``at_threshold_x`` of the threshold speed or faster, else
    :data:`TEMPO`. [1]"""
    return THRESHOLD if share >= rules.at_threshold_x else TEMPO


def with_hard_steady(efforts: pd.DataFrame, profile: AthleteProfile,
                     rules: EffortRules = RULES) -> pd.DataFrame:
    """The efforts with every stretch the rule makes hard named tempo or threshold in its
    ``why`` (a copy; efforts already named keep theirs), so :func:`hard_steady` and
    :func:`legday.efforts.headline` see it."""
    if not len(efforts):
        return efforts
    kind = efforts["kind"].astype(str).to_numpy().astype(str)
    why = efforts["why"].astype(str).to_numpy().astype(str)
    gap = efforts["gap_speed_mps"].to_numpy(dtype=float)
    newly = is_hard_steady(kind, why, efforts["moving_s"].to_numpy(dtype=float), gap,
                           profile, rules) & ~_named_hard(kind, why)
    if not newly.any():
        return efforts
    whys = efforts["why"].to_numpy(dtype=object).copy()
    for position in np.flatnonzero(newly):
        effort = efforts.iloc[position]
        share = float(gap[position]) / profile.threshold_speed_mps
        whys[position] = hard_steady_why(
            tempo_or_threshold(share, rules), float(effort["duration_s"]),
            float(effort["speed_mps"]), share, float(effort["heart_rate"]))
    out = efforts.copy()
    out["why"] = whys
    return out


__all__ = ["THRESHOLD", "TEMPO", "hard_steady", "hard_steady_why", "is_hard_steady",
           "tempo_or_threshold", "with_hard_steady"]
