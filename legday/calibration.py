"""The athlete's personal calibration: top, easy and threshold speed, heart rates, stride.

Every threshold of the effort classifier is relative to the athlete, so the
profile is estimated from their own runs (:func:`estimate_profile`) and can be
overridden in the settings (:func:`with_overrides`). Each value carries a note
saying where it came from: ``estimated from N runs``, ``estimated from this
file only``, ``set by you`` or ``default``.

Estimates (each run first prepared by :func:`legday.cleaning.prepare_run`):

- **easy speed**: per run, the commonest grade-adjusted speed among the
  slower half of its running (:func:`easy_level_mps`): warm-ups, cool-downs
  and easy running put their time there; over several runs the median.
- **top speed**: per run, the best 10-s mean speed measured from distance
  outdoors with a running cadence (GPS jumps and wrist-only indoor speeds do
  not count); over several runs the median of the three best runs. A single
  file without a burst says little about top speed, so it is never taken below
  2.3 x easy speed (the lowest ratio of recreational runners is about 2).
- **threshold speed**: 0.97 x the best 20-minute mean speed (elapsed time,
  outdoors), never below 1.15 x easy speed (runs rarely contain a full
  threshold effort). Work efforts must reach a share of it (docs/efforts.md).
- **max heart rate**: the highest 10-s mean heart rate seen; **resting
  heart rate**: the lowest 5th percentile seen, an upper bound of the true
  resting rate (watches are not worn at rest during a run).
- **stride model** (speed from cadence, for indoor tracks without distance):
  a power law fitted to running samples where both exist.
"""

from __future__ import annotations

import dataclasses
import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import numpy as np
import numpy.typing as npt

from legday.cleaning import (
    BoolArray,
    CadenceModel,
    Columns,
    FloatArray,
    Stretches,
    column,
    frame_stretches,
    numpy_sum,
    sorted_median,
    speed_source_is,
    window_mean,
)
from legday.schema import DEFAULT_MAX_HR_BPM, DEFAULT_REST_HR_BPM, TOP_SPEED_CADENCE_SPM

#: Fields of :class:`AthleteProfile` that carry a source note.
PROFILE_FIELDS: tuple[str, ...] = ("top_speed_mps", "easy_speed_mps", "threshold_speed_mps",
                                   "max_hr", "rest_hr", "cadence_model")

#: Lowest speed counted as running for the easy-speed estimate. [m/s]
RUNNING_SPEED_MPS = 1.8
#: Running this far below a peak at the median means the peak is the reps. [1]
EASY_BELOW_SHARE = 0.25
#: A single file never sets top speed below this multiple of easy speed. [1]
TOP_FLOOR_X_EASY = 2.3
#: Threshold speed is never below this multiple of easy speed. [1]
THRESHOLD_FLOOR_X_EASY = 1.15
#: The best 20 minutes need a trusted distance for at least this share of samples. [1]
TRUSTED_SHARE = 0.95

DEFAULT = "default"
SET_BY_YOU = "set by you"
FROM_THIS_FILE = "estimated from this file only"


def from_runs(n: int) -> str:
    """Source note for a value estimated from ``n`` runs."""
    return f"estimated from {n} run{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class AthleteProfile:
    """Who is running: the speeds and heart rates every rule is relative to.

    Attributes
    ----------
    top_speed_mps
        Best speed over about 10 s. [m/s]
    easy_speed_mps
        Easy (warm-up, recovery-run) speed on the flat. [m/s]
    threshold_speed_mps
        Speed the athlete can hold for about an hour. [m/s]
    max_hr
        Maximal heart rate. [1/min]
    rest_hr
        Resting heart rate. [1/min]
    cadence_model
        Speed from cadence, for running without a distance signal.
    sources
        Where each value came from, by field name.
    n_runs
        Runs the estimates are based on (0 for the defaults).
    """

    top_speed_mps: float = 7.5
    easy_speed_mps: float = 2.9
    threshold_speed_mps: float = 3.6
    max_hr: float = DEFAULT_MAX_HR_BPM
    rest_hr: float = DEFAULT_REST_HR_BPM
    cadence_model: CadenceModel = field(default_factory=CadenceModel)
    sources: Mapping[str, str] = field(
        default_factory=lambda: {name: DEFAULT for name in PROFILE_FIELDS})
    n_runs: int = 0

    def source(self, name: str) -> str:
        """Where the value of field ``name`` came from."""
        return self.sources.get(name, DEFAULT)

    def to_dict(self) -> dict[str, Any]:
        """Plain values and their sources."""
        return {
            "top_speed_mps": round(self.top_speed_mps, 3),
            "easy_speed_mps": round(self.easy_speed_mps, 3),
            "threshold_speed_mps": round(self.threshold_speed_mps, 3),
            "max_hr": round(self.max_hr, 1),
            "rest_hr": round(self.rest_hr, 1),
            "cadence_model": dataclasses.asdict(self.cadence_model),
            "sources": dict(self.sources),
            "n_runs": self.n_runs,
        }


#: The profile every estimate starts from unless given another.
_DEFAULT_PROFILE = AthleteProfile()


def with_overrides(profile: AthleteProfile, **values: float | None) -> AthleteProfile:
    """The profile with some values set by the athlete (``None`` keeps the estimate).

    Parameters
    ----------
    profile
        Estimated or default profile.
    **values
        Any of ``top_speed_mps``, ``easy_speed_mps``, ``threshold_speed_mps``
        [m/s], ``max_hr``, ``rest_hr`` [1/min].

    Raises
    ------
    ValueError
        Unknown field or a non-positive value.
    """
    changes: dict[str, float] = {}
    for name, value in values.items():
        if name not in PROFILE_FIELDS or name == "cadence_model":
            raise ValueError(f"unknown profile value {name!r}")
        if value is None:
            continue
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
        changes[name] = float(value)
    sources = dict(profile.sources)
    sources.update({name: SET_BY_YOU for name in changes})
    return dataclasses.replace(profile, sources=sources, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RunStats:
    """What one prepared run says about the athlete (NaN when it says nothing).

    Attributes
    ----------
    running_s
        Time spent running (>= 1.8 m/s) with a distance signal. [s]
    easy_speed_mps
        The run's easy level (:func:`easy_level_mps`). [m/s]
    best_10s_mps
        Best 10-s mean speed outdoors with a running cadence. [m/s]
    best_20min_mps
        Best mean speed over 20 minutes of elapsed time, outdoors. [m/s]
    max_hr
        Highest 10-s mean heart rate. [1/min]
    low_hr
        5th percentile of heart rate. [1/min]
    cadence_spm, speed_mps
        Binned running cadence and the median speed in each bin, for the
        stride model. [steps/min], [m/s]
    counts
        Samples per cadence bin.
    """

    running_s: float
    easy_speed_mps: float
    best_10s_mps: float
    best_20min_mps: float
    max_hr: float
    low_hr: float
    cadence_spm: tuple[float, ...] = ()
    speed_mps: tuple[float, ...] = ()
    counts: tuple[int, ...] = ()


#: Cadence bins of the stride model: 4 spm wide from 130 spm, the last one open above.
_CAD_LOW_SPM = 130.0
_CAD_STEP_SPM = 4.0
_CAD_BINS = np.arange(_CAD_LOW_SPM, 252.0, _CAD_STEP_SPM)
#: Bits of 1.0: the bits of floats from 1 to 2**32 exceed them by less than 2**57.
_ONE_BITS = int(np.float64(1.0).view(np.int64))
_SPEED_BITS = 57
#: Added to the sort keys of the stride bins: with bit 62 set, they read as normal floats.
_KEY_OFFSET = (1 << 62) - _ONE_BITS
#: Below this many values, numpy's sort beats counting or presorting them (its few calls). [1]
_FEW = 1000
#: Values within plus or minus this have a span a float can hold.
_HALF_MAX = float(np.finfo(np.float64).max) / 2
#: Whole numbers from 1 up to below this are counted rather than sorted. [1]
_COUNTED_TOP = 4096
#: The 0.5 m/s smoothing of the easy-speed histogram (0.1 m/s bins).
_SMOOTH_5 = np.ones(5) / 5.0


def _prefix_sums(values: FloatArray) -> FloatArray:
    """``[0, v0, v0 + v1, ...]``: window sums are differences of two of them."""
    out = np.empty(len(values) + 1)
    out[0] = 0.0
    np.add.accumulate(values, out=out[1:])
    return out


def _window_sums(counts: npt.NDArray[Any], window: int) -> npt.NDArray[Any]:
    """Sums of ``counts`` over each ``window`` consecutive samples (``n - window + 1`` of them),
    exact for whole numbers whose sums the type holds (below 256 for ``uint8``).

    By doubling: sums over 2, 4, 8... samples are added as shifted slices, a few
    vector adds instead of a cumsum.
    """
    n_out = len(counts) - window + 1
    span = counts  # span[i]: the sum over counts[i:i + width]
    width = 1
    total = None  # total[i]: the sum over counts[i:i + covered]
    covered = 0
    remaining = window
    while remaining:
        if remaining & 1:
            part = span[covered:covered + n_out]
            total = part.copy() if total is None else total + part
            covered += width
        remaining >>= 1
        if remaining:
            span = span[:-width] + span[width:]
            width *= 2
    assert total is not None
    return total


def _masked_max(values: FloatArray, where: BoolArray | None) -> float:
    """Largest of ``values`` where ``where`` is set (all when None), NaN when none is."""
    picked = values if where is None else values[where]
    return float(np.maximum.reduce(picked)) if len(picked) else float("nan")


def _lerp(below: float, above: float, gamma: float) -> float:
    """Linear interpolation as ``np.percentile`` does it (from the nearer side)."""
    diff = above - below
    return above - diff * (1 - gamma) if gamma >= 0.5 else below + diff * gamma


def _whole_counts(values: FloatArray) -> npt.NDArray[np.intp] | None:
    """How many of ``values`` are 0, 1, 2... when they are :data:`_FEW` or more, all whole
    numbers from 1 to below :data:`_COUNTED_TOP`, as cadences and heart rates mostly are
    (counting them costs a fraction of a sort); None otherwise."""
    if (len(values) < _FEW
            or not (1 <= np.minimum.reduce(values) and np.maximum.reduce(values) < _COUNTED_TOP)):
        return None
    whole = values.astype(np.intp)
    return np.bincount(whole) if (whole == values).all() else None


def _sorted(values: FloatArray) -> FloatArray:
    """``np.sort`` of non-empty finite ``values``: whole numbers by counting, others by
    :func:`_sorted_floats`."""
    counts = _whole_counts(values)
    if counts is None:
        return _sorted_floats(values)
    return np.repeat(np.arange(len(counts), dtype=float), counts)


def _sorted_floats(values: FloatArray) -> FloatArray:
    """``np.sort`` of finite ``values``, about twice as fast on a run's 2,500 floats.

    Ordered first by 16-bit steps of their range (a radix sort, in linear time), the
    values are nearly sorted, which the stable sort (a timsort) finishes in few merges.
    """
    if len(values) < _FEW:
        return np.sort(values)
    low = np.minimum.reduce(values)
    high = np.maximum.reduce(values)
    if not -_HALF_MAX < low < high < _HALF_MAX:  # no span (or one past the float range)
        return np.sort(values)
    span = high - low
    # The top value gives 65535 or a rounding above it, which truncates to 65535.
    steps = ((values - low) * (65535.0 / span)).astype(np.uint16)
    out = values[steps.argsort(kind="stable")]
    out.sort(kind="stable")
    return out


def _counted_percentile(counts: npt.NDArray[np.intp], index: float) -> float:
    """The value at sorted position ``index`` (interpolated, below the last) of the whole
    numbers counted by :func:`_whole_counts`."""
    below = int(index)
    # The value at a sorted position: the number of counts ending at or before it.
    at_below, at_above = counts.cumsum().searchsorted((below, below + 1), "right").tolist()
    return _lerp(float(at_below), float(at_above), index - below)


def _percentile(values: FloatArray, q: float) -> float:
    """``np.percentile(values, q)`` (linear) of non-empty finite ``values``, by counting
    whole numbers, else by a partition."""
    n = len(values)
    index = (n - 1) * (q / 100)
    if index >= n - 1:
        return float(np.maximum.reduce(values))
    counts = _whole_counts(values)
    if counts is not None:
        return _counted_percentile(counts, index)
    return _partitioned_percentile(values, index)


def _partitioned_percentile(values: FloatArray, index: float) -> float:
    """The value at sorted position ``index`` (interpolated, below the last) of finite
    ``values``, by one selection: the value just below is the largest of those before it."""
    below = int(index)
    part = np.partition(values, below + 1)
    return _lerp(float(np.maximum.reduce(part[:below + 1])), float(part[below + 1]),
                 index - below)


def _sorted_percentile(ordered: FloatArray, q: float) -> float:
    """:func:`_percentile` of values already sorted: read, not searched."""
    index = (len(ordered) - 1) * (q / 100)
    below = int(index)
    if below >= len(ordered) - 1:
        return float(ordered[-1])
    return _lerp(float(ordered[below]), float(ordered[below + 1]), index - below)


def easy_level_mps(gap_speed_mps: np.ndarray, stretch: np.ndarray,
                   running: np.ndarray, *, stretches: Stretches | None = None) -> float:
    """The run's easy level: the commonest effort among its slower half of running. [m/s]

    The grade-adjusted speed (smoothed over 9 s) of running samples is
    histogrammed in 0.1 m/s bins, smoothed over 0.5 m/s; the peak at or below
    the median is the easy level. Warm-ups, cool-downs and easy runs put their
    time there; reps, even when they fill most of a session, sit on the
    median's upper side or form a separate peak. When that peak sits at the
    median with :data:`EASY_BELOW_SHARE` of the running 0.5 m/s or more below
    it, the peak is the reps' slow edge and the 25th percentile is taken
    instead. NaN with under 2 minutes of running.

    Parameters
    ----------
    gap_speed_mps
        Grade-adjusted speed on the 1-s grid. [m/s]
    stretch
        Stretch of each sample.
    running
        Which samples are running with a distance signal.
    stretches
        The stretches of ``stretch`` when the caller has them already.
    """
    if np.count_nonzero(running) < 120:
        return float("nan")
    gap = np.asarray(gap_speed_mps, dtype=float)
    smooth = (window_mean(gap, np.asarray(stretch), 4) if stretches is None
              else stretches.window_mean(gap, 4))
    x = smooth[np.asarray(running, dtype=bool)]
    finite = np.isfinite(x)
    if np.count_nonzero(finite) < len(x):
        x = x[finite]
    if len(x) < 120:
        return float("nan")
    # Sorted once: the median, the slower half and the histogram all read it.
    x = _sorted_floats(x)
    med = sorted_median(x)
    low = x[:x.searchsorted(med + 0.05, "right")]
    edges = np.arange(RUNNING_SPEED_MPS, med + 0.15, 0.1)
    if len(edges) < 3:
        return med
    # np.histogram's counts (last edge inclusive), by searching the sorted values.
    cum = low.searchsorted(edges, "left")
    cum[-1] = low.searchsorted(edges[-1], "right")
    smooth = np.convolve(cum[1:] - cum[:-1], _SMOOTH_5, mode="same")
    k = int(smooth.argmax())
    centre = 0.5 * (edges[k] + edges[k + 1])
    # A peak at the median with much running well below it is the slow edge of the
    # reps (a session of long reps): the slower running is the easy part.
    if (centre >= med - 0.25
            and int(x.searchsorted(centre - 0.5, "left")) / len(x) >= EASY_BELOW_SHARE):
        return _sorted_percentile(x, 25)
    # Within 0.25 of the peak: a slice of the sorted values (the difference rises with them).
    off = low - centre
    near = low[off.searchsorted(-0.25, "left"):off.searchsorted(0.25, "right")]
    return sorted_median(near) if len(near) else centre


def _best_elapsed_mps(t_s: np.ndarray, distance_m: np.ndarray, ok: np.ndarray,
                      window_s: float) -> float:
    """Best mean speed over ``window_s`` of elapsed time (pauses count as standing). [m/s]

    Only windows with a trusted distance (``ok``) at :data:`TRUSTED_SHARE` of their
    samples count: a few seconds without GPS fix at the start of a race do not
    disqualify it.
    """
    if len(t_s) < 2 or t_s[-1] - t_s[0] < window_s:
        return float("nan")
    # Windows starting later end early (shorter than window_s - 1): none is looked at.
    n_start = int(t_s.searchsorted(t_s[-1] - window_s + 2.0, side="right"))
    t_start = t_s[:n_start]
    end = t_s.searchsorted(t_start + window_s, side="right") - 1
    full = t_s[end] - t_start >= window_s - 1.0
    gain = distance_m[end] - distance_m[:n_start]
    if np.count_nonzero(ok) < len(ok):
        # Most often the best full window is clean: then it is the answer, and the
        # clean windows need not all be counted.
        best_at = int(np.where(full, gain, -math.inf).argmax())
        size = int(end[best_at]) + 1 - best_at
        if (full[best_at] and not math.isnan(gain[best_at])
                and size - np.count_nonzero(ok[best_at:best_at + size])
                <= (1.0 - TRUSTED_SHARE) * size):
            return float(gain[best_at] / window_s)
        bad = np.concatenate(([0], np.add.accumulate(~ok)))
        after = end + 1
        full &= (bad[after] - bad[:n_start]
                 <= (1.0 - TRUSTED_SHARE) * (after - np.arange(n_start)))
    return float(_masked_max(gain, full) / window_s)


def _rolling_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over ``window`` samples (NaN where any value is NaN or too early)."""
    n = len(values)
    out = np.full(n, np.nan)
    if n < window:
        return out
    missing = np.isnan(values)
    # Summing the NaNs would spoil every later window, not just the ones holding them.
    cs = np.concatenate(([0.0], np.cumsum(np.where(missing, 0.0, values))))
    holes = np.concatenate(([0], np.cumsum(missing)))
    means = (cs[window:] - cs[:-window]) / window
    out[window - 1:] = np.where(holes[window:] - holes[:-window] > 0, np.nan, means)
    return out


def _best_10s_mps(speed_mps: FloatArray, ok: BoolArray, cadence_spm: FloatArray | None,
                  ) -> float:
    """Best trailing 10-s mean of ``speed_mps`` (NaN as 0) over windows all ``ok`` and, given
    a cadence, at least half at a running cadence (NaN when no window qualifies). [m/s]"""
    n_windows = len(speed_mps) - 9
    if n_windows <= 0:
        return float("nan")
    cs = _prefix_sums(speed_mps)
    if not math.isfinite(cs[-1]):  # NaNs (or infinities) count as nan_to_num makes them
        cs = _prefix_sums(np.nan_to_num(speed_mps))
    sums = cs[10:] - cs[:-10]
    all_ok = np.count_nonzero(ok) == len(ok)
    # Most often the fastest window qualifies: then it is the answer (the largest sum gives
    # the largest mean, dividing rounds monotonically), and no other window need be checked.
    best_at = int(sums.argmax())
    if ((all_ok or np.count_nonzero(ok[best_at:best_at + 10]) == 10)
            and (cadence_spm is None or np.count_nonzero(
                cadence_spm[best_at:best_at + 10] >= TOP_SPEED_CADENCE_SPM) >= 5)):
        return float(sums[best_at]) / 10
    good: BoolArray | None = None
    if cadence_spm is None:
        if not all_ok:
            good = _window_sums(ok.view(np.uint8), 10) == 10
    else:
        legs = (cadence_spm >= TOP_SPEED_CADENCE_SPM).view(np.uint8)
        if all_ok:
            good = _window_sums(legs, 10) >= 5
        else:
            # Both in one count: a trusted sample counts 16, one at a running cadence 1;
            # all 10 trusted and 5 at a running cadence make 165 or more.
            good = _window_sums(ok.view(np.uint8) * np.uint8(16) + legs, 10) >= 165
    return _masked_max(sums, good) / 10


def _heart_rates(hr: FloatArray) -> tuple[float, float]:
    """Highest 10-s mean and 5th percentile of heart rate (NaN under a minute of it)."""
    counts = _whole_counts(hr) if len(hr) >= 60 else None
    if counts is not None:
        # Beats per minute are mostly whole numbers: their sums are exact however added,
        # so the 10-s sums come by doubling (as the prefix sums give them), and the
        # percentile from the counts.
        return (float(np.maximum.reduce(_window_sums(hr, 10))) / 10,
                _counted_percentile(counts, (len(hr) - 1) * 0.05))
    cs = _prefix_sums(hr)
    if len(hr) >= 60 and math.isfinite(cs[-1]):  # a finite sum: no NaN, no infinity
        # The largest sum gives the largest mean (dividing rounds monotonically).
        # Not whole numbers (counted above): the percentile by a selection.
        return (float(np.maximum.reduce(cs[10:] - cs[:-10])) / 10,
                _partitioned_percentile(hr, (len(hr) - 1) * (5 / 100)))
    finite = np.isfinite(hr)
    if np.count_nonzero(finite) < 60:
        return float("nan"), float("nan")
    hr_10 = _rolling_mean(hr, 10)
    max_hr = float(np.nanmax(hr_10)) if np.isfinite(hr_10).any() else float(np.nanmax(hr))
    return max_hr, _percentile(hr[finite], 5)


def _stride_bins(cadence_spm: FloatArray, speed_mps: FloatArray,
                 ) -> tuple[tuple[float, ...], tuple[float, ...], tuple[int, ...]]:
    """Median cadence and speed per 4-spm cadence bin with 10 samples or more, and the counts.

    ``cadence_spm`` are finite and at least the first bin edge; ``speed_mps`` are running
    speeds, at least :data:`RUNNING_SPEED_MPS` (above 1 m/s, as the sort keys need).
    """
    # The bins follow each other in the sorted cadences.
    cad_sorted = _sorted(cadence_spm)
    ends = cad_sorted.searchsorted(_CAD_BINS[1:]).tolist() + [len(cad_sorted)]
    # Where the two middle values of each kept bin sit once sorted by (bin, value).
    middles: list[int] = []
    kept: list[int] = []
    start = 0
    for end in ends:
        count = end - start
        if count >= 10:
            middles += (start + (count - 1) // 2, start + count // 2)
            kept.append(count)
        start = end
    if not kept:
        return (), (), ()
    cad_mid = cad_sorted[middles].tolist()
    if np.maximum.reduce(speed_mps) < 2.0 ** 32:
        # By (bin, speed) in one partition (only the middles need their sorted place): the
        # bits of positive floats sort as the floats do, these speeds leave the bits from
        # 57 up free for the bin, and with bit 62 set the keys are normal floats themselves
        # (ordered faster than 64-bit integers). The bin
        # by arithmetic is exact: the edges are whole steps from the first, and the
        # subtraction is exact below twice the first (the last bin is open above).
        top = _CAD_BINS[-1]
        clipped = cadence_spm if cad_sorted[-1] < top else np.minimum(cadence_spm, top)
        which = ((clipped - _CAD_LOW_SPM) * (1 / _CAD_STEP_SPM)).astype(np.int64)
        key = (which << _SPEED_BITS) + (speed_mps.view(np.int64) + _KEY_OFFSET)
        key.view(np.float64).partition(middles)
        bits = (key[middles] & ((1 << _SPEED_BITS) - 1)) + _ONE_BITS
        speed_mid = bits.view(np.float64).tolist()
    else:
        which = np.minimum(_CAD_BINS.searchsorted(cadence_spm, side="right") - 1,
                           len(_CAD_BINS) - 1)
        speed_mid = speed_mps[np.lexsort((speed_mps, which))][middles].tolist()
    cads = tuple([0.5 * (a + b) for a, b in zip(cad_mid[::2], cad_mid[1::2], strict=True)])
    speeds = tuple([0.5 * (a + b) for a, b in zip(speed_mid[::2], speed_mid[1::2], strict=True)])
    return cads, speeds, tuple(kept)


def run_stats(frame: Columns) -> RunStats:
    """Per-run facts for calibration, from :func:`~legday.cleaning.prepare_run`'s columns."""
    nan = float("nan")
    if len(frame) == 0:
        return RunStats(0.0, nan, nan, nan, nan, nan)
    from_distance = speed_source_is(frame, "distance")
    v = column(frame, "distance_speed_mps")
    running = from_distance & column(frame, "moving", bool) & (v >= RUNNING_SPEED_MPS)
    running_s = float(np.count_nonzero(running))
    easy = easy_level_mps(column(frame, "gap_speed_mps"), column(frame, "stretch", np.int64),
                          running, stretches=frame_stretches(frame))
    cad = column(frame, "cadence_spm")
    lat = column(frame, "lat")
    outdoor = lat == lat  # not NaN
    top_cad = np.fmax.reduce(cad)  # the highest besides NaN, as nanmax
    has_cad = bool(top_cad > 0) and (top_cad < math.inf or bool(np.isfinite(cad).any()))
    # A GPS jump is fast without the legs; a wrist-only indoor speed is a guess.
    ok = from_distance & outdoor
    best10 = _best_10s_mps(v, ok, cad if has_cad else None)
    best20 = _best_elapsed_mps(column(frame, "t_s"), column(frame, "distance_m"), ok, 1200.0)
    max_hr, low_hr = _heart_rates(column(frame, "heart_rate"))
    cads: tuple[float, ...] = ()
    speeds: tuple[float, ...] = ()
    counts: tuple[int, ...] = ()
    if has_cad:
        fit = running & outdoor & (cad >= _CAD_LOW_SPM)  # no NaN, no -inf
        if top_cad == math.inf:
            fit &= cad < math.inf
        if np.count_nonzero(fit) >= 60:
            cads, speeds, counts = _stride_bins(cad[fit], v[fit])
    return RunStats(running_s, easy, best10, best20, max_hr, low_hr, cads, speeds, counts)


def _repeated_percentiles(values: Sequence[float], counts: Sequence[int], qs: Sequence[float],
                          ) -> list[float]:
    """``np.percentile(np.repeat(values, counts), qs)`` (linear) of sorted finite ``values``,
    without building the repeated array."""
    ends = list(accumulate(counts))  # values[j] fills sorted positions up to ends[j] - 1
    out = []
    for q in qs:
        index = (ends[-1] - 1) * (q / 100)
        if index >= ends[-1] - 1:
            out.append(float(values[-1]))
            continue
        below = int(index)
        out.append(_lerp(float(values[bisect_right(ends, below)]),
                         float(values[bisect_right(ends, below + 1)]), index - below))
    return out


def _fit_cadence(stats: Sequence[RunStats], easy_speed_mps: float) -> CadenceModel | None:
    counts = [n for s in stats for n in s.counts]
    if sum(counts) < 300:
        return None
    cads = [c for s in stats for c in s.cadence_spm]
    speeds = [v for s in stats for v in s.speed_mps]
    # One run's bins come in rising cadence already; several runs' need sorting.
    if any(b <= a for a, b in zip(cads, cads[1:], strict=False)):
        order = np.argsort(np.array(cads)).tolist()
        cads, speeds, counts = ([x[i] for i in order] for x in (cads, speeds, counts))
    # Cadence at easy speed: interpolate the binned medians, weighting by samples (the
    # sums of np.average).
    near = [i for i, v in enumerate(speeds) if abs(v - easy_speed_mps) <= 0.25]
    if not near:
        return None
    cad_ref = (numpy_sum([cads[i] * float(counts[i]) for i in near])
               / numpy_sum([float(counts[i]) for i in near]))
    p10, p90 = _repeated_percentiles(cads, counts, (10, 90))
    exponent = 3.5
    if p90 - p10 >= 12.0:
        w = np.array(counts, dtype=float)
        x = np.log(np.array(cads) / cad_ref)
        y = np.log(np.array(speeds) / easy_speed_mps)
        denom = float(np.add.reduce(w * x * x))
        if denom > 0:
            exponent = float(min(max(np.add.reduce(w * x * y) / denom, 2.0), 7.0))
    return CadenceModel(cadence_ref_spm=cad_ref, speed_ref_mps=easy_speed_mps,
                        exponent=exponent)


def estimate_profile(frames: Iterable[Columns] | Iterable[RunStats],
                     base: AthleteProfile | None = None) -> AthleteProfile:
    """Estimate the profile from prepared runs (or their :class:`RunStats`).

    Parameters
    ----------
    frames
        Prepared frames of the athlete's runs, or their stats.
    base
        Values to keep where the runs say nothing, and values set by the
        athlete (these are never replaced); the defaults when None.

    Returns
    -------
    AthleteProfile
        With source notes: ``estimated from this file only`` for one run,
        ``estimated from N runs`` for several.
    """
    stats = [s if isinstance(s, RunStats) else run_stats(s) for s in frames]
    n = len(stats)
    if n == 0:
        return base or AthleteProfile()
    # The defaults are only read (the result is a new profile).
    base = base or _DEFAULT_PROFILE
    note = FROM_THIS_FILE if n == 1 else from_runs(n)
    values: dict[str, Any] = {}
    sources = dict(base.sources)

    def put(name: str, value: float | CadenceModel | None) -> None:
        if value is None or base.source(name) == SET_BY_YOU:
            return
        if isinstance(value, float) and not math.isfinite(value):
            return
        values[name] = value
        sources[name] = note

    # Plain lists: a history has a few hundred runs, a file alone one.
    easy_runs = sorted(s.easy_speed_mps for s in stats
                       if s.running_s >= 300 and math.isfinite(s.easy_speed_mps))
    put("easy_speed_mps", sorted_median(easy_runs) if easy_runs else None)
    easy = float(values.get("easy_speed_mps", base.easy_speed_mps))

    bests = sorted(s.best_10s_mps for s in stats
                   if math.isfinite(s.best_10s_mps) and s.best_10s_mps < 12.0)
    if bests:
        top = sorted_median(bests[-3:])
        if n == 1 or len(bests) < 3:
            top = max(top, TOP_FLOOR_X_EASY * easy)
        put("top_speed_mps", top)
    thr = [s.best_20min_mps for s in stats
           if math.isfinite(s.best_20min_mps) and s.best_20min_mps < 7.0]
    if thr:
        best20 = float(max(thr))
        put("threshold_speed_mps", max(0.97 * best20, THRESHOLD_FLOOR_X_EASY * easy))
    elif "easy_speed_mps" in values and base.source("threshold_speed_mps") != SET_BY_YOU:
        put("threshold_speed_mps", THRESHOLD_FLOOR_X_EASY * easy)
    hr_max = sorted(s.max_hr for s in stats if math.isfinite(s.max_hr) and s.max_hr < 230)
    if hr_max:
        put("max_hr", float(hr_max[-2] if len(hr_max) >= 3 else hr_max[-1]))
    hr_low = [s.low_hr for s in stats if math.isfinite(s.low_hr) and s.low_hr > 30]
    if hr_low:
        put("rest_hr", float(min(hr_low)))
    put("cadence_model", _fit_cadence(stats, easy))
    return dataclasses.replace(base, sources=sources, n_runs=n, **values)
